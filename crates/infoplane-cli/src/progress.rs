//! Progress bars on stderr, one line per training (a seed, or a sweep
//! value's seed), redrawn in place.

use std::io::Write;

/// Per-training progress, drawn as `seed 3    [#####.....] 4000/8000 epochs 2.1 s, 2.0 s left`.
pub struct Progress {
    labels: Vec<String>,
    state: Vec<(usize, usize, f64)>,
    drawn: bool,
    enabled: bool,
}

impl Progress {
    /// One bar per label; `enabled = false` draws nothing.
    pub fn new(labels: Vec<String>, enabled: bool) -> Self {
        let n = labels.len();
        Progress {
            labels,
            state: vec![(0, 1, 0.0); n],
            drawn: false,
            enabled,
        }
    }

    /// Updates bar `i`.
    pub fn update(&mut self, i: usize, epoch: usize, epochs: usize, seconds: f64) {
        if let Some(st) = self.state.get_mut(i) {
            *st = (epoch, epochs.max(1), seconds);
            self.draw();
        }
    }

    fn draw(&mut self) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        if self.drawn {
            let _ = write!(err, "\x1b[{}A", self.labels.len());
        }
        for (label, &(e, n, t)) in self.labels.iter().zip(&self.state) {
            let filled = e * 30 / n;
            let left = if e > 0 {
                t * (n - e) as f64 / e as f64
            } else {
                f64::NAN
            };
            let _ = writeln!(
                err,
                "\x1b[2K{label} [{}{}] {e}/{n} epochs {t:.1} s{}",
                "#".repeat(filled),
                ".".repeat(30 - filled),
                if left.is_finite() {
                    format!(", {left:.1} s left")
                } else {
                    String::new()
                }
            );
        }
        self.drawn = true;
    }
}

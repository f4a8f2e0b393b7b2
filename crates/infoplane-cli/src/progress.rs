//! A progress bar on stderr, one line per seed, redrawn in place.

use std::io::Write;

/// Per-seed progress, drawn as `seed 3 [#####.....] 4000/8000 epochs 2.1 s, 2.0 s left`.
pub struct Progress {
    seeds: Vec<u64>,
    state: Vec<(usize, usize, f64)>,
    drawn: bool,
    enabled: bool,
}

impl Progress {
    /// Bars for `seeds`; `enabled = false` draws nothing.
    pub fn new(seeds: Vec<u64>, enabled: bool) -> Self {
        let n = seeds.len();
        Progress {
            seeds,
            state: vec![(0, 1, 0.0); n],
            drawn: false,
            enabled,
        }
    }

    /// Updates one seed's bar.
    pub fn update(&mut self, seed: u64, epoch: usize, epochs: usize, seconds: f64) {
        if let Some(i) = self.seeds.iter().position(|&s| s == seed) {
            self.state[i] = (epoch, epochs.max(1), seconds);
            self.draw();
        }
    }

    fn draw(&mut self) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        if self.drawn {
            let _ = write!(err, "\x1b[{}A", self.seeds.len());
        }
        for (s, &(e, n, t)) in self.seeds.iter().zip(&self.state) {
            let filled = e * 30 / n;
            let left = if e > 0 {
                t * (n - e) as f64 / e as f64
            } else {
                f64::NAN
            };
            let _ = writeln!(
                err,
                "\x1b[2Kseed {s:<4} [{}{}] {e}/{n} epochs {t:.1} s{}",
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

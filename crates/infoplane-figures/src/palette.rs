//! Colours: viridis for epochs, Okabe–Ito for layers.

use plotters::style::RGBColor;

/// Viridis (matplotlib's default map) sampled at ten evenly spaced points;
/// linear interpolation between them stays within one or two levels of the
/// full 256-entry table, which is invisible at plot sizes.
const VIRIDIS: [(u8, u8, u8); 10] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x28, 0x78),
    (0x3e, 0x4a, 0x89),
    (0x31, 0x68, 0x8e),
    (0x26, 0x82, 0x8e),
    (0x1f, 0x9e, 0x89),
    (0x35, 0xb7, 0x79),
    (0x6d, 0xcd, 0x59),
    (0xb4, 0xde, 0x2c),
    (0xfd, 0xe7, 0x25),
];

/// The viridis colour at `t` in [0, 1] (clamped; NaN reads as 0): dark
/// purple at 0, yellow at 1.
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let pos = t * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The Okabe–Ito colour-blind-safe palette, reordered so that the first
/// colours contrast best on white (yellow, the faintest, comes last).
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xb2), // blue
    RGBColor(0xe6, 0x9f, 0x00), // orange
    RGBColor(0x00, 0x9e, 0x73), // bluish green
    RGBColor(0xd5, 0x5e, 0x00), // vermillion
    RGBColor(0xcc, 0x79, 0xa7), // reddish purple
    RGBColor(0x56, 0xb4, 0xe9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xf0, 0xe4, 0x42), // yellow
];

/// The colour of 0-based layer `layer` (cycling after eight layers).
pub fn layer_colour(layer: usize) -> RGBColor {
    OKABE_ITO[layer % OKABE_ITO.len()]
}

/// How epochs map to colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EpochScale {
    /// Proportional to the epoch number, as IDNNs (most colour goes to the
    /// late epochs, since logged epochs are log-spaced).
    #[default]
    Linear,
    /// Proportional to log(epoch number): as much colour per decade.
    Log,
}

/// Epoch → colour over the 1-based epoch numbers `1..=last`, fixed by the
/// run's total epochs so that colours do not shift while a run grows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochColours {
    /// Linear or log.
    pub scale: EpochScale,
    /// The last epoch number (the run's total epochs, at least 2).
    pub last: usize,
}

impl EpochColours {
    /// Colours for a run of `total_epochs` epochs.
    pub fn new(scale: EpochScale, total_epochs: usize) -> Self {
        EpochColours {
            scale,
            last: total_epochs.max(2),
        }
    }

    /// Position in [0, 1] of the 1-based epoch number `n` (clamped).
    pub fn fraction(&self, n: f64) -> f64 {
        let last = self.last as f64;
        let t = match self.scale {
            EpochScale::Linear => (n - 1.0) / (last - 1.0),
            EpochScale::Log => libm::log(n.max(1.0)) / libm::log(last),
        };
        if t.is_nan() {
            0.0
        } else {
            t.clamp(0.0, 1.0)
        }
    }

    /// The 1-based epoch number at position `t` in [0, 1] (inverse of
    /// [`EpochColours::fraction`]).
    pub fn epoch_at(&self, t: f64) -> f64 {
        let (t, last) = (t.clamp(0.0, 1.0), self.last as f64);
        match self.scale {
            EpochScale::Linear => 1.0 + t * (last - 1.0),
            EpochScale::Log => libm::pow(last, t),
        }
    }

    /// The colour of record epoch index `epoch` (0-based, shown as `epoch + 1`).
    pub fn colour(&self, epoch: usize) -> RGBColor {
        viridis(self.fraction(epoch as f64 + 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_ends_and_clamps() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xfd, 0xe7, 0x25));
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        // Brightness rises monotonically (viridis is perceptually ordered).
        let lum = |c: RGBColor| {
            0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)
        };
        let l: Vec<f64> = (0..=50).map(|i| lum(viridis(i as f64 / 50.0))).collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]));
    }

    #[test]
    fn epoch_fractions() {
        let lin = EpochColours::new(EpochScale::Linear, 8000);
        assert_eq!(lin.fraction(1.0), 0.0);
        assert_eq!(lin.fraction(8000.0), 1.0);
        assert!((lin.fraction(4000.5) - 0.5).abs() < 1e-12);
        let log = EpochColours::new(EpochScale::Log, 10000);
        assert!((log.fraction(100.0) - 0.5).abs() < 1e-12);
        assert_eq!(log.colour(9999), viridis(1.0));
        for c in [lin, log] {
            for n in [1.0, 10.0, 777.0, 8000.0] {
                assert!((c.epoch_at(c.fraction(n)) - n).abs() < 1e-6 * n);
            }
        }
        // Degenerate totals do not divide by zero.
        assert_eq!(EpochColours::new(EpochScale::Linear, 0).fraction(1.0), 0.0);
        assert_eq!(EpochColours::new(EpochScale::Log, 1).fraction(2.0), 1.0);
    }
}

//! Numbers in sentences: short, and the same everywhere on the page.

/// A value with three significant digits, without exponent for the
/// magnitudes gradients take (0.000123 … 12300), e.g. 0.457, 0.0134, 12.3.
pub fn sig(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    let digits = (2 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
    format!("{v:.digits$}")
}

/// Bits with two decimals, e.g. "9.81 bits".
pub fn bits(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2} bits")
    } else {
        "n/a".into()
    }
}

/// A ratio as "×2.31" (three significant digits).
pub fn times(v: f64) -> String {
    format!("×{}", sig(v))
}

/// A fraction as a percentage with one decimal, e.g. "93.7%".
pub fn percent(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", 100.0 * v)
    } else {
        "n/a".into()
    }
}

/// Up to three decimals, trailing zeros dropped: 5, 1.189, 1.414, 0.5.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The layer name the figures use: "L1" for index 0.
pub fn layer(l: usize) -> String {
    format!("L{}", l + 1)
}

/// "1 seed", "4 seeds".
pub fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Seeds `first … first + n − 1` as "seed 0" or "seeds 0–3".
pub fn seed_range(first: u64, n: usize) -> String {
    match n {
        0 => "no seeds".into(),
        1 => format!("seed {first}"),
        _ => format!("seeds {first}–{}", first + n as u64 - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(sig(0.4566), "0.457");
        assert_eq!(sig(0.013_44), "0.0134");
        assert_eq!(sig(12.34), "12.3");
        assert_eq!(sig(1234.0), "1234");
        assert_eq!(short(5.0), "5");
        assert_eq!(short(1.189_207), "1.189");
        assert_eq!(short(10.0), "10");
        assert_eq!(short(-0.0001), "0");
        assert_eq!(bits(9.812), "9.81 bits");
        assert_eq!(times(2.314), "×2.31");
        assert_eq!(percent(0.9365), "93.7%");
        assert_eq!(seed_range(3, 4), "seeds 3–6");
        assert_eq!(count(1, "seed"), "1 seed");
    }
}

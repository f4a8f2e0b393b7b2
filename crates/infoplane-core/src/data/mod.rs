//! Data sets: the built-in var_u and digits sets, user CSV files, and the
//! train/test splits of the original codes.

mod builtin;
mod csv;
mod idx;
mod split;

#[cfg(any(test, feature = "embedded-data"))]
pub use builtin::digits;
pub use builtin::{var_u, ImageSet, DIGITS, MNIST5K};
pub use csv::{parse_csv, parse_matrix};
pub use idx::parse_idx;
pub use split::Split;

use serde::{Deserialize, Serialize};

/// Largest data set accepted (rows × features), to keep memory bounded in
/// a browser tab.
pub const MAX_CELLS: usize = 16 * 1024 * 1024;

/// A classification data set, rows in their original order.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// Short name shown to users.
    pub name: String,
    /// Number of input features per row.
    pub n_features: usize,
    /// Number of classes; labels are `0..n_classes`.
    pub n_classes: usize,
    /// Row-major features: row `r` is `x[r * n_features..(r + 1) * n_features]`.
    pub x: Vec<f32>,
    /// Class of each row.
    pub y: Vec<u32>,
    /// Original label value of each class index (for user data).
    pub class_names: Vec<String>,
}

impl Dataset {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when the set has no rows.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Features of row `r`.
    pub fn row(&self, r: usize) -> &[f32] {
        &self.x[r * self.n_features..(r + 1) * self.n_features]
    }

    /// Rows per class.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut c = vec![0; self.n_classes];
        for &y in &self.y {
            c[y as usize] += 1;
        }
        c
    }

    /// A summary for records and the UI.
    pub fn info(&self) -> DatasetInfo {
        DatasetInfo {
            name: self.name.clone(),
            rows: self.len(),
            features: self.n_features,
            classes: self.n_classes,
        }
    }
}

/// Magic of [`Dataset::to_bytes`].
const DATASET_MAGIC: &[u8; 4] = b"IPDS";
/// Version of [`Dataset::to_bytes`].
const DATASET_VERSION: u32 = 1;

impl Dataset {
    /// The set as bytes (little-endian, checked by [`Dataset::from_bytes`]):
    /// how the page hands a data set it has read once to its workers.
    pub fn to_bytes(&self) -> Vec<u8> {
        use crate::checkpoint::Writer;
        let mut w = Writer::with_capacity(64 + 4 * (self.x.len() + self.y.len()));
        w.bytes(DATASET_MAGIC);
        w.u32(DATASET_VERSION);
        w.str(&self.name);
        w.usize(self.n_features);
        w.usize(self.n_classes);
        w.f32s(&self.x);
        w.u32s(&self.y);
        w.usize(self.class_names.len());
        for c in &self.class_names {
            w.str(c);
        }
        w.buf
    }

    /// Reads [`Dataset::to_bytes`]; every size is checked against the bytes
    /// present and the set's shape is validated, so malformed input is an
    /// error, never a panic.
    pub fn from_bytes(b: &[u8]) -> Result<Dataset, crate::checkpoint::DecodeError> {
        let mut r = crate::checkpoint::Reader::new(b);
        r.header(DATASET_MAGIC, DATASET_VERSION)?;
        let name = r.string("name")?;
        let n_features = r.usize("features")?;
        let n_classes = r.usize("classes")?;
        let x = r.f32s(None, "features")?;
        let y = r.u32s("labels")?;
        let n_names = r.usize("class names")?;
        let mut class_names = Vec::new();
        // Each name takes at least its 8-byte length: a huge count fails
        // when the bytes run out.
        for _ in 0..n_names {
            class_names.push(r.string("class name")?);
        }
        r.end()?;
        let shape_ok = n_features > 0
            && n_classes > 0
            && y.len().checked_mul(n_features) == Some(x.len())
            && y.iter().all(|&c| (c as usize) < n_classes)
            && class_names.len() == n_classes;
        if !shape_ok {
            return Err(r.error(format!(
                "the shape does not add up: {} values, {} labels, {n_features} features, {n_classes} classes, {} class names",
                x.len(),
                y.len(),
                class_names.len()
            )));
        }
        Ok(Dataset {
            name,
            n_features,
            n_classes,
            x,
            y,
            class_names,
        })
    }
}

/// Size of a data set, as stored in run records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// Name of the set.
    pub name: String,
    /// Number of rows.
    pub rows: usize,
    /// Number of features.
    pub features: usize,
    /// Number of classes.
    pub classes: usize,
}

/// A problem with a user's data file, located for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataError {
    /// 1-based line (CSV) or byte offset context; `None` for whole-file errors.
    pub line: Option<usize>,
    /// 1-based column (CSV), or the header field (IDX).
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl DataError {
    pub(crate) fn file(message: impl Into<String>) -> Self {
        DataError {
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.line, &self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(c)) => write!(f, "{c}: {}", self.message),
            (None, None) => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for DataError {}

#[cfg(test)]
mod codec_tests {
    use super::*;

    #[test]
    fn a_data_set_round_trips_through_bytes_and_bad_bytes_are_errors() {
        let d = builtin::var_u();
        let b = d.to_bytes();
        assert_eq!(Dataset::from_bytes(&b).unwrap(), d);
        // Header 8 + name 8+5 + features 8 + classes 8 + x 8+4·49152 + y 8+4·4096
        // + names 8 + 2·(8+1).
        assert_eq!(b.len(), 8 + 13 + 16 + 8 + 4 * 49152 + 8 + 4 * 4096 + 8 + 18);
        for cut in [0, 3, 8, 20, b.len() - 1] {
            assert!(Dataset::from_bytes(&b[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad = b.clone();
        // The first label (after the x block) becomes class 7 of 2.
        let y0 = 8 + 13 + 16 + 8 + 4 * 49152 + 8;
        bad[y0] = 7;
        let e = Dataset::from_bytes(&bad).unwrap_err();
        assert!(e.message.starts_with("the shape does not add up"), "{e}");
        // A count of 2^61 values cannot fit the bytes left.
        let mut huge = b.clone();
        huge[8 + 13 + 16..8 + 13 + 16 + 8].copy_from_slice(&(1u64 << 61).to_le_bytes());
        assert!(Dataset::from_bytes(&huge).is_err());
    }
}

//! Data sets: the built-in var_u and digits sets, user CSV files, and the
//! train/test splits of the original codes.

mod builtin;
mod csv;
mod idx;
mod split;

#[cfg(any(test, feature = "embedded-data"))]
pub use builtin::digits;
pub use builtin::{var_u, ImageSet, DIGITS, MNIST5K};
pub use csv::{
    parse_csv, parse_labels, parse_matrix, parse_mi_inputs, LabelledActivations, MiFile,
    MiInputError, MAX_LABEL,
};
pub use idx::parse_idx;
pub use split::Split;

use serde::{Deserialize, Serialize};

/// Largest data set accepted (rows × features), to keep memory bounded in
/// a browser tab.
pub const MAX_CELLS: usize = 16 * 1024 * 1024;

/// A classification data set, rows in their original order. Built only by
/// [`Dataset::new`], which checks its shape, so [`Dataset::row`] and the
/// labels can be trusted everywhere.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    name: String,
    n_features: usize,
    x: Vec<f32>,
    y: Vec<u32>,
    class_names: Vec<String>,
}

impl Dataset {
    /// A data set from row-major features `x` (row `r` is
    /// `x[r * n_features..(r + 1) * n_features]`), each row's class index
    /// `y`, and the original label of each class (`class_names.len()` is
    /// the number of classes). Checked: at least one row and one feature,
    /// `x.len() == y.len() × n_features`, at most [`MAX_CELLS`] values, every
    /// value finite, every class index below the number of classes.
    pub fn new(
        name: impl Into<String>,
        n_features: usize,
        x: Vec<f32>,
        y: Vec<u32>,
        class_names: Vec<String>,
    ) -> Result<Dataset, DataError> {
        let rows = y.len();
        if rows == 0 || n_features == 0 {
            return Err(DataError::file(format!(
                "{rows} rows of {n_features} features: at least one of each is needed"
            )));
        }
        match rows.checked_mul(n_features) {
            Some(cells) if cells > MAX_CELLS => {
                return Err(DataError::file(format!(
                    "{rows} rows of {n_features} features exceed the limit of {MAX_CELLS} values"
                )))
            }
            Some(cells) if cells == x.len() => {}
            _ => {
                return Err(DataError::file(format!(
                    "{} feature values do not fill {rows} rows of {n_features}",
                    x.len()
                )))
            }
        }
        if let Some(i) = x.iter().position(|v| !v.is_finite()) {
            return Err(DataError::file(format!(
                "row {}, feature {}: {} is not a finite number",
                i / n_features + 1,
                i % n_features + 1,
                x[i]
            )));
        }
        let n_classes = class_names.len();
        if let Some(r) = y.iter().position(|&c| c as usize >= n_classes) {
            return Err(DataError::file(format!(
                "row {}: class index {} is not below the number of classes, {n_classes}",
                r + 1,
                y[r]
            )));
        }
        Ok(Dataset {
            name: name.into(),
            n_features,
            x,
            y,
            class_names,
        })
    }

    /// Short name shown to users.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of input features per row (at least 1).
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of classes; labels are `0..n_classes`.
    pub fn n_classes(&self) -> usize {
        self.class_names.len()
    }

    /// Row-major features: row `r` is `x[r * n_features..(r + 1) * n_features]`.
    pub fn x(&self) -> &[f32] {
        &self.x
    }

    /// Class index of each row, each below [`Dataset::n_classes`].
    pub fn y(&self) -> &[u32] {
        &self.y
    }

    /// Original label value of each class index (for user data).
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// Number of rows (at least 1).
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when the set has no rows (never, for a set built by
    /// [`Dataset::new`]).
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Features of row `r`, for `r < len()` (the shape checked at
    /// construction makes every such row whole).
    pub fn row(&self, r: usize) -> &[f32] {
        &self.x[r * self.n_features..(r + 1) * self.n_features]
    }

    /// Rows per class.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut c = vec![0; self.n_classes()];
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
            classes: self.n_classes(),
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
        w.f32s(&self.x);
        w.u32s(&self.y);
        w.usize(self.class_names.len());
        for c in &self.class_names {
            w.str(c);
        }
        w.buf
    }

    /// Reads [`Dataset::to_bytes`]; every size is checked against the bytes
    /// present and the set is validated as [`Dataset::new`] validates it,
    /// so malformed input is an error, never a panic.
    pub fn from_bytes(b: &[u8]) -> Result<Dataset, String> {
        let mut r = crate::checkpoint::Reader::new(b);
        let decoded = (|| {
            r.header(DATASET_MAGIC, DATASET_VERSION)?;
            let name = r.string("name")?;
            let n_features = r.usize("features")?;
            let x = r.f32s(None, "features")?;
            let y = r.u32s("labels")?;
            let n_names = r.usize("class names")?;
            let mut class_names = Vec::new();
            // Each name takes at least its 8-byte length: a huge count
            // fails when the bytes run out.
            for _ in 0..n_names {
                class_names.push(r.string("class name")?);
            }
            r.end()?;
            Ok::<_, crate::checkpoint::DecodeError>((name, n_features, x, y, class_names))
        })();
        let (name, n_features, x, y, class_names) =
            decoded.map_err(|e| format!("data set bytes: {e}"))?;
        Dataset::new(name, n_features, x, y, class_names).map_err(|e| e.to_string())
    }
}

/// Dense class indexes of raw labels: the distinct labels in ascending
/// order (class `k` is the `k`-th smallest) and each row's class index.
/// Shared by the CSV and IDX readers.
pub(crate) fn dense_classes<T: Ord + Copy>(raw: &[T]) -> (Vec<T>, Vec<u32>) {
    let mut classes = raw.to_vec();
    classes.sort_unstable();
    classes.dedup();
    // Every label is among the classes, so the search always finds it.
    let y = raw
        .iter()
        .map(|l| classes.binary_search(l).unwrap_or_else(|i| i) as u32)
        .collect();
    (classes, y)
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
    /// 1-based line (CSV); `None` for whole-file and IDX header errors.
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
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|c| c.to_string()).collect()
    }

    #[test]
    fn construction_checks_the_shape() {
        let d = Dataset::new(
            "t",
            2,
            vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            vec![0, 1, 1],
            names(2),
        )
        .unwrap();
        assert_eq!((d.len(), d.n_features(), d.n_classes()), (3, 2, 2));
        assert_eq!(d.row(2), &[4.0, 5.0]);
        assert_eq!(d.class_counts(), vec![1, 2]);
        let err = |n_features, x: Vec<f32>, y: Vec<u32>, classes| {
            Dataset::new("t", n_features, x, y, names(classes))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(2, vec![0.0; 5], vec![0, 1, 1], 2),
            "5 feature values do not fill 3 rows of 2"
        );
        assert_eq!(
            err(2, vec![0.0; 6], vec![0, 2, 1], 2),
            "row 2: class index 2 is not below the number of classes, 2"
        );
        assert_eq!(
            err(0, vec![], vec![0], 1),
            "1 rows of 0 features: at least one of each is needed"
        );
        assert_eq!(
            err(1, vec![], vec![], 1),
            "0 rows of 1 features: at least one of each is needed"
        );
        assert_eq!(
            err(2, vec![0.0, f32::NAN], vec![0], 1),
            "row 1, feature 2: NaN is not a finite number"
        );
        // rows × features overflows usize: refused before any indexing.
        assert_eq!(
            err(usize::MAX, vec![], vec![0, 0], 1),
            format!("0 feature values do not fill 2 rows of {}", usize::MAX)
        );
        assert!(err(MAX_CELLS, vec![], vec![0, 0], 1).contains("exceed the limit"));
    }

    #[test]
    fn dense_classes_rank_the_labels() {
        // Distinct labels sorted: [-4, 3, 7]; each row's index among them.
        let (classes, y) = dense_classes(&[7i64, 3, 7, -4]);
        assert_eq!(classes, vec![-4, 3, 7]);
        assert_eq!(y, vec![2, 1, 2, 0]);
        let (classes, y) = dense_classes::<u8>(&[]);
        assert!(classes.is_empty() && y.is_empty());
    }
}

#[cfg(test)]
mod codec_tests {
    use super::*;

    #[test]
    fn a_data_set_round_trips_through_bytes_and_bad_bytes_are_errors() {
        let d = builtin::var_u();
        let b = d.to_bytes();
        assert_eq!(Dataset::from_bytes(&b).unwrap(), d);
        // Header 8 + name 8+5 + features 8 + x 8+4·49152 + y 8+4·4096
        // + names 8 + 2·(8+1).
        let y0 = 8 + 13 + 8 + 8 + 4 * 49152 + 8;
        assert_eq!(b.len(), y0 + 4 * 4096 + 8 + 18);
        for cut in [0, 3, 8, 20, b.len() - 1] {
            assert!(Dataset::from_bytes(&b[..cut]).is_err(), "cut at {cut}");
        }
        // The first label becomes class 7 of 2.
        let mut bad = b.clone();
        bad[y0] = 7;
        let e = Dataset::from_bytes(&bad).unwrap_err();
        assert!(e.contains("class index 7 is not below"), "{e}");
        // A count of 2^61 values cannot fit the bytes left.
        let mut huge = b.clone();
        huge[8 + 13 + 8..8 + 13 + 16].copy_from_slice(&(1u64 << 61).to_le_bytes());
        assert!(Dataset::from_bytes(&huge).is_err());
    }
}

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

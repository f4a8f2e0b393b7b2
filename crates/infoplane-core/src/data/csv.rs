//! User data from CSV: numeric features, the last column an integer class;
//! plain numeric matrices and label columns (for `infoplane mi`).

use super::{dense_classes, DataError, Dataset, MAX_CELLS};

/// Most distinct classes in a CSV data set.
const MAX_CLASSES: usize = 1000;

/// The non-blank lines of `text` with their 1-based numbers (a leading BOM
/// and trailing `\r` removed), and the separator: the first of comma,
/// semicolon or tab found on the first line (comma if none).
fn lines_and_separator(
    text: &str,
) -> (
    std::iter::Peekable<impl Iterator<Item = (usize, &str)>>,
    char,
) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    let sep = lines
        .peek()
        .and_then(|(_, first)| [',', ';', '\t'].into_iter().find(|&c| first.contains(c)))
        .unwrap_or(',');
    (lines, sep)
}

/// Number of fields of `line` (counted without allocating).
fn field_count(line: &str, sep: char) -> usize {
    line.split(sep).count()
}

/// The error for a line whose field count differs from the first line's.
fn columns_err(line: usize, want: usize, found: usize) -> DataError {
    DataError {
        line: Some(line),
        column: None,
        message: format!("expected {want} columns, found {found}"),
    }
}

/// The error for a file past [`MAX_CELLS`], at `line`.
fn too_large(line: usize) -> DataError {
    DataError {
        line: Some(line),
        column: None,
        message: format!("too large: at most {MAX_CELLS} values are accepted"),
    }
}

/// True when `rows` rows of `cols` values exceed [`MAX_CELLS`] (or their
/// count overflows).
fn over_limit(rows: usize, cols: usize) -> bool {
    rows.checked_mul(cols).is_none_or(|c| c > MAX_CELLS)
}

/// Parses a CSV text into a data set. An optional header line is recognised
/// when its last field is not a number. Separators: comma, semicolon or tab
/// (taken from the first line). Errors name the 1-based line and column.
pub fn parse_csv(name: &str, text: &str) -> Result<Dataset, DataError> {
    let (mut lines, sep) = lines_and_separator(text);
    let Some((first_no, first)) = lines.next() else {
        return Err(DataError::file("the file is empty"));
    };
    let ncols = field_count(first, sep);
    if ncols < 2 {
        return Err(DataError {
            line: Some(first_no),
            column: None,
            message: "need at least two columns (features, then the class)".into(),
        });
    }
    let nf = ncols - 1;
    if over_limit(1, nf) {
        return Err(too_large(first_no));
    }
    let is_header = first
        .rsplit(sep)
        .next()
        .is_some_and(|f| f.trim().parse::<f64>().is_err());
    // Column c's header name, looked up only for an error message (a
    // header of millions of fields is not copied).
    let col_name = |c: usize| -> String {
        let h = is_header
            .then(|| first.split(sep).nth(c).map(str::trim))
            .flatten();
        match h {
            Some(h) if !h.is_empty() => format!("{} (\"{h}\")", c + 1),
            _ => (c + 1).to_string(),
        }
    };
    let mut x: Vec<f32> = Vec::new();
    let mut raw_labels: Vec<i64> = Vec::new();
    let data_lines = std::iter::once((first_no, first))
        .filter(|_| !is_header)
        .chain(lines);
    for (no, line) in data_lines {
        let found = field_count(line, sep);
        if found != ncols {
            return Err(columns_err(no, ncols, found));
        }
        if over_limit(raw_labels.len() + 1, nf) {
            return Err(too_large(no));
        }
        let mut fields = line.split(sep).map(str::trim);
        for (c, f) in fields.by_ref().take(nf).enumerate() {
            let v: f32 = f.parse().map_err(|_| DataError {
                line: Some(no),
                column: Some(col_name(c)),
                message: format!("\"{f}\" is not a number"),
            })?;
            if !v.is_finite() {
                return Err(DataError {
                    line: Some(no),
                    column: Some(col_name(c)),
                    message: format!("\"{f}\" is not a finite number"),
                });
            }
            x.push(v);
        }
        let lab = fields.next().unwrap_or_default();
        let label: i64 = lab.parse().map_err(|_| DataError {
            line: Some(no),
            column: Some(col_name(nf)),
            message: format!("the class \"{lab}\" is not an integer"),
        })?;
        raw_labels.push(label);
    }
    if raw_labels.is_empty() {
        return Err(DataError::file("the file has a header but no data rows"));
    }
    let (classes, y) = dense_classes(&raw_labels);
    if classes.len() < 2 {
        return Err(DataError::file(format!(
            "the class column (column {}) holds a single class; at least two are needed",
            col_name(nf)
        )));
    }
    if classes.len() > MAX_CLASSES {
        return Err(DataError::file(format!(
            "the class column (column {}) holds {} distinct values; at most {MAX_CLASSES} classes are accepted",
            col_name(nf),
            classes.len()
        )));
    }
    let class_names = classes.iter().map(|c| c.to_string()).collect();
    Dataset::new(name, nf, x, y, class_names)
}

/// Reads a CSV of numbers only (an optional header line whose first field
/// is not a number is skipped): each field through `parse`, which returns
/// `None` for text it does not accept, named in the error as `what`.
/// Returns the row-major values, the row count and the column count.
fn parse_numbers<T>(
    text: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<(Vec<T>, usize, usize), DataError> {
    let (mut lines, sep) = lines_and_separator(text);
    let Some(&(_, first)) = lines.peek() else {
        return Err(DataError::file("the file is empty"));
    };
    if first
        .split(sep)
        .next()
        .is_some_and(|f| f.trim().parse::<f64>().is_err())
    {
        lines.next();
    }
    let (mut values, mut rows, mut cols) = (Vec::new(), 0usize, None);
    for (no, line) in lines {
        let found = field_count(line, sep);
        let n = *cols.get_or_insert(found);
        if found != n {
            return Err(columns_err(no, n, found));
        }
        if over_limit(rows + 1, n) {
            return Err(too_large(no));
        }
        for (c, f) in line.split(sep).map(str::trim).enumerate() {
            let v = parse(f).ok_or_else(|| DataError {
                line: Some(no),
                column: Some((c + 1).to_string()),
                message: format!("\"{f}\" is not {what}"),
            })?;
            values.push(v);
        }
        rows += 1;
    }
    match cols {
        Some(c) if rows > 0 => Ok((values, rows, c)),
        _ => Err(DataError::file("the file has no data rows")),
    }
}

/// Parses a CSV of numbers only (an optional header line whose first field
/// is not a number is skipped), e.g. activations exported from another
/// framework. Returns the row-major values, the row count and the column
/// count. Errors name the 1-based line and column.
pub fn parse_matrix(text: &str) -> Result<(Vec<f32>, usize, usize), DataError> {
    parse_numbers(text, "a number", |f| f.parse::<f32>().ok())
}

/// Largest class label [`parse_labels`] accepts.
pub const MAX_LABEL: u32 = 1_000_000;

/// Parses a column of class labels, one per line (an optional header line
/// whose field is not a number is skipped): whole numbers from 0 to
/// [`MAX_LABEL`], written as integers or as floats without a fraction
/// (`3` or `3.0`, as numpy writes them). Returns the labels and the number
/// of classes (the largest label + 1). Errors name the 1-based line.
pub fn parse_labels(text: &str) -> Result<(Vec<u32>, usize), DataError> {
    let what = format!("a class number from 0 to {MAX_LABEL}");
    let (labels, _, cols) = parse_numbers(text, &what, |f| {
        let v: f64 = f.parse().ok()?;
        // In range and whole: the cast is exact.
        ((0.0..=f64::from(MAX_LABEL)).contains(&v) && v.fract() == 0.0).then_some(v as u32)
    })?;
    if cols != 1 {
        return Err(DataError::file(format!(
            "{cols} columns; labels need exactly one"
        )));
    }
    let n_classes = labels.iter().max().map_or(1, |&m| m as usize + 1);
    Ok((labels, n_classes))
}

/// A layer's activations with one label per row (the inputs of `infoplane
/// mi`).
#[derive(Clone, Debug, PartialEq)]
pub struct LabelledActivations {
    /// Row-major activations, `rows` × `width`.
    pub data: Vec<f32>,
    /// Number of rows (inputs).
    pub rows: usize,
    /// Number of columns (units).
    pub width: usize,
    /// Class of each row.
    pub labels: Vec<u32>,
    /// Number of classes (the largest label + 1).
    pub n_classes: usize,
}

impl LabelledActivations {
    /// The activations as an estimator's layer.
    pub fn view(&self) -> crate::estimators::LayerView<'_> {
        crate::estimators::LayerView {
            data: &self.data,
            rows: self.rows,
            width: self.width,
        }
    }
}

/// Which of `infoplane mi`'s two files an error is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MiFile {
    /// The activations matrix.
    Activations,
    /// The labels column.
    Labels,
}

/// A problem with one of `infoplane mi`'s input files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MiInputError {
    /// The file at fault.
    pub file: MiFile,
    /// What is wrong, located in that file.
    pub error: DataError,
}

impl std::fmt::Display for MiInputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = match self.file {
            MiFile::Activations => "activations",
            MiFile::Labels => "labels",
        };
        write!(f, "{file}: {}", self.error)
    }
}

impl std::error::Error for MiInputError {}

/// Reads `infoplane mi`'s inputs: an activations matrix (see
/// [`parse_matrix`]) and a labels column (see [`parse_labels`]) with one
/// label per activation row. Errors name the file, then the line and
/// column.
pub fn parse_mi_inputs(
    activations: &str,
    labels: &str,
) -> Result<LabelledActivations, MiInputError> {
    let in_file = |file| move |error| MiInputError { file, error };
    let (data, rows, width) = parse_matrix(activations).map_err(in_file(MiFile::Activations))?;
    let (labels, n_classes) = parse_labels(labels).map_err(in_file(MiFile::Labels))?;
    if labels.len() != rows {
        return Err(in_file(MiFile::Labels)(DataError::file(format!(
            "{} labels for {rows} activation rows; one label per row is needed",
            labels.len()
        ))));
    }
    Ok(LabelledActivations {
        data,
        rows,
        width,
        labels,
        n_classes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_header() {
        let d = parse_csv("t", "a,b,class\n0.5,1,3\n1,2,7\n").unwrap();
        assert_eq!((d.len(), d.n_features(), d.n_classes()), (2, 2, 2));
        assert_eq!(d.y(), &[0, 1]);
        assert_eq!(d.class_names(), &["3", "7"]);
        let d = parse_csv("t", "0.5;1;0\r\n1;2;1\r\n\r\n").unwrap();
        assert_eq!(d.x(), &[0.5, 1.0, 1.0, 2.0]);
    }

    #[test]
    fn matrices_parse_with_errors_located() {
        assert_eq!(
            parse_matrix("u0,u1\n1,2\n3,4\n").unwrap(),
            (vec![1.0, 2.0, 3.0, 4.0], 2, 2)
        );
        assert_eq!(parse_matrix("0\n1\n").unwrap(), (vec![0.0, 1.0], 2, 1));
        assert_eq!(
            parse_matrix("1,2\n3,y\n").unwrap_err().to_string(),
            "line 2, column 2: \"y\" is not a number"
        );
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_csv("t", "a,b,y\n1,2,0\n1,x,1\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.column.as_deref(), Some("2 (\"b\")"));
        assert_eq!(
            e.to_string(),
            "line 3, column 2 (\"b\"): \"x\" is not a number"
        );
        let e = parse_csv("t", "1,2,0\n1,2\n").unwrap_err();
        assert_eq!(e.to_string(), "line 2: expected 3 columns, found 2");
        let e = parse_csv("t", "1,2,0\n1,2,0.5\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column 3: the class \"0.5\" is not an integer"
        );
        let e = parse_csv("t", "1,2,0\n3,4,0\n").unwrap_err();
        assert!(e.to_string().contains("single class"));
        assert_eq!(
            parse_csv("t", "").unwrap_err().to_string(),
            "the file is empty"
        );
        let e = parse_csv("t", "1,nan,0\n").unwrap_err();
        assert!(e.to_string().contains("not a finite number"), "{e}");
    }

    #[test]
    fn sizes_past_the_limit_are_refused_before_allocating() {
        // A first line of MAX_CELLS + 1 features (MAX_CELLS + 2 fields).
        let wide = ",".repeat(MAX_CELLS + 1);
        assert_eq!(
            parse_csv("t", &wide).unwrap_err().to_string(),
            format!("line 1: too large: at most {MAX_CELLS} values are accepted")
        );
        // Two rows of MAX_CELLS / 2 + 1 values each: the second is refused.
        let row = vec!["0"; MAX_CELLS / 2 + 1].join(",");
        let e = parse_matrix(&format!("{row}\n{row}\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("line 2: too large: at most {MAX_CELLS} values are accepted")
        );
    }

    #[test]
    fn labels_are_whole_numbers_in_one_column() {
        assert_eq!(parse_labels("y\n0\n2.0\n1\n").unwrap(), (vec![0, 2, 1], 3));
        let e = parse_labels("0\n1.5\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("line 2, column 1: \"1.5\" is not a class number from 0 to {MAX_LABEL}")
        );
        let e = parse_labels("0\n-1\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = parse_labels("0\n1000001\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert_eq!(
            parse_labels("0,1\n1,0\n").unwrap_err().to_string(),
            "2 columns; labels need exactly one"
        );
    }

    #[test]
    fn mi_inputs_name_the_file() {
        let ok = parse_mi_inputs("u0,u1\n0.1,0.2\n0.3,0.4\n", "0\n3\n").unwrap();
        assert_eq!((ok.rows, ok.width, ok.n_classes), (2, 2, 4));
        assert_eq!(ok.labels, vec![0, 3]);
        let e = parse_mi_inputs("0.1,0.2\n0.3,x\n", "0\n1\n").unwrap_err();
        assert_eq!(e.file, MiFile::Activations);
        assert_eq!(
            e.to_string(),
            "activations: line 2, column 2: \"x\" is not a number"
        );
        let e = parse_mi_inputs("0.1\n0.3\n", "0\n1\n1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "labels: 3 labels for 2 activation rows; one label per row is needed"
        );
    }
}

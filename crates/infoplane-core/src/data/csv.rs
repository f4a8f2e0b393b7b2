//! User data from CSV: numeric features, the last column an integer class.

use super::{DataError, Dataset, MAX_CELLS};

/// Parses a CSV text into a data set. An optional header line is recognised
/// when its last field is not a number. Separators: comma, semicolon or tab
/// (taken from the first line). Errors name the 1-based line and column.
pub fn parse_csv(name: &str, text: &str) -> Result<Dataset, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((first_no, first)) = lines.next() else {
        return Err(DataError::file("the file is empty"));
    };
    let sep = [',', ';', '\t']
        .into_iter()
        .find(|&c| first.contains(c))
        .unwrap_or(',');
    let first_fields: Vec<&str> = first.split(sep).map(str::trim).collect();
    let ncols = first_fields.len();
    if ncols < 2 {
        return Err(DataError {
            line: Some(first_no),
            column: None,
            message: "need at least two columns (features, then the class)".into(),
        });
    }
    let header: Vec<String> = if first_fields
        .last()
        .is_some_and(|f| f.parse::<f64>().is_err())
    {
        first_fields.iter().map(|s| s.to_string()).collect()
    } else {
        Vec::new()
    };
    let col_name = |c: usize| -> String {
        match header.get(c) {
            Some(h) if !h.is_empty() => format!("{} (\"{h}\")", c + 1),
            _ => (c + 1).to_string(),
        }
    };
    let nf = ncols - 1;
    let mut x: Vec<f32> = Vec::new();
    let mut raw_labels: Vec<i64> = Vec::new();
    let data_lines = std::iter::once((first_no, first))
        .filter(|_| header.is_empty())
        .chain(lines);
    for (no, line) in data_lines {
        let fields: Vec<&str> = line.split(sep).map(str::trim).collect();
        if fields.len() != ncols {
            return Err(DataError {
                line: Some(no),
                column: None,
                message: format!("expected {ncols} columns, found {}", fields.len()),
            });
        }
        if (raw_labels.len() + 1) * ncols > MAX_CELLS {
            return Err(DataError {
                line: Some(no),
                column: None,
                message: format!("too large: at most {MAX_CELLS} values are accepted"),
            });
        }
        for (c, f) in fields[..nf].iter().enumerate() {
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
        let lab = fields[nf];
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
    let mut classes: Vec<i64> = raw_labels.clone();
    classes.sort_unstable();
    classes.dedup();
    if classes.len() < 2 {
        return Err(DataError::file(format!(
            "the class column (column {}) holds a single class; at least two are needed",
            col_name(nf)
        )));
    }
    if classes.len() > 1000 {
        return Err(DataError::file(format!(
            "the class column (column {}) holds {} distinct values; at most 1000 classes are accepted",
            col_name(nf),
            classes.len()
        )));
    }
    let y = raw_labels
        .iter()
        .map(|l| {
            classes
                .binary_search(l)
                .expect("label is among the classes") as u32
        })
        .collect();
    Ok(Dataset {
        name: name.to_string(),
        n_features: nf,
        n_classes: classes.len(),
        x,
        y,
        class_names: classes.iter().map(|c| c.to_string()).collect(),
    })
}

/// Parses a CSV of numbers only (an optional header line whose first field
/// is not a number is skipped), e.g. activations exported from another
/// framework. Returns the row-major values, the row count and the column
/// count. Errors name the 1-based line and column.
pub fn parse_matrix(text: &str) -> Result<(Vec<f32>, usize, usize), DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .peekable();
    let Some(&(_, first)) = lines.peek() else {
        return Err(DataError::file("the file is empty"));
    };
    let sep = [',', ';', '\t']
        .into_iter()
        .find(|&c| first.contains(c))
        .unwrap_or(',');
    if first
        .split(sep)
        .next()
        .is_some_and(|f| f.trim().parse::<f64>().is_err())
    {
        lines.next();
    }
    let (mut values, mut rows, mut cols) = (Vec::new(), 0usize, None);
    for (no, line) in lines {
        let fields: Vec<&str> = line.split(sep).map(str::trim).collect();
        let n = *cols.get_or_insert(fields.len());
        if fields.len() != n {
            return Err(DataError {
                line: Some(no),
                column: None,
                message: format!("expected {n} columns, found {}", fields.len()),
            });
        }
        if values.len() + n > MAX_CELLS {
            return Err(DataError {
                line: Some(no),
                column: None,
                message: format!("too large: at most {MAX_CELLS} values are accepted"),
            });
        }
        for (c, f) in fields.iter().enumerate() {
            match f.parse::<f32>() {
                Ok(v) => values.push(v),
                Err(_) => {
                    return Err(DataError {
                        line: Some(no),
                        column: Some((c + 1).to_string()),
                        message: format!("\"{f}\" is not a number"),
                    })
                }
            }
        }
        rows += 1;
    }
    match cols {
        Some(c) if rows > 0 => Ok((values, rows, c)),
        _ => Err(DataError::file("the file has no data rows")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_header() {
        let d = parse_csv("t", "a,b,class\n0.5,1,3\n1,2,7\n").unwrap();
        assert_eq!((d.len(), d.n_features, d.n_classes), (2, 2, 2));
        assert_eq!(d.y, vec![0, 1]);
        assert_eq!(d.class_names, vec!["3", "7"]);
        let d = parse_csv("t", "0.5;1;0\r\n1;2;1\r\n\r\n").unwrap();
        assert_eq!(d.x, vec![0.5, 1.0, 1.0, 2.0]);
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
}

//! MNIST-style IDX files (an images file and a labels file, unsigned bytes).

use super::{DataError, Dataset, MAX_CELLS};

fn header_err(file: &str, field: &str, message: String) -> DataError {
    DataError {
        line: None,
        column: Some(format!("{file} header, {field}")),
        message,
    }
}

fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Reads the dimensions of an IDX file of unsigned bytes with `ndims` dimensions.
fn idx_dims(file: &str, b: &[u8], ndims: u8) -> Result<Vec<usize>, DataError> {
    if b.len() < 4 {
        return Err(header_err(
            file,
            "magic number",
            format!("the file has only {} bytes", b.len()),
        ));
    }
    if b[0] != 0 || b[1] != 0 {
        return Err(header_err(
            file,
            "magic number",
            format!("starts with {:02x} {:02x}, not 00 00: not an IDX file (is it still gzip-compressed?)", b[0], b[1]),
        ));
    }
    if b[2] != 0x08 {
        return Err(header_err(
            file,
            "data type",
            format!("0x{:02x}, expected 0x08 (unsigned byte)", b[2]),
        ));
    }
    if b[3] != ndims {
        return Err(header_err(
            file,
            "number of dimensions",
            format!("{}, expected {ndims}", b[3]),
        ));
    }
    let head = 4 + 4 * ndims as usize;
    if b.len() < head {
        return Err(header_err(
            file,
            "dimensions",
            "the header is cut short".into(),
        ));
    }
    let dims: Vec<usize> = (0..ndims as usize)
        .map(|i| be_u32(b, 4 + 4 * i) as usize)
        .collect();
    let body: usize = dims.iter().product();
    if b.len() - head != body {
        return Err(header_err(
            file,
            "dimensions",
            format!(
                "{:?} announce {body} bytes of data but the file holds {}",
                dims,
                b.len() - head
            ),
        ));
    }
    Ok(dims)
}

/// Builds a data set from an IDX images file (3 dimensions: n × rows × cols)
/// and an IDX labels file (1 dimension: n). Pixels are scaled to [0, 1].
pub fn parse_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Dataset, DataError> {
    let d = idx_dims("images", images, 3)?;
    let l = idx_dims("labels", labels, 1)?;
    let (n, nf) = (d[0], d[1] * d[2]);
    if l[0] != n {
        return Err(header_err(
            "labels",
            "item count",
            format!("{} labels for {n} images", l[0]),
        ));
    }
    if n == 0 || nf == 0 {
        return Err(header_err("images", "dimensions", "no images".into()));
    }
    if n * nf > MAX_CELLS {
        return Err(DataError::file(format!(
            "{n} images of {nf} pixels exceed the limit of {MAX_CELLS} values ({} images of this size); \
             use a smaller file such as MNIST's 10 000-image t10k set",
            MAX_CELLS / nf
        )));
    }
    let x = images[16..].iter().map(|&v| f32::from(v) / 255.0).collect();
    let raw: Vec<u8> = labels[8..].to_vec();
    let mut classes = raw.clone();
    classes.sort_unstable();
    classes.dedup();
    if classes.len() < 2 {
        return Err(header_err(
            "labels",
            "values",
            "a single class; at least two are needed".into(),
        ));
    }
    let y = raw
        .iter()
        .map(|v| classes.binary_search(v).expect("present") as u32)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut b = vec![0, 0, 8, dims.len() as u8];
        for d in dims {
            b.extend(d.to_be_bytes());
        }
        b.extend(data);
        b
    }

    #[test]
    fn reads_images_and_labels() {
        let im = idx(&[3, 2, 2], &[0, 255, 0, 0, 1, 1, 1, 1, 9, 9, 9, 9]);
        let lb = idx(&[3], &[7, 2, 7]);
        let d = parse_idx("m", &im, &lb).unwrap();
        assert_eq!((d.len(), d.n_features, d.n_classes), (3, 4, 2));
        assert_eq!(d.x[1], 1.0);
        assert_eq!(d.y, vec![1, 0, 1]);
    }

    #[test]
    fn wrong_headers_name_the_field() {
        let lb = idx(&[1], &[0]);
        let mut bad = idx(&[1, 1, 1], &[0]);
        bad[2] = 0x0d;
        assert_eq!(
            parse_idx("m", &bad, &lb).unwrap_err().to_string(),
            "images header, data type: 0x0d, expected 0x08 (unsigned byte)"
        );
        let e = parse_idx("m", &idx(&[2, 1, 1], &[0]), &lb).unwrap_err();
        assert!(
            e.to_string().starts_with("images header, dimensions:"),
            "{e}"
        );
        let e = parse_idx("m", &[0x1f, 0x8b, 8, 0], &lb).unwrap_err();
        assert!(e.to_string().contains("gzip"), "{e}");
        let e = parse_idx("m", &idx(&[2, 1, 1], &[0, 1]), &lb).unwrap_err();
        assert_eq!(
            e.to_string(),
            "labels header, item count: 1 labels for 2 images"
        );
    }
}

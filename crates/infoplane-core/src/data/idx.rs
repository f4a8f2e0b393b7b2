//! MNIST-style IDX files (an images file and a labels file, unsigned bytes).

use super::{dense_classes, DataError, Dataset, MAX_CELLS};

fn header_err(file: &str, field: &str, message: String) -> DataError {
    DataError {
        line: None,
        column: Some(format!("{file} header, {field}")),
        message,
    }
}

/// Reads the dimensions of an IDX file of unsigned bytes with `ndims`
/// dimensions, checking that the data after the header holds exactly their
/// product in bytes. The product is taken in checked u64 arithmetic, the
/// same on every target, so a crafted header can neither wrap around
/// (wasm32's `usize` is 32 bits) nor announce more than the file holds.
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
    let head = 4 + 4 * usize::from(ndims);
    let (Some(fields), Some(body)) = (b.get(4..head), b.get(head..)) else {
        return Err(header_err(
            file,
            "dimensions",
            "the header is cut short".into(),
        ));
    };
    let dims: Vec<u64> = fields
        .chunks_exact(4)
        .map(|c| u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
        .collect();
    let shown = dims
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" × ");
    let Some(announced) = dims.iter().try_fold(1u64, |p, &d| p.checked_mul(d)) else {
        return Err(header_err(
            file,
            "dimensions",
            format!("{shown} overflows 64 bits: no file holds that many bytes"),
        ));
    };
    let held = body.len();
    if usize::try_from(announced) != Ok(held) {
        return Err(header_err(
            file,
            "dimensions",
            format!("{shown} announce {announced} bytes of data but the file holds {held}"),
        ));
    }
    // The product equals a length in memory, so each dimension fits usize.
    dims.iter()
        .map(|&d| usize::try_from(d))
        .collect::<Result<_, _>>()
        .map_err(|_| header_err(file, "dimensions", format!("{shown} do not fit in memory")))
}

/// Builds a data set from an IDX images file (3 dimensions: n × rows × cols)
/// and an IDX labels file (1 dimension: n). Pixels are scaled to [0, 1].
pub fn parse_idx(name: &str, images: &[u8], labels: &[u8]) -> Result<Dataset, DataError> {
    let d = idx_dims("images", images, 3)?;
    let l = idx_dims("labels", labels, 1)?;
    let (n, rows, cols) = (d[0], d[1], d[2]);
    // rows × cols divides the file's length (checked above), so it cannot
    // saturate; if it did, the size check below would refuse it.
    let nf = rows.saturating_mul(cols);
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
    if n.checked_mul(nf).is_none_or(|c| c > MAX_CELLS) {
        return Err(header_err(
            "images",
            "dimensions",
            format!(
                "{n} images of {nf} pixels exceed the limit of {MAX_CELLS} values ({} images of this size); \
                 use a smaller file such as MNIST's 10 000-image t10k set",
                MAX_CELLS / nf
            ),
        ));
    }
    let x = images[16..].iter().map(|&v| f32::from(v) / 255.0).collect();
    let (classes, y) = dense_classes(&labels[8..]);
    if classes.len() < 2 {
        return Err(header_err(
            "labels",
            "values",
            "a single class; at least two are needed".into(),
        ));
    }
    let class_names = classes.iter().map(|c| c.to_string()).collect();
    Dataset::new(name, nf, x, y, class_names)
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
        assert_eq!((d.len(), d.n_features(), d.n_classes()), (3, 4, 2));
        assert_eq!(d.x()[1], 1.0);
        assert_eq!(d.y(), &[1, 0, 1]);
        assert_eq!(d.class_names(), &["2", "7"]);
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

    #[test]
    fn crafted_dimensions_cannot_wrap_around() {
        let lb = idx(&[2], &[0, 1]);
        let err = |dims: &[u32], data: &[u8]| parse_idx("m", &idx(dims, data), &lb).unwrap_err();
        // 65536 × 65536 × 1 = 2^32 bytes: 0 in 32-bit arithmetic, which
        // would match an empty body; in u64 it is 4294967296.
        assert_eq!(
            err(&[65536, 65536, 1], &[]).to_string(),
            "images header, dimensions: 65536 × 65536 × 1 announce 4294967296 bytes of data but the file holds 0"
        );
        // 2^16 × 2^16 × 2^16 = 2^48 fits u64 but is no file.
        assert!(err(&[65536, 65536, 65536], &[0; 4])
            .to_string()
            .contains("announce 281474976710656 bytes of data but the file holds 4"));
        // (2^32 - 1)^3 overflows u64 itself.
        let e = err(&[u32::MAX, u32::MAX, u32::MAX], &[]);
        assert_eq!(e.column.as_deref(), Some("images header, dimensions"));
        assert_eq!(
            e.message,
            "4294967295 × 4294967295 × 4294967295 overflows 64 bits: no file holds that many bytes"
        );
        // 2^31 × 2 × 1 = 2^32: 0 mod 2^32 again.
        assert!(err(&[1 << 31, 2, 1], &[])
            .to_string()
            .contains("announce 4294967296 bytes"));
        // The labels header is checked the same way: 2^32 labels.
        let im = idx(&[2, 1, 1], &[0, 1]);
        let e = parse_idx("m", &im, &idx(&[u32::MAX], &[0, 1])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("labels header, dimensions: 4294967295 announce"),
            "{e}"
        );
    }

    #[test]
    fn sets_past_the_limit_name_the_images_dimensions() {
        // 2 images of 2^23 + 1 pixels = 2^24 + 2 values > MAX_CELLS (2^24).
        let side = (1u32 << 23) + 1;
        let im = idx(&[2, side, 1], &vec![0; 2 * side as usize]);
        let e = parse_idx("m", &im, &idx(&[2], &[0, 1])).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("images header, dimensions"));
        assert!(e.message.starts_with("2 images of 8388609 pixels exceed the limit of 16777216 values (1 images of this size)"), "{e}");
    }
}

//! Polylines split at missing values and clipped to the plot rectangle.

/// The plot rectangle in transformed units: `[x_lo, x_hi, y_lo, y_hi]`.
pub(crate) type Rect = [f64; 4];

/// Splits `points` at non-finite coordinates and clips every segment to
/// `r` (Liang–Barsky), returning the visible polylines (each of ≥ 2 points).
pub(crate) fn polylines(points: &[(f64, f64)], r: Rect) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let clipped = if finite(&a) && finite(&b) {
            segment(a, b, r)
        } else {
            None
        };
        match clipped {
            Some((p, q)) => {
                // Continue the current polyline only if this segment starts
                // where the last one ended (i.e. neither was clipped there).
                if current.last() != Some(&p) {
                    flush(&mut out, &mut current);
                    current.push(p);
                }
                current.push(q);
            }
            None => flush(&mut out, &mut current),
        }
    }
    flush(&mut out, &mut current);
    out
}

fn flush(out: &mut Vec<Vec<(f64, f64)>>, current: &mut Vec<(f64, f64)>) {
    if current.len() >= 2 {
        out.push(std::mem::take(current));
    }
    current.clear();
}

/// Whether the point lies in `r` (and is finite).
pub(crate) fn inside(p: (f64, f64), r: Rect) -> bool {
    p.0 >= r[0] && p.0 <= r[1] && p.1 >= r[2] && p.1 <= r[3]
}

/// The part of segment `a`–`b` inside `r`, if any.
fn segment(a: (f64, f64), b: (f64, f64), r: Rect) -> Option<((f64, f64), (f64, f64))> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - r[0]),
        (dx, r[1] - a.0),
        (-dy, a.1 - r[2]),
        (dy, r[3] - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    // Keep endpoints bit-exact when unclipped so consecutive segments join.
    let at = |t: f64, end: (f64, f64)| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            end
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t0, b), at(t1, b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Rect = [0.0, 10.0, 0.0, 10.0];

    #[test]
    fn splits_at_nan_and_keeps_inside_runs_whole() {
        let pts = [
            (1.0, 1.0),
            (2.0, 2.0),
            (3.0, 3.0),
            (f64::NAN, 4.0),
            (5.0, 5.0),
            (6.0, 6.0),
            (7.0, f64::INFINITY),
        ];
        let lines = polylines(&pts, R);
        assert_eq!(
            lines,
            vec![
                vec![(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)],
                vec![(5.0, 5.0), (6.0, 6.0)]
            ]
        );
        assert!(polylines(&[(1.0, 1.0)], R).is_empty());
        assert!(polylines(&[], R).is_empty());
    }

    #[test]
    fn clips_at_the_border() {
        let lines = polylines(&[(5.0, 5.0), (15.0, 5.0), (15.0, 6.0), (5.0, 6.0)], R);
        assert_eq!(
            lines,
            vec![vec![(5.0, 5.0), (10.0, 5.0)], vec![(10.0, 6.0), (5.0, 6.0)]]
        );
        // Entirely outside.
        assert!(polylines(&[(-5.0, -5.0), (-1.0, 20.0)], R).is_empty());
        // Crossing the whole rectangle.
        let lines = polylines(&[(-5.0, 5.0), (15.0, 5.0)], R);
        assert_eq!(lines, vec![vec![(0.0, 5.0), (10.0, 5.0)]]);
        assert!(inside((10.0, 0.0), R) && !inside((10.1, 0.0), R) && !inside((f64::NAN, 1.0), R));
    }
}

//! Hit points: where each data point was drawn, for hover tooltips.

/// One drawn data point: its position in backend pixels (the canvas'
/// device pixels, so divide by the device pixel ratio to compare with CSS
/// pointer coordinates) and the tooltip text describing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitPoint {
    /// Backend x coordinate, pixels.
    pub x: i32,
    /// Backend y coordinate, pixels.
    pub y: i32,
    /// Tooltip text, e.g. "seed 0 · layer 3 · epoch 120 · I(X;T) 4.21 bits · I(T;Y) 0.93 bits".
    pub text: String,
}

/// The point nearest to (`x`, `y`) within `max_dist` pixels (Euclidean), if
/// any. On ties the point drawn last wins, as it is the one on top.
pub fn nearest(points: &[HitPoint], x: i32, y: i32, max_dist: i32) -> Option<&HitPoint> {
    let limit = i64::from(max_dist.max(0)).pow(2);
    points
        .iter()
        .rev()
        .map(|p| {
            let (dx, dy) = (i64::from(p.x) - i64::from(x), i64::from(p.y) - i64::from(y));
            (dx * dx + dy * dy, p)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hp(x: i32, y: i32, t: &str) -> HitPoint {
        HitPoint {
            x,
            y,
            text: t.to_string(),
        }
    }

    #[test]
    fn nearest_within_radius_prefers_closest_then_topmost() {
        let pts = vec![hp(10, 10, "a"), hp(20, 10, "b"), hp(20, 10, "c")];
        assert_eq!(nearest(&pts, 12, 11, 5).unwrap().text, "a");
        // "b" and "c" coincide: "c" was drawn last, on top.
        assert_eq!(nearest(&pts, 19, 10, 5).unwrap().text, "c");
        assert!(nearest(&pts, 100, 100, 5).is_none());
        assert!(nearest(&[], 0, 0, 5).is_none());
        // The radius is inclusive.
        assert_eq!(nearest(&pts, 10, 15, 5).unwrap().text, "a");
    }
}

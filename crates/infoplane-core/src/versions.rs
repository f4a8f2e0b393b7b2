//! The engine's versions and what changed between them. A shared link or a
//! record names the version that made it (`v=X.Y.Z`, a record's `engine`);
//! opened by another version, the page says which results may differ, from
//! this table.

/// This engine's version (the workspace version).
pub const CURRENT: &str = env!("CARGO_PKG_VERSION");

/// The version records without an `engine` field are taken to come from
/// (the field came with the first release).
pub const BEFORE_ENGINE_FIELD: &str = "0.1.0";

/// One released version and what changed in it since the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    /// `X.Y.Z`.
    pub version: &'static str,
    /// What a run of the same link may show differently than in the
    /// version before.
    pub changes: &'static [&'static str],
}

/// Every release, newest first.
pub const RELEASES: &[Release] = &[Release {
    version: "0.1.0",
    changes: &["the first release: links made before it are not versioned"],
}];

/// A version as numbers.
pub type Triple = (u32, u32, u32);

/// Reads `X.Y.Z` (three whole numbers); the error says what is wrong.
pub fn parse(text: &str) -> Result<Triple, String> {
    let parts: Vec<&str> = text.trim().split('.').collect();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [a, b, c] => match (num(a), num(b), num(c)) {
            (Some(a), Some(b), Some(c)) => Ok((a, b, c)),
            _ => Err(format!("\"{text}\" is not a version X.Y.Z")),
        },
        _ => Err(format!("\"{text}\" is not a version X.Y.Z")),
    }
}

/// How the results of a link made by version `other` may differ from
/// this engine's: the changes of every release between the two (newest
/// first), or, for a version newer than this one, nothing this engine
/// knows. `None` when `other` is this version.
pub fn differences(other: &str) -> Option<Vec<&'static str>> {
    let this = parse(CURRENT).ok()?;
    let them = parse(other).ok()?;
    if them == this {
        return None;
    }
    let (lo, hi) = if them < this {
        (them, this)
    } else {
        (this, them)
    };
    Some(
        RELEASES
            .iter()
            .filter(|r| parse(r.version).is_ok_and(|v| v > lo && v <= hi))
            .flat_map(|r| r.changes.iter().copied())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_this_version_and_is_ordered() {
        assert_eq!(
            RELEASES[0].version, CURRENT,
            "the newest release is this one"
        );
        let v: Vec<Triple> = RELEASES.iter().map(|r| parse(r.version).unwrap()).collect();
        assert!(v.windows(2).all(|w| w[0] > w[1]), "newest first: {v:?}");
        assert!(RELEASES.iter().all(|r| !r.changes.is_empty()));
    }

    #[test]
    fn versions_parse_strictly() {
        assert_eq!(parse("0.12.3"), Ok((0, 12, 3)));
        for bad in [
            "", "1", "1.2", "1.2.3.4", "1.x.3", "-1.2.3", "1..3", "+1.2.3",
        ] {
            assert_eq!(
                parse(bad),
                Err(format!("\"{bad}\" is not a version X.Y.Z")),
                "{bad}"
            );
        }
    }

    #[test]
    fn differences_list_the_releases_in_between() {
        assert_eq!(differences(CURRENT), None);
        // From a version older than every release to this one: every
        // change of the table (all its releases are newer than 0.0.1 and
        // none is newer than this one, the first entry).
        let want: Vec<&str> = RELEASES
            .iter()
            .flat_map(|r| r.changes.iter().copied())
            .collect();
        assert_eq!(differences("0.0.1"), Some(want));
        assert!(!differences("0.0.1").unwrap().is_empty());
        // A newer version than this one: nothing known about it.
        assert_eq!(differences("999.0.0"), Some(vec![]));
        assert_eq!(differences("nonsense"), None);
    }
}

//! The page's top-level modules (`src/*.rs` and `src/*/`) import each other
//! in no cycle: run state below the session, the session below the lab,
//! the letter above the components it draws with (issue: one source of
//! truth). A `crate::name` path anywhere in a module's files is an import.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// `crate::<ident>` names in `text` (code and doc links alike).
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

fn read_tree(path: &Path, into: &mut String) {
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            read_tree(&e.path(), into);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        into.push_str(&fs::read_to_string(path).unwrap());
    }
}

/// Module → the other top-level modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for e in fs::read_dir(&src).unwrap().flatten() {
        let p = e.path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if ["lib", "main", "bin"].contains(&name.as_str()) {
            continue;
        }
        let mut text = String::new();
        read_tree(&p, &mut text);
        modules.insert(name, crate_paths(&text));
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .into_iter()
        .map(|(m, deps)| {
            let deps = deps
                .into_iter()
                .filter(|d| *d != m && names.contains(d))
                .collect();
            (m, deps)
        })
        .collect()
}

/// A cycle through `from`, if any (depth-first search).
fn cycle(
    g: &BTreeMap<String, BTreeSet<String>>,
    at: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(i) = path.iter().position(|p| p == at) {
        let mut c = path[i..].to_vec();
        c.push(at.to_string());
        return Some(c);
    }
    if done.contains(at) {
        return None;
    }
    path.push(at.to_string());
    for d in &g[at] {
        if let Some(c) = cycle(g, d, path, done) {
            return Some(c);
        }
    }
    path.pop();
    done.insert(at.to_string());
    None
}

#[test]
fn the_page_modules_import_each_other_in_no_cycle() {
    let g = graph();
    // The scan sees the modules it should (a broken scan finds no cycle).
    assert!(g["session"].contains("pool") && g["letter"].contains("components"));
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(c) = cycle(&g, m, &mut Vec::new(), &mut done) {
            panic!("modules import each other in a cycle: {}", c.join(" → "));
        }
    }
}

#[test]
fn the_scan_finds_a_cycle_when_there_is_one() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    let c = cycle(&g, "a", &mut Vec::new(), &mut BTreeSet::new()).unwrap();
    assert_eq!(c, ["a", "b", "c", "a"]);
    assert_eq!(
        crate_paths("use crate::x::Y; crate::z_2::f()"),
        BTreeSet::from(["x".to_string(), "z_2".to_string()])
    );
}

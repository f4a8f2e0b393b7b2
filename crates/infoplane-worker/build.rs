//! The build stamp `INFOPLANE_BUILD` that the page and its worker both
//! compile in (`protocol::build_id`): a hash of every source either wasm
//! file is built from, so the two halves of one `trunk build` agree and a
//! page never takes a worker of another build for its own. A set
//! `INFOPLANE_BUILD` is used as it is.

use std::fs;
use std::path::{Path, PathBuf};

/// Sources of the page and the worker, from the workspace root.
const SOURCES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "src",
    "crates/infoplane-core/Cargo.toml",
    "crates/infoplane-core/src",
    "crates/infoplane-figures/Cargo.toml",
    "crates/infoplane-figures/src",
    "crates/infoplane-worker/Cargo.toml",
    "crates/infoplane-worker/src",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    match fs::read_dir(path) {
        Ok(dir) => {
            for e in dir.flatten() {
                files(&e.path(), out);
            }
        }
        Err(_) if path.is_file() => out.push(path.to_path_buf()),
        Err(_) => {}
    }
}

/// 64-bit FNV-1a, continued from `h`.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn main() {
    println!("cargo:rerun-if-env-changed=INFOPLANE_BUILD");
    if let Ok(stamp) = std::env::var("INFOPLANE_BUILD") {
        println!("cargo:rustc-env=INFOPLANE_BUILD={stamp}");
        return;
    }
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("../..");
    let mut all = Vec::new();
    for s in SOURCES {
        let p = root.join(s);
        println!("cargo:rerun-if-changed={}", p.display());
        files(&p, &mut all);
    }
    // Sorted by path relative to the root: the same on every machine.
    let mut named: Vec<(String, PathBuf)> = all
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap_or(&p).to_string_lossy();
            (rel.replace('\\', "/"), p)
        })
        .collect();
    named.sort();
    let mut h = 0xcbf2_9ce4_8422_2325;
    for (rel, p) in &named {
        h = fnv(h, rel.as_bytes());
        h = fnv(h, &[0]);
        h = fnv(h, &fs::read(p).unwrap_or_default());
        h = fnv(h, &[0]);
    }
    println!("cargo:rustc-env=INFOPLANE_BUILD={:012x}", h >> 16);
}

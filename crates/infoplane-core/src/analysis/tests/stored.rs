//! The shipped stored-run file: parsed, checked against the shared
//! original where present, its epochs against the preset's schedule, the
//! parser's errors, and the comparison rule both ways.

use super::Build;
use crate::analysis::stored::*;
use std::path::PathBuf;

const ASSET: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/szt_stored_run.json"
));

fn shipped() -> StoredRun {
    StoredRun::from_json(ASSET).expect("the shipped file parses")
}

/// The shared original, from the crate in the main checkout
/// (`../../../shared`) or in a worktree one level deeper.
fn original() -> Option<serde_json::Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../../../shared", "../../../../shared"]
        .iter()
        .map(|p| dir.join(p).join("data/szt_stored_run.json"))
        .find_map(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
}

#[test]
fn the_shipped_file_has_the_runs_shape_and_the_presets_epochs() {
    let s = shipped();
    assert_eq!(s.source.repository, "ravidziv/IDNNs");
    assert_eq!(s.source.commit, "4ff0b1270a98b65e8c97e953ac8f16018d8e437d");
    assert_eq!(
        s.source.git_blob,
        "08339e5f42d420df05a81d56d792e330b29d2e25"
    );
    assert!(s.source.path.ends_with("/data.pickle"));
    assert_eq!(
        (s.epochs.len(), s.layers.len(), s.settings.repeats),
        (964, 7, 20)
    );
    assert_eq!(s.settings.hidden, vec![10, 7, 5, 4, 4, 3]);
    assert_eq!((s.first.epoch, s.last.epoch), (0, 9998));
    // The preset `szt-2017-stored-run` logs the same 964 epoch indexes.
    use crate::config::Config;
    use crate::params::Params;
    let p = crate::presets::find("szt-2017-stored-run").unwrap();
    let c = Config::from_params(&Params::from_preset(p)).unwrap();
    assert_eq!(c.schedule.epochs(c.epochs), s.epochs);
    // The first two layers start at 12 bits in every repeat (FACTS.md §5).
    assert_eq!(s.ixt_mean[0][0], 12.0);
    assert_eq!(s.ixt_std[0][0], 0.0);
}

#[test]
fn every_shipped_value_is_within_a_millionth_of_a_bit_of_the_original() {
    let Some(o) = original() else {
        eprintln!("shared/data/szt_stored_run.json not found: comparison skipped");
        return;
    };
    let s = shipped();
    for k in ["repository", "commit", "path", "git_blob"] {
        let want = o["source"][k].as_str().unwrap();
        let got = match k {
            "repository" => &s.source.repository,
            "commit" => &s.source.commit,
            "path" => &s.source.path,
            _ => &s.source.git_blob,
        };
        assert_eq!(got, want, "source.{k}");
    }
    let epochs: Vec<usize> = o["epoch_indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    assert_eq!(epochs, s.epochs);
    let same = |name: &str, want: &serde_json::Value, got: &[Vec<f64>]| {
        let rows = want.as_array().unwrap();
        assert_eq!(rows.len(), got.len(), "{name}");
        let mut n = 0;
        for (r, g) in rows.iter().zip(got) {
            let r = r.as_array().unwrap();
            assert_eq!(r.len(), g.len(), "{name}");
            for (w, g) in r.iter().zip(g) {
                let w = w.as_f64().unwrap();
                assert!((w - g).abs() <= 1e-6, "{name}: {g} vs {w}");
                n += 1;
            }
        }
        n
    };
    let info = &o["information"];
    let mut n = 0;
    n += same("IXT_mean", &info["IXT_mean"], &s.ixt_mean);
    n += same("IXT_std", &info["IXT_std"], &s.ixt_std);
    n += same("ITY_mean", &info["ITY_mean"], &s.ity_mean);
    n += same("ITY_std", &info["ITY_std"], &s.ity_std);
    let (f, l) = (
        &o["per_repeat_first_logged_epoch"],
        &o["per_repeat_last_logged_epoch"],
    );
    n += same("first IXT", &f["IXT"], &s.first.ixt);
    n += same("first ITY", &f["ITY"], &s.first.ity);
    n += same("last IXT", &l["IXT"], &s.last.ixt);
    n += same("last ITY", &l["ITY"], &s.last.ity);
    // 4 × 964 × 7 series values and 4 × 20 × 7 per-repeat values.
    assert_eq!(n, 4 * 964 * 7 + 4 * 20 * 7);
}

#[test]
fn bad_files_are_refused_with_the_field_named_and_never_panic() {
    let e = |t: &str| StoredRun::from_json(t).unwrap_err();
    assert!(e("").starts_with("not a stored-run file"));
    assert!(e("{}").contains("missing field"));
    let v: serde_json::Value = serde_json::from_str(ASSET).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut w = v.clone();
        f(&mut w);
        StoredRun::from_json(&w.to_string())
    };
    assert_eq!(
        with(&|w| w["format"] = "x".into()).unwrap_err(),
        "format: \"x\", expected \"infoplane-szt-stored-run\""
    );
    assert!(with(&|w| {
        w["IXT_std"][5].as_array_mut().unwrap().pop();
    })
    .unwrap_err()
    .starts_with("IXT_std[5]: 6 values, expected 7"));
    assert!(with(&|w| w["ITY_mean"][3][2] = (-1.0).into())
        .unwrap_err()
        .starts_with("ITY_mean[3]: -1 is not"));
    assert!(with(&|w| w["epoch_indexes"][10] = 3.into())
        .unwrap_err()
        .contains("epoch_indexes"));
    assert!(
        with(&|w| w["per_repeat_last_logged_epoch"]["epoch"] = 7.into())
            .unwrap_err()
            .starts_with("per_repeat_last_logged_epoch.epoch")
    );
    assert!(with(&|w| w["extra"] = 1.into())
        .unwrap_err()
        .contains("unknown field"));
    // Truncated anywhere: an error, never a panic.
    for k in 0..60 {
        let cut = ASSET.len() * k / 60;
        assert!(StoredRun::from_json(&ASSET[..cut]).is_err());
    }
}

#[test]
fn the_comparison_epochs_are_log_spaced_stored_ones() {
    // Targets 9999^(k/9) = 1, 2.8, 7.7, 21.5, 59.9, 166.8, 464, 1291, 3593,
    // 9999 (epoch index + 1); nearest logged epochs in log.
    assert_eq!(
        comparison_epochs(&shipped(), &StoredRule::default()),
        vec![0, 2, 7, 21, 59, 166, 464, 1289, 3590, 9998]
    );
}

/// A record logging the stored epochs up to `until`, with I(X;T) and
/// I(T;Y) at the stored mean plus `shift` sd (floored at 0.01 bit).
fn at_mean(s: &StoredRun, seed: u64, shift: f64, until: usize) -> crate::record::SeedRecord {
    let epochs: Vec<usize> = s.epochs.iter().copied().filter(|&e| e <= until).collect();
    let row = |e: usize| s.row(e).unwrap();
    let v = |m: &[Vec<f64>], sd: &[Vec<f64>], e: usize, l: usize| {
        m[row(e)][l] + shift * sd[row(e)][l].max(0.01)
    };
    Build {
        n: 7,
        ixt: &|e, l| v(&s.ixt_mean, &s.ixt_std, e, l),
        ity: &|e, l| v(&s.ity_mean, &s.ity_std, e, l),
        ..Default::default()
    }
    .record(seed, &epochs)
}

#[test]
fn seeds_inside_and_outside_the_stored_spread() {
    let s = shipped();
    let rule = StoredRule::default();
    // At the mean + 1.5 sd: inside everywhere; at + 2.5 sd: outside everywhere.
    let (a, b) = (at_mean(&s, 0, 1.5, 9998), at_mean(&s, 1, 2.5, 9998));
    let c = compare(&[&a, &b], &s, &rule);
    assert_eq!(c.epochs.len(), 10);
    assert_eq!(c.layers.len(), 7);
    for l in &c.layers {
        let (ia, ib) = (l.seeds[0].ixt, l.seeds[1].ixt);
        assert_eq!((ia.inside, ia.compared), (10, 10), "layer {}", l.layer);
        assert_eq!(ib.inside, 0, "layer {}", l.layer);
        assert!((ia.worst_z - 1.5).abs() < 1e-9 && (ib.worst_z - 2.5).abs() < 1e-9);
        assert_eq!((l.ixt.showing, l.ixt.measured), (1, 2));
        assert_eq!((l.ity.showing, l.ity.measured), (1, 2));
    }
    // The floor: layer 1's I(X;T) is 12 bits with sd 0 at epoch 0; 12.015
    // is 1.5 floors away (inside), checked above by seed 0.
    assert_eq!(s.ixt_std[0][0], 0.0);
    // A run stopped at epoch 500 is compared at the 7 epochs it reached.
    let short = at_mean(&s, 2, 0.0, 500);
    let c = compare(&[&short], &s, &rule);
    assert_eq!(c.epochs, vec![0, 2, 7, 21, 59, 166, 464]);
    assert!(c.layers.iter().all(|l| l.seeds[0].ixt.all_inside()));
}

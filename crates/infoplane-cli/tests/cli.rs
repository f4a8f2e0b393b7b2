//! The `infoplane` command end to end: outputs, JSON schema, named errors.

use std::path::PathBuf;
use std::process::Command;

fn infoplane(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infoplane"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tmp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("infoplane-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn presets_lists_every_preset_with_its_source() {
    let (ok, out, _) = infoplane(&["presets"]);
    assert!(ok);
    for name in [
        "idnns-default",
        "idnns-relu",
        "caption-12-10-8-6-4-2-1",
        "saxe-tanh",
        "saxe-relu",
        "szt-2017-stored-run",
        "digits-relu",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(line.len() > name.len() + 20, "{line}");
    }
}

#[test]
fn run_writes_the_record_schema() {
    let out = std::env::temp_dir().join(format!("infoplane-run-{}.json", std::process::id()));
    let (ok, _, err) = infoplane(&[
        "run",
        "--preset",
        "idnns-default",
        "--set",
        "epochs=40",
        "--set",
        "log_samples=8",
        "--seeds",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    // The app loads records through this one checked function.
    let loaded = infoplane_core::record::RunRecord::from_json(&text).unwrap();
    assert_eq!((loaded.seeds.len(), loaded.layers.len()), (2, 6));
    let rec: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(rec["format"], "infoplane-run");
    assert_eq!(
        rec["query"],
        "preset=idnns-default&seeds=2&epochs=40&log_samples=8"
    );
    assert_eq!(rec["params"]["epochs"], "40");
    let seeds = rec["seeds"].as_array().unwrap();
    assert_eq!(seeds.len(), 2);
    let s = &seeds[0];
    let epochs = s["epochs"].as_array().unwrap().len();
    assert!(epochs >= 5);
    for key in ["ixt", "ity", "grad_m", "grad_s", "wnorm"] {
        let v = s[key].as_array().unwrap();
        assert_eq!(v.len(), epochs, "{key}");
        assert_eq!(
            v[0].as_array().unwrap().len(),
            6,
            "{key}: one value per layer"
        );
    }
    for key in ["loss_train", "loss_test", "acc_train", "acc_test"] {
        assert_eq!(s[key].as_array().unwrap().len(), epochs, "{key}");
    }
    for def in ["idnns", "per-layer", "normalised", "saxe"] {
        assert_eq!(
            s["grad_stats"][def]["mean"].as_array().unwrap().len(),
            epochs,
            "{def}"
        );
    }
    assert_eq!(rec["mean"]["seeds"], 2);
    // I(X;T) ≤ log2 4096 = 12 bits and I(T;Y) ≤ H(Y) everywhere.
    let h = rec["label_entropy"].as_f64().unwrap();
    for e in s["ixt"].as_array().unwrap() {
        assert!(e
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.as_f64().unwrap() <= 12.0 + 1e-9));
    }
    for e in s["ity"].as_array().unwrap() {
        assert!(e
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.as_f64().unwrap() <= h + 1e-9));
    }
}

#[test]
fn run_errors_name_the_parameter() {
    let (ok, _, err) = infoplane(&["run", "--set", "lr=abc"]);
    assert!(!ok);
    assert!(err.contains("lr: \"abc\" is not a number"), "{err}");
    let (ok, _, err) = infoplane(&["run", "--preset", "nope"]);
    assert!(!ok);
    assert!(err.contains("preset: \"nope\" is not one of"), "{err}");
    let (ok, _, err) = infoplane(&[
        "run",
        "--set",
        "output=sigmoid",
        "--set",
        "dataset=digits",
        "--set",
        "epochs=1",
    ]);
    assert!(!ok);
    assert!(
        err.contains("output: a single sigmoid unit needs 2 classes"),
        "{err}"
    );
}

#[test]
fn run_reads_a_csv_and_reports_its_errors() {
    let good = tmp(
        "good.csv",
        "a,b,class\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,1\n0.2,0.9,0\n",
    );
    let (ok, out, err) = infoplane(&[
        "run",
        "--data",
        good.to_str().unwrap(),
        "--set",
        "epochs=5",
        "--set",
        "hidden=3",
        "--set",
        "train_pct=50",
        "--quiet",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("\"rows\":6"), "{out}");
    let bad = tmp("bad.csv", "a,b,class\n0,0,0\n0,x,1\n");
    let (ok, _, err) = infoplane(&["run", "--data", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("line 3, column 2 (\"b\"): \"x\" is not a number"),
        "{err}"
    );
}

#[test]
fn mi_estimates_user_activations() {
    // Four distinct rows → I(X;T) = 2 bits; labels 0,0,1,1 → I(T;Y) = H(Y) = 1 bit.
    let acts = tmp(
        "acts.csv",
        "u0,u1\n-0.9,0.1\n-0.2,0.5\n0.3,-0.6\n0.8,0.95\n",
    );
    let labels = tmp("labels.csv", "0\n0\n1\n1\n");
    let (ok, out, err) = infoplane(&[
        "mi",
        "--estimator",
        "idnns-binning",
        acts.to_str().unwrap(),
        labels.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["ixt"], 2.0);
    assert_eq!(v["ity"], 1.0);
    // Two bins over the default fixed range [-1, 1], split at 0: row 1
    // (-0.9, 0.1) → (0, 1), row 2 (-0.2, 0.5) → (0, 1), row 3 (0.3, -0.6) →
    // (1, 0), row 4 (0.8, 0.95) → (1, 1). Patterns of probability 1/2, 1/4,
    // 1/4: I(X;T) = H(T) = 1/2·1 + 1/4·2 + 1/4·2 = 1.5 bits. Given y = 0
    // both rows share (0, 1), H = 0; given y = 1 the two rows differ, H = 1;
    // I(T;Y) = 1.5 - (1/2·0 + 1/2·1) = 1 bit. Both are exact in binary.
    let (ok, out, err) = infoplane(&[
        "mi",
        "--estimator",
        "uniform-binning",
        "--bins",
        "2",
        acts.to_str().unwrap(),
        labels.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["ixt"], 1.5);
    assert_eq!(v["ity"], 1.0);
    for est in ["adaptive-binning", "kde-upper", "kde-lower"] {
        let (ok, out, err) = infoplane(&[
            "mi",
            "--estimator",
            est,
            "--noise-var",
            "0.01",
            acts.to_str().unwrap(),
            labels.to_str().unwrap(),
        ]);
        assert!(ok, "{est}: {err}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert!(v["ixt"].as_f64().unwrap() <= 2.0 + 1e-9, "{est}: {out}");
    }
}

#[test]
fn mi_errors_are_named() {
    let acts = tmp("acts2.csv", "0.1,0.2\n0.3,x\n");
    let labels = tmp("labels2.csv", "0\n1\n");
    let (ok, _, err) = infoplane(&[
        "mi",
        "--estimator",
        "kde-upper",
        acts.to_str().unwrap(),
        labels.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("line 2, column 2: \"x\" is not a number"),
        "{err}"
    );
    // Labels: one whole class number per activation row, errors located.
    let acts = tmp("acts3.csv", "0.1,0.2\n0.3,0.4\n");
    for (name, text, want) in [
        (
            "labels3.csv",
            "0\n1.5\n",
            "labels3.csv: line 2, column 1: \"1.5\" is not a class number from 0 to 1000000",
        ),
        (
            "labels4.csv",
            "0\n1\n1\n",
            "labels4.csv: 3 labels for 2 activation rows; one label per row is needed",
        ),
        (
            "labels5.csv",
            "0,1\n1,0\n",
            "labels5.csv: 2 columns; labels need exactly one",
        ),
    ] {
        let labels = tmp(name, text);
        let (ok, _, err) = infoplane(&[
            "mi",
            "--estimator",
            "kde-upper",
            acts.to_str().unwrap(),
            labels.to_str().unwrap(),
        ]);
        assert!(!ok);
        assert!(err.contains(want), "{err}");
    }
    let (ok, _, err) = infoplane(&["mi", "--estimator", "kde", "a", "b"]);
    assert!(!ok);
    assert!(err.contains("estimator: \"kde\" is not one of"), "{err}");
    let (ok, _, err) = infoplane(&[
        "mi",
        "--estimator",
        "kde-upper",
        "--noise-var",
        "-1",
        "a",
        "b",
    ]);
    assert!(!ok);
    assert!(err.contains("noise_var: -1 is out of range"), "{err}");
}

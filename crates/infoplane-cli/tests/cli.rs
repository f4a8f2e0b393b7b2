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

/// A reader that stops early (`infoplane params | head -1`) ends the
/// command without a panic message: here the pipe's read end is closed
/// before the command starts, so its first write meets a broken pipe.
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_infoplane"))
        .arg("params")
        .stdout(writer)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{stderr}");
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
        "goldfeld-noisy-tanh",
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

/// `v` with every wall-clock `seconds` field removed: runs of the same
/// experiment agree on everything else bit for bit (NaN is `null`).
fn without_seconds(mut v: serde_json::Value) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("seconds");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

fn read_json(p: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn emitted_jobs_and_merge_give_the_native_sweep_record() {
    let dir = std::env::temp_dir().join(format!("infoplane-sweep-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let at = |f: &str| dir.join(f).to_str().unwrap().to_string();
    // A shared-training sweep (bins) and one that trains per value (lr).
    for (tag, vary, values) in [
        ("b", "bins=30,5,100", vec!["5", "30", "100"]),
        ("l", "lr=0.01,0.001", vec!["0.001", "0.01"]),
    ] {
        let base = [
            "--preset",
            "idnns-default",
            "--set",
            "epochs=40",
            "--set",
            "log_samples=8",
            "--seeds",
            "2",
            "--set",
            "estimator=uniform-binning",
            "--vary",
            vary,
        ];
        let native = at(&format!("{tag}-native.json"));
        let csv = at(&format!("{tag}-native.csv"));
        let mut args = base.to_vec();
        args.extend(["--quiet", "--out", &native, "--csv", &csv]);
        let (ok, _, err) = infoplane(&[&["sweep"][..], &args].concat());
        assert!(ok, "{err}");
        let out = at(&format!("{tag}.json"));
        let mut args = base.to_vec();
        args.extend(["--emit-jobs", "--out", &out]);
        let (ok, jobs, err) = infoplane(&[&["sweep"][..], &args].concat());
        assert!(ok, "{err}");
        assert!(err.contains("infoplane merge"), "{err}");
        let lines: Vec<&str> = jobs.lines().collect();
        assert_eq!(lines.len(), values.len(), "{jobs}");
        let param = vary.split('=').next().unwrap();
        let mut files = Vec::new();
        for (line, v) in lines.iter().zip(&values) {
            let file = at(&format!("{tag}-{param}-{v}.json"));
            assert!(line.ends_with(&format!("--out {file}")), "{line}");
            let st = Command::new("sh").arg("-c").arg(line).status().unwrap();
            assert!(st.success(), "{line}");
            files.push(file);
        }
        // Merge in another order than the sweep's: the record sorts them.
        files.reverse();
        let merged = at(&format!("{tag}-merged.json"));
        let mut args: Vec<&str> = vec!["merge"];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--quiet", "--out", &merged]);
        let (ok, _, err) = infoplane(&args);
        assert!(ok, "{err}");
        let a = read_json(std::path::Path::new(&native));
        let b = read_json(std::path::Path::new(&merged));
        assert_eq!(a["format"], "infoplane-sweep");
        assert_eq!(a["param"], param);
        assert_eq!(a["values"], serde_json::json!(values));
        assert_eq!(without_seconds(a.clone()), without_seconds(b), "{tag}");
        // One summary row per value and layer (6 layers).
        assert_eq!(a["summary"].as_array().unwrap().len(), 6 * values.len());
        let csv = std::fs::read_to_string(&csv).unwrap();
        assert!(
            csv.starts_with(&format!(
                "{param},epoch,layer,units,n,ixt_mean,ixt_sd,ity_mean,ity_sd\n{},39,1,10,2,",
                values[0]
            )),
            "{csv}"
        );
        // `summary` reads the record back and prints the same CSV; at
        // logged epoch 0 every row says epoch 0.
        let (ok, out, err) = infoplane(&["summary", &merged]);
        assert!(ok, "{err}");
        assert_eq!(out, csv, "{tag}");
        let (ok, out, err) = infoplane(&["summary", &native, "--epoch", "0"]);
        assert!(ok, "{err}");
        assert_eq!(out.lines().count(), 1 + 6 * values.len());
        assert!(
            out.lines()
                .skip(1)
                .all(|l| l.split(',').nth(1) == Some("0")),
            "{out}"
        );
    }
    // A run record is not a sweep record; errors name the file.
    let (ok, _, err) = infoplane(&["summary", &at("b-bins-5.json")]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "{}: not an infoplane sweep record",
            at("b-bins-5.json")
        )),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["summary"]);
    assert!(!ok && err.contains("summary needs a sweep record"), "{err}");
    // A record that differs in another parameter is named.
    let odd = at("odd.json");
    let (ok, _, err) = infoplane(&[
        "run",
        "--preset",
        "idnns-default",
        "--set",
        "epochs=41",
        "--set",
        "log_samples=8",
        "--seeds",
        "2",
        "--set",
        "estimator=uniform-binning",
        "--set",
        "bins=7",
        "--quiet",
        "--out",
        &odd,
    ]);
    assert!(ok, "{err}");
    let (ok, _, err) = infoplane(&["merge", &at("b-bins-5.json"), &at("b-bins-30.json"), &odd]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "epochs: {} (40) and {odd} (41) differ in it; only the swept parameter bins may",
            at("b-bins-5.json")
        )),
        "{err}"
    );
}

#[test]
fn sweep_errors_are_named() {
    let (ok, _, err) = infoplane(&["sweep", "--preset", "idnns-default"]);
    assert!(!ok);
    assert!(err.contains("sweep needs --vary NAME=v1,v2"), "{err}");
    let (ok, _, err) = infoplane(&["sweep", "--vary", "bins=10,0"]);
    assert!(!ok);
    assert!(
        err.contains("sweep: bins value \"0\": 0 is out of range (1 to 100000)"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["sweep", "--vary", "bins"]);
    assert!(!ok);
    assert!(err.contains("--vary needs NAME=v1,v2,…"), "{err}");
    // A noisy network may be binned, but noisy-sp needs the noise.
    let (ok, _, err) = infoplane(&["sweep", "--vary", "estimator=uniform-binning,noisy-sp"]);
    assert!(!ok);
    assert!(
        err.contains("noise_std: noisy-sp needs noise_std > 0")
            && err.contains("(sweep point estimator=noisy-sp)"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["run", "--set", "sweep=bins:10,30"]);
    assert!(!ok);
    assert!(
        err.contains("sweep: a sweep (bins:10,30) is several runs"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["merge"]);
    assert!(!ok);
    assert!(err.contains("merge needs the run records"), "{err}");
}

#[test]
fn mi_takes_every_estimator_with_its_options() {
    // Rows a(-0.9, 0.1), b(-0.2, 0.5), c(0.3, -0.6), d(0.8, 0.95); labels 0,0,1,1.
    let acts = tmp(
        "acts3.csv",
        "u0,u1\n-0.9,0.1\n-0.2,0.5\n0.3,-0.6\n0.8,0.95\n",
    );
    let labels = tmp("labels3.csv", "0\n0\n1\n1\n");
    let (a, l) = (acts.to_str().unwrap(), labels.to_str().unwrap());
    let mi = |opts: &[&str]| -> (f64, f64) {
        let (ok, out, err) = infoplane(&[&["mi"][..], opts, &[a, l]].concat());
        assert!(ok, "{opts:?}: {err}");
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        (v["ixt"].as_f64().unwrap(), v["ity"].as_f64().unwrap())
    };
    // Four distinct rows: exact binning gives H(T) = 2 bits, I(T;Y) = H(Y) = 1.
    assert_eq!(mi(&["--estimator", "exact-binning"]), (2.0, 1.0));
    // Net-input edges tanh(±1) = ±0.7616: a unit's bin is the number of
    // edges ≤ v, so a→(0,1), b→(1,1), c→(1,1), d→(2,2). H(T) = 1.5 bits;
    // within each class two distinct patterns (1 bit), so I(T;Y) = 0.5.
    assert_eq!(
        mi(&[
            "--estimator",
            "net-input-binning",
            "--edges",
            "2",
            "--netinput-limit",
            "1"
        ]),
        (1.5, 0.5)
    );
    // k-NN, k = 1, no noise, max-norm distances: ab 0.7, ac 1.2, ad 1.7,
    // bc 1.1, bd 1.0, cd 1.55. Nearest: a 0.7, b 0.7, c 1.1, d 1.0.
    // Ĥ = ψ(4) − ψ(1) + (2/4) Σ ln(2 r_i) nats, ψ(4) − ψ(1) = 1 + 1/2 + 1/3.
    let h =
        (1.0 + 0.5 + 1.0 / 3.0) + 0.5 * [1.4f64, 1.4, 2.2, 2.0].iter().map(|x| x.ln()).sum::<f64>();
    // Ross: within-class 1st neighbours: a, b at 0.7; c, d at 1.55. Points
    // strictly closer: none for a, b; a, b for c (m = 3); b for d (m = 2).
    // I = ψ(4) + ψ(1) − ψ(2) − (ψ(1) + ψ(1) + ψ(3) + ψ(2))/4
    //   = 11/6 − 1 − 2.5/4 (γ cancels) = 5/24 nats.
    let i = 5.0 / 24.0;
    let (ixt, ity) = mi(&["--estimator", "knn", "--knn-k", "1", "--knn-noise", "0"]);
    let ln2 = std::f64::consts::LN_2;
    assert!((ixt - h / ln2).abs() < 1e-5, "{ixt} vs {}", h / ln2);
    assert!((ity - i / ln2).abs() < 1e-9, "{ity} vs {}", i / ln2);
    // Noise σ = 0.001 ≪ the rows' distances: the mixture's components do
    // not overlap, so I(X;T) = log2 4 = 2 and I(T;Y) = H(Y) = 1.
    let (ixt, ity) = mi(&[
        "--estimator",
        "noisy-sp",
        "--noise-std",
        "0.001",
        "--mc-samples",
        "2",
        "--seed",
        "3",
    ]);
    assert!(
        (ixt - 2.0).abs() < 1e-9 && (ity - 1.0).abs() < 1e-9,
        "{ixt} {ity}"
    );
    // Errors name the parameter.
    let (ok, _, err) = infoplane(&["mi", "--estimator", "noisy-sp", a, l]);
    assert!(!ok);
    assert!(
        err.contains("noise_std: noisy-sp needs noise_std > 0"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["mi", "--estimator", "knn", "--knn-k", "4", a, l]);
    assert!(!ok);
    assert!(
        err.contains("knn_k: k = 4 must be below the 4 rows"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["mi", "--estimator", "knn", "--knn-k", "0", a, l]);
    assert!(!ok);
    assert!(
        err.contains("knn_k: 0 is out of range (1 to 1000)"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["mi", "--knn-k", "2", a, l]);
    assert!(!ok);
    assert!(
        err.contains("mi needs --estimator (idnns-binning,"),
        "{err}"
    );
    let (ok, _, err) = infoplane(&["mi", "--estimator", "knn", "--mi-rows", "test", a, l]);
    assert!(!ok);
    assert!(err.contains("unknown option \"--mi-rows\" for mi"), "{err}");
}

/// A decoded PNG: width, height and RGBA pixels (8 bits per channel).
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<[u8; 4]>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgba, png::BitDepth::Eight)
    );
    let px = buf[..info.buffer_size()]
        .chunks_exact(4)
        .map(|p| [p[0], p[1], p[2], p[3]])
        .collect();
    (info.width, info.height, px)
}

#[test]
fn figure_draws_a_real_run_as_a_readable_png_and_svg() {
    let dir = std::env::temp_dir().join(format!("infoplane-figure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (png_path, svg_path) = (dir.join("plane.png"), dir.join("plane.svg"));
    let (ok, out, err) = infoplane(&[
        "figure",
        "--preset",
        "idnns-default",
        "--set",
        "epochs=300",
        "--figure",
        "plane",
        "--title",
        "The plane of {run}",
        "--png",
        png_path.to_str().unwrap(),
        "--svg",
        svg_path.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(ok, "{err}");
    // The text alternative on stdout names the run and the axes.
    assert!(
        out.starts_with(
            "Information plane of an infoplane run (idnns-default, seed 0, 300 epochs): I(X;T) in bits on the x axis against I(T;Y) in bits on the y axis;"
        ),
        "{out}"
    );
    assert!(out.contains("6 layers (L1 to L6)"), "{out}");
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"")
    );
    assert!(svg.contains(">The plane of idnns-default, seed 0, 300 epochs</text>"));
    for label in [
        ">I(X;T) (bits)</text>",
        ">I(T;Y) (bits)</text>",
        ">L6</text>",
        ">epoch</text>",
    ] {
        assert!(svg.contains(label), "{label}");
    }

    let (w, h, px) = decode_png(&std::fs::read(&png_path).unwrap());
    assert_eq!((w, h), (1200, 630), "the default size");
    let at = |x: usize, y: usize| px[y * w as usize + x];
    assert_eq!(at(0, 0), [255, 255, 255, 255], "white, opaque");
    let mut colours = px.clone();
    colours.sort_unstable();
    colours.dedup();
    // Anti-aliased text, frame and 300 epochs' worth of coloured markers.
    assert!(colours.len() > 500, "{} colours", colours.len());
    let near = |p: &[u8; 4], c: [u8; 3]| (0..3).all(|i| p[i].abs_diff(c[i]) <= 6);
    // Pixels of colour `c` in the plot, left of the colour bar (which
    // spans every epoch colour by itself, right of x = 1100).
    let in_plot = |c: [u8; 3]| {
        (0..h as usize)
            .flat_map(|y| (0..1100).map(move |x| (x, y)))
            .filter(|&(x, y)| near(&at(x, y), c))
            .count()
    };
    // Epoch colours, viridis: the first epochs' markers dark purple
    // (#440154, viridis at 0) and the last ones' yellow (#FDE725 at 1; the
    // last logged epoch is within 1 % of the end, so within a few levels).
    assert!(in_plot([0x44, 0x01, 0x54]) > 40, "early epochs");
    assert!(in_plot([0xfd, 0xe7, 0x25]) > 40, "late epochs");
    // The title in the band above the plot: ink (#222222) drawn by the
    // bundled font; no font, no dark pixels there.
    let title_ink = (0..40)
        .flat_map(|y| (0..w as usize).map(move |x| (x, y)))
        .filter(|&(x, y)| near(&at(x, y), [0x22, 0x22, 0x22]))
        .count();
    assert!(title_ink > 150, "title ink: {title_ink}");
}

#[test]
fn figure_errors_are_named() {
    let cases: [(&[&str], &str); 6] = [
        (&["figure", "--preset", "idnns-default"], "name an output, --png FILE and/or --svg FILE"),
        (&["figure", "--figure", "pie", "--png", "x.png"], "--figure: \"pie\" is not one of plane, gradients, snr, loss, norms"),
        (&["figure", "--width", "50", "--png", "x.png"], "--width: 50 is outside 120 ..= 8000 pixels"),
        (&["figure", "--scale", "abc", "--png", "x.png"], "--scale: \"abc\" is not a number"),
        (&["figure", "--set", "epochs=0", "--png", "x.png"], "epochs"),
        (
            &["figure", "--record", "r.json", "--set", "epochs=3", "--png", "x.png"],
            "epochs: --record draws the record's own experiment; only view settings may be set beside it",
        ),
    ];
    for (args, msg) in cases {
        let (ok, _, err) = infoplane(args);
        assert!(!ok, "{args:?}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }
}

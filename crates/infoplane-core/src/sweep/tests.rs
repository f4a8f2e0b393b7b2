use super::*;
use crate::data::{var_u, DatasetInfo};
use crate::presets;
use crate::run::{run_seed, run_set};

/// `params` with each `name=value` pair set.
fn with(pairs: &[&str]) -> Params {
    let mut p = Params::default();
    for pair in pairs {
        p.set_pair(pair).unwrap();
    }
    p
}

fn set_err(pair: &str) -> ParamError {
    let mut p = Params::default();
    p.set_pair(pair).unwrap_err()
}

/// JSON of `x` with every wall-clock `seconds` field dropped: what two runs
/// of the same experiment must agree on bit for bit (NaN is `null`).
fn results_json<T: Serialize>(x: &T) -> serde_json::Value {
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
    let mut v = serde_json::to_value(x).unwrap();
    strip(&mut v);
    v
}

#[test]
fn sweeps_parse_into_canonical_order_and_round_trip() {
    let p = with(&["sweep=bins: 100,10 ,30"]);
    assert_eq!(p.text("sweep"), "bins:10,30,100");
    assert_eq!(p.to_query(), "sweep=bins:10,30,100");
    let back = Params::from_query(&p.to_query(), &[]);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!(back.params, p);
    // Choices in menu order, case-insensitive as the row parses them.
    let p = with(&["sweep=estimator:knn,IDNNS-binning"]);
    assert_eq!(p.text("sweep"), "estimator:idnns-binning,knn");
    // Widths joined by '-' (the list is comma-separated); [10,7,5] < [10,8,6].
    let p = with(&["sweep=hidden:10-8-6, 10 7 5"]);
    assert_eq!(p.text("sweep"), "hidden:10-7-5,10-8-6");
    assert_eq!(
        p.sweep_points()[0].widths("hidden"),
        &[10, 7, 5],
        "widths values parse with '-'"
    );
    // Batch sizes ascending, full last; floats in canonical text.
    let p = with(&["sweep=batch_size:full,512,256"]);
    assert_eq!(p.text("sweep"), "batch_size:256,512,full");
    let p = with(&["sweep=lr:1e-3,0.0004,1e-5"]);
    assert_eq!(p.text("sweep"), "lr:1e-5,0.0004,0.001");
    let back = Params::from_query(&p.to_query(), &[]).params;
    assert_eq!(back, p);
    // Empty: no sweep.
    assert_eq!(with(&["sweep="]).sweep(), None);
    assert_eq!(Params::default().text("sweep"), "");
}

#[test]
fn sweep_errors_name_sweep_and_the_bad_value() {
    let cases = [
        (
            "sweep=bins:10,0",
            "sweep: bins value \"0\": 0 is out of range (1 to 100000)",
        ),
        (
            "sweep=bnis:1,2",
            "sweep: \"bnis\": unknown parameter (did you mean bins?)",
        ),
        (
            "sweep=seeds:1,2",
            "sweep: seeds cannot be swept: every point runs every seed",
        ),
        (
            "sweep=preset:idnns-default,saxe-tanh",
            "sweep: preset cannot be swept: a sweep varies one parameter of one experiment",
        ),
        ("sweep=sweep:bins", "sweep: a sweep cannot sweep sweeps"),
        (
            "sweep=plane:trajectories,polylines",
            "sweep: plane is a figure option, not part of the experiment",
        ),
        (
            "sweep=bins",
            "sweep: \"bins\" is not NAME:v1,v2,… (e.g. bins:10,30,100)",
        ),
        ("sweep=bins:10,,30", "sweep: bins: an empty value in \"10,,30\""),
        ("sweep=lr:0.001,1e-3", "sweep: lr value 0.001 is given twice"),
        (
            "sweep=estimator:knn,kde",
            "sweep: estimator value \"kde\": \"kde\" is not one of idnns-binning, uniform-binning, adaptive-binning, kde-upper, kde-lower, exact-binning, net-input-binning, knn, noisy-sp",
        ),
    ];
    for (pair, msg) in cases {
        let e = set_err(pair);
        assert_eq!(e.param, "sweep", "{pair}");
        assert_eq!(e.to_string(), msg, "{pair}");
    }
    let many: Vec<String> = (1..=65).map(|i| i.to_string()).collect();
    let e = set_err(&format!("sweep=bins:{}", many.join(",")));
    assert_eq!(e.to_string(), "sweep: 65 values; a sweep takes at most 64");
    // A malformed sweep in a query is named and the rest still applies.
    let q = Params::from_query("sweep=bins:x&epochs=5", &[]);
    assert_eq!(q.errors.len(), 1);
    assert_eq!(q.errors[0].param, "sweep");
    assert_eq!(q.params.int("epochs"), 5);
}

#[test]
fn sweep_points_set_the_value_and_drop_the_sweep() {
    let mut p = Params::from_preset(presets::find("idnns-default").unwrap());
    p.set("seeds", "2").unwrap();
    p.set("sweep", "bins:30,10").unwrap();
    let pts = p.sweep_points();
    assert_eq!(pts.len(), 2);
    assert_eq!((pts[0].int("bins"), pts[1].int("bins")), (10, 30));
    assert!(pts.iter().all(|q| q.sweep().is_none()));
    assert_eq!(pts[0].to_query(), "preset=idnns-default&seeds=2&bins=10");
    // 30 is the table's default, so that point's query omits it.
    assert_eq!(pts[1].to_query(), "preset=idnns-default&seeds=2");
    assert!(Params::default().sweep_points().is_empty());
    // A sweep is several runs: one configuration cannot stand for it.
    assert_eq!(Config::from_params(&p).unwrap_err().param, "sweep");
}

#[test]
fn plans_decide_shared_training_from_the_configurations() {
    let plan = |pairs: &[&str]| SweepPlan::new(&with(pairs));
    let p = plan(&[
        "estimator=uniform-binning",
        "seeds=3",
        "sweep=bins:10,30,100",
    ])
    .unwrap();
    assert!(p.shared);
    assert_eq!(p.trainings(), 3);
    for pairs in [
        &["sweep=estimator:idnns-binning,kde-upper,knn,exact-binning"][..],
        &["estimator=net-input-binning", "sweep=edges:10,50"],
        &["estimator=uniform-binning", "sweep=range:fixed,run"],
        &["estimator=kde-upper", "sweep=noise_var:0.1,0.001"],
        &["estimator=knn", "sweep=knn_k:2,3,4"],
        &["estimator=knn", "sweep=knn_noise:0,0.01"],
        &[
            "estimator=noisy-sp",
            "noise_std=0.1",
            "sweep=mc_samples:1,4",
        ],
        // Binning and noisy-sp measure the same noisy network.
        &["noise_std=0.1", "sweep=estimator:uniform-binning,noisy-sp"],
        &["sweep=bin_lo:-2,-1"],
    ] {
        assert!(plan(pairs).unwrap().shared, "{pairs:?}");
    }
    for pairs in [
        &["seeds=2", "sweep=lr:0.001,0.0004"][..],
        &["sweep=mi_rows:full,test"],
        &["sweep=activation:tanh,relu"],
        &["sweep=seed:0,1"],
        // The network noise changes training.
        &["estimator=noisy-sp", "sweep=noise_std:0.1,0.5"],
    ] {
        let p = plan(pairs).unwrap();
        assert!(!p.shared, "{pairs:?}");
        assert_eq!(p.trainings(), p.params.seeds() * p.points.len());
    }
    // Each point is checked; the error names the parameter and the point.
    let e = plan(&["sweep=estimator:idnns-binning,noisy-sp"]).unwrap_err();
    assert_eq!(e.param, "noise_std");
    assert!(e.message.starts_with("noisy-sp needs noise_std > 0"), "{e}");
    assert!(
        e.message.ends_with("(sweep point estimator=noisy-sp)"),
        "{e}"
    );
    assert_eq!(plan(&[]).unwrap_err().param, "sweep");
    // Canonical: the swept parameter's own value and the view are dropped.
    let p = plan(&["bins=50", "plane=polylines", "sweep=bins:10,30"]).unwrap();
    assert_eq!(p.params.to_query(), "sweep=bins:10,30");
}

/// `plan`'s point `i` run on its own (the reference for shared training).
fn separately(plan: &SweepPlan, i: usize) -> RunRecord {
    let data = Arc::new(var_u());
    let clock = || 0.0;
    run_set(
        &plan.points[i],
        &plan.configs[i],
        data,
        1,
        &mut |_| {},
        &|| false,
        &clock,
    )
    .unwrap()
}

fn run(plan: &SweepPlan, threads: usize, events: &mut Vec<SweepEvent>) -> SweepRecord {
    let data = plan.datasets(None).unwrap();
    let clock = || 0.0;
    run_sweep(
        plan,
        &data,
        threads,
        &mut |e| events.push(e),
        &|| false,
        &clock,
    )
    .unwrap()
}

#[test]
fn shared_training_is_bit_identical_to_separate_runs_for_every_estimator() {
    // range=run makes uniform-binning wait for the run's range; the
    // O(N²) estimators run on the 819 test rows to keep this quick.
    let plan = SweepPlan::new(&with(&[
        "epochs=30",
        "log_samples=8",
        "seeds=2",
        "mi_rows=test",
        "range=run",
        "bins=20",
        "sweep=estimator:idnns-binning,uniform-binning,adaptive-binning,kde-upper,kde-lower,exact-binning,net-input-binning,knn",
    ]))
    .unwrap();
    assert!(plan.shared);
    let mut events = Vec::new();
    let rec = run(&plan, 2, &mut events);
    assert_eq!(rec.values.len(), 8);
    for i in 0..8 {
        let alone = separately(&plan, i);
        assert_eq!(
            results_json(&rec.points[i]),
            results_json(&alone),
            "{}",
            plan.sweep.label(i)
        );
        let ixt = &rec.points[i].seeds[1].ixt;
        assert!(ixt.iter().flatten().all(|v| v.is_finite()), "{i}");
    }
    // The estimators really differ (the comparison above is not vacuous).
    assert_ne!(
        rec.points[0].seeds[0].ixt, rec.points[3].seeds[0].ixt,
        "idnns-binning vs kde-upper"
    );
    // Each point gets its own events: one Finished per seed, and Epoch
    // events carrying its own MI (idnns-binning: the record's values).
    let finished = |p: usize| {
        events
            .iter()
            .filter(|e| e.point == p && matches!(e.event, Event::Finished { .. }))
            .count()
    };
    assert!((0..8).all(|p| finished(p) == 2));
    let ixt0: Vec<Vec<f64>> = events
        .iter()
        .filter_map(|e| match &e.event {
            Event::Epoch { seed: 0, record } if e.point == 0 => Some(record.ixt.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ixt0, rec.points[0].seeds[0].ixt);
}

#[test]
fn shared_noisy_sp_and_unshared_sweeps_equal_separate_runs() {
    for pairs in [
        &[
            "epochs=12",
            "log_samples=4",
            "seeds=2",
            "mi_rows=test",
            "estimator=noisy-sp",
            "noise_std=0.1",
            "sweep=mc_samples:1,3",
        ][..],
        // The trainer draws K = 5 conditional samples; the K = 2 point
        // uses the first 2, as its own run draws them; K = 1 none.
        &[
            "epochs=12",
            "log_samples=4",
            "seeds=2",
            "mi_rows=test",
            "estimator=noisy-sp",
            "noise_std=0.1",
            "sweep=cond_samples:1,2,5",
        ],
        // Unshared: the noise changes training.
        &[
            "epochs=12",
            "log_samples=4",
            "seeds=2",
            "mi_rows=test",
            "estimator=noisy-sp",
            "sweep=noise_std:0.1,0.5",
        ],
        &[
            "epochs=12",
            "log_samples=4",
            "seeds=2",
            "sweep=lr:0.01,0.0004",
        ],
    ] {
        let plan = SweepPlan::new(&with(pairs)).unwrap();
        let rec = run(&plan, 3, &mut Vec::new());
        for i in 0..plan.points.len() {
            assert_eq!(
                results_json(&rec.points[i]),
                results_json(&separately(&plan, i)),
                "{pairs:?} {i}"
            );
        }
        assert_ne!(rec.points[0].seeds[0].ixt, rec.points[1].seeds[0].ixt);
    }
}

#[test]
fn seed_k_of_a_run_set_draws_the_estimator_noise_of_seed_k() {
    // with_seed moves the k-NN noise seed too: seed 1 of a 2-seed set equals
    // a run of seed 1 alone.
    let set = with(&[
        "epochs=3",
        "log_samples=2",
        "seeds=2",
        "mi_rows=test",
        "estimator=knn",
    ]);
    let cfg = Config::from_params(&set).unwrap();
    let data = Arc::new(var_u());
    let clock = || 0.0;
    let all = run_set(&set, &cfg, data.clone(), 1, &mut |_| {}, &|| false, &clock).unwrap();
    let one = with(&[
        "epochs=3",
        "log_samples=2",
        "seed=1",
        "mi_rows=test",
        "estimator=knn",
    ]);
    let alone = run_seed(
        &Config::from_params(&one).unwrap(),
        data,
        &mut |_| {},
        &|| false,
        &clock,
    )
    .unwrap();
    assert_eq!(all.seeds[1].digest(), alone.digest());
}

fn ep(e: usize, ixt: [f64; 2], ity: [f64; 2]) -> EpochRecord {
    EpochRecord {
        epoch: e,
        ixt: ixt.to_vec(),
        ity: ity.to_vec(),
        grad_m: vec![1.0, 1.0],
        grad_s: vec![1.0, 1.0],
        wnorm: vec![1.0, 1.0],
        loss_train: 0.5,
        loss_test: 0.5,
        acc_train: 0.5,
        acc_test: 0.5,
    }
}

fn seed(s: u64, epochs: &[EpochRecord]) -> SeedRecord {
    let mut r = SeedRecord::new(s);
    epochs.iter().for_each(|e| r.push(e));
    r.status = Status::Done;
    r
}

fn header(name: &str) -> RunHeader {
    RunHeader {
        dataset: DatasetInfo {
            name: name.into(),
            rows: 4,
            features: 1,
            classes: 2,
        },
        layers: vec![3, 2],
        mi_rows: 4,
        label_entropy: 1.0,
        max_ixt: 2.0,
        epochs: 4,
    }
}

/// Hand-made run records of `bins=10` and `bins=30`, two seeds each; seed 1
/// of `bins=30` stopped after logging epoch 0.
fn hand_points() -> (Params, Vec<RunRecord>) {
    let sweep = with(&["seeds=2", "sweep=bins:10,30"]);
    let pts = sweep.sweep_points();
    let a = RunRecord::new(
        &pts[0],
        &header("t"),
        vec![
            seed(
                0,
                &[
                    ep(0, [0.0, 0.0], [0.0, 0.0]),
                    ep(3, [1.0, 4.0], [0.25, 0.5]),
                ],
            ),
            seed(
                1,
                &[
                    ep(0, [0.0, 0.0], [0.0, 0.0]),
                    ep(3, [3.0, 4.0], [0.75, 1.0]),
                ],
            ),
        ],
    );
    let b = RunRecord::new(
        &pts[1],
        &header("t"),
        vec![
            seed(
                0,
                &[
                    ep(0, [1.0, 1.0], [0.5, 0.5]),
                    ep(3, [2.5, 1.5], [0.125, f64::NAN]),
                ],
            ),
            seed(1, &[ep(0, [3.0, 1.0], [0.5, 0.5])]),
        ],
    );
    (sweep, vec![a, b])
}

#[test]
fn summary_is_mean_and_population_sd_over_seeds_by_hand() {
    let (sweep, points) = hand_points();
    let rec = SweepRecord::new(&sweep, points).unwrap();
    assert_eq!(rec.format, "infoplane-sweep");
    assert_eq!(rec.query, "seeds=2&sweep=bins:10,30");
    assert_eq!(
        (rec.param.as_str(), rec.values.clone()),
        ("bins", vec!["10".to_string(), "30".into()])
    );
    // bins=10, epoch 3 (the last), layer 1: I(X;T) 1 and 3 → mean 2,
    // population sd √(((1−2)² + (3−2)²)/2) = 1 (the sample sd would be √2);
    // I(T;Y) 0.25 and 0.75 → 0.5 ± 0.25. Layer 2: 4 and 4 → 4 ± 0;
    // 0.5 and 1 → 0.75 ± 0.25.
    // bins=30: only seed 0 logged epoch 3 → n = 1, sd 0; its layer-2 I(T;Y)
    // is NaN → empty fields.
    let csv = rec.to_csv();
    assert_eq!(
        csv,
        "bins,epoch,layer,units,n,ixt_mean,ixt_sd,ity_mean,ity_sd\n\
         10,3,1,3,2,2,1,0.5,0.25\n\
         10,3,2,2,2,4,0,0.75,0.25\n\
         30,3,1,3,1,2.5,0,0.125,0\n\
         30,3,2,2,1,1.5,0,,\n"
    );
    // At epoch 0 both seeds of bins=30 count: I(X;T) of layer 1 is 1 and 3
    // → 2 ± 1; layer 2: 1 and 1 → 1 ± 0.
    let at0 = rec.summary_at(Some(0));
    assert_eq!(
        summary_csv("bins", &at0).lines().nth(3).unwrap(),
        "30,0,1,3,2,2,1,0.5,0"
    );
    // An epoch no seed logged: n = 0 and no statistics.
    let at5 = rec.summary_at(Some(5));
    assert!(at5
        .iter()
        .all(|r| r.n == 0 && r.ixt_mean.is_nan() && r.ity_sd.is_nan()));
    assert_eq!(at5.len(), 4);
}

#[test]
fn points_still_running_summarise_as_their_records_do() {
    let (sweep, points) = hand_points();
    let rec = SweepRecord::new(&sweep, points.clone()).unwrap();
    let values = rec.values.clone();
    let live: Vec<(&[usize], &[SeedRecord])> = points
        .iter()
        .map(|p| (p.layers.as_slice(), p.seeds.as_slice()))
        .collect();
    // Compared as CSV: a NaN row is never == itself.
    let csv = |rows: &[SummaryRow]| summary_csv("bins", rows);
    assert_eq!(csv(&summarise_points(&values, &live, None)), rec.to_csv());
    assert_eq!(
        csv(&summarise_points(&values, &live, Some(0))),
        csv(&rec.summary_at(Some(0)))
    );
    // A point not started yet (no layers known, no seed logged) has no
    // rows; the started one keeps its two (one per layer).
    let started: Vec<(&[usize], &[SeedRecord])> = vec![live[0], (&[], &[])];
    let rows = summarise_points(&values, &started, None);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.value == "10"));
    assert!(is_sweepable(crate::params::spec("bins").unwrap()));
    for name in ["preset", "seeds", "sweep", "plane"] {
        assert!(!is_sweepable(crate::params::spec(name).unwrap()), "{name}");
    }
}

#[test]
fn sweep_records_round_trip_and_bad_fields_are_named() {
    let (sweep, points) = hand_points();
    let rec = SweepRecord::new(&sweep, points).unwrap();
    let text = serde_json::to_string(&rec).unwrap();
    let back = SweepRecord::from_json(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let broken = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut w = v.clone();
        edit(&mut w);
        SweepRecord::from_json(&w.to_string()).unwrap_err()
    };
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|w| w["format"] = "infoplane-run".into()),
            "format: \"infoplane-run\", expected \"infoplane-sweep\"",
        ),
        (
            Box::new(|w| w["version"] = 2.into()),
            "version: 2 is not supported (expected 1)",
        ),
        (
            Box::new(|w| w["query"] = "sweep=bins:10,0".into()),
            "query: sweep: bins value \"0\": 0 is out of range (1 to 100000)",
        ),
        (
            Box::new(|w| w["query"] = "seeds=2".into()),
            "query: it has no sweep",
        ),
        (
            Box::new(|w| w["param"] = "edges".into()),
            "param: \"edges\" is not the query's swept parameter (bins)",
        ),
        (
            Box::new(|w| w["values"][1] = "31".into()),
            "values: [10, 31] are not the query's (bins:10,30)",
        ),
        (
            Box::new(|w| {
                w["points"].as_array_mut().unwrap().pop();
            }),
            "points: 1 run records for 2 values",
        ),
        (
            Box::new(|w| w["points"].as_array_mut().unwrap().swap(0, 1)),
            "points[0].query: \"seeds=2\" is not the run of bins=10 (\"seeds=2&bins=10\")",
        ),
        (
            Box::new(|w| {
                w["points"][1]["seeds"][0]["ixt"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            }),
            "points[1]: seeds[0].ixt: 1 entries for 2 logged epochs",
        ),
    ];
    for (edit, msg) in cases {
        assert_eq!(broken(&*edit), msg);
    }
    assert!(SweepRecord::from_json("{}")
        .unwrap_err()
        .starts_with("not an infoplane sweep record"));
    // The summary is derived: a tampered one is recomputed on load.
    let mut w = v.clone();
    w["summary"] = serde_json::json!([]);
    let back = SweepRecord::from_json(&w.to_string()).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
}

#[test]
fn sweep_records_name_their_engine_version_third_and_read_without_it() {
    let (sweep, points) = hand_points();
    let rec = SweepRecord::new(&sweep, points).unwrap();
    assert_eq!(rec.engine.as_deref(), Some(crate::versions::CURRENT));
    assert_eq!(rec.engine(), crate::versions::CURRENT);
    // Written after format and version, as a run record writes it.
    let text = serde_json::to_string(&rec).unwrap();
    let head = format!(
        "{{\"format\":\"infoplane-sweep\",\"version\":1,\"engine\":\"{}\",\"query\":",
        crate::versions::CURRENT
    );
    assert!(text.starts_with(&head), "{}", &text[..120]);
    // Another version's is kept as it is (the page notices it).
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["engine"] = "0.0.8".into();
    let other = SweepRecord::from_json(&v.to_string()).unwrap();
    assert_eq!(other.engine(), "0.0.8");
    // A sweep record made before the field reads as 0.1.0 and is written
    // back without it.
    v.as_object_mut().unwrap().remove("engine");
    let old = SweepRecord::from_json(&v.to_string()).unwrap();
    assert_eq!((old.engine.as_deref(), old.engine()), (None, "0.1.0"));
    let written = serde_json::to_value(&old).unwrap();
    assert!(written.get("engine").is_none(), "{written:?}");
}

#[test]
fn merge_rebuilds_the_record_in_any_order_and_names_what_differs() {
    let (sweep, points) = hand_points();
    let whole = SweepRecord::new(&sweep, points.clone()).unwrap();
    let [a, b] = <[RunRecord; 2]>::try_from(points).unwrap();
    let merged = SweepRecord::merge(
        vec![("b.json".into(), b.clone()), ("a.json".into(), a.clone())],
        None,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&merged).unwrap(),
        serde_json::to_string(&whole).unwrap()
    );
    // A third record that also changes lr: bins takes three distinct
    // values, lr two, so bins is the swept one and lr is named.
    let c_params = with(&["seeds=2", "bins=100", "lr=0.001"]);
    let c = RunRecord::new(&c_params, &header("t"), a.seeds.clone());
    let e = SweepRecord::merge(
        vec![
            ("a.json".into(), a.clone()),
            ("b.json".into(), b.clone()),
            ("c.json".into(), c.clone()),
        ],
        None,
    )
    .unwrap_err();
    assert_eq!(e.param, "lr");
    assert_eq!(
        e.message,
        "a.json (0.0004) and c.json (0.001) differ in it; only the swept parameter bins may"
    );
    // Two records differing in two parameters: which is swept is unknown.
    let e = SweepRecord::merge(
        vec![("a.json".into(), a.clone()), ("c.json".into(), c)],
        None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "lr: the records differ in lr, bins: a sweep varies one parameter"
    );
    // The same value twice.
    let e = SweepRecord::merge(
        vec![
            ("a.json".into(), a.clone()),
            ("a2.json".into(), a.clone()),
            ("b.json".into(), b.clone()),
        ],
        None,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bins: a.json and a2.json are both runs of bins=10"
    );
    // Identical records; a single record needs the swept parameter named.
    let e = SweepRecord::merge(
        vec![("a.json".into(), a.clone()), ("x.json".into(), a.clone())],
        None,
    )
    .unwrap_err();
    assert_eq!(e.param, "sweep");
    assert!(e.message.contains("agree in every parameter"), "{e}");
    assert_eq!(
        SweepRecord::merge(vec![("a.json".into(), a.clone())], None)
            .unwrap_err()
            .param,
        "sweep"
    );
    let one = SweepRecord::merge(vec![("a.json".into(), a.clone())], Some("bins")).unwrap();
    assert_eq!(one.query, "seeds=2&sweep=bins:10");
    assert_eq!(
        SweepRecord::merge(vec![("a.json".into(), a.clone())], Some("seeds"))
            .unwrap_err()
            .to_string(),
        "seeds: seeds cannot be swept: every point runs every seed"
    );
    // Different data under the same parameters.
    let other = RunRecord::new(
        &with(&["seeds=2", "bins=30"]),
        &header("u"),
        b.seeds.clone(),
    );
    let e = SweepRecord::merge(
        vec![("a.json".into(), a.clone()), ("u.json".into(), other)],
        None,
    )
    .unwrap_err();
    assert_eq!(e.param, "dataset");
    // A record of a whole sweep is not a point.
    let mut s = a.clone();
    s.query = "sweep=bins:10,30".into();
    let e = SweepRecord::merge(vec![("s.json".into(), s)], Some("bins")).unwrap_err();
    assert_eq!(e.param, "sweep");
    assert!(e.message.starts_with("s.json is a sweep"), "{e}");
}

#[test]
fn jobs_run_in_slices_give_the_same_record_and_stop_cleanly() {
    let plan = SweepPlan::new(&with(&[
        "epochs=20",
        "log_samples=6",
        "seeds=2",
        "estimator=uniform-binning",
        "range=run",
        "sweep=bins:5,30",
    ]))
    .unwrap();
    let data = plan.datasets(None).unwrap();
    let jobs = plan.jobs();
    let both = vec![0, 1];
    assert_eq!(
        jobs,
        vec![
            SweepJob {
                points: both.clone(),
                seed: 0
            },
            SweepJob {
                points: both,
                seed: 1
            }
        ]
    );
    let clock = || 0.0;
    // Three epochs per slice, the jobs in reverse order: the same record.
    let mut results = Vec::new();
    for job in jobs.iter().rev() {
        let mut r = SweepSeedRun::start(&plan, job, data[0].clone(), 0.0, &mut |_| {}).unwrap();
        while r.results().is_none() {
            r.advance(3, f64::INFINITY, &clock, &mut |_| {});
        }
        results.extend(r.results().unwrap().to_vec());
    }
    let sliced = plan.record(&data, results).unwrap();
    let whole = run(&plan, 1, &mut Vec::new());
    assert_eq!(results_json(&sliced), results_json(&whole));
    // Stopped after 7 of 20 epochs: every point's record says so and holds
    // the logged epochs below 7.
    let mut r = SweepSeedRun::start(&plan, &jobs[0], data[0].clone(), 0.0, &mut |_| {}).unwrap();
    r.advance(7, f64::INFINITY, &clock, &mut |_| {});
    assert_eq!(r.epoch(), Some(7));
    let mut finished = 0;
    let out = r
        .finish(Status::Stopped, 0.0, &mut |e| {
            finished += usize::from(matches!(e.event, Event::Finished { .. }))
        })
        .unwrap();
    assert_eq!(finished, 2);
    let logged: Vec<usize> = plan.configs[0]
        .schedule
        .epochs(20)
        .into_iter()
        .filter(|&e| e < 7)
        .collect();
    for (p, rec) in &out {
        assert_eq!(rec.status, Status::Stopped, "{p}");
        assert_eq!(rec.epochs, logged);
    }
    assert!(r.finish(Status::Stopped, 0.0, &mut |_| {}).is_none());
    // Without shared training a job is one value's seed.
    let plan = SweepPlan::new(&with(&["seeds=2", "sweep=lr:0.01,0.001"])).unwrap();
    let pairs: Vec<(Vec<usize>, u64)> = plan
        .jobs()
        .into_iter()
        .map(|j| (j.points, j.seed))
        .collect();
    assert_eq!(
        pairs,
        vec![(vec![0], 0), (vec![0], 1), (vec![1], 0), (vec![1], 1)]
    );
}

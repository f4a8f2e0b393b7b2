//! Property tests of every reader of outside input: the URL query codec,
//! the CSV and IDX readers, JSON record loading and `infoplane mi`'s inputs.
//! None may panic on any input, and each error names the field at fault.
//!
//! CI runs a small fixed number of cases per property (seconds in all);
//! `PROPTEST_CASES=100000 cargo test -p infoplane-core proptest` runs more.

mod proptests {
    use infoplane_core::data::{
        parse_csv, parse_idx, parse_mi_inputs, DataError, MiFile, MAX_LABEL,
    };
    use infoplane_core::estimators::{estimate_layers, Estimator};
    use infoplane_core::params::{percent_decode, percent_encode, Kind, Params, PARAMS};
    use infoplane_core::presets::PRESETS;
    use infoplane_core::record::{Aggregate, EpochRecord, RunRecord, SeedRecord};
    use proptest::prelude::*;
    use proptest::sample::select;

    /// `ci_cases` cases, unless `PROPTEST_CASES` is set (then
    /// `ProptestConfig::default()` reads it).
    fn config(ci_cases: u32) -> ProptestConfig {
        if std::env::var_os("PROPTEST_CASES").is_some() {
            ProptestConfig::default()
        } else {
            ProptestConfig::with_cases(ci_cases)
        }
    }

    // ------------------------------------------------------------ queries

    /// A valid value of a parameter of kind `kind`: its canonical text and
    /// another spelling of the same value that the parser must accept.
    fn value_of(kind: Kind) -> BoxedStrategy<(String, String)> {
        match kind {
            Kind::Choice(names) => (select(names.to_vec()), any::<bool>())
                .prop_map(|(n, upper)| {
                    let alt = if upper {
                        n.to_uppercase()
                    } else {
                        format!(" {n} ")
                    };
                    (n.to_string(), alt)
                })
                .boxed(),
            Kind::Int { min, max } => (min..=max)
                .prop_map(|v| (v.to_string(), format!(" {v:+}")))
                .boxed(),
            Kind::Float {
                min,
                min_incl,
                max,
                max_incl,
            } => {
                // Uniform values, the bounds, powers of ten (1e-8 …), and
                // full-precision values of every magnitude (the codec
                // writes |v| < 1e-4 and >= 1e7 in exponent form).
                let tens: Vec<f64> = (-12..=12).map(|e| 10f64.powi(e)).collect();
                prop_oneof![
                    min..=max,
                    Just(min),
                    Just(max),
                    select(tens.clone()),
                    select(tens).prop_map(|t| -t),
                    (-10.0f64..10.0, -12i32..=12).prop_map(|(m, e)| m * 10f64.powi(e)),
                ]
                .prop_filter("in range", move |&v| {
                    (if min_incl { v >= min } else { v > min })
                        && (if max_incl { v <= max } else { v < max })
                })
                .prop_map(|v| (format!("{v}"), format!("{v:e}")))
                .boxed()
            }
            Kind::Widths {
                max_layers,
                max_width,
            } => proptest::collection::vec(1..=max_width, 0..=max_layers)
                .prop_map(|ws| {
                    let canon: Vec<String> = ws.iter().map(|w| w.to_string()).collect();
                    (canon.join(","), canon.join(" - "))
                })
                .boxed(),
            Kind::Preset => select(PRESETS.iter().map(|p| p.name).collect::<Vec<_>>())
                .prop_map(|n| (n.to_string(), n.to_uppercase()))
                .boxed(),
            Kind::Sweep => proptest::collection::btree_set(1i64..100_000, 1..=3)
                .prop_map(|set| {
                    let v: Vec<String> = set.iter().map(|x| x.to_string()).collect();
                    let mut rev = v.clone();
                    rev.reverse();
                    (
                        format!("epochs:{}", v.join(",")),
                        format!("epochs:{}", rev.join(",")),
                    )
                })
                .boxed(),
            Kind::Batch { max } => prop_oneof![
                Just(("full".to_string(), "FULL".to_string())),
                (1..=max).prop_map(|b| (b.to_string(), format!(" {b} "))),
            ]
            .boxed(),
        }
    }

    /// Valid parameters built from the parameter table (so the strategy
    /// follows the table as it changes): a preset or none, then an override
    /// or none per parameter; with, per override, the other spelling.
    #[derive(Clone, Debug)]
    struct Generated {
        experiment: Params,
        /// `(name, other spelling)` of each override.
        written: Vec<(&'static str, String)>,
    }

    fn experiment() -> impl Strategy<Value = Generated> {
        // The preset is chosen first (setting it resets every parameter).
        let settable: Vec<_> = PARAMS.iter().filter(|p| p.kind != Kind::Preset).collect();
        let overrides: Vec<_> = settable
            .iter()
            .map(|p| proptest::option::of(value_of(p.kind)))
            .collect();
        (proptest::option::of(0..PRESETS.len()), overrides).prop_map(move |(preset, overrides)| {
            let preset = preset.map(|i| &PRESETS[i]);
            let mut params = preset.map(Params::from_preset).unwrap_or_default();
            let mut written = Vec::new();
            for (spec, o) in settable.iter().zip(overrides) {
                if let Some((canon, alt)) = o {
                    params
                        .set(spec.name, &canon)
                        .unwrap_or_else(|e| panic!("generated {canon:?}: {e}"));
                    written.push((spec.name, alt));
                }
            }
            Generated {
                experiment: params,
                written,
            }
        })
    }

    /// Keys a query may hold: the table's names, the codec's own, and junk.
    fn query_key() -> impl Strategy<Value = String> {
        let mut names: Vec<String> = PARAMS.iter().map(|p| p.name.to_string()).collect();
        names.extend(["preset", "seeds", "autorun"].map(String::from));
        prop_oneof![select(names), "[a-z_%+=]{0,12}", any::<String>()]
    }

    /// Values: numbers, lists, names, escapes and arbitrary text.
    fn query_value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            any::<f64>().prop_map(|v| v.to_string()),
            "[0-9, -]{0,40}",
            "[a-zA-Z%0-9.+-]{0,20}",
            select(PRESETS.iter().map(|p| p.name).collect::<Vec<_>>()).prop_map(String::from),
            any::<String>(),
        ]
    }

    /// The keys of a query string as `from_query` decodes them.
    fn decoded_keys(q: &str) -> Vec<String> {
        q.strip_prefix('?')
            .unwrap_or(q)
            .split('&')
            .map(|p| percent_decode(p.split_once('=').map_or(p, |(k, _)| k)))
            .collect()
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn query_from_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let q = String::from_utf8_lossy(&bytes);
            let parsed = Params::from_query(&q, &["autorun"]);
            let keys = decoded_keys(&q);
            for e in &parsed.errors {
                prop_assert!(keys.contains(&e.param), "error {e} names no key of {q:?}");
            }
        }

        #[test]
        fn query_errors_name_their_key(
            pairs in proptest::collection::vec((query_key(), query_value()), 0..12),
            encode in any::<bool>(),
        ) {
            let q = pairs
                .iter()
                .map(|(k, v)| if encode {
                    format!("{}={}", percent_encode(k), percent_encode(v))
                } else {
                    format!("{k}={v}")
                })
                .collect::<Vec<_>>()
                .join("&");
            let parsed = Params::from_query(&q, &["autorun"]);
            let keys = decoded_keys(&q);
            for e in &parsed.errors {
                prop_assert!(keys.contains(&e.param), "error {e} names no key of {q:?}");
                prop_assert!(!e.message.is_empty());
            }
            // Whatever was read is a valid state that round-trips.
            let x = parsed.params;
            let back = Params::from_query(&x.to_query(), &[]);
            prop_assert!(back.errors.is_empty(), "{:?}", back.errors);
            prop_assert_eq!(back.params, x);
        }

        #[test]
        fn query_round_trips_and_is_canonical(g in experiment(), order in any::<u64>()) {
            let x = &g.experiment;
            let q = x.to_query();
            let back = Params::from_query(&q, &[]);
            prop_assert!(back.errors.is_empty(), "{q}: {:?}", back.errors);
            prop_assert_eq!(&back.params, x, "{}", q);
            prop_assert_eq!(back.params.to_query(), q.clone());
            // Written another way (other spellings, any order, encoded, with
            // a leading ?), the same experiment gives the same query.
            let mut parts: Vec<String> = g
                .written
                .iter()
                .map(|(k, v)| format!("{k}={}", percent_encode(v)))
                .collect();
            if let Some(p) = x.preset() {
                parts.push(format!("preset={}", p.name));
            }
            let n = parts.len().max(1);
            parts.rotate_left((order % n as u64) as usize);
            let other = format!("?{}", parts.join("&"));
            let parsed = Params::from_query(&other, &[]);
            prop_assert!(parsed.errors.is_empty(), "{other}: {:?}", parsed.errors);
            prop_assert_eq!(&parsed.params, x, "{}", other);
            prop_assert_eq!(parsed.params.to_query(), q);
        }
    }

    // ---------------------------------------------------------------- CSV

    /// A cell of a CSV file: mostly numbers, sometimes text or nothing.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => (-5i32..5).prop_map(|v| v.to_string()),
            4 => any::<f32>().prop_map(|v| v.to_string()),
            1 => "[a-z. +-]{0,4}",
            1 => Just(String::new()),
        ]
    }

    /// Rows of cells joined by one separator, line ends mixed.
    fn csv_text() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(proptest::collection::vec(cell(), 1..5), 0..8),
            select(vec![",", ";", "\t"]),
            select(vec!["\n", "\r\n"]),
            any::<bool>(),
        )
            .prop_map(|(rows, sep, end, header)| {
                let mut text = String::new();
                if header {
                    text.push_str(&["a", "b", "class"].join(sep));
                    text.push_str(end);
                }
                for r in rows {
                    text.push_str(&r.join(sep));
                    text.push_str(end);
                }
                text
            })
    }

    /// Checks a data error against the text it came from: the line exists
    /// and the column is a number no larger than the widest line allows.
    fn located_in(e: &DataError, text: &str) -> Result<(), TestCaseError> {
        let lines = text.lines().count();
        if let Some(l) = e.line {
            prop_assert!((1..=lines).contains(&l), "line {l} of {lines}: {e}");
        }
        if let Some(c) = &e.column {
            let n: usize = c
                .split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| TestCaseError::fail(format!("column {c:?} is not numbered")))?;
            prop_assert!(n >= 1, "{e}");
        }
        prop_assert!(!e.message.is_empty());
        Ok(())
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn csv_from_any_text_never_panics(text in any::<String>()) {
            match parse_csv("t", &text) {
                Ok(d) => {
                    prop_assert_eq!(d.x().len(), d.len() * d.n_features());
                    prop_assert!(d.y().iter().all(|&y| (y as usize) < d.n_classes()));
                }
                Err(e) => located_in(&e, &text)?,
            }
        }

        #[test]
        fn csv_reads_or_locates_the_fault(text in csv_text()) {
            match parse_csv("t", &text) {
                Ok(d) => {
                    prop_assert!(d.n_classes() >= 2);
                    prop_assert_eq!(d.x().len(), d.len() * d.n_features());
                    prop_assert!(d.y().iter().all(|&y| (y as usize) < d.n_classes()));
                    prop_assert!(d.x().iter().all(|v| v.is_finite()));
                    for r in 0..d.len() {
                        prop_assert_eq!(d.row(r).len(), d.n_features());
                    }
                }
                Err(e) => located_in(&e, &text)?,
            }
        }

        #[test]
        fn csv_names_the_line_and_column_of_a_bad_cell(
            rows in 2usize..8,
            cols in 2usize..6,
            at in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
            bad in "[a-z]{1,3}",
        ) {
            // A valid file (header, then two alternating classes) with one
            // feature cell replaced by text: line = row + 2, column = c + 1.
            let (r, c) = (at.0.index(rows), at.1.index(cols - 1));
            let header: Vec<String> = (0..cols).map(|j| format!("h{j}")).collect();
            let mut lines = vec![header.join(",")];
            for i in 0..rows {
                let mut cells: Vec<String> = (0..cols - 1).map(|j| (i * j).to_string()).collect();
                cells.push((i % 2).to_string());
                if i == r {
                    cells[c] = bad.clone();
                }
                lines.push(cells.join(","));
            }
            let e = parse_csv("t", &lines.join("\n")).unwrap_err();
            prop_assert_eq!(e.line, Some(r + 2));
            prop_assert_eq!(e.column, Some(format!("{} (\"h{c}\")", c + 1)));
            // "inf" and "nan" are numbers to Rust's parser, just not finite ones.
            let what = if bad.parse::<f32>().is_ok() { "a finite number" } else { "a number" };
            prop_assert_eq!(e.message, format!("\"{bad}\" is not {what}"));
        }
    }

    // ---------------------------------------------------------------- IDX

    /// An IDX file of unsigned bytes: dims, then `body` bytes.
    fn idx(dims: &[u32], body: &[u8]) -> Vec<u8> {
        let mut b = vec![0, 0, 8, dims.len() as u8];
        for d in dims {
            b.extend(d.to_be_bytes());
        }
        b.extend(body);
        b
    }

    /// Dimensions chosen to overflow: 0, 1, powers of two up to 2^31 and
    /// u32::MAX, or small.
    fn dim() -> impl Strategy<Value = u32> {
        prop_oneof![
            select(vec![
                0u32,
                1,
                2,
                1 << 8,
                1 << 16,
                1 << 24,
                1 << 31,
                u32::MAX
            ]),
            0u32..6,
            any::<u32>(),
        ]
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn idx_from_any_bytes_never_panics(
            images in proptest::collection::vec(any::<u8>(), 0..64),
            labels in proptest::collection::vec(any::<u8>(), 0..32),
        ) {
            if let Err(e) = parse_idx("m", &images, &labels) {
                let field = e.column.clone().unwrap_or_default();
                prop_assert!(
                    field.starts_with("images header, ") || field.starts_with("labels header, "),
                    "{e}"
                );
            }
        }

        #[test]
        fn idx_headers_cannot_wrap_around(
            dims in (dim(), dim(), dim()),
            n_labels in dim(),
            body_len in prop_oneof![0usize..40, Just(usize::MAX)],
            labels_body in proptest::collection::vec(0u8..3, 0..40),
        ) {
            let (n, r, c) = dims;
            let announced = u128::from(n) * u128::from(r) * u128::from(c);
            // The body as announced in 32-bit wrapped arithmetic (what a
            // wasm32 build without checks would compare), when small.
            let wrapped = (n.wrapping_mul(r).wrapping_mul(c)) as usize;
            let len = if body_len == usize::MAX { wrapped.min(64) } else { body_len };
            let images = idx(&[n, r, c], &vec![7; len]);
            let labels = idx(&[n_labels], &labels_body);
            match parse_idx("m", &images, &labels) {
                Ok(d) => {
                    // Accepted only when the header tells the truth.
                    prop_assert_eq!(announced, len as u128);
                    prop_assert_eq!(d.len(), n as usize);
                    prop_assert_eq!(d.n_features(), (r * c) as usize);
                    prop_assert_eq!(d.x().len(), len);
                    prop_assert_eq!(labels_body.len(), n as usize);
                    prop_assert!(d.y().iter().all(|&y| (y as usize) < d.n_classes()));
                }
                Err(e) => {
                    let field = e.column.clone().unwrap_or_default();
                    prop_assert!(
                        field.starts_with("images header, ") || field.starts_with("labels header, "),
                        "{e}"
                    );
                    if announced != len as u128 {
                        prop_assert_eq!(field, "images header, dimensions");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------ records

    /// A finite value or NaN (records write NaN as null).
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            6 => -1e3f64..1e3,
            1 => Just(f64::NAN),
            1 => Just(0.0),
        ]
    }

    /// A consistent record: `seeds` seeds of up to 5 logged epochs over
    /// `layers` layers, the mean computed.
    fn record() -> impl Strategy<Value = RunRecord> {
        (0usize..4, 1usize..3).prop_flat_map(|(layers, seeds)| {
            let epoch = (
                proptest::collection::vec(value(), layers * 5),
                proptest::collection::vec(value(), 4),
            );
            (
                proptest::collection::vec(proptest::collection::vec(epoch, 0..5), seeds),
                Just(layers),
            )
                .prop_map(|(seeds, layers)| {
                    let seeds: Vec<SeedRecord> = seeds
                        .into_iter()
                        .enumerate()
                        .map(|(i, epochs)| {
                            let mut s = SeedRecord::new(i as u64);
                            for (k, (v, scalars)) in epochs.into_iter().enumerate() {
                                let part = |j: usize| v[j * layers..(j + 1) * layers].to_vec();
                                s.push(&EpochRecord {
                                    epoch: 3 * k,
                                    ixt: part(0),
                                    ity: part(1),
                                    grad_m: part(2),
                                    grad_s: part(3),
                                    wnorm: part(4),
                                    loss_train: scalars[0],
                                    loss_test: scalars[1],
                                    acc_train: scalars[2],
                                    acc_test: scalars[3],
                                });
                            }
                            s
                        })
                        .collect();
                    let mut base: RunRecord = serde_json::from_value(serde_json::json!({
                        "format": "infoplane-run", "version": 1, "query": "epochs=9",
                        "params": {"epochs": "9"},
                        "dataset": {"name": "t", "rows": 4, "features": 2, "classes": 2},
                        "layers": vec![3; layers], "mi_rows": 4, "label_entropy": 1.0,
                        "max_ixt": 2.0, "seeds": [], "mean": Aggregate::default(),
                    }))
                    .expect("a record template");
                    base.seeds = seeds;
                    base.update_mean();
                    base
                })
        })
    }

    /// Every node of a JSON document with its path as errors write it
    /// (`seeds[0].ixt[3]`), leaving out the free-form `params` values.
    fn nodes(
        v: &serde_json::Value,
        path: String,
        out: &mut Vec<(String, String)>,
        pointer: String,
    ) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, child) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    let ptr = format!("{pointer}/{k}");
                    out.push((p.clone(), ptr.clone()));
                    if p != "params" {
                        nodes(child, p, out, ptr);
                    }
                }
            }
            serde_json::Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    let ptr = format!("{pointer}/{i}");
                    out.push((p.clone(), ptr.clone()));
                    nodes(child, p, out, ptr);
                }
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(config(128))]

        #[test]
        fn records_from_any_text_never_panic(text in any::<String>()) {
            if let Err(e) = RunRecord::from_json(&text) {
                prop_assert!(!e.path.is_empty() && !e.message.is_empty());
            }
        }

        #[test]
        fn records_from_json_like_text_never_panic(
            text in r#"[{}\[\]":,0-9a-z\-.e ]{0,80}"#,
        ) {
            let _ = RunRecord::from_json(&format!("{{\"format\":\"infoplane-run\",\"version\":1,{text}"));
        }

        #[test]
        fn records_round_trip(rec in record()) {
            let back = RunRecord::from_json(&serde_json::to_string(&rec).unwrap());
            prop_assert!(back.is_ok(), "{:?}", back.err());
            let back = back.unwrap();
            prop_assert_eq!(back.seeds.len(), rec.seeds.len());
            for (a, b) in back.seeds.iter().zip(&rec.seeds) {
                prop_assert_eq!(a.digest(), b.digest());
            }
        }

        #[test]
        fn a_field_of_the_wrong_type_is_named_by_its_path(
            rec in record(),
            pick in any::<prop::sample::Index>(),
        ) {
            let mut v = serde_json::to_value(&rec).unwrap();
            let mut all = Vec::new();
            nodes(&v, String::new(), &mut all, String::new());
            let (path, pointer) = pick.get(&all).clone();
            // `true` is no field's type (params values aside, left out).
            *v.pointer_mut(&pointer).unwrap() = serde_json::Value::Bool(true);
            let e = RunRecord::from_json(&v.to_string()).unwrap_err();
            prop_assert_eq!(e.path, path);
        }

        #[test]
        fn a_series_of_the_wrong_length_is_named_by_its_path(
            rec in record(),
            pick in any::<prop::sample::Index>(),
        ) {
            // Candidates: every per-epoch series and per-layer row of a
            // seed (not `epochs` itself, the reference), and of the mean.
            let v = serde_json::to_value(&rec).unwrap();
            let mut all = Vec::new();
            nodes(&v, String::new(), &mut all, String::new());
            let candidates: Vec<(String, String)> = all
                .into_iter()
                .filter(|(p, ptr)| {
                    let a = v.pointer(ptr).and_then(|x| x.as_array());
                    (p.starts_with("seeds[") || p.starts_with("mean."))
                        && a.is_some_and(|a| !a.is_empty())
                        && !p.ends_with(".epochs")
                })
                .collect();
            prop_assume!(!candidates.is_empty());
            let (path, pointer) = pick.get(&candidates).clone();
            let mut v = v;
            v.pointer_mut(&pointer).unwrap().as_array_mut().unwrap().pop();
            let e = RunRecord::from_json(&v.to_string()).unwrap_err();
            prop_assert_eq!(e.path, path, "{}", e.message);
        }
    }

    // ------------------------------------------------------- `mi` inputs

    /// A numeric CSV (activations or labels): numbers, sometimes junk.
    fn numbers_text(cols: std::ops::Range<usize>) -> impl Strategy<Value = String> {
        let cell = prop_oneof![
            6 => (0u32..4).prop_map(|v| v.to_string()),
            4 => any::<f32>().prop_map(|v| v.to_string()),
            1 => "[a-z.+-]{0,3}",
        ];
        proptest::collection::vec(proptest::collection::vec(cell, cols), 0..7).prop_map(|rows| {
            rows.iter()
                .map(|r| r.join(","))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn mi_inputs_never_panic(acts in any::<String>(), labels in any::<String>()) {
            if let Err(e) = parse_mi_inputs(&acts, &labels) {
                let text = match e.file {
                    MiFile::Activations => &acts,
                    MiFile::Labels => &labels,
                };
                located_in(&e.error, text)?;
            }
        }

        #[test]
        fn mi_inputs_read_or_name_the_file(
            acts in numbers_text(1..4),
            labels in numbers_text(1..2),
        ) {
            match parse_mi_inputs(&acts, &labels) {
                Ok(m) => {
                    prop_assert_eq!(m.data.len(), m.rows * m.width);
                    prop_assert_eq!(m.labels.len(), m.rows);
                    prop_assert!(m.labels.iter().all(|&y| y <= MAX_LABEL && (y as usize) < m.n_classes));
                    // The estimate takes the inputs without panicking.
                    let est = Estimator::IdnnsBinning { n_edges: 30, lo: -1.0, hi: 1.0 };
                    let mi = estimate_layers(&est, &[m.view()], &m.labels, m.n_classes, None);
                    prop_assert_eq!(mi.len(), 1);
                }
                Err(e) => {
                    let text = match e.file {
                        MiFile::Activations => &acts,
                        MiFile::Labels => &labels,
                    };
                    located_in(&e.error, text)?;
                }
            }
        }

        #[test]
        fn mi_inputs_name_the_bad_label(
            rows in 1usize..8,
            at in any::<prop::sample::Index>(),
            bad in prop_oneof![Just("0.5".to_string()), Just("-1".to_string()), Just("1000001".to_string()), "[a-z]{1,3}"],
        ) {
            let r = at.index(rows);
            let acts = vec!["0.1,0.2"; rows].join("\n");
            let labels: Vec<String> = (0..rows)
                .map(|i| if i == r { bad.clone() } else { (i % 3).to_string() })
                .collect();
            let e = parse_mi_inputs(&acts, &labels.join("\n")).unwrap_err();
            prop_assert_eq!(e.file, MiFile::Labels);
            // A header is recognised only on line 1 and only for text.
            if r == 0 && bad.chars().all(|ch| ch.is_ascii_lowercase()) {
                prop_assert_eq!(e.error.line, None, "{}", e);
            } else {
                prop_assert_eq!(e.error.line, Some(r + 1), "{}", e);
                prop_assert_eq!(e.error.column.as_deref(), Some("1"));
            }
        }
    }
}

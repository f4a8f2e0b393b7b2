use super::*;
use crate::gradients::layer_moments;
use crate::params::Params;

fn var_u() -> Arc<Dataset> {
    Arc::new(crate::data::var_u())
}

/// The configuration a query names (presets and overrides as in a URL).
fn cfg_of(query: &str) -> Config {
    let q = Params::from_query(query, &[]);
    assert!(q.errors.is_empty(), "{query}: {:?}", q.errors);
    Config::from_params(&q.params).unwrap()
}

fn run_to_end(t: &mut Trainer) {
    while !t.is_done() {
        t.step().unwrap();
    }
}

fn uninterrupted(cfg: &Config) -> SeedRecord {
    let mut t = Trainer::new(cfg, var_u()).unwrap();
    run_to_end(&mut t);
    t.finish(Status::Done, 0.0)
}

fn bits(acts: &[Vec<f32>]) -> Vec<Vec<u32>> {
    acts.iter()
        .map(|a| a.iter().map(|v| v.to_bits()).collect())
        .collect()
}

/// Checkpoints at epoch 0, just before a logged epoch (the next one to
/// train is logged), just after it, at an unlogged epoch and at the end;
/// each goes through bytes, is resumed with the record so far and run to
/// the end. Every continuation must give the uninterrupted record's bits.
fn check_resume(query: &str) {
    let cfg = cfg_of(query);
    let data = var_u();
    let mut t = Trainer::new(&cfg, data.clone()).unwrap();
    let logged = t.logged_epochs().to_vec();
    let l = logged[logged.len() / 2];
    let unlogged = (l + 2..cfg.epochs).find(|e| !logged.contains(e));
    let mut points = vec![0, l, l + 1, cfg.epochs];
    points.extend(unlogged);
    let mut saved = Vec::new();
    loop {
        if points.contains(&t.epoch()) {
            let ck = t.checkpoint();
            let bytes = ck.to_bytes();
            assert_eq!(Checkpoint::from_bytes(&bytes).unwrap(), ck);
            saved.push((t.epoch(), bytes, t.record().clone()));
        }
        if t.is_done() {
            break;
        }
        t.step().unwrap();
    }
    assert_eq!(saved.len(), points.len(), "{query}: {points:?}");
    let want = t.finish(Status::Done, 0.0);
    for (e, bytes, rec) in saved {
        let ck = Checkpoint::from_bytes(&bytes).unwrap();
        assert_eq!(ck.epoch(), e);
        let mut r = Trainer::resume(&cfg, data.clone(), &ck, rec).unwrap();
        assert_eq!(r.epoch(), e);
        run_to_end(&mut r);
        let got = r.finish(Status::Done, 0.0);
        assert_eq!(got.epochs, want.epochs, "{query}, resumed at {e}");
        assert_eq!(got.digest(), want.digest(), "{query}, resumed at {e}");
    }
}

#[test]
fn resume_is_bit_identical_adam_fixed_batches() {
    check_resume("epochs=40&log_samples=15");
}

#[test]
fn resume_is_bit_identical_sgd_reshuffled() {
    check_resume(
        "optimizer=sgd&lr=0.05&batch_order=reshuffle&split=shuffled&grad_time=before&epochs=40&log_samples=15",
    );
}

#[test]
fn resume_is_bit_identical_with_range_run() {
    // saxe-relu: range=run, ibsgd's gradients and init, reshuffled batches,
    // activations at the epoch's end.
    check_resume("preset=saxe-relu&epochs=30");
    // range=run with activations at the epoch's start (snapshot before the updates).
    check_resume("estimator=uniform-binning&range=run&bins=40&epochs=30&log_samples=12");
}

#[test]
fn resume_refuses_other_runs_and_bad_records() {
    let cfg = cfg_of("epochs=6&log_every=2&log_schedule=every");
    let data = var_u();
    let mut t = Trainer::new(&cfg, data.clone()).unwrap();
    t.step().unwrap();
    t.step().unwrap();
    let ck = t.checkpoint();
    let rec = t.record().clone();
    let resume = |q: &str, rec: SeedRecord| Trainer::resume(&cfg_of(q), data.clone(), &ck, rec);
    let is_mismatch = |r: Result<Trainer, CheckpointError>, needle: &str| match r {
        Err(CheckpointError::Mismatch(m)) => assert!(m.contains(needle), "{m}"),
        other => panic!("expected a mismatch about {needle}, got {other:?}"),
    };
    is_mismatch(
        resume(
            "epochs=6&log_every=2&log_schedule=every&seed=1",
            rec.clone(),
        ),
        "seed",
    );
    is_mismatch(
        resume(
            "epochs=6&log_every=2&log_schedule=every&hidden=10,7,5",
            rec.clone(),
        ),
        "12-10-7-5-2",
    );
    is_mismatch(
        resume(
            "epochs=6&log_every=2&log_schedule=every&lr=0.001",
            rec.clone(),
        ),
        "other parameters",
    );
    is_mismatch(
        resume(
            "epochs=6&log_every=2&log_schedule=every&optimizer=sgd",
            rec.clone(),
        ),
        "other parameters",
    );
    let mut short = rec.clone();
    short.ixt.pop();
    is_mismatch(
        resume("epochs=6&log_every=2&log_schedule=every", short),
        "record",
    );
    is_mismatch(
        resume(
            "epochs=6&log_every=2&log_schedule=every",
            SeedRecord::new(0),
        ),
        "record",
    );
    // The configuration must fit the data (the error names the parameter).
    let mut bad = cfg.clone();
    bad.output = Output::Sigmoid;
    let digits = Arc::new(crate::data::digits());
    match Trainer::resume(&bad, digits, &ck, rec.clone()) {
        Err(CheckpointError::Config(e)) => assert_eq!(e.param, "output"),
        other => panic!("{other:?}"),
    }
    assert!(resume("epochs=6&log_every=2&log_schedule=every", rec).is_ok());
}

#[test]
fn malformed_checkpoints_are_errors_never_panics() {
    let cfg = cfg_of("preset=saxe-relu&epochs=8");
    let data = var_u();
    let mut t = Trainer::new(&cfg, data.clone()).unwrap();
    for _ in 0..3 {
        t.step().unwrap();
    }
    let bytes = t.checkpoint().to_bytes();
    let rec = t.record().clone();
    for n in (0..bytes.len()).step_by(7) {
        assert!(Checkpoint::from_bytes(&bytes[..n]).is_err(), "prefix {n}");
    }
    let mut extra = bytes.clone();
    extra.push(1);
    assert!(Checkpoint::from_bytes(&extra).is_err());
    let mut wrong = bytes.clone();
    wrong[0] = b'X';
    let e = Checkpoint::from_bytes(&wrong).unwrap_err();
    assert!(e.to_string().contains("magic"), "{e}");
    let mut v2 = bytes.clone();
    v2[4] = 2;
    assert!(Checkpoint::from_bytes(&v2)
        .unwrap_err()
        .to_string()
        .contains("version 2"));
    // The parameter count sits after the header (8), fingerprint, seed,
    // epochs, epoch, logged (5 × 8), layer count (4) and 6 shapes (48).
    let at = 8 + 40 + 4 + 48;
    let mut huge = bytes.clone();
    huge[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(Checkpoint::from_bytes(&huge).is_err());
    let mut huge = bytes.clone();
    huge[at..at + 8].copy_from_slice(&(1u64 << 62).to_le_bytes());
    assert!(Checkpoint::from_bytes(&huge).is_err());
    // Random byte flips: decoding and resuming may fail, never panic.
    let mut r = Rng::for_stream(1, Stream::Split);
    for _ in 0..300 {
        let mut b = bytes.clone();
        for _ in 0..1 + r.below(3) {
            let i = r.below(b.len() as u64) as usize;
            b[i] ^= 1 << r.below(8);
        }
        if let Ok(ck) = Checkpoint::from_bytes(&b) {
            let _ = Trainer::resume(&cfg, data.clone(), &ck, rec.clone());
        }
    }
}

#[test]
fn range_run_matches_rebinning_stored_activations() {
    // The old way, by hand: keep every logged epoch's activations, track
    // the min/max over all of them, re-estimate each with the final range.
    for query in [
        "preset=saxe-relu&epochs=30",
        "estimator=uniform-binning&range=run&bins=40&activation=relu&epochs=30&log_samples=12",
        // A noisy network: the snapshots redraw the probes' noise.
        "estimator=uniform-binning&range=run&bins=40&noise_std=0.05&epochs=30&log_samples=12",
    ] {
        let cfg = cfg_of(query);
        let mut t = Trainer::new(&cfg, var_u()).unwrap();
        let mut stored = Vec::new();
        let mut provisional = Vec::new();
        let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
        while !t.is_done() {
            if let Some(rec) = t.step().unwrap() {
                let a = t.last_activations().to_vec();
                for v in a.iter().flatten() {
                    lo = lo.min(*v);
                    hi = hi.max(*v);
                }
                stored.push(a);
                provisional.push(rec.ixt);
            }
        }
        assert_eq!(t.run_range(), Some((lo, hi)));
        let mut acts = Vec::new();
        for (k, a) in stored.iter().enumerate() {
            t.snapshot_activations(k, &mut acts).unwrap();
            assert_eq!(bits(&acts), bits(a), "{query}: snapshot {k}");
        }
        let widths = t.layer_widths();
        let (rows, labels) = t.mi_rows();
        let (n, labels) = (rows.len(), labels.to_vec());
        let rec = t.finish(Status::Done, 0.0);
        let mut changed = false;
        for (k, a) in stored.iter().enumerate() {
            let views = Trainer::views(a, &widths, n);
            let mi = estimate_layers(&cfg.estimator, &views, &labels, 2, Some((lo, hi)));
            let want: Vec<u64> = mi.iter().map(|p| p.ixt.to_bits()).collect();
            let got: Vec<u64> = rec.ixt[k].iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{query}: epoch {k} I(X;T)");
            let want: Vec<u64> = mi.iter().map(|p| p.ity.to_bits()).collect();
            let got: Vec<u64> = rec.ity[k].iter().map(|v| v.to_bits()).collect();
            assert_eq!(got, want, "{query}: epoch {k} I(T;Y)");
            changed |= rec.ixt[k] != provisional[k];
        }
        // The run's range differs from early epochs' ranges, so some
        // provisional estimates must have been revised.
        assert!(changed, "{query}");
    }
}

/// A deferred run whose MI travels as bytes, is computed from the job's own
/// query and filled back gives the normal run's record; with `replay`, the
/// jobs that can carry weights do, and their activations are recomputed.
fn check_deferred_as(query: &str, replay: bool) {
    let cfg = cfg_of(query);
    let want = uninterrupted(&cfg);
    let mut t = Trainer::new(&cfg, var_u()).unwrap();
    t.set_defer_mi(true);
    t.set_defer_replay(replay);
    let replayed = replay && crate::mi_job::replayable(&cfg);
    let compute = |job: MiJob| {
        let mut job = MiJob::from_bytes(&job.to_bytes()).unwrap();
        assert_eq!(job.params.is_empty(), !replayed, "{query}");
        let cfg = cfg_of(&job.query);
        job.replay(&cfg, &var_u()).unwrap();
        job.compute(&cfg.estimator)
    };
    let mut k = 0;
    while !t.is_done() {
        if let Some(rec) = t.step().unwrap() {
            assert!(rec.ixt.iter().chain(&rec.ity).all(|v| v.is_nan()));
            let mi = compute(t.mi_job(query));
            t.fill_mi(k, &mi).unwrap();
            k += 1;
        }
    }
    if t.run_range().is_some() {
        for k in 0..k {
            let mi = compute(t.snapshot_mi_job(k, query).unwrap());
            t.fill_mi(k, &mi).unwrap();
        }
    }
    let got = t.finish(Status::Done, 0.0);
    assert_eq!(got.digest(), want.digest(), "{query}");
}

fn check_deferred(query: &str) {
    check_deferred_as(query, false);
    check_deferred_as(query, true);
}

#[test]
fn replay_jobs_carry_weights_and_give_the_normal_record() {
    // Binned MI on var_u replays, on the run's own split (the job carries
    // the seed; a shuffled split depends on it) and MI rows.
    for q in [
        "epochs=30&log_samples=12",
        "split=shuffled&seed=7&epochs=20&log_samples=6",
        "mi_rows=test&act_time=end&epochs=20&log_samples=6",
    ] {
        assert!(crate::mi_job::replayable(&cfg_of(q)), "{q}");
        check_deferred_as(q, true);
    }
    // What cannot: noise, class clustering, range=run, a fetched data set.
    for q in [
        "noise_std=0.05",
        "clustering=on",
        "estimator=uniform-binning&range=run",
        "dataset=digits",
    ] {
        assert!(!crate::mi_job::replayable(&cfg_of(q)), "{q}");
    }
}

#[test]
fn deferred_mi_gives_the_normal_record() {
    check_deferred("epochs=30&log_samples=12");
    check_deferred("preset=saxe-tanh&epochs=25");
    check_deferred("preset=saxe-relu&epochs=25");
    check_deferred("estimator=kde-upper&mi_rows=test&epochs=8&log_samples=4");
    check_deferred("estimator=noisy-sp&noise_std=0.05&mi_rows=test&epochs=8&log_samples=4");
    check_deferred(
        "estimator=noisy-sp&noise_std=0.1&cond_samples=3&mi_rows=test&epochs=8&log_samples=4",
    );
}

#[test]
fn resume_is_bit_identical_for_a_noisy_network() {
    // Every pass's noise comes from its place in the run, so a resumed run
    // draws what the uninterrupted one drew: IDNNs' gradients after the
    // step (grad_time=after) and ibsgd's, reshuffled batches.
    check_resume("noise_std=0.05&epochs=40&log_samples=15");
    check_resume("preset=saxe-tanh&noise_std=0.05&epochs=30");
    // noisy-sp's K conditional passes per probe draw from their own
    // sub-streams, fixed by the epoch.
    check_resume(
        "noise_std=0.05&estimator=noisy-sp&mc_samples=2&cond_samples=3&mi_rows=test&epochs=20&log_samples=6",
    );
}

#[test]
fn a_noisy_network_trains_and_probes_with_noise() {
    let plain = cfg_of("epochs=6&log_samples=3&act_time=start");
    let noisy = cfg_of("epochs=6&log_samples=3&act_time=start&noise_std=0.05");
    let mut a = Trainer::new(&plain, var_u()).unwrap();
    let mut b = Trainer::new(&noisy, var_u()).unwrap();
    // Epoch 0's probe, before any step: the same weights, so layer 1
    // (fed by the data) is the same, but layer 2 is fed by the noisy
    // layer 1 and differs.
    a.step().unwrap().unwrap();
    b.step().unwrap().unwrap();
    assert_eq!(
        bits(&a.last_activations()[..1]),
        bits(&b.last_activations()[..1])
    );
    assert_ne!(a.last_activations()[1], b.last_activations()[1]);
    // After a step the weights differ too (the gradients saw the noise).
    a.step().unwrap();
    b.step().unwrap();
    assert_ne!(a.network().layers[0].w, b.network().layers[0].w);
    // Two runs of the noisy configuration are bit-identical.
    assert_eq!(
        uninterrupted(&noisy).digest(),
        uninterrupted(&noisy).digest()
    );
}

#[test]
fn a_noisy_run_set_does_not_depend_on_threads() {
    use crate::run::run_set;
    let q = Params::from_query(
        "epochs=10&log_samples=4&seeds=2&noise_std=0.05&estimator=noisy-sp&mc_samples=2&mi_rows=test",
        &[],
    );
    let cfg = Config::from_params(&q.params).unwrap();
    let clock = || 0.0;
    let run = |threads| {
        let r = run_set(
            &q.params,
            &cfg,
            var_u(),
            threads,
            &mut |_| {},
            &|| false,
            &clock,
        )
        .unwrap();
        serde_json::to_string(&r.seeds).unwrap()
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert!(!one.contains("null"), "{one}");
}

#[test]
fn logged_epoch_requests_are_checked() {
    let mut t = Trainer::new(&cfg_of("epochs=3"), var_u()).unwrap();
    t.step().unwrap();
    let pair = MiPair { ixt: 1.0, ity: 0.5 };
    assert_eq!(
        t.fill_mi(1, &[pair; 6]),
        Err(TrainError::NotLogged { k: 1, logged: 1 })
    );
    assert_eq!(
        t.fill_mi(0, &[pair; 5]),
        Err(TrainError::LayerCount {
            expected: 6,
            got: 5
        })
    );
    t.fill_mi(0, &[pair; 6]).unwrap();
    assert_eq!(t.record().ity[0], vec![0.5; 6]);
    let mut acts = Vec::new();
    assert_eq!(
        t.snapshot_activations(0, &mut acts),
        Err(TrainError::NoSnapshots)
    );
    assert_eq!(t.run_range(), None);
    let mut r = Trainer::new(&cfg_of("preset=saxe-relu&epochs=3"), var_u()).unwrap();
    assert_eq!(r.run_range(), Some((f32::INFINITY, f32::NEG_INFINITY)));
    r.step().unwrap();
    assert_eq!(
        r.snapshot_activations(1, &mut acts),
        Err(TrainError::NotLogged { k: 1, logged: 1 })
    );
}

#[test]
fn diverging_run_fails_with_a_typed_error_and_keeps_the_message() {
    let cfg = cfg_of("epochs=50&optimizer=sgd&lr=10&activation=linear&hidden=100,100,100,100");
    let mut t = Trainer::new(&cfg, var_u()).unwrap();
    let err = loop {
        match t.step() {
            Ok(_) => assert!(!t.is_done(), "the run should diverge"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(
            err,
            TrainError::NonFiniteWeights { lr: 10.0, .. } | TrainError::NonFiniteLoss { .. }
        ),
        "{err:?}"
    );
    assert!(t.is_done());
    assert_eq!(t.record().status, Status::Failed);
    assert_eq!(
        t.record().message.as_deref(),
        Some(err.to_string().as_str())
    );
    // The messages are today's, word for word.
    let e = TrainError::NonFiniteWeights {
        layer: 2,
        epoch: 7,
        lr: 0.5,
    };
    assert_eq!(
        e.to_string(),
        "weights of layer 3 became NaN or infinite during epoch 7; the learning rate (0.5) may be too large"
    );
    let e = TrainError::NonFiniteLoss {
        epoch: 4,
        value: f64::INFINITY,
    };
    assert_eq!(e.to_string(), "the training loss became inf at epoch 4");
}

#[test]
fn ibsgd_gradients_follow_loggingreporter() {
    // An independent re-enactment with the public kernels: at each logged
    // epoch a fresh shuffle (stream GradRows) of the training rows in split
    // order; before each step the gradient on the next 1000 rows of it
    // (the last slice is the 277 left) with the weights before the step.
    let q =
        "grad_time=ibsgd&split=shuffled&batch_size=1000&epochs=5&log_schedule=every&log_every=2";
    let cfg = cfg_of(q);
    let data = var_u();
    let rec = uninterrupted(&cfg);
    assert_eq!(rec.epochs, vec![0, 2, 4]);
    let split = cfg.split_rows(data.len());
    assert_eq!(split.train.len(), 3277);
    let mut net = Network::new(
        12,
        &cfg.hidden,
        2,
        cfg.activation,
        cfg.output,
        &mut Rng::for_stream(cfg.seed, Stream::Init),
    );
    let mut opt = Optimizer::new(cfg.optimizer, cfg.lr, &net);
    let mut ws = Workspace::new(&net);
    let mut g = Gradients::zeros_like(&net);
    let mut perm_rng = Rng::for_stream(cfg.seed, Stream::GradRows);
    for e in 0..5 {
        let k = rec.epochs.iter().position(|&x| x == e);
        let perm = k.map(|_| {
            let mut p = split.train.clone();
            perm_rng.shuffle(&mut p);
            p
        });
        let mut per_batch: Vec<Vec<Vec<f32>>> = Vec::new();
        for (b, batch) in split.train.chunks(1000).enumerate() {
            if let Some(p) = &perm {
                let rows = &p[b * 1000..((b + 1) * 1000).min(p.len())];
                ws.gradient(&net, &data, rows, &mut g);
                per_batch.push(g.w.clone());
            }
            ws.gradient(&net, &data, batch, &mut g);
            opt.step(&mut net, &g);
        }
        if let Some(k) = k {
            assert_eq!(per_batch.len(), 4);
            for l in 0..net.layers.len() {
                let gs: Vec<&[f32]> = per_batch.iter().map(|b| b[l].as_slice()).collect();
                let m = layer_moments(&gs);
                assert_eq!(
                    rec.grad_m[k][l].to_bits(),
                    m.m.to_bits(),
                    "epoch {e} layer {l}"
                );
                assert_eq!(
                    rec.grad_s[k][l].to_bits(),
                    m.s.to_bits(),
                    "epoch {e} layer {l}"
                );
            }
        }
    }
    // Only the logged gradients differ from grad_time=before: training,
    // probes and MI are the same.
    let before = uninterrupted(&cfg_of(&q.replace("grad_time=ibsgd", "grad_time=before")));
    assert_eq!(before.loss_train, rec.loss_train);
    assert_eq!(before.ixt, rec.ixt);
    assert_ne!(before.grad_m, rec.grad_m);
}

#[test]
fn noisy_sp_samples_h_t_given_x_in_the_deeper_layers() {
    let q = "epochs=30&log_samples=6&noise_std=0.1&estimator=noisy-sp&mc_samples=2&mi_rows=test";
    let cfg = cfg_of(&format!("{q}&cond_samples=8"));
    let mut t = Trainer::new(&cfg, var_u()).unwrap();
    t.step().unwrap().unwrap();
    let n = t.mi_rows().0.len();
    // Layer 1's K samples given x are the probe's S_1 (nothing noisy
    // below it); layer 2's differ from pass to pass.
    let (acts, cond) = (t.last_activations(), t.last_cond_samples());
    assert_eq!(cond[0].len(), 8 * acts[0].len());
    for k in 0..8 {
        let part = &cond[0][k * acts[0].len()..(k + 1) * acts[0].len()];
        assert_eq!(bits(&[part.to_vec()]), bits(&acts[..1]), "sample {k}");
    }
    let w2 = acts[1].len();
    assert_ne!(cond[1][..w2], cond[1][w2..2 * w2]);
    let with = uninterrupted(&cfg);
    let without = uninterrupted(&cfg_of(&format!("{q}&cond_samples=1")));
    let log_n = (n as f64).log2();
    let layers = with.ixt[0].len();
    for k in 0..with.ixt.len() {
        // Layer 1: every sample's mixture term is exactly 0, so the value
        // is the h(Z)-based one bit for bit; I(T;Y) never changes.
        assert_eq!(with.ixt[k][0].to_bits(), without.ixt[k][0].to_bits());
        for l in 0..layers {
            assert_eq!(with.ity[k][l].to_bits(), without.ity[k][l].to_bits());
            // 0 <= I(X;T) <= log2 n up to Monte Carlo error: the mean of
            // n·K·m ≈ 13000 terms of order 1 nat, sd ~0.01 bits.
            let v = with.ixt[k][l];
            assert!(
                (-0.05..=log_n + 0.05).contains(&v),
                "epoch {k} layer {l}: {v}"
            );
        }
    }
    // Deeper layers: h(T_l|X) >= h(Z_l) (the noise below spreads S_l
    // given x), so sampling it lowers I(X;T_l) on average.
    for l in 1..layers {
        let mean = |r: &SeedRecord| r.ixt.iter().map(|e| e[l]).sum::<f64>() / r.ixt.len() as f64;
        assert!(
            mean(&with) < mean(&without),
            "layer {l}: {} vs {}",
            mean(&with),
            mean(&without)
        );
    }
}

#[test]
fn noisy_sp_measures_the_first_layer_as_goldfeld_define_it() {
    // Layer 1 of a noisy net: T_1 = S_1(x) + Z, S_1 = tanh(W_1 x + b_1)
    // from the data alone. Computed here in f64 from the initial weights
    // (act_time=start: epoch 0's probe sees them), then estimated by
    // noisy-sp directly; the record must hold the same value.
    let cfg = cfg_of(
        "epochs=2&log_samples=2&act_time=start&noise_std=0.1&estimator=noisy-sp&mc_samples=3&mi_rows=test",
    );
    let data = var_u();
    let mut t = Trainer::new(&cfg, data.clone()).unwrap();
    let l1 = t.network().layers[0].clone();
    let rec = t.step().unwrap().unwrap();
    let (rows, labels) = t.mi_rows();
    let s1: Vec<f32> = rows
        .iter()
        .flat_map(|&r| {
            let x = data.row(r as usize);
            (0..l1.n_out)
                .map(|j| {
                    let w = &l1.w[j * l1.n_in..(j + 1) * l1.n_in];
                    let z: f64 = w
                        .iter()
                        .zip(x)
                        .map(|(&w, &x)| f64::from(w) * f64::from(x))
                        .sum();
                    (z + f64::from(l1.b[j])).tanh() as f32
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (a, b) in s1.iter().zip(&t.last_activations()[0]) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    let view = LayerView {
        data: &s1,
        rows: rows.len(),
        width: l1.n_out,
    };
    let mi = estimate_layers(&cfg.estimator, &[view], labels, 2, None);
    assert!(
        (mi[0].ixt - rec.ixt[0]).abs() < 1e-6,
        "{:?} vs {}",
        mi[0],
        rec.ixt[0]
    );
    assert!(
        (mi[0].ity - rec.ity[0]).abs() < 1e-6,
        "{:?} vs {}",
        mi[0],
        rec.ity[0]
    );
    // σ = 0.1 against ~0.5 spacing of 10-unit codes: most components
    // barely overlap, so I(X;T_1) is near log2 of the 819 rows (9.68).
    assert!(
        rec.ixt[0] > 8.0 && rec.ixt[0] <= (rows.len() as f64).log2() + 1e-9,
        "{:?}",
        rec.ixt
    );
}

#[test]
fn clustering_is_recorded_on_request_and_round_trips() {
    use crate::codec::Codec;
    let query = "clustering=on&noise_std=0.05&epochs=20&log_samples=6";
    let cfg = cfg_of(query);
    assert!(cfg.clustering);
    let mut t = Trainer::new(&cfg, var_u()).unwrap();
    let mut want = Vec::new();
    while !t.is_done() {
        if t.step().unwrap().is_some() {
            // The record's entry is class_clustering of the probe's own
            // activations on the MI rows (an independent call here).
            let (rows, labels) = t.mi_rows();
            let widths = t.layer_widths();
            let views = Trainer::views(t.last_activations(), &widths, rows.len());
            want.push(
                views
                    .iter()
                    .map(|v| class_clustering(*v, labels, 2))
                    .collect::<Vec<_>>(),
            );
        }
    }
    let rec = t.finish(Status::Done, 0.0);
    let c = rec.clustering.clone().expect("clustering=on records it");
    assert_eq!(c.len(), rec.epochs.len());
    for (k, layers) in want.iter().enumerate() {
        for (l, w) in layers.iter().enumerate() {
            assert_eq!(
                c.within_distance[k][l].to_bits(),
                w.within_distance.to_bits()
            );
            assert_eq!(c.between_cosine[k][l].to_bits(), w.between_cosine.to_bits());
        }
    }
    // Training compresses var_u's classes apart: at the last logged epoch
    // the output layer's rows of one class are closer than across classes.
    let last = c.within_distance.len() - 1;
    let out = c.within_distance[last].len() - 1;
    assert!(c.within_distance[last][out] < c.between_distance[last][out]);
    // The page/worker wire format and JSON keep it; a record without the
    // field (older, or clustering=off) reads as None.
    assert_eq!(SeedRecord::from_bytes(&rec.to_bytes()).unwrap(), rec);
    let json = serde_json::to_string(&rec).unwrap();
    let back: SeedRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back.digest(), rec.digest());
    assert_eq!(back.clustering, rec.clustering);
    let off = uninterrupted(&cfg_of("epochs=3&log_samples=2"));
    assert!(off.clustering.is_none());
    let json = serde_json::to_string(&off).unwrap();
    assert!(!json.contains("clustering"));
    let back: SeedRecord = serde_json::from_str(&json).unwrap();
    assert!(back.clustering.is_none());
    // Resuming keeps the series.
    check_resume(query);
}

#[test]
fn checkpoint_fingerprints_tell_every_setting_apart() {
    // Each query changes one setting (or one field of the estimator, the
    // optimizer or the schedule) of the first; every fingerprint differs
    // from every other, so a checkpoint never resumes another experiment.
    let queries = [
        "preset=idnns-default",
        "preset=idnns-default&seed=1",
        "preset=idnns-default&lr=0.001",
        "preset=idnns-default&epochs=7",
        "preset=idnns-default&hidden=10,7",
        "preset=idnns-default&activation=relu",
        "preset=idnns-default&batch_size=full",
        "preset=idnns-default&batch_order=reshuffle",
        "preset=idnns-default&optimizer=sgd",
        "preset=idnns-default&beta1=0.8",
        "preset=idnns-default&log_samples=100",
        "preset=idnns-default&log_schedule=ibsgd",
        "preset=idnns-default&edges=31",
        "preset=idnns-default&bin_hi=2",
        "preset=idnns-default&estimator=kde-upper",
        "preset=idnns-default&estimator=kde-lower",
        "preset=idnns-default&estimator=kde-upper&noise_var=0.2",
        "preset=idnns-default&estimator=uniform-binning&bins=31",
        "preset=idnns-default&estimator=uniform-binning&range=layer",
        "preset=idnns-default&noise_std=0.01",
        "preset=idnns-default&clustering=on",
        "preset=idnns-default&mi_rows=test",
        "preset=idnns-default&grad_time=before",
        "preset=idnns-default&act_time=end",
        "preset=idnns-default&train_pct=70",
    ];
    let prints: Vec<u64> = queries.iter().map(|q| fingerprint(&cfg_of(q))).collect();
    for i in 0..prints.len() {
        for j in 0..i {
            assert_ne!(prints[i], prints[j], "{} vs {}", queries[i], queries[j]);
        }
    }
    // The same settings give the same fingerprint.
    assert_eq!(prints[0], fingerprint(&cfg_of("preset=idnns-default")));
}

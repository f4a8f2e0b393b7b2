//! Tests of the exact, net-input, k-NN and noisy-network estimators through
//! [`estimate_layers`], and their ignored speed test (`more_speed`).

use super::*;
use crate::rng::{Rng, Stream};

fn layer(data: &[f32], width: usize) -> LayerView<'_> {
    LayerView {
        data,
        rows: data.len() / width,
        width,
    }
}

/// tanh of Gaussian pre-activations whose mean depends on the label, so
/// the layers carry label information, in layers of the given widths.
fn tanh_layers(
    seed: u64,
    rows: usize,
    widths: &[usize],
    n_classes: u64,
) -> (Vec<Vec<f32>>, Vec<u32>) {
    let mut rng = Rng::for_stream(seed, Stream::Init);
    let labels: Vec<u32> = (0..rows).map(|_| rng.below(n_classes) as u32).collect();
    let layers = widths
        .iter()
        .map(|&w| {
            labels
                .iter()
                .flat_map(|&y| {
                    (0..w)
                        .map(|_| crate::math::tanh((y as f64 + 1.5 * rng.normal()) as f32))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .collect();
    (layers, labels)
}

fn new_estimators() -> Vec<Estimator> {
    vec![
        Estimator::ExactBinning,
        Estimator::NetInputBinning {
            n_edges: 30,
            limit: 50.0,
        },
        Estimator::Knn {
            k: 3,
            noise_std: 1e-3,
            seed: 5,
        },
        Estimator::NoisyGaussian {
            noise_std: 0.1,
            mc_samples: 2,
            cond_samples: 4,
            seed: 5,
        },
    ]
}

#[test]
fn names_and_invariants_through_estimate_layers() {
    let names: Vec<&str> = new_estimators().iter().map(|e| e.name()).collect();
    assert_eq!(
        names,
        ["exact-binning", "net-input-binning", "knn", "noisy-sp"]
    );
    let widths = [5, 3, 1];
    let (layers, labels) = tanh_layers(1, 400, &widths, 3);
    let views: Vec<_> = layers
        .iter()
        .zip(widths)
        .map(|(d, w)| layer(d, w))
        .collect();
    let log2n = crate::math::log2(400.0);
    let hy = label_entropy(&labels, 3);
    for est in new_estimators() {
        let a = estimate_layers(&est, &views, &labels, 3, None);
        let b = estimate_layers(&est, &views, &labels, 3, None);
        assert_eq!(a.len(), 3);
        for (m, n) in a.iter().zip(&b) {
            // Deterministic, and within the bounds any I(X;T), I(T;Y) on 400
            // inputs and 3 classes must respect. k-NN: `ixt` is a
            // differential entropy (any finite value), and its I(T;Y) is not
            // bounded by construction, so it gets a margin.
            assert_eq!(
                (m.ixt.to_bits(), m.ity.to_bits()),
                (n.ixt.to_bits(), n.ity.to_bits())
            );
            if matches!(est, Estimator::Knn { .. }) {
                assert!(m.ixt.is_finite(), "{est:?} {m:?}");
                assert!(m.ity <= hy + 0.1 && m.ity >= -0.1, "{est:?} {m:?}");
            } else {
                assert!(m.ixt <= log2n + 1e-9 && m.ixt >= -1e-9, "{est:?} {m:?}");
                assert!(m.ity <= hy + 1e-9 && m.ity >= -1e-9, "{est:?} {m:?}");
            }
        }
    }
    // The seeded estimators draw different noise for each layer: two
    // identical layers get different (seeded) estimates.
    let twice = [views[0], views[0]];
    for est in &new_estimators()[2..] {
        let r = estimate_layers(est, &twice, &labels, 3, None);
        assert_ne!(r[0].ixt, r[1].ixt, "{est:?}");
    }
    // Invalid input: NaN, never a panic.
    let bad = [0.1f32, f32::NAN, 0.3, 0.4];
    let y4 = [0, 1, 0, 1];
    for est in new_estimators() {
        let r = estimate_layers(&est, &[layer(&bad, 1)], &y4, 2, None)[0];
        assert!(r.ixt.is_nan() && r.ity.is_nan(), "{est:?}");
        let r = estimate_layers(&est, &[layer(&bad[..3], 1)], &y4, 2, None)[0];
        assert!(r.ixt.is_nan() && r.ity.is_nan(), "{est:?}");
    }
}

/// CPU time of the calling thread in ms (Linux; 10 ms ticks).
fn thread_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// `cargo test --release -p infoplane-core -- --ignored --nocapture more_speed`
///
/// One thread, one 4096-row, width-10 tanh layer (2 classes). The machine
/// may be shared, so besides the best wall time of the repetitions it
/// prints the thread's CPU time per call (immune to being descheduled).
#[test]
#[ignore]
fn more_speed() {
    use std::time::Instant;
    let (layers, labels) = tanh_layers(9, 4096, &[10], 2);
    let l = layer(&layers[0], 10);
    let one = [l];
    let run = |what: &str, reps: usize, f: &dyn Fn()| {
        let cpu0 = thread_cpu_ms();
        let mut best = f64::INFINITY;
        for _ in 0..reps {
            let t = Instant::now();
            f();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        let cpu = match (cpu0, thread_cpu_ms()) {
            (Some(a), Some(b)) => format!("CPU {:.1} ms per call", (b - a) / reps as f64),
            _ => String::new(),
        };
        println!("{what:<34} best wall {best:.1} ms, {cpu} ({reps} calls)");
    };
    let (one, labels) = (&one, &labels);
    let est = |e: Estimator| {
        move || {
            std::hint::black_box(estimate_layers(&e, one, labels, 2, None));
        }
    };
    run("exact-binning", 200, &est(Estimator::ExactBinning));
    run(
        "net-input-binning (30 edges)",
        200,
        &est(Estimator::NetInputBinning {
            n_edges: 30,
            limit: 50.0,
        }),
    );
    run("knn (k = 3)", 8, &|| {
        std::hint::black_box(knn::knn_mi_with(l, labels, 2, 3, 1e-3, 5, 1));
    });
    for m in [1, 4] {
        run(&format!("noisy-sp (m = {m})"), 24 / m, &|| {
            std::hint::black_box(noisy::noisy_mi_with(l, labels, 2, 0.1, m, 5, 1, true));
        });
    }
    run("class_clustering", 6, &|| {
        std::hint::black_box(clustering::class_clustering_with(l, labels, 2, 1));
    });
}

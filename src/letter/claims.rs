//! The letter's claims, in the letter's order: what each says, what the
//! paper says, which runs check it, which figures show them and which
//! analysis judges them. Sentences about results live in `verdicts`.

use super::figures::LetterFigure;
use super::verdicts::{self, Verdict};
use infoplane_core::analysis::stored::StoredRun;
use infoplane_core::gradients::GradDefinition;
use infoplane_core::record::SeedRecord;

/// Which of a card's inputs a configuration takes its epochs and seeds from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// The card's main inputs (its full preset).
    Main,
    /// The card's second inputs ([`RunSpec::second`]), for configurations
    /// whose full length cannot finish in the time a card allows.
    Second,
}

/// One configuration a card runs.
#[derive(Debug)]
pub struct RunConfig {
    /// A short name for progress lines and links, e.g. "min/max bins".
    pub name: &'static str,
    /// Its description on the card, e.g. "100 bins between the run's min and max".
    pub label: &'static str,
    /// Preset and overrides; the card's inputs add `seed`, `epochs`, `seeds`.
    pub query: &'static str,
    /// Figure options added to its "Open in the lab" link (e.g. `labels=original`).
    pub lab_view: &'static str,
    /// The figures drawn from its runs.
    pub figures: &'static [LetterFigure],
    /// Which inputs give its epochs and seeds.
    pub inputs: Inputs,
}

/// The second set of inputs of a card whose some configurations cannot run
/// in full within [`TIME_LIMIT_S`]: what they are, their defaults and why.
#[derive(Debug)]
pub struct SecondInputs {
    /// Names the configurations in labels and element ids, e.g. "KDE".
    pub name: &'static str,
    /// Element id part, e.g. `kde` (inputs `saxe-kde-epochs`, `saxe-kde-seeds`).
    pub slug: &'static str,
    /// Default epochs.
    pub epochs: usize,
    /// Default seeds.
    pub seeds: usize,
    /// Why the default is smaller than the other configurations' (fewer
    /// seeds, or fewer epochs than the full preset), with what was measured.
    pub why: &'static str,
}

/// The longest a card's default run may take, in seconds, on two cores in
/// headless Chromium; a card runs its full presets unless they cannot
/// finish in it, and then says so.
pub const TIME_LIMIT_S: u32 = 90;

/// Default number of seeds of a card whose claim is about what a run shows.
pub const SEEDS: usize = 4;

/// How a card's verdict is computed from its runs' records (one list per
/// configuration, in the order of [`RunSpec::configs`]).
#[derive(Clone, Copy, Debug)]
pub enum Judge {
    /// From the records alone.
    Records(fn(&[Vec<SeedRecord>]) -> Verdict),
    /// From the records and SZT's stored run (fetched by the page).
    Stored(fn(&[Vec<SeedRecord>], &StoredRun) -> Verdict),
    /// From the records by value: `[configuration][value][seed]`, where a
    /// sweep's configuration has one entry per swept value and any other
    /// configuration one.
    Sweeps(fn(&[Vec<Vec<SeedRecord>>]) -> Verdict),
}

/// What a card with a Run button runs and how it is judged.
#[derive(Debug)]
pub struct RunSpec {
    /// The configurations, shown side by side.
    pub configs: &'static [RunConfig],
    /// Default epochs (the card's input): the full preset's.
    pub epochs: usize,
    /// Default number of seeds (the card's input).
    pub seeds: usize,
    /// Inputs of the configurations that run with fewer seeds or epochs by
    /// default, if any.
    pub second: Option<SecondInputs>,
    /// How the verdict is computed, with its thresholds.
    pub rule: fn() -> String,
    /// The verdict.
    pub judge: Judge,
}

/// What a card holds besides its text.
#[derive(Debug)]
pub enum ClaimBody {
    /// Runs in the browser with a verdict.
    Run(RunSpec),
    /// The worked-example calculator (no run).
    Calculator,
}

/// One claim of the letter (or an addition to it).
#[derive(Debug)]
pub struct Claim {
    /// Anchor and embed name, e.g. `cumulative-means`.
    pub id: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Where in the letter (and which figure of the paper) it comes from.
    pub concerns: &'static str,
    /// Not in the letter: a card this page adds.
    pub addition: bool,
    /// The claim, in one sentence of our own.
    pub claim: &'static str,
    /// What the paper (or its code) says.
    pub paper: &'static str,
    /// Runs or calculator.
    pub body: ClaimBody,
}

const GRADS: &[LetterFigure] = &[LetterFigure::Gradients(GradDefinition::Idnns)];
const PLANES: &[LetterFigure] = &[LetterFigure::Planes { polylines: true }];
const SAXE_FIGURES: &[LetterFigure] = &[
    LetterFigure::Planes { polylines: false },
    LetterFigure::Snr(GradDefinition::Saxe),
];
const KDE_FIGURES: &[LetterFigure] = &[LetterFigure::Planes { polylines: false }];
const EXACT_FIGURES: &[LetterFigure] = &[LetterFigure::Planes { polylines: true }];
/// The summary of a sweep, with the configuration after it (the same
/// network at machine precision) as dashed levels.
const SWEEP_FIGURES: &[LetterFigure] = &[LetterFigure::SweepSummary];

/// A configuration on the card's main inputs.
const fn main(
    name: &'static str,
    label: &'static str,
    query: &'static str,
    lab_view: &'static str,
    figures: &'static [LetterFigure],
) -> RunConfig {
    RunConfig {
        name,
        label,
        query,
        lab_view,
        figures,
        inputs: Inputs::Main,
    }
}

/// Every claim, in the letter's order (additions last).
pub static CLAIMS: &[Claim] = &[
    Claim {
        id: "mnist-relu",
        title: "A ReLU network on MNIST",
        concerns: "The letter's first experiment: \"a simple ReLU network with two hidden layers, on MNIST\"",
        addition: false,
        claim: "The sizes of the gradients decrease through training, and so do their variances: no two distinct phases, and no interesting crossing of the two metrics.",
        paper: "SZT Fig. 4: at first the gradient means are large and their fluctuations small (drift), then after a phase transition the means are small and the fluctuations dominate (diffusion); the mean and std curves of each layer cross at the transition.",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "MNIST ReLU",
                "784-100-100-10 ReLU on 5000 MNIST images, gradients per layer",
                "preset=letter-mnist-relu",
                "",
                &[
                    LetterFigure::Gradients(GradDefinition::PerLayer),
                    LetterFigure::Snr(GradDefinition::Saxe),
                    LetterFigure::Loss,
                ],
            )],
            epochs: 100,
            seeds: SEEDS,
            second: None,
            rule: verdicts::decline_rule,
            judge: Judge::Records(verdicts::decline),
        }),
    },
    Claim {
        id: "fig4-as-coded",
        title: "Figure 4 as coded",
        concerns: "SZT Fig. 4; the letter's run of main.py with -save_grads",
        addition: false,
        claim: "Run with the code's defaults, the gradient statistics do not match the paper's Figure 4: no two phases.",
        paper: "SZT describe two phases of SGD: a drift phase in which the gradient means are much larger than their standard deviations, then, after a \"phase transition\", a diffusion phase in which the means are small and the fluctuations dominate (Fig. 4, one mean and one std curve per layer).",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs defaults",
                "IDNNs defaults, gradients saved (as the letter ran main.py)",
                "preset=idnns-default",
                "",
                GRADS,
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::phases_rule,
            judge: Judge::Records(verdicts::phases),
        }),
    },
    Claim {
        id: "cumulative-means",
        title: "Cumulative means cannot cross",
        concerns: "SZT Fig. 4; the letter's paragraph on crossing mean lines",
        addition: false,
        claim: "The code sums each layer's mean with those of the layers below it, so its mean curves can never cross, yet one crosses the others in the published figure.",
        paper: "The published Fig. 4 shows one solid mean line crossing the others. plot_gradients.py plots, for layer L, the sum over layers l ≤ L of ‖mean_b g_b‖ (FACTS.md §4).",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs defaults",
                "IDNNs defaults: cumulative (as coded) and per-layer means",
                "preset=idnns-default",
                "grad_def=per-layer",
                &[LetterFigure::GradientPair(
                    GradDefinition::Idnns,
                    GradDefinition::PerLayer,
                )],
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::crossings_rule,
            judge: Judge::Records(verdicts::crossings),
        }),
    },
    Claim {
        id: "caption-normalisation",
        title: "The caption's normalisation",
        concerns: "SZT Fig. 4 caption; the letter's paragraph on normalisation",
        addition: false,
        claim: "The caption says the values are normalised by the L2 norms of each layer's weights, but the code does not divide by them: is this part of what is going on?",
        paper: "Fig. 4 caption: \"values are normalized by the L2 norms of the weights for each layer\". In the code the norm function is a stub returning 1.",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs defaults",
                "IDNNs defaults: as coded and divided by ‖W_l‖",
                "preset=idnns-default",
                "grad_def=normalised",
                &[
                    LetterFigure::GradientPair(GradDefinition::Idnns, GradDefinition::Normalised),
                    LetterFigure::Norms,
                ],
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::normalisation_rule,
            judge: Judge::Records(verdicts::normalisation),
        }),
    },
    Claim {
        id: "axis-labels",
        title: "The y-axis labels",
        concerns: "SZT Fig. 4's y axis; the letter's example of the last layer's first std",
        addition: false,
        claim: "The y labels do not match the values plotted: the last layer's first \"std\" is 0.49 but sits below the label 10^-1. Only the labels are off, not the shapes of the curves.",
        paper: "plot_gradients.py sets y limits [0.001, 10] with ticks at 0.001 … 10 but hard-codes six labels starting at \"10^-4\", so matplotlib of the time shifted every label by one decade (FACTS.md §4).",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs defaults",
                "IDNNs defaults: original labels and true labels",
                "preset=idnns-default",
                "labels=original",
                &[LetterFigure::AxisLabels],
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::axis_rule,
            judge: Judge::Records(verdicts::axis),
        }),
    },
    Claim {
        id: "first-layer-shares",
        title: "Does the first layer dominate the cumulative sum?",
        concerns: "The letter's question whether the cumulative sum over layers is appropriate",
        addition: false,
        claim: "Summing the statistics over layers lets the first layer's pattern dominate the plotted results, so it is difficult to see what happens in the higher layers alone.",
        paper: "plot_gradients.py plots, for layer L, the \"mean\" Σ_{l≤L} m_l and the \"std\" √(Σ_{l≤L} s_l): every higher layer's curve contains the first layer's m_1 and s_1 (FACTS.md §4).",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs defaults",
                "IDNNs defaults: each layer's share of the sums, and the cumulative curves as coded",
                "preset=idnns-default",
                "",
                &[
                    LetterFigure::Shares,
                    LetterFigure::Gradients(GradDefinition::Idnns),
                ],
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::shares_rule,
            judge: Judge::Records(verdicts::shares),
        }),
    },
    Claim {
        id: "relu-gradients",
        title: "ReLU gradients",
        concerns: "The letter's run of main.py with -activation_function 1 (ReLU)",
        addition: false,
        claim: "With ReLU the result is qualitatively the same, except that the gradient means seem to increase overall through training.",
        paper: "Tishby: results showing non-decreasing mean gradients \"are clearly incorrect as the gradients must decrease eventually when the training error saturates\".",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs ReLU",
                "IDNNs with -activation_function 1 (ReLU)",
                "preset=idnns-relu",
                "",
                &[
                    LetterFigure::Gradients(GradDefinition::Idnns),
                    LetterFigure::Loss,
                ],
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::relu_rule,
            judge: Judge::Records(verdicts::relu),
        }),
    },
    Claim {
        id: "worked-example",
        title: "The worked example",
        concerns: "The letter's worked example of the \"mean\" and \"standard deviation\"",
        addition: false,
        claim: "With per-batch gradients [2, 3] and [4, 5], the code's \"mean\" is 5 and its \"std\" 1.189; a second identical layer gives cumulative values 10 and 1.682.",
        paper: "plot_gradients.py, per layer and epoch: mean = ‖element-wise mean over batches‖, \"variance\" = √(Σ element-wise population variance); plotted for layer L: the sum of the means of layers 1 … L, and std = √(sum of their variances).",
        body: ClaimBody::Calculator,
    },
    Claim {
        id: "seeds-information-plane",
        title: "Information plane across seeds",
        concerns: "SZT Fig. 3; the letter's four runs of main.py with default arguments",
        addition: false,
        claim: "Four runs of the default code do not consistently give the paper's Figure 3: the higher layers consistently fail to show its pattern, and the lower layers behave somewhat irregularly.",
        paper: "SZT Fig. 3 shows every layer first gaining information about the input, then compressing (I(X;T) falling) in a second, longer phase.",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "IDNNs defaults",
                "IDNNs defaults (main.py, no arguments)",
                "preset=idnns-default",
                "plane=polylines",
                PLANES,
            )],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::seeds_rule,
            judge: Judge::Records(verdicts::seeds),
        }),
    },
    Claim {
        id: "caption-architecture",
        title: "The caption's architecture",
        concerns: "SZT Fig. 3 caption \"input=12-10-8-6-4-2-1=output\"",
        addition: false,
        claim: "The caption's network ends in a single unit, which the code cannot build (it uses a softmax over two units): could this difference be why compression is hard to see?",
        paper: "Fig. 3 caption: 12-10-8-6-4-2-1. The code's default is 12-10-7-5-4-3-2 with a 2-unit softmax output.",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                main(
                    "caption 12-10-8-6-4-2-1",
                    "Caption: 12-10-8-6-4-2-1, one sigmoid output",
                    "preset=caption-12-10-8-6-4-2-1",
                    "plane=polylines",
                    PLANES,
                ),
                main(
                    "code 12-10-7-5-4-3-2",
                    "Code: 12-10-7-5-4-3-2, 2-unit softmax",
                    "preset=idnns-default",
                    "plane=polylines",
                    PLANES,
                ),
            ],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::architecture_rule,
            judge: Judge::Records(verdicts::architecture),
        }),
    },
    Claim {
        id: "relu-binning",
        title: "ReLU information planes and binning",
        concerns: "The letter's two ReLU information planes; IDNNs issue #12",
        addition: false,
        claim: "Maybe the code as found does not support ReLU: binning ReLU activations raises its own issues. What the information plane shows depends on the bins: IDNNs' fixed [-1, 1] edges put every activation ≥ 1 in one bin.",
        paper: "IDNNs bins every layer on 30 edges over [-1, 1] whatever the activation (FACTS.md §3); Saxe et al. bin ReLU between the run's min and max; Chelombiev et al. use equal-mass bins.",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                main(
                    "IDNNs' [-1, 1] bins",
                    "IDNNs' 30 edges on [-1, 1]",
                    "preset=idnns-relu",
                    "plane=polylines",
                    PLANES,
                ),
                main(
                    "min/max bins",
                    "100 bins between the run's min and max",
                    "preset=idnns-relu&estimator=uniform-binning&bins=100&range=run",
                    "plane=polylines",
                    PLANES,
                ),
                main(
                    "adaptive bins",
                    "30 adaptive (equal-mass) bins",
                    "preset=idnns-relu&estimator=adaptive-binning",
                    "plane=polylines",
                    PLANES,
                ),
            ],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::binning_rule,
            judge: Judge::Records(verdicts::binning),
        }),
    },
    Claim {
        id: "saxe",
        title: "Saxe et al.",
        concerns: "The letter's postscript on Saxe et al. (2018), Fig. 1A and 1B",
        addition: false,
        claim: "Saxe et al.'s Figure 1A (tanh) replicates SZT's information plane better than SZT's code does, but their point is that the result does not hold for most networks used in practice: their ReLU network (Fig. 1B) does not compress.",
        paper: "Saxe et al., with ibsgd's code: Fig. 1A (tanh) compresses and Fig. 1B (ReLU) does not, both measured by binning (0.07-wide bins for tanh, 100 bins between the run's min and max for ReLU); KDE on var_u and other estimators appear in their appendix. Appendix I: the gradient SNR drops for tanh and ReLU alike, so it is not what drives compression, whereas SZT tie the SNR transition to the onset of compression.",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                main(
                    "tanh, bins",
                    "Fig. 1A: tanh, bins of 0.07 (ibsgd)",
                    "preset=saxe-tanh",
                    "",
                    SAXE_FIGURES,
                ),
                main(
                    "ReLU, bins",
                    "Fig. 1B: ReLU, 100 bins between the run's min and max (ibsgd)",
                    "preset=saxe-relu",
                    "",
                    SAXE_FIGURES,
                ),
                RunConfig {
                    name: "tanh, KDE 1e-3",
                    label: "Second estimator: tanh, KDE upper bound, noise variance 1e-3 (ibsgd's var_u notebook)",
                    query: "preset=saxe-tanh&estimator=kde-upper&noise_var=0.001",
                    lab_view: "",
                    figures: KDE_FIGURES,
                    inputs: Inputs::Second,
                },
                RunConfig {
                    name: "ReLU, KDE 1e-3",
                    label: "Second estimator: ReLU, KDE upper bound, noise variance 1e-3 (ibsgd's var_u notebook)",
                    query: "preset=saxe-relu&estimator=kde-upper&noise_var=0.001",
                    lab_view: "",
                    figures: KDE_FIGURES,
                    inputs: Inputs::Second,
                },
                RunConfig {
                    name: "tanh, KDE 0.1",
                    label: "Second estimator: tanh, KDE upper bound, noise variance 0.1 (the paper)",
                    query: "preset=saxe-tanh&estimator=kde-upper&noise_var=0.1",
                    lab_view: "",
                    figures: KDE_FIGURES,
                    inputs: Inputs::Second,
                },
                RunConfig {
                    name: "ReLU, KDE 0.1",
                    label: "Second estimator: ReLU, KDE upper bound, noise variance 0.1 (the paper)",
                    query: "preset=saxe-relu&estimator=kde-upper&noise_var=0.1",
                    lab_view: "",
                    figures: KDE_FIGURES,
                    inputs: Inputs::Second,
                },
            ],
            epochs: 10000,
            seeds: SEEDS,
            second: Some(SecondInputs {
                name: "KDE",
                slug: "kde",
                epochs: 10000,
                seeds: 1,
                why: "the KDE estimate costs 4096² pairs per layer at each of ibsgd's 211 logged epochs: measured in headless Chromium on this project's two-core machine, the card with one seed of each KDE configuration at the full 10000 epochs beside the four-seed binning runs took 51–57 s in the fastest sitting and up to 136 s in slow ones (the host's speed drifts), three quarters of its work the KDE runs, so four seeds of them would not finish within 90 s on two cores",
            }),
            rule: verdicts::saxe_rule,
            judge: Judge::Records(verdicts::saxe),
        }),
    },
    Claim {
        id: "stored-run",
        title: "SZT's stored 2017 run",
        concerns: "SZT Fig. 3 as published; the run stored in IDNNs' jobs/",
        addition: true,
        claim: "The run SZT stored with their code can be re-run here with the same settings, and the reader's seeds compared with the stored 20 repeats.",
        paper: "A pickle in an early commit of IDNNs holds 20 repeats of a 10-7-5-4-4-3 tanh network trained full-batch with Adam 2e-4 for 10000 epochs, 50 bin edges (FACTS.md §5). The published Fig. 3 shows the layers first moving right (I(X;T) and I(T;Y) rising), then left for most of training: compression.",
        body: ClaimBody::Run(RunSpec {
            configs: &[main(
                "stored run",
                "The stored run's settings",
                "preset=szt-2017-stored-run",
                "plane=polylines",
                &[LetterFigure::StoredPlanes],
            )],
            epochs: 10000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::stored_rule,
            judge: Judge::Stored(verdicts::stored_comparison),
        }),
    },
    Claim {
        id: "bins-decide",
        title: "Bins decide the picture",
        concerns: "The letter's point that the information plane depends on the binning (IDNNs issue #12); SZT Fig. 3",
        addition: true,
        claim: "How much of each layer's final I(X;T) is set by the bin count rather than by the network: the IDNNs tanh and ReLU networks measured with 10 to 1000 bin edges and at machine precision.",
        paper: "IDNNs measures I(X;T) on 30 edges over [-1, 1] (FACTS.md §3); for an invertible layer on var_u's 4096 distinct inputs, exact (machine-precision) binning gives I(X;T) = 12 bits, whatever the training (Saxe et al. 2018, Appendix; Goldfeld et al. 2019).",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                main(
                    "tanh, bin counts",
                    "IDNNs defaults (tanh), bin edges 10, 30, 100 and 1000 on [-1, 1] (training shared)",
                    "preset=idnns-default&sweep=edges:10,30,100,1000",
                    "",
                    SWEEP_FIGURES,
                ),
                main(
                    "tanh, machine precision",
                    "IDNNs defaults (tanh), exact binning: every distinct activation vector its own bin",
                    "preset=idnns-default&estimator=exact-binning",
                    "plane=polylines",
                    EXACT_FIGURES,
                ),
                main(
                    "ReLU, bin counts",
                    "IDNNs ReLU, bin edges 10, 30, 100 and 1000 on [-1, 1] (training shared)",
                    "preset=idnns-relu&sweep=edges:10,30,100,1000",
                    "",
                    SWEEP_FIGURES,
                ),
                main(
                    "ReLU, machine precision",
                    "IDNNs ReLU, exact binning",
                    "preset=idnns-relu&estimator=exact-binning",
                    "plane=polylines",
                    EXACT_FIGURES,
                ),
            ],
            epochs: 8000,
            seeds: SEEDS,
            second: None,
            rule: verdicts::bins_rule,
            judge: Judge::Sweeps(verdicts::bins_decide),
        }),
    },
];

/// The claim with anchor `id`.
pub fn find(id: &str) -> Option<&'static Claim> {
    CLAIMS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::config::Config;
    use infoplane_core::params::Params;

    #[test]
    fn every_configuration_is_a_valid_experiment() {
        for c in CLAIMS {
            let ClaimBody::Run(spec) = &c.body else {
                continue;
            };
            for cfg in spec.configs {
                let (epochs, seeds) = match (cfg.inputs, &spec.second) {
                    (Inputs::Main, _) => (spec.epochs, spec.seeds),
                    (Inputs::Second, Some(s)) => (s.epochs, s.seeds),
                    (Inputs::Second, None) => panic!("{}: no second inputs", c.id),
                };
                let q = format!("{}&epochs={epochs}&seeds={seeds}", cfg.query);
                let p = Params::from_query(&q, &[]);
                assert!(p.errors.is_empty(), "{}: {:?}", c.id, p.errors);
                // A sweep is valid when every one of its points is.
                if p.params.sweep().is_some() {
                    let plan = infoplane_core::sweep::SweepPlan::new(&p.params)
                        .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                    assert!(plan.points.len() > 1, "{}", c.id);
                } else {
                    Config::from_params(&p.params).unwrap_or_else(|e| panic!("{}: {e}", c.id));
                }
            }
        }
        // Fourteen cards with distinct ids: sorting first makes every duplicate
        // adjacent, so dedup() removes it wherever it stood.
        assert_eq!(CLAIMS.len(), 14);
        let mut ids: Vec<_> = CLAIMS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CLAIMS.len(), "duplicate claim ids");
    }

    #[test]
    fn cards_follow_the_letter_and_run_full_presets_with_several_seeds() {
        let ids: Vec<_> = CLAIMS.iter().map(|c| c.id).collect();
        // The letter's order: the MNIST experiment opens it; the worked
        // example follows the ReLU-gradients paragraph; additions come last.
        assert_eq!(
            ids,
            [
                "mnist-relu",
                "fig4-as-coded",
                "cumulative-means",
                "caption-normalisation",
                "axis-labels",
                "first-layer-shares",
                "relu-gradients",
                "worked-example",
                "seeds-information-plane",
                "caption-architecture",
                "relu-binning",
                "saxe",
                "stored-run",
                "bins-decide",
            ]
        );
        let additions: Vec<_> = CLAIMS.iter().filter(|c| c.addition).map(|c| c.id).collect();
        assert_eq!(additions, ["stored-run", "bins-decide"]);
        for c in CLAIMS {
            let ClaimBody::Run(spec) = &c.body else {
                continue;
            };
            assert_eq!(spec.seeds, SEEDS, "{}", c.id);
            // The main inputs' default is every configuration's full preset length.
            for cfg in spec.configs.iter().filter(|k| k.inputs == Inputs::Main) {
                let p = Params::from_query(cfg.query, &[]).params;
                assert_eq!(
                    p.int("epochs") as usize,
                    spec.epochs,
                    "{}: {}",
                    c.id,
                    cfg.name
                );
            }
            // Only a card that says why runs a shorter second group.
            if let Some(s) = &spec.second {
                assert!(s.why.len() > 40, "{}", c.id);
                for cfg in spec.configs.iter().filter(|k| k.inputs == Inputs::Second) {
                    let p = Params::from_query(cfg.query, &[]).params;
                    assert!(s.epochs <= p.int("epochs") as usize, "{}", c.id);
                }
            }
        }
    }

    #[test]
    fn the_bins_card_sweeps_the_values_its_verdict_names() {
        use crate::letter::verdicts::BIN_VALUES;
        let ClaimBody::Run(spec) = &find("bins-decide").unwrap().body else {
            unreachable!()
        };
        // Sweep, exact, sweep, exact: each sweep's values are the verdict's
        // bin counts, the exact run its last value.
        for (k, cfg) in spec.configs.iter().enumerate() {
            let p = Params::from_query(cfg.query, &[]).params;
            match p.sweep() {
                Some(s) => {
                    assert_eq!(k % 2, 0, "{}", cfg.name);
                    let names: Vec<String> =
                        s.texts().iter().map(|v| format!("{v} edges")).collect();
                    assert_eq!(names, BIN_VALUES[..4], "{}", cfg.name);
                    assert_eq!(spec.configs[k].figures, [LetterFigure::SweepSummary]);
                }
                None => {
                    assert_eq!(k % 2, 1, "{}", cfg.name);
                    assert_eq!(p.get("estimator").to_string(), "exact-binning");
                }
            }
        }
    }
}

//! The letter's claims, in the letter's order: what each says, what the
//! paper says, which runs check it, which figures show them and which
//! analysis judges them. Sentences about results live in `verdicts`.

use super::figures::LetterFigure;
use super::verdicts::{self, Verdict};
use infoplane_core::gradients::GradDefinition;
use infoplane_core::record::SeedRecord;

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
}

/// What a card with a Run button runs and how it is judged.
#[derive(Debug)]
pub struct RunSpec {
    /// The configurations, shown side by side.
    pub configs: &'static [RunConfig],
    /// Default epochs (the card's input).
    pub epochs: usize,
    /// Default number of seeds.
    pub seeds: usize,
    /// Whether the reader may change the number of seeds.
    pub seeds_editable: bool,
    /// How this card's default differs from the full preset, and the full
    /// preset's query (for a lab link); `None` when it runs the full preset.
    pub reduced: Option<(&'static str, &'static str)>,
    /// How the verdict is computed, with its thresholds.
    pub rule: fn() -> String,
    /// The verdict from the finished runs' records, one list per configuration.
    pub verdict: fn(&[Vec<SeedRecord>]) -> Verdict,
}

/// What a card holds besides its text.
#[derive(Debug)]
pub enum ClaimBody {
    /// Runs in the browser with a verdict.
    Run(RunSpec),
    /// The worked-example calculator (no run).
    Calculator,
}

/// One claim of the letter.
#[derive(Debug)]
pub struct Claim {
    /// Anchor and embed name, e.g. `cumulative-means`.
    pub id: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Where in the letter (and which figure of the paper) it comes from.
    pub concerns: &'static str,
    /// The claim, in one sentence of our own.
    pub claim: &'static str,
    /// What the paper (or its code) says.
    pub paper: &'static str,
    /// Runs or calculator.
    pub body: ClaimBody,
}

const GRADS: &[LetterFigure] = &[LetterFigure::Gradients(GradDefinition::Idnns)];
const PLANES: &[LetterFigure] = &[LetterFigure::Planes { polylines: true }];

/// Every claim, in the letter's order.
pub static CLAIMS: &[Claim] = &[
    Claim {
        id: "fig4-as-coded",
        title: "Figure 4 as coded",
        concerns: "SZT Fig. 4; the letter's run of main.py with -save_grads",
        claim: "Run with the code's defaults, the gradient statistics do not show the two phases of the paper's Figure 4.",
        paper: "SZT describe two phases of SGD: a drift phase in which the gradient means are much larger than their standard deviations, then, after a \"phase transition\", a diffusion phase in which the means are small and the fluctuations dominate (Fig. 4, one mean and one std curve per layer).",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "IDNNs defaults",
                label: "IDNNs defaults, gradients saved (as the letter ran main.py)",
                query: "preset=idnns-default",
                lab_view: "",
                figures: GRADS,
            }],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::phases_rule,
            verdict: verdicts::phases,
        }),
    },
    Claim {
        id: "cumulative-means",
        title: "Cumulative means cannot cross",
        concerns: "SZT Fig. 4; the letter's paragraph on crossing mean lines",
        claim: "The code sums each layer's mean with those of the layers below it, so its mean curves can never cross, yet one crosses the others in the published figure.",
        paper: "The published Fig. 4 shows one solid mean line crossing the others. plot_gradients.py plots, for layer L, the sum over layers l ≤ L of ‖mean_b g_b‖ (FACTS.md §4).",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "IDNNs defaults",
                label: "IDNNs defaults: cumulative (as coded) and per-layer means",
                query: "preset=idnns-default",
                lab_view: "grad_def=per-layer",
                figures: &[LetterFigure::GradientPair(
                    GradDefinition::Idnns,
                    GradDefinition::PerLayer,
                )],
            }],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::crossings_rule,
            verdict: verdicts::crossings,
        }),
    },
    Claim {
        id: "caption-normalisation",
        title: "The caption's normalisation",
        concerns: "SZT Fig. 4 caption; the letter's paragraph on normalisation",
        claim: "The caption says the values are normalised by each layer's weight norm, but the code does not divide by it; doing so changes the levels, not the picture.",
        paper: "Fig. 4 caption: \"values are normalized by the L2 norms of the weights for each layer\". In the code the norm function is a stub returning 1.",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "IDNNs defaults",
                label: "IDNNs defaults: as coded and divided by ‖W_l‖",
                query: "preset=idnns-default",
                lab_view: "grad_def=normalised",
                figures: &[
                    LetterFigure::GradientPair(GradDefinition::Idnns, GradDefinition::Normalised),
                    LetterFigure::Norms,
                ],
            }],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::normalisation_rule,
            verdict: verdicts::normalisation,
        }),
    },
    Claim {
        id: "axis-labels",
        title: "The y-axis labels",
        concerns: "SZT Fig. 4's y axis; the letter's example of the last layer's first std",
        claim: "Every y label of the gradient figure reads 10× too small: the letter's example, the last layer's first \"std\", is about 0.49 but sits below the label 10^-1.",
        paper: "plot_gradients.py sets y limits [0.001, 10] with ticks at 0.001 … 10 but hard-codes six labels starting at \"10^-4\", so matplotlib of the time shifted every label by one decade (FACTS.md §4).",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "IDNNs defaults",
                label: "IDNNs defaults: original labels and true labels",
                query: "preset=idnns-default",
                lab_view: "labels=original",
                figures: &[LetterFigure::AxisLabels],
            }],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::axis_rule,
            verdict: verdicts::axis,
        }),
    },
    Claim {
        id: "worked-example",
        title: "The worked example",
        concerns: "The letter's worked example of the \"mean\" and \"standard deviation\"",
        claim: "With per-batch gradients [2, 3] and [4, 5], the code's \"mean\" is 5 and its \"std\" 1.189; a second identical layer gives cumulative values 10 and 1.682.",
        paper: "plot_gradients.py, per layer and epoch: mean = ‖element-wise mean over batches‖, \"variance\" = √(Σ element-wise population variance); plotted for layer L: the sum of the means of layers 1 … L, and std = √(sum of their variances).",
        body: ClaimBody::Calculator,
    },
    Claim {
        id: "relu-gradients",
        title: "ReLU gradients",
        concerns: "The letter's run with -activation_function 1 (ReLU)",
        claim: "With ReLU the gradient means grow over training instead of shrinking.",
        paper: "Tishby: results showing non-decreasing mean gradients \"are clearly incorrect as the gradients must decrease eventually when the training error saturates\".",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "IDNNs ReLU",
                label: "IDNNs with -activation_function 1 (ReLU)",
                query: "preset=idnns-relu",
                lab_view: "",
                figures: &[
                    LetterFigure::Gradients(GradDefinition::Idnns),
                    LetterFigure::Loss,
                ],
            }],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::relu_rule,
            verdict: verdicts::relu,
        }),
    },
    Claim {
        id: "seeds-information-plane",
        title: "Information plane across seeds",
        concerns: "SZT Fig. 3; the letter's four runs of main.py with default arguments",
        claim: "Four runs of the default code give four different information planes, and the higher layers do not consistently compress.",
        paper: "SZT Fig. 3 shows every layer first gaining information about the input, then compressing (I(X;T) falling) in a second, longer phase.",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "IDNNs defaults",
                label: "IDNNs defaults (main.py, no arguments)",
                query: "preset=idnns-default",
                lab_view: "plane=polylines",
                figures: PLANES,
            }],
            epochs: 8000,
            seeds: 4,
            seeds_editable: true,
            reduced: None,
            rule: verdicts::seeds_rule,
            verdict: verdicts::seeds,
        }),
    },
    Claim {
        id: "caption-architecture",
        title: "The caption's architecture",
        concerns: "SZT Fig. 3 caption \"input=12-10-8-6-4-2-1=output\"",
        claim: "The caption's network ends in a single unit, which the code cannot build (it uses a 2-unit softmax); running both shows whether that matters for compression.",
        paper: "Fig. 3 caption: 12-10-8-6-4-2-1. The code's default is 12-10-7-5-4-3-2 with a 2-unit softmax output.",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                RunConfig {
                    name: "caption 12-10-8-6-4-2-1",
                label: "Caption: 12-10-8-6-4-2-1, one sigmoid output",
                    query: "preset=caption-12-10-8-6-4-2-1",
                    lab_view: "plane=polylines",
                    figures: PLANES,
                },
                RunConfig {
                    name: "code 12-10-7-5-4-3-2",
                label: "Code: 12-10-7-5-4-3-2, 2-unit softmax",
                    query: "preset=idnns-default",
                    lab_view: "plane=polylines",
                    figures: PLANES,
                },
            ],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::architecture_rule,
            verdict: verdicts::architecture,
        }),
    },
    Claim {
        id: "relu-binning",
        title: "ReLU information planes and binning",
        concerns: "The letter's two ReLU information planes; IDNNs issue #12",
        claim: "With ReLU, what the information plane shows depends on the bins: IDNNs' fixed [-1, 1] edges put every activation ≥ 1 in one bin.",
        paper: "IDNNs bins every layer on 30 edges over [-1, 1] whatever the activation (FACTS.md §3); Saxe et al. bin ReLU between the run's min and max; Chelombiev et al. use equal-mass bins.",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                RunConfig {
                    name: "IDNNs' [-1, 1] bins",
                label: "IDNNs' 30 edges on [-1, 1]",
                    query: "preset=idnns-relu",
                    lab_view: "plane=polylines",
                    figures: PLANES,
                },
                RunConfig {
                    name: "min/max bins",
                label: "100 bins between the run's min and max",
                    query: "preset=idnns-relu&estimator=uniform-binning&bins=100&range=run",
                    lab_view: "plane=polylines",
                    figures: PLANES,
                },
                RunConfig {
                    name: "adaptive bins",
                label: "30 adaptive (equal-mass) bins",
                    query: "preset=idnns-relu&estimator=adaptive-binning",
                    lab_view: "plane=polylines",
                    figures: PLANES,
                },
            ],
            epochs: 8000,
            seeds: 1,
            seeds_editable: false,
            reduced: None,
            rule: verdicts::binning_rule,
            verdict: verdicts::binning,
        }),
    },
    Claim {
        id: "saxe",
        title: "Saxe et al.",
        concerns: "The letter's postscript on Saxe et al. (2018), Fig. 1A and 1B",
        claim: "Saxe et al.'s tanh network compresses and their ReLU network does not, and the gradient SNR transition shows up for ReLU as well, so it is not what drives compression.",
        paper: "Saxe et al. Fig. 1A (tanh): compression; Fig. 1B (ReLU): none; Appendix I: the SNR of the gradients drops for tanh and ReLU alike. SZT tie the SNR transition to the onset of compression.",
        body: ClaimBody::Run(RunSpec {
            configs: &[
                RunConfig {
                    name: "Saxe tanh",
                label: "Fig. 1A settings: tanh, KDE upper bound",
                    query: "preset=saxe-tanh&log_schedule=idnns&log_samples=40&estimator=kde-upper",
                    lab_view: "",
                    figures: &[
                        LetterFigure::Planes { polylines: false },
                        LetterFigure::Snr(GradDefinition::Saxe),
                    ],
                },
                RunConfig {
                    name: "Saxe ReLU",
                label: "Fig. 1B settings: ReLU, KDE upper bound",
                    query: "preset=saxe-relu&log_schedule=idnns&log_samples=40&estimator=kde-upper",
                    lab_view: "",
                    figures: &[
                        LetterFigure::Planes { polylines: false },
                        LetterFigure::Snr(GradDefinition::Saxe),
                    ],
                },
            ],
            epochs: 2000,
            seeds: 1,
            seeds_editable: false,
            reduced: Some((
                "by default 2000 of the presets' 10000 epochs, and MI at 40 log-spaced samples of the epochs instead of ibsgd's schedule, because the KDE costs O(4096²) per layer and logged epoch",
                "preset=saxe-tanh&estimator=kde-upper",
            )),
            rule: verdicts::saxe_rule,
            verdict: verdicts::saxe,
        }),
    },
    Claim {
        id: "stored-run",
        title: "SZT's stored 2017 run",
        concerns: "SZT Fig. 3 as published; the run stored in IDNNs' jobs/",
        claim: "The run SZT stored with their code can be re-run here and its information plane compared with the published one.",
        paper: "A pickle in an early commit of IDNNs holds 20 repeats of a 10-7-5-4-4-3 tanh network trained full-batch with Adam 2e-4 for 10000 epochs, 50 bin edges (FACTS.md §5). The published Fig. 3 shows the layers first moving right (I(X;T) and I(T;Y) rising), then left for most of training: compression.",
        body: ClaimBody::Run(RunSpec {
            configs: &[RunConfig {
                name: "stored run",
                label: "The stored run's settings",
                query: "preset=szt-2017-stored-run",
                lab_view: "plane=polylines",
                figures: PLANES,
            }],
            epochs: 10000,
            seeds: 2,
            seeds_editable: true,
            reduced: Some((
                "by default 2 of the stored run's 20 seeds; each seed trains 10000 epochs and estimates MI at 964 of them, a few times as long as an IDNNs default run",
                "preset=szt-2017-stored-run",
            )),
            rule: verdicts::seeds_rule,
            verdict: verdicts::stored,
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
                let q = format!("{}&epochs={}&seeds={}", cfg.query, spec.epochs, spec.seeds);
                let p = Params::from_query(&q, &[]);
                assert!(p.errors.is_empty(), "{}: {:?}", c.id, p.errors);
                Config::from_params(&p.params).unwrap_or_else(|e| panic!("{}: {e}", c.id));
            }
        }
        // Eleven cards with distinct ids: sorting first makes every duplicate
        // adjacent, so dedup() removes it wherever it stood.
        assert_eq!(CLAIMS.len(), 11);
        let mut ids: Vec<_> = CLAIMS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CLAIMS.len(), "duplicate claim ids");
    }
}

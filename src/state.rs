//! The lab's state, shared by context: the experiment being edited, the
//! runs' records as they stream in, and the figure options.

use infoplane_core::data::DatasetInfo;
use infoplane_core::params::{Experiment, ParamError};
use infoplane_core::record::{Aggregate, RunRecord, SeedRecord, Status, FORMAT, VERSION};
use infoplane_core::run::Event;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The state a host page or test can follow (`data-run-state`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Nothing run yet (or reset).
    Idle,
    /// At least one seed is training or queued.
    Running,
    /// Paused by the reader.
    Paused,
    /// Every seed ended (done or stopped).
    Done,
    /// A seed failed, or the run could not start.
    Error,
}

impl RunState {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Done => "done",
            RunState::Error => "error",
        }
    }
}

/// One seed as the page sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedView {
    /// The seed.
    pub seed: u64,
    /// Epochs trained.
    pub epoch: usize,
    /// Total epochs.
    pub epochs: usize,
    /// Seconds since this seed started.
    pub seconds: f64,
    /// `None` while queued or running.
    pub ended: Option<Status>,
    /// Whether it started training.
    pub started: bool,
    /// Why it failed, if it did.
    pub message: Option<String>,
    /// Its measurements so far.
    pub record: SeedRecord,
}

impl SeedView {
    /// A queued seed.
    pub fn queued(seed: u64) -> Self {
        SeedView {
            seed,
            epoch: 0,
            epochs: 0,
            seconds: 0.0,
            ended: None,
            started: false,
            message: None,
            record: SeedRecord::new(seed),
        }
    }

    /// Estimated seconds left, from the pace so far.
    pub fn eta(&self) -> Option<f64> {
        (self.epoch > 0 && self.ended.is_none() && self.epochs > self.epoch)
            .then(|| self.seconds * (self.epochs - self.epoch) as f64 / self.epoch as f64)
    }
}

/// Facts about the run every seed shares (from the first `Started` event).
#[derive(Clone, Debug, PartialEq)]
pub struct RunHeader {
    /// Units per layer.
    pub layers: Vec<usize>,
    /// The data set.
    pub dataset: DatasetInfo,
    /// Rows of the MI estimates.
    pub mi_rows: usize,
    /// H(Y) of those rows.
    pub label_entropy: f64,
    /// Total epochs.
    pub epochs: usize,
}

/// All seeds of the current run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs {
    /// The experiment that was started (its query string).
    pub query: String,
    /// The experiment itself.
    pub experiment: Option<Experiment>,
    /// Shared facts, once known.
    pub header: Option<RunHeader>,
    /// One entry per seed, in seed order.
    pub seeds: Vec<SeedView>,
    /// An error that prevented the run from starting.
    pub error: Option<String>,
    /// True while paused.
    pub paused: bool,
    /// True when loaded from a JSON record rather than computed.
    pub loaded: bool,
}

impl Runs {
    /// The state for `data-run-state`.
    pub fn state(&self) -> RunState {
        if self.error.is_some() || self.seeds.iter().any(|s| s.ended == Some(Status::Failed)) {
            RunState::Error
        } else if self.seeds.is_empty() {
            RunState::Idle
        } else if self.seeds.iter().all(|s| s.ended.is_some()) {
            RunState::Done
        } else if self.paused {
            RunState::Paused
        } else {
            RunState::Running
        }
    }

    /// Applies one event from a worker.
    pub fn apply(&mut self, ev: Event) {
        match ev {
            Event::Started {
                seed,
                epochs,
                layers,
                dataset,
                mi_rows,
                label_entropy,
                ..
            } => {
                if self.header.is_none() {
                    self.header = Some(RunHeader {
                        layers,
                        dataset,
                        mi_rows,
                        label_entropy,
                        epochs,
                    });
                }
                if let Some(s) = self.seed_mut(seed) {
                    s.started = true;
                    s.epochs = epochs;
                }
            }
            Event::Progress {
                seed,
                epoch,
                epochs,
                seconds,
            } => {
                if let Some(s) = self.seed_mut(seed) {
                    (s.epoch, s.epochs, s.seconds) = (epoch, epochs, seconds);
                }
            }
            Event::Epoch { seed, record } => {
                if let Some(s) = self.seed_mut(seed) {
                    s.record.push(&record);
                }
            }
            Event::Finished { seed, record } => {
                if let Some(s) = self.seed_mut(seed) {
                    s.ended = Some(record.status);
                    s.message = record.message.clone();
                    s.seconds = record.seconds;
                    s.record = record;
                }
            }
        }
    }

    /// Marks a seed failed before it could start.
    pub fn fail(&mut self, seed: u64, message: String) {
        if let Some(s) = self.seed_mut(seed) {
            s.ended = Some(Status::Failed);
            s.message = Some(message.clone());
        }
        self.error.get_or_insert(message);
    }

    fn seed_mut(&mut self, seed: u64) -> Option<&mut SeedView> {
        self.seeds.iter_mut().find(|s| s.seed == seed)
    }

    /// The records of seeds that logged at least one epoch.
    pub fn records(&self) -> Vec<SeedRecord> {
        self.seeds.iter().map(|s| s.record.clone()).collect()
    }

    /// The mean over seeds.
    pub fn aggregate(&self) -> Aggregate {
        Aggregate::of(&self.records())
    }

    /// The run as a record in the CLI's schema (for export).
    pub fn to_record(&self) -> Option<RunRecord> {
        let (h, exp) = (self.header.as_ref()?, self.experiment.as_ref()?);
        let seeds = self.records();
        Some(RunRecord {
            format: FORMAT.into(),
            version: VERSION,
            query: exp.to_query(),
            preset: exp.preset.map(|p| p.name.to_string()),
            params: exp.params.to_json(),
            dataset: h.dataset.clone(),
            layers: h.layers.clone(),
            mi_rows: h.mi_rows,
            label_entropy: h.label_entropy,
            max_ixt: infoplane_core::math::log2(h.mi_rows as f64),
            mean: Aggregate::of(&seeds),
            seeds,
        })
    }

    /// Shows a loaded record (no computation).
    pub fn from_record(rec: RunRecord) -> Runs {
        let parsed = Experiment::from_query(&rec.query, &[]);
        let epochs = rec
            .params
            .get("epochs")
            .and_then(|v| v.as_str())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Runs {
            query: rec.query.clone(),
            experiment: Some(parsed.experiment),
            header: Some(RunHeader {
                layers: rec.layers.clone(),
                dataset: rec.dataset.clone(),
                mi_rows: rec.mi_rows,
                label_entropy: rec.label_entropy,
                epochs,
            }),
            seeds: rec
                .seeds
                .into_iter()
                .map(|r| SeedView {
                    seed: r.seed,
                    epoch: r.epochs.last().map_or(0, |e| e + 1),
                    epochs,
                    seconds: r.seconds,
                    ended: Some(r.status),
                    started: true,
                    message: r.message.clone(),
                    record: r,
                })
                .collect(),
            error: None,
            paused: false,
            loaded: true,
        }
    }
}

/// Information-plane drawing style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaneStyle {
    /// Per-layer trajectories coloured by epoch.
    Trajectories,
    /// IDNNs' per-epoch polylines through the layers.
    Polylines,
}

/// Options of the figures (also kept in the URL).
#[derive(Clone, Debug, PartialEq)]
pub struct ViewOptions {
    /// Plane style.
    pub style: PlaneStyle,
    /// Log colour scale for epochs (IDNNs: linear).
    pub log_colors: bool,
    /// IDNNs' 10×-off y labels on the gradient figure.
    pub original_labels: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            style: PlaneStyle::Trajectories,
            log_colors: false,
            original_labels: false,
        }
    }
}

/// What the page shows: the full lab, or an embed of some figures, and
/// which controls are hidden (`embed=1`, `view=`, `hide=`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Display {
    /// Embedded: figures (and a compact run bar) only, with a link to the full lab.
    pub embed: bool,
    /// The figures shown (all when empty).
    pub figures: Vec<crate::figures::FigureKind>,
    /// Hidden controls (names from [`Display::HIDEABLE`]).
    pub hidden: Vec<&'static str>,
}

impl Display {
    /// Controls `hide=` can name.
    pub const HIDEABLE: &'static [&'static str] = &[
        "header", "sidebar", "runbar", "options", "export", "captions", "record", "link",
    ];

    /// Whether figure `kind` is shown.
    pub fn shows(&self, kind: crate::figures::FigureKind) -> bool {
        self.figures.is_empty() || self.figures.contains(&kind)
    }

    /// Whether control `name` is shown; embeds never show the header, the
    /// parameter sidebar or the record panel.
    pub fn shows_control(&self, name: &str) -> bool {
        let embed_hides = self.embed && matches!(name, "header" | "sidebar" | "record");
        !embed_hides && !self.hidden.contains(&name)
    }
}

/// Which record the single-record figures show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Seed at this index of the run.
    Seed(usize),
    /// The mean over seeds.
    Mean,
}

/// Everything the components share, provided by context.
#[derive(Clone, Copy)]
pub struct Lab {
    /// The experiment as edited (always valid: invalid field text stays in `field_errors`).
    pub experiment: RwSignal<Experiment>,
    /// Field name → (the text typed, why it is invalid).
    pub field_errors: RwSignal<BTreeMap<String, (String, String)>>,
    /// Dismissible notices (e.g. malformed URL parameters).
    pub notices: RwSignal<Vec<String>>,
    /// The current run (the session's runs).
    pub runs: RwSignal<Runs>,
    /// The run session: its runs and workers.
    pub session: crate::session::Session,
    /// Figure options.
    pub view: RwSignal<ViewOptions>,
    /// The reader's data file, if any (name, rows, features, classes).
    pub custom: RwSignal<Option<(crate::protocol::CustomData, DatasetInfo)>>,
    /// The record the single-record figures show.
    pub subject: RwSignal<Subject>,
    /// What the page shows (fixed at load).
    pub display: StoredValue<Display>,
    /// True while training is paused because the embed is out of view or
    /// its tab is hidden (it resumes by itself).
    pub auto_paused: RwSignal<bool>,
}

impl Lab {
    /// Fresh state for `experiment`.
    pub fn new(experiment: Experiment, notices: Vec<ParamError>) -> Self {
        let session = crate::session::Session::new();
        Lab {
            experiment: RwSignal::new(experiment),
            field_errors: RwSignal::new(BTreeMap::new()),
            notices: RwSignal::new(notices.iter().map(|e| e.to_string()).collect()),
            runs: session.runs,
            session,
            view: RwSignal::new(ViewOptions::default()),
            custom: RwSignal::new(None),
            subject: RwSignal::new(Subject::Seed(0)),
            display: StoredValue::new(Display::default()),
            auto_paused: RwSignal::new(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::record::EpochRecord;

    fn info() -> DatasetInfo {
        DatasetInfo {
            name: "var_u".into(),
            rows: 4096,
            features: 12,
            classes: 2,
        }
    }

    #[test]
    fn run_state_follows_events() {
        let mut r = Runs {
            seeds: vec![SeedView::queued(0), SeedView::queued(1)],
            ..Default::default()
        };
        assert_eq!(r.state(), RunState::Running);
        r.apply(Event::Started {
            seed: 0,
            epochs: 10,
            logged: vec![0],
            layers: vec![2],
            dataset: info(),
            mi_rows: 4096,
            label_entropy: 1.0,
        });
        r.apply(Event::Epoch {
            seed: 0,
            record: EpochRecord {
                epoch: 0,
                ixt: vec![1.0],
                ity: vec![0.5],
                grad_m: vec![1.0],
                grad_s: vec![1.0],
                wnorm: vec![1.0],
                loss_train: 0.7,
                loss_test: 0.7,
                acc_train: 0.5,
                acc_test: 0.5,
            },
        });
        assert_eq!(r.seeds[0].record.epochs, vec![0]);
        r.paused = true;
        assert_eq!(r.state(), RunState::Paused);
        let mut done = r.seeds[0].record.clone();
        done.status = Status::Done;
        r.apply(Event::Finished {
            seed: 0,
            record: done.clone(),
        });
        done.seed = 1;
        r.apply(Event::Finished {
            seed: 1,
            record: done,
        });
        assert_eq!(r.state(), RunState::Done);
        r.fail(1, "bad".into());
        assert_eq!(r.state(), RunState::Error);
    }
}

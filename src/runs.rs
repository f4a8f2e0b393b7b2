//! The run state: the seeds of one experiment as the page sees them, fed by
//! the core's event stream. The bottom layer of the page's state: it knows
//! nothing of workers, figures or the form.

use infoplane_core::estimators::MiPair;
use infoplane_core::params::{ParamError, Params};
use infoplane_core::record::{Aggregate, RunHeader, RunRecord, SeedRecord, Status};
use infoplane_core::run::Event;
use infoplane_core::sweep::SweepEvent;
use std::collections::BTreeSet;

/// What the worker pool reports about a seed (the pool's interface to
/// the run state).
#[derive(Debug)]
pub enum Report {
    /// Events of the seed's run, in order.
    Events(Vec<Event>),
    /// Events of a sweep's training (the unit is the training's index).
    SweepEvents(Vec<SweepEvent>),
    /// The seed failed (could not start, its worker died, …).
    Failed(String),
    /// Logged epoch `k`'s MI was deferred to another worker.
    Pending(usize),
    /// Logged epoch `k`'s MI, computed by another worker.
    Mi(usize, Vec<MiPair>),
    /// The seed goes back to its last checkpoint, `logged` logged epochs
    /// and `epoch` epochs in: the later ones are dropped (they will be
    /// logged again, identically).
    Rewind {
        /// Logged epochs kept.
        logged: usize,
        /// Epochs trained at the checkpoint.
        epoch: usize,
    },
}

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

    /// Training or paused: the run can still change.
    pub fn is_busy(self) -> bool {
        matches!(self, RunState::Running | RunState::Paused)
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
    /// Logged epochs whose MI another worker computes (their index among
    /// the logged epochs), and those still awaited.
    pub deferred: BTreeSet<usize>,
    /// The deferred epochs still awaited.
    pub pending: BTreeSet<usize>,
    /// Deferred MI that came before its epoch's record: the trainer posts
    /// a deferred job before the events that log its epoch, and a helper
    /// on another core can answer before those events reach the page.
    /// (A list, not a map: it rarely holds anything, and a map of a new
    /// type would cost the page's download 3 KB.)
    pub early: Vec<(usize, Vec<MiPair>)>,
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
            deferred: BTreeSet::new(),
            pending: BTreeSet::new(),
            early: Vec::new(),
        }
    }

    /// Ended and nothing awaited: its record is final.
    pub fn is_settled(&self) -> bool {
        self.ended.is_some() && (self.pending.is_empty() || self.ended == Some(Status::Failed))
    }

    /// Estimated seconds left, from the pace so far.
    pub fn eta(&self) -> Option<f64> {
        (self.epoch > 0 && self.ended.is_none() && self.epochs > self.epoch)
            .then(|| self.seconds * (self.epochs - self.epoch) as f64 / self.epoch as f64)
    }

    /// The progress line shown for this seed (the lab's run bar and the
    /// letter page's cards), e.g. "epoch 1200/8000 · 3.1 s · 17.4 s left".
    pub fn progress_line(&self) -> String {
        let what = match (self.ended, self.started) {
            (Some(Status::Done | Status::Stopped), _) if !self.pending.is_empty() => {
                format!("estimating MI ({} logged epochs left)", self.pending.len())
            }
            (Some(Status::Done), _) => "done".to_string(),
            (Some(Status::Stopped), _) => "stopped".to_string(),
            (Some(Status::Failed), _) => "failed".to_string(),
            (Some(Status::Running), _) | (None, true) => self
                .eta()
                .map_or("running".to_string(), |t| format!("{t:.1} s left")),
            (None, false) => "queued".to_string(),
        };
        format!(
            "epoch {}/{} · {:.1} s · {what}",
            self.epoch, self.epochs, self.seconds
        )
    }
}

/// All seeds of the current run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs {
    /// The experiment that was started (or loaded).
    pub params: Option<Params>,
    /// What every seed shares, once the first seed started (or loaded).
    pub header: Option<RunHeader>,
    /// One entry per seed, in seed order.
    pub seeds: Vec<SeedView>,
    /// An error that prevented the run from starting.
    pub error: Option<String>,
    /// True while paused by the reader (or by an embed out of view).
    pub paused: bool,
}

impl Runs {
    /// A run of `params` about to start: its seeds queued.
    pub fn queued(params: Params) -> Runs {
        Runs {
            seeds: params
                .seed_list()
                .into_iter()
                .map(SeedView::queued)
                .collect(),
            params: Some(params),
            ..Default::default()
        }
    }

    /// A run that could not start.
    pub fn failed(message: String) -> Runs {
        Runs {
            error: Some(message),
            ..Default::default()
        }
    }

    /// The state for `data-run-state`.
    pub fn state(&self) -> RunState {
        if self.error.is_some() || self.seeds.iter().any(|s| s.ended == Some(Status::Failed)) {
            RunState::Error
        } else if self.seeds.is_empty() {
            RunState::Idle
        } else if self.seeds.iter().all(SeedView::is_settled) {
            RunState::Done
        } else if self.paused {
            RunState::Paused
        } else {
            RunState::Running
        }
    }

    /// Total epochs of the run: the header's once known, else the
    /// experiment's, else 0. The one place the figures and the run bar read it.
    pub fn total_epochs(&self) -> usize {
        match (&self.header, &self.params) {
            (Some(h), _) => h.epochs,
            (None, Some(p)) => p.int("epochs") as usize,
            (None, None) => 0,
        }
    }

    /// Applies one event from a worker.
    pub fn apply(&mut self, ev: Event) {
        match ev {
            Event::Started { seed, header, .. } => {
                let epochs = header.epochs;
                self.header.get_or_insert(header);
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
                    let k = s.record.epochs.len() - 1;
                    if let Some(i) = s.early.iter().position(|e| e.0 == k) {
                        let (_, pairs) = s.early.swap_remove(i);
                        s.record.set_mi(k, &pairs);
                    }
                }
            }
            Event::Finished { seed, mut record } => {
                if let Some(s) = self.seed_mut(seed) {
                    // The trainer left the deferred epochs' MI to others:
                    // keep what arrived (and what is awaited comes later).
                    for &k in &s.deferred {
                        if let (Some(a), Some(b)) = (s.record.ixt.get(k), s.record.ity.get(k)) {
                            if k < record.ixt.len() {
                                record.ixt[k] = a.clone();
                                record.ity[k] = b.clone();
                            }
                        }
                    }
                    s.ended = Some(record.status);
                    s.message = record.message.clone();
                    s.seconds = record.seconds;
                    s.record = record;
                    for (k, pairs) in std::mem::take(&mut s.early) {
                        s.record.set_mi(k, &pairs);
                    }
                }
            }
        }
    }

    /// Applies one report of the worker pool about `seed`.
    pub fn report(&mut self, seed: u64, report: Report) {
        match report {
            Report::Events(events) => events.into_iter().for_each(|e| self.apply(e)),
            // A sweep's session routes these to its points' runs.
            Report::SweepEvents(_) => {}
            Report::Failed(message) => self.fail(seed, message),
            Report::Pending(k) => {
                if let Some(s) = self.seed_mut(seed) {
                    s.deferred.insert(k);
                    s.pending.insert(k);
                }
            }
            Report::Mi(k, pairs) => {
                if let Some(s) = self.seed_mut(seed) {
                    if s.pending.remove(&k) && !s.record.set_mi(k, &pairs) {
                        s.early.push((k, pairs));
                    }
                }
            }
            Report::Rewind { logged, epoch } => {
                if let Some(s) = self.seed_mut(seed) {
                    s.record.truncate(logged);
                    s.deferred.retain(|&k| k < logged);
                    s.pending.retain(|&k| k < logged);
                    s.early.retain(|e| e.0 < logged);
                    s.ended = None;
                    s.epoch = epoch;
                }
            }
        }
    }

    /// Marks a seed failed (it could not start, or its worker died); the
    /// other seeds go on.
    pub fn fail(&mut self, seed: u64, message: String) {
        if let Some(s) = self.seed_mut(seed) {
            s.ended = Some(Status::Failed);
            s.record.status = Status::Failed;
            s.message = Some(message.clone());
            s.record.message = Some(message);
        }
    }

    /// Ends every seed that has not ended with `status` (e.g. stopped),
    /// keeping what each logged; MI still awaited is given up (those
    /// epochs keep no MI).
    pub fn end_all(&mut self, status: Status) {
        for s in self.seeds.iter_mut() {
            if s.ended.is_none() {
                s.ended = Some(status);
                s.record.status = status;
            }
            s.pending.clear();
            s.early.clear();
        }
        self.paused = false;
    }

    fn seed_mut(&mut self, seed: u64) -> Option<&mut SeedView> {
        self.seeds.iter_mut().find(|s| s.seed == seed)
    }

    /// Every seed's record so far, in seed order (queued seeds' are empty).
    pub fn records(&self) -> Vec<SeedRecord> {
        self.seeds.iter().map(|s| s.record.clone()).collect()
    }

    /// The mean over seeds (computed from the seeds' records in place: a
    /// card redraws it while records grow).
    pub fn aggregate(&self) -> Aggregate {
        let records: Vec<&SeedRecord> = self.seeds.iter().map(|s| &s.record).collect();
        Aggregate::of(&records)
    }

    /// The run as a record in the CLI's schema (for export), once a seed
    /// has started.
    pub fn to_record(&self) -> Option<RunRecord> {
        let (h, params) = (self.header.as_ref()?, self.params.as_ref()?);
        Some(RunRecord::new(params, h, self.records()))
    }

    /// Shows a loaded record (no computation). Its query is parsed once;
    /// what it could not read is returned, naming each field.
    pub fn from_record(rec: RunRecord) -> (Runs, Vec<ParamError>) {
        let parsed = Params::from_query(&rec.query, &[]);
        let header = rec.header();
        let runs = Runs {
            params: Some(parsed.params),
            seeds: rec
                .seeds
                .into_iter()
                .map(|r| SeedView {
                    seed: r.seed,
                    epoch: r.epochs.last().map_or(0, |e| e + 1),
                    epochs: header.epochs,
                    seconds: r.seconds,
                    ended: Some(r.status),
                    started: true,
                    message: r.message.clone(),
                    record: r,
                    deferred: BTreeSet::new(),
                    pending: BTreeSet::new(),
                    early: Vec::new(),
                })
                .collect(),
            header: Some(header),
            error: None,
            paused: false,
        };
        (runs, parsed.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infoplane_core::data::DatasetInfo;
    use infoplane_core::record::EpochRecord;

    fn header() -> RunHeader {
        RunHeader {
            dataset: DatasetInfo {
                name: "var_u".into(),
                rows: 4096,
                features: 12,
                classes: 2,
            },
            layers: vec![2],
            mi_rows: 4096,
            label_entropy: 1.0,
            max_ixt: 12.0,
            epochs: 10,
        }
    }

    #[test]
    fn run_state_follows_events() {
        let mut p = Params::default();
        p.set("seeds", "2").unwrap();
        let mut r = Runs::queued(p);
        assert_eq!(r.state(), RunState::Running);
        assert_eq!(r.total_epochs(), 8000);
        r.apply(Event::Started {
            seed: 0,
            logged: vec![0],
            header: header(),
        });
        assert_eq!(r.total_epochs(), 10);
        r.apply(Event::Epoch {
            seed: 0,
            record: EpochRecord {
                ixt: vec![1.0],
                ity: vec![0.5],
                ..epoch(0)
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
        r.end_all(Status::Stopped);
        assert_eq!(r.state(), RunState::Done);
        assert_eq!(r.seeds[1].ended, Some(Status::Stopped));
        r.fail(1, "bad".into());
        assert_eq!(r.state(), RunState::Error);
        assert_eq!(r.seeds[0].ended, Some(Status::Done));
    }

    /// A logged epoch without MI (left to another worker).
    fn epoch(epoch: usize) -> EpochRecord {
        EpochRecord {
            epoch,
            ixt: vec![],
            ity: vec![],
            grad_m: vec![1.0],
            grad_s: vec![1.0],
            wnorm: vec![1.0],
            loss_train: 0.7,
            loss_test: 0.7,
            acc_train: 0.5,
            acc_test: 0.5,
        }
    }

    /// A helper's MI can reach the page before the trainer's events that
    /// log its epoch (they come from different workers); it must land on
    /// that epoch once it is logged, whichever arrives first.
    #[test]
    fn deferred_mi_lands_whether_it_comes_before_or_after_its_epoch() {
        let pair = MiPair {
            ixt: 1.5,
            ity: 0.25,
        };
        let mut r = Runs::queued(Params::default());
        r.apply(Event::Started {
            seed: 0,
            logged: vec![0, 1],
            header: header(),
        });
        // Epoch 0: the MI comes after the epoch; epoch 1: before it.
        r.report(0, Report::Pending(0));
        r.apply(Event::Epoch {
            seed: 0,
            record: epoch(0),
        });
        r.report(0, Report::Mi(0, vec![pair]));
        r.report(0, Report::Pending(1));
        r.report(0, Report::Mi(1, vec![pair]));
        assert!(r.seeds[0].pending.is_empty());
        r.apply(Event::Epoch {
            seed: 0,
            record: epoch(1),
        });
        let mut last = r.seeds[0].record.clone();
        last.ixt = vec![vec![], vec![]];
        last.ity = vec![vec![], vec![]];
        last.status = Status::Done;
        r.apply(Event::Finished {
            seed: 0,
            record: last,
        });
        let s = &r.seeds[0];
        assert!(s.is_settled());
        assert_eq!(s.record.ixt, vec![vec![1.5], vec![1.5]]);
        assert_eq!(s.record.ity, vec![vec![0.25], vec![0.25]]);
        // Control: MI nobody deferred is not taken in.
        let mut r = Runs::queued(Params::default());
        r.report(0, Report::Mi(0, vec![pair]));
        r.apply(Event::Epoch {
            seed: 0,
            record: epoch(0),
        });
        assert_eq!(r.seeds[0].record.ixt, vec![Vec::<f64>::new()]);
    }

    #[test]
    fn a_record_round_trips_through_the_run_state() {
        let mut p = Params::default();
        p.set("preset", "idnns-relu").unwrap();
        p.set("epochs", "10").unwrap();
        let mut r = Runs::queued(p.clone());
        r.apply(Event::Started {
            seed: 0,
            logged: vec![],
            header: header(),
        });
        let rec = r.to_record().unwrap();
        assert_eq!(rec.query, "preset=idnns-relu&epochs=10");
        let (back, errors) = Runs::from_record(rec);
        assert!(errors.is_empty());
        assert_eq!(back.params, Some(p));
        assert_eq!(back.total_epochs(), 10);
        let mut bad = r.to_record().unwrap();
        bad.query = "epochs=x&bogus=1".into();
        let (_, errors) = Runs::from_record(bad);
        let names: Vec<_> = errors.iter().map(|e| e.param.as_str()).collect();
        assert_eq!(names, ["epochs", "bogus"]);
    }
}

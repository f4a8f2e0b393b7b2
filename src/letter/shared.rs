//! Runs shared between cards. Several cards judge the same experiment (the
//! IDNNs defaults over four seeds serve six of them): runs are
//! deterministic, so an experiment is computed once per page and every card
//! whose inputs name it shows the same records, each with its own figures
//! and verdict.

use crate::runs::{RunState, Runs};
use crate::session::Session;
use infoplane_core::params::Params;
use infoplane_core::record::Status;
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What names an experiment here: every experiment parameter's canonical
/// value, whatever preset they came from (so `preset=idnns-default` and
/// the table's defaults are one experiment), view parameters left out.
pub fn key(p: &Params) -> String {
    p.iter()
        .filter(|(s, _)| s.group.is_experiment() && s.name != "preset")
        .map(|(s, v)| format!("{}={v}", s.name))
        .collect::<Vec<_>>()
        .join("&")
}

/// One experiment's runs and when they started and ended (page clock, ms).
#[derive(Clone, Copy)]
pub struct Shared {
    /// The session computing (or holding) the runs.
    pub session: Session,
    /// When the last start was asked for.
    pub started: RwSignal<Option<f64>>,
    /// When it ended (done, stopped or failed).
    pub ended: RwSignal<Option<f64>>,
    /// The numbers of the cards showing it.
    pub cards: RwSignal<BTreeSet<usize>>,
}

/// The same experiment's runs (each has its own signals).
impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        self.started == other.started
    }
}

impl Shared {
    /// Whether it holds a complete run: every seed done (nothing to redo).
    pub fn complete(&self) -> bool {
        let done = |r: &Runs| {
            r.state() == RunState::Done && r.seeds.iter().all(|s| s.ended == Some(Status::Done))
        };
        match self
            .session
            .sweep
            .with_untracked(|s| s.as_ref().map(|s| s.points.iter().all(done)))
        {
            Some(sweep_done) => sweep_done,
            None => self.session.runs.with_untracked(done),
        }
    }

    /// Starts `params` unless a complete run of it is here already or it is
    /// running.
    pub fn start(&self, params: Params) {
        let state = self.session.state_untracked();
        if self.complete() || state.is_busy() {
            return;
        }
        self.started.set(Some(crate::browser::now_ms()));
        self.ended.set(None);
        self.session.start(params, None);
    }

    /// Notes the end (once) and frees the workers, keeping the records.
    pub fn finish(&self) {
        if self.started.get_untracked().is_some() && self.ended.get_untracked().is_none() {
            self.ended.set(Some(crate::browser::now_ms()));
        }
        if self.session.sweep.with_untracked(Option::is_some) {
            self.session.release();
        } else {
            self.session.show(self.session.runs.get_untracked());
        }
    }
}

/// The page's experiments, by [`key`]. Sessions are created under the
/// page's owner, so they live as long as the page, whichever card asked first.
#[derive(Clone, Copy)]
pub struct Registry {
    owner: StoredValue<Owner, LocalStorage>,
    entries: StoredValue<BTreeMap<String, Shared>, LocalStorage>,
}

impl Registry {
    /// A registry owned by the current reactive owner (the page).
    pub fn new() -> Self {
        Registry {
            owner: StoredValue::new_local(Owner::current().unwrap_or_default()),
            entries: StoredValue::new_local(BTreeMap::new()),
        }
    }

    /// The shared runs of `params`, created idle on first use.
    pub fn get(&self, params: &Params) -> Shared {
        let k = key(params);
        if let Some(s) = self.entries.with_value(|m| m.get(&k).copied()) {
            return s;
        }
        let s = self.owner.with_value(|o| {
            o.with(|| Shared {
                session: Session::new(),
                started: RwSignal::new(None),
                ended: RwSignal::new(None),
                cards: RwSignal::new(BTreeSet::new()),
            })
        });
        self.entries.update_value(|m| {
            m.insert(k, s);
        });
        s
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_experiment_one_key() {
        let q = |s: &str| Params::from_query(s, &[]).params;
        // A preset and its values typed out are the same experiment.
        assert_eq!(key(&q("preset=idnns-default")), key(&q("")));
        assert_eq!(
            key(&q("preset=idnns-relu&seeds=4")),
            key(&q("activation=relu&seeds=4"))
        );
        // View parameters do not change the experiment; seeds and seed do.
        assert_eq!(
            key(&q("preset=idnns-default&plane=polylines&labels=original")),
            key(&q("preset=idnns-default"))
        );
        assert_ne!(key(&q("seeds=4")), key(&q("seeds=2")));
        assert_ne!(key(&q("seed=1")), key(&q("")));
        assert!(key(&q("")).contains("epochs=8000"));
        assert!(!key(&q("")).contains("preset"));
    }
}

//! SZT's stored 2017 run (`crates/infoplane-core/assets/szt_stored_run.json`,
//! served as `data/szt_stored_run.json`): fetched once per page when a
//! card or the lab first needs it, then shared. The stored-run card judges
//! and draws against it; the lab draws it beside runs of the
//! `szt-2017-stored-run` preset.

use infoplane_core::analysis::stored::StoredRun;
use infoplane_core::record::SeedRecord;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// Where the page finds the file (relative to the app's root, which is the
/// letter page's `<base>`).
pub const URL: &str = "data/szt_stored_run.json";

/// The preset whose runs are compared with the stored run.
pub const PRESET: &str = "szt-2017-stored-run";

/// Where the stored run stands on this page.
#[derive(Clone, Debug, Default)]
pub enum Stored {
    /// Not asked for yet.
    #[default]
    Idle,
    /// Being fetched.
    Loading,
    /// Read and checked.
    Loaded(Rc<StoredRun>),
    /// Could not be fetched or read (the reason names the file).
    Failed(String),
}

thread_local! {
    static STATE: RefCell<Stored> = const { RefCell::new(Stored::Idle) };
    static CHANGED: ArcTrigger = ArcTrigger::new();
}

/// The stored run's state, without subscribing.
pub fn state() -> Stored {
    STATE.with(|s| s.borrow().clone())
}

/// Subscribes the running effect or memo to the state's changes.
pub fn track() {
    CHANGED.with(|t| t.track());
}

fn set(s: Stored) {
    STATE.with(|st| *st.borrow_mut() = s);
    CHANGED.with(|t| t.notify());
}

/// Starts fetching the file unless it is loaded or on its way (a failed
/// fetch is retried on the next call).
pub fn ensure_loaded() {
    if matches!(state(), Stored::Loading | Stored::Loaded(_)) {
        return;
    }
    // Only a browser can fetch; natively (tests) the run stays unloaded.
    if !cfg!(target_arch = "wasm32") {
        return;
    }
    set(Stored::Loading);
    leptos::task::spawn_local(async {
        let got = crate::browser::fetch_text(URL)
            .await
            .and_then(|text| StoredRun::from_json(&text).map_err(|e| format!("{URL}: {e}")));
        set(match got {
            Ok(run) => Stored::Loaded(Rc::new(run)),
            Err(e) => Stored::Failed(e),
        });
    });
}

/// The stored run as a record the figures can draw: its mean over the 20
/// repeats at every logged epoch (I(X;T), I(T;Y); nothing else was kept).
pub fn mean_record(run: &StoredRun) -> SeedRecord {
    let mut r = SeedRecord::new(0);
    r.epochs = run.epochs.clone();
    r.ixt = run.ixt_mean.clone();
    r.ity = run.ity_mean.clone();
    r.status = infoplane_core::record::Status::Done;
    r
}

/// The stored run's mean as the lab's extra plane panel, when `runs` are
/// of the stored run's preset (asks for the file the first time; `None`
/// until it is loaded).
pub fn lab_series(runs: &crate::runs::Runs) -> Option<(SeedRecord, String)> {
    let preset = runs.params.as_ref()?.preset()?;
    if preset.name != PRESET {
        return None;
    }
    ensure_loaded();
    match state() {
        Stored::Loaded(run) => Some((mean_record(&run), title(&run))),
        _ => None,
    }
}

/// The name its panels carry.
pub fn title(run: &StoredRun) -> String {
    format!("SZT's stored run: mean of {} repeats", run.settings.repeats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_run_becomes_a_drawable_record() {
        let text = include_str!("../../crates/infoplane-core/assets/szt_stored_run.json");
        let run = StoredRun::from_json(text).unwrap();
        let r = mean_record(&run);
        // FACTS.md §5: 964 logged epochs from 0 to 9998, 7 layers (6 hidden
        // and the softmax), I(X;T) of the first layer at the first logged
        // epoch near the 12-bit ceiling of var_u's 4096 distinct rows.
        assert_eq!(r.epochs.len(), 964);
        assert_eq!((r.epochs[0], r.epochs[963]), (0, 9998));
        assert_eq!(r.ixt[0].len(), 7);
        assert_eq!(r.ity.len(), 964);
        assert!(r.ixt[0][0] > 11.0 && r.ixt[0][0] <= 12.0, "{}", r.ixt[0][0]);
        assert_eq!(title(&run), "SZT's stored run: mean of 20 repeats");
    }
}

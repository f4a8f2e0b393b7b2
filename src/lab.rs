//! The lab's shared state, provided by context: the parameters as edited
//! (the URL's whole state: experiment and view), the run session, and what
//! the page shows. The top of the page's state: it holds the session
//! (workers and runs) and the view state.

use crate::session::Session;
use crate::view::{Display, Subject};
use infoplane_core::data::Dataset;
use infoplane_core::params::{ParamError, Params};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything the components share, provided by context.
#[derive(Clone, Copy)]
pub struct Lab {
    /// The parameters as edited (always valid: invalid field text stays in
    /// `field_errors`); the URL mirrors them.
    pub params: RwSignal<Params>,
    /// Field name → (the text typed, why it is invalid).
    pub field_errors: RwSignal<BTreeMap<String, (String, String)>>,
    /// Dismissible notices (e.g. malformed URL parameters).
    pub notices: RwSignal<Vec<String>>,
    /// The run session: its runs and workers.
    pub session: Session,
    /// The reader's data set, read once from their file(s).
    pub custom: RwSignal<Option<Arc<Dataset>>>,
    /// The record the single-record figures show.
    pub subject: RwSignal<Subject>,
    /// What the page shows (fixed at load).
    pub display: StoredValue<Display>,
    /// True while training is paused because the embed is out of view or
    /// its tab is hidden (it resumes by itself).
    pub auto_paused: RwSignal<bool>,
    /// A heavy link's run, held back until the reader clicks "Run anyway".
    pub held: RwSignal<bool>,
    /// What another engine version made ("link"), that version, and the
    /// address of that version on this site once found, while the page
    /// says so.
    pub version_notice: RwSignal<Option<(&'static str, String, Option<String>)>>,
    /// The record a link asks to show (`record=URL`): loading, loaded or
    /// why not (ok, message).
    pub record_status: RwSignal<Option<(bool, String)>>,
    /// On narrow screens, whether the experiment form is shown.
    pub settings_open: RwSignal<bool>,
}

impl Lab {
    /// Fresh state for `params`, with `notices` about what the URL got wrong.
    pub fn new(params: Params, notices: Vec<ParamError>, display: Display) -> Self {
        Lab {
            params: RwSignal::new(params),
            field_errors: RwSignal::new(BTreeMap::new()),
            notices: RwSignal::new(notices.iter().map(|e| e.to_string()).collect()),
            session: Session::new(),
            custom: RwSignal::new(None),
            subject: RwSignal::new(Subject::Seed(0)),
            display: StoredValue::new(display),
            auto_paused: RwSignal::new(false),
            held: RwSignal::new(false),
            version_notice: RwSignal::new(None),
            record_status: RwSignal::new(None),
            settings_open: RwSignal::new(false),
        }
    }
}

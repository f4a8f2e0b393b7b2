//! The lab's shared state, provided by context: the parameters as edited
//! (the URL's whole state: experiment and view), the run session, and what
//! the page shows. The top of the page's state: it holds the session
//! (workers and runs) and the view state.

use crate::protocol::CustomData;
use crate::session::Session;
use crate::view::{Display, Subject};
use infoplane_core::data::DatasetInfo;
use infoplane_core::params::{ParamError, Params};
use leptos::prelude::*;
use std::collections::BTreeMap;

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
    /// The reader's data file, if any, and what it holds.
    pub custom: RwSignal<Option<(CustomData, DatasetInfo)>>,
    /// The record the single-record figures show.
    pub subject: RwSignal<Subject>,
    /// What the page shows (fixed at load).
    pub display: StoredValue<Display>,
    /// True while training is paused because the embed is out of view or
    /// its tab is hidden (it resumes by itself).
    pub auto_paused: RwSignal<bool>,
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
        }
    }
}

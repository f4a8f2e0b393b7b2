//! Messages between the page and its training workers. Only the core's
//! [`Event`] stream crosses, plus control messages; the worker forwards
//! events and holds no logic of its own.

use infoplane_core::data::{self, Dataset};
use infoplane_core::run::Event;
use serde::{Deserialize, Serialize};

/// A data file the reader chose (read in the browser, never uploaded).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomData {
    /// A CSV: numeric features, the last column the class.
    Csv {
        /// File name.
        name: String,
        /// File text.
        text: String,
    },
    /// MNIST-style IDX images and labels files.
    Idx {
        /// Name shown to users.
        name: String,
        /// The images file's bytes.
        #[serde(with = "serde_bytes")]
        images: Vec<u8>,
        /// The labels file's bytes.
        #[serde(with = "serde_bytes")]
        labels: Vec<u8>,
    },
}

impl CustomData {
    /// Parses the file(s) into a data set; the error names the line, column
    /// or header field at fault.
    pub fn parse(&self) -> Result<Dataset, String> {
        match self {
            CustomData::Csv { name, text } => {
                data::parse_csv(name, text).map_err(|e| format!("{name}: {e}"))
            }
            CustomData::Idx {
                name,
                images,
                labels,
            } => data::parse_idx(name, images, labels).map_err(|e| format!("{name}: {e}")),
        }
    }
}

/// Page → worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// Run the experiment named by `query` with seed `seed`.
    Start {
        /// The experiment's query string (the parameter table's names).
        query: String,
        /// The seed to run.
        seed: u64,
        /// The reader's data, when `dataset=custom`.
        data: Option<CustomData>,
    },
    /// Stop advancing at the next epoch boundary.
    Pause,
    /// Continue after a pause.
    Resume,
    /// While paused, train exactly one epoch.
    Step,
    /// End the run now; the record keeps the epochs logged so far.
    Stop,
}

/// Worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is initialised and it accepts messages.
    Ready,
    /// Events of the run since the last message, in order.
    Events {
        /// The events.
        events: Vec<Event>,
    },
    /// The run could not start (bad parameters or data).
    Error {
        /// What is wrong, naming the parameter or file position.
        message: String,
    },
}

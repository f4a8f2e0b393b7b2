//! The view state: which figures the page shows and how (the embed's
//! choice of figures and hidden controls, the record the single-record
//! figures show). How each figure is drawn (plane style, colours, labels,
//! gradient definition) is part of the parameters: the core's
//! [`View`](infoplane_core::view::View).

/// The figures of the lab, by the names `view=` and exports use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FigureKind {
    /// Information plane grid (seeds and their mean).
    Plane,
    /// Gradient mean and std.
    Gradients,
    /// Gradient SNR.
    Snr,
    /// Loss and accuracy.
    Loss,
    /// Weight norms.
    Norms,
    /// I(X;T) and class clustering against epoch (`clustering=on`).
    Clustering,
}

impl FigureKind {
    /// Every figure, in page order.
    pub const ALL: [FigureKind; 6] = [
        FigureKind::Plane,
        FigureKind::Gradients,
        FigureKind::Snr,
        FigureKind::Loss,
        FigureKind::Norms,
        FigureKind::Clustering,
    ];

    /// Its name in `view=` and in file names.
    pub fn name(self) -> &'static str {
        match self {
            FigureKind::Plane => "plane",
            FigureKind::Gradients => "gradients",
            FigureKind::Snr => "snr",
            FigureKind::Loss => "loss",
            FigureKind::Norms => "norms",
            FigureKind::Clustering => "clustering",
        }
    }

    /// The figure called `name`.
    pub fn from_name(name: &str) -> Option<FigureKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The lab's canvas element id.
    pub fn canvas_id(self) -> String {
        format!("fig-{}", self.name())
    }
}

/// What the page shows: the full lab, or an embed of some figures, and
/// which controls are hidden (`embed=1`, `view=`, `hide=`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Display {
    /// Embedded: figures (and a compact run bar) only, with a link to the full lab.
    pub embed: bool,
    /// The figures shown (all when empty).
    pub figures: Vec<FigureKind>,
    /// Hidden controls (names from [`Display::HIDEABLE`]).
    pub hidden: Vec<&'static str>,
}

impl Display {
    /// Controls `hide=` can name.
    pub const HIDEABLE: &'static [&'static str] = &[
        "header", "sidebar", "runbar", "options", "export", "captions", "record", "link",
    ];

    /// Whether figure `kind` is shown.
    pub fn shows(&self, kind: FigureKind) -> bool {
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

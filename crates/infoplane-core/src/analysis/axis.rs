//! Where a value reads on a log axis whose labels may not match its ticks:
//! IDNNs' gradient figure puts ticks at 10^-3 … 10^1 but hands matplotlib
//! six hard-coded labels starting at "10^-4", which it assigns to the ticks
//! in order (FACTS.md §4). A value is read by its log position between its
//! two neighbouring ticks, mapped onto those ticks' labels.

use super::seeds::{tally, Judged, LayerTally};
use super::{column, grad_series, layers};
use crate::gradients::GradDefinition;
use crate::record::SeedRecord;

/// A log axis: tick positions, the labels they carry (as powers of ten)
/// and the plotted range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelledAxis {
    /// Tick positions, ascending, as powers of ten.
    pub ticks: &'static [i32],
    /// Labels handed to the plot, as powers of ten, assigned to the ticks
    /// in order (extra labels are unused).
    pub labels: &'static [i32],
    /// The plotted range (values outside are cut off).
    pub limits: (f64, f64),
}

/// IDNNs' gradient figure: y ticks at 10^-3, …, 10^1 labelled "10^-4", …,
/// "10^0" ("10^1", the sixth label, has no tick), y limits [0.001, 10].
pub const IDNNS_GRADIENT_AXIS: LabelledAxis = LabelledAxis {
    ticks: &[-3, -2, -1, 0, 1],
    labels: &[-4, -3, -2, -1, 0, 1],
    limits: (1e-3, 10.0),
};

/// Where a value sits on a [`LabelledAxis`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AxisReading {
    /// The value plotted.
    pub value: f64,
    /// The ticks below and above it (powers of ten; equal at a tick).
    pub ticks: (i32, i32),
    /// The labels those ticks carry.
    pub labels: (i32, i32),
    /// What the labels make it read: 10^(label below + position · (label
    /// above − label below)), position = its log position between the ticks.
    pub reads_as: f64,
}

impl AxisReading {
    /// Whether it reads as less than the label 10^`label`.
    pub fn reads_below(&self, label: i32) -> bool {
        self.reads_as < libm::pow(10.0, f64::from(label))
    }

    /// Whether the labels misstate it (reads differ from the value by more
    /// than 1 %).
    pub fn misread(&self) -> bool {
        (self.reads_as / self.value - 1.0).abs() > 0.01
    }
}

impl LabelledAxis {
    /// Whether `value` lies within the plotted range.
    pub fn within_limits(&self, value: f64) -> bool {
        value >= self.limits.0 && value <= self.limits.1
    }

    /// The reading of `value`; `None` unless it is positive, finite and
    /// between the first and last tick (elsewhere nothing labels it).
    pub fn reading(&self, value: f64) -> Option<AxisReading> {
        if !(value.is_finite() && value > 0.0) {
            return None;
        }
        let x = libm::log10(value);
        // The tick interval [k, k + 1] holding x (the last tick closes the last one).
        let k = (0..self.ticks.len().saturating_sub(1))
            .find(|&k| f64::from(self.ticks[k]) <= x && x <= f64::from(self.ticks[k + 1]))?;
        let (lo, hi) = (self.ticks[k], self.ticks[k + 1]);
        let (llo, lhi) = (*self.labels.get(k)?, *self.labels.get(k + 1)?);
        let pos = (x - f64::from(lo)) / f64::from(hi - lo);
        Some(AxisReading {
            value,
            ticks: (lo, hi),
            labels: (llo, lhi),
            reads_as: libm::pow(10.0, f64::from(llo) + pos * f64::from(lhi - llo)),
        })
    }
}

/// The letter's example: the last layer's "std" of definition `def` at
/// the first plotted epoch, i.e. the first logged epoch with a positive
/// finite value (a log axis cannot show others), as `(epoch, value)` with
/// the epoch as plotted: index + 1.
pub fn last_layer_first_std(rec: &SeedRecord, def: GradDefinition) -> Option<(usize, f64)> {
    let g = grad_series(rec, def);
    let last = layers(&g.std).checked_sub(1)?;
    rec.epochs
        .iter()
        .zip(column(&g.std, last))
        .find(|(_, v)| v.is_finite() && *v > 0.0)
        .map(|(e, v)| (e + 1, v))
}

/// Of the finite "mean" and "std" values of definition `def`, how many lie
/// within the axis's limits, of how many.
pub fn within_limits(rec: &SeedRecord, def: GradDefinition, axis: &LabelledAxis) -> (usize, usize) {
    let g = grad_series(rec, def);
    let finite = || {
        g.mean
            .iter()
            .chain(&g.std)
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
    };
    (
        finite().filter(|v| axis.within_limits(*v)).count(),
        finite().count(),
    )
}

/// The label the letter says its example value (0.49) appeared below: 10^-1.
pub const LETTER_LABEL: i32 = -1;

/// One seed's reading of the letter's example.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExampleReading {
    /// The seed.
    pub seed: u64,
    /// The first plotted epoch (index + 1).
    pub epoch: usize,
    /// Where the value reads.
    pub reading: AxisReading,
}

impl Judged for ExampleReading {
    /// Reads below the label [`LETTER_LABEL`], as the letter found.
    fn shows(&self) -> bool {
        self.reading.reads_below(LETTER_LABEL)
    }
    /// The value plotted.
    fn key(&self) -> f64 {
        self.reading.value
    }
}

/// The letter's example in every seed (`None` where the value is off the
/// axis's ticks or missing), and the tally: seeds in which it reads below
/// [`LETTER_LABEL`], of those read, with the spread of the value.
pub fn letters_example(
    recs: &[&SeedRecord],
    def: GradDefinition,
    axis: &LabelledAxis,
) -> (Vec<Option<ExampleReading>>, LayerTally) {
    let per: Vec<Option<ExampleReading>> = recs
        .iter()
        .map(|r| {
            let (epoch, v) = last_layer_first_std(r, def)?;
            Some(ExampleReading {
                seed: r.seed,
                epoch,
                reading: axis.reading(v)?,
            })
        })
        .collect();
    let last = recs
        .iter()
        .map(|r| layers(&grad_series(r, def).std))
        .max()
        .unwrap_or(0)
        .saturating_sub(1);
    let one: Vec<Vec<Option<ExampleReading>>> = per.iter().map(|x| vec![*x]).collect();
    let mut t = tally(&one).into_iter().next().unwrap_or(LayerTally {
        layer: 0,
        showing: 0,
        measured: 0,
        seeds: recs.len(),
        key: None,
    });
    t.layer = last;
    (per, t)
}

//! Epoch-boundary checkpoints of a [`Trainer`](crate::train::Trainer) and
//! the small binary codec they (and [`MiJob`](crate::mi_job::MiJob)s) use.
//!
//! # Format (version 1), all little-endian
//!
//! ```text
//! magic "IPCK", u32 version
//! u64 config fingerprint, u64 seed, u64 epochs of the run
//! u64 next epoch, u64 next logged index
//! u32 layers, then per layer u32 n_in, u32 n_out
//! f32[] parameters: per layer w (n_out·n_in, row-major), then b (n_out)
//! u64 optimizer steps, u8 optimizer (0 sgd, 1 adam)
//!   adam: f32 β1^t, f32 β2^t, f32[] m, f32[] v (laid out as the parameters)
//! u64[4] batch-order RNG state, u64[4] ibsgd gradient-rows RNG state
//! u32[] row order
//! u8 run range (0 none, 1 present)
//!   present: f32 lo, f32 hi, u64 snapshots, each an f32[] of parameters
//! ```
//!
//! `T[]` is a u64 element count followed by the elements. Every count read
//! from bytes is converted with checked arithmetic (wasm32's `usize` has 32
//! bits) and checked against the bytes left before anything is allocated,
//! so malformed input gives an error, never a panic or a huge allocation.

use crate::params::ParamError;
use std::fmt;

/// Bytes that are not a well-formed checkpoint or MI job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset where decoding stopped.
    pub offset: usize,
    /// What was wrong there.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Why a checkpoint could not be read or resumed.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckpointError {
    /// The bytes are not a well-formed checkpoint of this version.
    Malformed(DecodeError),
    /// Well-formed, but not a state of this run (configuration, data
    /// shape or record differ); says what differs.
    Mismatch(String),
    /// The configuration does not fit the data.
    Config(ParamError),
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::Malformed(e) => write!(f, "not a valid checkpoint: {e}"),
            CheckpointError::Mismatch(m) => write!(f, "the checkpoint does not fit this run: {m}"),
            CheckpointError::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CheckpointError {}

impl From<DecodeError> for CheckpointError {
    fn from(e: DecodeError) -> Self {
        CheckpointError::Malformed(e)
    }
}

impl From<ParamError> for CheckpointError {
    fn from(e: ParamError) -> Self {
        CheckpointError::Config(e)
    }
}

/// Magic of a checkpoint.
pub(crate) const CHECKPOINT_MAGIC: &[u8; 4] = b"IPCK";
/// Version of the checkpoint format.
pub(crate) const CHECKPOINT_VERSION: u32 = 1;

/// Appends little-endian values to a byte vector (the format every binary
/// codec of the crate shares: checkpoints, MI jobs, data sets, messages).
#[derive(Default)]
pub struct Writer {
    /// The bytes written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    pub fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }

    pub fn f32(&mut self, v: f32) {
        self.bytes(&v.to_le_bytes());
    }

    /// Count, then the values (one resize and a copy loop LLVM turns into
    /// wide moves; as fast as an unsafe byte copy, measured).
    pub fn f32s(&mut self, v: &[f32]) {
        self.usize(v.len());
        let start = self.buf.len();
        self.buf.resize(start + 4 * v.len(), 0);
        for (d, x) in self.buf[start..].chunks_exact_mut(4).zip(v) {
            d.copy_from_slice(&x.to_le_bytes());
        }
    }

    pub fn u32s(&mut self, v: &[u32]) {
        self.usize(v.len());
        let start = self.buf.len();
        self.buf.resize(start + 4 * v.len(), 0);
        for (d, x) in self.buf[start..].chunks_exact_mut(4).zip(v) {
            d.copy_from_slice(&x.to_le_bytes());
        }
    }

    pub fn str(&mut self, s: &str) {
        self.usize(s.len());
        self.bytes(s.as_bytes());
    }

    /// An f64 by its bits (NaN and −0 kept).
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// Count, then the f64s.
    pub fn f64s(&mut self, v: &[f64]) {
        self.usize(v.len());
        for &x in v {
            self.f64(x);
        }
    }

    /// Count, then the bytes.
    pub fn byte_vec(&mut self, v: &[u8]) {
        self.usize(v.len());
        self.bytes(v);
    }
}

/// Reads what [`Writer`] wrote, checking every length.
pub struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Reader { b, pos: 0 }
    }

    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError {
            offset: self.pos,
            message: message.into(),
        }
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], DecodeError> {
        let left = self.b.len() - self.pos;
        if n > left {
            return Err(self.error(format!("{what} needs {n} bytes, {left} left")));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Checks the 4-byte magic and the version.
    pub fn header(&mut self, magic: &[u8; 4], version: u32) -> Result<(), DecodeError> {
        let m = self.take(4, "the magic")?;
        if m != magic {
            self.pos -= 4;
            return Err(self.error(format!(
                "expected magic {:?}",
                String::from_utf8_lossy(magic)
            )));
        }
        let v = self.u32("the version")?;
        if v != version {
            return Err(self.error(format!("version {v} is not supported (expected {version})")));
        }
        Ok(())
    }

    pub fn u8(&mut self, what: &str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    pub fn u32(&mut self, what: &str) -> Result<u32, DecodeError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self, what: &str) -> Result<u64, DecodeError> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A u64 that must fit this platform's `usize`.
    pub fn usize(&mut self, what: &str) -> Result<usize, DecodeError> {
        let v = self.u64(what)?;
        usize::try_from(v).map_err(|_| self.error(format!("{what} ({v}) is too large")))
    }

    pub fn f32(&mut self, what: &str) -> Result<f32, DecodeError> {
        Ok(f32::from_bits(self.u32(what)?))
    }

    /// A count of `size`-byte elements, checked against the bytes left.
    fn count(&mut self, size: usize, what: &str) -> Result<usize, DecodeError> {
        let n = self.usize(what)?;
        let left = self.b.len() - self.pos;
        match n.checked_mul(size) {
            Some(bytes) if bytes <= left => Ok(n),
            _ => Err(self.error(format!(
                "{what}: {n} elements of {size} bytes do not fit in the {left} bytes left"
            ))),
        }
    }

    /// An f32 array; `expect` (if given) is the length it must have.
    pub fn f32s(&mut self, expect: Option<usize>, what: &str) -> Result<Vec<f32>, DecodeError> {
        let n = self.count(4, what)?;
        if let Some(e) = expect.filter(|&e| e != n) {
            return Err(self.error(format!("{what} has {n} values, expected {e}")));
        }
        let b = self.take(4 * n, what)?;
        Ok(b.chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    pub fn u32s(&mut self, what: &str) -> Result<Vec<u32>, DecodeError> {
        let n = self.count(4, what)?;
        let b = self.take(4 * n, what)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// An f64 by its bits.
    pub fn f64(&mut self, what: &str) -> Result<f64, DecodeError> {
        Ok(f64::from_bits(self.u64(what)?))
    }

    /// Count, then the f64s (the count checked against the bytes left).
    pub fn f64s(&mut self, what: &str) -> Result<Vec<f64>, DecodeError> {
        let n = self.count(8, what)?;
        let b = self.take(8 * n, what)?;
        Ok(b.chunks_exact(8)
            .map(|c| {
                let mut a = [0u8; 8];
                a.copy_from_slice(c);
                f64::from_bits(u64::from_le_bytes(a))
            })
            .collect())
    }

    /// Count, then the bytes.
    pub fn byte_vec(&mut self, what: &str) -> Result<Vec<u8>, DecodeError> {
        let n = self.count(1, what)?;
        Ok(self.take(n, what)?.to_vec())
    }

    /// A count of items of at least `min_size` bytes each, checked against
    /// the bytes left (so a forged count cannot make a huge allocation).
    pub fn items(&mut self, min_size: usize, what: &str) -> Result<usize, DecodeError> {
        self.count(min_size.max(1), what)
    }

    pub fn string(&mut self, what: &str) -> Result<String, DecodeError> {
        let n = self.count(1, what)?;
        let b = self.take(n, what)?;
        String::from_utf8(b.to_vec()).map_err(|_| self.error(format!("{what} is not UTF-8")))
    }

    /// Fails unless every byte was read.
    pub fn end(&self) -> Result<(), DecodeError> {
        let left = self.b.len() - self.pos;
        if left == 0 {
            Ok(())
        } else {
            Err(self.error(format!("{left} bytes after the end")))
        }
    }
}

/// Shape of one dense layer in a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LayerShape {
    pub(crate) n_in: usize,
    pub(crate) n_out: usize,
}

/// Adam's part of a checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AdamPart {
    pub(crate) beta1_power: f32,
    pub(crate) beta2_power: f32,
    pub(crate) m: Vec<f32>,
    pub(crate) v: Vec<f32>,
}

/// `range=run`'s part of a checkpoint.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RunRangePart {
    pub(crate) lo: f32,
    pub(crate) hi: f32,
    pub(crate) snapshots: Vec<Vec<f32>>,
}

/// Everything a [`Trainer`](crate::train::Trainer) carries from one epoch
/// to the next, except the data set and the seed's record (which the
/// caller keeps): made by [`Trainer::checkpoint`](crate::train::Trainer::checkpoint),
/// continued by [`Trainer::resume`](crate::train::Trainer::resume). The
/// continuation is bit-identical to the uninterrupted run.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub(crate) fingerprint: u64,
    pub(crate) seed: u64,
    pub(crate) epochs: usize,
    pub(crate) epoch: usize,
    pub(crate) next_log: usize,
    pub(crate) shapes: Vec<LayerShape>,
    /// Per layer `w` then `b`, concatenated.
    pub(crate) params: Vec<f32>,
    pub(crate) steps: u64,
    pub(crate) adam: Option<AdamPart>,
    pub(crate) batch_rng: [u64; 4],
    pub(crate) grad_rng: [u64; 4],
    pub(crate) order: Vec<u32>,
    pub(crate) run_range: Option<RunRangePart>,
}

impl Checkpoint {
    /// The next epoch the resumed trainer trains.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// Logged epochs completed so far (the record's length).
    pub fn logged_so_far(&self) -> usize {
        self.next_log
    }

    /// The seed of the run.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Number of weights and biases of the network.
    fn n_params(shapes: &[LayerShape]) -> Option<usize> {
        shapes.iter().try_fold(0usize, |acc, s| {
            s.n_in
                .checked_mul(s.n_out)?
                .checked_add(s.n_out)?
                .checked_add(acc)
        })
    }

    /// The checkpoint in the binary format described in the module docs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let floats = self.params.len()
            + self.adam.as_ref().map_or(0, |a| a.m.len() + a.v.len())
            + self
                .run_range
                .as_ref()
                .map_or(0, |r| r.snapshots.iter().map(Vec::len).sum());
        let mut w = Writer::with_capacity(256 + 4 * floats + 4 * self.order.len());
        w.bytes(CHECKPOINT_MAGIC);
        w.u32(CHECKPOINT_VERSION);
        w.u64(self.fingerprint);
        w.u64(self.seed);
        w.usize(self.epochs);
        w.usize(self.epoch);
        w.usize(self.next_log);
        w.u32(self.shapes.len() as u32);
        for s in &self.shapes {
            w.u32(s.n_in as u32);
            w.u32(s.n_out as u32);
        }
        w.f32s(&self.params);
        w.u64(self.steps);
        match &self.adam {
            None => w.u8(0),
            Some(a) => {
                w.u8(1);
                w.f32(a.beta1_power);
                w.f32(a.beta2_power);
                w.f32s(&a.m);
                w.f32s(&a.v);
            }
        }
        for v in self.batch_rng.iter().chain(&self.grad_rng) {
            w.u64(*v);
        }
        w.u32s(&self.order);
        match &self.run_range {
            None => w.u8(0),
            Some(r) => {
                w.u8(1);
                w.f32(r.lo);
                w.f32(r.hi);
                w.usize(r.snapshots.len());
                for s in &r.snapshots {
                    w.f32s(s);
                }
            }
        }
        w.buf
    }

    /// Reads [`Checkpoint::to_bytes`]'s output. Malformed or truncated
    /// bytes give an error saying where; whether the checkpoint fits a run
    /// is checked by [`Trainer::resume`](crate::train::Trainer::resume).
    pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, CheckpointError> {
        let mut r = Reader::new(bytes);
        r.header(CHECKPOINT_MAGIC, CHECKPOINT_VERSION)?;
        let fingerprint = r.u64("the fingerprint")?;
        let seed = r.u64("the seed")?;
        let epochs = r.usize("the epoch count")?;
        let epoch = r.usize("the next epoch")?;
        let next_log = r.usize("the logged count")?;
        if epoch > epochs || next_log > epoch {
            return Err(r
                .error(format!(
                    "epoch {epoch} and {next_log} logged epochs do not fit a run of {epochs} epochs"
                ))
                .into());
        }
        let n_layers = r.u32("the layer count")? as usize;
        // Each layer's shape takes 8 bytes: bound the count by the bytes left.
        if n_layers == 0 || n_layers > bytes.len() / 8 {
            return Err(r.error(format!("{n_layers} layers")).into());
        }
        let mut shapes = Vec::with_capacity(n_layers);
        for _ in 0..n_layers {
            let n_in = r.u32("a layer's inputs")? as usize;
            let n_out = r.u32("a layer's units")? as usize;
            if n_in == 0 || n_out == 0 {
                return Err(r.error("a layer with no inputs or units").into());
            }
            if let Some(prev) = shapes.last().map(|s: &LayerShape| s.n_out) {
                if prev != n_in {
                    return Err(r
                        .error(format!(
                            "a layer of {n_in} inputs follows one of {prev} units"
                        ))
                        .into());
                }
            }
            shapes.push(LayerShape { n_in, n_out });
        }
        let n_params =
            Self::n_params(&shapes).ok_or_else(|| r.error("the network's size overflows"))?;
        let params = r.f32s(Some(n_params), "the parameters")?;
        let steps = r.u64("the step count")?;
        let adam = match r.u8("the optimizer tag")? {
            0 => None,
            1 => Some(AdamPart {
                beta1_power: r.f32("β1^t")?,
                beta2_power: r.f32("β2^t")?,
                m: r.f32s(Some(n_params), "Adam's m")?,
                v: r.f32s(Some(n_params), "Adam's v")?,
            }),
            t => return Err(r.error(format!("optimizer tag {t}")).into()),
        };
        let mut states = [[0u64; 4]; 2];
        for s in &mut states {
            for v in s.iter_mut() {
                *v = r.u64("an RNG state")?;
            }
            if *s == [0; 4] {
                return Err(r.error("an all-zero RNG state").into());
            }
        }
        let order = r.u32s("the row order")?;
        let run_range = match r.u8("the run-range tag")? {
            0 => None,
            1 => {
                let lo = r.f32("the run's minimum")?;
                let hi = r.f32("the run's maximum")?;
                let n = r.usize("the snapshot count")?;
                // Each snapshot takes at least its 8-byte count.
                if n > bytes.len() / 8 {
                    return Err(r.error(format!("{n} snapshots")).into());
                }
                let mut snapshots = Vec::with_capacity(n);
                for _ in 0..n {
                    snapshots.push(r.f32s(Some(n_params), "a weight snapshot")?);
                }
                Some(RunRangePart { lo, hi, snapshots })
            }
            t => return Err(r.error(format!("run-range tag {t}")).into()),
        };
        r.end()?;
        Ok(Checkpoint {
            fingerprint,
            seed,
            epochs,
            epoch,
            next_log,
            shapes,
            params,
            steps,
            adam,
            batch_rng: states[0],
            grad_rng: states[1],
            order,
            run_range,
        })
    }
}

/// FNV-1a of a text (a configuration's fingerprint).
pub(crate) fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints how long 5 M weights (with Adam's moments) take to encode
    /// and decode: `cargo test --release -p infoplane-core -- --ignored
    /// --nocapture checkpoint_codec_speed`.
    #[test]
    #[ignore = "benchmark: prints figures"]
    fn checkpoint_codec_speed() {
        let n = 5_000_000;
        let ck = Checkpoint {
            fingerprint: 1,
            seed: 0,
            epochs: 10,
            epoch: 3,
            next_log: 3,
            shapes: vec![LayerShape {
                n_in: 4999,
                n_out: 1000,
            }],
            params: (0..n).map(|i| i as f32).collect(),
            steps: 9,
            adam: Some(AdamPart {
                beta1_power: 0.5,
                beta2_power: 0.9,
                m: vec![0.25; n],
                v: vec![0.5; n],
            }),
            batch_rng: [1; 4],
            grad_rng: [2; 4],
            order: (0..60_000).collect(),
            run_range: None,
        };
        // Best of 5 (the machine is shared), with a plain copy of the same
        // bytes as the yardstick.
        let (mut enc, mut dec, mut copy) = (f64::MAX, f64::MAX, f64::MAX);
        let mut bytes = Vec::new();
        for _ in 0..5 {
            let t = std::time::Instant::now();
            bytes = ck.to_bytes();
            enc = enc.min(t.elapsed().as_secs_f64());
            let t = std::time::Instant::now();
            let back = Checkpoint::from_bytes(&bytes).unwrap();
            dec = dec.min(t.elapsed().as_secs_f64());
            assert_eq!(back, ck);
            let t = std::time::Instant::now();
            std::hint::black_box(bytes.clone());
            copy = copy.min(t.elapsed().as_secs_f64());
        }
        println!(
            "checkpoint of 5 M weights + Adam ({} MB): encode {:.1} ms, decode {:.1} ms, plain copy {:.1} ms",
            bytes.len() / 1_000_000,
            enc * 1e3,
            dec * 1e3,
            copy * 1e3
        );
    }

    #[test]
    fn fnv1a_of_known_texts() {
        // FNV-1a 64 test vectors: "" is the offset basis, "a" is 0xaf63dc4c8601ec8c.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}

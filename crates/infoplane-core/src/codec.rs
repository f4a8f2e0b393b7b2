//! The event stream and records as bytes, for the messages between the
//! page and its Web Workers: exact (f64s by their bits, NaN kept), checked
//! when read (every count against the bytes left, so malformed bytes are an
//! error, never a panic), and much smaller in WebAssembly than a generic
//! serialiser. Little-endian, in the format of [`Writer`] / [`Reader`].

use crate::checkpoint::{DecodeError, Reader, Writer};
use crate::data::DatasetInfo;
use crate::estimators::MiPair;
use crate::gradients::GradDefinition;
use crate::record::{ClusteringSeries, EpochRecord, GradSeries, RunHeader, SeedRecord, Status};
use crate::run::Event;
use crate::sweep::SweepEvent;

/// A value with a binary form.
pub trait Codec: Sized {
    /// Appends the value.
    fn encode(&self, w: &mut Writer);
    /// Reads a value written by [`Codec::encode`].
    fn decode(r: &mut Reader) -> Result<Self, DecodeError>;

    /// The value alone as bytes.
    fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.encode(&mut w);
        w.buf
    }

    /// Reads bytes holding exactly one value.
    fn from_bytes(b: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(b);
        let v = Self::decode(&mut r)?;
        r.end()?;
        Ok(v)
    }
}

/// Appends a list: count, then each item.
pub fn encode_list<T: Codec>(w: &mut Writer, v: &[T]) {
    w.usize(v.len());
    v.iter().for_each(|x| x.encode(w));
}

/// Reads a list written by [`encode_list`]; `min_size` is the fewest bytes
/// an item takes (for the count check).
pub fn decode_list<T: Codec>(
    r: &mut Reader,
    min_size: usize,
    what: &str,
) -> Result<Vec<T>, DecodeError> {
    let n = r.items(min_size, what)?;
    (0..n).map(|_| T::decode(r)).collect()
}

fn grid(w: &mut Writer, g: &[Vec<f64>]) {
    w.usize(g.len());
    g.iter().for_each(|row| w.f64s(row));
}

fn read_grid(r: &mut Reader, what: &str) -> Result<Vec<Vec<f64>>, DecodeError> {
    let n = r.items(8, what)?;
    (0..n).map(|_| r.f64s(what)).collect()
}

fn usizes(w: &mut Writer, v: &[usize]) {
    w.usize(v.len());
    v.iter().for_each(|&x| w.usize(x));
}

fn read_usizes(r: &mut Reader, what: &str) -> Result<Vec<usize>, DecodeError> {
    let n = r.items(8, what)?;
    (0..n).map(|_| r.usize(what)).collect()
}

impl Codec for MiPair {
    fn encode(&self, w: &mut Writer) {
        w.f64(self.ixt);
        w.f64(self.ity);
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(MiPair {
            ixt: r.f64("ixt")?,
            ity: r.f64("ity")?,
        })
    }
}

impl Codec for EpochRecord {
    fn encode(&self, w: &mut Writer) {
        w.usize(self.epoch);
        for s in [
            &self.ixt,
            &self.ity,
            &self.grad_m,
            &self.grad_s,
            &self.wnorm,
        ] {
            w.f64s(s);
        }
        for v in [
            self.loss_train,
            self.loss_test,
            self.acc_train,
            self.acc_test,
        ] {
            w.f64(v);
        }
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(EpochRecord {
            epoch: r.usize("epoch")?,
            ixt: r.f64s("ixt")?,
            ity: r.f64s("ity")?,
            grad_m: r.f64s("grad_m")?,
            grad_s: r.f64s("grad_s")?,
            wnorm: r.f64s("wnorm")?,
            loss_train: r.f64("loss_train")?,
            loss_test: r.f64("loss_test")?,
            acc_train: r.f64("acc_train")?,
            acc_test: r.f64("acc_test")?,
        })
    }
}

fn status_code(s: Status) -> u8 {
    match s {
        Status::Running => 0,
        Status::Done => 1,
        Status::Stopped => 2,
        Status::Failed => 3,
    }
}

impl Codec for SeedRecord {
    fn encode(&self, w: &mut Writer) {
        w.u64(self.seed);
        w.u8(status_code(self.status));
        match &self.message {
            Some(m) => {
                w.u8(1);
                w.str(m);
            }
            None => w.u8(0),
        }
        w.f64(self.seconds);
        usizes(w, &self.epochs);
        for g in [
            &self.ixt,
            &self.ity,
            &self.grad_m,
            &self.grad_s,
            &self.wnorm,
        ] {
            grid(w, g);
        }
        for s in [
            &self.loss_train,
            &self.loss_test,
            &self.acc_train,
            &self.acc_test,
        ] {
            w.f64s(s);
        }
        w.usize(self.grad_stats.len());
        for (name, g) in &self.grad_stats {
            w.str(name);
            grid(w, &g.mean);
            grid(w, &g.std);
            grid(w, &g.snr);
        }
        match &self.clustering {
            Some(c) => {
                w.u8(1);
                for g in [
                    &c.within_distance,
                    &c.between_distance,
                    &c.within_cosine,
                    &c.between_cosine,
                ] {
                    grid(w, g);
                }
            }
            None => w.u8(0),
        }
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let seed = r.u64("seed")?;
        let status = match r.u8("status")? {
            0 => Status::Running,
            1 => Status::Done,
            2 => Status::Stopped,
            3 => Status::Failed,
            s => return Err(r.error(format!("status {s} is not one of 0..=3"))),
        };
        let message = match r.u8("message flag")? {
            0 => None,
            _ => Some(r.string("message")?),
        };
        let mut rec = SeedRecord::new(seed);
        rec.status = status;
        rec.message = message;
        rec.seconds = r.f64("seconds")?;
        rec.epochs = read_usizes(r, "epochs")?;
        rec.ixt = read_grid(r, "ixt")?;
        rec.ity = read_grid(r, "ity")?;
        rec.grad_m = read_grid(r, "grad_m")?;
        rec.grad_s = read_grid(r, "grad_s")?;
        rec.wnorm = read_grid(r, "wnorm")?;
        rec.loss_train = r.f64s("loss_train")?;
        rec.loss_test = r.f64s("loss_test")?;
        rec.acc_train = r.f64s("acc_train")?;
        rec.acc_test = r.f64s("acc_test")?;
        let n = r.items(8, "grad_stats")?;
        rec.grad_stats.clear();
        for _ in 0..n {
            let name = r.string("grad_stats name")?;
            if GradDefinition::from_name(&name).is_none() {
                return Err(r.error(format!("\"{name}\" is not a gradient definition")));
            }
            let g = GradSeries {
                mean: read_grid(r, "grad_stats mean")?,
                std: read_grid(r, "grad_stats std")?,
                snr: read_grid(r, "grad_stats snr")?,
            };
            rec.grad_stats.insert(name, g);
        }
        if r.u8("clustering flag")? != 0 {
            rec.clustering = Some(Box::new(ClusteringSeries {
                within_distance: read_grid(r, "clustering within_distance")?,
                between_distance: read_grid(r, "clustering between_distance")?,
                within_cosine: read_grid(r, "clustering within_cosine")?,
                between_cosine: read_grid(r, "clustering between_cosine")?,
            }));
        }
        Ok(rec)
    }
}

impl Codec for RunHeader {
    fn encode(&self, w: &mut Writer) {
        w.str(&self.dataset.name);
        w.usize(self.dataset.rows);
        w.usize(self.dataset.features);
        w.usize(self.dataset.classes);
        usizes(w, &self.layers);
        w.usize(self.mi_rows);
        w.f64(self.label_entropy);
        w.f64(self.max_ixt);
        w.usize(self.epochs);
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(RunHeader {
            dataset: DatasetInfo {
                name: r.string("dataset name")?,
                rows: r.usize("rows")?,
                features: r.usize("features")?,
                classes: r.usize("classes")?,
            },
            layers: read_usizes(r, "layers")?,
            mi_rows: r.usize("mi_rows")?,
            label_entropy: r.f64("label_entropy")?,
            max_ixt: r.f64("max_ixt")?,
            epochs: r.usize("epochs")?,
        })
    }
}

impl Codec for Event {
    fn encode(&self, w: &mut Writer) {
        match self {
            Event::Started {
                seed,
                logged,
                header,
            } => {
                w.u8(0);
                w.u64(*seed);
                usizes(w, logged);
                header.encode(w);
            }
            Event::Progress {
                seed,
                epoch,
                epochs,
                seconds,
            } => {
                w.u8(1);
                w.u64(*seed);
                w.usize(*epoch);
                w.usize(*epochs);
                w.f64(*seconds);
            }
            Event::Epoch { seed, record } => {
                w.u8(2);
                w.u64(*seed);
                record.encode(w);
            }
            Event::Finished { seed, record } => {
                w.u8(3);
                w.u64(*seed);
                record.encode(w);
            }
        }
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        let tag = r.u8("event")?;
        let seed = r.u64("seed")?;
        Ok(match tag {
            0 => Event::Started {
                seed,
                logged: read_usizes(r, "logged")?,
                header: RunHeader::decode(r)?,
            },
            1 => Event::Progress {
                seed,
                epoch: r.usize("epoch")?,
                epochs: r.usize("epochs")?,
                seconds: r.f64("seconds")?,
            },
            2 => Event::Epoch {
                seed,
                record: EpochRecord::decode(r)?,
            },
            3 => Event::Finished {
                seed,
                record: SeedRecord::decode(r)?,
            },
            t => return Err(r.error(format!("event {t} is not one of 0..=3"))),
        })
    }
}

impl Codec for SweepEvent {
    fn encode(&self, w: &mut Writer) {
        w.usize(self.point);
        self.event.encode(w);
    }
    fn decode(r: &mut Reader) -> Result<Self, DecodeError> {
        Ok(SweepEvent {
            point: r.usize("point")?,
            event: Event::decode(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::params::Params;
    use crate::run::run_seed;
    use std::sync::Arc;

    #[test]
    fn a_run_s_events_round_trip_bit_for_bit_and_bad_bytes_are_errors() {
        let mut p = Params::default();
        p.set("epochs", "30").unwrap();
        p.set("log_samples", "8").unwrap();
        let cfg = Config::from_params(&p).unwrap();
        let mut events = Vec::new();
        let mut rec = run_seed(
            &cfg,
            Arc::new(crate::data::var_u()),
            &mut |e| events.push(e),
            &|| false,
            &|| 0.0,
        )
        .unwrap();
        // A NaN and a message survive too.
        rec.ixt[0][1] = f64::NAN;
        rec.message = Some("stopped: ümlaut".into());
        events.push(Event::Finished {
            seed: 0,
            record: rec.clone(),
        });
        let mut w = Writer::default();
        encode_list(&mut w, &events);
        let bytes = w.buf;
        let mut r = Reader::new(&bytes);
        let back: Vec<Event> = decode_list(&mut r, 9, "events").unwrap();
        r.end().unwrap();
        assert_eq!(back.len(), events.len());
        let Some(Event::Finished { record, .. }) = back.last() else {
            panic!("the last event is Finished");
        };
        assert_eq!(record.digest(), rec.digest());
        assert!(record.ixt[0][1].is_nan());
        assert_eq!(record.message, rec.message);
        assert_eq!(record.grad_stats, rec.grad_stats);
        for (a, b) in back.iter().zip(&events) {
            if !matches!(a, Event::Finished { .. }) {
                assert_eq!(a, b);
            }
        }
        // Truncations and a forged count are errors, never panics.
        for cut in [0, 1, 9, bytes.len() / 2, bytes.len() - 1] {
            let mut r = Reader::new(&bytes[..cut]);
            assert!(
                decode_list::<Event>(&mut r, 9, "events").is_err(),
                "cut at {cut}"
            );
        }
        let mut forged = bytes.clone();
        forged[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode_list::<Event>(&mut Reader::new(&forged), 9, "events").is_err());
    }
}

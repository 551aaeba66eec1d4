//! Subchannel kept after each sector: NRG, MDS and CDI images may store
//! the 96 bytes of P-W a drive returns with every raw sector right after
//! it. [`SectorTails`] presents them as the rest of the program expects a
//! subchannel: one 96-byte record per address, the channels P to W
//! de-interleaved, 12 bytes each (the way CloneCD's `.sub` stores them).
//!
//! Sources: ECMA-130 §22.1 (the eight subchannels P-W, one bit of each in
//! every subcode symbol) and the MMC "raw P-W" read format: 96 bytes, byte
//! `i` carrying bit `i` of each channel, P in bit 7 and W in bit 0.

use std::sync::Arc;

use crate::error::Result;
use crate::io::ReadAt;
use crate::medium::{Extent, SourceFile};
use crate::units::Lba;

/// Bytes of subchannel per sector.
pub const TAIL_BYTES: u64 = 96;

/// One run of stored sectors whose tails are subchannel.
#[derive(Clone)]
struct Run {
    start: Lba,
    count: u64,
    reader: Arc<dyn ReadAt>,
    /// Byte offset of the first sector's tail.
    offset: u64,
    stride: u64,
}

/// The tails of a medium's stored sectors, one record per address from
/// the first stored sector to the last; addresses the image does not store
/// read as zeros.
#[derive(Clone)]
pub struct SectorTails {
    runs: Vec<Run>,
    first: Lba,
    records: u64,
    /// Whether the tails hold raw (interleaved) P-W, as drives return it.
    interleaved: bool,
    name: String,
}

impl std::fmt::Debug for SectorTails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SectorTails")
            .field("runs", &self.runs.len())
            .field("first", &self.first)
            .field("records", &self.records)
            .field("interleaved", &self.interleaved)
            .finish()
    }
}

impl SectorTails {
    /// The tails of every run in `extents` stored with a stride of exactly
    /// its sector size plus [`TAIL_BYTES`]; `None` when there is none.
    pub fn of(extents: &[Extent], files: &[SourceFile], interleaved: bool) -> Option<SectorTails> {
        let mut runs = Vec::new();
        for extent in extents {
            let Some((file, offset, stride)) = extent.data.stored(extent.sector_size) else {
                continue;
            };
            if stride != u64::from(extent.sector_size) + TAIL_BYTES {
                continue;
            }
            let Some(source) = files.get(file) else {
                continue;
            };
            runs.push(Run {
                start: extent.start,
                count: extent.count,
                reader: Arc::clone(&source.reader),
                offset: offset.checked_add(u64::from(extent.sector_size))?,
                stride,
            });
        }
        let first = runs.first()?.start;
        let end = runs
            .iter()
            .map(|r| r.start.0.saturating_add(r.count as i64))
            .max()?;
        let name = runs.first().map(|r| r.reader.name()).unwrap_or_default();
        Some(SectorTails {
            first,
            records: u64::try_from(end.checked_sub(first.0)?).ok()?,
            runs,
            interleaved,
            name,
        })
    }

    /// The address of the first record.
    pub fn first(&self) -> Lba {
        self.first
    }

    /// The record of `lba` as stored, or zeros where none is stored.
    fn raw(&self, lba: Lba) -> Result<[u8; 96]> {
        let mut record = [0u8; 96];
        let run = self
            .runs
            .iter()
            .find(|r| lba >= r.start && lba.0 - r.start.0 < r.count as i64);
        if let Some(run) = run {
            let index = (lba.0 - run.start.0) as u64;
            let at = index
                .checked_mul(run.stride)
                .and_then(|o| o.checked_add(run.offset));
            if let Some(at) = at {
                let n = run.reader.read_at(at, &mut record)?;
                record
                    .get_mut(n..)
                    .into_iter()
                    .flatten()
                    .for_each(|b| *b = 0);
            }
        }
        Ok(if self.interleaved {
            deinterleave(&record)
        } else {
            record
        })
    }
}

/// Raw P-W (one bit of each channel per byte) to the channels one after
/// another.
pub fn deinterleave(raw: &[u8; 96]) -> [u8; 96] {
    let mut out = [0u8; 96];
    for (i, byte) in raw.iter().enumerate() {
        for channel in 0..8 {
            if byte & (0x80 >> channel) != 0
                && let Some(slot) = out.get_mut(channel * 12 + i / 8)
            {
                *slot |= 0x80 >> (i % 8);
            }
        }
    }
    out
}

impl ReadAt for SectorTails {
    fn len(&self) -> u64 {
        self.records.saturating_mul(TAIL_BYTES)
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let end = self.len().min(offset.saturating_add(buf.len() as u64));
        let mut at = offset;
        let mut done = 0usize;
        while at < end {
            let index = at / TAIL_BYTES;
            let within = (at % TAIL_BYTES) as usize;
            let record = self.raw(Lba(self.first.0.saturating_add(index as i64)))?;
            let take = ((end - at) as usize).min(96 - within);
            let (Some(to), Some(from)) = (
                buf.get_mut(done..done + take),
                record.get(within..within + take),
            ) else {
                break;
            };
            to.copy_from_slice(from);
            done += take;
            at += take as u64;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        format!("{} (subchannel after each sector)", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;
    use crate::medium::ExtentData;

    /// Interleaves channels as a drive returns them (the inverse).
    fn interleave(channels: &[u8; 96]) -> [u8; 96] {
        let mut raw = [0u8; 96];
        for (i, slot) in raw.iter_mut().enumerate() {
            for channel in 0..8 {
                let byte = channels[channel * 12 + i / 8];
                if byte & (0x80 >> (i % 8)) != 0 {
                    *slot |= 0x80 >> channel;
                }
            }
        }
        raw
    }

    #[test]
    fn reads_tails_through_strided_extents() {
        let mut q = [0u8; 96];
        for (i, b) in q.iter_mut().enumerate() {
            *b = (i * 7 + 3) as u8;
        }
        assert_eq!(deinterleave(&interleave(&q)), q);
        // Two sectors of 4 bytes, each followed by its tail.
        let mut bytes = Vec::new();
        for sector in 0..2u8 {
            bytes.extend([sector; 4]);
            let mut tail = q;
            tail[0] = sector;
            bytes.extend(interleave(&tail));
        }
        let files = vec![SourceFile {
            name: "x".into(),
            path: "x".into(),
            reader: Arc::new(MemorySource::new(bytes, "x")),
        }];
        let extents = vec![
            Extent {
                start: Lba(-1),
                count: 1,
                sector_size: 4,
                track: None,
                data: ExtentData::Zero(crate::medium::Gap::Pregap),
            },
            Extent {
                start: Lba(5),
                count: 2,
                sector_size: 4,
                track: None,
                data: ExtentData::Strided {
                    file: 0,
                    offset: 0,
                    stride: 100,
                },
            },
        ];
        let tails = SectorTails::of(&extents, &files, true).unwrap();
        assert_eq!((tails.first(), tails.len()), (Lba(5), 192));
        let all = tails.read_vec(0, 192).unwrap();
        assert_eq!(all[0], 0);
        assert_eq!(&all[1..96], &q[1..]);
        assert_eq!(all[96], 1);
        assert_eq!(tails.read_vec(100, 10).unwrap(), &q[4..14]);
    }
}

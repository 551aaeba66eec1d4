//! Runs of sectors read in chunks, shaped for their output (as stored,
//! user data only, audio samples) and handed to a sink: a file being
//! written, or the file written being compared.

use std::sync::atomic::{AtomicBool, Ordering};

use super::{ChangedByte, Form2Policy, RepairedSector};
use crate::error::{Error, Position, Result};
use crate::medium::{Medium, TrackMode};
use crate::sector::{self, Storage, repair::RepairOutcome};
use crate::units::Lba;

/// Sectors read at once: large enough that a read is one system call per
/// ~2.4 MB, small enough that memory stays flat.
const CHUNK: u64 = 1024;

/// How a run's sectors are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// As the image stores them.
    Copy,
    /// The 2048 bytes of user data of each mode 1 or form 1 sector.
    UserData(Form2Policy),
    /// The 2352 bytes of samples, byte-swapped when asked.
    Samples { swap: bool },
}

/// Sectors `from..to` of track `track` (an index into `Medium::tracks`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Part {
    pub track: usize,
    pub from: Lba,
    pub to: Lba,
    pub shape: Shape,
}

impl Part {
    pub fn sectors(&self) -> u64 {
        u64::try_from(self.to.0 - self.from.0).unwrap_or(0)
    }
}

/// Where shaped bytes go.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]) -> Result<()>;
}

/// What pumping found along the way.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub sectors: u64,
    pub repaired: Vec<RepairedSector>,
    pub uncorrectable: Vec<i64>,
    pub form2_skipped: u64,
    pub form2_raw: u64,
}

/// Reads, shapes and hands on runs of sectors.
pub(crate) struct Pump<'a> {
    pub medium: &'a Medium,
    pub repair: bool,
    pub cancel: &'a AtomicBool,
    /// Called with the bytes read so far.
    pub progress: &'a dyn Fn(u64),
    pub tally: Tally,
    read: u64,
    raw: Vec<u8>,
    shaped: Vec<u8>,
}

impl<'a> Pump<'a> {
    pub fn new(
        medium: &'a Medium,
        repair: bool,
        cancel: &'a AtomicBool,
        progress: &'a dyn Fn(u64),
    ) -> Pump<'a> {
        Pump {
            medium,
            repair,
            cancel,
            progress,
            tally: Tally::default(),
            read: 0,
            raw: Vec::new(),
            shaped: Vec::new(),
        }
    }

    /// Sends every sector of `part` to `sink`.
    pub fn part(&mut self, part: &Part, sink: &mut dyn Sink) -> Result<()> {
        let medium = self.medium;
        let track = medium
            .tracks
            .get(part.track)
            .ok_or_else(|| Error::Unsupported(format!("no track at index {}", part.track)))?;
        let mode = track.mode;
        let size = mode.sector_size();
        let mut lba = part.from;
        while lba < part.to {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled {
                    left: "the partly written files were removed",
                });
            }
            let n = self.chunk(lba, part.to, size)?;
            self.tally.sectors += n;
            let bytes = n * u64::from(size);
            self.read += bytes;
            if self.repair && matches!(mode, TrackMode::Mode1_2352 | TrackMode::Mode2_2352) {
                self.repair_chunk(lba, mode, track.number)?;
            }
            match part.shape {
                Shape::Copy => sink.put(&self.raw)?,
                Shape::UserData(policy) => {
                    self.user_data(lba, mode, policy)?;
                    sink.put(&self.shaped)?;
                }
                Shape::Samples { swap } => {
                    self.samples(mode, swap);
                    sink.put(&self.shaped)?;
                }
            }
            (self.progress)(self.read);
            lba = Lba(lba.0 + i64::try_from(n).unwrap_or(0));
        }
        Ok(())
    }

    /// Reads up to [`CHUNK`] sectors from `lba` (not past `to` or the end of
    /// the run that holds `lba`) into `self.raw`; returns how many.
    fn chunk(&mut self, lba: Lba, to: Lba, size: u32) -> Result<u64> {
        let medium = self.medium;
        let extent = medium
            .extent_at(lba)
            .ok_or_else(|| medium.out_of_range(lba))?;
        if extent.sector_size != size {
            return Err(Error::invalid(
                Position::Sector(lba),
                "address map",
                "sector size",
                format!("{size} bytes, as the track's mode says"),
                format!("{} bytes", extent.sector_size),
            ));
        }
        let end = extent.end().min(to);
        let n = u64::try_from(end.0 - lba.0).unwrap_or(0).clamp(1, CHUNK);
        let want = usize::try_from(n * u64::from(size))
            .map_err(|_| Error::Unsupported("chunk too large".into()))?;
        // Reused, not cleared: every byte is overwritten below (a read past
        // the end of its file fills the rest with zeros).
        self.raw.resize(want, 0);
        let index = u64::try_from(lba.0 - extent.start.0).unwrap_or(0);
        let Some((file, offset, stride)) = extent.data.stored(size) else {
            self.raw.fill(0);
            return Ok(n);
        };
        let source = medium.file(file, lba)?;
        let at = index
            .checked_mul(stride)
            .and_then(|o| o.checked_add(offset))
            .ok_or_else(|| medium.out_of_range(lba))?;
        if stride == u64::from(size) {
            fill(source.reader.as_ref(), at, &mut self.raw)?;
        } else {
            // Sectors with bytes between them (subchannel): read the whole
            // span, keep the sectors.
            let span = usize::try_from(n * stride)
                .map_err(|_| Error::Unsupported("chunk too large".into()))?;
            let mut spaced = vec![0; span];
            fill(source.reader.as_ref(), at, &mut spaced)?;
            let size = size as usize;
            let stride = usize::try_from(stride).unwrap_or(size);
            for (out, sector) in self.raw.chunks_exact_mut(size).zip(spaced.chunks(stride)) {
                if let Some(bytes) = sector.get(..size) {
                    out.copy_from_slice(bytes);
                }
            }
        }
        Ok(n)
    }

    /// Corrects each damaged sector of the chunk that parity can correct.
    fn repair_chunk(&mut self, first: Lba, mode: TrackMode, number: u8) -> Result<()> {
        let storage = Storage::of_track_mode(mode);
        let expected_mode = match storage {
            Storage::Raw { expected_mode } => expected_mode,
            _ => None,
        };
        for (i, bytes) in self.raw.chunks_exact_mut(2352).enumerate() {
            let lba = Lba(first.0 + i64::try_from(i).unwrap_or(0));
            let verdict = sector::judge(bytes, lba, storage);
            if !verdict.is_bad() {
                continue;
            }
            let repair = sector::repair::repair(bytes, &verdict, lba, expected_mode, &[]);
            match (&repair.outcome, &repair.sector) {
                (RepairOutcome::Repaired, Some(fixed)) => {
                    bytes.copy_from_slice(fixed.as_slice());
                    self.tally.repaired.push(RepairedSector {
                        lba: lba.0,
                        track: number,
                        changes: repair
                            .changes
                            .iter()
                            .map(|c| ChangedByte {
                                offset: c.offset,
                                old: c.old,
                                new: c.new,
                            })
                            .collect(),
                    });
                }
                (RepairOutcome::Uncorrectable(_), _) => self.tally.uncorrectable.push(lba.0),
                _ => {}
            }
        }
        Ok(())
    }

    /// The user data of each sector of the chunk into `self.shaped`.
    fn user_data(&mut self, first: Lba, mode: TrackMode, policy: Form2Policy) -> Result<()> {
        self.shaped.clear();
        let size = mode.sector_size() as usize;
        // (offset of the submode byte, offset of the user data) for modes
        // whose sectors may be either form.
        let (submode_at, data_at) = match mode {
            TrackMode::Audio | TrackMode::Cdg => {
                return Err(Error::Unsupported(
                    "an audio track has no user data blocks".into(),
                ));
            }
            TrackMode::Mode1_2048 | TrackMode::Mode2_2048 => (None, 0),
            TrackMode::Mode2_2324 => (None, 0),
            TrackMode::Mode1_2352 => (None, 16),
            TrackMode::Mode2_2352 | TrackMode::Cdi2352 => (Some(18), 24),
            TrackMode::Mode2_2336 | TrackMode::Cdi2336 => (Some(2), 8),
        };
        for (i, bytes) in self.raw.chunks_exact(size).enumerate() {
            let lba = Lba(first.0 + i64::try_from(i).unwrap_or(0));
            // A raw sector whose header says mode 1 in a mode 2 track keeps
            // its data after the header, as mode 1 does.
            let mode1_here = data_at == 24 && bytes.get(15) == Some(&1);
            let (submode_at, data_at) = if mode1_here {
                (None, 16)
            } else {
                (submode_at, data_at)
            };
            let form2 = mode == TrackMode::Mode2_2324
                || submode_at
                    .and_then(|at| bytes.get(at))
                    .is_some_and(|s| s & 0x20 != 0);
            let len = if !form2 {
                2048
            } else {
                match policy {
                    Form2Policy::Refuse => {
                        // The caller names the image.
                        return Err(Error::Unsupported(format!(
                            "sector {lba} is mode 2 form 2, which has no 2048-byte block for an ISO \
                                 (--form2 skip leaves such sectors out, --form2 raw writes their 2324 bytes)"
                        )));
                    }
                    Form2Policy::Skip => {
                        self.tally.form2_skipped += 1;
                        continue;
                    }
                    Form2Policy::Raw => {
                        self.tally.form2_raw += 1;
                        2324
                    }
                }
            };
            let data = bytes.get(data_at..data_at + len).ok_or_else(|| {
                Error::invalid(
                    Position::Sector(lba),
                    "sector",
                    "user data",
                    format!("{len} bytes from offset {data_at}"),
                    format!("a {size}-byte sector"),
                )
            })?;
            self.shaped.extend_from_slice(data);
        }
        Ok(())
    }

    /// The samples of each sector of the chunk into `self.shaped` (CD+G's
    /// subchannel left out).
    fn samples(&mut self, mode: TrackMode, swap: bool) {
        self.shaped.clear();
        let size = mode.sector_size() as usize;
        for sector in self.raw.chunks_exact(size) {
            let samples = sector.get(..2352).unwrap_or(sector);
            if swap {
                for pair in samples.chunks_exact(2) {
                    if let [a, b] = pair {
                        self.shaped.extend_from_slice(&[*b, *a]);
                    }
                }
            } else {
                self.shaped.extend_from_slice(samples);
            }
        }
    }
}

/// Fills `buf` from `offset`; what lies past the end of the file reads as
/// zeros (the container noted the short file when it opened it).
fn fill(reader: &dyn crate::io::ReadAt, offset: u64, buf: &mut [u8]) -> Result<()> {
    let mut done = 0;
    while done < buf.len() {
        let at = offset + done as u64;
        let Some(rest) = buf.get_mut(done..) else {
            break;
        };
        let n = reader.read_at(at, rest)?;
        if n == 0 {
            rest.fill(0);
            break;
        }
        done += n;
    }
    Ok(())
}

//! Verifying every sector of an image on all cores.
//!
//! Work is cut into runs of consecutive sectors read with one large
//! positional read each (past the page cache, which streaming would only
//! churn); threads take runs from a shared counter, judge each sector and
//! keep their own tallies, merged at the end. Memory is one buffer per
//! thread, whatever the image size.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::verdict::{Oddity, Problem, Problems, judge};
use super::{SectorMode, Storage};
use crate::error::{Error, Result};
use crate::medium::{Extent, Medium};
use crate::units::Lba;

/// Sectors per read.
const RUN: u64 = 256;
/// Bad sectors listed at most; the count stays exact past it.
pub const MAX_LISTED: usize = 100_000;

/// A sector that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadSector {
    pub lba: Lba,
    /// The track number (1..99), if the sector belongs to a track.
    pub track: Option<u8>,
    pub mode: SectorMode,
    pub problems: Problems,
}

/// What verification found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    pub sectors: u64,
    /// Sectors of data tracks (checked or not).
    pub data_sectors: u64,
    pub audio_sectors: u64,
    /// Data sectors that could be and were checked and passed.
    pub good_sectors: u64,
    pub bad_sectors: u64,
    /// Data sectors stored without sync, EDC or ECC (cooked, disk).
    pub unchecked_sectors: u64,
    /// Sectors per [`SectorMode::index`].
    pub per_mode: [u64; 9],
    /// Intentional cases per [`Oddity::index`].
    pub notes: [u64; 6],
    /// Bad sectors in address order, at most [`MAX_LISTED`].
    pub bad: Vec<BadSector>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.bad_sectors == 0
    }

    fn merge(&mut self, other: Verification) {
        self.sectors += other.sectors;
        self.data_sectors += other.data_sectors;
        self.audio_sectors += other.audio_sectors;
        self.good_sectors += other.good_sectors;
        self.bad_sectors += other.bad_sectors;
        self.unchecked_sectors += other.unchecked_sectors;
        for (a, b) in self.per_mode.iter_mut().zip(other.per_mode) {
            *a += b;
        }
        for (a, b) in self.notes.iter_mut().zip(other.notes) {
            *a += b;
        }
        let room = MAX_LISTED.saturating_sub(self.bad.len());
        self.bad.extend(other.bad.into_iter().take(room));
    }

    fn count(&mut self, mode: SectorMode, n: u64) {
        if let Some(slot) = self.per_mode.get_mut(mode.index()) {
            *slot += n;
        }
    }

    fn note(&mut self, note: Oddity, n: u64) {
        if let Some(slot) = self.notes.get_mut(note.index()) {
            *slot += n;
        }
    }
}

/// A run of sectors of one extent.
#[derive(Clone, Copy, Debug)]
struct Job {
    start: Lba,
    count: u64,
    size: usize,
    storage: Storage,
    track: Option<u8>,
    /// `(file, byte offset, bytes from one sector to the next)`, or `None`
    /// when not stored.
    source: Option<(usize, u64, usize)>,
}

/// Verifies the sectors of every track, or of the track numbered `track`.
/// `progress` is called from the calling thread with (sectors done, total)
/// now and then.
pub fn verify(
    medium: &Medium,
    track: Option<u8>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Verification> {
    verify_until(medium, track, progress, &AtomicBool::new(false))
}

/// [`verify`] that stops early (with a partial report) once `cancel` is set:
/// the terminal UI runs it in the background.
pub fn verify_until(
    medium: &Medium,
    track: Option<u8>,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
) -> Result<Verification> {
    let plan = Plan::new(medium, track)?;
    let total = plan.sectors;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(usize::try_from(plan.jobs).unwrap_or(usize::MAX).max(1));
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let mut report = Verification::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut local = Verification::default();
                    let mut buffer = Vec::new();
                    loop {
                        if cancel.load(Ordering::Relaxed) {
                            break;
                        }
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = plan.job(index) else { break };
                        if let Err(error) = run(medium, &job, &mut buffer, &mut local) {
                            if let Ok(mut slot) = failure.lock() {
                                slot.get_or_insert(error);
                            }
                            next.store(plan.jobs, Ordering::Relaxed);
                            break;
                        }
                        done.fetch_add(job.count, Ordering::Relaxed);
                    }
                    local
                })
            })
            .collect();
        let watcher = scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                progress(done.load(Ordering::Relaxed), total);
                std::thread::park_timeout(Duration::from_millis(100));
            }
        });
        for worker in workers {
            if let Ok(local) = worker.join() {
                report.merge(local);
            }
        }
        finished.store(true, Ordering::Relaxed);
        watcher.thread().unpark();
    });
    progress(done.load(Ordering::Relaxed), total);
    if let Some(error) = failure.into_inner().ok().flatten() {
        return Err(error);
    }
    report.bad.sort_by_key(|b| b.lba);
    Ok(report)
}

/// The medium's extents (of the chosen track) cut into jobs, each made
/// when a worker asks for it: a medium that claims billions of sectors
/// costs no memory before they are read. Sectors that are read come in
/// jobs of at most [`RUN`]; sectors only counted, in one job an extent.
struct Plan<'m> {
    medium: &'m Medium,
    /// (index of an extent, number of its first job, sectors a job), in
    /// job order.
    extents: Vec<(usize, u64, u64)>,
    jobs: u64,
    sectors: u64,
}

impl<'m> Plan<'m> {
    fn new(medium: &'m Medium, track: Option<u8>) -> Result<Plan<'m>> {
        if let Some(number) = track
            && !medium.tracks.iter().any(|t| t.number == number)
        {
            return Err(Error::Unsupported(format!(
                "there is no track {number} (tracks: {})",
                medium
                    .tracks
                    .iter()
                    .map(|t| t.number.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut plan = Plan {
            medium,
            extents: Vec::new(),
            jobs: 0,
            sectors: 0,
        };
        for (index, extent) in medium.extents.iter().enumerate() {
            if track.is_some() && plan.track_of(extent) != track {
                continue;
            }
            let storage = Storage::of(medium, extent.track, extent.sector_size as usize);
            let run = if storage.is_checkable() {
                RUN
            } else {
                extent.count.max(1)
            };
            plan.extents.push((index, plan.jobs, run));
            plan.jobs += extent.count.div_ceil(run);
            plan.sectors += extent.count;
        }
        Ok(plan)
    }

    fn track_of(&self, extent: &Extent) -> Option<u8> {
        extent
            .track
            .and_then(|t| self.medium.tracks.get(t))
            .map(|t| t.number)
    }

    /// Job number `n`, `None` past the last.
    fn job(&self, n: u64) -> Option<Job> {
        let at = self
            .extents
            .partition_point(|&(_, first, _)| first <= n)
            .checked_sub(1)?;
        let &(index, first, run) = self.extents.get(at)?;
        let extent = self.medium.extents.get(index)?;
        let done = (n - first).checked_mul(run)?;
        if done >= extent.count {
            return None;
        }
        let size = extent.sector_size as usize;
        let source = extent
            .data
            .stored(extent.sector_size)
            .map(|(file, offset, stride)| {
                (
                    file,
                    offset.saturating_add(done.saturating_mul(stride)),
                    usize::try_from(stride).unwrap_or(size),
                )
            });
        Some(Job {
            start: extent
                .start
                .checked_add(i64::try_from(done).unwrap_or(i64::MAX))
                .unwrap_or(extent.start),
            count: (extent.count - done).min(run),
            size,
            storage: Storage::of(self.medium, extent.track, size),
            track: self.track_of(extent),
            source,
        })
    }
}

/// Fills `buffer` from `offset`; a source that ends early leaves zeros
/// (as `Medium::read_sector` reads), an error is passed on.
fn read_run(source: &dyn crate::io::ReadAt, offset: u64, buffer: &mut [u8]) -> Result<()> {
    let mut n = 0;
    while n < buffer.len() {
        let rest = buffer.get_mut(n..).unwrap_or_default();
        let got = source.read_at(offset.saturating_add(n as u64), rest)?;
        if got == 0 {
            break;
        }
        n += got;
    }
    buffer
        .get_mut(n..)
        .into_iter()
        .flatten()
        .for_each(|b| *b = 0);
    Ok(())
}

fn run(medium: &Medium, job: &Job, buffer: &mut Vec<u8>, report: &mut Verification) -> Result<()> {
    report.sectors += job.count;
    match job.storage {
        Storage::Audio => {
            report.audio_sectors += job.count;
            report.count(SectorMode::Audio, job.count);
            return Ok(());
        }
        Storage::Cooked | Storage::Disk => {
            report.data_sectors += job.count;
            report.unchecked_sectors += job.count;
            let mode = if job.storage == Storage::Disk {
                SectorMode::Disk
            } else {
                SectorMode::Cooked
            };
            report.count(mode, job.count);
            return Ok(());
        }
        Storage::Raw { .. } | Storage::Headerless => report.data_sectors += job.count,
    }
    let Some((file, offset, stride)) = job.source else {
        // Not judged and of no mode: listed only as "not stored".
        report.note(Oddity::NotStored, job.count);
        return Ok(());
    };
    let source = medium.file(file, job.start)?;
    let stride = stride.max(job.size);
    let bytes = stride.saturating_mul(job.count as usize);
    buffer.resize(bytes, 0);
    // A run that cannot be read whole is read sector by sector: the
    // sectors that still fail are bad ("unreadable"), the rest judged.
    let mut unreadable = vec![false; job.count as usize];
    if read_run(source.reader.as_ref(), offset, buffer).is_err() {
        for (i, sector) in buffer.chunks_exact_mut(stride).enumerate() {
            let at = offset.saturating_add((i * stride) as u64);
            if read_run(source.reader.as_ref(), at, sector).is_err() {
                sector.fill(0);
                if let Some(flag) = unreadable.get_mut(i) {
                    *flag = true;
                }
            }
        }
    }
    for (i, stored) in buffer.chunks_exact(stride).enumerate() {
        let lba = Lba(job.start.0 + i as i64);
        let bytes = stored.get(..job.size).unwrap_or(stored);
        if unreadable.get(i).copied().unwrap_or(false) {
            report.bad_sectors += 1;
            let mode = SectorMode::Unknown;
            report.count(mode, 1);
            if report.bad.len() < MAX_LISTED {
                report.bad.push(BadSector {
                    lba,
                    track: job.track,
                    mode,
                    problems: [Problem::Unreadable].into_iter().collect(),
                });
            }
            continue;
        }
        let verdict = judge(bytes, lba, job.storage);
        report.count(verdict.mode, 1);
        if let Some(note) = verdict.note {
            report.note(note, 1);
        }
        if verdict.is_bad() {
            report.bad_sectors += 1;
            if report.bad.len() < MAX_LISTED {
                report.bad.push(BadSector {
                    lba,
                    track: job.track,
                    mode: verdict.mode,
                    problems: verdict.problems,
                });
            }
        } else {
            report.good_sectors += 1;
        }
    }
    Ok(())
}

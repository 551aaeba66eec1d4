//! What a CHD adds to the medium: the map entry of each hunk that holds a
//! sector, and the check `verify` runs beside the sector verdicts: every
//! hunk's CRC, the raw SHA-1 of the logical data and the overall SHA-1
//! over it and the checksummed metadata, compared with the header's.
//!
//! Sources: MAME `chd.cpp` (`compute_overall_sha1`: the raw SHA-1, then
//! for each metadata entry flagged checksummed its tag and the SHA-1 of
//! its data, 24 bytes each, sorted bytewise; v3 records the SHA-1 of the
//! data alone) and `chdman.cpp` (`do_verify`: the raw SHA-1 over the
//! logical size, hunk by hunk).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use sha1::{Digest as _, Sha1};

use super::Chd;
use super::fields::hex;
use super::header::ChdHeader;
use super::hunks::Hunks;
use super::map::Map;
use super::view::{SUBCODE, SubcodeLayout, deinterleave};
use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::io::ReadAt;
use crate::medium::{DigestCheck, Store, StoreCheck};
use crate::structure::{Field, Kind, Place, Structure, Value};
use crate::subchannel::decode_q;
use crate::units::Lba;

/// Bad hunks listed as findings, at most.
const LISTED: usize = 1000;

/// A run of LBAs (first, count) and the runs of CD frames (first,
/// count) that hold them.
pub type FrameRun = (Lba, u64, Vec<(u64, u64)>);

/// How the medium's sectors sit in the logical data.
#[derive(Clone, Debug)]
pub enum Placement {
    /// Sector `lba` is bytes `lba × size` onwards.
    Flat { sector_size: u64 },
    /// Runs of LBAs (first, count) each shown by runs of CD frames.
    Frames { runs: Vec<FrameRun> },
}

impl Placement {
    /// The logical bytes of the sector at `lba`.
    fn bytes_of(&self, lba: Lba) -> Option<(u64, u64)> {
        match self {
            Placement::Flat { sector_size } => {
                let lba = u64::try_from(lba.0).ok()?;
                Some((lba.checked_mul(*sector_size)?, *sector_size))
            }
            Placement::Frames { runs } => {
                let (start, _, segments) = runs
                    .iter()
                    .find(|(start, count, _)| lba >= *start && lba.0 - start.0 < *count as i64)?;
                let mut index = u64::try_from(lba.0 - start.0).ok()?;
                for &(frame, count) in segments {
                    if index < count {
                        let frame_bytes = u64::from(super::codec::FRAME);
                        return Some(((frame + index) * frame_bytes, frame_bytes));
                    }
                    index -= count;
                }
                None
            }
        }
    }
}

/// A checksummed metadata entry: its tag, and where its data is.
#[derive(Clone, Copy, Debug)]
struct Checksummed {
    tag: u32,
    offset: u64,
    length: u32,
}

/// The CHD behind a medium.
pub struct ChdStore {
    file: Arc<dyn ReadAt>,
    header: ChdHeader,
    hunks: Arc<Hunks>,
    checksummed: Vec<Checksummed>,
    placement: Placement,
    /// What opening found wrong with the file itself (the map's CRC, a
    /// metadata loop): a check of the file repeats them.
    open_errors: Vec<Diagnostic>,
}

impl std::fmt::Debug for ChdStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChdStore")
            .field("file", &self.file.name())
            .field("hunks", &self.hunks)
            .finish()
    }
}

impl ChdStore {
    pub(super) fn new(chd: &Chd, placement: Placement) -> ChdStore {
        ChdStore {
            file: Arc::clone(&chd.file),
            header: chd.header.clone(),
            hunks: Arc::clone(&chd.hunks),
            checksummed: chd
                .metadata
                .iter()
                .filter(|e| e.checksummed())
                .map(|e| Checksummed {
                    tag: e.tag,
                    offset: e.offset + 16,
                    length: e.length,
                })
                .collect(),
            placement,
            open_errors: chd
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::diagnostic::Severity::Error)
                .cloned()
                .collect(),
        }
    }

    /// The overall SHA-1 for a raw SHA-1: it, then each checksummed
    /// metadata entry's tag and data SHA-1, sorted.
    fn overall_sha1(&self, raw: &[u8; 20]) -> Result<[u8; 20]> {
        let file = &self.file;
        let mut records: Vec<[u8; 24]> = Vec::with_capacity(self.checksummed.len());
        for entry in &self.checksummed {
            let mut sha = Sha1::new();
            let mut at = 0u64;
            let mut buf = vec![0u8; 64 * 1024];
            while at < u64::from(entry.length) {
                let n = (u64::from(entry.length) - at).min(buf.len() as u64) as usize;
                let chunk = buf.get_mut(..n).unwrap_or_default();
                file.read_exact_at(entry.offset + at, chunk)?;
                sha.update(&*chunk);
                at += n as u64;
            }
            let mut record = [0u8; 24];
            record[..4].copy_from_slice(&entry.tag.to_be_bytes());
            record[4..].copy_from_slice(&sha.finalize());
            records.push(record);
        }
        records.sort_unstable();
        let mut overall = Sha1::new();
        overall.update(raw);
        for record in &records {
            overall.update(record);
        }
        Ok(overall.finalize().into())
    }
}

impl Store for ChdStore {
    fn structures_at(&self, lba: Lba) -> Vec<Structure> {
        let Some((start, length)) = self.placement.bytes_of(lba) else {
            return Vec::new();
        };
        let size = u64::from(self.hunks.hunk_bytes());
        let first = start / size;
        let last = (start + length.max(1) - 1) / size;
        (first..=last)
            .filter_map(|h| u32::try_from(h).ok())
            .filter(|&h| h < self.hunks.count())
            .filter_map(|h| self.hunks.map().structure(h, &self.header).ok())
            .collect()
    }

    fn start_check(&self) {
        self.hunks.start_tap();
    }

    fn finish_check(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<StoreCheck> {
        let raw = self.hunks.finish_tap(progress, cancel);
        let complete = !cancel.load(std::sync::atomic::Ordering::Relaxed);
        let mut digests = Vec::new();
        let mut findings = self.open_errors.clone();
        if self.header.version >= 4 {
            digests.push(DigestCheck {
                name: "raw_sha1",
                covers: "the logical data",
                stored: self.header.raw_sha1.map(|d| hex(&d)),
                computed: raw.map(|d| hex(&d)),
            });
            let overall = match raw {
                Some(raw) => Some(self.overall_sha1(&raw)?),
                None => None,
            };
            digests.push(DigestCheck {
                name: "sha1",
                covers: "the raw SHA-1 and the checksummed metadata",
                stored: self.header.sha1.map(|d| hex(&d)),
                computed: overall.map(|d| hex(&d)),
            });
        } else {
            digests.push(DigestCheck {
                name: "sha1",
                covers: "the logical data",
                stored: self.header.sha1.map(|d| hex(&d)),
                computed: raw.map(|d| hex(&d)),
            });
        }
        for digest in &digests {
            if digest.ok() == Some(false) {
                findings.push(
                    Diagnostic::error(
                        "chd.sha1",
                        format!(
                            "the {} of {} is {}; the header records {}",
                            digest.name.replace('_', " "),
                            digest.covers,
                            digest.computed.as_deref().unwrap_or("?"),
                            digest.stored.as_deref().unwrap_or("?")
                        ),
                    )
                    .at(Location::Offset(0)),
                );
            }
        }
        let faults = self.hunks.faults();
        for (hunk, fault) in faults.iter().take(LISTED) {
            findings.push(
                Diagnostic::error("chd.hunk", format!("hunk {hunk}: {}", fault.message))
                    .at(Location::Offset(fault.offset)),
            );
        }
        if faults.len() > LISTED {
            findings.push(Diagnostic::error(
                "chd.hunk",
                format!(
                    "{} bad hunks in all (the first {LISTED} are listed)",
                    faults.len()
                ),
            ));
        }
        Ok(StoreCheck {
            block_name: "hunk",
            blocks: u64::from(self.hunks.count()),
            bad_blocks: faults.len() as u64,
            digests,
            findings,
            complete,
        })
    }
}

/// The map's summary as `chdman info -v` tallies it: hunks of each kind.
pub(super) fn map_summary(map: &Map, header: &ChdHeader, path: &Path) -> Structure {
    let mut s = Structure::new(
        Kind::Descriptor,
        "CHD hunk map",
        Place::File {
            path: Arc::from(path),
            offset: header.map_offset,
        },
        0,
    );
    s.push(Field::new(
        0,
        0,
        "hunks",
        Value::Unsigned(u64::from(map.count())),
        "hunks in the file",
        "MAME chd.cpp",
    ));
    let total = u64::from(map.count()).max(1);
    for (kind, count) in &map.counts {
        let mut field = Field::new(
            0,
            0,
            kind.name(header),
            Value::Unsigned(*count),
            "hunks stored this way",
            "MAME chdman.cpp (do_info)",
        );
        field.note = Some(format!("{:.1}%", *count as f64 * 100.0 / total as f64));
        s.push(field);
    }
    s
}

/// Which layout the subcode of the first frames has: the one whose Q
/// CRCs come out right (channels by default when neither does).
pub(super) fn subcode_layout(hunks: &Hunks, runs: &[(u64, u64, u64, u64)]) -> SubcodeLayout {
    let mut channels = 0;
    let mut interleaved = 0;
    for &(_, frame, count, within) in runs.iter().take(4) {
        for i in 0..count.min(16) {
            let mut raw = [0u8; SUBCODE as usize];
            let at = (frame + i) * u64::from(super::codec::FRAME) + within;
            if hunks.read_exact_at(at, &mut raw).is_err() {
                continue;
            }
            let q = |bytes: &[u8]| {
                bytes
                    .get(12..24)
                    .and_then(|q| <[u8; 12]>::try_from(q).ok())
                    .is_some_and(|q| decode_q(q).crc_ok())
            };
            if q(&raw) {
                channels += 1;
            }
            if q(&deinterleave(&raw)) {
                interleaved += 1;
            }
        }
    }
    if interleaved > channels {
        SubcodeLayout::Interleaved
    } else {
        SubcodeLayout::Channels
    }
}

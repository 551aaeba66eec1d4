//! From a volume to the filesystems it holds: FAT on the whole volume, or a
//! partition table whose partitions each become a volume probed in turn.
//! The ISO system area is read the same way (its first 32 KiB are the first
//! bytes of the track's volume).

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fs::Filesystem;
use crate::fs::fat;
use crate::io::ReadAt;
use crate::medium::{Medium, MediumKind};
use crate::partition::{self, Partition, Table};
use crate::units::Lba;
use crate::volume::Volume;

/// A filesystem found on a volume or in one of its partitions.
#[derive(Debug)]
pub struct Found {
    /// The partition holding it, if any.
    pub partition: Option<Partition>,
    /// The volume the filesystem reads (the partition's range).
    pub volume: Volume,
    pub fs: Box<dyn Filesystem>,
}

impl Found {
    /// The first medium sector of the filesystem.
    pub fn start(&self) -> Lba {
        self.volume.lba_of(0)
    }
}

/// What probing a volume gave.
#[derive(Debug, Default)]
pub struct Probe {
    pub table: Option<Table>,
    pub found: Vec<Found>,
    /// Filesystems that were recognised but could not be opened, and table
    /// problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The floppy format a whole disk image's size names, if it names one.
    pub floppy: Option<fat::geometry::Geometry>,
}

/// Probes a volume for FAT and partition tables (one line in a probe list).
pub fn probe(volume: &Volume) -> Probe {
    let mut out = Probe::default();
    if volume.base() == 0 && volume.medium().kind == MediumKind::Disk {
        out.floppy = fat::geometry::from_size(volume.len());
    }
    match fat::probe(volume) {
        Some(Ok(fs)) => {
            out.found.push(Found {
                partition: None,
                volume: volume.clone(),
                fs: Box::new(fs),
            });
            return out;
        }
        // A boot sector that looks like FAT but is not usable may still be
        // an MBR (boot loaders start with a jump too): try the tables first.
        Some(Err(e)) => out
            .diagnostics
            .push(Diagnostic::error("fat.unusable", e.to_string())),
        None => {}
    }
    let table = match partition::read(volume) {
        Ok(table) => table,
        Err(e) => {
            out.diagnostics
                .push(Diagnostic::error("partition.unreadable", e.to_string()));
            None
        }
    };
    let Some(mut table) = table else {
        return out;
    };
    for d in out
        .diagnostics
        .iter_mut()
        .filter(|d| d.code == "fat.unusable")
    {
        d.severity = crate::diagnostic::Severity::Info;
        d.message = format!("sector 0 is a partition table, not FAT ({})", d.message);
    }
    for s in &mut table.structures {
        s.lba = volume.lba_of(u64::try_from(s.lba.0).unwrap_or(0) * 512);
    }
    out.diagnostics.extend(table.diagnostics.iter().cloned());
    for p in table.partitions.iter().filter(|p| !p.container) {
        let (Some(start), Some(len)) = (p.byte_start(), p.byte_len()) else {
            continue;
        };
        let Ok(sub) = volume.slice(start, len) else {
            continue;
        };
        match fat::probe(&sub) {
            Some(Ok(fs)) => out.found.push(Found {
                partition: Some(p.clone()),
                volume: sub,
                fs: Box::new(fs),
            }),
            Some(Err(e)) => out.diagnostics.push(Diagnostic::error(
                "fat.unusable",
                format!("partition {}: {e}", p.index),
            )),
            None => {}
        }
    }
    out.table = Some(table);
    out
}

/// The partition table of a medium without building a volume: a disk's
/// first sectors, or the system area of an optical medium's first data track.
pub fn table_of_medium(medium: &Medium) -> Result<Option<Table>> {
    let view = MediumBytes::new(medium);
    if view.len() == 0 {
        return Ok(None);
    }
    partition::read(&view)
}

/// The user-data bytes of a medium from LBA 0, borrowed.
struct MediumBytes<'a> {
    medium: &'a Medium,
    block: u64,
    offset: usize,
    len: u64,
}

impl<'a> MediumBytes<'a> {
    fn new(medium: &'a Medium) -> MediumBytes<'a> {
        let (block, offset) = match medium.kind {
            MediumKind::Disk => (u64::from(medium.sector_size), 0),
            MediumKind::Optical => {
                match medium.tracks.first().and_then(|t| t.mode.block_offset()) {
                    Some(offset) => (2048, offset),
                    None => (2048, usize::MAX),
                }
            }
        };
        let sectors = u64::try_from(medium.end_lba().0.max(0)).unwrap_or(0);
        let len = if offset == usize::MAX {
            0
        } else {
            sectors.saturating_mul(block)
        };
        MediumBytes {
            medium,
            block,
            offset,
            len,
        }
    }
}

impl ReadAt for MediumBytes<'_> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let mut done = 0usize;
        while done < buf.len() {
            let at = offset + done as u64;
            if at >= self.len {
                break;
            }
            let lba = Lba(i64::try_from(at / self.block).unwrap_or(i64::MAX));
            let sector = self.medium.read_sector(lba)?;
            let within = (at % self.block) as usize;
            let data = sector
                .bytes
                .get(self.offset..)
                .and_then(|d| d.get(..self.block as usize))
                .unwrap_or_default();
            let src = data.get(within..).unwrap_or_default();
            let n = src.len().min(buf.len() - done);
            if n == 0 {
                break;
            }
            if let (Some(dst), Some(src)) = (buf.get_mut(done..done + n), src.get(..n)) {
                dst.copy_from_slice(src);
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.medium.path.display().to_string()
    }
}

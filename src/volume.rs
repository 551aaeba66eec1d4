//! A volume: the 2048-byte blocks of a data track (or the bytes of a disk)
//! as one flat byte range, which is all a filesystem reader sees.
//!
//! Block `n` of an optical volume is the user data of the sector at LBA `n`,
//! because ISO 9660 and UDF address sectors by their absolute LBA. Every byte
//! offset maps back to a sector, so filesystem extents can be shown on disc.

use std::sync::Arc;

use crate::budget::{Budget, Resource};
use crate::error::{Error, Result};
use crate::io::ReadAt;
use crate::medium::{Medium, MediumKind};
use crate::units::Lba;

/// Bytes per filesystem block on optical media.
pub use crate::medium::OPTICAL_BLOCK as BLOCK;

/// The user-data view of a medium.
#[derive(Debug, Clone)]
pub struct Volume {
    medium: Arc<Medium>,
    /// The first LBA that belongs to the volume (block 0 is still LBA 0).
    first: Lba,
    /// One past the last LBA.
    end: Lba,
    block: u64,
    /// Where byte 0 of this volume sits in the block space (LBA 0 = byte 0);
    /// non-zero for a partition.
    base: u64,
    /// Bytes in the volume.
    size: u64,
}

impl Volume {
    /// The volume of the data track `track` (an index into `medium.tracks`),
    /// addressed from LBA 0 and reaching to the end of the medium so that a
    /// later session's filesystem can see the earlier sessions' files.
    pub fn of_track(medium: Arc<Medium>, track: usize) -> Result<Volume> {
        let Some(t) = medium.tracks.get(track) else {
            return Err(Error::Unsupported(format!("no track {}", track + 1)));
        };
        if t.mode.block_offset().is_none() {
            return Err(Error::Unsupported(format!(
                "track {} is audio and holds no filesystem",
                t.number
            )));
        }
        let first = t.pregap_start();
        let end = medium.end_lba();
        Ok(Volume {
            medium,
            first,
            end,
            block: BLOCK,
            base: 0,
            size: span(end, BLOCK),
        })
    }

    /// The whole of a disk image, in its own sector size.
    pub fn of_disk(medium: Arc<Medium>) -> Result<Volume> {
        if medium.kind != MediumKind::Disk {
            return Err(Error::Unsupported("not a disk image".into()));
        }
        let (first, end) = (medium.first_lba(), medium.end_lba());
        let block = u64::from(medium.sector_size);
        Ok(Volume {
            medium,
            first,
            end,
            block,
            base: 0,
            size: span(end, block),
        })
    }

    /// The `len` bytes from byte `start` of this volume (a partition), as a
    /// volume of its own; sectors still map to the medium's LBAs. The range
    /// is clamped to the bytes this volume has.
    pub fn slice(&self, start: u64, len: u64) -> Result<Volume> {
        if start >= self.size {
            return Err(Error::Unsupported(format!(
                "a range at byte {start:#x} starts past the end of the volume ({:#x} bytes)",
                self.size
            )));
        }
        let base = self
            .base
            .checked_add(start)
            .ok_or_else(|| Error::Unsupported("range offset overflows".into()))?;
        Ok(Volume {
            base,
            size: len.min(self.size - start),
            ..self.clone()
        })
    }

    /// Where byte 0 of the volume sits in the medium's block space.
    pub fn base(&self) -> u64 {
        self.base
    }

    pub fn medium(&self) -> &Arc<Medium> {
        &self.medium
    }

    /// Bytes per block.
    pub fn block_size(&self) -> u64 {
        self.block
    }

    /// The sector holding byte `offset` of the volume.
    pub fn lba_of(&self, offset: u64) -> Lba {
        let at = self.base.saturating_add(offset);
        Lba(i64::try_from(at / self.block).unwrap_or(i64::MAX))
    }

    /// Reads one block's user data into `buf` (`block_size` bytes).
    fn read_block(&self, lba: Lba, buf: &mut [u8]) -> Result<()> {
        if lba < self.first || lba >= self.end {
            return Err(Error::OutOfRange {
                lba: lba.0,
                first: self.first.0,
                end: self.end.0,
                disc: false,
            });
        }
        let sector = self.medium.read_sector(lba)?;
        let offset = self.medium.user_data_offset(&sector);
        let data = sector.bytes.get(offset..).unwrap_or_default();
        let n = data.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), data.get(..n)) {
            dst.copy_from_slice(src);
        }
        buf.get_mut(n..).into_iter().flatten().for_each(|b| *b = 0);
        Ok(())
    }
}

/// Bytes from LBA 0 to `end`.
fn span(end: Lba, block: u64) -> u64 {
    u64::try_from(end.0.max(0))
        .unwrap_or(0)
        .saturating_mul(block)
}

impl ReadAt for Volume {
    fn len(&self) -> u64 {
        self.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let len = self.len();
        if offset >= len {
            return Ok(0);
        }
        let want = (len - offset).min(buf.len() as u64) as usize;
        let first = self.base.saturating_add(offset) / self.block;
        let last = (self.base.saturating_add(offset) + want.max(1) as u64 - 1) / self.block;
        self.medium
            .budget()
            .spend(Resource::Sectors, last - first + 1, || {
                format!("{} sector {first}", self.name())
            })?;
        let mut block = vec![0u8; self.block as usize];
        let mut done = 0;
        while done < want {
            let at = self.base + offset + done as u64;
            self.read_block(
                Lba(i64::try_from(at / self.block).unwrap_or(i64::MAX)),
                &mut block,
            )?;
            let within = (at % self.block) as usize;
            let n = (self.block as usize - within).min(want - done);
            if let (Some(dst), Some(src)) =
                (buf.get_mut(done..done + n), block.get(within..within + n))
            {
                dst.copy_from_slice(src);
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.medium.path.display().to_string()
    }

    fn budget(&self) -> Option<&Arc<Budget>> {
        Some(self.medium.budget())
    }
}

//! Reading what an entry's allocation describes: whole (directories,
//! links, tables; capped) or a piece at an offset (file reads). Extents
//! that are not recorded read as zeros.

use std::sync::Arc;

use crate::io::ReadAt;

use super::allocation::{Allocation, Piece};
use super::icb::Entry;
use super::partition::Partitions;

/// The volume's blocks: where UDF block `n` is in the medium.
#[derive(Clone)]
pub struct Blocks {
    pub source: Arc<dyn ReadAt>,
    /// Bytes per UDF block.
    pub size: u64,
    /// Blocks in the volume.
    pub count: u64,
    /// Where the volume's byte 0 sits in the medium's user data.
    pub base: u64,
}

impl std::fmt::Debug for Blocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocks")
            .field("size", &self.size)
            .field("count", &self.count)
            .field("base", &self.base)
            .finish()
    }
}

impl Blocks {
    /// One whole block, `None` outside the volume or on a read error.
    pub fn read(&self, block: u64) -> Option<Vec<u8>> {
        self.read_len(block, usize::try_from(self.size).ok()?)
    }

    /// `len` bytes from the start of `block`.
    pub fn read_len(&self, block: u64, len: usize) -> Option<Vec<u8>> {
        let at = block.checked_mul(self.size)?;
        self.source.read_vec(at, len).ok()
    }

    /// Where block `block` sits in the medium's user data.
    pub fn position(&self, block: u64) -> u64 {
        self.base.saturating_add(block.saturating_mul(self.size))
    }
}

/// One block of data read whole: where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockSpan {
    /// Offset in the data.
    pub offset: usize,
    pub len: usize,
    /// Its medium position.
    pub position: u64,
    /// Its block within its partition (what a tag there should name).
    pub lbn: u32,
}

/// Data read whole.
#[derive(Clone, Debug, Default)]
pub struct Data {
    pub bytes: Vec<u8>,
    pub spans: Vec<BlockSpan>,
    pub problems: Vec<String>,
}

impl Data {
    /// The span holding data offset `at`.
    pub fn span_at(&self, at: usize) -> Option<&BlockSpan> {
        let i = self.spans.partition_point(|s| s.offset <= at);
        self.spans
            .get(i.checked_sub(1)?)
            .filter(|s| at < s.offset + s.len)
    }
}

/// Reads the first `min(info length, limit)` bytes an allocation holds.
/// `entry_position` is the entry's medium position and `entry_lbn` its
/// block (for embedded data).
pub fn read_all(
    blocks: &Blocks,
    parts: &Partitions,
    entry: &Entry,
    alloc: &Allocation,
    entry_position: u64,
    entry_lbn: u32,
    limit: u64,
) -> Data {
    let mut out = Data::default();
    let want = entry.info_length.min(alloc.total()).min(limit);
    if entry.info_length > limit {
        out.problems.push(format!(
            "{} bytes claimed; only the first {limit} were read",
            entry.info_length
        ));
    }
    let want = usize::try_from(want).unwrap_or(0);
    if out.bytes.try_reserve(want).is_err() {
        out.problems.push(format!("{want} bytes cannot be held"));
        return out;
    }
    for e in &alloc.extents {
        let left = want - out.bytes.len();
        if left == 0 {
            break;
        }
        let take = usize::try_from(e.bytes).unwrap_or(usize::MAX).min(left);
        match e.piece {
            Piece::Zeros { .. } => out.bytes.resize(out.bytes.len() + take, 0),
            Piece::Embedded { offset } => {
                let raw = entry.bytes.get(offset..offset + take).unwrap_or_default();
                out.spans.push(BlockSpan {
                    offset: out.bytes.len(),
                    len: raw.len(),
                    position: entry_position + offset as u64,
                    lbn: entry_lbn,
                });
                out.bytes.extend_from_slice(raw);
                if raw.len() < take {
                    break;
                }
            }
            Piece::Recorded { partition, block } => {
                let count = (take as u64).div_ceil(blocks.size);
                let runs = match parts.runs(partition, u64::from(block), count) {
                    Ok(runs) => runs,
                    Err(e) => {
                        out.problems.push(e.to_string());
                        break;
                    }
                };
                let mut lbn = block;
                for (start, n) in runs {
                    for k in 0..n {
                        let left = want - out.bytes.len();
                        if left == 0 {
                            break;
                        }
                        let len = usize::try_from(blocks.size).unwrap_or(0).min(left);
                        let Some(raw) = blocks.read_len(start + k, len) else {
                            out.problems
                                .push(format!("block {} lies outside the volume", start + k));
                            return out;
                        };
                        out.spans.push(BlockSpan {
                            offset: out.bytes.len(),
                            len,
                            position: blocks.position(start + k),
                            lbn,
                        });
                        lbn = lbn.wrapping_add(1);
                        out.bytes.extend_from_slice(&raw);
                    }
                }
            }
        }
    }
    out
}

/// Reads `buf.len()` bytes from `offset` of the data (clamped by the
/// caller to the file's size); returns the bytes read.
pub fn read_at(
    blocks: &Blocks,
    parts: &Partitions,
    entry: &Entry,
    alloc: &Allocation,
    mut offset: u64,
    buf: &mut [u8],
) -> crate::error::Result<usize> {
    let mut done = 0usize;
    for e in &alloc.extents {
        if done == buf.len() {
            break;
        }
        if offset >= e.bytes {
            offset -= e.bytes;
            continue;
        }
        let n = usize::try_from(e.bytes - offset)
            .unwrap_or(usize::MAX)
            .min(buf.len() - done);
        let dst = buf.get_mut(done..done + n).unwrap_or_default();
        match e.piece {
            Piece::Zeros { .. } => dst.fill(0),
            Piece::Embedded { offset: at } => {
                let from = at + usize::try_from(offset).unwrap_or(usize::MAX);
                let src = entry
                    .bytes
                    .get(from..from.saturating_add(n))
                    .ok_or_else(|| {
                        crate::error::Error::invalid(
                            crate::error::Position::Byte(0),
                            "file entry",
                            "embedded data",
                            "data inside the entry",
                            "data running past the entry",
                        )
                    })?;
                dst.copy_from_slice(src);
            }
            Piece::Recorded { partition, block } => {
                let first = offset / blocks.size;
                let within = offset % blocks.size;
                let count = (within + n as u64).div_ceil(blocks.size);
                let runs = parts
                    .runs(partition, u64::from(block) + first, count)
                    .map_err(|e| crate::error::Error::Unsupported(e.to_string()))?;
                let mut skip = within;
                let mut filled = 0usize;
                for (start, blocks_in_run) in runs {
                    if filled == n {
                        break;
                    }
                    let at = start * blocks.size + skip;
                    let len = usize::try_from(blocks_in_run * blocks.size - skip)
                        .unwrap_or(usize::MAX)
                        .min(n - filled);
                    let part = dst.get_mut(filled..filled + len).unwrap_or_default();
                    blocks.source.read_exact_at(at, part)?;
                    filled += len;
                    skip = 0;
                }
            }
        }
        done += n;
        offset = 0;
    }
    Ok(done)
}

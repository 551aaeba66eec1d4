//! Forks: a size and the runs of allocation blocks that hold it, mapped
//! to volume bytes.
//!
//! Sources: Inside Macintosh: Files "Extents" (HFS: three extents in the
//! catalog, more in the extents overflow file); TN1150 "Fork Data
//! Structure" (eight extents, then the overflow file).

use crate::error::{Error, Position, Result};
use crate::io::ReadAt;

/// Where allocation blocks are in the volume.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllocationBlocks {
    /// The volume byte where allocation block 0 starts.
    pub first: u64,
    /// Bytes per allocation block.
    pub block: u64,
    /// Allocation blocks in the volume.
    pub blocks: u64,
}

impl AllocationBlocks {
    /// The volume byte of allocation block `n`.
    pub fn offset(&self, n: u64) -> Option<u64> {
        n.checked_mul(self.block)?.checked_add(self.first)
    }
}

/// A run of allocation blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub start: u64,
    pub count: u64,
}

/// A fork as resolved: its size and every run, overflow records included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fork {
    /// Bytes of data.
    pub logical: u64,
    pub runs: Vec<Run>,
}

impl Fork {
    /// A fork from its first extents (empty ones dropped).
    pub fn new(logical: u64, extents: impl IntoIterator<Item = (u64, u64)>) -> Fork {
        let mut fork = Fork {
            logical,
            runs: Vec::new(),
        };
        fork.extend(extents);
        fork
    }

    /// Adds extents (empty ones dropped).
    pub fn extend(&mut self, extents: impl IntoIterator<Item = (u64, u64)>) {
        self.runs.extend(
            extents
                .into_iter()
                .filter(|(_, count)| *count > 0)
                .map(|(start, count)| Run { start, count }),
        );
    }

    /// Allocation blocks in the runs.
    pub fn blocks(&self) -> u64 {
        self.runs
            .iter()
            .fold(0u64, |sum, r| sum.saturating_add(r.count))
    }

    /// Allocation blocks the logical size needs.
    pub fn blocks_needed(&self, geometry: &AllocationBlocks) -> u64 {
        self.logical.div_ceil(geometry.block.max(1))
    }

    /// The volume byte ranges (offset, length) holding the fork's bytes,
    /// in order, clipped to its logical size.
    pub fn pieces(&self, geometry: &AllocationBlocks) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = Vec::new();
        let mut left = self.logical;
        for run in &self.runs {
            if left == 0 {
                break;
            }
            let Some(at) = geometry.offset(run.start) else {
                break;
            };
            let len = run.count.saturating_mul(geometry.block).min(left);
            left -= len;
            match out.last_mut() {
                Some((start, n)) if start.checked_add(*n) == Some(at) => *n += len,
                _ => out.push((at, len)),
            }
        }
        out
    }

    /// Reads up to `buf.len()` bytes at `offset` of the fork; fewer only
    /// at its end. Bytes the runs do not cover are an error.
    pub fn read(
        &self,
        source: &dyn ReadAt,
        geometry: &AllocationBlocks,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize> {
        if offset >= self.logical || buf.is_empty() {
            return Ok(0);
        }
        let want = (self.logical - offset).min(buf.len() as u64) as usize;
        let mut done = 0usize;
        let mut run_start = 0u64;
        for run in &self.runs {
            let run_bytes = run.count.saturating_mul(geometry.block);
            let run_end = run_start.saturating_add(run_bytes);
            let at = offset + done as u64;
            if at < run_end {
                let within = at - run_start;
                let n = ((run_end - at).min((want - done) as u64)) as usize;
                let base = geometry
                    .offset(run.start)
                    .and_then(|b| b.checked_add(within))
                    .ok_or_else(|| {
                        Error::invalid(
                            Position::Byte(at),
                            "fork extent",
                            "start block",
                            "a position within the volume",
                            format!("block {}", run.start),
                        )
                    })?;
                let part = buf.get_mut(done..done + n).unwrap_or_default();
                source.read_exact_at(base, part)?;
                done += n;
                if done == want {
                    return Ok(done);
                }
            }
            run_start = run_end;
        }
        Err(Error::Unsupported(format!(
            "the fork's extents cover {run_start} bytes, fewer than its {} bytes",
            self.logical
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    #[test]
    fn reads_across_runs() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let source = MemorySource::new(bytes.clone(), "m");
        let g = AllocationBlocks {
            first: 512,
            block: 512,
            blocks: 7,
        };
        let fork = Fork::new(1000, [(2, 1), (0, 1), (5, 0)]);
        assert_eq!(fork.runs.len(), 2);
        let mut buf = vec![0u8; 2000];
        assert_eq!(fork.read(&source, &g, 0, &mut buf).unwrap(), 1000);
        assert_eq!(&buf[..512], &bytes[1536..2048]);
        assert_eq!(&buf[512..1000], &bytes[512..1000]);
        assert_eq!(fork.pieces(&g), vec![(1536, 512), (512, 488)]);
        let short = Fork::new(2000, [(2, 1)]);
        assert!(short.read(&source, &g, 0, &mut buf).is_err());
    }
}

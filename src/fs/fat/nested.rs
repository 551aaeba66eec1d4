//! A FAT image stored as a file of another filesystem (an EFI boot image
//! inside an ISO, a floppy image on a disk, a partition of an El Torito
//! hard-disk image): the file's bytes become the nested volume, read
//! through the outer filesystem.

use std::sync::Arc;

use crate::error::Result;
use crate::fs::fat::{FatFs, SectorMap, probe_source};
use crate::fs::{Filesystem, Node};
use crate::io::ReadAt;

/// `len` bytes of one file from byte `start`, as a source.
struct NodeBytes {
    fs: Arc<dyn Filesystem>,
    node: Node,
    start: u64,
    len: u64,
}

impl ReadAt for NodeBytes {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let left = self.len.saturating_sub(offset);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let mut done = 0;
        while done < want {
            let part = buf.get_mut(done..want).unwrap_or_default();
            let at = self
                .start
                .saturating_add(offset)
                .saturating_add(done as u64);
            let n = self.fs.read(&self.node, at, part)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    fn name(&self) -> String {
        self.node.name.clone()
    }

    fn budget(&self) -> Option<&Arc<crate::budget::Budget>> {
        self.fs.budget()
    }
}

/// The bytes of the file `node` of `fs`, as a source (to read a partition
/// table inside it).
pub fn file_source(fs: Arc<dyn Filesystem>, node: Node) -> Arc<dyn ReadAt> {
    let len = node.size;
    Arc::new(NodeBytes {
        fs,
        node,
        start: 0,
        len,
    })
}

/// Probes the file `node` of `fs` for FAT. `block` is the size of the
/// sectors the outer filesystem's extents count (2048 on optical media,
/// the disk's sector size otherwise); nested extents then name outer
/// sectors when the file is stored in one piece.
pub fn probe_file(fs: Arc<dyn Filesystem>, node: Node, block: u64) -> Option<Result<FatFs>> {
    let len = node.size;
    probe_window(fs, node, 0, len, block)
}

/// Probes `len` bytes of the file `node` from byte `start` (a partition of
/// a disk image stored as a file) for FAT, as [`probe_file`] does.
pub fn probe_window(
    fs: Arc<dyn Filesystem>,
    node: Node,
    start: u64,
    len: u64,
    block: u64,
) -> Option<Result<FatFs>> {
    let base = match node.extents.as_slice() {
        [one] => u64::try_from(one.lba.0)
            .ok()?
            .checked_mul(block)?
            .checked_add(start)?,
        _ => 0,
    };
    let len = len.min(node.size.saturating_sub(start));
    let source = Arc::new(NodeBytes {
        fs,
        node,
        start,
        len,
    });
    probe_source(source, SectorMap { base, block })
}

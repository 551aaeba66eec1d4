//! A FAT image stored as a file of another filesystem (an EFI boot image
//! inside an ISO, a floppy image on a disk): the file's bytes become the
//! nested volume, read through the outer filesystem.

use std::sync::Arc;

use crate::error::Result;
use crate::fs::fat::{FatFs, SectorMap, probe_source};
use crate::fs::{Filesystem, Node};
use crate::io::ReadAt;

/// The bytes of one file, as a source.
struct NodeBytes {
    fs: Arc<dyn Filesystem>,
    node: Node,
}

impl ReadAt for NodeBytes {
    fn len(&self) -> u64 {
        self.node.size
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            let part = buf.get_mut(done..).unwrap_or_default();
            let n = self.fs.read(&self.node, offset + done as u64, part)?;
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

/// Probes the file `node` of `fs` for FAT. `block` is the size of the
/// sectors the outer filesystem's extents count (2048 on optical media,
/// the disk's sector size otherwise); nested extents then name outer
/// sectors when the file is stored in one piece.
pub fn probe_file(fs: Arc<dyn Filesystem>, node: Node, block: u64) -> Option<Result<FatFs>> {
    let base = match node.extents.as_slice() {
        [one] => u64::try_from(one.lba.0).ok()?.checked_mul(block)?,
        _ => 0,
    };
    let source = Arc::new(NodeBytes { fs, node });
    probe_source(source, SectorMap { base, block })
}

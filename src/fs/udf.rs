//! UDF (ECMA-167 3rd edition, OSTA UDF 1.02 to 2.60): DVD, Blu-ray and
//! modern install images, alone or beside ISO 9660 on a bridge disc.
//!
//! Opening reads the recognition sequence, the anchors (which reveal the
//! block size), the main and reserve volume descriptor sequences, the
//! partition maps with their virtual allocation table, sparing tables or
//! metadata file, the integrity sequence and the file set descriptor.
//! Directories are read when asked; every tag is checked (checksum, CRC,
//! location) and a failure is a finding at its sector, after which reading
//! goes on where the specification allows.

mod allocation;
mod anchor;
mod data;
mod descriptor;
mod ea;
mod extent;
mod fid;
mod fileset;
mod icb;
mod integrity;
mod metadata;
mod name;
mod open;
mod partition;
mod recognition;
mod regid;
mod sequence;
mod sparing;
mod symlink;
mod tag;
mod time;
mod tree;
mod vat;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::Result;
use crate::fs::{Detail, Filesystem, FsKind, Node, NodeRecord};
use crate::structure::Structure;
use crate::units::Lba;
use crate::volume::Volume;

pub use anchor::BLOCK_SIZES;
pub use extent::LongAd;
pub use name::{cs0, dstring};

use data::Blocks;
use partition::Partitions;

/// Findings kept at most while reading directories and files.
const MAX_FINDINGS: usize = 1000;
/// Bytes of one directory read at most.
pub const MAX_DIR_BYTES: u64 = 64 << 20;
/// Entries of one directory listed at most.
pub const MAX_DIR_ENTRIES: usize = 1_000_000;
/// Indirect entries followed at most for one ICB.
pub const MAX_ICB_HOPS: usize = 1024;

/// Where a node's entry is, and what its data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NodeIcb {
    icb: LongAd,
    /// The volume block of the entry that is in force (after following
    /// indirect entries), once known.
    block: Option<u64>,
}

/// An open UDF volume.
pub struct UdfFs {
    blocks: Blocks,
    /// Bytes per medium sector (for extents in the medium's LBAs).
    medium_block: u64,
    partitions: Partitions,
    root: LongAd,
    label: String,
    details: Vec<Detail>,
    structures: Vec<Structure>,
    opened: Vec<Diagnostic>,
    findings: Mutex<Vec<Diagnostic>>,
    icbs: Mutex<HashMap<u64, NodeIcb>>,
    /// The file read last, so sequential reads do not decode it again.
    last: Mutex<Option<(u64, Arc<tree::OpenedEntry>)>>,
}

impl std::fmt::Debug for UdfFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UdfFs")
            .field("label", &self.label)
            .field("blocks", &self.blocks)
            .finish()
    }
}

/// Looks for UDF on a volume: `None` when there is none, `Some(Err)` when
/// it is recognised but cannot be read.
pub fn probe(volume: &Volume) -> Option<Result<UdfFs>> {
    open::probe(Arc::new(volume.clone()), volume.base(), volume.block_size())
}

/// [`probe`] over any byte source: `base` is where its byte 0 sits in the
/// medium's user data and `medium_block` the medium's sector size.
pub fn probe_source(
    source: Arc<dyn crate::io::ReadAt>,
    base: u64,
    medium_block: u64,
) -> Option<Result<UdfFs>> {
    open::probe(source, base, medium_block)
}

impl UdfFs {
    /// The medium LBA holding volume block `block`.
    fn lba(&self, block: u64) -> Lba {
        Lba(
            i64::try_from(self.blocks.position(block) / self.medium_block.max(1))
                .unwrap_or(i64::MAX),
        )
    }

    /// A finding at a volume block.
    fn at_block(&self, d: Diagnostic, block: u64) -> Diagnostic {
        d.at(Location::Sector(self.lba(block)))
    }

    fn note(&self, d: Diagnostic) {
        if let Ok(mut all) = self.findings.lock()
            && all.len() < MAX_FINDINGS
            && !all.contains(&d)
        {
            all.push(d);
        }
    }

    /// The UDF block size.
    pub fn block_size(&self) -> u64 {
        self.blocks.size
    }
}

impl Filesystem for UdfFs {
    fn kind(&self) -> FsKind {
        FsKind::Udf
    }

    fn budget(&self) -> Option<&std::sync::Arc<crate::budget::Budget>> {
        self.blocks.source.budget()
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn root(&self) -> Result<Node> {
        self.root_node()
    }

    fn children(&self, dir: &Node) -> Result<Vec<Node>> {
        self.list(dir)
    }

    fn read(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
        self.read_file(file, offset, buf)
    }

    fn structures(&self) -> Vec<Structure> {
        self.structures.clone()
    }

    fn directory_structures(&self, block: &[u8], position: u64) -> Vec<Structure> {
        tree::block_structures(block, position)
    }

    fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.opened.clone();
        if let Ok(found) = self.findings.lock() {
            out.extend(found.iter().cloned());
        }
        out
    }

    fn details(&self) -> Vec<Detail> {
        self.details.clone()
    }

    fn node_records(&self, node: &Node) -> Vec<NodeRecord> {
        let Ok(icbs) = self.icbs.lock() else {
            return Vec::new();
        };
        let Some(block) = icbs.get(&node.id).and_then(|i| i.block) else {
            return Vec::new();
        };
        vec![NodeRecord {
            kind: crate::structure::Kind::Icb,
            name: "File entry",
            position: self.blocks.position(block),
            length: self.blocks.size,
        }]
    }
}

//! HFS (Mac OS Standard), HFS+ and HFSX (Mac OS Extended).
//!
//! A volume is found by its signature at byte 1024: `BD` for HFS (unless
//! it wraps an HFS+ volume, which is then read instead), `H+` or `HX` for
//! HFS+. Files and folders live in the catalog B-tree; a fork's extents
//! past those the catalog holds live in the extents overflow B-tree. Nodes
//! are read when needed, a bounded number cached. Every walk is bounded
//! (loops, depth, node counts) and every problem met becomes a finding
//! naming the B-tree node and the offset in it.
//!
//! A node's id is the place of its catalog record: the leaf node number
//! shifted left by 16, plus the record's index (bit 48 marks a resource
//! fork). Resource forks are listed beside their file as `name:rsrc`,
//! only when not empty.
//!
//! HFS dates are the writing Mac's local time (its zone is not recorded):
//! they are shown as written. The journal of a journaled HFS+ volume is
//! shown, not replayed.

pub mod btree;
pub mod catalog;
mod check;
pub mod date;
pub mod extents;
pub mod fork;
pub mod journal;
mod layout;
mod listing;
pub mod mdb;
pub mod name;
mod open;
mod records;
pub mod volume_header;
mod wrapper;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::fs::{FileExtent, Filesystem, FsKind, Node};
use crate::io::ReadAt;
use crate::structure::{Field, Place, Structure, Value};
use crate::units::Lba;
use crate::volume::Volume;
use btree::{Problem, Tree};
use catalog::Edition;
use fork::{AllocationBlocks, Fork};
use mdb::Mdb;
use name::Order;
use volume_header::VolumeHeader;

/// Bit of a node id that marks a resource fork.
pub const RSRC: u64 = 1 << 48;
/// B-tree nodes kept in memory.
const CACHE_NODES: usize = 64;
/// Findings kept at most.
const MAX_FINDINGS: usize = 1000;
/// Nodes of each B-tree checked when the volume is opened (the rest by
/// [`HfsFs::check`]).
const OPEN_CHECK_NODES: u32 = 1024;
/// Overflow extents records followed for one fork.
const MAX_OVERFLOW_RECORDS: usize = 65_536;

/// How volume bytes map to the medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Where byte 0 of the volume sits in the medium's user data.
    pub base: u64,
    /// Bytes per medium sector (2048 on optical media).
    pub block: u64,
}

impl Placement {
    fn place(&self, offset: u64) -> Place {
        Place::Medium(self.base.saturating_add(offset))
    }

    fn lba(&self, offset: u64) -> Lba {
        Lba(i64::try_from(self.base.saturating_add(offset) / self.block.max(1)).unwrap_or(i64::MAX))
    }
}

/// The bounded node cache: most recently used last.
#[derive(Default)]
struct Cache {
    nodes: VecDeque<((u32, u32), Arc<btree::TreeNode>)>,
}

/// An open HFS or HFS+ volume.
pub struct HfsFs {
    source: Arc<dyn ReadAt>,
    map: Placement,
    format: Edition,
    order: Order,
    /// HFSX (signature HX).
    hfsx: bool,
    /// Where the HFS+ volume starts in the source (non-zero inside an HFS
    /// wrapper).
    embed: u64,
    geometry: AllocationBlocks,
    label: String,
    /// The volume name's bytes as stored.
    pub label_raw: Vec<u8>,
    /// The 64-bit volume identifier in Finder info words 6 and 7 (`None`
    /// when zero).
    pub volume_id: Option<u64>,
    extents: Tree,
    catalog: Tree,
    structures: Vec<Structure>,
    opened: Vec<Diagnostic>,
    findings: Mutex<Vec<Diagnostic>>,
    cache: Mutex<Cache>,
    /// The fork of the node read last.
    last_fork: Mutex<Option<(u64, Arc<Fork>)>>,
    root: Node,
    links: OnceLock<listing::Links>,
}

impl std::fmt::Debug for HfsFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HfsFs")
            .field("format", &self.format)
            .field("hfsx", &self.hfsx)
            .field("label", &self.label)
            .field("geometry", &self.geometry)
            .finish()
    }
}

/// Looks for HFS or HFS+ on a volume: `None` when byte 1024 holds neither
/// signature, `Some(Err)` when one is there but unusable.
pub fn probe(volume: &Volume) -> Option<Result<HfsFs>> {
    let map = Placement {
        base: volume.base(),
        block: volume.block_size(),
    };
    probe_source(Arc::new(volume.clone()), map)
}

/// [`probe`] over any byte source.
pub fn probe_source(source: Arc<dyn ReadAt>, map: Placement) -> Option<Result<HfsFs>> {
    let head = source.read_vec(mdb::OFFSET, 512).ok()?;
    if Mdb::is_mdb(&head) {
        let mdb = Mdb::decode(&head).ok()?;
        if mdb.wraps_hfs_plus() {
            return Some(wrapper::open_wrapped(source, map, &mdb, &head));
        }
        return Some(HfsFs::open_hfs(source, map, &mdb, &head));
    }
    if VolumeHeader::is_header(&head) {
        return Some(HfsFs::open_plus(source, map, 0, Vec::new()));
    }
    None
}

impl HfsFs {
    /// Every finding of a whole check of both B-trees and the catalog's
    /// threads (bounded by the nodes the trees hold), with those noted so
    /// far.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut out = self.diagnostics();
        for d in self.check_with(u32::MAX) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
        out
    }

    /// Whether this is HFSX.
    pub fn is_hfsx(&self) -> bool {
        self.hfsx
    }

    /// The catalog's name order.
    pub fn order(&self) -> Order {
        self.order
    }

    /// The volume's allocation geometry.
    pub fn geometry(&self) -> AllocationBlocks {
        self.geometry
    }

    fn note(&self, diagnostic: Diagnostic) {
        if let Ok(mut findings) = self.findings.lock()
            && findings.len() < MAX_FINDINGS
            && !findings.contains(&diagnostic)
            && !self.opened.contains(&diagnostic)
        {
            findings.push(diagnostic);
        }
    }

    /// Reads node `n` of a tree (cached).
    fn load(&self, tree: &Tree, n: u32) -> Result<Arc<btree::TreeNode>> {
        let key = (tree.file_id, n);
        if let Ok(mut cache) = self.cache.lock()
            && let Some(at) = cache.nodes.iter().position(|(k, _)| *k == key)
            && let Some(entry) = cache.nodes.remove(at)
        {
            let node = Arc::clone(&entry.1);
            cache.nodes.push_back(entry);
            return Ok(node);
        }
        if n >= tree.nodes {
            return Err(Error::invalid(
                Position::Node {
                    tree: tree.name,
                    node: n,
                },
                "B-tree",
                "node number",
                format!("below the tree's {} nodes", tree.nodes),
                n.to_string(),
            ));
        }
        let size = tree.node_size as usize;
        let mut bytes = vec![0u8; size];
        let offset = u64::from(n) * u64::from(tree.node_size);
        let got = tree
            .fork
            .read(self.source.as_ref(), &self.geometry, offset, &mut bytes)?;
        if got < size {
            return Err(Error::invalid(
                Position::Node {
                    tree: tree.name,
                    node: n,
                },
                "B-tree node",
                "length",
                format!("{size} bytes"),
                format!("{got} bytes (cut short)"),
            ));
        }
        let node = Arc::new(btree::TreeNode::parse(n, bytes.into())?);
        if let Ok(mut cache) = self.cache.lock() {
            if cache.nodes.len() >= CACHE_NODES {
                cache.nodes.pop_front();
            }
            cache.nodes.push_back((key, Arc::clone(&node)));
        }
        Ok(node)
    }

    /// The volume byte where byte `offset` of a fork is.
    fn fork_position(&self, fork: &Fork, offset: u64) -> Option<u64> {
        let mut start = 0u64;
        for run in &fork.runs {
            let bytes = run.count.checked_mul(self.geometry.block)?;
            if offset < start + bytes {
                return self.geometry.offset(run.start)?.checked_add(offset - start);
            }
            start += bytes;
        }
        None
    }

    /// The volume byte where node `n` of a tree starts.
    fn node_position(&self, tree: &Tree, n: u32) -> Option<u64> {
        self.fork_position(&tree.fork, u64::from(n) * u64::from(tree.node_size))
    }

    /// A B-tree problem as a finding: the tree, the node, the offset in it
    /// and where that is in the medium.
    fn problem(&self, tree: &Tree, p: &Problem) -> Diagnostic {
        let at = self
            .node_position(tree, p.node)
            .map(|n| n + u64::from(p.offset));
        let place = at.map_or_else(String::new, |at| {
            format!(" (byte {:#x})", self.map.base.saturating_add(at))
        });
        Diagnostic::error(
            "hfs.btree",
            format!(
                "{} B-tree node {} offset {:#x}{place}: {}",
                tree.name, p.node, p.offset, p.message
            ),
        )
        .at(at.map_or(Location::None, |at| {
            Location::Offset(self.map.base.saturating_add(at))
        }))
    }

    /// Scans a tree, noting problems met.
    fn scan(
        &self,
        tree: &Tree,
        target: &btree::Target<'_>,
        visit: &mut btree::Visit<'_>,
    ) -> Result<()> {
        let mut problems = Vec::new();
        let load = |n: u32| self.load(tree, n);
        let result = btree::scan(tree, &load, target, visit, &mut problems);
        for p in &problems {
            self.note(self.problem(tree, p));
        }
        result
    }

    /// The medium extents of a fork.
    fn medium_extents(&self, fork: &Fork) -> Vec<FileExtent> {
        fork.pieces(&self.geometry)
            .into_iter()
            .map(|(at, bytes)| FileExtent {
                lba: self.map.lba(at),
                bytes,
            })
            .collect()
    }

    /// The root folder's name from its thread (HFS+ volumes have no name
    /// elsewhere).
    fn root_name(&self) -> Option<Vec<u8>> {
        match listing::thread(self, catalog::ROOT) {
            Ok(Some(t)) => Some(t.raw),
            _ => None,
        }
    }
}

pub(super) fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Filesystem for HfsFs {
    fn kind(&self) -> FsKind {
        match self.format {
            Edition::Hfs => FsKind::Hfs,
            Edition::Plus => FsKind::HfsPlus,
        }
    }

    fn budget(&self) -> Option<&std::sync::Arc<crate::budget::Budget>> {
        self.source.budget()
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn root(&self) -> Result<Node> {
        Ok(self.root.clone())
    }

    fn children(&self, dir: &Node) -> Result<Vec<Node>> {
        listing::children(self, dir)
    }

    fn read(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
        listing::read(self, file, offset, buf)
    }

    fn structures(&self) -> Vec<Structure> {
        self.structures.clone()
    }

    fn directory_structures(&self, block: &[u8], position: u64) -> Vec<Structure> {
        records::catalog_nodes(self, position, block.len() as u64)
    }

    fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.opened.clone();
        if let Ok(findings) = self.findings.lock() {
            out.extend(findings.iter().cloned());
        }
        out
    }

    fn check(&self) -> Vec<Diagnostic> {
        HfsFs::check(self)
    }

    fn resource_fork(&self, file: &Node) -> Option<Node> {
        listing::resource_fork(self, file)
    }

    fn is_named_fork(&self, node: &Node) -> bool {
        node.id & RSRC != 0
    }

    fn finder_info(&self, file: &Node) -> Option<[u8; 32]> {
        listing::finder_info(self, file)
    }
}

/// A field for a value with no declaration (used by the record views).
fn text_field(
    offset: u64,
    length: u64,
    name: &'static str,
    value: String,
    meaning: &'static str,
    source: &'static str,
) -> Field {
    Field::new(offset, length, name, Value::Text(value), meaning, source)
}

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
mod listing;
pub mod mdb;
pub mod name;
mod records;
pub mod volume_header;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Result};
use crate::fs::{FileExtent, Filesystem, FsKind, Node};
use crate::io::ReadAt;
use crate::structure::{Field, Kind, Place, Structure, Value};
use crate::units::Lba;
use crate::volume::Volume;
use btree::{Problem, Tree};
use catalog::Format;
use fork::{Fork, Geometry};
use mdb::Mdb;
use name::Order;
use volume_header::{ForkData, VolumeHeader};

/// Bit of a node id that marks a resource fork.
pub const RSRC: u64 = 1 << 48;
/// B-tree nodes kept in memory.
const CACHE_NODES: usize = 64;
/// Findings kept at most.
const MAX_FINDINGS: usize = 1000;
/// Nodes of each B-tree checked when the volume is opened (the rest by
/// [`HfsFs::check`]).
const OPEN_CHECK_NODES: u32 = 4096;
/// Overflow extents records followed for one fork.
const MAX_OVERFLOW_RECORDS: usize = 65_536;

/// How volume bytes map to the medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectorMap {
    /// Where byte 0 of the volume sits in the medium's user data.
    pub base: u64,
    /// Bytes per medium sector (2048 on optical media).
    pub block: u64,
}

impl SectorMap {
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
    nodes: VecDeque<((u32, u32), Arc<btree::Node>)>,
}

/// An open HFS or HFS+ volume.
pub struct HfsFs {
    source: Arc<dyn ReadAt>,
    map: SectorMap,
    format: Format,
    order: Order,
    /// HFSX (signature HX).
    hfsx: bool,
    /// Where the HFS+ volume starts in the source (non-zero inside an HFS
    /// wrapper).
    embed: u64,
    geometry: Geometry,
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
    let map = SectorMap {
        base: volume.base(),
        block: volume.block_size(),
    };
    probe_source(Arc::new(volume.clone()), map)
}

/// [`probe`] over any byte source.
pub fn probe_source(source: Arc<dyn ReadAt>, map: SectorMap) -> Option<Result<HfsFs>> {
    let head = source.read_vec(mdb::OFFSET, 512).ok()?;
    if Mdb::is_mdb(&head) {
        let mdb = Mdb::decode(&head).ok()?;
        if mdb.wraps_hfs_plus() {
            return Some(open_wrapped(source, map, &mdb, &head));
        }
        return Some(HfsFs::open_hfs(source, map, &mdb, &head));
    }
    if VolumeHeader::is_header(&head) {
        return Some(HfsFs::open_plus(source, map, 0, Vec::new()));
    }
    None
}

/// An HFS wrapper: the embedded HFS+ volume is the one read.
fn open_wrapped(source: Arc<dyn ReadAt>, map: SectorMap, mdb: &Mdb, head: &[u8]) -> Result<HfsFs> {
    let embed = u64::from(mdb.first_block)
        .checked_mul(mdb::SECTOR)
        .and_then(|first| {
            u64::from(mdb.embed_start)
                .checked_mul(u64::from(mdb.block_size))?
                .checked_add(first)
        })
        .filter(|&at| at.checked_add(1536).is_some_and(|end| end <= source.len()))
        .ok_or_else(|| {
            Error::corrupt(
                mdb::OFFSET + 126,
                format!(
                    "the HFS wrapper's embedded volume (block {} of {} bytes) lies outside the volume",
                    mdb.embed_start, mdb.block_size
                ),
            )
        })?;
    let wrapper = vec![Structure {
        name: "HFS wrapper master directory block".to_owned(),
        ..Mdb::LAYOUT.structure(head, map.place(mdb::OFFSET))
    }];
    let mut fs = HfsFs::open_plus(source, map, embed, wrapper)?;
    fs.opened.push(Diagnostic::info(
        "hfs.wrapper",
        format!(
            "an HFS wrapper holds an HFS+ volume at byte {embed:#x} ({} allocation blocks of {} bytes from block {}); the HFS+ volume is shown",
            mdb.embed_count, mdb.block_size, mdb.embed_start
        ),
    ));
    Ok(fs)
}

impl HfsFs {
    fn open_hfs(source: Arc<dyn ReadAt>, map: SectorMap, mdb: &Mdb, head: &[u8]) -> Result<HfsFs> {
        let invalid = |field: &'static str, expected: &str, found: String| {
            Error::invalid(
                crate::error::Position::Byte(map.base + mdb::OFFSET),
                "HFS master directory block",
                field,
                expected,
                found,
            )
        };
        if mdb.block_size == 0 || !mdb.block_size.is_multiple_of(512) {
            return Err(invalid(
                "drAlBlkSiz",
                "a non-zero multiple of 512",
                mdb.block_size.to_string(),
            ));
        }
        if mdb.blocks == 0 {
            return Err(invalid(
                "drNmAlBlks",
                "at least one allocation block",
                "0".into(),
            ));
        }
        let first = u64::from(mdb.first_block) * mdb::SECTOR;
        if first >= source.len() {
            return Err(invalid(
                "drAlBlSt",
                "a block inside the volume",
                mdb.first_block.to_string(),
            ));
        }
        let geometry = Geometry {
            first,
            block: u64::from(mdb.block_size),
            blocks: u64::from(mdb.blocks),
        };
        let mut opened = Vec::new();
        let claimed = geometry.offset(geometry.blocks).unwrap_or(u64::MAX);
        if claimed > source.len() {
            opened.push(Diagnostic::warning(
                "hfs.truncated",
                format!(
                    "the MDB's {} allocation blocks reach byte {claimed:#x}, past the volume's {:#x} bytes",
                    geometry.blocks,
                    source.len()
                ),
            ));
        }
        let ext = |e: [(u16, u16); 3]| e.map(|(s, c)| (u64::from(s), u64::from(c)));
        let extents_fork = Fork::new(u64::from(mdb.extents_size), ext(mdb.extents_extents));
        let catalog_start = catalog::ForkStart {
            logical: u64::from(mdb.catalog_size),
            extents: ext(mdb.catalog_extents).to_vec(),
        };
        let label_raw = mdb.name.clone();
        let mut fs = HfsFs::assemble(
            source,
            map,
            Format::Hfs,
            geometry,
            extents_fork,
            &catalog_start,
            opened,
        )?;
        fs.label = name::mac_roman(&label_raw);
        fs.label_raw = label_raw;
        // Finder info words 6 and 7, as on HFS+ (blkid's UUID source).
        let id = crate::byteorder::array::<8>(head, 92 + 24).map_or(0, u64::from_be_bytes);
        fs.volume_id = (id != 0).then_some(id);
        fs.hfs_structures(mdb, head);
        fs.finish_open();
        Ok(fs)
    }

    fn open_plus(
        source: Arc<dyn ReadAt>,
        map: SectorMap,
        embed: u64,
        wrapper: Vec<Structure>,
    ) -> Result<HfsFs> {
        let head = source.read_vec(embed + mdb::OFFSET, volume_header::SIZE)?;
        let vh = VolumeHeader::decode(&head)?;
        let at = crate::error::Position::Byte(map.base + embed + mdb::OFFSET);
        let invalid = |field: &'static str, expected: &str, found: String| {
            Error::invalid(at, "HFS+ volume header", field, expected, found)
        };
        if !VolumeHeader::is_header(&head) {
            return Err(invalid(
                "signature",
                "H+ or HX",
                name::mac_roman(&vh.signature),
            ));
        }
        if vh.block_size < 512 || !vh.block_size.is_power_of_two() {
            return Err(invalid(
                "block size",
                "a power of two of at least 512",
                vh.block_size.to_string(),
            ));
        }
        if vh.total_blocks == 0 {
            return Err(invalid("total blocks", "at least one", "0".into()));
        }
        let geometry = Geometry {
            first: embed,
            block: u64::from(vh.block_size),
            blocks: u64::from(vh.total_blocks),
        };
        let mut opened = Vec::new();
        let expected_version = if vh.is_hfsx() { 5 } else { 4 };
        if vh.version != expected_version {
            opened.push(Diagnostic::warning(
                "hfs.version",
                format!(
                    "the volume header's version is {} where {} says {expected_version}",
                    vh.version,
                    name::mac_roman(&vh.signature)
                ),
            ));
        }
        let claimed = geometry.offset(geometry.blocks).unwrap_or(u64::MAX);
        if claimed > source.len() {
            opened.push(Diagnostic::warning(
                "hfs.truncated",
                format!(
                    "the volume header's {} blocks of {} bytes reach byte {claimed:#x}, past the volume's {:#x} bytes",
                    vh.total_blocks,
                    vh.block_size,
                    source.len()
                ),
            ));
        }
        let fork_at = |at: usize| -> Result<ForkData> {
            ForkData::decode(head.get(at..).unwrap_or_default())
        };
        let extents = fork_at(192)?;
        let catalog_fork = fork_at(272)?;
        let ext8 = |f: &ForkData| f.extents.map(|(s, c)| (u64::from(s), u64::from(c)));
        let extents_fork = Fork::new(extents.logical_size, ext8(&extents));
        let catalog_start = catalog::ForkStart {
            logical: catalog_fork.logical_size,
            extents: ext8(&catalog_fork).to_vec(),
        };
        let mut fs = HfsFs::assemble(
            source,
            map,
            Format::Plus,
            geometry,
            extents_fork,
            &catalog_start,
            opened,
        )?;
        fs.embed = embed;
        fs.hfsx = vh.is_hfsx();
        fs.order = if fs.catalog.header.compare == 0xBC {
            Order::Binary
        } else {
            Order::Folded
        };
        if fs.hfsx && fs.catalog.header.compare != 0xBC && fs.catalog.header.compare != 0xCF {
            fs.opened.push(Diagnostic::warning(
                "hfs.compare-type",
                format!(
                    "the HFSX catalog's key compare type is {:#04x}, neither 0xCF (case folding) nor 0xBC (binary); names are compared folded",
                    fs.catalog.header.compare
                ),
            ));
        }
        let id = VolumeHeader::volume_id(&head);
        fs.volume_id = (id != 0).then_some(id);
        fs.structures.extend(wrapper);
        fs.plus_structures(&vh, &head);
        fs.finish_open();
        if let Some(root) = fs.root_name() {
            fs.label = catalog::text(Format::Plus, &root);
            fs.label_raw = root;
        }
        Ok(fs)
    }

    /// Opens the two B-trees and finds the root folder.
    fn assemble(
        source: Arc<dyn ReadAt>,
        map: SectorMap,
        format: Format,
        geometry: Geometry,
        extents_fork: Fork,
        catalog_start: &catalog::ForkStart,
        opened: Vec<Diagnostic>,
    ) -> Result<HfsFs> {
        let head_of = |source: &dyn ReadAt, fork: &Fork, what: &str| -> Result<Vec<u8>> {
            let mut head = vec![0u8; 512];
            let n = fork.read(source, &geometry, 0, &mut head).map_err(|e| {
                Error::Unsupported(format!(
                    "the {what} B-tree's header node cannot be read: {e}"
                ))
            })?;
            head.truncate(n);
            Ok(head)
        };
        let head = head_of(source.as_ref(), &extents_fork, "extents overflow")?;
        let extents = Tree::new(
            "extents overflow",
            catalog::EXTENTS_FILE,
            extents_fork,
            &head,
        )?;
        let placeholder = Tree {
            name: "catalog",
            file_id: catalog::CATALOG_FILE,
            ..extents.clone()
        };
        let mut fs = HfsFs {
            source,
            map,
            format,
            order: if format == Format::Hfs {
                Order::Roman
            } else {
                Order::Folded
            },
            hfsx: false,
            embed: 0,
            geometry,
            label: String::new(),
            label_raw: Vec::new(),
            volume_id: None,
            extents,
            catalog: placeholder,
            structures: Vec::new(),
            opened,
            findings: Mutex::new(Vec::new()),
            cache: Mutex::new(Cache::default()),
            last_fork: Mutex::new(None),
            root: listing::placeholder_root(),
            links: OnceLock::new(),
        };
        let catalog_fork = fs.resolve_fork(
            catalog::CATALOG_FILE,
            false,
            catalog_start,
            "the catalog file",
        );
        let head = head_of(fs.source.as_ref(), &catalog_fork, "catalog")?;
        fs.catalog = Tree::new("catalog", catalog::CATALOG_FILE, catalog_fork, &head)?;
        if format == Format::Hfs && fs.catalog.node_size != 512 {
            fs.opened.push(Diagnostic::warning(
                "hfs.node-size",
                format!(
                    "the HFS catalog's node size is {}, not 512",
                    fs.catalog.node_size
                ),
            ));
        }
        fs.root = listing::find_root(&fs).map_err(|e| {
            // The B-tree problems that hid the root say why.
            let why: Vec<String> = fs
                .findings
                .lock()
                .map(|f| f.iter().take(3).map(|d| d.message.clone()).collect())
                .unwrap_or_default();
            if why.is_empty() {
                e
            } else {
                Error::Unsupported(format!("{e}: {}", why.join("; ")))
            }
        })?;
        Ok(fs)
    }

    /// Checks run when the volume is opened (bounded).
    fn finish_open(&mut self) {
        let found = self.check_with(OPEN_CHECK_NODES);
        let noted = self.findings.lock().map(|f| f.clone()).unwrap_or_default();
        for d in found {
            if !noted.contains(&d) && !self.opened.contains(&d) {
                self.opened.push(d);
            }
        }
    }

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
    pub fn geometry(&self) -> Geometry {
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
    fn load(&self, tree: &Tree, n: u32) -> Result<Arc<btree::Node>> {
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
            return Err(Error::corrupt(
                0,
                format!(
                    "{} B-tree node {n} is past the tree's {} nodes",
                    tree.name, tree.nodes
                ),
            ));
        }
        let size = tree.node_size as usize;
        let mut bytes = vec![0u8; size];
        let offset = u64::from(n) * u64::from(tree.node_size);
        let got = tree
            .fork
            .read(self.source.as_ref(), &self.geometry, offset, &mut bytes)?;
        if got < size {
            return Err(Error::corrupt(
                offset,
                format!(
                    "{} B-tree node {n} is cut short ({got} of {size} bytes)",
                    tree.name
                ),
            ));
        }
        let node = Arc::new(btree::Node::parse(n, bytes.into())?);
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

    /// A fork with every extent: the first ones, then the overflow file's;
    /// extents past the volume are dropped with a finding.
    fn resolve_fork(&self, file: u32, rsrc: bool, start: &catalog::ForkStart, what: &str) -> Fork {
        let mut fork = Fork::new(start.logical, start.extents.iter().copied());
        let needed = fork.blocks_needed(&self.geometry);
        if fork.blocks() < needed && file != catalog::EXTENTS_FILE {
            extents_overflow(self, file, rsrc, &mut fork, needed, what);
        }
        let blocks = self.geometry.blocks;
        let outside: Vec<fork::Run> = fork
            .runs
            .iter()
            .copied()
            .filter(|r| r.start.checked_add(r.count).is_none_or(|end| end > blocks))
            .collect();
        if !outside.is_empty() {
            let first = outside
                .first()
                .copied()
                .unwrap_or(fork::Run { start: 0, count: 0 });
            self.note(Diagnostic::error(
                "hfs.extent-outside",
                format!(
                    "{what}: an extent of {} blocks from block {} runs past the volume's {blocks} allocation blocks; the fork is cut there",
                    first.count, first.start
                ),
            ));
            let mut kept = Vec::new();
            for r in fork.runs {
                if r.start >= blocks {
                    break;
                }
                let count = r.count.min(blocks - r.start);
                kept.push(fork::Run {
                    start: r.start,
                    count,
                });
                if count < r.count {
                    break;
                }
            }
            fork.runs = kept;
        }
        if fork.blocks() < needed {
            self.note(Diagnostic::warning(
                "hfs.fork-short",
                format!(
                    "{what}: its extents hold {} allocation blocks, fewer than the {needed} its {} bytes need",
                    fork.blocks(),
                    fork.logical
                ),
            ));
        }
        fork
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

    fn tree_structures(&mut self, tree: &Tree) {
        for (i, (at, len)) in tree.fork.pieces(&self.geometry).into_iter().enumerate() {
            self.structures.push(Structure::new(
                Kind::SpecialFile,
                format!(
                    "{}{} file",
                    upper_first(tree.name),
                    if i > 0 {
                        format!(" (part {})", i + 1)
                    } else {
                        String::new()
                    }
                ),
                self.map.place(at),
                len,
            ));
        }
        if let (Some(at), Ok(node)) = (self.node_position(tree, 0), self.load(tree, 0)) {
            let mut s = Structure::new(
                Kind::BtreeNode,
                format!("{} B-tree header node", upper_first(tree.name)),
                self.map.place(at),
                u64::from(tree.node_size),
            );
            s.fields = btree::descriptor_fields(&node);
            let header = node.bytes.get(btree::DESCRIPTOR..).unwrap_or_default();
            s.fields.extend(btree::HeaderRecord::LAYOUT.fields_at(
                header,
                btree::DESCRIPTOR as u64,
                None,
            ));
            self.structures.push(s);
        }
    }

    fn hfs_structures(&mut self, mdb: &Mdb, head: &[u8]) {
        if let Ok(boot) = self.source.read_vec(0, 1024)
            && boot.get(..2) == Some(b"LK")
        {
            self.structures
                .push(mdb::BootBlocks::LAYOUT.structure(&boot, self.map.place(0)));
        }
        self.structures
            .push(Mdb::LAYOUT.structure(head, self.map.place(mdb::OFFSET)));
        let alternate = self.alternate(
            mdb::OFFSET,
            Mdb::is_mdb,
            self.geometry.offset(self.geometry.blocks).unwrap_or(0),
        );
        match alternate {
            Some((at, bytes)) => {
                let mut s = Mdb::LAYOUT.structure(&bytes, self.map.place(at));
                s.name = "HFS alternate master directory block".to_owned();
                self.structures.push(s);
                if let Ok(alt) = Mdb::decode(&bytes) {
                    let pairs: [(&str, u64, u64); 7] = [
                        ("drCrDat", u64::from(mdb.created), u64::from(alt.created)),
                        (
                            "drAlBlkSiz",
                            u64::from(mdb.block_size),
                            u64::from(alt.block_size),
                        ),
                        ("drNmAlBlks", u64::from(mdb.blocks), u64::from(alt.blocks)),
                        (
                            "drAlBlSt",
                            u64::from(mdb.first_block),
                            u64::from(alt.first_block),
                        ),
                        (
                            "drVBMSt",
                            u64::from(mdb.bitmap_start),
                            u64::from(alt.bitmap_start),
                        ),
                        (
                            "drXTFlSize",
                            u64::from(mdb.extents_size),
                            u64::from(alt.extents_size),
                        ),
                        (
                            "drCTFlSize",
                            u64::from(mdb.catalog_size),
                            u64::from(alt.catalog_size),
                        ),
                    ];
                    self.compare_copies("master directory block", at, &pairs);
                }
            }
            None => self.opened.push(Diagnostic::warning(
                "hfs.alternate-missing",
                "no alternate master directory block 1024 bytes before the volume's end",
            )),
        }
        let bitmap = u64::from(mdb.bitmap_start) * mdb::SECTOR;
        let bytes = self.geometry.blocks.div_ceil(8).div_ceil(512) * 512;
        self.structures.push(Structure::new(
            Kind::AllocationBitmap,
            "HFS volume bitmap",
            self.map.place(bitmap),
            bytes,
        ));
        let (extents, catalog) = (self.extents.clone(), self.catalog.clone());
        self.tree_structures(&extents);
        self.tree_structures(&catalog);
    }

    fn plus_structures(&mut self, vh: &VolumeHeader, head: &[u8]) {
        let embed = self.embed;
        self.structures.push(Structure {
            fields: VolumeHeader::fields(head),
            ..Structure::new(
                Kind::VolumeHeader,
                if self.hfsx {
                    "HFSX volume header"
                } else {
                    "HFS+ volume header"
                },
                self.map.place(embed + mdb::OFFSET),
                volume_header::SIZE as u64,
            )
        });
        let end = self.geometry.offset(self.geometry.blocks).unwrap_or(0);
        match self.alternate(embed + mdb::OFFSET, VolumeHeader::is_header, end) {
            Some((at, bytes)) => {
                self.structures.push(Structure {
                    fields: VolumeHeader::fields(&bytes),
                    ..Structure::new(
                        Kind::VolumeHeader,
                        "HFS+ alternate volume header",
                        self.map.place(at),
                        volume_header::SIZE as u64,
                    )
                });
                if let Ok(alt) = VolumeHeader::decode(&bytes) {
                    let pairs: [(&str, u64, u64); 5] = [
                        (
                            "signature",
                            u64::from(u16::from_be_bytes(vh.signature)),
                            u64::from(u16::from_be_bytes(alt.signature)),
                        ),
                        ("create date", u64::from(vh.created), u64::from(alt.created)),
                        (
                            "block size",
                            u64::from(vh.block_size),
                            u64::from(alt.block_size),
                        ),
                        (
                            "total blocks",
                            u64::from(vh.total_blocks),
                            u64::from(alt.total_blocks),
                        ),
                        (
                            "journal info block",
                            u64::from(vh.journal_block),
                            u64::from(alt.journal_block),
                        ),
                    ];
                    self.compare_copies("volume header", at, &pairs);
                    let forks_differ = volume_header::FORKS
                        .iter()
                        .filter(|(_, at)| head.get(*at..*at + 80) != bytes.get(*at..*at + 80));
                    for (name, offset) in forks_differ {
                        self.opened.push(
                            Diagnostic::warning(
                                "hfs.alternate-differs",
                                format!("the alternate volume header's {name} fork data differs from the volume header's"),
                            )
                            .at(Location::Offset(self.map.base + at + *offset as u64)),
                        );
                    }
                }
            }
            None => self.opened.push(Diagnostic::warning(
                "hfs.alternate-missing",
                "no alternate volume header 1024 bytes before the volume's end",
            )),
        }
        // The allocation file and the other special files as areas.
        for (name, at) in [
            ("allocation", 112usize),
            ("attributes", 352),
            ("startup", 432),
        ] {
            let Ok(f) = ForkData::decode(head.get(at..).unwrap_or_default()) else {
                continue;
            };
            if f.logical_size == 0 {
                continue;
            }
            let id = match name {
                "allocation" => catalog::ALLOCATION_FILE,
                "attributes" => catalog::ATTRIBUTES_FILE,
                _ => catalog::STARTUP_FILE,
            };
            let start = catalog::ForkStart {
                logical: f.logical_size,
                extents: f
                    .extents
                    .iter()
                    .map(|&(s, c)| (u64::from(s), u64::from(c)))
                    .collect(),
            };
            let fork = self.resolve_fork(id, false, &start, &format!("the {name} file"));
            for (i, (offset, len)) in fork.pieces(&self.geometry).into_iter().enumerate() {
                let part = if i > 0 {
                    format!(" (part {})", i + 1)
                } else {
                    String::new()
                };
                self.structures.push(Structure::new(
                    if name == "allocation" {
                        Kind::AllocationBitmap
                    } else {
                        Kind::SpecialFile
                    },
                    format!("{} file{part}", upper_first(name)),
                    self.map.place(offset),
                    len,
                ));
            }
        }
        let (extents, catalog) = (self.extents.clone(), self.catalog.clone());
        self.tree_structures(&extents);
        self.tree_structures(&catalog);
        if vh.journaled() {
            self.journal(vh);
        }
    }

    /// The journal info block and header as structures; the journal is not
    /// replayed.
    fn journal(&mut self, vh: &VolumeHeader) {
        let Some(at) = self.geometry.offset(u64::from(vh.journal_block)) else {
            return;
        };
        let Ok(bytes) = self.source.read_vec(at, journal::InfoBlock::LAYOUT.size) else {
            self.opened.push(Diagnostic::error(
                "hfs.journal",
                format!(
                    "the journal info block at allocation block {} cannot be read",
                    vh.journal_block
                ),
            ));
            return;
        };
        self.structures
            .push(journal::InfoBlock::LAYOUT.structure(&bytes, self.map.place(at)));
        let Ok(info) = journal::InfoBlock::decode(&bytes) else {
            return;
        };
        if info.flags & 2 != 0 {
            self.opened.push(Diagnostic::info(
                "hfs.journal",
                "the volume's journal is on another device; it is not read",
            ));
            return;
        }
        let header_at = self.embed.saturating_add(info.offset);
        let header = self
            .source
            .read_vec(header_at, journal::HeaderBe::LAYOUT.size)
            .ok();
        let parsed = header.as_deref().and_then(journal::Header::read);
        match (header, parsed) {
            (Some(bytes), Some(h)) => {
                let layout = if h.little { journal::HeaderLe::LAYOUT } else { journal::HeaderBe::LAYOUT };
                self.structures.push(layout.structure(&bytes, self.map.place(header_at)));
                self.structures.push(Structure::new(
                    Kind::Journal,
                    "HFS+ journal",
                    self.map.place(header_at),
                    info.size,
                ));
                if h.start != h.end {
                    self.opened.push(Diagnostic::warning(
                        "hfs.journal-pending",
                        format!(
                            "the journal holds transactions from byte {:#x} to {:#x} that were not replayed; the volume is shown as it is on disk, without them",
                            h.start, h.end
                        ),
                    ));
                } else {
                    self.opened.push(Diagnostic::info(
                        "hfs.journal",
                        "the volume is journaled; the journal is empty and is shown, not replayed",
                    ));
                }
            }
            _ => self.opened.push(Diagnostic::error(
                "hfs.journal",
                format!(
                    "no journal header (magic JNLx) at byte {header_at:#x}, where the journal info block puts it"
                ),
            )),
        }
    }

    /// The alternate copy of the header at `primary`: 1024 bytes before
    /// the end of the source, or near the end of the allocation blocks
    /// (writers differ: 1024 bytes before their end, or in their last
    /// block), searched in 512-byte steps, a bounded number of reads.
    fn alternate(
        &self,
        primary: u64,
        is: fn(&[u8]) -> bool,
        blocks_end: u64,
    ) -> Option<(u64, Vec<u8>)> {
        let mut candidates = Vec::new();
        if self.embed == 0
            && let Some(at) = self.source.len().checked_sub(1024)
        {
            candidates.push(at);
        }
        let low = blocks_end.saturating_sub(2 * self.geometry.block.min(1 << 16));
        let mut at = blocks_end.saturating_add(512);
        while at >= low && at > primary && candidates.len() < 300 {
            candidates.push(at);
            at = match at.checked_sub(512) {
                Some(next) => next,
                None => break,
            };
        }
        candidates
            .into_iter()
            .filter(|&at| at != primary)
            .find_map(|at| {
                let bytes = self.source.read_vec(at, 512).ok()?;
                is(&bytes).then_some((at, bytes))
            })
    }

    fn compare_copies(&mut self, what: &str, at: u64, pairs: &[(&str, u64, u64)]) {
        for (field, primary, alternate) in pairs {
            if primary != alternate {
                self.opened.push(
                    Diagnostic::warning(
                        "hfs.alternate-differs",
                        format!(
                            "the alternate {what} at byte {:#x} says {field} {alternate}, the primary {primary}",
                            self.map.base + at
                        ),
                    )
                    .at(Location::Offset(self.map.base + at)),
                );
            }
        }
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

/// Follows a fork's extents in the overflow file.
fn extents_overflow(fs: &HfsFs, file: u32, rsrc: bool, fork: &mut Fork, needed: u64, what: &str) {
    let fork_type = if rsrc {
        extents::RESOURCE
    } else {
        extents::DATA
    };
    let Ok(have) = u32::try_from(fork.blocks()) else {
        return;
    };
    let sought = extents::ExtentKey {
        file,
        fork: fork_type,
        start: have,
    };
    let format = fs.format;
    let mut records = 0usize;
    let mut gap = None;
    let target = |key: &[u8]| {
        extents::ExtentKey::parse(format, key)
            .map_or(std::cmp::Ordering::Less, |k| k.order(&sought))
    };
    let mut visit = |_: &btree::Node, _: usize, key: &[u8], data: &[u8]| {
        let Some(k) = extents::ExtentKey::parse(format, key) else {
            return false;
        };
        if k.file != file || k.fork != fork_type {
            return false;
        }
        records += 1;
        let have = fork.blocks();
        if u64::from(k.start) != have {
            gap = Some((k.start, have));
            return false;
        }
        fork.extend(extents::record(format, data));
        fork.blocks() < needed && records < MAX_OVERFLOW_RECORDS
    };
    let tree = fs.extents.clone();
    if let Err(e) = fs.scan(&tree, &target, &mut visit) {
        fs.note(Diagnostic::error(
            "hfs.extents",
            format!("{what}: the extents overflow file cannot be read: {e}"),
        ));
    }
    if let Some((start, have)) = gap {
        fs.note(Diagnostic::error(
            "hfs.extents",
            format!("{what}: the next overflow extents start at fork block {start}, not {have}"),
        ));
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Filesystem for HfsFs {
    fn kind(&self) -> FsKind {
        match self.format {
            Format::Hfs => FsKind::Hfs,
            Format::Plus => FsKind::HfsPlus,
        }
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

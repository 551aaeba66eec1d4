//! Opening a volume: the master directory block or volume header checked
//! before use, the two B-trees found, the root folder read, the bounded
//! checks run.

use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::fs::hfs::btree::Tree;
use crate::fs::hfs::catalog::{self, Edition};
use crate::fs::hfs::fork::{AllocationBlocks, Fork};
use crate::fs::hfs::mdb::{self, Mdb};
use crate::fs::hfs::name::{self, Order};
use crate::fs::hfs::volume_header::{self, ForkData, VolumeHeader};
use crate::fs::hfs::{Cache, HfsFs, OPEN_CHECK_NODES, Placement, listing};
use crate::io::ReadAt;
use crate::structure::Structure;

impl HfsFs {
    pub(super) fn open_hfs(
        source: Arc<dyn ReadAt>,
        map: Placement,
        mdb: &Mdb,
        head: &[u8],
    ) -> Result<HfsFs> {
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
        let geometry = AllocationBlocks {
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
            Edition::Hfs,
            geometry,
            extents_fork,
            &catalog_start,
            opened,
        )?;
        fs.label = name::mac_roman(&label_raw);
        fs.label_raw = label_raw;
        // Finder info words 6 and 7, as on HFS+ (blkid's UUID source).
        let id = head
            .get(116..124)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_be_bytes);
        fs.volume_id = (id != 0).then_some(id);
        fs.hfs_structures(mdb, head);
        fs.finish_open();
        Ok(fs)
    }

    pub(super) fn open_plus(
        source: Arc<dyn ReadAt>,
        map: Placement,
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
        let geometry = AllocationBlocks {
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
            Edition::Plus,
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
        // The volume's name is the root folder's: its thread's, or its
        // record's key when the thread is missing.
        let name = fs.root_name().or_else(|| {
            listing::record_at(&fs, fs.root.id)
                .ok()
                .map(|(key, _)| key.raw)
        });
        if let Some(root) = name {
            fs.label = catalog::text(Edition::Plus, &root);
            fs.label_raw = root;
        }
        Ok(fs)
    }

    /// Opens the two B-trees and finds the root folder.
    fn assemble(
        source: Arc<dyn ReadAt>,
        map: Placement,
        format: Edition,
        geometry: AllocationBlocks,
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
            order: if format == Edition::Hfs {
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
        if format == Edition::Hfs && fs.catalog.node_size != 512 {
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
}

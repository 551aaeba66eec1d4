//! FAT12, FAT16 and FAT32.
//!
//! The boot sector is validated before anything else is read; chains are
//! bounded by the cluster count and stop at the first cycle; directories are
//! read only when asked. Node ids are the byte offsets of the entries, so a
//! node can be re-read from disk without any state.

pub mod bpb;
pub mod chains;
mod check;
pub mod dir;
pub mod fsinfo;
pub mod geometry;
mod listing;
pub mod nested;
pub mod oem;
pub mod table;

use std::sync::{Arc, Mutex};

pub use bpb::{Bpb, FatType};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::fs::{DirectoryKey, FileExtent, Filesystem, FsKind, Node, NodeKind};
use crate::io::ReadAt;
use crate::structure::{Kind, Place, Structure};
use crate::units::Lba;
use crate::volume::Volume;
use chains::{Asker, Chain, ChainIndex};
use dir::Short;
use fsinfo::FsInfo;
use table::AllocationTable;

/// The id of the root directory (byte 0 is the boot sector, never an entry).
pub const ROOT_ID: u64 = 0;
/// The most bytes one directory may hold (65,536 entries, fatgen103 §6).
pub const MAX_DIR_BYTES: u64 = 65_536 * 32;
/// Runtime findings kept at most.
const MAX_FINDINGS: usize = 1000;

/// How volume bytes map to medium sectors (for extents).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectorMap {
    /// Where byte 0 of the volume sits in the medium's block space.
    pub base: u64,
    /// Bytes per medium sector.
    pub block: u64,
}

impl SectorMap {
    /// Where byte `offset` of the volume sits in the medium's user data.
    fn place(&self, offset: u64) -> Place {
        Place::Medium(self.base.saturating_add(offset))
    }

    fn lba(&self, offset: u64) -> Lba {
        Lba(i64::try_from(self.base.saturating_add(offset) / self.block.max(1)).unwrap_or(i64::MAX))
    }
}

/// An open FAT volume.
pub struct FatFs {
    source: Arc<dyn ReadAt>,
    map: SectorMap,
    pub bpb: Bpb,
    boot: Vec<u8>,
    table: AllocationTable,
    label: String,
    root_label: Option<String>,
    opened: Vec<Diagnostic>,
    findings: Mutex<Vec<Diagnostic>>,
    /// Every chain walked so far: each is walked once, and sharing found.
    chains: Mutex<ChainIndex>,
}

impl std::fmt::Debug for FatFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FatFs")
            .field("type", &self.bpb.fat_type)
            .field("label", &self.label)
            .field("clusters", &self.bpb.clusters)
            .finish()
    }
}

/// Looks for FAT on a volume: `None` when the first sector is not FAT,
/// `Some(Err)` when it is FAT but unusable (a clear error for the user).
pub fn probe(volume: &Volume) -> Option<Result<FatFs>> {
    let map = SectorMap {
        base: volume.base(),
        block: volume.block_size(),
    };
    probe_source(Arc::new(volume.clone()), map)
}

/// [`probe`] over any byte source.
pub fn probe_source(source: Arc<dyn ReadAt>, map: SectorMap) -> Option<Result<FatFs>> {
    let boot = source.read_vec(0, 512).ok()?;
    if !bpb::looks_like_fat(&boot) {
        return None;
    }
    Some(FatFs::open(source, map))
}

impl FatFs {
    /// Opens a FAT volume whose boot sector is at byte 0 of `source`.
    pub fn open(source: Arc<dyn ReadAt>, map: SectorMap) -> Result<FatFs> {
        let boot = source.read_vec(0, 512)?;
        let bpb = bpb::parse(&boot)?;
        let mut opened = Vec::new();
        let claimed = bpb.total_sectors.saturating_mul(bpb.bytes_per_sector);
        if claimed > source.len() {
            opened.push(Diagnostic::warning(
                "fat.truncated",
                format!(
                    "the boot sector claims {claimed} bytes but the volume has {}; reads past the end fail",
                    source.len()
                ),
            ));
        }
        if bpb.fat_offset >= source.len() {
            return Err(Error::invalid(
                Position::Byte(14),
                "FAT boot sector",
                "reserved sectors",
                format!("a first FAT inside the volume's {} bytes", source.len()),
                format!("a first FAT at byte {:#x}", bpb.fat_offset),
            ));
        }
        let table = AllocationTable::new(source.as_ref(), &bpb)?;
        if u64::from(table.max_cluster) < bpb.clusters + 1 {
            opened.push(Diagnostic::warning(
                "fat.fat-too-small",
                format!(
                    "the FAT has room for clusters up to {} but the data region has {}",
                    table.max_cluster, bpb.clusters
                ),
            ));
        }
        let mut fs = FatFs {
            source,
            map,
            bpb,
            boot,
            table,
            label: String::new(),
            root_label: None,
            opened,
            findings: Mutex::new(Vec::new()),
            chains: Mutex::new(ChainIndex::default()),
        };
        fs.check_at_open()?;
        let root = fs.root()?;
        fs.root_label = listing::find_label(&fs, &root);
        // The root's entries are listed now, so that what they share
        // (cross-linked chains) is found by every command, `info` too; each
        // chain is walked once, and the listing is small.
        let _ = listing::children(&fs, &root);
        fs.label = fs
            .root_label
            .clone()
            .or_else(|| fs.bpb.label.clone())
            .unwrap_or_default();
        Ok(fs)
    }

    /// The label in the root directory's volume entry (blkid's `LABEL`).
    pub fn root_label(&self) -> Option<&str> {
        self.root_label.as_deref()
    }

    /// The label in the boot sector, unless it is `NO NAME` (blkid's
    /// `LABEL_FATBOOT`).
    pub fn boot_label(&self) -> Option<&str> {
        self.bpb.label.as_deref()
    }

    pub fn fat_type(&self) -> FatType {
        self.bpb.fat_type
    }

    fn check_at_open(&mut self) -> Result<()> {
        let bpb = self.bpb.clone();
        let mut found = Vec::new();
        if bpb.fat_type != FatType::Fat32 && bpb.clusters >= 65_525 {
            found.push(Diagnostic::warning(
                "fat.type-mismatch",
                format!("{} clusters is too many for FAT16", bpb.clusters),
            ));
        }
        if bpb.fat_type == FatType::Fat32 && bpb.clusters < 65_525 {
            found.push(Diagnostic::info(
                "fat.small-fat32",
                format!(
                    "FAT32 with only {} clusters (the specification calls that FAT16)",
                    bpb.clusters
                ),
            ));
        }
        if !crate::partition::signed(&self.boot) {
            found.push(Diagnostic::warning(
                "fat.boot-signature",
                "the boot sector lacks the 0x55AA signature",
            ));
        }
        if self.map.base == 0
            && let Some(message) = geometry::disagreement(
                self.source.len(),
                bpb.total_sectors,
                bpb.heads,
                bpb.sectors_per_track,
            )
        {
            found.push(Diagnostic::warning("fat.geometry", message));
        }
        if self.table.dirty(self.source.as_ref()) {
            found.push(Diagnostic::warning(
                "fat.dirty",
                "the volume was not unmounted cleanly (dirty bit set in FAT entry 1)",
            ));
        }
        if let Some(media) = self.table.raw(self.source.as_ref(), 0)
            && media & 0xFF != u32::from(bpb.media)
        {
            found.push(Diagnostic::warning(
                "fat.media-mismatch",
                format!(
                    "FAT entry 0 holds media byte {:#04x}, the boot sector {:#04x}",
                    media & 0xFF,
                    bpb.media
                ),
            ));
        }
        if bpb.fat_bytes() <= 16 << 20 {
            for n in 1..bpb.fats {
                if let Some((count, first)) = table::compare_copies(self.source.as_ref(), &bpb, n)?
                {
                    found.push(
                        Diagnostic::warning(
                            "fat.copies-differ",
                            format!("FAT copy {} differs from copy 1 in {count} bytes, first at byte {first:#x} of the FAT", n + 1),
                        )
                        .at(Location::Offset(bpb.fat_offset + n * bpb.fat_bytes() + first)),
                    );
                }
            }
        }
        if let Some(at) = self.fsinfo_offset() {
            let info = self
                .source
                .read_vec(at, FsInfo::LAYOUT.size)
                .ok()
                .and_then(|s| FsInfo::decode(&s).ok())
                .filter(FsInfo::is_valid);
            match info.as_ref().and_then(FsInfo::free) {
                Some(free) if u64::from(free) > bpb.clusters => found.push(Diagnostic::warning(
                    "fat.fsinfo-free",
                    format!("FSInfo claims {free} free clusters of {}", bpb.clusters),
                )),
                _ if info.is_none() => found.push(Diagnostic::warning(
                    "fat.fsinfo-signature",
                    format!("no valid FSInfo sector at sector {}", bpb.fsinfo_sector),
                )),
                _ => {}
            }
        }
        self.opened.extend(found);
        Ok(())
    }

    fn note(&self, diagnostic: Diagnostic) {
        if let Ok(mut findings) = self.findings.lock()
            && findings.len() < MAX_FINDINGS
            && !findings.contains(&diagnostic)
        {
            findings.push(diagnostic);
        }
    }

    /// The chain of `first` as the entry at byte `id` (named `what`) asks
    /// for it: walked once per volume, shared after that (problems and
    /// sharing are noted by the index). At most `limit` clusters of it.
    fn chain_of(&self, first: u32, limit: u64, id: u64, what: &str) -> Arc<Chain> {
        let asker = Asker { id, name: what };
        let chain = match self.chains.lock() {
            Ok(mut index) => index.chain(&self.table, self.source.as_ref(), first, &asker),
            Err(_) => Arc::new(Chain::default()),
        };
        if chain.len > limit {
            self.note(Diagnostic::error(
                "fat.chain",
                format!("{what}: the chain is longer than {limit} clusters; only those are read"),
            ));
            return Arc::new(chain.prefix(limit));
        }
        chain
    }

    /// Data extents of a chain, clipped to `size` bytes.
    fn extents(&self, chain: &Chain, size: u64) -> Vec<FileExtent> {
        let cluster = self.bpb.cluster_bytes();
        let mut out: Vec<FileExtent> = Vec::new();
        let mut left = size;
        for run in &chain.runs {
            if left == 0 {
                break;
            }
            let bytes = left.min(u64::from(run.count).saturating_mul(cluster));
            left -= bytes;
            out.push(FileExtent {
                lba: self.map.lba(self.bpb.cluster_offset(run.first)),
                bytes,
            });
        }
        out
    }

    /// The FSInfo sector's byte offset, when the volume names one.
    fn fsinfo_offset(&self) -> Option<u64> {
        let bpb = &self.bpb;
        (bpb.fat_type == FatType::Fat32 && bpb.fsinfo_sector != 0 && bpb.fsinfo_sector != 0xFFFF)
            .then(|| u64::from(bpb.fsinfo_sector) * bpb.bytes_per_sector)
    }

    /// Re-reads the short entry at byte `id`.
    fn entry_at(&self, id: u64) -> Result<Short> {
        Short::decode(&self.source.read_vec(id, dir::ENTRY)?)
    }
}

impl Filesystem for FatFs {
    fn kind(&self) -> FsKind {
        self.bpb.fat_type.fs_kind()
    }

    fn budget(&self) -> Option<&std::sync::Arc<crate::budget::Budget>> {
        self.source.budget()
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn root(&self) -> Result<Node> {
        let (size, extents) = match self.bpb.fat_type {
            FatType::Fat32 => {
                let chain = self.chain_of(
                    self.bpb.root_cluster,
                    MAX_DIR_BYTES / self.bpb.cluster_bytes() + 1,
                    ROOT_ID,
                    "root directory",
                );
                let size = chain.len * self.bpb.cluster_bytes();
                (size, self.extents(&chain, size))
            }
            _ => (
                self.bpb.root_dir_bytes,
                vec![FileExtent {
                    lba: self.map.lba(self.bpb.root_dir_offset),
                    bytes: self.bpb.root_dir_bytes,
                }],
            ),
        };
        Ok(Node::new(
            ROOT_ID,
            String::new(),
            NodeKind::Dir,
            size,
            extents,
        ))
    }

    fn children(&self, dir: &Node) -> Result<Vec<Node>> {
        listing::children(self, dir)
    }

    fn read(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
        listing::read(self, file, offset, buf)
    }

    fn structures(&self) -> Vec<Structure> {
        let bpb = &self.bpb;
        let fat32 = bpb.fat_type == FatType::Fat32;
        let mut out = vec![bpb::structure(&self.boot, fat32, self.map.place(0))];
        if let Some(at) = self.fsinfo_offset()
            && let Ok(sector) = self.source.read_vec(at, FsInfo::LAYOUT.size)
        {
            out.push(FsInfo::LAYOUT.structure(&sector, self.map.place(at)));
        }
        if fat32 && bpb.backup_boot_sector != 0 && bpb.backup_boot_sector != 0xFFFF {
            let at = u64::from(bpb.backup_boot_sector) * bpb.bytes_per_sector;
            // The copy reads like the original when it is one.
            let copy = self.source.read_vec(at, 512).unwrap_or_default();
            out.push(Structure {
                name: "Backup boot sector".to_owned(),
                ..bpb::structure(&copy, fat32, self.map.place(at))
            });
        }
        for n in 0..bpb.fats {
            out.push(Structure::new(
                Kind::Fat,
                format!("FAT copy {}", n + 1),
                self.map.place(bpb.fat_offset + n * bpb.fat_bytes()),
                bpb.fat_bytes(),
            ));
        }
        if !fat32 {
            out.push(Structure::new(
                Kind::Directory,
                "Root directory",
                self.map.place(bpb.root_dir_offset),
                bpb.root_dir_bytes,
            ));
        }
        out
    }

    fn directory_structures(&self, block: &[u8], position: u64) -> Vec<Structure> {
        dir::structures(block, position)
    }

    /// The byte offset of the directory's first cluster: clusters may be
    /// smaller than the medium's sectors (an EFI image inside an ISO), so
    /// sectors cannot tell two directories apart.
    fn directory_key(&self, dir: &Node) -> DirectoryKey {
        let first = if dir.id == ROOT_ID {
            0
        } else {
            match self.entry_at(dir.id) {
                Ok(short) => short.first_cluster,
                Err(_) => return DirectoryKey::Id(dir.id),
            }
        };
        // Cluster 0 is how a `..` entry names the root.
        DirectoryKey::Byte(match (first, self.bpb.fat_type) {
            (0, FatType::Fat32) => self.bpb.cluster_offset(self.bpb.root_cluster),
            (0, _) => self.bpb.root_dir_offset,
            (cluster, _) => self.bpb.cluster_offset(cluster),
        })
    }

    fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.opened.clone();
        if let Ok(findings) = self.findings.lock() {
            out.extend(findings.iter().cloned());
        }
        if let Ok(chains) = self.chains.lock() {
            out.extend(chains.diagnostics());
        }
        out
    }

    fn check(&self) -> Vec<Diagnostic> {
        FatFs::check(self)
    }
}

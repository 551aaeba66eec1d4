//! Filesystems read from volumes: the common model every format fills in.
//!
//! A filesystem never knows whether its volume came from a raw 2352 track, a
//! cooked ISO or a partition. It reports data positions as volume extents, so
//! every file maps to disc sectors and every sector maps back to an owner.

pub mod fat;
pub mod hfs;
pub mod iso9660;
pub mod udf;
pub mod walk;

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::structure::Structure;
use crate::timestamp::Timestamp;
use crate::units::Lba;

/// Which filesystem a view reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FsKind {
    Iso9660,
    Joliet,
    RockRidge,
    /// El Torito boot images as files.
    ElTorito,
    Fat12,
    Fat16,
    Fat32,
    /// UDF (ECMA-167 / OSTA UDF 1.02–2.60).
    Udf,
    /// HFS (Mac OS Standard).
    Hfs,
    /// HFS+ and HFSX (Mac OS Extended).
    HfsPlus,
}

impl FsKind {
    /// The name in `info --json` and `--fs`.
    pub fn as_str(self) -> &'static str {
        match self {
            FsKind::Iso9660 => "iso9660",
            FsKind::Joliet => "joliet",
            FsKind::RockRidge => "rockridge",
            FsKind::ElTorito => "eltorito",
            FsKind::Fat12 => "fat12",
            FsKind::Fat16 => "fat16",
            FsKind::Fat32 => "fat32",
            FsKind::Udf => "udf",
            FsKind::Hfs => "hfs",
            FsKind::HfsPlus => "hfsplus",
        }
    }

    /// The view `--fs NAME` asks for, with its aliases (`iso`, `plain`,
    /// `rr`, `boot`, ...).
    pub fn parse(name: &str) -> Option<FsKind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "iso" | "plain" | "iso9660" => FsKind::Iso9660,
            "joliet" => FsKind::Joliet,
            "rr" | "rockridge" | "rock-ridge" => FsKind::RockRidge,
            "boot" | "eltorito" | "el-torito" => FsKind::ElTorito,
            "fat12" => FsKind::Fat12,
            "fat16" => FsKind::Fat16,
            "fat32" => FsKind::Fat32,
            "udf" => FsKind::Udf,
            "hfs" => FsKind::Hfs,
            "hfsplus" | "hfs+" | "hfsx" => FsKind::HfsPlus,
            _ => return None,
        })
    }

    /// Lower is richer: the default view is the richest one found.
    pub fn rank(self) -> u8 {
        match self {
            FsKind::Udf => 0,
            FsKind::RockRidge => 1,
            FsKind::Joliet => 2,
            FsKind::Iso9660 => 3,
            // Below ISO 9660 on hybrid discs (a PC reads the ISO side).
            FsKind::Hfs | FsKind::HfsPlus => 4,
            FsKind::Fat12 | FsKind::Fat16 | FsKind::Fat32 => 5,
            FsKind::ElTorito => 9,
        }
    }

    /// One of the ISO 9660 family's views (plain, Joliet, Rock Ridge).
    pub fn is_iso9660(self) -> bool {
        matches!(self, FsKind::Iso9660 | FsKind::Joliet | FsKind::RockRidge)
    }
}

impl std::fmt::Display for FsKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl serde::Serialize for FsKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What a directory entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    File,
    Dir,
    Symlink,
    Other,
}

impl NodeKind {
    /// The name used in `ls --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::File => "file",
            NodeKind::Dir => "dir",
            NodeKind::Symlink => "symlink",
            NodeKind::Other => "other",
        }
    }
}

/// A run of a file's data: `bytes` bytes from the start of sector `lba`.
/// For optical media `lba` is the disc LBA of a 2048-byte block; for disks
/// it is the disk sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileExtent {
    pub lba: Lba,
    pub bytes: u64,
}

/// An entry of a filesystem tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Unique within its filesystem and stable across runs: derived from the
    /// on-disk position of the record, never from the name (hostile images
    /// repeat names).
    pub id: u64,
    /// The name as text (escape it for display). When the stored bytes
    /// are not valid in the name's encoding, each such byte shows as
    /// `\xNN` here and [`Node::raw_name`] keeps the bytes.
    pub name: String,
    /// The stored bytes of a name that is not valid text (a Latin-1 Rock
    /// Ridge name, say); `None` when `name` says it all.
    pub raw_name: Option<Vec<u8>>,
    pub kind: NodeKind,
    /// Size in bytes of the data `read` returns.
    pub size: u64,
    pub extents: Vec<FileExtent>,
    pub mtime: Option<Timestamp>,
    /// Unix permission bits, when the format records them.
    pub mode: Option<u32>,
    /// A symlink's target.
    pub target: Option<String>,
    /// A deleted entry still present on disk (FAT).
    pub deleted: bool,
    /// Format-specific facts worth showing (attributes, XA, interleave ...).
    pub notes: Vec<(String, String)>,
}

impl Node {
    /// An entry with no dates, permissions, target or notes yet.
    pub fn new(id: u64, name: String, kind: NodeKind, size: u64, extents: Vec<FileExtent>) -> Node {
        Node {
            id,
            name,
            raw_name: None,
            kind,
            size,
            extents,
            mtime: None,
            mode: None,
            target: None,
            deleted: false,
            notes: Vec::new(),
        }
    }

    /// The name's bytes as stored where they are not text, else the
    /// name's UTF-8: what extraction writes on Unix.
    pub fn stored_name(&self) -> &[u8] {
        self.raw_name.as_deref().unwrap_or(self.name.as_bytes())
    }
}

/// What makes two directory nodes the same directory on disk, so a walk
/// can tell a directory that contains itself from one reached twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectoryKey {
    /// The first sector of its entries.
    Sector(Lba),
    /// The byte offset of its entries in the filesystem's volume, for
    /// formats whose directories may share a sector (FAT clusters of 512
    /// bytes inside a 2048-byte ISO sector).
    Byte(u64),
    /// Its node id, for directories with no data of their own.
    Id(u64),
}

/// Choices that change how views read names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewOptions {
    /// Keep identifiers as recorded (`;1` versions, trailing dots).
    pub raw_names: bool,
}

/// One filesystem view of a medium, where it was found.
#[derive(Clone, Debug)]
pub struct View {
    pub kind: FsKind,
    pub label: String,
    /// The track number it lives on (optical media).
    pub track: Option<u8>,
    /// The partition index it lives in (disks and isohybrid system areas).
    pub partition: Option<u32>,
    /// Its first sector.
    pub start: Lba,
    pub size_bytes: u64,
    pub fs: Arc<dyn Filesystem>,
}

/// A readable filesystem view.
pub trait Filesystem: Send + Sync + std::fmt::Debug {
    /// Which filesystem (and which view of it) this is.
    fn kind(&self) -> FsKind;
    /// The volume label.
    fn label(&self) -> String;
    /// The root directory.
    fn root(&self) -> Result<Node>;
    /// The entries of a directory, read when asked.
    fn children(&self, dir: &Node) -> Result<Vec<Node>>;
    /// Reads file data; returns fewer bytes only at the end of the file.
    fn read(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize>;
    /// The on-disk structures, for `locate` and the inspector.
    fn structures(&self) -> Vec<Structure>;
    /// The structures in one block of a directory's data (ISO 9660
    /// records, FAT entries), decoded from `block`, the block's bytes,
    /// which sit at medium position `position`.
    fn directory_structures(&self, _block: &[u8], _position: u64) -> Vec<Structure> {
        Vec::new()
    }
    /// What the reader found odd so far.
    fn diagnostics(&self) -> Vec<Diagnostic>;
    /// The work and memory budget of the image the volume lies in, when
    /// it lies in one (see [`crate::budget`]); walks draw on it.
    fn budget(&self) -> Option<&Arc<crate::budget::Budget>> {
        None
    }
    /// A whole-volume check (what `verify` runs): every finding of a walk
    /// over the whole volume (FAT: cross-linked chains, directory loops;
    /// HFS: the B-trees), with those found so far.
    fn check(&self) -> Vec<Diagnostic> {
        self.diagnostics()
    }
    /// Where a directory's entries are (see [`DirectoryKey`]). The first
    /// sector of its data suits formats whose directories start on a
    /// sector of their own.
    fn directory_key(&self, dir: &Node) -> DirectoryKey {
        match dir.extents.first() {
            Some(e) => DirectoryKey::Sector(e.lba),
            None => DirectoryKey::Id(dir.id),
        }
    }
    /// Facts about the volume as a whole for `info` (UDF: revisions,
    /// implementation, volume set, block size), in the order shown.
    fn details(&self) -> Vec<Detail> {
        Vec::new()
    }
    /// A node's own on-disk records beside its data (UDF: its file entry),
    /// for `locate`; found without reading the image again where the
    /// reader already knows them.
    fn node_records(&self, _node: &Node) -> Vec<NodeRecord> {
        Vec::new()
    }
    /// The resource fork of a file, for formats with forks (HFS), when it
    /// is not empty. It is also listed beside its file as `name:rsrc`.
    fn resource_fork(&self, _file: &Node) -> Option<Node> {
        None
    }
    /// Whether a node is a named fork listed beside its file (`name:rsrc`)
    /// rather than a file of its own: extraction writes it only as part
    /// of an AppleDouble file.
    fn is_named_fork(&self, _node: &Node) -> bool {
        false
    }
    /// A file's 32 bytes of Finder info (type, creator, flags, ...), for
    /// formats that keep them (HFS).
    fn finder_info(&self, _file: &Node) -> Option<[u8; 32]> {
        None
    }
}

/// The kind and permissions as `ls -l` prints them (`drwxr-xr-x`, set-id
/// and sticky bits as `s`/`t`); `-` in every permission field when the
/// format records none (plain ISO 9660, Joliet, FAT).
pub fn mode_text(kind: NodeKind, mode: Option<u32>) -> [u8; 10] {
    let kind = match kind {
        NodeKind::Dir => b'd',
        NodeKind::Symlink => b'l',
        NodeKind::File => b'-',
        NodeKind::Other => b'?',
    };
    let mode = mode.unwrap_or(0);
    let mut text = [kind, b'-', b'-', b'-', b'-', b'-', b'-', b'-', b'-', b'-'];
    // Owner, group, others; set-user-ID, set-group-ID and sticky show in
    // the execute field, in capitals when execute is off.
    let classes = [(6, 0o4000, b's'), (3, 0o2000, b's'), (0, 0o1000, b't')];
    let fields = text.get_mut(1..).unwrap_or_default().chunks_mut(3);
    for (slots, (shift, special, letter)) in fields.zip(classes) {
        let bits = (mode >> shift) & 7;
        for (slot, (bit, on)) in slots.iter_mut().zip([(4, b'r'), (2, b'w'), (1, b'x')]) {
            if bits & bit != 0 {
                *slot = on;
            }
        }
        if mode & special != 0
            && let Some(execute) = slots.last_mut()
        {
            *execute = if *execute == b'x' {
                letter
            } else {
                letter.to_ascii_uppercase()
            };
        }
    }
    text
}

/// One fact of [`Filesystem::details`]: a snake_case key and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    pub key: &'static str,
    /// What people read before the value in text `info`.
    pub label: &'static str,
    pub value: crate::structure::Value,
}

/// One on-disk record that belongs to a node (see
/// [`Filesystem::node_records`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRecord {
    pub kind: crate::structure::Kind,
    pub name: &'static str,
    /// Byte position in the medium's user data.
    pub position: u64,
    pub length: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_read_as_ls_prints_them() {
        let text = |kind, mode| String::from_utf8_lossy(&mode_text(kind, mode)).into_owned();
        assert_eq!(text(NodeKind::Dir, Some(0o755)), "drwxr-xr-x");
        assert_eq!(text(NodeKind::File, Some(0o644)), "-rw-r--r--");
        assert_eq!(text(NodeKind::Symlink, Some(0o777)), "lrwxrwxrwx");
        assert_eq!(text(NodeKind::File, Some(0o4755)), "-rwsr-xr-x");
        assert_eq!(text(NodeKind::File, Some(0o2644)), "-rw-r-Sr--");
        assert_eq!(text(NodeKind::Dir, Some(0o1777)), "drwxrwxrwt");
        assert_eq!(text(NodeKind::Dir, Some(0o1776)), "drwxrwxrwT");
        assert_eq!(text(NodeKind::Dir, None), "d---------");
    }
}

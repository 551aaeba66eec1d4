//! Filesystems read from volumes: the common model every format fills in.
//!
//! A filesystem never knows whether its volume came from a raw 2352 track, a
//! cooked ISO or a partition. It reports data positions as volume extents, so
//! every file maps to disc sectors and every sector maps back to an owner.

pub mod fat;
pub mod iso9660;
pub mod probe;
mod timestamp;
pub mod walk;

pub use timestamp::Timestamp;

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::units::Lba;

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
    /// The true name (escape it for display).
    pub name: String,
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

/// An on-disk structure of a filesystem (volume descriptor, path table, boot
/// catalog, BPB, FAT ...), as a byte range the inspector can annotate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Structure {
    /// The owner kind used by `locate` (`volume_descriptor`, `path_table`,
    /// `boot_catalog`, `system_area`, `bpb`, `fat`, ...).
    pub kind: &'static str,
    /// A short human name ("Primary volume descriptor").
    pub name: String,
    pub lba: Lba,
    pub bytes: u64,
    /// Decoded fields, in offset order.
    pub fields: Vec<Field>,
}

/// One decoded field of a structure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Byte offset from the start of the structure.
    pub offset: u64,
    pub length: u64,
    pub name: &'static str,
    /// The decoded value as text (escape it for display).
    pub value: String,
    /// A one-line meaning and spec reference.
    pub meaning: &'static str,
}

/// A readable filesystem view.
pub trait Filesystem: Send + Sync + std::fmt::Debug {
    /// `iso9660`, `joliet`, `rockridge`, `eltorito`, `fat12`, ...
    fn kind(&self) -> &'static str;
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
    /// What the reader found odd so far.
    fn diagnostics(&self) -> Vec<Diagnostic>;
}

//! The catalog: keys (parent folder and name), folder and file records,
//! and the thread records that lead from a catalog node ID back to its
//! parent and name.
//!
//! Sources: Inside Macintosh: Files "Catalog File" (HFS: cdrDirRec 70
//! bytes, cdrFilRec 102 bytes, cdrThdRec and cdrFThdRec 46 bytes; keys of
//! parent ID and a Str31 name); TN1150 "Catalog File" (HFS+: 16-bit key
//! length, parent ID, HFSUniStr255 name; HFSPlusCatalogFolder 88 bytes,
//! HFSPlusCatalogFile 248 bytes, thread records; BSD permissions; hard
//! links and symbolic links in "Hard Links" and "Symbolic Links").

use crate::fs::hfs::date::{MacDate, MacLocalDate};
use crate::fs::hfs::mdb::ExtentRecord3;
use crate::fs::hfs::name::{self, PascalRoman};
use crate::fs::hfs::volume_header::ForkData;
use crate::structure::{
    Be16, Be16Hex, Be32, Be32Hex, Bytes, Field, Hex8, Raw, Reserved, U8, Value, declare,
};

/// Record types (HFS: the first byte; HFS+: the first 16 bits).
pub const FOLDER: u16 = 1;
pub const FILE: u16 = 2;
pub const FOLDER_THREAD: u16 = 3;
pub const FILE_THREAD: u16 = 4;

/// Well-known catalog node IDs.
pub const ROOT_PARENT: u32 = 1;
pub const ROOT: u32 = 2;
pub const EXTENTS_FILE: u32 = 3;
pub const CATALOG_FILE: u32 = 4;
pub const BAD_BLOCKS_FILE: u32 = 5;
pub const ALLOCATION_FILE: u32 = 6;
pub const STARTUP_FILE: u32 = 7;
pub const ATTRIBUTES_FILE: u32 = 8;
pub const FIRST_USER: u32 = 16;

/// The folder holding hard-linked files' iNodes (four NULs first).
pub const FILE_LINKS_FOLDER: &str = "\0\0\0\0HFS+ Private Data";
/// The folder holding hard-linked folders.
pub const DIR_LINKS_FOLDER: &str = ".HFS+ Private Directory Data\r";

declare! {
    /// An HFS folder record.
    pub struct HfsFolder = "HFS folder record", CatalogRecord, "Inside Macintosh: Files 2-69", 70 {
        0, 1 => kind: U8, "cdrType", "1: folder record";
        1, 1 => reserved: U8, "cdrResrv2", "reserved";
        2, 2 => flags: Be16Hex, "dirFlags", "folder flags";
        4, 2 => valence: Be16, "dirVal", "items in the folder";
        6, 4 => id: Be32, "dirDirID", "the folder's catalog node ID";
        10, 4 => created: MacLocalDate, "dirCrDat", "when the folder was created";
        14, 4 => modified: MacLocalDate, "dirMdDat", "when the folder was last modified";
        18, 4 => backup: MacLocalDate, "dirBkDat", "when the folder was last backed up";
        22, 8 => rect: Bytes, "frRect", "the folder's window on the desktop";
        30, 2 => finder_flags: Be16Hex, "frFlags", "Finder flags (bit 14 invisible)";
        32, 4 => location: Be32Hex, "frLocation", "the folder's place in its parent's window";
        36, 2 => view: Be16, "frView", "how the window shows its contents";
        38, 16 => extended: Bytes, "dirFndrInfo", "more Finder information (DXInfo)";
        54, 16 => reserved2: Reserved, "dirResrv", "reserved";
    }
}

declare! {
    /// An HFS file record.
    pub struct HfsFile = "HFS file record", CatalogRecord, "Inside Macintosh: Files 2-70", 102 {
        0, 1 => kind: U8, "cdrType", "2: file record";
        1, 1 => reserved: U8, "cdrResrv2", "reserved";
        2, 1 => flags: Hex8, "filFlags", "bit 0 locked, bit 1 a file thread exists, bit 7 used";
        3, 1 => version: U8, "filTyp", "file version (0)";
        4, 4 => file_type: Raw<4>, "fdType", "file type (TEXT, APPL, ...)";
        8, 4 => creator: Raw<4>, "fdCreator", "the creating application's signature";
        12, 2 => finder_flags: Be16Hex, "fdFlags", "Finder flags (bit 14 invisible, bit 15 alias, bit 10 custom icon)";
        14, 4 => location: Be32Hex, "fdLocation", "the icon's place in its folder's window";
        18, 2 => window: Be16, "fdFldr", "the window holding the icon";
        20, 4 => id: Be32, "filFlNum", "the file's catalog node ID";
        24, 2 => data_start: Be16, "filStBlk", "first allocation block of the data fork (unused)";
        26, 4 => data_size: Be32, "filLgLen", "bytes in the data fork";
        30, 4 => data_physical: Be32, "filPyLen", "bytes allocated to the data fork";
        34, 2 => rsrc_start: Be16, "filRStBlk", "first allocation block of the resource fork (unused)";
        36, 4 => rsrc_size: Be32, "filRLgLen", "bytes in the resource fork";
        40, 4 => rsrc_physical: Be32, "filRPyLen", "bytes allocated to the resource fork";
        44, 4 => created: MacLocalDate, "filCrDat", "when the file was created";
        48, 4 => modified: MacLocalDate, "filMdDat", "when the file was last modified";
        52, 4 => backup: MacLocalDate, "filBkDat", "when the file was last backed up";
        56, 16 => extended: Bytes, "filFndrInfo", "more Finder information (FXInfo)";
        72, 2 => clump: Be16, "filClpSize", "clump size";
        74, 12 => data_extents: ExtentRecord3, "filExtRec", "first three extents of the data fork";
        86, 12 => rsrc_extents: ExtentRecord3, "filRExtRec", "first three extents of the resource fork";
        98, 4 => reserved2: Reserved, "filResrv", "reserved";
    }
}

declare! {
    /// An HFS thread record.
    pub struct HfsThread = "HFS thread record", CatalogRecord, "Inside Macintosh: Files 2-71", 46 {
        0, 1 => kind: U8, "cdrType", "3: folder thread, 4: file thread";
        1, 1 => reserved: U8, "cdrResrv2", "reserved";
        2, 8 => reserved2: Reserved, "thdResrv", "reserved";
        10, 4 => parent: Be32, "thdParID", "the parent folder's ID";
        14, 32 => name: PascalRoman, "thdCName", "the item's name";
    }
}

declare! {
    /// An HFS+ folder record.
    pub struct PlusFolder = "HFS+ folder record", CatalogRecord, "TN1150 Catalog Folder Records", 88 {
        0, 2 => kind: Be16, "recordType", "1: folder record";
        2, 2 => flags: Be16Hex, "flags", "folder flags (bit 4 has extended attributes)";
        4, 4 => valence: Be32, "valence", "items in the folder";
        8, 4 => id: Be32, "folderID", "the folder's catalog node ID";
        12, 4 => created: MacDate, "createDate", "when the folder was created";
        16, 4 => modified: MacDate, "contentModDate", "when its contents last changed";
        20, 4 => attribute_modified: MacDate, "attributeModDate", "when its attributes last changed";
        24, 4 => accessed: MacDate, "accessDate", "when it was last read";
        28, 4 => backup: MacDate, "backupDate", "when it was last backed up";
        32, 4 => owner: Be32, "ownerID", "owner user ID";
        36, 4 => group: Be32, "groupID", "group ID";
        40, 1 => admin_flags: Hex8, "adminFlags", "flags only the superuser may change";
        41, 1 => owner_flags: Hex8, "ownerFlags", "flags the owner may change";
        42, 2 => mode: crate::structure::Be16, "fileMode", "file type and permission bits (octal)";
        44, 4 => special: Be32, "special", "link count for an iNode, device for a device file";
        48, 16 => user_info: Bytes, "userInfo", "Finder information (window, flags, location)";
        64, 16 => finder_info: Bytes, "finderInfo", "more Finder information";
        80, 4 => encoding: Be32, "textEncoding", "the name's original text encoding";
        84, 4 => folder_count: Be32, "folderCount", "subfolders (reserved before Mac OS X 10.5)";
    }
}

declare! {
    /// An HFS+ file record's fields before its two forks.
    pub struct PlusFile = "HFS+ file record", CatalogRecord, "TN1150 Catalog File Records", 88 {
        0, 2 => kind: Be16, "recordType", "2: file record";
        2, 2 => flags: Be16Hex, "flags", "bit 0 locked, bit 1 a thread exists (always), bit 2 has extended attributes";
        4, 4 => reserved: Reserved, "reserved1", "zero";
        8, 4 => id: Be32, "fileID", "the file's catalog node ID";
        12, 4 => created: MacDate, "createDate", "when the file was created";
        16, 4 => modified: MacDate, "contentModDate", "when its data last changed";
        20, 4 => attribute_modified: MacDate, "attributeModDate", "when its attributes last changed";
        24, 4 => accessed: MacDate, "accessDate", "when it was last read";
        28, 4 => backup: MacDate, "backupDate", "when it was last backed up";
        32, 4 => owner: Be32, "ownerID", "owner user ID";
        36, 4 => group: Be32, "groupID", "group ID";
        40, 1 => admin_flags: Hex8, "adminFlags", "flags only the superuser may change";
        41, 1 => owner_flags: Hex8, "ownerFlags", "flags the owner may change";
        42, 2 => mode: Be16, "fileMode", "file type and permission bits (octal)";
        44, 4 => special: Be32, "special", "iNode number for a hard link, link count for an iNode";
        48, 4 => file_type: Raw<4>, "fileType", "file type (slnk for a symbolic link, hlnk for a hard link)";
        52, 4 => creator: Raw<4>, "fileCreator", "creator (rhap for a symbolic link, hfs+ for a hard link)";
        56, 2 => finder_flags: Be16Hex, "finderFlags", "Finder flags (bit 14 invisible, bit 15 alias)";
        58, 4 => location: Be32Hex, "location", "the icon's place in its folder's window";
        62, 2 => reserved_field: Be16, "reservedField", "reserved";
        64, 16 => finder_info: Bytes, "finderInfo", "more Finder information";
        80, 4 => encoding: Be32, "textEncoding", "the name's original text encoding";
        84, 4 => reserved2: Reserved, "reserved2", "zero";
    }
}

declare! {
    /// The fixed part of an HFS+ thread record (the name follows).
    pub struct PlusThread = "HFS+ thread record", CatalogRecord, "TN1150 Catalog Thread Records", 8 {
        0, 2 => kind: Be16, "recordType", "3: folder thread, 4: file thread";
        2, 2 => reserved: Reserved, "reserved", "zero";
        4, 4 => parent: Be32, "parentID", "the parent folder's ID";
    }
}

/// Which catalog format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    Hfs,
    Plus,
}

/// A catalog key: the parent folder and the item's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub parent: u32,
    /// The name as stored: Mac Roman bytes, or UTF-16 big-endian bytes.
    pub raw: Vec<u8>,
}

impl Key {
    /// Reads a key (its length field included).
    pub fn parse(format: Edition, key: &[u8]) -> Option<Key> {
        let parent = u32::from_be_bytes(key.get(2..6)?.try_into().ok()?);
        let raw = match format {
            Edition::Hfs => {
                let len = usize::from(*key.get(6)?);
                key.get(7..7 + len.min(31))?.to_vec()
            }
            Edition::Plus => {
                let len = usize::from(u16::from_be_bytes(key.get(6..8)?.try_into().ok()?));
                key.get(8..8 + 2 * len.min(255))?.to_vec()
            }
        };
        Some(Key { parent, raw })
    }

    /// The name as text (composed for HFS+).
    pub fn name(&self, format: Edition) -> String {
        text(format, &self.raw)
    }

    /// The name as the order functions take it.
    pub fn units(&self, format: Edition) -> Vec<u16> {
        match format {
            Edition::Hfs => name::roman_units(&self.raw),
            Edition::Plus => name::units(&self.raw),
        }
    }

    /// The key's fields, placed in its record.
    pub fn fields(format: Edition, key: &[u8]) -> Vec<Field> {
        let source = match format {
            Edition::Hfs => "Inside Macintosh: Files 2-68",
            Edition::Plus => "TN1150 Catalog File Key",
        };
        let Some(parsed) = Key::parse(format, key) else {
            return Vec::new();
        };
        let (len_width, name_at, name_len) = match format {
            Edition::Hfs => (1u64, 6u64, 1 + parsed.raw.len() as u64),
            Edition::Plus => (2, 6, 2 + parsed.raw.len() as u64),
        };
        let key_len = if len_width == 1 {
            u64::from(key.first().copied().unwrap_or(0))
        } else {
            u64::from(u16::from_be_bytes([
                key.first().copied().unwrap_or(0),
                key.get(1).copied().unwrap_or(0),
            ]))
        };
        let mut out = vec![Field::new(
            0,
            len_width,
            "keyLength",
            Value::Unsigned(key_len),
            "bytes in the key after this field",
            source,
        )];
        if format == Edition::Hfs {
            out.push(Field::new(
                1,
                1,
                "reserved",
                Value::Unsigned(u64::from(key.get(1).copied().unwrap_or(0))),
                "reserved",
                source,
            ));
        }
        out.push(Field::new(
            2,
            4,
            "parentID",
            Value::Unsigned(u64::from(parsed.parent)),
            "the parent folder's catalog node ID (the item's own ID in a thread's key)",
            source,
        ));
        out.push(Field::new(
            name_at,
            name_len,
            "nodeName",
            Value::Text(parsed.name(format)),
            match format {
                Edition::Hfs => "the name: a length byte and up to 31 Mac Roman characters",
                Edition::Plus => "the name: a length and up to 255 UTF-16 code units, decomposed",
            },
            source,
        ));
        out
    }
}

/// Name bytes as text.
pub fn text(format: Edition, raw: &[u8]) -> String {
    match format {
        Edition::Hfs => name::mac_roman(raw),
        Edition::Plus => name::unicode(&name::units(raw)),
    }
}

/// A fork's size and first extents as the catalog records them.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ForkStart {
    pub logical: u64,
    pub extents: Vec<(u64, u64)>,
}

/// A folder record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    pub id: u32,
    pub valence: u32,
    pub created: u32,
    pub modified: u32,
    pub mode: u16,
    pub owner: u32,
    pub group: u32,
    pub finder_flags: u16,
    /// Folder info and extended folder info (32 bytes).
    pub finder: [u8; 32],
    /// An alias pointing at a hard-linked folder (HFS+).
    pub special: u32,
}

/// A file record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub id: u32,
    pub flags: u16,
    pub created: u32,
    pub modified: u32,
    pub file_type: [u8; 4],
    pub creator: [u8; 4],
    pub finder_flags: u16,
    /// File info and extended file info (32 bytes).
    pub finder: [u8; 32],
    pub mode: u16,
    pub owner: u32,
    pub group: u32,
    /// HFS+: the iNode number of a hard link, the link count of an iNode.
    pub special: u32,
    pub data: ForkStart,
    pub rsrc: ForkStart,
}

impl File {
    /// An HFS+ hard link (its data is the iNode's).
    pub fn is_hard_link(&self) -> bool {
        &self.file_type == b"hlnk" && &self.creator == b"hfs+"
    }

    /// An HFS+ symbolic link (its data fork is the target path).
    pub fn is_symlink(&self) -> bool {
        &self.file_type == b"slnk" && &self.creator == b"rhap"
    }

    /// A Mac OS X folder hard link (an alias to a folder iNode).
    pub fn is_folder_link(&self) -> bool {
        &self.file_type == b"fdrp" && &self.creator == b"MACS"
    }
}

/// A thread record: the way from an ID back to its parent and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    pub folder: bool,
    pub parent: u32,
    pub raw: Vec<u8>,
}

/// A catalog leaf record's data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Folder(Folder),
    File(File),
    Thread(Thread),
}

fn array<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    bytes
        .get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; N])
}

fn finder(data: &[u8], first: usize, second: usize) -> [u8; 32] {
    let mut out = [0u8; 32];
    let (a, b) = out.split_at_mut(16);
    a.copy_from_slice(&array::<16>(data, first));
    b.copy_from_slice(&array::<16>(data, second));
    out
}

impl Record {
    /// The record type of a leaf record's data.
    pub fn kind(format: Edition, data: &[u8]) -> Option<u16> {
        match format {
            Edition::Hfs => data.first().map(|&b| u16::from(b)),
            Edition::Plus => Some(u16::from_be_bytes(data.get(..2)?.try_into().ok()?)),
        }
    }

    /// Reads a leaf record's data; `None` for an unknown type or too few
    /// bytes.
    pub fn parse(format: Edition, data: &[u8]) -> Option<Record> {
        match (format, Record::kind(format, data)?) {
            (Edition::Hfs, FOLDER) => {
                let r = HfsFolder::decode(data).ok()?;
                Some(Record::Folder(Folder {
                    id: r.id,
                    valence: u32::from(r.valence),
                    created: r.created,
                    modified: r.modified,
                    mode: 0,
                    owner: 0,
                    group: 0,
                    finder_flags: r.finder_flags,
                    finder: finder(data, 22, 38),
                    special: 0,
                }))
            }
            (Edition::Hfs, FILE) => {
                let r = HfsFile::decode(data).ok()?;
                let fork = |size: u32, extents: [(u16, u16); 3]| ForkStart {
                    logical: u64::from(size),
                    extents: extents
                        .iter()
                        .map(|&(s, c)| (u64::from(s), u64::from(c)))
                        .collect(),
                };
                Some(Record::File(File {
                    id: r.id,
                    flags: u16::from(r.flags),
                    created: r.created,
                    modified: r.modified,
                    file_type: r.file_type,
                    creator: r.creator,
                    finder_flags: r.finder_flags,
                    finder: finder(data, 4, 56),
                    mode: 0,
                    owner: 0,
                    group: 0,
                    special: 0,
                    data: fork(r.data_size, r.data_extents),
                    rsrc: fork(r.rsrc_size, r.rsrc_extents),
                }))
            }
            (Edition::Hfs, FOLDER_THREAD | FILE_THREAD) => {
                let r = HfsThread::decode(data).ok()?;
                Some(Record::Thread(Thread {
                    folder: data.first() == Some(&3),
                    parent: r.parent,
                    raw: r.name,
                }))
            }
            (Edition::Plus, FOLDER) => {
                let r = PlusFolder::decode(data).ok()?;
                Some(Record::Folder(Folder {
                    id: r.id,
                    valence: r.valence,
                    created: r.created,
                    modified: r.modified,
                    mode: r.mode,
                    owner: r.owner,
                    group: r.group,
                    finder_flags: u16::from_be_bytes(array(data, 56)),
                    finder: finder(data, 48, 64),
                    special: r.special,
                }))
            }
            (Edition::Plus, FILE) => {
                let r = PlusFile::decode(data).ok()?;
                let fork = |at: usize| -> Option<ForkStart> {
                    let f = ForkData::decode(data.get(at..)?).ok()?;
                    Some(ForkStart {
                        logical: f.logical_size,
                        extents: f
                            .extents
                            .iter()
                            .map(|&(s, c)| (u64::from(s), u64::from(c)))
                            .collect(),
                    })
                };
                Some(Record::File(File {
                    id: r.id,
                    flags: r.flags,
                    created: r.created,
                    modified: r.modified,
                    file_type: r.file_type,
                    creator: r.creator,
                    finder_flags: r.finder_flags,
                    finder: finder(data, 48, 64),
                    mode: r.mode,
                    owner: r.owner,
                    group: r.group,
                    special: r.special,
                    data: fork(88)?,
                    rsrc: fork(168)?,
                }))
            }
            (Edition::Plus, FOLDER_THREAD | FILE_THREAD) => {
                let r = PlusThread::decode(data).ok()?;
                let len = usize::from(u16::from_be_bytes(data.get(8..10)?.try_into().ok()?));
                Some(Record::Thread(Thread {
                    folder: Record::kind(format, data) == Some(FOLDER_THREAD),
                    parent: r.parent,
                    raw: data.get(10..10 + 2 * len.min(255))?.to_vec(),
                }))
            }
            _ => None,
        }
    }

    /// The fields of a leaf record's data, placed `shift` bytes into its
    /// record.
    pub fn fields(format: Edition, data: &[u8], shift: u64) -> Vec<Field> {
        match (format, Record::kind(format, data)) {
            (Edition::Hfs, Some(FOLDER)) => HfsFolder::LAYOUT.fields_at(data, shift, None),
            (Edition::Hfs, Some(FILE)) => HfsFile::LAYOUT.fields_at(data, shift, None),
            (Edition::Hfs, Some(FOLDER_THREAD | FILE_THREAD)) => {
                HfsThread::LAYOUT.fields_at(data, shift, None)
            }
            (Edition::Plus, Some(FOLDER)) => PlusFolder::LAYOUT.fields_at(data, shift, None),
            (Edition::Plus, Some(FILE)) => {
                let mut out = PlusFile::LAYOUT.fields_at(data, shift, None);
                for (name, at) in [("data fork", 88usize), ("resource fork", 168)] {
                    if let Some(fork) = data.get(at..at + 80) {
                        out.extend(ForkData::LAYOUT.fields_at(fork, shift + at as u64, Some(name)));
                    }
                }
                out
            }
            (Edition::Plus, Some(FOLDER_THREAD | FILE_THREAD)) => {
                let mut out = PlusThread::LAYOUT.fields_at(data, shift, None);
                if let Some(len) = data.get(8..10) {
                    let n = usize::from(<[u8; 2]>::try_from(len).map_or(0, u16::from_be_bytes))
                        .min(255);
                    let raw = data.get(10..10 + 2 * n).unwrap_or_default();
                    out.push(Field::new(
                        shift + 8,
                        2 + raw.len() as u64,
                        "nodeName",
                        Value::Text(text(format, raw)),
                        "the item's name",
                        "TN1150 Catalog Thread Records",
                    ));
                }
                out
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile() {
        for layout in [
            HfsFolder::LAYOUT,
            HfsFile::LAYOUT,
            HfsThread::LAYOUT,
            PlusFolder::LAYOUT,
            PlusFile::LAYOUT,
            PlusThread::LAYOUT,
        ] {
            assert!(
                layout.tiling().is_exact(),
                "{}: {:?}",
                layout.name,
                layout.tiling()
            );
        }
    }

    #[test]
    fn keys_read_in_both_formats() {
        let hfs = [10u8, 0, 0, 0, 0, 2, 3, b'a', 0x8e, b'b', 0, 0];
        let key = Key::parse(Edition::Hfs, &hfs).unwrap();
        assert_eq!((key.parent, key.name(Edition::Hfs)), (2, "aéb".to_owned()));
        let plus = [0u8, 10, 0, 0, 0, 1, 0, 2, 0, b'e', 3, 1];
        let key = Key::parse(Edition::Plus, &plus).unwrap();
        assert_eq!((key.parent, key.name(Edition::Plus)), (1, "é".to_owned()));
        assert!(Key::parse(Edition::Plus, &plus[..9]).is_none());
        let fields = Key::fields(Edition::Plus, &plus);
        assert_eq!(fields.last().unwrap().value.to_string(), "é");
    }

    #[test]
    fn plus_thread_reads_its_name() {
        let data = [0u8, 3, 0, 0, 0, 0, 0, 1, 0, 2, 0, b'H', 0, b'D'];
        let Some(Record::Thread(t)) = Record::parse(Edition::Plus, &data) else {
            panic!()
        };
        assert!(t.folder);
        assert_eq!(
            (t.parent, text(Edition::Plus, &t.raw)),
            (1, "HD".to_owned())
        );
    }
}

//! Information control blocks: file entries, extended file entries, and the
//! indirect and terminal entries of strategy 4096.
//!
//! Sources: ECMA-167 4/14.6 (ICB tag: strategy, file type, flags with the
//! allocation descriptor type in bits 0-2), 4/14.7 (indirect entry), 4/14.8
//! (terminal entry), 4/14.9 (file entry), 4/14.17 (extended file entry,
//! with creation time and the stream directory ICB), 4/14.9.5
//! (permissions); 4/A.5 (strategy 4096: each ICB extent holds a direct
//! entry followed by an indirect entry pointing at the next extent);
//! OSTA UDF 2.60 §2.3.5 (file types 248-252: VAT, real-time, metadata,
//! metadata mirror, metadata bitmap), §2.3.6 to §2.3.7.

use crate::structure::{
    Codec, Le16, Le16Hex, Le32, Le32Hex, Le64, Reserved, Structure, U8, Value, declare,
};
use crate::timestamp::Timestamp;

use super::descriptor::DescriptorTag;
use super::extent::{LbAddr, LongAd, LongAdCodec, le16, le32, le64};
use super::regid::Regid;
use super::tag;
use super::time::UdfTime;

declare! {
    /// The ICB tag inside every entry.
    pub struct IcbTag = "ICB tag", Icb, "ECMA-167 4/14.6", 20 {
        0, 4 => prior: Le32, "prior recorded number of direct entries", "";
        4, 2 => strategy: Le16, "strategy type", "4: one direct entry; 4096: a chain of entries through indirect entries";
        6, 2 => parameter: Le16, "strategy parameter", "";
        8, 2 => max_entries: Le16, "maximum number of entries", "1 for strategy 4, 2 for 4096";
        10, 1 => reserved: Reserved, "reserved", "zero";
        11, 1 => file_type: FileType, "file type", "what the entry describes";
        12, 6 => parent: LbAddr, "parent ICB location", "";
        18, 2 => flags: Le16Hex, "flags", "bits 0-2 allocation descriptor type (0 short, 1 long, 2 extended, 3 embedded); 6 setuid, 7 setgid, 8 sticky, 9 contiguous, 13 stream";
    }
}

/// The ICB tag as one field of a declaration.
#[derive(Clone, Copy, Debug)]
pub struct IcbTagField;

impl Codec for IcbTagField {
    type Out = ();
    const WIDTH: Option<usize> = Some(20);
    fn decode(_raw: &[u8]) {}
    fn value(raw: &[u8]) -> Value {
        Value::Text(format!(
            "{}, strategy {}",
            file_type_name(raw.get(11).copied().unwrap_or(0)),
            le16(raw, 4)
        ))
    }
}

/// A file type byte.
#[derive(Clone, Copy, Debug)]
pub struct FileType;

impl Codec for FileType {
    type Out = u8;
    const WIDTH: Option<usize> = Some(1);
    fn decode(raw: &[u8]) -> u8 {
        raw.first().copied().unwrap_or(0)
    }
    fn value(raw: &[u8]) -> Value {
        Value::Unsigned(u64::from(Self::decode(raw)))
    }
    fn note(raw: &[u8]) -> Option<String> {
        Some(file_type_name(Self::decode(raw)).to_owned())
    }
}

pub const TYPE_DIRECTORY: u8 = 4;
pub const TYPE_FILE: u8 = 5;
pub const TYPE_SYMLINK: u8 = 12;
pub const TYPE_STREAM_DIRECTORY: u8 = 13;
pub const TYPE_VAT: u8 = 248;
pub const TYPE_METADATA: u8 = 250;
pub const TYPE_METADATA_MIRROR: u8 = 251;
pub const TYPE_METADATA_BITMAP: u8 = 252;

/// A file type's name.
pub fn file_type_name(kind: u8) -> &'static str {
    match kind {
        0 => "unspecified",
        1 => "unallocated space entry",
        2 => "partition integrity entry",
        3 => "indirect entry",
        4 => "directory",
        5 => "file",
        6 => "block device",
        7 => "character device",
        8 => "extended attributes",
        9 => "FIFO",
        10 => "socket",
        11 => "terminal entry",
        12 => "symbolic link",
        13 => "stream directory",
        248 => "virtual allocation table",
        249 => "real-time file",
        250 => "metadata file",
        251 => "metadata mirror file",
        252 => "metadata bitmap file",
        _ => "unknown",
    }
}

declare! {
    /// The fixed part of a file entry; extended attributes and allocation
    /// descriptors follow from byte 176.
    pub struct FileEntry = "File entry", Icb, "ECMA-167 4/14.9", 176 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 261", "ECMA-167 3/7.2";
        16, 20 => icb_tag: IcbTagField, "ICB tag", "strategy, file type, flags", "ECMA-167 4/14.6";
        36, 4 => uid: Le32, "uid", "owner (0xFFFFFFFF: none)";
        40, 4 => gid: Le32, "gid", "group (0xFFFFFFFF: none)";
        44, 4 => permissions: Le32Hex, "permissions", "bits 0-4 others, 5-9 group, 10-14 owner: execute, write, read, change attributes, delete";
        48, 2 => links: Le16, "file link count", "file identifiers naming this entry";
        50, 1 => record_format: U8, "record format", "0: bytes";
        51, 1 => record_attributes: U8, "record display attributes", "";
        52, 4 => record_length: Le32, "record length", "";
        56, 8 => info_length: Le64, "information length", "the file's size in bytes";
        64, 8 => blocks: Le64, "logical blocks recorded", "blocks the data takes";
        72, 12 => atime: UdfTime, "access date and time", "";
        84, 12 => mtime: UdfTime, "modification date and time", "";
        96, 12 => attribute_time: UdfTime, "attribute date and time", "";
        108, 4 => checkpoint: Le32, "checkpoint", "";
        112, 16 => ea_icb: LongAdCodec, "extended attribute ICB", "an ICB holding more extended attributes";
        128, 32 => implementation: Regid, "implementation identifier", "";
        160, 8 => unique_id: Le64, "unique id", "unique within the volume (0 for the root)";
        168, 4 => ea_length: Le32, "length of extended attributes", "bytes of extended attributes after this field";
        172, 4 => ad_length: Le32, "length of allocation descriptors", "bytes of allocation descriptors after the attributes";
    }
}

declare! {
    /// The fixed part of an extended file entry (UDF 2.00 and later).
    pub struct ExtendedFileEntry = "Extended file entry", Icb, "ECMA-167 4/14.17", 216 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 266", "ECMA-167 3/7.2";
        16, 20 => icb_tag: IcbTagField, "ICB tag", "strategy, file type, flags", "ECMA-167 4/14.6";
        36, 4 => uid: Le32, "uid", "owner (0xFFFFFFFF: none)";
        40, 4 => gid: Le32, "gid", "group (0xFFFFFFFF: none)";
        44, 4 => permissions: Le32Hex, "permissions", "bits 0-4 others, 5-9 group, 10-14 owner: execute, write, read, change attributes, delete";
        48, 2 => links: Le16, "file link count", "file identifiers naming this entry";
        50, 1 => record_format: U8, "record format", "0: bytes";
        51, 1 => record_attributes: U8, "record display attributes", "";
        52, 4 => record_length: Le32, "record length", "";
        56, 8 => info_length: Le64, "information length", "the file's size in bytes (main stream)";
        64, 8 => object_size: Le64, "object size", "the main stream and every named stream";
        72, 8 => blocks: Le64, "logical blocks recorded", "blocks the data takes";
        80, 12 => atime: UdfTime, "access date and time", "";
        92, 12 => mtime: UdfTime, "modification date and time", "";
        104, 12 => ctime: UdfTime, "creation date and time", "";
        116, 12 => attribute_time: UdfTime, "attribute date and time", "";
        128, 4 => checkpoint: Le32, "checkpoint", "";
        132, 4 => reserved: Reserved, "reserved", "zero";
        136, 16 => ea_icb: LongAdCodec, "extended attribute ICB", "";
        152, 16 => stream_icb: LongAdCodec, "stream directory ICB", "the directory of the file's named streams";
        168, 32 => implementation: Regid, "implementation identifier", "";
        200, 8 => unique_id: Le64, "unique id", "";
        208, 4 => ea_length: Le32, "length of extended attributes", "";
        212, 4 => ad_length: Le32, "length of allocation descriptors", "";
    }
}

declare! {
    /// An indirect entry: the ICB goes on at another extent.
    pub struct IndirectEntry = "Indirect entry", Icb, "ECMA-167 4/14.7", 52 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 259", "ECMA-167 3/7.2";
        16, 20 => icb_tag: IcbTagField, "ICB tag", "", "ECMA-167 4/14.6";
        36, 16 => indirect: LongAdCodec, "indirect ICB", "where the next entries are";
    }
}

/// A file entry or extended file entry, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub extended: bool,
    pub file_type: u8,
    pub strategy: u16,
    pub flags: u16,
    pub uid: u32,
    pub gid: u32,
    pub permissions: u32,
    pub links: u16,
    pub info_length: u64,
    pub atime: Option<Timestamp>,
    pub mtime: Option<Timestamp>,
    pub ctime: Option<Timestamp>,
    pub unique_id: u64,
    pub stream: Option<LongAd>,
    /// Where the extended attributes are in `bytes`.
    pub ea: std::ops::Range<usize>,
    /// Where the allocation descriptors are in `bytes`.
    pub ad: std::ops::Range<usize>,
    /// The block holding the entry.
    pub bytes: Vec<u8>,
    /// Whether the lengths had to be cut to the block.
    pub clipped: bool,
}

impl Entry {
    /// Decodes the entry in `block` (a file entry or extended file entry).
    pub fn parse(block: Vec<u8>) -> Option<Entry> {
        let id = le16(&block, 0);
        let extended = match id {
            tag::FILE_ENTRY => false,
            tag::EXTENDED_FILE_ENTRY => true,
            _ => return None,
        };
        let fixed: usize = if extended { 216 } else { 176 };
        if block.len() < fixed {
            return None;
        }
        let get = |fe: usize, efe: usize| if extended { efe } else { fe };
        let time = |at: usize| super::time::decode(block.get(at..at + 12).unwrap_or_default());
        let ea_len = le32(&block, get(168, 208)) as usize;
        let ad_len = le32(&block, get(172, 212)) as usize;
        let ea_end = fixed.saturating_add(ea_len);
        let ad_end = ea_end.saturating_add(ad_len);
        let clipped = ad_end > block.len();
        let ea_end = ea_end.min(block.len());
        let ad_end = ad_end.min(block.len());
        let stream = extended
            .then(|| LongAd::parse(block.get(152..168).unwrap_or_default()))
            .filter(|s| s.bytes() > 0);
        Some(Entry {
            extended,
            file_type: block.get(27).copied().unwrap_or(0),
            strategy: le16(&block, 20),
            flags: le16(&block, 34),
            uid: le32(&block, 36),
            gid: le32(&block, 40),
            permissions: le32(&block, 44),
            links: le16(&block, 48),
            info_length: le64(&block, 56),
            atime: time(get(72, 80)),
            mtime: time(get(84, 92)),
            ctime: if extended { time(104) } else { None },
            unique_id: le64(&block, get(160, 200)),
            stream,
            ea: fixed..ea_end,
            ad: ea_end..ad_end,
            clipped,
            bytes: block,
        })
    }

    /// The allocation descriptor type (ICB tag flags bits 0-2).
    pub fn ad_type(&self) -> u16 {
        self.flags & 7
    }

    /// Unix permission bits (with setuid, setgid and sticky from the ICB
    /// flags).
    pub fn mode(&self) -> u32 {
        let p = self.permissions;
        let mut mode = (p & 7) | ((p >> 5) & 7) << 3 | ((p >> 10) & 7) << 6;
        if self.flags & (1 << 6) != 0 {
            mode |= 0o4000;
        }
        if self.flags & (1 << 7) != 0 {
            mode |= 0o2000;
        }
        if self.flags & (1 << 8) != 0 {
            mode |= 0o1000;
        }
        mode
    }

    /// The entry as an annotated structure at medium position `position`.
    pub fn structure(&self, name: String, position: u64, lbn: u32) -> Structure {
        let layout = if self.extended {
            ExtendedFileEntry::LAYOUT
        } else {
            FileEntry::LAYOUT
        };
        let mut s = Structure {
            name,
            ..layout.structure(&self.bytes, crate::structure::Place::Medium(position))
        };
        s.length = self.ad.end as u64;
        expand_icb_tag(&mut s, &self.bytes);
        if let Some(checked) = tag::Checked::new(&self.bytes, lbn) {
            super::descriptor::expand_tag(&mut s, &self.bytes, &checked, u64::from(lbn));
        }
        s.fields
            .extend(super::ea::fields(&self.bytes, self.ea.clone()));
        s.fields.extend(super::allocation::fields(
            &self.bytes,
            self.ad.clone(),
            self.ad_type(),
        ));
        s
    }
}

/// Replaces an entry's one "ICB tag" field with the ICB tag's fields.
pub fn expand_icb_tag(s: &mut Structure, bytes: &[u8]) {
    let Some(at) = s.fields.iter().position(|f| f.name == "ICB tag") else {
        return;
    };
    let icb = IcbTag::LAYOUT.fields_at(bytes.get(16..36).unwrap_or_default(), 16, Some("ICB tag"));
    s.fields.splice(at..=at, icb);
}

//! `.imz`: a zip archive holding one floppy image, opened in memory with a
//! cap on the decompressed size (a zip bomb stops at the cap).
//!
//! Sources: PKWARE APPNOTE.TXT 6.3 §4.3.7 (local file header), §4.3.12
//! (central directory header), §4.3.16 (end of central directory record);
//! methods 0 (stored) and 8 (deflate) only.

use std::path::Path;
use std::sync::Arc;

use crc::{CRC_32_ISO_HDLC, Crc};

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{FileSource, MemorySource, ReadAt};
use crate::medium::{Extent, ExtentData, Format, Medium, MediumKind, SourceFile};
use crate::structure::dos_time::{FatDate, FatTime};
use crate::structure::named::noted;
use crate::structure::{
    Bytes, Codec, Field, Layout, Le16, Le16Hex, Le32, Le32Hex, Place, Structure, Value, declare,
};
use crate::units::Lba;

/// The largest image an `.imz` may expand to (a 2.88 MB floppy is 2.8 MiB;
/// this leaves room for hard-disk images without letting a bomb through).
pub const MAX_IMAGE: usize = 64 << 20;
const EOCD: &[u8; 4] = b"PK\x05\x06";
const CENTRAL: &[u8; 4] = b"PK\x01\x02";
const LOCAL: &[u8; 4] = b"PK\x03\x04";
/// The most central directory entries read.
const MAX_MEMBERS: u16 = 1000;

declare! {
    /// The fixed part of a local file header, in front of each member's data.
    pub struct LocalHeader = "zip local file header", Descriptor, "APPNOTE 6.3 §4.3.7", 30 {
        0, 4 => signature: Le32Hex, "signature", "0x04034b50 (PK 3 4)";
        4, 2 => version_needed: Le16, "version needed", "zip version needed to extract, times 10";
        6, 2 => flags: Le16Hex, "flags", "bit 0 encrypted, bit 3 sizes in a data descriptor";
        8, 2 => method: Method, "method", "0 stored, 8 deflate";
        10, 2 => time: FatTime, "modification time", "MS-DOS time";
        12, 2 => date: FatDate, "modification date", "MS-DOS date";
        14, 4 => crc: Le32Hex, "CRC-32", "of the uncompressed data";
        18, 4 => compressed: Le32, "compressed size", "bytes of data that follow the name and extra field";
        22, 4 => size: Le32, "uncompressed size", "bytes once expanded";
        26, 2 => name_length: Le16, "name length", "bytes of the file name that follows";
        28, 2 => extra_length: Le16, "extra field length", "bytes of the extra field after the name";
    }
}

declare! {
    /// The fixed part of a central directory header, one per member.
    pub struct CentralHeader = "zip central directory header", Descriptor, "APPNOTE 6.3 §4.3.12", 46 {
        0, 4 => signature: Le32Hex, "signature", "0x02014b50 (PK 1 2)";
        4, 2 => version_made_by: Le16Hex, "version made by", "host system (high byte) and zip version times 10";
        6, 2 => version_needed: Le16, "version needed", "zip version needed to extract, times 10";
        8, 2 => flags: Le16Hex, "flags", "bit 0 encrypted, bit 3 sizes in a data descriptor";
        10, 2 => method: Method, "method", "0 stored, 8 deflate";
        12, 2 => time: FatTime, "modification time", "MS-DOS time";
        14, 2 => date: FatDate, "modification date", "MS-DOS date";
        16, 4 => crc: Le32Hex, "CRC-32", "of the uncompressed data";
        20, 4 => compressed: Le32, "compressed size", "bytes of compressed data";
        24, 4 => size: Le32, "uncompressed size", "bytes once expanded";
        28, 2 => name_length: Le16, "name length", "bytes of the file name that follows";
        30, 2 => extra_length: Le16, "extra field length", "bytes of the extra field after the name";
        32, 2 => comment_length: Le16, "comment length", "bytes of the comment after the extra field";
        34, 2 => disk: Le16, "disk number start", "the disk the member starts on";
        36, 2 => internal_attributes: Le16Hex, "internal attributes", "bit 0: text";
        38, 4 => external_attributes: Le32Hex, "external attributes", "host file attributes";
        42, 4 => local_offset: Le32, "local header offset", "where the member's local header is";
    }
}

declare! {
    /// The end-of-central-directory record, the archive's last structure.
    pub struct EndRecord = "zip end of central directory", Descriptor, "APPNOTE 6.3 §4.3.16", 22 {
        0, 4 => signature: Le32Hex, "signature", "0x06054b50 (PK 5 6)";
        4, 2 => disk: Le16, "disk number", "this disk (0 when there is one)";
        6, 2 => directory_disk: Le16, "central directory disk", "the disk the central directory starts on";
        8, 2 => disk_entries: Le16, "entries on this disk", "central directory entries on this disk";
        10, 2 => entries: Le16, "entries", "central directory entries in all";
        12, 4 => directory_size: Le32, "central directory size", "bytes";
        16, 4 => directory_offset: Le32, "central directory offset", "where the central directory starts";
        20, 2 => comment_length: Le16, "comment length", "bytes of the archive comment that follows";
    }
}

/// Whether the first bytes are a zip local file header.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(LOCAL)
}

noted!(
/// The compression method, with its name.
Method: Le16, |method| Some(
    match method {
        0 => "stored",
        8 => "deflate",
        _ => "not read by discscope",
    }
    .to_owned()
));

/// One member, from the central directory.
#[derive(Debug)]
struct Member {
    name: String,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    local: u64,
}

/// What the central directory says, with its records annotated.
#[derive(Debug)]
struct Archive {
    members: Vec<Member>,
    structures: Vec<Structure>,
}

/// A variable-length part after a record's fixed part.
#[derive(Clone, Copy, Debug)]
struct Part {
    name: &'static str,
    length: usize,
    meaning: &'static str,
    value: fn(&[u8]) -> Value,
}

impl Part {
    fn name(length: u16) -> Part {
        Part {
            name: "file name",
            length: usize::from(length),
            meaning: "the member's path, / separated",
            value: |raw| Value::Text(String::from_utf8_lossy(raw).into_owned()),
        }
    }

    fn extra(length: u16) -> Part {
        Part {
            name: "extra field",
            length: usize::from(length),
            meaning: "tagged blocks (time stamps, Unix ids, zip64 sizes)",
            value: Bytes::value,
        }
    }

    fn comment(name: &'static str, length: u16) -> Part {
        Part {
            name,
            length: usize::from(length),
            meaning: "free text",
            value: |raw| Value::Text(String::from_utf8_lossy(raw).into_owned()),
        }
    }
}

/// A record (its fixed part, then its variable parts) as an annotated
/// structure at byte `offset` of the archive; parts past the bytes read
/// are left out.
fn record(
    layout: &Layout,
    bytes: &[u8],
    parts: &[Part],
    path: &Arc<Path>,
    offset: u64,
) -> Structure {
    let place = Place::File {
        path: Arc::clone(path),
        offset,
    };
    let mut structure =
        Structure::new(layout.kind, layout.name, place, 0).with(layout, bytes, 0, None);
    let mut at = layout.size;
    for part in parts.iter().filter(|p| p.length > 0) {
        let Some(raw) = bytes.get(at..at + part.length) else {
            break;
        };
        structure.push(Field::new(
            at as u64,
            part.length as u64,
            part.name,
            (part.value)(raw),
            part.meaning,
            layout.source,
        ));
        at += part.length;
    }
    structure.length = at as u64;
    structure
}

/// Opens the first file of the archive as a disk image.
pub fn open(path: &Path) -> Result<Medium> {
    let source = FileSource::open(path)?;
    let bad = |message: String| Error::image(path, message);
    let path_arc: Arc<Path> = Arc::from(path);
    let Archive {
        members,
        mut structures,
    } = central_directory(&source, &path_arc).map_err(bad)?;
    let mut diagnostics = Vec::new();
    let files: Vec<&Member> = members.iter().filter(|m| !m.name.ends_with('/')).collect();
    let Some(member) = files.first() else {
        return Err(bad("the zip archive holds no file".into()));
    };
    if files.len() > 1 {
        diagnostics.push(Diagnostic::warning(
            "imz.several-files",
            format!(
                "the archive holds {} files; opened the first, {:?}",
                files.len(),
                member.name
            ),
        ));
    }
    if member.size > MAX_IMAGE as u64 {
        return Err(bad(format!(
            "{:?} claims {} bytes uncompressed, more than the {} MiB an .imz may hold",
            member.name,
            member.size,
            MAX_IMAGE >> 20
        )));
    }
    let bytes = source
        .read_vec(member.local, LocalHeader::LAYOUT.size)
        .map_err(|e| bad(e.to_string()))?;
    let header = LocalHeader::decode(&bytes)?;
    if header.signature != u32::from_le_bytes(*LOCAL) {
        return Err(bad(format!("no local header at byte {:#x}", member.local)));
    }
    let parts = [
        Part::name(header.name_length),
        Part::extra(header.extra_length),
    ];
    let whole = source
        .read_vec(
            member.local,
            LocalHeader::LAYOUT.size + parts.iter().map(|p| p.length).sum::<usize>(),
        )
        .unwrap_or(bytes);
    structures.push(record(
        &LocalHeader::LAYOUT,
        &whole,
        &parts,
        &path_arc,
        member.local,
    ));
    let data_at = member.local
        + LocalHeader::LAYOUT.size as u64
        + u64::from(header.name_length)
        + u64::from(header.extra_length);
    let compressed = member.compressed.min(source.len().saturating_sub(data_at));
    // Stored data is the image itself and deflate never shrinks it to
    // nothing: more input than the cap means more output than the cap.
    if compressed > MAX_IMAGE as u64 + (1 << 20) {
        return Err(bad(format!(
            "{:?} holds {compressed} compressed bytes, more than an .imz image may expand to",
            member.name
        )));
    }
    let data = source.read_vec(data_at, compressed as usize)?;
    let image = match member.method {
        0 => data,
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(&data, MAX_IMAGE).map_err(|e| {
            if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                bad(format!(
                    "{:?} decompresses to more than {} MiB (a zip bomb?); refused",
                    member.name,
                    MAX_IMAGE >> 20
                ))
            } else {
                bad(format!(
                    "{:?}: the deflate stream is damaged ({:?})",
                    member.name, e.status
                ))
            }
        })?,
        other => {
            return Err(bad(format!(
                "{:?} uses zip method {other}; only stored and deflate are read",
                member.name
            )));
        }
    };
    if image.len() as u64 != member.size {
        diagnostics.push(Diagnostic::warning(
            "imz.size",
            format!(
                "{:?} expanded to {} bytes, the archive says {}",
                member.name,
                image.len(),
                member.size
            ),
        ));
    }
    let crc = Crc::<u32>::new(&CRC_32_ISO_HDLC).checksum(&image);
    if crc != member.crc {
        diagnostics.push(Diagnostic::error(
            "imz.crc",
            format!(
                "{:?}: CRC-32 {crc:#010x} does not match the archive's {:#010x}",
                member.name, member.crc
            ),
        ));
    }
    if image.is_empty() {
        return Err(bad(format!("{:?} is empty", member.name)));
    }
    let len = image.len() as u64;
    if !len.is_multiple_of(512) {
        diagnostics.push(Diagnostic::warning(
            "image.partial-sector",
            format!(
                "the image's size is not a multiple of 512; the last {} bytes are ignored",
                len % 512
            ),
        ));
    }
    let reader = MemorySource::new(image, member.name.clone());
    Ok(Medium {
        files: vec![SourceFile {
            name: member.name.clone(),
            path: path.to_owned(),
            reader: Arc::new(reader),
        }],
        extents: vec![Extent {
            start: Lba(0),
            count: len / 512,
            sector_size: 512,
            track: None,
            data: ExtentData::File { file: 0, offset: 0 },
        }]
        .into_iter()
        .filter(|e| e.count > 0)
        .collect(),
        structures,
        diagnostics,
        ..Medium::empty(Format::Imz, MediumKind::Disk, path, 512)
    })
}

/// The members listed by the central directory (at most 1000), with the
/// end record and each directory header annotated.
fn central_directory(
    source: &FileSource,
    path: &Arc<Path>,
) -> std::result::Result<Archive, String> {
    let tail_len = source.len().min(65_557);
    let tail_at = source.len() - tail_len;
    let tail = source
        .read_vec(tail_at, tail_len as usize)
        .map_err(|e| e.to_string())?;
    let found = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail.get(i..i + 4) == Some(EOCD))
        .ok_or("no end-of-central-directory record: not a complete zip archive")?;
    let end_bytes = tail.get(found..).unwrap_or_default();
    let end = EndRecord::decode(end_bytes).map_err(|e| e.to_string())?;
    let mut structures = vec![record(
        &EndRecord::LAYOUT,
        end_bytes,
        &[Part::comment("archive comment", end.comment_length)],
        path,
        tail_at + found as u64,
    )];
    let (size, offset) = (
        u64::from(end.directory_size),
        u64::from(end.directory_offset),
    );
    if offset.saturating_add(size) > source.len() || size > 1 << 20 {
        return Err(format!(
            "the central directory ({size} bytes at {offset:#x}) lies outside the archive"
        ));
    }
    let dir = source
        .read_vec(offset, size as usize)
        .map_err(|e| e.to_string())?;
    let mut members = Vec::new();
    let mut at = 0usize;
    for _ in 0..end.entries.min(MAX_MEMBERS) {
        let damaged = || {
            format!(
                "central directory entry at {:#x} is damaged",
                offset + at as u64
            )
        };
        let bytes = dir
            .get(at..)
            .filter(|e| e.starts_with(CENTRAL))
            .ok_or_else(damaged)?;
        let header = CentralHeader::decode(bytes).map_err(|e| format!("{}: {e}", damaged()))?;
        let fixed = CentralHeader::LAYOUT.size;
        let name_length = usize::from(header.name_length);
        let name = bytes.get(fixed..fixed + name_length).ok_or_else(|| {
            format!(
                "{}: its {name_length}-byte name runs past the central directory",
                damaged()
            )
        })?;
        let parts = [
            Part::name(header.name_length),
            Part::extra(header.extra_length),
            Part::comment("file comment", header.comment_length),
        ];
        let record = record(
            &CentralHeader::LAYOUT,
            bytes,
            &parts,
            path,
            offset + at as u64,
        );
        members.push(Member {
            name: String::from_utf8_lossy(name).into_owned(),
            method: header.method,
            crc: header.crc,
            compressed: u64::from(header.compressed),
            size: u64::from(header.size),
            local: u64::from(header.local_offset),
        });
        at += record.length as usize;
        structures.push(record);
    }
    Ok(Archive {
        members,
        structures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_exactly() {
        assert!(LocalHeader::LAYOUT.tiling().is_exact());
        assert!(CentralHeader::LAYOUT.tiling().is_exact());
        assert!(EndRecord::LAYOUT.tiling().is_exact());
    }

    #[test]
    fn a_truncated_record_names_the_field() {
        let mut bytes = EOCD.to_vec();
        bytes.resize(14, 0);
        assert!(matches!(
            EndRecord::decode(&bytes),
            Err(Error::Truncated {
                field: "central directory size",
                offset: 12,
                ..
            })
        ));
        assert!(matches!(
            LocalHeader::decode(&LOCAL[..]),
            Err(Error::Truncated {
                field: "version needed",
                offset: 4,
                ..
            })
        ));
    }
}

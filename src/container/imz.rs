//! `.imz`: a zip archive holding one floppy image, opened in memory with a
//! cap on the decompressed size (a zip bomb stops at the cap).
//!
//! Sources: PKWARE APPNOTE.TXT 6.3 §4.3.7 (local file header), §4.3.12
//! (central directory header), §4.3.16 (end of central directory record);
//! methods 0 (stored) and 8 (deflate) only.

use std::path::Path;
use std::sync::Arc;

use crc::{CRC_32_ISO_HDLC, Crc};

use crate::byteorder::{le16, le32};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{FileSource, MemorySource, ReadAt};
use crate::medium::{CdText, Extent, ExtentData, Format, Medium, MediumKind, SourceFile};
use crate::units::Lba;

/// The largest image an `.imz` may expand to (a 2.88 MB floppy is 2.8 MiB;
/// this leaves room for hard-disk images without letting a bomb through).
pub const MAX_IMAGE: usize = 64 << 20;
const EOCD: &[u8; 4] = b"PK\x05\x06";
const CENTRAL: &[u8; 4] = b"PK\x01\x02";
const LOCAL: &[u8; 4] = b"PK\x03\x04";

/// Whether the first bytes are a zip local file header.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(LOCAL)
}

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

/// Opens the first file of the archive as a disk image.
pub fn open(path: &Path) -> Result<Medium> {
    let source = FileSource::open(path)?;
    let bad = |message: String| Error::image(path, message);
    let members = central_directory(&source).map_err(bad)?;
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
    let header = source
        .read_vec(member.local, 30)
        .map_err(|e| bad(e.to_string()))?;
    if header.get(..4) != Some(LOCAL) {
        return Err(bad(format!("no local header at byte {:#x}", member.local)));
    }
    let data_at = member.local + 30 + u64::from(le16(&header, 26)) + u64::from(le16(&header, 28));
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
        format: Format::Imz,
        kind: MediumKind::Disk,
        path: path.to_owned(),
        sector_size: 512,
        sessions: Vec::new(),
        tracks: Vec::new(),
        catalog: None,
        cd_text: CdText::default(),
        cd_text_file: None,
        rem: Vec::new(),
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
        structures: Vec::new(),
        diagnostics,
    })
}

/// The members listed by the central directory (at most 1000).
fn central_directory(source: &FileSource) -> std::result::Result<Vec<Member>, String> {
    let tail_len = source.len().min(65_557);
    let tail_at = source.len() - tail_len;
    let tail = source
        .read_vec(tail_at, tail_len as usize)
        .map_err(|e| e.to_string())?;
    let eocd = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail.get(i..i + 4) == Some(EOCD))
        .ok_or("no end-of-central-directory record: not a complete zip archive")?;
    let eocd = tail.get(eocd..).unwrap_or_default();
    let count = le16(eocd, 10).min(1000);
    let (size, offset) = (u64::from(le32(eocd, 12)), u64::from(le32(eocd, 16)));
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
    for _ in 0..count {
        let Some(entry) = dir.get(at..).filter(|e| e.starts_with(CENTRAL)) else {
            return Err(format!(
                "central directory entry at {:#x} is damaged",
                offset + at as u64
            ));
        };
        let (name_len, extra, comment) = (
            usize::from(le16(entry, 28)),
            usize::from(le16(entry, 30)),
            usize::from(le16(entry, 32)),
        );
        let name = entry.get(46..46 + name_len).unwrap_or_default();
        members.push(Member {
            name: String::from_utf8_lossy(name).into_owned(),
            method: le16(entry, 10),
            crc: le32(entry, 16),
            compressed: u64::from(le32(entry, 20)),
            size: u64::from(le32(entry, 24)),
            local: u64::from(le32(entry, 42)),
        });
        at += 46 + name_len + extra + comment;
    }
    Ok(members)
}

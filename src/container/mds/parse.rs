//! From the `.mds` bytes to its sessions and tracks, each block shown as a
//! structure of the descriptor.
//!
//! Every offset the descriptor gives is checked against its length before
//! anything is read there; a block outside is a finding at the offset of
//! the field that points there, and the rest is read as far as it goes.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use super::records::{MdsExtra, MdsFooter, MdsHeader, MdsSession, MdsTrack};
use crate::diagnostic::{Diagnostic, Location};
use crate::structure::{Field, Layout, Place, Structure, Value};

/// The most session blocks read.
pub const MAX_SESSIONS: usize = 99;
/// The most data files (footer blocks) one track may name.
pub const MAX_FILES: usize = 64;
/// The most track blocks read in all: 99 tracks and each session's
/// lead-in entries leave room to spare.
pub const MAX_ENTRIES: usize = 1024;
/// The longest file name read, in bytes.
const MAX_NAME: usize = 4096;

/// One data file a track names (a footer block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRef {
    /// The name as written (`*.mdf` kept as is).
    pub name: String,
    /// Offset of the footer block in the `.mds`.
    pub at: u64,
}

/// One track block with what it points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackEntry {
    pub block: MdsTrack,
    /// Offset of the track block.
    pub at: u64,
    /// The extra block (CD images): pregap and length.
    pub extra: Option<MdsExtra>,
    pub files: Vec<FileRef>,
}

impl TrackEntry {
    /// Whether this is a track (POINT 1-99) rather than a lead-in entry.
    pub fn is_track(&self) -> bool {
        (1..=99).contains(&self.block.point)
    }
}

/// One session block with its track blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionEntry {
    pub block: MdsSession,
    pub at: u64,
    pub entries: Vec<TrackEntry>,
}

/// Everything the descriptor says.
#[derive(Clone, Debug)]
pub struct MdsDescriptor {
    pub header: MdsHeader,
    /// The medium type names a DVD.
    pub dvd: bool,
    pub sessions: Vec<SessionEntry>,
    pub structures: Vec<Structure>,
}

/// `len` bytes at `offset`, if the descriptor holds them all.
pub fn slice(bytes: &[u8], offset: u64, len: usize) -> Option<&[u8]> {
    let start = usize::try_from(offset).ok()?;
    bytes.get(start..start.checked_add(len)?)
}

/// Reads blocks and keeps their structures, each shown once.
#[derive(Debug)]
pub struct Reader<'a> {
    pub bytes: &'a [u8],
    pub path: Arc<Path>,
    pub found: &'a mut Vec<Diagnostic>,
    pub structures: Vec<Structure>,
    shown: BTreeSet<u64>,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], path: Arc<Path>, found: &'a mut Vec<Diagnostic>) -> Reader<'a> {
        Reader {
            bytes,
            path,
            found,
            structures: Vec::new(),
            shown: BTreeSet::new(),
        }
    }

    pub fn place(&self, offset: u64) -> Place {
        Place::File {
            path: Arc::clone(&self.path),
            offset,
        }
    }

    /// The block of `layout` at `offset`, shown as `name`; a finding at
    /// `from` (the field pointing there) when it is not all there.
    pub fn block(
        &mut self,
        layout: &Layout,
        offset: u64,
        from: u64,
        name: &str,
    ) -> Option<&'a [u8]> {
        let bytes = self.bytes;
        if self.shown.contains(&offset) {
            return slice(bytes, offset, layout.size);
        }
        let Some(block) = slice(bytes, offset, layout.size) else {
            self.found.push(
                Diagnostic::error(
                    "mds.block-outside",
                    format!(
                        "the {} at {offset:#x} runs past the end of the descriptor ({:#x} bytes)",
                        layout.name,
                        bytes.len()
                    ),
                )
                .at(Location::Offset(from)),
            );
            return None;
        };
        self.show(layout.structure(block, self.place(offset)), name);
        Some(block)
    }

    /// Keeps `structure` under `name`, once per offset.
    pub fn show(&mut self, mut structure: Structure, name: &str) {
        let offset = match structure.place {
            Place::File { offset, .. } => offset,
            Place::Medium(at) => at,
        };
        if self.shown.insert(offset) {
            structure.name = name.to_owned();
            self.structures.push(structure);
        }
    }
}

/// Reads the header, the session blocks and every track block.
pub fn parse(
    bytes: &[u8],
    path: Arc<Path>,
    found: &mut Vec<Diagnostic>,
) -> Result<MdsDescriptor, String> {
    let head = slice(bytes, 0, MdsHeader::LAYOUT.size).ok_or_else(|| {
        format!(
            "the descriptor has {} bytes, fewer than its 88-byte header",
            bytes.len()
        )
    })?;
    let header = MdsHeader::decode(head).map_err(|e| e.to_string())?;
    let mut reader = Reader::new(bytes, path, found);
    reader.show(
        MdsHeader::LAYOUT.structure(head, reader.place(0)),
        "MDS header",
    );
    let dvd = header.medium & 0x10 != 0;
    let count = usize::from(header.sessions);
    if count > MAX_SESSIONS {
        reader.found.push(
            Diagnostic::warning(
                "mds.too-many-sessions",
                format!("the header counts {count} sessions; the first {MAX_SESSIONS} are read"),
            )
            .at(Location::Offset(20)),
        );
    }
    let mut sessions = Vec::new();
    for index in 0..count.min(MAX_SESSIONS) {
        let at = u64::from(header.sessions_offset) + 24 * index as u64;
        let name = format!("MDS session block {}", index + 1);
        let Some(raw) = reader.block(&MdsSession::LAYOUT, at, 80, &name) else {
            break;
        };
        let Ok(block) = MdsSession::decode(raw) else {
            break;
        };
        let blocks = usize::from(block.blocks);
        let read: usize = sessions
            .iter()
            .map(|s: &SessionEntry| s.entries.len())
            .sum();
        let room = MAX_ENTRIES.saturating_sub(read);
        if room < blocks {
            reader.found.push(
                Diagnostic::error(
                    "mds.too-many-tracks",
                    format!("the sessions hold more than {MAX_ENTRIES} track blocks; the rest are not read"),
                )
                .at(Location::Offset(at + 10)),
            );
        }
        let entries = tracks(&mut reader, &block, (at, index + 1), dvd, room);
        sessions.push(SessionEntry { block, at, entries });
        if room < blocks {
            break;
        }
    }
    if count == 0 {
        reader.found.push(
            Diagnostic::error("mds.no-sessions", "the header counts no session")
                .at(Location::Offset(20)),
        );
    }
    super::dvd::disc_structures(&mut reader, &header, dvd);
    super::dpm::blocks(&mut reader, &header);
    Ok(MdsDescriptor {
        header,
        dvd,
        sessions,
        structures: reader.structures,
    })
}

/// The track blocks of one session, with their extra and footer blocks.
fn tracks(
    reader: &mut Reader<'_>,
    session: &MdsSession,
    (at, number): (u64, usize),
    dvd: bool,
    room: usize,
) -> Vec<TrackEntry> {
    let mut entries = Vec::new();
    for i in 0..u64::from(session.blocks).min(room as u64) {
        let offset = u64::from(session.tracks_offset) + 80 * i;
        // The header's name for the block waits for its POINT.
        let Some(raw) = slice(reader.bytes, offset, 80) else {
            reader.block(&MdsTrack::LAYOUT, offset, at + 20, "");
            break;
        };
        let Ok(block) = MdsTrack::decode(raw) else {
            break;
        };
        let what = match block.point {
            1..=99 => format!("track {}", block.point),
            0xA0 => "lead-in A0 (first track)".to_owned(),
            0xA1 => "lead-in A1 (last track)".to_owned(),
            0xA2 => "lead-in A2 (lead-out)".to_owned(),
            other => format!("entry {other:#04x}"),
        };
        reader.block(
            &MdsTrack::LAYOUT,
            offset,
            at + 20,
            &format!("MDS session {number} {what}"),
        );
        let mut entry = TrackEntry {
            at: offset,
            extra: None,
            files: Vec::new(),
            block,
        };
        if entry.is_track() {
            if !dvd && entry.block.extra_offset != 0 {
                entry.extra = reader
                    .block(
                        &MdsExtra::LAYOUT,
                        u64::from(entry.block.extra_offset),
                        offset + 12,
                        &format!("MDS extra block (track {})", entry.block.point),
                    )
                    .and_then(|b| MdsExtra::decode(b).ok());
            }
            entry.files = footers(reader, &entry.block, offset);
        }
        entries.push(entry);
    }
    entries
}

/// The footer blocks of a track and the names they point at.
fn footers(reader: &mut Reader<'_>, block: &MdsTrack, at: u64) -> Vec<FileRef> {
    let mut files = Vec::new();
    if block.footer_offset == 0 {
        return files;
    }
    let count = block.files.max(1) as usize;
    if count > MAX_FILES {
        reader.found.push(
            Diagnostic::error(
                "mds.too-many-files",
                format!(
                    "track {} names {count} data files; the first {MAX_FILES} are read",
                    block.point
                ),
            )
            .at(Location::Offset(at + 48)),
        );
    }
    for j in 0..count.min(MAX_FILES) as u64 {
        let offset = u64::from(block.footer_offset) + 16 * j;
        let name = format!("MDS footer {} (track {})", j + 1, block.point);
        let Some(raw) = reader.block(&MdsFooter::LAYOUT, offset, at + 52, &name) else {
            break;
        };
        let Ok(footer) = MdsFooter::decode(raw) else {
            break;
        };
        if let Some(name) = file_name(reader, &footer, offset) {
            files.push(FileRef { name, at: offset });
        }
    }
    files
}

/// The data file name a footer points at: 8-bit or UTF-16LE, up to a NUL.
fn file_name(reader: &mut Reader<'_>, footer: &MdsFooter, at: u64) -> Option<String> {
    let start = footer.name_offset as usize;
    let wide = footer.wide != 0;
    let rest = reader.bytes.get(start..).unwrap_or_default();
    let rest = rest.get(..rest.len().min(MAX_NAME)).unwrap_or_default();
    let (name, length) = if wide {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                u16::from_le_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ])
            })
            .take_while(|&u| u != 0)
            .collect();
        let terminated = rest.len() >= units.len() * 2 + 2;
        (
            String::from_utf16_lossy(&units),
            units.len() * 2 + if terminated { 2 } else { 0 },
        )
    } else {
        let text: Vec<u8> = rest.iter().copied().take_while(|&b| b != 0).collect();
        let terminated = rest.len() > text.len();
        // Alcohol writes the system's 8-bit code page; Latin-1 keeps every byte.
        (
            text.iter().map(|&b| char::from(b)).collect(),
            text.len() + usize::from(terminated),
        )
    };
    if name.is_empty() {
        reader.found.push(
            Diagnostic::error(
                "mds.file-name",
                format!("the footer's file name at {start:#x} is empty or outside the descriptor"),
            )
            .at(Location::Offset(at)),
        );
        return None;
    }
    let mut structure = crate::structure::Structure::new(
        crate::structure::Kind::Descriptor,
        "",
        reader.place(start as u64),
        length as u64,
    );
    structure.push(Field::new(
        0,
        length as u64,
        "name",
        Value::Text(name.clone()),
        if wide {
            "the data file's name in UTF-16LE, NUL-terminated; `*.mdf` is the descriptor's own name with that extension"
        } else {
            "the data file's name in 8-bit characters, NUL-terminated; `*.mdf` is the descriptor's own name with that extension"
        },
        "MDS 1.x footer",
    ));
    reader.show(structure, "MDS data file name");
    Some(name)
}

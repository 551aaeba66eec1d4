//! From the descriptor at the end of a DiscJuggler image to its sessions,
//! tracks and disc block, each shown as a structure of the image.
//!
//! The descriptor is read front to back: the session count; per session
//! the track count, each track block and the session's trailer; then the
//! disc block. Its blocks have no lengths of their own, so a block that
//! does not read as DiscJuggler writes it ends the reading there, with a
//! finding at its offset, and what was read before is kept.

use std::path::Path;
use std::sync::Arc;

use super::records::{
    CdiDiscTail, CdiDj4, CdiHeadTail, CdiMarks, CdiSessionEnd, CdiTrackBody, CdiV3Tail, START_MARK,
    V2,
};
use super::walker::{Block, Walker};
use crate::diagnostic::{Diagnostic, Location};
use crate::structure::{Bytes, Codec, Field, Kind, Reserved, Structure, Value};

/// A disc has at most this many tracks, and so at most as many sessions.
pub const MAX_TRACKS: usize = 99;
/// A track has at most this many index lengths (INDEX 00 to 99).
pub const MAX_INDEXES: usize = 100;
/// A track has at most this many CD-TEXT blocks (one per language).
pub const MAX_CD_TEXT_BLOCKS: usize = 8;

/// One track block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackRecord {
    /// Image offset of the block.
    pub at: u64,
    /// The length of each index, from INDEX 00 (the pregap) on.
    pub indexes: Vec<u32>,
    pub body: CdiTrackBody,
    /// Image offset of the fixed fields.
    pub body_at: u64,
}

/// One session block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub at: u64,
    pub tracks: Vec<TrackRecord>,
}

/// The disc block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiscRecord {
    pub volume: String,
    pub mcn: Option<String>,
    /// Raw CD-TEXT packs and their image offset.
    pub cd_text: Option<(Vec<u8>, u64)>,
}

/// Everything the descriptor says.
#[derive(Clone, Debug, Default)]
pub struct CdiDescriptor {
    pub sessions: Vec<SessionRecord>,
    pub disc: Option<DiscRecord>,
    pub structures: Vec<Structure>,
}

struct Reader<'a, 'f> {
    walker: Walker<'a>,
    version: u32,
    path: Arc<Path>,
    found: &'f mut Vec<Diagnostic>,
    structures: Vec<Structure>,
}

impl Reader<'_, '_> {
    fn short(&mut self, what: &str) {
        let at = self.walker.at();
        self.found.push(
            Diagnostic::error(
                "cdi.descriptor-short",
                format!("the descriptor ends inside {what}; the rest is not read"),
            )
            .at(Location::Offset(at)),
        );
    }
}

/// Reads the descriptor (`bytes`, from image offset `base`) of an image
/// of format `version`.
pub fn parse(
    bytes: &[u8],
    base: u64,
    version: u32,
    path: &Arc<Path>,
    found: &mut Vec<Diagnostic>,
) -> CdiDescriptor {
    let mut reader = Reader {
        walker: Walker::new(bytes, base),
        version,
        path: Arc::clone(path),
        found,
        structures: Vec::new(),
    };
    let mut parsed = CdiDescriptor::default();
    let mut block = Block::new(
        &mut reader.walker,
        Kind::Descriptor,
        "CDI session count".into(),
        path,
    );
    let Some(count) = block.number(2, "sessions", "session blocks that follow") else {
        reader.short("the session count");
        return parsed;
    };
    reader.structures.push(block.finish());
    let count = count as usize;
    if count > MAX_TRACKS {
        let at = reader.walker.at() - 2;
        reader.found.push(
            Diagnostic::error(
                "cdi.too-many-sessions",
                format!("the descriptor counts {count} sessions; a disc has at most {MAX_TRACKS}"),
            )
            .at(Location::Offset(at)),
        );
    }
    let mut tracks = 0usize;
    for number in 1..=count.min(MAX_TRACKS) {
        match session(&mut reader, number, &mut tracks) {
            Some(session) => parsed.sessions.push(session),
            None => {
                parsed.structures = reader.structures;
                return parsed;
            }
        }
    }
    parsed.disc = disc(&mut reader);
    parsed.structures = reader.structures;
    parsed
}

/// One session block: its track count, tracks and trailer.
fn session(reader: &mut Reader<'_, '_>, number: usize, total: &mut usize) -> Option<SessionRecord> {
    let at = reader.walker.at();
    let path = Arc::clone(&reader.path);
    let mut block = Block::new(
        &mut reader.walker,
        Kind::Descriptor,
        format!("CDI session {number}"),
        &path,
    );
    let Some(count) = block.number(2, "tracks", "track blocks that follow") else {
        reader.short(&format!("session {number}'s track count"));
        return None;
    };
    let head = block.finish();
    let count = count as usize;
    if *total + count > MAX_TRACKS {
        reader.found.push(
            Diagnostic::error(
                "cdi.too-many-tracks",
                format!("session {number} counts {count} tracks; a disc has at most {MAX_TRACKS}"),
            )
            .at(Location::Offset(at)),
        );
        reader.structures.push(head);
        return None;
    }
    reader.structures.push(head);
    let mut record = SessionRecord {
        at,
        tracks: Vec::new(),
    };
    for _ in 0..count {
        *total += 1;
        let track = track(reader, *total)?;
        record.tracks.push(track);
    }
    let version = reader.version;
    let mut block = Block::new(
        &mut reader.walker,
        Kind::Descriptor,
        format!("CDI session {number} trailer"),
        &path,
    );
    let trailer = block.declared(&CdiSessionEnd::LAYOUT).is_some()
        && (version == V2
            || block
                .field(
                    1,
                    "unknown",
                    <Reserved as Codec>::value,
                    "zero (version 3 on)",
                )
                .is_some());
    let structure = block.finish();
    reader.structures.push(structure);
    if !trailer {
        reader.short(&format!("session {number}'s trailer"));
        return None;
    }
    Some(record)
}

/// The header a track block and the disc block begin with.
fn header(block: &mut Block<'_, '_>) -> Result<(), &'static str> {
    let flag = block
        .number(
            4,
            "extra",
            "non-zero: 8 bytes follow (DiscJuggler 3.00.780 on)",
        )
        .ok_or("short")?;
    if flag != 0 {
        block
            .field(8, "extra bytes", <Bytes as Codec>::value, "not explained")
            .ok_or("short")?;
    }
    let marks = block.declared(&CdiMarks::LAYOUT).ok_or("short")?;
    if marks.get(..10) != Some(START_MARK.as_slice())
        || marks.get(10..20) != Some(START_MARK.as_slice())
    {
        return Err("marks");
    }
    let length = block
        .number(1, "file name length", "bytes of the name that follows")
        .ok_or("short")?;
    block
        .text(
            length as usize,
            "file name",
            "the image file's name when it was made",
        )
        .ok_or("short")?;
    let tail = block.declared(&CdiHeadTail::LAYOUT).ok_or("short")?;
    if tail.get(19..23) == Some([0, 0, 0, 0x80].as_slice()) {
        block.declared(&CdiDj4::LAYOUT).ok_or("short")?;
    }
    Ok(())
}

/// One track block.
fn track(reader: &mut Reader<'_, '_>, number: usize) -> Option<TrackRecord> {
    let at = reader.walker.at();
    let path = Arc::clone(&reader.path);
    let version = reader.version;
    let mut block = Block::new(
        &mut reader.walker,
        Kind::Descriptor,
        format!("CDI track {number}"),
        &path,
    );
    let result = track_fields(&mut block, version);
    let structure = block.finish();
    reader.structures.push(structure);
    match result {
        Ok((indexes, body, body_at)) => Some(TrackRecord {
            at,
            indexes,
            body,
            body_at,
        }),
        Err(why) => {
            match why {
                "marks" => reader.found.push(
                    Diagnostic::error(
                        "cdi.marks",
                        format!("track {number}'s block lacks the start marks DiscJuggler writes; the rest is not read"),
                    )
                    .at(Location::Offset(at)),
                ),
                "indexes" | "cd-text" => reader.found.push(
                    Diagnostic::error(
                        "cdi.counts",
                        format!("track {number}'s block counts more {} than a track has; the rest is not read", if why == "indexes" { "indexes" } else { "CD-TEXT blocks" }),
                    )
                    .at(Location::Offset(at)),
                ),
                _ => reader.short(&format!("track {number}'s block")),
            }
            None
        }
    }
}

type TrackFields = (Vec<u32>, CdiTrackBody, u64);

fn track_fields(block: &mut Block<'_, '_>, version: u32) -> Result<TrackFields, &'static str> {
    header(block)?;
    let count = block
        .number(
            2,
            "indexes",
            "index lengths that follow: INDEX 00 (the pregap), INDEX 01, ...",
        )
        .ok_or("short")? as usize;
    if count > MAX_INDEXES {
        return Err("indexes");
    }
    let mut indexes = Vec::with_capacity(count);
    for i in 0..count {
        let name = if i == 0 {
            "pregap (INDEX 00 length)".to_owned()
        } else {
            format!("INDEX {i:02} length")
        };
        let length = block
            .number(4, name, "sectors of the index")
            .ok_or("short")?;
        indexes.push(length as u32);
    }
    let blocks = block
        .number(
            4,
            "CD-TEXT blocks",
            "blocks of 18 length-prefixed CD-TEXT fields that follow",
        )
        .ok_or("short")? as usize;
    if blocks > MAX_CD_TEXT_BLOCKS {
        return Err("cd-text");
    }
    for b in 0..blocks {
        for f in 0..18 {
            let length = block
                .number(
                    1,
                    format!("CD-TEXT {b} field {f} length"),
                    "bytes of text that follow",
                )
                .ok_or("short")?;
            if length > 0 {
                block
                    .text(
                        length as usize,
                        format!("CD-TEXT {b} field {f}"),
                        "a CD-TEXT string of the track",
                    )
                    .ok_or("short")?;
            }
        }
    }
    let body_at = block.walker.at();
    let raw = block.declared(&CdiTrackBody::LAYOUT).ok_or("short")?;
    let body = CdiTrackBody::decode(raw).map_err(|_| "short")?;
    if version != V2 {
        let tail = block.declared(&CdiV3Tail::LAYOUT).ok_or("short")?;
        if tail.get(5..9) == Some([0xFF; 4].as_slice()) {
            block
                .field(
                    78,
                    "more fields",
                    <Bytes as Codec>::value,
                    "not explained (DiscJuggler 3.00.780 on)",
                )
                .ok_or("short")?;
        }
    }
    Ok((indexes, body, body_at))
}

/// The disc block: the end of the session list, a header (version 3 on),
/// the disc's length, volume identifier, MCN and CD-TEXT packs.
fn disc(reader: &mut Reader<'_, '_>) -> Option<DiscRecord> {
    let path = Arc::clone(&reader.path);
    let version = reader.version;
    let at = reader.walker.at();
    let mut block = Block::new(
        &mut reader.walker,
        Kind::Descriptor,
        "CDI disc block".into(),
        &path,
    );
    let result = disc_fields(&mut block, version);
    let mut structure = block.finish();
    let record = match result {
        Ok(record) => Some(record),
        Err(why) => {
            reader.structures.push(structure);
            if why == "marks" {
                reader.found.push(
                    Diagnostic::error(
                        "cdi.marks",
                        "the disc block lacks the start marks DiscJuggler writes",
                    )
                    .at(Location::Offset(at)),
                );
            } else {
                reader.short("the disc block");
            }
            return None;
        }
    };
    // What is left before the footer: eight zero bytes as DiscJuggler
    // writes them.
    let left = reader.walker.left();
    if left > 0 {
        let shift = structure.length;
        if let Some(rest) = reader.walker.take(left) {
            structure.push(Field::new(
                shift,
                left as u64,
                "reserved",
                <Reserved as Codec>::value(rest),
                "zero",
                "DiscJuggler disc block",
            ));
            structure.length += left as u64;
        }
    }
    if left != 8 {
        let at = reader.walker.at();
        reader.found.push(
            Diagnostic::info(
                "cdi.descriptor-size",
                format!(
                    "the disc block ends {left} bytes before the footer, where DiscJuggler leaves 8"
                ),
            )
            .at(Location::Offset(at)),
        );
    }
    reader.structures.push(structure);
    if let Some(record) = &record
        && let Some((packs, at)) = &record.cd_text
    {
        reader.structures.push(crate::container::cdtext::structure(
            packs,
            "CDI CD-TEXT packs",
            &path,
            *at,
        ));
    }
    record
}

fn disc_fields(block: &mut Block<'_, '_>, version: u32) -> Result<DiscRecord, &'static str> {
    let end = block
        .number(2, "tracks", "zero: no more sessions")
        .ok_or("short")?;
    if end != 0 {
        return Err("marks");
    }
    if version != V2 {
        header(block)?;
    }
    block
        .number(4, "disc length", "the disc's length in sectors")
        .ok_or("short")?;
    let length = block
        .number(
            1,
            "volume identifier length",
            "bytes of the identifier that follows",
        )
        .ok_or("short")?;
    let volume = block
        .text(
            length as usize,
            "volume identifier",
            "the ISO 9660 volume identifier of a data disc",
        )
        .ok_or("short")?;
    if version != V2 {
        block
            .field(
                1,
                "unknown",
                <Reserved as Codec>::value,
                "zero (version 3 on)",
            )
            .ok_or("short")?;
    }
    let raw = block.declared(&CdiDiscTail::LAYOUT).ok_or("short")?;
    let tail = CdiDiscTail::decode(raw).map_err(|_| "short")?;
    let packs_at = block.walker.at();
    let packs = block
        .field(
            tail.cd_text as usize,
            "CD-TEXT packs",
            |b| Value::Text(format!("{} packs", b.len() / 18)),
            "raw CD-TEXT packs, 18 bytes each",
        )
        .ok_or("short")?;
    let mcn = tail.mcn.trim_matches(char::from(0)).trim().to_owned();
    Ok(DiscRecord {
        volume: volume.trim_matches(char::from(0)).trim().to_owned(),
        mcn: (tail.mcn_valid != 0 && !mcn.is_empty()).then_some(mcn),
        cd_text: (!packs.is_empty()).then(|| (packs.to_vec(), packs_at)),
    })
}

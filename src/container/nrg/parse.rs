//! From the chunks to what they say: per session the cue points and DAO
//! tracks (disc at once) or the TAO tracks (track at once), the sessions'
//! track counts, the media type, the CD-TEXT packs, and each chunk as a
//! structure of the image, field by field.

use std::path::Path;
use std::sync::Arc;

use super::chunks::{Chunk, NrgFooter};
use super::records::{
    ChunkHeader, CueS, CueX, DaoHeader, DaoTrackI, DaoTrackX, DiscInfo, Etn2Track, EtnfTrack,
    MediaInfo, Relocation, SessionChunk, TinfTrack, TocTypeInfo,
};
use crate::diagnostic::{Diagnostic, Location};
use crate::structure::{Field, Kind, Layout, Place, Structure, Value};
use crate::units::bcd_to_u8;

/// At most this many records of one kind are read per chunk.
pub const MAX_RECORDS: usize = 10_000;
/// A session holds at most this many tracks.
pub const MAX_TRACKS: usize = 99;

/// A cue point (`CUEX`/`CUES`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CuePoint {
    pub control: u8,
    /// The track number decoded from BCD; 0xAA (lead-out) kept as is.
    pub track: u8,
    pub index: u8,
    pub lba: i64,
    /// File offset of the record.
    pub at: u64,
}

/// One DAO track record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaoTrack {
    pub isrc: String,
    pub sector_size: u16,
    pub mode: u8,
    pub index0: u64,
    pub index1: u64,
    pub end: u64,
    pub at: u64,
}

/// One TAO track record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaoTrack {
    pub offset: u64,
    pub length: u64,
    pub mode: u32,
    /// The start LBA the record gives (ETNF and ETN2 only).
    pub lba: Option<u32>,
    pub at: u64,
}

/// What a session's chunks describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionData {
    Dao {
        mcn: String,
        first_track: u8,
        tracks: Vec<DaoTrack>,
        cues: Vec<CuePoint>,
        /// File offset of the DAO chunk.
        at: u64,
    },
    Tao {
        tracks: Vec<TaoTrack>,
    },
}

/// Everything the chunks say.
#[derive(Clone, Debug, Default)]
pub struct NrgChunks {
    pub sessions: Vec<SessionData>,
    /// Tracks per session, from the `SINF` chunks.
    pub session_tracks: Vec<u32>,
    pub media: Option<u32>,
    pub cd_text: Option<(Vec<u8>, u64)>,
    pub structures: Vec<Structure>,
}

/// The records of one kind in a chunk's body, with their file offsets.
fn records<'a>(
    chunk: &'a Chunk,
    skip: usize,
    size: usize,
    found: &mut Vec<Diagnostic>,
) -> Vec<(&'a [u8], u64)> {
    let body = chunk.body.get(skip..).unwrap_or_default();
    if !body.len().is_multiple_of(size) {
        found.push(
            Diagnostic::warning(
                "nrg.record-size",
                format!(
                    "chunk {} holds {} bytes after its header, not a whole number of {size}-byte records; the rest is ignored",
                    chunk.name(),
                    body.len()
                ),
            )
            .at(Location::Offset(chunk.offset)),
        );
    }
    let first = chunk.offset + 8 + skip as u64;
    body.chunks_exact(size)
        .take(MAX_RECORDS)
        .enumerate()
        .map(|(i, r)| (r, first + (i * size) as u64))
        .collect()
}

/// A chunk as a structure: its header, then `layout`'s records named
/// `record n`, after `skip` bytes read by `head`.
fn structure(
    chunk: &Chunk,
    path: &Arc<Path>,
    head: Option<&Layout>,
    layout: Option<(&Layout, &str)>,
) -> Structure {
    let mut header = chunk.id.to_vec();
    header.extend(chunk.declared.to_be_bytes());
    let mut structure = Structure::new(
        Kind::Descriptor,
        format!("NRG chunk {}", chunk.name()),
        Place::File {
            path: Arc::clone(path),
            offset: chunk.offset,
        },
        8 + chunk.body.len() as u64,
    )
    .with(&ChunkHeader::LAYOUT, &header, 0, None);
    let mut skip = 0;
    if let Some(head) = head {
        structure = structure.with(head, &chunk.body, 8, None);
        skip = head.size;
    }
    match layout {
        Some((layout, word)) => {
            let body = chunk.body.get(skip..).unwrap_or_default();
            for (i, record) in body.chunks_exact(layout.size).take(MAX_RECORDS).enumerate() {
                structure = structure.with(
                    layout,
                    record,
                    (8 + skip + i * layout.size) as u64,
                    Some(&format!("{word} {}", i + 1)),
                );
            }
        }
        None if head.is_none() && !chunk.body.is_empty() => structure.push(Field::new(
            8,
            chunk.body.len() as u64,
            "body",
            Value::Text(crate::structure::hex_bytes(&chunk.body, 32)),
            "not documented; shown as recorded",
            "NRG chunks",
        )),
        None => {}
    }
    structure
}

fn bcd(byte: u8) -> u8 {
    if byte == 0xAA {
        byte
    } else {
        bcd_to_u8(byte).unwrap_or(byte)
    }
}

/// Reads every chunk.
pub fn parse(
    chunks: &[Chunk],
    footer: &NrgFooter,
    path: &Arc<Path>,
    found: &mut Vec<Diagnostic>,
) -> NrgChunks {
    let mut parsed = NrgChunks::default();
    let mut cue_lists: Vec<Vec<CuePoint>> = Vec::new();
    let mut daos: Vec<(String, u8, Vec<DaoTrack>, u64)> = Vec::new();
    let mut taos: Vec<Vec<TaoTrack>> = Vec::new();
    for chunk in chunks {
        let wide_id = matches!(&chunk.id, b"CUEX" | b"DAOX" | b"ETN2");
        let narrow_id = matches!(&chunk.id, b"CUES" | b"DAOI" | b"ETNF" | b"TINF");
        if (wide_id && !footer.wide()) || (narrow_id && footer.wide()) {
            found.push(
                Diagnostic::warning(
                    "nrg.version-mix",
                    format!(
                        "a version {} image holds chunk {}, which belongs to the other version; it is read as its identifier says",
                        footer.version,
                        chunk.name()
                    ),
                )
                .at(Location::Offset(chunk.offset)),
            );
        }
        match &chunk.id {
            b"CUEX" | b"CUES" => {
                let wide = chunk.is(b"CUEX");
                let layout = if wide { CueX::LAYOUT } else { CueS::LAYOUT };
                let mut points = Vec::new();
                for (record, at) in records(chunk, 0, 8, found) {
                    let point = if wide {
                        CueX::decode(record).map(|c| CuePoint {
                            control: c.control,
                            track: bcd(c.track),
                            index: bcd(c.index),
                            lba: i64::from(c.lba),
                            at,
                        })
                    } else {
                        CueS::decode(record).map(|c| CuePoint {
                            control: c.control,
                            track: bcd(c.track),
                            index: bcd(c.index),
                            lba: (i64::from(c.minute) * 60 + i64::from(c.second)) * 75
                                + i64::from(c.frame)
                                - 150,
                            at,
                        })
                    };
                    points.extend(point);
                }
                cue_lists.push(points);
                parsed
                    .structures
                    .push(structure(chunk, path, None, Some((&layout, "point"))));
            }
            b"DAOX" | b"DAOI" => {
                let wide = chunk.is(b"DAOX");
                let layout = if wide {
                    DaoTrackX::LAYOUT
                } else {
                    DaoTrackI::LAYOUT
                };
                let Ok(header) = DaoHeader::decode(&chunk.body) else {
                    found.push(
                        Diagnostic::error(
                            "nrg.record-size",
                            format!("chunk {} is too short for its 22-byte header", chunk.name()),
                        )
                        .at(Location::Offset(chunk.offset)),
                    );
                    continue;
                };
                let mut tracks = Vec::new();
                for (record, at) in records(chunk, DaoHeader::LAYOUT.size, layout.size, found) {
                    let track = if wide {
                        DaoTrackX::decode(record).map(|t| DaoTrack {
                            isrc: t.isrc,
                            sector_size: t.sector_size,
                            mode: t.mode,
                            index0: t.index0,
                            index1: t.index1,
                            end: t.end,
                            at,
                        })
                    } else {
                        DaoTrackI::decode(record).map(|t| DaoTrack {
                            isrc: t.isrc,
                            sector_size: t.sector_size,
                            mode: t.mode,
                            index0: u64::from(t.index0),
                            index1: u64::from(t.index1),
                            end: u64::from(t.end),
                            at,
                        })
                    };
                    tracks.extend(track);
                }
                too_many(&mut tracks, chunk, found);
                daos.push((header.mcn, header.first_track, tracks, chunk.offset));
                parsed.structures.push(structure(
                    chunk,
                    path,
                    Some(&DaoHeader::LAYOUT),
                    Some((&layout, "track")),
                ));
            }
            b"ETN2" | b"ETNF" | b"TINF" => {
                let (layout, word) = match &chunk.id {
                    b"ETN2" => (Etn2Track::LAYOUT, "track"),
                    b"ETNF" => (EtnfTrack::LAYOUT, "track"),
                    _ => (TinfTrack::LAYOUT, "track"),
                };
                let mut tracks = Vec::new();
                for (record, at) in records(chunk, 0, layout.size, found) {
                    let track = match &chunk.id {
                        b"ETN2" => Etn2Track::decode(record).map(|t| TaoTrack {
                            offset: t.offset,
                            length: t.length,
                            mode: t.mode,
                            lba: Some(t.lba),
                            at,
                        }),
                        b"ETNF" => EtnfTrack::decode(record).map(|t| TaoTrack {
                            offset: u64::from(t.offset),
                            length: u64::from(t.length),
                            mode: t.mode,
                            lba: Some(t.lba),
                            at,
                        }),
                        _ => TinfTrack::decode(record).map(|t| TaoTrack {
                            offset: u64::from(t.offset),
                            length: u64::from(t.length),
                            mode: t.mode,
                            lba: None,
                            at,
                        }),
                    };
                    tracks.extend(track);
                }
                too_many(&mut tracks, chunk, found);
                taos.push(tracks);
                parsed
                    .structures
                    .push(structure(chunk, path, None, Some((&layout, word))));
            }
            b"SINF" => {
                parsed
                    .session_tracks
                    .extend(SessionChunk::decode(&chunk.body).map(|s| s.tracks));
                parsed
                    .structures
                    .push(structure(chunk, path, Some(&SessionChunk::LAYOUT), None));
            }
            b"MTYP" => {
                parsed.media = MediaInfo::decode(&chunk.body).ok().map(|m| m.media);
                parsed
                    .structures
                    .push(structure(chunk, path, Some(&MediaInfo::LAYOUT), None));
            }
            b"DINF" => {
                parsed
                    .structures
                    .push(structure(chunk, path, Some(&DiscInfo::LAYOUT), None))
            }
            b"TOCT" => {
                parsed
                    .structures
                    .push(structure(chunk, path, Some(&TocTypeInfo::LAYOUT), None))
            }
            b"RELO" => {
                parsed
                    .structures
                    .push(structure(chunk, path, Some(&Relocation::LAYOUT), None))
            }
            b"CDTX" => {
                parsed.cd_text = Some((chunk.body.clone(), chunk.offset));
                parsed.structures.push(crate::container::cdtext::structure(
                    &chunk.body,
                    "NRG chunk CDTX (CD-TEXT packs)",
                    path,
                    chunk.offset + 8,
                ));
            }
            b"AFNM" => parsed.structures.push(file_names(chunk, path)),
            b"END!" => parsed.structures.push(structure(chunk, path, None, None)),
            _ => {
                found.push(
                    Diagnostic::info(
                        "nrg.unknown-chunk",
                        format!(
                            "chunk {} is not one discscope reads; shown as recorded",
                            chunk.name()
                        ),
                    )
                    .at(Location::Offset(chunk.offset)),
                );
                parsed.structures.push(structure(chunk, path, None, None));
            }
        }
    }
    let count = cue_lists.len().max(daos.len());
    let mut cue_lists = cue_lists.into_iter();
    let mut daos = daos.into_iter();
    for _ in 0..count {
        let cues = cue_lists.next().unwrap_or_default();
        match daos.next() {
            Some((mcn, first_track, tracks, at)) => parsed.sessions.push(SessionData::Dao {
                mcn,
                first_track,
                tracks,
                cues,
                at,
            }),
            None => found.push(Diagnostic::error(
                "nrg.cue-without-dao",
                "a CUEX/CUES chunk has no DAOX/DAOI chunk with it: its session has no track data",
            )),
        }
    }
    parsed
        .sessions
        .extend(taos.into_iter().map(|tracks| SessionData::Tao { tracks }));
    parsed
}

/// Keeps the first 99 records.
fn too_many<T>(tracks: &mut Vec<T>, chunk: &Chunk, found: &mut Vec<Diagnostic>) {
    if tracks.len() > MAX_TRACKS {
        found.push(
            Diagnostic::error(
                "nrg.too-many-tracks",
                format!(
                    "chunk {} lists {} tracks; a session holds at most {MAX_TRACKS}, the rest are ignored",
                    chunk.name(),
                    tracks.len()
                ),
            )
            .at(Location::Offset(chunk.offset)),
        );
        tracks.truncate(MAX_TRACKS);
    }
}

/// An `AFNM` chunk: NUL-separated names, one field each.
fn file_names(chunk: &Chunk, path: &Arc<Path>) -> Structure {
    let mut structure = structure(chunk, path, None, None);
    structure.fields.retain(|f| f.name != "body");
    let mut at = 8u64;
    for (i, name) in chunk.body.split(|&b| b == 0).enumerate() {
        if !name.is_empty() {
            structure.push(Field::new(
                at,
                name.len() as u64,
                format!("name {}", i + 1),
                Value::Text(crate::structure::latin1_trimmed(name)),
                "a file name Nero recorded (the audio files the tracks were made from)",
                "NRG AFNM",
            ));
        }
        at += name.len() as u64 + 1;
    }
    structure
}

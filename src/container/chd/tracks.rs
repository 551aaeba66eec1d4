//! CD and GD-ROM track metadata read into one description per track, in
//! the order MAME reads them: for each index, the CHTR entry of that
//! index, else the CHT2 one, else the GD-ROM one; failing all, the old
//! binary CHCD table.
//!
//! Sources: MAME `cdrom.cpp` (`parse_metadata`,
//! `convert_type_string_to_track_info`, `convert_subtype_string_to_track_info`,
//! `TRACK_PADDING` = 4) and `chd.h` (the text formats).

use super::metadata::{MetaEntry, tags, tokens};
use crate::diagnostic::{Diagnostic, Location};
use crate::medium::TrackMode;

/// The most tracks a disc has.
pub const MAX_TRACKS: u32 = 99;
/// Tracks are stored padded to a multiple of this many frames.
pub const PADDING: u64 = 4;

/// What a track stores after each sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subcode {
    None,
    /// 96 bytes of cooked R-W (`RW`).
    Cooked,
    /// 96 bytes of raw, interleaved P-W (`RW_RAW`).
    Raw,
}

impl Subcode {
    fn parse(text: &str) -> Subcode {
        match text {
            "RW" => Subcode::Cooked,
            "RW_RAW" => Subcode::Raw,
            _ => Subcode::None,
        }
    }
}

/// One track as its metadata describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackMeta {
    /// Which metadata entry it came from (its place in the chain).
    pub entry: usize,
    pub number: u32,
    pub type_name: String,
    pub mode: TrackMode,
    /// Bytes of each sector in the frame.
    pub data_size: u32,
    pub subcode: Subcode,
    /// Frames stored (a stored pregap included).
    pub frames: u64,
    /// GD-ROM: frames at the end added to reach the next track's LBA.
    pub pad: u64,
    pub pregap: u64,
    /// A `V` before the pregap type: its frames are stored.
    pub pregap_stored: bool,
    pub postgap: u64,
}

impl TrackMeta {
    /// Frames the track takes in the CHD, padding to 4 included.
    pub fn padded_frames(&self) -> u64 {
        self.frames.div_ceil(PADDING) * PADDING
    }
}

/// A type name's mode and data size.
pub fn track_type(name: &str) -> Option<(TrackMode, u32)> {
    Some(match name {
        "MODE1" | "MODE1/2048" => (TrackMode::Mode1_2048, 2048),
        "MODE1_RAW" | "MODE1/2352" => (TrackMode::Mode1_2352, 2352),
        "MODE2" | "MODE2/2336" | "MODE2_FORM_MIX" => (TrackMode::Mode2_2336, 2336),
        "MODE2_FORM1" | "MODE2/2048" => (TrackMode::Mode2_2048, 2048),
        "MODE2_FORM2" | "MODE2/2324" => (TrackMode::Mode2_2324, 2324),
        "MODE2_RAW" | "MODE2/2352" | "CDI/2352" => (TrackMode::Mode2_2352, 2352),
        "AUDIO" => (TrackMode::Audio, 2352),
        _ => return None,
    })
}

/// The kind of disc the track entries describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disc {
    Cd,
    GdRom,
    /// A GD-ROM from an old CHD whose audio is stored little-endian.
    GdRomLittleEndian,
}

/// Reads every track entry. Empty when the file has none.
pub fn read(entries: &[MetaEntry], findings: &mut Vec<Diagnostic>) -> (Vec<TrackMeta>, Disc) {
    let of = |t: u32| -> Vec<(usize, &MetaEntry)> {
        entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.tag == t)
            .collect()
    };
    let (chtr, cht2, chgt, chgd) = (
        of(tags::CD_TRACK),
        of(tags::CD_TRACK2),
        of(tags::GD_OLD),
        of(tags::GD_TRACK),
    );
    let mut disc = Disc::Cd;
    let mut tracks: Vec<TrackMeta> = Vec::new();
    for index in 0..MAX_TRACKS as usize {
        let (entry_index, entry, gd) = if let Some(&(i, e)) = chtr.get(index) {
            (i, e, false)
        } else if let Some(&(i, e)) = cht2.get(index) {
            (i, e, false)
        } else if let Some(&(i, e)) = chgt.get(index) {
            disc = Disc::GdRomLittleEndian;
            (i, e, true)
        } else if let Some(&(i, e)) = chgd.get(index) {
            if disc == Disc::Cd {
                disc = Disc::GdRom;
            }
            (i, e, true)
        } else {
            break;
        };
        match parse(entry_index, entry, gd) {
            Ok(track) => tracks.push(track),
            Err(why) => findings.push(
                Diagnostic::error(
                    "chd.track-metadata",
                    format!("metadata entry {entry_index}: {why}; the track is left out"),
                )
                .at(Location::Offset(entry.offset)),
            ),
        }
    }
    if tracks.is_empty()
        && let Some(old) = entries.iter().find(|e| e.tag == tags::CD_OLD)
    {
        tracks = read_old(old, findings);
    }
    // Order by number; a number used twice keeps its first entry.
    tracks.sort_by_key(|t| t.number);
    let mut kept: Vec<TrackMeta> = Vec::new();
    for track in tracks {
        if kept.last().is_some_and(|k| k.number == track.number) {
            findings.push(Diagnostic::error(
                "chd.track-metadata",
                format!(
                    "track {} is described twice (metadata entry {}); the first is used",
                    track.number, track.entry
                ),
            ));
            continue;
        }
        kept.push(track);
    }
    for (i, track) in kept.iter().enumerate() {
        if track.number != i as u32 + 1 {
            findings.push(Diagnostic::warning(
                "chd.track-numbers",
                format!(
                    "the tracks are not numbered 1 to {}: track {} is the {}th",
                    kept.len(),
                    track.number,
                    i + 1
                ),
            ));
            break;
        }
    }
    (kept, disc)
}

fn parse(entry_index: usize, entry: &MetaEntry, gd: bool) -> Result<TrackMeta, String> {
    let text = entry
        .text()
        .ok_or_else(|| "its text could not be read".to_owned())?;
    let fields = tokens(&text);
    let get = |key: &str| {
        fields
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(_, _, v)| *v)
    };
    let number_of = |key: &str, required: bool| -> Result<u64, String> {
        match get(key) {
            Some(v) => v
                .parse::<u64>()
                .map_err(|_| format!("{key}:{v} is not a number")),
            None if required => Err(format!("it has no {key}")),
            None => Ok(0),
        }
    };
    let number = number_of("TRACK", true)?;
    if number == 0 || number > u64::from(MAX_TRACKS) {
        return Err(format!(
            "TRACK:{number} is not a track number (1 to {MAX_TRACKS})"
        ));
    }
    let type_name = get("TYPE").ok_or_else(|| "it has no TYPE".to_owned())?;
    let (mode, data_size) =
        track_type(type_name).ok_or_else(|| format!("TYPE:{type_name} is not a track type"))?;
    let frames = number_of("FRAMES", true)?;
    let pregap = number_of("PREGAP", false)?;
    let pad = if gd { number_of("PAD", false)? } else { 0 };
    let pregap_stored = pregap > 0 && get("PGTYPE").is_some_and(|t| t.starts_with('V'));
    Ok(TrackMeta {
        entry: entry_index,
        number: number as u32,
        type_name: type_name.to_owned(),
        mode,
        data_size,
        subcode: Subcode::parse(get("SUBTYPE").unwrap_or("NONE")),
        frames,
        pad,
        pregap,
        pregap_stored,
        postgap: number_of("POSTGAP", false)?,
    })
}

/// The old binary table: a track count, then 99 tracks of (type,
/// subtype, data size, subcode size, frames, extra frames), 32-bit
/// numbers of either byte order.
fn read_old(entry: &MetaEntry, findings: &mut Vec<Diagnostic>) -> Vec<TrackMeta> {
    let Some(data) = entry.data.as_deref() else {
        return Vec::new();
    };
    let word = |i: usize, big: bool| -> Option<u32> {
        let bytes: [u8; 4] = data.get(i * 4..i * 4 + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(bytes)
        } else {
            u32::from_le_bytes(bytes)
        })
    };
    let Some(count) = word(0, false) else {
        return Vec::new();
    };
    // As MAME does: a count over 99 means the other byte order.
    let big = count > MAX_TRACKS;
    let count = word(0, big).unwrap_or(0);
    if count > MAX_TRACKS {
        findings.push(
            Diagnostic::error(
                "chd.track-metadata",
                format!("the old CD table counts {count} tracks"),
            )
            .at(Location::Offset(entry.offset)),
        );
        return Vec::new();
    }
    const TYPES: [&str; 8] = [
        "MODE1",
        "MODE1_RAW",
        "MODE2",
        "MODE2_FORM1",
        "MODE2_FORM2",
        "MODE2_FORM_MIX",
        "MODE2_RAW",
        "AUDIO",
    ];
    (0..count as usize)
        .filter_map(|t| {
            let base = 1 + t * 6;
            let kind = TYPES.get(word(base, big)? as usize)?;
            let (mode, data_size) = track_type(kind)?;
            let subcode = match word(base + 1, big)? {
                0 => Subcode::Cooked,
                1 => Subcode::Raw,
                _ => Subcode::None,
            };
            Some(TrackMeta {
                entry: 0,
                number: t as u32 + 1,
                type_name: (*kind).to_owned(),
                mode,
                data_size,
                subcode,
                frames: u64::from(word(base + 4, big)?),
                pad: 0,
                pregap: 0,
                pregap_stored: false,
                postgap: 0,
            })
        })
        .collect()
}

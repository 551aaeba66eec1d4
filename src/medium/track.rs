//! Sessions, tracks, indexes and their metadata.

use crate::medium::TrackMode;
use crate::units::Lba;

/// A session: a run of consecutive tracks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub number: u8,
    pub first_track: u8,
    pub last_track: u8,
}

impl Session {
    /// Groups consecutive tracks of one session number into sessions.
    pub fn group(tracks: &[Track]) -> Vec<Session> {
        let mut sessions: Vec<Session> = Vec::new();
        for track in tracks {
            match sessions.last_mut() {
                Some(session) if session.number == track.session => {
                    session.last_track = track.number
                }
                _ => sessions.push(Session {
                    number: track.session,
                    first_track: track.number,
                    last_track: track.number,
                }),
            }
        }
        sessions
    }
}

/// An index point of a track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Index {
    pub number: u8,
    pub lba: Lba,
}

/// Sub-channel control flags from a cue `FLAGS` line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrackFlags {
    /// Digital copy permitted.
    pub dcp: bool,
    /// Four-channel audio.
    pub four_channel: bool,
    /// Pre-emphasis.
    pub pre_emphasis: bool,
    /// Serial copy management system.
    pub scms: bool,
}

impl TrackFlags {
    /// The flags a track's Q CONTROL nibble gives (ECMA-130 §22.3.1):
    /// pre-emphasis only on audio.
    pub fn from_control(control: u8) -> TrackFlags {
        TrackFlags {
            dcp: control & 0x2 != 0,
            four_channel: control & 0x8 != 0,
            pre_emphasis: control & 0x1 != 0 && control & 0x4 == 0,
            scms: false,
        }
    }

    /// The flags as cue sheets spell them, in the order they are listed.
    pub fn names(self) -> Vec<&'static str> {
        [
            (self.dcp, "DCP"),
            (self.four_channel, "4CH"),
            (self.pre_emphasis, "PRE"),
            (self.scms, "SCMS"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// Sets a flag by its cue name; `false` for an unknown name.
    pub fn set(&mut self, name: &str) -> bool {
        let flag = match name.to_ascii_uppercase().as_str() {
            "DCP" => &mut self.dcp,
            "4CH" => &mut self.four_channel,
            "PRE" => &mut self.pre_emphasis,
            "SCMS" => &mut self.scms,
            _ => return false,
        };
        *flag = true;
        true
    }
}

/// CD-TEXT fields (TITLE, PERFORMER, SONGWRITER, ...), in sheet order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CdText {
    pub fields: Vec<(String, String)>,
}

impl CdText {
    /// The first value of a field, by name (case-insensitive).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(field))
            .map(|(_, value)| value.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// One track.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    pub number: u8,
    pub session: u8,
    pub mode: TrackMode,
    /// INDEX 01.
    pub start: Lba,
    /// Sectors before INDEX 01 (INDEX 00 or PREGAP).
    pub pregap: u64,
    /// False for a PREGAP the image does not store.
    pub pregap_in_file: bool,
    /// Sectors from INDEX 01 to the next track's pregap (or the end).
    pub length: u64,
    /// A POSTGAP (never stored).
    pub postgap: u64,
    pub indexes: Vec<Index>,
    /// Index into `Medium::files` of the file holding INDEX 01.
    pub file: Option<usize>,
    /// Byte offset of INDEX 01 in that file.
    pub file_offset: Option<u64>,
    pub flags: TrackFlags,
    pub isrc: Option<String>,
    pub cd_text: CdText,
    /// REM lines kept verbatim (without `REM`).
    pub rem: Vec<String>,
}

impl Track {
    /// The largest sector any of `tracks` stores (2352 when there are none):
    /// the medium's nominal sector size.
    pub fn largest_sector(tracks: &[Track]) -> u32 {
        tracks
            .iter()
            .map(|t| t.mode.sector_size())
            .max()
            .unwrap_or(2352)
    }

    /// The one track of an image that is a single run of `length` sectors
    /// of `mode`: file 0 from its first byte, INDEX 01 at LBA 0.
    pub fn whole_file(mode: TrackMode, length: u64) -> Track {
        Track {
            number: 1,
            session: 1,
            mode,
            start: Lba(0),
            pregap: 0,
            pregap_in_file: true,
            length,
            postgap: 0,
            indexes: vec![Index {
                number: 1,
                lba: Lba(0),
            }],
            file: Some(0),
            file_offset: Some(0),
            flags: TrackFlags::default(),
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        }
    }

    pub fn is_audio(&self) -> bool {
        self.mode.is_audio()
    }

    /// The first sector of the track, pregap included.
    pub fn pregap_start(&self) -> Lba {
        Lba(self.start.0 - i64::try_from(self.pregap).unwrap_or(0))
    }

    /// One past the last sector of the track (before any postgap).
    pub fn end(&self) -> Lba {
        Lba(self.start.0 + i64::try_from(self.length).unwrap_or(0))
    }

    pub fn kind(&self) -> &'static str {
        if self.is_audio() { "audio" } else { "data" }
    }
}

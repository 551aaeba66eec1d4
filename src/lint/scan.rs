//! `discscope fix --from-data IMAGE.bin`: a sheet written from the data
//! alone, for a single raw image whose sheet is lost.
//!
//! With a `.sub` beside the image, boundaries come from the Q subchannel
//! (track and index of every sector). Without one they come from the
//! sectors: a change between data (sync pattern, by mode byte) and audio
//! starts a track; inside audio, a run of at least [`MIN_SILENCE`] sectors
//! of digital silence followed by sound is the next track's INDEX 00. An
//! audio track right after data with no stored silence gets the 2-second
//! `PREGAP` the Red Book requires there. Inside mode 2 data, a run of at
//! least 150 empty form-2 sectors followed by data is the next track's
//! INDEX 00 (how XA writers such as vcdimager fill the gap). These are
//! conventions, not facts:
//! the sheet says so in a REM line.

use std::path::Path;

use super::data::{SYNC, raw_mode};
use crate::error::{Error, Result};
use crate::io::{FileSource, ReadAt};
use crate::medium::TrackMode;
use crate::sector::subheader::SubheaderPair;
use crate::subchannel::{QData, SUB_BYTES, SubFile};
use crate::units::{Lba, Msf};

/// Digital silence this long (about 0.2 s) between sounds marks a track.
pub const MIN_SILENCE: u64 = 16;

/// The stored pregap an audio track after data needs.
const DATA_AUDIO_GAP: u64 = 150;

/// What a sector is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Data(TrackMode),
    /// An empty mode 2 form 2 sector, as in the gap before a mode 2 track.
    Gap,
    Sound,
    Silence,
}

/// A track found in the data: mode, stored INDEX 00 and INDEX 01 sectors.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Found {
    mode: TrackMode,
    index00: Option<u64>,
    index01: u64,
    pregap: bool,
    /// FLAGS from the Q control nibble (only with a subchannel).
    flags: Vec<&'static str>,
}

/// Writes a sheet for `image` (a single raw 2352-byte or 2048-byte file).
pub fn sheet_from_data(image: &Path) -> Result<String> {
    let source = FileSource::open(image)?;
    let name = image
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let len = source.len();
    let cooked = len % 2352 != 0 && len % 2048 == 0;
    if len < 2048 {
        return Err(Error::image(image, "too small to hold a sector"));
    }
    let (tracks, how) = if cooked {
        (
            vec![Found {
                mode: TrackMode::Mode1_2048,
                index00: None,
                index01: 0,
                pregap: false,
                flags: Vec::new(),
            }],
            "a 2048-byte image: one MODE1/2048 track",
        )
    } else {
        let sectors = len / 2352;
        // A subchannel without one good Q position is no help.
        let from_sub = subchannel_of(image, sectors)
            .map(|sub| from_subchannel(&source, &sub, sectors))
            .filter(|tracks| !tracks.is_empty());
        match from_sub {
            Some(tracks) => (tracks, "track boundaries from the Q subchannel"),
            None => (
                from_sectors(&source, sectors)?,
                "track boundaries from changes of mode, digital silence and empty form-2 gaps",
            ),
        }
    };
    let mut sheet = format!("REM discscope fix --from-data: {how}\n");
    sheet.push_str(&format!("FILE \"{}\" BINARY\n", name.replace('"', "")));
    for (i, track) in tracks.iter().enumerate() {
        sheet.push_str(&format!("  TRACK {:02} {}\n", i + 1, track.mode));
        if !track.flags.is_empty() {
            sheet.push_str(&format!("    FLAGS {}\n", track.flags.join(" ")));
        }
        if track.pregap {
            sheet.push_str("    PREGAP 00:02:00\n");
        }
        if let Some(zero) = track.index00 {
            sheet.push_str(&format!("    INDEX 00 {}\n", Msf::sheet_time(zero)));
        }
        sheet.push_str(&format!(
            "    INDEX 01 {}\n",
            Msf::sheet_time(track.index01)
        ));
    }
    Ok(sheet)
}

/// The `.sub` beside the image, when it has one 96-byte block per sector.
fn subchannel_of(image: &Path, sectors: u64) -> Option<SubFile<FileSource>> {
    let path = crate::container::sibling_with_extension(image, "sub")?;
    let sub = FileSource::open(&path).ok()?;
    (sub.len() == sectors.checked_mul(SUB_BYTES)?).then(|| SubFile::new(sub, Lba(0)))
}

fn classify(source: &dyn ReadAt, n: u64, buf: &mut [u8]) -> Result<Kind> {
    source.read_exact_at(n * 2352, buf)?;
    if buf.get(..12) == Some(&SYNC[..]) {
        let mode = raw_mode(crate::sector::header::SectorHeader::read(buf, 12).map(|h| h.mode))
            .unwrap_or(TrackMode::Mode1_2352);
        // An empty form-2 sector (submode: form 2 and nothing else, no
        // data): what XA writers fill track gaps with.
        let empty_form2 = mode == TrackMode::Mode2_2352
            && SubheaderPair::read(buf, 16)
                .is_some_and(|s| s.first.submode == crate::sector::subheader::FORM2)
            && buf.get(24..2348).is_some_and(|d| d.iter().all(|&b| b == 0));
        return Ok(if empty_form2 {
            Kind::Gap
        } else {
            Kind::Data(mode)
        });
    }
    Ok(if buf.iter().all(|&b| b == 0) {
        Kind::Silence
    } else {
        Kind::Sound
    })
}

fn from_sectors(source: &dyn ReadAt, sectors: u64) -> Result<Vec<Found>> {
    let mut buf = vec![0u8; 2352];
    let mut tracks: Vec<Found> = Vec::new();
    // The current track's kind (data mode, or audio), and where a run of
    // silence inside audio began.
    let mut current: Option<Kind> = None;
    let mut silence_from: Option<u64> = None;
    // Where a run of empty form-2 sectors inside a mode-2 track began.
    let mut gap_from: Option<u64> = None;
    for n in 0..sectors {
        let kind = match classify(source, n, &mut buf)? {
            Kind::Gap if current == Some(Kind::Data(TrackMode::Mode2_2352)) => {
                gap_from.get_or_insert(n);
                continue;
            }
            Kind::Gap => Kind::Data(TrackMode::Mode2_2352),
            other => other,
        };
        let gap = gap_from.take();
        match (current, kind) {
            (Some(Kind::Data(a)), Kind::Data(b)) if a == b => {
                if let Some(start) = gap.filter(|&g| n - g >= DATA_AUDIO_GAP) {
                    tracks.push(Found {
                        mode: b,
                        index00: Some(start),
                        index01: n,
                        pregap: false,
                        flags: Vec::new(),
                    });
                }
            }
            (_, Kind::Data(mode)) => {
                tracks.push(Found {
                    mode,
                    index00: None,
                    index01: n,
                    pregap: false,
                    flags: Vec::new(),
                });
                current = Some(kind);
                silence_from = None;
            }
            (Some(Kind::Data(_)) | None, audio) => {
                let after_data = current.is_some();
                tracks.push(Found {
                    mode: TrackMode::Audio,
                    index00: None,
                    index01: n,
                    pregap: after_data && audio == Kind::Sound,
                    flags: Vec::new(),
                });
                current = Some(Kind::Sound);
                silence_from = (audio == Kind::Silence && after_data).then_some(n);
            }
            (_, Kind::Silence | Kind::Gap) => {
                silence_from.get_or_insert(n);
            }
            (_, Kind::Sound) => {
                if let Some(start) = silence_from.take() {
                    let last = tracks.last_mut();
                    match last {
                        // Silence opening a track right after data: its stored pregap.
                        Some(track) if track.index01 == start => {
                            track.index00 = Some(start);
                            track.index01 = n;
                            track.pregap = n - start < DATA_AUDIO_GAP && track.pregap;
                        }
                        _ if n - start >= MIN_SILENCE => tracks.push(Found {
                            mode: TrackMode::Audio,
                            index00: Some(start),
                            index01: n,
                            pregap: false,
                            flags: Vec::new(),
                        }),
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(tracks)
}

/// Q position of sector `n`: track, index, data bit; None when the Q is
/// not a position or its CRC fails.
fn position(sub: &SubFile<FileSource>, n: u64) -> Option<(u8, u8, bool, u8)> {
    let q = sub.q(Lba(i64::try_from(n).ok()?)).ok()??;
    match q.data {
        QData::Position { track, index, .. } if q.crc_ok() => {
            Some((track, index, q.is_data(), q.control))
        }
        _ => None,
    }
}

fn from_subchannel(source: &dyn ReadAt, sub: &SubFile<FileSource>, sectors: u64) -> Vec<Found> {
    let mut tracks: Vec<(u8, Found)> = Vec::new();
    let mut buf = vec![0u8; 2352];
    for n in 0..sectors {
        let Some((q_track, q_index, q_data, control)) = position(sub, n) else {
            continue;
        };
        if q_track == 0 || q_track > 99 {
            continue;
        }
        let is_new = tracks.last().is_none_or(|(t, _)| *t != q_track);
        if is_new {
            tracks.push((
                q_track,
                Found {
                    mode: TrackMode::Audio,
                    index00: None,
                    index01: n,
                    pregap: false,
                    flags: Vec::new(),
                },
            ));
        }
        let Some((_, track)) = tracks.last_mut() else {
            continue;
        };
        if q_index == 0 && is_new {
            track.index00 = Some(n);
        }
        if q_index == 1 && (is_new || track.index00 == Some(track.index01)) {
            track.index01 = n;
            track.flags = crate::medium::TrackFlags::from_control(control).names();
            track.mode = if q_data {
                match classify(source, n, &mut buf) {
                    Ok(Kind::Data(mode)) => mode,
                    _ => TrackMode::Mode1_2352,
                }
            } else {
                TrackMode::Audio
            };
        }
    }
    tracks.into_iter().map(|(_, t)| t).collect()
}

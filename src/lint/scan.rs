//! `discscope fix --from-data IMAGE.bin`: a sheet written from the data
//! alone, for a single raw image whose sheet is lost.
//!
//! With a `.sub` beside the image, boundaries come from the Q subchannel
//! (track and index of every sector). Without one they come from the
//! sectors: a change between data (sync pattern, by mode byte) and audio
//! starts a track; inside audio, a run of at least [`MIN_SILENCE`] sectors
//! of digital silence followed by sound is the next track's INDEX 00. An
//! audio track right after data with no stored silence gets the 2-second
//! `PREGAP` the Red Book requires there. These are conventions, not facts:
//! the sheet says so in a REM line.

use std::path::{Path, PathBuf};

use super::data::{SYNC, raw_mode};
use super::subchannel::{SUB_BYTES, q_position};
use crate::error::{Error, Result};
use crate::io::{FileSource, ReadAt};
use crate::medium::TrackMode;
use crate::units::Msf;

/// Digital silence this long (about 0.2 s) between sounds marks a track.
pub const MIN_SILENCE: u64 = 16;

/// The stored pregap an audio track after data needs.
const DATA_AUDIO_GAP: u64 = 150;

/// What a sector is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Data(TrackMode),
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
            }],
            "a 2048-byte image: one MODE1/2048 track",
        )
    } else {
        let sectors = len / 2352;
        match subchannel_of(image, sectors) {
            Some(sub) => (
                from_subchannel(&source, sub.as_ref(), sectors),
                "track boundaries from the Q subchannel",
            ),
            None => (
                from_sectors(&source, sectors)?,
                "track boundaries from changes of mode and digital silence",
            ),
        }
    };
    let mut sheet = format!("REM discscope fix --from-data: {how}\n");
    sheet.push_str(&format!("FILE \"{}\" BINARY\n", name.replace('"', "")));
    for (i, track) in tracks.iter().enumerate() {
        sheet.push_str(&format!("  TRACK {:02} {}\n", i + 1, track.mode));
        if track.pregap {
            sheet.push_str("    PREGAP 00:02:00\n");
        }
        if let Some(zero) = track.index00 {
            sheet.push_str(&format!("    INDEX 00 {}\n", msf(zero)));
        }
        sheet.push_str(&format!("    INDEX 01 {}\n", msf(track.index01)));
    }
    Ok(sheet)
}

fn msf(sectors: u64) -> String {
    Msf::from_frames(i64::try_from(sectors).unwrap_or(i64::MAX))
        .map_or_else(|| "99:59:74".to_owned(), |m| m.to_string())
}

/// The `.sub` beside the image, when it has one 96-byte block per sector.
fn subchannel_of(image: &Path, sectors: u64) -> Option<Box<dyn ReadAt>> {
    let stem = image.file_stem()?.to_str()?.to_lowercase();
    let folder = image.parent().filter(|p| !p.as_os_str().is_empty())?;
    let path: PathBuf = std::fs::read_dir(folder)
        .ok()?
        .filter_map(std::result::Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_lowercase)
                == Some(stem.clone())
                && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("sub"))
        })?;
    let sub = FileSource::open(&path).ok()?;
    (sub.len() == sectors.checked_mul(SUB_BYTES)?).then(|| Box::new(sub) as Box<dyn ReadAt>)
}

fn classify(source: &dyn ReadAt, n: u64, buf: &mut [u8]) -> Result<Kind> {
    source.read_exact_at(n * 2352, buf)?;
    if buf.get(..12) == Some(&SYNC[..]) {
        let mode = raw_mode(buf.get(15).copied()).unwrap_or(TrackMode::Mode1_2352);
        return Ok(Kind::Data(mode));
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
    for n in 0..sectors {
        let kind = classify(source, n, &mut buf)?;
        match (current, kind) {
            (Some(Kind::Data(a)), Kind::Data(b)) if a == b => {}
            (_, Kind::Data(mode)) => {
                tracks.push(Found {
                    mode,
                    index00: None,
                    index01: n,
                    pregap: false,
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
                });
                current = Some(Kind::Sound);
                silence_from = (audio == Kind::Silence && after_data).then_some(n);
            }
            (_, Kind::Silence) => {
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
                        }),
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(tracks)
}

fn from_subchannel(source: &dyn ReadAt, sub: &dyn ReadAt, sectors: u64) -> Vec<Found> {
    let mut tracks: Vec<(u8, Found)> = Vec::new();
    let mut buf = vec![0u8; 2352];
    for n in 0..sectors {
        let Some(q) = q_position(sub, n) else {
            continue;
        };
        if q.track == 0 || q.track > 99 {
            continue;
        }
        let is_new = tracks.last().is_none_or(|(t, _)| *t != q.track);
        if is_new {
            tracks.push((
                q.track,
                Found {
                    mode: TrackMode::Audio,
                    index00: None,
                    index01: n,
                    pregap: false,
                },
            ));
        }
        let Some((_, track)) = tracks.last_mut() else {
            continue;
        };
        if q.index == 0 && is_new {
            track.index00 = Some(n);
        }
        if q.index == 1 && (is_new || track.index00 == Some(track.index01)) {
            track.index01 = n;
            track.mode = if q.data {
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

//! What a conversion writes where: the output files, the runs of sectors
//! each one holds and in what shape, and the sheet that names them.

use std::path::{Path, PathBuf};

use super::stream::{Part, Shape};
use super::{ConvertOptions, ConvertTarget, sheet, track_numbered};
use crate::error::{Error, Result};
use crate::medium::{Medium, Track};
use crate::units::Lba;

/// A data file to write: an optional header, then runs of sectors.
#[derive(Debug)]
pub(crate) struct DataOut {
    pub path: PathBuf,
    pub kind: &'static str,
    pub header: Vec<u8>,
    pub parts: Vec<Part>,
}

/// Everything one conversion writes.
#[derive(Debug)]
pub(crate) struct Plan {
    pub data: Vec<DataOut>,
    /// The sheet (path and text), written after its bins.
    pub sheet: Option<(PathBuf, &'static str, String)>,
    pub tracks: Vec<u8>,
}

impl Plan {
    /// Every path the plan writes.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.data
            .iter()
            .map(|d| d.path.as_path())
            .chain(self.sheet.iter().map(|(p, _, _)| p.as_path()))
    }
}

/// Where a track went in the bins: its bin, the first sector written
/// (its pregap when the image stores it) and that sector's frame in the bin.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TrackInBin {
    pub track: usize,
    pub bin: usize,
    pub from: Lba,
    pub first_frame: u64,
}

/// The bin of track `number` of a disc split into `tracks` bins, named as
/// redump names them: `Name (Track 01).bin`, or `Name.bin` for one track.
pub fn split_name(stem: &str, number: u8, tracks: usize) -> String {
    if tracks > 1 {
        format!("{stem} (Track {number:02}).bin")
    } else {
        format!("{stem}.bin")
    }
}

/// Whether a sheet written for `track` keeps its pregap in the bin: where
/// the image stores it, unless it lies before LBA 0 (a first track's
/// stored 150 sectors), which no cue sheet can place: that one is written
/// as `PREGAP`, as redump's sheets have it.
pub(crate) fn keeps_pregap(track: &Track) -> bool {
    track.pregap > 0 && track.pregap_in_file && track.pregap_start().0 >= 0
}

/// The first sector of a stored pregap that [`keeps_pregap`] leaves out
/// whose user data is not zeros (all of an audio sector; the 2048 bytes
/// after the header of a data sector, whose sync and header are always
/// there): what the written sheet cannot carry.
pub(crate) fn dropped_pregap_data(medium: &Medium) -> Option<Lba> {
    let track = medium
        .tracks
        .iter()
        .find(|t| t.pregap > 0 && t.pregap_in_file && !keeps_pregap(t))?;
    (track.pregap_start().0..track.start.0.min(0))
        .map(Lba)
        .find(|&lba| {
            let Ok(sector) = medium.read_sector(lba) else {
                return false;
            };
            let data = if track.is_audio() {
                sector.bytes.as_slice()
            } else {
                let from = medium.user_data_offset(&sector);
                sector.bytes.get(from..from + 2048).unwrap_or_default()
            };
            data.iter().any(|&b| b != 0)
        })
}

fn stem_of(out: &Path) -> Result<String> {
    out.file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            Error::Unsupported(format!(
                "{}: the output needs a file name (its bins are named after it)",
                out.display()
            ))
        })
}

fn sectors(from: Lba, to: Lba) -> u64 {
    u64::try_from(to.0 - from.0).unwrap_or(0)
}

/// A cue sheet or toc and its bins: every track in order, its pregap in
/// the bin where the image stores it.
pub(crate) fn sheet_plan(
    medium: &Medium,
    out: &Path,
    target: ConvertTarget,
    options: &ConvertOptions,
) -> Result<Plan> {
    let stem = stem_of(out)?;
    let folder = out.parent().unwrap_or(Path::new(""));
    let count = medium.tracks.len();
    let mut data: Vec<DataOut> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut placed = Vec::new();
    let mut frames = 0u64;
    for (i, track) in medium.tracks.iter().enumerate() {
        let from = if keeps_pregap(track) {
            track.pregap_start()
        } else {
            track.start
        };
        if options.split || data.is_empty() {
            let name = if options.split {
                split_name(&stem, track.number, count)
            } else {
                format!("{stem}.bin")
            };
            data.push(DataOut {
                path: folder.join(&name),
                kind: "bin",
                header: Vec::new(),
                parts: Vec::new(),
            });
            names.push(name);
            frames = 0;
        }
        let bin = data.len() - 1;
        placed.push(TrackInBin {
            track: i,
            bin,
            from,
            first_frame: frames,
        });
        frames += sectors(from, track.end());
        if let Some(last) = data.last_mut() {
            last.parts.push(Part {
                track: i,
                from,
                to: track.end(),
                shape: Shape::Copy,
            });
        }
    }
    let text = match target {
        ConvertTarget::Toc => sheet::toc(medium, &placed, &names)?,
        _ => sheet::cue(medium, &placed, &names),
    };
    Ok(Plan {
        data,
        sheet: Some((out.to_owned(), target.as_str(), text)),
        tracks: medium.tracks.iter().map(|t| t.number).collect(),
    })
}

fn chosen<'m>(
    medium: &'m Medium,
    options: &ConvertOptions,
    want_audio: bool,
) -> Result<(usize, &'m Track)> {
    let what = if want_audio { "audio" } else { "data" };
    let (index, track) = match options.track {
        Some(number) => track_numbered(medium, number)?,
        None => medium
            .tracks
            .iter()
            .enumerate()
            .find(|(_, t)| t.is_audio() == want_audio)
            .ok_or_else(|| Error::image(&medium.path, format!("has no {what} track")))?,
    };
    if track.is_audio() != want_audio {
        return Err(Error::image(
            &medium.path,
            format!(
                "track {} is {} ({}), not {what}",
                track.number,
                track.kind(),
                track.mode
            ),
        ));
    }
    Ok((index, track))
}

/// The user data of one data track, from INDEX 01 to its end (as bchunk
/// cuts it: a stored pregap is not part of the track's data).
pub(crate) fn iso_plan(medium: &Medium, out: &Path, options: &ConvertOptions) -> Result<Plan> {
    let (index, track) = chosen(medium, options, false)?;
    Ok(Plan {
        data: vec![DataOut {
            path: out.to_owned(),
            kind: "iso",
            header: Vec::new(),
            parts: vec![Part {
                track: index,
                from: track.start,
                to: track.end(),
                shape: Shape::UserData(options.form2),
            }],
        }],
        sheet: None,
        tracks: vec![track.number],
    })
}

/// One audio track from INDEX 01 to its end, behind a RIFF header.
pub(crate) fn wav_plan(medium: &Medium, out: &Path, options: &ConvertOptions) -> Result<Plan> {
    let (index, track) = chosen(medium, options, true)?;
    let bytes = sectors(track.start, track.end()) * 2352;
    let header = super::wav::header(bytes).ok_or_else(|| {
        Error::image(
            &medium.path,
            format!(
                "track {} holds more audio than a WAV file can",
                track.number
            ),
        )
    })?;
    Ok(Plan {
        data: vec![DataOut {
            path: out.to_owned(),
            kind: "wav",
            header: header.to_vec(),
            parts: vec![Part {
                track: index,
                from: track.start,
                to: track.end(),
                shape: Shape::Samples { swap: options.swap },
            }],
        }],
        sheet: None,
        tracks: vec![track.number],
    })
}

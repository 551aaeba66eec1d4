//! Writing an opened medium in another shape: a cue sheet or cdrdao toc
//! with its bins (one, or one per track), the user data of a data track as
//! an ISO, an audio track as a WAV.
//!
//! Every container opens to the same [`Medium`], so every container
//! converts. Sectors are streamed in chunks (memory does not grow with
//! the image); each output is written under a temporary name in its folder
//! and renamed only when complete (and, with `verify`, read back and found
//! equal), so an interrupted run never leaves a half file under the final
//! name. No output replaces an existing file without `force`, and none is
//! ever written onto one of the image's own files.

mod layout;
mod sheet;
mod staged;
mod stream;
mod verify;
mod wav;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::medium::{Medium, MediumKind, Track};

pub use layout::split_name;
pub(crate) use staged::stage;
pub use staged::{available_space, same_file};

/// What a conversion writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConvertTarget {
    /// A cue sheet and its bins.
    Cue,
    /// A cdrdao toc file and its bins.
    Toc,
    /// The 2048-byte user data of a data track.
    Iso,
    /// An audio track as 44.1 kHz 16-bit stereo PCM.
    Wav,
}

impl ConvertTarget {
    /// The target an output name's extension asks for.
    pub fn from_path(path: &Path) -> Option<ConvertTarget> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::from_name(&ext)
    }

    /// A target by its name (`cue`, `toc`, `iso`, `wav`).
    pub fn from_name(name: &str) -> Option<ConvertTarget> {
        match name.to_ascii_lowercase().as_str() {
            "cue" => Some(ConvertTarget::Cue),
            "toc" => Some(ConvertTarget::Toc),
            "iso" => Some(ConvertTarget::Iso),
            "wav" => Some(ConvertTarget::Wav),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConvertTarget::Cue => "cue",
            ConvertTarget::Toc => "toc",
            ConvertTarget::Iso => "iso",
            ConvertTarget::Wav => "wav",
        }
    }
}

/// What an ISO does with a mode 2 form 2 sector, which has no 2048-byte
/// block to give.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Form2Policy {
    /// Stop with an error naming the sector.
    #[default]
    Refuse,
    /// Leave the sector out.
    Skip,
    /// Write its 2324 bytes of user data (the ISO is then no longer a run
    /// of 2048-byte blocks from that sector on).
    Raw,
}

/// How to convert.
#[derive(Clone, Debug, Default)]
pub struct ConvertOptions {
    /// Defaults to the output's extension.
    pub target: Option<ConvertTarget>,
    /// One bin per track (cue and toc targets).
    pub split: bool,
    /// The track to write (ISO and WAV targets).
    pub track: Option<u8>,
    pub form2: Form2Policy,
    /// Swap the bytes of each 16-bit sample (WAV from a big-endian image).
    pub swap: bool,
    /// Replace existing outputs.
    pub force: bool,
    /// Read the outputs back and compare them sector by sector (and, for
    /// sheets, the track table of the written sheet with the source's).
    pub verify: bool,
    /// Write damaged mode 1 and form 1 sectors corrected by their own
    /// parity, reporting every sector changed.
    pub repair: bool,
}

/// One file a conversion wrote.
#[derive(Clone, Debug, Serialize)]
pub struct WrittenFile {
    pub path: PathBuf,
    /// `bin`, `cue`, `toc`, `iso` or `wav`.
    pub kind: &'static str,
    pub bytes: u64,
    /// Sectors read into it (`null` for a sheet).
    pub sectors: Option<u64>,
}

/// One byte a repair changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedByte {
    pub offset: usize,
    pub old: u8,
    pub new: u8,
}

/// A sector written corrected (`--repair`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RepairedSector {
    pub lba: i64,
    pub track: u8,
    pub changes: Vec<ChangedByte>,
}

/// What a conversion did.
#[derive(Clone, Debug, Serialize)]
pub struct ConvertReport {
    pub source: PathBuf,
    pub target: ConvertTarget,
    pub files: Vec<WrittenFile>,
    /// The numbers of the tracks written.
    pub tracks: Vec<u8>,
    pub sectors: u64,
    pub bytes: u64,
    /// Form 2 sectors left out of an ISO (`--form2 skip`).
    pub form2_skipped: u64,
    /// Form 2 sectors written with their 2324 bytes (`--form2 raw`).
    pub form2_raw: u64,
    /// Sectors written corrected; empty without `--repair`.
    pub repaired: Vec<RepairedSector>,
    /// Damaged sectors parity could not correct, written as they are
    /// (with `--repair`).
    pub uncorrectable: Vec<i64>,
    /// Every file read back equal to what was meant (`null` without
    /// `--verify`; a file that reads back different is never renamed into
    /// place).
    pub verified: Option<bool>,
    /// Whether the written sheet, opened again, has the image's track
    /// table (`null` for an ISO or WAV).
    pub tracks_match: Option<bool>,
    /// How the written sheet's tracks differ.
    pub findings: Vec<String>,
    /// The first sector of a first track's stored pregap that holds data
    /// (not zeros) although no sheet can place it (it lies before LBA 0):
    /// the sheet says `PREGAP` and the bins leave it out.
    pub dropped_pregap: Option<i64>,
}

/// Progress of a conversion, and its cancel flag.
pub struct ConvertProgress<'a> {
    /// (stage, bytes done, bytes in the stage): `writing` then `verifying`.
    pub report: &'a (dyn Fn(&'static str, u64, u64) + Sync),
    pub cancel: &'a AtomicBool,
}

impl std::fmt::Debug for ConvertProgress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvertProgress").finish_non_exhaustive()
    }
}

/// Converts `medium` to `out` (a sheet, ISO or WAV path; bins go beside a
/// sheet).
pub fn convert(
    medium: &Medium,
    out: &Path,
    options: &ConvertOptions,
    progress: &ConvertProgress<'_>,
) -> Result<ConvertReport> {
    let target = match options.target {
        Some(target) => target,
        None => ConvertTarget::from_path(out).ok_or_else(|| {
            Error::Unsupported(format!(
                "{}: say what to write with an extension (.cue, .iso, .wav, .toc) or --to",
                out.display()
            ))
        })?,
    };
    if options.split && matches!(target, ConvertTarget::Iso | ConvertTarget::Wav) {
        return Err(Error::Unsupported(
            "--split writes one bin per track beside a .cue or .toc; an ISO or WAV is one track (--track N)".into(),
        ));
    }
    if medium.kind == MediumKind::Disk || medium.tracks.is_empty() {
        return Err(Error::image(
            &medium.path,
            "a disk image has no tracks to convert",
        ));
    }
    let (plan, dropped_pregap) = match target {
        ConvertTarget::Cue | ConvertTarget::Toc => (
            layout::sheet_plan(medium, out, target, options)?,
            layout::dropped_pregap_data(medium).map(|lba| lba.0),
        ),
        ConvertTarget::Iso => (layout::iso_plan(medium, out, options)?, None),
        ConvertTarget::Wav => (layout::wav_plan(medium, out, options)?, None),
    };
    let report = staged::write(medium, &plan, target, options, progress)?;
    Ok(ConvertReport {
        dropped_pregap,
        ..report
    })
}

/// The track numbered `number`.
fn track_numbered(medium: &Medium, number: u8) -> Result<(usize, &Track)> {
    medium
        .tracks
        .iter()
        .enumerate()
        .find(|(_, t)| t.number == number)
        .ok_or_else(|| {
            let numbers: Vec<String> = medium.tracks.iter().map(|t| t.number.to_string()).collect();
            Error::image(
                &medium.path,
                format!("has no track {number} (tracks: {})", numbers.join(", ")),
            )
        })
}

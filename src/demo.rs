//! The built-in demo disc: a small mixed-mode CD built at start-up, so a new
//! user sees every pane do something real.
//!
//! Track 1 is MODE1/2352 data holding an ISO 9660 filesystem with Rock Ridge
//! and Joliet (made by xorriso, `assets/demo/make.sh`, embedded compressed
//! and encoded here with discscope's own sector encoder). Track 2 is three
//! seconds of a 440 Hz tone. Track 3 is mode 2 XA with form 1 and form 2
//! sectors behind a stored two-second pregap. One sector of track 1 is
//! damaged on purpose, and the cue sheet has one deliberate, explained
//! mistake.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::sector::encode;
use crate::sector::subheader::Subheader;
use crate::units::Lba;

/// The xorriso image, zlib-compressed.
const ISO: &[u8] = include_bytes!("../assets/demo/demo.iso.zlib");
/// The ISO is about 80 KiB; anything larger is not ours.
const ISO_LIMIT: usize = 4 << 20;

/// The sheet's file name.
pub const SHEET: &str = "discscope-demo.cue";
const TRACK_FILES: [&str; 3] = [
    "discscope-demo (Track 1).bin",
    "discscope-demo (Track 2).bin",
    "discscope-demo (Track 3).bin",
];

/// Sectors of the tone (three seconds).
const TONE_SECTORS: usize = 225;
/// The stored pregap before the XA track.
const XA_PREGAP: usize = 150;
const XA_FORM1: usize = 12;
const XA_FORM2: usize = 28;

/// The text whose sector is damaged on purpose.
const DAMAGED_TEXT: &[u8] = b"Welcome to the discscope demo disc.";

/// The files of the demo disc, sheet first.
pub fn files() -> Result<Vec<(String, Vec<u8>)>> {
    let iso = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(ISO, ISO_LIMIT)
        .map_err(|e| Error::Unsupported(format!("the embedded demo image is damaged: {e:?}")))?;
    let data = data_track(&iso)?;
    let data_sectors = data.len() / 2352;
    let tone = tone_track();
    let xa_start = data_sectors + TONE_SECTORS;
    let xa = xa_track(xa_start)?;
    Ok(vec![
        (SHEET.to_owned(), sheet().into_bytes()),
        (TRACK_FILES[0].to_owned(), data),
        (TRACK_FILES[1].to_owned(), tone),
        (TRACK_FILES[2].to_owned(), xa),
    ])
}

/// Writes the demo disc into `dir` (created if needed); files are created
/// new and never overwrite anything. Returns the sheet's path.
pub fn write(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, bytes) in files()? {
        let path = dir.join(&name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        std::io::Write::write_all(&mut file, &bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(dir.join(SHEET))
}

fn sheet() -> String {
    format!(
        "REM discscope demo disc: a mixed-mode CD built by discscope itself.\n\
REM DELIBERATE MISTAKE: track 2 is audio right after a data track, and real\n\
REM discs put a 2-second pregap there; this sheet omits it. `discscope check`\n\
REM explains the problem and `discscope fix` adds `PREGAP 00:02:00`.\n\
CATALOG 0000000000000\n\
PERFORMER \"discscope\"\n\
TITLE \"Demo disc\"\n\
FILE \"{}\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n\
FILE \"{}\" BINARY\n  TRACK 02 AUDIO\n    TITLE \"A 440 Hz tone\"\n    PERFORMER \"sine wave\"\n    FLAGS DCP\n    INDEX 01 00:00:00\n\
FILE \"{}\" BINARY\n  TRACK 03 MODE2/2352\n    INDEX 00 00:00:00\n    INDEX 01 00:02:00\n",
        TRACK_FILES[0], TRACK_FILES[1], TRACK_FILES[2]
    )
}

/// The ISO encoded as MODE1/2352, one sector damaged.
fn data_track(iso: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(iso.len() / 2048 * 2352);
    let mut damaged = false;
    for (index, block) in iso.chunks(2048).enumerate() {
        let mut user = [0u8; 2048];
        if let Some(dst) = user.get_mut(..block.len()) {
            dst.copy_from_slice(block);
        }
        let lba = Lba(i64::try_from(index).unwrap_or(i64::MAX));
        let mut sector = encode::mode1(lba, &user)?;
        if !damaged && let Some(at) = find(&user, DAMAGED_TEXT) {
            // Flip the case of one letter after encoding: EDC and ECC
            // no longer match, as on a disc with a scratch.
            if let Some(byte) = sector.get_mut(16 + at + 11) {
                *byte ^= 0x20;
                damaged = true;
            }
        }
        out.extend_from_slice(&sector);
    }
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Three seconds of a 440 Hz sine, 16-bit little-endian stereo at 44.1 kHz,
/// faded in and out so it does not click.
fn tone_track() -> Vec<u8> {
    let frames = TONE_SECTORS * 588;
    let fade = 441.0;
    let mut out = Vec::with_capacity(frames * 4);
    for n in 0..frames {
        let t = n as f64 / 44_100.0;
        let edge = (n as f64).min((frames - n) as f64);
        let gain = (edge / fade).min(1.0) * 0.25;
        let sample = ((2.0 * std::f64::consts::PI * 440.0 * t).sin() * gain * 32_767.0) as i16;
        let bytes = sample.to_le_bytes();
        out.extend_from_slice(&bytes);
        out.extend_from_slice(&bytes);
    }
    out
}

/// Mode 2 XA: an empty form 2 pregap, then form 1 text sectors and form 2
/// "video" sectors (the last few with EDC 0, which form 2 allows).
fn xa_track(first: usize) -> Result<Vec<u8>> {
    let lba = |i: usize| Lba(i64::try_from(first + i).unwrap_or(i64::MAX));
    let mut out = Vec::new();
    let empty = Subheader {
        file: 0,
        channel: 0,
        submode: 0x20,
        coding: 0,
    };
    for i in 0..XA_PREGAP {
        out.extend_from_slice(&encode::mode2_form2(lba(i), empty, &[0u8; 2324], true)?);
    }
    for i in 0..XA_FORM1 {
        let mut user = [b' '; 2048];
        let text =
            format!("CD-ROM XA mode 2 form 1 sector {i}: 2048 bytes of data with EDC and ECC.\n");
        if let Some(dst) = user.get_mut(..text.len()) {
            dst.copy_from_slice(text.as_bytes());
        }
        let data = Subheader {
            file: 1,
            channel: 0,
            submode: 0x08,
            coding: 0,
        };
        let end_of_record = if i + 1 == XA_FORM1 { 0x01 } else { 0 };
        let subheader = Subheader {
            submode: data.submode | end_of_record,
            ..data
        };
        out.extend_from_slice(&encode::mode2_form1(lba(XA_PREGAP + i), subheader, &user)?);
    }
    for i in 0..XA_FORM2 {
        let mut user = [0u8; 2324];
        for (j, byte) in user.iter_mut().enumerate() {
            *byte = ((j * 7 + i * 13) % 251) as u8;
        }
        // Real-time video in form 2; the last sector ends the file.
        let end = if i + 1 == XA_FORM2 { 0x81 } else { 0 };
        let subheader = Subheader {
            file: 1,
            channel: 1,
            submode: 0x62 | end,
            coding: 0x0f,
        };
        let with_edc = i < XA_FORM2 - 4;
        out.extend_from_slice(&encode::mode2_form2(
            lba(XA_PREGAP + XA_FORM1 + i),
            subheader,
            &user,
            with_edc,
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_file() {
        let files = files().unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], SHEET);
        assert_eq!(files[2].1.len(), TONE_SECTORS * 2352);
        assert_eq!(files[3].1.len(), (XA_PREGAP + XA_FORM1 + XA_FORM2) * 2352);
        assert_eq!(files[1].1.len() % 2352, 0);
    }

    #[test]
    fn data_track_carries_the_iso_with_one_byte_changed() {
        let iso = miniz_oxide::inflate::decompress_to_vec_zlib(ISO).unwrap();
        let data = data_track(&iso).unwrap();
        let user: Vec<u8> = data
            .chunks(2352)
            .flat_map(|s| s[16..2064].to_vec())
            .collect();
        let differing: Vec<usize> = (0..iso.len()).filter(|&i| iso[i] != user[i]).collect();
        assert_eq!(differing.len(), 1);
        assert_eq!(iso[differing[0]] ^ user[differing[0]], 0x20);
    }
}

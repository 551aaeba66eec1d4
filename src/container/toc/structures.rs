//! A toc's header and each TRACK block as a structure of the toc file:
//! one field per line, placed at its bytes, with what the statement means.

use std::path::Path;
use std::sync::Arc;

use crate::container::cue::text::{Encoding, SheetText};
use crate::container::toc::sheet::TocSheet;
use crate::structure::{Field, Kind, Place, Structure, Value};

const SOURCE: &str = "cdrdao manual, TOC FILES";

/// What each statement says, for people.
fn meaning(keyword: &str) -> &'static str {
    match keyword {
        "CD_DA" => "disc type: audio tracks only",
        "CD_ROM" => "disc type: mode 1 tracks, possibly with audio tracks",
        "CD_ROM_XA" => {
            "disc type: mode 2 form 1 and form 2 tracks (and audio); needed for multi-session"
        }
        "CD_I" => "disc type: CD-i",
        "CATALOG" => "the disc's media catalog number (13 digits)",
        "CD_TEXT" => "CD-TEXT: a language map and per-language items",
        "LANGUAGE_MAP" => "which language code each CD-TEXT block number stands for",
        "LANGUAGE" => "the CD-TEXT items of one language block",
        "TRACK" => "a new track: its mode (block length) and optional sub-channel mode",
        "ISRC" => "the track's International Standard Recording Code",
        "COPY" | "NO" => "the copy-permitted flag",
        "PRE_EMPHASIS" => "the pre-emphasis flag (audio)",
        "TWO_CHANNEL_AUDIO" => "two-channel audio",
        "FOUR_CHANNEL_AUDIO" => "four-channel audio",
        "PREGAP" => "zero data before INDEX 01, not stored in any file",
        "FILE" | "AUDIOFILE" => "audio data from a file: start and length in samples or mm:ss:ff",
        "DATAFILE" => "data from a file: #byte offset, length in bytes or mm:ss:ff",
        "FIFO" => "data read from a pipe while writing",
        "SILENCE" => "zero audio data",
        "ZERO" => "zero data",
        "START" => "INDEX 01: where the pregap ends",
        "END" => "where the post-gap begins",
        "INDEX" => "the next index, counted from INDEX 01",
        "}" => "the end of a block",
        _ => "a line of the toc",
    }
}

/// Each line's byte offset and length in the file (line break excluded).
pub fn line_places(bytes: &[u8], text: &SheetText) -> Vec<(u64, u64)> {
    let unit = match text.encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => 2,
        _ => 1,
    };
    let skip: u64 = match text.encoding {
        Encoding::Utf8Bom => 3,
        Encoding::Utf16Le | Encoding::Utf16Be => 2,
        _ => 0,
    };
    let mut places = Vec::with_capacity(text.lines.len());
    let mut at = skip as usize;
    for _ in &text.lines {
        // The raw bytes of this line end at its line break.
        let start = at;
        let mut end = start;
        loop {
            let unit_bytes = bytes.get(end..end + unit);
            let is = |c: u8| match (unit_bytes, text.encoding) {
                (Some([b]), _) => *b == c,
                (Some([a, b]), Encoding::Utf16Le) => *a == c && *b == 0,
                (Some([a, b]), _) => *a == 0 && *b == c,
                _ => false,
            };
            if unit_bytes.is_none() || is(b'\n') || is(b'\r') {
                break;
            }
            end += unit;
        }
        places.push((start as u64, (end - start) as u64));
        // Step over \r\n, \r or \n.
        let at_byte = |i: usize, c: u8| match (bytes.get(i..i + unit), text.encoding) {
            (Some([b]), _) => *b == c,
            (Some([a, b]), Encoding::Utf16Le) => *a == c && *b == 0,
            (Some([a, b]), _) => *a == 0 && *b == c,
            _ => false,
        };
        at = end;
        if at_byte(at, b'\r') {
            at += unit;
            if at_byte(at, b'\n') {
                at += unit;
            }
        } else if at_byte(at, b'\n') {
            at += unit;
        }
    }
    places
}

/// The structure spanning lines `first..=last` (1-based), named `name`.
fn block(
    name: String,
    first: usize,
    last: usize,
    text: &SheetText,
    places: &[(u64, u64)],
    path: &Arc<Path>,
) -> Option<Structure> {
    let &(start, _) = places.get(first.checked_sub(1)?)?;
    let &(end_at, end_len) = places.get(last.checked_sub(1)?)?;
    let mut structure = Structure::new(
        Kind::Descriptor,
        name,
        Place::File {
            path: Arc::clone(path),
            offset: start,
        },
        (end_at + end_len).saturating_sub(start),
    );
    for number in first..=last {
        let (Some(line), Some(&(offset, length))) =
            (text.lines.get(number - 1), places.get(number - 1))
        else {
            continue;
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let (keyword, rest) = if trimmed.starts_with("//") || trimmed.starts_with('#') {
            ("comment", trimmed)
        } else {
            trimmed
                .split_once(char::is_whitespace)
                .unwrap_or((trimmed, ""))
        };
        structure.push(Field::new(
            offset - start,
            length,
            format!("line {number}: {keyword}"),
            Value::Text(rest.trim().to_owned()),
            meaning(keyword),
            SOURCE,
        ));
    }
    Some(structure)
}

/// The header (the lines before the first TRACK) and each TRACK block.
pub fn structures(sheet: &TocSheet, bytes: &[u8], path: &Path) -> Vec<Structure> {
    let path: Arc<Path> = path.into();
    let places = line_places(bytes, &sheet.text);
    let mut out = Vec::new();
    let first_track = sheet
        .tracks
        .first()
        .map_or(sheet.text.lines.len() + 1, |t| t.at.line);
    if first_track > 1 {
        out.extend(block(
            "toc header".into(),
            1,
            first_track - 1,
            &sheet.text,
            &places,
            &path,
        ));
    }
    for (i, track) in sheet.tracks.iter().enumerate() {
        let last = sheet
            .tracks
            .get(i + 1)
            .map_or(sheet.text.lines.len(), |next| {
                next.at.line.saturating_sub(1)
            })
            .max(track.at.line);
        let mode = track.mode.map_or("?", |m| m.as_str());
        out.extend(block(
            format!("TRACK {} ({mode})", i + 1),
            track.at.line,
            last,
            &sheet.text,
            &places,
            &path,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::cue::text::decode;

    #[test]
    fn lines_are_placed_at_their_bytes() {
        let bytes = b"\xEF\xBB\xBFCD_DA\r\nTRACK AUDIO\n\nSILENCE 1:0:0";
        let text = decode(bytes);
        let places = line_places(bytes, &text);
        assert_eq!(places, [(3, 5), (10, 11), (22, 0), (23, 13)]);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("A\r\nBC".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(line_places(&utf16, &decode(&utf16)), [(2, 2), (8, 4)]);
        let sheet = TocSheet::parse_bytes(bytes);
        let found = structures(&sheet, bytes, Path::new("x.toc"));
        assert_eq!(found[0].name, "toc header");
        assert_eq!(found[1].name, "TRACK 1 (AUDIO)");
        assert_eq!(found[1].fields[1].name, "line 4: SILENCE");
        assert_eq!(found[1].fields[1].offset, 13);
    }
}

//! Pregaps: PREGAP and INDEX 00 on one track, and the two seconds a data
//! track owes the audio track after it.

use super::data::Context;
use crate::container::cue::sheet::Sheet;
use crate::container::cue::text::indent_of;
use crate::diagnostic::{Diagnostic, Fix};

/// The pregap the Red Book asks for where data is followed by audio.
// Sources: IEC 60908 (Red Book) section 17.5.1, and ECMA-130 section 20.
const DATA_AUDIO_GAP: u64 = 150;

pub(super) fn check_sheet(sheet: &Sheet, found: &mut Vec<Diagnostic>) {
    for track in &sheet.tracks {
        let (Some((_, at)), Some(zero)) =
            (track.pregap, track.indexes.iter().find(|i| i.number == 0))
        else {
            continue;
        };
        found.push(
            Diagnostic::warning(
                "cue.pregap-and-index-00",
                format!(
                    "TRACK {:02} has both PREGAP and INDEX 00 (line {}); players add the two",
                    track.number, zero.span.line
                ),
            )
            .at_sheet(at.line, at.column)
            .suggest("keep INDEX 00, which says where the gap is in the file, and drop PREGAP")
            .with_fix(Fix {
                line: at.line,
                replacement: String::new(),
            }),
        );
    }
}

pub(super) fn check_layout(context: &Context<'_>, found: &mut Vec<Diagnostic>) {
    let pairs = context.tracks.windows(2).zip(context.blocks.iter().skip(1));
    for (pair, block) in pairs {
        let [before, after] = pair else { continue };
        if before.is_audio()
            || !after.is_audio()
            || before.session != after.session
            || after.pregap >= DATA_AUDIO_GAP
        {
            continue;
        }
        // Only a gap the sheet adds (PREGAP) can be fixed; a stored one
        // (INDEX 00) would need other data.
        let line_of = |line: usize| {
            context
                .lines
                .get(line.saturating_sub(1))
                .map_or("", String::as_str)
        };
        let has_index00 = block.indexes.iter().any(|i| i.number == 0);
        let fix = match block.pregap {
            _ if has_index00 => None,
            Some((_, at)) => Some(Fix {
                line: at.line,
                replacement: format!("{}PREGAP 00:02:00", indent_of(line_of(at.line))),
            }),
            None => {
                let text = line_of(block.span.line);
                Some(Fix {
                    line: block.span.line,
                    replacement: format!("{text}\n{}  PREGAP 00:02:00", indent_of(text)),
                })
            }
        };
        let mut diagnostic = Diagnostic::warning(
                "cue.data-audio-gap",
                format!(
                    "TRACK {:02} (audio) follows a data track with a {}-sector pregap; a disc has at least 150 (2 seconds) there",
                    after.number, after.pregap
                ),
            )
        .at_sheet(block.span.line, block.span.column)
        .suggest("add `PREGAP 00:02:00` after this TRACK line if the image does not hold the gap");
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        found.push(diagnostic);
    }
}

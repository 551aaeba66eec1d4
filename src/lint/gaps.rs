//! Pregaps: PREGAP and INDEX 00 on one track, and the two seconds a data
//! track owes the audio track after it.

use super::declared::Context;
use crate::container::cue::sheet::Sheet;
use crate::container::cue::text::indent_of;
use crate::container::dialect::{self, Dialect};
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
    let pairs = context
        .tracks
        .windows(2)
        .zip(context.declared.iter().skip(1));
    for (pair, declared) in pairs {
        let [before, after] = pair else { continue };
        if before.is_audio()
            || !after.is_audio()
            || before.session != after.session
            || after.pregap >= DATA_AUDIO_GAP
        {
            continue;
        }
        // Only a gap the sheet adds (PREGAP) can be fixed; a stored one
        // (INDEX 00) would need other data. Toc files get no fixes.
        let fix = match (context.dialect, declared.pregap_at) {
            (Dialect::Toc, _) => None,
            _ if declared.index00_at.is_some() => None,
            (Dialect::Cue, Some(at)) => Some(Fix {
                line: at.line,
                replacement: format!("{}PREGAP 00:02:00", indent_of(context.line(at.line))),
            }),
            (Dialect::Cue, None) => {
                let text = context.line(declared.track_at.line);
                Some(Fix {
                    line: declared.track_at.line,
                    replacement: format!("{text}\n{}  PREGAP 00:02:00", indent_of(text)),
                })
            }
        };
        let suggestion = match context.dialect {
            Dialect::Cue => {
                "add `PREGAP 00:02:00` after this TRACK line if the image does not hold the gap"
            }
            Dialect::Toc => {
                "add `PREGAP 0:2:0` after this TRACK's flags if the image does not hold the gap"
            }
        };
        let mut diagnostic = Diagnostic::warning(
                context.dialect.code(dialect::DATA_AUDIO_GAP),
                format!(
                    "{} (audio) follows a data track with a {}-sector pregap; a disc has at least 150 (2 seconds) there",
                    context.track(declared), after.pregap
                ),
            )
        .at_sheet(declared.track_at.line, declared.track_at.column)
        .suggest(suggestion);
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        found.push(diagnostic);
    }
}

//! Rules over the order and shape of lines: track and session numbering
//! (with renumbering fixes), CD-TEXT length.

use crate::container::cue::sheet::CD_TEXT_FIELDS;
use crate::container::cue::sheet::Sheet;
use crate::container::cue::text;
use crate::container::cue::text::{indent_of, replace_word};
use crate::diagnostic::{Diagnostic, Fix};

/// CD-TEXT packs hold at most this many characters per field in practice.
// Sources: Red Book annex (CD-TEXT), as cdrecord and EAC limit it.
const CD_TEXT_MAX: usize = 80;

pub(super) fn check(sheet: &Sheet, found: &mut Vec<Diagnostic>) {
    renumber(sheet, found);
    let mut session = 0u32;
    for (index, line) in sheet.text.lines.iter().enumerate() {
        let number = index + 1;
        let tokens = text::tokenize(line, number, &mut Vec::new());
        let Some((command, args)) = tokens.split_first() else {
            continue;
        };
        let name = command.text.to_ascii_uppercase();
        if name == "REM"
            && args
                .first()
                .is_some_and(|t| t.text.eq_ignore_ascii_case("SESSION"))
        {
            let Some(value) = args.get(1) else { continue };
            let Ok(given) = value.text.parse::<u32>() else {
                continue;
            };
            let expected = session + 1;
            session = given.max(session);
            if given != expected && given > 0 {
                found.push(
                    Diagnostic::warning(
                        "cue.session-order",
                        format!("REM SESSION {given:02} where session {expected:02} comes next"),
                    )
                    .at_sheet(value.line, value.column)
                    .suggest(format!("number it {expected:02}"))
                    .with_fix(Fix {
                        line: number,
                        replacement: format!("{}REM SESSION {expected:02}", indent_of(line)),
                    }),
                );
                session = expected;
            }
        } else if CD_TEXT_FIELDS.contains(&name.as_str()) && name != "UPC_EAN" {
            let value: Vec<&str> = args.iter().map(|t| t.text.as_str()).collect();
            let length = value.join(" ").chars().count();
            if length > CD_TEXT_MAX {
                found.push(
                    Diagnostic::warning(
                        "cue.cd-text-too-long",
                        format!(
                            "{name} is {length} characters; CD-TEXT holds at most {CD_TEXT_MAX}"
                        ),
                    )
                    .at_sheet(command.line, command.column)
                    .suggest("shorten it, or burners will cut or refuse it"),
                );
            }
        }
    }
}

/// Track numbers rise by one from the first: each out-of-step TRACK line
/// gets the number its position calls for.
fn renumber(sheet: &Sheet, found: &mut [Diagnostic]) {
    let Some(first) = sheet.tracks.first().map(|t| u32::from(t.number)) else {
        return;
    };
    for d in found.iter_mut() {
        if !matches!(d.code, "cue.track-order" | "cue.track-number-gap") {
            continue;
        }
        let Some(position) = sheet
            .tracks
            .iter()
            .position(|t| Some(t.span.line) == d.line())
        else {
            continue;
        };
        let Some(track) = sheet.tracks.get(position) else {
            continue;
        };
        let expected = first + position as u32;
        let text = sheet
            .text
            .lines
            .get(track.span.line.saturating_sub(1))
            .map_or("", String::as_str);
        // The number is the word after TRACK; the rest stays as written.
        let tokens = text::tokenize(text, track.span.line, &mut Vec::new());
        if let (true, Some(number)) = (expected <= 99, tokens.get(1)) {
            d.suggestion = Some(format!("number this track {expected:02}"));
            d.fix = Some(Fix {
                line: track.span.line,
                replacement: replace_word(text, number.column, &format!("{expected:02}")),
            });
        }
    }
}

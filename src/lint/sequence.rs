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

/// Track numbers rise by one from the first: every TRACK line out of step
/// gets the number its position calls for. The finding that broke the step
/// carries the fix; a line renumbered only because one above it was (it
/// was in step with the old number) gets a `cue.track-renumbered` note, so
/// that `check` shows every line `fix` rewrites. A line an earlier fix
/// already rewrites (a misspelt TRACK) gets its number within that fix.
fn renumber(sheet: &Sheet, found: &mut Vec<Diagnostic>) {
    let Some(first) = sheet.tracks.first().map(|t| u32::from(t.number)) else {
        return;
    };
    for (position, track) in sheet.tracks.iter().enumerate() {
        let expected = first + position as u32;
        if u32::from(track.number) == expected || expected > 99 {
            continue;
        }
        let line = track.span.line;
        let fixes_line = |d: &Diagnostic| d.fix.as_ref().is_some_and(|f| f.line == line);
        let earlier = found.iter().position(fixes_line);
        let base = match earlier
            .and_then(|i| found.get(i))
            .and_then(|d| d.fix.as_ref())
        {
            Some(fix) => fix.replacement.clone(),
            None => sheet
                .text
                .lines
                .get(line.saturating_sub(1))
                .cloned()
                .unwrap_or_default(),
        };
        // The number is the word after TRACK; the rest stays as written.
        let tokens = text::tokenize(&base, line, &mut Vec::new());
        let Some(number) = tokens.get(1) else {
            continue;
        };
        let fix = Fix {
            line,
            replacement: replace_word(&base, number.column, &format!("{expected:02}")),
        };
        let step = found.iter().position(|d| {
            matches!(d.code, "cue.track-order" | "cue.track-number-gap") && d.line() == Some(line)
        });
        if let Some(d) = step.and_then(|i| found.get_mut(i)) {
            d.suggestion = Some(format!("number this track {expected:02}"));
        }
        match (earlier, step) {
            (Some(i), _) | (None, Some(i)) => {
                if let Some(d) = found.get_mut(i) {
                    d.fix = Some(fix);
                }
            }
            (None, None) => found.push(
                Diagnostic::info(
                    "cue.track-renumbered",
                    format!(
                        "TRACK {:02} becomes {expected:02}, in step with the renumbering above",
                        track.number
                    ),
                )
                .at_sheet(line, track.span.column)
                .with_fix(fix),
            ),
        }
    }
}

//! A sector as plain text for a bug report: where it is, who owns it, what
//! its checks found and what the byte under the cursor means (the
//! inspector's notes), then the hex dump with the fields that start on
//! each row named in a margin. Image-derived text is escaped.

use std::fmt::Write;

use crate::escape::escape;
use crate::inspect::explain;
use crate::inspect::hex::SectorView;
use crate::inspect::hexdump;
use crate::inspect::notes;
use crate::inspect::owners::Owner;
use crate::structure::Structure;
use crate::survey::Survey;

/// What the report is about: the sector, the byte under the cursor (an
/// offset in the stored sector), the structures in the sector and the
/// field at the cursor.
struct Subject<'a> {
    sector: &'a SectorView,
    cursor: usize,
    structures: Vec<Structure>,
    /// The medium's block size, to place structures in the user data.
    block_size: u64,
}

/// The plain-text report of a sector with `owners` (from the owner index)
/// and the byte at `cursor` of the stored sector explained.
pub fn report(survey: &Survey, sector: &SectorView, cursor: usize, owners: &[Owner]) -> String {
    let medium = survey.medium.as_ref();
    let data = sector.user_data();
    let block = sector.bytes.get(data.clone()).unwrap_or_default();
    let here = explain::structures_at(survey, owners, sector.lba, block);
    let explained = cursor
        .checked_sub(data.start)
        .filter(|_| data.contains(&cursor))
        .and_then(|at| explain::field_at(&here, sector.lba, medium.block_size(), block.len(), at));
    let subject = Subject {
        sector,
        cursor,
        structures: here.into_iter().map(|(_, s)| s).collect(),
        block_size: medium.block_size(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "discscope {} sector report", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        out,
        "{:<10}{}",
        "image",
        escape(&medium.path.display().to_string())
    );
    let notes = notes::sector_notes(medium, sector, cursor, owners, explained.as_ref(), None);
    for note in notes {
        let line = format!("{:<10}{}", note.label, escape(&note.value));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out);
    dump(&subject, &mut out);
    out
}

/// The hex dump (pretty-hex's rows, identical runs squeezed), each row's
/// margin naming the fields that start on it and marking the cursor.
fn dump(subject: &Subject, out: &mut String) {
    let sector = subject.sector;
    let data = sector.user_data();
    let options = hexdump::Options {
        squeeze: true,
        bulk: false,
    };
    let mut bytes = Vec::new();
    let _ = hexdump::write(&mut bytes, &sector.bytes, options, |range, margin| {
        let mut names = field_names(subject, range.clone(), &data);
        if range.contains(&subject.cursor) {
            names.insert(0, format!("<- cursor at {:#x}", subject.cursor));
        }
        margin.push_str(&escape(&names.join(", ")));
    });
    out.push_str(&String::from_utf8_lossy(&bytes));
}

/// The sector fields and structure fields that start in `range` of the
/// stored sector (`data` is where the user data lies in it).
fn field_names(
    subject: &Subject,
    range: std::ops::Range<usize>,
    data: &std::ops::Range<usize>,
) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(verdict) = &subject.sector.verdict {
        for field in verdict.layout.fields() {
            if range.contains(&field.offset) {
                names.push(field.name().to_owned());
            }
        }
    }
    let Ok(lba) = u64::try_from(subject.sector.lba.0) else {
        return names;
    };
    let block_start = lba.saturating_mul(subject.block_size);
    for structure in &subject.structures {
        let Some(start) = structure.place.medium() else {
            continue;
        };
        for field in &structure.fields {
            let Some(in_block) = (start + field.offset).checked_sub(block_start) else {
                continue;
            };
            let Some(at) = usize::try_from(in_block)
                .ok()
                .and_then(|b| b.checked_add(data.start))
            else {
                continue;
            };
            if at < data.end && range.contains(&at) {
                names.push(field.name.to_string());
            }
        }
    }
    names
}

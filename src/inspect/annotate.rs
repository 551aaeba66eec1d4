//! A sector as plain text for a bug report: where it is, who owns it, what
//! its checks found and what the byte under the cursor means (the
//! inspector's notes), then the hex dump with the fields that start on
//! each row named in a margin. Image-derived text is escaped.

use std::fmt::Write;

use pretty_hex::{HexConfig, config_hex};

use crate::escape::escape;
use crate::inspect::explain::Explained;
use crate::inspect::hex::SectorView;
use crate::inspect::notes;
use crate::inspect::owners::Owner;
use crate::medium::Medium;
use crate::structure::Structure;

/// Bytes per dump row.
const ROW: usize = 16;

/// What the report is about: the sector, the byte under the cursor (an
/// offset in the stored sector), its owners, the structures in it and the
/// structure field at the cursor.
#[derive(Debug)]
pub struct Subject<'a> {
    pub medium: &'a Medium,
    pub sector: &'a SectorView,
    pub cursor: usize,
    pub owners: &'a [Owner],
    /// The structures in or over the sector (from `explain::structures_at`).
    pub structures: &'a [Structure],
    pub explained: Option<&'a Explained>,
    /// The medium's block size, to place structures in the user data.
    pub block_size: u64,
}

/// The plain-text report.
pub fn annotate(subject: &Subject) -> String {
    let mut out = String::new();
    let medium = subject.medium;
    let sector = subject.sector;
    let _ = writeln!(out, "discscope {} sector report", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(
        out,
        "{:<10}{}",
        "image",
        escape(&medium.path.display().to_string())
    );
    let notes = notes::sector_notes(
        medium,
        sector,
        subject.cursor,
        subject.owners,
        subject.explained,
        None,
    );
    for note in notes {
        let line = format!("{:<10}{}", note.label, escape(&note.value));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let _ = writeln!(out);
    dump(subject, &mut out);
    out
}

/// The hex dump, one pretty-hex row at a time so each row can carry the
/// names of the fields that start on it; runs of identical unnamed rows
/// collapse to `*` as in xxd.
fn dump(subject: &Subject, out: &mut String) {
    let sector = subject.sector;
    let data = sector.user_data();
    let mut previous: Option<&[u8]> = None;
    let mut squeezed = false;
    for (index, row) in sector.bytes.chunks(ROW).enumerate() {
        let offset = index * ROW;
        let names = field_names(subject, offset..offset + row.len(), &data);
        if names.is_empty() && previous == Some(row) && offset + ROW < sector.bytes.len() {
            if !squeezed {
                let _ = writeln!(out, "*");
                squeezed = true;
            }
            continue;
        }
        squeezed = false;
        previous = Some(row);
        let config = HexConfig {
            title: false,
            width: ROW,
            group: 8,
            display_offset: offset,
            ..HexConfig::default()
        };
        let marker = if (offset..offset + row.len()).contains(&subject.cursor) {
            ">"
        } else {
            " "
        };
        let hex = config_hex(&row, config);
        if names.is_empty() {
            let _ = writeln!(out, "{marker}{hex}");
        } else {
            let pad = " ".repeat(ROW.saturating_sub(row.len()));
            let _ = writeln!(out, "{marker}{hex}{pad}  {}", escape(&names.join(", ")));
        }
    }
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
    for structure in subject.structures {
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

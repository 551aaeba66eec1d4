//! The inspector's notes: what a sector is, what its checks found, and what
//! the byte under the cursor means ("explain this byte").

use crate::fs::Node;
use crate::inspect::checks::{self, Status};
use crate::inspect::explain::Explained;
use crate::inspect::hex::SectorView;
use crate::inspect::owners::Owner;
use crate::medium::Medium;
use crate::sector::repair::{Repair, RepairOutcome};
use crate::sector::{FieldKind, Verdict};
use crate::structure::{Place, Structure};

/// How a note should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Bad,
    /// Unusual but intended (form 2 EDC of 0, dumpers' fill ...).
    Intended,
    Heading,
}

/// One line: a label, a value and its tone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub label: String,
    pub value: String,
    pub tone: Tone,
}

fn note(label: &str, value: impl Into<String>, tone: Tone) -> Note {
    Note {
        label: label.to_owned(),
        value: value.into(),
        tone,
    }
}

/// The notes for a sector and the byte at `offset` of the stored sector,
/// with the sector's owners and the structure field at the cursor.
pub fn sector_notes(
    medium: &Medium,
    view: &SectorView,
    offset: usize,
    owners: &[Owner],
    explained: Option<&Explained>,
    repair: Option<&Repair>,
) -> Vec<Note> {
    let mut notes = Vec::new();
    // What the byte under the cursor means comes first: it changes with
    // every key and must be visible in a short pane.
    if view.error.is_none() {
        byte_notes(view, offset, explained, &mut notes);
    }
    notes.push(note(
        "sector",
        medium.describe_address(view.lba),
        Tone::Plain,
    ));
    if let Some(error) = &view.error {
        notes.push(note("error", error.clone(), Tone::Bad));
        return notes;
    }
    let track = view.track.and_then(|t| medium.tracks.get(t));
    notes.push(note(
        "track",
        track.map_or_else(
            || "none".into(),
            |t| format!("{} {} ({})", t.number, t.mode.cue_name(), t.kind()),
        ),
        Tone::Plain,
    ));
    notes.push(note("from", view.origin.clone(), Tone::Plain));
    for owner in owners.iter().take(4) {
        let what = owner
            .path
            .clone()
            .or_else(|| owner.name.clone())
            .unwrap_or_default();
        notes.push(note(
            "owner",
            format!(
                "{} {what} ({})",
                owner.kind,
                owner.filesystem.map_or("", |s| s.as_str())
            ),
            Tone::Plain,
        ));
    }
    if let Some(verdict) = &view.verdict {
        checks(verdict, &view.bytes, &mut notes);
    }
    if let Some(repair) = repair {
        repair_notes(repair, offset, &mut notes);
    }
    notes
}

/// The notes for a tree row's node: what it is, its size, the sector
/// ranges holding it (`block` bytes each) and its dates and facts.
pub fn node_notes(node: &Node, block: u64) -> Vec<Note> {
    let mut notes = vec![
        note("name", node.name.clone(), Tone::Heading),
        note("kind", node.kind.as_str(), Tone::Plain),
        note("size", format!("{} bytes", node.size), Tone::Plain),
    ];
    if node.deleted {
        notes.push(note(
            "deleted",
            "yes: the entry is marked free",
            Tone::Intended,
        ));
    }
    if let Some(target) = &node.target {
        notes.push(note("target", target.clone(), Tone::Plain));
    }
    if let Some(mtime) = &node.mtime {
        notes.push(note("modified", mtime.to_string(), Tone::Plain));
    }
    if let Some(mode) = node.mode {
        let text = crate::fs::mode_text(node.kind, Some(mode));
        let text = String::from_utf8_lossy(&text);
        notes.push(note("mode", format!("{text} ({mode:o})"), Tone::Plain));
    }
    for (label, value) in &node.notes {
        notes.push(note(label, value.clone(), Tone::Plain));
    }
    if node.extents.is_empty() {
        notes.push(note("extents", "none: no data on disc", Tone::Plain));
    }
    for (i, extent) in node.extents.iter().enumerate().take(64) {
        let sectors = extent.bytes.div_ceil(block.max(1));
        let last = extent.lba.0 + i64::try_from(sectors).unwrap_or(0) - 1;
        let range = if sectors > 1 {
            format!("sectors {}..={last}", extent.lba)
        } else {
            format!("sector {}", extent.lba)
        };
        let label = if i == 0 { "extents" } else { "" };
        notes.push(note(
            label,
            format!("{range}, {} bytes", extent.bytes),
            Tone::Plain,
        ));
    }
    if node.extents.len() > 64 {
        let more = node.extents.len() - 64;
        notes.push(note("", format!("and {more} more"), Tone::Plain));
    }
    notes
}

/// The notes for a filesystem view in the tree: what it is and where its
/// root directory lies.
pub fn view_notes(kind: &str, label: &str, root: Option<&Node>, block: u64) -> Vec<Note> {
    let mut notes = vec![
        note("view", kind, Tone::Heading),
        note("label", label, Tone::Plain),
    ];
    if let Some(root) = root {
        notes.push(note("root", "", Tone::Plain));
        notes.extend(node_notes(root, block).into_iter().skip(3));
    }
    notes
}

/// The notes for a structure in the tree: where it is and every field.
pub fn structure_notes(structure: &Structure, block: u64) -> Vec<Note> {
    let place = match &structure.place {
        Place::Medium(at) => format!(
            "sector {}, byte {:#x} of the user data",
            crate::survey::lba_of(*at, block),
            at
        ),
        Place::File { path, offset } => format!("{} at byte {offset:#x}", path.display()),
    };
    let mut notes = vec![
        note("name", structure.name.clone(), Tone::Heading),
        note("kind", structure.kind.to_string(), Tone::Plain),
        note("at", place, Tone::Plain),
        note("length", format!("{} bytes", structure.length), Tone::Plain),
    ];
    if structure.fields.is_empty() {
        notes.push(note("", "an area: its bytes are not fields", Tone::Plain));
    }
    for field in &structure.fields {
        notes.push(note(
            &format!("+{:#x}", field.offset),
            format!("{}: {}", field.name, field.text()),
            Tone::Plain,
        ));
    }
    notes
}

/// The byte at `offset`: its value, its sector field and the structure
/// field it belongs to; a blank line closes the section.
fn byte_notes(
    view: &SectorView,
    offset: usize,
    explained: Option<&Explained>,
    notes: &mut Vec<Note>,
) {
    if let Some(&byte) = view.bytes.get(offset) {
        notes.push(note("byte", explain_position(view, offset), Tone::Heading));
        let shown = if byte.is_ascii_graphic() {
            format!(" '{}'", byte as char)
        } else {
            String::new()
        };
        notes.push(note(
            "value",
            format!("{byte:#04x} {byte} {byte:08b}{shown}"),
            Tone::Plain,
        ));
        // The structure field says more than the sector field it lies in
        // (user data), so it comes first.
        if let Some(explained) = explained {
            let f = &explained.field;
            notes.push(note("in", explained.structure.clone(), Tone::Heading));
            notes.push(note(
                "field",
                format!(
                    "{} [{}..{}), {} bytes",
                    f.name,
                    f.offset,
                    f.offset + f.length,
                    f.length
                ),
                Tone::Plain,
            ));
            notes.push(note("value", f.text(), Tone::Plain));
            notes.push(note("meaning", f.meaning.clone(), Tone::Plain));
            notes.push(note("", "", Tone::Plain));
        }
        if let Some(field) = view.field_at(offset) {
            notes.push(note(
                "field",
                format!(
                    "{} [{}..{}), {} bytes",
                    field.name(),
                    field.offset,
                    field.offset + field.length,
                    field.length
                ),
                Tone::Plain,
            ));
            notes.push(note("meaning", field.meaning, Tone::Plain));
            notes.push(note("source", field.source, Tone::Plain));
            if let Some(detail) = byte_detail(view, field.kind, offset - field.offset, byte) {
                notes.push(note("here", detail, Tone::Plain));
            }
        }
    }
    notes.push(note("", "", Tone::Plain));
}

fn explain_position(view: &SectorView, offset: usize) -> String {
    let data = view.user_data();
    let in_data = match offset.checked_sub(data.start) {
        Some(at) if data.start > 0 && data.contains(&offset) => format!(", user data {at:#x}"),
        _ => String::new(),
    };
    let in_file = view
        .file_offset
        .map(|base| format!(", file {:#x}", base + offset as u64))
        .unwrap_or_default();
    format!("{offset:#06x} ({offset}) of the sector{in_data}{in_file}")
}

/// The sector's kind, then every check it allows.
fn checks(verdict: &Verdict, bytes: &[u8], notes: &mut Vec<Note>) {
    notes.push(note("kind", verdict.mode.describe(), Tone::Plain));
    for check in checks::sector_checks(verdict, bytes) {
        let tone = match check.outcome {
            Status::Good => Tone::Good,
            Status::Bad => Tone::Bad,
            Status::Intended => Tone::Intended,
            Status::Plain => Tone::Plain,
        };
        let text = match (check.text.is_empty(), check.outcome) {
            (false, _) => check.text,
            (true, Status::Bad) => "BAD".to_owned(),
            (true, _) => "ok".to_owned(),
        };
        notes.push(note(check.label, text, tone));
    }
}

/// The repair preview: its outcome, the EDC before and after, the byte
/// under the cursor if it would change, and the first changes.
fn repair_notes(repair: &Repair, offset: usize, notes: &mut Vec<Note>) {
    let (text, tone) = match &repair.outcome {
        RepairOutcome::Whole => ("nothing to repair".to_owned(), Tone::Good),
        RepairOutcome::Repaired => (
            format!(
                "{} bytes would change, {} rounds (nothing written)",
                repair.changes.len(),
                repair.rounds
            ),
            Tone::Good,
        ),
        RepairOutcome::Uncorrectable(why) => (format!("uncorrectable: {why}"), Tone::Bad),
        RepairOutcome::NotAttempted(why) => (format!("not attempted: {why}"), Tone::Intended),
    };
    notes.push(note("", "", Tone::Plain));
    notes.push(note("repair", text, tone));
    if let Some((stored, before, after)) = repair.edc {
        notes.push(note(
            "EDC",
            format!("stored {stored:#010x}, computed {before:#010x} before, {after:#010x} after"),
            if stored == after {
                Tone::Good
            } else {
                Tone::Bad
            },
        ));
    }
    if let Some(c) = repair.changes.iter().find(|c| c.offset == offset) {
        notes.push(note(
            "this byte",
            format!("{:02x} → {:02x} by {}", c.old, c.new, c.by.describe()),
            Tone::Heading,
        ));
    }
    const SHOWN: usize = 8;
    for c in repair.changes.iter().take(SHOWN) {
        notes.push(note(
            "changes",
            format!(
                "byte {}: {:02x} → {:02x} ({})",
                c.offset,
                c.old,
                c.new,
                c.by.describe()
            ),
            Tone::Plain,
        ));
    }
    if repair.changes.len() > SHOWN {
        notes.push(note(
            "",
            format!("… and {} more", repair.changes.len() - SHOWN),
            Tone::Plain,
        ));
    }
}

/// What one byte of a field says on its own.
fn byte_detail(view: &SectorView, kind: FieldKind, within: usize, byte: u8) -> Option<String> {
    let verdict = view.verdict.as_ref()?;
    match (kind, within) {
        (FieldKind::Header, 0) => Some(format!("minute, BCD {:02x}", byte)),
        (FieldKind::Header, 1) => Some(format!("second, BCD {:02x}", byte)),
        (FieldKind::Header, 2) => Some(format!("frame, BCD {:02x}", byte)),
        (FieldKind::Header, 3) => Some(format!("mode byte: mode {byte}")),
        (FieldKind::Subheader, i) => {
            let copy = if i < 4 { "first" } else { "second" };
            let part = [
                "file number",
                "channel number",
                "submode",
                "coding information",
            ]
            .get(i % 4)?;
            let extra = if i % 4 == 2 {
                let pair = verdict.subheader?;
                let sub = if i < 4 { pair.first } else { pair.second };
                format!(": {}", sub.submode_names().join(" "))
            } else {
                String::new()
            };
            Some(format!("{part} ({copy} copy){extra}"))
        }
        (FieldKind::Edc, i) => Some(format!(
            "EDC byte {i} (little-endian CRC-32 of the covered bytes)"
        )),
        _ => None,
    }
}

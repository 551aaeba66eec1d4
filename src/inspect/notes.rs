//! The inspector's notes: what a sector is, what its checks found, and what
//! the byte under the cursor means ("explain this byte").

use crate::inspect::explain::Explained;
use crate::inspect::hex::SectorView;
use crate::inspect::owners::Owner;
use crate::medium::Medium;
use crate::sector::{FieldKind, Verdict};

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

fn verdict_tone(ok: bool) -> Tone {
    if ok { Tone::Good } else { Tone::Bad }
}

/// The notes for a sector and the byte at `offset` of the stored sector,
/// with the sector's owners and the structure field at the cursor.
pub fn sector_notes(
    medium: &Medium,
    view: &SectorView,
    offset: usize,
    owners: &[Owner],
    explained: Option<&Explained>,
) -> Vec<Note> {
    let mut notes = Vec::new();
    notes.push(note(
        "sector",
        crate::inspect::address::describe(medium, view.lba),
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
        checks(verdict, &mut notes);
    }
    if let Some(&byte) = view.bytes.get(offset) {
        notes.push(note("", "", Tone::Plain));
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
        if let Some(explained) = explained {
            let f = &explained.field;
            notes.push(note("", "", Tone::Plain));
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
        }
    }
    notes
}

fn explain_position(view: &SectorView, offset: usize) -> String {
    let in_file = view
        .file_offset
        .map(|base| format!(", file {:#x}", base + offset as u64))
        .unwrap_or_default();
    format!("{offset:#06x} ({offset}) of the sector{in_file}")
}

/// The results of every check the sector allows.
fn checks(verdict: &Verdict, notes: &mut Vec<Note>) {
    notes.push(note("kind", verdict.mode.describe(), Tone::Plain));
    if let Some(sync) = verdict.sync_ok {
        notes.push(note(
            "sync",
            if sync { "valid" } else { "damaged" },
            verdict_tone(sync),
        ));
    }
    if let Some(header) = verdict.header {
        let expected = verdict
            .expected_msf
            .map(|m| m.to_string())
            .unwrap_or_else(|| "-".into());
        let ok = verdict.field_ok(FieldKind::Header).unwrap_or(true);
        notes.push(note(
            "header",
            format!(
                "{} mode {} (expected {expected})",
                header.msf_text(),
                header.mode
            ),
            verdict_tone(ok),
        ));
    }
    if let Some(pair) = verdict.subheader {
        let first = pair.first;
        let names = first.submode_names().join(" ");
        notes.push(note(
            "subheader",
            format!(
                "file {} channel {} submode {:#04x} [{names}] coding {:#04x}{}",
                first.file,
                first.channel,
                first.submode,
                first.coding,
                if pair.copies_match() {
                    ""
                } else {
                    "; copies differ"
                }
            ),
            verdict_tone(pair.copies_match()),
        ));
    }
    if let Some(edc) = verdict.edc {
        let intended = !edc.ok() && verdict.note.is_some();
        notes.push(note(
            "EDC",
            format!(
                "stored {:#010x} computed {:#010x}",
                edc.stored, edc.computed
            ),
            if intended {
                Tone::Intended
            } else {
                verdict_tone(edc.ok())
            },
        ));
    }
    if let Some(ecc) = verdict.ecc {
        let failing = |n: u32, of: u32| match n {
            0 => "ok".to_owned(),
            1 => format!("1 of {of} codewords fails"),
            n => format!("{n} of {of} codewords fail"),
        };
        let p = failing(ecc.p_bad.count_ones(), 86);
        let q = failing(ecc.q_bad.count_ones(), 52);
        notes.push(note("ECC P", p, verdict_tone(ecc.p_ok())));
        notes.push(note("ECC Q", q, verdict_tone(ecc.q_ok())));
    }
    if let Some(zero) = verdict.zero_ok {
        notes.push(note(
            "zero",
            if zero { "all zero" } else { "not zero" },
            verdict_tone(zero),
        ));
    }
    if let Some(intended) = verdict.note {
        notes.push(note("note", intended.describe(), Tone::Intended));
    }
    if verdict.is_bad() {
        notes.push(note(
            "verdict",
            format!("bad: {}", verdict.problems.names().join(", ")),
            Tone::Bad,
        ));
    } else if verdict.sync_ok.is_some() || verdict.edc.is_some() {
        notes.push(note("verdict", "good", Tone::Good));
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

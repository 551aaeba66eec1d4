//! `discscope structure IMAGE ADDR [--json]`: every on-disk structure that
//! starts in or covers a sector, field by field (the command-line face of
//! the inspector's "explain this byte").

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use discscope::escape::escape;
use discscope::inspect::explain::{self, Located};
use discscope::inspect::owners::OwnerIndex;
use discscope::sector::Address;
use discscope::structure::{Field, Value, hex_bytes};

use super::{Outcome, Output};

#[derive(Serialize)]
struct Document {
    lba: i64,
    structures: Vec<StructureJson>,
}

#[derive(Serialize)]
pub(super) struct StructureJson {
    name: String,
    kind: &'static str,
    /// The view or table it belongs to (`null` for a container's own).
    filesystem: Option<&'static str>,
    /// The descriptor file it lives in, when outside the sector space.
    file: Option<String>,
    image_offset: Option<u64>,
    sector_offset: Option<u64>,
    length: u64,
    fields: Vec<FieldJson>,
}

#[derive(Serialize)]
struct FieldJson {
    offset: u64,
    length: u64,
    name: String,
    /// The field's bytes in hex (empty past the bytes read).
    raw: String,
    value: Value,
    note: Option<String>,
    meaning: String,
    source: &'static str,
}

fn raw_of<'a>(bytes: &'a [u8], field: &Field) -> &'a [u8] {
    let start = usize::try_from(field.offset).unwrap_or(usize::MAX);
    let end = start.saturating_add(usize::try_from(field.length).unwrap_or(usize::MAX));
    bytes
        .get(start.min(bytes.len())..end.min(bytes.len()))
        .unwrap_or_default()
}

pub(super) fn to_json(located: &Located) -> StructureJson {
    let s = &located.structure;
    StructureJson {
        name: s.name.clone(),
        kind: s.kind.as_str(),
        filesystem: match located.scope {
            discscope::survey::Scope::Container => None,
            scope => Some(scope.as_str()),
        },
        file: match &s.place {
            discscope::structure::Place::File { path, .. } => Some(path.display().to_string()),
            discscope::structure::Place::Medium(_) => None,
        },
        image_offset: located.image_offset,
        sector_offset: located.sector_offset,
        length: s.length,
        fields: s
            .fields
            .iter()
            .map(|f| FieldJson {
                offset: f.offset,
                length: f.length,
                name: f.name.to_string(),
                raw: raw_of(&located.bytes, f)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
                value: f.value.clone(),
                note: f.note.clone(),
                meaning: f.meaning.to_string(),
                source: f.source,
            })
            .collect(),
    }
}

pub fn run(image: &Path, addr: &str, json: bool, out: &mut Output) -> anyhow::Result<Outcome> {
    let survey = super::open::survey(image, false)?;
    let lba = super::open::sector(image, &survey.medium, addr)?.lba;
    let index = OwnerIndex::build(&survey)?;
    let located = explain::located(&survey, &index.owners(lba), lba)?;
    if json {
        out.json(&Document {
            lba: lba.0,
            structures: located.iter().map(to_json).collect(),
        })?;
        return Ok(Outcome::Clean);
    }
    // A byte offset names one byte: its field is marked.
    let byte = match addr.parse::<Address>() {
        Ok(Address::ByteOffset(offset)) => Some(offset),
        _ => None,
    };
    writeln!(
        out,
        "{}",
        out.paint("1", &survey.medium.describe_address(lba))
    )?;
    if located.is_empty() {
        writeln!(
            out,
            "  no on-disk structure starts in or covers this sector"
        )?;
    }
    for l in &located {
        print_structure(l, byte, out)?;
    }
    Ok(Outcome::Clean)
}

fn print_structure(l: &Located, byte: Option<u64>, out: &mut Output) -> anyhow::Result<()> {
    let s = &l.structure;
    let place = match (&s.place, l.image_offset) {
        (discscope::structure::Place::File { path, .. }, Some(at)) => {
            format!("{} at byte {at:#x}", escape(&path.display().to_string()))
        }
        (_, Some(at)) => format!("image offset {at:#x}"),
        (_, None) => "not stored in the image".to_owned(),
    };
    writeln!(out)?;
    writeln!(
        out,
        "{} ({}, {}): {} bytes, {place}",
        out.paint("1", &escape(&s.name)),
        s.kind,
        l.scope.as_str(),
        s.length
    )?;
    if s.fields.is_empty() {
        writeln!(out, "  (an area: its bytes are not fields)")?;
        return Ok(());
    }
    let name_width = s
        .fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(36);
    let start = l.image_offset;
    for f in &s.fields {
        let here = match (byte, start) {
            (Some(b), Some(start)) => b >= start + f.offset && b < start + f.offset + f.length,
            _ => false,
        };
        let raw = hex_bytes(raw_of(&l.bytes, f), 8);
        let line = format!(
            "{} {:>6} {:>5}  {:<name_width$}  {:<26} {}",
            if here { ">" } else { " " },
            f.offset,
            f.length,
            escape(&f.name),
            raw,
            escape(&f.text()),
        );
        writeln!(out, "{}", if here { out.paint("1", &line) } else { line })?;
        let source = if f.source.is_empty() {
            String::new()
        } else {
            format!(" [{}]", f.source)
        };
        if !f.meaning.is_empty() || !source.is_empty() {
            writeln!(
                out,
                "{:>16}{}",
                "",
                out.paint("2", &format!("{}{source}", f.meaning))
            )?;
        }
    }
    Ok(())
}

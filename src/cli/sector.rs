//! `discscope sector IMAGE ADDR [--count N]`: one or more sectors dumped in
//! the hexyl tradition, every byte coloured by the field it belongs to, with
//! the decoded header, subheader and EDC/ECC verdicts.

use std::io::Write;
use std::path::Path;

use discscope::inspect::checks::{self, Status};
use discscope::inspect::{explain, hexdump};
use discscope::medium::{Medium, Sector};
use discscope::sector::repair::{Repair, RepairOutcome};
use discscope::sector::{self, FieldKind, SectorField, Verdict};
use discscope::survey::Survey;
use discscope::units::Lba;
use serde::Serialize;

use super::{Outcome, Output};

/// Sectors a plain dump leaves to pretty-hex; more take the bulk writer.
const BULK: u64 = 16;

/// What `sector` is asked to show.
#[derive(Clone, Copy, Debug)]
pub struct SectorRequest {
    /// How many consecutive sectors (at least one).
    pub count: u64,
    pub repair: bool,
    pub json: bool,
    /// Collapse runs of identical rows of the plain dump to `*`.
    pub squeeze: bool,
}

pub fn run(
    image: &Path,
    address: &str,
    request: SectorRequest,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    show(image, address, request, out).map_err(|e| super::open::naming_image(image, e))
}

/// `sector --annotate`: the copy-out report of each sector, the byte a
/// byte-offset address names explained in the first.
pub fn annotate(
    image: &Path,
    address: &str,
    count: u64,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    report(image, address, count, out).map_err(|e| super::open::naming_image(image, e))
}

fn report(image: &Path, address: &str, count: u64, out: &mut Output) -> anyhow::Result<Outcome> {
    let survey = super::open::survey(image, false)?;
    let medium = &survey.medium;
    let spot = super::open::sector(image, medium, address)?;
    let index = discscope::inspect::owners::OwnerIndex::build(&survey)?;
    let end = spot
        .lba
        .0
        .saturating_add(i64::try_from(count.max(1)).unwrap_or(i64::MAX))
        .min(medium.end_lba().0);
    for lba in (spot.lba.0..end).map(Lba) {
        let view = discscope::inspect::hex::SectorView::load(medium, lba);
        if let Some(error) = &view.error {
            anyhow::bail!("sector {lba}: {error}");
        }
        let cursor = if lba == spot.lba { spot.byte } else { 0 };
        if lba != spot.lba {
            writeln!(out)?;
        }
        let text = discscope::inspect::annotate::report(&survey, &view, cursor, &index.owners(lba));
        out.write_all(text.as_bytes())?;
    }
    Ok(Outcome::Clean)
}

fn show(
    image: &Path,
    address: &str,
    request: SectorRequest,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let medium = std::sync::Arc::new(super::open::medium(image)?);
    let first = super::open::sector(image, &medium, address)?.lba;
    // The first sector must exist; later ones stop at the end of the image.
    let first_sector = medium.read_sector(first)?;
    let count = i64::try_from(request.count.max(1)).unwrap_or(i64::MAX);
    let end = first.0.saturating_add(count).min(medium.end_lba().0);
    // Read one at a time, so `--count` never holds more than a sector.
    let sectors = std::iter::once(Ok(first_sector))
        .chain((first.0 + 1..end).map(|lba| medium.read_sector(Lba(lba))));
    let sub = discscope::subchannel::SubFile::of(&medium);
    let q_of = |lba: Lba| sub.as_ref().and_then(|sub| sub.q(lba).ok().flatten());
    if request.json {
        // The structures in or over each sector, as `structure` shows them
        // (directory records need the owner index, which `structure` builds).
        let survey = Survey::new(std::sync::Arc::clone(&medium), &Default::default());
        let sectors = sectors
            .map(|s| {
                let s = s?;
                let mut json = to_json(&medium, &s);
                json.structures = explain::located(&survey, &[], s.lba)
                    .unwrap_or_default()
                    .iter()
                    .map(super::structure::to_json)
                    .collect();
                json.subchannel_q = q_of(s.lba).map(|q| super::subq::to_json(&q, s.lba));
                if request.repair {
                    json.repair = Some(repair_json(&sector::repair_sector(&medium, &s)));
                }
                Ok(json)
            })
            .collect::<discscope::Result<_>>()?;
        out.json(&SectorsJson { sectors })?;
        return Ok(Outcome::Clean);
    }
    let dump = hexdump::Options {
        squeeze: request.squeeze,
        // pretty-hex writes a few sectors; a long run down a pipe takes
        // the faster writer of the same rows.
        bulk: request.count > BULK,
    };
    for (i, s) in sectors.enumerate() {
        let s = s?;
        if i > 0 {
            writeln!(out)?;
        }
        print_sector(&medium, &s, dump, out)?;
        if let Some(q) = q_of(s.lba) {
            super::subq::print(&q, s.lba, out)?;
        }
        if request.repair {
            print_repair(&sector::repair_sector(&medium, &s), out)?;
        }
    }
    Ok(Outcome::Clean)
}

#[derive(Serialize)]
struct SectorsJson {
    sectors: Vec<SectorJson>,
}

#[derive(Serialize)]
struct SectorJson {
    lba: i64,
    msf: Option<String>,
    track: Option<u8>,
    size: usize,
    mode: &'static str,
    fields: Vec<FieldJson>,
    header: Option<HeaderJson>,
    subheader: Option<SubheaderJson>,
    edc: Option<EdcJson>,
    ecc: Option<EccJson>,
    problems: Vec<&'static str>,
    intentional: Option<&'static str>,
    origin: String,
    /// The sector's subchannel Q, when the image has a `.sub`.
    subchannel_q: Option<super::subq::QJson>,
    /// The on-disk structures in or over the sector, field by field.
    structures: Vec<super::structure::StructureJson>,
    /// How its parity would repair it, with `--repair`.
    #[serde(skip_serializing_if = "Option::is_none")]
    repair: Option<RepairJson>,
    bytes: String,
}

#[derive(Serialize)]
struct FieldJson {
    name: &'static str,
    offset: usize,
    length: usize,
    ok: Option<bool>,
    meaning: &'static str,
    source: &'static str,
}

#[derive(Serialize)]
struct HeaderJson {
    msf: String,
    mode: u8,
    expected_msf: Option<String>,
}

#[derive(Serialize)]
struct SubheaderJson {
    file: u8,
    channel: u8,
    submode: u8,
    coding: u8,
    copies_match: bool,
    submode_bits: Vec<&'static str>,
}

#[derive(Serialize)]
struct EdcJson {
    stored: String,
    computed: String,
    ok: bool,
}

#[derive(Serialize)]
struct EccJson {
    p_ok: bool,
    q_ok: bool,
    p_failed_codewords: u32,
    q_failed_codewords: u32,
}

fn track_number(medium: &Medium, sector: &Sector) -> Option<u8> {
    sector
        .track
        .and_then(|t| medium.tracks.get(t))
        .map(|t| t.number)
}

fn to_json(medium: &Medium, s: &Sector) -> SectorJson {
    let v = sector::judge_sector(medium, s);
    SectorJson {
        lba: s.lba.0,
        msf: s.lba.to_msf().map(|m| m.to_string()),
        track: track_number(medium, s),
        size: s.bytes.len(),
        mode: v.mode.as_str(),
        fields: v
            .layout
            .fields()
            .map(|f| FieldJson {
                name: f.name(),
                offset: f.offset,
                length: f.length,
                ok: v.field_ok(f.kind),
                meaning: f.meaning,
                source: f.source,
            })
            .collect(),
        header: v.header.map(|h| HeaderJson {
            msf: h.msf_text(),
            mode: h.mode,
            expected_msf: v.expected_msf.map(|m| m.to_string()),
        }),
        subheader: v.subheader.map(|p| SubheaderJson {
            file: p.first.file,
            channel: p.first.channel,
            submode: p.first.submode,
            coding: p.first.coding,
            copies_match: p.copies_match(),
            submode_bits: p.first.submode_names(),
        }),
        edc: v.edc.map(|e| EdcJson {
            stored: format!("{:#010x}", e.stored),
            computed: format!("{:#010x}", e.computed),
            ok: e.ok(),
        }),
        ecc: v.ecc.map(|e| EccJson {
            p_ok: e.p_ok(),
            q_ok: e.q_ok(),
            p_failed_codewords: e.p_failures(),
            q_failed_codewords: e.q_failures(),
        }),
        problems: v.problems.names(),
        intentional: v.note.map(|n| n.as_str()),
        origin: medium.describe_origin(&s.origin),
        subchannel_q: None,
        structures: Vec::new(),
        repair: None,
        bytes: s.bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// The SGR colour of a field.
fn colour(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Sync => "90",
        FieldKind::Header => "33",
        FieldKind::Subheader => "35",
        FieldKind::UserData | FieldKind::Audio | FieldKind::Data => "37",
        FieldKind::Edc => "36",
        FieldKind::Zero => "34",
        FieldKind::EccP => "32",
        FieldKind::EccQ => "96",
        FieldKind::Subchannel => "95",
    }
}

fn print_sector(
    medium: &Medium,
    s: &Sector,
    dump: hexdump::Options,
    out: &mut Output,
) -> anyhow::Result<()> {
    let v = sector::judge_sector(medium, s);
    let track = s
        .track
        .and_then(|t| medium.tracks.get(t))
        .map(|t| format!("track {} {}", t.number, t.mode))
        .unwrap_or_else(|| "no track".into());
    let msf = s.lba.to_msf().map(|m| m.to_string()).unwrap_or("-".into());
    let title = format!(
        "sector {} ({msf}), {track}, {}, {} bytes",
        s.lba,
        v.mode.describe(),
        s.bytes.len()
    );
    writeln!(out, "{}", out.paint("1", &title))?;
    writeln!(
        out,
        "from {}",
        discscope::escape::escape(&medium.describe_origin(&s.origin))
    )?;
    let fields: Vec<SectorField> = v.layout.fields().collect();
    if out.color {
        let legend: Vec<String> = fields
            .iter()
            .map(|f| out.paint(colour(f.kind), &format!("■ {}", f.name())))
            .collect();
        writeln!(out, "{}", legend.join("  "))?;
        coloured_dump(&s.bytes, &fields, out)?;
    } else {
        // The fields each row crosses, in a margin.
        hexdump::write(out, &s.bytes, dump, |row, margin| {
            let crossed = fields
                .iter()
                .filter(|f| f.offset < row.end && f.range().end > row.start);
            for (i, field) in crossed.enumerate() {
                if i > 0 {
                    margin.push(' ');
                }
                margin.push_str(field.name());
            }
        })?;
    }
    print_decoded(&v, s, out)
}

/// Hex rows for a colour terminal: offset, 16 bytes in two groups, text,
/// every byte in its field's colour.
fn coloured_dump(bytes: &[u8], fields: &[SectorField], out: &mut Output) -> anyhow::Result<()> {
    let kind_at = |offset: usize| {
        fields
            .iter()
            .find(|f| f.range().contains(&offset))
            .map(|f| f.kind)
    };
    for (row, chunk) in bytes.chunks(16).enumerate() {
        let base = row * 16;
        // Runs of bytes of one field, painted once each.
        let mut hex: Vec<(Option<FieldKind>, String)> = Vec::new();
        let mut text: Vec<(Option<FieldKind>, String)> = Vec::new();
        for (i, &b) in chunk.iter().enumerate() {
            let kind = kind_at(base + i);
            let gap = if i == 8 {
                "  "
            } else if i > 0 {
                " "
            } else {
                ""
            };
            let ch = if b.is_ascii_graphic() || b == b' ' {
                char::from(b)
            } else {
                '·'
            };
            match hex.last_mut() {
                Some((k, run)) if *k == kind => {
                    run.push_str(&format!("{gap}{b:02x}"));
                }
                _ => {
                    if let Some((_, run)) = hex.last_mut() {
                        run.push_str(gap);
                    }
                    hex.push((kind, format!("{b:02x}")));
                }
            }
            match text.last_mut() {
                Some((k, run)) if *k == kind => run.push(ch),
                _ => text.push((kind, ch.to_string())),
            }
        }
        let paint = |runs: &[(Option<FieldKind>, String)]| -> String {
            runs.iter()
                .map(|(kind, run)| match kind {
                    Some(kind) => out.paint(colour(*kind), run),
                    None => run.clone(),
                })
                .collect()
        };
        // Pad a short last row so the text column lines up.
        let missing = 16 - chunk.len().min(16);
        let pad = " ".repeat(missing * 3 + usize::from(chunk.len() <= 8 && missing > 0));
        let line = format!("{base:04x} │ {}{pad} │ {}", paint(&hex), paint(&text));
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The checks, as `label  text ok|BAD` lines; the verdict painted whole.
fn print_decoded(v: &Verdict, s: &Sector, out: &mut Output) -> anyhow::Result<()> {
    for check in checks::sector_checks(v, &s.bytes) {
        let label = out.paint("1", &format!("{:<10}", check.label));
        let text = if check.label == "verdict" {
            match check.outcome {
                Status::Good => out.paint("32", &check.text),
                Status::Bad => out.paint("1;31", &check.text),
                Status::Intended | Status::Plain => check.text.clone(),
            }
        } else {
            let word = match check.outcome {
                Status::Good => format!(" {}", out.paint("32", "ok")),
                Status::Bad => format!(" {}", out.paint("1;31", "BAD")),
                Status::Intended => format!(" {}", out.paint("33", "intended")),
                Status::Plain => String::new(),
            };
            format!("{}{word}", check.text)
        };
        writeln!(out, "{label}{}", text.trim_start())?;
    }
    Ok(())
}

/// A repair as `--json` gives it.
#[derive(Serialize)]
pub(super) struct RepairJson {
    outcome: &'static str,
    reason: Option<String>,
    /// Bytes the repair changes.
    bytes: usize,
    rounds: u32,
    edc: Option<RepairEdcJson>,
    changes: Vec<ChangeJson>,
}

#[derive(Serialize)]
struct RepairEdcJson {
    stored: String,
    before: String,
    after: String,
}

#[derive(Serialize)]
struct ChangeJson {
    offset: usize,
    old: u8,
    new: u8,
    by: String,
    round: u32,
}

pub(super) fn repair_json(r: &Repair) -> RepairJson {
    RepairJson {
        outcome: r.outcome.as_str(),
        reason: r.outcome.reason().map(str::to_owned),
        bytes: r.changes.len(),
        rounds: r.rounds,
        edc: r.edc.map(|(stored, before, after)| RepairEdcJson {
            stored: format!("{stored:#010x}"),
            before: format!("{before:#010x}"),
            after: format!("{after:#010x}"),
        }),
        changes: r
            .changes
            .iter()
            .map(|c| ChangeJson {
                offset: c.offset,
                old: c.old,
                new: c.new,
                by: c.by.describe(),
                round: c.round,
            })
            .collect(),
    }
}

/// The repair preview: the outcome, the EDC before and after, and every
/// byte that would change.
fn print_repair(r: &Repair, out: &mut Output) -> anyhow::Result<()> {
    let label = out.paint("1", &format!("{:<10}", "repair"));
    let head = match &r.outcome {
        RepairOutcome::Whole => "nothing to repair".to_owned(),
        RepairOutcome::Repaired => out.paint(
            "32",
            &format!(
                "repairable: {} byte{} would change, found in {} round{} (nothing written)",
                r.changes.len(),
                if r.changes.len() == 1 { "" } else { "s" },
                r.rounds,
                if r.rounds == 1 { "" } else { "s" }
            ),
        ),
        RepairOutcome::Uncorrectable(why) => out.paint("1;31", &format!("uncorrectable: {why}")),
        RepairOutcome::NotAttempted(why) => format!("not attempted: {why}"),
    };
    writeln!(out, "{label}{head}")?;
    if let Some((stored, before, after)) = r.edc {
        writeln!(
            out,
            "{:10}EDC stored {stored:#010x}, computed {before:#010x} before, {after:#010x} after",
            ""
        )?;
    }
    for c in &r.changes {
        writeln!(
            out,
            "{:10}byte {:>4}: {:02x} -> {:02x}  by {}{}",
            "",
            c.offset,
            c.old,
            c.new,
            c.by.describe(),
            if c.round > 0 {
                format!(", round {}", c.round)
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

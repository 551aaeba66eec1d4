//! `discscope info IMAGE`: what the image is and what it holds.

use std::io::Write;
use std::path::Path;

use discscope::diagnostic::Severity;
use discscope::escape::escape;
use discscope::inspect::summary;

use super::{Outcome, Output};

pub fn run(image: &Path, json: bool, out: &mut Output) -> anyhow::Result<Outcome> {
    let survey = super::open::survey(image, false)?;
    let info = summary::info(&survey);
    if json {
        out.json(&info)?;
        return Ok(Outcome::Clean);
    }
    let label = |out: &Output, text: &str| out.paint("1", &format!("{text:<12}"));
    writeln!(out, "{}{}", label(out, "image"), escape(&info.path))?;
    writeln!(out, "{}{}", label(out, "format"), info.format.describe())?;
    writeln!(
        out,
        "{}{} sectors of {} bytes ({})",
        label(out, "size"),
        info.sector_count,
        info.sector_size,
        human_bytes(info.size_bytes)
    )?;
    if let Some(catalog) = &info.catalog {
        writeln!(out, "{}{}", label(out, "catalog"), escape(catalog))?;
    }
    for field in &info.cd_text {
        writeln!(
            out,
            "{}{}",
            label(out, &field.field.to_lowercase()),
            escape(&field.value)
        )?;
    }
    if !info.sessions.is_empty() {
        let sessions: Vec<String> = info
            .sessions
            .iter()
            .map(|s| format!("{}: tracks {}-{}", s.number, s.first_track, s.last_track))
            .collect();
        writeln!(out, "{}{}", label(out, "sessions"), sessions.join("; "))?;
        writeln!(out)?;
        super::tracks::print_table(&info.tracks, super::tracks::Indexes::Extra, out)?;
    }
    if !info.partitions.is_empty() {
        writeln!(out)?;
        print_partitions(&info.partitions, out)?;
    }
    if !info.filesystems.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", out.paint("1", "filesystems"))?;
        let default = survey.default_view().map(|v| v.kind);
        let mut previous: Option<&summary::FilesystemInfo> = None;
        for f in &info.filesystems {
            let place = match (f.track, f.partition) {
                (Some(t), _) => format!("track {t}, "),
                (None, Some(p)) => format!("partition {p}, "),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {:<10} {:<34} {place}sector {}, {}{}",
                f.kind,
                format!("\"{}\"", escape(&f.label)),
                f.start,
                human_bytes(f.size_bytes),
                if Some(f.kind) == default {
                    "  (default)"
                } else {
                    ""
                }
            )?;
            // Views of one descriptor (plain and Rock Ridge) say it once;
            // empty identifiers are left out of the text.
            let same = previous.filter(|p| !f.details.0.is_empty() && p.details.0 == f.details.0);
            if let Some(p) = same {
                writeln!(out, "  {:<10} (the same volume fields as {})", "", p.kind)?;
            }
            let shown = f
                .details
                .0
                .iter()
                .filter(|d| same.is_none() && !d.value.to_string().is_empty());
            for d in shown {
                writeln!(
                    out,
                    "  {:<10} {:<16} {}",
                    "",
                    d.label,
                    escape(&d.value.to_string())
                )?;
            }
            previous = Some(f);
        }
    }
    if !info.diagnostics.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", out.paint("1", "diagnostics"))?;
        for d in &info.diagnostics {
            let place = match (d.line, d.lba, d.offset) {
                (Some(line), _, _) => format!("line {line}: "),
                (None, Some(lba), _) => format!("sector {lba}: "),
                (None, None, Some(at)) => format!("byte {at:#x}: "),
                _ => String::new(),
            };
            let severity = match d.severity {
                Severity::Error => out.paint("1;31", d.severity.as_str()),
                Severity::Warning => out.paint("1;33", d.severity.as_str()),
                Severity::Info => out.paint("1;36", d.severity.as_str()),
            };
            writeln!(
                out,
                "  {severity} [{}] {place}{}",
                d.code,
                escape(&d.message)
            )?;
            if let Some(suggestion) = &d.suggestion {
                writeln!(out, "      help: {}", escape(suggestion))?;
            }
        }
    }
    Ok(Outcome::Clean)
}

/// The partition table. The type column is as wide as its longest entry
/// (a GPT type GUID and its name run to 57 characters), so names never run
/// into it.
fn print_partitions(partitions: &[summary::PartitionInfo], out: &mut Output) -> anyhow::Result<()> {
    let types: Vec<String> = partitions
        .iter()
        .map(|p| match p.type_name {
            Some(name) => format!("{} {name}", escape(&p.kind)),
            None => escape(&p.kind).into_owned(),
        })
        .collect();
    let width = types
        .iter()
        .map(|t| t.chars().count())
        .chain(["type".len()])
        .max()
        .unwrap_or_default();
    let header = format!(
        "{:>3}  {:<6} {:>10} {:>10}  {:<4}  {:<width$}  {}",
        "#", "scheme", "start", "sectors", "boot", "type", "name"
    );
    writeln!(out, "{}", out.paint("1", &header))?;
    for (p, kind) in partitions.iter().zip(&types) {
        let line = format!(
            "{:>3}  {:<6} {:>10} {:>10}  {:<4}  {kind:<width$}  {}",
            p.index,
            p.scheme,
            p.start,
            p.length,
            if p.bootable { "*" } else { "" },
            p.name.as_deref().map(escape).unwrap_or_default()
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Bytes in binary units with one decimal.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS.get(unit).copied().unwrap_or("?"))
    }
}

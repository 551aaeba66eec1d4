//! `discscope verify IMAGE [--track N]`: every sector of every data track
//! judged on all cores; exit 1 when any is bad.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use std::collections::HashSet;
use std::sync::Arc;

use discscope::diagnostic::Diagnostic;
use discscope::fs::ViewOptions;
use discscope::inspect::summary::DiagnosticInfo;
use discscope::medium::{Medium, StoreCheck};
use discscope::sector::repair::{Repair, RepairOutcome};
use discscope::sector::verify::{self, MAX_LISTED, Verification};
use discscope::sector::{self, Oddity, SectorMode};
use discscope::survey::Survey;
use serde::Serialize;

use super::{Outcome, Output};

/// Below this many sectors a progress bar would only flicker.
const PROGRESS_FROM: u64 = 20_000;

pub fn run(
    image: &Path,
    track: Option<u8>,
    repair_preview: bool,
    json: bool,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let medium = Arc::new(super::open::medium(image)?);
    let started = Instant::now();
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "verifying {wide_bar} {pos}/{len} sectors {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: u64, total: u64| {
        if let Some(bar) = &bar {
            if total >= PROGRESS_FROM && bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total);
            bar.set_position(done);
        }
    };
    // A container that packs its sectors (CHD) checks its own data too:
    // the blocks the sector pass decodes feed its digests.
    let store = medium.store.clone().filter(|_| track.is_none());
    if let Some(store) = &store {
        store.start_check();
    }
    let report = verify::verify(&medium, track, &progress)?;
    let container = store
        .map(|s| s.finish_check(&progress, &AtomicBool::new(false)))
        .transpose()?;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    // What parity would do for each listed bad sector (nothing written).
    let repairs: Vec<Option<Repair>> = report
        .bad
        .iter()
        .map(|b| {
            repair_preview
                .then(|| medium.read_sector(b.lba))
                .transpose()
                .map(|s| s.map(|s| sector::repair_sector(&medium, &s)))
        })
        .collect::<Result<_, _>>()?;
    let findings = if track.is_none() {
        filesystem_findings(&medium)
    } else {
        Vec::new()
    };
    let subq = match discscope::subchannel::SubFile::of(&medium) {
        Some(sub) if track.is_none() => Some(sub.scan()?),
        _ => None,
    };
    if json {
        let mut doc = serde_json::to_value(to_json(&report, &repairs))?;
        if let Some(map) = doc.as_object_mut() {
            let scan = subq.as_ref().map(super::subq::scan_json);
            map.insert("subchannel".into(), serde_json::to_value(scan)?);
            if subq.as_ref().is_some_and(super::subq::is_bad) {
                map.insert("ok".into(), serde_json::Value::Bool(false));
            }
            map.insert(
                "container".into(),
                serde_json::to_value(container.as_ref().map(container_json))?,
            );
            if container.as_ref().is_some_and(|c| !c.ok()) {
                map.insert("ok".into(), serde_json::Value::Bool(false));
            }
            let listed: Vec<DiagnosticInfo> = findings.iter().map(DiagnosticInfo::from).collect();
            map.insert("diagnostics".into(), serde_json::to_value(listed)?);
        }
        out.json(&doc)?;
    } else {
        print_report(
            &report,
            &repairs,
            image,
            started.elapsed().as_secs_f64(),
            out,
        )?;
        if let Some(scan) = &subq {
            super::subq::print_scan(scan, out)?;
        }
        if let Some(check) = &container {
            print_container(check, out)?;
        }
        print_findings(&findings, out)?;
    }
    Ok(
        if report.ok()
            && !subq.as_ref().is_some_and(super::subq::is_bad)
            && container.as_ref().is_none_or(StoreCheck::ok)
        {
            Outcome::Clean
        } else {
            Outcome::Problems
        },
    )
}

/// What the filesystems' whole-volume checks find (FAT: cross-linked
/// chains and directory loops; HFS: the B-trees), with the survey's own
/// findings (partitions sharing sectors, boot entries naming one image)
/// and any budget that ran out: sectors can be sound while the structures
/// on them are not.
fn filesystem_findings(medium: &Arc<Medium>) -> Vec<Diagnostic> {
    let survey = Survey::new(Arc::clone(medium), &ViewOptions::default());
    let mut out = survey.diagnostics.clone();
    if let Some(table) = &survey.table {
        out.extend(table.diagnostics.iter().cloned());
    }
    for view in &survey.views {
        out.extend(view.fs.check());
    }
    out.extend(medium.budget.diagnostics());
    let mut seen = HashSet::new();
    out.retain(|d| seen.insert((d.code, d.message.clone())));
    out
}

fn print_findings(findings: &[Diagnostic], out: &mut Output) -> anyhow::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", out.paint("1", "filesystem findings"))?;
    for d in findings {
        writeln!(
            out,
            "  {}[{}]: {}",
            d.severity,
            d.code,
            discscope::escape::escape(&d.message)
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ReportJson {
    sectors: u64,
    data_sectors: u64,
    audio_sectors: u64,
    bad_sectors: u64,
    good_sectors: u64,
    unchecked_sectors: u64,
    modes: serde_json::Map<String, serde_json::Value>,
    intentional: serde_json::Map<String, serde_json::Value>,
    errors: Vec<ErrorJson>,
    errors_not_listed: u64,
    ok: bool,
}

#[derive(Serialize)]
struct ErrorJson {
    lba: i64,
    msf: Option<String>,
    track: Option<u8>,
    mode: &'static str,
    problems: Vec<&'static str>,
    /// With `--repair-preview`: what the sector's parity would do.
    #[serde(skip_serializing_if = "Option::is_none")]
    repair: Option<super::sector::RepairJson>,
}

fn to_json(r: &Verification, repairs: &[Option<Repair>]) -> ReportJson {
    let modes = SectorMode::ALL
        .into_iter()
        .zip(r.per_mode)
        .filter(|(_, n)| *n > 0)
        .map(|(m, n)| (m.as_str().to_owned(), n.into()))
        .collect();
    let intentional = Oddity::ALL
        .into_iter()
        .zip(r.notes)
        .filter(|(_, n)| *n > 0)
        .map(|(note, n)| (note.as_str().to_owned(), n.into()))
        .collect();
    ReportJson {
        sectors: r.sectors,
        data_sectors: r.data_sectors,
        audio_sectors: r.audio_sectors,
        bad_sectors: r.bad_sectors,
        good_sectors: r.good_sectors,
        unchecked_sectors: r.unchecked_sectors,
        modes,
        intentional,
        errors: r
            .bad
            .iter()
            .zip(repairs)
            .map(|(b, repair)| ErrorJson {
                lba: b.lba.0,
                msf: b.lba.to_msf().map(|m| m.to_string()),
                track: b.track,
                mode: b.mode.as_str(),
                problems: b.problems.names(),
                repair: repair.as_ref().map(super::sector::repair_json),
            })
            .collect(),
        errors_not_listed: r.bad_sectors.saturating_sub(r.bad.len() as u64),
        ok: r.ok(),
    }
}

fn print_report(
    r: &Verification,
    repairs: &[Option<Repair>],
    image: &Path,
    seconds: f64,
    out: &mut Output,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} {} sectors of {} in {seconds:.2} s",
        out.paint("1", "verified"),
        r.sectors,
        discscope::escape::escape(&image.display().to_string())
    )?;
    for (mode, n) in SectorMode::ALL.into_iter().zip(r.per_mode) {
        if n == 0 {
            continue;
        }
        let remark = match mode {
            SectorMode::Audio => " (counted, not judged)",
            SectorMode::Cooked | SectorMode::Disk => " (no EDC/ECC stored)",
            _ => "",
        };
        writeln!(out, "  {:<16}{n:>10}{remark}", mode.describe())?;
    }
    for (note, n) in Oddity::ALL.into_iter().zip(r.notes) {
        if n > 0 {
            writeln!(out, "  intentional: {n} {}", note.describe())?;
        }
    }
    let summary = format!(
        "good {}, bad {}, unchecked {}, audio {}",
        r.good_sectors, r.bad_sectors, r.unchecked_sectors, r.audio_sectors
    );
    let summary = if r.ok() {
        out.paint("32", &summary)
    } else {
        out.paint("1;31", &summary)
    };
    writeln!(out, "{summary}")?;
    if !r.bad.is_empty() {
        writeln!(out, "{}", out.paint("1", "bad sectors"))?;
        for (b, repair) in r.bad.iter().zip(repairs) {
            let preview = match repair.as_ref().map(|r| &r.outcome) {
                Some(RepairOutcome::Repaired) => repair
                    .as_ref()
                    .map(|r| {
                        let n = r.changes.len();
                        format!("  repairable ({n} byte{})", if n == 1 { "" } else { "s" })
                    })
                    .unwrap_or_default(),
                Some(outcome) => format!("  {}", outcome.as_str().replace('_', " ")),
                None => String::new(),
            };
            writeln!(
                out,
                "  {:>8} {:<8} track {:>2} {:<14} {}{preview}",
                b.lba,
                b.lba.to_msf().map_or("-".into(), |m| m.to_string()),
                b.track.map_or("-".into(), |t| t.to_string()),
                b.mode.as_str(),
                b.problems.names().join(", ")
            )?;
        }
        let repairable = repairs
            .iter()
            .flatten()
            .filter(|r| r.outcome == RepairOutcome::Repaired)
            .count();
        if repairs.iter().any(Option::is_some) {
            writeln!(
                out,
                "{repairable} of {} listed bad sectors can be repaired by their own parity (nothing written)",
                r.bad.len()
            )?;
        }
        if r.bad_sectors > r.bad.len() as u64 {
            writeln!(
                out,
                "  ... and {} more (only the first {MAX_LISTED} are listed)",
                r.bad_sectors - r.bad.len() as u64
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct ContainerJson {
    /// What the container's blocks are (`hunk`).
    block: &'static str,
    blocks: u64,
    bad_blocks: u64,
    digests: Vec<DigestJson>,
    findings: Vec<DiagnosticInfo>,
    complete: bool,
    ok: bool,
}

#[derive(Serialize)]
struct DigestJson {
    name: &'static str,
    covers: &'static str,
    stored: Option<String>,
    computed: Option<String>,
    ok: Option<bool>,
}

fn container_json(check: &StoreCheck) -> ContainerJson {
    ContainerJson {
        block: check.block_name,
        blocks: check.blocks,
        bad_blocks: check.bad_blocks,
        digests: check
            .digests
            .iter()
            .map(|d| DigestJson {
                name: d.name,
                covers: d.covers,
                stored: d.stored.clone(),
                computed: d.computed.clone(),
                ok: d.ok(),
            })
            .collect(),
        findings: check.findings.iter().map(DiagnosticInfo::from).collect(),
        complete: check.complete,
        ok: check.ok(),
    }
}

fn print_container(check: &StoreCheck, out: &mut Output) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} {} {}s, {} bad",
        out.paint("1", "container"),
        check.blocks,
        check.block_name,
        check.bad_blocks
    )?;
    for d in &check.digests {
        let verdict = match (d.ok(), &d.stored) {
            (Some(true), _) => out.paint("32", "ok"),
            (Some(false), _) => out.paint("1;31", "MISMATCH"),
            (None, None) => out.paint("2", "not recorded"),
            (None, Some(_)) => out.paint("1;33", "not computed"),
        };
        writeln!(
            out,
            "  {:<9} {verdict}  recorded {}  computed {}  ({})",
            d.name,
            d.stored.as_deref().unwrap_or("-"),
            d.computed.as_deref().unwrap_or("-"),
            d.covers
        )?;
    }
    for f in &check.findings {
        let place = match f.location {
            discscope::diagnostic::Location::Offset(at) => format!("byte {at:#x}: "),
            _ => String::new(),
        };
        writeln!(
            out,
            "  {} [{}] {place}{}",
            f.severity,
            f.code,
            discscope::escape::escape(&f.message)
        )?;
    }
    Ok(())
}

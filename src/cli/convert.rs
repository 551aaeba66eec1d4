//! `discscope convert IMAGE -o OUT`, `merge SHEET -o OUT.cue` and `split
//! SHEET -o DIR`: the image in another shape, written safely (see
//! `discscope::convert`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use discscope::convert::{self, ConvertOptions, ConvertProgress, ConvertReport};
use discscope::escape::escape;

use super::{Outcome, Output};

/// What to convert, and how to report it.
#[derive(Debug)]
pub struct Job<'a> {
    pub image: &'a Path,
    pub output: PathBuf,
    pub options: ConvertOptions,
    pub json: bool,
}

pub fn run(job: Job<'_>, out: &mut Output) -> anyhow::Result<Outcome> {
    let medium = super::open::medium(job.image)?;
    let bar = (!job.json && std::io::stderr().is_terminal()).then(|| {
        // Hidden until the first report gives it a length, so it never
        // draws a full bar of 0 bytes.
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let report_progress = |stage: &'static str, done: u64, total: u64| {
        if let Some(bar) = &bar {
            bar.set_message(stage);
            bar.set_length(total);
            bar.set_position(done);
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
    };
    let progress = ConvertProgress {
        report: &report_progress,
        cancel: super::interrupt::writing(),
    };
    let result = convert::convert(&medium, &job.output, &job.options, &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = match result {
        Ok(report) => report,
        // Said once: most library errors already start with the image.
        Err(error)
            if error
                .to_string()
                .starts_with(&job.image.display().to_string()) =>
        {
            return Err(error.into());
        }
        Err(error) => {
            return Err(
                anyhow::Error::new(error).context(format!("converting {}", job.image.display()))
            );
        }
    };
    if job.json {
        out.json(&report)?;
    } else {
        print(&report, out)?;
    }
    Ok(
        if report.tracks_match == Some(false)
            || !report.uncorrectable.is_empty()
            || report.dropped_pregap.is_some()
        {
            Outcome::Problems
        } else {
            Outcome::Clean
        },
    )
}

/// `split SHEET -o DIR`: the sheet's name in DIR, one bin per track.
pub fn split_output(sheet: &Path, dir: &Path) -> anyhow::Result<PathBuf> {
    let stem = sheet
        .file_stem()
        .with_context(|| format!("{}: no file name", sheet.display()))?;
    let mut name = stem.to_owned();
    name.push(".cue");
    Ok(dir.join(name))
}

fn print(report: &ConvertReport, out: &mut Output) -> anyhow::Result<()> {
    for file in &report.files {
        let what = match file.sectors {
            Some(sectors) => format!("{} bytes, {sectors} sectors", file.bytes),
            None => format!("{} bytes", file.bytes),
        };
        writeln!(
            out,
            "wrote {} ({what})",
            escape(&file.path.display().to_string())
        )?;
    }
    if report.form2_skipped > 0 {
        writeln!(out, "left out {} form 2 sectors", report.form2_skipped)?;
    }
    if report.form2_raw > 0 {
        writeln!(
            out,
            "wrote {} form 2 sectors with their 2324 bytes",
            report.form2_raw
        )?;
    }
    for sector in &report.repaired {
        let changes: Vec<String> = sector
            .changes
            .iter()
            .map(|c| format!("{:#06x}: {:02x} -> {:02x}", c.offset, c.old, c.new))
            .collect();
        writeln!(
            out,
            "repaired LBA {} (track {}): {} byte{} ({})",
            sector.lba,
            sector.track,
            sector.changes.len(),
            if sector.changes.len() == 1 { "" } else { "s" },
            changes.join(", ")
        )?;
    }
    if !report.uncorrectable.is_empty() {
        let lbas: Vec<String> = report
            .uncorrectable
            .iter()
            .map(ToString::to_string)
            .collect();
        writeln!(
            out,
            "{} damaged sector{} beyond repair, written as stored: LBA {}",
            lbas.len(),
            if lbas.len() == 1 { "" } else { "s" },
            lbas.join(", ")
        )?;
    }
    if let Some(lba) = report.dropped_pregap {
        writeln!(
            out,
            "the first track's stored pregap holds data from LBA {lba}, before LBA 0 where no sheet can place it: the sheet says PREGAP and the bins leave it out"
        )?;
    }
    if report.verified == Some(true) {
        writeln!(out, "verified: every file reads back as written")?;
    }
    match report.tracks_match {
        Some(true) => writeln!(out, "the written sheet's tracks equal the image's")?,
        Some(false) => {
            for finding in &report.findings {
                writeln!(out, "differs: {}", escape(finding))?;
            }
        }
        None => {}
    }
    Ok(())
}

//! `discscope tracks IMAGE`: the track table.

use std::io::Write;
use std::path::Path;

use discscope::escape::escape;
use discscope::inspect::summary;

use super::{Outcome, Output};

pub fn run(image: &Path, json: bool, out: &mut Output) -> anyhow::Result<Outcome> {
    let medium = super::open::medium(image)?;
    let table = summary::tracks(&medium);
    if json {
        out.json(&table)?;
    } else {
        print_table(&table.tracks, Indexes::Each, out)?;
    }
    Ok(Outcome::Clean)
}

/// How the track table shows indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indexes {
    /// A line for each index under its track, LBA under `start` and MSF
    /// under `msf` (`tracks`).
    Each,
    /// Only indexes past 01, beside the flags (`info`, which summarises).
    Extra,
}

/// The table shared by `tracks` and `info`.
pub fn print_table(
    tracks: &[summary::TrackInfo],
    indexes: Indexes,
    out: &mut Output,
) -> anyhow::Result<()> {
    if tracks.is_empty() {
        writeln!(out, "no tracks (a disk image: see `info`)")?;
        return Ok(());
    }
    let header = format!(
        "{:>3} {:>4}  {:<10}  {:<5} {:>8}  {:<8} {:>7} {:>8} {:>7}  {}",
        "#", "sess", "mode", "kind", "start", "msf", "pregap", "length", "postgap", "file"
    );
    writeln!(out, "{}", out.paint("1", &header))?;
    for t in tracks {
        let pregap = if t.pregap > 0 && !t.pregap_in_file {
            format!("{}*", t.pregap)
        } else {
            t.pregap.to_string()
        };
        writeln!(
            out,
            "{:>3} {:>4}  {:<10}  {:<5} {:>8}  {:<8} {:>7} {:>8} {:>7}  {}",
            t.number,
            t.session,
            t.mode,
            t.kind,
            t.start,
            t.msf.as_deref().unwrap_or("-"),
            pregap,
            t.length,
            t.postgap,
            t.file.as_deref().map(escape).unwrap_or_default(),
        )?;
        if indexes == Indexes::Each {
            for i in &t.indexes {
                let msf = i.lba.to_msf().map(|m| m.to_string());
                writeln!(
                    out,
                    "{:10}index {:02}{:>18}  {}",
                    "",
                    i.number,
                    i.lba,
                    msf.as_deref().unwrap_or("-")
                )?;
            }
        }
        let extra: Vec<String> = t
            .indexes
            .iter()
            .filter(|i| indexes == Indexes::Extra && i.number > 1)
            .map(|i| format!("index {:02} at {}", i.number, i.lba))
            .chain((!t.flags.is_empty()).then(|| format!("flags {}", t.flags.join(" "))))
            .chain(t.isrc.as_deref().map(|i| format!("isrc {}", escape(i))))
            .chain(
                t.cd_text
                    .iter()
                    .map(|f| format!("{} \"{}\"", f.field.to_lowercase(), escape(&f.value))),
            )
            .collect();
        if !extra.is_empty() {
            writeln!(out, "{:>14}{}", "", extra.join(", "))?;
        }
    }
    if tracks.iter().any(|t| t.pregap > 0 && !t.pregap_in_file) {
        writeln!(out, "  * pregap not stored in the image (reads as zeros)")?;
    }
    Ok(())
}

//! `discscope fix CUE -o OUT.cue`: the sheet with every machine fix applied;
//! `--from-data IMAGE.bin`: a sheet written from the data alone.
//!
//! The input is never written except with `--in-place` (which keeps
//! `CUE.bak`), and no existing file is overwritten without `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use discscope::container::cue::text::MAX_SHEET_BYTES;
use discscope::escape::escape;
use discscope::lint;

use super::{Outcome, Output};

/// What `fix` was asked to do.
#[derive(Debug)]
pub struct Request<'a> {
    pub sheet: Option<&'a Path>,
    pub output: Option<&'a Path>,
    pub diff: bool,
    pub in_place: bool,
    pub from_data: Option<&'a Path>,
    pub force: bool,
}

pub fn run(request: &Request<'_>, out: &mut Output) -> anyhow::Result<Outcome> {
    if let Some(image) = request.from_data {
        let Some(output) = request.output else {
            anyhow::bail!("--from-data needs -o OUT.cue");
        };
        let text = lint::sheet_from_data(image)?;
        let text = moved(&text, folder_of(image), output)?;
        write_new(output, text.as_bytes(), request.force)?;
        let tracks = text
            .lines()
            .filter(|l| l.trim_start().starts_with("TRACK"))
            .count();
        eprintln!(
            "wrote {} ({tracks} tracks)",
            escape(&output.display().to_string())
        );
        return Ok(Outcome::Clean);
    }
    let Some(sheet) = request.sheet else {
        anyhow::bail!("fix needs a cue sheet, or --from-data IMAGE");
    };
    if request.output.is_none() && !request.in_place && !request.diff {
        anyhow::bail!(
            "say where the fixed sheet goes: -o OUT.cue, --in-place, or --diff to only show the change"
        );
    }
    let bytes = std::fs::read(sheet).with_context(|| sheet.display().to_string())?;
    if bytes.len() > MAX_SHEET_BYTES {
        anyhow::bail!("{}: far larger than any cue sheet", sheet.display());
    }
    let folder = folder_of(sheet);
    let before = lint::check(sheet);
    if before.lines.is_empty()
        && let Some(problem) = before.diagnostics.first()
    {
        anyhow::bail!("{}: {}", sheet.display(), problem.message);
    }
    let repair = lint::repair(&bytes, folder);
    // What OUT gets: its FILE names read from OUT's folder.
    let text = match request.output {
        Some(output) => moved(&repair.text, folder, output)?,
        None => repair.text.clone(),
    };
    if request.diff {
        let mut old = before.lines.join("\n");
        old.push('\n');
        let new = text.replace("\r\n", "\n");
        let name = sheet.display().to_string();
        let target = request
            .output
            .map_or_else(|| name.clone(), |o| o.display().to_string());
        let diff = lint::unified_diff(&old, &new, &name, &target);
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            // On a terminal the sheet's bytes are shown escaped; piped into
            // `patch`, the diff stays byte-exact.
            for line in diff.lines() {
                writeln!(out, "{}", escape(line))?;
            }
        } else {
            write!(out, "{diff}")?;
        }
    }
    if let Some(output) = request.output {
        write_new(output, text.as_bytes(), request.force)?;
    }
    if request.in_place {
        let mut backup = sheet.as_os_str().to_owned();
        backup.push(".bak");
        let backup = PathBuf::from(backup);
        write_new(&backup, &bytes, request.force)?;
        std::fs::write(sheet, repair.text.as_bytes())
            .with_context(|| sheet.display().to_string())?;
    }
    // The diff (stdout) before the summary (stderr) on a shared terminal.
    out.flush()?;
    let rewritten: Vec<&str> = before
        .diagnostics
        .iter()
        .filter_map(|d| match d.code {
            "cue.bom" => Some("without the byte order mark"),
            "cue.encoding" => Some("as UTF-8"),
            "cue.mixed-line-endings" => Some("with one kind of line ending"),
            _ => None,
        })
        .collect();
    if !rewritten.is_empty() {
        eprintln!("the sheet is written {}", rewritten.join(", "));
    }
    // Counted on the sheet as written, where it lies: its FILE names are
    // read from there.
    let written = request.output.or(request.in_place.then_some(sheet));
    let after = written.map_or_else(|| repair.after.clone(), lint::check);
    let remaining = after.errors();
    eprintln!(
        "{} fix{} applied; {remaining} error{} remain{}",
        repair.applied.len(),
        if repair.applied.len() == 1 { "" } else { "es" },
        if remaining == 1 { "" } else { "s" },
        if remaining == 1 { "s" } else { "" },
    );
    // Only what `check` announced was applied; fixes that the rewritten
    // lines make possible are offered by checking the written sheet.
    let offered = repair
        .after
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .count();
    if offered > 0 {
        eprintln!(
            "{offered} more fix{} offered on the written sheet: `discscope check` shows {}",
            if offered == 1 { " is" } else { "es are" },
            if offered == 1 { "it" } else { "them" },
        );
    }
    Ok(if remaining > 0 {
        Outcome::Problems
    } else {
        Outcome::Clean
    })
}

/// Writes a file that must not exist yet (unless `force`).
fn write_new(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).with_context(|| {
        if path.exists() && !force {
            format!("{} exists (use --force to overwrite)", path.display())
        } else {
            path.display().to_string()
        }
    })?;
    file.write_all(bytes)
        .with_context(|| path.display().to_string())?;
    Ok(())
}

/// The folder a file's relative names are read from.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A sheet whose FILE names are relative to `folder`, as it must be written
/// at `output`: its relative FILE names rewritten to be read from output's
/// folder (created when missing), or why they cannot be.
fn moved(text: &str, folder: &Path, output: &Path) -> anyhow::Result<String> {
    let target = folder_of(output);
    std::fs::create_dir_all(target).with_context(|| target.display().to_string())?;
    let moved = lint::relocate(text, folder, target)
        .with_context(|| format!("{}: the sheet cannot be written there", output.display()))?;
    if moved != text {
        eprintln!(
            "note: FILE names are rewritten to be read from {}",
            escape(&target.display().to_string())
        );
    }
    Ok(moved)
}

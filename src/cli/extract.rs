//! `discscope extract IMAGE [PATH...] -o DIR [--fs NAME] [--symlinks] [--force]
//! [--resource-forks]`.

use std::io::Write;
use std::path::Path;

use discscope::escape::escape;
use discscope::extract::{self, ExtractOptions, Source};
use discscope::fs::walk;

use super::{Outcome, Output};

pub fn run(
    image: &Path,
    paths: &[String],
    target: &Path,
    fs: Option<&str>,
    raw_names: bool,
    options: ExtractOptions,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let (view, found) = super::open::view_with_findings(image, fs, raw_names)?;
    let fs = view.fs.as_ref();
    let mut sources = Vec::new();
    if paths.is_empty() {
        sources.push(Source::root(fs)?);
    }
    for p in paths {
        let chain = walk::resolve_chain(fs, p, options.deleted)
            .map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))?;
        sources.push(Source {
            path: format!("/{}", p.trim_matches('/')),
            chain,
        });
    }
    let root = extract::prepare(target, &options)?;
    let report = extract::extract(fs, &sources, &root, options, super::interrupt::writing())?;
    let mut err = std::io::stderr().lock();
    for s in &report.skipped {
        writeln!(err, "discscope: skipped {}", escape(s))?;
    }
    for s in &report.refused {
        writeln!(
            err,
            "discscope: refused symlink {} (--unsafe-symlinks makes it)",
            escape(s)
        )?;
    }
    let mut diags = found;
    diags.extend(report.diagnostics);
    diags.extend(fs.diagnostics());
    let spent = super::open::budget_findings(&view, &diags);
    diags.extend(spent);
    super::open::warn(&diags);
    let refused = if report.refused.is_empty() {
        String::new()
    } else {
        format!(", {} refused", counted(report.refused.len(), "symlink"))
    };
    writeln!(
        out,
        "extracted {} ({} bytes), {}, {}{} into {}; {} skipped{refused}",
        counted(report.files, "file"),
        report.bytes,
        counted(report.dirs, "directory"),
        counted(report.symlinks, "symlink"),
        if report.apple_double > 0 {
            format!(", {}", counted(report.apple_double, "AppleDouble file"))
        } else {
            String::new()
        },
        escape(&root.display().to_string()),
        report.skipped.len()
    )?;
    Ok(Outcome::Clean)
}

/// `1 file`, `2 files`, `1 directory`, `3 directories`.
fn counted(n: usize, one: &str) -> String {
    match (n, one.strip_suffix('y')) {
        (1, _) => format!("1 {one}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {one}s"),
    }
}

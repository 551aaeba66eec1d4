//! `discscope extract IMAGE [PATH...] -o DIR [--fs NAME] [--symlinks] [--force]
//! [--resource-forks]`.

use std::io::Write;
use std::path::Path;

use discscope::escape::escape;
use discscope::extract::{self, Options};
use discscope::fs::walk;

use super::{Outcome, Output};

/// What extraction may do.
#[derive(Clone, Copy, Debug)]
pub struct Flags {
    pub symlinks: bool,
    pub force: bool,
    pub resource_forks: bool,
}

pub fn run(
    image: &Path,
    paths: &[String],
    target: &Path,
    fs: Option<&str>,
    raw_names: bool,
    flags: Flags,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let Flags {
        symlinks,
        force,
        resource_forks,
    } = flags;
    let (view, found) = super::open::view_with_findings(image, fs, raw_names)?;
    let fs = view.fs.as_ref();
    let mut sources = Vec::new();
    if paths.is_empty() {
        sources.push((String::new(), fs.root()?));
    }
    for p in paths {
        let node = walk::resolve(fs, p).map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))?;
        sources.push((format!("/{}", p.trim_matches('/')), node));
    }
    let options = Options {
        symlinks,
        force,
        resource_forks,
    };
    let root = extract::prepare(target, &options)?;
    let report = extract::extract(fs, &sources, &root, options)?;
    let mut err = std::io::stderr().lock();
    for s in &report.skipped {
        writeln!(err, "discscope: skipped {}", escape(s))?;
    }
    let mut diags = found;
    diags.extend(report.diagnostics);
    diags.extend(fs.diagnostics());
    let spent = super::open::budget_findings(&view, &diags);
    diags.extend(spent);
    super::open::warn(&diags);
    writeln!(
        out,
        "extracted {} files ({} bytes), {} directories, {} symlinks{} into {}; {} skipped",
        report.files,
        report.bytes,
        report.dirs,
        report.symlinks,
        if report.apple_double > 0 {
            format!(", {} AppleDouble files", report.apple_double)
        } else {
            String::new()
        },
        escape(&root.display().to_string()),
        report.skipped.len()
    )?;
    Ok(Outcome::Clean)
}

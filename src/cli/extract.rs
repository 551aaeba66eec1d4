//! `discscope extract IMAGE [PATH...] -o DIR [--fs NAME] [--symlinks] [--force]`.

use std::io::Write;
use std::path::Path;

use discscope::escape::escape;
use discscope::extract::{self, Options, Source};
use discscope::fs::walk;

use super::{Outcome, Output};

#[allow(clippy::too_many_arguments)]
pub fn run(
    image: &Path,
    paths: &[String],
    target: &Path,
    fs: Option<&str>,
    raw_names: bool,
    symlinks: bool,
    force: bool,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let view = super::open::view(image, fs, raw_names)?;
    let fs = view.fs.as_ref();
    let mut sources = Vec::new();
    if paths.is_empty() {
        sources.push(Source::root(fs)?);
    }
    for p in paths {
        let chain =
            walk::resolve_chain(fs, p).map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))?;
        sources.push(Source {
            path: format!("/{}", p.trim_matches('/')),
            chain,
        });
    }
    let options = Options { symlinks, force };
    let root = extract::prepare(target, &options)?;
    let report = extract::extract(fs, &sources, &root, options)?;
    let mut err = std::io::stderr().lock();
    for s in &report.skipped {
        writeln!(err, "discscope: skipped {}", escape(s))?;
    }
    super::open::warn(&report.diagnostics);
    super::open::warn(&fs.diagnostics());
    writeln!(
        out,
        "extracted {} files ({} bytes), {} directories, {} symlinks into {}; {} skipped",
        report.files,
        report.bytes,
        report.dirs,
        report.symlinks,
        escape(&root.display().to_string()),
        report.skipped.len()
    )?;
    Ok(Outcome::Clean)
}

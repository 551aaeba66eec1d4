//! Opening an image for a command: the medium, its survey, and the view a
//! command reads.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::Context;

use discscope::container;
use discscope::diagnostic::Diagnostic;
use discscope::escape::escape;
use discscope::fs::{View, ViewOptions};
use discscope::medium::Medium;
use discscope::sector::{Address, Spot};
use discscope::survey::Survey;

/// How every command opens images (the global `--parent`).
static OPTIONS: OnceLock<container::OpenOptions> = OnceLock::new();

/// Sets how images open; the first call wins.
pub fn set_options(options: container::OpenOptions) {
    let _ = OPTIONS.set(options);
}

/// Opens an image with the command line's options, keeping a cue
/// sheet's analysis.
pub fn opened(image: &Path) -> anyhow::Result<container::Opened> {
    let options = OPTIONS.get().cloned().unwrap_or_default();
    Ok(container::open_with_options(image, &options)?)
}

/// Opens an image as [`opened`] does, a broken sheet as far as it can be
/// laid out (the inspector shows its findings).
pub fn opened_best_effort(image: &Path) -> anyhow::Result<container::Opened> {
    let options = container::OpenOptions {
        best_effort: true,
        ..OPTIONS.get().cloned().unwrap_or_default()
    };
    Ok(container::open_with_options(image, &options)?)
}

/// Opens an image with the command line's options.
pub fn medium(image: &Path) -> anyhow::Result<Medium> {
    Ok(opened(image)?.medium)
}

/// Opens an image and surveys it.
pub fn survey(image: &Path, raw_names: bool) -> anyhow::Result<Survey> {
    let medium = Arc::new(medium(image)?);
    Ok(Survey::new(medium, &ViewOptions { raw_names }))
}

/// Opens an image and picks the view: `--fs NAME` or the richest.
pub fn view(image: &Path, fs: Option<&str>, raw_names: bool) -> anyhow::Result<View> {
    view_with_findings(image, fs, raw_names).map(|(view, _)| view)
}

/// [`view`], with the survey's own findings (partitions that share
/// sectors, boot entries naming one image, filesystems found unusable),
/// which commands that walk a view show beside the view's.
pub fn view_with_findings(
    image: &Path,
    fs: Option<&str>,
    raw_names: bool,
) -> anyhow::Result<(View, Vec<Diagnostic>)> {
    let survey = survey(image, raw_names)?;
    let view = match fs {
        Some(name) => survey.named(name).with_context(|| {
            let found: Vec<&str> = survey.views.iter().map(|v| v.kind.as_str()).collect();
            format!(
                "{}: no {name} filesystem (found: {})",
                image.display(),
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                }
            )
        })?,
        None => survey
            .default_view()
            .with_context(|| format!("{}: no filesystem found", image.display()))?,
    };
    Ok((view.clone(), survey.diagnostics.clone()))
}

/// The findings of the image's budgets that ran out, except those whose
/// code `shown` already holds (a walk reports the budget that ended it).
pub fn budget_findings(view: &View, shown: &[Diagnostic]) -> Vec<Diagnostic> {
    view.fs
        .budget()
        .map(|b| b.diagnostics())
        .unwrap_or_default()
        .into_iter()
        .filter(|d| !shown.iter().any(|s| s.code == d.code))
        .collect()
}

/// The error with the image's path in front, unless its message already
/// starts with it: every failure of a command names the image it was
/// about (README: "one line on stderr naming the file"). The cause chain
/// is kept, so a closed stdout is still recognised.
pub fn naming_image(image: &Path, error: anyhow::Error) -> anyhow::Error {
    let named = image.display().to_string();
    if error.to_string().starts_with(&format!("{named}:")) {
        error
    } else {
        error.context(named)
    }
}

/// Prints diagnostics on stderr, escaped.
pub fn warn(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(
            err,
            "discscope: {} [{}] {}",
            d.severity,
            d.code,
            escape(&d.message)
        );
    }
}

/// The sector an ADDR names on the medium, which must hold it.
pub fn sector(image: &Path, medium: &Medium, text: &str) -> anyhow::Result<Spot> {
    let address: Address = text.parse()?;
    address
        .resolve(medium)
        .map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))
}

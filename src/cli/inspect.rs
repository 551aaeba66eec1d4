//! `discscope [IMAGE]`: the full-screen inspector, on the image or on the
//! built-in demo disc.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use discscope::tui::app::Appearance;

use super::{ColorChoice, Outcome, output};

pub fn run(image: Option<PathBuf>, color: ColorChoice, ascii: bool) -> anyhow::Result<Outcome> {
    // A missing image is the first thing wrong, terminal or not.
    if let Some(image) = &image {
        std::fs::metadata(image).with_context(|| image.display().to_string())?;
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the inspector needs a terminal; for scripts use `discscope info`, `tracks`, `ls` or `sector`"
        );
    }
    // The demo disc lives in a temporary folder for as long as the UI runs.
    let (path, _demo) = match image {
        Some(image) => (image, None),
        None => {
            let dir = tempfile::Builder::new()
                .prefix("discscope-demo")
                .tempdir()?;
            (discscope::demo::write(dir.path())?, Some(dir))
        }
    };
    let opened = super::open::opened_best_effort(&path)?;
    let medium = Arc::new(opened.medium);
    let options = Appearance {
        color: output::color_wanted(color, true),
        ascii,
    };
    let survey = discscope::survey::Survey::new(medium, &discscope::fs::ViewOptions::default());
    discscope::tui::run(Arc::new(survey), opened.sheet, options)?;
    Ok(Outcome::Clean)
}

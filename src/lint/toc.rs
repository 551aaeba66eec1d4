//! The doctor on a cdrdao toc file: the findings of reading it, then the
//! rules it shares with cue sheets (the data against the declared mode,
//! the pregap audio owes data), each under its `toc.*` code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::declared::{Context, Declared};
use super::{Diagnosis, data, dedupe, gaps, refused};
use crate::container::dialect::Dialect;
use crate::container::toc::{self, TocAnalysis};

/// Every rule over an analysed toc file.
pub fn check_toc(analysis: &TocAnalysis) -> Diagnosis {
    let sheet = &analysis.sheet;
    let lines = sheet.text.lines.clone();
    let layout = &analysis.layout;
    let declared: Vec<Declared> = layout
        .laid_out
        .iter()
        .zip(&layout.tracks)
        .filter_map(|(&i, track)| {
            let block = sheet.tracks.get(i)?;
            let mode = block.mode?;
            Some(Declared {
                number: track.number,
                mode: track.mode,
                mode_name: mode.as_str().to_owned(),
                track_at: block.at,
                index01_at: block.start_at(),
                index00_at: None,
                pregap_at: block.pregap.map(|(_, at)| at),
            })
        })
        .collect();
    let mut found = analysis.diagnostics.clone();
    let context = Context {
        dialect: Dialect::Toc,
        declared: &declared,
        tracks: &layout.tracks,
        files: &analysis.files.open,
        lines: &lines,
    };
    data::check(&context, &mut found);
    gaps::check_layout(&context, &mut found);
    let mut sectors = BTreeMap::new();
    for (&i, track) in layout.laid_out.iter().zip(&layout.tracks) {
        let Some(block) = sheet.tracks.get(i) else {
            continue;
        };
        sectors.insert(block.at.line, track.start);
        if let Some(at) = block.start_at() {
            sectors.insert(at.line, track.start);
        }
        if let Some((_, at)) = block.pregap {
            sectors.insert(at.line, track.pregap_start());
        }
        for ((_, at), index) in block
            .indexes
            .iter()
            .zip(track.indexes.iter().filter(|x| x.number >= 2))
        {
            sectors.insert(at.line, index.lba);
        }
    }
    let mut diagnostics = dedupe(found);
    diagnostics.sort_by_key(|d| (d.line().unwrap_or(0), d.column().unwrap_or(0)));
    Diagnosis {
        path: PathBuf::new(),
        lines,
        diagnostics,
        sectors,
        crlf: sheet.text.endings.crlf > sheet.text.endings.lf,
    }
}

/// Checks the toc file at `path`.
pub fn check_toc_path(path: &Path) -> Diagnosis {
    let mut report = match toc::analyse(path) {
        Ok(analysis) => check_toc(&analysis),
        Err(refusal) => refused(*refusal),
    };
    report.path = path.to_owned();
    report
}

/// Checks toc bytes whose file names are relative to `folder`.
pub fn check_toc_bytes(bytes: &[u8], folder: &Path) -> Diagnosis {
    match toc::analyse_bytes(bytes, folder) {
        Ok(analysis) => check_toc(&analysis),
        Err(refusal) => refused(*refusal),
    }
}

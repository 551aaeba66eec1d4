//! The toc files of the corpus (cdrdao's testtocs with their expected
//! `show-toc` answers, libcdio's test tocs) against cdrdao itself, run live.

use std::path::Path;
use std::process::Command;

use discscope::diagnostic::Severity;

use crate::support::corpus;
use crate::toc::assert_matches_show_toc;
use crate::twins::open;

/// `cdrdao show-toc` run live in the toc's folder: (exit status, stdout,
/// stderr).
fn show_toc(toc: &Path) -> (bool, String, String) {
    let output = Command::new("timeout")
        .arg("20")
        .arg("cdrdao")
        .arg("show-toc")
        .arg(toc.file_name().unwrap())
        .current_dir(toc.parent().unwrap())
        .output()
        .expect("cdrdao runs (Debian package cdrdao)");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn tocs(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toc"))
        .collect();
    found.sort();
    found
}

/// CD-TEXT strings as show-toc prints them, in order: `ITEM "value"`.
fn shown_cd_text(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| {
            [
                "TITLE",
                "PERFORMER",
                "DISC_ID",
                "UPC_EAN",
                "SONGWRITER",
                "COMPOSER",
                "ARRANGER",
                "MESSAGE",
                "GENRE",
            ]
            .iter()
            .any(|item| l.starts_with(&format!("{item} \"")))
        })
        .map(str::to_owned)
        .collect()
}

/// Our CD-TEXT strings printed as show-toc does (empty ones left out,
/// ISRC items under the pack's other name UPC_EAN).
fn our_cd_text(medium: &discscope::medium::Medium) -> Vec<String> {
    let print = |fields: &[(String, String)]| -> Vec<String> {
        fields
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .filter_map(|(name, value)| {
                let item = name.rsplit(' ').next()?;
                let item = if item == "ISRC" { "UPC_EAN" } else { item };
                let value = value.replace('"', "\\\"");
                (!["SIZE_INFO", "TOC_INFO1", "TOC_INFO2"].contains(&item))
                    .then(|| format!("{item} \"{value}\""))
            })
            .collect()
    };
    let mut out = print(&medium.cd_text.fields);
    for track in &medium.tracks {
        out.extend(print(&track.cd_text.fields));
    }
    out
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_cdrdao_testtocs_match_show_toc() {
    let folder = corpus().join("cdrdao/testtocs");
    let all = tocs(&folder);
    assert!(all.len() >= 20, "{all:?}");
    for toc in all {
        let name = toc.file_stem().unwrap().to_string_lossy().into_owned();
        let medium = open(&toc);
        let report = discscope::lint::check(&toc);
        assert_eq!(report.errors(), 0, "{name}: {:?}", report.diagnostics);
        // Live: Debian's cdrdao (1.2.4 does not know the ENCODING_* words
        // of later versions).
        let newer = std::fs::read_to_string(&toc).unwrap().contains("ENCODING_");
        if !newer {
            let (ok, shown, stderr) = show_toc(&toc);
            assert!(ok, "{name}: {stderr}");
            assert_matches_show_toc(&medium, &shown, &format!("{name} (live)"));
        }
        // Recorded by cdrdao's authors (a newer cdrdao that prints CD-TEXT).
        let gold = folder.join(format!("gold/{name}.showtoc"));
        if let Ok(gold) = std::fs::read_to_string(&gold) {
            assert_matches_show_toc(&medium, &gold, &format!("{name} (gold)"));
            assert_eq!(
                our_cd_text(&medium),
                shown_cd_text(&gold),
                "{name}: CD-TEXT"
            );
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_libcdio_tocs_agree_with_cdrdao() {
    let folder = corpus().join("libcdio/test/data");
    let all = tocs(&folder);
    assert!(all.len() >= 25, "{all:?}");
    let mut accepted = 0;
    for toc in all {
        let name = toc.file_name().unwrap().to_string_lossy().into_owned();
        let report = discscope::lint::check(&toc);
        let error_lines: Vec<usize> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter_map(|d| d.line())
            .collect();
        let (ok, shown, stderr) = show_toc(&toc);
        if ok {
            accepted += 1;
            assert_eq!(report.errors(), 0, "{name}: {:?}", report.diagnostics);
            assert_matches_show_toc(&open(&toc), &shown, &name);
            continue;
        }
        assert!(report.errors() > 0, "{name}: cdrdao refuses it: {stderr}");
        // Every line cdrdao names has an error of ours; a syntax error
        // cdrdao notices at the next token may be ours a line or more above.
        for line in stderr.lines().filter_map(|l| l.strip_prefix("ERROR: ")) {
            let Some(rest) = line.strip_prefix(&format!("{name}:")) else {
                continue;
            };
            let Some(number) = rest.split(':').next().and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            let found = if rest.contains("syntax error") {
                error_lines.iter().any(|&l| l <= number)
            } else {
                error_lines.contains(&number)
            };
            assert!(
                found,
                "{name}: cdrdao: {line}; ours: {:?}",
                report.diagnostics
            );
        }
    }
    assert!(accepted >= 3, "{accepted}");
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_isofs_m1_toc_opens_despite_its_file_statement() {
    // libcdio's isofs-m1.toc names its data with FILE, which cdrdao keeps
    // for audio tracks: a finding, and the disc still reads as its cue.
    let data = corpus().join("libcdio/test/data");
    let toc = open(&data.join("isofs-m1.toc"));
    let cue = open(&data.join("isofs-m1.cue"));
    assert!(toc.diagnostics.iter().any(|d| d.code == "toc.file-on-data"));
    crate::twins::assert_same_disc(&toc, &cue, "isofs-m1");
}

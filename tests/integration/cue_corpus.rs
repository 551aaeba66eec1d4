//! Every cue sheet in the corpus: track starts against cd-info (libcdio's
//! recorded `.right` answers, or a live run), and broken sheets end with a
//! clear error or open with diagnostics. None panics or hangs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::cue_oracles::{assert_starts_match_cd_info, parse_cd_info, run_within, tracks};
use crate::support::{corpus, discscope};

const LIMIT: Duration = Duration::from_secs(2);

/// Every `*.cue` file under `dir`, sorted.
fn sheets_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("cue"))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Runs `tracks` on a sheet: exit 0, or exit 2 with one line naming it.
/// Returns whether it opened.
fn opens_or_fails_clearly(sheet: &Path) -> bool {
    let (code, stderr, elapsed) = run_within(&["tracks".as_ref(), sheet.as_os_str()], LIMIT);
    let shown = sheet.display().to_string();
    assert!(elapsed < LIMIT, "{shown} took {elapsed:?}");
    assert!(!stderr.contains("panicked"), "{shown}: {stderr}");
    match code {
        0 => true,
        2 => {
            assert_eq!(stderr.lines().count(), 1, "{shown}: {stderr}");
            assert!(stderr.contains(&format!("{shown}:")), "{shown}: {stderr}");
            false
        }
        other => panic!("{shown}: exit {other}: {stderr}"),
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_every_sheet_opens_or_fails_clearly() {
    let sheets = sheets_under(&corpus());
    assert!(sheets.len() >= 20, "{} sheets", sheets.len());
    for sheet in sheets {
        opens_or_fails_clearly(&sheet);
    }
}

/// libcdio's recorded cd-info answer for one of its sheets.
fn recorded_answer(sheet: &Path) -> Option<String> {
    let data = sheet.parent()?;
    if !data.ends_with("libcdio/test/data") {
        return None;
    }
    let right = data
        .parent()?
        .join(sheet.file_stem()?)
        .with_extension("right");
    std::fs::read_to_string(right).ok()
}

/// The file beside `sheet` that `name` resolves to (any letter case).
fn data_file(sheet: &Path, name: &str) -> Option<PathBuf> {
    let folder = sheet.parent()?;
    let base = name.rsplit(['/', '\\']).next()?;
    std::fs::read_dir(folder)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(base))
        })
}

/// A live cd-info answer for a single-FILE sheet. cd-info reads STEM.bin
/// beside STEM.cue whatever the sheet names, so the sheet is copied beside
/// a link of that name to its data. None when cd-info is missing or fails.
fn live_answer(sheet: &Path, tracks: &[Value]) -> Option<String> {
    let first = tracks.first()?["file"].as_str()?;
    if tracks.iter().any(|t| t["file"] != first) {
        return None;
    }
    let data = data_file(sheet, first)?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sheet, dir.path().join("sheet.cue")).unwrap();
    std::os::unix::fs::symlink(&data, dir.path().join("sheet.bin")).unwrap();
    let output = Command::new("timeout")
        .args(["10", "cd-info", "-q", "--no-device-info", "--no-disc-mode"])
        .args(["--no-cddb", "--cue-file", "sheet.cue"])
        .current_dir(dir.path())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_track_starts_equal_cd_info() {
    let mut compared = Vec::new();
    let mut skipped = Vec::new();
    for sheet in sheets_under(&corpus()) {
        if !opens_or_fails_clearly(&sheet) {
            continue;
        }
        let ours = tracks(&sheet);
        let (answer, source) = match recorded_answer(&sheet) {
            Some(text) => (Some(text), "recorded"),
            None => (live_answer(&sheet, &ours), "live"),
        };
        let Some(answer) = answer else {
            skipped.push(sheet.display().to_string());
            continue;
        };
        let rows = parse_cd_info(&answer);
        assert!(!rows.is_empty(), "{}: no track list", sheet.display());
        let what = format!("{} ({source})", sheet.display());
        assert_starts_match_cd_info(&ours, &rows, &what);
        compared.push(what);
    }
    eprintln!("compared with cd-info: {compared:#?}\nno cd-info answer: {skipped:#?}");
    // libcdio's cdda, cdda_4_5 and isofs-m1 have recorded answers.
    let recorded = compared.iter().filter(|c| c.ends_with("(recorded)"));
    assert!(recorded.count() >= 3, "{compared:?}");
}

/// Sheets known to be broken: they must fail clearly or open with
/// diagnostics that say what is wrong.
fn broken_sheets() -> Vec<PathBuf> {
    let root = corpus();
    let mut sheets = vec![
        root.join("libcdio/test/data/p1.cue"),
        root.join("chdman-js/packages/chdman/test/fixtures/cue/multiple.cue"),
    ];
    sheets.extend(sheets_under(&root.join("igir")));
    sheets.extend(sheets_under(&root.join("libcue")));
    sheets.extend(
        sheets_under(&root.join("libcdio/test/data"))
            .into_iter()
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("bad-")),
    );
    sheets
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_broken_sheets_fail_clearly_or_explain() {
    let sheets = broken_sheets();
    assert!(sheets.len() >= 14, "{sheets:?}");
    for sheet in sheets {
        if !opens_or_fails_clearly(&sheet) {
            continue;
        }
        let run = discscope(["info".as_ref(), "--json".as_ref(), sheet.as_os_str()]);
        assert_eq!(run.code(), 0, "{}: {}", sheet.display(), run.stderr());
        let json = run.json();
        let serious = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] != "info")
            .count();
        assert!(
            serious > 0,
            "{} opens without a word: {json}",
            sheet.display()
        );
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_p1_names_its_missing_file() {
    let sheet = corpus().join("libcdio/test/data/p1.cue");
    let (code, stderr, _) = run_within(&["tracks".as_ref(), sheet.as_os_str()], LIMIT);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("{}:4: ", sheet.display())) && stderr.contains("BOING.BIN"),
        "{stderr}"
    );
}

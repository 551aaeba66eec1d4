//! cdrdao toc files written for the project's own discs
//! (`tests/fixtures/toc/make.sh`) against `cdrdao show-toc`, `toc2cue` and
//! their cue twins; the doctor on tocs; hostile tocs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use discscope::container::toc::TocMode;
use discscope::medium::Medium;

use crate::support::{discscope, fixture};
use crate::twins::{assert_same_disc, open, table};

/// One track as `cdrdao show-toc` prints it.
#[derive(Debug, Default, PartialEq)]
pub struct ShownTrack {
    pub mode: String,
    pub copy: bool,
    pub pre_emphasis: Option<bool>,
    pub four_channel: Option<bool>,
    pub isrc: Option<String>,
    pub pregap: u64,
    pub start: i64,
    pub indexes: Vec<(u8, i64)>,
    pub end: i64,
}

/// The block count in `mm:ss:ff(  n)`.
fn blocks(text: &str) -> i64 {
    let inner = text.split('(').nth(1).and_then(|r| r.split(')').next());
    inner
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no block count in {text:?}"))
}

/// The catalog and the tracks of `cdrdao show-toc`'s output.
pub fn parse_show_toc(text: &str) -> (Option<String>, Vec<ShownTrack>) {
    let mut catalog = None;
    let mut tracks: Vec<ShownTrack> = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(number) = line.strip_prefix("CATALOG NUMBER:") {
            catalog = Some(number.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("TRACK ") {
            let mode = rest.split("Mode ").nth(1).unwrap_or_default();
            let mode = mode
                .trim_end_matches(':')
                .split_whitespace()
                .next()
                .unwrap_or_default();
            tracks.push(ShownTrack {
                mode: mode.to_owned(),
                ..ShownTrack::default()
            });
        } else if let Some(track) = tracks.last_mut() {
            match line {
                "COPY PERMITTED" => track.copy = true,
                "COPY NOT PERMITTED" => track.copy = false,
                "PRE-EMPHASIS" => track.pre_emphasis = Some(true),
                "NO PRE-EMPHASIS" => track.pre_emphasis = Some(false),
                "TWO CHANNEL AUDIO" => track.four_channel = Some(false),
                "FOUR CHANNEL AUDIO" => track.four_channel = Some(true),
                _ if line.starts_with("ISRC ") => {
                    track.isrc = Some(line[5..].split_whitespace().collect());
                }
                _ if line.starts_with("PREGAP") => track.pregap = blocks(line) as u64,
                _ if line.starts_with("START") => track.start = blocks(line),
                _ if line.starts_with("END") => track.end = blocks(line),
                _ if line.starts_with("INDEX") => {
                    let number = line.split_whitespace().nth(1).unwrap().parse().unwrap();
                    track.indexes.push((number, blocks(line)));
                }
                _ => {}
            }
        }
    }
    (catalog, tracks)
}

/// Asserts a medium's tracks are those `cdrdao show-toc` printed.
pub fn assert_matches_show_toc(medium: &Medium, shown: &str, what: &str) {
    let (catalog, expected) = parse_show_toc(shown);
    assert!(!expected.is_empty(), "{what}: show-toc printed no track");
    assert_eq!(medium.catalog, catalog, "{what}: catalog");
    assert_eq!(medium.tracks.len(), expected.len(), "{what}: track count");
    for (track, shown) in medium.tracks.iter().zip(&expected) {
        let at = format!("{what}: track {}", track.number);
        // The medium stores MODE2 and MODE2_FORM_MIX (and MODE0) alike.
        let mode = TocMode::from_word(&shown.mode).map(TocMode::track_mode);
        assert_eq!(Some(track.mode), mode, "{at}: mode {}", shown.mode);
        assert_eq!(track.start.0, shown.start, "{at}: START");
        assert_eq!(track.pregap, shown.pregap, "{at}: PREGAP");
        assert_eq!(track.end().0, shown.end, "{at}: END");
        assert_eq!(track.flags.dcp, shown.copy, "{at}: COPY");
        if let Some(pre) = shown.pre_emphasis {
            assert_eq!(track.flags.pre_emphasis, pre, "{at}: PRE-EMPHASIS");
        }
        if let Some(four) = shown.four_channel {
            assert_eq!(track.flags.four_channel, four, "{at}: channels");
        }
        assert_eq!(track.isrc, shown.isrc, "{at}: ISRC");
        let later: Vec<(u8, i64)> = track
            .indexes
            .iter()
            .filter(|i| i.number >= 2)
            .map(|i| (i.number, i.lba.0))
            .collect();
        assert_eq!(later, shown.indexes, "{at}: INDEX");
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each fixture toc and the cue sheet over the same bytes.
fn twins() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for set in ["mixed", "mode1"] {
        for (toc, cue) in [
            ("multi", "multi"),
            ("single", "single"),
            ("grammar", "single"),
        ] {
            out.push((
                fixture(&format!("toc/{set}/{toc}.toc")),
                fixture(&format!("cue/{set}/{cue}.cue")),
            ));
        }
    }
    out.push((
        fixture("toc/videocd/videocd.toc"),
        fixture("sector/videocd.cue"),
    ));
    out
}

#[test]
fn toc_tables_equal_cdrdao_show_toc() {
    for (toc, _) in twins() {
        let shown = read(&toc.with_extension("show-toc.txt"));
        assert_matches_show_toc(&open(&toc), &shown, &toc.display().to_string());
    }
}

#[test]
fn toc_twins_read_the_same_sectors_as_their_cues() {
    for (toc, cue) in twins() {
        let (toc_medium, cue_medium) = (open(&toc), open(&cue));
        assert_eq!(toc_medium.format.as_str(), "toc");
        assert_same_disc(&toc_medium, &cue_medium, &toc.display().to_string());
    }
}

#[test]
fn toc2cue_turns_the_single_tocs_into_their_cue_twins() {
    for (toc, cue) in [
        ("toc/mixed/single", "cue/mixed/single.cue"),
        ("toc/mode1/single", "cue/mode1/single.cue"),
        ("toc/videocd/videocd", "sector/videocd.cue"),
    ] {
        let made = fixture(&format!("{toc}.toc2cue.cue"));
        // toc2cue names the same bin; opened beside the toc, it is the
        // same disc as the toc and as the committed twin.
        let from_toc2cue = open(&made);
        assert_eq!(
            table(&from_toc2cue),
            table(&open(&fixture(&format!("{toc}.toc"))))
        );
        assert_eq!(table(&from_toc2cue), table(&open(&fixture(cue))), "{toc}");
    }
    // For chdman's single bin, toc2cue writes chdman's very sheet.
    assert_eq!(
        read(&fixture("toc/mixed/single.toc2cue.cue")),
        read(&fixture("cue/mixed/single.cue"))
    );
}

#[test]
fn toc_demo_disc_twin() {
    let dir = tempfile::tempdir().unwrap();
    let cue = discscope::demo::write(dir.path()).unwrap();
    let toc = dir.path().join("discscope-demo.toc");
    std::fs::copy(fixture("toc/demo/discscope-demo.toc"), &toc).unwrap();
    let medium = open(&toc);
    assert_matches_show_toc(
        &medium,
        &read(&fixture("toc/demo/discscope-demo.show-toc.txt")),
        "demo",
    );
    assert_same_disc(&medium, &open(&cue), "demo");
    assert_eq!(medium.cd_text.get("TITLE"), Some("Demo disc"));
    assert_eq!(medium.tracks[1].cd_text.get("PERFORMER"), Some("sine wave"));
    // The demo's deliberate mistake is found in either dialect.
    let report = discscope::lint::check(&toc);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "toc.data-audio-gap"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn toc_filesystems_list_as_their_cue_twins() {
    for (toc, cue) in twins() {
        let list = |path: &Path| {
            let run = discscope([
                "ls".as_ref(),
                path.as_os_str(),
                "-R".as_ref(),
                "--json".as_ref(),
            ]);
            assert_eq!(run.code(), 0, "{}: {}", path.display(), run.stderr());
            run.json()
        };
        assert_eq!(list(&toc), list(&cue), "{}", toc.display());
    }
}

#[test]
fn toc_check_reports_toc_codes_with_lines() {
    let report = discscope::lint::check(&fixture("toc/mixed/grammar.toc"));
    assert_eq!(report.errors(), 0, "{:?}", report.diagnostics);
    let dir = tempfile::tempdir().unwrap();
    let toc = dir.path().join("broken.toc");
    std::fs::copy(
        fixture("cue/mixed/single.bin"),
        dir.path().join("single.bin"),
    )
    .unwrap();
    std::fs::write(
        &toc,
        "CD_ROM\ntrack MODE1_RAW\nDATAFILE \"Single.bin\" 00:04:00\nTRACK AUDIO\nFILE \"single.bin\" 00:04:00 00:00:40\nSTART 1:0:0\nTRACK MODE9\nZERO 0:2:0\n",
    )
    .unwrap();
    let run = discscope(["check".as_ref(), toc.as_os_str()]);
    assert_eq!(run.code(), 1, "{}", run.stdout());
    let out = run.stdout();
    for expected in [
        "error[toc.keyword-case]",
        " --> ",
        "broken.toc:2:1",
        "warning[toc.file-case]",
        "error[toc.mode-mismatch]: track 1 is declared MODE1_RAW but its sectors say mode 2",
        "help: declare it MODE2_RAW",
        "error[toc.start-past-end]",
        "error[toc.unknown-mode]",
        "warning[toc.data-audio-gap]",
    ] {
        assert!(out.contains(expected), "{expected} in\n{out}");
    }
    let json = discscope(["check".as_ref(), toc.as_os_str(), "--json".as_ref()]).json();
    let first = &json["diagnostics"][0];
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(2), Some(1))
    );
    // It still opens: the unknown mode is the one finding that stops it.
    let info = discscope(["info".as_ref(), toc.as_os_str()]);
    assert_eq!(info.code(), 2);
    assert!(info.stderr().contains("broken.toc:7"), "{}", info.stderr());
}

#[test]
fn toc_explains_its_codes() {
    let run = discscope(["check", "--explain", "toc.fifo"]);
    assert_eq!(run.code(), 0);
    assert!(
        run.stdout().contains("toc.fifo (error)"),
        "{}",
        run.stdout()
    );
    let list = discscope(["check", "--explain", "list"]).stdout();
    assert!(list.contains("toc.big-endian-audio"));
    assert!(list.contains("cue.file-missing"));
}

/// Runs `discscope ARGS` with 64 MiB of address space, as the hostile
/// fixtures must: one clear line within a second.
pub fn bounded(args: &[&std::ffi::OsStr]) -> crate::support::Run {
    let start = std::time::Instant::now();
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg("ulimit -v 65536; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_discscope"))
        .args(args)
        .env("NO_COLOR", "1");
    let output = command.output().expect("sh runs");
    crate::support::Run {
        output,
        elapsed: start.elapsed(),
    }
}

/// What every disc container's hostile fixtures must do: `info` ends
/// within 1 s in 64 MiB, with exit `code`; a refusal is one line naming
/// `expected`, a finding is in the JSON, and the image then still reads
/// sector 0 and verifies within 2 s (the map clipped to what a disc spans).
pub fn hostile_image_ends(path: &std::path::Path, name: &str, code: i32, expected: &str) {
    use std::time::Duration;
    let run = bounded(&["info".as_ref(), "--json".as_ref(), path.as_os_str()]);
    assert!(
        run.elapsed < Duration::from_secs(1),
        "{name}: {:?}",
        run.elapsed
    );
    assert_eq!(run.code(), code, "{name}: {}", run.stderr());
    if code == 2 {
        assert_eq!(run.stderr().lines().count(), 1, "{name}: {}", run.stderr());
        assert!(run.stderr().contains(expected), "{name}: {}", run.stderr());
        return;
    }
    assert!(run.stdout().contains(expected), "{name}: {}", run.stdout());
    let sector = bounded(&["sector".as_ref(), path.as_os_str(), "0".as_ref()]);
    assert!(sector.code() == 0 || sector.code() == 2, "{name}");
    let verify = bounded(&["verify".as_ref(), path.as_os_str()]);
    assert!(
        matches!(verify.code(), 0 | 1),
        "{name}: {}",
        verify.stderr()
    );
    assert!(
        verify.elapsed < Duration::from_secs(2),
        "{name}: {:?}",
        verify.elapsed
    );
}

#[test]
fn toc_hostile_files_end_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.bin"), vec![0u8; 2352 * 4]).unwrap();
    std::fs::create_dir(dir.path().join("folder.bin")).unwrap();
    let fifo = dir.path().join("pipe.bin");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()));
    let many: String = (0..100)
        .map(|_| "TRACK AUDIO\nDATAFILE \"a.bin\"\n")
        .collect();
    let braces = format!(
        "CD_TEXT {}\nTRACK AUDIO\nDATAFILE \"a.bin\"\n",
        "{ LANGUAGE 0 ".repeat(50_000)
    );
    let cases: Vec<(&str, String, &str)> = vec![
        ("fifo", "TRACK AUDIO\nFIFO \"pipe.bin\" 100\n".into(), ":2:"),
        (
            "pipe-file",
            "TRACK AUDIO\nFILE \"pipe.bin\" 0\n".into(),
            ":2:",
        ),
        ("stdin", "TRACK AUDIO\nFILE \"-\" 0\n".into(), ":2:"),
        (
            "dev-zero",
            "TRACK MODE1\nDATAFILE \"/dev/zero\"\n".into(),
            ":2:",
        ),
        (
            "folder",
            "TRACK MODE1\nDATAFILE \"folder.bin\"\n".into(),
            ":2:",
        ),
        (
            "missing",
            "TRACK MODE1\nDATAFILE \"none.bin\"\n".into(),
            ":2:",
        ),
        ("too-many-tracks", many, ":199:"),
        ("no-tracks", "CD_DA\n".into(), "no TRACK"),
    ];
    for (name, text, expected) in cases {
        let toc = dir.path().join(format!("{name}.toc"));
        std::fs::write(&toc, text).unwrap();
        let run = bounded(&["info".as_ref(), toc.as_os_str()]);
        assert!(
            run.elapsed < Duration::from_secs(1),
            "{name}: {:?}",
            run.elapsed
        );
        let stderr = run.stderr();
        assert_eq!(run.code(), 2, "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
    }
    // Endless open braces: findings, capped, within the bounds.
    let toc = dir.path().join("deep-braces.toc");
    std::fs::write(&toc, braces).unwrap();
    let run = bounded(&["check".as_ref(), "--json".as_ref(), toc.as_os_str()]);
    assert!(run.elapsed < Duration::from_secs(1), "{:?}", run.elapsed);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let found = run.json()["diagnostics"].as_array().unwrap().len();
    assert!(found <= 1001, "{found}");
    // Huge lengths and offsets are findings, not allocations.
    let toc = dir.path().join("huge.toc");
    std::fs::write(
        &toc,
        "TRACK MODE1\nZERO 999:0:0\nDATAFILE \"a.bin\" #1125899906842623 2048\nINDEX 9999:0:0\n",
    )
    .unwrap();
    let run = bounded(&["info".as_ref(), "--json".as_ref(), toc.as_os_str()]);
    assert!(run.elapsed < Duration::from_secs(1), "{:?}", run.elapsed);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let codes: Vec<String> = run.json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        codes.contains(&"toc.file-offset-past-end".to_owned()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"toc.index-past-end".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn readme_lists_every_toc_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for explanation in discscope::lint::TOC_CODES {
        let row = format!("| `{}` |", explanation.code);
        assert!(readme.contains(&row), "README lacks {}", explanation.code);
    }
}

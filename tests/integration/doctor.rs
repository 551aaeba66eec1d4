//! The cue doctor against the table of broken sheets in
//! tests/fixtures/doctor/cases.txt: exact codes for each, and for each
//! repairable one, `fix` then `check` clean with the intact sheet's tracks.

use std::collections::BTreeSet;
use std::path::Path;

use discscope::container;
use discscope::inspect::summary;
use discscope::lint;

use crate::support::{discscope, fixture};

mod corpus;
mod mutation;

#[derive(Debug, Default)]
pub(crate) struct Case {
    pub name: String,
    pub data: Vec<(String, String)>,
    pub expect: BTreeSet<String>,
    pub sheet: Vec<u8>,
    pub intact: Option<Vec<u8>>,
    /// The folder (below the data's) the sheet lies in.
    pub at: Option<String>,
}

/// `\xHH` becomes a byte, `\r` a carriage return; the rest is as written.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\\x")
            && i + 4 <= bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 2..i + 4], 16)
        {
            out.push(b);
            i += 4;
            continue;
        }
        if bytes[i..].starts_with(b"\\r") {
            out.push(b'\r');
            i += 2;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

pub(crate) fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixture("doctor/cases.txt")).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    let mut section = "";
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            cases.push(Case {
                name: name.to_owned(),
                ..Case::default()
            });
            section = "head";
            continue;
        }
        let Some(case) = cases.last_mut() else {
            continue;
        };
        match (section, line) {
            (_, "--- sheet") => section = "sheet",
            (_, "--- intact") => {
                section = "intact";
                case.intact = Some(Vec::new());
            }
            ("head", l) if l.starts_with("data: ") => {
                let (name, spec) = l["data: ".len()..].split_once('=').unwrap();
                case.data.push((name.to_owned(), spec.to_owned()));
            }
            ("head", l) if l.starts_with("at: ") => case.at = Some(l["at: ".len()..].to_owned()),
            ("head", l) if l.starts_with("expect: ") => {
                case.expect = l["expect: ".len()..]
                    .split_whitespace()
                    .filter(|c| *c != "none")
                    .map(str::to_owned)
                    .collect();
            }
            ("sheet", l) if !l.is_empty() => {
                case.sheet.extend(unescape(l));
                case.sheet.push(b'\n');
            }
            ("intact", l) if !l.is_empty() => {
                let intact = case.intact.as_mut().unwrap();
                intact.extend(unescape(l));
                intact.push(b'\n');
            }
            _ => {}
        }
    }
    cases
}

/// A 2352-byte sector: a tone, or sync + header + zeros for data.
pub(crate) fn sector(kind: &str, lba: usize) -> Vec<u8> {
    match kind {
        "mode1" | "mode2" => {
            let mut s = vec![0u8; 2352];
            s[..12].copy_from_slice(&[0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0]);
            let msf = discscope::units::Lba(lba as i64).to_msf().unwrap().to_bcd();
            s[12..15].copy_from_slice(&msf);
            s[15] = if kind == "mode1" { 1 } else { 2 };
            s
        }
        "silence" => vec![0u8; 2352],
        _ => tone(2352, lba),
    }
}

fn tone(len: usize, seed: usize) -> Vec<u8> {
    (0..len / 2)
        .flat_map(|i| {
            let phase = ((i + seed * 1176) % 100) as f64 / 100.0 * std::f64::consts::TAU;
            ((phase.sin() * 8000.0) as i16).to_le_bytes()
        })
        .collect()
}

fn make_data(dir: &Path, name: &str, spec: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    if let Some(rest) = spec.strip_prefix("mixed/") {
        std::os::unix::fs::symlink(fixture(&format!("cue/mixed/{rest}")), &path).unwrap();
        return;
    }
    if spec == "dir" {
        std::fs::create_dir(&path).unwrap();
        return;
    }
    let mut bytes = Vec::new();
    for part in spec.split('+') {
        let (kind, n) = part.split_once(':').unwrap_or((part, "0"));
        let n: usize = n.parse().unwrap();
        match kind {
            "bytes" => bytes.extend(tone(n, 0)),
            "junk" => bytes.extend((0..n).map(|i| (i * 7 + 3) as u8)),
            "cooked" => bytes.extend(vec![0u8; n * 2048]),
            "wav" | "wavmono" => {
                let channels: u16 = if kind == "wav" { 2 } else { 1 };
                let data: Vec<u8> = (0..n).flat_map(|i| sector("audio", i)).collect();
                bytes.extend(b"RIFF");
                bytes.extend(((36 + data.len()) as u32).to_le_bytes());
                bytes.extend(b"WAVEfmt ");
                bytes.extend(16u32.to_le_bytes());
                bytes.extend(1u16.to_le_bytes());
                bytes.extend(channels.to_le_bytes());
                bytes.extend(44100u32.to_le_bytes());
                bytes.extend((44100 * 2 * u32::from(channels)).to_le_bytes());
                bytes.extend((2 * channels).to_le_bytes());
                bytes.extend(16u16.to_le_bytes());
                bytes.extend(b"data");
                bytes.extend((data.len() as u32).to_le_bytes());
                bytes.extend(data);
            }
            other => bytes.extend((0..n).flat_map(|i| sector(other, i))),
        }
    }
    std::fs::write(&path, bytes).unwrap();
}

pub(crate) fn set_up(case: &Case) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, spec) in &case.data {
        make_data(dir.path(), name, spec);
    }
    std::fs::write(sheet_of(case, dir.path()), &case.sheet).unwrap();
    dir
}

/// Where a case's sheet lies in its folder.
pub(crate) fn sheet_of(case: &Case, dir: &Path) -> std::path::PathBuf {
    let folder = case.at.as_ref().map_or(dir.to_owned(), |at| dir.join(at));
    std::fs::create_dir_all(&folder).unwrap();
    folder.join("sheet.cue")
}

pub(crate) fn codes(report: &lint::Diagnosis) -> BTreeSet<String> {
    report
        .diagnostics
        .iter()
        .map(|d| d.code.to_owned())
        .collect()
}

pub(crate) fn tracks_json(sheet: &Path) -> serde_json::Value {
    let medium = container::open(sheet).unwrap();
    serde_json::to_value(summary::tracks(&medium)).unwrap()
}

#[test]
fn every_case_reports_exactly_its_codes() {
    let cases = cases();
    let broken = cases.iter().filter(|c| !c.expect.is_empty()).count();
    assert!(broken >= 40, "{broken} broken sheets");
    let mut wrong = Vec::new();
    for case in &cases {
        let dir = set_up(case);
        let report = lint::check(&sheet_of(case, dir.path()));
        let found = codes(&report);
        if found != case.expect {
            wrong.push(format!(
                "{}: expected {:?}, found {:?}\n{:#?}",
                case.name, case.expect, found, report.diagnostics
            ));
        }
        // Every finding on a line points inside the sheet.
        for d in &report.diagnostics {
            if let Some(line) = d.line() {
                assert!(report.line(line).is_some(), "{}: {d:?}", case.name);
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn repairable_cases_fix_to_their_intact_sheet() {
    let cases = cases();
    let repairable: Vec<&Case> = cases.iter().filter(|c| c.intact.is_some()).collect();
    assert!(repairable.len() >= 15, "{}", repairable.len());
    for case in repairable {
        let dir = set_up(case);
        let repaired = lint::repair(&case.sheet, dir.path());
        assert_eq!(
            repaired.after.errors(),
            0,
            "{}: {:#?}",
            case.name,
            repaired.after.diagnostics
        );
        assert!(!repaired.applied.is_empty(), "{}", case.name);
        std::fs::write(dir.path().join("fixed.cue"), &repaired.text).unwrap();
        std::fs::write(dir.path().join("intact.cue"), case.intact.as_ref().unwrap()).unwrap();
        assert_eq!(
            lint::check(&dir.path().join("fixed.cue")).errors(),
            0,
            "{}",
            case.name
        );
        assert_eq!(
            tracks_json(&dir.path().join("fixed.cue")),
            tracks_json(&dir.path().join("intact.cue")),
            "{}:\n{}",
            case.name,
            repaired.text
        );
    }
}

#[test]
fn check_cli_exit_codes_json_and_rendering() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "mode1-on-mode2")
        .unwrap();
    let dir = set_up(&case);
    let sheet = dir.path().join("sheet.cue");
    let run = discscope(["check".as_ref(), "--json".as_ref(), sheet.as_os_str()]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let json = run.json();
    assert_eq!(json["errors"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "cue.mode-mismatch");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(d["fix"]["replacement"], "  TRACK 01 MODE2/2352");
    assert_eq!(d["sector"], 0);
    // The library says which sector each TRACK/INDEX line is (for the TUI).
    let report = lint::check(&sheet);
    let first = &report.diagnostics[0];
    assert_eq!(report.sector_of(first), Some(discscope::units::Lba(0)));
    assert_eq!(report.sectors.get(&6), Some(&discscope::units::Lba(450)));
    assert_eq!(report.sectors.get(&5), Some(&discscope::units::Lba(300)));

    let run = discscope([
        "check".as_ref(),
        "--color=never".as_ref(),
        sheet.as_os_str(),
    ]);
    assert_eq!(run.code(), 1);
    let text = run.stdout();
    assert!(text.contains("error[cue.mode-mismatch]"), "{text}");
    assert!(text.contains("2 |   TRACK 01 MODE1/2352"), "{text}");
    assert!(text.contains("  |   ^^^^^"), "{text}");
    assert!(text.contains("help: declare it MODE2/2352"), "{text}");
    assert!(!text.contains('\x1b'), "{text}");
    let run = discscope([
        "check".as_ref(),
        "--color=always".as_ref(),
        sheet.as_os_str(),
    ]);
    assert!(run.stdout().contains('\x1b'));

    let clean = fixture("cue/mixed/single.cue");
    let run = discscope(["check".as_ref(), clean.as_os_str()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());

    let run = discscope(["check", "--explain", "cue.mode-mismatch"]);
    assert_eq!(run.code(), 0);
    assert!(run.stdout().contains("mode byte"), "{}", run.stdout());
    assert_eq!(discscope(["check", "--explain", "cue.nothing"]).code(), 2);
}

#[test]
fn fix_cli_writes_new_files_only_and_keeps_a_backup_in_place() {
    let case = cases().into_iter().find(|c| c.name == "file-case").unwrap();
    let dir = set_up(&case);
    let sheet = dir.path().join("sheet.cue");
    let out = dir.path().join("out.cue");
    let run = discscope([
        "fix".as_ref(),
        sheet.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--diff".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout()
            .contains("-FILE \"single.bin\" BINARY\n+FILE \"Single.BIN\" BINARY"),
        "{}",
        run.stdout()
    );
    assert_eq!(std::fs::read(&sheet).unwrap(), case.sheet);
    assert_eq!(std::fs::read(&out).unwrap(), case.intact.clone().unwrap());
    // Never over an existing file without --force.
    let again = discscope([
        "fix".as_ref(),
        sheet.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(again.code(), 2);
    assert!(again.stderr().contains("exists"), "{}", again.stderr());

    let run = discscope(["fix".as_ref(), sheet.as_os_str(), "--in-place".as_ref()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        std::fs::read(dir.path().join("sheet.cue.bak")).unwrap(),
        case.sheet
    );
    assert_eq!(std::fs::read(&sheet).unwrap(), case.intact.unwrap());
}

/// `fix --from-data` on chdman's single-bin image writes a sheet with the
/// same track table as chdman's own sheet.
#[test]
fn from_data_matches_the_tools_own_sheet() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        fixture("cue/mixed/single.bin"),
        dir.path().join("single.bin"),
    )
    .unwrap();
    let out = dir.path().join("made.cue");
    let run = discscope([
        "fix".as_ref(),
        "--from-data".as_ref(),
        dir.path().join("single.bin").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    std::fs::copy(fixture("cue/mixed/single.cue"), dir.path().join("tool.cue")).unwrap();
    assert_eq!(tracks_json(&out), tracks_json(&dir.path().join("tool.cue")));
    assert_eq!(lint::check(&out).diagnostics, vec![]);
}

/// vcdimager's Video CD: two mode 2 tracks with a gap of empty form-2
/// sectors between them. Everything equals vcdimager's sheet but FLAGS
/// DCP, which is in the subchannel, not in the sectors.
#[test]
fn from_data_matches_vcdimager() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        fixture("sector/videocd.bin"),
        dir.path().join("videocd.bin"),
    )
    .unwrap();
    let made = dir.path().join("made.cue");
    let text = lint::sheet_from_data(&dir.path().join("videocd.bin")).unwrap();
    std::fs::write(&made, text).unwrap();
    std::fs::copy(fixture("sector/videocd.cue"), dir.path().join("tool.cue")).unwrap();
    let mut ours = tracks_json(&made);
    let theirs = tracks_json(&dir.path().join("tool.cue"));
    assert_eq!(theirs["tracks"].as_array().unwrap().len(), 2);
    for (track, tool) in ours["tracks"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(theirs["tracks"].as_array().unwrap())
    {
        assert_eq!(tool["flags"], serde_json::json!(["DCP"]));
        track["flags"] = tool["flags"].clone();
    }
    assert_eq!(ours, theirs);
}

/// With a `.sub` beside the image, boundaries come from the Q subchannel,
/// even where the data alone shows none (two audio tracks back to back).
#[test]
fn from_data_reads_q_subchannel() {
    let dir = tempfile::tempdir().unwrap();
    // Track 1 data 0..20, track 2 audio 20..40, track 3 audio: index 0 at
    // 40, index 1 at 45, to 60. The audio is one unbroken tone.
    let mut bin = Vec::new();
    let mut sub = Vec::new();
    for n in 0..60usize {
        let (track, index, data) = match n {
            0..20 => (1, 1, true),
            20..40 => (2, 1, false),
            40..45 => (3, 0, false),
            _ => (3, 1, false),
        };
        bin.extend(sector(if data { "mode1" } else { "audio" }, n));
        let mut block = [0u8; 96];
        // Data tracks: CONTROL 0100 (data) + 0010 (copy permitted).
        let control: u8 = if data { 0x61 } else { 0x01 };
        let bcd = discscope::units::u8_to_bcd;
        let frame = bcd(n as u8 % 75);
        let q10 = [control, bcd(track), bcd(index), 0, 0, frame, 0, 0, 2, frame];
        block[12..22].copy_from_slice(&q10);
        block[22..24].copy_from_slice(&discscope::subchannel::q_crc(&q10).to_be_bytes());
        if n == 30 {
            block[20] ^= 0xff; // a damaged Q is skipped
        }
        sub.extend(block);
    }
    std::fs::write(dir.path().join("disc.bin"), bin).unwrap();
    std::fs::write(dir.path().join("disc.sub"), sub).unwrap();
    let text = lint::sheet_from_data(&dir.path().join("disc.bin")).unwrap();
    assert!(text.contains("Q subchannel"), "{text}");
    let body: Vec<&str> = text.lines().skip(1).map(str::trim).collect();
    assert_eq!(
        body,
        [
            "FILE \"disc.bin\" BINARY",
            "TRACK 01 MODE1/2352",
            "FLAGS DCP",
            "INDEX 01 00:00:00",
            "TRACK 02 AUDIO",
            "INDEX 01 00:00:20",
            "TRACK 03 AUDIO",
            "INDEX 00 00:00:40",
            "INDEX 01 00:00:45",
        ]
    );
}

/// The built-in demo disc's sheet has one deliberate mistake (no pregap
/// between data and audio): `check` names exactly that, and `fix` mends it.
#[test]
fn demo_disc_mistake_is_found_and_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = discscope::demo::write(dir.path()).unwrap();
    let report = lint::check(&sheet);
    let found: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(found, ["cue.data-audio-gap"]);
    let bytes = std::fs::read(&sheet).unwrap();
    let repaired = lint::repair(&bytes, dir.path());
    assert!(
        repaired.after.diagnostics.is_empty(),
        "{:?}",
        repaired.after.diagnostics
    );
    assert!(
        repaired
            .text
            .contains("  TRACK 02 AUDIO\n    PREGAP 00:02:00\n"),
        "{}",
        repaired.text
    );
}

/// The README's table of codes names every cue code `check` can report.
#[test]
fn readme_lists_every_cue_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| `")).collect();
    for explanation in lint::CODES {
        let code = format!("`{}`", explanation.code);
        assert!(
            rows.iter().any(|row| row.contains(&code)),
            "README lacks {}",
            explanation.code
        );
    }
}

/// `tracks` on the issue's sheet (TRAKC on line 4) names the misspelling,
/// not the INDEX 01 it would make a duplicate.
#[test]
fn tracks_names_the_root_cause_first() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "misspelt-track")
        .unwrap();
    let dir = set_up(&case);
    let sheet = sheet_of(&case, dir.path());
    let run = discscope(["tracks".as_ref(), sheet.as_os_str()]);
    assert_eq!(run.code(), 2);
    let first = run.stderr().lines().next().unwrap_or_default().to_owned();
    assert!(
        first.contains("sheet.cue:4: unknown command `TRAKC`"),
        "{first}"
    );
}

/// A sheet whose last track is EAC's data placeholder opens with the
/// tracks it holds.
#[test]
fn eac_placeholder_leaves_the_audio_readable() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "eac-data-placeholder")
        .unwrap();
    let dir = set_up(&case);
    let tracks = tracks_json(&sheet_of(&case, dir.path()));
    let numbers: Vec<_> = tracks["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    let run = discscope(["check", "--explain", "cue.data-not-extracted"]);
    assert!(
        run.stdout().contains("Exact Audio Copy"),
        "{}",
        run.stdout()
    );
}

/// The sheet as `check` says `fix` will write it: each announced fix
/// applied to its line. Panics when a line is announced twice.
pub(crate) fn announced(report: &lint::Diagnosis) -> String {
    let mut fixes = std::collections::BTreeMap::new();
    for fix in report.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        let before = fixes.insert(fix.line, fix.replacement.as_str());
        assert!(before.is_none(), "line {} announced twice", fix.line);
    }
    let mut text = String::new();
    for (index, line) in report.lines.iter().enumerate() {
        match fixes.get(&(index + 1)) {
            Some(&"") => continue,
            Some(replacement) => text.push_str(replacement),
            None => text.push_str(line),
        }
        text.push('\n');
    }
    text
}

/// What `check` announces is what `fix` writes: for every case, the sheet
/// with each announced fix applied to its line equals the repaired sheet,
/// line by line.
#[test]
fn announced_fixes_are_what_fix_writes() {
    let mut wrong = Vec::new();
    for case in cases() {
        let dir = set_up(&case);
        let sheet = sheet_of(&case, dir.path());
        let expected = announced(&lint::check(&sheet));
        let repaired = lint::repair(&case.sheet, sheet.parent().unwrap());
        let written = repaired.text.replace("\r\n", "\n");
        if written != expected {
            wrong.push(format!(
                "{}:\n{}",
                case.name,
                lint::unified_diff(&expected, &written, "announced", "written")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Two fixes for one line: `check` announces the first, `fix` writes only
/// that, and says the other is offered on the written sheet.
#[test]
fn fix_writes_one_fix_per_line_and_says_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        fixture("cue/mixed/single.bin"),
        dir.path().join("single.bin"),
    )
    .unwrap();
    let sheet = dir.path().join("sheet.cue");
    std::fs::write(
        &sheet,
        "FILE \"single.bin\" BINARY\n  TRAK 01 MODE1/2352\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let report = lint::check(&sheet);
    let fixes: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.fix.as_ref().map(|f| f.replacement.as_str())))
        .collect();
    assert_eq!(
        fixes,
        [
            ("cue.unknown-command", Some("  TRACK 01 MODE1/2352")),
            ("cue.mode-mismatch", None)
        ]
    );
    let out = dir.path().join("out.cue");
    let run = discscope([
        "fix".as_ref(),
        sheet.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("1 fix applied; 1 error remains\n1 more fix is offered on the written sheet"),
        "{}",
        run.stderr()
    );
    let after = lint::check(&out);
    assert_eq!(
        after.diagnostics[0].fix.as_ref().unwrap().replacement,
        "  TRACK 01 MODE2/2352"
    );
}

/// `fix -o` into another folder: FILE names are rewritten to be read from
/// there, and the errors left are counted on the sheet where it was written.
#[test]
fn fix_into_another_folder_rewrites_file_names() {
    let case = cases().into_iter().find(|c| c.name == "file-case").unwrap();
    let dir = set_up(&case);
    let sheet = dir.path().join("sheet.cue");
    let out = dir.path().join("elsewhere/deeper/out.cue");
    let run = discscope([
        "fix".as_ref(),
        sheet.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stderr().contains("0 errors remain"), "{}", run.stderr());
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.starts_with("FILE \"../../Single.BIN\" BINARY\n"),
        "{written}"
    );
    assert_eq!(lint::check(&out).errors(), 0);
    // The same tracks from the same data; only the name it goes by differs.
    std::fs::write(dir.path().join("intact.cue"), case.intact.unwrap()).unwrap();
    let without_names = |mut json: serde_json::Value| {
        for track in json["tracks"].as_array_mut().unwrap() {
            track["file"] = serde_json::Value::Null;
        }
        json
    };
    assert_eq!(
        without_names(tracks_json(&out)),
        without_names(tracks_json(&dir.path().join("intact.cue")))
    );

    // A file that is missing stays missing, and is counted as such.
    std::fs::write(
        dir.path().join("gone.cue"),
        "FILE \"gone.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let out = dir.path().join("elsewhere/gone.cue");
    let run = discscope([
        "fix".as_ref(),
        dir.path().join("gone.cue").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let report = lint::check(&out);
    assert_eq!(report.errors(), 1, "{:?}", report.diagnostics);
    assert_eq!(report.diagnostics[0].code, "cue.file-missing");
    assert!(run.stderr().contains("1 error remains"), "{}", run.stderr());
    assert!(
        report.lines[0].contains("\"../gone.bin\""),
        "{:?}",
        report.lines
    );

    // --from-data names the image from the sheet's folder too.
    let made = dir.path().join("made/disc.cue");
    let run = discscope([
        "fix".as_ref(),
        "--from-data".as_ref(),
        dir.path().join("Single.BIN").as_os_str(),
        "-o".as_ref(),
        made.as_os_str(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(lint::check(&made).errors(), 0);
}

/// When a FILE name cannot be written relative to the output's folder,
/// `fix` says why and writes nothing.
#[test]
fn fix_refuses_file_names_it_cannot_write_from_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    // A cue sheet cannot quote a name holding `"`: the way from the
    // output's folder to the data passes through one.
    let data = dir.path().join("say \"hi\"");
    std::fs::create_dir(&data).unwrap();
    std::os::unix::fs::symlink(fixture("cue/mixed/single.bin"), data.join("single.bin")).unwrap();
    std::fs::copy(fixture("cue/mixed/single.cue"), data.join("single.cue")).unwrap();
    let out = dir.path().join("out/single.cue");
    let run = discscope([
        "fix".as_ref(),
        data.join("single.cue").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 2);
    let stderr = run.stderr();
    assert!(
        stderr.contains(
            "the sheet cannot be written there: line 1: FILE `single.bin` cannot be named from"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("cannot quote"), "{stderr}");
    assert!(!out.exists());
}

//! Cue sheets made by real tools (`tests/fixtures/cue/make.sh`) against the
//! answers chdman and cd-info recorded beside them, and hostile sheets.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{discscope, fixture};

/// One track as `chdman info -v` describes it.
#[derive(Debug, PartialEq)]
pub struct ChdTrack {
    pub number: u64,
    pub frames: u64,
    pub pregap: u64,
    /// `PGTYPE:V...`: the pregap is stored, and counted in `frames`.
    pub pregap_stored: bool,
}

/// The `TRACK:n ... FRAMES:n PREGAP:n PGTYPE:t` metadata lines.
pub fn parse_chdman(text: &str) -> Vec<ChdTrack> {
    let field = |line: &str, name: &str| -> Option<String> {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .map(|v| v.trim_end_matches('.').to_owned())
    };
    text.lines()
        .filter_map(|line| {
            let number = field(line, "TRACK:")?.parse().ok()?;
            Some(ChdTrack {
                number,
                frames: field(line, "FRAMES:")?.parse().ok()?,
                pregap: field(line, "PREGAP:")?.parse().ok()?,
                pregap_stored: field(line, "PGTYPE:")?.starts_with('V'),
            })
        })
        .collect()
}

/// cd-info's "Track List": (track number, LSN) rows, the lead-out as 170.
pub fn parse_cd_info(text: &str) -> Vec<(u64, i64)> {
    text.lines()
        .skip_while(|line| !line.contains("Track List"))
        .skip(2)
        .map_while(|line| {
            let (number, rest) = line.trim_start().split_once(':')?;
            let number = number.parse().ok()?;
            let lsn = rest.split_whitespace().nth(1)?.parse().ok()?;
            Some((number, lsn))
        })
        .collect()
}

/// `tracks --json` of a sheet, which must open cleanly.
pub fn tracks(sheet: &Path) -> Vec<Value> {
    let run = discscope(["tracks".as_ref(), "--json".as_ref(), sheet.as_os_str()]);
    assert_eq!(run.code(), 0, "{}: {}", sheet.display(), run.stderr());
    run.json()["tracks"]
        .as_array()
        .expect("a track array")
        .clone()
}

fn num(track: &Value, field: &str) -> i64 {
    track[field]
        .as_i64()
        .unwrap_or_else(|| panic!("{field} in {track}"))
}

/// Checks starts against cd-info's LSNs. cd-info ignores PREGAP, so every
/// unstored pregap up to a track moves our start past its LSN by that much.
pub fn assert_starts_match_cd_info(tracks: &[Value], cd_info: &[(u64, i64)], what: &str) {
    let rows: Vec<_> = cd_info.iter().filter(|(n, _)| *n != 170).collect();
    assert_eq!(rows.len(), tracks.len(), "{what}: track count");
    let mut unstored = 0;
    for (track, (number, lsn)) in tracks.iter().zip(rows) {
        if track["pregap_in_file"] == false {
            unstored += num(track, "pregap");
        }
        assert_eq!(num(track, "number") as u64, *number, "{what}");
        assert_eq!(
            num(track, "start"),
            lsn + unstored,
            "{what}: track {number}"
        );
    }
    let last = tracks.last().expect("a track");
    let lead_out = cd_info.iter().find(|(n, _)| *n == 170).expect("lead-out").1;
    assert_eq!(
        num(last, "start") + num(last, "length") + num(last, "postgap"),
        lead_out + unstored,
        "{what}: lead-out"
    );
}

/// The two fixture sets: a MODE2/2352 data track from vcdimager, and a
/// MODE1/2352 one (xorriso's ISO through discscope's encoder); both with the
/// same audio tracks, sheets and oracles.
const SETS: [&str; 2] = ["mixed", "mode1"];

fn in_set(set: &str, name: &str) -> std::path::PathBuf {
    fixture(&format!("cue/{set}/{name}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn mixed_mode_tracks_match_chdman() {
    for set in SETS {
        for sheet in ["multi", "single"] {
            let ours = tracks(&in_set(set, &format!("{sheet}.cue")));
            let chd = parse_chdman(&read(&in_set(set, &format!("{sheet}.chdman.txt"))));
            assert_eq!(chd.len(), 3, "{sheet}: chdman's tracks");
            assert_eq!(ours.len(), chd.len(), "{sheet}");
            for (track, chd) in ours.iter().zip(&chd) {
                let what = format!("{sheet} track {}", chd.number);
                assert_eq!(num(track, "number") as u64, chd.number, "{what}");
                assert_eq!(num(track, "pregap") as u64, chd.pregap, "{what}: pregap");
                if chd.pregap > 0 {
                    assert_eq!(track["pregap_in_file"], chd.pregap_stored, "{what}");
                }
                // chdman counts a stored pregap in its frames.
                let stored = if chd.pregap_stored { chd.pregap } else { 0 };
                assert_eq!(
                    num(track, "length") as u64,
                    chd.frames - stored,
                    "{what}: frames"
                );
            }
        }
    }
}

#[test]
fn mixed_mode_starts_match_cd_info() {
    for set in SETS {
        let single = parse_cd_info(&read(&in_set(set, "single.cd-info.txt")));
        assert_starts_match_cd_info(&tracks(&in_set(set, "single.cue")), &single, "single.cue");
        // cd-info reads STEM.bin whatever the sheet's FILE says, so it cannot
        // open a set of several files; its answer is used only if it has one.
        let multi = parse_cd_info(&read(&in_set(set, "multi.cd-info.txt")));
        if !multi.is_empty() {
            assert_starts_match_cd_info(&tracks(&in_set(set, "multi.cue")), &multi, "multi.cue");
        }
        // The sheet has a PREGAP, so the comparison above did adjust for it.
        assert!(
            tracks(&in_set(set, "single.cue"))
                .iter()
                .any(|t| t["pregap_in_file"] == false && num(t, "pregap") > 0)
        );
    }
}

#[test]
fn single_bin_track_lengths_match_bchunk() {
    for set in SETS {
        // bchunk cuts single.bin at each INDEX 01 and the next track's INDEX 00
        // (or the end), keeping 2048 bytes of a data sector and all of audio.
        let sizes: Vec<u64> = read(&in_set(set, "single.bchunk.txt"))
            .lines()
            .map(|line| line.split_whitespace().nth(1).unwrap().parse().unwrap())
            .collect();
        let ours = tracks(&in_set(set, "single.cue"));
        assert_eq!(sizes.len(), ours.len());
        for (track, size) in ours.iter().zip(sizes) {
            let per_sector = if track["kind"] == "data" { 2048 } else { 2352 };
            assert_eq!(size % per_sector, 0, "{track}");
            assert_eq!(num(track, "length") as u64, size / per_sector, "{track}");
        }
    }
}

#[test]
fn multi_file_and_single_file_sheets_give_the_same_table() {
    for set in SETS {
        let strip = |mut tracks: Vec<Value>| {
            for track in &mut tracks {
                let object = track.as_object_mut().expect("a track object");
                object.remove("file");
                object.remove("file_offset");
            }
            tracks
        };
        let multi = tracks(&in_set(set, "multi.cue"));
        let single = tracks(&in_set(set, "single.cue"));
        assert_eq!(multi[1]["file"], "tone1.bin");
        assert_eq!(single[1]["file"], "single.bin");
        assert_eq!(strip(multi), strip(single));
    }
}

#[test]
fn mixed_mode_sectors_come_from_the_right_bytes() {
    for set in SETS {
        // Track 3's INDEX 00 is the first byte of tone2.bin in the multi-file
        // set and sits after tracks 1 and 2 in single.bin.
        let data_sectors = num(&tracks(&in_set(set, "single.cue"))[0], "length");
        for (sheet, offset) in [("multi", 0), ("single", (data_sectors + 40) * 2352)] {
            let ours = tracks(&in_set(set, &format!("{sheet}.cue")));
            let three = &ours[2];
            let pregap_start = num(three, "start") - num(three, "pregap");
            assert_eq!(three["indexes"][0]["lba"], pregap_start, "{sheet}");
            assert_eq!(
                num(three, "file_offset"),
                offset + 20 * 2352,
                "{sheet}: INDEX 01's byte offset"
            );
        }
    }
}

/// Runs the binary, killing it if it outlives `limit`.
pub fn run_within(args: &[&std::ffi::OsStr], limit: Duration) -> (i32, String, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_discscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("output");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        start.elapsed(),
    )
}

/// Exit 2 within a second, one line on stderr naming the sheet and, when
/// `line` is given, the line at fault.
pub fn assert_clear_failure(sheet: &Path, line: Option<usize>, limit: Duration) -> String {
    let (code, stderr, elapsed) = run_within(&["tracks".as_ref(), sheet.as_os_str()], limit);
    let shown = sheet.display().to_string();
    assert_eq!(code, 2, "{shown}: {stderr}");
    assert!(elapsed < limit, "{shown} took {elapsed:?}");
    assert_eq!(stderr.lines().count(), 1, "{shown}: {stderr}");
    assert!(stderr.contains(&shown), "{shown}: {stderr}");
    assert!(!stderr.contains("panicked"), "{shown}: {stderr}");
    if let Some(line) = line {
        assert!(
            stderr.contains(&format!("{shown}:{line}: ")),
            "{shown} line {line}: {stderr}"
        );
    }
    stderr
}

#[test]
fn hostile_sheets_fail_clearly_and_fast() {
    let cases: [(&str, Option<usize>, &str); 9] = [
        (
            "index-negative.cue",
            Some(3),
            "index numbers run from 0 to 99",
        ),
        ("frame-75.cue", Some(3), "frame must be below 75"),
        ("second-60.cue", Some(3), "second must be below 60"),
        ("no-tracks.cue", None, "no usable TRACK"),
        ("too-many-tracks.cue", Some(200), "TRACK 100"),
        ("dev-zero.cue", Some(1), "/dev/zero"),
        ("directory.cue", Some(1), "directory"),
        ("missing.cue", Some(1), "does not exist"),
        ("binary.cue", None, "binary file"),
    ];
    for (name, line, says) in cases {
        let sheet = fixture(&format!("cue/hostile/{name}"));
        let stderr = assert_clear_failure(&sheet, line, Duration::from_secs(1));
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert!(!stderr.contains(":0:"), "{name}: {stderr}");
    }
}

#[test]
fn a_fifo_named_by_a_sheet_or_given_as_one_fails_fast() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("track.bin");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let sheet = dir.path().join("fifo.cue");
    std::fs::write(
        &sheet,
        "FILE \"track.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
    )
    .expect("sheet");
    let stderr = assert_clear_failure(&sheet, Some(1), Duration::from_secs(1));
    assert!(stderr.contains("FIFO"), "{stderr}");
    let as_sheet = dir.path().join("pipe.cue");
    let made = Command::new("mkfifo")
        .arg(&as_sheet)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    assert_clear_failure(&as_sheet, None, Duration::from_secs(1));
}

#[test]
fn oracle_parsers_read_the_recorded_files() {
    for set in SETS {
        let chd = parse_chdman(&read(&in_set(set, "multi.chdman.txt")));
        assert_eq!(chd.iter().map(|t| t.number).collect::<Vec<_>>(), [1, 2, 3]);
        let cd_info = parse_cd_info(&read(&in_set(set, "single.cd-info.txt")));
        assert_eq!(
            cd_info.iter().map(|t| t.0).collect::<Vec<_>>(),
            [1, 2, 3, 170]
        );
    }
}

#[test]
fn every_sector_reads_the_same_from_both_sets() {
    for set in SETS {
        use discscope::medium::Origin;
        use discscope::units::Lba;
        let multi = discscope::container::open(&in_set(set, "multi.cue")).unwrap();
        let single = discscope::container::open(&in_set(set, "single.cue")).unwrap();
        assert_eq!(
            (multi.first_lba(), multi.end_lba()),
            (single.first_lba(), single.end_lba())
        );
        // chdman's frames hold every stored sector; unstored pregaps add to them.
        let chd = parse_chdman(&read(&in_set(set, "multi.chdman.txt")));
        let stored: u64 = chd.iter().map(|t| t.frames).sum();
        let unstored: u64 = chd
            .iter()
            .filter(|t| !t.pregap_stored)
            .map(|t| t.pregap)
            .sum();
        let end = (stored + unstored) as i64;
        assert_eq!((multi.first_lba(), multi.end_lba()), (Lba(0), Lba(end)));
        let bcd = |n: i64| (((n / 10) << 4) | (n % 10)) as u8;
        let mut from_files = 0;
        for lba in 0..end {
            let a = multi.read_sector(Lba(lba)).unwrap();
            let b = single.read_sector(Lba(lba)).unwrap();
            assert_eq!(a.bytes, b.bytes, "LBA {lba}");
            assert_eq!(a.track, b.track, "LBA {lba}");
            match (&a.origin, &b.origin) {
                (Origin::File { offset: x, .. }, Origin::File { offset: y, .. }) => {
                    from_files += 1;
                    // single.bin holds every stored sector in order.
                    assert_eq!(*y, from_files * 2352 - 2352, "LBA {lba}");
                    assert!(*x <= *y, "LBA {lba}");
                }
                (Origin::Virtual(_), Origin::Virtual(_)) => {
                    assert!(a.bytes.iter().all(|&b| b == 0), "LBA {lba}");
                }
                other => panic!("LBA {lba}: {other:?}"),
            }
            if a.track == Some(0) {
                // Each data sector carries its absolute time, LBA + 150, and
                // its mode.
                let msf = lba + 150;
                let mode = if set == "mode1" { 1 } else { 2 };
                let header = [bcd(msf / 4500), bcd(msf / 75 % 60), bcd(msf % 75), mode];
                assert_eq!(
                    a.bytes[..12],
                    [0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0]
                );
                assert_eq!(a.bytes[12..16], header, "LBA {lba}");
            }
        }
        assert_eq!(from_files, stored);
    }
}

#[test]
fn mode1_set_is_real_mode1_and_verifies_clean() {
    // bchunk's cut of track 1 equals xorriso's ISO (recorded by make.sh).
    let check = read(&in_set("mode1", "encoder-check.txt"));
    assert!(check.contains(": yes"), "{check}");
    let run = crate::support::discscope([
        "verify",
        "--json",
        in_set("mode1", "single.cue").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let report = run.json();
    assert_eq!(report["bad_sectors"], 0);
    assert_eq!(report["modes"]["mode1"], 35);
}

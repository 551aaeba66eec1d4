//! The real-world corpus: igir's CHDs against the extractions igir
//! expects and against live `chdman info -v`, and chdman-js's inputs made
//! into CHDs by live chdman and read back against the inputs.

use std::path::{Path, PathBuf};
use std::process::Command;

use discscope::io::ReadAt;
use discscope::units::Lba;

use super::open;
use crate::support::corpus;

fn igir(rest: &str) -> PathBuf {
    corpus().join("igir").join(rest)
}

/// `chdman ARGS` under a timeout; its stdout and whether it succeeded.
fn chdman(args: &[&str]) -> (bool, String) {
    let out = Command::new("timeout")
        .arg("60")
        .arg("chdman")
        .args(args)
        .output()
        .expect("chdman (mame-tools) runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// The `Key: value` of chdman's report.
fn field(info: &str, key: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key}"))
        .trim()
        .to_owned()
}

/// verify --json's digests, computed, by name.
fn computed(path: &Path) -> (i32, serde_json::Value) {
    let run = crate::support::discscope(["verify", path.to_str().unwrap(), "--json"]);
    (run.code(), run.json())
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_igir_chds_give_chdman_digests_and_layouts() {
    let mut seen = 0;
    for dir in ["packages/chdman/test/fixtures", "test/fixtures/roms/chd"] {
        for entry in std::fs::read_dir(igir(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "chd") {
                continue;
            }
            seen += 1;
            let name = path.display().to_string();
            let (ok, info) = chdman(&["info", "-v", "-i", path.to_str().unwrap()]);
            assert!(ok, "chdman info {name}");
            let medium = open(&path);
            // The header's numbers, as chdman reads them.
            let header = &medium.structures[0];
            let value = |n: &str| {
                header
                    .fields
                    .iter()
                    .find(|f| f.name == n)
                    .unwrap()
                    .value
                    .to_string()
            };
            assert_eq!(value("SHA-1"), field(&info, "SHA1"), "{name}");
            assert_eq!(value("raw SHA-1"), field(&info, "Data SHA1"), "{name}");
            // Every hunk decodes, and the digests are chdman's.
            let (code, json) = computed(&path);
            let digests = json["container"]["digests"].as_array().unwrap();
            assert_eq!(digests[0]["computed"], field(&info, "Data SHA1"), "{name}");
            assert_eq!(digests[1]["computed"], field(&info, "SHA1"), "{name}");
            assert_eq!(json["container"]["bad_blocks"], 0, "{name}");
            // The data is filler without sync patterns: data sectors are
            // bad, as a BIN of the same bytes would be; hard disks are not
            // judged.
            if medium.kind == discscope::medium::MediumKind::Disk {
                assert_eq!(code, 0, "{name}: {json}");
            }
            // Tracks per chdman's metadata lines.
            let tracks = crate::cue_oracles::parse_chdman(&info);
            assert_eq!(tracks.len(), medium.tracks.len(), "{name}");
        }
    }
    assert_eq!(seen, 8);
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_igir_cd_rom_tracks_hold_the_expected_bins() {
    for chd in [
        "packages/chdman/test/fixtures/CD-ROM.chd",
        "test/fixtures/roms/chd/CD-ROM.chd",
    ] {
        let medium = open(&igir(chd));
        // PREGAP:150 stored (VAUDIO) in tracks of 2 and 3 frames: malformed,
        // said as such, each track's frames kept.
        assert!(
            medium
                .diagnostics
                .iter()
                .any(|d| d.code == "chd.pregap-past-track"),
            "{:?}",
            medium.diagnostics
        );
        for (i, track) in medium.tracks.iter().enumerate() {
            let expected = std::fs::read(igir(&format!(
                "packages/chdman/test/fixtures/expected/cd-rom.cuebin/CD-ROM (Track {}).bin",
                track.number
            )))
            .unwrap();
            let view = &medium.files[track.file.unwrap()].reader;
            assert_eq!(view.len(), expected.len() as u64, "track {}", i + 1);
            assert_eq!(view.read_vec(0, expected.len()).unwrap(), expected);
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_igir_gd_rom_follows_its_gdi() {
    let expected = igir("packages/chdman/test/fixtures/expected/gd-rom.gdi");
    let gdi = std::fs::read_to_string(expected.join("GD-ROM.gdi")).unwrap();
    for chd in [
        "packages/chdman/test/fixtures/GD-ROM.chd",
        "test/fixtures/roms/chd/GD-ROM.chd",
    ] {
        let medium = open(&igir(chd));
        let rows: Vec<Vec<&str>> = gdi
            .lines()
            .skip(1)
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(rows.len(), medium.tracks.len());
        for (row, track) in rows.iter().zip(&medium.tracks) {
            assert_eq!(track.start, Lba(row[1].parse().unwrap()), "{row:?}");
            let bytes = std::fs::read(expected.join(row[4])).unwrap();
            assert_eq!(track.length, bytes.len() as u64 / 2352, "{row:?}");
            for (i, sector) in bytes.chunks(2352).enumerate() {
                let ours = medium.read_sector(Lba(track.start.0 + i as i64)).unwrap();
                assert!(ours.bytes == sector, "track {} sector {i}", track.number);
            }
        }
        // Track 3 opens the high-density area, the second session.
        assert_eq!(medium.tracks[2].start, Lba(45_000));
        assert_eq!(medium.tracks[2].session, 2);
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_chdman_js_inputs_read_back_through_live_chdman() {
    let base = corpus().join("chdman-js/packages/chdman/test/fixtures");
    let dir = tempfile::tempdir().unwrap();
    // CDs from cue sheets: the CHD's sectors are the sheet's.
    for sheet in ["cue/single.cue", "cue/multiple.cue"] {
        let out = dir.path().join("cd.chd");
        let (ok, _) = chdman(&[
            "createcd",
            "-f",
            "-i",
            base.join(sheet).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(ok, "chdman createcd {sheet}");
        let (readable, _) = chdman(&["verify", "-i", out.to_str().unwrap()]);
        let ours = open(&out);
        let twin = match discscope::container::open(&base.join(sheet)) {
            Ok(twin) => twin,
            Err(error) => {
                // multiple.cue puts INDEX 01 past its 3-frame file: the cue
                // reader refuses it; the CHD says the pregap is longer than
                // the track, and each track's frames are its file's.
                assert!(error.to_string().contains("past the end"), "{error}");
                assert!(
                    ours.diagnostics
                        .iter()
                        .any(|d| d.code == "chd.pregap-past-track"),
                    "{sheet}: {:?}",
                    ours.diagnostics
                );
                let text = std::fs::read_to_string(base.join(sheet)).unwrap();
                let files: Vec<&str> = text
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("FILE \""))
                    .map(|l| l.split('"').next().unwrap())
                    .collect();
                for (track, file) in ours.tracks.iter().zip(files) {
                    let bytes = std::fs::read(base.join("cue").join(file)).unwrap();
                    let view = &ours.files[track.file.unwrap()].reader;
                    // chdman keeps the whole frames of a file that ends
                    // mid-frame (3000 bytes: one frame).
                    let whole = &bytes[..bytes.len() / 2352 * 2352];
                    assert_eq!(view.len(), whole.len() as u64, "{file}");
                    assert_eq!(view.read_vec(0, whole.len()).unwrap(), whole, "{file}");
                }
                continue;
            }
        };
        if !readable {
            // chdman 0.251 writes small CHDs it cannot read back (a wrong
            // map): we say so.
            assert!(
                ours.diagnostics
                    .iter()
                    .any(|d| d.code.starts_with("chd.map")),
                "{sheet}: {:?}",
                ours.diagnostics
            );
            continue;
        }
        assert_eq!(ours.tracks.len(), twin.tracks.len(), "{sheet}");
        for (a, b) in ours.tracks.iter().zip(&twin.tracks) {
            assert_eq!(
                (a.number, a.start, a.mode),
                (b.number, b.start, b.mode),
                "{sheet}"
            );
            for i in 0..a.length.min(b.length) {
                let lba = Lba(a.start.0 + i as i64);
                assert!(
                    ours.read_sector(lba).unwrap().bytes == twin.read_sector(lba).unwrap().bytes,
                    "{sheet}: LBA {lba}"
                );
            }
        }
    }
    // Hard disks from raw files: the logical data is the file.
    for hd in ["hd/512.hd", "hd/3584.hd"] {
        let out = dir.path().join("hd.chd");
        let (ok, _) = chdman(&[
            "createhd",
            "-f",
            "-i",
            base.join(hd).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(ok, "chdman createhd {hd}");
        let bytes = std::fs::read(base.join(hd)).unwrap();
        let medium = open(&out);
        let data = medium.files[0].reader.read_vec(0, bytes.len()).unwrap();
        assert_eq!(data, bytes, "{hd}");
        let (code, json) = computed(&out);
        assert_eq!(code, 0, "{hd}: {json}");
    }
}

//! Nero images written by tests/fixtures/nrg/gen.py around the project's
//! discs, against cd-info's track tables, the ISO nrg2iso and iat extract,
//! and their cue twins byte for byte; hostile images; libcdio's real NRGs.

use discscope::structure::Value;
use discscope::subchannel::{QData, SubFile};
use discscope::units::Lba;

use crate::images::{
    assert_files_match_iso_oracle, assert_files_match_iso_oracle_below, assert_matches_cd_info,
    inflate,
};
use crate::support::{corpus, fixture};
use crate::twins::{assert_same_disc, open};

/// Each fixture and its twin sheet (read in the fixture folder when it
/// names the project's bins or the ISO, else beside the inflated image,
/// whose own bytes it names).
const TWINS: [(&str, &str); 9] = [
    ("dao-v2", "dao"),
    ("dao-v1", "dao"),
    ("dao-sub-v2", "dao"),
    ("tao-etn2", "tao-etn2"),
    ("tao-etnf", "tao-etnf"),
    ("tao-tinf", "tao-tinf"),
    ("cooked-2048", "cooked-2048"),
    ("xa-2336", "xa-2336"),
    ("multisession", "multisession"),
];

#[test]
fn nrg_fixtures_read_as_their_cue_twins() {
    for (name, twin) in TWINS {
        let dir = tempfile::tempdir().unwrap();
        let image = inflate("nrg", &format!("{name}.nrg"), dir.path());
        let medium = open(&image);
        assert_eq!(medium.format.as_str(), "nrg", "{name}");
        assert!(
            medium.diagnostics.is_empty(),
            "{name}: {:?}",
            medium.diagnostics
        );
        let sheet = if matches!(twin, "dao" | "cooked-2048") {
            fixture(&format!("nrg/{twin}.cue"))
        } else {
            dir.path().join(format!("{twin}.cue"))
        };
        assert_same_disc(&medium, &open(&sheet), name);
    }
}

#[test]
fn nrg_tables_match_cd_info() {
    // cd-info reads these; it aborts on CUES MSF points, on ETNF tracks of
    // several sector sizes and on a second session, and does not know TINF.
    for name in ["dao-v2", "dao-sub-v2", "tao-etn2", "cooked-2048", "xa-2336"] {
        let dir = tempfile::tempdir().unwrap();
        let medium = open(&inflate("nrg", &format!("{name}.nrg"), dir.path()));
        let recorded =
            std::fs::read_to_string(fixture(&format!("nrg/{name}.cd-info.txt"))).unwrap();
        assert_matches_cd_info(&medium, &recorded, name);
        if name.starts_with("dao") {
            // cd-info decodes the same CD-TEXT.
            assert!(recorded.contains("TITLE: discscope NRG fixture"));
            assert_eq!(medium.cd_text.get("TITLE"), Some("discscope NRG fixture"));
            assert!(recorded.contains("TITLE: A 440 Hz tone"));
            assert_eq!(medium.tracks[1].cd_text.get("TITLE"), Some("A 440 Hz tone"));
            assert_eq!(medium.tracks[1].isrc.as_deref(), Some("USABC9912345"));
            assert!(medium.tracks[1].flags.dcp);
        }
    }
}

#[test]
fn nrg_user_data_matches_nrg2iso_and_iat() {
    for (name, tool) in [
        ("cooked-2048", "nrg2iso"),
        ("dao-v2", "iat"),
        ("dao-v1", "iat"),
        ("dao-sub-v2", "iat"),
        ("tao-etn2", "iat"),
        ("tao-etnf", "iat"),
        ("tao-tinf", "iat"),
        ("multisession", "iat"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let image = inflate("nrg", &format!("{name}.nrg"), dir.path());
        let recorded = std::fs::read_to_string(fixture(&format!("nrg/{name}.{tool}.txt"))).unwrap();
        assert_files_match_iso_oracle(&image, &recorded, &format!("{name} ({tool})"));
    }
}

#[test]
fn nrg_subchannel_after_each_sector_is_q_checked() {
    let dir = tempfile::tempdir().unwrap();
    let medium = open(&inflate("nrg", "dao-sub-v2.nrg", dir.path()));
    let sub = SubFile::of(&medium).expect("the image keeps subchannel");
    let report = sub.scan().unwrap();
    assert_eq!(report.sectors, 150 + 35 + 150 + 40 + 20 + 36);
    assert!(
        report.bad_crc.is_empty() && report.wrong_position.is_empty(),
        "{report:?}"
    );
    let q = sub.q(Lba(190)).unwrap().unwrap();
    match q.data {
        QData::Position { track, index, .. } => assert_eq!((track, index), (2, 1)),
        other => panic!("{other:?}"),
    }
    let q = sub.q(Lba(-10)).unwrap().unwrap();
    assert!(matches!(
        q.data,
        QData::Position {
            track: 1,
            index: 0,
            ..
        }
    ));
    // Sectors verify with the subchannel stepped over.
    let run = crate::support::discscope([
        "verify".as_ref(),
        dir.path().join("dao-sub-v2.nrg").as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert_eq!(run.json()["bad_sectors"], 0);
}

#[test]
fn nrg_structures_are_shown_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let medium = open(&inflate("nrg", "dao-v2.nrg", dir.path()));
    let names: Vec<&str> = medium.structures.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "NRG footer (version 2)",
        "NRG chunk CUEX",
        "NRG chunk DAOX",
        "NRG chunk CDTX (CD-TEXT packs)",
        "NRG chunk SINF",
        "NRG chunk MTYP",
        "NRG chunk END!",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let cuex = medium
        .structures
        .iter()
        .find(|s| s.name == "NRG chunk CUEX")
        .unwrap();
    let lead_in = cuex
        .fields
        .iter()
        .find(|f| f.name == "point 1 LBA")
        .unwrap();
    assert_eq!(lead_in.value, Value::Signed(-150));
    let dao = medium
        .structures
        .iter()
        .find(|s| s.name == "NRG chunk DAOX")
        .unwrap();
    let mode = dao
        .fields
        .iter()
        .find(|f| f.name == "track 1 mode")
        .unwrap();
    assert_eq!(mode.text(), "0x05 (mode 1, 2352 bytes)");
    let run = crate::support::discscope([
        "structure".as_ref(),
        dir.path().join("dao-v2.nrg").as_os_str(),
        "0".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

#[test]
fn nrg_hostile_images_end_with_a_finding_or_one_line() {
    for (name, code, expected) in [
        ("footer-outside", 2, "at or past the footer"),
        ("empty-chunks", 2, "more than 4096 chunks"),
        ("no-tracks", 2, "no track"),
        ("chunk-past-end", 0, "nrg.chunk-past-end"),
        ("many-tracks", 0, "nrg.too-many-tracks"),
        ("track-past-end", 0, "nrg.track-past-end"),
        ("overlap", 0, "nrg.overlap"),
    ] {
        let path = fixture(&format!("nrg/hostile/{name}.nrg"));
        crate::toc::hostile_image_ends(&path, name, code, expected);
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_libcdio_nrgs_match_cd_info_and_iat() {
    let data = corpus().join("libcdio/test/data");
    for name in ["videocd", "p1"] {
        let image = data.join(format!("{name}.nrg"));
        let medium = open(&image);
        let live = std::process::Command::new("timeout")
            .args([
                "20",
                "cd-info",
                "-q",
                "--no-device-info",
                "--no-disc-mode",
                "--nrg-file",
            ])
            .arg(&image)
            .output()
            .expect("cd-info runs (Debian package libcdio-utils)");
        let text = String::from_utf8_lossy(&live.stdout);
        assert_matches_cd_info(&medium, &text, name);
        if name == "p1" {
            assert!(text.contains("TITLE: Join us now we have the software"));
            assert_eq!(
                medium.cd_text.get("TITLE"),
                Some("Join us now we have the software")
            );
            assert_eq!(medium.cd_text.get("PERFORMER"), Some("Richard Stallman"));
        }
    }
    // iat finds videocd.nrg's ISO 9660 in its 2336-byte sectors.
    let dir = tempfile::tempdir().unwrap();
    let iso = dir.path().join("v.iso");
    let status = std::process::Command::new("timeout")
        .arg("20")
        .arg("iat")
        .arg(data.join("videocd.nrg"))
        .arg(&iso)
        .output()
        .expect("iat runs (Debian package iat)");
    assert!(status.status.success());
    let listing = std::process::Command::new("isoinfo")
        .args(["-R", "-f", "-i"])
        .arg(&iso)
        .output()
        .unwrap();
    let mut expected = String::from_utf8_lossy(&listing.stdout).into_owned();
    for name in expected.clone().split_whitespace() {
        let data = std::process::Command::new("isoinfo")
            .args(["-R", "-x", name, "-i"])
            .arg(&iso)
            .output()
            .unwrap()
            .stdout;
        use sha2::Digest;
        expected.push_str(&format!("{:x}  {name}\n", sha2::Sha256::digest(&data)));
    }
    // Track 2 begins after a gap the image does not store: iat's ISO holds
    // the disc's sectors at their addresses only in track 1.
    let end = open(&data.join("videocd.nrg")).tracks[0].end().0;
    assert_files_match_iso_oracle_below(&data.join("videocd.nrg"), &expected, "videocd.nrg", end);
}

#[test]
fn the_inspector_tree_lists_the_chunks_under_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let image = inflate("nrg", "dao-v2.nrg", dir.path());
    let survey = discscope::survey::Survey::new(
        std::sync::Arc::new(open(&image)),
        &discscope::fs::ViewOptions::default(),
    );
    let groups = discscope::inspect::tree::outside_views(&survey);
    let tree = discscope::inspect::tree::FsTree::new(Vec::new(), groups, 2352);
    let rows = tree.rows(|_| true);
    let image_row = rows.iter().find(|r| r.label == "[image] nrg").unwrap();
    let names: Vec<&str> = image_row
        .children
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(names.first(), Some(&"NRG footer (version 2)"), "{names:?}");
    assert!(names.contains(&"NRG chunk DAOX"), "{names:?}");
    // Each row shows its structure's fields.
    let first = tree.structure(image_row.children[0].id).unwrap();
    assert!(first.fields.iter().any(|f| f.name == "signature"));
}

//! DiscJuggler images written by tests/fixtures/cdi/gen.py around the
//! project's discs: versions 2, 3 and 3.5, sector sizes 2048, 2336, 2352
//! and raw with 16 or 96 bytes of subchannel, a Dreamcast-style second
//! session; their cue twins byte for byte, the ISO iat extracts, the
//! descriptor's blocks as structures, hostile images.

use std::path::Path;
use std::time::Duration;

use discscope::structure::Value;
use discscope::subchannel::{QData, SubFile};
use discscope::units::Lba;

use crate::disk::gunzip;
use crate::images::assert_files_match_iso_oracle;
use crate::support::{discscope, fixture};
use crate::toc::bounded;
use crate::twins::{assert_same_disc, open, table};

/// Inflates every image and twin bin of tests/fixtures/cdi into `dir`,
/// with the twin sheets and the files they name beside them.
fn inflate_all(dir: &Path) {
    for entry in std::fs::read_dir(fixture("cdi")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".gz") {
            gunzip(&path, dir);
        } else if name.ends_with(".cue") || name.ends_with(".bin") || name.ends_with(".iso") {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
}

const TWINS: [(&str, &str); 8] = [
    ("dao-v2", "dao"),
    ("dao-v3", "dao"),
    ("dao-v35", "dao"),
    ("sub-pw", "dao"),
    ("pq16", "dao"),
    ("cooked-2048", "cooked-2048"),
    ("xa-2336", "xa-2336"),
    ("dreamcast", "dreamcast"),
];

#[test]
fn cdi_fixtures_read_as_their_cue_twins() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    for (name, twin) in TWINS {
        let medium = open(&dir.path().join(format!("{name}.cdi")));
        assert_eq!(medium.format.as_str(), "cdi", "{name}");
        assert!(
            medium.diagnostics.is_empty(),
            "{name}: {:?}",
            medium.diagnostics
        );
        assert_same_disc(
            &medium,
            &open(&dir.path().join(format!("{twin}.cue"))),
            name,
        );
    }
    let v2 = open(&dir.path().join("dao-v2.cdi"));
    assert_eq!(
        table(&v2),
        vec![
            (1, 1, "MODE1/2352".to_owned(), 0, 150, 35),
            (2, 1, "AUDIO".to_owned(), 185, 150, 40),
            (3, 1, "AUDIO".to_owned(), 245, 20, 36),
        ]
    );
    assert!(v2.tracks.iter().all(|t| t.pregap_in_file));
    assert_eq!(v2.tracks[1].isrc.as_deref(), Some("USABC9912345"));
    assert!(v2.tracks[1].flags.dcp);
    assert_eq!(v2.catalog.as_deref(), Some("0000000000000"));
    assert_eq!(v2.cd_text.get("TITLE"), Some("discscope CDI fixture"));
    assert_eq!(v2.tracks[2].cd_text.get("PERFORMER"), Some("sox"));
    // A Dreamcast-style disc: session 2's data track at LBA 11702.
    let dc = open(&dir.path().join("dreamcast.cdi"));
    assert_eq!(
        table(&dc),
        vec![
            (1, 1, "AUDIO".to_owned(), 0, 150, 302),
            (2, 2, "MODE2/2336".to_owned(), 11702, 150, 29),
        ]
    );
}

#[test]
fn cdi_user_data_matches_iat() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    for name in [
        "dao-v2",
        "dao-v3",
        "dao-v35",
        "sub-pw",
        "cooked-2048",
        "xa-2336",
    ] {
        let recorded = std::fs::read_to_string(fixture(&format!("cdi/{name}.iat.txt"))).unwrap();
        let image = dir.path().join(format!("{name}.cdi"));
        assert_files_match_iso_oracle(&image, &recorded, &format!("{name} (iat)"));
    }
    // iat stops with SIGFPE on 2368-byte sectors; kept as it ended.
    let pq = std::fs::read_to_string(fixture("cdi/pq16.iat.txt")).unwrap();
    assert!(pq.starts_with("NO ISO WRITTEN"), "{pq}");
    // The Dreamcast volume is addressed from LBA 11702, which iat does not
    // know; isoinfo -N 11702 listed the ISO the generator wrote there.
    let recorded = std::fs::read_to_string(fixture("cdi/dreamcast.isoinfo.txt")).unwrap();
    assert_files_match_iso_oracle(
        &dir.path().join("dreamcast.cdi"),
        &recorded,
        "dreamcast (isoinfo)",
    );
}

#[test]
fn cdi_subchannel_after_each_sector_is_q_checked() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    let image = dir.path().join("sub-pw.cdi");
    let medium = open(&image);
    let sub = SubFile::of(&medium).expect("the image keeps subchannel");
    let report = sub.scan().unwrap();
    assert_eq!(report.sectors, 150 + 35 + 150 + 40 + 20 + 36);
    assert!(
        report.bad_crc.is_empty() && report.wrong_position.is_empty(),
        "{report:?}"
    );
    match sub.q(Lba(200)).unwrap().unwrap().data {
        QData::Position { track, index, .. } => assert_eq!((track, index), (2, 1)),
        other => panic!("{other:?}"),
    }
    let run = discscope(["verify".as_ref(), image.as_os_str(), "--json".as_ref()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert_eq!(run.json()["bad_sectors"], 0);
    // 16 bytes of P-Q are stepped over, not taken for P-W.
    let pq = open(&dir.path().join("pq16.cdi"));
    assert!(pq.subchannel.is_none());
}

#[test]
fn cdi_blocks_are_shown_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    for (name, version) in [("dao-v2", "2"), ("dao-v3", "3"), ("dao-v35", "3.5")] {
        let medium = open(&dir.path().join(format!("{name}.cdi")));
        let names: Vec<&str> = medium.structures.iter().map(|s| s.name.as_str()).collect();
        let footer = format!("CDI footer (version {version})");
        for expected in [
            footer.as_str(),
            "CDI session count",
            "CDI session 1",
            "CDI track 1",
            "CDI track 3",
            "CDI session 1 trailer",
            "CDI disc block",
            "CDI CD-TEXT packs",
        ] {
            assert!(names.contains(&expected), "{name}: {expected} in {names:?}");
        }
        let track = medium
            .structures
            .iter()
            .find(|s| s.name == "CDI track 2")
            .unwrap();
        let value = |field: &str| {
            track
                .fields
                .iter()
                .find(|f| f.name == field)
                .unwrap_or_else(|| panic!("{name}: {field}"))
                .value
                .clone()
        };
        assert_eq!(value("pregap (INDEX 00 length)"), Value::Unsigned(150));
        assert_eq!(value("start LBA"), Value::Unsigned(185));
        assert_eq!(value("ISRC"), Value::Text("USABC9912345".to_owned()));
        assert_eq!(
            value("CD-TEXT 0 field 0"),
            Value::Text("A 440 Hz tone".to_owned())
        );
    }
    let run = discscope([
        "structure".as_ref(),
        dir.path().join("dao-v35.cdi").as_os_str(),
        "0".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

#[test]
fn cdi_hostile_images_end_with_a_finding_or_one_line() {
    for (name, code, expected) in [
        ("footer-outside", 2, "no DiscJuggler footer"),
        ("many-tracks", 2, "a disc has at most 99"),
        ("many-indexes", 2, "more indexes than a track has"),
        ("bad-marks", 2, "lacks the start marks"),
        ("many-sessions", 0, "cdi.too-many-sessions"),
        ("track-past-end", 0, "cdi.track-past-end"),
        ("overlap", 0, "cdi.overlap"),
    ] {
        let path = fixture(&format!("cdi/hostile/{name}.cdi"));
        crate::toc::hostile_image_ends(&path, name, code, expected);
    }
    // A footer naming a descriptor past 16 MiB is refused before reading.
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.cdi");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(64 << 20).unwrap();
    drop(file);
    use std::io::{Seek, Write};
    let mut file = std::fs::OpenOptions::new().write(true).open(&huge).unwrap();
    file.seek(std::io::SeekFrom::End(-8)).unwrap();
    file.write_all(&[0x04, 0, 0, 0x80, 0, 0, 0, 0]).unwrap();
    drop(file);
    let run = bounded(&["info".as_ref(), huge.as_os_str()]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains("is not read"), "{}", run.stderr());
    assert!(run.elapsed < Duration::from_secs(1));
}

//! Alcohol 120% images written by tests/fixtures/mds/gen.py around the
//! project's discs: their cue twins byte for byte, the ISO mdf2iso and iat
//! extract from the .mdf alone, the descriptor's blocks as structures,
//! detection by content and by the .mdf, and hostile descriptors.

use std::path::{Path, PathBuf};

use discscope::structure::Value;
use discscope::subchannel::{QData, SubFile};
use discscope::units::Lba;

use crate::disk::gunzip;
use crate::images::assert_files_match_iso_oracle;
use crate::support::{discscope, fixture};
use crate::twins::{assert_same_disc, open, table};

/// Copies every descriptor and twin sheet of tests/fixtures/mds into
/// `dir` and inflates every data file there.
fn inflate_all(dir: &Path) {
    for entry in std::fs::read_dir(fixture("mds")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".gz") {
            gunzip(&path, dir);
        } else if name.ends_with(".mds") || name.ends_with(".cue") {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
}

/// The DVD fixtures' twin: their data as a plain ISO.
fn dvd_twin(dir: &Path) -> PathBuf {
    let iso = dir.join("dvd-data.iso");
    std::fs::copy(dir.join("dvd.mdf"), &iso).unwrap();
    iso
}

#[test]
fn mds_fixtures_read_as_their_twins() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    let iso = dvd_twin(dir.path());
    for (name, twin) in [
        ("cd", dir.path().join("cd.cue")),
        ("sub", dir.path().join("cd.cue")),
        ("multisession", dir.path().join("multisession.cue")),
        ("xa", dir.path().join("xa.cue")),
        ("dvd", iso.clone()),
        ("dvd-split", iso.clone()),
    ] {
        let medium = open(&dir.path().join(format!("{name}.mds")));
        assert_eq!(medium.format.as_str(), "mds", "{name}");
        assert!(
            medium.diagnostics.is_empty(),
            "{name}: {:?}",
            medium.diagnostics
        );
        assert_same_disc(&medium, &open(&twin), name);
    }
    // The track tables, as the generator laid them out.
    let cd = open(&dir.path().join("cd.mds"));
    assert_eq!(
        table(&cd),
        vec![
            (1, 1, "MODE1/2352".to_owned(), 0, 150, 35),
            (2, 1, "AUDIO".to_owned(), 185, 150, 40),
            (3, 1, "AUDIO".to_owned(), 245, 20, 36),
        ]
    );
    assert!(cd.tracks[1].flags.dcp && !cd.tracks[1].pregap_in_file);
    let two = open(&dir.path().join("multisession.mds"));
    assert_eq!(
        table(&two)[1],
        (2, 2, "AUDIO".to_owned(), 35 + 6750 + 4500 + 150, 150, 36)
    );
    let split = open(&dir.path().join("dvd-split.mds"));
    assert_eq!(split.files.len(), 2);
    assert_eq!(split.files[1].name, "dvd-split.md0");
    // `tracks --json` says the same as the twin.
    let ours = discscope([
        "tracks".as_ref(),
        dir.path().join("cd.mds").as_os_str(),
        "--json".as_ref(),
    ]);
    let theirs = discscope([
        "tracks".as_ref(),
        dir.path().join("cd.cue").as_os_str(),
        "--json".as_ref(),
    ]);
    assert_eq!(ours.code(), 0, "{}", ours.stderr());
    // Apart from the file's name, and INDEX 00: a cue sheet's PREGAP
    // lists none, where the MDS track has one at its unstored pregap.
    let strip = |mut v: serde_json::Value| {
        for track in v["tracks"].as_array_mut().unwrap() {
            let track = track.as_object_mut().unwrap();
            track.remove("file");
            let indexes = track["indexes"].as_array_mut().unwrap();
            indexes.retain(|i| i["number"] != 0);
        }
        v["tracks"].clone()
    };
    assert_eq!(strip(ours.json()), strip(theirs.json()));
}

#[test]
fn mds_user_data_matches_mdf2iso_and_iat() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    for (name, oracle) in [
        ("cd", "cd.mdf2iso"),
        ("cd", "cd.iat"),
        ("sub", "sub.iat"),
        ("multisession", "multisession.mdf2iso"),
        ("multisession", "multisession.iat"),
        ("xa", "xa.iat"),
        ("dvd", "dvd.mdf2iso"),
        ("dvd", "dvd.iat"),
        ("dvd-split", "dvd.iat"),
    ] {
        let recorded = std::fs::read_to_string(fixture(&format!("mds/{oracle}.txt"))).unwrap();
        let image = dir.path().join(format!("{name}.mds"));
        assert_files_match_iso_oracle(&image, &recorded, &format!("{name} ({oracle})"));
    }
    // mdf2iso knows no .mdf with subchannel unless its first sector's P
    // flag is set, nor mode 2: what it said is kept as it said it.
    let sub = std::fs::read_to_string(fixture("mds/sub.mdf2iso.txt")).unwrap();
    assert!(sub.starts_with("NO ISO WRITTEN"), "{sub}");
}

#[test]
fn mds_subchannel_after_each_sector_is_q_checked() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    let image = dir.path().join("sub.mds");
    let medium = open(&image);
    let sub = SubFile::of(&medium).expect("the image keeps subchannel");
    let report = sub.scan().unwrap();
    // Alcohol keeps no pregap: only the tracks' own sectors have any.
    assert_eq!(report.sectors, 35 + 40 + 36);
    assert!(
        report.bad_crc.is_empty() && report.wrong_position.is_empty(),
        "{report:?}"
    );
    match sub.q(Lba(190)).unwrap().unwrap().data {
        QData::Position { track, index, .. } => assert_eq!((track, index), (2, 1)),
        other => panic!("{other:?}"),
    }
    let run = discscope(["verify".as_ref(), image.as_os_str(), "--json".as_ref()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert_eq!(run.json()["bad_sectors"], 0);
}

fn field<'a>(medium: &'a discscope::medium::Medium, structure: &str, name: &str) -> &'a Value {
    let found = medium
        .structures
        .iter()
        .find(|s| s.name == structure)
        .unwrap_or_else(|| panic!("{structure} in {:?}", names(medium)));
    &found
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{name} in {structure}"))
        .value
}

fn names(medium: &discscope::medium::Medium) -> Vec<&str> {
    medium.structures.iter().map(|s| s.name.as_str()).collect()
}

#[test]
fn mds_blocks_are_shown_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    let cd = open(&dir.path().join("cd.mds"));
    for expected in [
        "MDS header",
        "MDS session block 1",
        "MDS session 1 lead-in A0 (first track)",
        "MDS session 1 lead-in A2 (lead-out)",
        "MDS session 1 track 3",
        "MDS extra block (track 2)",
        "MDS footer 1 (track 1)",
        "MDS data file name",
    ] {
        assert!(
            names(&cd).contains(&expected),
            "{expected} in {:?}",
            names(&cd)
        );
    }
    assert_eq!(
        field(&cd, "MDS data file name", "name"),
        &Value::Text("*.mdf".to_owned())
    );
    assert_eq!(
        field(&cd, "MDS extra block (track 3)", "pregap"),
        &Value::Unsigned(20)
    );
    assert_eq!(
        field(&cd, "MDS session 1 track 2", "start sector"),
        &Value::Unsigned(185)
    );
    let sub = open(&dir.path().join("sub.mds"));
    assert_eq!(
        field(&sub, "MDS data file name", "name"),
        &Value::Text("sub.mdf".to_owned())
    );
    assert_eq!(
        field(&sub, "MDS footer 1 (track 1)", "wide name"),
        &Value::Unsigned(1)
    );
    let dvd = open(&dir.path().join("dvd.mds"));
    for expected in [
        "DVD copyright information (layer 0)",
        "DVD manufacturing information (layer 0)",
        "DVD physical format information (layer 0)",
        "DVD burst cutting area",
        "MDS DPM table",
        "MDS DPM block 1",
    ] {
        assert!(
            names(&dvd).contains(&expected),
            "{expected} in {:?}",
            names(&dvd)
        );
    }
    assert_eq!(
        field(&dvd, "MDS DPM block 1", "entry 4 (sector 30)"),
        &Value::Unsigned(1000 + 3 * 1250)
    );
    let run = discscope([
        "structure".as_ref(),
        dir.path().join("dvd.mds").as_os_str(),
        "0".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

#[test]
fn mds_is_found_by_content_and_through_its_mdf() {
    let dir = tempfile::tempdir().unwrap();
    inflate_all(dir.path());
    // The data file leads to its descriptor.
    assert_eq!(open(&dir.path().join("cd.mdf")).format.as_str(), "mds");
    // A descriptor by any name.
    let renamed = dir.path().join("descriptor.bin");
    std::fs::copy(dir.path().join("xa.mds"), &renamed).unwrap();
    std::fs::copy(dir.path().join("xa.mdf"), dir.path().join("descriptor.mdf")).unwrap();
    assert_eq!(open(&renamed).format.as_str(), "mds");
    // Without a descriptor: a raw .mdf reads as raw sectors, one with
    // subchannel is named; an .mdx is named.
    let alone = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join("cd.mdf"), alone.path().join("cd.mdf")).unwrap();
    assert_eq!(open(&alone.path().join("cd.mdf")).format.as_str(), "bin");
    std::fs::copy(dir.path().join("sub.mdf"), alone.path().join("sub.mdf")).unwrap();
    let run = discscope(["info".as_ref(), alone.path().join("sub.mdf").as_os_str()]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("no .mds"), "{}", run.stderr());
    std::fs::write(alone.path().join("x.mdx"), b"MEDIA DESCRIPTOR\x02\x01").unwrap();
    let run = discscope(["info".as_ref(), alone.path().join("x.mdx").as_os_str()]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("MDS 2.x"), "{}", run.stderr());
    // A descriptor whose data file is gone still opens, and says so.
    std::fs::copy(dir.path().join("cd.mds"), alone.path().join("gone.mds")).unwrap();
    let medium = open(&alone.path().join("gone.mds"));
    assert_eq!(medium.tracks.len(), 3);
    assert_eq!(medium.diagnostics[0].code, "mds.file-missing");
    assert!(
        medium.diagnostics[0]
            .message
            .contains("`gone.mdf` (written `*.mdf`)")
    );
}

#[test]
fn mds_hostile_descriptors_end_with_a_finding_or_one_line() {
    let dir = tempfile::tempdir().unwrap();
    gunzip(&fixture("mds/hostile/data.mdf.gz"), dir.path());
    for (name, code, expected) in [
        ("sessions-outside", 2, "runs past the end of the descriptor"),
        ("truncated", 2, "fewer than its 88-byte header"),
        ("version2", 2, "MDS 2.x"),
        ("many-tracks", 0, "mds.too-many-tracks"),
        ("track-past-end", 0, "mds.track-past-end"),
        ("overlap", 0, "mds.overlap"),
        ("many-files", 0, "mds.too-many-files"),
        ("dpm", 0, "mds.dpm"),
        ("name-outside", 0, "mds.file-name"),
        // Found by cargo-fuzz: tracks spanning four billion sectors.
        ("fuzz-span", 0, "mds.too-long"),
    ] {
        let path = dir.path().join(format!("{name}.mds"));
        std::fs::copy(fixture(&format!("mds/hostile/{name}.mds")), &path).unwrap();
        crate::toc::hostile_image_ends(&path, name, code, expected);
    }
}

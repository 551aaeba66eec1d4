//! `convert`, `merge`, `split` and the inspector's `x`: round trips through
//! every container fixture, byte equality with the peers' recorded output
//! (tests/fixtures/convert/make.sh; the #[ignore] tests run the tools
//! live), repair, verification, and hostile conditions.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use discscope::container;
use discscope::convert::{
    self, ConvertOptions, ConvertProgress, ConvertReport, ConvertTarget, Form2Policy,
};
use discscope::units::Lba;
use sha2::{Digest, Sha256};

use crate::images::inflate;
use crate::support::{discscope, fixture};
use crate::twins::{assert_same_disc, open, table};

fn convert_with(image: &Path, out: &Path, options: &ConvertOptions) -> ConvertReport {
    let medium = open(image);
    let cancel = AtomicBool::new(false);
    let progress = ConvertProgress {
        report: &|_, _, _| {},
        cancel: &cancel,
    };
    convert::convert(&medium, out, options, &progress)
        .unwrap_or_else(|e| panic!("{} -> {}: {e}", image.display(), out.display()))
}

fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every container fixture that opens on its own, inflated into `dir`.
fn containers(dir: &Path) -> Vec<PathBuf> {
    let mut images = Vec::new();
    for name in [
        "dao-v1",
        "dao-v2",
        "dao-sub-v2",
        "tao-etn2",
        "tao-etnf",
        "tao-tinf",
        "cooked-2048",
        "xa-2336",
        "multisession",
    ] {
        images.push(inflate("nrg", &format!("{name}.nrg"), dir));
    }
    for name in [
        "dao-v2",
        "dao-v3",
        "dao-v35",
        "pq16",
        "sub-pw",
        "cooked-2048",
        "xa-2336",
        "dreamcast",
    ] {
        images.push(inflate("cdi", &format!("{name}.cdi"), dir));
    }
    for name in ["cd", "sub", "multisession", "xa", "dvd"] {
        inflate("mds", &format!("{name}.mdf"), dir);
        let mds = dir.join(format!("{name}.mds"));
        std::fs::copy(fixture(&format!("mds/{name}.mds")), &mds).unwrap();
        images.push(mds);
    }
    for name in [
        "mode1-none",
        "mode1-cdzl",
        "mode1-cdlz",
        "mode1-cdfl",
        "videocd",
        "subchannel",
        "gdrom",
    ] {
        images.push(fixture(&format!("chd/cd/{name}.chd")));
    }
    for name in ["good/data", "badq/data", "mixed/mixed"] {
        images.push(fixture(&format!("ccd/{name}.ccd")));
    }
    for name in [
        "mode1/single",
        "mode1/multi",
        "mode1/grammar",
        "mixed/single",
        "mixed/multi",
        "mixed/grammar",
        "videocd/videocd",
    ] {
        images.push(fixture(&format!("toc/{name}.toc")));
    }
    for name in ["mode1/single", "mode1/multi", "mixed/single", "mixed/multi"] {
        images.push(fixture(&format!("cue/{name}.cue")));
    }
    images.push(fixture("iso/geniso.iso"));
    images.push(fixture("chd/dvd/dvd.chd"));
    images
}

#[test]
fn every_container_converts_to_a_cue_with_its_tracks_and_bytes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    let images = containers(&dir.path().join("in"));
    for (i, image) in images.iter().enumerate() {
        let what = image.display().to_string();
        for split in [false, true] {
            let out = dir.path().join(format!("out{i}-{split}/disc.cue"));
            let report = convert_with(
                image,
                &out,
                &ConvertOptions {
                    split,
                    verify: true,
                    ..Default::default()
                },
            );
            assert_eq!(
                report.tracks_match,
                Some(true),
                "{what}: {:?}",
                report.findings
            );
            assert_eq!(report.verified, Some(true), "{what}");
            let source = open(image);
            let written = open(&out);
            // The tracks, and every sector's bytes (a first track's pregap
            // before LBA 0, which no sheet stores, reads as zeros either way).
            assert_same_disc(&source, &written, &format!("{what} (split {split})"));
        }
    }
}

#[test]
fn every_single_session_container_converts_to_a_toc_with_its_tracks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in")).unwrap();
    let images = containers(&dir.path().join("in"));
    for (i, image) in images.iter().enumerate() {
        let medium = open(image);
        if medium.sessions.len() > 1 {
            continue;
        }
        // A toc leaves the lead-in gap before a first track implicit, so
        // the check is the one that knows (`tracks_match`).
        let out = dir.path().join(format!("toc{i}/disc.toc"));
        let report = convert_with(image, &out, &ConvertOptions::default());
        assert_eq!(
            report.tracks_match,
            Some(true),
            "{}: {:?}",
            image.display(),
            report.findings
        );
    }
}

#[test]
fn a_toc_refuses_more_than_one_session() {
    let dir = tempfile::tempdir().unwrap();
    let image = inflate("nrg", "multisession.nrg", dir.path());
    let medium = open(&image);
    let cancel = AtomicBool::new(false);
    let progress = ConvertProgress {
        report: &|_, _, _| {},
        cancel: &cancel,
    };
    let error = convert::convert(
        &medium,
        &dir.path().join("x.toc"),
        &ConvertOptions::default(),
        &progress,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("more than one session"),
        "{error}"
    );
}

/// binmerge's behaviour: split gives one bin per track starting at the
/// track's first stored sector (its INDEX 00), merge gives one bin with
/// the INDEX times recomputed; either way the data are the same bytes.
#[test]
fn split_then_merge_gives_the_original_bins_byte_for_byte() {
    for kind in ["mode1", "mixed"] {
        let dir = tempfile::tempdir().unwrap();
        let single = fixture(&format!("cue/{kind}/single.cue"));
        let run = discscope([
            "split".as_ref(),
            single.as_os_str(),
            "-o".as_ref(),
            dir.path().join("split").as_os_str(),
            "--verify".as_ref(),
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        // The committed multi-bin set is that disc split per track.
        for (n, name) in [(1, "data.bin"), (2, "tone1.bin"), (3, "tone2.bin")] {
            let ours = dir.path().join(format!("split/single (Track 0{n}).bin"));
            assert!(
                read(&ours) == read(&fixture(&format!("cue/{kind}/{name}"))),
                "{kind}: track {n}"
            );
        }
        let split_sheet = dir.path().join("split/single.cue");
        assert_eq!(
            table(&open(&split_sheet)),
            table(&open(&single)),
            "{kind}: split tracks"
        );
        let merged = dir.path().join("merged/again.cue");
        let run = discscope([
            "merge".as_ref(),
            split_sheet.as_os_str(),
            "-o".as_ref(),
            merged.as_os_str(),
            "--verify".as_ref(),
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert!(
            read(&dir.path().join("merged/again.bin"))
                == read(&fixture(&format!("cue/{kind}/single.bin"))),
            "{kind}: merged bin"
        );
        assert_eq!(table(&open(&merged)), table(&open(&single)), "{kind}");
        // The merged sheet is the single-bin sheet, with its FILE renamed.
        let sheet = std::fs::read_to_string(&merged).unwrap();
        let original = std::fs::read_to_string(&single).unwrap();
        assert_eq!(sheet, original.replace("single.bin", "again.bin"), "{kind}");
        // And the committed multi-bin sheet merges to the same bytes.
        let from_multi = dir.path().join("multi/single.cue");
        let run = discscope([
            "merge".as_ref(),
            fixture(&format!("cue/{kind}/multi.cue")).as_os_str(),
            "-o".as_ref(),
            from_multi.as_os_str(),
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert!(
            read(&dir.path().join("multi/single.bin"))
                == read(&fixture(&format!("cue/{kind}/single.bin")))
        );
    }
}

/// One line of peers.txt: hash, bytes, label, and whether it covers a
/// prefix of the peer's file.
fn peers() -> Vec<(String, u64, String)> {
    std::fs::read_to_string(fixture("convert/peers.txt"))
        .unwrap()
        .lines()
        .map(|line| {
            let mut words = line.split(' ');
            let hash = words.next().unwrap().to_owned();
            let bytes = words.next().unwrap().parse().unwrap();
            let label = words.next().unwrap().to_owned();
            (hash, bytes, label)
        })
        .collect()
}

/// What discscope writes for a peer's label.
fn ours_for(label: &str, dir: &Path) -> Vec<u8> {
    let parts: Vec<&str> = label.split(':').collect();
    let (tool, source, output) = (parts[0], parts[1], parts[2]);
    let image = match tool {
        "nrg2iso" => inflate("nrg", "cooked-2048.nrg", dir),
        "mdf2iso" => {
            inflate("mds", "cd.mdf", dir);
            let mds = dir.join("cd.mds");
            std::fs::copy(fixture("mds/cd.mds"), &mds).unwrap();
            mds
        }
        "ccd2iso" => fixture(&format!(
            "{source}/{}.ccd",
            if source.ends_with("mixed") {
                "mixed"
            } else {
                "data"
            }
        )),
        _ => fixture(source),
    };
    let track: u8 = output.get(5..7).and_then(|n| n.parse().ok()).unwrap_or(1);
    let ext = if output.ends_with("wav") {
        "wav"
    } else {
        "iso"
    };
    let out = dir.join(format!("{}.{ext}", label.replace(['/', ':', '.'], "_")));
    let mut options = ConvertOptions {
        track: Some(track),
        swap: tool == "bchunk-s",
        ..Default::default()
    };
    if output.ends_with(".iso") && source.contains("videocd") && track == 2 {
        options.form2 = Form2Policy::Raw;
    }
    if tool == "bchunk-r" {
        // bchunk -r keeps the raw frames of the track, under an .iso name.
        let medium = open(&image);
        let t = medium.tracks.iter().find(|t| t.number == track).unwrap();
        return (t.start.0..t.end().0)
            .flat_map(|lba| medium.read_sector(Lba(lba)).unwrap().bytes)
            .collect();
    }
    convert_with(&image, &out, &options);
    let bytes = read(&out);
    if options.form2 == Form2Policy::Raw {
        // bchunk keeps only the first 2048 of a form 2 sector's 2324 bytes.
        return bytes
            .chunks(2324)
            .flat_map(|c| c[..2048].to_vec())
            .collect();
    }
    bytes
}

#[test]
fn conversions_match_the_peers_recorded_answers() {
    let dir = tempfile::tempdir().unwrap();
    let peers = peers();
    assert!(peers.len() >= 15, "peers.txt lists every peer");
    for (hash, bytes, label) in peers {
        let ours = ours_for(&label, dir.path());
        assert_eq!(ours.len() as u64, bytes, "{label}: size");
        assert_eq!(sha(&ours), hash, "{label}");
    }
}

/// The MODE2/2336 twins of the mixed disc (Nero, DiscJuggler), the Alcohol
/// and CHD ones, give the ISO bchunk cuts from its raw bin.
#[test]
fn every_twin_of_the_mixed_disc_gives_bchunks_iso() {
    let dir = tempfile::tempdir().unwrap();
    let (hash, _, _) = peers()
        .into_iter()
        .find(|(_, _, label)| label == "bchunk:cue/mixed/single.cue:track01.iso")
        .unwrap();
    inflate("mds", "xa.mdf", dir.path());
    std::fs::copy(fixture("mds/xa.mds"), dir.path().join("xa.mds")).unwrap();
    for image in [
        inflate("nrg", "xa-2336.nrg", dir.path()),
        inflate("cdi", "xa-2336.cdi", dir.path()),
        dir.path().join("xa.mds"),
        fixture("cue/mixed/multi.cue"),
        fixture("toc/mixed/single.toc"),
        fixture("chd/cd/videocd.chd"),
    ] {
        let out = dir.path().join(format!(
            "{}.iso",
            image.file_name().unwrap().to_string_lossy()
        ));
        convert_with(&image, &out, &ConvertOptions::default());
        if image.ends_with("videocd.chd") {
            // A different disc: bchunk's answer for the Video CD.
            let (vcd, _, _) = peers()
                .into_iter()
                .find(|(_, _, l)| l == "bchunk:toc/videocd/videocd.toc2cue.cue:track01.iso")
                .unwrap();
            assert_eq!(sha(&read(&out)), vcd, "{}", image.display());
        } else {
            assert_eq!(sha(&read(&out)), hash, "{}", image.display());
        }
    }
}

#[test]
fn chd_to_cue_matches_chdman_extractcd() {
    let dir = tempfile::tempdir().unwrap();
    // chdman extractcd's sheets and the SHA-256 of the bin it wrote,
    // recorded by tests/fixtures/chd/make.sh. (subchannel.chd: chdman
    // keeps the subchannel after each sector in a toc; gdrom.chd: a .gdi.)
    for name in [
        "mode1-none",
        "mode1-cdzl",
        "mode1-cdlz",
        "mode1-cdfl",
        "videocd",
    ] {
        let out = dir.path().join(format!("{name}/disc.cue"));
        convert_with(
            &fixture(&format!("chd/cd/{name}.chd")),
            &out,
            &ConvertOptions::default(),
        );
        let recorded =
            std::fs::read_to_string(fixture(&format!("chd/cd/{name}.extract.sha256"))).unwrap();
        let want = recorded.split_whitespace().next().unwrap();
        assert_eq!(
            sha(&read(&dir.path().join(format!("{name}/disc.bin")))),
            want,
            "{name}"
        );
        let sheet = std::fs::read_to_string(&out).unwrap();
        let chdman =
            std::fs::read_to_string(fixture(&format!("chd/cd/{name}.extract.cue"))).unwrap();
        assert_eq!(sheet, chdman, "{name}: the sheet, line for line");
    }
}

#[test]
fn toc_to_cue_has_toc2cues_tracks() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["mode1/single", "mixed/single", "videocd/videocd"] {
        let out = dir.path().join(format!("{}.cue", name.replace('/', "-")));
        convert_with(
            &fixture(&format!("toc/{name}.toc")),
            &out,
            &ConvertOptions::default(),
        );
        let toc2cue = open(&fixture(&format!("toc/{name}.toc2cue.cue")));
        assert_eq!(table(&open(&out)), table(&toc2cue), "{name}");
        assert_same_disc(&open(&out), &toc2cue, name);
    }
}

#[test]
fn an_iso_stops_at_a_form_2_sector_unless_told() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = fixture("toc/videocd/videocd.toc2cue.cue");
    let out = dir.path().join("t2.iso");
    let run = discscope([
        "convert".as_ref(),
        sheet.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--track".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("sector 450"), "{}", run.stderr());
    assert!(run.stderr().contains("form 2"), "{}", run.stderr());
    assert!(!out.exists(), "nothing under the final name");
    let report = convert_with(
        &sheet,
        &out,
        &ConvertOptions {
            track: Some(2),
            form2: Form2Policy::Skip,
            ..Default::default()
        },
    );
    assert_eq!((report.form2_skipped, report.bytes), (235, 0));
}

/// Form 1, form 2 and a mode 1 sector in one MODE2/2352 track, made by
/// the project's encoder: each gives its own user data.
#[test]
fn an_iso_takes_each_sectors_user_data_where_its_header_puts_it() {
    use discscope::sector::encode;
    use discscope::sector::subheader::Subheader;
    let dir = tempfile::tempdir().unwrap();
    let form1 = Subheader {
        file: 0,
        channel: 0,
        submode: 0x08,
        coding: 0,
    };
    let form2 = Subheader {
        submode: 0x08 | 0x20,
        ..form1
    };
    let mut bin = Vec::new();
    bin.extend(encode::mode2_form1(Lba(0), form1, &[1; 2048]).unwrap());
    bin.extend(encode::mode1(Lba(1), &[2; 2048]).unwrap());
    bin.extend(encode::mode2_form2(Lba(2), form2, &[3; 2324], true).unwrap());
    std::fs::write(dir.path().join("x.bin"), &bin).unwrap();
    let sheet = dir.path().join("x.cue");
    std::fs::write(
        &sheet,
        "FILE \"x.bin\" BINARY\n  TRACK 01 MODE2/2352\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let out = dir.path().join("raw.iso");
    let report = convert_with(
        &sheet,
        &out,
        &ConvertOptions {
            form2: Form2Policy::Raw,
            ..Default::default()
        },
    );
    assert_eq!(report.form2_raw, 1);
    let iso = read(&out);
    assert_eq!(iso.len(), 2048 + 2048 + 2324);
    assert!(iso[..2048].iter().all(|&b| b == 1));
    assert!(
        iso[2048..4096].iter().all(|&b| b == 2),
        "mode 1 data after its header"
    );
    assert!(iso[4096..].iter().all(|&b| b == 3));
}

#[test]
fn wav_has_a_riff_header_and_swaps_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = fixture("cue/mixed/single.cue");
    let plain = dir.path().join("a.wav");
    let swapped = dir.path().join("b.wav");
    convert_with(&sheet, &plain, &ConvertOptions::default());
    convert_with(
        &sheet,
        &swapped,
        &ConvertOptions {
            swap: true,
            ..Default::default()
        },
    );
    let (a, b) = (read(&plain), read(&swapped));
    assert_eq!(&a[..4], b"RIFF");
    assert_eq!(&a[8..16], b"WAVEfmt ");
    assert_eq!(u32::from_le_bytes(a[40..44].try_into().unwrap()), 40 * 2352);
    assert_eq!(a[..44], b[..44]);
    assert!(
        a[44..]
            .chunks(2)
            .zip(b[44..].chunks(2))
            .all(|(x, y)| x[0] == y[1] && x[1] == y[0])
    );
    // The first audio track is the default; the tone1 bin is its samples.
    assert!(a[44..] == read(&fixture("cue/mixed/tone1.bin"))[..]);
}

#[test]
fn repair_writes_corrected_sectors_and_lists_each_change() {
    let dir = tempfile::tempdir().unwrap();
    let original = read(&fixture("cue/mode1/single.bin"));
    let mut damaged = original.clone();
    for at in [16 * 2352 + 100, 17 * 2352 + 500, 17 * 2352 + 900] {
        damaged[at] ^= 0x5a;
    }
    // Beyond the code's power: written as stored, and said so.
    damaged[20 * 2352 + 16..20 * 2352 + 316].fill(0);
    std::fs::write(dir.path().join("single.bin"), &damaged).unwrap();
    std::fs::copy(
        fixture("cue/mode1/single.cue"),
        dir.path().join("single.cue"),
    )
    .unwrap();
    let out = dir.path().join("out/fixed.cue");
    let run = discscope([
        "convert".as_ref(),
        dir.path().join("single.cue").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--repair".as_ref(),
        "--verify".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 1, "an uncorrectable sector is a finding");
    let json = run.json();
    let repaired = json["repaired"].as_array().unwrap();
    assert_eq!(repaired.len(), 2);
    assert_eq!(repaired[0]["lba"], 16);
    assert_eq!(repaired[1]["changes"].as_array().unwrap().len(), 2);
    assert_eq!(repaired[1]["changes"][0]["offset"], 500);
    assert_eq!(json["uncorrectable"], serde_json::json!([20]));
    assert_eq!(json["verified"], true);
    let fixed = read(&dir.path().join("out/fixed.bin"));
    for (i, (a, b)) in fixed.chunks(2352).zip(original.chunks(2352)).enumerate() {
        assert_eq!(a == b, i != 20, "sector {i}");
    }
    assert!(
        read(&dir.path().join("single.bin")) == damaged,
        "the input is never written"
    );
    let text = discscope([
        "convert".as_ref(),
        dir.path().join("single.cue").as_os_str(),
        "-o".as_ref(),
        dir.path().join("text/fixed.iso").as_os_str(),
        "--repair".as_ref(),
    ]);
    assert!(
        text.stdout()
            .contains("repaired LBA 17 (track 1): 2 bytes (0x01f4: 5a -> 00"),
        "{}",
        text.stdout()
    );
    assert!(
        text.stdout()
            .contains("beyond repair, written as stored: LBA 20")
    );
}

#[test]
fn json_summary_names_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.toc");
    let run = discscope([
        "convert".as_ref(),
        fixture("cue/mixed/multi.cue").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--split".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    assert_eq!(json["target"], "toc");
    let kinds: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["bin", "bin", "bin", "toc"]);
    assert_eq!(json["tracks_match"], true);
    assert_eq!(json["verified"], serde_json::Value::Null);
    assert!(dir.path().join("x (Track 03).bin").is_file());
}

// Hostile conditions: each ends with one clear line and nothing under
// the final name.

fn no_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".part"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn never_overwrites_without_force_nor_writes_onto_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let iso = dir.path().join("disc.iso");
    std::fs::copy(fixture("iso/geniso.iso"), &iso).unwrap();
    let taken = dir.path().join("taken.iso");
    std::fs::write(&taken, b"keep me").unwrap();
    let run = discscope([
        "convert".as_ref(),
        iso.as_os_str(),
        "-o".as_ref(),
        taken.as_os_str(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("exists (use --force to overwrite)"),
        "{}",
        run.stderr()
    );
    assert_eq!(read(&taken), b"keep me");
    // Onto the image itself, even with --force, and through a link.
    let link = dir.path().join("link.iso");
    std::os::unix::fs::symlink(&iso, &link).unwrap();
    for out in [&iso, &link] {
        let run = discscope([
            "convert".as_ref(),
            iso.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--force".as_ref(),
        ]);
        assert_eq!(run.code(), 2);
        assert!(
            run.stderr().contains("is one of the image's own files"),
            "{}",
            run.stderr()
        );
    }
    assert!(read(&iso) == read(&fixture("iso/geniso.iso")));
    // A merge whose bin would be one of the sheet's own bins.
    for name in ["multi.cue", "data.bin", "tone1.bin", "tone2.bin"] {
        std::fs::copy(fixture(&format!("cue/mixed/{name}")), dir.path().join(name)).unwrap();
    }
    let run = discscope([
        "merge".as_ref(),
        dir.path().join("multi.cue").as_os_str(),
        "-o".as_ref(),
        dir.path().join("data.cue").as_os_str(),
        "--force".as_ref(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("data.bin: is one of the image's own files"),
        "{}",
        run.stderr()
    );
    assert!(read(&dir.path().join("data.bin")) == read(&fixture("cue/mixed/data.bin")));
    // With --force an ordinary file is replaced.
    let run = discscope([
        "convert".as_ref(),
        iso.as_os_str(),
        "-o".as_ref(),
        taken.as_os_str(),
        "--force".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(read(&taken) == read(&iso));
    assert!(no_leftovers(dir.path()).is_empty());
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn an_unwritable_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = fixture("cue/mode1/single.cue");
    // root writes through permission bits, so /proc (which refuses new
    // files to everyone) stands in for a read-only folder there.
    let folder = if is_root() {
        PathBuf::from("/proc/discscope-convert-test")
    } else {
        use std::os::unix::fs::PermissionsExt;
        let folder = dir.path().join("locked");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        folder
    };
    let out = folder.join("x.cue");
    let run = discscope([
        "convert".as_ref(),
        sheet.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 2);
    let stderr = run.stderr();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&folder.display().to_string()), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_full_disk_leaves_nothing_under_the_final_name() {
    // RLIMIT_FSIZE as a full disk: writes past 64 KiB fail with EFBIG
    // (SIGXFSZ ignored, as a shell trap leaves it across exec).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.cue");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec '{}' convert '{}' -o '{}'",
        env!("CARGO_BIN_EXE_discscope"),
        fixture("cue/mixed/single.cue").display(),
        out.display()
    );
    let run = std::process::Command::new("bash")
        .args(["-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("x.bin") && stderr.contains("File too large"),
        "{stderr}"
    );
    assert!(!out.exists() && !dir.path().join("x.bin").exists());
    assert!(
        no_leftovers(dir.path()).is_empty(),
        "the staged file is removed"
    );
}

/// Mounts a 256 KiB tmpfs (root only) and unmounts it when dropped.
struct TinyFs(tempfile::TempDir);

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
#[ignore = "mounts a tmpfs: needs root and the right to mount"]
fn a_small_filesystem_is_refused_before_writing() {
    let tiny = TinyFs(tempfile::tempdir().unwrap());
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs"])
        .arg(tiny.0.path())
        .status()
        .unwrap();
    if !mounted.success() {
        // A container without the right to mount: nothing to measure here.
        eprintln!("skipped: a tmpfs cannot be mounted here");
        return;
    }
    let out = tiny.0.path().join("x.cue");
    let run = discscope([
        "convert".as_ref(),
        fixture("cue/mixed/single.cue").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("bytes free; the conversion writes 931576"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read_dir(tiny.0.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // An ISO of the data track fits: 35 sectors of 2048 bytes.
    let iso = tiny.0.path().join("x.iso");
    let run = discscope([
        "convert".as_ref(),
        fixture("cue/mode1/single.cue").as_os_str(),
        "-o".as_ref(),
        iso.as_os_str(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(std::fs::metadata(&iso).unwrap().len(), 71680);
}

/// Starts converting 400 MB of zero sectors (sparse, so long enough to
/// be stopped mid-way) into `dir/out/copy.cue`, and waits until its
/// staging file exists; returns the process and the output folder.
fn start_a_long_conversion(
    dir: &Path,
    stderr: std::process::Stdio,
) -> (std::process::Child, PathBuf) {
    let bin = dir.join("big.bin");
    std::fs::File::create(&bin)
        .unwrap()
        .set_len(2352 * 170_000)
        .unwrap();
    let sheet = dir.join("big.cue");
    std::fs::write(
        &sheet,
        "FILE \"big.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_discscope"))
        .args([
            "convert".as_ref(),
            sheet.as_os_str(),
            "-o".as_ref(),
            out_dir.join("copy.cue").as_os_str(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while no_leftovers(&out_dir).is_empty() && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    (child, out_dir)
}

#[test]
fn a_killed_conversion_leaves_nothing_under_the_final_name() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, out_dir) = start_a_long_conversion(dir.path(), std::process::Stdio::null());
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out_dir.join("copy.cue").exists() && !out_dir.join("copy.bin").exists(),
        "nothing under the final names"
    );
    let left = no_leftovers(&out_dir);
    assert!(
        left.iter().all(|n| n.starts_with(".discscope-")),
        "only the hidden staging file remains: {left:?}"
    );
}

#[test]
#[allow(unsafe_code)] // kill(2): no extra package (procps) needed to send SIGINT
fn ctrl_c_stops_a_conversion_and_removes_its_staging_file() {
    let dir = tempfile::tempdir().unwrap();
    let (child, out_dir) = start_a_long_conversion(dir.path(), std::process::Stdio::piped());
    assert!(!no_leftovers(&out_dir).is_empty(), "the conversion started");
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) on the child this test started and has not reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("cancelled: the partly written files were removed"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "nothing is left in the output folder: {left:?}"
    );
}

#[test]
fn a_cancelled_conversion_leaves_nothing() {
    // What the inspector's Esc does to a running export.
    let dir = tempfile::tempdir().unwrap();
    let medium = open(&fixture("cue/mixed/single.cue"));
    let cancel = AtomicBool::new(true);
    let progress = ConvertProgress {
        report: &|_, _, _| {},
        cancel: &cancel,
    };
    let out = dir.path().join("x.cue");
    let error = convert::convert(&medium, &out, &ConvertOptions::default(), &progress).unwrap_err();
    assert!(error.to_string().contains("cancelled"), "{error}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_disk_image_has_nothing_to_convert() {
    let dir = tempfile::tempdir().unwrap();
    let run = discscope([
        "convert".as_ref(),
        fixture("disk/floppy.img").as_os_str(),
        "-o".as_ref(),
        dir.path().join("x.iso").as_os_str(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("a disk image has no tracks"),
        "{}",
        run.stderr()
    );
    let run = discscope([
        "convert".as_ref(),
        fixture("cue/mode1/single.cue").as_os_str(),
        "-o".as_ref(),
        dir.path().join("x.iso").as_os_str(),
        "--split".as_ref(),
    ]);
    assert_eq!(run.code(), 2, "--split is for sheets");
    assert!(!dir.path().join("x.iso").exists());
}

#[test]
fn free_space_is_known_for_ordinary_folders() {
    let dir = tempfile::tempdir().unwrap();
    assert!(convert::available_space(dir.path()).is_some_and(|n| n > 0));
    assert_eq!(
        ConvertTarget::from_path(Path::new("a.ISO")),
        Some(ConvertTarget::Iso)
    );
    assert_eq!(convert::split_name("Game", 3, 12), "Game (Track 03).bin");
    assert_eq!(convert::split_name("Game", 1, 1), "Game.bin");
}

/// The inspector's `x`: on a track it writes the track, on a file it
/// extracts the file, each as a background job (settled here).
#[test]
fn inspector_x_exports_a_track_and_extracts_a_file() {
    use discscope::tui::app::{App, Appearance, Overlay, Pane};
    use discscope::tui::effect;
    use ratatui::crossterm::event::{KeyCode, KeyEvent};

    let dir = tempfile::tempdir().unwrap();
    let sheet = discscope::demo::write(&dir.path().join("demo")).unwrap();
    let opened = container::open_with_options(&sheet, &Default::default()).unwrap();
    let medium = Arc::new(opened.medium);
    let mut app = App::new(
        Arc::new(discscope::survey::Survey::new(
            Arc::clone(&medium),
            &Default::default(),
        )),
        Appearance::default(),
    );
    let startup = app.startup(opened.sheet);
    effect::settle(&mut app, startup);
    // The tree moves over the rows it last drew: draw after each key.
    let press = |app: &mut App, code: KeyCode| {
        let effects = app.key(KeyEvent::from(code));
        effect::settle(app, effects);
        let area = ratatui::layout::Rect::new(0, 0, 100, 30);
        discscope::tui::view::fit(app, area);
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        terminal
            .draw(|frame| discscope::tui::view::draw(frame, app))
            .unwrap();
    };
    let answer = |app: &mut App, path: &Path| {
        assert!(matches!(app.overlay, Overlay::Prompt(_)), "x asks where");
        for _ in 0..200 {
            press(app, KeyCode::Backspace);
        }
        for c in path.display().to_string().chars() {
            press(app, KeyCode::Char(c));
        }
        press(app, KeyCode::Enter);
    };
    app.focus_on(Pane::Tracks);
    app.track_row = 0;
    press(&mut app, KeyCode::Char('x'));
    let iso = dir.path().join("out/track1.iso");
    answer(&mut app, &iso);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.starts_with("wrote")),
        "{:?}",
        app.message
    );
    let again = dir.path().join("again.iso");
    convert_with(&sheet, &again, &ConvertOptions::default());
    assert!(read(&iso) == read(&again));

    app.focus_on(Pane::Tree);
    let file = (0..20).find_map(|_| {
        press(&mut app, KeyCode::Down);
        let id = *app.tree_state.selected().last()?;
        let node = app.tree.node(id)?;
        (node.kind == discscope::fs::NodeKind::File).then(|| node.clone())
    });
    let file = file.expect("the demo disc has a file");
    press(&mut app, KeyCode::Char('x'));
    let out = dir.path().join("out/file.bin");
    answer(&mut app, &out);
    assert_eq!(read(&out).len() as u64, file.size, "{:?}", app.message);
    // Again: the file exists now, and is kept.
    press(&mut app, KeyCode::Char('x'));
    answer(&mut app, &out);
    assert!(
        app.message.as_deref().is_some_and(|m| m.contains("exists")),
        "{:?}",
        app.message
    );
}

#[test]
#[ignore = "runs cdrdao show-toc and toc2cue live"]
fn live_cdrdao_reads_our_toc_files() {
    assert!(tool("cdrdao") && tool("toc2cue"), "cdrdao is not installed");
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "toc/mixed/grammar.toc",
        "cue/mode1/multi.cue",
        "chd/cd/videocd.chd",
    ] {
        let out = dir.path().join(format!("{}.toc", name.replace('/', "-")));
        convert_with(&fixture(name), &out, &ConvertOptions::default());
        let show = std::process::Command::new("timeout")
            .args(["60", "cdrdao", "show-toc"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            show.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&show.stderr)
        );
        let cue = out.with_extension("cue");
        let status = std::process::Command::new("timeout")
            .args(["60", "toc2cue"])
            .arg(&out)
            .arg(&cue)
            .output()
            .unwrap()
            .status;
        assert!(status.success(), "{name}");
        assert_eq!(table(&open(&cue)), table(&open(&fixture(name))), "{name}");
    }
}

// The peers, run live (CI installs them; `cargo test -- --ignored`).

fn tool(name: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
#[ignore = "runs bchunk, ccd2iso, nrg2iso, mdf2iso live"]
fn live_peers_still_give_the_recorded_answers() {
    for name in ["bchunk", "ccd2iso", "nrg2iso", "mdf2iso"] {
        assert!(tool(name), "{name} is not installed");
    }
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("peers.txt");
    let status = std::process::Command::new("bash")
        .arg(fixture("convert/make.sh"))
        .env("PEERS_OUT", &fresh)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(&fresh).unwrap(),
        std::fs::read_to_string(fixture("convert/peers.txt")).unwrap()
    );
}

/// `chdman extractcd -i CHD -o OUT` (a cue or toc by OUT's extension).
fn chdman_extractcd(chd: &Path, out: &Path) {
    let status = std::process::Command::new("timeout")
        .args(["60", "chdman", "extractcd", "-i"])
        .arg(chd)
        .arg("-o")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chdman extractcd {}", chd.display());
}

#[test]
#[ignore = "runs chdman extractcd live"]
fn live_chdman_extractcd_gives_our_bin() {
    assert!(tool("chdman"), "chdman (mame-tools) is not installed");
    let dir = tempfile::tempdir().unwrap();
    for name in ["mode1-none", "videocd"] {
        let chd = fixture(&format!("chd/cd/{name}.chd"));
        let theirs = dir.path().join(format!("{name}-chdman.cue"));
        chdman_extractcd(&chd, &theirs);
        let ours = dir.path().join(format!("{name}-ours.cue"));
        convert_with(&chd, &ours, &ConvertOptions::default());
        assert!(
            read(&theirs.with_extension("bin")) == read(&ours.with_extension("bin")),
            "{name}"
        );
        assert_eq!(table(&open(&theirs)), table(&open(&ours)), "{name}");
    }
    // A CHD with subchannel: chdman writes a toc whose bin keeps the 96
    // subchannel bytes after each sector and holds audio big-endian, as
    // cdrdao reads raw audio. Without those, the same bytes as ours.
    let chd = fixture("chd/cd/subchannel.chd");
    let theirs = dir.path().join("sub-chdman.toc");
    chdman_extractcd(&chd, &theirs);
    let ours = dir.path().join("sub-ours.cue");
    convert_with(&chd, &ours, &ConvertOptions::default());
    let medium = open(&chd);
    let raw = read(&theirs.with_extension("bin"));
    let mut plain = Vec::new();
    for (i, sector) in raw.chunks(2448).enumerate() {
        let audio = medium
            .track_at(Lba(i as i64))
            .is_some_and(|t| medium.tracks[t].is_audio());
        for pair in sector[..2352].chunks(2) {
            if audio {
                plain.extend([pair[1], pair[0]]);
            } else {
                plain.extend_from_slice(pair);
            }
        }
    }
    assert!(plain == read(&ours.with_extension("bin")), "subchannel.chd");
}

#[test]
#[ignore = "runs toc2cue live"]
fn live_toc2cue_gives_our_tracks() {
    assert!(tool("toc2cue"), "toc2cue (cdrdao) is not installed");
    let dir = tempfile::tempdir().unwrap();
    for name in ["mode1/single", "mixed/single", "videocd/videocd"] {
        let toc = fixture(&format!("toc/{name}.toc"));
        let theirs = toc.with_file_name(format!("live-{}.cue", std::process::id()));
        let status = std::process::Command::new("timeout")
            .args(["60", "toc2cue"])
            .arg(&toc)
            .arg(&theirs)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        let table_theirs = table(&open(&theirs));
        std::fs::remove_file(&theirs).unwrap();
        assert!(status.success());
        let ours = dir.path().join(format!("{}.cue", name.replace('/', "-")));
        convert_with(&toc, &ours, &ConvertOptions::default());
        assert_eq!(table(&open(&ours)), table_theirs, "{name}");
    }
}

#[test]
fn a_first_pregap_with_data_before_lba_0_is_reported_not_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let image = inflate("nrg", "dao-v2.nrg", dir.path());
    // The stored pregap (LBA -150..0) is zeros: written as PREGAP, nothing lost.
    let clean = convert_with(
        &image,
        &dir.path().join("clean.cue"),
        &ConvertOptions::default(),
    );
    assert_eq!(clean.dropped_pregap, None);
    // One byte of user data in the pregap's last sector.
    let medium = open(&image);
    let Ok(discscope::medium::Origin::File { offset, .. }) = medium.origin_of(Lba(-1)) else {
        panic!("the pregap is stored");
    };
    let mut bytes = read(&image);
    bytes[offset as usize + 16 + 100] = 0x5a;
    let damaged = dir.path().join("data-in-pregap.nrg");
    std::fs::write(&damaged, &bytes).unwrap();
    let report = convert_with(
        &damaged,
        &dir.path().join("out.cue"),
        &ConvertOptions::default(),
    );
    assert_eq!(report.dropped_pregap, Some(-1));
    let run = discscope([
        "convert".as_ref(),
        damaged.as_os_str(),
        "-o".as_ref(),
        dir.path().join("cli.cue").as_os_str(),
    ]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stdout().contains("holds data from LBA -1"),
        "{}",
        run.stdout()
    );
}

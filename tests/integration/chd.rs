//! MAME CHD: fixtures made by tests/fixtures/chd/make.sh with chdman 0.251,
//! against what chdman recorded beside them (`info -v`, `verify`, the
//! sheets `extractcd` writes and the SHA-256 of the data it extracts) and
//! against the same discs and disks opened as BIN/CUE, ISO or raw images.

mod build;
mod corpus;
mod hostile;
mod zstd;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use discscope::container::{self, OpenOptions};
use discscope::fs::ViewOptions;
use discscope::io::ReadAt;
use discscope::medium::{ExtentData, Medium};
use discscope::survey::Survey;
use discscope::units::Lba;
use serde_json::Value;

use crate::iso::oracle::sha256;
use crate::support::{discscope, fixture};

pub fn chd(rest: &str) -> PathBuf {
    fixture(&format!("chd/{rest}"))
}

pub fn open(path: &Path) -> Medium {
    container::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A recorded oracle's text.
fn oracle(rest: &str) -> String {
    std::fs::read_to_string(chd(rest)).unwrap()
}

/// Every sector the CHD stores equals the twin's at the same LBA, and the
/// sectors it does not store read as zeros on both.
pub fn same_sectors(ours: &Medium, twin: &Medium, what: &str) -> u64 {
    let mut compared = 0;
    for extent in &ours.extents {
        for i in 0..extent.count {
            let lba = Lba(extent.start.0 + i as i64);
            let a = ours.read_sector(lba).unwrap();
            let b = twin
                .read_sector(lba)
                .unwrap_or_else(|e| panic!("{what}: twin LBA {lba}: {e}"));
            assert_eq!(a.bytes.len(), b.bytes.len(), "{what}: size of LBA {lba}");
            assert!(a.bytes == b.bytes, "{what}: bytes of LBA {lba} differ");
            if matches!(extent.data, ExtentData::Zero(_)) {
                assert!(a.bytes.iter().all(|&x| x == 0), "{what}: gap LBA {lba}");
            }
            compared += 1;
        }
    }
    assert_eq!(ours.end_lba(), twin.end_lba(), "{what}: last LBA");
    compared
}

/// `tracks --json` with `file`, `file_offset` and `flags` left out: the
/// CHD has one view per track, and chdman keeps no flags.
fn track_table(image: &Path) -> Vec<Value> {
    let run = discscope(["tracks".as_ref(), "--json".as_ref(), image.as_os_str()]);
    assert_eq!(run.code(), 0, "{}: {}", image.display(), run.stderr());
    run.json()["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let mut t = t.clone();
            let map = t.as_object_mut().unwrap();
            for key in ["file", "file_offset", "flags"] {
                map.remove(key);
            }
            t
        })
        .collect()
}

/// The sheet chdman's `extractcd` wrote, beside the twin's data renamed as
/// the sheet names it (the recorded SHA-256 says the data is the same).
fn extracted_sheet(stem: &str, kind: &str, data: &[(&str, &Path)], dir: &Path) -> PathBuf {
    let sums = oracle(&format!("cd/{stem}.extract.sha256"));
    for (name, path) in data {
        let bytes = std::fs::read(path).unwrap();
        let recorded = sums
            .lines()
            .find(|l| l.ends_with(&format!("  {name}")))
            .unwrap_or_else(|| panic!("{stem}: no sum for {name}"));
        assert!(
            recorded.starts_with(&sha256(&bytes)),
            "{stem}: chdman extracted {name} other than {}",
            path.display()
        );
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let sheet = dir.join(format!("disc.{kind}"));
    std::fs::copy(chd(&format!("cd/{stem}.extract.{kind}")), &sheet).unwrap();
    sheet
}

/// The metadata lines of `chdman info -v`: (tag, text).
fn chdman_metadata(info: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = info.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("Metadata:") {
            let tag = rest.split('\'').nth(1).unwrap().to_owned();
            let text = lines
                .next()
                .unwrap()
                .trim()
                .trim_end_matches('.')
                .to_owned();
            out.push((tag, text));
        }
    }
    out
}

/// A `Key:   value` line of `chdman info`, digits only for numbers.
fn chdman_field(info: &str, key: &str) -> String {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key} in {info}"))
        .trim()
        .to_owned()
}

fn number(text: &str) -> u64 {
    text.split_whitespace()
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

/// `verify --json`, with its exit code.
fn verify_json(image: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["verify", image.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let run = discscope(args);
    assert!(run.code() == 0 || run.code() == 1, "{}", run.stderr());
    (run.code(), run.json())
}

/// The header's numbers and every metadata entry, as the container's
/// structures show them, equal chdman's report.
fn check_structures(medium: &Medium, info: &str) {
    let header = &medium.structures[0];
    let field = |name: &str| {
        header
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("header field {name}"))
            .value
            .to_string()
    };
    assert_eq!(header.name, "CHD v5 header");
    assert_eq!(field("version"), chdman_field(info, "File Version"));
    assert_eq!(
        field("logical size"),
        number(&chdman_field(info, "Logical size")).to_string()
    );
    assert_eq!(
        field("hunk size"),
        number(&chdman_field(info, "Hunk Size")).to_string()
    );
    assert_eq!(
        field("unit size"),
        number(&chdman_field(info, "Unit Size")).to_string()
    );
    if let Ok(sha) = std::panic::catch_unwind(|| chdman_field(info, "SHA1")) {
        assert_eq!(field("SHA-1"), sha);
        assert_eq!(field("raw SHA-1"), chdman_field(info, "Data SHA1"));
    }
    // Every codec chdman names, in slot order.
    let codecs: Vec<String> = chdman_field(info, "Compression")
        .split(", ")
        .map(|c| c.split(' ').next().unwrap().to_owned())
        .collect();
    for (slot, codec) in codecs.iter().enumerate().filter(|(_, c)| *c != "none") {
        let f = header
            .fields
            .iter()
            .find(|f| f.name == format!("compressor {slot}"))
            .unwrap();
        assert!(
            f.note.as_deref().unwrap_or("").starts_with(codec.as_str()),
            "slot {slot}: {:?} vs {codec}",
            f.note
        );
    }
    // Metadata entries: each KEY:VALUE of chdman's text is a field.
    let entries: Vec<_> = medium
        .structures
        .iter()
        .filter(|s| s.name.starts_with("CHD metadata entry"))
        .collect();
    let expected = chdman_metadata(info);
    assert_eq!(entries.len(), expected.len());
    for (entry, (tag, text)) in entries.iter().zip(&expected) {
        assert!(entry.name.contains(tag.as_str()), "{} vs {tag}", entry.name);
        let tag_field = entry.fields.iter().find(|f| f.name == "tag").unwrap();
        assert_eq!(tag_field.value.to_string(), *tag);
        for pair in text.split([' ', ',']).filter(|p| p.contains(':')) {
            let (key, value) = pair.split_once(':').unwrap();
            let f = entry
                .fields
                .iter()
                .find(|f| f.name == key)
                .unwrap_or_else(|| panic!("{}: no field {key}", entry.name));
            assert_eq!(f.value.to_string(), value, "{key}");
            // The field's bytes in the file are the text itself.
            let place = entry.place.clone();
            let discscope::structure::Place::File { path, offset } = place else {
                panic!("metadata outside the file");
            };
            let bytes = std::fs::read(&*path).unwrap();
            let at = (offset + f.offset) as usize;
            assert_eq!(&bytes[at..at + f.length as usize], pair.as_bytes());
        }
    }
}

/// The hunk tally chdman prints equals the map summary.
fn check_hunk_tally(medium: &Medium, info: &str) {
    let map = medium
        .structures
        .iter()
        .find(|s| s.name == "CHD hunk map")
        .unwrap();
    let tally: Vec<(u64, String)> = info
        .lines()
        .skip_while(|l| !l.starts_with("----------"))
        .skip(1)
        .map(|l| {
            let mut words = l.split_whitespace();
            let count = number(words.next().unwrap());
            let _percent = words.next();
            (count, words.collect::<Vec<_>>().join(" "))
        })
        .collect();
    assert!(!tally.is_empty());
    for (count, name) in tally {
        let f = map
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", map.fields));
        assert_eq!(f.value.to_string(), count.to_string(), "{name}");
    }
}

/// A good CHD: chdman's verify succeeded, ours agrees and computes the
/// digests chdman printed.
fn check_verify_good(path: &Path, info: &str, verify_txt: &str) {
    let (code, json) = verify_json(path, &[]);
    assert_eq!(code, 0, "{}: {json}", path.display());
    let container = &json["container"];
    assert_eq!(container["ok"], true);
    assert_eq!(container["bad_blocks"], 0);
    if verify_txt.contains("Raw SHA1 verification successful") {
        let digests = container["digests"].as_array().unwrap();
        let get = |name: &str| digests.iter().find(|d| d["name"] == name).unwrap();
        assert_eq!(get("raw_sha1")["computed"], chdman_field(info, "Data SHA1"));
        assert_eq!(get("sha1")["computed"], chdman_field(info, "SHA1"));
        assert_eq!(get("raw_sha1")["ok"], true);
        assert_eq!(get("sha1")["ok"], true);
    }
}

const CD_CODECS: [&str; 4] = ["cdzl", "cdlz", "cdfl", "none"];

#[test]
fn chd_cd_per_codec_equals_the_bin_cue_twin_and_chdman() {
    let twin = open(&fixture("cue/mode1/multi.cue"));
    for codec in CD_CODECS {
        let stem = format!("mode1-{codec}");
        let path = chd(&format!("cd/{stem}.chd"));
        let medium = open(&path);
        assert_eq!(medium.format.as_str(), "chd");
        assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
        let compared = same_sectors(&medium, &twin, &stem);
        assert_eq!(compared, 35 + 150 + 40 + 20 + 36);
        // The track table equals the sheet chdman extracts, opened as BIN/CUE.
        let dir = tempfile::tempdir().unwrap();
        let sheet = extracted_sheet(
            &stem,
            "cue",
            &[("disc.bin", &fixture("cue/mode1/single.bin"))],
            dir.path(),
        );
        assert_eq!(track_table(&path), track_table(&sheet), "{stem}");
        assert_eq!(
            track_table(&path),
            track_table(&fixture("cue/mode1/multi.cue"))
        );
        let info = oracle(&format!("cd/{stem}.info.txt"));
        check_structures(&medium, &info);
        check_hunk_tally(&medium, &info);
        check_verify_good(&path, &info, &oracle(&format!("cd/{stem}.verify.txt")));
    }
}

#[test]
fn chd_cd_tracks_follow_chdman_metadata() {
    let medium = open(&chd("cd/mode1-cdlz.chd"));
    let info = oracle("cd/mode1-cdlz.info.txt");
    let meta = crate::cue_oracles::parse_chdman(&info);
    assert_eq!(meta.len(), medium.tracks.len());
    for (ours, theirs) in medium.tracks.iter().zip(&meta) {
        assert_eq!(u64::from(ours.number), theirs.number);
        assert_eq!(ours.pregap, theirs.pregap);
        assert_eq!(
            ours.pregap_in_file,
            theirs.pregap_stored || theirs.pregap == 0
        );
        // FRAMES counts a stored pregap; the track's length does not.
        let stored = if theirs.pregap_stored {
            theirs.pregap
        } else {
            0
        };
        assert_eq!(ours.length, theirs.frames - stored);
    }
    // The 4-frame padding is not on the disc: track 1 has 35 frames, and
    // track 2's pregap follows at once.
    assert_eq!(medium.tracks[0].end(), Lba(35));
    assert_eq!(medium.tracks[1].pregap_start(), Lba(35));
}

#[test]
fn chd_video_cd_equals_its_bin_cue() {
    let path = chd("cd/videocd.chd");
    let medium = open(&path);
    let twin = open(&fixture("sector/videocd.cue"));
    same_sectors(&medium, &twin, "videocd");
    let dir = tempfile::tempdir().unwrap();
    let sheet = extracted_sheet(
        "videocd",
        "cue",
        &[("disc.bin", &fixture("sector/videocd.bin"))],
        dir.path(),
    );
    assert_eq!(track_table(&path), track_table(&sheet));
    assert_eq!(
        track_table(&path),
        track_table(&fixture("sector/videocd.cue"))
    );
    let info = oracle("cd/videocd.info.txt");
    check_structures(&medium, &info);
    check_verify_good(&path, &info, &oracle("cd/videocd.verify.txt"));
    // Form 1 and form 2 sectors judged like the BIN's.
    let (_, ours) = verify_json(&path, &[]);
    let (_, theirs) = verify_json(&fixture("sector/videocd.cue"), &[]);
    assert_eq!(ours["modes"], theirs["modes"]);
    assert_eq!(ours["good_sectors"], theirs["good_sectors"]);
}

#[test]
fn chd_mixed_mode_equals_its_bin_cue_and_lists_the_video_cd() {
    let path = fixture("cue/mixed/multi.chd");
    let medium = open(&path);
    same_sectors(&medium, &open(&fixture("cue/mixed/multi.cue")), "mixed");
    assert_eq!(
        track_table(&path),
        track_table(&fixture("cue/mixed/single.cue"))
    );
    // The filesystem reads as from the BIN.
    let ls = |image: &Path| {
        let run = discscope(["ls", image.to_str().unwrap(), "-R", "--json"]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        run.json()
    };
    assert_eq!(ls(&path), ls(&fixture("cue/mixed/multi.cue")));
    let cat = |image: &Path| {
        discscope(["cat", image.to_str().unwrap(), "/README.TXT"])
            .output
            .stdout
    };
    assert_eq!(cat(&path), b"discscope cue fixture\n");
    assert_eq!(cat(&path), cat(&fixture("cue/mixed/multi.cue")));
}

/// (track, LBA, file) rows of a `.gdi`.
fn parse_gdi(text: &str) -> Vec<(u8, i64, String)> {
    text.lines()
        .skip(1)
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (
                w[0].parse().unwrap(),
                w[1].parse().unwrap(),
                w[4].to_owned(),
            )
        })
        .collect()
}

#[test]
fn chd_gd_rom_follows_the_gdi_chdman_extracts() {
    let path = chd("cd/gdrom.chd");
    let medium = open(&path);
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    let gdi = parse_gdi(&oracle("cd/gdrom.extract.gdi"));
    // Track 3: the MODE1 track's user data encoded for LBA 45000 on (by
    // discscope's encoder here, by the CloneCD fixtures' in make.sh).
    let dir = tempfile::tempdir().unwrap();
    let data = std::fs::read(fixture("cue/mode1/data.bin")).unwrap();
    let mut high = Vec::new();
    for (n, sector) in data.chunks(2352).enumerate() {
        let user: &[u8; 2048] = sector[16..2064].try_into().unwrap();
        high.extend_from_slice(
            &discscope::sector::encode::mode1(Lba(45_000 + n as i64), user).unwrap(),
        );
    }
    std::fs::write(dir.path().join("track03.bin"), &high).unwrap();
    let files = [
        fixture("cue/mode1/data.bin"),
        fixture("cue/mode1/tone1.bin"),
        dir.path().join("track03.bin"),
    ];
    extracted_sheet(
        "gdrom",
        "gdi",
        &[
            ("disc01.bin", &files[0]),
            ("disc02.raw", &files[1]),
            ("disc03.bin", &files[2]),
        ],
        dir.path(),
    );
    assert_eq!(medium.tracks.len(), gdi.len());
    for ((number, lba, _), (track, file)) in gdi.iter().zip(medium.tracks.iter().zip(&files)) {
        assert_eq!(track.number, *number);
        assert_eq!(track.start, Lba(*lba));
        // The track is its file's frames, byte for byte (audio as the GDI's
        // little-endian samples).
        let bytes = std::fs::read(file).unwrap();
        assert_eq!(track.length, bytes.len() as u64 / 2352);
        for (i, expected) in bytes.chunks(2352).enumerate() {
            let sector = medium.read_sector(Lba(lba + i as i64)).unwrap();
            assert!(sector.bytes == expected, "track {number} sector {i}");
        }
    }
    // The high-density area is the second session; the PAD frames before
    // track 2 are its pregap, those before LBA 45000 the gap between areas.
    assert_eq!(medium.sessions.len(), 2);
    assert_eq!(medium.tracks[2].session, 2);
    assert_eq!(medium.tracks[1].pregap, 150);
    assert!(medium.tracks[1].pregap_in_file);
    let gap = medium.extent_at(Lba(40_000)).unwrap();
    assert_eq!(
        gap.data,
        ExtentData::Zero(discscope::medium::Gap::SessionGap)
    );
    let info = oracle("cd/gdrom.info.txt");
    check_structures(&medium, &info);
    check_hunk_tally(&medium, &info);
    check_verify_good(&path, &info, &oracle("cd/gdrom.verify.txt"));
}

#[test]
fn chd_subchannel_equals_the_clonecd_set_it_came_from() {
    let path = chd("cd/subchannel.chd");
    let medium = open(&path);
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    // The data file chdman extracted is the toc's: sectors (audio
    // big-endian) with raw P-W subchannel.
    let img = std::fs::read(fixture("ccd/mixed/mixed.img")).unwrap();
    let sub = std::fs::read(fixture("ccd/mixed/mixed.sub")).unwrap();
    let mut toc_data = Vec::new();
    for (n, sector) in img.chunks(2352).enumerate() {
        if n < 49 {
            toc_data.extend_from_slice(sector);
        } else {
            toc_data.extend(sector.chunks(2).flat_map(|p| [p[1], p[0]]));
        }
        toc_data.extend_from_slice(&build::raw_pw(&sub[n * 96..n * 96 + 96]));
    }
    let sums = oracle("cd/subchannel.extract.sha256");
    assert!(sums.starts_with(&sha256(&toc_data)), "{sums}");
    // Sectors equal the CloneCD image (audio little-endian again).
    let clone = open(&fixture("ccd/mixed/mixed.ccd"));
    assert_eq!(medium.end_lba(), Lba(274));
    for lba in 0..274 {
        let ours = medium.read_sector(Lba(lba)).unwrap();
        assert!(
            ours.bytes == img[lba as usize * 2352..][..2352],
            "sector {lba}"
        );
        let _ = &clone;
    }
    // The subchannel, de-interleaved, is the .sub byte for byte.
    let channel = medium.subchannel.as_ref().unwrap();
    assert_eq!(channel.first, Lba(0));
    assert_eq!(channel.reader.len(), sub.len() as u64);
    assert_eq!(channel.reader.read_vec(0, sub.len()).unwrap(), sub);
    let run = discscope(["verify", path.to_str().unwrap(), "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["subchannel"]["sectors"], 274);
    let info = oracle("cd/subchannel.info.txt");
    check_structures(&medium, &info);
    check_verify_good(&path, &info, &oracle("cd/subchannel.verify.txt"));
}

#[test]
fn chd_dvd_equals_its_iso_and_isoinfo() {
    let path = chd("dvd/dvd.chd");
    let medium = open(&path);
    assert_eq!(medium.kind, discscope::medium::MediumKind::Optical);
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    assert_eq!(medium.tracks.len(), 1);
    assert_eq!(medium.tracks[0].mode.cue_name(), "MODE1/2048");
    let iso = open(&fixture("iso/geniso.iso"));
    assert_eq!(same_sectors(&medium, &iso, "dvd"), 147);
    // ls and cat against isoinfo's answers recorded for the ISO.
    crate::iso::oracle::check_image(&path, "geniso", true);
    let info = oracle("dvd/dvd.info.txt");
    check_structures(&medium, &info);
    check_hunk_tally(&medium, &info);
    check_verify_good(&path, &info, &oracle("dvd/dvd.verify.txt"));
}

#[test]
fn chd_hard_disks_equal_their_images_and_the_fat_oracles() {
    let dir = tempfile::tempdir().unwrap();
    for (name, image) in [
        ("floppy", fixture("disk/floppy.img")),
        (
            "gpt16",
            crate::disk::gunzip(&fixture("disk/gpt16.img.gz"), dir.path()),
        ),
        (
            "mbr32",
            crate::disk::gunzip(&fixture("disk/mbr32.img.gz"), dir.path()),
        ),
    ] {
        let path = chd(&format!("hd/{name}.chd"));
        let medium = open(&path);
        assert_eq!(medium.kind, discscope::medium::MediumKind::Disk);
        assert_eq!(medium.sector_size, 512);
        assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
        let raw = open(&image);
        assert_eq!(medium.end_lba(), raw.end_lba());
        // Every byte, through the logical data in large reads.
        let data = std::fs::read(&image).unwrap();
        let ours = medium.files[0].reader.read_vec(0, data.len()).unwrap();
        assert!(ours == data, "{name}: logical data");
        // Partitions and filesystems as on the raw image.
        let a = Survey::new(Arc::new(medium), &ViewOptions::default());
        let b = Survey::new(Arc::new(raw), &ViewOptions::default());
        assert_eq!(
            a.table.as_ref().map(|t| t.partitions.clone()),
            b.table.as_ref().map(|t| t.partitions.clone()),
            "{name}"
        );
        assert_eq!(a.views.len(), b.views.len());
        let fs = a.views[0].fs.as_ref();
        assert_eq!(crate::disk::ours(fs), crate::disk::fls(name), "{name}");
        assert_eq!(
            crate::disk::our_sizes(fs),
            crate::disk::mdir_sizes(name),
            "{name}"
        );
        let info = oracle(&format!("hd/{name}.info.txt"));
        let geometry = chdman_metadata(&info);
        assert_eq!(geometry[0].0, "GDDD");
        check_structures(&a.medium, &info);
        check_verify_good(&path, &info, &oracle(&format!("hd/{name}.verify.txt")));
    }
    let floppy = open(&chd("hd/floppy.chd"));
    let survey = Survey::new(Arc::new(floppy), &ViewOptions::default());
    crate::disk::mtype_files(survey.views[0].fs.as_ref(), "floppy");
}

#[test]
fn chd_delta_reads_through_its_parent() {
    let dir = tempfile::tempdir().unwrap();
    let expected = std::fs::read(crate::disk::gunzip(
        &chd("hd/floppy-delta.img.gz"),
        dir.path(),
    ))
    .unwrap();
    let child = chd("hd/floppy-delta.chd");
    // Given with --parent, and found beside the child by its SHA-1.
    let given = container::open_with_options(
        &child,
        &OpenOptions {
            parent: Some(chd("hd/floppy.chd")),
            ..Default::default()
        },
    )
    .unwrap()
    .medium;
    let found = open(&child);
    assert!(
        found
            .diagnostics
            .iter()
            .any(|d| d.code == "chd.parent-found"),
        "{:?}",
        found.diagnostics
    );
    for medium in [&given, &found] {
        let data = medium.files[0].reader.read_vec(0, expected.len()).unwrap();
        assert!(data == expected, "the delta's data");
    }
    // The map copies from the parent, as chdman's tally says.
    assert!(oracle("hd/floppy-delta.info.txt").contains("Copy from parent"));
    let run = discscope([
        "cat",
        child.to_str().unwrap(),
        "/DELTA.TXT",
        "--parent",
        chd("hd/floppy.chd").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.output.stdout, b"a file only the delta has\n");
    // verify with the parent agrees with `chdman verify -ip`.
    let info = oracle("hd/floppy-delta.info.txt");
    assert!(
        oracle("hd/floppy-delta.verify-parent.txt")
            .contains("Overall SHA1 verification successful")
    );
    let (code, json) = verify_json(
        &child,
        &["--parent", chd("hd/floppy.chd").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{json}");
    let digests = json["container"]["digests"].as_array().unwrap();
    assert_eq!(digests[0]["computed"], chdman_field(&info, "Data SHA1"));
    assert_eq!(digests[1]["computed"], chdman_field(&info, "SHA1"));
    // Alone, as chdman (`Requires parent`): a finding, and the hunks copied
    // from the parent are unreadable.
    let alone = tempfile::tempdir().unwrap();
    let copy = alone.path().join("floppy-delta.chd");
    std::fs::copy(&child, &copy).unwrap();
    assert!(oracle("hd/floppy-delta.verify.txt").contains("Requires parent"));
    let medium = open(&copy);
    assert!(
        medium
            .diagnostics
            .iter()
            .any(|d| d.code == "chd.parent-missing")
    );
    let (code, json) = verify_json(&copy, &[]);
    assert_eq!(code, 1);
    assert!(json["container"]["bad_blocks"].as_u64().unwrap() > 0);
    // The wrong parent is refused, naming both SHA-1s.
    let run = discscope([
        "info",
        child.to_str().unwrap(),
        "--parent",
        chd("hd/gpt16.chd").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("has SHA-1"), "{}", run.stderr());
    assert_eq!(run.stderr().lines().count(), 1);
}

#[test]
fn chd_damage_is_found_as_chdman_finds_it() {
    // A byte flipped inside hunk 0's compressed data.
    let flip = chd("bad/mode1-flip.chd");
    let theirs = oracle("bad/mode1-flip.verify.txt");
    assert!(theirs.contains("Decompression error") && theirs.contains("EXIT STATUS 1"));
    let (code, json) = verify_json(&flip, &[]);
    assert_eq!(code, 1);
    let container = &json["container"];
    assert_eq!(container["ok"], false);
    assert!(container["bad_blocks"].as_u64().unwrap() >= 1);
    let finding = &container["findings"][0];
    assert_eq!(finding["code"], "chd.hunk");
    assert!(finding["message"].as_str().unwrap().starts_with("hunk 0"));
    assert!(finding["offset"].as_u64().is_some());
    // A wrong raw SHA-1 in the header: both digests named.
    let sha = chd("bad/mode1-sha.chd");
    let theirs = oracle("bad/mode1-sha.verify.txt");
    let recorded = theirs
        .lines()
        .find_map(|l| l.strip_prefix("Error: Raw SHA1 in header = "))
        .unwrap();
    let actual = theirs
        .lines()
        .find_map(|l| l.trim().strip_prefix("actual SHA1 = "))
        .unwrap();
    let (code, json) = verify_json(&sha, &[]);
    assert_eq!(code, 1);
    let raw = &json["container"]["digests"][0];
    assert_eq!(raw["name"], "raw_sha1");
    assert_eq!(raw["stored"], recorded);
    assert_eq!(raw["computed"], actual);
    assert_eq!(raw["ok"], false);
    assert_eq!(json["bad_sectors"], 0, "the sectors themselves are fine");
    assert_eq!(json["ok"], false);
}

#[test]
fn chd_structure_shows_the_map_entry_of_a_sector() {
    for (path, lba, hunk) in [
        (chd("cd/mode1-cdlz.chd"), "250", 12),
        (chd("cd/mode1-none.chd"), "16", 2),
        (chd("hd/floppy.chd"), "20", 2),
    ] {
        let medium = open(&path);
        let store = medium.store.as_ref().unwrap();
        let structures = store.structures_at(Lba(lba.parse().unwrap()));
        assert_eq!(structures.len(), 1, "{}", path.display());
        let entry = &structures[0];
        assert!(
            entry
                .name
                .starts_with(&format!("CHD map entry of hunk {hunk}")),
            "{}",
            entry.name
        );
        let stored_as = entry.fields.iter().find(|f| f.name == "stored as").unwrap();
        assert!(!stored_as.value.to_string().is_empty());
    }
    // A raw (uncompressed) map entry is a 4-byte hunk number where it lies.
    let medium = open(&chd("cd/mode1-none.chd"));
    let entry = &medium.store.as_ref().unwrap().structures_at(Lba(0))[0];
    assert_eq!(entry.length, 4);
    let discscope::structure::Place::File { offset, .. } = &entry.place else {
        panic!()
    };
    assert_eq!(*offset, 124, "the first entry follows the v5 header");
}

#[test]
fn chd_opens_from_the_cli_with_info_and_sector() {
    let path = chd("cd/mode1-cdzl.chd");
    let run = discscope(["info", path.to_str().unwrap(), "--json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    assert_eq!(json["format"], "chd");
    assert_eq!(json["tracks"].as_array().unwrap().len(), 3);
    let run = discscope(["sector", path.to_str().unwrap(), "16", "--json"]);
    assert_eq!(run.code(), 0);
    let twin = discscope([
        "sector",
        fixture("cue/mode1/multi.cue").to_str().unwrap(),
        "16",
        "--json",
    ]);
    assert_eq!(
        run.json()["sectors"][0]["bytes"],
        twin.json()["sectors"][0]["bytes"]
    );
}

#[test]
fn a_chd_whose_writing_was_cut_short_says_so() {
    // chdman writes the map offset last; an interrupted run leaves it 0.
    let mut bytes = std::fs::read(chd("cd/mode1-cdlz.chd")).unwrap();
    bytes[40..48].fill(0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.chd");
    std::fs::write(&path, &bytes).unwrap();
    let error = container::open(&path).unwrap_err().to_string();
    assert!(error.contains("chdman did not finish writing"), "{error}");
}

#[test]
fn chd_hard_disks_holding_hfs_and_hfs_plus_list_as_their_images() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["hfs", "hfsplus"] {
        let source = if name == "hfs" { "floppy" } else { "plus" };
        let image = crate::disk::gunzip(&fixture(&format!("hfs/{source}.img.gz")), dir.path());
        let path = chd(&format!("hd/{name}.chd"));
        let a = Survey::new(Arc::new(open(&path)), &ViewOptions::default());
        let b = Survey::new(Arc::new(open(&image)), &ViewOptions::default());
        let kinds = |s: &Survey| s.views.iter().map(|v| v.kind).collect::<Vec<_>>();
        assert_eq!(kinds(&a), kinds(&b), "{name}");
        assert_eq!(a.views[0].kind.as_str(), name);
        // Every entry with its bytes, forks included.
        let listing = |s: &Survey| {
            let fs = s.views[0].fs.as_ref();
            let mut out = Vec::new();
            let reach = discscope::fs::walk::Reach {
                recursive: true,
                deleted: false,
            };
            discscope::fs::walk::walk(fs, &fs.root().unwrap(), "", reach, &mut |p, _, node| {
                let mut bytes = vec![0u8; usize::try_from(node.size).unwrap()];
                if node.kind == discscope::fs::NodeKind::File {
                    fs.read(node, 0, &mut bytes)?;
                }
                out.push((p.to_owned(), bytes));
                Ok(())
            })
            .unwrap();
            out
        };
        let ours = listing(&a);
        assert!(ours.len() > 5, "{name}: {}", ours.len());
        assert!(ours == listing(&b), "{name}");
        check_verify_good(
            &path,
            &oracle(&format!("hd/{name}.info.txt")),
            &oracle(&format!("hd/{name}.verify.txt")),
        );
    }
}

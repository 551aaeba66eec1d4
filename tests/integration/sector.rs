//! Raw sectors: verification and encoding against real images, damage
//! detection, and a plain second implementation of EDC and ECC.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // test code: a panic is a failed test

mod plain;

use std::path::Path;

use discscope::container;
use discscope::sector::subheader::Subheader;
use discscope::sector::{self, SectorMode, Storage, ecc, edc, encode, verify};
use discscope::units::Lba;

use crate::support::{corpus, discscope, fixture};

/// Every sector of an image, re-encoded from its user data, byte for byte.
fn assert_round_trip(image: &Path) -> usize {
    let medium = container::open(image).unwrap();
    let mut checked = 0;
    let mut lba = medium.first_lba();
    while lba < medium.end_lba() {
        let sector = medium.read_sector(lba).unwrap();
        let verdict = sector::judge_sector(&medium, &sector);
        let raw: &[u8; 2352] = sector.bytes[..].try_into().unwrap();
        let again = match verdict.mode {
            SectorMode::Mode1 => encode::mode1(lba, raw[16..2064].try_into().unwrap()).unwrap(),
            SectorMode::Mode2Form1 => encode::mode2_form1(
                lba,
                verdict.subheader.unwrap().first,
                raw[24..2072].try_into().unwrap(),
            )
            .unwrap(),
            SectorMode::Mode2Form2 => encode::mode2_form2(
                lba,
                verdict.subheader.unwrap().first,
                raw[24..2348].try_into().unwrap(),
                verdict.edc.unwrap().stored != 0,
            )
            .unwrap(),
            other => panic!("sector {lba}: unexpected {other}"),
        };
        assert!(again == *raw, "sector {lba} ({}) differs", verdict.mode);
        checked += 1;
        lba = Lba(lba.0 + 1);
    }
    checked
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_isofs_m1_verifies_clean() {
    let image = corpus().join("libcdio/test/data/isofs-m1.cue");
    let medium = container::open(&image).unwrap();
    let report = verify::verify(&medium, None, &|_, _| {}).unwrap();
    assert_eq!(report.sectors, 302);
    assert_eq!(report.good_sectors, 302, "{:?}", report.bad);
    assert_eq!(report.per_mode[SectorMode::Mode1.index()], 302);
    assert!(report.ok());
    let run = discscope(["verify".as_ref(), "--json".as_ref(), image.as_os_str()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    assert_eq!(json["sectors"], 302);
    assert_eq!(json["bad_sectors"], 0);
    assert_eq!(json["ok"], true);
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_isofs_m1_round_trip() {
    let image = corpus().join("libcdio/test/data/isofs-m1.cue");
    assert_eq!(assert_round_trip(&image), 302);
}

#[test]
fn vcdimager_image_verifies_clean_and_round_trips() {
    let image = fixture("sector/videocd.cue");
    let medium = container::open(&image).unwrap();
    let report = verify::verify(&medium, None, &|_, _| {}).unwrap();
    assert!(report.ok(), "{:?}", report.bad);
    assert_eq!(report.sectors, 685);
    assert_eq!(report.good_sectors, 685);
    let form1 = report.per_mode[SectorMode::Mode2Form1.index()];
    let form2 = report.per_mode[SectorMode::Mode2Form2.index()];
    assert!(form1 > 0 && form2 > 0, "form 1 {form1}, form 2 {form2}");
    assert_eq!(form1 + form2, 685);
    assert_eq!(assert_round_trip(&image), 685);
    // One track at a time adds up to the whole.
    let one = verify::verify(&medium, Some(1), &|_, _| {}).unwrap();
    let two = verify::verify(&medium, Some(2), &|_, _| {}).unwrap();
    assert_eq!(one.sectors + two.sectors, 685);
    assert!(verify::verify(&medium, Some(3), &|_, _| {}).is_err());
}

/// A tiny xorshift generator: fixed seeds, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn fill(&mut self, bytes: &mut [u8]) {
        bytes.iter_mut().for_each(|b| *b = self.next() as u8);
    }
}

const SUB_FORM1: Subheader = Subheader {
    file: 1,
    channel: 2,
    submode: 0x08,
    coding: 0,
};

/// The sector the plain implementation builds, independently of `encode`.
fn plain_sector(lba: i64, mode2: bool, user: &[u8; 2048]) -> [u8; 2352] {
    let mut s = [0u8; 2352];
    s[1..11].fill(0xff);
    let frames = lba + 150;
    let bcd = |v: i64| ((v / 10) << 4 | (v % 10)) as u8;
    s[12] = bcd(frames / 4500);
    s[13] = bcd(frames / 75 % 60);
    s[14] = bcd(frames % 75);
    if mode2 {
        s[15] = 2;
        s[16..20].copy_from_slice(&[1, 2, 0x08, 0]);
        s[20..24].copy_from_slice(&[1, 2, 0x08, 0]);
        s[24..2072].copy_from_slice(user);
        let edc = plain::edc(&s[16..2072]);
        s[2072..2076].copy_from_slice(&edc.to_le_bytes());
    } else {
        s[15] = 1;
        s[16..2064].copy_from_slice(user);
        let edc = plain::edc(&s[..2064]);
        s[2064..2068].copy_from_slice(&edc.to_le_bytes());
    }
    plain::write_parity(&mut s, mode2);
    s
}

#[test]
fn fast_edc_and_ecc_agree_with_the_plain_ones() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let mut user = [0u8; 2048];
        rng.fill(&mut user);
        let lba = rng.below(300_000) as i64 - 150;
        let mode2 = round % 2 == 1;
        // Encoding: both implementations build the same bytes.
        let fast = if mode2 {
            encode::mode2_form1(Lba(lba), SUB_FORM1, &user).unwrap()
        } else {
            encode::mode1(Lba(lba), &user).unwrap()
        };
        let slow = plain_sector(lba, mode2, &user);
        assert!(fast == slow, "round {round}: encodings differ");
        // Verification: damage a few random bytes and compare every
        // codeword's verdict.
        let mut damaged = fast;
        for _ in 0..1 + rng.below(4) {
            let at = 12 + rng.below(2340);
            damaged[at] ^= 1 + rng.below(255) as u8;
        }
        let check = ecc::check(&damaged, mode2);
        let (p, q) = plain::check(&damaged, mode2);
        for (n, ok) in p.iter().enumerate() {
            assert_eq!(
                check.p_bad >> n & 1 == 0,
                *ok,
                "round {round}: P codeword {n}"
            );
        }
        for (n, ok) in q.iter().enumerate() {
            assert_eq!(
                check.q_bad >> n & 1 == 0,
                *ok,
                "round {round}: Q codeword {n}"
            );
        }
        let len = rng.below(2353);
        assert_eq!(
            edc::compute(&damaged[..len]),
            plain::edc(&damaged[..len]),
            "round {round}: EDC of {len} bytes"
        );
    }
}

#[test]
fn parity_of_random_bytes_matches_the_plain_encoder() {
    // Whole random sectors, header included, so mode 2's zeroed header and
    // every byte position are exercised.
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for round in 0..1000 {
        let mut fast = [0u8; 2352];
        rng.fill(&mut fast);
        let mut slow = fast;
        let mode2 = round % 3 == 0;
        ecc::write_parity(&mut fast, mode2);
        plain::write_parity(&mut slow, mode2);
        assert!(fast == slow, "round {round}");
        assert!(ecc::check(&fast, mode2).ok());
        let (p, q) = plain::check(&fast, mode2);
        assert!(p.iter().chain(&q).all(|ok| *ok));
    }
}

/// A raw MODE1/2352 image of `count` sectors of random user data.
fn mode1_image(dir: &Path, count: i64) -> std::path::PathBuf {
    let mut rng = Rng(77);
    let mut bytes = Vec::new();
    for lba in 0..count {
        let mut user = [0u8; 2048];
        rng.fill(&mut user);
        bytes.extend_from_slice(&encode::mode1(Lba(lba), &user).unwrap());
    }
    let path = dir.join("mode1.bin");
    std::fs::write(&path, bytes).unwrap();
    path
}

fn damage(path: &Path, lba: usize, offset: usize, xor: u8) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[lba * 2352 + offset] ^= xor;
    std::fs::write(path, bytes).unwrap();
}

/// `verify --json` errors as (lba, problems).
fn verify_errors(image: &Path) -> (i32, Vec<(i64, Vec<String>)>) {
    let run = discscope(["verify".as_ref(), "--json".as_ref(), image.as_os_str()]);
    let json = run.json();
    let errors = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let problems = e["problems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_owned())
                .collect();
            (e["lba"].as_i64().unwrap(), problems)
        })
        .collect();
    assert_eq!(
        json["bad_sectors"].as_u64().unwrap() as usize,
        json["errors"].as_array().unwrap().len()
    );
    (run.code(), errors)
}

fn expect(list: &[(i64, &[&str])]) -> Vec<(i64, Vec<String>)> {
    list.iter()
        .map(|(lba, p)| (*lba, p.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn damage_is_found_exactly_where_it_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let image = mode1_image(dir.path(), 40);
    assert_eq!(verify_errors(&image), (0, Vec::new()));
    damage(&image, 3, 16 + 100, 0x01); // user data
    damage(&image, 5, 2076 + 10, 0x80); // P parity
    damage(&image, 7, 2248 + 7, 0x22); // Q parity
    damage(&image, 9, 12, 0x01); // header minute: 00 -> 01
    damage(&image, 11, 5, 0x10); // a sync byte
    damage(&image, 13, 2070, 0x04); // the zero field
    let (code, errors) = verify_errors(&image);
    assert_eq!(code, 1);
    // Mode 1: EDC covers 0..2064 (sync and header included), ECC covers
    // 12..2076 for P and 12..2248 for Q (the P parity included).
    assert_eq!(
        errors,
        expect(&[
            (3, &["edc", "ecc_p", "ecc_q"]),
            (5, &["ecc_p", "ecc_q"]),
            (7, &["ecc_q"]),
            (9, &["header_msf", "edc", "ecc_p", "ecc_q"]),
            (11, &["sync", "edc"]),
            (13, &["ecc_p", "ecc_q", "zero"]),
        ])
    );
}

#[test]
fn damage_in_mode2_forms_is_found_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["videocd.bin", "videocd.cue"] {
        std::fs::copy(fixture("sector").join(name), dir.path().join(name)).unwrap();
    }
    let bin = dir.path().join("videocd.bin");
    let cue = dir.path().join("videocd.cue");
    // Track 1 (ISO 9660 part) is form 1, the MPEG track 2 form 2.
    damage(&bin, 20, 20, 0x01); // second subheader copy, form 1
    damage(&bin, 22, 12, 0x01); // header minute, form 1: not in EDC or ECC
    damage(&bin, 24, 30, 0x40); // user data, form 1
    damage(&bin, 25, 2076, 0x01); // P parity, form 1
    damage(&bin, 600, 1000, 0x08); // user data, form 2
    damage(&bin, 610, 19, 0x02); // first subheader copy (coding), form 2
    damage(&bin, 620, 0, 0xff); // a sync byte, form 2
    let (code, errors) = verify_errors(&cue);
    assert_eq!(code, 1);
    assert_eq!(
        errors,
        expect(&[
            (20, &["subheader", "edc", "ecc_p", "ecc_q"]),
            (22, &["header_msf"]),
            (24, &["edc", "ecc_p", "ecc_q"]),
            (25, &["ecc_p", "ecc_q"]),
            (600, &["edc"]),
            (610, &["subheader", "edc"]),
            (620, &["sync"]),
        ])
    );
}

#[test]
fn sector_json_follows_the_contract() {
    let image = fixture("sector/videocd.cue");
    let run = discscope([
        "sector".as_ref(),
        image.as_os_str(),
        "00:02:16".as_ref(),
        "--count".as_ref(),
        "2".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    let sectors = json["sectors"].as_array().unwrap();
    assert_eq!(sectors.len(), 2);
    let s = &sectors[0];
    assert_eq!(s["lba"], 16);
    assert_eq!(s["msf"], "00:02:16");
    assert_eq!(s["track"], 1);
    assert_eq!(s["size"], 2352);
    assert_eq!(s["mode"], "mode2_form1");
    assert_eq!(s["header"]["msf"], "00:02:16");
    assert_eq!(s["header"]["expected_msf"], "00:02:16");
    assert_eq!(s["header"]["mode"], 2);
    assert_eq!(s["subheader"]["copies_match"], true);
    assert_eq!(s["edc"]["ok"], true);
    assert_eq!(s["ecc"]["p_ok"], true);
    assert_eq!(s["ecc"]["q_ok"], true);
    assert_eq!(s["bytes"].as_str().unwrap().len(), 2 * 2352);
    // The primary volume descriptor sits in the user data.
    assert!(s["bytes"].as_str().unwrap()[48..60].eq("014344303031"));
    let names: Vec<_> = s["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sync",
            "header",
            "subheader",
            "user_data",
            "edc",
            "ecc_p",
            "ecc_q"
        ]
    );
    assert_eq!(sectors[1]["lba"], 17);
    // Every address form names the same sector.
    for addr in ["16", "00:02:16", &format!("{:#x}", 16 * 2352 + 100)] {
        let run = discscope([
            "sector".as_ref(),
            image.as_os_str(),
            addr.as_ref(),
            "--json".as_ref(),
        ]);
        assert_eq!(run.json()["sectors"][0]["lba"], 16, "{addr}");
    }
    let bad = discscope(["sector".as_ref(), image.as_os_str(), "12:xx".as_ref()]);
    assert_eq!(bad.code(), 2);
    assert_eq!(bad.stderr().lines().count(), 1, "{}", bad.stderr());
    let past = discscope(["sector".as_ref(), image.as_os_str(), "685".as_ref()]);
    assert_eq!(past.code(), 2);
}

#[test]
fn sector_text_names_fields_without_colour() {
    let image = fixture("sector/videocd.cue");
    let run = discscope(["sector".as_ref(), image.as_os_str(), "16".as_ref()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    assert!(!text.contains('\x1b'), "no colour with NO_COLOR");
    let first_row = text.lines().find(|l| l.starts_with("0000 ")).unwrap();
    assert!(first_row.ends_with("sync header"), "{first_row}");
    assert!(text.contains("0010 │ 00 00 09 00 00 00 09 00"), "{text}");
    assert!(text.contains("subheader file 0 channel 0 submode 0x09 [data eor]"));
    assert!(text.contains("verdict   no problems found"));
    // (`--color` goes after the subcommand: before it, clap takes the
    // subcommand name for the inspector's IMAGE.)
    let coloured = discscope([
        "sector".as_ref(),
        "--color=always".as_ref(),
        image.as_os_str(),
        "16".as_ref(),
    ]);
    assert!(
        coloured.stdout().contains("\x1b[33m0"),
        "header bytes in yellow"
    );
    assert!(coloured.stdout().contains("■ ecc_q"));
}

#[test]
fn verify_text_and_track_filter() {
    let image = fixture("sector/videocd.cue");
    let run = discscope([
        "verify".as_ref(),
        image.as_os_str(),
        "--track".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout().contains("verified 385 sectors"),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("mode 2 form 2"));
    let none = discscope([
        "verify".as_ref(),
        image.as_os_str(),
        "--track".as_ref(),
        "9".as_ref(),
    ]);
    assert_eq!(none.code(), 2);
    assert!(none.stderr().contains("no track 9"), "{}", none.stderr());
}

#[test]
fn storage_kinds_are_judged_by_what_they_store() {
    let user = [7u8; 2048];
    let raw = encode::mode2_form1(Lba(3), SUB_FORM1, &user).unwrap();
    let headerless = sector::judge(&raw[16..], Lba(3), Storage::Headerless);
    assert_eq!(headerless.mode, SectorMode::Mode2Form1);
    assert!(headerless.problems.is_empty(), "{:?}", headerless.problems);
    assert_eq!(
        headerless.layout.range(sector::FieldKind::Edc),
        Some(2056..2060)
    );
    let cooked = sector::judge(&user, Lba(3), Storage::Cooked);
    assert_eq!(cooked.mode, SectorMode::Cooked);
    let empty = sector::judge(
        &[0u8; 2352],
        Lba(3),
        Storage::Raw {
            expected_mode: Some(1),
        },
    );
    assert_eq!(empty.note, Some(sector::Note::Empty));
    assert!(empty.problems.is_empty());
    let mut fill = [0x55u8; 2352];
    fill[..16].copy_from_slice(&raw[..16]);
    let filled = sector::judge(
        &fill,
        Lba(3),
        Storage::Raw {
            expected_mode: Some(2),
        },
    );
    assert_eq!(filled.note, Some(sector::Note::Fill55));
    assert!(filled.problems.is_empty());
    // Form 2 with EDC 0: allowed.
    let sub2 = Subheader {
        submode: 0x20,
        ..SUB_FORM1
    };
    let form2 = encode::mode2_form2(Lba(3), sub2, &[9u8; 2324], false).unwrap();
    let v = sector::judge(
        &form2,
        Lba(3),
        Storage::Raw {
            expected_mode: Some(2),
        },
    );
    assert_eq!(v.note, Some(sector::Note::Form2EdcZero));
    assert!(v.problems.is_empty());
    // PlayStation: form 1 sectors 12-15 with EDC 0.
    let mut psx = encode::mode2_form1(Lba(13), SUB_FORM1, &user).unwrap();
    psx[2072..2076].fill(0);
    ecc::write_parity(&mut psx, true);
    let v = sector::judge(
        &psx,
        Lba(13),
        Storage::Raw {
            expected_mode: Some(2),
        },
    );
    assert_eq!(v.note, Some(sector::Note::PlaystationEdcZero));
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let mut elsewhere = encode::mode2_form1(Lba(40), SUB_FORM1, &user).unwrap();
    elsewhere[2072..2076].fill(0);
    ecc::write_parity(&mut elsewhere, true);
    let v = sector::judge(
        &elsewhere,
        Lba(40),
        Storage::Raw {
            expected_mode: Some(2),
        },
    );
    assert_eq!(v.problems.names(), ["edc"]);
    // ECC over a non-zeroed header.
    let mut over = encode::mode2_form1(Lba(50), SUB_FORM1, &user).unwrap();
    ecc::write_parity(&mut over, false);
    let v = sector::judge(
        &over,
        Lba(50),
        Storage::Raw {
            expected_mode: Some(2),
        },
    );
    assert_eq!(v.note, Some(sector::Note::EccOverHeader));
    assert!(v.problems.is_empty());
    // A mode byte that is neither 0, 1 nor 2, and a mode 1 sector in a mode 2 track.
    let mut odd = encode::mode1(Lba(3), &user).unwrap();
    let v = sector::judge(
        &odd,
        Lba(3),
        Storage::Raw {
            expected_mode: Some(2),
        },
    );
    assert_eq!(v.problems.names(), ["mode"]);
    odd[15] = 7;
    let v = sector::judge(
        &odd,
        Lba(3),
        Storage::Raw {
            expected_mode: Some(1),
        },
    );
    assert_eq!(v.mode, SectorMode::Unknown);
    assert!(v.problems.contains(sector::Problem::Mode));
}

#[test]
fn mixed_mode_image_counts_audio_separately() {
    let dir = tempfile::tempdir().unwrap();
    let data = mode1_image(dir.path(), 30);
    let mut bytes = std::fs::read(&data).unwrap();
    // 20 sectors of "audio": any bytes at all, never judged.
    let mut rng = Rng(5);
    let mut audio = vec![0u8; 20 * 2352];
    rng.fill(&mut audio);
    bytes.extend_from_slice(&audio);
    std::fs::write(dir.path().join("mixed.bin"), bytes).unwrap();
    let cue = dir.path().join("mixed.cue");
    std::fs::write(
        &cue,
        "FILE \"mixed.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:00:30\n",
    )
    .unwrap();
    let run = discscope(["verify".as_ref(), "--json".as_ref(), cue.as_os_str()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["sectors"], 50);
    assert_eq!(json["data_sectors"], 30);
    assert_eq!(json["audio_sectors"], 20);
    assert_eq!(json["bad_sectors"], 0);
    assert_eq!(json["modes"]["audio"], 20);
    assert_eq!(json["modes"]["mode1"], 30);
    let text = discscope(["verify".as_ref(), cue.as_os_str()]).stdout();
    assert!(text.contains("(counted, not judged)"), "{text}");
}

#[test]
fn judging_arbitrary_bytes_never_panics() {
    let mut rng = Rng(99);
    let storages = [
        Storage::Raw {
            expected_mode: None,
        },
        Storage::Raw {
            expected_mode: Some(2),
        },
        Storage::Headerless,
        Storage::Cooked,
        Storage::Audio,
        Storage::Disk,
    ];
    for round in 0..2000 {
        let len = match round % 4 {
            0 => 2352,
            1 => 2336,
            _ => rng.below(3000),
        };
        let mut bytes = vec![0u8; len];
        rng.fill(&mut bytes);
        if round % 3 == 0 && len >= 16 {
            bytes[..12].copy_from_slice(&sector::SYNC);
            bytes[15] = (round % 4) as u8;
        }
        for storage in storages {
            let lba = Lba(rng.below(500_000) as i64 - 1000);
            let v = sector::judge(&bytes, lba, storage);
            let covered: usize = v.layout.fields().map(|f| f.length).sum();
            assert!(covered <= len.max(2352), "{storage:?} {len}");
        }
    }
}

#[test]
fn vcdimager_tracks_match_cd_info() {
    // The oracle listing beside the fixture: "  1: 00:02:00  000000 XA ...".
    let oracle = std::fs::read_to_string(fixture("sector/videocd.cd-info.txt")).unwrap();
    let starts: Vec<(u64, i64)> = oracle
        .lines()
        .filter_map(|line| {
            let (number, rest) = line.trim().split_once(':')?;
            let lsn = rest.split_whitespace().nth(1)?;
            Some((number.parse().ok()?, lsn.parse().ok()?))
        })
        .collect();
    assert_eq!(starts, [(1, 0), (2, 450), (170, 685)]);
    let run = discscope([
        "tracks".as_ref(),
        "--json".as_ref(),
        fixture("sector/videocd.cue").as_os_str(),
    ]);
    let json = run.json();
    for (i, (number, lsn)) in starts.iter().take(2).enumerate() {
        assert_eq!(json["tracks"][i]["number"], *number);
        assert_eq!(json["tracks"][i]["start"], *lsn);
    }
}

#[test]
fn unstored_pregap_is_counted_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    mode1_image(dir.path(), 10);
    let cue = dir.path().join("gap.cue");
    std::fs::write(
        &cue,
        "FILE \"mode1.bin\" BINARY\n  TRACK 01 MODE1/2352\n    PREGAP 00:00:05\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let run = discscope(["verify".as_ref(), "--json".as_ref(), cue.as_os_str()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["bad_sectors"], 0);
    assert_eq!(json["good_sectors"], 10);
    assert_eq!(json["intentional"]["not_stored"], 5, "{json}");
}

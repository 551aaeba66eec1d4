//! Raw sectors: verification and encoding against real images, damage
//! detection, and a plain second implementation of EDC and ECC.

mod cli;
mod damage;
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
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(super) fn fill(&mut self, bytes: &mut [u8]) {
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
pub(super) fn mode1_image(dir: &Path, count: i64) -> std::path::PathBuf {
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
    assert_eq!(empty.note, Some(sector::Oddity::Empty));
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
    assert_eq!(filled.note, Some(sector::Oddity::Fill55));
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
    assert_eq!(v.note, Some(sector::Oddity::Form2EdcZero));
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
    assert_eq!(v.note, Some(sector::Oddity::PlaystationEdcZero));
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
    assert_eq!(v.note, Some(sector::Oddity::EccOverHeader));
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

//! Raw sectors: verification and encoding against real images, damage
//! detection, and a plain second implementation of EDC and ECC.

mod plain;

use std::path::Path;

use discscope::container;
use discscope::sector::subheader::Subheader;
use discscope::sector::{self, SectorMode, Storage, encode, verify};
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

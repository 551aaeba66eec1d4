//! Damage chosen bytes of chosen sectors; `verify` must name exactly those
//! sectors with exactly the problems the covered ranges imply.

use std::path::Path;

use super::mode1_image;
use crate::support::{discscope, fixture};

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

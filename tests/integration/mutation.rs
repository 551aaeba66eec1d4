//! Fixed-seed mutation: thousands of damaged variants of valid inputs are
//! parsed and opened; each must end in a value or an error, never a panic,
//! quickly.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use crate::support::{Rng, mutate};
use discscope::container;
use discscope::container::cue::sheet::Sheet;
use discscope::units::Lba;

const TOKENS: [&[u8]; 16] = [
    b"FILE ",
    b"TRACK ",
    b"INDEX ",
    b"PREGAP ",
    b"POSTGAP ",
    b"REM SESSION ",
    b"\"",
    b"\n",
    b"\r\n",
    b"99:59:74",
    b"00:00:75",
    b"-1",
    b"MODE2/2352",
    b"AUDIO",
    b"\xff\xfe",
    b"\0",
];

const SHEET: &str = "REM SESSION 01\nCATALOG 0000012101954\nFILE \"a.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    FLAGS DCP\n    PREGAP 00:00:02\n    INDEX 00 00:00:03\n    INDEX 01 00:00:04\n    POSTGAP 00:00:01\nREM SESSION 02\nFILE \"b.bin\" BINARY\n  TRACK 03 MODE2/2352\n    INDEX 01 00:00:00\n";

#[test]
fn mutated_sheets_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.bin"), vec![0u8; 2352 * 8]).unwrap();
    std::fs::write(dir.path().join("b.bin"), vec![0u8; 2352 * 3]).unwrap();
    let mut rng = Rng(0x5eed_d15c);
    let started = Instant::now();
    for case in 0..3000 {
        let bytes = mutate(&mut rng, SHEET.as_bytes(), &TOKENS);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let _ = Sheet::parse_bytes(&bytes);
            let path = dir.path().join("m.cue");
            std::fs::write(&path, &bytes).unwrap();
            if let Ok(medium) = container::open(&path) {
                for lba in [
                    medium.first_lba().0,
                    0,
                    5,
                    medium.end_lba().0 - 1,
                    medium.end_lba().0,
                ] {
                    let _ = medium.read_sector(Lba(lba));
                }
            }
        }));
        assert!(
            outcome.is_ok(),
            "case {case} panicked on:\n{}",
            String::from_utf8_lossy(&bytes)
        );
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn mutated_raw_images_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut base = vec![0u8; 2352 * 20];
    for sector in base.chunks_mut(2352) {
        sector[..12].copy_from_slice(&[0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0]);
        sector[15] = 1;
    }
    let mut rng = Rng(42);
    for case in 0..300 {
        let mut bytes = base.clone();
        for _ in 0..=rng.below(16) {
            let at = rng.below(bytes.len());
            bytes[at] = rng.next() as u8;
        }
        bytes.truncate(rng.below(bytes.len() + 1).max(1));
        let path = dir.path().join("m.bin");
        std::fs::write(&path, &bytes).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if let Ok(medium) = container::open(&path) {
                let _ = medium.read_sector(Lba(0));
                let survey = discscope::survey::Survey::new(
                    std::sync::Arc::new(medium),
                    &Default::default(),
                );
                let _ = discscope::inspect::summary::info(&survey);
            }
        }));
        assert!(outcome.is_ok(), "case {case} panicked");
    }
}

//! Fixed-seed mutation of every sheet in the doctor's table: each damaged
//! sheet is checked, repaired and rendered beside its data, and must end
//! in a report, quickly, never in a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use discscope::lint;

use super::{cases, set_up};
use crate::support::{Rng, mutate};

const TOKENS: [&[u8]; 20] = [
    b"FILE ",
    b"TRACK ",
    b"INDEX ",
    b"INDEX 00 ",
    b"PREGAP 00:02:00",
    b"POSTGAP ",
    b"REM SESSION 02",
    b"\"",
    b"\n",
    b"\r\n",
    b"99:59:74",
    b"00:00:75",
    b"MODE1/2352",
    b"MODE2/2048",
    b"AUDIO",
    b"WAVE",
    b"\xef\xbb\xbf",
    b"\0",
    b"C:\\x\\",
    b"\x1b[31m\xe2\x80\xae",
];

#[test]
fn mutated_sheets_never_panic_or_hang() {
    let mut rng = Rng(0x5eed_d0c7_0000_0006);
    let mut runs = 0;
    for case in cases() {
        let dir = set_up(&case);
        for _ in 0..30 {
            let sheet = mutate(&mut rng, &case.sheet, &TOKENS);
            let path = dir.path().join("mutated.cue");
            std::fs::write(&path, &sheet).unwrap();
            let started = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let report = lint::check(&path);
                let _ = lint::render(&report, true);
                let repaired = lint::repair(&sheet, dir.path());
                let _ = lint::unified_diff("", &repaired.text, "a", "b");
            }));
            assert!(
                outcome.is_ok(),
                "{}: panicked on {:?}",
                case.name,
                String::from_utf8_lossy(&sheet)
            );
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{}: slow on {:?}",
                case.name,
                String::from_utf8_lossy(&sheet)
            );
            runs += 1;
        }
    }
    assert!(runs >= 1500, "{runs}");
}

/// `fix --from-data` on damaged copies of the real images (bytes flipped,
/// cut short, a `.sub` of the wrong size or full of noise) writes a sheet
/// or fails, never panics or hangs.
#[test]
fn from_data_on_damaged_images_never_panics() {
    let mut rng = Rng(0xf00d_0000_0006);
    let originals = [
        std::fs::read(crate::support::fixture("cue/mixed/single.bin")).unwrap(),
        std::fs::read(crate::support::fixture("sector/videocd.bin")).unwrap(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("disc.bin");
    let sub = dir.path().join("disc.sub");
    for round in 0..40 {
        let mut image = originals[round % 2].clone();
        for _ in 0..50 {
            let at = rng.below(image.len());
            image[at] = rng.next() as u8;
        }
        if round % 3 == 0 {
            image.truncate(rng.below(image.len()));
        }
        std::fs::write(&bin, &image).unwrap();
        if round % 4 == 1 {
            let sectors = image.len() / 2352;
            let noise: Vec<u8> = (0..sectors * 96).map(|_| rng.next() as u8).collect();
            std::fs::write(&sub, noise).unwrap();
        } else {
            let _ = std::fs::remove_file(&sub);
        }
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| lint::sheet_from_data(&bin)));
        assert!(outcome.is_ok(), "round {round}: panicked");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "round {round}: slow"
        );
        if let Ok(Ok(text)) = outcome {
            // Whatever was written reads back as a sheet.
            let report = lint::check_bytes(text.as_bytes(), dir.path());
            assert!(!report.lines.is_empty(), "round {round}: {text}");
        }
    }
}

//! Repair by ECC: real and encoded sectors, damaged by a fixed-seed
//! generator in every class the issue names, must come back byte for byte
//! or be called uncorrectable; a "repaired" sector that differs from the
//! original (a miscorrection) fails the test.

use std::collections::BTreeMap;
use std::path::Path;

use discscope::container;
use discscope::sector::repair::{self, RepairOutcome};
use discscope::sector::{self, SectorMode, Storage, ecc, encode};
use discscope::units::Lba;

use crate::support::{Rng, corpus, discscope, fixture};

/// One way of damaging a sector: the offsets it changes.
type Damage = fn(&mut Rng) -> Vec<usize>;

fn random_bytes(rng: &mut Rng, n: usize) -> Vec<usize> {
    (0..n).map(|_| rng.below(2352)).collect()
}

/// The damage classes: random bytes, bursts, whole P rows and columns,
/// whole Q diagonals, the header and the sync.
const CLASSES: &[(&str, Damage)] = &[
    ("1 byte", |rng| random_bytes(rng, 1)),
    ("2 bytes", |rng| random_bytes(rng, 2)),
    ("3-8 bytes", |rng| {
        let n = 3 + rng.below(6);
        random_bytes(rng, n)
    }),
    ("9-40 bytes", |rng| {
        let n = 9 + rng.below(32);
        random_bytes(rng, n)
    }),
    ("burst 2-16", |rng| {
        let len = 2 + rng.below(15);
        let start = rng.below(2352 - len);
        (start..start + len).collect()
    }),
    ("burst 17-200", |rng| {
        let len = 17 + rng.below(184);
        let start = rng.below(2352 - len);
        (start..start + len).collect()
    }),
    ("P row", |rng| {
        // One row of the P matrix: a byte of every P codeword.
        let row = rng.below(26);
        (0..86).map(|n| ecc::p_byte(n, row)).collect()
    }),
    ("P column", |rng| {
        // A whole P codeword: 26 bytes, each in its own Q codeword.
        let n = rng.below(ecc::P_CODEWORDS);
        (0..ecc::P_SYMBOLS).map(|i| ecc::p_byte(n, i)).collect()
    }),
    ("Q diagonal", |rng| {
        let n = rng.below(ecc::Q_CODEWORDS);
        (0..ecc::Q_SYMBOLS).map(|i| ecc::q_byte(n, i)).collect()
    }),
    ("two P columns", |rng| {
        let (a, b) = (rng.below(86), rng.below(86));
        (0..26)
            .flat_map(|i| [ecc::p_byte(a, i), ecc::p_byte(b, i)])
            .collect()
    }),
    ("header", |rng| {
        let n = 1 + rng.below(4);
        (0..n).map(|_| 12 + rng.below(4)).collect()
    }),
    ("sync", |rng| {
        let n = 1 + rng.below(12);
        (0..n).map(|_| rng.below(12)).collect()
    }),
];

#[derive(Default)]
struct Tally {
    trials: u64,
    restored: u64,
    uncorrectable: u64,
    miscorrected: u64,
}

/// Damages each sample in every class `trials` times and repairs it.
fn exercise(
    samples: &[(Lba, [u8; 2352], u8)],
    trials: usize,
    seed: u64,
) -> BTreeMap<&'static str, Tally> {
    let mut rng = Rng(seed);
    let mut tallies: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for (name, damage) in CLASSES {
        let tally = tallies.entry(name).or_default();
        for trial in 0..trials {
            let (lba, good, mode) = &samples[trial % samples.len()];
            let mut bad = *good;
            for at in damage(&mut rng) {
                bad[at] ^= 1 + rng.below(255) as u8;
            }
            if bad == *good {
                continue;
            }
            let verdict = sector::judge(
                &bad,
                *lba,
                Storage::Raw {
                    expected_mode: Some(*mode),
                },
            );
            let r = repair::repair(&bad, &verdict, *lba, Some(*mode), &[]);
            tally.trials += 1;
            match r.outcome {
                RepairOutcome::Repaired if r.sector.as_deref() == Some(good) => tally.restored += 1,
                RepairOutcome::Repaired => tally.miscorrected += 1,
                RepairOutcome::Uncorrectable(_) => tally.uncorrectable += 1,
                // Damage that turned the mode byte or the form bit into
                // something parity cannot speak for is left alone.
                RepairOutcome::NotAttempted(_) | RepairOutcome::Whole => tally.uncorrectable += 1,
            }
        }
    }
    tallies
}

fn report(label: &str, tallies: &BTreeMap<&'static str, Tally>) {
    eprintln!("{label}: class, trials, restored %, uncorrectable %, miscorrected");
    for (name, t) in tallies {
        let pct = |n: u64| 100.0 * n as f64 / t.trials.max(1) as f64;
        eprintln!(
            "  {name:<14} {:>5} {:>7.1} {:>7.1} {}",
            t.trials,
            pct(t.restored),
            pct(t.uncorrectable),
            t.miscorrected
        );
    }
    for (name, t) in tallies {
        assert_eq!(t.miscorrected, 0, "{label}: {name} miscorrected");
        assert!(t.trials > 0, "{label}: {name} never damaged anything");
    }
}

/// Mode 1 and form 1 sectors of an image, as (LBA, bytes, track mode).
fn samples_of(image: &Path, most: usize) -> Vec<(Lba, [u8; 2352], u8)> {
    let medium = container::open(image).unwrap();
    let mut out = Vec::new();
    let mut lba = medium.first_lba();
    while lba < medium.end_lba() && out.len() < most {
        let s = medium.read_sector(lba).unwrap();
        let v = sector::judge_sector(&medium, &s);
        let mode = match v.mode {
            SectorMode::Mode1 => 1,
            SectorMode::Mode2Form1 => 2,
            _ => 0,
        };
        if mode != 0 && !v.is_bad() && v.note.is_none() {
            out.push((lba, s.bytes[..].try_into().unwrap(), mode));
        }
        lba = Lba(lba.0 + 1);
    }
    out
}

#[test]
fn encoded_and_vcdimager_sectors_are_restored_or_called_uncorrectable() {
    let mut rng = Rng(0x5eed);
    let encoded: Vec<(Lba, [u8; 2352], u8)> = (0..16)
        .map(|i| {
            let lba = Lba(1000 + i);
            let mut user = [0u8; 2048];
            for b in user.iter_mut() {
                *b = rng.next() as u8;
            }
            (lba, encode::mode1(lba, &user).unwrap(), 1)
        })
        .collect();
    report("encoder mode 1", &exercise(&encoded, 100, 1));
    let vcd = samples_of(&fixture("sector/videocd.cue"), 64);
    assert!(vcd.iter().any(|s| s.2 == 2), "vcdimager's form 1 sectors");
    report("vcdimager form 1", &exercise(&vcd, 100, 2));
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_isofs_m1_sectors_are_restored_or_called_uncorrectable() {
    let samples = samples_of(&corpus().join("libcdio/test/data/isofs-m1.cue"), 302);
    assert!(samples.len() > 250);
    report("isofs-m1.bin", &exercise(&samples, 400, 3));
}

/// `sector --repair` previews the demo's damaged sector; `verify
/// --repair-preview` counts what parity can correct.
#[test]
fn repair_preview_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = discscope::demo::write(dir.path()).unwrap();
    let sheet = sheet.to_str().unwrap();
    let run = discscope(["sector", sheet, "36", "--repair", "--color=never"]);
    let text = run.stdout();
    assert!(text.contains("repairable"), "{text}");
    assert!(text.contains(" after"), "{text}");
    let json = discscope(["sector", sheet, "36", "--repair", "--json"]).json();
    let repair = &json["sectors"][0]["repair"];
    assert_eq!(repair["outcome"], "repaired", "{json}");
    assert!(!repair["changes"].as_array().unwrap().is_empty());
    let run = discscope(["verify", sheet, "--repair-preview", "--json"]);
    let json = run.json();
    assert_eq!(json["errors"][0]["repair"]["outcome"], "repaired", "{json}");
    assert!(json["errors"][0]["repair"]["bytes"].as_u64().unwrap() > 0);
}

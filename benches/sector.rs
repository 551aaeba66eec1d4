//! EDC + ECC verification throughput of in-memory raw sectors, the work
//! `discscope verify` does per sector once the bytes are read.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)] // test code: a panic is a failed test

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use discscope::sector::subheader::Subheader;
use discscope::sector::{Storage, ecc, edc, encode, judge, repair};
use discscope::units::Lba;

fn sectors(count: usize) -> Vec<[u8; 2352]> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..count)
        .map(|i| {
            let mut user = [0u8; 2048];
            for b in user.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = state as u8;
            }
            let lba = Lba(i as i64);
            if i % 2 == 0 {
                encode::mode1(lba, &user).unwrap()
            } else {
                let sub = Subheader {
                    file: 1,
                    channel: 0,
                    submode: 8,
                    coding: 0,
                };
                encode::mode2_form1(lba, sub, &user).unwrap()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = sectors(1024);
    let mut group = c.benchmark_group("sector");
    group.throughput(Throughput::Bytes((data.len() * 2352) as u64));
    group.bench_function("judge (EDC+ECC, full verdict)", |b| {
        b.iter(|| {
            let mut bad = 0;
            for (i, s) in data.iter().enumerate() {
                let v = judge(
                    black_box(s),
                    Lba(i as i64),
                    Storage::Raw {
                        expected_mode: None,
                    },
                );
                bad += usize::from(v.is_bad());
            }
            assert_eq!(bad, 0);
        })
    });
    group.bench_function("edc", |b| {
        b.iter(|| {
            data.iter()
                .fold(0u32, |acc, s| acc ^ edc::compute(black_box(&s[..2064])))
        })
    });
    group.bench_function("ecc p+q check", |b| {
        b.iter(|| {
            data.iter()
                .filter(|s| ecc::check(black_box(s), false).ok())
                .count()
        })
    });
    group.finish();

    // Repair: each sector with one damaged byte, judged then repaired; the
    // throughput is in sectors (the target: 100,000 a second).
    let damaged: Vec<[u8; 2352]> = data
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut bad = *s;
            bad[(i * 977) % 2352] ^= 0x5a;
            bad
        })
        .collect();
    let mut group = c.benchmark_group("repair");
    group.throughput(Throughput::Elements(damaged.len() as u64));
    group.bench_function("one damaged byte a sector", |b| {
        b.iter(|| {
            let mut repaired = 0;
            for (i, s) in damaged.iter().enumerate() {
                let lba = Lba(i as i64);
                let mode = if i % 2 == 0 { 1 } else { 2 };
                let storage = Storage::Raw {
                    expected_mode: Some(mode),
                };
                let verdict = judge(black_box(s), lba, storage);
                let r = repair::repair(s, &verdict, lba, Some(mode), &[]);
                repaired += usize::from(r.outcome == repair::RepairOutcome::Repaired);
            }
            assert_eq!(repaired, damaged.len());
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

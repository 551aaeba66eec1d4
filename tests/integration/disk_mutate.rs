//! Mutated disk images: thousands of variants of the fixtures from a fixed
//! seed, each opened, walked and read under `catch_unwind` with a time bound.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

use discscope::fs::fat::{self, SectorMap};
use discscope::fs::{Filesystem, NodeKind};
use discscope::io::MemorySource;
use discscope::partition;

use crate::support::{Rng, fixture};

fn mutate(rng: &mut Rng, bytes: &mut [u8], regions: &[(usize, usize)]) {
    for _ in 0..=rng.below(8) {
        let (start, len) = regions[rng.below(regions.len())];
        let at = start + rng.below(len);
        bytes[at] = match rng.below(4) {
            0 => 0,
            1 => 0xFF,
            2 => bytes[at] ^ (1 << rng.below(8)),
            _ => rng.next() as u8,
        };
    }
}

/// Opens, walks (bounded) and reads everything; the result is ignored,
/// only panics and time matter.
fn exercise_fat(bytes: Vec<u8>) {
    let source = Arc::new(MemorySource::new(bytes, "mutant"));
    let Some(Ok(fs)) = fat::probe_source(
        source,
        SectorMap {
            base: 0,
            block: 512,
        },
    ) else {
        return;
    };
    let _ = fs.label();
    let _ = fs.structures();
    let Ok(root) = fs.root() else { return };
    let mut stack = vec![(root, 0)];
    let mut seen = HashSet::new();
    let mut budget = 2000;
    while let Some((dir, depth)) = stack.pop() {
        let Ok(children) = fs.children(&dir) else {
            continue;
        };
        for child in children {
            budget -= 1;
            if budget == 0 {
                return;
            }
            if child.kind == NodeKind::Dir {
                if depth < 16 && seen.insert(child.id) {
                    stack.push((child, depth + 1));
                }
            } else {
                let mut buf = vec![0u8; 8192];
                let _ = fs.read(&child, 0, &mut buf);
                let _ = fs.read(&child, child.size.saturating_sub(10), &mut buf);
            }
        }
    }
    let _ = fs.check();
}

fn exercise_table(bytes: Vec<u8>) {
    let source = MemorySource::new(bytes, "mutant");
    let _ = partition::read(&source);
}

fn run(name: &str, base: &[u8], regions: &[(usize, usize)], variants: u64, f: fn(Vec<u8>)) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let start = Instant::now();
    for i in 0..variants {
        let mut bytes = base.to_vec();
        mutate(&mut rng, &mut bytes, regions);
        let one = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| f(bytes.clone())));
        if result.is_err() {
            let path = std::env::temp_dir().join(format!("discscope-mutant-{name}-{i}.img"));
            std::fs::write(&path, &bytes).unwrap();
            panic!("{name} variant {i} panicked; saved to {}", path.display());
        }
        assert!(
            one.elapsed() < Duration::from_secs(2),
            "{name} variant {i} took {:?}",
            one.elapsed()
        );
    }
    eprintln!("{name}: {variants} variants in {:?}", start.elapsed());
}

#[test]
fn mutated_fat_images_never_panic_or_hang() {
    let base = std::fs::read(fixture("disk/floppy.img")).unwrap();
    // Boot sector, both FATs, the root directory and the first data clusters.
    run(
        "fat12",
        &base,
        &[
            (0, 512),
            (512, 512 * 6),
            (512 * 7, 512 * 7),
            (512 * 14, 512 * 8),
        ],
        1500,
        exercise_fat,
    );
    let base = std::fs::read(fixture("disk/hostile/fat-cycle.img")).unwrap();
    run(
        "fat-cycle",
        &base,
        &[(0, 512), (512, 1024), (512 * 3, 2048)],
        500,
        exercise_fat,
    );
}

#[test]
fn mutated_partition_tables_never_panic_or_hang() {
    let scratch = tempfile::tempdir().unwrap();
    let gpt = std::fs::read(crate::disk::gunzip(
        &fixture("disk/gpt16.img.gz"),
        scratch.path(),
    ))
    .unwrap();
    let n = gpt.len();
    run(
        "gpt",
        &gpt,
        &[
            (446, 66),
            (512, 92),
            (1024, 256),
            (n - 512, 92),
            (n - 33 * 512, 256),
        ],
        1500,
        exercise_table,
    );
    let mut mbr = std::fs::read(fixture("disk/hostile/ebr-loop.img")).unwrap();
    mbr.truncate(64 * 1024);
    run(
        "mbr",
        &mbr,
        &[(446, 66), (512 + 446, 66)],
        1500,
        exercise_table,
    );
}

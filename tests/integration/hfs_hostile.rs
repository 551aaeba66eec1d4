//! Hostile HFS+ volumes (tests/fixtures/hfs/hostile, made by hfsplus.py
//! --damage): each gives the finding that names the B-tree node and the
//! offset in it, within 1 s and 64 MiB of data; and thousands of mutated
//! volumes open, walk and read without a panic or a hang.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use discscope::fs::hfs::{self, Placement};
use discscope::fs::{Filesystem, NodeKind};
use discscope::io::MemorySource;

use crate::disk::gunzip;
use crate::support::{Rng, fixture};

/// `discscope info --json` on a hostile image, with at most 64 MiB of
/// data (heap) allowed, within a second.
fn info(name: &str) -> serde_json::Value {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(
        &fixture(&format!("hfs/hostile/{name}.img.gz")),
        scratch.path(),
    );
    let start = Instant::now();
    let out = Command::new("prlimit")
        .arg(format!("--data={}", 64u64 << 20))
        .arg(env!("CARGO_BIN_EXE_discscope"))
        .args(["info", "--json"])
        .arg(&image)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(1), "{name} took {elapsed:?}");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The finding whose message holds all of `parts`.
fn finding(json: &serde_json::Value, code: &str, parts: &[&str]) {
    let found = json["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == code
            && parts
                .iter()
                .all(|p| d["message"].as_str().unwrap().contains(p))
    });
    assert!(
        found,
        "no {code} with {parts:?} in {:#}",
        json["diagnostics"]
    );
}

#[test]
fn hostile_btrees_give_findings_with_node_and_offset() {
    // The catalog file starts at byte 0x4000; nodes are 4096 bytes.
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "keys",
            "hfs.btree",
            &["catalog B-tree node 1 offset", "keys out of order"],
        ),
        (
            "offsets",
            "hfs.btree",
            &[
                "node 1 offset 0xff8 (byte 0x5ff8)",
                "record 3's offset 0x14 is not after",
            ],
        ),
        (
            "outside",
            "hfs.btree",
            &["node 2 offset 0xffc (byte 0x6ffc)", "lies outside the node"],
        ),
        (
            "leaf-loop",
            "hfs.btree",
            &["node 2 offset 0x0", "fLink is 1"],
        ),
        (
            "index-loop",
            "hfs.btree",
            &["node 6 offset 0x0", "reached twice"],
        ),
        (
            "back-link",
            "hfs.btree",
            &["node 3 offset 0x4 (byte 0x7004)", "bLink is 9"],
        ),
        (
            "depth",
            "hfs.btree",
            &["node 0 offset 0xe (byte 0x400e)", "treeDepth 60000"],
        ),
        (
            "thread",
            "hfs.thread",
            &["node 1 offset", "FragmenteX", "\"Fragmented\""],
        ),
        (
            "extent-past",
            "hfs.btree",
            &["node 1 offset", "past the volume's 256 allocation blocks"],
        ),
        (
            "alternate",
            "hfs.alternate-differs",
            &["byte 0xffc00", "total blocks 257"],
        ),
        ("journal-pending", "hfs.journal-pending", &["not replayed"]),
    ];
    for (name, code, parts) in cases {
        let json = info(name);
        finding(&json, code, parts);
        assert_eq!(json["filesystems"][0]["kind"], "hfsplus", "{name}");
    }
    // HFS: the catalog's first leaf links to itself.
    let leaf = std::fs::read_to_string(fixture("hfs/oracle/hfs-leaf-loop.leaf")).unwrap();
    let json = info("hfs-leaf-loop");
    assert_eq!(json["filesystems"][0]["kind"], "hfs");
    finding(
        &json,
        "hfs.btree",
        &[
            &format!("catalog B-tree node {} offset 0x0", leaf.trim()),
            "fLink is",
        ],
    );
    // A tree whose header claims 2^32 - 1 nodes of 32 KiB in a 64 KiB
    // catalog: unusable, with the reason, not an allocation.
    let json = info("huge");
    finding(
        &json,
        "hfs.unusable",
        &["no root folder", "outside the tree's 2 nodes"],
    );
}

#[test]
fn hostile_volumes_list_and_read_within_bounds() {
    for name in [
        "leaf-loop",
        "index-loop",
        "offsets",
        "outside",
        "depth",
        "extent-past",
    ] {
        let scratch = tempfile::tempdir().unwrap();
        let image = gunzip(
            &fixture(&format!("hfs/hostile/{name}.img.gz")),
            scratch.path(),
        );
        let start = Instant::now();
        let out = Command::new("prlimit")
            .arg(format!("--data={}", 64u64 << 20))
            .arg(env!("CARGO_BIN_EXE_discscope"))
            .args(["ls", "-R", "-l"])
            .arg(&image)
            .output()
            .unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{name}: {:?}",
            start.elapsed()
        );
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Opens, walks (bounded) and reads everything of a mutated volume.
fn exercise(bytes: Vec<u8>) {
    let source = Arc::new(MemorySource::new(bytes, "mutant"));
    let Some(Ok(fs)) = hfs::probe_source(
        source,
        Placement {
            base: 0,
            block: 512,
        },
    ) else {
        return;
    };
    let _ = fs.label();
    let _ = fs.structures();
    for s in fs.structures() {
        if let Some(at) = s.place.medium() {
            let _ = fs.directory_structures(&[0u8; 512], at);
        }
    }
    let Ok(root) = fs.root() else { return };
    let mut stack = vec![(root, 0)];
    let mut seen = HashSet::new();
    let mut budget = 3000;
    while let Some((dir, depth)) = stack.pop() {
        let Ok(children) = fs.children(&dir) else {
            continue;
        };
        for child in children {
            budget -= 1;
            if budget == 0 {
                return;
            }
            let _ = fs.resource_fork(&child);
            if child.kind == NodeKind::Dir {
                if depth < 32 && seen.insert(child.id) {
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

#[test]
fn mutated_hfs_volumes_never_panic_or_hang() {
    let scratch = tempfile::tempdir().unwrap();
    for (name, regions, variants) in [
        // Volume header, extents and catalog B-trees (HFS+).
        (
            "plus",
            vec![
                (1024usize, 512usize),
                (2 * 4096, 8192),
                (4 * 4096, 12 * 4096),
            ],
            1200u64,
        ),
        // MDB, bitmap, extents and catalog (HFS floppy).
        (
            "floppy",
            vec![(1024, 162), (1536, 1024), (2560, 30 * 512)],
            800,
        ),
    ] {
        let path = if name == "floppy" {
            gunzip(&fixture("hfs/floppy.img.gz"), scratch.path())
        } else {
            gunzip(&fixture(&format!("hfs/{name}.img.gz")), scratch.path())
        };
        let base = std::fs::read(path).unwrap();
        let mut rng = Rng(0x0005_EED0_F4F5 ^ variants);
        let start = Instant::now();
        for i in 0..variants {
            let mut bytes = base.clone();
            for _ in 0..=rng.below(8) {
                let (from, len) = regions[rng.below(regions.len())];
                let at = from + rng.below(len);
                bytes[at] = match rng.below(4) {
                    0 => 0,
                    1 => 0xFF,
                    2 => bytes[at] ^ (1 << rng.below(8)),
                    _ => rng.next() as u8,
                };
            }
            let one = Instant::now();
            if catch_unwind(AssertUnwindSafe(|| exercise(bytes.clone()))).is_err() {
                let saved =
                    std::env::temp_dir().join(format!("discscope-hfs-mutant-{name}-{i}.img"));
                std::fs::write(&saved, &bytes).unwrap();
                panic!("{name} variant {i} panicked; saved to {}", saved.display());
            }
            assert!(
                one.elapsed() < Duration::from_secs(2),
                "{name} variant {i} took {:?}",
                one.elapsed()
            );
        }
        eprintln!("{name}: {variants} variants in {:?}", start.elapsed());
    }
}

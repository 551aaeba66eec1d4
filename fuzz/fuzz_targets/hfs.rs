//! Any bytes as a disk image: the HFS/HFS+ probe on the whole of it and
//! on every partition of the table it holds (an Apple partition map's
//! Apple_HFS partitions), then every folder walked (bounded), every file's
//! forks read, the catalog nodes decoded and the whole check run. Each
//! step must return, never panic.
//!
//! Run with `cargo +nightly fuzz run hfs` from this folder (seeds:
//! `fuzz/seeds/hfs`, made from the test fixtures).

#![no_main]

use std::collections::HashSet;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;

use discscope::fs::hfs::{self, Placement};
use discscope::fs::{Filesystem, NodeKind};
use discscope::io::{MemorySource, ReadAt, Slice};

fn exercise(source: Arc<dyn ReadAt>, base: u64) {
    let Some(Ok(fs)) = hfs::probe_source(source, Placement { base, block: 512 }) else {
        return;
    };
    let _ = fs.label();
    for s in fs.structures() {
        if let Some(at) = s.place.medium() {
            let _ = fs.directory_structures(&[0u8; 512], at);
        }
    }
    let Ok(root) = fs.root() else { return };
    let mut stack = vec![(root, 0)];
    let mut seen = HashSet::new();
    let mut budget = 2000;
    let mut buf = vec![0u8; 4096];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(children) = fs.children(&dir) else { continue };
        for child in children {
            budget -= 1;
            if budget == 0 {
                return;
            }
            if let Some(rsrc) = fs.resource_fork(&child) {
                let _ = fs.read(&rsrc, 0, &mut buf);
            }
            let _ = fs.finder_info(&child);
            if child.kind == NodeKind::Dir {
                if depth < 64 && seen.insert(child.id) {
                    stack.push((child, depth + 1));
                }
            } else {
                let _ = fs.read(&child, 0, &mut buf);
                let _ = fs.read(&child, child.size.saturating_sub(7), &mut buf);
            }
        }
    }
    let _ = fs.check();
}

fuzz_target!(|data: &[u8]| {
    let source: Arc<dyn ReadAt> = Arc::new(MemorySource::new(data.to_vec(), "fuzz"));
    exercise(Arc::clone(&source), 0);
    if let Ok(Some(table)) = discscope::partition::read(source.as_ref()) {
        for p in table.partitions.iter().chain(table.hybrid.iter()).take(16) {
            let (Some(start), Some(len)) = (p.byte_start(), p.byte_len()) else {
                continue;
            };
            let slice: Arc<dyn ReadAt> = Arc::new(Slice::new(Arc::clone(&source), start, len));
            exercise(slice, start);
        }
    }
});

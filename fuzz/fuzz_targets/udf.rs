//! Any bytes as a disk image and as a cooked ISO through the UDF probe:
//! opening, walking the tree, reading every file and explaining every
//! block must return, never panic.
//!
//! Run with `cargo +nightly fuzz run udf` from this folder; seed the corpus
//! with the images in `../tests/fixtures/udf` (gunzipped) for depth.

#![no_main]

use std::sync::Arc;

use discscope::fs::{Filesystem, NodeKind, walk};
use discscope::io::{MemorySource, ReadAt};
use libfuzzer_sys::fuzz_target;

fn exercise(source: Arc<dyn ReadAt>, block: u64) {
    let Some(Ok(fs)) = discscope::fs::udf::probe_source(source, 0, block) else {
        return;
    };
    let _ = fs.structures();
    let _ = fs.details();
    let Ok(root) = fs.root() else { return };
    let mut budget = 2000usize;
    let _ = walk::walk(&fs, &root, "", true, &mut |_, _, node| {
        budget = budget.saturating_sub(1);
        if budget == 0 {
            return Err(discscope::Error::Unsupported("budget".into()));
        }
        let _ = fs.node_records(node);
        if node.kind == NodeKind::File {
            let mut buf = vec![0u8; 4096];
            let _ = fs.read(node, 0, &mut buf);
            let _ = fs.read(node, node.size.saturating_sub(10), &mut buf);
        }
        Ok(())
    });
    let _ = fs.diagnostics();
}

fuzz_target!(|data: &[u8]| {
    // The UDF structures sit at 32 KiB and block 256: place the input
    // there in a sparse image so small inputs reach them.
    let mut image = vec![0u8; 256 * 512 + data.len().max(1024)];
    image[32_768..32_768 + data.len().min(2048)].copy_from_slice(&data[..data.len().min(2048)]);
    let at = 256 * 512;
    image[at..at + data.len()].copy_from_slice(data);
    for block in [512u64, 2048] {
        exercise(Arc::new(MemorySource::new(image.clone(), "fuzz")), block);
    }
    exercise(Arc::new(MemorySource::new(data.to_vec(), "fuzz")), 2048);
});

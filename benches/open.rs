//! Opening an image must cost the same whatever its size: open and summarise
//! a 1 MiB and an 8 GiB sparse raw image.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use discscope::container;
use discscope::inspect::summary;
use discscope::survey::Survey;

fn open(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("open+info");
    for (name, size) in [("1MiB", 1u64 << 20), ("8GiB", 8u64 << 30)] {
        let path = dir.path().join(format!("{name}.img"));
        let file = std::fs::File::create(&path).expect("image");
        file.set_len(size).expect("sparse size");
        group.bench_function(name, |b| {
            b.iter(|| {
                let medium = container::open(black_box(&path)).expect("opens");
                let survey = Survey::new(std::sync::Arc::new(medium), &Default::default());
                black_box(summary::info(&survey))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, open);
criterion_main!(benches);

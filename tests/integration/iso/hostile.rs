//! Hostile images, extraction safety and mutated images.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::oracle::iso;
use crate::support::discscope;

/// Hostile images: each ends quickly with its diagnostic or a clear error.
#[test]
fn iso_hostile_images_end_with_their_diagnostics() {
    let cases = [
        ("dir-cycle.iso", "fs.dir-cycle"),
        ("dag-2-40.iso", "fs.shared-limit"),
        ("ce-loop.iso", "rr.ce-loop"),
        ("ce-past-block.iso", "rr.ce-out-of-bounds"),
        ("zero-length-record.iso", "iso.records-after-zero"),
        ("record-straddles.iso", "iso.record-straddles"),
        ("extent-past-end.iso", "iso.extent-past-end"),
        ("size-ffffffff.iso", "iso.extent-past-end"),
        ("deep-300.iso", "fs.depth-limit"),
        ("cl-to-cl.iso", "rr.cl-chain"),
        ("truncated.iso", "iso.extent-past-end"),
    ];
    for (name, code) in cases {
        let image = iso(&format!("hostile/{name}"));
        let run = discscope(["ls", image.to_str().unwrap(), "-R", "-l"]);
        assert!(
            run.elapsed < Duration::from_secs(2),
            "{name} took {:?}",
            run.elapsed
        );
        assert!(
            run.code() == 0 || run.code() == 2,
            "{name}: exit {}",
            run.code()
        );
        assert!(
            !run.stderr().contains("panicked"),
            "{name}: {}",
            run.stderr()
        );
        assert!(
            run.stderr().contains(code),
            "{name}: expected {code}, got: {}",
            run.stderr()
        );
        // Extracting and locating end too.
        let dir = tempfile::tempdir().unwrap();
        let run = discscope([
            "extract",
            image.to_str().unwrap(),
            "-o",
            dir.path().join("out").to_str().unwrap(),
        ]);
        assert!(
            run.elapsed < Duration::from_secs(2),
            "{name}: extract took {:?}",
            run.elapsed
        );
        assert!(
            !run.stderr().contains("panicked"),
            "{name}: {}",
            run.stderr()
        );
        let run = discscope(["locate", image.to_str().unwrap(), "20"]);
        assert!(
            !run.stderr().contains("panicked"),
            "{name}: {}",
            run.stderr()
        );
    }
}

/// Directories that share one extent are a DAG, not a cycle: each is
/// listed with the shared contents, as isoinfo and xorriso list them.
#[test]
fn iso_shared_subtrees_are_walked() {
    let image = iso("hostile/shared-subtrees.iso");
    let run = discscope(["ls", "-R", image.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(!run.stderr().contains("fs."), "{}", run.stderr());
    for dir in ["A", "Xdir-longer", "Y", "Z", "R"] {
        assert!(
            run.stdout()
                .lines()
                .any(|l| l == format!("/{dir}/B/C/file.txt")),
            "{dir}: {}",
            run.stdout()
        );
    }
}

/// Every file under `dir`, relative, sorted (symlinks not followed).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn iso_extract_never_leaves_the_target() {
    let image = iso("hostile/evil-names.iso");
    for links in [None, Some("--symlinks"), Some("--unsafe-symlinks")] {
        let scratch = tempfile::tempdir().unwrap();
        let sentinel = scratch.path().join("sentinel.txt");
        std::fs::write(&sentinel, b"untouched").unwrap();
        let out = scratch.path().join("out");
        let mut args = vec![
            "extract",
            image.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(links);
        let run = discscope(&args);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        // Outside the target: only the sentinel, unchanged.
        assert_eq!(
            tree(scratch.path())
                .iter()
                .filter(|p| !p.starts_with("out"))
                .collect::<Vec<_>>(),
            ["sentinel.txt"]
        );
        assert_eq!(std::fs::read(&sentinel).unwrap(), b"untouched");
        let inside = tree(&out);
        for name in [
            "Y/_..",
            "Y/_abs",
            "Y/a_.._.._x",
            "Y/nul_name",
            "Y/in_side",
            "Y/_.",
            "A/B/C/file.txt",
        ] {
            assert!(
                inside.iter().any(|p| p == name),
                "{name} missing from {inside:?}"
            );
        }
        // `esc -> ..` climbs out of the target: refused with --symlinks,
        // made only with --unsafe-symlinks, and never written through.
        let esc = out.join("esc");
        match links {
            Some("--unsafe-symlinks") => {
                assert!(
                    std::fs::symlink_metadata(&esc)
                        .unwrap()
                        .file_type()
                        .is_symlink()
                );
                assert!(run.stderr().contains("esc/x.txt"), "{}", run.stderr());
            }
            Some(_) => {
                assert!(
                    run.stderr()
                        .contains("refused symlink /esc -> ..: climbs out of the target folder"),
                    "{}",
                    run.stderr()
                );
                assert!(
                    run.stdout().contains("1 symlink refused"),
                    "{}",
                    run.stdout()
                );
                // The folder of the same name that follows it is made.
                assert!(std::fs::symlink_metadata(&esc).unwrap().is_dir());
            }
            None => assert!(std::fs::symlink_metadata(&esc).unwrap().is_dir()),
        }
        assert!(!scratch.path().join("x.txt").exists());
        // mtimes are kept.
        let m = std::fs::metadata(out.join("A/B/C/file.txt"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            m.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs(),
            1_700_000_000
        );
    }
    // A non-empty target is refused without --force.
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("keep"), b"k").unwrap();
    let run = discscope([
        "extract",
        image.to_str().unwrap(),
        "-o",
        scratch.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("not empty"), "{}", run.stderr());
    let run = discscope([
        "extract",
        image.to_str().unwrap(),
        "/A",
        "-o",
        scratch.path().to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(scratch.path().join("A/B/C/file.txt").exists());
}

/// Mutated images (fixed seed): open, walk every view, read every file and
/// index owners without a panic, each within 2 s.
#[test]
fn iso_mutated_images_never_panic() {
    let scratch = tempfile::tempdir().unwrap();
    let mut seed: u64 = 0x5eed_1509_9660;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    for name in ["rich.iso", "geniso.iso", "zisofs.iso", "pycdlib.iso"] {
        let original = std::fs::read(iso(name)).unwrap();
        // The metadata lives in the first ~110 sectors of these images.
        let span = original.len().min(110 * 2048) - 16 * 2048;
        for variant in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                let at = 16 * 2048 + (next() as usize % span);
                bytes[at] = match next() % 4 {
                    0 => 0,
                    1 => 0xFF,
                    2 => bytes[at] ^ (1 << (next() % 8)),
                    _ => next() as u8,
                };
            }
            let path = scratch.path().join(format!("m{variant}.iso"));
            std::fs::write(&path, &bytes).unwrap();
            let start = std::time::Instant::now();
            let result = std::panic::catch_unwind(|| {
                let Ok(medium) = discscope::container::open(&path) else {
                    return;
                };
                let medium = Arc::new(medium);
                let survey = discscope::survey::Survey::new(medium, &Default::default());
                let volume = discscope::volume::Volume::of_track(Arc::clone(&survey.medium), 0);
                for view in &survey.views {
                    let Ok(root) = view.fs.root() else { continue };
                    let fs = view.fs.as_ref();
                    let _ = discscope::fs::walk::walk(
                        fs,
                        &root,
                        "",
                        crate::iso::EVERYTHING,
                        &mut |_, _, node| {
                            let mut buf = vec![0u8; 4096];
                            let _ = fs.read(node, 0, &mut buf);
                            let _ = fs.read(node, node.size.saturating_sub(100), &mut buf);
                            // A directory's first block, annotated record by record.
                            if let (Ok(volume), Some(extent)) = (&volume, node.extents.first())
                                && node.kind == discscope::fs::NodeKind::Dir
                            {
                                use discscope::io::ReadAt;
                                let at = extent.lba.0.max(0) as u64 * 2048;
                                if let Ok(block) = volume.read_vec(at, 2048) {
                                    let _ = fs.directory_structures(&block, at);
                                }
                            }
                            Ok(())
                        },
                    );
                    let _ = fs.structures();
                }
                let _ = discscope::inspect::owners::OwnerIndex::build(&survey);
            });
            assert!(result.is_ok(), "{name} variant {variant} panicked");
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "{name} variant {variant} took {:?}",
                start.elapsed()
            );
        }
    }
}

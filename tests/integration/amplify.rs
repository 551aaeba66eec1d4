//! Amplification (issue 17): images whose structures point many times at
//! the same bytes, made by the generators in `amplify/images.rs`. Each
//! command must finish within a time and memory bound proportional to
//! the image's size, and say what is shared or which budget ran out.
//!
//! The bounds here are for the debug binary `cargo test` builds, on a
//! loaded two-core machine: 3 s plus 3 s per MiB, 64 MiB of heap. The
//! release binary runs every command on the two images of the issue in
//! well under a second (README, Reliability).

mod images;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use discscope::budget::{Budget, Limits, Resource};
use discscope::fs::{ViewOptions, walk};
use discscope::survey::Survey;

/// Heap allowed to one command.
const MEMORY: u64 = 64 << 20;

/// A scratch folder on a memory filesystem when there is one: extraction
/// writes thousands of files, and a loaded disk would time that, not us.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

/// What one command printed.
struct Ran {
    text: String,
    elapsed: Duration,
}

/// Runs `discscope ARGS` with its heap bounded and its time measured;
/// panics when it fails or passes `limit`.
fn bounded(args: &[&std::ffi::OsStr], limit: Duration) -> Ran {
    let start = Instant::now();
    let mut child = Command::new("prlimit")
        .arg(format!("--data={MEMORY}"))
        .arg(env!("CARGO_BIN_EXE_discscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain both pipes while waiting, so a long listing cannot block.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).unwrap();
        s
    });
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > limit * 3 {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = child.wait().unwrap();
    let elapsed = start.elapsed();
    let text = format!("{}{}", out.join().unwrap(), err.join().unwrap());
    assert!(
        elapsed <= limit,
        "{args:?} took {elapsed:?} (bound {limit:?})"
    );
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "{args:?} failed ({status:?}):\n{}",
        &text[..text.len().min(4000)]
    );
    Ran { text, elapsed }
}

/// 3 s plus 3 s per MiB of image.
fn limit_for(bytes: usize) -> Duration {
    Duration::from_secs(3) + Duration::from_secs_f64(3.0 * bytes as f64 / f64::from(1 << 20))
}

/// Writes `image` as `name`, runs info, ls -R, extract and verify on it,
/// each bounded, and requires each to name one of `codes` (an empty list
/// requires nothing: commands that do not walk the tree, such as `info` on
/// an ISO, have nothing to say about a shared subtree).
fn every_command(name: &str, image: &[u8], codes: &[&str]) -> Vec<Ran> {
    let dir = scratch();
    let path = dir.path().join(name);
    std::fs::write(&path, image).unwrap();
    let limit = limit_for(image.len());
    let out = dir.path().join("out");
    let p = path.as_os_str();
    let runs = [
        vec!["info".as_ref(), p],
        vec!["ls".as_ref(), "-R".as_ref(), p],
        vec!["extract".as_ref(), p, "-o".as_ref(), out.as_os_str()],
        vec!["verify".as_ref(), p],
    ];
    let mut ran = Vec::new();
    for args in runs {
        let r = bounded(&args, limit);
        if !codes.is_empty() {
            assert!(
                codes.iter().any(|c| r.text.contains(c)),
                "{name}: {args:?} names none of {codes:?}:\n{}",
                &r.text[..r.text.len().min(4000)]
            );
        }
        ran.push(r);
    }
    // What extraction wrote stays proportional too.
    let written = du(&out);
    assert!(
        written <= 64 * image.len() as u64 + (64 << 20),
        "{name}: extract wrote {written} bytes"
    );
    ran
}

/// Bytes of the files under `dir`.
fn du(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}

#[test]
fn fat_chain_shared_by_2048_entries() {
    let image = images::fat_shared_chain(2048);
    assert!(image.len() <= 132 * 1024);
    let ran = every_command("shared.img", &image, &["fat.cross-link"]);
    // Every entry is listed, each with the chain's whole length.
    assert_eq!(
        ran[1].text.lines().filter(|l| l.starts_with("/F")).count(),
        2048
    );
    assert!(
        ran[0].text.contains("so do 2046 more entries"),
        "{}",
        ran[0].text
    );
}

#[test]
fn fat_chains_that_are_suffixes_of_one_chain() {
    let image = images::fat_suffix_chains(2048);
    every_command("suffix.img", &image, &["fat.cross-link"]);
}

#[test]
fn gpt_entries_fanned_out_over_one_fat32() {
    let image = images::gpt_fanout(4096);
    assert!(image.len() < 1_500_000);
    let ran = every_command("fanout.img", &image, &["partition.shared"]);
    assert!(
        ran[0].text.contains("4095 more partitions"),
        "{}",
        &ran[0].text[..2000]
    );
    // One FAT32 view, not 4,096.
    assert_eq!(ran[0].text.matches("fat32 ").count(), 1);
}

#[test]
fn gpt_entries_fanned_out_8192() {
    every_command(
        "fanout8192.img",
        &images::gpt_fanout(8192),
        &["partition.shared"],
    );
}

#[test]
fn iso_tree_whose_entries_share_one_extent() {
    let ran = every_command("shared.iso", &images::iso_shared_extent(2000), &[]);
    // The listing enters the shared directory again by each path, as other
    // readers show a shared subtree, until the reread margin is spent and
    // says so; never the 4,000,000 entries the paths name.
    assert!(
        ran[1].text.contains("fs.shared-limit"),
        "{}",
        &ran[1].text[..2000]
    );
    assert!(ran[1].text.lines().count() < 100_000);
    // Extraction of 2,000 files sharing one 64 KiB extent stops at the
    // sectors-read budget, and says so.
    assert!(
        ran[2].text.contains("budget.sectors"),
        "{}",
        &ran[2].text[..2000]
    );
}

#[test]
fn rock_ridge_continuations_fanned_out() {
    every_command("ce.iso", &images::iso_ce_fanout(1500), &[]);
}

#[test]
fn el_torito_entries_naming_one_image() {
    let ran = every_command(
        "boot.iso",
        &images::iso_eltorito_fanout(1000),
        &["eltorito.shared-image"],
    );
    // The boot image is probed once: one nested FAT view.
    assert_eq!(ran[0].text.matches("fat12 ").count(), 1, "{}", ran[0].text);
}

#[test]
fn volumes_nested_in_volumes() {
    let ran = every_command("nested.iso", &images::iso_nested(), &[]);
    assert!(ran.iter().all(|r| r.elapsed < Duration::from_secs(3)));
}

/// Opens a generated image with the given limits in place of the defaults.
fn survey_with(name: &str, image: &[u8], limits: Limits) -> (tempfile::TempDir, Survey) {
    let dir = scratch();
    let path = dir.path().join(name);
    std::fs::write(&path, image).unwrap();
    let mut medium = discscope::container::open(&path).unwrap();
    medium.budget = Arc::new(Budget::new(limits));
    let survey = Survey::new(Arc::new(medium), &ViewOptions::default());
    (dir, survey)
}

fn codes(survey: &Survey) -> Vec<&'static str> {
    survey.all_diagnostics().iter().map(|d| d.code).collect()
}

/// Each budget, set small, ends its walk with the finding that names it.
#[test]
fn each_budget_names_itself_when_spent() {
    // Chain links: the 2,048 suffix chains need one 32,766-link walk.
    let (_d, survey) = survey_with(
        "links.img",
        &images::fat_suffix_chains(2048),
        Limits {
            links: 10_000,
            ..Limits::UNLIMITED
        },
    );
    let found = survey.all_diagnostics();
    let spent = found.iter().find(|d| d.code == "budget.links").unwrap();
    assert!(
        spent.message.contains("chain-links budget of 10000"),
        "{spent:?}"
    );
    assert!(spent.message.contains("cluster"), "{spent:?}");

    // Entries: a walk stops after the budget, with the finding.
    let (_d, survey) = survey_with(
        "entries.img",
        &images::fat_shared_chain(2048),
        Limits {
            entries: 100,
            ..Limits::UNLIMITED
        },
    );
    let view = survey.default_view().unwrap();
    let root = view.fs.root().unwrap();
    let walked = walk::walk(
        view.fs.as_ref(),
        &root,
        "",
        walk::Reach {
            recursive: true,
            deleted: false,
        },
        &mut |_, _, _| Ok(()),
    )
    .unwrap();
    assert_eq!(walked.entries, 101);
    assert!(
        walked
            .diagnostics
            .iter()
            .any(|d| d.code == "budget.entries"),
        "{:?}",
        walked.diagnostics
    );

    // Structures: one volume probe allowed, the second refused.
    let (_d, survey) = survey_with(
        "structures.img",
        &images::gpt_fanout(64),
        Limits {
            structures: 1,
            ..Limits::UNLIMITED
        },
    );
    assert!(
        codes(&survey).contains(&"budget.structures"),
        "{:?}",
        codes(&survey)
    );

    // Bytes held: the FAT is not cached, and is still read.
    let (_d, survey) = survey_with(
        "bytes.img",
        &images::fat_shared_chain(16),
        Limits {
            bytes: 1024,
            ..Limits::UNLIMITED
        },
    );
    assert!(
        codes(&survey).contains(&"budget.bytes"),
        "{:?}",
        codes(&survey)
    );
    let view = survey.default_view().unwrap();
    let children = view.fs.children(&view.fs.root().unwrap()).unwrap();
    assert_eq!(children.len(), 16);
    assert_eq!(children[0].size, 32_766 * 512);

    // Sectors: reading stops at the budget.
    let (_d, survey) = survey_with(
        "sectors.iso",
        &images::iso_shared_extent(50),
        Limits {
            sectors: 200,
            ..Limits::UNLIMITED
        },
    );
    let view = survey.default_view().unwrap();
    let fs = view.fs.as_ref();
    let root = fs.root().unwrap();
    let mut failed = None;
    let mut buf = vec![0u8; 65_536];
    for node in fs.children(&root).unwrap() {
        if node.kind == discscope::fs::NodeKind::File
            && let Err(e) = fs.read(&node, 0, &mut buf)
        {
            failed = Some(e);
            break;
        }
    }
    let failed = failed
        .expect("the sectors budget ends the reads")
        .to_string();
    assert!(failed.contains("sectors-read budget of 200"), "{failed}");
    assert!(codes(&survey).contains(&"budget.sectors"));
    assert!(Resource::ALL.len() == 5);
}

/// Walks every view of the image at `path` whole (every file read to its
/// end, the whole-volume checks, the owner index) with the default
/// budgets, and panics if any budget ran out.
fn completes_within_defaults(path: &Path) {
    let Ok(medium) = discscope::container::open(path) else {
        return;
    };
    let survey = Survey::new(Arc::new(medium), &ViewOptions::default());
    let mut buf = vec![0u8; 1 << 16];
    for view in &survey.views {
        let fs = view.fs.as_ref();
        let Ok(root) = fs.root() else { continue };
        let _ = walk::walk(
            fs,
            &root,
            "",
            walk::Reach {
                recursive: true,
                deleted: false,
            },
            &mut |_, _, node| {
                let mut at = 0;
                while let Ok(n) = fs.read(node, at, &mut buf) {
                    if n == 0 {
                        break;
                    }
                    at += n as u64;
                }
                Ok(())
            },
        );
        let _ = fs.check();
    }
    let _ = discscope::inspect::owners::OwnerIndex::build(&survey);
    let spent: Vec<_> = survey
        .all_diagnostics()
        .into_iter()
        .filter(|d| d.code.starts_with("budget."))
        .collect();
    assert!(spent.is_empty(), "{}: {spent:?}", path.display());
}

/// Image files under `dir` (recursively), by name.
fn images_under(dir: &Path) -> Vec<PathBuf> {
    const EXTENSIONS: [&str; 10] = [
        ".iso", ".img", ".bin", ".cue", ".ccd", ".imz", ".iso.gz", ".img.gz", ".iso.xz", ".img.xz",
    ];
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if EXTENSIONS.iter().any(|ext| name.ends_with(ext)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The defaults let every committed fixture be walked and read whole
/// without any budget running out.
#[test]
fn defaults_let_every_fixture_complete() {
    let images = images_under(&crate::support::fixture(""));
    assert!(images.len() > 40, "{}", images.len());
    let scratch = scratch();
    for path in images {
        let path = if path.extension().is_some_and(|e| e == "gz") {
            crate::disk::gunzip(&path, scratch.path())
        } else {
            path
        };
        completes_within_defaults(&path);
    }
}

/// The same for every image of the real-world corpus.
#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn defaults_let_every_corpus_image_complete() {
    let corpus = crate::support::corpus();
    let images = images_under(&corpus);
    assert!(images.len() > 50, "{}", images.len());
    let scratch = scratch();
    for path in images {
        let rest = path
            .strip_prefix(&corpus)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let path = crate::support::corpus_file(&rest, scratch.path());
        completes_within_defaults(&path);
    }
}

/// Writes the issue's two images where `scripts/bench-amplify.sh` times
/// the release binary on them (nothing without DISCSCOPE_AMPLIFY_OUT).
#[test]
#[ignore = "run by scripts/bench-amplify.sh"]
fn write_the_issue_images() {
    let Some(out) = std::env::var_os("DISCSCOPE_AMPLIFY_OUT") else {
        return;
    };
    let out = Path::new(&out);
    std::fs::write(out.join("shared-chain.img"), images::fat_shared_chain(2048)).unwrap();
    std::fs::write(out.join("gpt-fanout.img"), images::gpt_fanout(4096)).unwrap();
}

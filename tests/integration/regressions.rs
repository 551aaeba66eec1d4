//! Every input fuzzing found, replayed on stable: each file under
//! `fuzz/regressions/<target>/` goes through the same entry point its
//! cargo-fuzz target calls (`discscope::harness`), in a child process with
//! its time and memory bounded, so a regression fails `cargo test`
//! without nightly. The fuzz targets, their `[[bin]]` entries, their
//! dictionaries and the harness's table must agree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use discscope::harness::TARGETS;

/// Wall-clock bound for one input (a debug build, on a busy machine).
const TIME: Duration = Duration::from_secs(30);
/// Heap bound for one input.
const MEMORY: u64 = 512 << 20;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Runs `target` on `input` in a child (this test binary again, running
/// only [`replay_child`]) under `prlimit`; panics naming the input when it
/// fails, panics, or passes a bound.
fn replay(target: &str, input: &Path) {
    let exe = std::env::current_exe().unwrap();
    let start = Instant::now();
    let mut child = Command::new("prlimit")
        .arg(format!("--data={MEMORY}"))
        .arg(&exe)
        .args([
            "regressions::replay_child",
            "--exact",
            "--include-ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("DISCSCOPE_REPLAY_TARGET", target)
        .env("DISCSCOPE_REPLAY_INPUT", input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > TIME {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{target}: {} took more than {TIME:?}", input.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{target}: {} failed ({:?}):\n{stdout}\n{}",
        input.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The child: feeds one input to one target (does nothing unless the
/// parent set the variables).
#[test]
#[ignore = "run by every_regression_input_replays_within_bounds in a child process"]
fn replay_child() {
    let (Some(target), Some(input)) = (
        std::env::var_os("DISCSCOPE_REPLAY_TARGET"),
        std::env::var_os("DISCSCOPE_REPLAY_INPUT"),
    ) else {
        return;
    };
    let target = target.into_string().unwrap();
    let data = std::fs::read(&input).unwrap();
    assert!(
        discscope::harness::run(&target, &data),
        "no target {target}"
    );
}

/// Every committed finding, and an empty input and a one-byte input for
/// every target (so the replay itself is exercised even where nothing has
/// been found).
#[test]
fn every_regression_input_replays_within_bounds() {
    let scratch = tempfile::tempdir().unwrap();
    let empty = scratch.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    let byte = scratch.path().join("byte");
    std::fs::write(&byte, b"\n").unwrap();
    let mut replayed = 0;
    for target in TARGETS {
        replay(target.name, &empty);
        replay(target.name, &byte);
        let dir = fuzz_dir().join("regressions").join(target.name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut inputs: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        inputs.sort();
        for input in inputs {
            replay(target.name, &input);
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} regression inputs");
}

/// A folder under `fuzz/regressions/` names a target.
#[test]
fn regression_folders_name_targets() {
    for entry in std::fs::read_dir(fuzz_dir().join("regressions")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                discscope::harness::target(&name).is_some(),
                "fuzz/regressions/{name} is not a harness target"
            );
        }
    }
}

/// The harness's targets, `fuzz/fuzz_targets/*.rs`, the `[[bin]]`
/// entries of `fuzz/Cargo.toml` and `fuzz/dict/*.dict` name the same
/// targets, and each target file calls the harness with its own name.
#[test]
fn fuzz_targets_match_the_harness() {
    let harness: BTreeSet<String> = TARGETS.iter().map(|t| t.name.to_owned()).collect();
    let stems = |dir: &str, ext: &str| -> BTreeSet<String> {
        std::fs::read_dir(fuzz_dir().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let advice = "a fuzz target is an entry in discscope::harness::TARGETS (name, function, \
        what the bytes are), fuzz/fuzz_targets/<name>.rs calling harness::run(\"<name>\", data), \
        a [[bin]] in fuzz/Cargo.toml and fuzz/dict/<name>.dict";
    assert_eq!(
        stems("fuzz_targets", "rs"),
        harness,
        "fuzz/fuzz_targets against the harness: {advice}"
    );
    assert_eq!(
        stems("dict", "dict"),
        harness,
        "fuzz/dict against the harness: {advice}"
    );
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let bins: BTreeSet<String> = manifest
        .split("\n[[bin]]")
        .skip(1)
        .map(|section| {
            let name = section
                .lines()
                .find_map(|l| l.trim().strip_prefix("name = "))
                .unwrap();
            let path = section
                .lines()
                .find_map(|l| l.trim().strip_prefix("path = "))
                .unwrap();
            let name = name.trim_matches('"').to_owned();
            assert_eq!(
                path.trim_matches('"'),
                format!("fuzz_targets/{name}.rs"),
                "[[bin]] {name}"
            );
            assert_eq!(
                section.matches("name = ").count(),
                1,
                "one name per [[bin]]"
            );
            name
        })
        .collect();
    assert_eq!(bins, harness, "fuzz/Cargo.toml [[bin]]: {advice}");
    for name in &harness {
        let text =
            std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs"))).unwrap();
        assert!(
            text.contains(&format!("harness::run(\"{name}\", data)")),
            "fuzz_targets/{name}.rs must call the harness with its name"
        );
    }
}

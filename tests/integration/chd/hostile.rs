//! Hostile CHDs (tests/fixtures/chd/hostile.py, and a map chdman 0.251
//! itself wrote wrong): each opens with a finding that says where, or
//! fails with one clear line, within a second and 64 MiB, where chdman
//! crashes, loops or refuses. And thousands of mutated CHDs never panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use discscope::container;
use discscope::io::ReadAt;
use discscope::units::Lba;

use super::chd;
use crate::support::{Rng, fixture};

/// Runs the binary and waits for it with `wait4`, returning (exit code,
/// stdout, stderr, peak RSS in KiB, seconds). Called in a fresh, small
/// copy of this test binary (see [`measured`]): a process spawned from a
/// large one inherits the large one's peak in its own accounting.
#[allow(unsafe_code, clippy::zombie_processes)]
fn spawn_and_wait(args: &[String]) -> (i32, String, String, u64, f64) {
    use std::process::{Command, Stdio};
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_discscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.unwrap();
    let mut stderr = child.stderr.unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let mut err = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut err).unwrap();
    let mut status = 0;
    // SAFETY: wait4 on our own child's pid, with pointers to locals; std
    // never waits for this child (its handle was taken apart above).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (
        code,
        out.join().unwrap(),
        err,
        usage.ru_maxrss as u64,
        started.elapsed().as_secs_f64(),
    )
}

/// The probe [`measured`] runs in a fresh copy of the test binary: idle
/// unless `DISCSCOPE_RSS_PROBE` names a folder with the arguments.
#[test]
fn chd_rss_probe() {
    let Some(dir) = std::env::var_os("DISCSCOPE_RSS_PROBE") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .unwrap()
        .split('\u{1f}')
        .map(str::to_owned)
        .collect();
    let (code, out, err, rss, secs) = spawn_and_wait(&args);
    std::fs::write(dir.join("stdout"), out).unwrap();
    std::fs::write(dir.join("stderr"), err).unwrap();
    std::fs::write(dir.join("result"), format!("{code} {rss} {secs}")).unwrap();
}

/// Runs the binary with `args` from a fresh copy of this test binary, so
/// its peak RSS is its own; returns (exit code, stdout, stderr, peak RSS
/// in KiB, seconds).
fn measured(args: &[&str]) -> (i32, String, String, u64, f64) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("args"), args.join("\u{1f}")).unwrap();
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "chd::hostile::chd_rss_probe",
            "--exact",
            "--test-threads=1",
            "--quiet",
        ])
        .env("DISCSCOPE_RSS_PROBE", dir.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let result = read("result");
    let mut fields = result.split(' ');
    let code = fields.next().unwrap().parse().unwrap();
    let rss = fields.next().unwrap().parse().unwrap();
    let secs = fields.next().unwrap().parse().unwrap();
    (code, read("stdout"), read("stderr"), rss, secs)
}

/// `info --json` and `verify --json` within a second and 64 MiB each;
/// returns info's exit code and output.
fn bounded(path: &Path) -> (i32, String, String) {
    let path = path.to_str().unwrap();
    let mut first = None;
    for command in ["info", "verify"] {
        let (code, out, err, rss, secs) = measured(&[command, path, "--json"]);
        assert!(code != -1 && code != 101, "{command} {path} crashed: {err}");
        assert!(secs < 1.0, "{command} {path}: {secs:.2} s");
        assert!(rss < 64 * 1024, "{command} {path}: {rss} KiB");
        if code == 2 {
            assert_eq!(err.lines().count(), 1, "{command} {path}: {err}");
        }
        first.get_or_insert((code, out, err));
    }
    first.unwrap()
}

fn codes(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn oracle(name: &str) -> String {
    std::fs::read_to_string(chd(&format!("hostile/{name}"))).unwrap()
}

#[test]
fn chd_hostile_files_give_findings_or_one_line_quickly() {
    // Findings with a position, where chdman loops, crashes or refuses.
    for (name, code, chdman) in [
        ("map-past-end", "chd.hunk-past-end", "Input/output error"),
        ("self-loop", "chd.self-reference", "EXIT STATUS 139"),
        ("metadata-loop", "chd.metadata-loop", "EXIT STATUS 124"),
        ("track-past-end", "chd.track-past-end", "Overall SHA1"),
        ("chdman-bad-map", "chd.map-crc", "Decompression error"),
    ] {
        let (status, out, err) = bounded(&chd(&format!("hostile/{name}.chd")));
        assert_eq!(status, 0, "{name}: {err}");
        assert!(codes(&out).contains(&code.to_owned()), "{name}: {out}");
        let theirs = oracle(&format!("{name}.verify.txt")) + &oracle(&format!("{name}.info.txt"));
        assert!(theirs.contains(chdman), "{name}: chdman said {theirs}");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let finding = value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap();
        assert!(
            finding["offset"].is_u64() || finding["lba"].is_i64(),
            "{name}: {finding}"
        );
    }
    // One clear line where nothing can be laid out.
    for (name, words) in [
        ("huge-hunk", "hunk size is 4026531840 bytes"),
        ("many-hunks", "4294967296 hunks"),
        ("truncated", "past the end of the file"),
    ] {
        let (status, _, err) = bounded(&chd(&format!("hostile/{name}.chd")));
        assert_eq!(status, 2, "{name}");
        assert!(err.contains(words), "{name}: {err}");
    }
    // A hunk whose stream makes more than the hunk size is a bad hunk, as
    // chdman's verify says.
    assert!(oracle("overlong-hunk.verify.txt").contains("Decompression error"));
    let path = chd("hostile/overlong-hunk.chd");
    let (_, _, _) = bounded(&path);
    let (code, out, _, _, _) = measured(&["verify", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["container"]["bad_blocks"], 1);
}

/// Inputs the fuzzer (fuzz/fuzz_targets/chd.rs) found slow or crashing,
/// kept in tests/fixtures/chd/fuzz.
#[test]
fn chd_fuzz_findings_stay_fixed() {
    for entry in std::fs::read_dir(chd("fuzz")).unwrap() {
        let path = entry.unwrap().path();
        let (code, _, err) = bounded(&path);
        assert!(code == 0 || code == 2, "{}: {err}", path.display());
    }
    // A map whose stream ends after 2 of 9,649,646 hunks: one finding at
    // open, and verify stops at the last entry instead of failing each
    // unmapped hunk in turn.
    let medium = container::open(&chd("fuzz/map-ends-early-timeout.chd")).unwrap();
    assert!(
        medium
            .diagnostics
            .iter()
            .any(|d| d.code == "chd.map-truncated")
    );
}

#[test]
fn chd_hostile_reads_stop_at_the_bad_hunk() {
    let medium = container::open(&chd("hostile/self-loop.chd")).unwrap();
    let reader = &medium.files[0].reader;
    assert!(reader.read_vec(0, 512).is_ok(), "hunk 0 is fine");
    let error = reader.read_vec(512, 512).unwrap_err().to_string();
    assert!(error.contains("hunk 1"), "{error}");
    assert!(error.contains("not an earlier hunk"), "{error}");
    let medium = container::open(&chd("hostile/map-past-end.chd")).unwrap();
    let error = medium.read_sector(Lba(1)).unwrap_err().to_string();
    assert!(error.contains("past the end"), "{error}");
}

/// Fixed-seed mutation of real CHDs: every variant opens or fails, and
/// reading every sector never panics, each within a bound.
#[test]
fn chd_mutated_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0xC4D5_0001);
    let started = Instant::now();
    let sources = [
        chd("cd/mode1-cdlz.chd"),
        chd("cd/mode1-cdzl.chd"),
        chd("cd/mode1-cdfl.chd"),
        chd("cd/gdrom.chd"),
        chd("dvd/dvd.chd"),
        chd("hd/floppy.chd"),
        fixture("cue/mixed/multi.chd"),
    ];
    let originals: Vec<Vec<u8>> = sources.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for case in 0..600 {
        let which = rng.below(originals.len());
        let mut bytes = originals[which].clone();
        for _ in 0..=rng.below(8) {
            let at = match rng.below(3) {
                // The header and the metadata after it.
                0 => rng.below(400.min(bytes.len())),
                // The map at the end.
                1 => bytes.len() - 1 - rng.below(200.min(bytes.len())),
                _ => rng.below(bytes.len()),
            };
            bytes[at] = rng.next() as u8;
        }
        let path = dir.path().join("m.chd");
        std::fs::write(&path, &bytes).unwrap();
        let one = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if let Ok(medium) = container::open(&path) {
                let end = medium.end_lba().0.min(medium.first_lba().0 + 400);
                for lba in medium.first_lba().0..end {
                    let _ = medium.read_sector(Lba(lba));
                }
                if let Some(store) = &medium.store {
                    let _ = store.structures_at(Lba(0));
                }
            }
        }));
        assert!(
            outcome.is_ok(),
            "case {case} ({}) panicked",
            sources[which].display()
        );
        if one.elapsed() >= Duration::from_secs(2) {
            let keep = std::env::temp_dir().join(format!("slow-chd-{case}.chd"));
            std::fs::write(&keep, &bytes).unwrap();
            panic!(
                "case {case} took {:?}; kept as {}",
                one.elapsed(),
                keep.display()
            );
        }
    }
    assert!(started.elapsed() < Duration::from_secs(120));
}

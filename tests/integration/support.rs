//! Shared helpers: fixture and corpus paths, running the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// `tests/fixtures/<rest>`.
pub fn fixture(rest: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rest)
}

/// The real-world corpus (`$DISCSCOPE_CORPUS` or `../shared/corpus`).
/// Panics when it is missing: corpus tests must not pass vacuously.
pub fn corpus() -> PathBuf {
    let path = std::env::var_os("DISCSCOPE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        path.join("README.md").is_file(),
        "the corpus is missing at {}; corpus tests need it",
        path.display()
    );
    path
}

/// A corpus file, decompressing `.xz` files into a temporary folder.
pub fn corpus_file(rest: &str, scratch: &Path) -> PathBuf {
    let path = corpus().join(rest);
    if path.extension().is_some_and(|e| e == "xz") {
        let out = scratch.join(path.file_stem().expect("file name"));
        let status = Command::new("xz")
            .arg("-dc")
            .arg(&path)
            .stdout(std::fs::File::create(&out).expect("scratch file"))
            .status()
            .expect("xz runs");
        assert!(status.success(), "xz -dc {}", path.display());
        out
    } else {
        path
    }
}

/// The result of running `discscope` with `args`, with how long it took.
pub struct Run {
    pub output: Output,
    pub elapsed: Duration,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout()))
    }
}

/// Runs the real binary.
pub fn discscope<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_discscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        output,
        elapsed: start.elapsed(),
    }
}

/// xorshift64*: a small fixed-seed generator for mutation tests, so every
/// run damages inputs the same way.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A few random edits of `input`: deletions, inserted `tokens`, changed
/// bytes and repeated slices (duplicated lines and commands).
pub fn mutate(rng: &mut Rng, input: &[u8], tokens: &[&[u8]]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let end = (at + rng.below(12)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let token = tokens
                    .get(rng.below(tokens.len()))
                    .copied()
                    .unwrap_or_default();
                out.splice(at..at, token.iter().copied());
            }
            2 if at < out.len() => out[at] = rng.next() as u8,
            _ => {
                let end = (at + rng.below(40)).min(out.len());
                let piece = out[at.min(end)..end].to_vec();
                out.splice(at..at, piece);
            }
        }
    }
    out
}

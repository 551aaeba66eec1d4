//! Integration tests: one binary, one module per area.
//!
//! Tests that need the real-world corpus in `../shared/corpus` are marked
//! `#[ignore]`; `.ci/run` runs them with `--ignored`, and they fail when the
//! corpus is missing. Everything else uses committed fixtures only.

mod support;

mod cue;
mod sector;

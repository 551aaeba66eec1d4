//! Integration tests: one binary, one module per area.
//!
//! Tests that need the real-world corpus in `../shared/corpus` are marked
//! `#[ignore]`; `.ci/run` runs them with `--ignored`, and they fail when the
//! corpus is missing. Everything else uses committed fixtures only.

// Tests may panic: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

mod amplify;
mod ccd;
mod cdi;
mod chd;
mod cli;
mod convert;
mod cue;
mod cue_corpus;
mod cue_oracles;
mod demo;
mod disk;
mod disk_corpus;
mod disk_mutate;
mod doctor;
mod fat_cli;
mod hfs;
mod hfs_corpus;
mod hfs_hostile;
mod hfs_plus;
mod images;
mod iso;
mod keys;
mod mds;
mod medium;
mod mutation;
mod narrow;
mod nrg;
mod peers;
mod pty;
mod regressions;
mod repair;
mod sector;
mod structure;
mod subq_cli;
mod survey;
mod toc;
mod toc_corpus;
mod tui;
mod twins;
mod udf;
mod udf_corpus;

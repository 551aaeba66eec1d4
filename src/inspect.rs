//! View models for the CLI and the TUI: what to show, already decided, so
//! the faces only lay it out.

pub mod annotate;
pub mod checks;
pub mod explain;
pub mod hex;
pub mod hexdump;
pub mod map;
pub mod notes;
pub mod owners;
pub mod search;
pub mod summary;
pub mod tree;

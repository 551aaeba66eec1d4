//! View models for the CLI and the TUI: what to show, already decided, so
//! the faces only lay it out.

pub mod escape;
pub mod extract;
pub mod owners;
pub mod summary;

pub use escape::escape;

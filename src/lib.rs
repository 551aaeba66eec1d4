//! discscope: look inside CD, DVD and disk images.
//!
//! Data flows one way through the layers: [`io`] (byte sources and a page
//! cache) → [`container`] (cue, iso, bin, disk → [`medium::Medium`]) →
//! [`volume`] (the user-data view of a data track) → [`inspect`] (view models
//! for the command line and the terminal UI).
//!
//! ```no_run
//! use discscope::container;
//! use std::path::Path;
//!
//! let medium = container::open(Path::new("game.cue"))?;
//! for track in &medium.tracks {
//!     println!("track {} {} starts at LBA {}", track.number, track.mode, track.start);
//! }
//! let sector = medium.read_sector(discscope::units::Lba(16))?;
//! println!("{}", medium.describe_origin(&sector.origin));
//! # Ok::<(), discscope::Error>(())
//! ```

pub mod budget;
pub mod container;
pub mod convert;
pub mod demo;
pub mod diagnostic;
pub mod error;
pub mod escape;
pub mod extract;
pub mod fs;
pub mod harness;
pub mod inspect;
pub mod io;
pub mod lint;
pub mod medium;
pub mod partition;
pub mod sector;
pub mod structure;
pub mod subchannel;
pub mod survey;
pub mod timestamp;
pub mod tui;
pub mod units;
pub mod volume;

pub use error::{Error, Result};

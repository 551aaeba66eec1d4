//! Raw sector anatomy: the field map of every kind of sector, header and
//! subheader decoding, EDC and ECC checking and encoding, and verification of
//! whole images.
//!
//! ```
//! use discscope::sector::{self, Storage};
//! use discscope::units::Lba;
//!
//! let user = [0x41u8; 2048];
//! let raw = sector::encode::mode1(Lba(16), &user)?;
//! let verdict = sector::judge(&raw, Lba(16), Storage::Raw { expected_mode: Some(1) });
//! assert!(verdict.problems.is_empty());
//! for field in verdict.layout.fields() {
//!     println!("{:>4} {:>4} {}", field.offset, field.length, field.name());
//! }
//! # Ok::<(), discscope::Error>(())
//! ```

pub mod address;
pub mod ecc;
pub mod edc;
pub mod encode;
mod gf;
pub mod header;
mod kernel;
pub mod layout;
mod mode;
pub mod repair;
pub mod subheader;
pub mod verdict;
pub mod verify;

pub use address::{Address, AddressError, Spot};
pub use layout::{FieldKind, RAW_SIZE, SectorField, SectorLayout};
pub use mode::SectorMode;
pub use verdict::{Oddity, Problem, Problems, Verdict, judge};

use crate::medium::{Medium, MediumKind, Sector, TrackMode};

/// The sync pattern that opens every raw data sector (ECMA-130 §14.1).
pub const SYNC: [u8; 12] = [
    0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00,
];

/// How a sector is stored in the image, which decides what can be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// 2352 bytes with sync and header; the mode byte the track promises.
    Raw { expected_mode: Option<u8> },
    /// Mode 2 without sync and header (MODE2/2336, CDI/2336).
    Headerless,
    /// User data only.
    Cooked,
    /// Audio samples.
    Audio,
    /// A disk's logical sector.
    Disk,
}

impl Storage {
    /// The storage a track mode implies.
    pub fn of_track_mode(mode: TrackMode) -> Storage {
        match mode {
            TrackMode::Audio | TrackMode::Cdg => Storage::Audio,
            TrackMode::Mode1_2048 | TrackMode::Mode2_2048 | TrackMode::Mode2_2324 => {
                Storage::Cooked
            }
            TrackMode::Mode1_2352 => Storage::Raw {
                expected_mode: Some(1),
            },
            TrackMode::Mode2_2352 | TrackMode::Cdi2352 => Storage::Raw {
                expected_mode: Some(2),
            },
            TrackMode::Mode2_2336 | TrackMode::Cdi2336 => Storage::Headerless,
        }
    }

    /// The storage of a sector of `medium` in track `track` (an index into
    /// `medium.tracks`) stored in `size` bytes.
    pub fn of(medium: &Medium, track: Option<usize>, size: usize) -> Storage {
        if medium.kind == MediumKind::Disk {
            return Storage::Disk;
        }
        match track.and_then(|t| medium.tracks.get(t)) {
            Some(track) => Storage::of_track_mode(track.mode),
            None if size == RAW_SIZE => Storage::Raw {
                expected_mode: None,
            },
            None => Storage::Cooked,
        }
    }

    /// Whether sectors stored this way can be checked at all.
    pub fn is_checkable(self) -> bool {
        matches!(self, Storage::Raw { .. } | Storage::Headerless)
    }
}

/// Repairs a sector read from `medium` with its own parity (see
/// [`repair::repair`]); nothing is written.
pub fn repair_sector(medium: &Medium, sector: &Sector) -> repair::Repair {
    let verdict = judge_sector(medium, sector);
    let expected_mode = match Storage::of(medium, sector.track, sector.bytes.len()) {
        Storage::Raw { expected_mode } => expected_mode,
        _ => None,
    };
    repair::repair(&sector.bytes, &verdict, sector.lba, expected_mode, &[])
}

/// Judges a sector read from `medium`.
pub fn judge_sector(medium: &Medium, sector: &Sector) -> Verdict {
    let storage = Storage::of(medium, sector.track, sector.bytes.len());
    let mut verdict = judge(&sector.bytes, sector.lba, storage);
    if matches!(sector.origin, crate::medium::Origin::Virtual(_)) {
        verdict.note = Some(Oddity::NotStored);
        verdict.problems = Problems::default();
    }
    verdict
}

//! The address map: runs of sectors and where each run is stored.

use crate::error::{Error, Position, Result};
use crate::medium::Origin;
use crate::units::Lba;

/// Why a run of sectors is not stored in the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// A cue `PREGAP`.
    Pregap,
    /// A cue `POSTGAP`.
    Postgap,
    /// Lead-out, lead-in and pregap between two sessions.
    SessionGap,
    /// Data a descriptor gives as zeros (a cdrdao `SILENCE` or `ZERO`).
    Fill,
    /// Sectors a descriptor places past the end of its data file.
    Missing,
}

impl Gap {
    pub fn as_str(self) -> &'static str {
        match self {
            Gap::Pregap => "pregap",
            Gap::Postgap => "postgap",
            Gap::SessionGap => "session gap",
            Gap::Fill => "zero fill",
            Gap::Missing => "past the end of the image file",
        }
    }
}

/// Where a run's bytes are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExtentData {
    /// In `files[file]` from byte `offset`, one sector after another.
    File { file: usize, offset: u64 },
    /// In `files[file]` from byte `offset`, one sector every `stride`
    /// bytes: each sector is followed by bytes that are not sector data
    /// (the 96 bytes of subchannel NRG, MDS and CDI images keep there).
    Strided {
        file: usize,
        offset: u64,
        stride: u64,
    },
    /// Not stored.
    Zero(Gap),
}

impl ExtentData {
    /// The file, the byte offset of the first sector and the bytes from
    /// one sector to the next, for a run the image stores.
    pub fn stored(&self, sector_size: u32) -> Option<(usize, u64, u64)> {
        match *self {
            ExtentData::File { file, offset } => Some((file, offset, u64::from(sector_size))),
            ExtentData::Strided {
                file,
                offset,
                stride,
            } => Some((file, offset, stride.max(u64::from(sector_size)))),
            ExtentData::Zero(_) => None,
        }
    }
}

/// A run of equally sized sectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extent {
    pub start: Lba,
    pub count: u64,
    pub sector_size: u32,
    /// Index into `Medium::tracks`.
    pub track: Option<usize>,
    pub data: ExtentData,
}

impl Extent {
    /// Appends a run of `count` sectors at `start` (nothing when empty) and
    /// moves `cursor`, the address after the last run, past it: how the
    /// disc containers lay out their tracks in address order.
    pub fn place(
        extents: &mut Vec<Extent>,
        cursor: &mut Option<i64>,
        start: i64,
        count: u64,
        sector_size: u32,
        track: Option<usize>,
        data: ExtentData,
    ) {
        if count == 0 {
            return;
        }
        let extent = Extent {
            start: Lba(start),
            count,
            sector_size,
            track,
            data,
        };
        *cursor = Some(extent.end().0);
        extents.push(extent);
    }

    pub fn end(&self) -> Lba {
        Lba(self
            .start
            .0
            .saturating_add(i64::try_from(self.count).unwrap_or(i64::MAX)))
    }

    pub fn contains(&self, lba: Lba) -> bool {
        lba >= self.start && lba < self.end()
    }

    pub(crate) fn origin_of(&self, lba: Lba) -> Result<Origin> {
        let beyond = |expected: &str| {
            Error::invalid(
                Position::Sector(lba),
                "address map",
                "sector",
                expected,
                format!("outside the extent from {}", self.start),
            )
        };
        let index =
            u64::try_from(lba.0 - self.start.0).map_err(|_| beyond("a sector of its extent"))?;
        Ok(match (&self.data, self.data.stored(self.sector_size)) {
            (_, Some((file, offset, stride))) => Origin::File {
                file,
                offset: index
                    .checked_mul(stride)
                    .and_then(|o| o.checked_add(offset))
                    .ok_or_else(|| beyond("a file offset that fits 64 bits"))?,
            },
            (ExtentData::Zero(gap), None) => Origin::Virtual(*gap),
            (_, None) => Origin::Virtual(Gap::Missing),
        })
    }
}

//! The medium model: what a container yields. Optical media are sessions of
//! tracks of indexes; disks are one flat run of sectors. Either way,
//! [`Medium::read_sector`] answers for any address and says where the bytes
//! came from.

mod bounds;
mod map;
mod mode;
mod store;
mod tails;
mod track;

pub use bounds::{MAX_LBA, MAX_TRACK_SECTORS, MIN_LBA, clip};
pub use map::{Extent, ExtentData, Gap};
pub use mode::{ALL_MODES, TrackMode};
pub use store::{DigestCheck, Store, StoreCheck};
pub use tails::{SectorTails, TAIL_BYTES, deinterleave};
pub use track::{CdText, Index, Session, Track, TrackFlags};

use std::path::PathBuf;
use std::sync::Arc;

use crate::budget::Budget;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Position, Result};
use crate::io::ReadAt;
use crate::structure::Structure;
use crate::units::Lba;

/// Bytes of user data in an optical medium's block as filesystems address
/// it (ISO 9660 and UDF logical blocks, mode 1 and form 1 user data).
pub const OPTICAL_BLOCK: u64 = 2048;

/// The container format an image was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Cue,
    Iso,
    Bin,
    Disk,
    Imz,
    Ccd,
    Toc,
    Nrg,
    Mds,
    Cdi,
    Chd,
}

impl Format {
    /// The name used in `info --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Cue => "cue",
            Format::Iso => "iso",
            Format::Bin => "bin",
            Format::Disk => "disk",
            Format::Imz => "imz",
            Format::Ccd => "ccd",
            Format::Toc => "toc",
            Format::Nrg => "nrg",
            Format::Mds => "mds",
            Format::Cdi => "cdi",
            Format::Chd => "chd",
        }
    }

    /// What the format is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Cue => "cue sheet (CDRWIN)",
            Format::Iso => "ISO image (2048-byte sectors)",
            Format::Bin => "raw CD image without a sheet",
            Format::Disk => "raw disk image",
            Format::Imz => "zipped disk image (.imz)",
            Format::Ccd => "CloneCD image (.ccd, .img, .sub)",
            Format::Toc => "cdrdao TOC sheet",
            Format::Nrg => "Nero image (.nrg)",
            Format::Mds => "Alcohol 120% image (.mds, .mdf)",
            Format::Cdi => "DiscJuggler image (.cdi)",
            Format::Chd => "MAME compressed image (.chd)",
        }
    }
}

/// A file holding sector data.
pub struct SourceFile {
    /// The name as the descriptor (cue sheet) wrote it, or the file name.
    pub name: String,
    /// Where it was found.
    pub path: PathBuf,
    pub reader: Arc<dyn ReadAt>,
}

impl SourceFile {
    /// A file named by its own file name (an image that is one file).
    pub fn whole(path: &std::path::Path, reader: Arc<dyn ReadAt>) -> SourceFile {
        SourceFile {
            name: path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            path: path.to_owned(),
            reader,
        }
    }
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("len", &self.reader.len())
            .finish()
    }
}

/// An image's subchannel data: 96 bytes a sector, the 12-byte channels P
/// to W one after another (as CloneCD's `.sub` stores them), from the
/// sector at `first`.
#[derive(Clone)]
pub struct Subchannel {
    pub reader: Arc<dyn ReadAt>,
    pub first: Lba,
}

impl Subchannel {
    /// The subchannel an image keeps after each stored sector (runs of
    /// `extents` stored with a stride of their sector size plus 96 bytes),
    /// raw P-W when `interleaved`; `None` when no run keeps one.
    pub fn after_sectors(
        extents: &[Extent],
        files: &[SourceFile],
        interleaved: bool,
    ) -> Option<Subchannel> {
        let tails = SectorTails::of(extents, files, interleaved)?;
        Some(Subchannel {
            first: tails.first(),
            reader: Arc::new(tails),
        })
    }
}

impl std::fmt::Debug for Subchannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subchannel")
            .field("source", &self.reader.name())
            .field("first", &self.first)
            .finish()
    }
}

/// Optical disc or flat block device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediumKind {
    Optical,
    Disk,
}

/// Where the bytes of a sector came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Read from `files[file]` at byte `offset`.
    File { file: usize, offset: u64 },
    /// Not stored by the image: read as zeros.
    Virtual(Gap),
}

/// One sector as stored (2352 raw, 2048 cooked, 512 disk, ...).
#[derive(Clone, Debug)]
pub struct Sector {
    pub lba: Lba,
    pub bytes: Vec<u8>,
    /// Index into [`Medium::tracks`], if the sector belongs to a track.
    pub track: Option<usize>,
    pub origin: Origin,
}

/// An opened image.
#[derive(Debug)]
pub struct Medium {
    pub format: Format,
    pub kind: MediumKind,
    /// The path the user gave.
    pub path: PathBuf,
    /// The nominal sector size: the largest a track uses, or 512 for disks.
    pub sector_size: u32,
    pub sessions: Vec<Session>,
    pub tracks: Vec<Track>,
    pub catalog: Option<String>,
    /// Disc-level CD-TEXT from the sheet.
    pub cd_text: CdText,
    pub cd_text_file: Option<String>,
    /// Disc-level REM lines kept verbatim (without `REM`).
    pub rem: Vec<String>,
    pub files: Vec<SourceFile>,
    /// The address map, sorted by start and without overlaps.
    pub extents: Vec<Extent>,
    /// The container's own structures (descriptor entries, headers),
    /// explained like a filesystem's.
    pub structures: Vec<Structure>,
    /// Where the image keeps its subchannel, when it does.
    pub subchannel: Option<Subchannel>,
    /// What a container that packs its sectors (CHD) knows about how
    /// each is stored, and its own checks.
    pub store: Option<Arc<dyn Store>>,
    pub diagnostics: Vec<Diagnostic>,
    /// The work and memory budget every reader of this medium draws on
    /// (see [`Medium::budget`]).
    pub budget: Arc<Budget>,
}

impl Medium {
    /// A medium of `format` at `path` with nothing in it yet: containers
    /// fill in what they read.
    pub fn empty(
        format: Format,
        kind: MediumKind,
        path: &std::path::Path,
        sector_size: u32,
    ) -> Medium {
        Medium {
            format,
            kind,
            path: path.to_owned(),
            sector_size,
            sessions: Vec::new(),
            tracks: Vec::new(),
            catalog: None,
            cd_text: CdText::default(),
            cd_text_file: None,
            rem: Vec::new(),
            files: Vec::new(),
            extents: Vec::new(),
            structures: Vec::new(),
            subchannel: None,
            store: None,
            diagnostics: Vec::new(),
            budget: Arc::new(Budget::default()),
        }
    }

    /// An optical disc of `format` at `path`: `tracks` laid over `extents`
    /// of `files`, their sessions grouped from the tracks, the sector size
    /// the largest a track has, and the subchannel kept after each sector
    /// where the extents' strides leave room for it.
    pub fn disc(
        format: Format,
        path: &std::path::Path,
        tracks: Vec<Track>,
        extents: Vec<Extent>,
        files: Vec<SourceFile>,
    ) -> Medium {
        let sector_size = Track::largest_sector(&tracks);
        Medium {
            sessions: Session::group(&tracks),
            subchannel: Subchannel::after_sectors(&extents, &files, true),
            tracks,
            extents,
            files,
            ..Medium::empty(format, MediumKind::Optical, path, sector_size)
        }
    }

    /// The budget of this image, its limits fixed on first use from the
    /// bytes the image stores (see [`crate::budget`]).
    pub fn budget(&self) -> &Arc<Budget> {
        let stored = self.files.iter().map(|f| f.reader.len()).sum();
        self.budget.init(stored, self.block_size());
        &self.budget
    }

    /// The first address the map covers.
    pub fn first_lba(&self) -> Lba {
        self.extents.first().map_or(Lba(0), |e| e.start)
    }

    /// One past the last address the map covers.
    pub fn end_lba(&self) -> Lba {
        self.extents.last().map_or(Lba(0), Extent::end)
    }

    /// Sectors in the image's address space from the first to the last
    /// covered address (session gaps included).
    pub fn sector_count(&self) -> u64 {
        u64::try_from(self.end_lba().0 - self.first_lba().0).unwrap_or(0)
    }

    /// Bytes of user data per sector as filesystems address them: 2048 on
    /// optical media (ISO 9660 and UDF blocks), the sector size on disks.
    pub fn block_size(&self) -> u64 {
        match self.kind {
            MediumKind::Optical => OPTICAL_BLOCK,
            MediumKind::Disk => u64::from(self.sector_size),
        }
    }

    /// Where the user data starts in a stored sector of this medium: after
    /// the sync, header and subheader of a raw track, 0 on disks.
    pub fn user_data_offset(&self, sector: &Sector) -> usize {
        match self.kind {
            MediumKind::Disk => 0,
            MediumKind::Optical => sector
                .track
                .and_then(|t| self.tracks.get(t))
                .and_then(|t| t.mode.block_offset())
                .unwrap_or(0),
        }
    }

    /// The extent holding `lba`.
    pub fn extent_at(&self, lba: Lba) -> Option<&Extent> {
        let index = self.extents.partition_point(|e| e.end() <= lba);
        self.extents.get(index).filter(|e| e.contains(lba))
    }

    /// The index of the track holding `lba` (pregap included).
    pub fn track_at(&self, lba: Lba) -> Option<usize> {
        self.extent_at(lba).and_then(|e| e.track)
    }

    /// The stored size of the sector at `lba`.
    pub fn sector_size_at(&self, lba: Lba) -> Option<u32> {
        self.extent_at(lba).map(|e| e.sector_size)
    }

    /// Where the sector at `lba` lives, without reading it.
    pub fn origin_of(&self, lba: Lba) -> Result<Origin> {
        let extent = self.extent_at(lba).ok_or_else(|| self.out_of_range(lba))?;
        extent.origin_of(lba)
    }

    /// The data file an extent at `lba` names.
    pub fn file(&self, file: usize, lba: Lba) -> Result<&SourceFile> {
        self.files.get(file).ok_or_else(|| {
            Error::invalid(
                Position::Sector(lba),
                "address map",
                "file",
                format!("one of the image's {} files", self.files.len()),
                format!("file {file}"),
            )
        })
    }

    /// Reads the sector at `lba` as stored.
    pub fn read_sector(&self, lba: Lba) -> Result<Sector> {
        let extent = self.extent_at(lba).ok_or_else(|| self.out_of_range(lba))?;
        let size = extent.sector_size as usize;
        let mut bytes = vec![0; size];
        let origin = extent.origin_of(lba)?;
        if let Origin::File { file, offset } = origin {
            let source = self.file(file, lba)?;
            let n = source.reader.read_at(offset, &mut bytes)?;
            if n < size {
                // A file that ends mid-sector: the rest reads as zeros, noted by
                // the container when it was opened.
                bytes
                    .get_mut(n..)
                    .into_iter()
                    .flatten()
                    .for_each(|b| *b = 0);
            }
        }
        Ok(Sector {
            lba,
            bytes,
            track: extent.track,
            origin,
        })
    }

    /// How an address reads to a person: `LBA 16 (00:02:16)` on optical
    /// media, `sector 16` on disks, where minutes and seconds mean nothing.
    pub fn describe_address(&self, lba: Lba) -> String {
        match self.kind {
            MediumKind::Disk => format!("sector {lba}"),
            MediumKind::Optical => {
                let msf = lba
                    .to_msf()
                    .map_or_else(|| "--:--:--".to_owned(), |m| m.to_string());
                format!("LBA {lba} ({msf})")
            }
        }
    }

    /// A human description of where `lba` lives: "Track 02.bin, offset 0x1f8a0".
    pub fn describe_origin(&self, origin: &Origin) -> String {
        match origin {
            Origin::File { file, offset } => {
                let name = self.files.get(*file).map_or("?", |f| f.name.as_str());
                format!("{name}, offset {offset:#x}")
            }
            Origin::Virtual(gap) => format!("{} (not stored; reads as zeros)", gap.as_str()),
        }
    }

    /// The error for an address outside the medium.
    pub fn out_of_range(&self, lba: Lba) -> Error {
        Error::OutOfRange {
            lba: lba.0,
            first: self.first_lba().0,
            end: self.end_lba().0,
            disc: !self.tracks.is_empty(),
        }
    }
}

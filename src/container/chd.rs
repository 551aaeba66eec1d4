//! MAME CHD ("compressed hunks of data"), versions 3 to 5: CD and GD-ROM
//! images (track metadata, frames of sector and subcode), DVD images and
//! hard disks, read lazily through a bounded cache of decoded hunks.
//!
//! The header, the map and the metadata are read here (each structure
//! declared once and shown byte by byte); only hunk decompression comes
//! from the `chd` crate. What is broken in a file is a finding with its
//! position wherever a best-effort layout is still possible: a track past
//! the end of the data, a map entry pointing outside the file, a looping
//! metadata chain, a hunk whose CRC fails.
//!
//! Sources: MAME `src/lib/util/chd.h`, `chd.cpp`, `cdrom.cpp`,
//! `chdcodec.cpp`, `src/tools/chdman.cpp`, and
//! `docs/source/techspecs/chd.rst`, read for facts only.

mod bits;
mod codec;
mod fields;
mod header;
mod hunks;
mod layout;
mod map;
mod metadata;
mod parent;
mod store;
mod tracks;
mod view;

pub use codec::containing as codec_panic_in_progress;
pub use header::{ChdHeader, MAX_HUNK_BYTES, MAX_HUNKS, SIGNATURE};
pub use metadata::MAX_ENTRIES as MAX_METADATA_ENTRIES;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::io::{FileSource, Pager, ReadAt};
use crate::medium::{
    Extent, ExtentData, Format, Medium, MediumKind, Session, SourceFile, Subchannel, Track,
    TrackMode,
};
use crate::structure::Structure;
use crate::units::Lba;

use hunks::Hunks;
use metadata::{MetaEntry, tags};
use store::{ChdStore, Placement};

/// How to open a CHD.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChdOptions {
    /// The parent of a delta CHD (`--parent FILE`); without it the parent
    /// is looked for beside the file, by its SHA-1.
    pub parent: Option<PathBuf>,
}

/// A CHD opened down to its hunks: what every kind of medium is built on.
pub(crate) struct Chd {
    pub path: PathBuf,
    /// The file, through a page cache (for the metadata's digests).
    pub file: Arc<dyn ReadAt>,
    pub header: ChdHeader,
    pub hunks: Arc<Hunks>,
    pub metadata: Vec<MetaEntry>,
    pub structures: Vec<Structure>,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Debug for Chd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chd")
            .field("path", &self.path)
            .field("header", &self.header)
            .field("hunks", &self.hunks)
            .finish()
    }
}

/// Parents of parents followed at most.
const MAX_PARENTS: usize = 8;

impl Chd {
    /// Opens the file, its map and metadata, and its parent when it
    /// names one.
    pub(crate) fn open(path: &Path, parent: Option<&Path>, depth: usize) -> Result<Chd> {
        let file: Arc<dyn ReadAt> = Arc::new(FileSource::open(path)?);
        Chd::from_source(file, path, parent, depth)
    }

    /// [`Chd::open`] on bytes from anywhere; `path` names them (and where
    /// a parent would be looked for).
    pub(crate) fn from_source(
        file: Arc<dyn ReadAt>,
        path: &Path,
        parent: Option<&Path>,
        depth: usize,
    ) -> Result<Chd> {
        let paged: Arc<dyn ReadAt> = Arc::new(Pager::new(Arc::clone(&file)));
        let (mut header, header_structure, mut diagnostics) =
            ChdHeader::read(paged.as_ref(), path)?;
        let mut structures = vec![header_structure];
        let (metadata, meta_structures, meta_findings) =
            metadata::read_chain(paged.as_ref(), header.meta_offset, path);
        diagnostics.extend(meta_findings);
        if metadata
            .iter()
            .any(|e| e.tag == tags::AV || e.tag == tags::AV_LD)
            || header.codecs.contains(&header::tag(b"avhu"))
        {
            return Err(Error::image(
                path,
                "a LaserDisc (A/V) CHD: discscope reads CD, GD-ROM, DVD and hard disk CHDs",
            ));
        }
        if header.version < 5 {
            header.unit_bytes = legacy_unit_bytes(&metadata, header.hunk_bytes);
        }
        for (slot, &codec) in header.codecs.iter().enumerate() {
            if codec != 0 && !codec::supported(codec) {
                diagnostics.push(Diagnostic::error(
                    "chd.codec",
                    format!(
                        "compressor {slot} is {}, which discscope cannot decompress: hunks compressed with it cannot be read",
                        codec::describe(codec)
                    ),
                ));
            }
        }
        let parent = parent::find(path, &header, parent, depth, &mut diagnostics)?;
        let (map, map_structures, map_findings) = map::Map::read(
            &header,
            Arc::clone(&paged),
            path,
            header.parent_sha1.is_some(),
        )?;
        diagnostics.extend(map_findings);
        structures.extend(map_structures);
        structures.push(store::map_summary(&map, &header, path));
        structures.extend(meta_structures);
        let hunks = Arc::new(Hunks::new(&header, map, file, path, parent));
        let file = paged;
        Ok(Chd {
            path: path.to_owned(),
            file,
            header,
            hunks,
            metadata,
            structures,
            diagnostics,
        })
    }
}

/// A v3/v4 file's unit size, guessed as MAME does: a hard disk's sector
/// size, a CD frame, else the hunk size.
fn legacy_unit_bytes(metadata: &[MetaEntry], hunk_bytes: u32) -> u32 {
    if let Some(geometry) = metadata::geometry(metadata) {
        return geometry.bytes_per_sector.max(1);
    }
    let cd = [
        tags::CD_OLD,
        tags::CD_TRACK,
        tags::CD_TRACK2,
        tags::GD_OLD,
        tags::GD_TRACK,
    ];
    if metadata.iter().any(|e| cd.contains(&e.tag)) {
        return codec::FRAME;
    }
    hunk_bytes
}

/// Opens a CHD as a medium.
pub fn open(path: &Path, options: &ChdOptions) -> Result<Medium> {
    medium(Chd::open(path, options.parent.as_deref(), 0)?)
}

/// Opens CHD bytes from any source as a medium (fuzzing, tests); `name`
/// names them in messages. A parent is not looked for.
pub fn open_source(source: Arc<dyn ReadAt>, name: &Path) -> Result<Medium> {
    medium(Chd::from_source(source, name, None, MAX_PARENTS)?)
}

fn medium(chd: Chd) -> Result<Medium> {
    let mut findings = Vec::new();
    let (metas, disc) = tracks::read(&chd.metadata, &mut findings);
    let mut medium = if !metas.is_empty() {
        cd_medium(&chd, &metas, disc, &mut findings)
    } else if chd.metadata.iter().any(|e| e.tag == tags::DVD) {
        flat_medium(&chd, MediumKind::Optical, 2048, &mut findings)
    } else if let Some(geometry) = metadata::geometry(&chd.metadata) {
        let bps = geometry.bytes_per_sector;
        if (1..=65_536).contains(&bps) {
            flat_medium(&chd, MediumKind::Disk, bps, &mut findings)
        } else {
            findings.push(Diagnostic::error(
                "chd.geometry",
                format!("the hard disk metadata says {bps} bytes per sector; read as 512"),
            ));
            flat_medium(&chd, MediumKind::Disk, 512, &mut findings)
        }
    } else {
        raw_medium(&chd, &mut findings)?
    };
    let mut diagnostics = chd.diagnostics.clone();
    diagnostics.append(&mut findings);
    medium.diagnostics = diagnostics;
    medium.structures = chd.structures.clone();
    Ok(medium)
}

/// A file with no metadata discscope knows: ISO 9660 in 2048-byte units
/// opens as a DVD would, anything else as a disk of 512-byte sectors.
fn raw_medium(chd: &Chd, findings: &mut Vec<Diagnostic>) -> Result<Medium> {
    let mut identifier = [0u8; 5];
    let iso = chd
        .hunks
        .read_at(0x8001, &mut identifier)
        .is_ok_and(|n| n == 5)
        && (&identifier == b"CD001" || &identifier == b"BEA01");
    if iso && chd.header.unit_bytes == 2048 {
        findings.push(Diagnostic::info(
            "chd.no-metadata",
            "no metadata names the medium; its data is ISO 9660 or UDF in 2048-byte units: read as a DVD",
        ));
        return Ok(flat_medium(chd, MediumKind::Optical, 2048, findings));
    }
    findings.push(Diagnostic::info(
        "chd.no-metadata",
        "no metadata names the medium (no CD tracks, DVD tag or hard disk geometry): read as a disk of 512-byte sectors",
    ));
    Ok(flat_medium(chd, MediumKind::Disk, 512, findings))
}

/// The file's name, for messages and origins.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A DVD (one cooked track) or a disk: sectors straight from the logical
/// data.
fn flat_medium(
    chd: &Chd,
    kind: MediumKind,
    sector_size: u32,
    findings: &mut Vec<Diagnostic>,
) -> Medium {
    let logical = chd.header.logical_bytes;
    let count = logical / u64::from(sector_size);
    if !logical.is_multiple_of(u64::from(sector_size)) {
        findings.push(Diagnostic::warning(
            "image.partial-sector",
            format!(
                "the logical size {logical} is not a multiple of {sector_size}; the last {} bytes are not a sector",
                logical % u64::from(sector_size)
            ),
        ));
    }
    let name = file_name(&chd.path);
    let tracks: Vec<Track> = (kind == MediumKind::Optical)
        .then(|| Track::whole_file(TrackMode::Mode1_2048, count))
        .into_iter()
        .collect();
    let extents = (count > 0)
        .then(|| Extent {
            start: Lba(0),
            count,
            sector_size,
            track: (kind == MediumKind::Optical).then_some(0),
            data: ExtentData::File { file: 0, offset: 0 },
        })
        .into_iter()
        .collect();
    let placement = Placement::Flat {
        sector_size: u64::from(sector_size),
    };
    Medium {
        sessions: Session::group(&tracks),
        tracks,
        files: vec![SourceFile {
            name,
            path: chd.path.clone(),
            reader: Arc::clone(&chd.hunks) as Arc<dyn ReadAt>,
        }],
        extents,
        store: Some(Arc::new(ChdStore::new(chd, placement))),
        ..Medium::empty(Format::Chd, kind, &chd.path, sector_size)
    }
}

/// A CD or GD-ROM: one view per track, the address map from the layout.
fn cd_medium(
    chd: &Chd,
    metas: &[tracks::TrackMeta],
    disc: tracks::Disc,
    findings: &mut Vec<Diagnostic>,
) -> Medium {
    let frame = u64::from(codec::FRAME);
    if chd.header.unit_bytes != codec::FRAME || !chd.header.hunk_bytes.is_multiple_of(codec::FRAME)
    {
        findings.push(Diagnostic::warning(
            "chd.cd-units",
            format!(
                "a CD CHD keeps {frame}-byte frames in hunks of whole frames; this one has units of {} and hunks of {} bytes",
                chd.header.unit_bytes, chd.header.hunk_bytes
            ),
        ));
    }
    let stored_frames = chd.header.logical_bytes / frame;
    let (placed, pieces) = layout::lay_out(metas, disc, stored_frames, findings);
    let name = file_name(&chd.path);
    let swap_audio = disc != tracks::Disc::GdRomLittleEndian;
    let files = placed
        .iter()
        .map(|p| SourceFile {
            name: format!("{name} (track {:02})", p.track.number),
            path: chd.path.clone(),
            reader: Arc::new(view::TrackView::new(
                Arc::clone(&chd.hunks),
                format!("{name} track {:02}", p.track.number),
                p.segments.clone(),
                p.data_size,
                p.audio && swap_audio,
            )) as Arc<dyn ReadAt>,
        })
        .collect();
    let mut extents: Vec<Extent> = Vec::new();
    let mut offsets = vec![0u64; placed.len()];
    for piece in &pieces {
        let data_size = piece
            .track
            .and_then(|t| placed.get(t))
            .map_or(2352, |p| p.data_size);
        let data = match (&piece.run, piece.track) {
            (layout::Run::Stored, Some(t)) => {
                let offset = offsets.get(t).copied().unwrap_or(0);
                if let Some(o) = offsets.get_mut(t) {
                    *o += piece.count * u64::from(data_size);
                }
                ExtentData::File { file: t, offset }
            }
            (layout::Run::Gap(gap), _) => ExtentData::Zero(*gap),
            (layout::Run::Stored, None) => continue,
        };
        extents.push(Extent {
            start: piece.start,
            count: piece.count,
            sector_size: data_size,
            track: piece.track,
            data,
        });
    }
    let tracks: Vec<Track> = placed.iter().map(|p| p.track.clone()).collect();
    let sector_size = placed.iter().map(|p| p.data_size).max().unwrap_or(2352);
    let subchannel = subchannel(chd, metas, &placed, &pieces, findings);
    let placement = Placement::Frames {
        runs: pieces
            .iter()
            .filter(|p| p.run == layout::Run::Stored)
            .filter_map(|p| {
                let t = placed.get(p.track?)?;
                Some((p.start, p.count, t.segments.clone()))
            })
            .collect(),
    };
    Medium {
        sessions: Session::group(&tracks),
        tracks,
        files,
        extents,
        subchannel,
        store: Some(Arc::new(ChdStore::new(chd, placement))),
        ..Medium::empty(Format::Chd, MediumKind::Optical, &chd.path, sector_size)
    }
}

/// The subchannel, when every track stores one and every sector is
/// stored (a pregap the file does not keep has no subcode).
fn subchannel(
    chd: &Chd,
    metas: &[tracks::TrackMeta],
    placed: &[layout::PlacedTrack],
    pieces: &[layout::Piece],
    findings: &mut Vec<Diagnostic>,
) -> Option<Subchannel> {
    let with = metas
        .iter()
        .filter(|m| m.subcode != tracks::Subcode::None)
        .count();
    if with == 0 {
        return None;
    }
    if with < metas.len() || pieces.iter().any(|p| p.run != layout::Run::Stored) {
        findings.push(Diagnostic::info(
            "chd.subchannel-partial",
            format!(
                "{with} of {} tracks store subchannel data, or some sectors are not stored: the subchannel is not shown",
                metas.len()
            ),
        ));
        return None;
    }
    let first = pieces.first()?.start;
    let mut runs = Vec::new();
    for piece in pieces {
        let track = placed.get(piece.track?)?;
        let mut sector = u64::try_from(piece.start.0 - first.0).ok()?;
        for &(frame, count) in &track.segments {
            // Subcode follows the sector's data area in each frame.
            runs.push((sector, frame, count, view::SECTOR_AREA));
            sector += count;
        }
    }
    let layout = store::subcode_layout(&chd.hunks, &runs);
    Some(Subchannel {
        reader: Arc::new(view::SubcodeView::new(
            Arc::clone(&chd.hunks),
            format!("{} subchannel", file_name(&chd.path)),
            runs,
            layout,
        )),
        first,
    })
}

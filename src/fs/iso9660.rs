//! ISO 9660 and its extensions: plain names, Joliet, Rock Ridge (over SUSP),
//! El Torito, CD-ROM XA, multi-extent and interleaved files, zisofs.
//!
//! One [`IsoFs`] is one view of a session's directory tree; the probe makes
//! a view for each descriptor it finds (plain and Rock Ridge share the
//! primary descriptor's records; Joliet has its own tree).

/// Checks declarations: each one's fields tile its bytes exactly, and
/// decoding one byte too few names its last field and that field's offset.
#[cfg(test)]
macro_rules! check_declarations {
    ($($declared:ty),+ $(,)?) => {$({
        let layout = <$declared>::LAYOUT;
        assert!(layout.tiling().is_exact(), "{}: {:?}", layout.name, layout.tiling());
        let last = layout
            .fields
            .iter()
            .max_by_key(|f| f.offset + f.length)
            .unwrap();
        match <$declared>::decode(&vec![0u8; layout.size - 1]) {
            Err(crate::error::Error::Truncated { structure, field, offset, .. }) => {
                assert_eq!((structure, field, offset), (layout.name, last.name, last.offset));
            }
            other => panic!("{}: {other:?}", layout.name),
        }
    })+};
}

mod descriptor;
mod dirent;
mod eltorito;
mod joliet;
mod names;
mod path_table;
mod rockridge;
mod susp;
mod tree;
mod zisofs;

pub use descriptor::{DescriptorSet, VolumeDescriptor, date17, read_set};
pub use dirent::{Record, Xa};
pub use eltorito::{BootCatalog, BootEntry, ElToritoFs};
pub use path_table::{PathEntry, read as read_path_table};
pub use rockridge::Rr;
pub use tree::is_zisofs;

use std::sync::{Arc, Mutex};

use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Position, Result};
use crate::fs::{Detail, FileExtent, Filesystem, FsKind, Node, NodeKind};
use crate::io::ReadAt;
use crate::medium::Medium;
use crate::structure::{Kind, Place, Structure};
use crate::units::Lba;
use crate::volume::Volume;

use super::{View, ViewOptions};

/// Bytes per logical block (only 2048 is supported, as every real disc uses).
pub const BLOCK: u64 = 2048;

/// Which names and metadata a view reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Plain,
    Joliet,
    RockRidge,
}

/// One ISO 9660 view.
pub struct IsoFs {
    reader: Arc<dyn ReadAt>,
    flavor: Flavor,
    raw_names: bool,
    label: String,
    root: Record,
    /// Bytes a record's system use area skips before SUSP entries (SP),
    /// when the root's `.` record announces SUSP.
    susp_skip: Option<usize>,
    /// Blocks the image holds.
    blocks: u64,
    structures: Vec<Structure>,
    /// The descriptor's fields, for `info`.
    details: Vec<Detail>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

impl std::fmt::Debug for IsoFs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IsoFs")
            .field("source", &self.reader.name())
            .field("flavor", &self.flavor)
            .field("label", &self.label)
            .finish()
    }
}

impl IsoFs {
    /// A view over `reader` rooted at a descriptor's root record.
    pub fn new(
        reader: Arc<dyn ReadAt>,
        flavor: Flavor,
        descriptor: &VolumeDescriptor,
        raw_names: bool,
        structures: Vec<Structure>,
    ) -> Result<IsoFs> {
        let root = descriptor.root.clone().ok_or_else(|| {
            Error::invalid(
                Position::Sector(descriptor.lba),
                "volume descriptor",
                "root directory record",
                "a directory record of at least 34 bytes",
                "an unusable record",
            )
        })?;
        let blocks = reader.len() / BLOCK;
        let mut fs = IsoFs {
            reader,
            flavor,
            raw_names,
            label: descriptor.label.clone(),
            root,
            susp_skip: None,
            blocks,
            structures,
            details: descriptor.details.clone(),
            diagnostics: Mutex::new(Vec::new()),
        };
        let dot = fs.root_dot();
        fs.susp_skip = dot.as_ref().and_then(|dot| susp::find_sp(dot.system_use()));
        if flavor == Flavor::RockRidge && !dot.is_some_and(|dot| fs.has_rock_ridge(&dot)) {
            return Err(Error::Unsupported(
                "no Rock Ridge on this volume".to_owned(),
            ));
        }
        Ok(fs)
    }

    /// The root's `.` record.
    fn root_dot(&self) -> Option<Record> {
        let first = self
            .reader
            .read_vec(self.root.data_lba().checked_mul(BLOCK)?, BLOCK as usize)
            .ok()?;
        dirent::parse(&first, self.root.data_lba() * BLOCK).ok()
    }

    /// Whether the root's `.` record announces SUSP and carries Rock Ridge
    /// entries.
    fn has_rock_ridge(&self, dot: &Record) -> bool {
        if self.susp_skip.is_none() {
            return false;
        }
        let sp_at = if susp::sp_skip(dot.system_use()).is_some() {
            0
        } else {
            Xa::LEN
        };
        let mut diags = Vec::new();
        let area = dot.system_use().get(sp_at..).unwrap_or_default();
        susp::entries(area, self.reader.as_ref(), Lba(0), &mut diags)
            .iter()
            .any(|e| e.is(b"ER") || e.is(b"PX") || e.is(b"TF") || e.is(b"NM") || e.is(b"RR"))
    }

    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    pub(crate) fn note(&self, d: Diagnostic) {
        if let Ok(mut all) = self.diagnostics.lock()
            && all.len() < 10_000
            && !all.contains(&d)
        {
            all.push(d);
        }
    }

    /// Reads `buf.len()` bytes at `offset` of the data described by
    /// `extents`, stopping at their end.
    fn read_extents(
        &self,
        extents: &[FileExtent],
        mut offset: u64,
        buf: &mut [u8],
    ) -> Result<usize> {
        let mut done = 0usize;
        for e in extents {
            if done == buf.len() {
                break;
            }
            if offset >= e.bytes {
                offset -= e.bytes;
                continue;
            }
            let start = u64::try_from(e.lba.0).unwrap_or(0) * BLOCK + offset;
            let n = (e.bytes - offset).min((buf.len() - done) as u64) as usize;
            let dst = buf.get_mut(done..done + n).unwrap_or_default();
            self.reader.read_exact_at(start, dst)?;
            done += n;
            offset = 0;
        }
        Ok(done)
    }
}

impl Filesystem for IsoFs {
    fn kind(&self) -> FsKind {
        match self.flavor {
            Flavor::Plain => FsKind::Iso9660,
            Flavor::Joliet => FsKind::Joliet,
            Flavor::RockRidge => FsKind::RockRidge,
        }
    }

    fn budget(&self) -> Option<&std::sync::Arc<crate::budget::Budget>> {
        self.reader.budget()
    }

    fn label(&self) -> String {
        self.label.clone()
    }

    fn root(&self) -> Result<Node> {
        Ok(self.root_node())
    }

    fn children(&self, dir: &Node) -> Result<Vec<Node>> {
        self.list(dir)
    }

    fn read(&self, file: &Node, offset: u64, buf: &mut [u8]) -> Result<usize> {
        if file.kind != NodeKind::File {
            return Err(Error::Unsupported(format!(
                "{} is not a regular file",
                file.name
            )));
        }
        if offset >= file.size {
            return Ok(0);
        }
        let want = (file.size - offset).min(buf.len() as u64) as usize;
        let buf = buf.get_mut(..want).unwrap_or_default();
        if tree::is_zisofs(file) {
            return zisofs::read(self, file, offset, buf);
        }
        self.read_extents(&file.extents, offset, buf)
    }

    fn structures(&self) -> Vec<Structure> {
        self.structures.clone()
    }

    /// Each record of the block as a structure. The walk is the listing's
    /// (its diagnostics were noted when the directory was listed).
    fn directory_structures(&self, block: &[u8], position: u64) -> Vec<Structure> {
        let block = block.get(..BLOCK as usize).unwrap_or(block);
        let names = match self.flavor {
            Flavor::Joliet => dirent::Names::Ucs2,
            Flavor::Plain | Flavor::RockRidge => dirent::Names::EightBit,
        };
        dirent::records(block, position, &mut Vec::new())
            .iter()
            .map(|record| dirent::structure(record, names, self.susp_skip))
            .collect()
    }

    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .lock()
            .map(|d| d.clone())
            .unwrap_or_default()
    }

    fn details(&self) -> Vec<Detail> {
        self.details.clone()
    }
}

/// Data tracks where a descriptor set may start, best first: the first
/// data track of each session from the newest (a later session's set
/// describes the whole disc), then every other data track from the last.
fn candidates(medium: &Medium) -> Vec<usize> {
    let mut out = Vec::new();
    for session in medium.sessions.iter().rev() {
        if let Some(i) = medium
            .tracks
            .iter()
            .position(|t| t.session == session.number && !t.is_audio())
        {
            out.push(i);
        }
    }
    for (i, t) in medium.tracks.iter().enumerate().rev() {
        if !t.is_audio() && !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// Finds the ISO 9660 views of an optical medium: plain, Joliet, Rock Ridge
/// and El Torito.
pub fn probe(medium: &Arc<Medium>, options: &ViewOptions) -> Vec<View> {
    let mut views = Vec::new();
    let Some(first) = medium.tracks.iter().position(|t| !t.is_audio()) else {
        return views;
    };
    let Ok(volume) = Volume::of_track(Arc::clone(medium), first) else {
        return views;
    };
    let reader: Arc<dyn ReadAt> = Arc::new(volume);
    let mut diags = Vec::new();
    let mut found = None;
    for i in candidates(medium) {
        let Some(track) = medium.tracks.get(i) else {
            continue;
        };
        let session = u64::try_from(track.start.0).unwrap_or(0);
        let mut d = Vec::new();
        let set = read_set(reader.as_ref(), session, &mut d);
        if set.primary.is_some() {
            diags = d;
            found = Some((track, set));
            break;
        }
    }
    let Some((track, set)) = found else {
        return views;
    };
    let Some(primary) = set.primary.clone() else {
        return views;
    };
    let mut structures = set.structures.clone();
    structures.insert(
        0,
        Structure::new(
            Kind::SystemArea,
            "System area (sectors 0-15)",
            Place::Medium(u64::try_from(track.start.0).unwrap_or(0) * BLOCK),
            16 * BLOCK,
        ),
    );
    let path_tables = |vd: &VolumeDescriptor, diags: &mut Vec<Diagnostic>| {
        path_table::structures(reader.as_ref(), vd, diags)
    };
    let mut plain_structures = structures.clone();
    plain_structures.extend(path_tables(&primary, &mut diags));
    let number = Some(track.number);
    let size = u64::from(primary.space_size) * BLOCK;
    let mut push = |fs: Result<IsoFs>, diags: &[Diagnostic]| {
        if let Ok(fs) = fs {
            for d in diags {
                fs.note(d.clone());
            }
            views.push(View {
                kind: fs.kind(),
                label: fs.label(),
                track: number,
                partition: None,
                start: track.start,
                size_bytes: size,
                fs: Arc::new(fs),
            });
        }
    };
    push(
        IsoFs::new(
            Arc::clone(&reader),
            Flavor::Plain,
            &primary,
            options.raw_names,
            plain_structures.clone(),
        ),
        &diags,
    );
    if let Some(joliet) = &set.joliet {
        let mut s = structures.clone();
        let mut d = Vec::new();
        s.extend(path_tables(joliet, &mut d));
        push(
            IsoFs::new(
                Arc::clone(&reader),
                Flavor::Joliet,
                joliet,
                options.raw_names,
                s,
            ),
            &d,
        );
    }
    push(
        IsoFs::new(
            Arc::clone(&reader),
            Flavor::RockRidge,
            &primary,
            options.raw_names,
            plain_structures,
        ),
        &[],
    );
    if let Some(catalog) = set.boot_catalog {
        let plain = views
            .iter()
            .find(|v| v.kind == FsKind::Iso9660)
            .map(|v| Arc::clone(&v.fs));
        let fs = ElToritoFs::open(Arc::clone(&reader), catalog, structures, plain);
        views.push(View {
            kind: FsKind::ElTorito,
            label: "El Torito".to_owned(),
            track: number,
            partition: None,
            start: Lba(i64::from(catalog)),
            size_bytes: BLOCK,
            fs: Arc::new(fs),
        });
    }
    views
}

/// A diagnostic at a sector of the volume.
pub(crate) fn at_sector(d: Diagnostic, lba: u64) -> Diagnostic {
    d.at(Location::Sector(
        Lba(i64::try_from(lba).unwrap_or(i64::MAX)),
    ))
}

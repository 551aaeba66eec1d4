//! One survey of a medium: its partition table, every filesystem view
//! (nested ones included) and every finding on the way, read once when the
//! medium is opened and kept for as long as it is shown. `info`, `ls`,
//! `locate`, `structure`, the owner index and the inspector all read it.
//!
//! This is the one layer that knows both partition tables and
//! filesystems: a table's partitions become volumes, and each volume is
//! probed for a filesystem.

use std::collections::HashSet;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::fs::{self, Filesystem, FsKind, NodeKind, View, ViewOptions};
use crate::medium::{Medium, MediumKind};
use crate::partition::{self, PartitionTable};
use crate::structure::Structure;
use crate::units::Lba;
use crate::volume::Volume;

/// What a volume probe gives: `None` when its filesystem is not there, a
/// finding when it is there but unusable.
type Probed = Option<Result<Arc<dyn Filesystem>, Diagnostic>>;

/// The filesystems that sit on a whole volume (a disk, a data track, a
/// partition), tried in turn on each: a new reader adds one line.
const VOLUME_PROBES: &[fn(&Volume) -> Probed] = &[fat, udf];

fn udf(volume: &Volume) -> Probed {
    Some(match fs::udf::probe(volume)? {
        Ok(udf) => Ok(Arc::new(udf)),
        Err(e) => Err(Diagnostic::error("udf.unusable", e.to_string())),
    })
}

fn fat(volume: &Volume) -> Probed {
    Some(match fs::fat::probe(volume)? {
        Ok(fat) => Ok(Arc::new(fat)),
        Err(e) => Err(Diagnostic::error("fat.unusable", e.to_string())),
    })
}

/// Nested images larger than this are not probed (a FAT image in an ISO is
/// a floppy or an EFI partition, a few MiB).
const NESTED_LIMIT: u64 = 256 << 20;

/// Which part of the survey something belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The image container (a descriptor file's entries, a header).
    Container,
    /// The partition table.
    Partitions,
    /// A filesystem view.
    View(FsKind),
}

impl Scope {
    /// The name in `locate --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Container => "container",
            Scope::Partitions => "partitions",
            Scope::View(kind) => kind.as_str(),
        }
    }
}

/// What a medium holds.
#[derive(Debug)]
pub struct Survey {
    pub medium: Arc<Medium>,
    /// The partition table at the medium's start: a disk's, or the system
    /// area's of an optical medium's first data track (isohybrid).
    pub table: Option<PartitionTable>,
    /// Every filesystem view, in the order found.
    pub views: Vec<View>,
    /// The user data of the whole medium from LBA 0 (the disk, or the
    /// first data track onwards), where the structures' places point.
    volume: Option<Volume>,
    /// Every structure found (see [`Survey::structures`]).
    structures: Vec<(Scope, Structure)>,
    /// What probing found: filesystems recognised but unusable, tables
    /// that could not be read (the table's own findings stay in `table`,
    /// each view's in the view).
    pub diagnostics: Vec<Diagnostic>,
}

impl Survey {
    /// Surveys a medium.
    pub fn new(medium: Arc<Medium>, options: &ViewOptions) -> Survey {
        let mut survey = Survey {
            medium: Arc::clone(&medium),
            table: None,
            views: Vec::new(),
            volume: first_volume(&medium),
            structures: Vec::new(),
            diagnostics: Vec::new(),
        };
        if medium.kind == MediumKind::Optical {
            survey.views.extend(fs::iso9660::probe(&medium, options));
        }
        if let Some(volume) = survey.volume.clone() {
            survey.probe_volume(&volume);
        }
        let nested = survey.nested();
        survey.views.extend(nested);
        // A filesystem found twice at the same start (an EFI image that is
        // also a hybrid partition) is listed once.
        let mut seen = HashSet::new();
        survey.views.retain(|v| seen.insert((v.kind, v.start)));
        survey.structures = survey.collect_structures();
        survey
    }

    /// The user data of the whole medium, addressed as structures' places
    /// are (`None` for a medium with no data track).
    pub fn user_data(&self) -> Option<&Volume> {
        self.volume.as_ref()
    }

    /// The view shown without `--fs`: the richest one found.
    pub fn default_view(&self) -> Option<&View> {
        self.views.iter().min_by_key(|v| v.kind.rank())
    }

    /// The view `--fs NAME` names (`iso9660`, `iso`, `joliet`, `rr`, ...).
    pub fn named(&self, name: &str) -> Option<&View> {
        let want = FsKind::parse(name)?;
        self.views.iter().find(|v| v.kind == want)
    }

    /// The partitions a disk lists where optical media list tracks.
    pub fn disk_partitions(&self) -> &[partition::Partition] {
        match (self.medium.kind, &self.table) {
            (MediumKind::Disk, Some(table)) => &table.partitions,
            _ => &[],
        }
    }

    /// Every structure: each view's, a structure that several views share
    /// listed once, then the partition table's, then the container's.
    pub fn structures(&self) -> &[(Scope, Structure)] {
        &self.structures
    }

    fn collect_structures(&self) -> Vec<(Scope, Structure)> {
        let mut out: Vec<(Scope, Structure)> = Vec::new();
        for view in &self.views {
            for s in view.fs.structures() {
                let shared = out
                    .iter()
                    .any(|(_, o)| o.place == s.place && o.kind == s.kind && o.name == s.name);
                if !shared {
                    out.push((Scope::View(view.kind), s));
                }
            }
        }
        out.extend(
            self.table
                .iter()
                .flat_map(|t| t.structures.iter().map(|s| (Scope::Partitions, s.clone()))),
        );
        out.extend(
            self.medium
                .structures
                .iter()
                .map(|s| (Scope::Container, s.clone())),
        );
        out
    }

    /// Every finding so far: the medium's, the table's, the survey's and
    /// each view's (views add findings as their directories are read).
    pub fn all_diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.medium.diagnostics.clone();
        out.extend(
            self.table
                .iter()
                .flat_map(|t| t.diagnostics.iter().cloned()),
        );
        out.extend(self.diagnostics.iter().cloned());
        for view in &self.views {
            out.extend(view.fs.diagnostics());
        }
        out
    }

    /// The volume at the medium's start: the filesystems on the whole of
    /// it, and, unless FAT holds its first sector, its partition table and
    /// the filesystems in each partition.
    fn probe_volume(&mut self, volume: &Volume) {
        let found = self.probe_filesystems(volume, None);
        if found.contains(&FsKind::Fat12)
            || found.contains(&FsKind::Fat16)
            || found.contains(&FsKind::Fat32)
        {
            return;
        }
        let mut table = match partition::read(volume) {
            Ok(Some(table)) => table,
            Ok(None) => return,
            // A volume addressed from past LBA 0 (the data track of a
            // later session) has no sector 0 to hold a table.
            Err(crate::error::Error::OutOfRange { lba, first, .. }) if lba < first => return,
            Err(e) => {
                self.diagnostics
                    .push(Diagnostic::error("partition.unreadable", e.to_string()));
                return;
            }
        };
        // A boot sector that looks like FAT but is not usable may be an MBR
        // (boot loaders start with a jump too).
        for d in self
            .diagnostics
            .iter_mut()
            .filter(|d| d.code == "fat.unusable")
        {
            d.severity = Severity::Info;
            d.message = format!("sector 0 is a partition table, not FAT ({})", d.message);
        }
        for s in &mut table.structures {
            s.place = s.place.shifted(volume.base());
        }
        let mut opened = HashSet::new();
        for p in table.partitions.iter().filter(|p| !p.container) {
            let (Some(start), Some(len)) = (p.byte_start(), p.byte_len()) else {
                continue;
            };
            // Partitions naming the same sectors hold the same filesystem:
            // read it once.
            if !opened.insert((start, len)) {
                continue;
            }
            if let Ok(sub) = volume.slice(start, len) {
                self.probe_filesystems(&sub, Some(p.index));
            }
        }
        self.table = Some(table);
    }

    /// Every filesystem the volume probes find on a volume (a whole disk,
    /// a data track, a partition); the kinds found.
    fn probe_filesystems(&mut self, volume: &Volume, partition: Option<u32>) -> Vec<FsKind> {
        let mut found = Vec::new();
        for probe in VOLUME_PROBES {
            match probe(volume) {
                Some(Ok(fs)) => {
                    found.push(fs.kind());
                    self.views.push(view_of(volume, partition, fs));
                }
                Some(Err(d)) => self.diagnostics.push(match partition {
                    Some(index) => Diagnostic {
                        message: format!("partition {index}: {}", d.message),
                        ..d
                    },
                    None => d,
                }),
                None => {}
            }
        }
        found
    }

    /// FAT images stored as files of the views found so far: El Torito
    /// boot images (floppy emulation and EFI images).
    fn nested(&self) -> Vec<View> {
        let block = self.medium.block_size();
        let mut found = Vec::new();
        let mut seen_starts = HashSet::new();
        for view in self.views.iter().filter(|v| v.kind == FsKind::ElTorito) {
            let Ok(root) = view.fs.root() else { continue };
            let Ok(children) = view.fs.children(&root) else {
                continue;
            };
            for node in children
                .into_iter()
                .filter(|n| n.kind == NodeKind::File && n.size <= NESTED_LIMIT)
            {
                let start = node.extents.first().map(|e| e.lba);
                let size = node.size;
                let Some(Ok(fat)) = fs::fat::nested::probe_file(Arc::clone(&view.fs), node, block)
                else {
                    continue;
                };
                if !seen_starts.insert(start) {
                    continue;
                }
                let fs: Arc<dyn Filesystem> = Arc::new(fat);
                found.push(View {
                    kind: fs.kind(),
                    label: fs.label(),
                    track: view.track,
                    partition: None,
                    start: start.unwrap_or(view.start),
                    size_bytes: size,
                    fs,
                });
            }
        }
        found
    }
}

/// The volume at the medium's start: the whole disk, or the first data
/// track (whose first sectors are an ISO's system area).
fn first_volume(medium: &Arc<Medium>) -> Option<Volume> {
    match medium.kind {
        MediumKind::Disk => Volume::of_disk(Arc::clone(medium)).ok(),
        MediumKind::Optical => {
            let track = medium.tracks.iter().position(|t| !t.is_audio())?;
            Volume::of_track(Arc::clone(medium), track).ok()
        }
    }
}

fn view_of(volume: &Volume, partition: Option<u32>, fs: Arc<dyn Filesystem>) -> View {
    View {
        kind: fs.kind(),
        label: fs.label(),
        track: None,
        partition,
        start: volume.lba_of(0),
        size_bytes: crate::io::ReadAt::len(volume),
        fs,
    }
}

/// The sector holding byte `position` of the medium's user data.
pub fn lba_of(position: u64, block: u64) -> Lba {
    Lba(i64::try_from(position / block.max(1)).unwrap_or(i64::MAX))
}

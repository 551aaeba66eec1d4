//! One survey of a medium: its partition table, every filesystem view
//! (nested ones included) and every finding on the way, read once when the
//! medium is opened and kept for as long as it is shown. `info`, `ls`,
//! `locate`, `structure`, the owner index and the inspector all read it.
//!
//! This is the one layer that knows both partition tables and
//! filesystems: a table's partitions become volumes, and each volume is
//! probed for a filesystem.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::budget::Resource;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::fs::{self, Filesystem, FsKind, Node, NodeKind, View, ViewOptions};
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
const VOLUME_PROBES: &[fn(&Volume) -> Probed] = &[fat, udf, hfs];

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

fn hfs(volume: &Volume) -> Probed {
    Some(match fs::hfs::probe(volume)? {
        Ok(hfs) => Ok(Arc::new(hfs)),
        Err(e) => Err(Diagnostic::error("hfs.unusable", e.to_string())),
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
        let (nested, shared) = survey.nested();
        survey.views.extend(nested);
        survey.diagnostics.extend(shared);
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
        out.extend(self.medium.budget.diagnostics());
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
        // Partitions that start together hold the same filesystem whatever
        // lengths they claim: it is read once, for the first of them, and
        // the others are named in one finding.
        let mut opened: HashMap<u64, (u32, Vec<u32>)> = HashMap::new();
        let mut order = Vec::new();
        for p in table.partitions.iter().filter(|p| !p.container) {
            let (Some(start), Some(len)) = (p.byte_start(), p.byte_len()) else {
                continue;
            };
            if let Some((_, others)) = opened.get_mut(&start) {
                others.push(p.index);
                continue;
            }
            opened.insert(start, (p.index, Vec::new()));
            order.push(start);
            if let Ok(sub) = volume.slice(start, len) {
                self.probe_filesystems(&sub, Some(p.index));
            }
        }
        for start in order {
            if let Some((first, others)) = opened.get(&start).filter(|(_, o)| !o.is_empty()) {
                self.diagnostics
                    .push(shared_start(*first, others, volume.lba_of(start)));
            }
        }
        self.table = Some(table);
    }

    /// Every filesystem the volume probes find on a volume (a whole disk,
    /// a data track, a partition); the kinds found.
    fn probe_filesystems(&mut self, volume: &Volume, partition: Option<u32>) -> Vec<FsKind> {
        let mut found = Vec::new();
        if self.spend_probe(|| format!("the volume at sector {}", volume.lba_of(0))) {
            return found;
        }
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

    /// Draws one probe on the structures budget; `true` when it is spent
    /// (the budget keeps the finding).
    fn spend_probe(&self, at: impl FnOnce() -> String) -> bool {
        self.medium
            .budget()
            .spend(Resource::Structures, 1, at)
            .is_err()
    }

    /// FAT images stored as files of the views found so far: El Torito
    /// boot images (floppy emulation, EFI images, and the partitions of a
    /// hard-disk emulation image). Boot entries naming the same image are
    /// probed once, and named in one finding.
    fn nested(&self) -> (Vec<View>, Vec<Diagnostic>) {
        let block = self.medium.block_size();
        let mut found = Vec::new();
        let mut notes = Vec::new();
        // First sector → the first image there and the others naming it.
        let mut seen: HashMap<Option<Lba>, (String, Vec<String>)> = HashMap::new();
        let mut order = Vec::new();
        for view in self.views.iter().filter(|v| v.kind == FsKind::ElTorito) {
            let Ok(root) = view.fs.root() else { continue };
            let Ok(children) = view.fs.children(&root) else {
                continue;
            };
            for node in children
                .into_iter()
                .filter(|n| n.kind == NodeKind::File && n.size <= NESTED_LIMIT)
            {
                let first = node.extents.first().map(|e| e.lba);
                if let Some((_, others)) = seen.get_mut(&first) {
                    others.push(node.name.clone());
                    continue;
                }
                seen.insert(first, (node.name.clone(), Vec::new()));
                order.push(first);
                if self.spend_probe(|| format!("boot image {}", node.name)) {
                    break;
                }
                for (fat, offset, size) in fat_in_boot_image(&view.fs, &node, block) {
                    let start = first.map(|lba| Lba(lba.0.saturating_add(lba_of(offset, block).0)));
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
        }
        for start in order {
            if let Some((first, others)) = seen.get(&start).filter(|(_, o)| !o.is_empty()) {
                notes.push(shared_image(first, others, start));
            }
        }
        (found, notes)
    }
}

/// Names at most this many of the structures that share one place.
const NAMED: usize = 8;

/// `a, b, c and 4,093 more`.
fn some_of<T: std::fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().take(NAMED).map(T::to_string).collect();
    match items.len().saturating_sub(NAMED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The finding for partitions that start where an earlier one starts.
fn shared_start(first: u32, others: &[u32], at: Lba) -> Diagnostic {
    Diagnostic::warning(
        "partition.shared",
        format!(
            "{} more partition{} ({}) start at sector {at}, as partition {first} does: they share its sectors, and its filesystem is read once",
            others.len(),
            if others.len() == 1 { "" } else { "s" },
            some_of(others)
        ),
    )
    .at(Location::Sector(at))
}

/// The finding for El Torito entries that name the same boot image.
fn shared_image(first: &str, others: &[String], at: Option<Lba>) -> Diagnostic {
    let place = at.map_or_else(String::new, |lba| format!(" at sector {lba}"));
    let diagnostic = Diagnostic::warning(
        "eltorito.shared-image",
        format!(
            "{} more boot entr{} ({}) name the image{place} that {first} names: it is read once",
            others.len(),
            if others.len() == 1 { "y" } else { "ies" },
            some_of(others)
        ),
    );
    match at {
        Some(lba) => diagnostic.at(Location::Sector(lba)),
        None => diagnostic,
    }
}

/// The FAT volumes in a boot image, with their byte offsets and sizes in
/// it: the image itself, or each partition of a hard-disk image's own
/// table.
fn fat_in_boot_image(
    outer: &Arc<dyn Filesystem>,
    image: &Node,
    block: u64,
) -> Vec<(fs::fat::FatFs, u64, u64)> {
    use fs::fat::nested;
    if let Some(Ok(fat)) = nested::probe_file(Arc::clone(outer), image.clone(), block) {
        return vec![(fat, 0, image.size)];
    }
    let source = nested::file_source(Arc::clone(outer), image.clone());
    let Ok(Some(table)) = partition::read(source.as_ref()) else {
        return Vec::new();
    };
    table
        .partitions
        .iter()
        .filter(|p| !p.container)
        .filter_map(|p| {
            let (start, len) = (p.byte_start()?, p.byte_len()?);
            let fat = nested::probe_window(Arc::clone(outer), image.clone(), start, len, block)?;
            Some((fat.ok()?, start, len))
        })
        .collect()
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

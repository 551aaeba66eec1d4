//! The entry points that fuzzing and the regression replay share: each
//! takes any bytes, treats them as one kind of input, and drives the same
//! public functions the command line uses (detection, the survey, `info`,
//! `ls -R`, `cat`, `locate`, `verify`, the cue doctor). Each must return,
//! never panic, within the image's work budget ([`crate::budget`]).
//!
//! `fuzz/fuzz_targets/<name>.rs` calls [`run`] with its name, and the
//! `cargo test` replay feeds every file under `fuzz/regressions/<name>/`
//! through the same call, so a regression fails CI without nightly. A new
//! target is one entry in [`TARGETS`] (and its three-line fuzz target).
//!
//! Inputs that the command line reads from files are written to a scratch
//! folder first (one per thread, reused), so detection by content and by
//! extension runs exactly as it does for a user.

use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::fs::{Filesystem, Node, NodeKind, ViewOptions, walk};
use crate::inspect::owners::OwnerIndex;
use crate::io::{MemorySource, ReadAt, Slice};
use crate::medium::Medium;
use crate::survey::Survey;
use crate::units::Lba;

mod descriptors;

pub use descriptors::{cdi, chd, mds, nrg, toc};

/// One fuzz target: its name (the file under `fuzz/fuzz_targets/` and the
/// folder under `fuzz/regressions/`) and what it does with the bytes.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
    /// What the bytes are taken to be.
    pub about: &'static str,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "cue",
        run: cue,
        about: "a cue sheet beside the mixed-mode fixture's data: every rule, rendering and repair",
    },
    Target {
        name: "iso",
        run: iso,
        about: "a cooked image (.iso): every view walked and read, locate and the owner index",
    },
    Target {
        name: "disk",
        run: disk,
        about: "a disk image (.img): partition tables, FAT with deleted entries, nested volumes",
    },
    Target {
        name: "raw",
        run: raw,
        about: "2352-byte sectors (.bin): verification and field decoding of every sector",
    },
    Target {
        name: "ccd",
        run: ccd,
        about: "a CloneCD set: the .ccd text up to the first NUL, then .img sectors, then the .sub",
    },
    Target {
        name: "udf",
        run: udf,
        about: "a UDF volume at 512 and 2048-byte blocks: tree, files and records",
    },
    Target {
        name: "hfs",
        run: hfs,
        about: "an HFS/HFS+ volume, whole and per partition: tree, forks and the check",
    },
    Target {
        name: "chd",
        run: chd,
        about: "a .chd: header, map, metadata and track layout, every mapped sector, the hunk check",
    },
    Target {
        name: "fat",
        run: fat,
        about: "a bare FAT12/16/32 volume: BPB, FSInfo, tables, every entry and chain, the check",
    },
    Target {
        name: "cdtext",
        run: cdtext,
        about: "CD-TEXT packs: CRCs, the decoded text and the field-by-field view",
    },
    Target {
        name: "toc",
        run: toc,
        about: "a cdrdao toc file beside the mixed-mode fixture's data: every rule and rendering, the layout",
    },
    Target {
        name: "nrg",
        run: nrg,
        about: "a Nero image, from memory: footer, chunks, layout, sectors and subchannel",
    },
    Target {
        name: "mds",
        run: mds,
        about: "an Alcohol descriptor beside 50 raw sectors with subchannel: blocks, names, DVD structures, layout",
    },
    Target {
        name: "cdi",
        run: cdi,
        about: "a DiscJuggler image, from memory: footer, descriptor blocks, layout, sectors and subchannel",
    },
    Target {
        name: "whole",
        run: whole,
        about: "any file: detection, then everything info and ls -R do",
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// Feeds `data` to the target `name`; `false` when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match target(name) {
        Some(t) => {
            (t.run)(data);
            true
        }
        None => false,
    }
}

/// Entries a harness walk visits at most per view (the budget bounds the
/// rest; this keeps one execution short).
const ENTRIES: usize = 4000;
/// Harness walks enter every directory, deleted ones too.
const EVERYTHING: walk::Reach = walk::Reach {
    recursive: true,
    deleted: true,
};
/// Bytes of each file read from its start and from its end.
const READ: usize = 8192;

thread_local! {
    static SCRATCH: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// Writes `files` (name, bytes) into this thread's scratch folder, removing
/// what the last call wrote, and returns the folder.
fn scratch(files: &[(&str, &[u8])]) -> Option<PathBuf> {
    SCRATCH.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = tempfile::Builder::new()
                .prefix("discscope-harness")
                .tempdir()
                .ok();
        }
        let dir = slot.as_ref()?.path().to_owned();
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        }
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).ok()?;
        }
        Some(dir)
    })
}

/// Opens `name` in the scratch folder as the command line does.
fn open(dir: &Path, name: &str) -> Option<Arc<Medium>> {
    crate::container::open(&dir.join(name)).ok().map(Arc::new)
}

/// Reads the start and the end of a file, as `cat` and `extract` would.
fn read_file(fs: &dyn Filesystem, node: &Node, buf: &mut [u8]) {
    let _ = fs.read(node, 0, buf);
    let _ = fs.read(node, node.size.saturating_sub(buf.len() as u64 / 2), buf);
    if let Some(fork) = fs.resource_fork(node) {
        let _ = fs.read(&fork, 0, buf);
    }
    let _ = fs.finder_info(node);
    let _ = fs.node_records(node);
}

/// `ls -R` of every view, each file's bytes read, bounded.
fn walk_views(survey: &Survey) {
    let mut buf = vec![0u8; READ];
    for view in &survey.views {
        let fs = view.fs.as_ref();
        let _ = fs.label();
        let _ = fs.details();
        let Ok(root) = fs.root() else { continue };
        let mut seen = 0usize;
        let _ = walk::walk(fs, &root, "", EVERYTHING, &mut |_, _, node| {
            seen += 1;
            if seen > ENTRIES {
                return Err(crate::Error::Unsupported("harness entry bound".into()));
            }
            if node.kind == NodeKind::File {
                read_file(fs, node, &mut buf);
            }
            Ok(())
        });
        let _ = crate::fs::walk::resolve(fs, "/a/b", true);
    }
}

/// What `locate` and `structure` do for a sample of sectors, with the
/// owner index built as the inspector builds it.
fn locate_sample(survey: &Survey) {
    let Ok(index) = OwnerIndex::build(survey) else {
        return;
    };
    let medium = &survey.medium;
    let (first, end) = (medium.first_lba().0, medium.end_lba().0);
    let span = end.saturating_sub(first).max(1);
    let mut lbas: Vec<i64> = (0..16).map(|i| first + span * i / 16).collect();
    lbas.extend([16, 17, 18, 19, 20, 0, 1, 2, end - 1]);
    for lba in lbas.into_iter().collect::<HashSet<_>>() {
        let owners = index.owners(Lba(lba));
        let _ = crate::inspect::explain::located(survey, &owners, Lba(lba));
    }
}

/// Everything `info`, `ls -R`, `cat`, `locate` and `structure` do.
fn survey_all(medium: Arc<Medium>) {
    let survey = Survey::new(medium, &ViewOptions::default());
    let _ = crate::inspect::summary::info(&survey);
    walk_views(&survey);
    locate_sample(&survey);
    let _ = survey.all_diagnostics();
}

/// Any bytes as a cue sheet beside the mixed-mode fixture's data files:
/// parse, every rule, rendering and repair.
pub fn cue(data: &[u8]) {
    let folder = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cue/mixed"
    ));
    let report = crate::lint::check_bytes(data, folder);
    let _ = crate::lint::render(&report, true);
    let _ = crate::lint::repair(data, folder);
}

/// Any bytes as a cooked image.
pub fn iso(data: &[u8]) {
    let Some(dir) = scratch(&[("image.iso", data)]) else {
        return;
    };
    if let Some(medium) = open(&dir, "image.iso") {
        survey_all(medium);
    }
}

/// Any bytes as a disk image, with deleted entries listed and the FAT
/// check run.
pub fn disk(data: &[u8]) {
    let Some(dir) = scratch(&[("disk.img", data)]) else {
        return;
    };
    let Some(medium) = open(&dir, "disk.img") else {
        return;
    };
    let survey = Survey::new(medium, &ViewOptions::default());
    let _ = crate::inspect::summary::info(&survey);
    walk_views(&survey);
    locate_sample(&survey);
    for view in &survey.views {
        let _ = view.fs.check();
    }
}

/// Any bytes as raw 2352-byte sectors: every sector verified, judged,
/// decoded field by field and offered to repair.
pub fn raw(data: &[u8]) {
    let Some(dir) = scratch(&[("image.bin", data)]) else {
        return;
    };
    let Some(medium) = open(&dir, "image.bin") else {
        return;
    };
    sectors(&medium);
    survey_all(medium);
}

/// Sectors offered to repair per execution: error correction is the
/// costliest step under the sanitizer (a mutated sector rarely verifies),
/// and each sector offered runs every strategy.
const REPAIRS: usize = 8;

/// Verification and every sector's decoding, as `verify --repair-preview`
/// and `sector --json` do them (at most 64 sectors decoded one by one, the
/// first [`REPAIRS`] of them offered to repair).
fn sectors(medium: &Medium) {
    let _ = crate::sector::verify::verify(medium, None, &|_, _| {});
    let (first, end) = (medium.first_lba().0, medium.end_lba().0);
    for (n, lba) in (first..end).take(64).enumerate() {
        let view = crate::inspect::hex::SectorView::load(medium, Lba(lba));
        if let Ok(sector) = medium.read_sector(Lba(lba)) {
            if n < REPAIRS {
                let _ = crate::sector::repair_sector(medium, &sector);
            }
            if let Some(verdict) = &view.verdict {
                let _ = crate::inspect::checks::sector_checks(verdict, &sector.bytes);
            }
        }
        let _ = crate::inspect::notes::sector_notes(medium, &view, 15, &[], None, None);
    }
}

/// A CloneCD set: the `.ccd` text is the bytes before the first NUL; of
/// the rest, whole 2352-byte sectors are the `.img` and what follows the
/// `.sub`.
pub fn ccd(data: &[u8]) {
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            data.get(at + 1..).unwrap_or_default(),
        ),
        None => (data, &[][..]),
    };
    let img_len = rest.len() / 2352 * 2352;
    let (img, sub) = rest.split_at(img_len.min(rest.len()));
    let mut files: Vec<(&str, &[u8])> = vec![("disc.ccd", text), ("disc.img", img)];
    if !sub.is_empty() {
        files.push(("disc.sub", sub));
    }
    let Some(dir) = scratch(&files) else { return };
    let Some(medium) = open(&dir, "disc.ccd") else {
        return;
    };
    if let Some(sub) = crate::subchannel::SubFile::of(&medium) {
        let _ = sub.scan();
        for lba in 0..4 {
            let _ = sub.q(Lba(lba));
        }
    }
    sectors(&medium);
    survey_all(medium);
}

/// Any bytes as a UDF volume at 512- and 2048-byte blocks (placed at
/// 32 KiB and at block 256 of a sparse image, so small inputs reach the
/// anchors), and as they are.
pub fn udf(data: &[u8]) {
    let mut image = vec![0u8; 256 * 512 + data.len().max(1024)];
    let head = data.len().min(2048);
    if let (Some(dst), Some(src)) = (image.get_mut(32_768..32_768 + head), data.get(..head)) {
        dst.copy_from_slice(src);
    }
    let at = 256 * 512;
    if let Some(dst) = image.get_mut(at..at + data.len()) {
        dst.copy_from_slice(data);
    }
    for block in [512u64, 2048] {
        udf_volume(Arc::new(MemorySource::new(image.clone(), "fuzz")), block);
    }
    udf_volume(Arc::new(MemorySource::new(data.to_vec(), "fuzz")), 2048);
}

fn udf_volume(source: Arc<dyn ReadAt>, block: u64) {
    if let Some(Ok(fs)) = crate::fs::udf::probe_source(source, 0, block) {
        whole_volume(&fs);
    }
}

/// Everything a filesystem offers, read once: its structures and facts,
/// every entry (deleted ones too) with each file's bytes and each
/// directory's records, and the findings.
fn whole_volume(fs: &dyn Filesystem) {
    let _ = fs.structures();
    let _ = fs.details();
    let Ok(root) = fs.root() else { return };
    let mut seen = 0usize;
    let mut buf = vec![0u8; 4096];
    let _ = walk::walk(fs, &root, "", EVERYTHING, &mut |_, _, node| {
        seen += 1;
        if seen > ENTRIES {
            return Err(crate::Error::Unsupported("harness entry bound".into()));
        }
        if node.kind == NodeKind::File {
            read_file(fs, node, &mut buf);
        } else {
            let _ = fs.node_records(node);
        }
        Ok(())
    });
    let _ = fs.check();
    let _ = fs.diagnostics();
}

/// Any bytes as a bare FAT volume (boot sector at byte 0, 512-byte
/// sectors): BPB and FSInfo, the tables, every entry and chain, the check.
pub fn fat(data: &[u8]) {
    let source: Arc<dyn ReadAt> = Arc::new(MemorySource::new(data.to_vec(), "fuzz"));
    let map = crate::fs::fat::SectorMap {
        base: 0,
        block: 512,
    };
    if let Some(Ok(fs)) = crate::fs::fat::probe_source(source, map) {
        whole_volume(&fs);
    }
}

/// Any bytes as CD-TEXT packs (as NRG, CDI and MDS descriptors carry
/// them): each pack's CRC, the decoded text, and the field-by-field view.
pub fn cdtext(data: &[u8]) {
    for pack in data.chunks(18) {
        let _ = crate::container::cdtext::crc_ok(pack);
    }
    let _ = crate::container::cdtext::decode(data);
    let path: Arc<Path> = Arc::from(Path::new("fuzz.cdt"));
    let _ = crate::container::cdtext::structure(data, "CD-TEXT", &path, 0);
}

/// Any bytes as a disk: the HFS/HFS+ probe on the whole and on every
/// partition of the table it holds, then the tree, forks and check.
pub fn hfs(data: &[u8]) {
    use crate::fs::hfs::{self, Placement};
    let source: Arc<dyn ReadAt> = Arc::new(MemorySource::new(data.to_vec(), "fuzz"));
    let exercise = |source: Arc<dyn ReadAt>, base: u64| {
        let Some(Ok(fs)) = hfs::probe_source(source, Placement { base, block: 512 }) else {
            return;
        };
        let _ = fs.label();
        for s in fs.structures() {
            if let Some(at) = s.place.medium() {
                let _ = fs.directory_structures(&[0u8; 512], at);
            }
        }
        let Ok(root) = fs.root() else { return };
        let mut stack = vec![(root, 0)];
        let mut seen = HashSet::new();
        let mut left = 2000usize;
        let mut buf = vec![0u8; 4096];
        while let Some((dir, depth)) = stack.pop() {
            let Ok(children) = fs.children(&dir) else {
                continue;
            };
            for child in children {
                left = left.saturating_sub(1);
                if left == 0 {
                    return;
                }
                if child.kind == NodeKind::Dir {
                    if depth < 64 && seen.insert(child.id) {
                        stack.push((child, depth + 1));
                    }
                } else {
                    read_file(&fs, &child, &mut buf);
                    let _ = fs.read(&child, child.size.saturating_sub(7), &mut buf);
                }
            }
        }
        let _ = fs.check();
    };
    exercise(Arc::clone(&source), 0);
    if let Ok(Some(table)) = crate::partition::read(source.as_ref()) {
        for p in table.partitions.iter().chain(table.hybrid.iter()).take(16) {
            let (Some(start), Some(len)) = (p.byte_start(), p.byte_len()) else {
                continue;
            };
            let slice: Arc<dyn ReadAt> = Arc::new(Slice::new(Arc::clone(&source), start, len));
            exercise(slice, start);
        }
    }
}

/// Any file, named with no telling extension: detection, then what `info`
/// and `ls -R` do.
pub fn whole(data: &[u8]) {
    let Some(dir) = scratch(&[("image", data)]) else {
        return;
    };
    let Some(medium) = open(&dir, "image") else {
        return;
    };
    let _ = crate::inspect::summary::tracks(&medium);
    let survey = Survey::new(medium, &ViewOptions::default());
    let _ = crate::inspect::summary::info(&survey);
    if let Some(view) = survey.default_view() {
        let fs = view.fs.as_ref();
        if let Ok(root) = fs.root() {
            let mut seen = 0usize;
            let _ = walk::walk(fs, &root, "", EVERYTHING, &mut |_, _, _| {
                seen += 1;
                if seen > ENTRIES {
                    return Err(crate::Error::Unsupported("harness entry bound".into()));
                }
                Ok(())
            });
        }
    }
    let _ = survey.all_diagnostics();
}

//! Writing a plan safely: refuse to replace an input or (without force)
//! any existing file, check the free space first, write each output under
//! a temporary name in its folder, read it back when asked, and only then
//! rename it into place.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::layout::Plan;
use super::stream::{Pump, Shape, Sink};
use super::verify::{Compare, tracks_differ};
use super::{ConvertOptions, ConvertProgress, ConvertReport, ConvertTarget, WrittenFile};
use crate::error::{Error, Result};
use crate::medium::Medium;

/// Whether `a` and `b` name the same existing file (the same device and
/// inode, through any link).
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Bytes an unprivileged writer may still put in the filesystem holding
/// `folder`, when the system says.
pub fn available_space(folder: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(folder).ok()?;
    stat.f_bavail.checked_mul(stat.f_frsize)
}

/// The files the image reads from: never an output.
fn inputs(medium: &Medium) -> Vec<PathBuf> {
    let mut paths = vec![medium.path.clone()];
    paths.extend(medium.files.iter().map(|f| f.path.clone()));
    // CloneCD and others keep a subchannel file beside the image.
    paths.push(medium.path.with_extension("sub"));
    paths
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Refuses outputs that are inputs, or exist without `force`; creates
/// the output folders; checks the free space for `needed` bytes.
fn guard(medium: &Medium, plan: &Plan, force: bool, needed: u64) -> Result<()> {
    let inputs = inputs(medium);
    for path in plan.paths() {
        if let Some(input) = inputs.iter().find(|i| same_file(path, i)) {
            return Err(Error::image(
                path,
                format!(
                    "is one of the image's own files ({}): the output must go elsewhere",
                    input.display()
                ),
            ));
        }
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.is_dir() {
                return Err(Error::image(path, "is a folder"));
            }
            if !force {
                return Err(Error::image(path, "exists (use --force to overwrite)"));
            }
        }
    }
    for path in plan.paths() {
        let folder = folder_of(path);
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    }
    if let Some(first) = plan.paths().next() {
        let folder = folder_of(first);
        if let Some(free) = available_space(folder)
            && free < needed
        {
            return Err(Error::image(
                folder,
                format!("has {free} bytes free; the conversion writes {needed}"),
            ));
        }
    }
    Ok(())
}

/// A temporary file in `path`'s folder, renamed to `path` on success and
/// removed when dropped before that.
pub(crate) fn stage(path: &Path) -> Result<NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let folder = folder_of(path);
    // A temporary file is private (0600); the output is an ordinary file.
    tempfile::Builder::new()
        .prefix(".discscope-")
        .suffix(".part")
        .permissions(std::fs::Permissions::from_mode(0o644))
        .tempfile_in(folder)
        .map_err(|e| Error::io(folder, e))
}

/// Writes into a staged file, naming the final path in errors.
struct FileSink<'f> {
    writer: BufWriter<&'f File>,
    path: &'f Path,
    written: u64,
}

impl Sink for FileSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.writer
            .write_all(bytes)
            .map_err(|e| Error::io(self.path, e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

/// Writes `plan`, verifies it when asked, and renames it into place.
pub(crate) fn write(
    medium: &Medium,
    plan: &Plan,
    target: ConvertTarget,
    options: &ConvertOptions,
    progress: &ConvertProgress<'_>,
) -> Result<ConvertReport> {
    let total: u64 = plan
        .data
        .iter()
        .flat_map(|d| d.parts.iter())
        .map(|p| {
            let size = medium
                .tracks
                .get(p.track)
                .map_or(0, |t| u64::from(t.mode.sector_size()));
            p.sectors() * size
        })
        .sum();
    // What lands on disk: user data is 2048 bytes a sector (form 2 written
    // raw adds a little, which the write itself would then report).
    let written: u64 = plan
        .data
        .iter()
        .flat_map(|d| d.parts.iter())
        .map(|p| {
            let size = match p.shape {
                Shape::UserData(_) => 2048,
                Shape::Samples { .. } => 2352,
                Shape::Copy => medium
                    .tracks
                    .get(p.track)
                    .map_or(0, |t| u64::from(t.mode.sector_size())),
            };
            p.sectors() * size
        })
        .sum();
    let needed = written
        + plan.data.iter().map(|d| d.header.len() as u64).sum::<u64>()
        + plan.sheet.as_ref().map_or(0, |(_, _, t)| t.len() as u64);
    guard(medium, plan, options.force, needed)?;

    let report_write = |read: u64| (progress.report)("writing", read, total);
    let mut pump = Pump::new(medium, options.repair, progress.cancel, &report_write);
    let mut staged = Vec::new();
    let mut files = Vec::new();
    for data in &plan.data {
        let temp = stage(&data.path)?;
        let before = pump.tally.sectors;
        let mut sink = FileSink {
            writer: BufWriter::with_capacity(1 << 20, temp.as_file()),
            path: &data.path,
            written: 0,
        };
        sink.put(&data.header)?;
        for part in &data.parts {
            pump.part(part, &mut sink)?;
        }
        sink.writer.flush().map_err(|e| Error::io(&data.path, e))?;
        let written = sink.written;
        drop(sink);
        files.push(WrittenFile {
            path: data.path.clone(),
            kind: data.kind,
            bytes: written,
            sectors: Some(pump.tally.sectors - before),
        });
        staged.push((temp, data.path.clone()));
    }
    if let Some((path, kind, text)) = &plan.sheet {
        let temp = stage(path)?;
        temp.as_file()
            .write_all(text.as_bytes())
            .map_err(|e| Error::io(path, e))?;
        files.push(WrittenFile {
            path: path.clone(),
            kind,
            bytes: text.len() as u64,
            sectors: None,
        });
        staged.push((temp, path.clone()));
    }
    let tally = pump.tally;

    let mut findings = Vec::new();
    if options.verify {
        let report_verify = |read: u64| (progress.report)("verifying", read, total);
        let mut again = Pump::new(medium, options.repair, progress.cancel, &report_verify);
        for (data, (temp, _)) in plan.data.iter().zip(&staged) {
            let mut compare = Compare::open(temp.path(), &data.path)?;
            compare.put(&data.header)?;
            for part in &data.parts {
                again.part(part, &mut compare)?;
            }
            findings.extend(compare.finish()?);
        }
        if let (Some((path, _, text)), Some((temp, _))) = (&plan.sheet, staged.last()) {
            let back = std::fs::read(temp.path()).map_err(|e| Error::io(path, e))?;
            if back != text.as_bytes() {
                findings.push(format!("{}: reads back different", path.display()));
            }
        }
        if !findings.is_empty() {
            return Err(Error::image(
                &medium.path,
                format!(
                    "the conversion read back different, so nothing was renamed into place: {}",
                    findings.join("; ")
                ),
            ));
        }
    }

    for (temp, path) in staged {
        let result = if options.force {
            temp.persist(&path).map(|_| ())
        } else {
            temp.persist_noclobber(&path).map(|_| ())
        };
        result.map_err(|e| Error::io(&path, e.error))?;
    }

    // Cheap, and the one check a sheet needs: always made.
    let mut tracks_match = None;
    if let Some((path, _, _)) = &plan.sheet {
        let written = crate::container::open(path)?;
        findings = tracks_differ(medium, &written);
        tracks_match = Some(findings.is_empty());
    }
    Ok(ConvertReport {
        source: medium.path.clone(),
        target,
        bytes: files.iter().map(|f| f.bytes).sum(),
        files,
        tracks: plan.tracks.clone(),
        sectors: tally.sectors,
        form2_skipped: tally.form2_skipped,
        form2_raw: tally.form2_raw,
        repaired: tally.repaired,
        uncorrectable: tally.uncorrectable,
        verified: options.verify.then_some(true),
        tracks_match,
        findings,
        dropped_pregap: None,
    })
}

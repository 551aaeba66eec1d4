//! Extraction that cannot escape its target: every name sanitised, files
//! created new, symlinks never followed and made only when asked.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

pub mod apple_double;

use crate::error::{Error, Result};
use crate::fs::{Filesystem, Node, NodeKind, walk};
use crate::timestamp::Timestamp;

/// Longest output name component (bytes).
const MAX_COMPONENT: usize = 255;

/// What `extract` may do.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExtractOptions {
    /// Recreate symlinks (never followed) whose targets stay inside the
    /// target folder.
    pub symlinks: bool,
    /// Recreate the others too: absolute targets and targets that climb
    /// out of the folder. Nothing is written through them either way.
    pub unsafe_symlinks: bool,
    /// Write into a non-empty target.
    pub force: bool,
    /// Write each file's resource fork and Finder info as an AppleDouble
    /// `._name` file beside it (HFS).
    pub resource_forks: bool,
    /// Write deleted entries still on disk (FAT, UDF) too.
    pub deleted: bool,
}

/// What was written and what was not.
#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub dirs: usize,
    pub symlinks: usize,
    /// AppleDouble `._name` files written.
    pub apple_double: usize,
    pub bytes: u64,
    /// One line per entry left out, with why.
    pub skipped: Vec<String>,
    /// Symlinks not made because their targets leave the folder, as
    /// `path -> target: why`.
    pub refused: Vec<String>,
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
}

/// A name from an image as a safe single path component: no separators, no
/// NUL or control characters, never `.` or `..`, never empty.
pub fn sanitize(name: &str) -> String {
    String::from_utf8_lossy(&sanitize_bytes(name.as_bytes())).into_owned()
}

/// [`sanitize`] for a name's stored bytes: the UTF-8 in it is treated as
/// text, and bytes that are not UTF-8 are kept, as a Unix name may hold
/// them (so `a\xe9` and `a\xe8` stay two files).
pub fn sanitize_bytes(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len().min(MAX_COMPONENT));
    'chunks: for chunk in name.utf8_chunks() {
        for c in chunk.valid().chars() {
            let c = if c == '/' || c == '\\' || c == '\0' || c.is_control() {
                '_'
            } else {
                c
            };
            if out.len() + c.len_utf8() > MAX_COMPONENT {
                break 'chunks;
            }
            let mut utf8 = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        }
        for &byte in chunk.invalid() {
            if out.len() == MAX_COMPONENT {
                break 'chunks;
            }
            out.push(byte);
        }
    }
    match out.as_slice() {
        b"" => b"_".to_vec(),
        b"." | b".." => [b"_", out.as_slice()].concat(),
        _ => out,
    }
}

/// The output name of a node: its stored bytes on Unix, where names are
/// bytes; its text elsewhere.
fn component(node: &Node) -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(sanitize_bytes(node.stored_name()))
    }
    #[cfg(not(unix))]
    {
        OsString::from(sanitize(&node.name))
    }
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: e,
    }
}

/// Whether `path` is a real directory (a symlink to one is not).
fn real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

fn system_time(t: &Timestamp) -> Option<SystemTime> {
    let secs = u64::try_from(t.unix_seconds).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::new(secs, t.nanos))
}

/// Prepares the target: created when missing; refused when not empty
/// unless forced.
pub fn prepare(target: &Path, options: &ExtractOptions) -> Result<PathBuf> {
    match fs::metadata(target) {
        Ok(m) if !m.is_dir() => {
            return Err(Error::Unsupported(format!(
                "{}: not a directory",
                target.display()
            )));
        }
        Ok(_) => {
            let mut entries = fs::read_dir(target).map_err(|e| io(target, e))?;
            if entries.next().is_some() && !options.force {
                return Err(Error::Unsupported(format!(
                    "{}: the target is not empty (use --force to write into it)",
                    target.display()
                )));
            }
        }
        Err(_) => fs::create_dir_all(target).map_err(|e| io(target, e))?,
    }
    fs::canonicalize(target).map_err(|e| io(target, e))
}

struct Writer<'a> {
    fs: &'a dyn Filesystem,
    root: PathBuf,
    options: ExtractOptions,
    cancel: &'a AtomicBool,
    report: Report,
    dir_times: Vec<(PathBuf, SystemTime)>,
}

impl Writer<'_> {
    fn skip(&mut self, path: &str, why: impl std::fmt::Display) {
        self.report.skipped.push(format!("{path}: {why}"));
    }

    /// Writes everything below the directory `dir` into `dest`, which
    /// holds it.
    fn put_contents(&mut self, dest: &Path, dir: &Node, shown: &str) -> Result<()> {
        let fs = self.fs;
        let reach = walk::Reach {
            recursive: true,
            deleted: self.options.deleted,
        };
        let walked = walk::walk(fs, dir, shown, reach, &mut |path, parents, child| {
            let mut place = dest.to_owned();
            for p in parents {
                place.push(component(p));
            }
            place.push(component(child));
            self.put(path, &place, child)
        })?;
        self.report.diagnostics.extend(walked.diagnostics);
        Ok(())
    }

    /// Writes one node at `dest` (whose parent must be a real directory
    /// under the target).
    fn put(&mut self, shown: &str, dest: &Path, node: &Node) -> Result<()> {
        let Some(parent) = dest.parent() else {
            self.skip(shown, "no parent directory");
            return Ok(());
        };
        if !parent.starts_with(&self.root) || !real_dir(parent) {
            self.skip(shown, "its parent is not a directory written by this extraction (a symlink or a skipped entry)");
            return Ok(());
        }
        match node.kind {
            NodeKind::Dir => {
                match fs::create_dir(dest) {
                    Ok(()) => self.report.dirs += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && real_dir(dest) => {}
                    Err(e) => {
                        self.skip(shown, e);
                        return Ok(());
                    }
                }
                if let Some(t) = node.mtime.as_ref().and_then(system_time) {
                    self.dir_times.push((dest.to_owned(), t));
                }
            }
            NodeKind::File if self.fs.is_named_fork(node) => {
                if !self.options.resource_forks {
                    self.skip(
                        shown,
                        "a resource fork (use --resource-forks to write AppleDouble ._ files)",
                    );
                }
            }
            NodeKind::File => {
                if self.options.resource_forks {
                    self.apple_double(shown, dest, node)?;
                }
                let mut file = match OpenOptions::new().write(true).create_new(true).open(dest) {
                    Ok(f) => f,
                    Err(e) => {
                        self.skip(shown, e);
                        return Ok(());
                    }
                };
                let mut buf = vec![0u8; 256 * 1024];
                let mut offset = 0u64;
                loop {
                    if self.cancel.load(Ordering::Relaxed) {
                        drop(file);
                        let _ = fs::remove_file(dest);
                        return Err(Error::Cancelled {
                            left: "the files extracted so far are whole; the one being written was removed",
                        });
                    }
                    let n = match self.fs.read(node, offset, &mut buf) {
                        Ok(n) => n,
                        Err(e) => {
                            self.skip(shown, format!("read failed after {offset} bytes: {e}"));
                            // A spent budget ends the extraction (the walk
                            // reports it), not just this file.
                            if matches!(e, Error::Budget { .. }) {
                                return Err(e);
                            }
                            break;
                        }
                    };
                    if n == 0 {
                        break;
                    }
                    file.write_all(buf.get(..n).unwrap_or_default())
                        .map_err(|e| io(dest, e))?;
                    offset += n as u64;
                }
                self.report.bytes += offset;
                self.report.files += 1;
                if let Some(t) = node.mtime.as_ref().and_then(system_time) {
                    file.set_modified(t).map_err(|e| io(dest, e))?;
                }
            }
            NodeKind::Symlink => {
                let Some(target) = node.target.as_deref() else {
                    self.skip(shown, "symlink without a target");
                    return Ok(());
                };
                if !self.options.symlinks && !self.options.unsafe_symlinks {
                    self.skip(shown, "symlink not recreated (use --symlinks)");
                    return Ok(());
                }
                if target.contains('\0') {
                    self.skip(shown, "symlink target holds NUL");
                    return Ok(());
                }
                let depth = parent
                    .strip_prefix(&self.root)
                    .map_or(0, |inside| inside.components().count());
                if let Some(why) = leaves_folder(target, depth)
                    && !self.options.unsafe_symlinks
                {
                    self.report
                        .refused
                        .push(format!("{shown} -> {target}: {why}"));
                    return Ok(());
                }
                match make_symlink(target, dest) {
                    Ok(()) => self.report.symlinks += 1,
                    Err(e) => self.skip(shown, e),
                }
            }
            NodeKind::Other => self.skip(shown, "device, fifo or socket: not extracted"),
        }
        Ok(())
    }
}

impl Writer<'_> {
    /// Writes `._name` beside `dest` when the file has a resource fork or
    /// Finder info.
    fn apple_double(&mut self, shown: &str, dest: &Path, node: &Node) -> Result<()> {
        let rsrc = self.fs.resource_fork(node);
        let finder = self.fs.finder_info(node).unwrap_or([0; 32]);
        if rsrc.is_none() && finder == [0; 32] {
            return Ok(());
        }
        let Some(name) = dest.file_name() else {
            return Ok(());
        };
        let mut double_name = OsString::from("._");
        double_name.push(name);
        let double = dest.with_file_name(double_name);
        let len = rsrc.as_ref().map_or(0, |r| r.size);
        let Ok(len32) = u32::try_from(len) else {
            self.skip(
                shown,
                "a resource fork of 4 GiB or more does not fit AppleDouble",
            );
            return Ok(());
        };
        let mut file = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&double)
        {
            Ok(f) => f,
            Err(e) => {
                self.skip(&format!("{shown} (AppleDouble)"), e);
                return Ok(());
            }
        };
        file.write_all(&apple_double::header(&finder, len32))
            .map_err(|e| io(&double, e))?;
        if let Some(rsrc) = rsrc {
            let mut buf = vec![0u8; 256 * 1024];
            let mut offset = 0u64;
            while offset < len {
                let n = match self.fs.read(&rsrc, offset, &mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) => {
                        self.skip(
                            shown,
                            format!("resource fork read failed after {offset} bytes: {e}"),
                        );
                        break;
                    }
                };
                file.write_all(buf.get(..n).unwrap_or_default())
                    .map_err(|e| io(&double, e))?;
                offset += n as u64;
            }
            self.report.bytes += offset;
        }
        self.report.apple_double += 1;
        Ok(())
    }
}

/// Why a symlink with `target`, made `depth` folders below the target
/// folder, would point outside it; `None` when it stays inside. Checked on
/// the text alone, so `..` counts only before the first name: after one
/// (`a/../..`) it would climb from wherever `a` leads, which may be another
/// link.
pub fn leaves_folder(target: &str, depth: usize) -> Option<&'static str> {
    if target.is_empty() {
        return Some("empty target");
    }
    if target.starts_with('/') {
        return Some("absolute target");
    }
    let mut up = 0usize;
    let mut named = false;
    for part in target.split('/').filter(|p| !p.is_empty() && *p != ".") {
        match part {
            ".." if named => return Some("`..` after a folder name, which may be a link"),
            ".." if up == depth => return Some("climbs out of the target folder"),
            ".." => up += 1,
            _ => named = true,
        }
    }
    None
}

#[cfg(unix)]
fn make_symlink(target: &str, dest: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, dest)
}

#[cfg(not(unix))]
fn make_symlink(_target: &str, _dest: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("symlinks are not supported here"))
}

/// Something to extract: the path it was asked for (as shown in messages)
/// and the nodes that path passes through, root first
/// ([`walk::resolve_chain`]).
#[derive(Debug)]
pub struct Source {
    pub path: String,
    pub chain: Vec<Node>,
}

impl Source {
    /// The whole view.
    pub fn root(fs: &dyn Filesystem) -> Result<Source> {
        Ok(Source {
            path: String::new(),
            chain: vec![fs.root()?],
        })
    }
}

/// Extracts each of `sources` into `target`, which `prepare` made ready.
/// A source keeps its folder path, as `7z x` does: `/docs/big.bin` lands
/// in `target/docs/big.bin` and `/docs` in `target/docs`; the whole view
/// (the root) fills `target` itself.
/// Setting `cancel` stops it between two reads: the files written before
/// are whole, the one being written is removed.
pub fn extract(
    fs: &dyn Filesystem,
    sources: &[Source],
    target: &Path,
    options: ExtractOptions,
    cancel: &AtomicBool,
) -> Result<Report> {
    let mut w = Writer {
        fs,
        root: target.to_owned(),
        options,
        cancel,
        report: Report::default(),
        dir_times: Vec::new(),
    };
    for source in sources {
        let Some((node, above)) = source.chain.split_last() else {
            continue;
        };
        if above.is_empty() {
            w.put_contents(target, node, &source.path)?;
            continue;
        }
        // The root has no folder of its own; the folders below it do.
        let mut dest = target.to_owned();
        let mut shown = String::new();
        for dir in above.iter().skip(1) {
            shown.push('/');
            shown.push_str(&dir.name);
            dest.push(component(dir));
            w.put(&shown, &dest, dir)?;
        }
        dest.push(component(node));
        w.put(&source.path, &dest, node)?;
        if node.kind == NodeKind::Dir {
            w.put_contents(&dest, node, &source.path)?;
        }
    }
    for (path, time) in w.dir_times.iter().rev() {
        if let Ok(dir) = File::open(path) {
            let _ = dir.set_modified(*time);
        }
    }
    Ok(w.report)
}

/// Writes one file node to `dest`, a path the user chose (the inspector's
/// `x`): staged under a temporary name beside it and renamed when whole,
/// never over an existing file unless `force`. `progress` gets (bytes
/// done, bytes in all); `cancel` stops early, leaving nothing behind.
pub fn extract_one(
    fs: &dyn Filesystem,
    node: &Node,
    dest: &Path,
    force: bool,
    progress: &dyn Fn(u64, u64),
    cancel: &AtomicBool,
) -> Result<u64> {
    if node.kind != NodeKind::File {
        return Err(Error::Unsupported(format!(
            "{}: only a file can be extracted to a path",
            sanitize(&node.name)
        )));
    }
    if !force && fs::symlink_metadata(dest).is_ok() {
        return Err(Error::Unsupported(format!(
            "{}: exists (extract elsewhere, or remove it first)",
            dest.display()
        )));
    }
    if let Some(folder) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(folder).map_err(|e| io(folder, e))?;
    }
    let staged = crate::convert::stage(dest)?;
    let mut out = std::io::BufWriter::new(staged.as_file());
    let mut buf = vec![0u8; 256 * 1024];
    let mut offset = 0u64;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled {
                left: "the partly written file was removed",
            });
        }
        let n = fs.read(node, offset, &mut buf)?;
        if n == 0 {
            break;
        }
        out.write_all(buf.get(..n).unwrap_or_default())
            .map_err(|e| io(dest, e))?;
        offset += n as u64;
        progress(offset, node.size);
    }
    out.flush().map_err(|e| io(dest, e))?;
    drop(out);
    if let Some(t) = node.mtime.as_ref().and_then(system_time) {
        let _ = staged.as_file().set_modified(t);
    }
    let placed = if force {
        staged.persist(dest).map(|_| ())
    } else {
        staged.persist_noclobber(dest).map(|_| ())
    };
    placed.map_err(|e| io(dest, e.error))?;
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitises() {
        assert_eq!(sanitize(".."), "_..");
        assert_eq!(sanitize("."), "_.");
        assert_eq!(sanitize(""), "_");
        assert_eq!(sanitize("/abs"), "_abs");
        assert_eq!(sanitize("a/../../x"), "a_.._.._x");
        assert_eq!(sanitize("n\0ul"), "n_ul");
        assert_eq!(sanitize("C:\\x"), "C:_x");
        assert_eq!(sanitize(&"é".repeat(200)).len(), 254);
    }

    #[test]
    fn links_that_leave_the_folder() {
        assert_eq!(leaves_folder("/etc/passwd", 3), Some("absolute target"));
        assert_eq!(leaves_folder("", 0), Some("empty target"));
        assert_eq!(leaves_folder("docs/README", 0), None);
        assert_eq!(leaves_folder("./docs/./README", 0), None);
        assert_eq!(leaves_folder("../hello.txt", 1), None);
        assert_eq!(leaves_folder("../../x", 2), None);
        assert_eq!(
            leaves_folder("../hello.txt", 0),
            Some("climbs out of the target folder")
        );
        assert_eq!(
            leaves_folder("../../../x", 2),
            Some("climbs out of the target folder")
        );
        assert!(leaves_folder("a/../../x", 3).is_some());
        assert!(
            leaves_folder("a/..", 3).is_some(),
            "checked on the text alone"
        );
        assert_eq!(leaves_folder("..", 1), None, "the folder itself");
    }

    #[test]
    fn keeps_bytes_that_are_not_utf8() {
        assert_eq!(sanitize_bytes(b"a\xe9"), b"a\xe9");
        assert_eq!(sanitize_bytes(b"a\xe8"), b"a\xe8");
        assert_eq!(sanitize_bytes(b"\xff/..\x1b"), b"\xff_.._");
        assert_eq!(sanitize_bytes(b".."), b"_..");
        assert_eq!(sanitize_bytes(&[0xe9; 300]).len(), 255);
        assert_eq!(sanitize_bytes("\u{9b}x".as_bytes()), b"_x", "C1 controls");
    }
}

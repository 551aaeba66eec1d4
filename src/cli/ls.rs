//! `discscope ls IMAGE [PATH] [-R] [-l] [--fs NAME] [--json] [--raw-names]`.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use discscope::escape::escape;
use discscope::fs::{FsKind, Node, NodeKind, walk};

use super::{Outcome, Output};

#[derive(Serialize)]
struct Listing {
    filesystem: FsKind,
    entries: Vec<Entry>,
}

#[derive(Serialize)]
struct Extent {
    lba: i64,
    bytes: u64,
}

#[derive(Serialize)]
struct Entry {
    path: String,
    kind: &'static str,
    size: u64,
    lba: Option<i64>,
    extents: Vec<Extent>,
    mtime: Option<String>,
    mode: Option<String>,
    target: Option<String>,
    /// Format-specific facts (XA attributes, zisofs, multi-extent, ...).
    notes: Vec<Note>,
    /// A deleted entry still on disk (FAT), listed with `--deleted`.
    deleted: bool,
}

#[derive(Serialize)]
struct Note {
    name: String,
    value: String,
}

fn entry(path: &str, node: &Node) -> Entry {
    Entry {
        path: if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        },
        kind: node.kind.as_str(),
        size: node.size,
        lba: node.extents.first().map(|e| e.lba.0),
        extents: node
            .extents
            .iter()
            .map(|e| Extent {
                lba: e.lba.0,
                bytes: e.bytes,
            })
            .collect(),
        mtime: node.mtime.map(|t| t.rfc3339()),
        mode: node.mode.map(|m| format!("{m:04o}")),
        target: node.target.clone(),
        deleted: node.deleted,
        notes: node
            .notes
            .iter()
            .map(|(name, value)| Note {
                name: name.clone(),
                value: value.clone(),
            })
            .collect(),
    }
}

fn kind_char(kind: NodeKind) -> char {
    match kind {
        NodeKind::Dir => 'd',
        NodeKind::Symlink => 'l',
        NodeKind::File => '-',
        NodeKind::Other => '?',
    }
}

/// The last date printed, reused when the next entry has the same one (most
/// entries of an image share a handful of dates).
type DateCache = Option<(discscope::timestamp::Timestamp, String)>;

fn long_line(
    out: &mut Output,
    cache: &mut DateCache,
    shown: &str,
    node: &Node,
) -> std::io::Result<()> {
    const SPACES: &str = "                         ";
    let mut head = [b' '; 18];
    if let Some(first) = head.first_mut() {
        *first = kind_char(node.kind) as u8;
    }
    match node.mode {
        Some(m) => {
            for (i, slot) in head.iter_mut().skip(1).take(4).enumerate() {
                *slot = b'0' + ((m >> (3 * (3 - i))) & 7) as u8;
            }
        }
        None => head.iter_mut().skip(1).take(4).for_each(|b| *b = b'-'),
    }
    // The size right-aligned in 12 columns, then a space.
    let mut size = node.size;
    let mut at = 17usize;
    loop {
        if let Some(slot) = head.get_mut(at) {
            *slot = b'0' + (size % 10) as u8;
        }
        size /= 10;
        if size == 0 || at == 6 {
            break;
        }
        at -= 1;
    }
    out.write_all(&head)?;
    out.write_all(b" ")?;
    let time = match node.mtime {
        Some(t) => {
            if cache.as_ref().is_none_or(|(c, _)| *c != t) {
                *cache = Some((t, t.rfc3339()));
            }
            cache.as_ref().map_or("-", |(_, s)| s.as_str())
        }
        None => "-",
    };
    out.write_all(time.as_bytes())?;
    out.write_all(
        SPACES
            .get(time.len().min(SPACES.len())..)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    // The LBA right-aligned in 8 columns between spaces.
    let mut lba = [b' '; 10];
    match node.extents.first() {
        Some(e) if e.lba.0 >= 0 => {
            let mut v = e.lba.0;
            let mut at = 8usize;
            loop {
                if let Some(slot) = lba.get_mut(at) {
                    *slot = b'0' + (v % 10) as u8;
                }
                v /= 10;
                if v == 0 || at == 1 {
                    break;
                }
                at -= 1;
            }
            out.write_all(&lba)?;
        }
        Some(e) => write!(out, " {:>8} ", e.lba.0)?,
        None => out.write_all(b"        - ")?,
    }
    out.write_all(escape(shown).as_bytes())?;
    if let Some(t) = &node.target {
        write!(out, " -> {}", escape(t))?;
    }
    out.write_all(b"\n")
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    image: &Path,
    path: Option<&str>,
    recursive: bool,
    long: bool,
    fs: Option<&str>,
    raw_names: bool,
    deleted: bool,
    json: bool,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let (view, found) = super::open::view_with_findings(image, fs, raw_names)?;
    let fs = view.fs.as_ref();
    let path = path.unwrap_or("/");
    let start = walk::resolve(fs, path).map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))?;
    let base = if path.trim_matches('/').is_empty() {
        String::new()
    } else {
        format!("/{}", path.trim_matches('/'))
    };
    let mut entries = Vec::new();
    let mut diags = found;
    let mut cache: DateCache = None;
    if start.kind != NodeKind::Dir {
        if json {
            entries.push(entry(&base, &start));
        } else if long {
            long_line(out, &mut None, &base, &start)?;
        } else {
            writeln!(out, "{}", escape(&base))?;
        }
    } else {
        // Deleted entries, and everything inside a deleted directory, show
        // only with --deleted.
        let mut hidden: Vec<String> = Vec::new();
        let walked = walk::walk(fs, &start, &base, recursive, &mut |p, _, node| {
            if !deleted && (node.deleted || hidden.iter().any(|h| p.starts_with(h.as_str()))) {
                if node.kind == NodeKind::Dir {
                    hidden.push(format!("{p}/"));
                }
                return Ok(());
            }
            if json {
                entries.push(entry(p, node));
                return Ok(());
            }
            let shown = if recursive { p } else { node.name.as_str() };
            let marked;
            let shown = if node.deleted {
                marked = format!("{shown} (deleted)");
                marked.as_str()
            } else {
                shown
            };
            let done = if long {
                long_line(out, &mut cache, shown, node)
            } else {
                writeln!(out, "{}", escape(shown))
            };
            done.map_err(|e| discscope::Error::Io {
                path: "stdout".into(),
                source: e,
            })
        })?;
        diags.extend(walked.diagnostics);
    }
    if json {
        out.json(&Listing {
            filesystem: view.kind,
            entries,
        })?;
    }
    diags.extend(fs.diagnostics());
    let spent = super::open::budget_findings(&view, &diags);
    diags.extend(spent);
    super::open::warn(&diags);
    Ok(Outcome::Clean)
}

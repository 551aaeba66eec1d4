//! `discscope ls IMAGE [PATH] [-R] [-l] [--fs NAME] [--json] [--raw-names]`.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use discscope::escape::escape;
use discscope::fs::{FsKind, Node, NodeKind, mode_text, walk};

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
    /// The path as text: a byte of a name that is not text shows as `\xNN`.
    path: String,
    /// The path's stored bytes in hex when `path` escapes any (else null).
    path_bytes: Option<String>,
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

/// The path's bytes in hex when a name on it is not text (`path` shows
/// such bytes as `\xNN`), from the bytes of the listed folder's path.
fn path_bytes(base: Option<&[u8]>, parents: &[Node], node: &Node) -> Option<String> {
    let raw = |n: &Node| n.raw_name.is_some();
    if base.is_none() && !raw(node) && !parents.iter().any(raw) {
        return None;
    }
    let mut bytes = base.unwrap_or_default().to_vec();
    for n in parents.iter().chain([node]) {
        bytes.push(b'/');
        bytes.extend_from_slice(n.stored_name());
    }
    Some(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn entry(path: &str, node: &Node, path_bytes: Option<String>) -> Entry {
    Entry {
        path_bytes,
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

/// Appends `value` right-aligned in `width` columns; a wider value takes
/// the room it needs.
fn push_right(line: &mut Vec<u8>, value: i64, width: usize) {
    let mut digits = [0u8; 20];
    let mut used = 0;
    let mut rest = value.unsigned_abs();
    loop {
        if let Some(slot) = digits.get_mut(used) {
            *slot = b'0' + (rest % 10) as u8;
        }
        used += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let sign = usize::from(value < 0);
    line.resize(line.len() + width.saturating_sub(used + sign), b' ');
    if value < 0 {
        line.push(b'-');
    }
    line.extend(digits.iter().take(used).rev());
}

/// Column widths of `ls -l`, shared by the header and the lines.
const SIZE_WIDTH: usize = 12;
const DATE_WIDTH: usize = 25;
const START_WIDTH: usize = 8;

/// `ls -l` lines, built in one reused buffer with the last date kept (most
/// entries of an image share a handful of dates): `ls -R -l` of 50,000
/// files is timed against isoinfo (`scripts/bench-ls.sh`).
#[derive(Default)]
struct LongListing {
    line: Vec<u8>,
    date: Option<(discscope::timestamp::Timestamp, String)>,
}

impl LongListing {
    /// The column names, over the columns they name.
    fn header(out: &mut Output) -> std::io::Result<()> {
        let header = format!(
            "{:<10}{:>SIZE_WIDTH$}  {:<DATE_WIDTH$}{:>START_WIDTH$}  {}",
            "mode", "size", "modified", "start", "name"
        );
        writeln!(out, "{}", out.paint("1", &header))
    }

    fn write(&mut self, out: &mut Output, shown: &str, node: &Node) -> std::io::Result<()> {
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(&mode_text(node.kind, node.mode));
        push_right(
            line,
            i64::try_from(node.size).unwrap_or(i64::MAX),
            SIZE_WIDTH,
        );
        line.extend_from_slice(b"  ");
        let date = match node.mtime {
            Some(t) => {
                if self.date.as_ref().is_none_or(|(cached, _)| *cached != t) {
                    self.date = Some((t, t.rfc3339()));
                }
                self.date.as_ref().map_or("-", |(_, text)| text.as_str())
            }
            None => "-",
        };
        line.extend_from_slice(date.as_bytes());
        line.resize(line.len() + DATE_WIDTH.saturating_sub(date.len()), b' ');
        match node.extents.first() {
            Some(e) => push_right(line, e.lba.0, START_WIDTH),
            None => {
                line.resize(line.len() + START_WIDTH - 1, b' ');
                line.push(b'-');
            }
        }
        line.extend_from_slice(b"  ");
        line.extend_from_slice(escape(shown).as_bytes());
        if let Some(target) = &node.target {
            line.extend_from_slice(b" -> ");
            line.extend_from_slice(escape(target).as_bytes());
        }
        line.push(b'\n');
        out.write_all(line)
    }
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
    let chain = walk::resolve_chain(fs, path, deleted)
        .map_err(|e| anyhow::anyhow!("{}: {e}", image.display()))?;
    let below_root = chain.get(1..).unwrap_or_default();
    // The listed path's own bytes, when a name on it is not text.
    let base_bytes = below_root.iter().any(|n| n.raw_name.is_some()).then(|| {
        below_root.iter().fold(Vec::new(), |mut bytes, n| {
            bytes.push(b'/');
            bytes.extend_from_slice(n.stored_name());
            bytes
        })
    });
    let start = match chain.last() {
        Some(node) => node.clone(),
        None => fs.root()?,
    };
    let base = if path.trim_matches('/').is_empty() {
        String::new()
    } else {
        format!("/{}", path.trim_matches('/'))
    };
    let mut entries = Vec::new();
    let mut diags = found;
    let mut listing = LongListing::default();
    if long && !json {
        LongListing::header(out)?;
    }
    if start.kind != NodeKind::Dir {
        if json {
            entries.push(entry(&base, &start, base_bytes.as_deref().map(hex)));
        } else if long {
            listing.write(out, &base, &start)?;
        } else {
            writeln!(out, "{}", escape(&base))?;
        }
    } else {
        let reach = walk::Reach { recursive, deleted };
        let walked = walk::walk(fs, &start, &base, reach, &mut |p, parents, node| {
            if json {
                entries.push(entry(
                    p,
                    node,
                    path_bytes(base_bytes.as_deref(), parents, node),
                ));
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
                listing.write(out, shown, node)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_right_aligned() {
        let aligned = |value, width| {
            let mut line = Vec::new();
            push_right(&mut line, value, width);
            String::from_utf8(line).unwrap_or_default()
        };
        assert_eq!(aligned(0, 4), "   0");
        assert_eq!(aligned(2048, 6), "  2048");
        assert_eq!(aligned(-150, 6), "  -150");
        assert_eq!(aligned(123_456, 3), "123456");
        assert_eq!(aligned(i64::MIN, 1), "-9223372036854775808");
    }
}

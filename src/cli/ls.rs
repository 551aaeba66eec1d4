//! `discscope ls IMAGE [PATH] [-R] [-l] [--fs NAME] [--json] [--raw-names]`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use serde::Serialize;

use discscope::container;
use discscope::diagnostic::Diagnostic;
use discscope::fs::probe::{self, Options, View};
use discscope::fs::{Node, NodeKind, walk};
use discscope::inspect::escape;

use super::{Outcome, Output};

/// Opens an image and picks the view: `--fs NAME` or the richest.
pub fn open_view(image: &Path, fs: Option<&str>, raw_names: bool) -> anyhow::Result<View> {
    let medium = Arc::new(container::open(image)?);
    let views = probe::views(&medium, &Options { raw_names });
    let view = match fs {
        Some(name) => probe::named(&views, name).with_context(|| {
            let found: Vec<&str> = views.iter().map(|v| v.kind).collect();
            format!(
                "{}: no {name} filesystem (found: {})",
                image.display(),
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                }
            )
        })?,
        None => probe::default_view(&views)
            .with_context(|| format!("{}: no filesystem found", image.display()))?,
    };
    Ok(view.clone())
}

/// Prints diagnostics on stderr, escaped.
pub fn warn(diags: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(
            err,
            "discscope: {} [{}] {}",
            d.severity,
            d.code,
            escape(&d.message)
        );
    }
}

#[derive(Serialize)]
struct Listing {
    filesystem: &'static str,
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

fn long_line(out: &mut Output, shown: &str, node: &Node) -> std::io::Result<()> {
    let mode = node
        .mode
        .map_or_else(|| "----".to_owned(), |m| format!("{m:04o}"));
    let time = node.mtime.map_or_else(|| "-".to_owned(), |t| t.rfc3339());
    let lba = node
        .extents
        .first()
        .map_or_else(|| "-".to_owned(), |e| e.lba.0.to_string());
    write!(
        out,
        "{}{} {:>12} {:<25} {:>8} {}",
        kind_char(node.kind),
        mode,
        node.size,
        time,
        lba,
        escape(shown)
    )?;
    if let Some(t) = &node.target {
        write!(out, " -> {}", escape(t))?;
    }
    writeln!(out)
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    image: &Path,
    path: Option<&str>,
    recursive: bool,
    long: bool,
    fs: Option<&str>,
    raw_names: bool,
    json: bool,
    out: &mut Output,
) -> anyhow::Result<Outcome> {
    let view = open_view(image, fs, raw_names)?;
    let fs = view.fs.as_ref();
    let path = path.unwrap_or("/");
    let start = walk::resolve(fs, path)?;
    let base = if path.trim_matches('/').is_empty() {
        String::new()
    } else {
        format!("/{}", path.trim_matches('/'))
    };
    let mut entries = Vec::new();
    let mut diags = Vec::new();
    if start.kind != NodeKind::Dir {
        if json {
            entries.push(entry(&base, &start));
        } else if long {
            long_line(out, &base, &start)?;
        } else {
            writeln!(out, "{}", escape(&base))?;
        }
    } else {
        let walked = walk::walk(fs, &start, &base, recursive, &mut |p, _, node| {
            if json {
                entries.push(entry(p, node));
                return Ok(());
            }
            let shown = if recursive { p } else { node.name.as_str() };
            let done = if long {
                long_line(out, shown, node)
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
    warn(&diags);
    Ok(Outcome::Clean)
}

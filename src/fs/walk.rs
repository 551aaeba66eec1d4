//! Walking a tree with the limits every walk obeys: depth, entry budget,
//! and each directory extent read once (RELIABILITY.md).

use std::collections::HashSet;

use crate::budget::Resource;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fs::{Filesystem, Node, NodeKind};

/// Deepest directory a walk enters.
pub const MAX_DEPTH: usize = 255;
/// Entries one walk yields at most.
pub const MAX_ENTRIES: usize = 1_000_000;

/// Called with each entry's path, its parents' names and the entry.
pub type Visitor<'a> = dyn FnMut(&str, &[String], &Node) -> Result<()> + 'a;

/// How a walk ended.
#[derive(Debug, Default)]
pub struct Walked {
    pub entries: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// The key that says two directories are the same on disk.
fn dir_key(node: &Node) -> (u64, i64) {
    match node.extents.first() {
        Some(e) => (0, e.lba.0),
        None => (1, i64::try_from(node.id).unwrap_or(i64::MAX)),
    }
}

/// Visits every entry under `start` (itself excluded) depth-first in
/// on-disk order, calling `visit(path, parents, node)`: `path` is `base`
/// joined with the names by '/', `parents` the true names of the
/// directories between `start` and the node (names may hold '/').
/// Directories are entered only when `recursive`.
pub fn walk(
    fs: &dyn Filesystem,
    start: &Node,
    base: &str,
    recursive: bool,
    visit: &mut Visitor<'_>,
) -> Result<Walked> {
    let mut out = Walked::default();
    let mut seen: HashSet<(u64, i64)> = HashSet::new();
    seen.insert(dir_key(start));
    // Each level: the length of its path in `path` and its remaining
    // children (reversed for pop). One path buffer serves the whole walk.
    let mut stack: Vec<(usize, Vec<Node>)> = Vec::new();
    let mut path = base.trim_end_matches('/').to_owned();
    // The names of the directories entered below `start`.
    let mut parents: Vec<String> = Vec::new();
    let mut first = fs.children(start)?;
    first.reverse();
    stack.push((path.len(), first));
    while let Some((len, children)) = stack.last_mut() {
        let Some(node) = children.pop() else {
            stack.pop();
            parents.pop();
            continue;
        };
        if out.entries >= MAX_ENTRIES {
            out.diagnostics.push(Diagnostic::warning(
                "fs.entry-limit",
                format!("the walk stopped after {MAX_ENTRIES} entries"),
            ));
            break;
        }
        out.entries += 1;
        path.truncate(*len);
        path.push('/');
        path.push_str(&node.name);
        let child_path = path.as_str();
        if let Some(Err(spent)) = fs
            .budget()
            .map(|b| b.spend(Resource::Entries, 1, || child_path.to_owned()))
        {
            out.diagnostics.extend(crate::budget::finding(&spent));
            break;
        }
        match visit(child_path, &parents, &node) {
            Err(spent @ crate::Error::Budget { .. }) => {
                out.diagnostics.extend(crate::budget::finding(&spent));
                break;
            }
            other => other?,
        }
        if !recursive || node.kind != NodeKind::Dir {
            continue;
        }
        if stack.len() >= MAX_DEPTH {
            out.diagnostics.push(Diagnostic::warning(
                "fs.depth-limit",
                format!("{child_path}: deeper than {MAX_DEPTH} levels; not entered"),
            ));
            continue;
        }
        if !seen.insert(dir_key(&node)) {
            out.diagnostics.push(Diagnostic::warning(
                "fs.dir-revisited",
                format!("{child_path}: its directory extent was already read in this walk (a cycle or a shared subtree); not entered"),
            ));
            continue;
        }
        match fs.children(&node) {
            Ok(mut kids) => {
                kids.reverse();
                stack.push((path.len(), kids));
                parents.push(node.name.clone());
            }
            Err(error @ crate::Error::Budget { .. }) => {
                out.diagnostics.extend(crate::budget::finding(&error));
                break;
            }
            Err(error) => out.diagnostics.push(Diagnostic::warning(
                "fs.dir-unreadable",
                format!("{child_path}: {error}"),
            )),
        }
    }
    Ok(out)
}

/// Finds the node at `path` ("/" or "/A/B"), comparing names as the view
/// shows them.
pub fn resolve(fs: &dyn Filesystem, path: &str) -> Result<Node> {
    let mut chain = resolve_chain(fs, path)?;
    chain.pop().map_or_else(|| fs.root(), Ok)
}

/// The nodes `path` passes through: the root first, what it names last
/// (the root alone for "/"), so a caller can recreate the folders above it.
pub fn resolve_chain(fs: &dyn Filesystem, path: &str) -> Result<Vec<Node>> {
    let not_found = || crate::error::Error::NotFound {
        path: path.to_owned(),
        view: fs.kind().as_str(),
    };
    let mut chain = vec![fs.root()?];
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        let node = match chain.last() {
            Some(node) if chain.len() <= MAX_DEPTH && node.kind == NodeKind::Dir => node,
            _ => return Err(not_found()),
        };
        let children = fs.children(node)?;
        let found = children.iter().position(|c| c.name == part).or_else(|| {
            children
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(part))
        });
        match found.and_then(|at| children.into_iter().nth(at)) {
            Some(child) => chain.push(child),
            None => return Err(not_found()),
        }
    }
    Ok(chain)
}

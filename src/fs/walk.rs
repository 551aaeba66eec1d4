//! Walking a tree with the limits every walk obeys (RELIABILITY.md): depth,
//! an entry budget, no directory entered inside itself, and a budget for
//! reading shared subtrees again.

use std::collections::HashSet;

use crate::budget::Resource;
use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fs::{DirectoryKey, Filesystem, Node, NodeKind};

/// Deepest directory a walk enters.
pub const MAX_DEPTH: usize = 255;
/// Entries one walk yields at most.
pub const MAX_ENTRIES: usize = 1_000_000;
/// Directory bytes a walk may read again, beyond what its first visits
/// read, when directories are reached by more than one path (a shared
/// subtree, as `genisoimage -graft-points /a/=src /b/=src` writes): a tree
/// shown twice costs its directories once more, within what the first
/// visits read, while a hostile chain of directories that each name the
/// next twice stops after about 500 directories instead of its 2^n paths.
pub const MAX_REREAD_MARGIN: u64 = 1 << 20;
/// The least a directory read again costs, so directories without data of
/// their own (HFS folders) still count.
const MIN_REREAD_COST: u64 = 512;

/// Called with each entry's path, the directories between the walk's
/// start and the entry, and the entry.
pub type Visitor<'a> = dyn FnMut(&str, &[Node], &Node) -> Result<()> + 'a;

/// Which entries a walk yields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Enter directories (else only the start's own entries).
    pub recursive: bool,
    /// Deleted entries still on disk (FAT, UDF), and what is inside a
    /// deleted directory.
    pub deleted: bool,
}

/// How a walk ended.
#[derive(Debug, Default)]
pub struct Walked {
    pub entries: usize,
    pub diagnostics: Vec<Diagnostic>,
}

/// One directory being listed: the length of its path, its key, and its
/// remaining children (reversed for pop).
struct Level {
    path_len: usize,
    key: DirectoryKey,
    children: Vec<Node>,
}

/// Visits every entry under `start` (itself excluded) depth-first in
/// on-disk order, calling `visit(path, parents, node)`: `path` is `base`
/// joined with the names by '/', `parents` the directories between `start`
/// and the node (names may hold '/').
///
/// A directory whose key is one of its own ancestors' is not entered (a
/// cycle); one reached again by another path is (a shared subtree, as
/// other readers show it), within [`MAX_REREAD_MARGIN`].
pub fn walk(
    fs: &dyn Filesystem,
    start: &Node,
    base: &str,
    reach: Reach,
    visit: &mut Visitor<'_>,
) -> Result<Walked> {
    let mut out = Walked::default();
    let mut entered: HashSet<DirectoryKey> = HashSet::new();
    let start_key = fs.directory_key(start);
    entered.insert(start_key);
    let mut first_reads = start.size;
    let mut rereads = 0u64;
    let mut out_of_budget = false;
    let mut path = base.trim_end_matches('/').to_owned();
    let mut parents: Vec<Node> = Vec::new();
    let mut first = fs.children(start)?;
    first.reverse();
    let mut stack = vec![Level {
        path_len: path.len(),
        key: start_key,
        children: first,
    }];
    while let Some(level) = stack.last_mut() {
        let Some(node) = level.children.pop() else {
            stack.pop();
            parents.pop();
            continue;
        };
        if node.deleted && !reach.deleted {
            continue;
        }
        if out.entries >= MAX_ENTRIES {
            out.diagnostics.push(Diagnostic::warning(
                "fs.entry-limit",
                format!("the walk stopped after {MAX_ENTRIES} entries"),
            ));
            break;
        }
        out.entries += 1;
        path.truncate(level.path_len);
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
        if !reach.recursive || node.kind != NodeKind::Dir {
            continue;
        }
        if stack.len() >= MAX_DEPTH {
            out.diagnostics.push(Diagnostic::warning(
                "fs.depth-limit",
                format!("{child_path}: deeper than {MAX_DEPTH} levels; not entered"),
            ));
            continue;
        }
        let key = fs.directory_key(&node);
        if stack.iter().any(|l| l.key == key) {
            out.diagnostics.push(Diagnostic::warning(
                "fs.dir-cycle",
                format!("{child_path}: the directory contains itself (its entries are an ancestor's); not entered"),
            ));
            continue;
        }
        if entered.insert(key) {
            first_reads = first_reads.saturating_add(node.size);
        } else {
            rereads = rereads.saturating_add(node.size.max(MIN_REREAD_COST));
            if rereads > first_reads.saturating_add(MAX_REREAD_MARGIN) {
                if !out_of_budget {
                    out.diagnostics.push(Diagnostic::warning(
                        "fs.shared-limit",
                        format!("{child_path}: directories shared by several paths were read again until the walk's budget ran out; neither this nor any later shared directory is entered"),
                    ));
                }
                out_of_budget = true;
                continue;
            }
        }
        match fs.children(&node) {
            Ok(mut kids) => {
                kids.reverse();
                stack.push(Level {
                    path_len: path.len(),
                    key,
                    children: kids,
                });
                parents.push(node);
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
/// shows them (a name that is not text in its escaped form, `a\xe9`), or
/// failing that, ignoring ASCII case. Deleted entries are found only when
/// `deleted` asks for them.
pub fn resolve(fs: &dyn Filesystem, path: &str, deleted: bool) -> Result<Node> {
    let mut chain = resolve_chain(fs, path, deleted)?;
    chain.pop().map_or_else(|| fs.root(), Ok)
}

/// The nodes `path` passes through, the root first and what it names last
/// (the root alone for "/"), found as [`resolve`] finds them.
pub fn resolve_chain(fs: &dyn Filesystem, path: &str, deleted: bool) -> Result<Vec<Node>> {
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
        let mut children = fs.children(node)?;
        children.retain(|c| deleted || !c.deleted);
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

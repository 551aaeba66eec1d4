//! A whole-volume check (what `verify` runs on FAT): walks every directory
//! once, bounded in entries (the image's budget) and depth, and finds
//! directories entered twice. Listing every entry walks every chain, each
//! once, so the chain index finds the clusters that chains share
//! (cross-links) on the way.

use std::collections::HashSet;

use crate::budget::Resource;
use crate::diagnostic::Diagnostic;
use crate::fs::fat::FatFs;
use crate::fs::{Filesystem, Node, NodeKind};

/// The most entries visited in one walk (RELIABILITY.md).
pub const MAX_ENTRIES: usize = 1_000_000;
/// The deepest directory visited.
pub const MAX_DEPTH: usize = 255;

impl FatFs {
    /// Walks the volume and returns every finding: those of the walk and
    /// those the reader noted while listing and following chains.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let mut seen_dirs = HashSet::new();
        let mut entries = 0usize;
        let Ok(root) = self.root() else {
            return self.diagnostics();
        };
        let mut stack: Vec<(Node, String, usize)> = vec![(root, String::new(), 0)];
        while let Some((dir, path, depth)) = stack.pop() {
            let Ok(children) = self.children(&dir) else {
                continue;
            };
            for child in children {
                entries += 1;
                if entries > MAX_ENTRIES {
                    found.push(Diagnostic::warning(
                        "fat.walk-limit",
                        format!("stopped after {MAX_ENTRIES} entries"),
                    ));
                    return self.merge(found);
                }
                let child_path = format!("{path}/{}", child.name);
                if let Some(Err(spent)) = self
                    .budget()
                    .map(|b| b.spend(Resource::Entries, 1, || child_path.clone()))
                {
                    found.extend(crate::budget::finding(&spent));
                    return self.merge(found);
                }
                if child.deleted {
                    continue;
                }
                if child.kind == NodeKind::Dir {
                    let first = self.first_cluster(&child);
                    if depth + 1 > MAX_DEPTH {
                        found.push(Diagnostic::warning(
                            "fat.depth",
                            format!("{child_path} is nested deeper than {MAX_DEPTH} levels"),
                        ));
                    } else if first == 0 || !seen_dirs.insert(first) {
                        found.push(Diagnostic::error(
                            "fat.directory-loop",
                            format!(
                                "{child_path} leads to a directory already visited (cluster {first}; 0 is the root)"
                            ),
                        ));
                    } else {
                        stack.push((child, child_path, depth + 1));
                    }
                }
            }
        }
        self.merge(found)
    }

    fn merge(&self, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut out = self.diagnostics();
        out.extend(found);
        out
    }

    fn first_cluster(&self, node: &Node) -> u32 {
        self.entry_at(node.id).map_or(0, |e| e.first_cluster)
    }
}

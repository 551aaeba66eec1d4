//! Whole-tree checks: every node reached from the root level by level,
//! with node kinds, heights, record offsets, key order inside and across
//! nodes, the leaf chain's forward and back links, the header's counts,
//! and (in the catalog) every folder and file matched with its thread.
//! Work is bounded by the nodes the tree holds (and a budget), memory by
//! the records found.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::fs::hfs::btree::{self, INDEX, LEAF, MAX_DEPTH, Problem, Tree, kind_name};
use crate::fs::hfs::catalog::{Edition, Key, Record};
use crate::fs::hfs::extents::ExtentKey;
use crate::fs::hfs::{HfsFs, name};

/// Thread mismatches reported at most.
const MAX_THREAD_FINDINGS: usize = 100;

/// A record seen in a leaf, for the thread check.
struct Seen {
    node: u32,
    offset: u32,
    parent: u32,
    raw: Vec<u8>,
    thread_expected: bool,
}

impl HfsFs {
    /// Checks both trees, at most `budget` nodes each.
    pub(super) fn check_with(&self, budget: u32) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for tree in [&self.extents, &self.catalog] {
            let mut problems = Vec::new();
            let (items, threads, complete) = self.check_tree(tree, budget, &mut problems);
            out.extend(problems.iter().map(|p| self.problem(tree, p)));
            if tree.file_id == self.catalog.file_id && complete {
                out.extend(self.check_threads(tree, &items, &threads));
            }
            if !complete {
                out.push(Diagnostic::info(
                    "hfs.check-partial",
                    format!(
                        "the {} B-tree has {} nodes; the first {budget} were checked when the volume was opened",
                        tree.name, tree.nodes
                    ),
                ));
            }
        }
        out
    }

    /// Compares two keys of a tree: `None` when the order cannot be told.
    fn key_order(&self, tree: &Tree, a: &[u8], b: &[u8]) -> Option<Ordering> {
        if tree.file_id == self.extents.file_id {
            let (a, b) = (
                ExtentKey::parse(self.format, a)?,
                ExtentKey::parse(self.format, b)?,
            );
            return Some(a.order(&b));
        }
        let (a, b) = (Key::parse(self.format, a)?, Key::parse(self.format, b)?);
        match a.parent.cmp(&b.parent) {
            Ordering::Equal => {
                name::compare(self.order, &a.units(self.format), &b.units(self.format))
            }
            other => Some(other),
        }
    }

    /// Walks a tree level by level. Returns the catalog's items and
    /// threads (when it is the catalog) and whether the walk was complete.
    fn check_tree(
        &self,
        tree: &Tree,
        budget: u32,
        problems: &mut Vec<Problem>,
    ) -> (HashMap<u32, Seen>, HashMap<u32, Seen>, bool) {
        let mut items: HashMap<u32, Seen> = HashMap::new();
        let mut threads: HashMap<u32, Seen> = HashMap::new();
        let header = &tree.header;
        let catalog = tree.file_id == self.catalog.file_id;
        if header.root == 0 || header.depth == 0 {
            if header.leaf_records != 0 {
                problems.push(Problem {
                    node: 0,
                    offset: 14 + 6,
                    message: format!(
                        "an empty tree (no root) claims {} leaf records",
                        header.leaf_records
                    ),
                });
            }
            return (items, threads, true);
        }
        if header.depth > MAX_DEPTH {
            problems.push(Problem {
                node: 0,
                offset: 14,
                message: format!(
                    "treeDepth {} is deeper than any real tree ({MAX_DEPTH} levels are read)",
                    header.depth
                ),
            });
        }
        // A depth past any real tree's is a depth bomb: the root's own
        // height says how deep to go instead.
        let depth = if header.depth > MAX_DEPTH {
            match self.load(tree, header.root) {
                Ok(root) if (1..=MAX_DEPTH).contains(&u16::from(root.descriptor.height)) => {
                    u16::from(root.descriptor.height)
                }
                _ => MAX_DEPTH,
            }
        } else {
            header.depth
        };
        let mut visited: HashSet<u32> = HashSet::from([0]);
        // Each level's nodes, with the key its parent's index record gave.
        let mut level: Vec<(u32, Option<Vec<u8>>)> = vec![(header.root, None)];
        let mut leaves: Vec<(u32, u32, u32)> = Vec::new();
        let mut records = 0u64;
        let mut spent = 0u32;
        for depth_at in 0..depth {
            let height = depth - depth_at;
            let mut next = Vec::new();
            let mut previous_key: Option<(u32, Vec<u8>)> = None;
            for (number, parent_key) in level {
                if number >= tree.nodes {
                    problems.push(Problem {
                        node: number,
                        offset: 0,
                        message: format!(
                            "an index record points to node {number}, outside the tree's {} nodes",
                            tree.nodes
                        ),
                    });
                    continue;
                }
                if !visited.insert(number) {
                    problems.push(Problem {
                        node: number,
                        offset: 0,
                        message: format!("node {number} is reached twice from the index (a loop or a shared subtree)"),
                    });
                    continue;
                }
                spent += 1;
                if spent > budget {
                    return (items, threads, false);
                }
                let node = match self.load(tree, number) {
                    Ok(node) => node,
                    Err(e) => {
                        problems.push(Problem {
                            node: number,
                            offset: 0,
                            message: format!("cannot be read: {e}"),
                        });
                        continue;
                    }
                };
                if let Some(p) = &node.problem {
                    problems.push(p.clone());
                }
                let d = &node.descriptor;
                let want = if height == 1 { LEAF } else { INDEX };
                if d.kind != want {
                    problems.push(Problem {
                        node: number,
                        offset: 8,
                        message: format!(
                            "a {} (kind {}) at height {height}, where a {} belongs",
                            kind_name(d.kind),
                            d.kind,
                            kind_name(want)
                        ),
                    });
                    continue;
                }
                if u16::from(d.height) != height {
                    problems.push(Problem {
                        node: number,
                        offset: 9,
                        message: format!(
                            "height {} where the tree's depth puts height {height}",
                            d.height
                        ),
                    });
                }
                for i in 0..node.count() {
                    let Some((start, _)) = node.record(i) else {
                        continue;
                    };
                    let Some((key, data)) = node.split(&tree.style, i) else {
                        problems.push(Problem {
                            node: number,
                            offset: start as u32,
                            message: format!("record {i}'s key length runs past the record"),
                        });
                        continue;
                    };
                    if i == 0
                        && let Some(expected) = &parent_key
                        && self.key_order(tree, key, expected) != Some(Ordering::Equal)
                        && self.key_order(tree, key, expected).is_some()
                    {
                        problems.push(Problem {
                            node: number,
                            offset: start as u32,
                            message: "the first key differs from the index record that points here"
                                .to_owned(),
                        });
                    }
                    if let Some((_, prev)) = &previous_key
                        && let Some(order) = self.key_order(tree, prev, key)
                        && order != Ordering::Less
                    {
                        problems.push(Problem {
                            node: number,
                            offset: start as u32,
                            message: format!("record {i}'s key is not after the key before it (keys out of order)"),
                        });
                    }
                    previous_key = Some((number, key.to_vec()));
                    if want == INDEX {
                        match btree::child(data) {
                            Some(child) => next.push((child, Some(key.to_vec()))),
                            None => problems.push(Problem {
                                node: number,
                                offset: start as u32,
                                message: format!("index record {i} has no child node number"),
                            }),
                        }
                    } else {
                        records += 1;
                        if catalog {
                            self.remember(
                                problems,
                                number,
                                start as u32,
                                key,
                                data,
                                &mut items,
                                &mut threads,
                            );
                        }
                    }
                }
                if want == LEAF {
                    leaves.push((number, d.forward, d.backward));
                }
            }
            level = next;
        }
        self.check_leaf_chain(tree, &leaves, records, problems);
        (items, threads, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn remember(
        &self,
        problems: &mut Vec<Problem>,
        node: u32,
        offset: u32,
        key: &[u8],
        data: &[u8],
        items: &mut HashMap<u32, Seen>,
        threads: &mut HashMap<u32, Seen>,
    ) {
        let Some(k) = Key::parse(self.format, key) else {
            return;
        };
        match Record::parse(self.format, data) {
            Some(Record::Folder(f)) => {
                items.insert(
                    f.id,
                    Seen {
                        node,
                        offset,
                        parent: k.parent,
                        raw: k.raw,
                        thread_expected: true,
                    },
                );
            }
            Some(Record::File(f)) => {
                for (what, fork) in [("data", &f.data), ("resource", &f.rsrc)] {
                    let past = fork.extents.iter().find(|(start, count)| {
                        *count > 0 && start.saturating_add(*count) > self.geometry.blocks
                    });
                    if let Some((start, count)) = past {
                        problems.push(Problem {
                            node,
                            offset,
                            message: format!(
                                "catalog ID {}'s {what} fork has an extent of {count} blocks from block {start}, past the volume's {} allocation blocks",
                                f.id, self.geometry.blocks
                            ),
                        });
                    }
                }
                let expected = self.format == Edition::Plus || f.flags & 2 != 0;
                items.insert(
                    f.id,
                    Seen {
                        node,
                        offset,
                        parent: k.parent,
                        raw: k.raw,
                        thread_expected: expected,
                    },
                );
            }
            Some(Record::Thread(t)) => {
                threads.insert(
                    k.parent,
                    Seen {
                        node,
                        offset,
                        parent: t.parent,
                        raw: t.raw,
                        thread_expected: t.folder,
                    },
                );
            }
            None => {}
        }
    }

    fn check_leaf_chain(
        &self,
        tree: &Tree,
        leaves: &[(u32, u32, u32)],
        records: u64,
        problems: &mut Vec<Problem>,
    ) {
        let header = &tree.header;
        let header_at = |field: u32| btree::DESCRIPTOR as u32 + field;
        if let Some(&(first, _, back)) = leaves.first() {
            if header.first_leaf != first {
                problems.push(Problem {
                    node: 0,
                    offset: header_at(10),
                    message: format!(
                        "firstLeafNode is {}, but the index leads first to leaf {first}",
                        header.first_leaf
                    ),
                });
            }
            if back != 0 {
                problems.push(Problem {
                    node: first,
                    offset: 4,
                    message: format!("the first leaf's bLink is {back}, not 0"),
                });
            }
        }
        if let Some(&(last, forward, _)) = leaves.last() {
            if header.last_leaf != last {
                problems.push(Problem {
                    node: 0,
                    offset: header_at(14),
                    message: format!(
                        "lastLeafNode is {}, but the index leads last to leaf {last}",
                        header.last_leaf
                    ),
                });
            }
            if forward != 0 {
                problems.push(Problem {
                    node: last,
                    offset: 0,
                    message: format!("the last leaf's fLink is {forward}, not 0"),
                });
            }
        }
        for pair in leaves.windows(2) {
            let [(a, a_forward, _), (b, _, b_back)] = pair else {
                continue;
            };
            if a_forward != b {
                problems.push(Problem {
                    node: *a,
                    offset: 0,
                    message: format!("fLink is {a_forward}, but the next leaf in key order is {b}"),
                });
            }
            if b_back != a {
                problems.push(Problem {
                    node: *b,
                    offset: 4,
                    message: format!(
                        "bLink is {b_back}, but the previous leaf in key order is {a}"
                    ),
                });
            }
        }
        if u64::from(header.leaf_records) != records {
            problems.push(Problem {
                node: 0,
                offset: header_at(6),
                message: format!(
                    "leafRecords is {}, but the leaves hold {records}",
                    header.leaf_records
                ),
            });
        }
    }

    fn check_threads(
        &self,
        tree: &Tree,
        items: &HashMap<u32, Seen>,
        threads: &HashMap<u32, Seen>,
    ) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut ids: Vec<&u32> = items.keys().collect();
        ids.sort();
        for id in ids {
            let Some(item) = items.get(id) else { continue };
            match threads.get(id) {
                None if item.thread_expected => problems.push(Problem {
                    node: item.node,
                    offset: item.offset,
                    message: format!("catalog ID {id} has no thread record"),
                }),
                Some(t) if t.parent != item.parent || t.raw != item.raw => problems.push(Problem {
                    node: t.node,
                    offset: t.offset,
                    message: format!(
                        "the thread of catalog ID {id} names parent {} and {:?}, but its record (node {} offset {:#x}) sits under parent {} as {:?}",
                        t.parent,
                        crate::fs::hfs::catalog::text(self.format, &t.raw),
                        item.node,
                        item.offset,
                        item.parent,
                        crate::fs::hfs::catalog::text(self.format, &item.raw)
                    ),
                }),
                _ => {}
            }
            if problems.len() >= MAX_THREAD_FINDINGS {
                break;
            }
        }
        let mut ids: Vec<&u32> = threads.keys().collect();
        ids.sort();
        for id in ids {
            if problems.len() >= MAX_THREAD_FINDINGS {
                break;
            }
            if !items.contains_key(id)
                && let Some(t) = threads.get(id)
            {
                problems.push(Problem {
                    node: t.node,
                    offset: t.offset,
                    message: format!(
                        "a thread for catalog ID {id}, which no folder or file record has"
                    ),
                });
            }
        }
        problems
            .iter()
            .map(|p| Diagnostic {
                code: "hfs.thread",
                ..self.problem(tree, p)
            })
            .collect()
    }
}

//! The filesystem tree behind the tree pane: every view of the image, its
//! directories read only when opened, and each view's on-disk structures.
//!
//! Identifiers come from record positions, never from names: hostile images
//! repeat names, and the tree widget refuses duplicate sibling identifiers.

use std::collections::HashMap;
use std::sync::Arc;

use crate::fs::{Filesystem, Node, NodeKind};
use crate::structure::Structure;
use crate::units::Lba;

/// Identifies a row of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TreeId {
    /// A filesystem view (its index).
    View(usize),
    /// A node of a view, by the node's id.
    Node(usize, u64),
    /// The "structures" folder of a view.
    Structures(usize),
    /// One structure of a view.
    Structure(usize, usize),
}

/// One row to show, with its children when open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRow {
    pub id: TreeId,
    pub label: String,
    /// Whether it can be opened.
    pub branch: bool,
    pub children: Vec<TreeRow>,
}

/// Directory reads are capped so one huge directory cannot stall a frame.
pub const MAX_CHILDREN: usize = 100_000;

/// Views and the directories read so far.
#[derive(Debug, Default)]
pub struct FsTree {
    views: Vec<Arc<dyn Filesystem>>,
    roots: Vec<Option<Node>>,
    structures: Vec<Vec<Structure>>,
    /// Bytes per sector the structures' positions count in.
    block: u64,
    /// Children of opened directories, by (view, node id).
    children: HashMap<(usize, u64), Vec<Node>>,
    /// Every node seen, for lookups by id.
    nodes: HashMap<(usize, u64), Node>,
    pub errors: Vec<String>,
}

impl FsTree {
    /// Reads each view's root and structure list (small, bounded reads).
    /// `block` is the medium's block size.
    pub fn new(views: Vec<Arc<dyn Filesystem>>, block: u64) -> FsTree {
        let mut tree = FsTree {
            block,
            ..FsTree::default()
        };
        for (index, view) in views.iter().enumerate() {
            match view.root() {
                Ok(root) => {
                    tree.nodes.insert((index, root.id), root.clone());
                    tree.roots.push(Some(root));
                }
                Err(error) => {
                    tree.errors.push(format!("{}: {error}", view.kind()));
                    tree.roots.push(None);
                }
            }
            tree.structures.push(view.structures());
        }
        tree.views = views;
        tree
    }

    pub fn views(&self) -> &[Arc<dyn Filesystem>] {
        &self.views
    }

    /// Reads a directory's entries the first time it is opened.
    pub fn open(&mut self, id: TreeId) {
        let TreeId::Node(view, node_id) = id else {
            return;
        };
        if self.children.contains_key(&(view, node_id)) {
            return;
        }
        let (Some(fs), Some(node)) = (self.views.get(view), self.nodes.get(&(view, node_id)))
        else {
            return;
        };
        if node.kind != NodeKind::Dir {
            return;
        }
        match fs.children(node) {
            Ok(mut entries) => {
                entries.truncate(MAX_CHILDREN);
                for entry in &entries {
                    self.nodes.insert((view, entry.id), entry.clone());
                }
                self.children.insert((view, node_id), entries);
            }
            Err(error) => {
                self.errors.push(format!("{}: {error}", fs.kind()));
                self.children.insert((view, node_id), Vec::new());
            }
        }
    }

    /// The node behind a row, if it is a node.
    pub fn node(&self, id: TreeId) -> Option<&Node> {
        match id {
            TreeId::Node(view, node) => self.nodes.get(&(view, node)),
            _ => None,
        }
    }

    /// The structure behind a row, if it is one.
    pub fn structure(&self, id: TreeId) -> Option<&Structure> {
        match id {
            TreeId::Structure(view, index) => self.structures.get(view)?.get(index),
            _ => None,
        }
    }

    /// The first sector of what a row names: a file's data, a directory's
    /// extent, a structure.
    pub fn first_lba(&self, id: TreeId) -> Option<Lba> {
        match id {
            TreeId::Node(..) => self.node(id)?.extents.first().map(|e| e.lba),
            TreeId::Structure(..) => {
                let at = self.structure(id)?.place.medium()?;
                Some(crate::survey::lba_of(at, self.block))
            }
            TreeId::View(view) => self
                .roots
                .get(view)?
                .as_ref()?
                .extents
                .first()
                .map(|e| e.lba),
            TreeId::Structures(_) => None,
        }
    }

    /// The rows to show, descending only into opened directories.
    pub fn rows(&self, is_open: impl Fn(TreeId) -> bool) -> Vec<TreeRow> {
        self.views
            .iter()
            .enumerate()
            .map(|(index, fs)| {
                let mut children = Vec::new();
                if let Some(Some(root)) = self.roots.get(index) {
                    children = self.node_children(index, root.id, &is_open);
                }
                let structures = self.structures.get(index).map_or(&[][..], Vec::as_slice);
                if !structures.is_empty() {
                    let id = TreeId::Structures(index);
                    children.push(TreeRow {
                        id,
                        label: "[structures]".into(),
                        branch: true,
                        children: if is_open(id) {
                            structures
                                .iter()
                                .enumerate()
                                .map(|(i, s)| TreeRow {
                                    id: TreeId::Structure(index, i),
                                    label: match s.place.medium() {
                                        Some(at) => format!(
                                            "{} @{}",
                                            s.name,
                                            crate::survey::lba_of(at, self.block)
                                        ),
                                        None => s.name.clone(),
                                    },
                                    branch: false,
                                    children: Vec::new(),
                                })
                                .collect()
                        } else {
                            Vec::new()
                        },
                    });
                }
                let label = fs.label();
                TreeRow {
                    id: TreeId::View(index),
                    label: if label.is_empty() {
                        fs.kind().to_string()
                    } else {
                        format!("{} \"{label}\"", fs.kind())
                    },
                    branch: true,
                    children,
                }
            })
            .collect()
    }

    fn node_children(
        &self,
        view: usize,
        dir: u64,
        is_open: &impl Fn(TreeId) -> bool,
    ) -> Vec<TreeRow> {
        let Some(entries) = self.children.get(&(view, dir)) else {
            return Vec::new();
        };
        entries
            .iter()
            .map(|entry| {
                let id = TreeId::Node(view, entry.id);
                let branch = entry.kind == NodeKind::Dir;
                let suffix = match entry.kind {
                    NodeKind::Dir => "/".to_owned(),
                    NodeKind::Symlink => format!(" -> {}", entry.target.as_deref().unwrap_or("?")),
                    _ => String::new(),
                };
                let deleted = if entry.deleted { " (deleted)" } else { "" };
                TreeRow {
                    id,
                    label: format!("{}{suffix}{deleted}", entry.name),
                    branch,
                    children: if branch && is_open(id) {
                        self.node_children(view, entry.id, is_open)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }

    /// The row path to the node at `path` ("/a/b") of view `view`, reading
    /// the directories on the way. `None` when a component is missing.
    pub fn reveal(&mut self, view: usize, path: &str) -> Option<Vec<TreeId>> {
        let mut dir = self.roots.get(view)?.as_ref()?.id;
        let mut ids = vec![TreeId::View(view)];
        for component in path.split('/').filter(|c| !c.is_empty()) {
            self.open(TreeId::Node(view, dir));
            let child = self
                .children
                .get(&(view, dir))?
                .iter()
                .find(|n| n.name == component)?
                .id;
            ids.push(TreeId::Node(view, child));
            dir = child;
        }
        Some(ids)
    }

    /// The row path to a view's structure named `name`.
    pub fn reveal_structure(&self, view: usize, name: &str) -> Option<Vec<TreeId>> {
        let index = self
            .structures
            .get(view)?
            .iter()
            .position(|s| s.name == name)?;
        Some(vec![
            TreeId::View(view),
            TreeId::Structures(view),
            TreeId::Structure(view, index),
        ])
    }

    /// Opens the root directory of every view (cheap: one directory each).
    pub fn open_roots(&mut self) {
        let roots: Vec<(usize, u64)> = self
            .roots
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i, r.id)))
            .collect();
        for (view, id) in roots {
            self.open(TreeId::Node(view, id));
        }
    }
}

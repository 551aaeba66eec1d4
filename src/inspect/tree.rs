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
    /// A group of structures outside any view (the image container's,
    /// the partition table's), by its index.
    Group(usize),
    /// One structure of a group.
    Member(usize, usize),
    /// Stands under a folded branch (so it shows as foldable before its
    /// entries are read), or under an unfolded directory being read. One
    /// per parent at most, so it never collides with a sibling.
    Pending,
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

/// The one row under a branch whose entries are folded or still being read.
fn pending() -> Vec<TreeRow> {
    vec![TreeRow {
        id: TreeId::Pending,
        label: "...".into(),
        branch: false,
        children: Vec::new(),
    }]
}

/// The structures no view owns, as tree groups: the image container's
/// (a CHD header and map, an NRG chunk chain, a cue sheet's lines) and the
/// partition table's.
pub fn outside_views(survey: &crate::survey::Survey) -> Vec<(String, Vec<Structure>)> {
    use crate::survey::Scope;
    let of = |scope: Scope| -> Vec<Structure> {
        survey
            .structures()
            .iter()
            .filter(|(s, _)| *s == scope)
            .map(|(_, structure)| structure.clone())
            .collect()
    };
    vec![
        (
            format!("[image] {}", survey.medium.format.as_str()),
            of(Scope::Container),
        ),
        ("[partition table]".to_owned(), of(Scope::Partitions)),
    ]
}

/// Directory reads are capped so one huge directory cannot stall a frame.
pub const MAX_CHILDREN: usize = 100_000;

/// Views and the directories read so far.
#[derive(Debug, Default)]
pub struct FsTree {
    views: Vec<Arc<dyn Filesystem>>,
    roots: Vec<Option<Node>>,
    structures: Vec<Vec<Structure>>,
    /// Structures outside the views, each group a top-level row.
    groups: Vec<(String, Vec<Structure>)>,
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
    /// `groups` are shown after the views, each under its label (empty ones
    /// are left out). `block` is the medium's block size.
    pub fn new(
        views: Vec<Arc<dyn Filesystem>>,
        groups: Vec<(String, Vec<Structure>)>,
        block: u64,
    ) -> FsTree {
        let mut tree = FsTree {
            block,
            groups: groups.into_iter().filter(|(_, s)| !s.is_empty()).collect(),
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

    /// The directory a row names when its entries have not been read
    /// yet: what a job must read before the row can unfold.
    pub fn unread(&self, id: TreeId) -> Option<(usize, Node)> {
        let TreeId::Node(view, node_id) = id else {
            return None;
        };
        if self.children.contains_key(&(view, node_id)) {
            return None;
        }
        let node = self.nodes.get(&(view, node_id))?;
        (node.kind == NodeKind::Dir).then(|| (view, node.clone()))
    }

    /// Takes the entries a job read for a directory (or why it could not).
    pub fn insert_children(&mut self, view: usize, dir: u64, read: Result<Vec<Node>, String>) {
        match read {
            Ok(mut entries) => {
                entries.truncate(MAX_CHILDREN);
                for entry in &entries {
                    self.nodes.insert((view, entry.id), entry.clone());
                }
                self.children.insert((view, dir), entries);
            }
            Err(error) => {
                let kind = self.views.get(view).map(|fs| fs.kind().as_str());
                self.errors
                    .push(format!("{}: {error}", kind.unwrap_or("view")));
                self.children.insert((view, dir), Vec::new());
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

    /// Whether a row can fold and unfold: a view, a structure list, a
    /// directory.
    pub fn is_branch(&self, id: TreeId) -> bool {
        match id {
            TreeId::View(_) | TreeId::Structures(_) | TreeId::Group(_) => true,
            TreeId::Node(..) => self.node(id).is_some_and(|n| n.kind == NodeKind::Dir),
            TreeId::Structure(..) | TreeId::Member(..) | TreeId::Pending => false,
        }
    }

    /// How many structures a view lists.
    pub fn structure_count(&self, view: usize) -> usize {
        self.structures.get(view).map_or(0, Vec::len)
    }

    /// A group's label and how many structures it lists.
    pub fn group(&self, group: usize) -> Option<(&str, usize)> {
        self.groups
            .get(group)
            .map(|(label, list)| (label.as_str(), list.len()))
    }

    /// The structure behind a row, if it is one.
    pub fn structure(&self, id: TreeId) -> Option<&Structure> {
        match id {
            TreeId::Structure(view, index) => self.structures.get(view)?.get(index),
            TreeId::Member(group, index) => self.groups.get(group)?.1.get(index),
            _ => None,
        }
    }

    /// The first sector of what a row names: a file's data, a directory's
    /// extent, a structure.
    pub fn first_lba(&self, id: TreeId) -> Option<Lba> {
        match id {
            TreeId::Node(..) => self.node(id)?.extents.first().map(|e| e.lba),
            TreeId::Structure(..) | TreeId::Member(..) => {
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
            TreeId::Structures(_) | TreeId::Group(_) | TreeId::Pending => None,
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
                    children.push(self.structure_folder(
                        TreeId::Structures(index),
                        "[structures]".into(),
                        structures,
                        |i| TreeId::Structure(index, i),
                        &is_open,
                    ));
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
            .chain(
                self.groups
                    .iter()
                    .enumerate()
                    .map(|(group, (label, list))| {
                        self.structure_folder(
                            TreeId::Group(group),
                            label.clone(),
                            list,
                            |i| TreeId::Member(group, i),
                            &is_open,
                        )
                    }),
            )
            .collect()
    }

    /// A folder row listing `structures`, each labelled with its sector.
    fn structure_folder(
        &self,
        id: TreeId,
        label: String,
        structures: &[Structure],
        member: impl Fn(usize) -> TreeId,
        is_open: &impl Fn(TreeId) -> bool,
    ) -> TreeRow {
        TreeRow {
            id,
            label,
            branch: true,
            children: if is_open(id) {
                structures
                    .iter()
                    .enumerate()
                    .map(|(i, s)| TreeRow {
                        id: member(i),
                        label: match s.place.medium() {
                            Some(at) => {
                                format!("{} @{}", s.name, crate::survey::lba_of(at, self.block))
                            }
                            None => s.name.clone(),
                        },
                        branch: false,
                        children: Vec::new(),
                    })
                    .collect()
            } else {
                pending()
            },
        }
    }

    fn node_children(
        &self,
        view: usize,
        dir: u64,
        is_open: &impl Fn(TreeId) -> bool,
    ) -> Vec<TreeRow> {
        let Some(entries) = self.children.get(&(view, dir)) else {
            return pending();
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
                let read = self.children.get(&(view, entry.id));
                TreeRow {
                    id,
                    label: format!("{}{suffix}{deleted}", entry.name),
                    branch,
                    children: match read {
                        _ if !branch => Vec::new(),
                        _ if is_open(id) => self.node_children(view, entry.id, is_open),
                        // Read and empty: nothing to unfold.
                        Some(entries) if entries.is_empty() => Vec::new(),
                        _ => pending(),
                    },
                }
            })
            .collect()
    }

    /// The row path to the node at `path` ("/a/b") of view `view`, from
    /// the directories read so far. `None` when a component is missing or
    /// a directory on the way has not been read.
    pub fn reveal(&self, view: usize, path: &str) -> Option<Vec<TreeId>> {
        let mut dir = self.roots.get(view)?.as_ref()?.id;
        let mut ids = vec![TreeId::View(view)];
        for component in path.split('/').filter(|c| !c.is_empty()) {
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

    /// The root of a view, if it could be read.
    pub fn root(&self, view: usize) -> Option<&Node> {
        self.roots.get(view)?.as_ref()
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

    /// The root directory of every view, to be read at start.
    pub fn unread_roots(&self) -> Vec<(usize, Node)> {
        self.roots
            .iter()
            .enumerate()
            .filter_map(|(view, root)| self.unread(TreeId::Node(view, root.as_ref()?.id)))
            .collect()
    }
}

/// The directories on the way to `path` in `fs`, read from `root`: each
/// directory's id with its entries, as a job hands them to the tree.
pub fn read_path(
    fs: &dyn Filesystem,
    root: &Node,
    path: &str,
) -> crate::error::Result<Vec<(u64, Vec<Node>)>> {
    let mut read = Vec::new();
    let mut dir = root.clone();
    let components: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    for (at, component) in components.iter().enumerate() {
        let entries = fs.children(&dir)?;
        let next = entries.iter().find(|n| n.name == *component).cloned();
        read.push((dir.id, entries));
        match next {
            Some(node) if at + 1 < components.len() && node.kind == NodeKind::Dir => dir = node,
            _ => break,
        }
    }
    Ok(read)
}

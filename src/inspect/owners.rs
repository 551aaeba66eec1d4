//! Sector → owners: which file, directory or on-disk structure of which
//! view covers a sector, built from the survey's structures and every
//! view's extents.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fs::{FsKind, Node, NodeKind, walk};
use crate::structure::Kind;
use crate::survey::{Scope, Survey, lba_of};
use crate::units::Lba;

/// A sector holding a deleted file's data is still that file's, as far as
/// anyone can tell: the index keeps deleted entries.
const OWNED: walk::Reach = walk::Reach {
    recursive: true,
    deleted: true,
};

/// What owns a sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerKind {
    File,
    Dir,
    /// An El Torito boot image.
    BootImage,
    /// An on-disk structure (volume descriptor, BPB, GPT header ...).
    Structure(Kind),
    /// Nothing the survey knows of.
    Unused,
}

impl OwnerKind {
    /// The name in `locate --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::File => "file",
            OwnerKind::Dir => "dir",
            OwnerKind::BootImage => "boot_image",
            OwnerKind::Structure(kind) => kind.as_str(),
            OwnerKind::Unused => "unused",
        }
    }
}

impl fmt::Display for OwnerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for OwnerKind {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One owner of a sector, as `locate --json` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub kind: OwnerKind,
    pub path: Option<String>,
    /// The view or table it belongs to (`""` in JSON for none).
    #[serde(serialize_with = "scope_name")]
    pub filesystem: Option<Scope>,
    /// A structure's name ("Primary volume descriptor"); `None` for files.
    pub name: Option<String>,
    /// For a file or directory: where in its data the sector's bytes lie
    /// (the first one's offset, and how many).
    pub offset: Option<u64>,
    pub length: Option<u64>,
    /// The data is stored compressed (zisofs), so `offset` counts through
    /// the compressed bytes, not the file as read.
    pub compressed: bool,
}

fn scope_name<S: Serializer>(scope: &Option<Scope>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(scope.map_or("", Scope::as_str))
}

impl Owner {
    /// The owner of a sector nothing claims.
    pub fn unused() -> Owner {
        Owner {
            kind: OwnerKind::Unused,
            path: None,
            filesystem: None,
            name: None,
            offset: None,
            length: None,
            compressed: false,
        }
    }

    /// The view it belongs to, if it belongs to one.
    pub fn view(&self) -> Option<FsKind> {
        match self.filesystem {
            Some(Scope::View(kind)) => Some(kind),
            _ => None,
        }
    }

    /// The path of a file or directory, or the name of a structure.
    pub fn what(&self) -> &str {
        self.path.as_deref().or(self.name.as_deref()).unwrap_or("")
    }
}

#[derive(Clone, Debug)]
struct Span {
    start: i64,
    end: i64,
    owner: Owner,
    /// For an extent of file or directory data: the data offset of the
    /// span's first sector and the extent's length in bytes.
    data: Option<(u64, u64)>,
}

/// The index: spans of sectors with their owners.
#[derive(Clone, Debug, Default)]
pub struct OwnerIndex {
    spans: Vec<Span>,
    /// Bytes of data per sector, to place a sector in a file's data.
    block: u64,
    pub diagnostics: Vec<Diagnostic>,
}

impl OwnerIndex {
    /// Indexes the survey's structures and walks every view.
    pub fn build(survey: &Survey) -> Result<OwnerIndex> {
        let block = survey.medium.block_size();
        let mut index = OwnerIndex {
            block,
            ..OwnerIndex::default()
        };
        for (scope, s) in survey.structures() {
            let Some(range) = s.medium_range().filter(|r| !r.is_empty()) else {
                continue;
            };
            index.spans.push(Span {
                start: lba_of(range.start, block).0,
                end: lba_of(range.end.div_ceil(block) * block, block).0,
                owner: Owner {
                    kind: OwnerKind::Structure(s.kind),
                    path: None,
                    filesystem: Some(*scope),
                    name: Some(s.name.clone()),
                    ..Owner::unused()
                },
                data: None,
            });
        }
        for view in &survey.views {
            let root = view.fs.root()?;
            let boot = view.kind == FsKind::ElTorito;
            let fs = view.fs.as_ref();
            let mut add = |path: &str, node: &Node| {
                for r in fs.node_records(node) {
                    let start = lba_of(r.position, block).0;
                    let end = lba_of(
                        r.position.saturating_add(r.length).div_ceil(block) * block,
                        block,
                    )
                    .0;
                    index.spans.push(Span {
                        start,
                        end: end.max(start + 1),
                        owner: Owner {
                            kind: OwnerKind::Structure(r.kind),
                            path: Some(if path.is_empty() { "/" } else { path }.to_owned()),
                            filesystem: Some(Scope::View(view.kind)),
                            name: Some(r.name.to_owned()),
                            ..Owner::unused()
                        },
                        data: None,
                    });
                }
                let kind = match node.kind {
                    NodeKind::Dir => OwnerKind::Dir,
                    _ if boot => OwnerKind::BootImage,
                    _ => OwnerKind::File,
                };
                let mut offset = 0u64;
                for e in &node.extents {
                    let at = offset;
                    offset = offset.saturating_add(e.bytes);
                    if e.bytes == 0 {
                        continue;
                    }
                    let sectors = i64::try_from(e.bytes.div_ceil(block)).unwrap_or(i64::MAX);
                    index.spans.push(Span {
                        start: e.lba.0,
                        end: e.lba.0.saturating_add(sectors),
                        owner: Owner {
                            kind,
                            path: Some(if path.is_empty() { "/" } else { path }.to_owned()),
                            filesystem: Some(Scope::View(view.kind)),
                            compressed: crate::fs::iso9660::is_zisofs(node),
                            ..Owner::unused()
                        },
                        data: Some((at, e.bytes)),
                    });
                }
            };
            if !boot {
                add("", &root);
            }
            let walked = walk::walk(view.fs.as_ref(), &root, "", OWNED, &mut |path, _, node| {
                add(path, node);
                Ok(())
            })?;
            index.diagnostics.extend(walked.diagnostics);
        }
        index.spans.sort_by_key(|s| s.start);
        Ok(index)
    }

    /// Every owner covering `lba`, in order of their first sector, with
    /// the part of a file's data the sector holds.
    pub fn owners(&self, lba: Lba) -> Vec<Owner> {
        let end = self.spans.partition_point(|s| s.start <= lba.0);
        self.spans
            .get(..end)
            .unwrap_or_default()
            .iter()
            .filter(|s| s.end > lba.0)
            .map(|s| {
                let mut owner = s.owner.clone();
                if let Some((first, bytes)) = s.data {
                    let sectors_in = u64::try_from(lba.0 - s.start).unwrap_or(0);
                    let within = sectors_in.saturating_mul(self.block);
                    owner.offset = Some(first.saturating_add(within));
                    owner.length = Some(bytes.saturating_sub(within).min(self.block));
                }
                owner
            })
            .collect()
    }
}

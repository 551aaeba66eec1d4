//! Sector → owners: which file, directory or on-disk structure of which
//! view covers a sector, built from every view's extents and structures.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::fs::probe::View;
use crate::fs::{NodeKind, walk};

/// One owner of a sector, as `locate --json` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// `file`, `dir`, `volume_descriptor`, `path_table`, `boot_catalog`,
    /// `boot_image`, `system_area`, ...
    pub kind: &'static str,
    pub path: Option<String>,
    pub filesystem: &'static str,
    /// A structure's name ("Primary volume descriptor"); `None` for files.
    pub name: Option<String>,
}

#[derive(Clone, Debug)]
struct Span {
    start: i64,
    end: i64,
    owner: Owner,
}

/// The index: spans of sectors with their owners.
#[derive(Clone, Debug, Default)]
pub struct OwnerIndex {
    spans: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
}

fn sectors(bytes: u64, block: u64) -> i64 {
    i64::try_from(bytes.div_ceil(block.max(1))).unwrap_or(i64::MAX)
}

impl OwnerIndex {
    /// Walks every view. `block` is the bytes per sector the views' extents
    /// count in (2048 on optical media).
    pub fn build(views: &[View], block: u64) -> Result<OwnerIndex> {
        let mut index = OwnerIndex::default();
        for view in views {
            for s in view.fs.structures() {
                let exists = index.spans.iter().any(|sp| {
                    sp.start == s.lba.0
                        && sp.owner.kind == s.kind
                        && sp.owner.name.as_deref() == Some(s.name.as_str())
                });
                if exists || s.bytes == 0 {
                    continue;
                }
                index.spans.push(Span {
                    start: s.lba.0,
                    end: s.lba.0.saturating_add(sectors(s.bytes, block)),
                    owner: Owner {
                        kind: s.kind,
                        path: None,
                        filesystem: view.kind,
                        name: Some(s.name.clone()),
                    },
                });
            }
            let root = view.fs.root()?;
            let fs_kind = view.kind;
            let boot = fs_kind == "eltorito";
            let mut add = |path: &str, node: &crate::fs::Node| {
                let kind = match node.kind {
                    NodeKind::Dir => "dir",
                    _ if boot => "boot_image",
                    _ => "file",
                };
                for e in &node.extents {
                    if e.bytes == 0 {
                        continue;
                    }
                    index.spans.push(Span {
                        start: e.lba.0,
                        end: e.lba.0.saturating_add(sectors(e.bytes, block)),
                        owner: Owner {
                            kind,
                            path: Some(if path.is_empty() {
                                "/".to_owned()
                            } else {
                                path.to_owned()
                            }),
                            filesystem: fs_kind,
                            name: None,
                        },
                    });
                }
            };
            if !boot {
                add("", &root);
            }
            let walked = walk::walk(view.fs.as_ref(), &root, "", true, &mut |path, _, node| {
                add(path, node);
                Ok(())
            })?;
            index.diagnostics.extend(walked.diagnostics);
        }
        index.spans.sort_by_key(|s| s.start);
        Ok(index)
    }

    /// Adds a partition table's structures (MBR, EBRs, GPT headers and entry
    /// arrays, APM entries), whose positions count 512-byte units, to an
    /// index of `block`-byte sectors.
    pub fn add_partition_table(&mut self, structures: &[crate::fs::Structure], block: u64) {
        let block = block.max(1);
        for s in structures {
            let start_byte = u64::try_from(s.lba.0).unwrap_or(0).saturating_mul(512);
            let end_byte = start_byte.saturating_add(s.bytes.max(1));
            self.spans.push(Span {
                start: i64::try_from(start_byte / block).unwrap_or(i64::MAX),
                end: i64::try_from(end_byte.div_ceil(block)).unwrap_or(i64::MAX),
                owner: Owner {
                    kind: s.kind,
                    path: None,
                    filesystem: "partitions",
                    name: Some(s.name.clone()),
                },
            });
        }
        self.spans.sort_by_key(|s| s.start);
    }

    /// The index of every view and of the medium's partition table.
    pub fn for_medium(
        medium: &crate::medium::Medium,
        views: &[View],
        block: u64,
    ) -> Result<OwnerIndex> {
        let mut index = OwnerIndex::build(views, block)?;
        if let Ok(Some(table)) = crate::partition::probe::table_of_medium(medium) {
            index.add_partition_table(&table.structures, block);
        }
        Ok(index)
    }

    /// Every owner covering `lba`, in order of their first sector.
    pub fn owners(&self, lba: i64) -> Vec<Owner> {
        let end = self.spans.partition_point(|s| s.start <= lba);
        self.spans
            .get(..end)
            .unwrap_or_default()
            .iter()
            .filter(|s| s.end > lba)
            .map(|s| s.owner.clone())
            .collect()
    }
}

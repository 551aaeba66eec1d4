//! The volume's structures as the inspector and `locate` show them: boot
//! blocks, the master directory block or volume header and their
//! alternate copies (compared), the bitmap or allocation file, the special
//! files' areas and the B-trees' header nodes.

use crate::diagnostic::{Diagnostic, Location};
use crate::fs::hfs::btree::{self, Tree};
use crate::fs::hfs::catalog::{self};
use crate::fs::hfs::mdb::{self, Mdb};
use crate::fs::hfs::volume_header::{self, ForkData, VolumeHeader};
use crate::fs::hfs::{HfsFs, upper_first};
use crate::structure::{Kind, Structure};

impl HfsFs {
    fn tree_structures(&mut self, tree: &Tree) {
        for (i, (at, len)) in tree.fork.pieces(&self.geometry).into_iter().enumerate() {
            self.structures.push(Structure::new(
                Kind::SpecialFile,
                format!(
                    "{}{} file",
                    upper_first(tree.name),
                    if i > 0 {
                        format!(" (part {})", i + 1)
                    } else {
                        String::new()
                    }
                ),
                self.map.place(at),
                len,
            ));
        }
        if let (Some(at), Ok(node)) = (self.node_position(tree, 0), self.load(tree, 0)) {
            let mut s = Structure::new(
                Kind::BtreeNode,
                format!("{} B-tree header node", upper_first(tree.name)),
                self.map.place(at),
                u64::from(tree.node_size),
            );
            s.fields = btree::descriptor_fields(&node);
            let header = node.bytes.get(btree::DESCRIPTOR..).unwrap_or_default();
            s.fields.extend(btree::HeaderRecord::LAYOUT.fields_at(
                header,
                btree::DESCRIPTOR as u64,
                None,
            ));
            self.structures.push(s);
        }
    }

    pub(super) fn hfs_structures(&mut self, mdb: &Mdb, head: &[u8]) {
        if let Ok(boot) = self.source.read_vec(0, 1024)
            && boot.get(..2) == Some(b"LK")
        {
            self.structures
                .push(mdb::BootBlocks::LAYOUT.structure(&boot, self.map.place(0)));
        }
        self.structures
            .push(Mdb::LAYOUT.structure(head, self.map.place(mdb::OFFSET)));
        let alternate = self.alternate(
            mdb::OFFSET,
            Mdb::is_mdb,
            self.geometry.offset(self.geometry.blocks).unwrap_or(0),
        );
        match alternate {
            Some((at, bytes)) => {
                let mut s = Mdb::LAYOUT.structure(&bytes, self.map.place(at));
                s.name = "HFS alternate master directory block".to_owned();
                self.structures.push(s);
                if let Ok(alt) = Mdb::decode(&bytes) {
                    let pairs: [(&str, u64, u64); 7] = [
                        ("drCrDat", u64::from(mdb.created), u64::from(alt.created)),
                        (
                            "drAlBlkSiz",
                            u64::from(mdb.block_size),
                            u64::from(alt.block_size),
                        ),
                        ("drNmAlBlks", u64::from(mdb.blocks), u64::from(alt.blocks)),
                        (
                            "drAlBlSt",
                            u64::from(mdb.first_block),
                            u64::from(alt.first_block),
                        ),
                        (
                            "drVBMSt",
                            u64::from(mdb.bitmap_start),
                            u64::from(alt.bitmap_start),
                        ),
                        (
                            "drXTFlSize",
                            u64::from(mdb.extents_size),
                            u64::from(alt.extents_size),
                        ),
                        (
                            "drCTFlSize",
                            u64::from(mdb.catalog_size),
                            u64::from(alt.catalog_size),
                        ),
                    ];
                    self.compare_copies("master directory block", at, &pairs);
                }
            }
            None => self.opened.push(Diagnostic::warning(
                "hfs.alternate-missing",
                "no alternate master directory block 1024 bytes before the volume's end",
            )),
        }
        let bitmap = u64::from(mdb.bitmap_start) * mdb::SECTOR;
        let bytes = self.geometry.blocks.div_ceil(8).div_ceil(512) * 512;
        self.structures.push(Structure::new(
            Kind::AllocationBitmap,
            "HFS volume bitmap",
            self.map.place(bitmap),
            bytes,
        ));
        let (extents, catalog) = (self.extents.clone(), self.catalog.clone());
        self.tree_structures(&extents);
        self.tree_structures(&catalog);
    }

    pub(super) fn plus_structures(&mut self, vh: &VolumeHeader, head: &[u8]) {
        let embed = self.embed;
        self.structures.push(Structure {
            fields: VolumeHeader::fields(head),
            ..Structure::new(
                Kind::VolumeHeader,
                if self.hfsx {
                    "HFSX volume header"
                } else {
                    "HFS+ volume header"
                },
                self.map.place(embed + mdb::OFFSET),
                volume_header::SIZE as u64,
            )
        });
        let end = self.geometry.offset(self.geometry.blocks).unwrap_or(0);
        match self.alternate(embed + mdb::OFFSET, VolumeHeader::is_header, end) {
            Some((at, bytes)) => {
                self.structures.push(Structure {
                    fields: VolumeHeader::fields(&bytes),
                    ..Structure::new(
                        Kind::VolumeHeader,
                        "HFS+ alternate volume header",
                        self.map.place(at),
                        volume_header::SIZE as u64,
                    )
                });
                if let Ok(alt) = VolumeHeader::decode(&bytes) {
                    let pairs: [(&str, u64, u64); 5] = [
                        (
                            "signature",
                            u64::from(u16::from_be_bytes(vh.signature)),
                            u64::from(u16::from_be_bytes(alt.signature)),
                        ),
                        ("create date", u64::from(vh.created), u64::from(alt.created)),
                        (
                            "block size",
                            u64::from(vh.block_size),
                            u64::from(alt.block_size),
                        ),
                        (
                            "total blocks",
                            u64::from(vh.total_blocks),
                            u64::from(alt.total_blocks),
                        ),
                        (
                            "journal info block",
                            u64::from(vh.journal_block),
                            u64::from(alt.journal_block),
                        ),
                    ];
                    self.compare_copies("volume header", at, &pairs);
                    let forks_differ = volume_header::FORKS
                        .iter()
                        .filter(|(_, at)| head.get(*at..*at + 80) != bytes.get(*at..*at + 80));
                    for (name, offset) in forks_differ {
                        self.opened.push(
                            Diagnostic::warning(
                                "hfs.alternate-differs",
                                format!("the alternate volume header's {name} fork data differs from the volume header's"),
                            )
                            .at(Location::Offset(self.map.base + at + *offset as u64)),
                        );
                    }
                }
            }
            None => self.opened.push(Diagnostic::warning(
                "hfs.alternate-missing",
                "no alternate volume header 1024 bytes before the volume's end",
            )),
        }
        // The allocation file and the other special files as areas.
        for (name, at) in [
            ("allocation", 112usize),
            ("attributes", 352),
            ("startup", 432),
        ] {
            let Ok(f) = ForkData::decode(head.get(at..).unwrap_or_default()) else {
                continue;
            };
            if f.logical_size == 0 {
                continue;
            }
            let id = match name {
                "allocation" => catalog::ALLOCATION_FILE,
                "attributes" => catalog::ATTRIBUTES_FILE,
                _ => catalog::STARTUP_FILE,
            };
            let start = catalog::ForkStart {
                logical: f.logical_size,
                extents: f
                    .extents
                    .iter()
                    .map(|&(s, c)| (u64::from(s), u64::from(c)))
                    .collect(),
            };
            let fork = self.resolve_fork(id, false, &start, &format!("the {name} file"));
            if name == "attributes" {
                // A B-tree of its own: its areas and header node.
                let mut head = vec![0u8; 512];
                let read = fork.read(self.source.as_ref(), &self.geometry, 0, &mut head);
                match read.and_then(|n| {
                    Tree::new(
                        "attributes",
                        id,
                        fork.clone(),
                        head.get(..n).unwrap_or_default(),
                    )
                }) {
                    Ok(tree) => {
                        self.tree_structures(&tree);
                        continue;
                    }
                    Err(e) => self.opened.push(Diagnostic::warning(
                        "hfs.attributes",
                        format!("the attributes B-tree's header node cannot be read: {e}"),
                    )),
                }
            }
            for (i, (offset, len)) in fork.pieces(&self.geometry).into_iter().enumerate() {
                let part = if i > 0 {
                    format!(" (part {})", i + 1)
                } else {
                    String::new()
                };
                self.structures.push(Structure::new(
                    if name == "allocation" {
                        Kind::AllocationBitmap
                    } else {
                        Kind::SpecialFile
                    },
                    format!("{} file{part}", upper_first(name)),
                    self.map.place(offset),
                    len,
                ));
            }
        }
        let (extents, catalog) = (self.extents.clone(), self.catalog.clone());
        self.tree_structures(&extents);
        self.tree_structures(&catalog);
        if vh.journaled() {
            self.journal(vh);
        }
    }

    /// The alternate copy of the header at `primary`: 1024 bytes before
    /// the end of the source, or near the end of the allocation blocks
    /// (writers differ: 1024 bytes before their end, or in their last
    /// block), searched in 512-byte steps, a bounded number of reads.
    fn alternate(
        &self,
        primary: u64,
        is: fn(&[u8]) -> bool,
        blocks_end: u64,
    ) -> Option<(u64, Vec<u8>)> {
        let mut candidates = Vec::new();
        if self.embed == 0
            && let Some(at) = self.source.len().checked_sub(1024)
        {
            candidates.push(at);
        }
        let low = blocks_end.saturating_sub(2 * self.geometry.block.min(1 << 16));
        let mut at = blocks_end.saturating_add(512);
        while at >= low && at > primary && candidates.len() < 300 {
            candidates.push(at);
            at = match at.checked_sub(512) {
                Some(next) => next,
                None => break,
            };
        }
        candidates
            .into_iter()
            .filter(|&at| at != primary)
            .find_map(|at| {
                let bytes = self.source.read_vec(at, 512).ok()?;
                is(&bytes).then_some((at, bytes))
            })
    }

    fn compare_copies(&mut self, what: &str, at: u64, pairs: &[(&str, u64, u64)]) {
        for (field, primary, alternate) in pairs {
            if primary != alternate {
                self.opened.push(
                    Diagnostic::warning(
                        "hfs.alternate-differs",
                        format!(
                            "the alternate {what} at byte {:#x} says {field} {alternate}, the primary {primary}",
                            self.map.base + at
                        ),
                    )
                    .at(Location::Offset(self.map.base + at)),
                );
            }
        }
    }
}

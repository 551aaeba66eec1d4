//! Catalog nodes as the inspector shows them: the node descriptor with its
//! record offsets, then each record with its key and data fields.

use crate::fs::hfs::btree::{self, HEADER, INDEX, LEAF, Tree, TreeNode};
use crate::fs::hfs::catalog::{Key, Record};
use crate::fs::hfs::{HfsFs, text_field};
use crate::structure::{Field, Kind, Structure, Value};

/// Most nodes decoded for one block.
const MAX_NODES: u64 = 64;

/// The catalog nodes that overlap `len` bytes at medium position
/// `position`, decoded.
pub fn catalog_nodes(fs: &HfsFs, position: u64, len: u64) -> Vec<Structure> {
    let tree = &fs.catalog;
    let size = u64::from(tree.node_size);
    let mut out = Vec::new();
    let mut fork_at = 0u64;
    for (at, bytes) in tree.fork.pieces(&fs.geometry) {
        let start = fs.map.base.saturating_add(at);
        let (lo, hi) = (position.max(start), (position + len).min(start + bytes));
        if lo < hi {
            let first = (fork_at + (lo - start)) / size;
            let last = (fork_at + (hi - start) - 1) / size;
            for n in first..=last.min(first + MAX_NODES) {
                if let Ok(number) = u32::try_from(n)
                    && let Ok(node) = fs.load(tree, number)
                    && let Some(place) = fs.node_position(tree, number)
                {
                    out.extend(node_structures(
                        fs,
                        tree,
                        &node,
                        fs.map.base.saturating_add(place),
                    ));
                }
            }
        }
        fork_at += bytes;
    }
    out
}

fn node_structures(fs: &HfsFs, tree: &Tree, node: &TreeNode, at: u64) -> Vec<Structure> {
    let kind = node.descriptor.kind;
    // The header node is named as the volume's structures name it, so the
    // inspector shows it once.
    let name = if kind == HEADER && node.number == 0 {
        "Catalog B-tree header node".to_owned()
    } else {
        format!(
            "Catalog B-tree node {} ({})",
            node.number,
            btree::kind_name(kind)
        )
    };
    let mut head = Structure::new(
        Kind::BtreeNode,
        name,
        crate::structure::Place::Medium(at),
        u64::from(tree.node_size),
    );
    head.fields = btree::descriptor_fields(node);
    if kind == HEADER {
        head.fields.extend(btree::HeaderRecord::LAYOUT.fields_at(
            node.bytes.get(btree::DESCRIPTOR..).unwrap_or_default(),
            btree::DESCRIPTOR as u64,
            None,
        ));
    }
    let mut out = vec![head];
    if kind != LEAF && kind != INDEX {
        return out;
    }
    for i in 0..node.count() {
        let (Some((start, record)), Some((key, data))) =
            (node.record(i), node.split(&tree.style, i))
        else {
            continue;
        };
        let data_at = (record.len() - data.len()) as u64;
        let mut fields = Key::fields(fs.format, key);
        let what = if kind == INDEX {
            fields.push(Field::new(
                data_at,
                4,
                "child node",
                Value::Unsigned(u64::from(btree::child(data).unwrap_or(0))),
                "the node this index record points to",
                "TN1150 Index Nodes",
            ));
            "index record".to_owned()
        } else {
            fields.extend(Record::fields(fs.format, data, data_at));
            match Record::parse(fs.format, data) {
                Some(Record::Folder(_)) => "folder record",
                Some(Record::File(_)) => "file record",
                Some(Record::Thread(t)) if t.folder => "folder thread record",
                Some(Record::Thread(_)) => "file thread record",
                None => {
                    fields.push(text_field(
                        data_at,
                        data.len() as u64,
                        "data",
                        "unknown record type".to_owned(),
                        "a record this reader does not know",
                        "TN1150 Catalog File",
                    ));
                    "record"
                }
            }
            .to_owned()
        };
        let name = Key::parse(fs.format, key)
            .map(|k| format!(" {:?} in {}", k.name(fs.format), k.parent))
            .unwrap_or_default();
        out.push(Structure {
            fields,
            ..Structure::new(
                Kind::CatalogRecord,
                format!("Catalog {what}{name} (node {} record {i})", node.number),
                crate::structure::Place::Medium(at + start as u64),
                record.len() as u64,
            )
        });
    }
    out
}

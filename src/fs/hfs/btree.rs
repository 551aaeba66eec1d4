//! B*-trees: node descriptors, the header record, records inside a node,
//! and the two walks every reader needs (down the index to a key, then
//! along the leaves), bounded against loops and depth bombs.
//!
//! Sources: Inside Macintosh: Files "B*-Trees" (512-byte nodes, node
//! descriptor, header node, index and leaf nodes, record offsets at the
//! end of the node); TN1150 "B-Trees" (node sizes up to 32 KiB, the
//! header record's attributes: big keys, variable-length index keys; key
//! compare type 0xBC for binary HFSX names).

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use crate::error::Result;
use crate::fs::hfs::fork::Fork;
use crate::structure::{Be16, Be32, Be32Hex, Codec, Field, Hex8, Reserved, U8, Value, declare};

/// Node kinds.
pub const LEAF: i8 = -1;
pub const INDEX: i8 = 0;
pub const HEADER: i8 = 1;
pub const MAP: i8 = 2;
/// Bytes of a node descriptor.
pub const DESCRIPTOR: usize = 14;
/// The deepest tree walked (HFS+ trees are at most 8 levels deep in
/// practice; a deeper claim is a depth bomb).
pub const MAX_DEPTH: u16 = 16;

/// A node's kind byte (signed).
#[derive(Clone, Copy, Debug)]
pub struct NodeKindCodec;

impl Codec for NodeKindCodec {
    type Out = i8;
    const WIDTH: Option<usize> = Some(1);
    fn decode(raw: &[u8]) -> i8 {
        i8::from_be_bytes([raw.first().copied().unwrap_or(0)])
    }
    fn value(raw: &[u8]) -> Value {
        Value::Signed(i64::from(Self::decode(raw)))
    }
    fn note(raw: &[u8]) -> Option<String> {
        Some(kind_name(Self::decode(raw)).to_owned())
    }
}

/// What a node kind is called.
pub fn kind_name(kind: i8) -> &'static str {
    match kind {
        LEAF => "leaf node",
        INDEX => "index node",
        HEADER => "header node",
        MAP => "map node",
        _ => "not a node kind",
    }
}

declare! {
    /// The descriptor at the start of every node.
    pub struct NodeDescriptor = "B-tree node descriptor", BtreeNode, "TN1150 Node Structure", 14 {
        0, 4 => forward: Be32, "fLink", "next node of this kind (0 for none)";
        4, 4 => backward: Be32, "bLink", "previous node of this kind (0 for none)";
        8, 1 => kind: NodeKindCodec, "kind", "-1 leaf, 0 index, 1 header, 2 map";
        9, 1 => height: U8, "height", "level in the tree: 1 for leaves, more for index nodes, 0 for header and map nodes";
        10, 2 => records: Be16, "numRecords", "records in the node";
        12, 2 => reserved: Be16, "reserved", "zero";
    }
}

declare! {
    /// The header node's first record.
    pub struct HeaderRecord = "B-tree header record", BtreeNode, "TN1150 Header Record", 106 {
        0, 2 => depth: Be16, "treeDepth", "levels of the tree (0 when empty)";
        2, 4 => root: Be32, "rootNode", "node number of the root (0 when empty)";
        6, 4 => leaf_records: Be32, "leafRecords", "records in all leaf nodes";
        10, 4 => first_leaf: Be32, "firstLeafNode", "first leaf node";
        14, 4 => last_leaf: Be32, "lastLeafNode", "last leaf node";
        18, 2 => node_size: Be16, "nodeSize", "bytes per node (512 in HFS, 512 to 32768 in HFS+)";
        20, 2 => max_key: Be16, "maxKeyLength", "longest key, length field excluded";
        22, 4 => total_nodes: Be32, "totalNodes", "nodes in the file, used or free";
        26, 4 => free_nodes: Be32, "freeNodes", "unused nodes";
        30, 2 => reserved1: Be16, "reserved", "zero";
        32, 4 => clump: Be32, "clumpSize", "clump size of the file (HFS+; reserved in HFS)";
        36, 1 => tree_type: U8, "btreeType", "0 for HFS+ B-trees, 128 for user trees (HFS+)";
        37, 1 => compare: Hex8, "keyCompareType", "HFSX catalog: 0xCF case folding, 0xBC binary";
        38, 4 => attributes: Be32Hex, "attributes", "bit 1 big keys (16-bit key length), bit 2 variable-length index keys (HFS+)";
        42, 64 => reserved3: Reserved, "reserved", "zero";
    }
}

/// How keys are laid out in a tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyStyle {
    /// Key lengths are 16 bits (HFS+), not 8 (HFS).
    pub big: bool,
    /// Index keys take their own length, not `max_key` bytes.
    pub variable_index: bool,
    pub max_key: u16,
}

impl KeyStyle {
    /// The style a header record declares.
    pub fn of(header: &HeaderRecord) -> KeyStyle {
        KeyStyle {
            big: header.attributes & 2 != 0,
            variable_index: header.attributes & 4 != 0,
            max_key: header.max_key,
        }
    }

    fn length_field(&self) -> usize {
        if self.big { 2 } else { 1 }
    }
}

/// A B-tree file: its fork, node size and header.
#[derive(Clone, Debug)]
pub struct Tree {
    /// "catalog", "extents overflow", "attributes".
    pub name: &'static str,
    /// Its catalog node ID (3 extents, 4 catalog, 8 attributes).
    pub file_id: u32,
    pub fork: Fork,
    pub node_size: u32,
    pub header: HeaderRecord,
    pub style: KeyStyle,
    /// Nodes that exist: the header's count, clipped to the fork's size.
    pub nodes: u32,
}

impl Tree {
    /// A tree from its fork and the bytes of its header node's start.
    pub fn new(name: &'static str, file_id: u32, fork: Fork, head: &[u8]) -> Result<Tree> {
        let header = HeaderRecord::decode(head.get(DESCRIPTOR..).unwrap_or_default())?;
        let node_size = u32::from(header.node_size);
        if !(512..=32_768).contains(&node_size) || !node_size.is_power_of_two() {
            return Err(crate::error::Error::Unsupported(format!(
                "the {name} B-tree's node size {node_size} is not a power of two from 512 to 32768"
            )));
        }
        let in_fork = u32::try_from(fork.logical / u64::from(node_size)).unwrap_or(u32::MAX);
        Ok(Tree {
            name,
            file_id,
            nodes: header.total_nodes.min(in_fork),
            style: KeyStyle::of(&header),
            fork,
            node_size,
            header,
        })
    }
}

/// Something wrong in a node: which node, where in it, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub node: u32,
    /// Bytes from the node's start.
    pub offset: u32,
    pub message: String,
}

/// One node read and split into records.
#[derive(Clone, Debug)]
pub struct TreeNode {
    pub number: u32,
    pub bytes: Arc<[u8]>,
    pub descriptor: NodeDescriptor,
    /// Start of each usable record, then the end of the last.
    bounds: Vec<usize>,
    /// What was wrong with the record offsets, if anything (records from
    /// the first bad offset on are not used).
    pub problem: Option<Problem>,
}

impl TreeNode {
    /// Splits a node's bytes; offsets out of order or outside the node end
    /// the usable records.
    pub fn parse(number: u32, bytes: Arc<[u8]>) -> Result<TreeNode> {
        let descriptor = NodeDescriptor::decode(&bytes)?;
        let size = bytes.len();
        let count = usize::from(descriptor.records);
        let mut problem = None;
        let table = count.saturating_add(1).saturating_mul(2);
        let usable = if table.saturating_add(DESCRIPTOR) > size {
            problem = Some(Problem {
                node: number,
                offset: 10,
                message: format!(
                    "{count} records cannot fit a {size}-byte node with their offsets"
                ),
            });
            (size - DESCRIPTOR) / 2 - 1
        } else {
            count
        };
        let offset_at = |i: usize| -> usize {
            let at = size - 2 * (i + 1);
            usize::from(u16::from_be_bytes([
                bytes.get(at).copied().unwrap_or(0),
                bytes.get(at + 1).copied().unwrap_or(0),
            ]))
        };
        let limit = size - 2 * (usable + 1);
        let mut bounds = Vec::with_capacity(usable + 1);
        for i in 0..=usable {
            let offset = offset_at(i);
            let previous = bounds.last().copied().unwrap_or(DESCRIPTOR);
            let bad = if offset < DESCRIPTOR || offset > limit {
                Some(format!(
                    "record {i}'s offset {offset:#x} lies outside the node's records ({DESCRIPTOR:#x}..{limit:#x})"
                ))
            } else if i > 0 && offset <= previous {
                Some(format!(
                    "record {i}'s offset {offset:#x} is not after record {}'s {previous:#x}",
                    i - 1
                ))
            } else if i == 0 && offset != DESCRIPTOR {
                Some(format!(
                    "the first record starts at {offset:#x}, not right after the descriptor"
                ))
            } else {
                None
            };
            if let Some(message) = bad {
                if problem.is_none() {
                    problem = Some(Problem {
                        node: number,
                        offset: u32::try_from(size - 2 * (i + 1)).unwrap_or(u32::MAX),
                        message,
                    });
                }
                if i > 0 || offset < DESCRIPTOR || offset > limit {
                    break;
                }
            }
            bounds.push(offset);
        }
        Ok(TreeNode {
            number,
            bytes,
            descriptor,
            bounds,
            problem,
        })
    }

    /// Usable records.
    pub fn count(&self) -> usize {
        self.bounds.len().saturating_sub(1)
    }

    /// Record `i`'s bytes and its offset in the node.
    pub fn record(&self, i: usize) -> Option<(usize, &[u8])> {
        let start = *self.bounds.get(i)?;
        let end = *self.bounds.get(i + 1)?;
        Some((start, self.bytes.get(start..end)?))
    }

    /// Record `i` split into its key (length field included) and its data.
    pub fn split(&self, style: &KeyStyle, i: usize) -> Option<(&[u8], &[u8])> {
        let (_, record) = self.record(i)?;
        split(style, self.descriptor.kind == INDEX, record)
    }
}

/// A record's key (length field included) and data.
pub fn split<'a>(style: &KeyStyle, index: bool, record: &'a [u8]) -> Option<(&'a [u8], &'a [u8])> {
    let field = style.length_field();
    let len = if style.big {
        usize::from(u16::from_be_bytes([*record.first()?, *record.get(1)?]))
    } else {
        usize::from(*record.first()?)
    };
    let key_end = field.checked_add(len)?;
    let key = record.get(..key_end)?;
    let data_at = if index && !style.variable_index {
        field + usize::from(style.max_key)
    } else {
        key_end
    };
    let data_at = data_at + (data_at & 1);
    Some((key, record.get(data_at..)?))
}

/// A node's number in an index record's data.
pub fn child(data: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(..4)?.try_into().ok()?))
}

/// Reads node `n` of the tree.
pub type Load<'a> = dyn Fn(u32) -> Result<Arc<TreeNode>> + 'a;
/// Compares a record's key with the key sought (`key.cmp(sought)`).
pub type Target<'a> = dyn Fn(&[u8]) -> Ordering + 'a;
/// Called with each leaf record from the sought key on (its node, index,
/// key and data); returns whether to go on.
pub type Visit<'a> = dyn FnMut(&TreeNode, usize, &[u8], &[u8]) -> bool + 'a;

/// Goes down from the root to the leaf that holds the sought key (or
/// where it would be), then visits leaf records in key order from there.
/// Problems met on the way are pushed to `problems`; the walk stops at a
/// loop, a node outside the tree, a wrong node kind, or past the depth the
/// header declares (never more than [`MAX_DEPTH`]).
pub fn scan(
    tree: &Tree,
    load: &Load<'_>,
    target: &Target<'_>,
    visit: &mut Visit<'_>,
    problems: &mut Vec<Problem>,
) -> Result<()> {
    let Some(leaf) = descend(tree, load, target, problems)? else {
        return Ok(());
    };
    let mut number = leaf;
    let mut seen = HashSet::new();
    loop {
        if !seen.insert(number) || seen.len() > tree.nodes as usize {
            problems.push(Problem {
                node: number,
                offset: 0,
                message: format!("the leaf chain comes back to node {number} (a loop)"),
            });
            return Ok(());
        }
        if number >= tree.nodes {
            problems.push(Problem {
                node: number,
                offset: 0,
                message: format!(
                    "leaf link to node {number}, past the tree's {} nodes",
                    tree.nodes
                ),
            });
            return Ok(());
        }
        let node = load(number)?;
        if node.descriptor.kind != LEAF {
            problems.push(Problem {
                node: number,
                offset: 8,
                message: format!(
                    "a leaf link leads to a {} (kind {})",
                    kind_name(node.descriptor.kind),
                    node.descriptor.kind
                ),
            });
            return Ok(());
        }
        if let Some(p) = &node.problem {
            problems.push(p.clone());
        }
        for i in 0..node.count() {
            let Some((key, data)) = node.split(&tree.style, i) else {
                continue;
            };
            if target(key) == Ordering::Less {
                continue;
            }
            if !visit(&node, i, key, data) {
                return Ok(());
            }
        }
        number = node.descriptor.forward;
        if number == 0 {
            return Ok(());
        }
    }
}

/// The leaf where the sought key is or would be.
fn descend(
    tree: &Tree,
    load: &Load<'_>,
    target: &Target<'_>,
    problems: &mut Vec<Problem>,
) -> Result<Option<u32>> {
    let mut number = tree.header.root;
    if number == 0 || tree.header.depth == 0 {
        return Ok(None);
    }
    // A depth past any real tree's is a depth bomb: heights are then
    // not checked, and the walk goes at most MAX_DEPTH levels down.
    let trusted = tree.header.depth <= MAX_DEPTH;
    let depth = tree.header.depth.min(MAX_DEPTH);
    let mut seen = HashSet::new();
    for level in 0..depth {
        let expected = depth - level;
        if number >= tree.nodes || number == 0 {
            problems.push(Problem {
                node: number,
                offset: 0,
                message: format!(
                    "{} points to node {number}, outside the tree's {} nodes",
                    if level == 0 {
                        "the header's rootNode"
                    } else {
                        "an index record"
                    },
                    tree.nodes
                ),
            });
            return Ok(None);
        }
        if !seen.insert(number) {
            problems.push(Problem {
                node: number,
                offset: 0,
                message: format!("the index comes back to node {number} (a loop)"),
            });
            return Ok(None);
        }
        let node = load(number)?;
        if let Some(p) = &node.problem {
            problems.push(p.clone());
        }
        if trusted && u16::from(node.descriptor.height) != expected {
            problems.push(Problem {
                node: number,
                offset: 9,
                message: format!(
                    "height {} where the tree's depth puts height {expected}",
                    node.descriptor.height
                ),
            });
        }
        match node.descriptor.kind {
            LEAF => return Ok(Some(number)),
            INDEX => {
                let mut chosen = None;
                for i in 0..node.count() {
                    let Some((key, data)) = node.split(&tree.style, i) else {
                        continue;
                    };
                    if target(key) == Ordering::Greater && chosen.is_some() {
                        break;
                    }
                    chosen = child(data);
                }
                let Some(next) = chosen else {
                    problems.push(Problem {
                        node: number,
                        offset: 10,
                        message: "an index node with no usable records".to_owned(),
                    });
                    return Ok(None);
                };
                number = next;
            }
            kind => {
                problems.push(Problem {
                    node: number,
                    offset: 8,
                    message: format!(
                        "the path from the root reaches a {} (kind {kind}) at level {}",
                        kind_name(kind),
                        level + 1
                    ),
                });
                return Ok(None);
            }
        }
    }
    problems.push(Problem {
        node: number,
        offset: 9,
        message: format!(
            "no leaf after {depth} levels (the header's depth{})",
            if tree.header.depth > MAX_DEPTH {
                format!(" {} is capped at {MAX_DEPTH}", tree.header.depth)
            } else {
                String::new()
            }
        ),
    });
    Ok(None)
}

/// The fields of a node's descriptor and record offset table, placed in
/// the node.
pub fn descriptor_fields(node: &TreeNode) -> Vec<Field> {
    let mut out = NodeDescriptor::LAYOUT.fields(&node.bytes);
    let size = node.bytes.len();
    let count = usize::from(node.descriptor.records).min((size - DESCRIPTOR) / 2);
    let table = (count + 1) * 2;
    if let Some(raw) = node.bytes.get(size - table..) {
        let offsets: Vec<String> = raw
            .chunks_exact(2)
            .rev()
            .map(|c| {
                format!(
                    "{:#x}",
                    <[u8; 2]>::try_from(c).map_or(0, u16::from_be_bytes)
                )
            })
            .collect();
        out.push(Field::new(
            (size - table) as u64,
            table as u64,
            "record offsets",
            Value::Text(offsets.join(" ")),
            "where each record starts, from the node's end backwards; the last is the free space",
            "TN1150 Node Structure",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile() {
        assert!(NodeDescriptor::LAYOUT.tiling().is_exact());
        assert!(HeaderRecord::LAYOUT.tiling().is_exact());
    }

    fn node(records: &[&[u8]], size: usize) -> Vec<u8> {
        let mut b = vec![0u8; size];
        b[8] = LEAF as u8;
        b[9] = 1;
        b[10..12].copy_from_slice(&(records.len() as u16).to_be_bytes());
        let mut at = DESCRIPTOR;
        for (i, r) in records.iter().enumerate() {
            b[at..at + r.len()].copy_from_slice(r);
            b[size - 2 * (i + 1)..size - 2 * i].copy_from_slice(&(at as u16).to_be_bytes());
            at += r.len();
        }
        let i = records.len();
        b[size - 2 * (i + 1)..size - 2 * i].copy_from_slice(&(at as u16).to_be_bytes());
        b
    }

    #[test]
    fn records_split_into_keys_and_data() {
        let bytes = node(&[&[3, 0, 0, 1, 0xAA, 0xBB], &[1, 9, 0xCC, 0xDD]], 512);
        let n = TreeNode::parse(7, bytes.into()).unwrap();
        assert!(n.problem.is_none());
        assert_eq!(n.count(), 2);
        let style = KeyStyle {
            big: false,
            variable_index: false,
            max_key: 7,
        };
        assert_eq!(
            n.split(&style, 0),
            Some((&[3u8, 0, 0, 1][..], &[0xAA, 0xBB][..]))
        );
        assert_eq!(n.split(&style, 1), Some((&[1u8, 9][..], &[0xCC, 0xDD][..])));
    }

    #[test]
    fn bad_offsets_are_problems_with_their_place() {
        let mut bytes = node(&[&[1, 9, 0, 0], &[1, 9, 0, 0]], 512);
        // Record 1 starts before record 0.
        bytes[512 - 4..512 - 2].copy_from_slice(&10u16.to_be_bytes());
        let n = TreeNode::parse(3, bytes.into()).unwrap();
        // Record 0 ends where record 1 starts, which is unknown.
        assert_eq!(n.count(), 0);
        let p = n.problem.unwrap();
        assert_eq!((p.node, p.offset), (3, 508));
        let mut bytes = node(&[&[1, 9, 0, 0]], 512);
        bytes[10..12].copy_from_slice(&300u16.to_be_bytes());
        let n = TreeNode::parse(4, bytes.into()).unwrap();
        assert!(n.problem.unwrap().message.contains("cannot fit"));
    }
}

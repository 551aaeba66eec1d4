//! The extents overflow file: a fork's extents after the first three
//! (HFS) or eight (HFS+), keyed by file ID, fork type and the first
//! allocation block they map.
//!
//! Sources: Inside Macintosh: Files "Extents Overflow File" (HFS key: key
//! length 7, fork type, file number, starting block; records of three
//! extent descriptors); TN1150 "Extents Overflow File" (HFS+ key: key
//! length 10, fork type 0x00 data or 0xFF resource, pad, file ID, start
//! block; records of eight extent descriptors; keys compare by file ID,
//! fork type, then start block).

use std::cmp::Ordering;

use crate::diagnostic::Diagnostic;
use crate::fs::hfs::catalog::Edition;
use crate::fs::hfs::fork::{self, Fork};
use crate::fs::hfs::{HfsFs, MAX_OVERFLOW_RECORDS, btree, catalog};
use crate::structure::{Field, Value};

/// Fork types in extents keys.
pub const DATA: u8 = 0x00;
pub const RESOURCE: u8 = 0xFF;

/// An extents overflow key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExtentKey {
    pub file: u32,
    pub fork: u8,
    pub start: u32,
}

impl ExtentKey {
    /// Reads a key (its length field included).
    pub fn parse(format: Edition, key: &[u8]) -> Option<ExtentKey> {
        let word = |at: usize| -> Option<u32> {
            Some(u32::from_be_bytes(key.get(at..at + 4)?.try_into().ok()?))
        };
        match format {
            Edition::Hfs => Some(ExtentKey {
                fork: *key.get(1)?,
                file: word(2)?,
                start: u32::from(u16::from_be_bytes(key.get(6..8)?.try_into().ok()?)),
            }),
            Edition::Plus => Some(ExtentKey {
                fork: *key.get(2)?,
                file: word(4)?,
                start: word(8)?,
            }),
        }
    }

    /// The order of keys in the tree.
    pub fn order(&self, other: &ExtentKey) -> Ordering {
        (self.file, self.fork, self.start).cmp(&(other.file, other.fork, other.start))
    }

    /// The key's fields, placed in its record.
    pub fn fields(format: Edition, key: &[u8]) -> Vec<Field> {
        let Some(k) = ExtentKey::parse(format, key) else {
            return Vec::new();
        };
        let (source, places): (&'static str, [(u64, u64); 4]) = match format {
            Edition::Hfs => (
                "Inside Macintosh: Files 2-67",
                [(0, 1), (1, 1), (2, 4), (6, 2)],
            ),
            Edition::Plus => (
                "TN1150 Extents Overflow File",
                [(0, 2), (2, 1), (4, 4), (8, 4)],
            ),
        };
        let len = if format == Edition::Hfs {
            u64::from(key.first().copied().unwrap_or(0))
        } else {
            u64::from(u16::from_be_bytes([
                key.first().copied().unwrap_or(0),
                key.get(1).copied().unwrap_or(0),
            ]))
        };
        let [l, f, id, s] = places;
        let mut fork = Field::new(
            f.0,
            f.1,
            "forkType",
            Value::Hex(u64::from(k.fork), 2),
            "0x00 data fork, 0xFF resource fork",
            source,
        );
        fork.note = Some(fork_name(k.fork).to_owned());
        vec![
            Field::new(
                l.0,
                l.1,
                "keyLength",
                Value::Unsigned(len),
                "bytes in the key after this field",
                source,
            ),
            fork,
            Field::new(
                id.0,
                id.1,
                "fileID",
                Value::Unsigned(u64::from(k.file)),
                "the file whose extents these are",
                source,
            ),
            Field::new(
                s.0,
                s.1,
                "startBlock",
                Value::Unsigned(u64::from(k.start)),
                "the first block of the fork these extents map",
                source,
            ),
        ]
    }
}

/// What a fork type is called.
pub fn fork_name(fork: u8) -> &'static str {
    match fork {
        DATA => "data fork",
        RESOURCE => "resource fork",
        _ => "unknown fork",
    }
}

/// The extents of an overflow record's data.
pub fn record(format: Edition, data: &[u8]) -> Vec<(u64, u64)> {
    match format {
        Edition::Hfs => data
            .chunks_exact(4)
            .take(3)
            .filter_map(|c| Some((be(c.get(..2)?), be(c.get(2..)?))))
            .collect(),
        Edition::Plus => data
            .chunks_exact(8)
            .take(8)
            .filter_map(|c| Some((be(c.get(..4)?), be(c.get(4..)?))))
            .collect(),
    }
}

impl HfsFs {
    /// A fork with every extent: the first ones, then the overflow file's;
    /// extents past the volume are dropped with a finding.
    pub(super) fn resolve_fork(
        &self,
        file: u32,
        rsrc: bool,
        start: &catalog::ForkStart,
        what: &str,
    ) -> Fork {
        let mut fork = Fork::new(start.logical, start.extents.iter().copied());
        let needed = fork.blocks_needed(&self.geometry);
        if fork.blocks() < needed && file != catalog::EXTENTS_FILE {
            extents_overflow(self, file, rsrc, &mut fork, needed, what);
        }
        let blocks = self.geometry.blocks;
        let outside: Vec<fork::Run> = fork
            .runs
            .iter()
            .copied()
            .filter(|r| r.start.checked_add(r.count).is_none_or(|end| end > blocks))
            .collect();
        if !outside.is_empty() {
            let first = outside
                .first()
                .copied()
                .unwrap_or(fork::Run { start: 0, count: 0 });
            self.note(Diagnostic::error(
                "hfs.extent-outside",
                format!(
                    "{what}: an extent of {} blocks from block {} runs past the volume's {blocks} allocation blocks; the fork is cut there",
                    first.count, first.start
                ),
            ));
            let mut kept = Vec::new();
            for r in fork.runs {
                if r.start >= blocks {
                    break;
                }
                let count = r.count.min(blocks - r.start);
                kept.push(fork::Run {
                    start: r.start,
                    count,
                });
                if count < r.count {
                    break;
                }
            }
            fork.runs = kept;
        }
        if fork.blocks() < needed {
            self.note(Diagnostic::warning(
                "hfs.fork-short",
                format!(
                    "{what}: its extents hold {} allocation blocks, fewer than the {needed} its {} bytes need",
                    fork.blocks(),
                    fork.logical
                ),
            ));
        }
        fork
    }
}

/// Follows a fork's extents in the overflow file.
fn extents_overflow(fs: &HfsFs, file: u32, rsrc: bool, fork: &mut Fork, needed: u64, what: &str) {
    let fork_type = if rsrc { RESOURCE } else { DATA };
    let Ok(have) = u32::try_from(fork.blocks()) else {
        return;
    };
    let sought = ExtentKey {
        file,
        fork: fork_type,
        start: have,
    };
    let format = fs.format;
    let mut records = 0usize;
    let mut gap = None;
    let target = |key: &[u8]| {
        ExtentKey::parse(format, key).map_or(std::cmp::Ordering::Less, |k| k.order(&sought))
    };
    let mut visit = |_: &btree::TreeNode, _: usize, key: &[u8], data: &[u8]| {
        let Some(k) = ExtentKey::parse(format, key) else {
            return false;
        };
        if k.file != file || k.fork != fork_type {
            return false;
        }
        records += 1;
        let have = fork.blocks();
        if u64::from(k.start) != have {
            gap = Some((k.start, have));
            return false;
        }
        fork.extend(record(format, data));
        fork.blocks() < needed && records < MAX_OVERFLOW_RECORDS
    };
    let tree = fs.extents.clone();
    if let Err(e) = fs.scan(&tree, &target, &mut visit) {
        fs.note(Diagnostic::error(
            "hfs.extents",
            format!("{what}: the extents overflow file cannot be read: {e}"),
        ));
    }
    if let Some((start, have)) = gap {
        fs.note(Diagnostic::error(
            "hfs.extents",
            format!("{what}: the next overflow extents start at fork block {start}, not {have}"),
        ));
    }
}

/// A big-endian integer of one to eight bytes.
fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |value, &b| value << 8 | u64::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_both_formats() {
        let hfs = [7u8, 0xFF, 0, 0, 0, 20, 0, 9];
        let k = ExtentKey::parse(Edition::Hfs, &hfs).unwrap();
        assert_eq!((k.file, k.fork, k.start), (20, RESOURCE, 9));
        let plus = [0u8, 10, 0, 0, 0, 0, 0, 21, 0, 0, 1, 0];
        let k = ExtentKey::parse(Edition::Plus, &plus).unwrap();
        assert_eq!((k.file, k.fork, k.start), (21, DATA, 256));
        assert_eq!(
            record(Edition::Hfs, &[0, 5, 0, 2, 0, 0, 0, 0]),
            vec![(5, 2), (0, 0)]
        );
        assert_eq!(
            ExtentKey::fields(Edition::Plus, &plus)[1].text(),
            "0x00 (data fork)"
        );
    }
}

//! Volume descriptor sequences: reading the main and the reserve copy,
//! keeping the descriptor in force of each kind, and comparing the two.
//!
//! Sources: ECMA-167 3/8.4.2 (the sequence is read until a terminating
//! descriptor, an unrecorded block or its extent's end; a pointer
//! continues it elsewhere; of descriptors of one kind the highest
//! volume descriptor sequence number is in force), 3/8.4.2.1 (the reserve
//! sequence holds the same descriptors), OSTA UDF 2.60 §2.2.3.

use std::collections::HashSet;

use super::extent::{ExtentAd, le16, le32};
use super::tag::{self, Checked};

/// Descriptors read at most from one sequence.
const MOST: u64 = 512;
/// Pointers followed at most.
const MOST_POINTERS: usize = 16;

/// One descriptor read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadDescriptor {
    pub block: u64,
    pub bytes: Vec<u8>,
    pub checked: Checked,
}

impl ReadDescriptor {
    pub fn id(&self) -> u16 {
        self.checked.tag.id
    }

    fn sequence_number(&self) -> u32 {
        le32(&self.bytes, 16)
    }

    /// The bytes two copies of this descriptor should share: everything
    /// after the tag (whose location differs).
    fn body(&self) -> &[u8] {
        let end = match self.id() {
            tag::LOGICAL_VOLUME => 440usize.saturating_add(le32(&self.bytes, 264) as usize),
            tag::UNALLOCATED => 24usize.saturating_add(8 * le32(&self.bytes, 20) as usize),
            _ => 512,
        };
        self.bytes
            .get(16..end.min(self.bytes.len()))
            .unwrap_or_default()
    }
}

/// A sequence as read.
#[derive(Clone, Debug, Default)]
pub struct Sequence {
    pub primary: Option<ReadDescriptor>,
    pub logical: Option<ReadDescriptor>,
    pub implementation: Option<ReadDescriptor>,
    pub unallocated: Option<ReadDescriptor>,
    pub partitions: Vec<ReadDescriptor>,
    /// Every descriptor, in the order read.
    pub all: Vec<ReadDescriptor>,
    /// (block, what was wrong).
    pub problems: Vec<(u64, String)>,
    pub terminated: bool,
}

impl Sequence {
    /// Whether the sequence gives a logical volume and its partitions.
    pub fn usable(&self) -> bool {
        self.logical.is_some() && !self.partitions.is_empty()
    }

    fn keep(&mut self, found: ReadDescriptor) {
        let newer = |slot: &Option<ReadDescriptor>| {
            slot.as_ref()
                .is_none_or(|old| found.sequence_number() >= old.sequence_number())
        };
        match found.id() {
            tag::PRIMARY if newer(&self.primary) => self.primary = Some(found.clone()),
            tag::LOGICAL_VOLUME if newer(&self.logical) => self.logical = Some(found.clone()),
            tag::IMPLEMENTATION_USE if self.implementation.is_none() => {
                self.implementation = Some(found.clone())
            }
            tag::UNALLOCATED if newer(&self.unallocated) => self.unallocated = Some(found.clone()),
            tag::PARTITION => {
                let number = le16(&found.bytes, 22);
                match self
                    .partitions
                    .iter_mut()
                    .find(|p| le16(&p.bytes, 22) == number)
                {
                    Some(old) if found.sequence_number() >= old.sequence_number() => {
                        *old = found.clone()
                    }
                    Some(_) => {}
                    None => self.partitions.push(found.clone()),
                }
            }
            _ => {}
        }
        self.all.push(found);
    }
}

/// Reads a sequence from `extent`; `read` reads one block.
pub fn read(extent: ExtentAd, block_size: u64, read: &dyn Fn(u64) -> Option<Vec<u8>>) -> Sequence {
    let mut out = Sequence::default();
    let mut next = Some(extent);
    let mut seen = HashSet::new();
    let mut total = 0u64;
    'extents: while let Some(e) = next.take() {
        if !seen.insert(e.location) || seen.len() > MOST_POINTERS {
            out.problems.push((
                u64::from(e.location),
                "the volume descriptor pointers loop".to_owned(),
            ));
            break;
        }
        let blocks = u64::from(e.length).div_ceil(block_size.max(1));
        for n in 0..blocks {
            total += 1;
            if total > MOST {
                out.problems.push((
                    u64::from(e.location) + n,
                    format!("more than {MOST} descriptors; the rest were not read"),
                ));
                break 'extents;
            }
            let at = u64::from(e.location) + n;
            let Some(bytes) = read(at) else {
                out.problems
                    .push((at, "the block cannot be read".to_owned()));
                break 'extents;
            };
            if bytes.iter().all(|&b| b == 0) {
                break 'extents;
            }
            let location = u32::try_from(at).unwrap_or(u32::MAX);
            let Some(checked) = Checked::new(&bytes, location) else {
                break 'extents;
            };
            let known = matches!(checked.tag.id, 1..=8);
            if !known || !(checked.checksum_ok || checked.crc_ok == Some(true)) {
                out.problems.push((
                    at,
                    format!(
                        "no usable volume descriptor (tag identifier {}, {})",
                        checked.tag.id,
                        checked.problems(&bytes, location).join("; ")
                    ),
                ));
                continue;
            }
            if !checked.clean() {
                out.problems.push((
                    at,
                    format!(
                        "{}: {}",
                        tag::name(checked.tag.id),
                        checked.problems(&bytes, location).join("; ")
                    ),
                ));
            }
            let id = checked.tag.id;
            let found = ReadDescriptor {
                block: at,
                bytes,
                checked,
            };
            if id == tag::POINTER {
                next = Some(ExtentAd {
                    length: le32(&found.bytes, 20),
                    location: le32(&found.bytes, 24),
                });
                out.all.push(found);
                continue 'extents;
            }
            let terminating = id == tag::TERMINATING;
            out.keep(found);
            if terminating {
                out.terminated = true;
                break 'extents;
            }
        }
    }
    out
}

/// How the reserve sequence differs from the main one: one line per kind
/// of descriptor that differs or is missing from one of them.
pub fn compare(main: &Sequence, reserve: &Sequence) -> Vec<String> {
    let mut out = Vec::new();
    let pairs = [
        ("primary volume descriptor", &main.primary, &reserve.primary),
        ("logical volume descriptor", &main.logical, &reserve.logical),
        (
            "implementation use volume descriptor",
            &main.implementation,
            &reserve.implementation,
        ),
        (
            "unallocated space descriptor",
            &main.unallocated,
            &reserve.unallocated,
        ),
    ];
    for (what, m, r) in pairs {
        match (m, r) {
            (Some(m), Some(r)) if m.body() != r.body() => out.push(format!(
                "the reserve {what} (block {}) differs from the main one (block {})",
                r.block, m.block
            )),
            (Some(m), None) => out.push(format!(
                "the {what} at block {} has no copy in the reserve sequence",
                m.block
            )),
            (None, Some(r)) => out.push(format!(
                "the reserve {what} at block {} is missing from the main sequence",
                r.block
            )),
            _ => {}
        }
    }
    for m in &main.partitions {
        let number = le16(&m.bytes, 22);
        match reserve
            .partitions
            .iter()
            .find(|r| le16(&r.bytes, 22) == number)
        {
            Some(r) if r.body() != m.body() => out.push(format!(
                "the reserve partition descriptor for partition {number} (block {}) differs from the main one (block {})",
                r.block, m.block
            )),
            None => out.push(format!(
                "partition descriptor for partition {number} has no copy in the reserve sequence"
            )),
            _ => {}
        }
    }
    out
}

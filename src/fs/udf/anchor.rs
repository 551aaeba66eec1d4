//! Anchor volume descriptor pointers, and the block size they reveal.
//!
//! Sources: ECMA-167 3/10.2 (anchor: main and reserve volume descriptor
//! sequence extents), 3/8.4.2.1 (anchors at two or more of block 256,
//! N-256 and N, N the last block), OSTA UDF 2.60 §2.2.3 (block size equals
//! the sector size: 512 to 4096 on hard disks, 2048 on optical media;
//! an unclosed sequentially recorded disc may have only the one at 256).

use crate::io::ReadAt;
use crate::structure::{Place, Reserved, Structure, declare};

use super::descriptor::DescriptorTag;
use super::extent::{ExtentAd, ExtentAdCodec};
use super::tag::{self, Checked};

declare! {
    /// The anchor volume descriptor pointer.
    pub struct Avdp = "Anchor volume descriptor pointer", Anchor, "ECMA-167 3/10.2", 512 {
        0, 16 => tag: DescriptorTag, "descriptor tag", "identifier 2", "ECMA-167 3/7.2";
        16, 8 => main: ExtentAdCodec, "main volume descriptor sequence", "where the main sequence is";
        24, 8 => reserve: ExtentAdCodec, "reserve volume descriptor sequence", "where the copy of the sequence is";
        32, 480 => reserved: Reserved, "reserved", "zero";
    }
}

/// The block sizes a UDF volume may use.
pub const BLOCK_SIZES: [u64; 4] = [512, 1024, 2048, 4096];

/// One anchor found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// The block it is at.
    pub block: u64,
    pub main: ExtentAd,
    pub reserve: ExtentAd,
    pub checked: Checked,
    pub bytes: Vec<u8>,
}

/// The anchors of a volume, with the block size they were found at.
#[derive(Clone, Debug)]
pub struct Anchors {
    pub block_size: u64,
    /// Blocks in the volume (N + 1).
    pub blocks: u64,
    /// The anchors found at 256, N-256 and N (and 512, where an unclosed
    /// disc may keep its second), in that order.
    pub found: Vec<Anchor>,
    /// The places looked at that held no anchor.
    pub missing: Vec<u64>,
}

/// An anchor at block `at`, if one with a good checksum says it is there.
fn anchor_at(source: &dyn ReadAt, block_size: u64, at: u64) -> Option<Anchor> {
    let bytes = source.read_vec(at.checked_mul(block_size)?, 512).ok()?;
    let checked = Checked::new(&bytes, u32::try_from(at).ok()?)?;
    if checked.tag.id != tag::ANCHOR || !checked.checksum_ok || !checked.location_ok {
        return None;
    }
    let avdp = Avdp::decode(&bytes).ok()?;
    Some(Anchor {
        block: at,
        main: avdp.main,
        reserve: avdp.reserve,
        checked,
        bytes,
    })
}

/// The places an anchor may be in a volume of `blocks` blocks.
fn places(blocks: u64) -> Vec<u64> {
    let last = blocks.saturating_sub(1);
    let mut out = vec![256];
    for at in [last.saturating_sub(256), last] {
        if at > 256 && !out.contains(&at) {
            out.push(at);
        }
    }
    out
}

/// Finds the anchors, trying each block size (`first` first): the block
/// size is the one at which an anchor sits where it says it does.
pub fn find(source: &dyn ReadAt, first: u64) -> Option<Anchors> {
    let mut sizes = vec![first];
    sizes.extend(BLOCK_SIZES.iter().filter(|&&s| s != first));
    for block_size in sizes {
        let blocks = source.len() / block_size;
        if blocks <= 256 {
            continue;
        }
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for at in places(blocks) {
            match anchor_at(source, block_size, at) {
                Some(a) => found.push(a),
                None => missing.push(at),
            }
        }
        if found.is_empty() {
            continue;
        }
        // An unclosed disc may keep its second anchor at 512.
        if found.len() == 1
            && let Some(a) = anchor_at(source, block_size, 512)
        {
            found.push(a);
        }
        return Some(Anchors {
            block_size,
            blocks,
            found,
            missing,
        });
    }
    None
}

impl Anchor {
    /// The anchor as an annotated structure at medium position `position`.
    pub fn structure(&self, position: u64) -> Structure {
        let mut s = Structure {
            name: format!("Anchor volume descriptor pointer (block {})", self.block),
            ..Avdp::LAYOUT.structure(&self.bytes, Place::Medium(position))
        };
        super::descriptor::expand_tag(&mut s, &self.bytes, &self.checked, self.block);
        s
    }
}

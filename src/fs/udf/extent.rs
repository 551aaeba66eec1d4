//! Addresses: volume extents (extent_ad), logical block addresses
//! (lb_addr) and the short, long and extended allocation descriptors that
//! place a file's extents in a partition.
//!
//! Sources: ECMA-167 3/7.1 (extent_ad: length, location), 4/7.1 (lb_addr:
//! block, partition reference), 4/14.14.1 (short_ad), 4/14.14.2 (long_ad),
//! 4/14.14.3 (ext_ad); extent length bits 30-31 give the extent's type
//! (0 recorded and allocated, 1 allocated and not recorded, 2 neither,
//! 3 the next extent of allocation descriptors).

use crate::structure::{Codec, Value};

/// An extent of the volume: `length` bytes from block `location`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtentAd {
    pub length: u32,
    pub location: u32,
}

/// An extent_ad field (8 bytes).
#[derive(Clone, Copy, Debug)]
pub struct ExtentAdCodec;

impl Codec for ExtentAdCodec {
    type Out = ExtentAd;
    const WIDTH: Option<usize> = Some(8);
    fn decode(raw: &[u8]) -> ExtentAd {
        ExtentAd {
            length: le32(raw, 0),
            location: le32(raw, 4),
        }
    }
    fn value(raw: &[u8]) -> Value {
        let e = Self::decode(raw);
        Value::Text(format!("{} bytes at block {}", e.length, e.location))
    }
}

/// What an allocation descriptor's extent holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtentType {
    Recorded,
    /// Allocated but not recorded: reads as zeros.
    Allocated,
    /// Neither allocated nor recorded (a sparse hole): reads as zeros.
    Sparse,
    /// The next extent of allocation descriptors.
    Continuation,
}

impl ExtentType {
    pub fn of(length: u32) -> ExtentType {
        match length >> 30 {
            0 => ExtentType::Recorded,
            1 => ExtentType::Allocated,
            2 => ExtentType::Sparse,
            _ => ExtentType::Continuation,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ExtentType::Recorded => "recorded",
            ExtentType::Allocated => "allocated, not recorded",
            ExtentType::Sparse => "not allocated, not recorded",
            ExtentType::Continuation => "next allocation extent",
        }
    }
}

/// A long allocation descriptor: an extent in any partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LongAd {
    /// Length in bytes with the type in bits 30-31.
    pub length: u32,
    pub block: u32,
    pub partition: u16,
}

impl LongAd {
    pub fn parse(raw: &[u8]) -> LongAd {
        LongAd {
            length: le32(raw, 0),
            block: le32(raw, 4),
            partition: u16::from_le_bytes([
                raw.get(8).copied().unwrap_or(0),
                raw.get(9).copied().unwrap_or(0),
            ]),
        }
    }

    /// Bytes in the extent.
    pub fn bytes(&self) -> u32 {
        self.length & 0x3FFF_FFFF
    }

    pub fn extent_type(&self) -> ExtentType {
        ExtentType::of(self.length)
    }
}

/// A long_ad field (16 bytes).
#[derive(Clone, Copy, Debug)]
pub struct LongAdCodec;

impl Codec for LongAdCodec {
    type Out = LongAd;
    const WIDTH: Option<usize> = Some(16);
    fn decode(raw: &[u8]) -> LongAd {
        LongAd::parse(raw)
    }
    fn value(raw: &[u8]) -> Value {
        let l = LongAd::parse(raw);
        Value::Text(format!(
            "{} bytes at block {} of partition {}",
            l.bytes(),
            l.block,
            l.partition
        ))
    }
    fn note(raw: &[u8]) -> Option<String> {
        let l = LongAd::parse(raw);
        (l.extent_type() != ExtentType::Recorded).then(|| l.extent_type().describe().to_owned())
    }
}

/// An lb_addr field (6 bytes): a block of a partition.
#[derive(Clone, Copy, Debug)]
pub struct LbAddr;

impl Codec for LbAddr {
    type Out = (u32, u16);
    const WIDTH: Option<usize> = Some(6);
    fn decode(raw: &[u8]) -> (u32, u16) {
        (
            le32(raw, 0),
            u16::from_le_bytes([
                raw.get(4).copied().unwrap_or(0),
                raw.get(5).copied().unwrap_or(0),
            ]),
        )
    }
    fn value(raw: &[u8]) -> Value {
        let (block, partition) = Self::decode(raw);
        Value::Text(format!("block {block} of partition {partition}"))
    }
}

/// A little-endian u32 at `at`, zero past the end.
pub fn le32(raw: &[u8], at: usize) -> u32 {
    raw.get(at..at.saturating_add(4))
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// A little-endian u16 at `at`, zero past the end.
pub fn le16(raw: &[u8], at: usize) -> u16 {
    raw.get(at..at.saturating_add(2))
        .and_then(|b| b.try_into().ok())
        .map_or(0, u16::from_le_bytes)
}

/// A little-endian u64 at `at`, zero past the end.
pub fn le64(raw: &[u8], at: usize) -> u64 {
    raw.get(at..at.saturating_add(8))
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

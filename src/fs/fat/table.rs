//! The file allocation table: entries, cluster chains and the comparison of
//! the copies.
//!
//! Sources: fatgen103 §4 (FAT entry sizes: 12 bits packed in 1.5 bytes,
//! 16 bits, 28 of 32 bits; 0 free, 1 reserved, 0xFF7 / 0xFFF7 / 0x0FFFFFF7
//! bad, ≥ 0xFF8 / 0xFFF8 / 0x0FFFFFF8 end of chain; entry 1's high bits are
//! the clean-shutdown and no-I/O-error flags on FAT16 and FAT32).

use crate::budget::Held;
use crate::error::Result;
use crate::fs::fat::bpb::{Bpb, FatType};
use crate::io::ReadAt;

/// A FAT copy kept in memory when it is at most this big; bigger ones are
/// read entry by entry.
const CACHE_LIMIT: u64 = 16 << 20;

/// What one entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Next(u32),
    End,
    Free,
    Reserved,
    Bad,
}

/// Why a chain stopped before its end marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// The first cluster is 0 or 1, or past the last cluster.
    BadStart(u32),
    /// An entry points to a free cluster.
    Free { at: u32 },
    /// An entry holds the reserved value 1, or points to 0/1 or past the end.
    Invalid { at: u32, value: u32 },
    /// A cluster marked bad is part of the chain.
    Bad { at: u32 },
    /// The chain comes back to a cluster it already visited.
    Cycle { at: u32, to: u32 },
    /// Longer than the clusters the volume has (or the caller allowed).
    TooLong,
    /// The FAT could not be read there.
    Unreadable { at: u32 },
    /// The image's chain-links budget ran out (the message says where).
    Budget(String),
}

impl Break {
    pub fn describe(&self) -> String {
        match self {
            Break::BadStart(c) => format!("the first cluster {c} is not a data cluster"),
            Break::Free { at } => format!("cluster {at} is followed by a free cluster"),
            Break::Invalid { at, value } => {
                format!("cluster {at} points to invalid cluster {value}")
            }
            Break::Bad { at } => format!("the chain runs into bad cluster {at}"),
            Break::Cycle { at, to } => {
                format!("cluster {at} points back to cluster {to}: the chain is circular")
            }
            Break::TooLong => "the chain is longer than the volume has clusters".into(),
            Break::Unreadable { at } => format!("the FAT entry of cluster {at} cannot be read"),
            Break::Budget(why) => why.clone(),
        }
    }
}

/// Bytes of FAT read at once when the FAT is too big to keep whole.
const PAGE: u64 = 64 * 1024;

/// Whether a table too big to keep whole may keep one page.
#[derive(Debug)]
enum Paging {
    /// No budget applies.
    Free,
    /// Held against the image's bytes budget.
    Held(#[allow(dead_code)] Held),
    /// The budget refused: entries are read one by one.
    Refused,
}

/// FAT copy 0, kept whole or read a page at a time.
#[derive(Debug)]
pub struct AllocationTable {
    fat_type: FatType,
    offset: u64,
    bytes: u64,
    cache: Option<Vec<u8>>,
    /// The cache's bytes, held against the image's budget.
    _held: Option<Held>,
    /// The last page read, for FATs too big to keep whole.
    page: std::sync::Mutex<Option<(u64, Vec<u8>)>>,
    /// Whether the image's bytes budget lets this table keep a page.
    paging: std::sync::OnceLock<Paging>,
    /// The highest valid cluster number (clusters + 1, bounded by the FAT).
    pub max_cluster: u32,
}

impl AllocationTable {
    pub fn new(source: &dyn ReadAt, bpb: &Bpb) -> Result<AllocationTable> {
        let bytes = bpb.fat_bytes();
        let entries = match bpb.fat_type {
            FatType::Fat12 => bytes * 2 / 3,
            FatType::Fat16 => bytes / 2,
            FatType::Fat32 => bytes / 4,
        };
        let max_cluster = (bpb.clusters + 1)
            .min(entries.saturating_sub(1))
            .min(0x0FFF_FFF6);
        let available = source.len().saturating_sub(bpb.fat_offset).min(bytes);
        // Kept whole when small and the image's bytes budget allows; read a
        // page at a time otherwise.
        let held = match source.budget() {
            _ if available > CACHE_LIMIT => None,
            Some(budget) => budget
                .hold(available, || {
                    format!("a FAT of {available} bytes at byte {:#x}", bpb.fat_offset)
                })
                .map(Some),
            None => Some(None),
        };
        let cache = match held {
            Some(_) => Some(source.read_vec(bpb.fat_offset, available as usize)?),
            None => None,
        };
        Ok(AllocationTable {
            fat_type: bpb.fat_type,
            offset: bpb.fat_offset,
            bytes,
            cache,
            _held: held.flatten(),
            paging: std::sync::OnceLock::new(),
            page: std::sync::Mutex::new(None),
            max_cluster: u32::try_from(max_cluster).unwrap_or(0),
        })
    }

    /// The raw value of entry `n`.
    pub fn raw(&self, source: &dyn ReadAt, n: u32) -> Option<u32> {
        let n = u64::from(n);
        let (at, width) = match self.fat_type {
            FatType::Fat12 => (n + n / 2, 2),
            FatType::Fat16 => (n * 2, 2),
            FatType::Fat32 => (n * 4, 4),
        };
        if at + width > self.bytes {
            return None;
        }
        let mut buf = [0u8; 4];
        let window = buf.get_mut(..width as usize)?;
        match &self.cache {
            Some(cache) => window.copy_from_slice(cache.get(at as usize..(at + width) as usize)?),
            None => self.read_paged(source, at, window)?,
        }
        // Bytes past the entry's width are the zeros `buf` started with.
        let [a, b, _, _] = buf;
        let low16 = u16::from_le_bytes([a, b]);
        Some(match self.fat_type {
            FatType::Fat12 if n % 2 == 1 => u32::from(low16 >> 4),
            FatType::Fat12 => u32::from(low16 & 0x0FFF),
            FatType::Fat16 => u32::from(low16),
            FatType::Fat32 => u32::from_le_bytes(buf) & 0x0FFF_FFFF,
        })
    }

    /// Copies `window.len()` FAT bytes at `at` through the one-page cache; a
    /// FAT12 entry straddling two pages is read directly.
    fn read_paged(&self, source: &dyn ReadAt, at: u64, window: &mut [u8]) -> Option<()> {
        let paging = self.paging.get_or_init(|| match source.budget() {
            Some(budget) => budget
                .hold(PAGE, || format!("a FAT page at byte {:#x}", self.offset))
                .map_or(Paging::Refused, Paging::Held),
            None => Paging::Free,
        });
        if matches!(paging, Paging::Refused) {
            return source.read_exact_at(self.offset + at, window).ok();
        }
        let index = at / PAGE;
        let within = (at % PAGE) as usize;
        let mut page = self.page.lock().ok()?;
        if page.as_ref().is_none_or(|(i, _)| *i != index) {
            let start = self.offset + index * PAGE;
            let len = PAGE
                .min(self.bytes - index * PAGE)
                .min(source.len().saturating_sub(start));
            *page = Some((index, source.read_vec(start, len as usize).ok()?));
        }
        let bytes = &page.as_ref()?.1;
        match bytes.get(within..within + window.len()) {
            Some(src) => window.copy_from_slice(src),
            None => source.read_exact_at(self.offset + at, window).ok()?,
        }
        Some(())
    }

    /// What entry `n` means.
    pub fn link(&self, value: u32) -> Link {
        let (bad, end) = match self.fat_type {
            FatType::Fat12 => (0xFF7, 0xFF8),
            FatType::Fat16 => (0xFFF7, 0xFFF8),
            FatType::Fat32 => (0x0FFF_FFF7, 0x0FFF_FFF8),
        };
        match value {
            0 => Link::Free,
            1 => Link::Reserved,
            v if v >= end => Link::End,
            v if v == bad => Link::Bad,
            v => Link::Next(v),
        }
    }

    pub fn is_data_cluster(&self, n: u32) -> bool {
        (2..=self.max_cluster).contains(&n)
    }

    /// Whether entry 1 says the volume was not unmounted cleanly (FAT16/32).
    pub fn dirty(&self, source: &dyn ReadAt) -> bool {
        let Some(value) = self.raw(source, 1) else {
            return false;
        };
        match self.fat_type {
            FatType::Fat12 => false,
            FatType::Fat16 => value & 0x8000 == 0,
            FatType::Fat32 => value & 0x0800_0000 == 0,
        }
    }
}

/// Compares FAT copy `n` (n ≥ 1) with copy 0, in chunks. Returns the number
/// of differing bytes and the first differing byte offset within the FAT.
pub fn compare_copies(source: &dyn ReadAt, bpb: &Bpb, n: u64) -> Result<Option<(u64, u64)>> {
    const CHUNK: u64 = 64 * 1024;
    let size = bpb.fat_bytes();
    let other = bpb.fat_offset + n * size;
    if other + size > source.len() {
        return Ok(None);
    }
    let (mut differing, mut first) = (0, None);
    let mut at = 0;
    while at < size {
        let len = CHUNK.min(size - at) as usize;
        let a = source.read_vec(bpb.fat_offset + at, len)?;
        let b = source.read_vec(other + at, len)?;
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            if x != y {
                differing += 1;
                first.get_or_insert(at + i as u64);
            }
        }
        at += len as u64;
    }
    Ok(first.map(|f| (differing, f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::fat::chains::{Asker, ChainIndex};
    use crate::io::MemorySource;

    /// A FAT16 whose FAT spans three 64 KiB pages, with a chain that jumps
    /// between them; read whole and read page by page it must agree.
    #[test]
    fn paged_reads_equal_whole_reads() {
        let fat_sectors: u16 = 274;
        let mut disk = vec![0u8; (1 + usize::from(fat_sectors)) * 512];
        let b = &mut disk[..512];
        b[..3].copy_from_slice(&[0xEB, 0x3C, 0x90]);
        b[11..13].copy_from_slice(&512u16.to_le_bytes());
        b[13] = 1;
        b[14] = 1;
        b[16] = 1;
        b[17..19].copy_from_slice(&16u16.to_le_bytes());
        b[21] = 0xF8;
        b[22..24].copy_from_slice(&fat_sectors.to_le_bytes());
        b[32..36].copy_from_slice(&70_000u32.to_le_bytes());
        let bpb = crate::fs::fat::bpb::parse(&disk[..512]).unwrap();
        let links: [(u32, u16); 4] = [(2, 40_000), (40_000, 3), (3, 65_000), (65_000, 0xFFFF)];
        for (from, to) in links {
            let at = 512 + from as usize * 2;
            disk[at..at + 2].copy_from_slice(&to.to_le_bytes());
        }
        let source = MemorySource::new(disk, "fat16");
        let whole = AllocationTable::new(&source, &bpb).unwrap();
        assert!(whole.cache.is_some());
        let mut paged = AllocationTable::new(&source, &bpb).unwrap();
        paged.cache = None;
        let asker = Asker { id: 1, name: "A" };
        let a = ChainIndex::default().chain(&whole, &source, 2, &asker);
        let b = ChainIndex::default().chain(&paged, &source, 2, &asker);
        assert_eq!(a, b);
        assert_eq!(a.clusters().collect::<Vec<_>>(), [2, 40_000, 3, 65_000]);
        assert!(a.broken.is_none());
    }
}

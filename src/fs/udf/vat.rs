//! The virtual allocation table of an incrementally written disc (CD-R,
//! DVD-R): where each virtual block was last written.
//!
//! Sources: OSTA UDF 2.60 §2.2.11 (the VAT ICB is the last recorded block;
//! UDF 2.00 and later: file type 248 and a header with the logical volume
//! identifier, previous VAT ICB, file and directory counts and revisions,
//! then 32-bit entries; UDF 1.50: file type 0, entries then the regid
//! "*UDF Virtual Alloc Tbl" and the previous VAT ICB location), §2.2.8.

use crate::structure::{Bytes, Field, Le16, Le16Hex, Le32, Place, Structure, Value, declare};

use super::allocation;
use super::data::{self, Blocks};
use super::extent::{le16, le32};
use super::icb::{self, Entry};
use super::name::Dstring;
use super::partition::Partitions;
use super::tag::{self, Checked};

declare! {
    /// The header of a UDF 2.00+ virtual allocation table.
    pub struct VatHeader = "Virtual allocation table header", Vat, "UDF 2.60 §2.2.11", 152 {
        0, 2 => header_length: Le16, "length of header", "bytes before the first entry";
        2, 2 => iu_length: Le16, "length of implementation use", "";
        4, 128 => logical_volume_id: Dstring, "logical volume identifier", "replaces the LVD's on this disc";
        132, 4 => previous: Le32, "previous VAT ICB location", "the VAT written before this one (0xFFFFFFFF: none)";
        136, 4 => files: Le32, "number of files", "";
        140, 4 => directories: Le32, "number of directories", "";
        144, 2 => min_read: Le16Hex, "minimum UDF read revision", "";
        146, 2 => min_write: Le16Hex, "minimum UDF write revision", "";
        148, 2 => max_write: Le16Hex, "maximum UDF write revision", "";
        150, 2 => reserved: Bytes, "reserved", "zero";
    }
}

/// Blocks searched back from the last recorded block for the VAT ICB.
const SEARCH: u64 = 512;
/// Unrecorded (all-zero) blocks skipped at the end of an image at most: an
/// image of a disc may be longer than what was written on it.
const ZERO_TAIL: u64 = 16_384;
/// Entries kept at most (16 MiB).
pub const MAX_ENTRIES: usize = 1 << 22;
/// Earlier VAT generations followed at most.
const MOST_GENERATIONS: usize = 64;

/// A virtual allocation table as found.
#[derive(Clone, Debug, Default)]
pub struct Vat {
    pub entries: Vec<u32>,
    /// UDF 2.00+ header values, when the table has one.
    pub label: Option<String>,
    pub files: Option<u32>,
    pub directories: Option<u32>,
    pub revisions: Option<(u16, u16, u16)>,
    /// 150 for a UDF 1.50 table, 200 for 2.00 and later.
    pub form: u16,
    pub structures: Vec<Structure>,
    /// (volume block, what was wrong).
    pub problems: Vec<(u64, String)>,
    /// Physical blocks of the earlier VAT ICBs, newest first.
    pub generations: Vec<u64>,
}

/// Whether `bytes` hold a VAT ICB (file type 248, or 0 for UDF 1.50).
fn vat_entry(bytes: Vec<u8>) -> Option<Entry> {
    let checked = Checked::new(&bytes, 0)?;
    if !(checked.is(tag::FILE_ENTRY) || checked.is(tag::EXTENDED_FILE_ENTRY)) {
        return None;
    }
    let entry = Entry::parse(bytes)?;
    matches!(entry.file_type, icb::TYPE_VAT | 0).then_some(entry)
}

/// Finds and reads the VAT: the newest VAT ICB at or before the last block
/// of the volume, in the physical partition at map index `physical`.
pub fn find(blocks: &Blocks, parts: &Partitions, physical: usize) -> Option<Vat> {
    let map = parts.maps.get(physical)?;
    let mut last = blocks.count.checked_sub(1)?;
    let stop = last.saturating_sub(ZERO_TAIL).max(map.start);
    while last > stop && blocks.read(last).is_some_and(|b| b.iter().all(|&x| x == 0)) {
        last -= 1;
    }
    let floor = last.saturating_sub(SEARCH).max(map.start);
    let mut at = last;
    while at >= floor {
        if let Some(entry) = blocks.read(at).and_then(vat_entry)
            && let Some(vat) = read(blocks, parts, physical, entry, at)
        {
            return Some(vat);
        }
        at = at.checked_sub(1)?;
    }
    None
}

fn read(
    blocks: &Blocks,
    parts: &Partitions,
    physical: usize,
    entry: Entry,
    at: u64,
) -> Option<Vat> {
    let map = parts.maps.get(physical)?;
    let own = u16::try_from(physical).ok()?;
    let lbn = u32::try_from(at.checked_sub(map.start)?).ok()?;
    let read_aed = |p: u16, b: u32| {
        parts
            .resolve(p, u64::from(b))
            .ok()
            .and_then(|a| blocks.read(a))
    };
    let alloc = allocation::decode(
        &entry.bytes,
        entry.ad.clone(),
        entry.ad_type(),
        own,
        &read_aed,
    );
    let limit = (MAX_ENTRIES as u64) * 4 + 4096;
    let d = data::read_all(
        blocks,
        parts,
        &entry,
        &alloc,
        blocks.position(at),
        lbn,
        limit,
    );
    let bytes = &d.bytes;
    let mut vat = Vat::default();
    let position = d.spans.first().map_or(blocks.position(at), |s| s.position);
    vat.structures.push(entry.structure(
        "VAT ICB (file entry of the virtual allocation table)".to_owned(),
        blocks.position(at),
        lbn,
    ));
    for p in d.problems.iter().chain(alloc.problems.iter()) {
        vat.problems.push((at, format!("VAT: {p}")));
    }
    let (entries, previous) = if entry.file_type == icb::TYPE_VAT {
        vat.form = 200;
        let header = usize::from(le16(bytes, 0));
        if header < 152 || header > bytes.len() {
            vat.problems
                .push((at, format!("VAT header length {header} is impossible")));
            return None;
        }
        let h = VatHeader::decode(bytes).ok()?;
        vat.label = Some(h.logical_volume_id);
        vat.files = Some(h.files);
        vat.directories = Some(h.directories);
        vat.revisions = Some((h.min_read, h.min_write, h.max_write));
        let mut st = VatHeader::LAYOUT.structure(bytes, Place::Medium(position));
        st.name = "Virtual allocation table".to_owned();
        st.length = bytes.len() as u64;
        entry_fields(&mut st, bytes, header);
        vat.structures.push(st);
        (bytes.get(header..).unwrap_or_default(), h.previous)
    } else {
        // UDF 1.50: entries, then the regid and the previous location.
        let tail_at = bytes.len().checked_sub(36)?;
        let id =
            super::regid::EntityId::parse(bytes.get(tail_at..tail_at + 32).unwrap_or_default());
        if id.identifier != "*UDF Virtual Alloc Tbl" {
            return None;
        }
        vat.form = 150;
        let mut st = Structure::new(
            crate::structure::Kind::Vat,
            "Virtual allocation table (UDF 1.50)",
            Place::Medium(position),
            bytes.len() as u64,
        );
        entry_fields(&mut st, bytes.get(..tail_at).unwrap_or_default(), 0);
        st.push(Field::new(
            tail_at as u64,
            32,
            "entity identifier",
            Value::Text(id.identifier),
            "*UDF Virtual Alloc Tbl",
            "UDF 1.50 §2.2.10",
        ));
        st.push(Field::new(
            tail_at as u64 + 32,
            4,
            "previous VAT ICB location",
            Value::Unsigned(u64::from(le32(bytes, tail_at + 32))),
            "the VAT written before this one",
            "UDF 1.50 §2.2.10",
        ));
        vat.structures.push(st);
        (
            bytes.get(..tail_at).unwrap_or_default(),
            le32(bytes, tail_at + 32),
        )
    };
    if entries.len() % 4 != 0 {
        vat.problems.push((
            at,
            "the VAT's entries are not a whole number of 32-bit words".to_owned(),
        ));
    }
    let count = entries.len() / 4;
    if count as u64 > map.length {
        vat.problems.push((
            at,
            format!(
                "the VAT has {count} entries, more than the {} blocks of its partition",
                map.length
            ),
        ));
    }
    vat.entries = entries
        .chunks_exact(4)
        .take(MAX_ENTRIES)
        .map(|c| le32(c, 0))
        .collect();
    // Earlier generations, by their previous-VAT pointers.
    let mut previous = previous;
    let mut seen = std::collections::HashSet::new();
    while previous != u32::MAX && vat.generations.len() < MOST_GENERATIONS {
        let block = map.start + u64::from(previous);
        if !seen.insert(block) || block >= at {
            break;
        }
        let Some(old) = blocks.read(block).and_then(vat_entry) else {
            vat.problems.push((
                block,
                format!("the previous VAT ICB at block {previous} of the partition is not a VAT file entry"),
            ));
            break;
        };
        vat.structures.push(old.structure(
            format!("Earlier VAT ICB (generation {})", vat.generations.len() + 1),
            blocks.position(block),
            previous,
        ));
        vat.generations.push(block);
        // Follow only UDF 2.00 headers (1.50 tables keep the pointer at the end).
        let od = old.clone();
        let alloc = allocation::decode(&od.bytes, od.ad.clone(), od.ad_type(), own, &read_aed);
        let bytes = data::read_all(blocks, parts, &od, &alloc, 0, 0, 4096).bytes;
        previous = if old.file_type == icb::TYPE_VAT {
            le32(&bytes, 132)
        } else {
            u32::MAX
        };
    }
    Some(vat)
}

/// A field per VAT entry (the first 4096).
fn entry_fields(s: &mut Structure, bytes: &[u8], from: usize) {
    let entries = bytes.get(from..).unwrap_or_default();
    for (i, c) in entries.chunks_exact(4).enumerate().take(4096) {
        let v = le32(c, 0);
        let mut f = Field::new(
            (from + 4 * i) as u64,
            4,
            format!("entry {i}"),
            Value::Unsigned(u64::from(v)),
            "the physical block holding virtual block n",
            "UDF 2.60 §2.2.11",
        );
        if v == u32::MAX {
            f.note = Some("unused".to_owned());
        }
        s.push(f);
    }
}

//! Partition tables: MBR (with extended chains), GPT (with protective and
//! hybrid MBRs) and the Apple Partition Map. The same code reads a disk
//! image's first sectors and an ISO's system area (isohybrid).
//!
//! A table is read from any [`ReadAt`]; positions are byte offsets and
//! sector numbers in the table's own units, so the caller can map them to
//! the medium (the survey does).

mod apm;
mod gpt;
mod mbr;
mod names;

use crate::diagnostic::Diagnostic;
use crate::error::Result;
use crate::io::ReadAt;
use crate::structure::Structure;

pub use mbr::{BootSignature, signed, spanned_sectors};
pub use names::{apm_type_name, gpt_type_name, mbr_type_name};

/// Which kind of table described a partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    Mbr,
    Gpt,
    Apm,
}

impl Scheme {
    /// The name used in `info --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Mbr => "mbr",
            Scheme::Gpt => "gpt",
            Scheme::Apm => "apm",
        }
    }
}

/// One partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The number the OS gives it: MBR slot 1–4 and logical 5.., GPT entry
    /// number, APM map entry number.
    pub index: u32,
    pub scheme: Scheme,
    /// `0x0c`, a GUID in upper case, or the APM type string.
    pub type_code: String,
    /// A human name for the type, when known.
    pub type_name: Option<&'static str>,
    /// The GPT or APM name.
    pub name: Option<String>,
    /// First sector, in units of `sector_size`.
    pub start: u64,
    /// Sectors.
    pub length: u64,
    pub sector_size: u64,
    pub bootable: bool,
    /// The GPT unique partition GUID.
    pub guid: Option<String>,
    /// An MBR logical partition (inside an extended partition).
    pub logical: bool,
    /// An MBR extended partition (a container, holding no filesystem).
    pub container: bool,
}

impl Partition {
    /// Byte offset of the first sector.
    pub fn byte_start(&self) -> Option<u64> {
        self.start.checked_mul(self.sector_size)
    }

    /// Size in bytes.
    pub fn byte_len(&self) -> Option<u64> {
        self.length.checked_mul(self.sector_size)
    }

    /// The type as `info --json` shows it.
    pub fn type_text(&self) -> String {
        self.type_code.clone()
    }
}

/// A partition table as read.
#[derive(Clone, Debug, Default)]
pub struct PartitionTable {
    pub partitions: Vec<Partition>,
    /// A second table's partitions on the same disk: a hybrid MBR's entries
    /// beside a GPT, an Apple Partition Map beside an MBR (isohybrid), or a
    /// GPT that an MBR without a protective entry overrules.
    pub hybrid: Vec<Partition>,
    pub disk_guid: Option<String>,
    /// The tables' sectors, placed at byte offsets of the source.
    pub structures: Vec<Structure>,
    pub diagnostics: Vec<Diagnostic>,
}

impl PartitionTable {
    /// The scheme of the main table (GPT over its protective MBR).
    pub fn scheme(&self) -> Option<Scheme> {
        self.partitions.first().map(|p| p.scheme)
    }
}

/// Reads whichever table the source carries, as a PC and Linux choose: a
/// GPT behind a protective MBR (or with no MBR at all), else an MBR (an
/// Apple Partition Map or a GPT beside it kept as the second table), else
/// an Apple Partition Map. `None` when there is none.
pub fn read(source: &dyn ReadAt) -> Result<Option<PartitionTable>> {
    let mbr = mbr::read(source)?.filter(|t| !t.partitions.is_empty());
    if let Some(gpt) = gpt::read(source)? {
        return Ok(Some(match mbr {
            Some(mbr)
                if !mbr
                    .partitions
                    .iter()
                    .any(|p| p.type_code == gpt::PROTECTIVE) =>
            {
                overruled(mbr, gpt)
            }
            mbr => gpt::protected(gpt, mbr.as_ref()),
        }));
    }
    match (apm::read(source)?, mbr) {
        // A PC reads the MBR; the APM is for Macs: keep both, MBR first.
        (Some(apm), Some(mut mbr)) => {
            mbr.diagnostics.push(Diagnostic::info(
                "partition.apm-beside-mbr",
                format!(
                    "an Apple Partition Map with {} entries sits beside the MBR",
                    apm.partitions.len()
                ),
            ));
            mbr.diagnostics.extend(apm.diagnostics);
            mbr.structures.extend(apm.structures);
            mbr.hybrid = apm.partitions;
            Ok(Some(mbr))
        }
        (Some(apm), None) => Ok(Some(apm)),
        (None, mbr) => Ok(mbr),
    }
}

/// An MBR with partitions and no 0xEE entry in front of a GPT: the MBR
/// is the table (UEFI 2.10 §5.2.3 makes a GPT valid only behind a
/// protective MBR, and Linux, fdisk and mmls read the MBR); the GPT's
/// partitions are kept as the second table, its structures and findings
/// shown.
fn overruled(mut mbr: PartitionTable, gpt: PartitionTable) -> PartitionTable {
    let listed: Vec<String> = gpt
        .partitions
        .iter()
        .map(|p| {
            format!(
                "{} at {}+{}{}",
                p.index,
                p.start,
                p.length,
                p.name
                    .as_deref()
                    .map(|n| format!(" \"{n}\""))
                    .unwrap_or_default()
            )
        })
        .collect();
    mbr.diagnostics.push(Diagnostic::info(
        "partition.gpt-beside-mbr",
        format!(
            "a GPT sits behind an MBR with no 0xEE protective entry: the MBR is the table, as PCs, Linux and fdisk read it; the GPT's {} partitions are the second table ({})",
            gpt.partitions.len(),
            listed.join(", ")
        ),
    ));
    mbr.diagnostics.extend(gpt.diagnostics);
    mbr.structures.extend(gpt.structures);
    mbr.hybrid = gpt.partitions;
    mbr
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::guid_text;

    #[test]
    fn type_names_read_the_mixed_endian_guid() {
        let esp = [
            0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E,
            0xC9, 0x3B,
        ];
        assert_eq!(gpt_type_name(&guid_text(&esp)), Some("EFI System"));
    }
}

//! The raw TOC entries of a `.ccd`, decoded.

use crate::container::ccd::sections::{DiscKeys, EntryKeys};
use crate::container::ccd::sheet::CcdFile;
use crate::diagnostic::Diagnostic;
use crate::units::{Lba, MSF_LBA_OFFSET};

/// Addresses a `.ccd` may name: beyond these no disc exists, and bounding
/// them keeps every later sum far from overflow.
pub const LBA_RANGE: std::ops::RangeInclusive<i64> = -1_000_000..=100_000_000;

/// One `[Entry N]`: a lead-in Q frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocEntry {
    pub index: u32,
    pub session: u8,
    pub point: u8,
    pub adr: u8,
    pub control: u8,
    pub track_no: u8,
    /// The lead-in's running time (AMIN/ASEC/AFRAME) and its LBA.
    pub a_msf: (u8, u8, u8),
    pub a_lba: i64,
    pub zero: u8,
    pub p_msf: (u8, u8, u8),
    pub p_lba: i64,
}

impl TocEntry {
    /// What POINT means (ECMA-130 §22.3.4.2).
    pub fn meaning(&self) -> String {
        match self.point {
            1..=99 => format!(
                "track {} starts at {}:{:02}:{:02}",
                self.point, self.p_msf.0, self.p_msf.1, self.p_msf.2
            ),
            0xA0 => format!(
                "first track {}, disc type {:#04x}",
                self.p_msf.0, self.p_msf.1
            ),
            0xA1 => format!("last track {}", self.p_msf.0),
            0xA2 => format!(
                "lead-out at {}:{:02}:{:02}",
                self.p_msf.0, self.p_msf.1, self.p_msf.2
            ),
            0xB0 => format!(
                "next program area at {}:{:02}:{:02}",
                self.a_msf.0, self.a_msf.1, self.a_msf.2
            ),
            0xC0 => "start of the first lead-in (multisession)".into(),
            p => format!("point {p:#04x}"),
        }
    }

    /// The LBA the P time names (MSF − 150).
    pub fn p_time_lba(&self) -> i64 {
        (i64::from(self.p_msf.0) * 60 + i64::from(self.p_msf.1)) * 75 + i64::from(self.p_msf.2)
            - MSF_LBA_OFFSET
    }
}

/// All entries, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Toc {
    pub entries: Vec<TocEntry>,
}

impl Toc {
    pub fn from_sheet(sheet: &CcdFile, diagnostics: &mut Vec<Diagnostic>) -> Toc {
        let mut toc = Toc::default();
        for section in EntryKeys::SPEC.each(sheet) {
            let index = EntryKeys::SPEC.number(section).unwrap_or(0);
            let keys = EntryKeys::read(section);
            let Some(point) = keys.point else {
                diagnostics.push(
                    Diagnostic::warning(
                        "ccd.entry",
                        format!("[{}] has no usable Point", section.name),
                    )
                    .at_sheet(section.line, 1),
                );
                continue;
            };
            let byte = |value: Option<u8>| value.unwrap_or(0);
            let entry = TocEntry {
                index,
                session: byte(keys.session),
                point,
                adr: byte(keys.adr),
                control: byte(keys.control),
                track_no: byte(keys.track_no),
                a_msf: (byte(keys.a_min), byte(keys.a_sec), byte(keys.a_frame)),
                a_lba: keys.a_lba.unwrap_or(0),
                zero: byte(keys.zero),
                p_msf: (byte(keys.p_min), byte(keys.p_sec), byte(keys.p_frame)),
                // An unreadable PLBA reads as 0, and then disagrees with
                // the P time below.
                p_lba: keys.p_lba.flatten().unwrap_or(0),
            };
            if matches!(point, 1..=99 | 0xA2) && !LBA_RANGE.contains(&entry.p_lba) {
                diagnostics.push(
                    Diagnostic::error(
                        "ccd.plba-range",
                        format!(
                            "[{}] PLBA={} is not an address on any disc; entry ignored",
                            section.name, entry.p_lba
                        ),
                    )
                    .at_sheet(section.line, 1),
                );
                continue;
            }
            if matches!(point, 1..=99 | 0xA2)
                && entry.p_time_lba() != entry.p_lba
                && keys.p_lba.is_some()
            {
                diagnostics.push(
                    Diagnostic::warning(
                        "ccd.plba-mismatch",
                        format!(
                            "[{}] PMin/PSec/PFrame give LBA {} but PLBA={}",
                            section.name,
                            entry.p_time_lba(),
                            entry.p_lba
                        ),
                    )
                    .at_sheet(section.line, 1),
                );
            }
            toc.entries.push(entry);
        }
        let declared = DiscKeys::find(sheet, None).toc_entries;
        if declared.is_some_and(|d| d != toc.entries.len() as i64) {
            diagnostics.push(Diagnostic::warning(
                "ccd.toc-entries",
                format!(
                    "[Disc] TocEntries={} but {} entries are present",
                    declared.unwrap_or(0),
                    toc.entries.len()
                ),
            ));
        }
        toc
    }

    /// (track number, session, control, start) for POINT 01..99, by number.
    pub fn track_starts(&self) -> Vec<(u8, u8, u8, Lba)> {
        let mut out: Vec<(u8, u8, u8, Lba)> = self
            .entries
            .iter()
            .filter(|e| (1..=99).contains(&e.point) && e.adr == 1)
            .map(|e| (e.point, e.session.max(1), e.control, Lba(e.p_lba)))
            .collect();
        out.sort_by_key(|t| t.0);
        out.dedup_by_key(|t| t.0);
        out
    }

    /// The lead-out of a session (POINT A2).
    pub fn leadout(&self, session: u8) -> Option<Lba> {
        self.entries
            .iter()
            .find(|e| e.point == 0xA2 && e.session.max(1) == session)
            .map(|e| Lba(e.p_lba))
    }
}

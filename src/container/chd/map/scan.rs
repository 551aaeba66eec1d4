//! One pass over every entry of a CHD map: how many hunks of each kind,
//! and what is wrong with the entries (each kind of finding listed up to
//! [`LISTED`] times, then counted).

use super::{HunkStorage, MapEntry, Site};
use crate::container::chd::header::ChdHeader;
use crate::diagnostic::{Diagnostic, Location};

/// Findings listed per kind; the count stays exact past it.
const LISTED: u64 = 32;

/// Tallies and findings of one pass over every entry.
pub(super) struct Scan<'a> {
    header: &'a ChdHeader,
    file_len: u64,
    has_parent: bool,
    counts: Vec<(HunkStorage, u64)>,
    pub(super) findings: Vec<Diagnostic>,
    past_end: u64,
    forward: u64,
    orphans: u64,
    empty_slot: u64,
    invalid: u64,
}

impl<'a> Scan<'a> {
    pub(super) fn new(header: &'a ChdHeader, file_len: u64, has_parent: bool) -> Scan<'a> {
        Scan {
            header,
            file_len,
            has_parent,
            counts: Vec::new(),
            findings: Vec::new(),
            past_end: 0,
            forward: 0,
            orphans: 0,
            empty_slot: 0,
            invalid: 0,
        }
    }

    fn count(&mut self, kind: HunkStorage) {
        match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((kind, 1)),
        }
    }

    fn note(&mut self, which: fn(&mut Self) -> &mut u64, finding: impl FnOnce() -> Diagnostic) {
        let n = which(self);
        *n += 1;
        if *n <= LISTED {
            let d = finding();
            self.findings.push(d);
        }
    }

    pub(super) fn check(&mut self, hunk: u32, entry: &MapEntry) {
        self.count(entry.kind);
        let at = match entry.site {
            Site::Bytes(at) => at,
            Site::Bits { start, .. } => start / 8,
        };
        match entry.kind {
            HunkStorage::Codec(_) | HunkStorage::Uncompressed => {
                let end = entry.offset.saturating_add(u64::from(entry.length));
                if end > self.file_len {
                    let (offset, length, file_len) = (entry.offset, entry.length, self.file_len);
                    self.note(
                        |s| &mut s.past_end,
                        || {
                            Diagnostic::error(
                                "chd.hunk-past-end",
                                format!(
                                    "hunk {hunk}: the map puts its {length} bytes at {offset:#x}, past the end of the {file_len}-byte file"
                                ),
                            )
                            .at(Location::Offset(at))
                        },
                    );
                }
                if let HunkStorage::Codec(slot) = entry.kind
                    && self
                        .header
                        .codecs
                        .get(usize::from(slot))
                        .copied()
                        .unwrap_or(0)
                        == 0
                {
                    self.note(
                        |s| &mut s.empty_slot,
                        || {
                            Diagnostic::error(
                                "chd.codec-slot",
                                format!(
                                    "hunk {hunk}: compressor slot {slot} is empty in the header"
                                ),
                            )
                            .at(Location::Offset(at))
                        },
                    );
                }
            }
            HunkStorage::SelfRef if entry.offset >= u64::from(hunk) => {
                let target = entry.offset;
                self.note(
                    |s| &mut s.forward,
                    || {
                        Diagnostic::error(
                            "chd.self-reference",
                            format!(
                                "hunk {hunk} is a copy of hunk {target}, which is not an earlier hunk"
                            ),
                        )
                        .at(Location::Offset(at))
                    },
                );
            }
            HunkStorage::ParentRef if !self.has_parent => {
                self.note(
                    |s| &mut s.orphans,
                    || {
                        Diagnostic::error(
                            "chd.parent-reference",
                            format!(
                                "hunk {hunk} is copied from a parent, but the header names none"
                            ),
                        )
                        .at(Location::Offset(at))
                    },
                );
            }
            HunkStorage::Invalid(t) => {
                self.note(
                    |s| &mut s.invalid,
                    || {
                        Diagnostic::error(
                            "chd.hunk-type",
                            format!(
                                "hunk {hunk}: map entry type {t} is not one the format defines"
                            ),
                        )
                        .at(Location::Offset(at))
                    },
                );
            }
            _ => {}
        }
    }

    /// Summaries of what went past the listed findings.
    pub(super) fn finish(mut self) -> (Vec<(HunkStorage, u64)>, Vec<Diagnostic>) {
        for (count, what) in [
            (self.past_end, "hunks past the end of the file"),
            (self.forward, "copies of hunks that are not earlier"),
            (self.orphans, "copies from a missing parent"),
            (self.empty_slot, "hunks naming an empty compressor slot"),
            (self.invalid, "entries of undefined types"),
        ] {
            if count > LISTED {
                self.findings.push(Diagnostic::error(
                    "chd.map-summary",
                    format!("{count} {what} in all (the first {LISTED} are listed)"),
                ));
            }
        }
        (self.counts, self.findings)
    }
}

//! The System Use Sharing Protocol: entries in a record's system use area
//! and in its continuation areas.
//!
// Sources: IEEE P1281 (SUSP 1.12) §4 (entry layout), §5.1 (CE), §5.3 (SP),
// §5.4 (ST), §5.5 (ER), §5.6 (ES), §5.2 (PD).

use crate::diagnostic::{Diagnostic, Location};
use crate::io::ReadAt;
use crate::units::Lba;

use super::dirent::both32;

/// Continuation areas one record may chain (RELIABILITY.md).
pub const MAX_CE: usize = 32;
const BLOCK: u64 = 2048;

/// One SUSP entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub signature: [u8; 2],
    pub version: u8,
    /// The whole entry, header included, so offsets match the spec tables.
    pub bytes: Vec<u8>,
}

impl Entry {
    pub fn is(&self, sig: &[u8; 2]) -> bool {
        &self.signature == sig
    }
}

/// The SP entry of a root `.` record: SUSP is in use, and records skip
/// `skip` bytes of their system use area before the first entry.
pub fn sp_skip(system_use: &[u8]) -> Option<usize> {
    let sp = system_use.get(..7)?;
    let skip = usize::from(*sp.get(6)?);
    (sp.get(..2)? == b"SP" && sp.get(4..6)? == [0xBE, 0xEF]).then_some(skip)
}

/// The SP entry at offset 0, or after a 14-byte CD-ROM XA block.
pub fn find_sp(system_use: &[u8]) -> Option<usize> {
    sp_skip(system_use).or_else(|| {
        system_use
            .get(super::dirent::Xa::LEN..)
            .and_then(sp_skip)
            .map(|skip| skip.max(super::dirent::Xa::LEN))
    })
}

/// Splits one area into entries, handing each (header included) to `f`;
/// returns the continuation it names.
fn split(area: &[u8], f: &mut dyn FnMut(&[u8])) -> Option<(u32, u32, u32)> {
    let mut pos = 0usize;
    let mut next = None;
    while pos + 4 <= area.len() {
        let len = usize::from(area.get(pos + 2).copied().unwrap_or(0));
        if len < 4 || pos + len > area.len() {
            break;
        }
        let bytes = area.get(pos..pos + len).unwrap_or_default();
        pos += len;
        match bytes.get(..2) {
            Some(b"ST") => break,
            Some(b"CE") => {
                if let (Some((block, _)), Some((offset, _)), Some((length, _))) =
                    (both32(bytes, 4), both32(bytes, 12), both32(bytes, 20))
                {
                    next = Some((block, offset, length));
                }
            }
            Some(b"PD") => {}
            _ => f(bytes),
        }
    }
    next
}

/// Every entry of a record's system use area `su` (already past the skip
/// bytes), following continuation areas within the limits.
pub fn entries(su: &[u8], reader: &dyn ReadAt, at: Lba, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let mut out = Vec::new();
    for_each(su, reader, at, diags, &mut |bytes| {
        out.push(Entry {
            signature: [
                bytes.first().copied().unwrap_or(0),
                bytes.get(1).copied().unwrap_or(0),
            ],
            version: bytes.get(3).copied().unwrap_or(0),
            bytes: bytes.to_vec(),
        });
    });
    out
}

/// Hands every entry of `su` and of its continuation areas to `f` without
/// copying them.
pub fn for_each(
    su: &[u8],
    reader: &dyn ReadAt,
    at: Lba,
    diags: &mut Vec<Diagnostic>,
    f: &mut dyn FnMut(&[u8]),
) {
    let mut next = split(su, f);
    let mut seen: Vec<(u32, u32)> = Vec::new();
    let blocks = reader.len() / BLOCK;
    while let Some((block, offset, length)) = next.take() {
        if seen.len() >= MAX_CE {
            diags.push(
                Diagnostic::warning(
                    "rr.ce-limit",
                    format!("more than {MAX_CE} SUSP continuation areas for one record; the rest are ignored"),
                )
                .at(Location::Sector(at)),
            );
            break;
        }
        if seen.contains(&(block, offset)) {
            diags.push(
                Diagnostic::warning(
                    "rr.ce-loop",
                    format!("SUSP continuation area at block {block} offset {offset} is named twice (a loop); ignored"),
                )
                .at(Location::Sector(at)),
            );
            break;
        }
        seen.push((block, offset));
        let end = u64::from(offset) + u64::from(length);
        if end > BLOCK || u64::from(block) >= blocks {
            diags.push(
                Diagnostic::warning(
                    "rr.ce-out-of-bounds",
                    format!(
                        "SUSP continuation area at block {block} offset {offset} length {length} runs past its block or the image; ignored"
                    ),
                )
                .at(Location::Sector(at)),
            );
            break;
        }
        let start = u64::from(block) * BLOCK + u64::from(offset);
        match reader.read_vec(start, length as usize) {
            Ok(area) => next = split(&area, f),
            Err(error) => diags.push(
                Diagnostic::warning("rr.ce-unreadable", error.to_string()).at(Location::Sector(at)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    fn ce(block: u32, offset: u32, length: u32) -> Vec<u8> {
        let mut e = vec![b'C', b'E', 28, 1];
        for v in [block, offset, length] {
            e.extend_from_slice(&v.to_le_bytes());
            e.extend_from_slice(&v.to_be_bytes());
        }
        e
    }

    #[test]
    fn ce_loop_ends_with_a_diagnostic() {
        let mut image = vec![0u8; 4 * 2048];
        let area = ce(2, 0, 28);
        image[4096..4096 + 28].copy_from_slice(&area);
        let src = MemorySource::new(image, "m");
        let mut d = Vec::new();
        let mut su = b"NM\x06\x01\x00a".to_vec();
        su.extend(ce(2, 0, 28));
        let got = entries(&su, &src, Lba(0), &mut d);
        assert_eq!(got.len(), 1);
        assert_eq!(d[0].code, "rr.ce-loop");
        let mut d = Vec::new();
        entries(&ce(3, 2040, 28), &src, Lba(0), &mut d);
        assert_eq!(d[0].code, "rr.ce-out-of-bounds");
    }
}

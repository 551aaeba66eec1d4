//! Searching an image's stored bytes for a pattern, sector by sector, with
//! progress and cancellation: the TUI runs it on a background thread.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::medium::Medium;
use crate::units::Lba;

/// Longest pattern accepted: a match must fit in two sectors.
pub const MAX_PATTERN: usize = 2048;

/// What to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub bytes: Vec<u8>,
    /// How the user wrote it, for messages.
    pub text: String,
}

impl Pattern {
    /// `x 43 44 30` (or `x 434430`) is hex bytes; anything else is text.
    pub fn parse(query: &str) -> Result<Pattern, String> {
        let bytes = match query
            .strip_prefix("x ")
            .or_else(|| query.strip_prefix("x:"))
        {
            Some(hex) => parse_hex(hex)?,
            None => query.as_bytes().to_vec(),
        };
        if bytes.is_empty() {
            return Err("nothing to search for".into());
        }
        if bytes.len() > MAX_PATTERN {
            return Err(format!("patterns are at most {MAX_PATTERN} bytes"));
        }
        Ok(Pattern {
            bytes,
            text: query.to_owned(),
        })
    }
}

fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err("hex bytes need two digits each".into());
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| {
                    format!("`{}` is not a hex byte", digits.get(i..i + 2).unwrap_or(""))
                })
        })
        .collect()
}

/// Where a match starts: the sector and the byte within it, and whether
/// the search went past one end of the image to reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub lba: Lba,
    pub offset: usize,
    pub wrapped: bool,
}

/// Which way a search goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// Searches from byte `at` of the sector `from` (exclusive) towards one
/// end of the image, then round from the other, reporting `progress(done,
/// total)` every few hundred sectors. A match may run into the next
/// sector. `None` when nothing matches or when `cancel` is set.
pub fn search(
    medium: &Medium,
    (from, at): (Lba, Option<usize>),
    direction: Direction,
    pattern: &Pattern,
    cancel: &AtomicBool,
    mut progress: impl FnMut(u64, u64),
) -> Option<Hit> {
    let (first, end) = (medium.first_lba().0, medium.end_lba().0);
    let total = u64::try_from(end - first).unwrap_or(0);
    if total == 0 {
        return None;
    }
    let needle = &pattern.bytes;
    let origin = (from.0 - first).rem_euclid(total as i64);
    let mut window = Window::default();
    // One more step than there are sectors: the first sector is searched
    // again at the end for matches on the other side of `at`.
    for step in 0..=total {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        if step % 256 == 0 {
            progress(step, total);
        }
        let delta = match direction {
            Direction::Forward => step as i64,
            Direction::Backward => -(step as i64),
        };
        let index = (origin + delta).rem_euclid(total as i64);
        let lba = Lba(first + index);
        let wrapped = match direction {
            Direction::Forward => index < origin || step == total,
            Direction::Backward => index > origin || step == total,
        };
        let Some((bytes, sector_len)) = window.at(medium, lba, needle.len()) else {
            continue;
        };
        // Which starts count in this sector: after `at` on the first visit,
        // up to it on the last, everywhere between.
        let allowed = |start: usize| match (step, direction, at) {
            (0, Direction::Forward, Some(at)) => start > at,
            (0, Direction::Backward, Some(at)) => start < at,
            (s, Direction::Forward, Some(at)) if s == total => start <= at,
            (s, Direction::Backward, Some(at)) if s == total => start >= at,
            (s, _, None) if s == total => false,
            _ => true,
        };
        let found = match direction {
            Direction::Forward => matches(bytes, needle).find(|&s| s < sector_len && allowed(s)),
            Direction::Backward => matches(bytes, needle)
                .take_while(|&s| s < sector_len)
                .filter(|&s| allowed(s))
                .last(),
        };
        if let Some(offset) = found {
            return Some(Hit {
                lba,
                offset,
                wrapped,
            });
        }
    }
    progress(total, total);
    None
}

/// A sector's bytes followed by the first bytes of the next (so matches
/// that start in it and run on are found), with the last sector read kept
/// for the next step forward.
#[derive(Default)]
struct Window {
    bytes: Vec<u8>,
    cached: Option<(Lba, Vec<u8>)>,
}

impl Window {
    fn read(&mut self, medium: &Medium, lba: Lba) -> Option<Vec<u8>> {
        if let Some((at, bytes)) = &self.cached
            && *at == lba
        {
            return Some(bytes.clone());
        }
        medium.read_sector(lba).ok().map(|s| s.bytes)
    }

    /// The window at `lba` and its sector's length.
    fn at(&mut self, medium: &Medium, lba: Lba, needle: usize) -> Option<(&[u8], usize)> {
        let sector = self.read(medium, lba)?;
        let len = sector.len();
        self.bytes = sector;
        if needle > 1
            && let Some(next) = medium.read_sector(Lba(lba.0 + 1)).ok().map(|s| s.bytes)
        {
            self.bytes
                .extend_from_slice(next.get(..needle - 1).unwrap_or(&next));
            self.cached = Some((Lba(lba.0 + 1), next));
        }
        Some((&self.bytes, len))
    }
}

/// Every start of `needle` in `haystack`, in order.
fn matches<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + find(haystack.get(from..)?, needle)?;
        from = at + 1;
        Some(at)
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(pos) = haystack.get(from..)?.iter().position(|&b| b == first) {
        let at = from + pos;
        if haystack.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_queries() {
        assert_eq!(Pattern::parse("x 43 44 30").unwrap().bytes, b"CD0");
        assert_eq!(Pattern::parse("x 434430").unwrap().bytes, b"CD0");
        assert_eq!(Pattern::parse("CD001").unwrap().bytes, b"CD001");
        assert!(Pattern::parse("x 4").is_err());
        assert!(Pattern::parse("x zz").is_err());
        assert!(Pattern::parse("").is_err());
    }

    #[test]
    fn finds_across_sector_boundaries() {
        assert_eq!(find(b"abcabd", b"abd"), Some(3));
        assert_eq!(find(b"ab", b"abd"), None);
    }

    #[test]
    fn goes_either_way_from_a_byte_and_wraps() {
        let dir = tempfile::tempdir().unwrap();
        // Four 512-byte sectors of a disk image.
        let path = dir.path().join("four.img");
        let mut bytes = vec![0u8; 4 * 512];
        bytes[512 + 10..512 + 12].copy_from_slice(b"AB");
        bytes[2 * 512 - 1] = b'A';
        bytes[2 * 512] = b'B';
        bytes[3 * 512 + 5..3 * 512 + 8].copy_from_slice(b"ABZ");
        std::fs::write(&path, &bytes).unwrap();
        let medium = crate::container::open(&path).unwrap();
        let pattern = Pattern::parse("AB").unwrap();
        let cancel = AtomicBool::new(false);
        let go = |from: i64, at: Option<usize>, direction| {
            search(
                &medium,
                (Lba(from), at),
                direction,
                &pattern,
                &cancel,
                |_, _| {},
            )
            .map(|h| (h.lba.0, h.offset, h.wrapped))
        };
        use Direction::{Backward, Forward};
        // A new search covers its first sector whole.
        assert_eq!(go(1, None, Forward), Some((1, 10, false)));
        // Again: past the cursor, across a sector boundary, then on.
        assert_eq!(go(1, Some(10), Forward), Some((1, 511, false)));
        assert_eq!(go(1, Some(511), Forward), Some((3, 5, false)));
        assert_eq!(go(3, Some(5), Forward), Some((1, 10, true)));
        // Backward: before the cursor, then round past the start.
        assert_eq!(go(1, Some(511), Backward), Some((1, 10, false)));
        assert_eq!(go(1, Some(10), Backward), Some((3, 5, true)));
        // The only match, found again after going all the way round.
        let only = Pattern::parse("x 41 42 5a").unwrap();
        let hit = search(
            &medium,
            (Lba(3), Some(5)),
            Forward,
            &only,
            &cancel,
            |_, _| {},
        )
        .unwrap();
        assert_eq!((hit.lba.0, hit.offset, hit.wrapped), (3, 5, true));
        assert_eq!(go(0, None, Forward).map(|h| h.0), Some(1));
    }
}

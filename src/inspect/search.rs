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

/// Where a match starts: the sector and the byte within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub lba: Lba,
    pub offset: usize,
}

/// Searches from the sector after `from` to the end, then from the start,
/// reporting `progress(done, total)` every few hundred sectors. Returns
/// `None` when nothing matches or when `cancel` is set.
pub fn search(
    medium: &Medium,
    from: Lba,
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
    let start = (from.0 + 1 - first).rem_euclid(total as i64);
    // The tail of the previous sector, so matches across a boundary count.
    let mut carry: Vec<u8> = Vec::new();
    let mut previous: Option<Lba> = None;
    for step in 0..total {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        if step % 256 == 0 {
            progress(step, total);
        }
        let lba = Lba(first + (start + step as i64).rem_euclid(total as i64));
        if previous.is_some_and(|p| p.0 + 1 != lba.0) {
            carry.clear();
        }
        let Ok(sector) = medium.read_sector(lba) else {
            carry.clear();
            continue;
        };
        let carried = carry.len();
        carry.extend_from_slice(&sector.bytes);
        if let Some(at) = find(&carry, needle) {
            return Some(if at < carried {
                Hit {
                    lba: Lba(lba.0 - 1),
                    offset: previous_len(medium, lba) - carried + at,
                }
            } else {
                Hit {
                    lba,
                    offset: at - carried,
                }
            });
        }
        let keep = needle.len().saturating_sub(1).min(carry.len());
        carry.drain(..carry.len() - keep);
        previous = Some(lba);
    }
    progress(total, total);
    None
}

fn previous_len(medium: &Medium, lba: Lba) -> usize {
    medium
        .sector_size_at(Lba(lba.0 - 1))
        .map_or(0, |size| size as usize)
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
}

//! File identifiers as shown: 8-bit names as UTF-8 where they are, with
//! other bytes kept and escaped; version suffixes and trailing dots dropped
//! unless raw names are asked for.
//!
// Sources: ECMA-119 §7.5 (file identifier: name, '.', extension, ';',
// version), §7.6 (directory identifiers); ECMA-119 4th ed. §7.5.1 (ISO
// 9660:1999 identifiers of any bytes); RRIP §4.1.4 (NM: the name's bytes,
// no character set named).

use std::fmt::Write;

/// An 8-bit identifier (a Rock Ridge NM name, an ISO 9660:1999 or plain
/// identifier) as text, and its bytes when they are not all UTF-8.
///
/// Writers store these names as the bytes of the source file names, which
/// are UTF-8 on today's systems: isoinfo, bsdtar, 7-Zip and Linux show them
/// so. A byte that is not UTF-8 (a Latin-1 name) shows as `\xNN`, so `a\xe9`
/// and `a\xe8` stay two names, and the bytes are kept for extraction.
pub fn text(bytes: &[u8]) -> (String, Option<Vec<u8>>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), None);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    (out, Some(bytes.to_vec()))
}

/// The name without its `;N` version, when it has one.
fn unversioned(name: &[u8]) -> Option<&[u8]> {
    let i = name.iter().rposition(|&b| b == b';')?;
    let version = name.get(i + 1..)?;
    version
        .iter()
        .all(u8::is_ascii_digit)
        .then(|| name.get(..i))
        .flatten()
}

/// Drops `;N` and then one trailing '.', as CLI.md asks for plain names:
/// ECMA-119 writes the separator dot even when there is no extension.
pub fn clean(name: &[u8]) -> &[u8] {
    let base = unversioned(name).unwrap_or(name);
    let base = base.strip_suffix(b".").unwrap_or(base);
    if base.is_empty() { name } else { base }
}

/// Drops a Joliet name's `;N`, and the dot before it. Without a version
/// the name is the file's own (genisoimage and xorriso write `noext` and
/// `trail.` as they are), so a trailing dot is part of it, as isoinfo,
/// pycdlib and bsdtar show it (Linux and 7-Zip drop it: see
/// `scripts/known-divergences.txt`).
pub fn clean_joliet(name: &str) -> &str {
    match unversioned(name.as_bytes()) {
        // The cut is at an ASCII ';', a character boundary.
        Some(base) => {
            let base = name.get(..base.len()).unwrap_or(name);
            match base.strip_suffix('.').unwrap_or(base) {
                "" => name,
                base => base,
            }
        }
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans() {
        assert_eq!(clean(b"README.TXT;1"), b"README.TXT");
        assert_eq!(clean(b"NOEXT.;1"), b"NOEXT");
        assert_eq!(clean(b"DIR"), b"DIR");
        assert_eq!(clean(b"A;B"), b"A;B");
        assert_eq!(clean(b";1"), b";1");
    }

    #[test]
    fn joliet_keeps_a_dot_that_is_part_of_the_name() {
        assert_eq!(clean_joliet("trail."), "trail.");
        assert_eq!(clean_joliet("two.."), "two..");
        assert_eq!(clean_joliet("noext"), "noext");
        assert_eq!(clean_joliet("File.txt;1"), "File.txt");
        assert_eq!(clean_joliet("NOEXT.;1"), "NOEXT");
        assert_eq!(clean_joliet(";1"), ";1");
    }

    #[test]
    fn names_that_are_not_utf8_stay_distinct() {
        assert_eq!(text("café.txt".as_bytes()), ("café.txt".to_owned(), None));
        let (e9, raw) = text(b"a\xe9");
        assert_eq!(
            (e9.as_str(), raw.as_deref()),
            ("a\\xe9", Some(&b"a\xe9"[..]))
        );
        assert_eq!(text(b"a\xe8").0, "a\\xe8");
        assert_eq!(text(b"\xc3\xa9\xff").0, "é\\xff", "valid parts stay text");
    }
}

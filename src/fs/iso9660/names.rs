//! File identifiers as shown: version suffixes and trailing dots dropped
//! unless raw names are asked for.
//!
// Sources: ECMA-119 §7.5 (file identifier: name, '.', extension, ';',
// version), §7.6 (directory identifiers).

/// An 8-bit identifier as text (bytes above 0x7f are kept as Latin-1, as
/// d-characters never use them and real discs that do are Latin-1).
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Drops `;N` and then one trailing '.', as CLI.md asks for plain names.
pub fn clean(name: &str) -> String {
    let base = match name.rfind(';') {
        Some(i)
            if name
                .get(i + 1..)
                .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit())) =>
        {
            name.get(..i).unwrap_or(name)
        }
        _ => name,
    };
    let base = base.strip_suffix('.').unwrap_or(base);
    if base.is_empty() {
        name.to_owned()
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans() {
        assert_eq!(clean("README.TXT;1"), "README.TXT");
        assert_eq!(clean("NOEXT.;1"), "NOEXT");
        assert_eq!(clean("DIR"), "DIR");
        assert_eq!(clean("A;B"), "A;B");
        assert_eq!(clean(";1"), ";1");
    }
}

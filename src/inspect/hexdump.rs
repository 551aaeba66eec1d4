//! Plain hex dumps for pipes and colourless terminals, row for row in
//! pretty-hex's layout (`0010:   01 00 08 00 01 00 08 00  43 44 …   ....CD`),
//! with a margin the caller fills (the sector fields a row crosses) and
//! runs of identical rows squeezed to one `*` line, as hexyl and hexdump -C
//! do.
//!
//! pretty-hex writes the rows of a dump people read (one sector, the
//! copy-out report). It formats each byte through `write!` and alone takes
//! 2.4 times as long as xxd, so a bulk dump (many sectors down a pipe)
//! writes the same rows itself; the `same_rows_as_pretty_hex` test holds
//! the two to the same bytes. Every byte printed is hex or printable ASCII,
//! so no image byte reaches the terminal as a control character.

use std::io::{self, Write};
use std::ops::Range;

/// Bytes per row.
pub const ROW: usize = 16;

/// Bytes per group: two groups of eight, as hexyl shows them.
const GROUP: usize = 8;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// How to dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Print a run of rows identical to the one before (bytes and margin)
    /// as one `*` line. The last row is always printed, so the dump shows
    /// where it ends.
    pub squeeze: bool,
    /// Write the rows here, not through pretty-hex (same bytes, faster).
    pub bulk: bool,
}

/// pretty-hex's settings for the layout above.
const PRETTY: pretty_hex::HexConfig = pretty_hex::HexConfig {
    title: false,
    ascii: true,
    width: ROW,
    group: GROUP,
    chunk: 1,
    max_bytes: usize::MAX,
    display_offset: 0,
};

/// Writes `bytes` as hex rows, each followed by two spaces and the margin
/// `margin(range of the row, buffer)` writes, if any. Offsets count from
/// 0 in 4, 6, 8 or 16 hex digits, by the size (pretty-hex's steps).
pub fn write<W: Write + ?Sized>(
    out: &mut W,
    bytes: &[u8],
    options: Options,
    mut margin: impl FnMut(Range<usize>, &mut String),
) -> io::Result<()> {
    let last_start = bytes.len().saturating_sub(1) / ROW * ROW;
    let digits = address_digits(if bytes.len() <= ROW {
        bytes.len()
    } else {
        bytes.len() - ROW
    });
    // pretty-hex's rows, line for line, unless the dump is bulk.
    let pretty = (!options.bulk).then(|| pretty_hex::config_hex(&bytes, PRETTY));
    let mut pretty_rows = pretty.as_deref().map(str::lines);
    let mut line: Vec<u8> = Vec::with_capacity(128);
    let mut label = String::new();
    let mut previous: Option<(&[u8], String)> = None;
    let mut squeezed = false;
    for (index, row) in bytes.chunks(ROW).enumerate() {
        let offset = index * ROW;
        let pretty_row = pretty_rows.as_mut().and_then(Iterator::next);
        label.clear();
        margin(offset..offset + row.len(), &mut label);
        let repeats = previous
            .as_ref()
            .is_some_and(|(bytes, text)| *bytes == row && *text == label);
        if options.squeeze && repeats && offset != last_start {
            if !squeezed {
                out.write_all(b"*\n")?;
                squeezed = true;
            }
            continue;
        }
        squeezed = false;
        line.clear();
        match pretty_row {
            Some(text) => line.extend_from_slice(text.as_bytes()),
            None => push_row(&mut line, offset, digits, row),
        }
        if !label.is_empty() {
            line.extend_from_slice(b"  ");
            line.extend_from_slice(label.as_bytes());
        }
        line.push(b'\n');
        out.write_all(&line)?;
        match &mut previous {
            Some((bytes, text)) => {
                *bytes = row;
                std::mem::swap(text, &mut label);
            }
            None => previous = Some((row, std::mem::take(&mut label))),
        }
    }
    Ok(())
}

/// Hex digits for offsets up to `max`, in pretty-hex's steps.
fn address_digits(max: usize) -> usize {
    match max {
        0..=0xffff => 4,
        0x1_0000..=0xff_ffff => 6,
        0x100_0000..=0xffff_ffff => 8,
        _ => 16,
    }
}

fn push_hex(line: &mut Vec<u8>, byte: u8) {
    let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'?');
    line.push(digit(byte >> 4));
    line.push(digit(byte & 0xf));
}

/// One row: offset, colon, the bytes in two groups (a short row padded so
/// its text lines up), then the bytes as printable ASCII or `.`.
fn push_row(line: &mut Vec<u8>, offset: usize, digits: usize, row: &[u8]) {
    // At least `digits`, as `{:0digits$x}` would.
    let needed = (usize::BITS - offset.leading_zeros()).div_ceil(4) as usize;
    for shift in (0..digits.max(needed)).rev() {
        let nibble = offset.checked_shr(4 * shift as u32).unwrap_or(0) & 0xf;
        line.push(HEX.get(nibble).copied().unwrap_or(b'?'));
    }
    line.extend_from_slice(b":   ");
    for (i, &byte) in row.iter().enumerate() {
        line.extend_from_slice(separator(i));
        push_hex(line, byte);
    }
    for i in row.len()..ROW {
        line.extend_from_slice(separator(i));
        line.extend_from_slice(b"  ");
    }
    line.extend_from_slice(b"   ");
    line.extend(row.iter().map(|&b| {
        if b.is_ascii_graphic() || b == b' ' {
            b
        } else {
            b'.'
        }
    }));
}

/// What goes before byte `i` of a row.
fn separator(i: usize) -> &'static [u8] {
    match i {
        0 => b"",
        _ if i.is_multiple_of(GROUP) => b"  ",
        _ => b" ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(bytes: &[u8], squeeze: bool, margin: impl FnMut(Range<usize>, &mut String)) -> String {
        let mut out = Vec::new();
        let options = Options {
            squeeze,
            bulk: true,
        };
        write(&mut out, bytes, options, margin).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Byte for byte what pretty-hex writes with the same layout, for
    /// every length up to three rows and past the 4-digit offsets.
    #[test]
    fn same_rows_as_pretty_hex() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut bytes: Vec<u8> = (0..0x1_0040)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        // Every byte value, controls and high bytes among them.
        for (slot, value) in bytes.iter_mut().zip(0..=255u8) {
            *slot = value;
        }
        for len in (1..=3 * ROW).chain([2048, 2352, 0x1_0000, 0x1_0008, 0x1_0011, 0x1_0040]) {
            let part = &bytes[..len];
            let expected = format!("{}\n", pretty_hex::config_hex(&part, PRETTY));
            assert_eq!(dump(part, false, |_, _| {}), expected, "{len} bytes");
            let mut through_pretty_hex = Vec::new();
            let options = Options {
                squeeze: false,
                bulk: false,
            };
            write(&mut through_pretty_hex, part, options, |_, _| {}).unwrap();
            assert_eq!(String::from_utf8(through_pretty_hex).unwrap(), expected);
        }
        assert_eq!(dump(&[], false, |_, _| {}), "");
    }

    #[test]
    fn identical_rows_squeeze_to_a_star() {
        let mut bytes = vec![0u8; 6 * ROW];
        bytes[0] = 1;
        let text = dump(&bytes, true, |_, _| {});
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 4, "{text}");
        assert!(rows[0].starts_with("0000:   01 00"), "{text}");
        assert!(rows[1].starts_with("0010:   00 00"), "{text}");
        assert_eq!(rows[2], "*");
        assert!(
            rows[3].starts_with("0050:"),
            "the last row shows the end: {text}"
        );
        assert_eq!(dump(&bytes, false, |_, _| {}).lines().count(), 6);
    }

    /// Rows with the same bytes but a different margin are not repeats.
    #[test]
    fn a_new_margin_ends_a_run() {
        let bytes = vec![0u8; 5 * ROW];
        let text = dump(&bytes, true, |range, label| {
            label.push_str(if range.start < 2 * ROW {
                "user_data"
            } else {
                "edc zero"
            });
        });
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 5, "{text}");
        assert!(
            rows[0].ends_with("   ................  user_data"),
            "{text}"
        );
        assert_eq!(rows[1], "*");
        assert!(
            rows[2].starts_with("0020:") && rows[2].ends_with("  edc zero"),
            "{text}"
        );
        assert_eq!(rows[3], "*");
        assert!(rows[4].starts_with("0040:"), "{text}");
    }
}

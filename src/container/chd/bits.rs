//! Reading a CHD v5 compressed map: bits most significant first, from a
//! region of the file fetched in chunks, and the small Huffman code that
//! packs each hunk's compression type.
//!
//! Sources: MAME `src/lib/util/bitstream.h` (`bitstream_in`: bits are
//! taken from the most significant end of each byte; reading past the end
//! yields zero bits and marks an overflow) and `huffman.cpp`
//! (`import_tree_rle`: code lengths in 4-bit fields for at most 8-bit
//! codes, 1 escaping a repeat; `assign_canonical_codes`, longest codes
//! first; `build_lookup_table`; `decode_one` peeks 8 bits).

use crate::error::Result;
use crate::io::ReadAt;

/// Bytes fetched at a time.
const CHUNK: usize = 64 * 1024;

/// A bit cursor over `len` bytes of `source` starting at `start`.
pub struct BitReader<'a> {
    source: &'a dyn ReadAt,
    start: u64,
    len: u64,
    /// Bits consumed from the region's start.
    pos: u64,
    buf: Vec<u8>,
    /// The region byte `buf[0]` holds.
    buf_at: u64,
    /// Whether a read ran past the region's end.
    pub overflow: bool,
}

impl<'a> BitReader<'a> {
    /// A cursor at bit `pos` of the region.
    pub fn new(source: &'a dyn ReadAt, start: u64, len: u64, pos: u64) -> BitReader<'a> {
        BitReader {
            source,
            start,
            len,
            pos,
            buf: Vec::new(),
            buf_at: 0,
            overflow: false,
        }
    }

    /// Bits consumed from the region's start.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Makes the buffer hold region bytes `at..at + 8` where they exist.
    fn fill(&mut self, at: u64) -> Result<()> {
        let buffered = at >= self.buf_at && at + 8 <= self.buf_at + self.buf.len() as u64;
        let at_end = at >= self.buf_at && self.buf_at + self.buf.len() as u64 >= self.len;
        if buffered || (at_end && !self.buf.is_empty()) {
            return Ok(());
        }
        let want = (self.len.saturating_sub(at)).min(CHUNK as u64) as usize;
        self.buf.resize(want, 0);
        let mut done = 0;
        while done < want {
            let rest = self.buf.get_mut(done..).unwrap_or_default();
            let n = self.source.read_at(self.start + at + done as u64, rest)?;
            if n == 0 {
                break;
            }
            done += n;
        }
        // A file shorter than the region: the stream ends with the file
        // (MAME reads the whole map first and fails on a short file). The
        // missing bytes of a last peek read as zeros; past them a read
        // overflows, and is never tried again (each try costs a chunk).
        if done < want {
            self.len = self.len.min(at + done as u64);
        }
        self.buf.truncate(done);
        self.buf_at = at;
        Ok(())
    }

    /// The next `count` bits (at most 32) without consuming them.
    pub fn peek(&mut self, count: u8) -> Result<u32> {
        if count == 0 {
            return Ok(0);
        }
        let byte = self.pos / 8;
        self.fill(byte)?;
        let within = byte
            .checked_sub(self.buf_at)
            .and_then(|b| usize::try_from(b).ok());
        let fast = within
            .and_then(|b| self.buf.get(b..b.checked_add(8)?))
            .and_then(|eight| <[u8; 8]>::try_from(eight).ok());
        let word = match fast {
            Some(eight) => u64::from_be_bytes(eight),
            // Near the end of the region: missing bytes are zeros.
            None => (0..8usize).fold(0u64, |word, i| {
                let value = within
                    .and_then(|b| self.buf.get(b.checked_add(i)?))
                    .copied()
                    .unwrap_or(0);
                (word << 8) | u64::from(value)
            }),
        };
        let shift = 64 - u32::from(count.min(32)) - (self.pos % 8) as u32;
        Ok(((word >> shift) & ((1u64 << count.min(32)) - 1)) as u32)
    }

    /// Consumes `count` bits.
    pub fn skip(&mut self, count: u8) {
        self.pos = self.pos.saturating_add(u64::from(count));
        if self.pos > self.len.saturating_mul(8) {
            self.overflow = true;
        }
    }

    /// Reads `count` bits (at most 32), most significant first.
    pub fn read(&mut self, count: u8) -> Result<u32> {
        let value = self.peek(count)?;
        self.skip(count);
        Ok(value)
    }
}

/// Symbols of the map's type code: the compression types 0..13 and two
/// spare values.
const SYMBOLS: usize = 16;
/// The longest code.
const MAX_BITS: u8 = 8;

/// The map's Huffman code: a lookup of every 8-bit prefix.
#[derive(Clone, Debug)]
pub struct MapCode {
    /// `(symbol << 4) | length` for each 8-bit prefix; 0 where no code
    /// starts (MAME then yields symbol 0 without consuming bits).
    lookup: [u16; 1 << MAX_BITS],
}

impl MapCode {
    /// Reads the run-length coded table of code lengths that opens the
    /// map, and builds the canonical code. `Err` says why it is unusable.
    pub fn import(bits: &mut BitReader<'_>) -> Result<std::result::Result<MapCode, String>> {
        let mut lengths = [0u8; SYMBOLS];
        let mut filled = 0usize;
        while filled < SYMBOLS {
            let value = bits.read(4)? as u8;
            if value != 1 {
                if let Some(slot) = lengths.get_mut(filled) {
                    *slot = value;
                }
                filled += 1;
                continue;
            }
            let value = bits.read(4)? as u8;
            if value == 1 {
                if let Some(slot) = lengths.get_mut(filled) {
                    *slot = 1;
                }
                filled += 1;
                continue;
            }
            let repeat = bits.read(4)? as usize + 3;
            if filled + repeat > SYMBOLS {
                return Ok(Err(format!(
                    "its code-length table repeats a length past the {SYMBOLS} symbols"
                )));
            }
            lengths
                .get_mut(filled..filled + repeat)
                .into_iter()
                .flatten()
                .for_each(|l| *l = value);
            filled += repeat;
        }
        if let Some(long) = lengths.iter().find(|&&l| l > MAX_BITS) {
            return Ok(Err(format!(
                "a code of {long} bits is longer than the {MAX_BITS} allowed"
            )));
        }
        // Canonical codes, longest first (as MAME assigns them).
        let mut histogram = [0u32; 33];
        for &l in &lengths {
            if let Some(slot) = histogram.get_mut(usize::from(l)) {
                *slot += 1;
            }
        }
        let mut start = 0u32;
        let mut first_code = [0u32; 33];
        for length in (1..=32usize).rev() {
            let count = histogram.get(length).copied().unwrap_or(0);
            let next = (start + count) >> 1;
            if length != 1 && next * 2 != start + count {
                return Ok(Err(
                    "its code lengths do not make a complete prefix code".into()
                ));
            }
            if let Some(slot) = first_code.get_mut(length) {
                *slot = start;
            }
            start = next;
        }
        let mut lookup = [0u16; 1 << MAX_BITS];
        for (symbol, &length) in lengths.iter().enumerate() {
            if length == 0 {
                continue;
            }
            let Some(code) = first_code.get_mut(usize::from(length)) else {
                continue;
            };
            let shift = MAX_BITS - length;
            let from = (*code as usize) << shift;
            let to = ((*code as usize) + 1) << shift;
            *code += 1;
            let entry = ((symbol as u16) << 4) | u16::from(length);
            if let Some(slots) = lookup.get_mut(from..to) {
                slots.iter_mut().for_each(|s| *s = entry);
            }
        }
        Ok(Ok(MapCode { lookup }))
    }

    /// Decodes one symbol.
    pub fn decode(&self, bits: &mut BitReader<'_>) -> Result<u8> {
        let prefix = bits.peek(MAX_BITS)? as usize;
        let entry = self.lookup.get(prefix).copied().unwrap_or(0);
        bits.skip((entry & 0x0F) as u8);
        Ok((entry >> 4) as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemorySource;

    #[test]
    fn reads_bits_most_significant_first_and_zeros_past_the_end() {
        let source = MemorySource::new(vec![0b1011_0011, 0xFF], "m");
        let mut bits = BitReader::new(&source, 0, 2, 0);
        assert_eq!(bits.read(1).unwrap(), 1);
        assert_eq!(bits.read(3).unwrap(), 0b011);
        assert_eq!(bits.read(8).unwrap(), 0b0011_1111);
        assert!(!bits.overflow);
        assert_eq!(bits.read(8).unwrap(), 0b1111_0000);
        assert!(bits.overflow);
        assert_eq!(bits.read(32).unwrap(), 0);
    }

    #[test]
    fn a_table_of_equal_lengths_gives_symbol_order_codes() {
        // 1, 4, 13: the length 4 repeated 3 + 13 = 16 times.
        let source = MemorySource::new(vec![0x14, 0xD5], "m");
        let mut bits = BitReader::new(&source, 0, 2, 0);
        let code = MapCode::import(&mut bits).unwrap().unwrap();
        assert_eq!(code.decode(&mut bits).unwrap(), 5);
        assert_eq!(bits.position(), 16);
    }

    #[test]
    fn an_overlong_repeat_is_refused() {
        let source = MemorySource::new(vec![0x14, 0xF0], "m");
        let mut bits = BitReader::new(&source, 0, 2, 0);
        assert!(MapCode::import(&mut bits).unwrap().is_err());
    }
}

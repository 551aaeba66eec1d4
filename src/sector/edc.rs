//! EDC: the 32-bit error detection code of data sectors.
//!
//! Sources: ECMA-130 §14.4 and Annex A: CRC with polynomial
//! (x^16+x^15+x^2+1)(x^16+x^2+x+1) = 0x8001801B, least significant bit
//! first, initial value 0, no final xor, stored little-endian. It covers
//! bytes 0..2064 in mode 1, 16..2072 in form 1 and 16..2348 in form 2.

use crc::{CRC_32_CD_ROM_EDC, Crc, Table};

/// Slice-by-16 tables: the CRC is a quarter of the verification work.
static EDC: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_CD_ROM_EDC);

/// The EDC of `bytes` (folded with carry-less multiplication where the CPU
/// can).
pub fn compute(bytes: &[u8]) -> u32 {
    super::kernel::check(bytes, None).0
}

/// The EDC by table lookup, 16 bytes a step.
pub(crate) fn compute_table(bytes: &[u8]) -> u32 {
    EDC.checksum(bytes)
}

/// The EDC of `first` followed by `second`.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))] // the x86-64 kernel's
pub(crate) fn compute_table_parts(first: &[u8], second: &[u8]) -> u32 {
    let mut digest = EDC.digest();
    digest.update(first);
    digest.update(second);
    digest.finalize()
}

/// The little-endian EDC stored at `at`, if the sector is long enough.
pub fn stored(sector: &[u8], at: usize) -> Option<u32> {
    let bytes = sector.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

/// An EDC comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdcCheck {
    pub stored: u32,
    pub computed: u32,
}

impl EdcCheck {
    pub fn ok(&self) -> bool {
        self.stored == self.computed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_check_value() {
        assert_eq!(compute(b"123456789"), 0x6ec2_edc4);
        assert_eq!(compute(&[0; 2064]), 0);
        // The folded path (long input) agrees with the table at every length
        // around its block sizes.
        let bytes: Vec<u8> = (0..2400u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for len in (0..300).chain(2040..2400) {
            assert_eq!(
                compute(&bytes[..len]),
                compute_table(&bytes[..len]),
                "{len}"
            );
        }
    }
}

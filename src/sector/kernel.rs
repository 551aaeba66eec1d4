//! The per-sector checking kernel (EDC and ECC of one raw sector) and its
//! one run-time CPU dispatch.
//!
//! The portable path is the table CRC of [`super::edc`] and the byte-lane
//! ECC of [`super::ecc`]. On x86-64 CPUs with AVX2 and PCLMULQDQ the same
//! ECC code is compiled for AVX2 and the CRC is folded with carry-less
//! multiplication, 64 bytes per step.

use super::ecc::{self, EccCheck};
use super::edc;

/// The EDC of `edc_span` and, when `ecc` is given, the ECC check of that
/// sector (`true` = header taken as zero).
pub fn check(edc_span: &[u8], ecc: Option<(&[u8; 2352], bool)>) -> (u32, Option<EccCheck>) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("pclmulqdq")
            && std::is_x86_feature_detected!("sse4.1")
        {
            #[allow(unsafe_code)]
            // SAFETY: the only precondition of calling a `#[target_feature]`
            // function is that the CPU has those features; all three were
            // detected on this CPU just above. The function itself is safe
            // code (no raw pointers, bounds-checked slices).
            return unsafe { x86::check(edc_span, ecc) };
        }
    }
    portable(edc_span, ecc)
}

#[inline(always)]
fn portable(edc_span: &[u8], ecc: Option<(&[u8; 2352], bool)>) -> (u32, Option<EccCheck>) {
    (
        edc::compute_table(edc_span),
        ecc.map(|(sector, zero_header)| ecc::check_portable(sector, zero_header)),
    )
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! CRC folding: the message is a polynomial M(x) (first byte, least
    //! significant bit first, holds the highest degree). A 128-bit block X
    //! that stands D bits before the next one is replaced by
    //! X·x^D mod P split as H·(x^(D+63) mod P)·x + L·(x^(D-1) mod P)·x, where
    //! H and L are its high- and low-degree halves; carry-less products of
    //! bit-reflected operands supply the extra factor x. The folded 16 bytes
    //! have the same remainder as the prefix they replace, so the table CRC of
    //! them and the tail gives the EDC.

    use std::arch::x86_64::{
        __m128i, _mm_clmulepi64_si128, _mm_extract_epi64, _mm_set_epi64x, _mm_xor_si128,
    };

    use super::super::ecc::{self, EccCheck};
    use super::super::edc;

    /// The CRC polynomial 0x8001801B with its x^32 term.
    const POLY: u64 = 0x1_8001_801B;

    /// x^n mod P, bit-reflected into 64 bits (degree d at bit 63 - d).
    const fn x_pow_mod(n: u32) -> u64 {
        let mut r: u64 = 1;
        let mut i = 0;
        while i < n {
            r <<= 1;
            if r & (1 << 32) != 0 {
                r ^= POLY;
            }
            i += 1;
        }
        r.reverse_bits()
    }

    const FOLD_512: (u64, u64) = (x_pow_mod(512 + 63), x_pow_mod(512 - 1));
    const FOLD_128: (u64, u64) = (x_pow_mod(128 + 63), x_pow_mod(128 - 1));

    #[target_feature(enable = "avx2,pclmulqdq,sse4.1")]
    pub fn check(edc_span: &[u8], ecc: Option<(&[u8; 2352], bool)>) -> (u32, Option<EccCheck>) {
        (
            crc(edc_span),
            ecc.map(|(sector, zero_header)| ecc::check_portable(sector, zero_header)),
        )
    }

    #[inline]
    #[target_feature(enable = "sse4.1")]
    fn load(bytes: &[u8]) -> __m128i {
        let word = |i: usize| {
            bytes
                .get(i..i + 8)
                .and_then(|b| b.try_into().ok())
                .map_or(0, i64::from_le_bytes)
        };
        _mm_set_epi64x(word(8), word(0))
    }

    #[inline]
    #[target_feature(enable = "pclmulqdq,sse4.1")]
    fn fold(x: __m128i, k: (u64, u64), next: __m128i) -> __m128i {
        let k = _mm_set_epi64x(k.1 as i64, k.0 as i64);
        let lo = _mm_clmulepi64_si128::<0x00>(x, k);
        let hi = _mm_clmulepi64_si128::<0x11>(x, k);
        _mm_xor_si128(_mm_xor_si128(lo, hi), next)
    }

    #[target_feature(enable = "pclmulqdq,sse4.1")]
    fn crc(bytes: &[u8]) -> u32 {
        if bytes.len() < 64 {
            return edc::compute_table(bytes);
        }
        let (head, rest) = bytes.split_at(64);
        let mut x = [
            load(head.get(0..16).unwrap_or_default()),
            load(head.get(16..32).unwrap_or_default()),
            load(head.get(32..48).unwrap_or_default()),
            load(head.get(48..64).unwrap_or_default()),
        ];
        let mut chunks = rest.chunks_exact(64);
        for chunk in &mut chunks {
            for (i, lane) in x.iter_mut().enumerate() {
                let block = load(chunk.get(16 * i..16 * i + 16).unwrap_or_default());
                *lane = fold(*lane, FOLD_512, block);
            }
        }
        let [a, b, c, d] = x;
        let mut acc = fold(fold(fold(a, FOLD_128, b), FOLD_128, c), FOLD_128, d);
        let mut blocks = chunks.remainder().chunks_exact(16);
        for block in &mut blocks {
            acc = fold(acc, FOLD_128, load(block));
        }
        let mut folded = [0u8; 16];
        let (lo, hi) = folded.split_at_mut(8);
        lo.copy_from_slice(&_mm_extract_epi64::<0>(acc).to_le_bytes());
        hi.copy_from_slice(&_mm_extract_epi64::<1>(acc).to_le_bytes());
        edc::compute_table_parts(&folded, blocks.remainder())
    }
}

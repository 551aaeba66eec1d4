//! Arithmetic in GF(2^8) with the CD-ROM field polynomial
//! x^8+x^4+x^3+x^2+1 (0x11D), for the few scalar steps of ECC encoding.
//!
//! Sources: ECMA-130 Annex A (field and primitive element α = x).

/// α^i for i in 0..510, so products need no modulo.
// Const evaluation: an index out of range fails the build, never a run.
#[allow(clippy::indexing_slicing)]
const EXP: [u8; 510] = {
    let mut table = [0u8; 510];
    let mut value: u16 = 1;
    let mut i = 0;
    while i < 510 {
        table[i] = value as u8;
        value <<= 1;
        if value & 0x100 != 0 {
            value ^= 0x11d;
        }
        i += 1;
    }
    table
};

/// log_α of each non-zero byte.
#[allow(clippy::indexing_slicing)]
const LOG: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 255 {
        table[EXP[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// 1 / (1 + α).
#[allow(clippy::indexing_slicing)]
pub const INV_1_PLUS_ALPHA: u8 = EXP[255 - LOG[3] as usize];

/// The product of two field elements.
pub fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        return 0;
    }
    let log = |x: u8| LOG.get(usize::from(x)).copied().map_or(0, usize::from);
    EXP.get(log(a) + log(b)).copied().unwrap_or(0)
}

/// log_α of a non-zero element (`None` for 0).
pub fn log(x: u8) -> Option<usize> {
    (x != 0).then(|| LOG.get(usize::from(x)).copied().map_or(0, usize::from))
}

/// α^n.
pub fn exp(n: usize) -> u8 {
    EXP.get(n % 255).copied().unwrap_or(1)
}

/// `a / b` (`None` when `b` is 0).
pub fn div(a: u8, b: u8) -> Option<u8> {
    let lb = log(b)?;
    Some(match log(a) {
        Some(la) => exp(la + 255 - lb),
        None => 0,
    })
}

/// α^(-n).
pub fn alpha_pow_neg(n: usize) -> u8 {
    EXP.get((255 - n % 255) % 255).copied().unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_facts() {
        assert_eq!(EXP[255], 1);
        assert_eq!(EXP[8], 0x1d);
        assert_eq!(mul(INV_1_PLUS_ALPHA, 3), 1);
        assert_eq!(mul(alpha_pow_neg(5), EXP[5]), 1);
        for a in 1..=255u8 {
            assert_eq!(mul(a, 1), a);
            assert_eq!(div(mul(a, 7), 7), Some(a));
            assert_eq!(exp(log(a).unwrap()), a);
        }
        assert_eq!(div(5, 0), None);
    }
}

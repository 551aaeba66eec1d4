//! A deliberately plain EDC and ECC written from ECMA-130 Annex A: one bit
//! or one byte at a time, no tables, nothing shared with the library.

/// EDC: CRC-32, polynomial 0x8001801B processed least significant bit
/// first (reversed: 0xD8018001), initial value 0, no final xor.
pub fn edc(bytes: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xD801_8001
            } else {
                crc >> 1
            };
        }
    }
    crc
}

/// Multiplication in GF(2^8) modulo x^8+x^4+x^3+x^2+1, shift and add.
pub fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        let carry = a & 0x80 != 0;
        a <<= 1;
        if carry {
            a ^= 0x1d;
        }
        b >>= 1;
    }
    product
}

fn gf_pow_alpha(n: usize) -> u8 {
    let mut value = 1u8;
    for _ in 0..n {
        value = gf_mul(value, 2);
    }
    value
}

fn gf_inverse(a: u8) -> u8 {
    (1..=255u8).find(|&b| gf_mul(a, b) == 1).expect("non-zero")
}

/// α^0..α^44, each by repeated multiplication: the weights of the check
/// matrix's second row.
fn weights() -> &'static [u8] {
    static WEIGHTS: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    WEIGHTS.get_or_init(|| (0..45).map(gf_pow_alpha).collect())
}

fn inverse_of_1_plus_alpha() -> u8 {
    static INVERSE: std::sync::OnceLock<u8> = std::sync::OnceLock::new();
    *INVERSE.get_or_init(|| gf_inverse(3))
}

/// Byte `plane` of 16-bit word `word` of the region starting at sector
/// byte 12, with the header taken as zero in mode 2.
fn symbol(sector: &[u8; 2352], word: usize, plane: usize, zero_header: bool) -> u8 {
    let at = 12 + 2 * word + plane;
    if zero_header && at < 16 {
        0
    } else {
        sector[at]
    }
}

/// The symbols of P codeword `column` (plane `plane`): 24 data words then
/// the two parity words.
fn p_codeword(sector: &[u8; 2352], column: usize, plane: usize, zero_header: bool) -> Vec<u8> {
    (0..26)
        .map(|row| symbol(sector, 43 * row + column, plane, zero_header))
        .collect()
}

/// The symbols of Q codeword `k`: 43 diagonal words then two parity words.
fn q_codeword(sector: &[u8; 2352], k: usize, plane: usize, zero_header: bool) -> Vec<u8> {
    let mut symbols: Vec<u8> = (0..43)
        .map(|i| symbol(sector, (44 * i + 43 * k) % 1118, plane, zero_header))
        .collect();
    symbols.push(symbol(sector, 1118 + k, plane, zero_header));
    symbols.push(symbol(sector, 1118 + 26 + k, plane, zero_header));
    symbols
}

/// Syndromes of a codeword with check matrix [1 … 1; α^(n-1) … α 1].
fn syndromes_zero(symbols: &[u8]) -> bool {
    let n = symbols.len();
    let mut s0 = 0u8;
    let mut s1 = 0u8;
    for (i, &v) in symbols.iter().enumerate() {
        s0 ^= v;
        s1 ^= gf_mul(weights()[n - 1 - i], v);
    }
    s0 == 0 && s1 == 0
}

/// Which P and Q codewords hold (index 2 * column + plane, 2 * k + plane).
pub fn check(sector: &[u8; 2352], zero_header: bool) -> (Vec<bool>, Vec<bool>) {
    let p = (0..86)
        .map(|n| syndromes_zero(&p_codeword(sector, n / 2, n % 2, zero_header)))
        .collect();
    let q = (0..52)
        .map(|n| syndromes_zero(&q_codeword(sector, n / 2, n % 2, zero_header)))
        .collect();
    (p, q)
}

/// The two parity symbols that make `data` followed by them a codeword.
fn parity_for(data: &[u8]) -> (u8, u8) {
    let n = data.len() + 2;
    let mut a = 0u8; // Σ d_i
    let mut b = 0u8; // Σ α^(n-1-i) d_i
    for (i, &d) in data.iter().enumerate() {
        a ^= d;
        b ^= gf_mul(weights()[n - 1 - i], d);
    }
    // p0 + p1 = a and α p0 + p1 = b, so (1 + α) p0 = a + b.
    let p0 = gf_mul(a ^ b, inverse_of_1_plus_alpha());
    (p0, a ^ p0)
}

/// Writes P parity, then Q parity.
pub fn write_parity(sector: &mut [u8; 2352], zero_header: bool) {
    for n in 0..86 {
        let (column, plane) = (n / 2, n % 2);
        let symbols = p_codeword(sector, column, plane, zero_header);
        let (p0, p1) = parity_for(&symbols[..24]);
        sector[12 + 2 * (43 * 24 + column) + plane] = p0;
        sector[12 + 2 * (43 * 25 + column) + plane] = p1;
    }
    for n in 0..52 {
        let (k, plane) = (n / 2, n % 2);
        let symbols = q_codeword(sector, k, plane, zero_header);
        let (p0, p1) = parity_for(&symbols[..43]);
        sector[12 + 2 * (1118 + k) + plane] = p0;
        sector[12 + 2 * (1118 + 26 + k) + plane] = p1;
    }
}

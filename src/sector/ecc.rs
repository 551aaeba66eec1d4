//! ECC: the Reed–Solomon product code (RSPC) of mode 1 and mode 2 form 1
//! sectors, P and Q parity checked and computed separately.
//!
//! Sources: ECMA-130 Annex A. Bytes 12..2352 are read as 16-bit words split
//! into two byte planes; symbols live in GF(2^8) with the field polynomial
//! x^8+x^4+x^3+x^2+1 and primitive element α = x. P: the 1,032 words of bytes
//! 12..2076 form 24 rows of 43 columns; each column (per plane) with its two
//! parity words (bytes 2076..2248) is a (26,24) codeword. Q: the 1,118 words
//! of bytes 12..2248 (P parity included) form 26 rows of 43; codeword k takes
//! the word of row (i + k) mod 26 in column i for i = 0..43, and its two
//! parity words (bytes 2248..2352) make a (45,43) codeword. Both codes have
//! the check matrix [1 … 1; α^(n-1) … α 1]. In mode 2 the header counts as
//! zero.
//!
//! A codeword is judged on the bytes as stored: its two syndromes are zero
//! exactly when its stored parity equals the parity its stored data gives.
//! The syndromes of all codewords are computed at once, one byte lane per
//! codeword, by Horner's rule: multiplying a lane by α is a shift and a
//! conditional xor, so no tables are needed and the loops vectorise.

use super::gf;

/// Bytes of the region the code covers (sector bytes 12..2352).
const REGION: usize = 2340;
/// Bytes per row: 43 words in two planes.
const ROW: usize = 86;
/// Rows of the P matrix (24 data + 2 parity) and of the Q matrix.
const ROWS: usize = 26;
/// Zero bytes before each row, so that every Q lane reads a straight run.
const PAD: usize = 50;
/// Bytes between rows in the skewed grid (the last Q step reads 64 bytes
/// from 138).
const STRIDE: usize = 208;
/// Lanes computed at once: 86 P and 52 Q lanes rounded up for vector code.
const P_LANES: usize = 96;
const Q_LANES: usize = 64;
/// Where P and Q parity start in a raw sector.
pub const P_OFFSET: usize = 2076;
pub const Q_OFFSET: usize = 2248;
/// Codewords per code (both planes).
pub const P_CODEWORDS: usize = 86;
pub const Q_CODEWORDS: usize = 52;
/// Horner steps for Q: 45 symbols along 26 skewed diagonals.
const Q_STEPS: usize = 70;

/// Which codewords failed: bit `n` of `p_bad` is P codeword `n` (column
/// `n / 2`, plane `n % 2`), bit `2k + plane` of `q_bad` is Q codeword `k`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EccCheck {
    pub p_bad: u128,
    pub q_bad: u64,
}

impl EccCheck {
    pub fn p_ok(&self) -> bool {
        self.p_bad == 0
    }
    pub fn q_ok(&self) -> bool {
        self.q_bad == 0
    }
    pub fn ok(&self) -> bool {
        self.p_ok() && self.q_ok()
    }
    /// Failing P codewords, of [`P_CODEWORDS`].
    pub fn p_failures(&self) -> u32 {
        self.p_bad.count_ones()
    }
    /// Failing Q codewords, of [`Q_CODEWORDS`].
    pub fn q_failures(&self) -> u32 {
        self.q_bad.count_ones()
    }
}

/// One Horner step on every byte lane: `sum ^= row`, `horner = α·horner ^ row`.
/// Written as a plain byte loop so the compiler turns it into vector code
/// (SSE2 everywhere on x86-64, AVX2 where the caller enables it).
#[inline(always)]
fn step<const N: usize>(sum: &mut [u8; N], horner: &mut [u8; N], row: &[u8; N]) {
    for ((s, h), &w) in sum.iter_mut().zip(horner.iter_mut()).zip(row) {
        *s ^= w;
        // α·h: shift left, reduce by 0x1D when the top bit falls out.
        let carry = ((*h as i8) >> 7) as u8 & 0x1d;
        *h = (*h << 1) ^ carry ^ w;
    }
}

/// The `N` bytes at `at`, or zeros past the end.
#[inline(always)]
fn row_at<const N: usize>(bytes: &[u8], at: usize) -> &[u8; N] {
    bytes
        .get(at..at + N)
        .and_then(|s| s.try_into().ok())
        .unwrap_or(&[0; N])
}

/// The code region laid out for both codes: row `r` of the matrix at
/// `r * STRIDE + PAD`, Q parity word `k` placed as columns 43 and 44 of rows
/// `(43 + k) % 26` and `(44 + k) % 26`, zeros everywhere else.
struct Grid {
    bytes: [u8; ROWS * STRIDE],
}

/// Where each Q parity byte goes in the grid: `q[n]` (p0 of codeword
/// `k = n / 2`, plane `n % 2`) as column 43 of row `(43 + k) % 26`, and
/// `q[52 + n]` (p1) as column 44 of row `(44 + k) % 26`.
// Const evaluation: an index out of range fails the build, never a run.
#[allow(clippy::indexing_slicing)]
const Q_PLACES: [usize; 104] = {
    let mut places = [0usize; 104];
    let mut n = 0;
    while n < Q_CODEWORDS {
        let (k, plane) = (n / 2, n % 2);
        places[n] = ((43 + k) % ROWS) * STRIDE + PAD + ROW + plane;
        places[Q_CODEWORDS + n] = ((44 + k) % ROWS) * STRIDE + PAD + ROW + 2 + plane;
        n += 1;
    }
    places
};

thread_local! {
    /// A grid per thread: its zero padding is written once, not per sector.
    static SCRATCH: std::cell::RefCell<Grid> = const {
        std::cell::RefCell::new(Grid { bytes: [0; ROWS * STRIDE] })
    };
}

impl Grid {
    /// `region` is sector bytes 12..2352.
    #[inline(always)]
    fn new(region: &[u8; REGION], zero_header: bool, with_q: bool) -> Grid {
        let mut grid = Grid {
            bytes: [0; ROWS * STRIDE],
        };
        grid.fill(region, zero_header, with_q);
        grid
    }

    /// Writes the rows and the Q parity (or zeros) over a grid whose
    /// padding is zero.
    #[inline(always)]
    fn fill(&mut self, region: &[u8; REGION], zero_header: bool, with_q: bool) {
        for (row, data) in self
            .bytes
            .chunks_exact_mut(STRIDE)
            .zip(region.chunks_exact(ROW))
        {
            if let Some(dst) = row.get_mut(PAD..PAD + ROW) {
                dst.copy_from_slice(data);
            }
        }
        if zero_header {
            self.bytes.iter_mut().skip(PAD).take(4).for_each(|b| *b = 0);
        }
        let q = region.get(Q_OFFSET - 12..).unwrap_or_default();
        for (n, &at) in Q_PLACES.iter().enumerate() {
            let value = if with_q {
                q.get(n).copied().unwrap_or(0)
            } else {
                0
            };
            if let Some(b) = self.bytes.get_mut(at) {
                *b = value;
            }
        }
    }

    /// P syndromes per byte lane: (sum, Horner sum) over the 26 rows.
    #[inline(always)]
    fn p_syndromes(&self) -> ([u8; P_LANES], [u8; P_LANES]) {
        let (mut sum, mut horner) = ([0u8; P_LANES], [0u8; P_LANES]);
        for row in self.bytes.chunks_exact(STRIDE) {
            step(&mut sum, &mut horner, row_at(row, PAD));
        }
        (sum, horner)
    }

    /// Q syndromes per lane `2q + plane` (codeword `k = 25 - q`); the Horner
    /// sum of lane `q` carries an extra factor α^q.
    #[inline(always)]
    fn q_syndromes(&self) -> ([u8; Q_LANES], [u8; Q_LANES]) {
        let (mut sum, mut horner) = ([0u8; Q_LANES], [0u8; Q_LANES]);
        for step_index in 0..Q_STEPS {
            let at = (step_index % ROWS) * STRIDE + 2 * step_index;
            step(&mut sum, &mut horner, row_at(&self.bytes, at));
        }
        (sum, horner)
    }
}

fn lane(lanes: &[u8], index: usize) -> u8 {
    lanes.get(index).copied().unwrap_or(0)
}

fn region_of(sector: &[u8; 2352]) -> &[u8; REGION] {
    // The tail of a 2352-byte array is always 2340 bytes long.
    sector.last_chunk::<REGION>().unwrap_or(&[0; REGION])
}

/// Checks P and Q parity of a raw sector. `zero_header` for mode 2.
pub fn check(sector: &[u8; 2352], zero_header: bool) -> EccCheck {
    super::kernel::check(&[], Some((sector, zero_header)))
        .1
        .unwrap_or_default()
}

/// [`check`] without CPU dispatch, inlined into the dispatched kernels.
#[inline(always)]
pub(crate) fn check_portable(sector: &[u8; 2352], zero_header: bool) -> EccCheck {
    let region = region_of(sector);
    SCRATCH
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut grid) => {
                grid.fill(region, zero_header, true);
                judge_grid(&grid)
            }
            Err(_) => judge_grid(&Grid::new(region, zero_header, true)),
        })
        .unwrap_or_else(|_| judge_grid(&Grid::new(region, zero_header, true)))
}

#[inline(always)]
fn judge_grid(grid: &Grid) -> EccCheck {
    let (ps, ph) = grid.p_syndromes();
    let (qs, qh) = grid.q_syndromes();
    let p_any = ps
        .iter()
        .zip(&ph)
        .take(P_CODEWORDS)
        .fold(0u8, |acc, (s, h)| acc | s | h);
    let q_any = qs
        .iter()
        .zip(&qh)
        .take(Q_CODEWORDS)
        .fold(0u8, |acc, (s, h)| acc | s | h);
    if p_any | q_any == 0 {
        return EccCheck::default();
    }
    let mut p_bad = 0u128;
    for n in 0..P_CODEWORDS {
        if lane(&ps, n) | lane(&ph, n) != 0 {
            p_bad |= 1 << n;
        }
    }
    let mut q_bad = 0u64;
    for q in 0..ROWS {
        for plane in 0..2 {
            let n = 2 * q + plane;
            if lane(&qs, n) | lane(&qh, n) != 0 {
                q_bad |= 1 << (2 * (ROWS - 1 - q) + plane);
            }
        }
    }
    EccCheck { p_bad, q_bad }
}

/// The two syndromes (S0 = Σ c_i, S1 = Σ c_i α^(n-1-i)) of one codeword.
pub type Syndrome = (u8, u8);

/// The syndromes of every P codeword (by [`EccCheck`]'s numbering, column
/// `n / 2`, plane `n % 2`) and every Q codeword (`2k + plane`), of a raw
/// sector as stored. Zero syndromes mean the codeword is whole.
pub fn syndromes(
    sector: &[u8; 2352],
    zero_header: bool,
) -> ([Syndrome; P_CODEWORDS], [Syndrome; Q_CODEWORDS]) {
    let grid = Grid::new(region_of(sector), zero_header, true);
    let (ps, ph) = grid.p_syndromes();
    let (qs, qh) = grid.q_syndromes();
    let mut p = [(0, 0); P_CODEWORDS];
    for (n, slot) in p.iter_mut().enumerate() {
        *slot = (lane(&ps, n), lane(&ph, n));
    }
    let mut q = [(0, 0); Q_CODEWORDS];
    for lane_q in 0..ROWS {
        let k = ROWS - 1 - lane_q;
        for plane in 0..2 {
            let n = 2 * lane_q + plane;
            // Remove the lane's extra factor α^q.
            let s1 = gf::mul(lane(&qh, n), gf::alpha_pow_neg(lane_q));
            if let Some(slot) = q.get_mut(2 * k + plane) {
                *slot = (lane(&qs, n), s1);
            }
        }
    }
    (p, q)
}

/// The sector byte holding symbol `i` of P codeword `n` (26 symbols: 24
/// rows of data, then the two parity rows).
pub fn p_byte(n: usize, i: usize) -> usize {
    12 + ROW * i + n
}

/// The sector byte holding symbol `i` of Q codeword `n` (45 symbols: the
/// 43 words of its diagonal, then its two parity words).
pub fn q_byte(n: usize, i: usize) -> usize {
    let (k, plane) = (n / 2, n % 2);
    match i {
        43 => Q_OFFSET + 2 * k + plane,
        44 => Q_OFFSET + Q_CODEWORDS + 2 * k + plane,
        _ => 12 + ROW * ((i + k) % ROWS) + 2 * i + plane,
    }
}

/// Symbols in a P and in a Q codeword.
pub const P_SYMBOLS: usize = 26;
pub const Q_SYMBOLS: usize = 45;

/// The parity the sector's stored bytes call for: P from bytes 12..2076, Q
/// from bytes 12..2248 as stored (stored P parity included).
pub fn expected_parity(sector: &[u8; 2352], zero_header: bool) -> ([u8; 172], [u8; 104]) {
    let grid = Grid::new(region_of(sector), zero_header, false);
    let p = p_parity(&grid);
    (p, q_parity(&grid))
}

/// Writes P then Q parity into a raw sector.
pub fn write_parity(sector: &mut [u8; 2352], zero_header: bool) {
    // P parity must be zero while P is computed: the grid holds it as rows 24
    // and 25.
    if let Some(p) = sector.get_mut(P_OFFSET..Q_OFFSET) {
        p.fill(0);
    }
    let p = p_parity(&Grid::new(region_of(sector), zero_header, false));
    if let Some(dst) = sector.get_mut(P_OFFSET..Q_OFFSET) {
        dst.copy_from_slice(&p);
    }
    let q = q_parity(&Grid::new(region_of(sector), zero_header, false));
    if let Some(dst) = sector.get_mut(Q_OFFSET..) {
        dst.copy_from_slice(&q);
    }
}

/// Two parity symbols for a codeword whose data gives `sum` (Σ d) and
/// `shifted` (α² Σ α^(n-3-i) d_i): solve p0 + p1 = sum, α p0 + p1 = shifted.
fn solve(sum: u8, shifted: u8) -> (u8, u8) {
    let p0 = gf::mul(sum ^ shifted, gf::INV_1_PLUS_ALPHA);
    (p0, sum ^ p0)
}

/// P parity from a grid whose P parity rows are zero or ignored: rows 24
/// and 25 must be cleared first.
fn p_parity(grid: &Grid) -> [u8; 172] {
    let mut only_data = Grid { bytes: grid.bytes };
    for row in only_data.bytes.chunks_exact_mut(STRIDE).skip(24) {
        if let Some(r) = row.get_mut(PAD..PAD + ROW) {
            r.fill(0);
        }
    }
    let (sum, horner) = only_data.p_syndromes();
    let mut out = [0u8; 172];
    for n in 0..P_CODEWORDS {
        let (p0, p1) = solve(lane(&sum, n), lane(&horner, n));
        if let Some(b) = out.get_mut(n) {
            *b = p0;
        }
        if let Some(b) = out.get_mut(P_CODEWORDS + n) {
            *b = p1;
        }
    }
    out
}

/// Q parity from a grid built without Q parity.
fn q_parity(grid: &Grid) -> [u8; 104] {
    let (sum, horner) = grid.q_syndromes();
    let mut out = [0u8; 104];
    for q in 0..ROWS {
        let k = ROWS - 1 - q;
        for plane in 0..2 {
            let n = 2 * q + plane;
            // Remove the lane's extra factor α^q.
            let shifted = gf::mul(lane(&horner, n), gf::alpha_pow_neg(q));
            let (p0, p1) = solve(lane(&sum, n), shifted);
            if let Some(b) = out.get_mut(2 * k + plane) {
                *b = p0;
            }
            if let Some(b) = out.get_mut(Q_CODEWORDS + 2 * k + plane) {
                *b = p1;
            }
        }
    }
    out
}

//! Repair with the sector's own parity: each P and Q codeword of a mode 1
//! or mode 2 form 1 sector can locate and correct one wrong byte (or two
//! bytes a caller marks as suspect), and alternating P and Q passes correct
//! scattered damage beyond what one pass can. The EDC is the judge: a
//! repair is accepted only when the corrected sector's EDC matches;
//! otherwise the sector is "uncorrectable" and left as it was.
//!
//! Sources: ECMA-130 Annex A (RSPC: P codewords of 26 symbols and Q
//! codewords of 45, each with two parity symbols and the check matrix
//! [1 … 1; α^(n-1) … α 1] over GF(2^8)); §14 (sync, header; the header is
//! taken as zero for mode 2 parity, so it is repaired from the sector's
//! position instead).

use super::{Oddity, SYNC, SectorMode, Verdict, ecc, edc, gf};
use crate::units::Lba;

/// P, Q rounds before giving up on damage that stops shrinking.
pub const MAX_ROUNDS: u32 = 8;

/// What located a changed byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corrector {
    /// The sync pattern, which every data sector has.
    Sync,
    /// The header address the sector's position calls for.
    Position,
    /// P codeword `n` (column `n / 2`, plane `n % 2`).
    P(u8),
    /// Q codeword `n` (diagonal `n / 2`, plane `n % 2`).
    Q(u8),
}

impl Corrector {
    pub fn describe(self) -> String {
        match self {
            Corrector::Sync => "sync pattern".to_owned(),
            Corrector::Position => "sector position".to_owned(),
            Corrector::P(n) => format!("P codeword {n}"),
            Corrector::Q(n) => format!("Q codeword {n}"),
        }
    }
}

/// One corrected byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub offset: usize,
    pub old: u8,
    pub new: u8,
    pub by: Corrector,
    /// The P, Q round that made it (0 for sync and header).
    pub round: u32,
}

/// How a repair came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RepairOutcome {
    /// The sector checks out: nothing to repair.
    Whole,
    /// Corrected, and the EDC of the corrected sector matches.
    Repaired,
    /// Damage beyond the code's power; the sector is left as it was.
    Uncorrectable(String),
    /// Not a sector parity can repair, or a deliberate oddity.
    NotAttempted(String),
}

/// A repair: its outcome, the bytes it changed and what the EDC said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    pub outcome: RepairOutcome,
    /// Every changed byte in offset order (empty unless repaired).
    pub changes: Vec<Change>,
    /// P, Q rounds taken.
    pub rounds: u32,
    /// The EDC as stored, computed before and after the repair.
    pub edc: Option<(u32, u32, u32)>,
    /// The corrected sector, when repaired.
    pub sector: Option<Box<[u8; 2352]>>,
}

impl RepairOutcome {
    /// The name in `--json`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RepairOutcome::Whole => "whole",
            RepairOutcome::Repaired => "repaired",
            RepairOutcome::Uncorrectable(_) => "uncorrectable",
            RepairOutcome::NotAttempted(_) => "not_attempted",
        }
    }

    /// Why a sector was not repaired, when it was not.
    pub fn reason(&self) -> Option<&str> {
        match self {
            RepairOutcome::Uncorrectable(why) | RepairOutcome::NotAttempted(why) => Some(why),
            RepairOutcome::Whole | RepairOutcome::Repaired => None,
        }
    }
}

impl Repair {
    fn not(outcome: RepairOutcome) -> Repair {
        Repair {
            outcome,
            changes: Vec::new(),
            rounds: 0,
            edc: None,
            sector: None,
        }
    }
}

/// The two kinds of sector the code protects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Mode1,
    Form1,
}

impl Kind {
    /// The EDC's covered range and where it is stored.
    fn edc(self) -> (std::ops::Range<usize>, usize) {
        match self {
            Kind::Mode1 => (0..2064, 2064),
            Kind::Form1 => (16..2072, 2072),
        }
    }

    fn zero_header(self) -> bool {
        self == Kind::Form1
    }

    fn mode_byte(self) -> u8 {
        match self {
            Kind::Mode1 => 1,
            Kind::Form1 => 2,
        }
    }
}

/// Which code protects a sector, or why none can repair it.
fn kind_of(verdict: &Verdict, expected_mode: Option<u8>) -> Result<Kind, String> {
    if let Some(oddity) = verdict.note {
        return Err(format!(
            "{}: deliberate, not damage; not repaired",
            oddity_text(oddity)
        ));
    }
    match verdict.mode {
        SectorMode::Mode1 => Ok(Kind::Mode1),
        SectorMode::Mode2Form1 => Ok(Kind::Form1),
        // The form bit itself may be what is damaged: both copies of the
        // subheader must say form 2 for the sector to have no parity.
        SectorMode::Mode2Form2 if verdict.subheader.is_some_and(|s| !s.copies_match()) => {
            Ok(Kind::Form1)
        }
        SectorMode::Mode2Form2 => Err("mode 2 form 2 sectors carry no ECC".into()),
        SectorMode::Audio => Err("audio sectors carry no parity".into()),
        SectorMode::Cooked => Err("only user data is stored: no parity to repair with".into()),
        SectorMode::Disk => Err("disk sectors carry no parity".into()),
        SectorMode::Mode0 => Err("mode 0 sectors carry no parity".into()),
        SectorMode::Mode2Formless => Err("formless mode 2 sectors carry no ECC".into()),
        SectorMode::Unknown => match expected_mode {
            Some(1) => Ok(Kind::Mode1),
            Some(2) => Ok(Kind::Form1),
            _ => Err("the sector's mode is unknown".into()),
        },
    }
}

fn oddity_text(oddity: Oddity) -> &'static str {
    oddity.describe()
}

/// Repairs the raw sector at `lba` (judged as `verdict`; `expected_mode`
/// is its track's) with its own parity. `suspect` lists sector offsets a
/// caller knows may be wrong (erasures): each codeword can then correct
/// two of them instead of one unknown byte.
pub fn repair(
    bytes: &[u8],
    verdict: &Verdict,
    lba: Lba,
    expected_mode: Option<u8>,
    suspect: &[usize],
) -> Repair {
    let Ok(stored) = <&[u8; 2352]>::try_from(bytes) else {
        return Repair::not(RepairOutcome::NotAttempted(
            "only raw 2352-byte sectors carry their parity".into(),
        ));
    };
    if !verdict.is_bad() {
        return Repair::not(RepairOutcome::Whole);
    }
    let kind = match kind_of(verdict, expected_mode) {
        Ok(kind) => kind,
        Err(why) => return Repair::not(RepairOutcome::NotAttempted(why)),
    };
    let (covered, at) = kind.edc();
    let edc_of =
        |sector: &[u8; 2352]| edc::compute(sector.get(covered.clone()).unwrap_or_default());
    let edc_stored = edc::stored(stored, at).unwrap_or(0);
    let before = edc_of(stored);
    let mut work = *stored;
    let mut changes = Vec::new();
    fix_sync(&mut work, &mut changes);
    if kind == Kind::Form1 {
        fix_header(&mut work, lba, kind, &mut changes);
    }
    let whole = |sector: &[u8; 2352]| {
        let (p, q) = ecc::syndromes(sector, kind.zero_header());
        p.iter().chain(q.iter()).all(|&s| s == (0, 0))
            && edc::stored(sector, at) == Some(edc_of(sector))
    };
    // Strategies, each from the sector as stored (sync fixed): locate
    // errors one by one; then take the bytes where failing P and failing Q
    // codewords cross as erasures (whole columns and diagonals); then, in
    // mode 1, whose header parity also covers, the address the position
    // calls for. The first that leaves the parity whole and the EDC
    // matching wins.
    let start = work;
    let mut rounds = 0;
    for strategy in 0..3 {
        let mut attempt = start;
        let mut made = changes.clone();
        let mut marked = suspect.to_vec();
        match strategy {
            0 => {}
            1 => marked.extend(crossings(&attempt, kind)),
            _ if kind == Kind::Mode1 => fix_header(&mut attempt, lba, kind, &mut made),
            _ => break,
        }
        rounds = correct(&mut attempt, kind, &marked, &mut made);
        if whole(&attempt) {
            work = attempt;
            changes = made;
            break;
        }
        if strategy == 0 {
            work = attempt;
        }
    }
    let after = edc_of(&work);
    let edc = Some((edc_stored, before, after));
    if !whole(&work) {
        let why = if edc::stored(&work, at) == Some(after) {
            "parity still fails after every round"
        } else {
            "the EDC does not match after every correction the parity allows"
        };
        return Repair {
            outcome: RepairOutcome::Uncorrectable(why.into()),
            changes: Vec::new(),
            rounds,
            edc,
            sector: None,
        };
    }
    // A byte changed twice (by P, then back by Q) is one change, or none.
    let mut merged: Vec<Change> = Vec::new();
    for change in changes {
        match merged.iter_mut().find(|c| c.offset == change.offset) {
            Some(first) => {
                first.new = change.new;
                first.by = change.by;
                first.round = change.round;
            }
            None => merged.push(change),
        }
    }
    merged.retain(|c| c.old != c.new);
    merged.sort_by_key(|c| c.offset);
    Repair {
        outcome: RepairOutcome::Repaired,
        changes: merged,
        rounds,
        edc,
        sector: Some(Box::new(work)),
    }
}

fn set(
    work: &mut [u8; 2352],
    offset: usize,
    new: u8,
    by: Corrector,
    round: u32,
    changes: &mut Vec<Change>,
) {
    if let Some(byte) = work.get_mut(offset)
        && *byte != new
    {
        changes.push(Change {
            offset,
            old: *byte,
            new,
            by,
            round,
        });
        *byte = new;
    }
}

fn fix_sync(work: &mut [u8; 2352], changes: &mut Vec<Change>) {
    for (offset, &want) in SYNC.iter().enumerate() {
        set(work, offset, want, Corrector::Sync, 0, changes);
    }
}

/// Writes the header the position calls for: the address in BCD and the
/// mode byte.
fn fix_header(work: &mut [u8; 2352], lba: Lba, kind: Kind, changes: &mut Vec<Change>) {
    let Some(msf) = lba.to_msf() else { return };
    let [m, s, f] = msf.to_bcd();
    for (offset, want) in [(12, m), (13, s), (14, f), (15, kind.mode_byte())] {
        set(work, offset, want, Corrector::Position, 0, changes);
    }
}

/// The code a codeword belongs to: its symbol count and where symbol `i`
/// of codeword `n` is in the sector.
#[derive(Clone, Copy)]
struct Code {
    symbols: usize,
    byte: fn(usize, usize) -> usize,
    corrector: fn(u8) -> Corrector,
}

const P: Code = Code {
    symbols: ecc::P_SYMBOLS,
    byte: ecc::p_byte,
    corrector: Corrector::P,
};
const Q: Code = Code {
    symbols: ecc::Q_SYMBOLS,
    byte: ecc::q_byte,
    corrector: Corrector::Q,
};

/// Alternating P and Q passes until the parity is whole, nothing changes,
/// or [`MAX_ROUNDS`]; the rounds taken. When a round changes nothing, the
/// next may use what the failing codewords of one code say about the other
/// (see [`pass`]).
fn correct(work: &mut [u8; 2352], kind: Kind, suspect: &[usize], changes: &mut Vec<Change>) -> u32 {
    let mut rounds = 0;
    let mut stuck = false;
    let mut failing = failing_codewords(work, kind);
    for round in 1..=MAX_ROUNDS {
        if failing == 0 {
            break;
        }
        let changed = pass(work, kind, suspect, stuck, round, changes);
        if changed {
            rounds = round;
        }
        // A round that changed bytes but left as many codewords failing
        // went round in a circle (a Q codeword "correcting" what P then
        // puts back): as stuck as one that changed nothing.
        let now = failing_codewords(work, kind);
        let progress = changed && now < failing;
        if !progress && stuck {
            break;
        }
        stuck = !progress;
        failing = now;
    }
    rounds
}

/// How many P and Q codewords fail.
fn failing_codewords(work: &[u8; 2352], kind: Kind) -> usize {
    let (p, q) = ecc::syndromes(work, kind.zero_header());
    p.iter().chain(q.iter()).filter(|&&s| s != (0, 0)).count()
}

/// The bytes that lie both in a failing P codeword and in a failing Q
/// codeword: where the damage must be when whole rows, columns or
/// diagonals were lost.
fn crossings(work: &[u8; 2352], kind: Kind) -> Vec<usize> {
    let (p, q) = ecc::syndromes(work, kind.zero_header());
    let in_q: std::collections::HashSet<usize> = failing_bytes(Q, &q).into_iter().collect();
    let mut out: Vec<usize> = failing_bytes(P, &p)
        .into_iter()
        .filter(|at| in_q.contains(at))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Every byte of the codewords of `code` whose syndromes fail.
fn failing_bytes(code: Code, syndromes: &[ecc::Syndrome]) -> Vec<usize> {
    syndromes
        .iter()
        .enumerate()
        .filter(|(_, s)| **s != (0, 0))
        .flat_map(|(n, _)| (0..code.symbols).map(move |i| (code.byte)(n, i)))
        .collect()
}

/// One P pass then one Q pass; whether anything changed. When `stuck`
/// (the last round changed nothing), a codeword may also take as
/// erasures its bytes that lie in the other code's failing codewords (a
/// destroyed P column leaves one known-bad byte in each Q codeword), and,
/// with every P codeword whole, a Q codeword its own two parity bytes (the
/// only bytes no P codeword covers). Not before: a P codeword with many
/// errors can be "corrected" into another codeword and look whole.
fn pass(
    work: &mut [u8; 2352],
    kind: Kind,
    suspect: &[usize],
    stuck: bool,
    round: u32,
    changes: &mut Vec<Change>,
) -> bool {
    let mut changed = false;
    for code in [P, Q] {
        let (p, q) = ecc::syndromes(work, kind.zero_header());
        let is_q = code.symbols == Q.symbols;
        let (own, other, other_code) = if is_q {
            (&q[..], &p[..], P)
        } else {
            (&p[..], &q[..], Q)
        };
        let mut crossing = [false; 2352];
        if stuck {
            for at in failing_bytes(other_code, other) {
                if let Some(mark) = crossing.get_mut(at) {
                    *mark = true;
                }
            }
        }
        let p_whole = stuck && p.iter().all(|&s| s == (0, 0));
        for (n, &syndrome) in own.iter().enumerate() {
            if syndrome == (0, 0) {
                continue;
            }
            let symbols = |marked: &dyn Fn(usize) -> bool| -> Vec<usize> {
                (0..code.symbols)
                    .filter(|&i| marked((code.byte)(n, i)))
                    .collect()
            };
            let mut erased = symbols(&|at| suspect.contains(&at));
            if erased.is_empty() || erased.len() > 2 {
                erased = symbols(&|at| crossing.get(at).copied().unwrap_or(false));
            }
            if (erased.is_empty() || erased.len() > 2) && is_q && p_whole {
                erased = vec![43, 44];
            }
            for (offset, value) in decode(code, n, syndrome, kind, &erased) {
                let old = work.get(offset).copied().unwrap_or(0);
                let by = (code.corrector)(u8::try_from(n).unwrap_or(u8::MAX));
                set(work, offset, old ^ value, by, round, changes);
                changed = true;
            }
        }
    }
    changed
}

/// The corrections (sector offset, error value to xor) one codeword's
/// syndromes call for: its erased symbols (one or two of known place),
/// else one located error; none when its damage is beyond it.
fn decode(
    code: Code,
    n: usize,
    (s0, s1): ecc::Syndrome,
    kind: Kind,
    erased: &[usize],
) -> Vec<(usize, u8)> {
    // α^(symbols-1-i): the check matrix's weight of symbol i.
    let weight = |i: usize| gf::exp(code.symbols - 1 - i);
    // In mode 2 the header is taken as zero, so no error can be there.
    let protected = |offset: usize| !(kind.zero_header() && (12..16).contains(&offset));
    match erased {
        [i] => {
            // One erasure: its value is S0, and S1 must agree.
            let at = (code.byte)(n, *i);
            if gf::mul(s0, weight(*i)) == s1 && protected(at) {
                return vec![(at, s0)];
            }
        }
        [i, j] => {
            // Two erasures: e_i + e_j = S0, e_i w_i + e_j w_j = S1.
            let (wi, wj) = (weight(*i), weight(*j));
            if let Some(ei) = gf::div(s1 ^ gf::mul(s0, wj), wi ^ wj) {
                let (bi, bj) = ((code.byte)(n, *i), (code.byte)(n, *j));
                if protected(bi) && protected(bj) {
                    return vec![(bi, ei), (bj, s0 ^ ei)];
                }
            }
        }
        _ => {}
    }
    // One unknown error: S1 / S0 = α^(symbols-1-i) locates it.
    let (Some(ratio), true) = (gf::div(s1, s0), s1 != 0) else {
        return Vec::new();
    };
    let Some(power) = gf::log(ratio) else {
        return Vec::new();
    };
    if power >= code.symbols {
        return Vec::new();
    }
    let offset = (code.byte)(n, code.symbols - 1 - power);
    if protected(offset) {
        vec![(offset, s0)]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sector::{Storage, encode, judge};

    fn sector(lba: i64) -> [u8; 2352] {
        let mut user = [0u8; 2048];
        for (i, b) in user.iter_mut().enumerate() {
            *b = (i * 31 + lba as usize) as u8;
        }
        encode::mode1(Lba(lba), &user).unwrap()
    }

    fn fix(raw: &[u8; 2352], lba: i64) -> Repair {
        let verdict = judge(
            raw,
            Lba(lba),
            Storage::Raw {
                expected_mode: Some(1),
            },
        );
        repair(raw, &verdict, Lba(lba), Some(1), &[])
    }

    #[test]
    fn one_wrong_byte_anywhere_is_restored() {
        let good = sector(100);
        for offset in [
            0, 5, 12, 15, 16, 700, 2063, 2064, 2070, 2076, 2247, 2248, 2351,
        ] {
            let mut bad = good;
            bad[offset] ^= 0x5a;
            let r = fix(&bad, 100);
            assert_eq!(r.outcome, RepairOutcome::Repaired, "offset {offset}");
            assert_eq!(r.sector.as_deref(), Some(&good), "offset {offset}");
            assert_eq!(r.changes.len(), 1, "offset {offset}: {:?}", r.changes);
            assert_eq!(r.changes[0].offset, offset);
        }
    }

    #[test]
    fn scattered_damage_takes_rounds_and_a_column_needs_erasures() {
        let good = sector(7);
        let mut bad = good;
        // Two bytes in one P codeword (column 0, plane 0): P alone cannot,
        // but each sits alone in its Q codeword.
        bad[ecc::p_byte(0, 3)] ^= 1;
        bad[ecc::p_byte(0, 9)] ^= 2;
        let r = fix(&bad, 7);
        assert_eq!(r.outcome, RepairOutcome::Repaired);
        assert_eq!(r.sector.as_deref(), Some(&good));
        // Three bytes of one P codeword and of overlapping Q ones, marked as
        // suspect: erasures reach what unknown errors cannot.
        let mut bad = good;
        let marked = [ecc::p_byte(5, 1), ecc::p_byte(5, 2)];
        for &at in &marked {
            bad[at] ^= 0xff;
        }
        let verdict = judge(
            &bad,
            Lba(7),
            Storage::Raw {
                expected_mode: Some(1),
            },
        );
        let r = repair(&bad, &verdict, Lba(7), Some(1), &marked);
        assert_eq!(r.outcome, RepairOutcome::Repaired);
        assert_eq!(r.sector.as_deref(), Some(&good));
    }

    #[test]
    fn heavy_damage_is_uncorrectable_and_changes_nothing() {
        let good = sector(3);
        let mut bad = good;
        for at in (100..1900).step_by(7) {
            bad[at] ^= 0x33;
        }
        let r = fix(&bad, 3);
        assert!(
            matches!(r.outcome, RepairOutcome::Uncorrectable(_)),
            "{:?}",
            r.outcome
        );
        assert!(r.changes.is_empty() && r.sector.is_none());
    }

    #[test]
    fn form1_header_comes_from_the_position() {
        use crate::sector::subheader::Subheader;
        let user = [0x42u8; 2048];
        let good =
            encode::mode2_form1(Lba(20), Subheader::from_bytes([1, 0, 0x08, 0]), &user).unwrap();
        let mut bad = good;
        bad[13] = 0x99; // the second, as BCD: impossible
        bad[500] ^= 4;
        let verdict = judge(
            &bad,
            Lba(20),
            Storage::Raw {
                expected_mode: Some(2),
            },
        );
        let r = repair(&bad, &verdict, Lba(20), Some(2), &[]);
        assert_eq!(r.outcome, RepairOutcome::Repaired);
        assert_eq!(r.sector.as_deref(), Some(&good));
        assert!(r.changes.iter().any(|c| c.by == Corrector::Position));
    }
}

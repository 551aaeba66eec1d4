//! Judging one stored sector: its mode, what is wrong with it, and which
//! oddities are intentional rather than damage.
//!
//! Sources: ECMA-130 §14 (sync, header, modes), Annex A (EDC, ECC); CD-ROM
//! XA (subheader, forms, form 2 EDC 0 = not computed). Dumping practice:
//! redump-style dumpers fill unreadable sectors with 0x55; PlayStation discs
//! carry EDC 0 in sectors 12–15; some discs compute the ECC of their last
//! mode 2 sector over the header instead of zeros.

use super::ecc::{self, EccCheck};
use super::edc::{self, EdcCheck};
use super::header::SectorHeader;
use super::kernel;
use super::layout::{FieldKind, RAW_SIZE, SectorLayout};
use super::subheader::SubheaderPair;
use super::{SYNC, SectorMode, Storage};
use crate::units::{Lba, Msf};

/// Something wrong with a sector (names as in `verify --json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    Sync,
    HeaderMsf,
    Mode,
    Subheader,
    Edc,
    EccP,
    EccQ,
    Zero,
    /// The image could not give the sector's bytes (a CHD hunk that does
    /// not decode).
    Unreadable,
}

impl Problem {
    pub const ALL: [Problem; 9] = [
        Problem::Sync,
        Problem::HeaderMsf,
        Problem::Mode,
        Problem::Subheader,
        Problem::Edc,
        Problem::EccP,
        Problem::EccQ,
        Problem::Zero,
        Problem::Unreadable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Sync => "sync",
            Problem::HeaderMsf => "header_msf",
            Problem::Mode => "mode",
            Problem::Subheader => "subheader",
            Problem::Edc => "edc",
            Problem::EccP => "ecc_p",
            Problem::EccQ => "ecc_q",
            Problem::Zero => "zero",
            Problem::Unreadable => "unreadable",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of problems.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Problems(u16);

impl Problems {
    pub fn insert(&mut self, problem: Problem) {
        self.0 |= problem.bit();
    }
    pub fn remove(&mut self, problem: Problem) {
        self.0 &= !problem.bit();
    }
    pub fn contains(&self, problem: Problem) -> bool {
        self.0 & problem.bit() != 0
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = Problem> + '_ {
        Problem::ALL.into_iter().filter(|p| self.contains(*p))
    }
    pub fn names(&self) -> Vec<&'static str> {
        self.iter().map(Problem::as_str).collect()
    }
}

impl FromIterator<Problem> for Problems {
    fn from_iter<I: IntoIterator<Item = Problem>>(iter: I) -> Problems {
        let mut set = Problems::default();
        iter.into_iter().for_each(|p| set.insert(p));
        set
    }
}

/// An oddity that is deliberate, not damage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Oddity {
    /// Form 2 sector whose EDC field is 0: "not computed", allowed.
    Form2EdcZero,
    /// Filled with 0x55: a dumper's marker for a sector it could not read.
    Fill55,
    /// All zeros: an empty sector (gaps, unused areas).
    Empty,
    /// PlayStation sectors 12–15 with EDC 0.
    PlaystationEdcZero,
    /// Mode 2 ECC computed over the real header instead of zeros.
    EccOverHeader,
    /// Not stored by the image (an unstored pregap or gap).
    NotStored,
}

impl Oddity {
    pub const ALL: [Oddity; 6] = [
        Oddity::Form2EdcZero,
        Oddity::Fill55,
        Oddity::Empty,
        Oddity::PlaystationEdcZero,
        Oddity::EccOverHeader,
        Oddity::NotStored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Oddity::Form2EdcZero => "form2_edc_zero",
            Oddity::Fill55 => "fill_0x55",
            Oddity::Empty => "empty",
            Oddity::PlaystationEdcZero => "playstation_edc_zero",
            Oddity::EccOverHeader => "ecc_over_header",
            Oddity::NotStored => "not_stored",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Oddity::Form2EdcZero => "form 2 EDC is 0 (not computed, allowed)",
            Oddity::Fill55 => "filled with 0x55 (a dumper's mark for an unreadable sector)",
            Oddity::Empty => "all zeros (empty sector)",
            Oddity::PlaystationEdcZero => "EDC 0 in sectors 12-15 (PlayStation mastering)",
            Oddity::EccOverHeader => "ECC computed over the header instead of zeros",
            Oddity::NotStored => "not stored in the image (reads as zeros)",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Everything known about one sector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub mode: SectorMode,
    pub layout: SectorLayout,
    /// `None` when the image does not store the sync.
    pub sync_ok: Option<bool>,
    pub header: Option<SectorHeader>,
    /// The address the header should carry, if one can be expected.
    pub expected_msf: Option<Msf>,
    pub subheader: Option<SubheaderPair>,
    pub edc: Option<EdcCheck>,
    pub ecc: Option<EccCheck>,
    /// Whether the zero field (mode 1) or zero body (mode 0) is zero.
    pub zero_ok: Option<bool>,
    pub problems: Problems,
    pub note: Option<Oddity>,
}

impl Verdict {
    fn plain(mode: SectorMode, size: usize, lba: Lba) -> Verdict {
        Verdict {
            mode,
            layout: SectorLayout::new(mode, size),
            sync_ok: None,
            header: None,
            expected_msf: lba.to_msf(),
            subheader: None,
            edc: None,
            ecc: None,
            zero_ok: None,
            problems: Problems::default(),
            note: None,
        }
    }

    pub fn is_bad(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Whether a field passed its check: `None` for fields without one.
    pub fn field_ok(&self, kind: FieldKind) -> Option<bool> {
        match kind {
            FieldKind::Sync => self.sync_ok,
            FieldKind::Header => self.header.map(|_| {
                !self.problems.contains(Problem::HeaderMsf)
                    && !self.problems.contains(Problem::Mode)
            }),
            FieldKind::Subheader => self.subheader.map(|s| s.copies_match()),
            FieldKind::Edc => self.edc.map(|e| e.ok() || self.note.is_some()),
            FieldKind::Zero => self.zero_ok,
            FieldKind::EccP => self
                .ecc
                .map(|e| e.p_ok() || self.note == Some(Oddity::EccOverHeader)),
            FieldKind::EccQ => self
                .ecc
                .map(|e| e.q_ok() || self.note == Some(Oddity::EccOverHeader)),
            _ => None,
        }
    }
}

/// Judges one stored sector read at `lba`.
pub fn judge(bytes: &[u8], lba: Lba, storage: Storage) -> Verdict {
    match storage {
        Storage::Audio => Verdict::plain(SectorMode::Audio, bytes.len(), lba),
        Storage::Cooked => Verdict::plain(SectorMode::Cooked, bytes.len(), lba),
        Storage::Disk => Verdict::plain(SectorMode::Disk, bytes.len(), lba),
        Storage::Raw { expected_mode } => match <&[u8; RAW_SIZE]>::try_from(bytes) {
            Ok(raw) => judge_raw(raw, lba, expected_mode),
            Err(_) => Verdict::plain(SectorMode::Unknown, bytes.len(), lba),
        },
        Storage::Headerless => {
            // Put the stored 2336 bytes behind a zero sync and header so the
            // raw code (and its ECC, which takes the header as zero) applies.
            let mut raw = [0u8; RAW_SIZE];
            match raw.get_mut(16..).filter(|dst| dst.len() == bytes.len()) {
                Some(dst) => dst.copy_from_slice(bytes),
                None => return Verdict::plain(SectorMode::Unknown, bytes.len(), lba),
            }
            let mut verdict = Verdict::plain(SectorMode::Unknown, bytes.len(), lba);
            if bytes.iter().all(|b| *b == 0) {
                verdict.note = Some(Oddity::Empty);
                return verdict;
            }
            if bytes.iter().all(|b| *b == 0x55) {
                verdict.note = Some(Oddity::Fill55);
                return verdict;
            }
            judge_mode2(&raw, lba, &mut verdict);
            verdict.layout = SectorLayout::new(verdict.mode, bytes.len());
            verdict
        }
    }
}

fn judge_raw(raw: &[u8; RAW_SIZE], lba: Lba, expected_mode: Option<u8>) -> Verdict {
    let mut verdict = Verdict::plain(SectorMode::Unknown, RAW_SIZE, lba);
    if raw.iter().all(|b| *b == 0) {
        verdict.note = Some(Oddity::Empty);
        return verdict;
    }
    let body = raw.get(16..).unwrap_or_default();
    let sync_ok = raw.starts_with(&SYNC);
    if body.iter().all(|b| *b == 0x55) {
        verdict.note = Some(Oddity::Fill55);
        verdict.sync_ok = Some(sync_ok);
        return verdict;
    }
    verdict.sync_ok = Some(sync_ok);
    if !sync_ok {
        verdict.problems.insert(Problem::Sync);
    }
    let Some(header) = SectorHeader::read(raw, 12) else {
        return verdict;
    };
    verdict.header = Some(header);
    if header.msf().is_none() || header.matches(lba) == Some(false) {
        verdict.problems.insert(Problem::HeaderMsf);
    }
    if expected_mode.is_some_and(|m| header.mode != m && header.mode != 0) {
        verdict.problems.insert(Problem::Mode);
    }
    match header.mode {
        0 => {
            verdict.mode = SectorMode::Mode0;
            let zero = body.iter().all(|b| *b == 0);
            verdict.zero_ok = Some(zero);
            if !zero {
                verdict.problems.insert(Problem::Zero);
            }
        }
        1 => judge_mode1(raw, &mut verdict),
        2 => judge_mode2(raw, lba, &mut verdict),
        _ => {
            verdict.problems.insert(Problem::Mode);
        }
    }
    verdict.layout = SectorLayout::new(verdict.mode, RAW_SIZE);
    verdict
}

fn judge_mode1(raw: &[u8; RAW_SIZE], verdict: &mut Verdict) {
    verdict.mode = SectorMode::Mode1;
    let layout = SectorLayout::new(SectorMode::Mode1, RAW_SIZE);
    let (edc, ecc) = edc_and_ecc(raw, &layout, 0, false);
    if let Some(check) = edc {
        if !check.ok() {
            verdict.problems.insert(Problem::Edc);
        }
        verdict.edc = Some(check);
    }
    if let Some(zero) = layout.range(FieldKind::Zero).and_then(|r| raw.get(r)) {
        let ok = zero.iter().all(|b| *b == 0);
        verdict.zero_ok = Some(ok);
        if !ok {
            verdict.problems.insert(Problem::Zero);
        }
    }
    record_ecc(verdict, ecc);
}

/// Mode 2 in raw coordinates (a headerless sector has been placed at 16).
fn judge_mode2(raw: &[u8; RAW_SIZE], lba: Lba, verdict: &mut Verdict) {
    let Some(pair) = SubheaderPair::read(raw, 16) else {
        return;
    };
    verdict.subheader = Some(pair);
    let form1 = SectorLayout::new(SectorMode::Mode2Form1, RAW_SIZE);
    let form2 = SectorLayout::new(SectorMode::Mode2Form2, RAW_SIZE);
    let is_form2 = if pair.first.is_form2() == pair.second.is_form2() {
        pair.first.is_form2()
    } else {
        // The copies disagree on the form: believe the one whose EDC holds.
        !edc_check(raw, &form1, 16).is_some_and(|e| e.ok())
            && edc_check(raw, &form2, 16).is_some_and(|e| e.ok())
    };
    if !pair.copies_match() {
        verdict.problems.insert(Problem::Subheader);
    }
    if is_form2 {
        verdict.mode = SectorMode::Mode2Form2;
        if let Some(check) = edc_check(raw, &form2, 16) {
            if check.stored == 0 && !check.ok() {
                verdict.note = Some(Oddity::Form2EdcZero);
            } else if !check.ok() {
                verdict.problems.insert(Problem::Edc);
            }
            verdict.edc = Some(check);
        }
    } else {
        verdict.mode = SectorMode::Mode2Form1;
        let (edc, check) = edc_and_ecc(raw, &form1, 16, true);
        if let Some(edc) = edc {
            if !edc.ok() {
                verdict.problems.insert(Problem::Edc);
            }
            verdict.edc = Some(edc);
        }
        if !check.ok() && ecc::check(raw, false).ok() && raw.starts_with(&SYNC) {
            verdict.ecc = Some(check);
            verdict.note = Some(Oddity::EccOverHeader);
        } else {
            record_ecc(verdict, check);
        }
    }
    let playstation = (12..=15).contains(&lba.0);
    if playstation && verdict.edc.is_some_and(|e| e.stored == 0 && !e.ok()) {
        verdict.problems.remove(Problem::Edc);
        verdict.note = Some(Oddity::PlaystationEdcZero);
    }
}

fn record_ecc(verdict: &mut Verdict, check: EccCheck) {
    if !check.p_ok() {
        verdict.problems.insert(Problem::EccP);
    }
    if !check.q_ok() {
        verdict.problems.insert(Problem::EccQ);
    }
    verdict.ecc = Some(check);
}

/// EDC and ECC of a raw sector in one pass of the kernel.
fn edc_and_ecc(
    raw: &[u8; RAW_SIZE],
    layout: &SectorLayout,
    from: usize,
    zero_header: bool,
) -> (Option<EdcCheck>, EccCheck) {
    let field = layout.range(FieldKind::Edc);
    let span = field
        .as_ref()
        .and_then(|f| raw.get(from..f.start))
        .unwrap_or_default();
    let (computed, ecc) = kernel::check(span, Some((raw, zero_header)));
    let edc = field
        .and_then(|f| edc::stored(raw, f.start))
        .map(|stored| EdcCheck { stored, computed });
    (edc, ecc.unwrap_or_default())
}

/// EDC of a raw sector per `layout`: it covers `from` up to the EDC field.
fn edc_check(raw: &[u8], layout: &SectorLayout, from: usize) -> Option<EdcCheck> {
    let field = layout.range(FieldKind::Edc)?;
    Some(EdcCheck {
        stored: edc::stored(raw, field.start)?,
        computed: edc::compute(raw.get(from..field.start)?),
    })
}

//! What a sector's checks found, in words: one explanation that `discscope
//! sector` prints and the inspector shows.

use crate::sector::{FieldKind, SectorMode, Verdict, ecc};

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Good,
    Bad,
    /// Unusual but deliberate (form 2 EDC of 0, dumpers' fill ...).
    Intended,
    /// A fact, not a check.
    Plain,
}

impl Status {
    fn of(ok: bool) -> Status {
        if ok { Status::Good } else { Status::Bad }
    }
}

/// One line of the explanation: a label, what was found, how it came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub label: &'static str,
    pub text: String,
    pub outcome: Status,
}

fn check(label: &'static str, text: impl Into<String>, outcome: Status) -> Check {
    Check {
        label,
        text: text.into(),
        outcome,
    }
}

/// Every check the sector allows, then the verdict. `bytes` is the stored
/// sector, which names the first failing parity byte.
pub fn sector_checks(verdict: &Verdict, bytes: &[u8]) -> Vec<Check> {
    let mut out = Vec::new();
    if let Some(ok) = verdict.sync_ok {
        out.push(check("sync", "", Status::of(ok)));
    }
    if let Some(header) = verdict.header {
        let expected = verdict
            .expected_msf
            .map_or_else(|| "-".to_owned(), |m| m.to_string());
        out.push(check(
            "header",
            format!(
                "{} mode {} (expected {expected})",
                header.msf_text(),
                header.mode
            ),
            Status::of(verdict.field_ok(FieldKind::Header).unwrap_or(true)),
        ));
    }
    if let Some(pair) = verdict.subheader {
        let first = pair.first;
        let copies = if pair.copies_match() {
            "copies match".to_owned()
        } else {
            format!("copies differ (second {:02x?})", pair.second.to_bytes())
        };
        out.push(check(
            "subheader",
            format!(
                "file {} channel {} submode {:#04x} [{}] coding {:#04x}; {copies}",
                first.file,
                first.channel,
                first.submode,
                first.submode_names().join(" "),
                first.coding,
            ),
            Status::of(pair.copies_match()),
        ));
    }
    if let Some(edc) = verdict.edc {
        let outcome = if !edc.ok() && verdict.note.is_some() {
            Status::Intended
        } else {
            Status::of(edc.ok())
        };
        out.push(check(
            "EDC",
            format!(
                "stored {:#010x} computed {:#010x}",
                edc.stored, edc.computed
            ),
            outcome,
        ));
    }
    if let Some(ok) = verdict.zero_ok {
        out.push(check("zero", "", Status::of(ok)));
    }
    if let Some(parity) = verdict.ecc {
        let expected = <&[u8; 2352]>::try_from(bytes)
            .ok()
            .map(|raw| ecc::expected_parity(raw, verdict.mode != SectorMode::Mode1));
        let rows = [
            (
                "ECC P",
                parity.p_failures(),
                ecc::P_CODEWORDS,
                FieldKind::EccP,
                ecc::P_OFFSET,
                expected.as_ref().map(|(p, _)| &p[..]),
            ),
            (
                "ECC Q",
                parity.q_failures(),
                ecc::Q_CODEWORDS,
                FieldKind::EccQ,
                ecc::Q_OFFSET,
                expected.as_ref().map(|(_, q)| &q[..]),
            ),
        ];
        for (label, failed, of, kind, at, expected) in rows {
            let detail = match expected {
                Some(expected) if failed > 0 => first_difference(bytes, at, expected),
                _ => String::new(),
            };
            out.push(check(
                label,
                format!("{failed} of {of} codewords fail{detail}"),
                Status::of(verdict.field_ok(kind).unwrap_or(false)),
            ));
        }
    }
    if let Some(note) = verdict.note {
        out.push(check("note", note.describe(), Status::Intended));
    }
    let checked = !out.is_empty();
    out.push(if verdict.is_bad() {
        check(
            "verdict",
            format!("problems: {}", verdict.problems.names().join(", ")),
            Status::Bad,
        )
    } else if checked {
        check("verdict", "no problems found", Status::Good)
    } else {
        check(
            "verdict",
            format!(
                "nothing to check: {} sectors carry no sync, EDC or ECC",
                verdict.mode.describe()
            ),
            Status::Plain,
        )
    });
    out
}

/// "; first parity difference at byte 2080: stored 1f, computed 3c".
fn first_difference(bytes: &[u8], at: usize, expected: &[u8]) -> String {
    let stored = bytes.get(at..at + expected.len()).unwrap_or_default();
    stored
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .and_then(|i| {
            Some(format!(
                "; first parity difference at byte {}: stored {:02x}, computed {:02x}",
                at + i,
                stored.get(i)?,
                expected.get(i)?
            ))
        })
        .unwrap_or_default()
}

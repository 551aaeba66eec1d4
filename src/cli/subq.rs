//! Subchannel Q for `sector` and `verify`: the frame beside the header, and
//! the whole-file scan with bad CRCs counted apart from sector damage.

use std::io::Write;

use discscope::subchannel::{Q, QData, QReport};
use discscope::units::Lba;
use serde::Serialize;

use super::Output;

/// One Q frame as JSON.
#[derive(Debug, Serialize)]
pub struct QJson {
    control: u8,
    adr: u8,
    track: Option<u8>,
    index: Option<u8>,
    relative: Option<String>,
    absolute: Option<String>,
    mcn: Option<String>,
    isrc: Option<String>,
    crc_stored: String,
    crc_computed: String,
    crc_ok: bool,
    /// Whether the absolute time names this sector (`null` for non-position frames).
    position_ok: Option<bool>,
}

/// Whether a position frame's absolute time is the sector's own (`None` for
/// frames without a position).
fn position_ok(q: &Q, lba: Lba) -> Option<bool> {
    matches!(q.data, QData::Position { .. }).then(|| q.absolute_lba() == Some(lba))
}

pub fn to_json(q: &Q, lba: Lba) -> QJson {
    let (mut track, mut index, mut relative, mut absolute, mut mcn, mut isrc) =
        (None, None, None, None, None, None);
    match &q.data {
        QData::Position {
            track: t,
            index: i,
            relative: r,
            absolute: a,
        } => {
            (track, index) = (Some(*t), Some(*i));
            relative = r.map(|m| m.to_string());
            absolute = a.map(|m| m.to_string());
        }
        QData::Catalog { mcn: m, .. } => mcn = Some(m.clone()),
        QData::Isrc { isrc: i, .. } => isrc = Some(i.clone()),
        QData::Other => {}
    }
    QJson {
        control: q.control,
        adr: q.adr,
        track,
        index,
        relative,
        absolute,
        mcn,
        isrc,
        crc_stored: format!("{:#06x}", q.crc_stored),
        crc_computed: format!("{:#06x}", q.crc_computed),
        crc_ok: q.crc_ok(),
        position_ok: position_ok(q, lba),
    }
}

/// One line beside the header: what Q says, with mismatches marked.
pub fn print(q: &Q, lba: Lba, out: &mut Output) -> anyhow::Result<()> {
    let what = match &q.data {
        QData::Position {
            track,
            index,
            relative,
            absolute,
        } => {
            let show = |m: &Option<discscope::units::Msf>| {
                m.map_or_else(|| "??:??:??".to_owned(), |m| m.to_string())
            };
            let mark = if position_ok(q, lba) == Some(false) {
                out.paint("1;31", " (not this sector)")
            } else {
                String::new()
            };
            format!(
                "track {track:02} index {index:02} relative {} absolute {}{mark}",
                show(relative),
                show(absolute)
            )
        }
        QData::Catalog { mcn, .. } => format!("catalogue number {mcn}"),
        QData::Isrc { isrc, .. } => format!("ISRC {}", discscope::escape::escape(isrc)),
        QData::Other => "undecoded".to_owned(),
    };
    let crc = if q.crc_ok() {
        out.paint("32", "CRC ok")
    } else {
        out.paint(
            "1;31",
            &format!(
                "CRC BAD (stored {:#06x}, computed {:#06x})",
                q.crc_stored, q.crc_computed
            ),
        )
    };
    writeln!(
        out,
        "{:<10}control {:#x} ADR {} {what}; {crc}",
        out.paint("1", "subq"),
        q.control,
        q.adr
    )?;
    Ok(())
}

/// The scan of a whole `.sub` as JSON.
#[derive(Debug, Serialize)]
pub struct ScanJson {
    sectors: u64,
    bad_crc: usize,
    bad_crc_lbas: Vec<i64>,
    wrong_position: usize,
    pattern: Option<&'static str>,
}

/// At most this many LBAs are listed; the counts stay exact.
const LISTED: usize = 10_000;

pub fn scan_json(report: &QReport) -> ScanJson {
    ScanJson {
        sectors: report.sectors,
        bad_crc: report.bad_crc.len(),
        bad_crc_lbas: report.bad_crc.iter().take(LISTED).map(|l| l.0).collect(),
        wrong_position: report.wrong_position.len(),
        pattern: report.pattern(),
    }
}

/// Whether the scan shows damage (a known protection pattern is intended).
pub fn is_bad(report: &QReport) -> bool {
    !report.bad_crc.is_empty() && report.pattern().is_none()
}

pub fn print_scan(report: &QReport, out: &mut Output) -> anyhow::Result<()> {
    let bad = report.bad_crc.len();
    let line = match (bad, report.pattern()) {
        (0, _) => format!("subchannel Q: {} sectors, every CRC good", report.sectors),
        (n, Some(pattern)) => format!(
            "subchannel Q: {n} bad CRCs of {} sectors: {pattern} (intentional)",
            report.sectors
        ),
        (n, None) => format!("subchannel Q: {n} bad CRCs of {} sectors", report.sectors),
    };
    writeln!(out, "{line}")?;
    if !report.wrong_position.is_empty() {
        writeln!(
            out,
            "subchannel Q: {} frames name another sector's time",
            report.wrong_position.len()
        )?;
    }
    if bad > 0 && bad <= 20 {
        let list: Vec<String> = report.bad_crc.iter().map(|l| l.0.to_string()).collect();
        writeln!(out, "  bad Q at LBA {}", list.join(", "))?;
    }
    Ok(())
}

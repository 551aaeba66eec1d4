//! The sheets a conversion writes for its bins: a CDRWIN cue sheet (as
//! binmerge and chdman lay one out) and a cdrdao toc file.
//!
//! Sources: CDRWIN user's guide (cue commands, `INDEX` times counted in
//! frames from the start of their FILE); the cdrdao manual (TOC FILES:
//! `DATAFILE`/`FILE` with a `#byte offset`, `START` for a stored pregap,
//! `PREGAP` for one that is not, `INDEX` relative to the track's start).

use std::fmt::Write;

use super::layout::{TrackInBin, keeps_pregap};
use crate::container::cue::layout::{
    LATER_LEAD_OUT_SECTORS, LEAD_IN_SECTORS, LEAD_OUT_SECTORS, SESSION_PREGAP_SECTORS,
};
use crate::container::cue::sheet::CD_TEXT_FIELDS;
use crate::container::toc::mode::{TOC_MODES, TocMode};
use crate::error::{Error, Result};
use crate::medium::{Medium, Track, TrackMode};
use crate::units::{Lba, Msf};

/// Text from an image inside double quotes: neither sheet can escape a
/// quote, and a line break would end the command.
fn quoted(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    format!("\"{clean}\"")
}

fn sectors(from: Lba, to: Lba) -> u64 {
    u64::try_from(to.0 - from.0).unwrap_or(0)
}

/// The cue sheet for bins `names` holding the tracks as `placed`.
pub(crate) fn cue(medium: &Medium, placed: &[TrackInBin], names: &[String]) -> String {
    let mut s = String::new();
    if let Some(catalog) = &medium.catalog {
        let _ = writeln!(s, "CATALOG {catalog}");
    }
    for (field, value) in &medium.cd_text.fields {
        let _ = writeln!(s, "{}{field} {}", cue_text_prefix(field), quoted(value));
    }
    let sessions = medium.sessions.len() > 1;
    let (mut bin, mut session) = (None, 0);
    for p in placed {
        let Some(track) = medium.tracks.get(p.track) else {
            continue;
        };
        if sessions && track.session != session {
            if session != 0
                && let Some(lead_out) = lead_out(medium, track, session)
            {
                let _ = writeln!(s, "REM LEAD-OUT {}", Msf::sheet_time(lead_out));
            }
            session = track.session;
            let _ = writeln!(s, "REM SESSION {session:02}");
        }
        if bin != Some(p.bin) {
            bin = Some(p.bin);
            let name = names.get(p.bin).map_or("", String::as_str);
            let _ = writeln!(s, "FILE {} BINARY", quoted(name));
        }
        cue_track(&mut s, track, p);
    }
    s
}

/// The `REM LEAD-OUT` that makes a cue reader place `first` (the first
/// track of a later session) where the image has it: the reader puts the
/// lead-out, a lead-in and what the pregap lacks of 150 sectors between
/// the sessions. `None` when the image's gap is shorter than that.
fn lead_out(medium: &Medium, first: &Track, previous: u8) -> Option<u64> {
    let last = medium.tracks.iter().rfind(|t| t.session == previous)?;
    let end = last.end().0 + i64::try_from(last.postgap).ok()?;
    let gap = first.pregap_start().0 - end;
    let pregap = i64::try_from(first.pregap).ok()?;
    let lead_out = gap - LEAD_IN_SECTORS - (SESSION_PREGAP_SECTORS - pregap).max(0);
    let default = if medium.tracks.first().map(|t| t.session) == Some(previous) {
        LEAD_OUT_SECTORS
    } else {
        LATER_LEAD_OUT_SECTORS
    };
    // The usual gap needs no line.
    (lead_out != default).then_some(())?;
    u64::try_from(lead_out).ok()
}

/// A CD-TEXT item a cue sheet has no command for (DISC_ID, GENRE, ...) is
/// kept as a `REM` line, for people.
fn cue_text_prefix(field: &str) -> &'static str {
    if CD_TEXT_FIELDS.contains(&field) {
        ""
    } else {
        "REM "
    }
}

fn cue_track(s: &mut String, track: &Track, p: &TrackInBin) {
    let _ = writeln!(s, "  TRACK {:02} {}", track.number, track.mode.cue_name());
    let flags = track.flags.names();
    if !flags.is_empty() {
        let _ = writeln!(s, "    FLAGS {}", flags.join(" "));
    }
    if let Some(isrc) = &track.isrc {
        let _ = writeln!(s, "    ISRC {isrc}");
    }
    for (field, value) in &track.cd_text.fields {
        let _ = writeln!(s, "    {}{field} {}", cue_text_prefix(field), quoted(value));
    }
    let at = |lba: Lba| Msf::sheet_time(p.first_frame + sectors(p.from, lba));
    if track.pregap > 0 && !keeps_pregap(track) {
        let _ = writeln!(s, "    PREGAP {}", Msf::sheet_time(track.pregap));
    } else if track.pregap > 0 {
        let zero = track
            .indexes
            .iter()
            .find(|i| i.number == 0)
            .map_or(track.pregap_start(), |i| i.lba);
        let _ = writeln!(s, "    INDEX 00 {}", at(zero));
    }
    if !track.indexes.iter().any(|i| i.number == 1) {
        let _ = writeln!(s, "    INDEX 01 {}", at(track.start));
    }
    for index in track.indexes.iter().filter(|i| i.number >= 1) {
        let _ = writeln!(s, "    INDEX {:02} {}", index.number, at(index.lba));
    }
    if track.postgap > 0 {
        let _ = writeln!(s, "    POSTGAP {}", Msf::sheet_time(track.postgap));
    }
}

/// cdrdao's word for a track mode.
fn toc_mode(mode: TrackMode) -> Option<TocMode> {
    TOC_MODES
        .into_iter()
        .filter(|m| !matches!(m, TocMode::Mode0 | TocMode::Mode2FormMix))
        .find(|m| m.track_mode() == mode)
        .or(match mode {
            TrackMode::Cdi2336 => Some(TocMode::Mode2),
            TrackMode::Cdi2352 => Some(TocMode::Mode2Raw),
            _ => None,
        })
}

/// The toc file for bins `names` holding the tracks as `placed`.
pub(crate) fn toc(medium: &Medium, placed: &[TrackInBin], names: &[String]) -> Result<String> {
    if medium.sessions.len() > 1 {
        return Err(Error::image(
            &medium.path,
            "has more than one session, which a toc file cannot describe (write a cue sheet)",
        ));
    }
    let mut s = String::new();
    let disc = if medium.tracks.iter().all(Track::is_audio) {
        "CD_DA"
    } else if medium.tracks.iter().any(|t| {
        toc_mode(t.mode)
            .is_some_and(|m| !matches!(m, TocMode::Audio | TocMode::Mode1 | TocMode::Mode1Raw))
    }) {
        "CD_ROM_XA"
    } else {
        "CD_ROM"
    };
    let _ = writeln!(s, "{disc}");
    if let Some(catalog) = &medium.catalog {
        let _ = writeln!(s, "CATALOG {}", quoted(catalog));
    }
    let text = |fields: &[(String, String)]| -> String {
        fields
            .iter()
            .filter(|(f, _)| CD_TEXT.contains(&f.as_str()))
            .map(|(f, v)| format!("{f} {}", quoted(v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let has_text =
        !medium.cd_text.is_empty() || medium.tracks.iter().any(|t| !t.cd_text.is_empty());
    if has_text {
        let _ = writeln!(
            s,
            "CD_TEXT {{\n  LANGUAGE_MAP {{ 0 : EN }}\n  LANGUAGE 0 {{ {} }}\n}}",
            text(&medium.cd_text.fields)
        );
    }
    let mut offsets = vec![0u64; names.len()];
    for p in placed {
        let Some(track) = medium.tracks.get(p.track) else {
            continue;
        };
        let mode = toc_mode(track.mode).ok_or_else(|| {
            Error::image(
                &medium.path,
                format!(
                    "track {} is {}, which a toc file cannot name",
                    track.number, track.mode
                ),
            )
        })?;
        if track.postgap > 0 {
            return Err(Error::image(
                &medium.path,
                format!(
                    "track {} has a POSTGAP, which a toc file cannot describe",
                    track.number
                ),
            ));
        }
        let _ = writeln!(s, "\n// Track {}\nTRACK {}", track.number, mode.as_str());
        if track.flags.dcp {
            let _ = writeln!(s, "COPY");
        }
        if track.is_audio() {
            if track.flags.pre_emphasis {
                let _ = writeln!(s, "PRE_EMPHASIS");
            }
            if track.flags.four_channel {
                let _ = writeln!(s, "FOUR_CHANNEL_AUDIO");
            }
        }
        if let Some(isrc) = &track.isrc {
            let _ = writeln!(s, "ISRC {}", quoted(isrc));
        }
        if has_text {
            let _ = writeln!(
                s,
                "CD_TEXT {{\n  LANGUAGE 0 {{ {} }}\n}}",
                text(&track.cd_text.fields)
            );
        }
        // A toc counts from the first track's start: its pregap before LBA
        // 0 is the disc's lead-in gap, never written.
        if track.pregap > 0 && !keeps_pregap(track) && track.pregap_start().0 >= 0 {
            let _ = writeln!(s, "PREGAP {}", Msf::sheet_time(track.pregap));
        }
        let name = quoted(names.get(p.bin).map_or("", String::as_str));
        let count = sectors(p.from, track.end());
        let offset = offsets.get(p.bin).copied().unwrap_or(0);
        if track.is_audio() {
            // The bins hold samples as on the disc, little-endian; cdrdao
            // reads raw audio as big-endian unless told.
            let _ = writeln!(s, "FILE {name} SWAP #{offset} 0 {}", Msf::sheet_time(count));
        } else {
            let _ = writeln!(s, "DATAFILE {name} #{offset} {}", Msf::sheet_time(count));
        }
        if let Some(o) = offsets.get_mut(p.bin) {
            *o += count * u64::from(track.mode.sector_size());
        }
        if keeps_pregap(track) {
            let _ = writeln!(s, "START {}", Msf::sheet_time(sectors(p.from, track.start)));
        }
        for index in track.indexes.iter().filter(|i| i.number >= 2) {
            let _ = writeln!(
                s,
                "INDEX {}",
                Msf::sheet_time(sectors(track.start, index.lba))
            );
        }
    }
    Ok(s)
}

/// The CD-TEXT items a toc file takes as text.
const CD_TEXT: [&str; 8] = [
    "TITLE",
    "PERFORMER",
    "SONGWRITER",
    "COMPOSER",
    "ARRANGER",
    "MESSAGE",
    "DISC_ID",
    "UPC_EAN",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::medium::{CdText, Format, Index, MediumKind, Session, TrackFlags};

    fn track(number: u8, mode: TrackMode, start: i64, pregap: u64, stored: bool) -> Track {
        let mut indexes = Vec::new();
        if stored && pregap > 0 {
            indexes.push(Index {
                number: 0,
                lba: Lba(start - pregap as i64),
            });
        }
        indexes.push(Index {
            number: 1,
            lba: Lba(start),
        });
        Track {
            number,
            session: 1,
            mode,
            start: Lba(start),
            pregap,
            pregap_in_file: stored,
            length: 100,
            postgap: 0,
            indexes,
            file: Some(0),
            file_offset: Some(0),
            flags: TrackFlags::default(),
            isrc: None,
            cd_text: CdText::default(),
            rem: Vec::new(),
        }
    }

    #[test]
    fn cue_carries_catalog_flags_isrc_text_and_both_kinds_of_pregap() {
        let mut medium = Medium::empty(Format::Nrg, MediumKind::Optical, "x.nrg".as_ref(), 2352);
        medium.catalog = Some("0123456789012".into());
        medium.cd_text.fields = vec![
            ("TITLE".into(), "A \"quoted\" disc".into()),
            ("DISC_ID".into(), "XY-1".into()),
        ];
        let mut first = track(1, TrackMode::Mode1_2352, 0, 150, false);
        first.length = 100;
        let mut second = track(2, TrackMode::Audio, 250, 150, false);
        second.flags.dcp = true;
        second.isrc = Some("USABC9912345".into());
        second.cd_text.fields = vec![("PERFORMER".into(), "sox".into())];
        second.indexes.push(Index {
            number: 2,
            lba: Lba(260),
        });
        let third = track(3, TrackMode::Audio, 370, 20, true);
        medium.tracks = vec![first, second, third];
        medium.sessions = Session::group(&medium.tracks);
        let placed = [
            TrackInBin {
                track: 0,
                bin: 0,
                from: Lba(0),
                first_frame: 0,
            },
            TrackInBin {
                track: 1,
                bin: 0,
                from: Lba(250),
                first_frame: 100,
            },
            TrackInBin {
                track: 2,
                bin: 0,
                from: Lba(350),
                first_frame: 200,
            },
        ];
        let text = cue(&medium, &placed, &["disc.bin".to_owned()]);
        assert_eq!(
            text,
            "CATALOG 0123456789012\n\
             TITLE \"A 'quoted' disc\"\n\
             REM DISC_ID \"XY-1\"\n\
             FILE \"disc.bin\" BINARY\n\
             \x20 TRACK 01 MODE1/2352\n\
             \x20   PREGAP 00:02:00\n\
             \x20   INDEX 01 00:00:00\n\
             \x20 TRACK 02 AUDIO\n\
             \x20   FLAGS DCP\n\
             \x20   ISRC USABC9912345\n\
             \x20   PERFORMER \"sox\"\n\
             \x20   PREGAP 00:02:00\n\
             \x20   INDEX 01 00:01:25\n\
             \x20   INDEX 02 00:01:35\n\
             \x20 TRACK 03 AUDIO\n\
             \x20   INDEX 00 00:02:50\n\
             \x20   INDEX 01 00:02:70\n"
        );
        let toc = toc(&medium, &placed, &["disc.bin".to_owned()]).unwrap();
        assert!(
            toc.starts_with("CD_ROM\nCATALOG \"0123456789012\"\n"),
            "{toc}"
        );
        assert!(
            toc.contains("TRACK AUDIO\nCOPY\nISRC \"USABC9912345\"\n"),
            "{toc}"
        );
        assert!(
            toc.contains("FILE \"disc.bin\" SWAP #235200 0 00:01:25\nINDEX 00:00:10\n"),
            "{toc}"
        );
        assert!(
            toc.contains("FILE \"disc.bin\" SWAP #470400 0 00:01:45\nSTART 00:00:20\n"),
            "{toc}"
        );
        // The first track's lead-in gap stays implicit in a toc.
        assert!(!toc.contains("PREGAP 00:02:00\nDATAFILE"), "{toc}");
    }
}

//! From a parsed sheet and its opened files to the disc's address map.
//!
//! Addresses follow the sheet's data: the first stored sector is LBA 0 (as
//! libcdio's cd-info counts), so a track 1 whose INDEX 01 is at 00:02:00 in
//! its file starts at LBA 150. Stored sectors before the first INDEX of the
//! sheet are track 1's pregap, as if INDEX 00 were at 00:00:00. A PREGAP or
//! POSTGAP adds sectors that are not stored; a PREGAP on the first track
//! sits at negative addresses.
//!
//! Sessions: the first track of a later session begins its pregap after
//! the previous session's lead-out and the new session's lead-in (4,500
//! sectors), and its INDEX 01 lies at least 150 sectors after that. The
//! lead-out is a `REM LEAD-OUT` time when the sheet gives one, else 6,750
//! sectors after the first session and 2,250 after later ones (Orange Book
//! multisession), so session 2's INDEX 01 lies 11,400 sectors after
//! session 1's end, the gap redump-style sheets assume. A pregap the sheet
//! gives (INDEX 00 or PREGAP) counts toward those 150 sectors.

use crate::container::cue::payload::Payload;
use crate::container::cue::sheet::{Sheet, Span, TrackBlock};
use crate::diagnostic::Diagnostic;
use crate::medium::{Extent, ExtentData, Gap, Index, Session, Track};
use crate::units::{Lba, Msf};

/// Sectors of the first session's lead-out when the sheet does not say.
pub const LEAD_OUT_SECTORS: i64 = 6_750;
/// Sectors of a later session's lead-out when the sheet does not say.
pub const LATER_LEAD_OUT_SECTORS: i64 = 2_250;
/// Sectors of a later session's lead-in.
pub const LEAD_IN_SECTORS: i64 = 4_500;
/// The pregap every session's first track has on a real disc.
pub const SESSION_PREGAP_SECTORS: i64 = 150;

/// The laid-out disc.
#[derive(Debug, Default)]
pub struct DiscLayout {
    pub sessions: Vec<Session>,
    pub tracks: Vec<Track>,
    pub extents: Vec<Extent>,
    pub notes: Vec<Diagnostic>,
}

/// An index position: which track, which index, where in which file.
#[derive(Clone, Copy, Debug)]
struct Mark {
    track: usize,
    index: u8,
    file: usize,
    time: Msf,
    span: Span,
}

/// What the walk learns about each track.
#[derive(Clone, Debug, Default)]
struct TrackState {
    /// The first sector, pregap included.
    first: Option<Lba>,
    /// One past the last sector, postgap included.
    end: Lba,
    indexes: Vec<Index>,
    /// File and byte offset of INDEX 01.
    index01_offset: Option<(usize, u64)>,
    /// Sectors of PREGAP (not stored).
    virtual_pregap: i64,
}

/// The walk through the files, mark by mark, placing sectors on the disc.
struct Walker<'a> {
    sheet: &'a Sheet,
    layout: DiscLayout,
    states: Vec<TrackState>,
    cursor: Lba,
    /// The track whose sectors come next.
    current: Option<usize>,
    /// Stored sectors before the sheet's first INDEX (track 1's pregap).
    leading: u64,
}

/// Lays out the tracks. `payloads[i]` is the data of `sheet.files[i]`.
/// Errors are fatal problems, as diagnostics with their line.
pub fn lay_out(sheet: &Sheet, payloads: &[Payload]) -> Result<DiscLayout, Box<Diagnostic>> {
    let tracks = &sheet.tracks;
    if tracks.is_empty() {
        return Err(Box::new(Diagnostic::error(
            "cue.no-tracks",
            "the sheet has no usable TRACK",
        )));
    }
    if tracks.len() > 99 {
        let at = tracks.get(99).map(|t| t.span).unwrap_or_default();
        return Err(Box::new(
            Diagnostic::error("cue.too-many-tracks", "a disc holds at most 99 tracks")
                .at_sheet(at.line, at.column),
        ));
    }
    let mut marks = Vec::new();
    for (number, track) in tracks.iter().enumerate() {
        if track.track_mode().is_none() {
            return Err(Box::new(
                Diagnostic::error(
                    "cue.unknown-mode",
                    format!("TRACK {:02} has no usable mode", track.number),
                )
                .at_sheet(track.span.line, track.span.column),
            ));
        }
        if !track.indexes.iter().any(|i| i.number == 1) {
            return Err(Box::new(
                Diagnostic::error(
                    "cue.missing-index-01",
                    format!("TRACK {:02} has no INDEX 01", track.number),
                )
                .at_sheet(track.span.line, track.span.column)
                .suggest("add `INDEX 01 mm:ss:ff` where the track's audio or data begins"),
            ));
        }
        marks.extend(track.indexes.iter().map(|i| Mark {
            track: number,
            index: i.number,
            file: i.file,
            time: i.time,
            span: i.span,
        }));
    }
    check_order(&marks)?;

    let first_pregap = tracks
        .first()
        .and_then(|t| t.pregap)
        .map_or(0, |(m, _)| m.frames());
    let mut walker = Walker {
        sheet,
        layout: DiscLayout::default(),
        states: vec![TrackState::default(); tracks.len()],
        cursor: Lba(-first_pregap),
        current: None,
        leading: 0,
    };
    let mut marks = marks.iter().peekable();
    for (file_number, payload) in payloads.iter().enumerate() {
        // Bytes of this file already placed, and the file time reached.
        let mut consumed = 0u64;
        let mut at_time = 0i64;
        if walker.current.is_none() && payload.len > 0 {
            // Data before the sheet's first INDEX: track 1's pregap.
            let first = marks
                .peek()
                .filter(|m| m.file != file_number || m.time.frames() > 0);
            if let Some(first) = first {
                walker.begin_track(first.track);
            }
        }
        loop {
            let next = marks.peek().filter(|m| m.file == file_number).copied();
            let until = next.map(|m| m.time.frames());
            if until.is_none_or(|t| t > at_time) {
                // Sectors up to the next mark (or the file's end) go to the
                // current track; before any track they belong to nobody.
                consumed = walker.place(file_number, payload, consumed, at_time, next)?;
                at_time = until.unwrap_or(at_time);
            }
            let Some(mark) = next else { break };
            marks.next();
            if walker.current != Some(mark.track) {
                walker.begin_track(mark.track);
            }
            if let Some(state) = walker.states.get_mut(mark.track) {
                state.indexes.push(Index {
                    number: mark.index,
                    lba: walker.cursor,
                });
                if mark.index == 1 {
                    state.index01_offset = Some((file_number, payload.offset + consumed));
                }
            }
        }
    }
    walker.close_track();
    Ok(walker.finish())
}

impl Walker<'_> {
    fn tracks(&self) -> &[TrackBlock] {
        &self.sheet.tracks
    }

    /// Places the sectors from `at_time` up to `next` (or the end of the
    /// file) and returns the bytes consumed so far.
    fn place(
        &mut self,
        file_number: usize,
        payload: &Payload,
        consumed: u64,
        at_time: i64,
        next: Option<&Mark>,
    ) -> Result<u64, Box<Diagnostic>> {
        let owner = self.current;
        let size_of = |track: Option<usize>| {
            u64::from(mode_of(self.tracks(), track.unwrap_or(0)).sector_size())
        };
        let size = size_of(owner.or(next.map(|m| m.track)));
        let remaining = payload.len.saturating_sub(consumed);
        let count = match next {
            Some(mark) => {
                let wanted = u64::try_from(mark.time.frames() - at_time).unwrap_or(0);
                if wanted.saturating_mul(size) > remaining {
                    return Err(past_end(self.sheet, mark, payload));
                }
                wanted
            }
            None => {
                if !remaining.is_multiple_of(size) {
                    let file = self.sheet.files.get(file_number);
                    self.layout.notes.push(
                        Diagnostic::warning(
                            "cue.partial-sector",
                            format!(
                                "`{}` ends {} bytes into a {size}-byte sector; the partial sector is ignored",
                                file.map_or("?", |f| f.name.as_str()),
                                remaining % size
                            ),
                        )
                        .at_sheet(file.map_or(0, |f| f.span.line), 1),
                    );
                }
                remaining / size
            }
        };
        if owner.is_some_and(|t| self.states.get(t).is_some_and(|s| s.indexes.is_empty())) {
            // Before the sheet's first INDEX: noted once, in `finish`.
            self.leading += count;
        }
        let Some(owner) = owner else {
            if count > 0 {
                self.layout.notes.push(Diagnostic::info(
                    "cue.unindexed-data",
                    format!("{count} sectors at the start of the file precede the first INDEX and belong to no track"),
                ));
            }
            return Ok(consumed + count * size);
        };
        self.push(
            count,
            size as u32,
            Some(owner),
            ExtentData::File {
                file: file_number,
                offset: payload.offset + consumed,
            },
        );
        if let Some(state) = self.states.get_mut(owner) {
            state.end = self.cursor;
        }
        Ok(consumed + count * size)
    }

    /// Closes the current track and opens `track`: postgap, session gap,
    /// pregap.
    fn begin_track(&mut self, track: usize) {
        let previous_session = self
            .current
            .and_then(|p| self.tracks().get(p))
            .map(|p| p.session);
        self.close_track();
        let Some(block) = self.tracks().get(track) else {
            return;
        };
        let (session, pregap, mode) = (block.session, block.pregap, mode_of_block(block));
        let pregap_given = pregap.map_or(0, |(m, _)| m.frames()) + stored_pregap(block);
        if let Some(previous) = previous_session.filter(|&s| s != session) {
            let first_session = self.tracks().first().map(|t| t.session);
            let default_lead_out = if Some(previous) == first_session {
                LEAD_OUT_SECTORS
            } else {
                LATER_LEAD_OUT_SECTORS
            };
            let lead_out = self
                .sheet
                .lead_outs
                .iter()
                .find(|(s, _)| *s == previous)
                .map_or(default_lead_out, |(_, t)| t.frames());
            let gap = lead_out + LEAD_IN_SECTORS + (SESSION_PREGAP_SECTORS - pregap_given).max(0);
            self.push(gap as u64, 2352, None, ExtentData::Zero(Gap::SessionGap));
        }
        let first = self.cursor;
        let virtual_pregap = pregap.map_or(0, |(m, _)| m.frames());
        self.push(
            virtual_pregap as u64,
            mode.sector_size(),
            Some(track),
            ExtentData::Zero(Gap::Pregap),
        );
        if let Some(state) = self.states.get_mut(track) {
            state.first = Some(first);
            state.virtual_pregap = virtual_pregap;
            state.end = self.cursor;
        }
        self.current = Some(track);
    }

    /// Adds the current track's POSTGAP, if it has one.
    fn close_track(&mut self) {
        let Some(track) = self.current else { return };
        let Some(block) = self.tracks().get(track) else {
            return;
        };
        let (postgap, size) = (block.postgap, mode_of_block(block).sector_size());
        if let Some((postgap, _)) = postgap {
            self.push(
                postgap.frames() as u64,
                size,
                Some(track),
                ExtentData::Zero(Gap::Postgap),
            );
            if let Some(state) = self.states.get_mut(track) {
                state.end = self.cursor;
            }
        }
    }

    /// Appends a run at the cursor and moves the cursor past it.
    fn push(&mut self, count: u64, sector_size: u32, track: Option<usize>, data: ExtentData) {
        if count == 0 {
            return;
        }
        self.layout.extents.push(Extent {
            start: self.cursor,
            count,
            sector_size,
            track,
            data,
        });
        self.cursor = Lba(self.cursor.0 + i64::try_from(count).unwrap_or(0));
    }

    fn finish(mut self) -> DiscLayout {
        if let Some(track) = self.sheet.tracks.first().filter(|_| self.leading > 0) {
            let at = track.indexes.first().map_or(track.span, |i| i.span);
            self.layout.notes.push(
                Diagnostic::info(
                    "cue.unindexed-data",
                    format!(
                        "{} sectors before the first INDEX are read as TRACK {:02}'s pregap",
                        self.leading, track.number
                    ),
                )
                .at_sheet(at.line, at.column)
                .suggest("add `INDEX 00 00:00:00` to say so"),
            );
        }
        let states = std::mem::take(&mut self.states);
        for (block, state) in self.sheet.tracks.iter().zip(states) {
            let start = state
                .indexes
                .iter()
                .find(|i| i.number == 1)
                .map_or(Lba(0), |i| i.lba);
            let first = state.first.unwrap_or(start);
            let postgap = block.postgap.map_or(0, |(m, _)| m.frames());
            let length = u64::try_from(state.end.0 - postgap - start.0).unwrap_or(0);
            if length == 0 {
                self.layout.notes.push(
                    Diagnostic::warning(
                        "cue.empty-track",
                        format!("TRACK {:02} holds no sectors", block.number),
                    )
                    .at_sheet(block.span.line, block.span.column),
                );
            }
            self.layout.tracks.push(Track {
                number: block.number,
                session: block.session,
                mode: mode_of_block(block),
                start,
                pregap: u64::try_from(start.0 - first.0).unwrap_or(0),
                pregap_in_file: state.virtual_pregap == 0,
                length,
                postgap: u64::try_from(postgap).unwrap_or(0),
                indexes: state.indexes,
                file: state.index01_offset.map(|(file, _)| file),
                file_offset: state.index01_offset.map(|(_, offset)| offset),
                flags: block.flags,
                isrc: block.isrc.as_ref().map(|(s, _)| s.clone()),
                cd_text: block.cd_text.clone(),
                rem: block.rem.clone(),
            });
        }
        self.layout.sessions = Session::group(&self.layout.tracks);
        self.layout
    }
}

#[cfg(test)]
mod tests;

fn mode_of(tracks: &[TrackBlock], index: usize) -> crate::medium::TrackMode {
    tracks
        .get(index)
        .map_or(crate::medium::TrackMode::Mode1_2352, mode_of_block)
}

/// A track's mode; [`lay_out`] refuses tracks without one before any is
/// asked, so the default is never used.
fn mode_of_block(block: &TrackBlock) -> crate::medium::TrackMode {
    block
        .track_mode()
        .unwrap_or(crate::medium::TrackMode::Mode1_2352)
}

fn stored_pregap(track: &TrackBlock) -> i64 {
    let zero = track.indexes.iter().find(|i| i.number == 0);
    let one = track.indexes.iter().find(|i| i.number == 1);
    match (zero, one) {
        (Some(z), Some(o)) if z.file == o.file => o.time.frames() - z.time.frames(),
        _ => 0,
    }
}

/// Index positions must move forward through the files.
fn check_order(marks: &[Mark]) -> Result<(), Box<Diagnostic>> {
    for pair in marks.windows(2) {
        let [a, b] = pair else { continue };
        if (b.file, b.time) < (a.file, a.time)
            || (b.file == a.file && b.time == a.time && b.track != a.track)
        {
            return Err(Box::new(
                Diagnostic::error(
                    "cue.index-not-increasing",
                    format!(
                        "INDEX {:02} at {} goes back before the previous index at {}",
                        b.index, b.time, a.time
                    ),
                )
                .at_sheet(b.span.line, b.span.column),
            ));
        }
    }
    Ok(())
}

fn past_end(sheet: &Sheet, mark: &Mark, payload: &Payload) -> Box<Diagnostic> {
    let number = sheet.tracks.get(mark.track).map_or(0, |t| t.number);
    Box::new(
        Diagnostic::error(
            "cue.index-past-end",
            format!(
                "TRACK {number:02}: this index lies past the end of its file ({} bytes)",
                payload.len
            ),
        )
        .at_sheet(mark.span.line, mark.span.column),
    )
}

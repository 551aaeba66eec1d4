use super::*;

fn parse(text: &str) -> Sheet {
    Sheet::parse_bytes(text.as_bytes())
}

#[test]
fn parses_a_full_sheet() {
    let sheet = parse(
        "REM GENRE Rock\nCATALOG 0000012101954\nTITLE \"Disc\"\nFILE \"a b.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    FLAGS DCP PRE\n    ISRC USRC17607839\n    TITLE \"Song\"\n    PREGAP 00:02:00\n    INDEX 01 00:10:00\n    INDEX 02 00:12:00\n    POSTGAP 00:01:00\n",
    );
    assert!(sheet.diagnostics.is_empty(), "{:?}", sheet.diagnostics);
    assert_eq!(sheet.catalog.as_ref().unwrap().0, "0000012101954");
    assert_eq!(sheet.rem[0].text, "GENRE Rock");
    assert_eq!(sheet.files[0].name, "a b.bin");
    let t2 = &sheet.tracks[1];
    assert_eq!(t2.mode, DeclaredMode::Known(TrackMode::Audio));
    assert_eq!(t2.flags.names(), ["DCP", "PRE"]);
    assert_eq!(t2.pregap.unwrap().0.frames(), 150);
    assert_eq!(t2.postgap.unwrap().0.frames(), 75);
    assert_eq!(t2.indexes.len(), 2);
    assert_eq!(t2.cd_text.get("title"), Some("Song"));
    assert_eq!(t2.span, Span { line: 7, column: 3 });
}

#[test]
fn keeps_going_past_bad_lines() {
    let sheet = parse(
        "FILE x.bin BINARY\nTRACK 01 MODE1/2352\nINDX 01 00:00:00\nINDEX 01 00:03:75\nINDEX 01 00:00:00\nTRACK 02 AUDIO\nINDEX 01 00:04:00\n",
    );
    let codes: Vec<_> = sheet
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line()))
        .collect();
    // INDX is read as INDEX (as `fix` writes it), so line 5 repeats it.
    assert_eq!(
        codes,
        [
            ("cue.unknown-command", Some(3)),
            ("cue.bad-time", Some(4)),
            ("cue.duplicate-index", Some(5))
        ]
    );
    assert_eq!(
        sheet.diagnostics[0].suggestion.as_deref(),
        Some("did you mean `INDEX`?")
    );
    assert_eq!(
        sheet.diagnostics[0].fix.as_ref().unwrap().replacement,
        "INDEX 01 00:00:00"
    );
    assert_eq!(
        sheet.diagnostics[1].message,
        "INDEX 01 00:03:75: frame must be below 75"
    );
    assert_eq!(sheet.diagnostics[1].column(), Some(10));
    assert_eq!(sheet.tracks.len(), 2);
}

#[test]
fn sessions_and_lead_out() {
    let sheet = parse(
        "REM SESSION 01\nFILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nREM LEAD-OUT 00:10:00\nREM SESSION 02\nFILE b.bin BINARY\nTRACK 02 MODE1/2352\nINDEX 01 00:00:00\n",
    );
    let sessions: Vec<_> = sheet.tracks.iter().map(|t| t.session).collect();
    assert_eq!(sessions, [1, 2]);
    assert_eq!(sheet.lead_outs, [(1, "00:10:00".parse().unwrap())]);
}

#[test]
fn track_numbers_must_rise() {
    let codes = |text: &str| {
        parse(text)
            .diagnostics
            .iter()
            .map(|d| (d.code, d.line()))
            .collect::<Vec<_>>()
    };
    let head = "FILE a.bin BINARY\nTRACK 04 AUDIO\nINDEX 01 00:00:00\n";
    assert_eq!(
        codes(&format!("{head}TRACK 05 AUDIO\nINDEX 01 00:01:00\n")),
        []
    );
    assert_eq!(
        codes(&format!("{head}TRACK 04 AUDIO\nINDEX 01 00:01:00\n")),
        [("cue.track-order", Some(4))]
    );
    assert_eq!(
        codes(&format!("{head}TRACK 02 AUDIO\nINDEX 01 00:01:00\n")),
        [("cue.track-order", Some(4))]
    );
    assert_eq!(
        codes(&format!("{head}TRACK 07 AUDIO\nINDEX 01 00:01:00\n")),
        [("cue.track-number-gap", Some(4))]
    );
}

#[test]
fn misplaced_and_malformed_commands() {
    let sheet = parse(
        "TRACK 01 AUDIO\nINDEX 01 00:00:00\nFILE a.bin\nTRACK 100 AUDIO\nTRACK 02 MODE3\nINDEX -1 00:00:00\n",
    );
    let codes: Vec<_> = sheet.diagnostics.iter().map(|d| d.code).collect();
    // The INDEX under the TRACK that could not open is that track's: not
    // "outside any track" on top of the TRACK's own finding.
    assert_eq!(
        codes,
        [
            "cue.track-before-file",
            "cue.file-no-type",
            "cue.track-number-range",
            "cue.unknown-mode",
            "cue.bad-index-number",
        ]
    );
    assert_eq!(sheet.unopened_tracks.len(), 2);
}

/// A TRACK whose mode cannot be used still opens a track, so its INDEX
/// lines are its own, not a duplicate in the track before.
#[test]
fn a_track_with_an_unusable_mode_still_starts() {
    let sheet = parse(
        "FILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nTRACK 02 MODE3\nINDEX 01 00:01:00\nTRACK 03 MODEx/2xxx\nINDEX 00 00:02:00\n",
    );
    let codes: Vec<_> = sheet
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line(), d.severity))
        .collect();
    assert_eq!(
        codes,
        [
            ("cue.unknown-mode", Some(4), Severity::Error),
            ("cue.data-not-extracted", Some(6), Severity::Warning),
        ]
    );
    let modes: Vec<_> = sheet.tracks.iter().map(|t| t.mode).collect();
    assert_eq!(
        modes,
        [
            DeclaredMode::Known(TrackMode::Audio),
            DeclaredMode::Unknown,
            DeclaredMode::NotExtracted
        ]
    );
    let usable: Vec<_> = sheet.tracks.iter().map(TrackBlock::usable).collect();
    assert_eq!(usable, [true, false, false]);
    assert!(sheet.tracks[1].index_01_explained());
    assert!(sheet.tracks[2].index_01_explained());
}

/// A misspelt TRACK is read as TRACK: the error is the misspelling, and
/// nothing after it is misread.
#[test]
fn a_misspelt_layout_command_is_read_as_the_command() {
    let sheet = parse(
        "FILE a.bin BINARY\n  TRACK 01 MODE2/2352\n    INDEX 01 00:00:00\n  TRAKC 02 AUDIO\n    INDEX 01 00:04:00\n  TRACK 03 AUDIO\n    INDEX 01 00:05:00\nPERFROMER x\n",
    );
    let codes: Vec<_> = sheet
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line(), d.severity))
        .collect();
    assert_eq!(
        codes,
        [
            ("cue.unknown-command", Some(4), Severity::Error),
            ("cue.unknown-command", Some(8), Severity::Warning),
        ]
    );
    assert_eq!(sheet.tracks.len(), 3);
    let fixes: Vec<_> = sheet
        .diagnostics
        .iter()
        .map(|d| d.fix.clone().unwrap().replacement)
        .collect();
    assert_eq!(fixes, ["  TRACK 02 AUDIO", "PERFORMER x"]);
    // Only layout commands are read as the command they are close to.
    assert!(sheet.cd_text.fields.is_empty());
}

/// An INDEX line that could not be read is kept on its track, so a missing
/// INDEX 01 can be told from one that is there but unreadable.
#[test]
fn unread_index_lines_are_kept() {
    let sheet = parse(
        "FILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:75\nTRACK 02 AUDIO\nINDEX 00 00:01:99\nTRACK 03 AUDIO\nINDEX x 00:03:00\n",
    );
    let unread: Vec<_> = sheet
        .tracks
        .iter()
        .map(|t| {
            t.unread_indexes
                .iter()
                .map(|(n, at)| (*n, at.line))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        unread,
        [vec![(Some(1), 3)], vec![(Some(0), 5)], vec![(None, 7)]]
    );
    let explained: Vec<_> = sheet
        .tracks
        .iter()
        .map(TrackBlock::index_01_explained)
        .collect();
    assert_eq!(explained, [true, false, true]);
}

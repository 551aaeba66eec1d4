use super::*;

/// Lays out `text` over files of `sectors[i]` 2352-byte sectors.
fn lay(text: &str, sectors: &[u64]) -> DiscLayout {
    let sheet = Sheet::parse_bytes(text.as_bytes());
    assert!(sheet.first_error().is_none(), "{:?}", sheet.diagnostics);
    let payloads: Vec<Payload> = sectors
        .iter()
        .map(|&n| Payload {
            offset: 0,
            len: n * 2352,
        })
        .collect();
    lay_out(&sheet, &payloads).unwrap()
}

/// (number, session, start, pregap, length) of every track.
fn table(layout: &DiscLayout) -> Vec<(u8, u8, i64, u64, u64)> {
    layout
        .tracks
        .iter()
        .map(|t| (t.number, t.session, t.start.0, t.pregap, t.length))
        .collect()
}

#[test]
fn data_before_the_first_index_is_track_one_pregap() {
    // cd-info puts such a track 1 at LSN 75: the stored data counts.
    let late = lay(
        "FILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:01:00\nTRACK 02 AUDIO\nINDEX 01 00:02:00\n",
        &[302],
    );
    assert_eq!(table(&late), [(1, 1, 75, 75, 75), (2, 1, 150, 0, 152)]);
    assert_eq!(late.notes[0].code, "cue.unindexed-data");
    assert_eq!(late.notes[0].line(), Some(3));
    let first = &late.extents[0];
    assert_eq!((first.start, first.track), (Lba(0), Some(0)));
    assert_eq!(first.data, ExtentData::File { file: 0, offset: 0 });

    let explicit = lay(
        "FILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 00 00:00:00\nINDEX 01 00:01:00\nTRACK 02 AUDIO\nINDEX 01 00:02:00\n",
        &[302],
    );
    assert_eq!(table(&explicit), table(&late));
    assert!(explicit.notes.is_empty());
    assert_eq!(explicit.extents, late.extents);

    // Leading data over several files is one pregap, noted once.
    let files = lay(
        "FILE a.bin BINARY\nFILE b.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:02\n",
        &[3, 10],
    );
    assert_eq!(table(&files), [(1, 1, 5, 5, 8)]);
    assert_eq!(files.notes.len(), 1);
    assert!(files.notes[0].message.starts_with("5 sectors"));
}

#[test]
fn a_first_track_pregap_is_negative() {
    let layout = lay(
        "FILE a.bin BINARY\nTRACK 01 MODE1/2352\nPREGAP 00:02:00\nINDEX 01 00:00:00\n",
        &[10],
    );
    assert_eq!(table(&layout), [(1, 1, 0, 150, 10)]);
    assert_eq!(layout.extents[0].start, Lba(-150));
    assert_eq!(layout.extents[0].data, ExtentData::Zero(Gap::Pregap));
}

#[test]
fn second_session_lies_11400_sectors_after_the_first() {
    let sheet = "REM SESSION 01\nFILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n\
                 REM SESSION 02\nFILE b.bin BINARY\nTRACK 02 MODE1/2352\n";
    // A stored 150-sector pregap fills the session's pregap...
    let stored = lay(
        &format!("{sheet}INDEX 00 00:00:00\nINDEX 01 00:02:00\n"),
        &[1000, 300],
    );
    assert_eq!(
        table(&stored),
        [(1, 1, 0, 0, 1000), (2, 2, 12_400, 150, 150)]
    );
    // ...and without one the gap itself supplies it.
    let bare = lay(&format!("{sheet}INDEX 01 00:00:00\n"), &[1000, 300]);
    assert_eq!(table(&bare), [(1, 1, 0, 0, 1000), (2, 2, 12_400, 0, 300)]);
    assert_eq!(bare.sessions.len(), 2);
    assert_eq!(bare.sessions[1].first_track, 2);
    let gap = bare.extents.iter().find(|e| e.track.is_none()).unwrap();
    assert_eq!((gap.start, gap.count), (Lba(1000), 11_400));
}

#[test]
fn later_sessions_follow_a_shorter_lead_out() {
    let layout = lay(
        "REM SESSION 01\nFILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\n\
         REM SESSION 02\nFILE b.bin BINARY\nTRACK 02 MODE1/2352\nINDEX 01 00:00:00\n\
         REM SESSION 03\nFILE c.bin BINARY\nTRACK 03 MODE1/2352\nINDEX 01 00:00:00\n",
        &[1000, 300, 20],
    );
    // Session 2 ends at 12,700; then 2,250 + 4,500 + 150.
    assert_eq!(
        table(&layout),
        [
            (1, 1, 0, 0, 1000),
            (2, 2, 12_400, 0, 300),
            (3, 3, 19_600, 0, 20)
        ]
    );
}

#[test]
fn a_lead_out_time_in_the_sheet_wins() {
    let layout = lay(
        "REM SESSION 01\nFILE a.bin BINARY\nTRACK 01 AUDIO\nINDEX 01 00:00:00\nREM LEAD-OUT 00:10:00\n\
         REM SESSION 02\nFILE b.bin BINARY\nTRACK 02 MODE1/2352\nINDEX 01 00:00:00\n",
        &[1000, 300],
    );
    assert_eq!(layout.tracks[1].start, Lba(1000 + 750 + 4500 + 150));
}

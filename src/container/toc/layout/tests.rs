use std::path::Path;

use crate::container::toc::analyse_bytes;
use crate::medium::{ExtentData, Gap, TrackMode};
use crate::units::Lba;

/// (start, pregap, pregap stored, length) of each track.
type Table = Vec<(i64, u64, bool, u64)>;

fn table(toc: &str, folder: &Path) -> (Table, Vec<&'static str>) {
    let analysis = analyse_bytes(toc.as_bytes(), folder).unwrap();
    let tracks = analysis
        .layout
        .tracks
        .iter()
        .map(|t| (t.start.0, t.pregap, t.pregap_in_file, t.length))
        .collect();
    let codes = analysis.diagnostics.iter().map(|d| d.code).collect();
    (tracks, codes)
}

#[test]
fn silence_start_and_pregap_as_cdrdao_shows_them() {
    // cdrdao's testtocs/t9.toc and its show-toc answer (gold/t9.showtoc).
    let dir = tempfile::tempdir().unwrap();
    let (tracks, codes) = table(
        "CD_DA\nCATALOG \"0724385356926\"\nTRACK AUDIO\nISRC \"USEM39600078\"\nCOPY\nSILENCE 0:10:0\nSTART 0:5:0\n\
         TRACK AUDIO\nNO COPY\nSILENCE 0:10:0\nSTART 0:2:0\nTRACK AUDIO\nCOPY\nSILENCE 0:10:0\nSTART 0:1:30\n\
         TRACK AUDIO\nNO COPY\nSTART 0:0:0\nSILENCE 0:10:0\nTRACK AUDIO\nSILENCE 0:6:1\nSTART 0:2:1\n",
        dir.path(),
    );
    assert_eq!(
        tracks,
        [
            (375, 375, false, 375),
            (900, 150, false, 600),
            (1605, 105, false, 645),
            (2250, 0, true, 750),
            (3151, 151, false, 300),
        ]
    );
    assert!(codes.iter().all(|c| *c == "toc.short-track"), "{codes:?}");
}

#[test]
fn files_pregaps_and_a_stored_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.bin"), vec![0u8; 2352 * 300]).unwrap();
    std::fs::write(dir.path().join("tone1.bin"), vec![1u8; 2352 * 40]).unwrap();
    std::fs::write(dir.path().join("tone2.bin"), vec![2u8; 2352 * 56]).unwrap();
    let toc = "CD_ROM_XA\nTRACK MODE2_RAW\nDATAFILE \"data.bin\"\nTRACK AUDIO\nPREGAP 00:02:00\nFILE \"tone1.bin\" 0\n\
               TRACK AUDIO\nFILE \"tone2.bin\" 0 00:00:20\nSTART\nFILE \"tone2.bin\" 00:00:20\n";
    let (tracks, codes) = table(toc, dir.path());
    // `cdrdao show-toc`: START 0, 450, 510; PREGAP -, 150, 20; END 300, 490, 546.
    assert_eq!(
        tracks,
        [
            (0, 0, true, 300),
            (450, 150, false, 40),
            (510, 20, true, 36)
        ]
    );
    assert!(
        codes
            .iter()
            .all(|c| matches!(*c, "toc.short-track" | "toc.big-endian-audio")),
        "{codes:?}"
    );
    let analysis = analyse_bytes(toc.as_bytes(), dir.path()).unwrap();
    let three = &analysis.layout.tracks[2];
    assert_eq!((three.file, three.file_offset), (Some(2), Some(20 * 2352)));
    assert_eq!(analysis.layout.tracks[0].mode, TrackMode::Mode2_2352);
    assert_eq!(
        analysis.layout.extents[1].data,
        ExtentData::Zero(Gap::Pregap)
    );
    assert_eq!(analysis.files.names, ["data.bin", "tone1.bin", "tone2.bin"]);
}

#[test]
fn past_the_end_is_a_finding_and_missing_blocks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.iso"), vec![0u8; 2048 * 10]).unwrap();
    let toc = "TRACK MODE1\nDATAFILE \"d.iso\" #4096 0:0:20\nTRACK MODE1 RW\nDATAFILE \"d.iso\" #999999 100\n";
    let analysis = analyse_bytes(toc.as_bytes(), dir.path()).unwrap();
    let codes: Vec<_> = analysis
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line()))
        .collect();
    assert!(codes.contains(&("toc.past-end", Some(2))), "{codes:?}");
    assert!(
        codes.contains(&("toc.file-offset-past-end", Some(4))),
        "{codes:?}"
    );
    assert!(codes.contains(&("toc.rw-subchannel", Some(3))), "{codes:?}");
    let extents = &analysis.layout.extents;
    assert_eq!((extents[0].start, extents[0].count), (Lba(0), 8));
    assert_eq!(
        extents[0].data,
        ExtentData::File {
            file: 0,
            offset: 4096
        }
    );
    assert_eq!(
        (extents[1].count, &extents[1].data),
        (12, &ExtentData::Zero(Gap::Missing))
    );
    // As cdrdao, a statement starting past the end gives its track nothing.
    assert_eq!(extents.len(), 2);
    assert!(analysis.fatal().is_none());
}

#[test]
fn subchannel_runs_are_strided() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.bin"), vec![0u8; 2448 * 4]).unwrap();
    let analysis =
        analyse_bytes(b"TRACK MODE1_RAW RW_RAW\nDATAFILE \"r.bin\"\n", dir.path()).unwrap();
    assert_eq!(
        analysis.layout.extents[0].data,
        ExtentData::Strided {
            file: 0,
            offset: 0,
            stride: 2448
        }
    );
    assert_eq!(analysis.layout.tracks[0].length, 4);
}

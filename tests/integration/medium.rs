//! The medium model: address maps across files, gaps, origins, volumes and
//! content detection, on small images written here.

use std::path::Path;

use discscope::container;
use discscope::io::ReadAt;
use discscope::medium::{Format, Gap, MediumKind, Origin, TrackMode};
use discscope::units::Lba;
use discscope::volume::Volume;

const SYNC: [u8; 12] = [0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0];

/// `count` sectors of `size` bytes, sector `i` filled with `first + i`.
fn sectors(size: usize, count: usize, first: u8) -> Vec<u8> {
    (0..count)
        .flat_map(|i| vec![first + i as u8; size])
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn multi_file_sheet_maps_every_sector() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.bin", &sectors(2352, 3, 10));
    write(dir.path(), "b.bin", &sectors(2352, 4, 20));
    write(
        dir.path(),
        "disc.cue",
        b"FILE \"a.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\nFILE \"b.bin\" BINARY\n  TRACK 02 AUDIO\n    PREGAP 00:00:02\n    INDEX 00 00:00:00\n    INDEX 01 00:00:01\n    POSTGAP 00:00:01\n",
    );
    let medium = container::open(&dir.path().join("disc.cue")).unwrap();
    assert_eq!(medium.format, Format::Cue);
    let [t1, t2] = &medium.tracks[..] else {
        panic!("two tracks expected")
    };
    assert_eq!((t1.start, t1.length, t1.pregap), (Lba(0), 3, 0));
    // PREGAP (2, not stored) + INDEX 00 (1, stored) before INDEX 01.
    assert_eq!((t2.start, t2.pregap, t2.pregap_in_file), (Lba(6), 3, false));
    assert_eq!((t2.length, t2.postgap), (3, 1));
    assert_eq!(t2.file_offset, Some(2352));
    assert_eq!(medium.end_lba(), Lba(10));

    let origin = |lba| medium.read_sector(Lba(lba)).unwrap();
    assert_eq!(
        origin(2).origin,
        Origin::File {
            file: 0,
            offset: 2 * 2352
        }
    );
    assert_eq!(origin(2).bytes[0], 12);
    assert_eq!(origin(3).origin, Origin::Virtual(Gap::Pregap));
    assert!(origin(4).bytes.iter().all(|&b| b == 0));
    assert_eq!(origin(5).origin, Origin::File { file: 1, offset: 0 });
    assert_eq!(origin(6).bytes[0], 21);
    assert_eq!(origin(8).bytes[100], 23);
    assert_eq!(origin(9).origin, Origin::Virtual(Gap::Postgap));
    assert_eq!(origin(9).track, Some(1));
    assert!(medium.read_sector(Lba(10)).is_err());
    assert!(medium.read_sector(Lba(-1)).is_err());
    assert_eq!(
        medium.describe_origin(&origin(6).origin),
        "b.bin, offset 0x930"
    );
}

#[test]
fn first_track_pregap_is_negative() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.bin", &sectors(2352, 2, 1));
    write(
        dir.path(),
        "disc.cue",
        b"FILE a.bin BINARY\nTRACK 01 AUDIO\nPREGAP 00:02:00\nINDEX 01 00:00:00\n",
    );
    let medium = container::open(&dir.path().join("disc.cue")).unwrap();
    assert_eq!(medium.first_lba(), Lba(-150));
    assert_eq!(medium.tracks[0].start, Lba(0));
    assert_eq!(medium.tracks[0].pregap, 150);
    assert_eq!(
        medium.read_sector(Lba(-150)).unwrap().origin,
        Origin::Virtual(Gap::Pregap)
    );
}

#[test]
fn sheetless_images_are_detected_by_content() {
    let dir = tempfile::tempdir().unwrap();
    // A cooked ISO: "CD001" in the descriptor at sector 16.
    let mut iso = vec![0u8; 18 * 2048];
    iso[16 * 2048] = 1;
    iso[16 * 2048 + 1..16 * 2048 + 6].copy_from_slice(b"CD001");
    write(dir.path(), "disc.img", &iso);
    let medium = container::open(&dir.path().join("disc.img")).unwrap();
    assert_eq!(medium.format, Format::Iso);
    assert_eq!(medium.tracks[0].mode, TrackMode::Mode1_2048);
    let volume = Volume::of_track(std::sync::Arc::new(medium), 0).unwrap();
    let mut id = [0u8; 5];
    volume.read_exact_at(16 * 2048 + 1, &mut id).unwrap();
    assert_eq!(&id, b"CD001");

    // Raw mode 2 sectors with sync.
    let mut raw = sectors(2352, 4, 0);
    for sector in raw.chunks_mut(2352) {
        sector[..12].copy_from_slice(&SYNC);
        sector[15] = 2;
    }
    write(dir.path(), "track.bin", &raw);
    let medium = container::open(&dir.path().join("track.bin")).unwrap();
    assert_eq!(medium.format, Format::Bin);
    assert_eq!(medium.tracks[0].mode, TrackMode::Mode2_2352);
    assert_eq!(medium.tracks[0].length, 4);

    // Anything else is a disk of 512-byte sectors.
    write(dir.path(), "floppy.ima", &vec![0xf6; 1_474_560]);
    let medium = container::open(&dir.path().join("floppy.ima")).unwrap();
    assert_eq!(medium.kind, MediumKind::Disk);
    assert_eq!(medium.sector_count(), 2880);
    assert!(medium.tracks.is_empty());
}

#[test]
fn a_bin_alone_finds_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Game.bin", &sectors(2352, 3, 0));
    write(
        dir.path(),
        "game.CUE",
        b"FILE \"Game.bin\" BINARY\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:00:02\n",
    );
    let medium = container::open(&dir.path().join("Game.bin")).unwrap();
    assert_eq!(medium.format, Format::Cue);
    assert_eq!(medium.tracks.len(), 2);
}

#[test]
fn reading_never_writes_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = sectors(2352, 3, 5);
    write(dir.path(), "a.bin", &bytes);
    let path = dir.path().join("a.bin");
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    let medium = container::open(&path).unwrap();
    for lba in 0..3 {
        medium.read_sector(Lba(lba)).unwrap();
    }
    drop(medium);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_img_holding_iso_opens_as_iso() {
    let scratch = tempfile::tempdir().unwrap();
    let path = crate::support::corpus_file("debian/grub-rescue-floppy.img.xz", scratch.path());
    let medium = container::open(&path).unwrap();
    assert_eq!(medium.format, Format::Iso);
    assert_eq!(medium.tracks[0].mode, TrackMode::Mode1_2048);
    assert_eq!(
        medium.tracks[0].length,
        std::fs::metadata(&path).unwrap().len() / 2048
    );
}

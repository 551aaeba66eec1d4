//! The fixed-size parts of a DiscJuggler descriptor, each declared once;
//! the variable parts between them (file name, index lengths, CD-TEXT
//! fields, volume identifier) are read field by field in
//! [`super::parse`]. Numbers are little-endian.
//!
//! Sources: the descriptions of the format published with cdirip (a
//! track's header: an optional 8 bytes, two start marks, the file name,
//! the capacity, DiscJuggler 4's 0x80000000 marker; its pregap and length;
//! mode, session and track numbers, start LBA, total length, sector size
//! code; version 3's extra bytes; the session trailer; the footer's version
//! and descriptor offset) and libmirage's notes (the index lengths, the
//! per-track CD-TEXT blocks of 18 length-prefixed fields, CONTROL, ISRC,
//! the disc block's volume identifier, MCN and raw CD-TEXT packs).

use crate::structure::named::codes;
use crate::structure::{Latin1, Le32, Le32Hex, Raw, Reserved, declare};

/// The start mark every track header has twice.
pub const START_MARK: [u8; 10] = [0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];

/// Version 2 (the footer's offset is where the descriptor begins).
pub const V2: u32 = 0x8000_0004;
/// Version 3.
pub const V3: u32 = 0x8000_0005;
/// Version 3.5 and 4 (the footer gives the descriptor's length).
pub const V35: u32 = 0x8000_0006;

codes!(
/// The image's format version.
Version: Le32Hex => u32, 8, [
    (0x8000_0004, "DiscJuggler 2"), (0x8000_0005, "DiscJuggler 3"),
    (0x8000_0006, "DiscJuggler 3.5 or 4"),
]);

declare! {
    /// The last eight bytes of the image.
    pub struct CdiFooter = "CDI footer", Descriptor, "DiscJuggler image footer", 8 {
        0, 4 => version: Version, "version", "0x80000004 version 2, 0x80000005 version 3, 0x80000006 version 3.5";
        4, 4 => header: Le32, "descriptor offset", "where the descriptor begins (versions 2 and 3), or its length counted back from the end of the image (3.5)";
    }
}

declare! {
    /// The start marks and settings of a track (or disc) header.
    pub struct CdiMarks = "CDI header marks", Descriptor, "DiscJuggler track header", 24 {
        0, 10 => first: Raw<10>, "start mark", "00 00 01 00 00 00 FF FF FF FF";
        10, 10 => second: Raw<10>, "start mark", "the same again";
        20, 4 => settings: Le32Hex, "settings", "DiscJuggler's own settings; the last byte counts the disc's tracks";
    }
}

declare! {
    /// What follows a header's file name.
    pub struct CdiHeadTail = "CDI header tail", Descriptor, "DiscJuggler track header", 23 {
        0, 11 => reserved: Reserved, "reserved", "zero (an ISRC slot, never filled)";
        11, 4 => two: Le32, "unknown", "always 2";
        15, 4 => zero: Le32, "unknown", "zero";
        19, 4 => capacity: Le32Hex, "capacity", "the disc's capacity in sectors (333,000 or 360,000), or 0x80000000: DiscJuggler 4, whose capacity and medium follow";
    }
}

codes!(
/// The medium DiscJuggler 4 names.
Medium: Le32Hex => u32, 8, [(0x0098_0000, "CD"), (0x0038_0000, "DVD")]);

declare! {
    /// DiscJuggler 4's addition to a header.
    pub struct CdiDj4 = "CDI DiscJuggler 4 fields", Descriptor, "DiscJuggler 4 track header", 8 {
        0, 4 => capacity: Le32, "capacity", "the disc's capacity in sectors";
        4, 4 => medium: Medium, "medium", "0x00980000 CD, 0x00380000 DVD";
    }
}

codes!(
/// A track's mode.
TrackModeCode: Le32 => u32, 0, [(0, "audio"), (1, "mode 1"), (2, "mode 2")]);

codes!(
/// How a track's sectors are stored.
ReadMode: Le32 => u32, 0, [
    (0, "2048 bytes"), (1, "2336 bytes"), (2, "2352 bytes"),
    (3, "2352 bytes and 16 of P-Q subchannel"), (4, "2352 bytes and 96 of P-W subchannel"),
]);

declare! {
    /// The fixed middle of a track block, after its CD-TEXT.
    pub struct CdiTrackBody = "CDI track fields", Descriptor, "DiscJuggler track block", 75 {
        0, 2 => unknown1: Reserved, "unknown", "zero";
        2, 4 => mode: TrackModeCode, "mode", "0 audio, 1 mode 1, 2 mode 2";
        6, 4 => unknown2: Reserved, "unknown", "zero";
        10, 4 => session: Le32, "session index", "the track's session, from 0";
        14, 4 => track: Le32, "track index", "the track's place in its session, from 0";
        18, 4 => start: Le32, "start LBA", "where INDEX 01 is";
        22, 4 => total: Le32, "total length", "sectors stored: pregap and track";
        26, 16 => unknown3: Reserved, "unknown", "zero";
        42, 4 => read_mode: ReadMode, "sector size", "0 2048, 1 2336, 2 2352, 3 2352 + 16 P-Q, 4 2352 + 96 P-W bytes a sector";
        46, 4 => control: Le32Hex, "CONTROL", "the track's Q CONTROL: 0 audio, 4 data; 2 copy permitted, 1 pre-emphasis, 8 four channels";
        50, 1 => unknown4: Reserved, "unknown", "zero";
        51, 4 => total_again: Le32, "total length", "the total length again";
        55, 4 => unknown5: Reserved, "unknown", "zero";
        59, 12 => isrc: Latin1, "ISRC", "the track's ISRC, when the next field is 1";
        71, 4 => isrc_valid: Le32, "ISRC valid", "1: the ISRC is set";
    }
}

declare! {
    /// Version 3's addition to a track block.
    pub struct CdiV3Tail = "CDI version 3 fields", Descriptor, "DiscJuggler 3 track block", 9 {
        0, 5 => unknown: Raw<5>, "unknown", "00 FF FF FF FF";
        5, 4 => more: Le32Hex, "extra fields", "0xFFFFFFFF: 78 bytes more follow (DiscJuggler 3.00.780 on)";
    }
}

codes!(
/// A session's type.
SessionType: Le32 => u32, 0, [(0, "CD-DA"), (1, "CD-ROM"), (2, "CD-ROM XA"), (4, "open")]);

declare! {
    /// What follows a session's last track.
    pub struct CdiSessionEnd = "CDI session trailer", Descriptor, "DiscJuggler session block", 12 {
        0, 4 => kind: SessionType, "session type", "0 CD-DA, 1 CD-ROM, 2 CD-ROM XA, 4 left open";
        4, 4 => zero: Reserved, "unknown", "zero";
        8, 4 => next: Le32, "next session start", "where the next session may begin";
    }
}

declare! {
    /// The disc block's fields after its volume identifier.
    pub struct CdiDiscTail = "CDI disc fields", Descriptor, "DiscJuggler disc block", 29 {
        0, 4 => one: Le32, "unknown", "1";
        4, 4 => one_again: Le32, "unknown", "1";
        8, 13 => mcn: Latin1, "MCN", "the disc's media catalog number, when the next field is 1";
        21, 4 => mcn_valid: Le32, "MCN valid", "1: the MCN is set";
        25, 4 => cd_text: Le32, "CD-TEXT length", "bytes of raw CD-TEXT packs that follow";
    }
}

/// The sector bytes and the bytes from one sector to the next a read mode
/// stores, and whether the 96 bytes after each are P-W subchannel.
pub fn read_mode(code: u32) -> Option<(u32, u64)> {
    Some(match code {
        0 => (2048, 2048),
        1 => (2336, 2336),
        2 => (2352, 2352),
        3 => (2352, 2368),
        4 => (2352, 2448),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_exactly() {
        for layout in [
            CdiFooter::LAYOUT,
            CdiMarks::LAYOUT,
            CdiHeadTail::LAYOUT,
            CdiDj4::LAYOUT,
            CdiTrackBody::LAYOUT,
            CdiV3Tail::LAYOUT,
            CdiSessionEnd::LAYOUT,
            CdiDiscTail::LAYOUT,
        ] {
            assert!(
                layout.tiling().is_exact(),
                "{}: {:?}",
                layout.name,
                layout.tiling()
            );
        }
        assert_eq!(read_mode(4), Some((2352, 2448)));
        assert_eq!(read_mode(5), None);
    }
}

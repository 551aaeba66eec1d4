//! Every record of a Nero image's chunks, each declared once. All numbers
//! are big-endian; version 2 images (footer `NER5`) widen file offsets to
//! 64 bits.
//!
//! Sources: the NRG layout as libmirage's and libcdio's readers and
//! Aaru's documentation describe it (footer `NERO`/`NER5`; `CUES`/`CUEX`
//! cue points with BCD track and index numbers, MSF or LBA; `DAOI`/`DAOX`
//! with a 22-byte header and one record per track holding the ISRC, the
//! sector size, the mode code and the file offsets of index 0, index 1 and
//! the track's end; `TINF`/`ETNF`/`ETN2` track-at-once records; `SINF`
//! tracks per session; `MTYP` media type; `CDTX` CD-TEXT packs; `END!`),
//! checked against libcdio's real images videocd.nrg (NERO, ETNF) and
//! p1.nrg (NER5, CUEX, DAOX, CDTX).

use crate::medium::TrackMode;
use crate::structure::named::codes;
use crate::structure::{
    Be16, Be16Hex, Be32, Be32Hex, Be64, BeI32, Hex8, Latin1, Raw, Reserved, U8, declare,
};

declare! {
    /// The version 1 footer: the file's last 8 bytes.
    pub struct NrgFooterV1 = "NRG footer (version 1)", Descriptor, "NRG footer", 8 {
        0, 4 => id: Raw<4>, "signature", "NERO: a version 1 image, 32-bit offsets";
        4, 4 => first_chunk: Be32, "first chunk", "file offset of the first chunk";
    }
}

declare! {
    /// The version 2 footer: the file's last 12 bytes.
    pub struct NrgFooterV2 = "NRG footer (version 2)", Descriptor, "NRG footer", 12 {
        0, 4 => id: Raw<4>, "signature", "NER5: a version 2 image, 64-bit offsets";
        4, 8 => first_chunk: Be64, "first chunk", "file offset of the first chunk";
    }
}

declare! {
    /// Every chunk begins with its identifier and the length of its body.
    pub struct ChunkHeader = "NRG chunk header", Descriptor, "NRG chunks", 8 {
        0, 4 => id: Raw<4>, "chunk", "what the chunk holds (CUEX, DAOX, ETN2, SINF, END! ...)";
        4, 4 => length: Be32, "length", "bytes of the chunk's body after this header";
    }
}

codes!(
/// A cue point's track number (BCD; AA is the lead-out).
CueTrack: Hex8 => u8, 2, [(0x00, "lead-in"), (0xAA, "lead-out")]);

declare! {
    /// A `CUEX` cue point (version 2).
    pub struct CueX = "cue point", Descriptor, "NRG CUEX", 8 {
        0, 1 => control: Hex8, "control and ADR", "the Q channel's CONTROL (high nibble: 4 data, 2 copy permitted, 8 four channels, 1 pre-emphasis) and ADR (low nibble)";
        1, 1 => track: CueTrack, "track", "the track number in BCD; 00 the lead-in, AA the lead-out";
        2, 1 => index: Hex8, "index", "the index number in BCD";
        3, 1 => reserved: Reserved, "reserved", "zero";
        4, 4 => lba: BeI32, "LBA", "where the index begins (negative in the first pregap)";
    }
}

declare! {
    /// A `CUES` cue point (version 1): an absolute MSF time.
    pub struct CueS = "cue point", Descriptor, "NRG CUES", 8 {
        0, 1 => control: Hex8, "control and ADR", "the Q channel's CONTROL (high nibble) and ADR (low nibble)";
        1, 1 => track: CueTrack, "track", "the track number in BCD; 00 the lead-in, AA the lead-out";
        2, 1 => index: Hex8, "index", "the index number in BCD";
        3, 2 => reserved: Reserved, "reserved", "zero";
        5, 1 => minute: U8, "minute", "absolute time, minutes (binary)";
        6, 1 => second: U8, "second", "absolute time, seconds";
        7, 1 => frame: U8, "frame", "absolute time, frames (LBA = MSF - 150)";
    }
}

declare! {
    /// The header of a `DAOI` or `DAOX` chunk.
    pub struct DaoHeader = "DAO header", Descriptor, "NRG DAOI/DAOX", 22 {
        0, 4 => size: Be32, "chunk length", "the chunk's length again";
        4, 13 => mcn: Latin1, "catalog number", "the disc's media catalog number (UPC/EAN), 13 digits or empty";
        17, 1 => reserved: Reserved, "reserved", "zero (ends the catalog number)";
        18, 2 => toc_type: Be16Hex, "TOC type", "the disc's type as Nero records it (0x0000 CD-DA, 0x0001 CD-ROM, 0x2001 CD-ROM XA)";
        20, 1 => first_track: U8, "first track", "number of the session's first track";
        21, 1 => last_track: U8, "last track", "number of the session's last track";
    }
}

codes!(
/// How a track's sectors are stored.
ModeCode: Hex8 => u8, 2, [
    (0x00, "mode 1, 2048 bytes"), (0x02, "mode 2 form 1, 2048 bytes"),
    (0x03, "mode 2, 2336 bytes"), (0x05, "mode 1, 2352 bytes"),
    (0x06, "mode 2, 2352 bytes"), (0x07, "audio, 2352 bytes"),
    (0x0F, "mode 1, 2352 bytes + 96 subchannel"), (0x10, "audio, 2352 bytes + 96 subchannel"),
    (0x11, "mode 2, 2352 bytes + 96 subchannel"),
]);

declare! {
    /// One track of a `DAOX` chunk (version 2).
    pub struct DaoTrackX = "DAO track", Descriptor, "NRG DAOX", 42 {
        0, 12 => isrc: Latin1, "ISRC", "the track's ISRC, or zeros";
        12, 2 => sector_size: Be16, "sector size", "bytes per sector in the file (subchannel included)";
        14, 1 => mode: ModeCode, "mode", "how the sectors are stored";
        15, 1 => reserved: Reserved, "reserved", "zero";
        16, 2 => unknown: Be16Hex, "unknown", "usually 0x0001";
        18, 8 => index0: Be64, "index 0 offset", "file offset of the track's pregap (INDEX 00)";
        26, 8 => index1: Be64, "index 1 offset", "file offset of INDEX 01";
        34, 8 => end: Be64, "end offset", "file offset one past the track's last sector";
    }
}

declare! {
    /// One track of a `DAOI` chunk (version 1).
    pub struct DaoTrackI = "DAO track", Descriptor, "NRG DAOI", 30 {
        0, 12 => isrc: Latin1, "ISRC", "the track's ISRC, or zeros";
        12, 2 => sector_size: Be16, "sector size", "bytes per sector in the file (subchannel included)";
        14, 1 => mode: ModeCode, "mode", "how the sectors are stored";
        15, 1 => reserved: Reserved, "reserved", "zero";
        16, 2 => unknown: Be16Hex, "unknown", "usually 0x0001";
        18, 4 => index0: Be32, "index 0 offset", "file offset of the track's pregap (INDEX 00)";
        22, 4 => index1: Be32, "index 1 offset", "file offset of INDEX 01";
        26, 4 => end: Be32, "end offset", "file offset one past the track's last sector";
    }
}

codes!(
/// A track-at-once record's mode (the DAO mode codes, widened).
EtnMode: Be32Hex => u32, 8, [
    (0x00, "mode 1, 2048 bytes"), (0x02, "mode 2 form 1, 2048 bytes"),
    (0x03, "mode 2, 2336 bytes"), (0x05, "mode 1, 2352 bytes"),
    (0x06, "mode 2, 2352 bytes"), (0x07, "audio, 2352 bytes"),
    (0x0F, "mode 1, 2352 bytes + 96 subchannel"), (0x10, "audio, 2352 bytes + 96 subchannel"),
    (0x11, "mode 2, 2352 bytes + 96 subchannel"),
]);

declare! {
    /// One track of an `ETN2` chunk (track at once, version 2).
    pub struct Etn2Track = "TAO track", Descriptor, "NRG ETN2", 32 {
        0, 8 => offset: Be64, "offset", "file offset of the track's first sector";
        8, 8 => length: Be64, "length", "bytes of the track in the file";
        16, 4 => mode: EtnMode, "mode", "how the sectors are stored";
        20, 4 => lba: Be32, "start LBA", "the track's start, not counting the 150-sector gaps before each track";
        24, 4 => unknown: Be32Hex, "unknown", "zero";
        28, 4 => sectors: Be32, "sectors", "sectors of the track";
    }
}

declare! {
    /// One track of an `ETNF` chunk (track at once, version 1).
    pub struct EtnfTrack = "TAO track", Descriptor, "NRG ETNF", 20 {
        0, 4 => offset: Be32, "offset", "file offset of the track's first sector";
        4, 4 => length: Be32, "length", "bytes of the track in the file";
        8, 4 => mode: EtnMode, "mode", "how the sectors are stored";
        12, 4 => lba: Be32, "start LBA", "the track's start, not counting the 150-sector gaps before each track";
        16, 4 => unknown: Be32Hex, "unknown", "zero";
    }
}

declare! {
    /// One track of a `TINF` chunk (track at once, the oldest images).
    pub struct TinfTrack = "TAO track", Descriptor, "NRG TINF", 12 {
        0, 4 => offset: Be32, "offset", "file offset of the track's first sector";
        4, 4 => length: Be32, "length", "bytes of the track in the file";
        8, 4 => mode: EtnMode, "mode", "how the sectors are stored";
    }
}

declare! {
    /// A `SINF` chunk: one session.
    pub struct SessionChunk = "session information", Descriptor, "NRG SINF", 4 {
        0, 4 => tracks: Be32, "tracks", "tracks in the session";
    }
}

codes!(
/// Nero's media type flags (the common values).
MediaType: Be32Hex => u32, 8, [
    (0x1, "CD-R/RW"), (0x2, "DDCD"), (0x4, "DVD-R/RW"), (0x8, "DVD+RW"), (0x10, "DVD-RAM"),
    (0x200, "DVD-ROM"), (0x400, "CD-ROM"), (0x81, "CD-RW"), (0x101, "CD-R"),
]);

declare! {
    /// An `MTYP` chunk: the medium the image was made for.
    pub struct MediaInfo = "media type", Descriptor, "NRG MTYP (NeroAPI media types)", 4 {
        0, 4 => media: MediaType, "media type", "bit flags: 0x1 CD, 0x4 DVD-R/RW, 0x8 DVD+RW, 0x10 DVD-RAM, 0x200 DVD-ROM, 0x400 CD-ROM";
    }
}

declare! {
    /// A `DINF` chunk.
    pub struct DiscInfo = "disc information", Descriptor, "NRG DINF", 4 {
        0, 4 => value: Be32Hex, "value", "not documented; shown as recorded";
    }
}

declare! {
    /// A `TOCT` chunk.
    pub struct TocTypeInfo = "TOC type", Descriptor, "NRG TOCT", 2 {
        0, 2 => value: Be16Hex, "TOC type", "the disc type as Nero's TOC records it; shown as recorded";
    }
}

declare! {
    /// A `RELO` chunk.
    pub struct Relocation = "relocation", Descriptor, "NRG RELO", 4 {
        0, 4 => value: Be32Hex, "value", "not documented; shown as recorded";
    }
}

/// How a mode code stores sectors: the medium's mode, the bytes of a
/// sector, and whether 96 bytes of raw P-W subchannel follow each one.
pub fn mode_of(code: u32) -> Option<(TrackMode, u32, bool)> {
    Some(match code {
        0x00 => (TrackMode::Mode1_2048, 2048, false),
        0x02 => (TrackMode::Mode2_2048, 2048, false),
        0x03 => (TrackMode::Mode2_2336, 2336, false),
        0x05 => (TrackMode::Mode1_2352, 2352, false),
        0x06 => (TrackMode::Mode2_2352, 2352, false),
        0x07 => (TrackMode::Audio, 2352, false),
        0x0F => (TrackMode::Mode1_2352, 2352, true),
        0x10 => (TrackMode::Audio, 2352, true),
        0x11 => (TrackMode::Mode2_2352, 2352, true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_exactly() {
        for layout in [
            NrgFooterV1::LAYOUT,
            NrgFooterV2::LAYOUT,
            ChunkHeader::LAYOUT,
            CueX::LAYOUT,
            CueS::LAYOUT,
            DaoHeader::LAYOUT,
            DaoTrackX::LAYOUT,
            DaoTrackI::LAYOUT,
            Etn2Track::LAYOUT,
            EtnfTrack::LAYOUT,
            TinfTrack::LAYOUT,
            SessionChunk::LAYOUT,
            MediaInfo::LAYOUT,
            DiscInfo::LAYOUT,
            TocTypeInfo::LAYOUT,
            Relocation::LAYOUT,
        ] {
            assert!(
                layout.tiling().is_exact(),
                "{}: {:?}",
                layout.name,
                layout.tiling()
            );
        }
    }
}

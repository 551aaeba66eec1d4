//! Every block of an Alcohol 120% descriptor (`.mds`, version 1.x), each
//! declared once. Numbers are little-endian.
//!
//! Sources: the MDS layout as libmirage documents it (reverse-engineered
//! by Henrik Stokseth and Rok Mandeljc): an 88-byte header (signature
//! "MEDIA DESCRIPTOR", version, medium type, sessions, the offsets of the
//! BCA, the disc structures, the session blocks and the DPM blocks);
//! 24-byte session blocks; 80-byte track blocks whose first twelve bytes
//! are the lead-in TOC entry (ADR/CONTROL, TNO, POINT, MSF, ZERO, PMSF) as
//! MMC's READ TOC format 2 returns it; 8-byte extra blocks (pregap and
//! length); 16-byte footers naming the data file.

use crate::structure::named::codes;
use crate::structure::{Ascii, Bytes, Hex8, Le16, Le32, Le32Hex, Le64, LeI32, U8, declare};

codes!(
/// The medium an image was made from.
MediumType: crate::structure::Le16Hex => u16, 4, [
    (0x00, "CD-ROM"), (0x01, "CD-R"), (0x02, "CD-RW"), (0x10, "DVD-ROM"), (0x12, "DVD-R"),
]);

declare! {
    /// The header at the start of the `.mds`.
    pub struct MdsHeader = "MDS header", Descriptor, "MDS 1.x header", 88 {
        0, 16 => signature: Ascii, "signature", "MEDIA DESCRIPTOR";
        16, 1 => version: U8, "version", "1 for MDS 1.x (Alcohol 120%); 2 is Daemon Tools' encrypted MDS 2.x";
        17, 1 => revision: U8, "revision", "the format's minor version";
        18, 2 => medium: MediumType, "medium type", "0 CD-ROM, 1 CD-R, 2 CD-RW, 0x10 DVD-ROM, 0x12 DVD-R";
        20, 2 => sessions: Le16, "sessions", "session blocks that follow";
        22, 4 => unknown1: Bytes, "unknown", "two 16-bit values libmirage leaves unexplained";
        26, 2 => bca_len: Le16, "BCA length", "bytes of burst cutting area data (DVD)";
        28, 8 => unknown2: Bytes, "unknown", "not explained";
        36, 4 => bca_offset: Le32, "BCA offset", "where in the .mds the BCA data is";
        40, 24 => unknown3: Bytes, "unknown", "probably more offsets";
        64, 4 => structures_offset: Le32, "disc structures offset", "where in the .mds the DVD's disc structures are (0: none)";
        68, 12 => unknown4: Bytes, "unknown", "probably more offsets";
        80, 4 => sessions_offset: Le32, "session blocks offset", "where in the .mds the first session block is";
        84, 4 => dpm_offset: Le32, "DPM offset", "where in the .mds the data position measurement is (0: none)";
    }
}

declare! {
    /// One session.
    pub struct MdsSession = "MDS session block", Descriptor, "MDS 1.x session block", 24 {
        0, 4 => start: LeI32, "start", "the session's first LBA (-150 for the first)";
        4, 4 => end: LeI32, "end", "the session's lead-out LBA";
        8, 2 => number: Le16, "number", "the session's number";
        10, 1 => blocks: U8, "blocks", "track blocks of the session, lead-in entries included";
        11, 1 => lead_in_blocks: U8, "lead-in blocks", "track blocks that are lead-in entries (points A0, A1, A2)";
        12, 2 => first_track: Le16, "first track", "number of the session's first track";
        14, 2 => last_track: Le16, "last track", "number of the session's last track";
        16, 4 => unknown: Le32Hex, "unknown", "not explained";
        20, 4 => tracks_offset: Le32, "track blocks offset", "where in the .mds the session's track blocks are";
    }
}

codes!(
/// A track block's mode (its low nibble counts; Alcohol writes 0xA9-0xAD).
TrackModeCode: Hex8 => u8, 2, [
    (0xA9, "audio, 2352 bytes"), (0xAA, "mode 1"), (0xAB, "mode 2"),
    (0xAC, "mode 2 form 1"), (0xAD, "mode 2 form 2"), (0x00, "none (lead-in entry)"),
]);

codes!(
/// A track block's subchannel.
SubchannelCode: Hex8 => u8, 2, [(0x00, "none"), (0x08, "96 bytes of P-W after each sector, interleaved")]);

codes!(
/// A lead-in entry's POINT.
PointCode: Hex8 => u8, 2, [(0xA0, "first track"), (0xA1, "last track"), (0xA2, "lead-out")]);

declare! {
    /// One track (or lead-in entry) of a session.
    pub struct MdsTrack = "MDS track block", Descriptor, "MDS 1.x track block; MMC READ TOC format 2", 80 {
        0, 1 => mode: TrackModeCode, "mode", "how the sectors are stored (low nibble: 1 audio, 2 mode 1, 3 mode 2, 4 form 1, 5 form 2)";
        1, 1 => subchannel: SubchannelCode, "subchannel", "0 none, 8 P-W interleaved after each sector";
        2, 1 => adr_control: Hex8, "ADR/CONTROL", "ADR (high nibble, as MMC returns it) and CONTROL (low nibble: 4 data, 2 copy permitted, 8 four channels, 1 pre-emphasis)";
        3, 1 => tno: U8, "TNO", "0 in the lead-in";
        4, 1 => point: PointCode, "POINT", "the track's number, or A0/A1/A2 for the lead-in entries";
        5, 1 => minute: U8, "minute", "the lead-in's running time";
        6, 1 => second: U8, "second", "the lead-in's running time";
        7, 1 => frame: U8, "frame", "the lead-in's running time";
        8, 1 => zero: U8, "zero", "zero";
        9, 1 => pminute: U8, "PMIN", "the time POINT names (A0: first track, A1: last track)";
        10, 1 => psecond: U8, "PSEC", "the time POINT names (A0: disc type)";
        11, 1 => pframe: U8, "PFRAME", "the time POINT names";
        12, 4 => extra_offset: Le32, "extra block offset", "where the track's pregap and length are (a DVD's track length in sectors)";
        16, 2 => sector_size: Le16, "sector size", "bytes per sector in the data file, subchannel included";
        18, 18 => unknown1: Bytes, "unknown", "not explained";
        36, 4 => start_sector: Le32, "start sector", "the LBA where INDEX 01 is";
        40, 8 => start_offset: Le64, "start offset", "where in the data file the track's first sector is";
        48, 4 => files: Le32, "files", "footer blocks (data files) of the track";
        52, 4 => footer_offset: Le32, "footer offset", "where the track's footer blocks are";
        56, 24 => unknown2: Bytes, "unknown", "not explained";
    }
}

declare! {
    /// A CD track's pregap and length.
    pub struct MdsExtra = "MDS extra block", Descriptor, "MDS 1.x extra block", 8 {
        0, 4 => pregap: Le32, "pregap", "sectors before INDEX 01, not in the data file";
        4, 4 => length: Le32, "length", "sectors of the track in the data file";
    }
}

declare! {
    /// A footer: where the data file's name is.
    pub struct MdsFooter = "MDS footer", Descriptor, "MDS 1.x footer", 16 {
        0, 4 => name_offset: Le32, "name offset", "where in the .mds the file name is";
        4, 4 => wide: Le32, "wide name", "1: the name is UTF-16, else 8-bit";
        8, 4 => unknown1: Le32Hex, "unknown", "not explained";
        12, 4 => unknown2: Le32Hex, "unknown", "not explained";
    }
}

declare! {
    /// The head of one data position measurement block.
    pub struct DpmBlock = "MDS DPM block", Descriptor, "MDS 1.x DPM block", 16 {
        0, 4 => number: Le32, "block number", "which DPM block";
        4, 4 => start: Le32, "start sector", "the first sector measured";
        8, 4 => resolution: Le32, "resolution", "sectors between two measurements";
        12, 4 => entries: Le32, "entries", "measurements that follow, 4 bytes each (the time to reach a sector, for copy protection checks)";
    }
}

/// How a mode byte's low nibble reads: audio, mode 1, mode 2, form 1, form 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeKind {
    Audio,
    Mode1,
    Mode2,
    Form1,
    Form2,
}

/// The kind a mode byte names, as Alcohol reads only its low nibble.
pub fn mode_kind(mode: u8) -> Option<ModeKind> {
    Some(match mode & 0x07 {
        0 | 3 | 7 => ModeKind::Mode2,
        1 => ModeKind::Audio,
        2 => ModeKind::Mode1,
        4 => ModeKind::Form1,
        5 => ModeKind::Form2,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_tile_exactly() {
        for layout in [
            MdsHeader::LAYOUT,
            MdsSession::LAYOUT,
            MdsTrack::LAYOUT,
            MdsExtra::LAYOUT,
            MdsFooter::LAYOUT,
            DpmBlock::LAYOUT,
        ] {
            assert!(
                layout.tiling().is_exact(),
                "{}: {:?}",
                layout.name,
                layout.tiling()
            );
        }
        assert_eq!(mode_kind(0xA9), Some(ModeKind::Audio));
        assert_eq!(mode_kind(0xAA), Some(ModeKind::Mode1));
        assert_eq!(mode_kind(0xAD), Some(ModeKind::Form2));
        assert_eq!(mode_kind(0x06), None);
    }
}

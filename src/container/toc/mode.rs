//! The words of a toc file that name kinds of data: track modes, the
//! sub-channel modes and the disc types.
//!
//! Sources: the cdrdao manual (TOC FILES: track modes and their block
//! lengths, `RW` and `RW_RAW` sub-channel data of 96 bytes after each
//! block; the disc types `CD_DA`, `CD_ROM`, `CD_ROM_XA`, `CD_I`).

use crate::medium::TrackMode;

/// A track (or `ZERO`) mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TocMode {
    Audio,
    Mode0,
    Mode1,
    Mode1Raw,
    Mode2,
    Mode2Raw,
    Mode2Form1,
    Mode2Form2,
    Mode2FormMix,
}

/// Every mode, as cdrdao lists them.
pub const TOC_MODES: [TocMode; 9] = [
    TocMode::Audio,
    TocMode::Mode0,
    TocMode::Mode1,
    TocMode::Mode1Raw,
    TocMode::Mode2,
    TocMode::Mode2Raw,
    TocMode::Mode2Form1,
    TocMode::Mode2Form2,
    TocMode::Mode2FormMix,
];

impl TocMode {
    /// The word a toc file uses.
    pub fn as_str(self) -> &'static str {
        match self {
            TocMode::Audio => "AUDIO",
            TocMode::Mode0 => "MODE0",
            TocMode::Mode1 => "MODE1",
            TocMode::Mode1Raw => "MODE1_RAW",
            TocMode::Mode2 => "MODE2",
            TocMode::Mode2Raw => "MODE2_RAW",
            TocMode::Mode2Form1 => "MODE2_FORM1",
            TocMode::Mode2Form2 => "MODE2_FORM2",
            TocMode::Mode2FormMix => "MODE2_FORM_MIX",
        }
    }

    /// Reads a mode word (exactly as cdrdao spells it).
    pub fn from_word(word: &str) -> Option<TocMode> {
        TOC_MODES.into_iter().find(|m| m.as_str() == word)
    }

    /// Bytes of a block in the data files, sub-channel data not counted.
    pub fn block_size(self) -> u32 {
        match self {
            TocMode::Audio | TocMode::Mode1Raw | TocMode::Mode2Raw => 2352,
            TocMode::Mode0 | TocMode::Mode2 | TocMode::Mode2FormMix => 2336,
            TocMode::Mode1 | TocMode::Mode2Form1 => 2048,
            TocMode::Mode2Form2 => 2324,
        }
    }

    /// How the medium stores a block of this mode. Mode 0 has no mode of
    /// its own there: its 2336 bytes after the header are read like mode
    /// 2's.
    pub fn track_mode(self) -> TrackMode {
        match self {
            TocMode::Audio => TrackMode::Audio,
            TocMode::Mode1 => TrackMode::Mode1_2048,
            TocMode::Mode1Raw => TrackMode::Mode1_2352,
            TocMode::Mode0 | TocMode::Mode2 | TocMode::Mode2FormMix => TrackMode::Mode2_2336,
            TocMode::Mode2Raw => TrackMode::Mode2_2352,
            TocMode::Mode2Form1 => TrackMode::Mode2_2048,
            TocMode::Mode2Form2 => TrackMode::Mode2_2324,
        }
    }

    /// The toc mode that stores blocks as `mode` does.
    pub fn for_track(mode: TrackMode) -> TocMode {
        match mode {
            TrackMode::Audio | TrackMode::Cdg => TocMode::Audio,
            TrackMode::Mode1_2048 => TocMode::Mode1,
            TrackMode::Mode1_2352 => TocMode::Mode1Raw,
            TrackMode::Mode2_2048 => TocMode::Mode2Form1,
            TrackMode::Mode2_2324 => TocMode::Mode2Form2,
            TrackMode::Mode2_2336 | TrackMode::Cdi2336 => TocMode::Mode2,
            TrackMode::Mode2_2352 | TrackMode::Cdi2352 => TocMode::Mode2Raw,
        }
    }

    pub fn is_audio(self) -> bool {
        self == TocMode::Audio
    }
}

impl std::fmt::Display for TocMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sub-channel data stored after each block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SubchannelMode {
    /// `RW`: packed R-W, 96 bytes.
    Rw,
    /// `RW_RAW`: raw (interleaved) R-W, 96 bytes.
    RwRaw,
}

impl SubchannelMode {
    pub fn from_word(word: &str) -> Option<SubchannelMode> {
        match word {
            "RW" => Some(SubchannelMode::Rw),
            "RW_RAW" => Some(SubchannelMode::RwRaw),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SubchannelMode::Rw => "RW",
            SubchannelMode::RwRaw => "RW_RAW",
        }
    }
}

/// Bytes of sub-channel data after each block when a mode is given.
pub const SUBCHANNEL_BYTES: u32 = 96;

/// The session type a toc declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiscType {
    CdDa,
    CdRom,
    CdRomXa,
    CdI,
}

impl DiscType {
    pub fn from_word(word: &str) -> Option<DiscType> {
        match word {
            "CD_DA" => Some(DiscType::CdDa),
            "CD_ROM" => Some(DiscType::CdRom),
            "CD_ROM_XA" => Some(DiscType::CdRomXa),
            "CD_I" => Some(DiscType::CdI),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DiscType::CdDa => "CD_DA",
            DiscType::CdRom => "CD_ROM",
            DiscType::CdRomXa => "CD_ROM_XA",
            DiscType::CdI => "CD_I",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_and_store_as_cdrdao_says() {
        for mode in TOC_MODES {
            assert_eq!(TocMode::from_word(mode.as_str()), Some(mode));
            assert_eq!(mode.track_mode().sector_size(), mode.block_size(), "{mode}");
        }
        assert_eq!(TocMode::from_word("mode1"), None);
        assert_eq!(TocMode::for_track(TrackMode::Mode1_2352), TocMode::Mode1Raw);
    }
}

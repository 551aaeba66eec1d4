//! The text descriptors that name data files (CDRWIN cue sheets and cdrdao
//! toc files) share their rules: finding a file, what its content says
//! against what is declared, the data a track holds against its mode. A
//! rule is written once; each dialect reports it under its own code.

/// Which kind of text descriptor a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// A CDRWIN cue sheet (`cue.*` codes).
    Cue,
    /// A cdrdao toc file (`toc.*` codes).
    Toc,
}

/// One shared rule's code in each dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub cue: &'static str,
    pub toc: &'static str,
}

impl Dialect {
    /// The code this dialect reports `code` under.
    pub fn code(self, code: Code) -> &'static str {
        match self {
            Dialect::Cue => code.cue,
            Dialect::Toc => code.toc,
        }
    }

    /// How a message names the statement that names a file.
    pub fn file_word(self) -> &'static str {
        match self {
            Dialect::Cue => "FILE",
            Dialect::Toc => "file",
        }
    }

    /// How a suggestion tells the user to write a file name.
    pub fn write_name(self, name: &str) -> String {
        match self {
            Dialect::Cue => format!("write FILE \"{name}\""),
            Dialect::Toc => format!("write \"{name}\""),
        }
    }
}

/// Declares the shared codes: `NAME = "rule"` is `cue.rule` and `toc.rule`.
macro_rules! shared {
    ($($(#[$meta:meta])* $name:ident = $rule:literal;)*) => {
        $(
            $(#[$meta])*
            pub const $name: Code = Code {
                cue: concat!("cue.", $rule),
                toc: concat!("toc.", $rule),
            };
        )*
        /// Every shared code.
        pub const SHARED: &[Code] = &[$($name),*];
    };
}

shared! {
    // Text
    BOM = "bom";
    ENCODING = "encoding";
    MIXED_LINE_ENDINGS = "mixed-line-endings";
    UNREADABLE = "unreadable";
    TOO_LARGE = "too-large";
    BINARY_FILE = "binary-file";
    // Files
    FILE_MISSING = "file-missing";
    FILE_CASE = "file-case";
    FILE_ABSOLUTE = "file-absolute";
    FILE_BACKSLASH = "file-backslash";
    FILE_PATH_STRIPPED = "file-path-stripped";
    FILE_OUTSIDE_FOLDER = "file-outside-folder";
    FILE_NOT_REGULAR = "file-not-regular";
    FILE_UNREADABLE = "file-unreadable";
    FILE_TYPE_MISMATCH = "file-type-mismatch";
    FILE_NEEDS_DECODING = "file-needs-decoding";
    WAVE_FORMAT = "wave-format";
    // Tracks and their data
    TOO_MANY_TRACKS = "too-many-tracks";
    NO_TRACKS = "no-tracks";
    BAD_TIME = "bad-time";
    PARTIAL_SECTOR = "partial-sector";
    EMPTY_TRACK = "empty-track";
    MODE_MISMATCH = "mode-mismatch";
    SECTOR_SIZE_MISMATCH = "sector-size-mismatch";
    AUDIO_ON_DATA = "audio-on-data";
    DATA_ON_AUDIO = "data-on-audio";
    INDEX_NOT_ON_SYNC = "index-not-on-sync";
    INDEX_NOT_INCREASING = "index-not-increasing";
    DATA_AUDIO_GAP = "data-audio-gap";
    HIDDEN_TRACK = "hidden-track";
    // Metadata
    BAD_CATALOG = "bad-catalog";
    BAD_ISRC = "bad-isrc";
    CD_TEXT_TOO_LONG = "cd-text-too-long";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_dialect_reports_its_own_code() {
        assert_eq!(Dialect::Cue.code(FILE_MISSING), "cue.file-missing");
        assert_eq!(Dialect::Toc.code(FILE_MISSING), "toc.file-missing");
        assert!(
            SHARED
                .iter()
                .all(|c| c.cue.strip_prefix("cue.") == c.toc.strip_prefix("toc."))
        );
    }
}

//! What each `toc.*` code means: the findings on a cdrdao toc file. Codes
//! of rules shared with cue sheets keep the cue code's name under the
//! `toc.` prefix.

use super::{Explanation, e};
use crate::diagnostic::Severity::{Error, Info, Warning};

/// Every code the toc reader and the doctor report on a toc file.
pub const TOC_CODES: &[Explanation] = &[
    // Text
    e(
        "toc.bom",
        Warning,
        "The toc starts with a UTF-8 byte order mark, which cdrdao reads as illegal tokens.",
    ),
    e(
        "toc.encoding",
        Info,
        "The toc is not UTF-8; the message names the encoding used to read it (UTF-16 with a byte order mark, Shift-JIS or Latin-1).",
    ),
    e(
        "toc.mixed-line-endings",
        Info,
        "The toc mixes LF, CRLF and CR line endings.",
    ),
    e(
        "toc.unreadable",
        Error,
        "The toc file itself could not be read (missing, a folder, no permission).",
    ),
    e(
        "toc.too-large",
        Error,
        "The file is over 1 MiB: no toc file is that large, so it is not read as one.",
    ),
    e(
        "toc.binary-file",
        Error,
        "The file given as a toc is binary: probably the disc image itself.",
    ),
    e(
        "toc.too-many-tokens",
        Error,
        "The file holds over 200,000 words; the rest is not read.",
    ),
    e(
        "toc.too-many-findings",
        Error,
        "The file gave so many findings that it is not a toc worth reading on: the rest of it is not read. Fix the first findings and check again.",
    ),
    // Syntax
    e(
        "toc.syntax",
        Error,
        "A statement does not read: a word, number, string or brace is missing or out of place (`FILE` without a start position, `CATALOG` without a string, `INDEX` without a time). Reading goes on at the next statement.",
    ),
    e(
        "toc.unknown-keyword",
        Error,
        "A statement starts with a word cdrdao does not know. When it is close to a keyword the help says which.",
    ),
    e(
        "toc.keyword-case",
        Error,
        "A keyword is written in lower or mixed case; cdrdao reads keywords in upper case only (`track` is an illegal token to it). discscope reads it as the keyword.",
    ),
    e(
        "toc.unclosed-quote",
        Error,
        "A string has no closing quote on its line; strings cannot span lines.",
    ),
    e(
        "toc.unclosed-brace",
        Error,
        "A `{` of a CD_TEXT, LANGUAGE_MAP, LANGUAGE or binary block is never closed before the next statement or the end of the file.",
    ),
    e(
        "toc.outside-track",
        Error,
        "A track statement (FILE, DATAFILE, SILENCE, ZERO, START, INDEX, ISRC, COPY ...) comes before the first TRACK.",
    ),
    e(
        "toc.global-after-track",
        Error,
        "CATALOG or a disc type (CD_DA, CD_ROM, CD_ROM_XA, CD_I) comes after the first TRACK; they belong to the header. discscope still reads it.",
    ),
    e(
        "toc.statement-order",
        Error,
        "A track's statements are out of order. cdrdao reads, in order: flags (ISRC, COPY, PRE_EMPHASIS, TWO/FOUR_CHANNEL_AUDIO), CD_TEXT, PREGAP, the data statements with START and END, then INDEX.",
    ),
    e(
        "toc.duplicate",
        Warning,
        "CATALOG is given twice; the last one counts.",
    ),
    e(
        "toc.unquoted-catalog",
        Error,
        "The catalog number is written without quotes; cdrdao reads only `CATALOG \"ddddddddddddd\"`.",
    ),
    // Tracks
    e(
        "toc.unknown-mode",
        Error,
        "The track mode is not AUDIO, MODE1, MODE1_RAW, MODE2, MODE2_RAW, MODE2_FORM1, MODE2_FORM2 or MODE2_FORM_MIX, so its block length is unknown and the disc cannot be laid out.",
    ),
    e("toc.track-no-mode", Error, "TRACK has no mode."),
    e(
        "toc.too-long",
        Error,
        "The tracks together reach past LBA 20,000,000, further than any disc; the layout is cut there.",
    ),
    e(
        "toc.mode0-track",
        Warning,
        "MODE0 is given as a track's mode; cdrdao 1.2 reads MODE0 only in ZERO statements. Its 2336-byte blocks are read like MODE2's.",
    ),
    e(
        "toc.too-many-tracks",
        Error,
        "A disc holds at most 99 tracks.",
    ),
    e("toc.no-tracks", Error, "The toc has no TRACK."),
    e(
        "toc.no-data",
        Error,
        "A track has no FILE, DATAFILE, SILENCE, ZERO or PREGAP statement, so it has no data.",
    ),
    e(
        "toc.empty-track",
        Warning,
        "A track's data statements give it no blocks (their file could not be used, or their lengths are zero).",
    ),
    e(
        "toc.short-track",
        Warning,
        "A track is shorter than 4 seconds (300 blocks), the shortest cdrdao writes without warning.",
    ),
    e(
        "toc.mixed-statements",
        Error,
        "A track mixes FILE, AUDIOFILE or SILENCE with DATAFILE or ZERO (PREGAP counts as SILENCE on an audio track and as ZERO on a data track); cdrdao refuses that.",
    ),
    e(
        "toc.file-on-data",
        Error,
        "FILE or AUDIOFILE is used on a data track; cdrdao allows them on audio tracks only (data tracks use DATAFILE). discscope reads the data as DATAFILE would, with positions in mm:ss:ff as blocks of the track's mode.",
    ),
    e(
        "toc.silence-on-data",
        Error,
        "SILENCE is used on a data track; data tracks use ZERO. The blocks are read as zeros.",
    ),
    e(
        "toc.fifo",
        Error,
        "FIFO (or a FILE named \"-\", standard input) reads data from a pipe while cdrdao writes; an image cannot be read from one, so the toc is refused.",
    ),
    e(
        "toc.zero-length",
        Error,
        "A PREGAP, SILENCE or ZERO has length zero.",
    ),
    e(
        "toc.duplicate-start",
        Error,
        "A track's start (the end of its pregap) is given twice: by two START statements, or by PREGAP and START.",
    ),
    e(
        "toc.start-past-end",
        Error,
        "START lies at or past the end of the track's data; it is ignored and INDEX 01 is put at the track's first block.",
    ),
    e(
        "toc.end",
        Info,
        "END marks where the track's post-gap begins. Its blocks stay part of the track's length here.",
    ),
    e(
        "toc.index-at-start",
        Error,
        "An INDEX is at 0:0:0, where INDEX 01 already is.",
    ),
    e(
        "toc.index-past-end",
        Error,
        "An INDEX lies at or past the end of its track; it is ignored.",
    ),
    e(
        "toc.index-not-increasing",
        Error,
        "An INDEX is not after the one before it in the same track.",
    ),
    e(
        "toc.too-many-indexes",
        Error,
        "A track has more than 98 INDEX statements (indexes 2 to 99).",
    ),
    e(
        "toc.bad-time",
        Error,
        "A time is not mm:ss:ff with seconds below 60 and frames below 75, or it is longer than any disc. (Minutes may be over 99 in a toc.)",
    ),
    e(
        "toc.partial-sector",
        Warning,
        "A length is not a whole number of blocks of the track's mode (samples and bytes can be any number). cdrdao pads the last block with zeros; discscope reads that block on into whatever follows in the file.",
    ),
    // Files
    e(
        "toc.file-missing",
        Error,
        "A file the toc names does not exist beside it, in any letter case, nor under its base name.",
    ),
    e(
        "toc.file-case",
        Warning,
        "The named file exists only with other letter case.",
    ),
    e(
        "toc.file-absolute",
        Warning,
        "A file is named by an absolute path, which breaks when the set moves; the file was found beside the toc.",
    ),
    e(
        "toc.file-backslash",
        Warning,
        "A file is named by a relative path with Windows backslashes.",
    ),
    e(
        "toc.file-path-stripped",
        Warning,
        "The path named does not exist, but a file of that base name lies beside the toc and is used.",
    ),
    e(
        "toc.file-outside-folder",
        Warning,
        "A file name climbs out of the toc's folder (`../x.bin`).",
    ),
    e(
        "toc.file-not-regular",
        Error,
        "A file name names a folder, a device or another non-regular file.",
    ),
    e(
        "toc.file-unreadable",
        Error,
        "The named file exists but could not be opened or read.",
    ),
    e(
        "toc.file-needs-decoding",
        Error,
        "The file is MP3, Ogg or FLAC audio, which cdrdao decodes before writing; discscope reads only raw and WAVE data.",
    ),
    e(
        "toc.file-type-mismatch",
        Warning,
        "A file's content does not match how cdrdao reads it: a file whose name does not end in `.wav` has a RIFF WAVE header (its header would be written as samples), or a `.wav` file has none.",
    ),
    e(
        "toc.wave-format",
        Warning,
        "A WAVE file is not 44.1 kHz 16-bit stereo PCM; its bytes are read as CD frames all the same.",
    ),
    e(
        "toc.big-endian-audio",
        Info,
        "A raw audio file (FILE or AUDIOFILE, not named `.wav`, without SWAP): cdrdao reads its samples as big-endian (MSB first). discscope shows the bytes as stored. Write SWAP after the name for a file of little-endian samples.",
    ),
    e(
        "toc.file-offset-past-end",
        Error,
        "A FILE's or DATAFILE's start position (its `#offset` plus start) lies past the end of the file's data. Its blocks are marked as missing.",
    ),
    e(
        "toc.past-end",
        Error,
        "A FILE or DATAFILE asks for more data than its file holds after the start position. The blocks the file has are read; the rest are marked as missing and read as zeros.",
    ),
    e(
        "toc.rw-subchannel",
        Info,
        "The track has a sub-channel mode (RW or RW_RAW): each block in its files is followed by 96 bytes of R-W sub-channel data, which discscope steps over (R-W carries no Q channel).",
    ),
    e(
        "toc.zero-subchannel",
        Info,
        "A ZERO statement gives a sub-channel mode; zero data has no sub-channel, so it is read and ignored.",
    ),
    // Data against the declared mode
    e(
        "toc.mode-mismatch",
        Error,
        "The declared raw mode (MODE1_RAW or MODE2_RAW) disagrees with the mode byte of the sectors' headers.",
    ),
    e(
        "toc.sector-size-mismatch",
        Error,
        "The declared block length does not fit the file: MODE1_RAW or MODE2_RAW on a file with no sync patterns that is a multiple of 2048 bytes, or MODE1 or MODE2_FORM1 on a file of raw 2352-byte sectors.",
    ),
    e(
        "toc.audio-on-data",
        Error,
        "A track declared AUDIO holds data sectors (sync patterns and a mode byte).",
    ),
    e(
        "toc.data-on-audio",
        Error,
        "A track declared MODE1_RAW or MODE2_RAW has no sync pattern in its first sectors: it is audio.",
    ),
    e(
        "toc.index-not-on-sync",
        Error,
        "INDEX 01 of a raw data track does not land on a sector's sync pattern, though sync patterns follow: a start position, or an earlier track's length, is off.",
    ),
    e(
        "toc.data-audio-gap",
        Warning,
        "An audio track follows a data track with less than the 2-second (150-block) pregap the Red Book requires. If the image does not hold the gap, add `PREGAP 0:2:0`.",
    ),
    e(
        "toc.hidden-track",
        Info,
        "A stored pregap (before START) holds sound, not silence: a hidden track.",
    ),
    // Metadata
    e(
        "toc.bad-catalog",
        Error,
        "CATALOG must be exactly 13 digits; cdrdao refuses any other.",
    ),
    e(
        "toc.bad-isrc",
        Error,
        "ISRC must be 12 characters CCOOOYYSSSSS: country and owner letters or digits, year and serial digits; cdrdao refuses any other.",
    ),
    e(
        "toc.cd-text-too-long",
        Warning,
        "A CD-TEXT string is over 80 characters; writers cut or refuse it.",
    ),
    e(
        "toc.cd-text-language",
        Error,
        "A LANGUAGE block number is outside 0 to 7, or a LANGUAGE_MAP entry's language code is outside 0 to 255 (or EN).",
    ),
    e(
        "toc.cd-text-item",
        Error,
        "A word in a LANGUAGE block is not a CD-TEXT item, or an item only the disc may carry (DISC_ID, GENRE, TOC_INFO1, TOC_INFO2, SIZE_INFO; or LANGUAGE_MAP) is in a track's block.",
    ),
    e(
        "toc.cd-text-binary",
        Error,
        "Binary CD-TEXT data holds something other than numbers from 0 to 255, or more than 3,072 bytes.",
    ),
];

//! `discscope check --explain CODE`: what each diagnostic code means and
//! what to do about it.

mod toc;

pub use toc::TOC_CODES;

use crate::diagnostic::Severity;

/// One code's explanation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub code: &'static str,
    /// "error", "warning" or "info" as usually reported.
    pub severity: Severity,
    pub text: &'static str,
}

pub(super) const fn e(code: &'static str, severity: Severity, text: &'static str) -> Explanation {
    Explanation {
        code,
        severity,
        text,
    }
}

/// Every code the cue doctor and the cue reader report.
pub const CODES: &[Explanation] = &[
    // Text
    e(
        "cue.bom",
        Severity::Info,
        "The sheet starts with a UTF-8 byte order mark. Most programs skip it, but some older burners and emulators read it as part of the first command. `discscope fix` writes the sheet without it.",
    ),
    e(
        "cue.encoding",
        Severity::Info,
        "The sheet is not UTF-8; the message names the encoding used to read it (UTF-16 with a byte order mark, Shift-JIS or Latin-1). File names with non-ASCII letters may not match the files on disk in another program. `discscope fix` writes UTF-8.",
    ),
    e(
        "cue.mixed-line-endings",
        Severity::Info,
        "The sheet mixes LF, CRLF and CR line endings, a sign of hand editing across systems. `discscope fix` writes one kind throughout.",
    ),
    e(
        "cue.not-laid-out",
        Severity::Warning,
        "The inspector opened a broken sheet as far as it could: this track has no sectors because its FILE could not be opened or it has no usable INDEX 01. The findings before it say why; fix those and the track is laid out.",
    ),
    e(
        "cue.unreadable",
        Severity::Error,
        "The sheet itself could not be read (missing, a folder, no permission).",
    ),
    e(
        "cue.too-large",
        Severity::Error,
        "The file is over 1 MiB: no cue sheet is that large, so it is not read as one.",
    ),
    // Wrong kind of file
    e(
        "cue.binary-file",
        Severity::Error,
        "The file given as a sheet is binary: probably the disc image itself. Pass the .cue that names it, open the image directly, or write a sheet with `discscope fix --from-data IMAGE -o OUT.cue`.",
    ),
    e(
        "cue.toc-file",
        Severity::Error,
        "The file is a cdrdao .toc (it has a disc type line such as CD_ROM, TRACK MODE1 without a number, or DATAFILE). It is a different format; open the .toc itself.",
    ),
    e(
        "cue.ccd-file",
        Severity::Error,
        "The file is a CloneCD .ccd control file ([CloneCD] section). Open the .ccd; its .img holds the data.",
    ),
    // Syntax
    e(
        "cue.unknown-command",
        Severity::Warning,
        "A line starts with a word that is not a cue command (CATALOG, CDTEXTFILE, FILE, FLAGS, INDEX, ISRC, PERFORMER, POSTGAP, PREGAP, REM, SONGWRITER, TITLE, TRACK). When the word is close to a command, the help says which and the fix rewrites it. Close to FILE, TRACK, INDEX, PREGAP or POSTGAP it is an error, since other programs stop there or skip a line that places sectors; the doctor then reads the line as that command, as `fix` will write it, so the lines after it are judged as they will stand (a misspelt TRACK does not make its INDEX lines the previous track's). Any other unknown line is a warning and is ignored.",
    ),
    e(
        "cue.argument-count",
        Severity::Warning,
        "A command has more or fewer arguments than it takes, for example `CATALOG` with no number or `INDEX 01` without a time.",
    ),
    e(
        "cue.unclosed-quote",
        Severity::Warning,
        "A quoted name has no closing quote, so it runs to the end of the line (and swallows the FILE type). The fix closes the quote when the name before the type is a file that exists.",
    ),
    e(
        "cue.unquoted-name",
        Severity::Warning,
        "A FILE name with spaces is not quoted. discscope joins the words, but other programs split them. The fix quotes it.",
    ),
    e(
        "cue.unquoted-text",
        Severity::Info,
        "A CD-TEXT value with spaces is not quoted.",
    ),
    e("cue.file-no-name", Severity::Error, "FILE has no name."),
    e(
        "cue.file-no-type",
        Severity::Warning,
        "FILE has no type (BINARY, MOTOROLA, WAVE, AIFF, MP3); BINARY is assumed.",
    ),
    e(
        "cue.file-type-unknown",
        Severity::Warning,
        "The FILE type is not one of BINARY, MOTOROLA, WAVE, AIFF, MP3 (or FLAC, OGG); BINARY is assumed.",
    ),
    e(
        "cue.track-before-file",
        Severity::Error,
        "A TRACK comes before any FILE, so there is no data for it. Put a FILE line above the first TRACK.",
    ),
    e(
        "cue.outside-track",
        Severity::Error,
        "INDEX, PREGAP, POSTGAP, FLAGS or ISRC comes before any TRACK; these belong to a track.",
    ),
    e(
        "cue.duplicate-catalog",
        Severity::Warning,
        "CATALOG is given twice; the last one counts.",
    ),
    e(
        "cue.duplicate-flags",
        Severity::Warning,
        "FLAGS is given twice for one track; the flags are merged.",
    ),
    e(
        "cue.duplicate-isrc",
        Severity::Warning,
        "ISRC is given twice for one track; the last one counts.",
    ),
    e(
        "cue.duplicate-gap",
        Severity::Warning,
        "PREGAP or POSTGAP is given twice for one track; the last one counts.",
    ),
    e(
        "cue.duplicate-index",
        Severity::Error,
        "The same INDEX number appears twice in one track; the second is ignored.",
    ),
    // Files
    e(
        "cue.file-missing",
        Severity::Error,
        "The file a FILE line names does not exist beside the sheet, in any letter case, nor under its base name. Put it there or correct the name.",
    ),
    e(
        "cue.file-case",
        Severity::Warning,
        "The named file exists only with other letter case (`GAME.BIN` for `game.bin`). Windows does not care; Linux and macOS do. The fix writes the real name.",
    ),
    e(
        "cue.file-absolute",
        Severity::Warning,
        "FILE names an absolute path (`C:\\Games\\x.bin`, `/home/me/x.bin`), which breaks when the set moves. The file was found beside the sheet; the fix names it relative to the sheet.",
    ),
    e(
        "cue.file-backslash",
        Severity::Warning,
        "FILE names a relative path with Windows backslashes. The fix writes forward slashes, which every system reads.",
    ),
    e(
        "cue.file-path-stripped",
        Severity::Warning,
        "The path FILE names does not exist, but a file of that base name lies beside the sheet and is used. The fix names it.",
    ),
    e(
        "cue.file-outside-folder",
        Severity::Warning,
        "FILE climbs out of the sheet's folder (`../x.bin`); moving the sheet breaks it.",
    ),
    e(
        "cue.file-not-regular",
        Severity::Error,
        "FILE names a folder, a device or another non-regular file.",
    ),
    e(
        "cue.file-unreadable",
        Severity::Error,
        "The named file exists but could not be opened or read.",
    ),
    e(
        "cue.file-type-mismatch",
        Severity::Warning,
        "The FILE type does not match the content: a RIFF WAVE header in a BINARY file (the header would be read as audio), or WAVE/AIFF declared for a raw file. The fix declares the type the content has.",
    ),
    e(
        "cue.file-needs-decoding",
        Severity::Error,
        "The file is MP3, FLAC or OGG audio, which would have to be decoded; discscope reads only raw, WAVE and AIFF data.",
    ),
    e(
        "cue.wave-format",
        Severity::Warning,
        "A WAVE file is not 44.1 kHz 16-bit stereo PCM; its bytes are read as CD frames all the same.",
    ),
    e(
        "cue.motorola",
        Severity::Info,
        "MOTOROLA data is big-endian audio; samples are shown as stored.",
    ),
    // Tracks
    e(
        "cue.track-number",
        Severity::Error,
        "TRACK needs a number from 1 to 99.",
    ),
    e(
        "cue.track-number-range",
        Severity::Error,
        "A track number is outside 1 to 99.",
    ),
    e(
        "cue.track-order",
        Severity::Error,
        "A track number repeats or falls. The fix renumbers the track by its position.",
    ),
    e(
        "cue.track-renumbered",
        Severity::Info,
        "A TRACK line whose number was in step with the one above it, which is renumbered: `discscope fix` renumbers it too, so the numbers keep rising by one. It is reported only so that `check` shows every line `fix` rewrites; the finding above it is the cause.",
    ),
    e(
        "cue.track-number-gap",
        Severity::Warning,
        "A track number skips (01, 03). The fix renumbers the track by its position.",
    ),
    e(
        "cue.too-many-tracks",
        Severity::Error,
        "A disc holds at most 99 tracks.",
    ),
    e(
        "cue.no-tracks",
        Severity::Error,
        "The sheet has no usable TRACK.",
    ),
    e("cue.track-no-mode", Severity::Error, "TRACK has no mode."),
    e(
        "cue.unknown-mode",
        Severity::Error,
        "The track mode is not one of AUDIO, CDG, MODE1/2048, MODE1/2352, MODE2/2048, MODE2/2324, MODE2/2336, MODE2/2352, CDI/2336, CDI/2352. The TRACK still starts a track, so its INDEX lines are not taken for the previous track's, but it is not laid out: its sector size is unknown.",
    ),
    e(
        "cue.data-not-extracted",
        Severity::Warning,
        "The mode is `MODEx/2xxx`: Exact Audio Copy writes this placeholder for the data track of an enhanced CD (CD Extra) that it did not extract. The image holds no data for it, so the track is left out and the audio tracks are read without it. Its INDEX lines point at where the data would start and are not checked. To burn or convert the audio, remove the track's lines; to keep the data, extract the data track with a tool that reads it and declare its real mode (MODE1/2352 or MODE2/2352 for the usual CD Extra second session).",
    ),
    e(
        "cue.mode-mismatch",
        Severity::Error,
        "The declared raw mode disagrees with the mode byte of the sectors' headers (MODE1/2352 declared, mode 2 recorded, or the reverse). The fix declares the recorded mode.",
    ),
    e(
        "cue.sector-size-mismatch",
        Severity::Error,
        "The declared sector size does not fit the file: 2352 declared for a file with no sync patterns whose size is a multiple of 2048 (a plain ISO), or 2048 declared for a file of raw 2352-byte sectors. The fix declares the size the data has.",
    ),
    e(
        "cue.audio-on-data",
        Severity::Error,
        "A track declared AUDIO holds data sectors (sync patterns and a mode byte). Played as audio it is noise; read as data it works. The fix declares the recorded mode.",
    ),
    e(
        "cue.data-on-audio",
        Severity::Error,
        "A track declared as raw data has no sync pattern in its first sectors and its file is not a 2048-byte image: it is audio. The fix declares AUDIO.",
    ),
    e(
        "cue.partial-sector",
        Severity::Warning,
        "The file's size is not a multiple of the sector size; the partial sector at the end is ignored. The mode or the file is wrong, or the file was cut short.",
    ),
    e(
        "cue.empty-track",
        Severity::Warning,
        "A track holds no sectors: its INDEX 01 is where the next track begins, or at the end of its file.",
    ),
    e(
        "cue.unindexed-data",
        Severity::Info,
        "Sectors before the first INDEX are read as track 1's pregap (or belong to no track).",
    ),
    // Indexes
    e(
        "cue.missing-index-01",
        Severity::Error,
        "A track has no INDEX 01, so it has no start. The fix adds `INDEX 01 00:00:00` when the track is the first in its FILE and has no index at all. Not reported when an earlier finding is the cause: the track has an INDEX line that may be its 01 but could not be read (a bad time or number, out of order), or its TRACK line has no usable mode.",
    ),
    e(
        "cue.index-order",
        Severity::Error,
        "An INDEX number is lower than the one before it in the track (INDEX 00 after INDEX 01). The line is ignored.",
    ),
    e(
        "cue.index-not-increasing",
        Severity::Error,
        "An INDEX time is not after the previous index's time in the same file.",
    ),
    e(
        "cue.bad-index-number",
        Severity::Error,
        "INDEX numbers run from 00 to 99.",
    ),
    e(
        "cue.bad-time",
        Severity::Error,
        "A time is not mm:ss:ff with seconds below 60 and frames below 75 (75 frames per second).",
    ),
    e(
        "cue.index-past-end",
        Severity::Error,
        "An INDEX lies past the end of its file: the time is wrong, the file is short, or the sector size (mode) is wrong.",
    ),
    e(
        "cue.index-not-on-sync",
        Severity::Error,
        "INDEX 01 of a raw data track does not land on a sector's sync pattern, though sync patterns follow: the time, or an earlier track's sector size, is off.",
    ),
    // Gaps
    e(
        "cue.pregap-and-index-00",
        Severity::Warning,
        "A track has both PREGAP (silence that is not in the file) and INDEX 00 (a gap that is). Players add the two. The fix keeps INDEX 00 and drops PREGAP.",
    ),
    e(
        "cue.data-audio-gap",
        Severity::Warning,
        "An audio track follows a data track with less than the 2-second (150-sector) pregap the Red Book requires. If the image does not hold the gap, add `PREGAP 00:02:00`; the fix does so (or raises a shorter PREGAP) unless the track stores a gap with INDEX 00.",
    ),
    e(
        "cue.hidden-track",
        Severity::Info,
        "A stored pregap (INDEX 00 to INDEX 01) holds sound, not silence: a hidden track, often before track 1. Nothing is wrong, but players that start at INDEX 01 skip it.",
    ),
    // Metadata
    e(
        "cue.bad-catalog",
        Severity::Warning,
        "CATALOG (the disc's UPC/EAN media catalogue number) must be exactly 13 digits.",
    ),
    e(
        "cue.bad-isrc",
        Severity::Warning,
        "ISRC must be 12 characters CCOOOYYSSSSS: country and owner letters or digits, year and serial digits.",
    ),
    e(
        "cue.unknown-flag",
        Severity::Warning,
        "FLAGS takes DCP, 4CH, PRE and SCMS only.",
    ),
    e(
        "cue.cd-text-too-long",
        Severity::Warning,
        "A CD-TEXT field (TITLE, PERFORMER, SONGWRITER...) is over 80 characters; burners cut or refuse it.",
    ),
    e(
        "cue.bad-session",
        Severity::Error,
        "REM SESSION needs a number from 1 to 99.",
    ),
    e(
        "cue.session-order",
        Severity::Warning,
        "REM SESSION numbers must start at 01 and rise by one. The fix renumbers.",
    ),
    e(
        "cue.bad-lead-out",
        Severity::Warning,
        "REM LEAD-OUT needs a time mm:ss:ff.",
    ),
];

/// Every explained code: the cue sheet's, then the toc file's.
pub fn all_codes() -> impl Iterator<Item = &'static Explanation> {
    CODES.iter().chain(TOC_CODES)
}

/// The explanation of a code (`cue.file-missing`; the `cue.` may be left off).
pub fn explain(code: &str) -> Option<&'static Explanation> {
    let code = code.trim();
    all_codes().find(|e| {
        e.code.eq_ignore_ascii_case(code)
            || e.code
                .strip_prefix("cue.")
                .is_some_and(|c| c.eq_ignore_ascii_case(code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `"cue.…"` code written anywhere in the library has an entry.
    #[test]
    fn every_code_in_the_source_is_explained() {
        let mut pending = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut seen = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text
                    .split("\"cue.")
                    .skip(1)
                    .chain(text.split("\"toc.").skip(1))
                {
                    let code: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    if code.is_empty() || piece.get(code.len()..code.len() + 1) != Some("\"") {
                        continue;
                    }
                    seen += 1;
                    assert!(
                        explain(&format!("cue.{code}")).is_some()
                            || explain(&format!("toc.{code}")).is_some(),
                        "{code} in {} has no explanation",
                        path.display()
                    );
                }
            }
        }
        assert!(seen > 60, "{seen}");
        let mut codes: Vec<_> = all_codes().map(|e| e.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CODES.len() + TOC_CODES.len());
        // Every rule shared with cue sheets is explained under both names.
        for code in crate::container::dialect::SHARED {
            assert!(explain(code.cue).is_some(), "{}", code.cue);
            assert!(explain(code.toc).is_some(), "{}", code.toc);
        }
        assert_eq!(explain("file-missing").unwrap().code, "cue.file-missing");
    }
}

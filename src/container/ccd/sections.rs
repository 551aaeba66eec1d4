//! The kinds of `.ccd` section, each declared once.
//!
//! Sources: the `.ccd` as CloneCD writes it and libmirage reads it (see
//! the module above); ECMA-130 §22.3.4 for what a lead-in TOC entry's
//! fields mean (mode 1 Q: CONTROL, ADR, TNO 0, POINT, the lead-in's running
//! time MIN/SEC/FRAME, ZERO, and PMIN/PSEC/PFRAME, whose meaning POINT
//! selects).

use crate::container::ccd::keys::{Numbered, SectionSpec, section};

section! {
    /// `[CloneCD]`: the file's header.
    pub struct HeaderKeys = "CloneCD", "CloneCD .ccd" {
        version: Option<i64> = "Version", Number, "the descriptor format's version (3 in current files)";
    }
}

section! {
    /// `[Disc]`: the disc as a whole.
    pub struct DiscKeys = "Disc", "CloneCD .ccd" {
        toc_entries: Option<i64> = "TocEntries", Number, "how many [Entry N] sections follow";
        sessions: Option<i64> = "Sessions", Number, "sessions on the disc";
        data_tracks_scrambled: Option<String> = "DataTracksScrambled", Text, "anything but 0: the .img holds data sectors scrambled";
        cd_text_length: Option<i64> = "CDTextLength", Number, "bytes of CD-Text in the [CDText] section";
        catalog: Option<String> = "CATALOG", Text, "the media catalog number (13 digits)";
    }
}

section! {
    /// `[Session N]`: one session.
    pub struct SessionKeys = "Session N", "CloneCD .ccd" {
        pregap_mode: Option<i64> = "PreGapMode", Number, "sector mode of the session's first pregap (0 audio, 1 mode 1, 2 mode 2)";
        pregap_subchannel: Option<i64> = "PreGapSubC", Number, "whether CloneCD stored the pregap's subchannel";
    }
}

section! {
    /// `[Entry N]`: one lead-in TOC entry (a mode 1 Q frame), raw.
    pub struct EntryKeys = "Entry N", "CloneCD .ccd; ECMA-130 §22.3.4" {
        session: Option<u8> = "Session", Number, "the session whose lead-in holds this entry";
        point: Option<u8> = "Point", Hex, "what the entry describes: 01-99 a track's start, A0 the first track, A1 the last, A2 the lead-out, B0/C0 multisession";
        adr: Option<u8> = "ADR", Hex, "Q mode: 1 for TOC entries";
        control: Option<u8> = "Control", Hex, "track type bits: 4 data, 8 four-channel audio, 2 copy permitted, 1 pre-emphasis";
        track_no: Option<u8> = "TrackNo", Number, "TNO: 0 in the lead-in";
        a_min: Option<u8> = "AMin", Number, "the lead-in's running time: minutes";
        a_sec: Option<u8> = "ASec", Number, "the lead-in's running time: seconds";
        a_frame: Option<u8> = "AFrame", Number, "the lead-in's running time: frames";
        a_lba: Option<i64> = "ALBA", Number, "AMin/ASec/AFrame as an LBA (MSF - 150)";
        zero: Option<u8> = "Zero", Number, "ZERO (or the hours of a 100-minute disc)";
        p_min: Option<u8> = "PMin", Number, "minutes of the time POINT names (or the first or last track's number for A0/A1)";
        p_sec: Option<u8> = "PSec", Number, "seconds of the time POINT names (or the disc type for A0)";
        p_frame: Option<u8> = "PFrame", Number, "frames of the time POINT names";
        p_lba: Option<Option<i64>> = "PLBA", Number, "PMin/PSec/PFrame as an LBA (MSF - 150)";
    }
}

section! {
    /// `[TRACK N]`: a track's mode and indexes.
    pub struct TrackKeys = "TRACK N", "CloneCD .ccd" {
        mode: Option<String> = "MODE", Text, "sector mode: 0 audio, 1 mode 1, 2 mode 2";
        indexes: Numbered = "INDEX n", Decimal, "the LBA where index n starts";
    }
}

/// Every kind of section the reader knows.
pub const KINDS: [SectionSpec; 5] = [
    HeaderKeys::SPEC,
    DiscKeys::SPEC,
    SessionKeys::SPEC,
    EntryKeys::SPEC,
    TrackKeys::SPEC,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::ccd::sheet::CcdFile;

    #[test]
    fn one_table_reads_and_annotates_a_section() {
        let text = b"[Entry 3]\r\nSession=1\r\nPoint=0x01\r\nALBA=-150\r\nPLBA=x\r\nOdd=1\r\n[TRACK 1]\r\nMODE=1\r\nINDEX 1=0\r\nINDEX 0=-150\r\nINDEX 2=0x10\r\n";
        let sheet = CcdFile::parse(text);
        let entry = EntryKeys::SPEC.each(&sheet).next().unwrap();
        assert_eq!(EntryKeys::SPEC.number(entry), Some(3));
        let keys = EntryKeys::read(entry);
        assert_eq!(
            (keys.session, keys.point, keys.a_lba, keys.p_lba, keys.adr),
            (Some(1), Some(1), Some(-150), Some(None), None)
        );
        let track = TrackKeys::find(&sheet, Some(1));
        assert_eq!(track.mode.as_deref(), Some("1"));
        assert_eq!(track.indexes, Numbered(vec![(0, -150), (1, 0)]));
        let path: std::sync::Arc<std::path::Path> = std::path::Path::new("x.ccd").into();
        let s = EntryKeys::SPEC.structure(entry, &path);
        assert_eq!(s.name, "[Entry 3]");
        assert_eq!(
            s.place,
            crate::structure::Place::File {
                path: path.clone(),
                offset: 0
            }
        );
        assert_eq!(s.length, 58);
        let text_of = |name: &str| s.fields.iter().find(|f| f.name == name).unwrap().text();
        assert_eq!(text_of("Point"), "0x01");
        assert_eq!(text_of("ALBA"), "-150");
        assert_eq!(text_of("PLBA"), "x (not a number)");
        assert_eq!(
            s.fields.iter().find(|f| f.name == "Odd").unwrap().meaning,
            "a key discscope does not read"
        );
        let plba = s.fields.iter().find(|f| f.name == "PLBA").unwrap();
        assert_eq!((plba.offset, plba.length), (45, 6));
        assert_eq!(&text[45..51], b"PLBA=x");
        let index = TrackKeys::SPEC.structure(TrackKeys::SPEC.each(&sheet).next().unwrap(), &path);
        assert_eq!(index.fields[1].meaning, "the LBA where index n starts");
        assert_eq!(index.fields[3].text(), "0x10 (not a decimal number)");
        let repeated = CcdFile::parse(b"[Disc]\nSessions=1\nsessions=2\nINDEX 100=4\n");
        let disc = DiscKeys::SPEC.structure(&repeated.sections[0], &path);
        assert_eq!(DiscKeys::read(&repeated.sections[0]).sessions, Some(1));
        assert_eq!(disc.fields[1].text(), "2 (repeated: the first one counts)");
        assert_eq!(disc.fields[2].meaning, "a key discscope does not read");
    }
}

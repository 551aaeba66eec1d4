use crate::container::toc::mode::{DiscType, SubchannelMode, TocMode};
use crate::container::toc::sheet::{Amount, CdTextValue, Statement, TocSheet};

fn parse(text: &str) -> TocSheet {
    TocSheet::parse_bytes(text.as_bytes())
}

fn codes(sheet: &TocSheet) -> Vec<(&'static str, Option<usize>, Option<usize>)> {
    sheet
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line(), d.column()))
        .collect()
}

#[test]
fn reads_the_whole_grammar() {
    let sheet = parse(
        r#"CD_ROM_XA
CATALOG "0724385356926"
CD_TEXT {
  LANGUAGE_MAP { 0 : EN 1: 15 }
  LANGUAGE 0 { TITLE "Disc" PERFORMER "Someone" SIZE_INFO { 1, 2, 255 } }
}
// a comment
TRACK MODE1_RAW RW_RAW
COPY
DATAFILE "data.bin" #2352 00:02:00
ZERO MODE1 RW 1:0:0

TRACK AUDIO
NO COPY
PRE_EMPHASIS
FOUR_CHANNEL_AUDIO
ISRC "DEMUA9800001"
CD_TEXT { LANGUAGE 0 { TITLE "Song" } }
PREGAP 0:2:0
FILE "a.wav" SWAP #44 100 0:10:0
SILENCE 588
INDEX 0:5:0
TRACK MODE2_FORM_MIX
SILENCE 0:1:0 # comment
START
ZERO 1:0:0
END 0:1:74
"#,
    );
    assert_eq!(
        codes(&sheet),
        [
            ("toc.zero-subchannel", Some(11), Some(1)),
            ("toc.silence-on-data", Some(24), Some(1)),
            ("toc.mixed-statements", Some(26), Some(1)),
        ]
    );
    assert_eq!(sheet.disc_type.map(|d| d.0), Some(DiscType::CdRomXa));
    assert_eq!(sheet.catalog.as_ref().unwrap().0, "0724385356926");
    assert_eq!(sheet.language_map.len(), 2);
    assert_eq!(sheet.language_map[0].1, 9);
    assert_eq!(sheet.cd_text.len(), 3);
    assert_eq!(sheet.cd_text[2].value, CdTextValue::Binary(vec![1, 2, 255]));
    let [one, two, three] = &sheet.tracks[..] else {
        panic!("{:?}", sheet.tracks)
    };
    assert_eq!(one.mode, Some(TocMode::Mode1Raw));
    assert_eq!(one.subchannel, Some(SubchannelMode::RwRaw));
    assert!(one.copy);
    assert_eq!(
        one.body[0].statement,
        Statement::File {
            name: "data.bin".into(),
            name_at: crate::container::cue::sheet::Span {
                line: 10,
                column: 10
            },
            audio: false,
            swap: false,
            offset: 2352,
            start: Amount::Number(0),
            length: Some(Amount::Blocks(150)),
        }
    );
    assert_eq!(
        one.body[1].statement,
        Statement::Zero {
            mode: Some(TocMode::Mode1),
            length: Amount::Blocks(4500)
        }
    );
    assert_eq!(one.last_line, 11);
    assert!(!two.copy && two.pre_emphasis && two.four_channel);
    assert_eq!(two.isrc.as_ref().unwrap().0, "DEMUA9800001");
    assert_eq!(two.cd_text[0].field, "TITLE");
    assert_eq!(two.pregap.map(|p| p.0), Some(150));
    let Statement::File {
        swap,
        offset,
        start,
        length,
        audio,
        ..
    } = &two.body[0].statement
    else {
        panic!()
    };
    assert!(*swap && *audio);
    assert_eq!(
        (*offset, *start, *length),
        (44, Amount::Number(100), Some(Amount::Blocks(750)))
    );
    assert_eq!(
        two.body[1].statement,
        Statement::Silence {
            length: Amount::Number(588)
        }
    );
    assert_eq!(two.indexes[0].0, 375);
    assert_eq!(three.body[1].statement, Statement::Start(None));
    assert_eq!(three.body[3].statement, Statement::End(Some(149)));
}

#[test]
fn goes_on_past_bad_statements_with_positions() {
    let sheet = parse(
        "CATALOG 167890123\ntrack AUDIO\nFILE \"a.bin\" 0:60:0\nFILE \"a.bin\" 0:0:75\nTRAK AUDIO\nFILE \"a.bin\" xx:yy:zz\nTRACK MODE1_FORM45\nSILENCE 1:0:0\nINDEX 0:0:0\nISRC \"bad\"\nCD_DA\n",
    );
    let found = codes(&sheet);
    let expected = [
        ("toc.unquoted-catalog", Some(1), Some(1)),
        ("toc.bad-catalog", Some(1), Some(1)),
        ("toc.keyword-case", Some(2), Some(1)),
        ("toc.bad-time", Some(3), Some(16)),
        ("toc.bad-time", Some(4), Some(18)),
        ("toc.unknown-keyword", Some(5), Some(1)),
        ("toc.syntax", Some(6), Some(1)),
        ("toc.unknown-mode", Some(7), Some(7)),
        ("toc.index-at-start", Some(9), Some(1)),
        ("toc.statement-order", Some(10), Some(1)),
        ("toc.bad-isrc", Some(10), Some(1)),
        ("toc.global-after-track", Some(11), Some(1)),
    ];
    assert_eq!(found, expected);
    assert_eq!(sheet.tracks.len(), 2);
    assert_eq!(
        sheet.diagnostics[5].suggestion.as_deref(),
        Some("did you mean `TRACK`?")
    );
}

#[test]
fn braces_recover_at_the_next_statement() {
    let sheet = parse(
        "CD_TEXT {\n LANGUAGE 9 { TITLE \"x\" BOGUS \"y\" DISC_ID { 1, 300 }\nTRACK AUDIO\nCD_TEXT { LANGUAGE 0 { GENRE \"g\" } }\nSILENCE 1:0:0\nFIFO \"/tmp/f\" 100\n",
    );
    let found: Vec<_> = codes(&sheet).into_iter().map(|c| (c.0, c.1)).collect();
    assert_eq!(
        found,
        [
            ("toc.cd-text-language", Some(2)),
            ("toc.cd-text-item", Some(2)),
            ("toc.cd-text-binary", Some(2)),
            ("toc.unclosed-brace", Some(2)),
            ("toc.unclosed-brace", Some(1)),
            ("toc.cd-text-item", Some(4)),
            ("toc.fifo", Some(6)),
        ]
    );
    assert_eq!(sheet.tracks.len(), 1);
    assert_eq!(sheet.tracks[0].body.len(), 2);
}

#[test]
fn hostile_counts_are_bounded() {
    let mut text = String::new();
    for _ in 0..150 {
        text.push_str("TRACK AUDIO\nSILENCE 1:0:0\n");
    }
    text.push_str("TRACK AUDIO\nSILENCE 99999999999:0:0\nFILE \"a\" 99999999999999999999999\n");
    let sheet = parse(&text);
    let found: Vec<_> = codes(&sheet).into_iter().map(|c| c.0).collect();
    assert_eq!(found, ["toc.too-many-tracks", "toc.bad-time", "toc.syntax"]);
}

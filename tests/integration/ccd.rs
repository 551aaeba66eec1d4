//! CloneCD: sets made by tests/fixtures/ccd/make.sh (our own encoder, checked
//! against real sectors) compared with the .ccd's TOC, ccd2iso's output and
//! the subchannel we wrote.

use std::sync::Arc;
use std::time::Instant;

use discscope::container;
use discscope::container::ccd::{CcdFile, Toc};
use discscope::io::{FileSource, ReadAt};
use discscope::structure::{Place, Value};
use discscope::subchannel::{QData, SubFile};
use discscope::units::Lba;
use discscope::volume::Volume;

use crate::support::fixture;

/// (point, PLBA) pairs read straight from the .ccd text.
fn toc_points(ccd: &str) -> Vec<(u8, i64)> {
    let text = std::fs::read_to_string(fixture(ccd)).unwrap();
    let mut out = Vec::new();
    let mut point = None;
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("Point=0x") {
            point = Some(u8::from_str_radix(p, 16).unwrap());
        }
        if let (Some(p), Some(lba)) = (point, line.strip_prefix("PLBA=")) {
            out.push((p, lba.parse().unwrap()));
            point = None;
        }
    }
    out
}

#[test]
fn clonecd_track_table_equals_the_toc() {
    for path in ["ccd/good/data.ccd", "ccd/good/data.img"] {
        let medium = container::open(&fixture(path)).unwrap();
        assert_eq!(medium.format.as_str(), "ccd", "{path}");
        assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
        let points = toc_points("ccd/good/data.ccd");
        let track_points: Vec<(u8, i64)> = points
            .iter()
            .copied()
            .filter(|(p, _)| (1..=99).contains(p))
            .collect();
        let ours: Vec<(u8, i64)> = medium
            .tracks
            .iter()
            .map(|t| (t.number, t.start.0))
            .collect();
        assert_eq!(ours, track_points);
        let leadout = points.iter().find(|(p, _)| *p == 0xA2).unwrap().1;
        let last = medium.tracks.last().unwrap();
        assert_eq!(last.end().0, leadout);
        assert_eq!(last.mode.cue_name(), "MODE1/2352");
        assert_eq!(medium.catalog.as_deref(), Some("1234567890123"));
        assert_eq!(medium.sessions.len(), 1);
    }
}

#[test]
fn clonecd_user_data_equals_ccd2iso() {
    let medium = Arc::new(container::open(&fixture("ccd/good/data.ccd")).unwrap());
    let volume = Volume::of_track(medium, 0).unwrap();
    let expected = std::fs::read(fixture("ccd/oracle/ccd2iso.iso")).unwrap();
    assert_eq!(volume.len(), expected.len() as u64);
    assert_eq!(volume.read_vec(0, expected.len()).unwrap(), expected);
}

#[test]
fn clonecd_subchannel_q_decodes_and_checks() {
    let sub = SubFile::new(
        FileSource::open(&fixture("ccd/good/data.sub")).unwrap(),
        Lba(0),
    );
    let report = sub.scan().unwrap();
    assert_eq!(report.sectors, 49);
    assert!(
        report.bad_crc.is_empty() && report.wrong_position.is_empty(),
        "{report:?}"
    );
    let q = sub.q(Lba(16)).unwrap().unwrap();
    assert!(q.crc_ok() && q.is_data());
    match q.data {
        QData::Position {
            track,
            index,
            relative,
            absolute,
        } => {
            assert_eq!((track, index), (1, 1));
            assert_eq!(relative.unwrap().to_string(), "00:00:16");
            assert_eq!(absolute.unwrap().to_string(), "00:02:16");
        }
        other => panic!("{other:?}"),
    }
    assert!(sub.q(Lba(49)).unwrap().is_none(), "past the end");
    let mcn = sub.q(Lba(35)).unwrap().unwrap();
    assert!(mcn.crc_ok());
    assert_eq!(mcn.adr, 2);
    match mcn.data {
        QData::Catalog {
            mcn,
            absolute_frame,
        } => {
            assert_eq!(mcn, "1234567890123");
            assert_eq!(absolute_frame, 35);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn clonecd_wrong_q_crcs_are_found_and_named() {
    let sub = SubFile::new(
        FileSource::open(&fixture("ccd/badq/data.sub")).unwrap(),
        Lba(0),
    );
    let report = sub.scan().unwrap();
    assert_eq!(report.bad_crc, [Lba(20), Lba(25)]);
    assert!(report.pattern().unwrap().contains("LibCrypt"));
    let medium = container::open(&fixture("ccd/badq/data.ccd")).unwrap();
    assert_eq!(medium.tracks.len(), 1);
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_clonecd_around_isofs_m1() {
    let scratch = tempfile::tempdir().unwrap();
    for ext in ["ccd", "sub"] {
        std::fs::copy(
            fixture(&format!("ccd/around/isofs-m1.{ext}")),
            scratch.path().join(format!("isofs-m1.{ext}")),
        )
        .unwrap();
    }
    let bin = crate::support::corpus().join("libcdio/test/data/isofs-m1.bin");
    let img = scratch.path().join("isofs-m1.img");
    std::fs::copy(&bin, &img).unwrap();
    let medium = Arc::new(container::open(&scratch.path().join("isofs-m1.ccd")).unwrap());
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    assert_eq!(medium.tracks.len(), 1);
    assert_eq!(
        (medium.tracks[0].start.0, medium.tracks[0].length),
        (0, 302)
    );
    let iso = scratch.path().join("out.iso");
    let status = std::process::Command::new("ccd2iso")
        .arg(&img)
        .arg(&iso)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let expected = std::fs::read(&iso).unwrap();
    let volume = Volume::of_track(medium, 0).unwrap();
    assert_eq!(volume.read_vec(0, expected.len()).unwrap(), expected);
    let sub = SubFile::new(
        FileSource::open(&scratch.path().join("isofs-m1.sub")).unwrap(),
        Lba(0),
    );
    let report = sub.scan().unwrap();
    assert_eq!((report.sectors, report.bad_crc.len()), (302, 0));
    match sub.q(Lba(260)).unwrap().unwrap().data {
        QData::Catalog { mcn, .. } => assert_eq!(mcn, "1234567890123"),
        other => panic!("{other:?}"),
    }
}

/// Mutated `.ccd` sheets (numbers replaced by extremes, lines dropped or
/// duplicated) beside a real `.img`: every variant opens or fails cleanly.
#[test]
fn mutated_ccd_sheets_never_panic() {
    let scratch = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("ccd/good/data.img"), scratch.path().join("m.img")).unwrap();
    let text = std::fs::read_to_string(fixture("ccd/good/data.ccd")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let extremes = [
        "-9223372036854775808",
        "9223372036854775807",
        "0x7fffffffffffffff",
        "-1",
        "99999999999",
        "0xff",
        "",
        "x",
    ];
    let mut seed = 0x1234_5678_9abc_def1u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let ccd = scratch.path().join("m.ccd");
    let start = Instant::now();
    for i in 0..1000 {
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for _ in 0..=next() % 4 {
            let at = (next() % out.len() as u64) as usize;
            match next() % 3 {
                0 => {
                    if let Some((key, _)) = out[at].clone().split_once('=') {
                        out[at] = format!(
                            "{key}={}",
                            extremes[(next() % extremes.len() as u64) as usize]
                        );
                    }
                }
                1 => {
                    out.remove(at);
                }
                _ => {
                    let copy = out[at].clone();
                    out.insert(at, copy);
                }
            }
        }
        std::fs::write(&ccd, out.join("\r\n")).unwrap();
        let result = std::panic::catch_unwind(|| {
            if let Ok(medium) = container::open(&ccd) {
                let medium = Arc::new(medium);
                for t in 0..medium.tracks.len() {
                    if let Ok(v) = Volume::of_track(medium.clone(), t) {
                        let _ = v.read_vec(16 * 2048, 2048);
                    }
                }
                let _ = medium.read_sector(Lba(0));
            }
        });
        assert!(result.is_ok(), "variant {i} panicked:\n{}", out.join("\n"));
    }
    assert!(start.elapsed().as_secs() < 30);
}

/// Track starts and the lead-out from cd-info on the same layout as a cue.
fn cd_info_rows() -> Vec<(u32, i64, String)> {
    let text = std::fs::read_to_string(fixture("ccd/oracle/mixed.cd-info")).unwrap();
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let number = f.first()?.strip_suffix(':')?.parse().ok()?;
            Some((number, f.get(2)?.parse().ok()?, f.get(3)?.to_string()))
        })
        .collect()
}

#[test]
fn clonecd_mixed_set_equals_cd_info_and_its_subchannel() {
    let medium = container::open(&fixture("ccd/mixed/mixed.ccd")).unwrap();
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    let rows = cd_info_rows();
    let mut ours: Vec<(u32, i64, String)> = medium
        .tracks
        .iter()
        .map(|t| (u32::from(t.number), t.start.0, t.kind().to_owned()))
        .collect();
    ours.push((170, medium.tracks.last().unwrap().end().0, "leadout".into()));
    assert_eq!(ours, rows);
    let audio = &medium.tracks[1];
    assert_eq!((audio.pregap, audio.mode.cue_name()), (150, "AUDIO"));
    assert_eq!(medium.tracks[0].end(), audio.pregap_start());
    // The subchannel agrees: index 0 in the pregap, index 1 from the start.
    let sub = discscope::subchannel::SubFile::of(&medium).unwrap();
    assert_eq!(sub.scan().unwrap().bad_crc, []);
    for (lba, want_index) in [
        (audio.pregap_start().0, 0),
        (audio.start.0 - 1, 0),
        (audio.start.0, 1),
    ] {
        match sub.q(Lba(lba)).unwrap().unwrap().data {
            QData::Position {
                track,
                index,
                absolute,
                ..
            } => {
                assert_eq!((track, index), (2, want_index), "LBA {lba}");
                assert_eq!(absolute.unwrap().to_lba(), Lba(lba));
            }
            other => panic!("{other:?}"),
        }
    }
    // Audio samples come back as stored.
    let sector = medium.read_sector(audio.start).unwrap();
    let first = i16::from_le_bytes([sector.bytes[4], sector.bytes[5]]);
    assert!(first > 0 && first < 8000, "{first}");
}

/// The `[Entry N]` sections as tests/fixtures/ccd/entries.py recorded them
/// (Python's configparser; the values discscope's reader gave before the
/// sections were declared): (section, [(key, value)]).
fn recorded_entries(name: &str) -> Vec<(String, Vec<(String, i64)>)> {
    std::fs::read_to_string(fixture(&format!("ccd/oracle/{name}.entries")))
        .unwrap()
        .lines()
        .map(|line| {
            let (section, keys) = line.split_once(": ").unwrap();
            let keys = keys
                .split(' ')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (k.to_owned(), v.parse().unwrap())
                })
                .collect();
            (section.to_owned(), keys)
        })
        .collect()
}

#[test]
fn clonecd_entries_decode_and_annotate_as_recorded() {
    for (name, ccd) in [
        ("good", "ccd/good/data.ccd"),
        ("badq", "ccd/badq/data.ccd"),
        ("mixed", "ccd/mixed/mixed.ccd"),
        ("around", "ccd/around/isofs-m1.ccd"),
    ] {
        let expected = recorded_entries(name);
        let text = std::fs::read(fixture(ccd)).unwrap();
        let sheet = CcdFile::parse(&text);
        let mut diagnostics = Vec::new();
        let toc = Toc::from_sheet(&sheet, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        let decoded: Vec<(String, Vec<(String, i64)>)> = toc
            .entries
            .iter()
            .map(|e| {
                let values = [
                    ("Session", i64::from(e.session)),
                    ("Point", i64::from(e.point)),
                    ("ADR", i64::from(e.adr)),
                    ("Control", i64::from(e.control)),
                    ("TrackNo", i64::from(e.track_no)),
                    ("AMin", i64::from(e.a_msf.0)),
                    ("ASec", i64::from(e.a_msf.1)),
                    ("AFrame", i64::from(e.a_msf.2)),
                    ("ALBA", e.a_lba),
                    ("Zero", i64::from(e.zero)),
                    ("PMin", i64::from(e.p_msf.0)),
                    ("PSec", i64::from(e.p_msf.1)),
                    ("PFrame", i64::from(e.p_msf.2)),
                    ("PLBA", e.p_lba),
                ];
                let values = values.iter().map(|(k, v)| (k.to_string(), *v)).collect();
                (format!("Entry {}", e.index), values)
            })
            .collect();
        assert_eq!(decoded, expected, "{name}: decoded");
        // The around set has no .img beside it; the others open whole.
        if name == "around" {
            continue;
        }
        let medium = container::open(&fixture(ccd)).unwrap();
        let annotated: Vec<(String, Vec<(String, i64)>)> = medium
            .structures
            .iter()
            .filter(|s| s.name.starts_with("[Entry "))
            .map(|s| {
                let values = s
                    .fields
                    .iter()
                    .map(|f| {
                        let value = match f.value {
                            Value::Unsigned(v) | Value::Hex(v, _) => v as i64,
                            Value::Signed(v) => v,
                            ref other => panic!("{name} {}: {other:?}", f.name),
                        };
                        (f.name.to_string(), value)
                    })
                    .collect();
                (s.name.trim_matches(['[', ']']).to_owned(), values)
            })
            .collect();
        assert_eq!(annotated, expected, "{name}: annotated");
        // Each structure is its section's lines in the .ccd, and each field
        // the key line it names.
        for structure in &medium.structures {
            let Place::File { path, offset } = &structure.place else {
                panic!("{name}: {:?}", structure.place)
            };
            assert_eq!(path.as_ref(), fixture(ccd).as_path());
            let at = *offset as usize;
            assert!(text[at..].starts_with(structure.name.as_bytes()), "{name}");
            for f in &structure.fields {
                let line = &text[at + f.offset as usize..][..f.length as usize];
                let line = String::from_utf8_lossy(line);
                assert!(line.starts_with(&format!("{}=", f.name)), "{name}: {line}");
            }
            let end = at + structure.length as usize;
            assert!(
                matches!(text.get(end), None | Some(b'\r' | b'\n')),
                "{name}"
            );
        }
        assert_eq!(
            medium.structures.len(),
            sheet.sections.len(),
            "{name}: one structure per section"
        );
    }
}

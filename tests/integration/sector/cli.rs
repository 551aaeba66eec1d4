//! The `sector` and `verify` commands: JSON contract, text output, tracks.

use super::{Rng, mode1_image};
use crate::support::{discscope, fixture};

#[test]
fn sector_json_follows_the_contract() {
    let image = fixture("sector/videocd.cue");
    let run = discscope([
        "sector".as_ref(),
        image.as_os_str(),
        "00:02:16".as_ref(),
        "--count".as_ref(),
        "2".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    let sectors = json["sectors"].as_array().unwrap();
    assert_eq!(sectors.len(), 2);
    let s = &sectors[0];
    assert_eq!(s["lba"], 16);
    assert_eq!(s["msf"], "00:02:16");
    assert_eq!(s["track"], 1);
    assert_eq!(s["size"], 2352);
    assert_eq!(s["mode"], "mode2_form1");
    assert_eq!(s["header"]["msf"], "00:02:16");
    assert_eq!(s["header"]["expected_msf"], "00:02:16");
    assert_eq!(s["header"]["mode"], 2);
    assert_eq!(s["subheader"]["copies_match"], true);
    assert_eq!(s["edc"]["ok"], true);
    assert_eq!(s["ecc"]["p_ok"], true);
    assert_eq!(s["ecc"]["q_ok"], true);
    assert_eq!(s["bytes"].as_str().unwrap().len(), 2 * 2352);
    // The primary volume descriptor sits in the user data.
    assert!(s["bytes"].as_str().unwrap()[48..60].eq("014344303031"));
    let names: Vec<_> = s["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "sync",
            "header",
            "subheader",
            "user_data",
            "edc",
            "ecc_p",
            "ecc_q"
        ]
    );
    assert_eq!(sectors[1]["lba"], 17);
    // Every address form names the same sector.
    for addr in ["16", "00:02:16", &format!("{:#x}", 16 * 2352 + 100)] {
        let run = discscope([
            "sector".as_ref(),
            image.as_os_str(),
            addr.as_ref(),
            "--json".as_ref(),
        ]);
        assert_eq!(run.json()["sectors"][0]["lba"], 16, "{addr}");
    }
    let bad = discscope(["sector".as_ref(), image.as_os_str(), "12:xx".as_ref()]);
    assert_eq!(bad.code(), 2);
    assert_eq!(bad.stderr().lines().count(), 1, "{}", bad.stderr());
    let past = discscope(["sector".as_ref(), image.as_os_str(), "685".as_ref()]);
    assert_eq!(past.code(), 2);
}

#[test]
fn sector_text_names_fields_without_colour() {
    let image = fixture("sector/videocd.cue");
    let run = discscope(["sector".as_ref(), image.as_os_str(), "16".as_ref()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = run.stdout();
    assert!(!text.contains('\x1b'), "no colour with NO_COLOR");
    let first_row = text.lines().find(|l| l.starts_with("0000:")).unwrap();
    assert!(first_row.ends_with("  sync header"), "{first_row}");
    assert!(text.contains("0010:   00 00 09 00 00 00 09 00"), "{text}");
    assert!(text.contains("subheader file 0 channel 0 submode 0x09 [data eor]"));
    assert!(text.contains("verdict   no problems found"));
    let coloured = discscope([
        "sector".as_ref(),
        "--color=always".as_ref(),
        image.as_os_str(),
        "16".as_ref(),
    ]);
    assert!(
        coloured.stdout().contains("\x1b[33m0"),
        "header bytes in yellow"
    );
    assert!(coloured.stdout().contains("■ ecc_q"));
    assert!(
        coloured.stdout().contains("0010 │ "),
        "the coloured dump as before"
    );
}

/// The plain dump: pretty-hex rows with the fields in a margin, runs of
/// identical rows as one `*` (the last row always shown), `--no-squeeze`
/// for every row; the coloured dump never squeezes.
#[test]
fn plain_dump_squeezes_repeated_rows() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = discscope::demo::write(dir.path()).unwrap();
    let sheet = sheet.to_str().unwrap();
    // Sector 413: a short text, then spaces to the end of the user data.
    let text = discscope(["sector", sheet, "413"]).stdout();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| *l == "*" || l.as_bytes().get(4) == Some(&b':'))
        .collect();
    assert_eq!(rows.iter().filter(|r| **r == "*").count(), 1, "{text}");
    let star = rows.iter().position(|r| *r == "*").unwrap();
    assert!(rows[star - 1].starts_with("0060:   20 20"), "{text}");
    assert!(rows[star - 1].ends_with("  user_data"), "{text}");
    assert!(
        rows[star + 1].starts_with("0810:"),
        "the run ends where the fields change: {text}"
    );
    assert!(rows.last().unwrap().starts_with("0920:"), "{text}");
    assert!(text.contains("verdict   no problems found"), "{text}");
    let all = discscope(["sector", sheet, "413", "--no-squeeze"]).stdout();
    let rows = all
        .lines()
        .filter(|l| l.as_bytes().get(4) == Some(&b':'))
        .count();
    assert_eq!(rows, 2352 / 16);
    assert!(!all.lines().any(|l| l == "*"));
    let coloured = discscope(["sector", "--color=always", sheet, "413"]).stdout();
    assert!(!coloured.lines().any(|l| l == "*"));
    // Several sectors: each dumped, one blank line apart.
    let run = discscope(["sector", sheet, "413", "--count", "3"]);
    assert_eq!(
        run.stdout().matches("\nsector ").count(),
        2,
        "{}",
        run.stdout()
    );
}

#[test]
fn verify_text_and_track_filter() {
    let image = fixture("sector/videocd.cue");
    let run = discscope([
        "verify".as_ref(),
        image.as_os_str(),
        "--track".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout().contains("verified 385 sectors"),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("mode 2 form 2"));
    let none = discscope([
        "verify".as_ref(),
        image.as_os_str(),
        "--track".as_ref(),
        "9".as_ref(),
    ]);
    assert_eq!(none.code(), 2);
    assert!(none.stderr().contains("no track 9"), "{}", none.stderr());
}

#[test]
fn mixed_mode_image_counts_audio_separately() {
    let dir = tempfile::tempdir().unwrap();
    let data = mode1_image(dir.path(), 30);
    let mut bytes = std::fs::read(&data).unwrap();
    // 20 sectors of "audio": any bytes at all, never judged.
    let mut rng = Rng(5);
    let mut audio = vec![0u8; 20 * 2352];
    rng.fill(&mut audio);
    bytes.extend_from_slice(&audio);
    std::fs::write(dir.path().join("mixed.bin"), bytes).unwrap();
    let cue = dir.path().join("mixed.cue");
    std::fs::write(
        &cue,
        "FILE \"mixed.bin\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:00:30\n",
    )
    .unwrap();
    let run = discscope(["verify".as_ref(), "--json".as_ref(), cue.as_os_str()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["sectors"], 50);
    assert_eq!(json["data_sectors"], 30);
    assert_eq!(json["audio_sectors"], 20);
    assert_eq!(json["bad_sectors"], 0);
    assert_eq!(json["modes"]["audio"], 20);
    assert_eq!(json["modes"]["mode1"], 30);
    let text = discscope(["verify".as_ref(), cue.as_os_str()]).stdout();
    assert!(text.contains("(counted, not judged)"), "{text}");
}

#[test]
fn vcdimager_tracks_match_cd_info() {
    // The oracle listing beside the fixture: "  1: 00:02:00  000000 XA ...".
    let oracle = std::fs::read_to_string(fixture("sector/videocd.cd-info.txt")).unwrap();
    let starts: Vec<(u64, i64)> = oracle
        .lines()
        .filter_map(|line| {
            let (number, rest) = line.trim().split_once(':')?;
            let lsn = rest.split_whitespace().nth(1)?;
            Some((number.parse().ok()?, lsn.parse().ok()?))
        })
        .collect();
    assert_eq!(starts, [(1, 0), (2, 450), (170, 685)]);
    let run = discscope([
        "tracks".as_ref(),
        "--json".as_ref(),
        fixture("sector/videocd.cue").as_os_str(),
    ]);
    let json = run.json();
    for (i, (number, lsn)) in starts.iter().take(2).enumerate() {
        assert_eq!(json["tracks"][i]["number"], *number);
        assert_eq!(json["tracks"][i]["start"], *lsn);
    }
}

#[test]
fn unstored_pregap_is_counted_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    mode1_image(dir.path(), 10);
    let cue = dir.path().join("gap.cue");
    std::fs::write(
        &cue,
        "FILE \"mode1.bin\" BINARY\n  TRACK 01 MODE1/2352\n    PREGAP 00:00:05\n    INDEX 01 00:00:00\n",
    )
    .unwrap();
    let run = discscope(["verify".as_ref(), "--json".as_ref(), cue.as_os_str()]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    let json = run.json();
    assert_eq!(json["bad_sectors"], 0);
    assert_eq!(json["good_sectors"], 10);
    assert_eq!(json["intentional"]["not_stored"], 5, "{json}");
}

//! Shared checks for the image fixtures a generator wrote (NRG, MDS, CDI):
//! each inflated beside its twin sheet, compared with the recorded oracles.

use std::path::{Path, PathBuf};

use discscope::medium::Medium;
use sha2::{Digest, Sha256};

use crate::cue_oracles::parse_cd_info;
use crate::disk::gunzip;
use crate::support::{discscope, fixture};

/// Inflates `area/NAME.gz` into `dir`, with every file the twin sheets of
/// the area name copied beside it; returns the image's path there.
pub fn inflate(area: &str, name: &str, dir: &Path) -> PathBuf {
    let image = gunzip(&fixture(&format!("{area}/{name}.gz")), dir);
    for entry in std::fs::read_dir(fixture(area)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cue") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    image
}

/// Asserts the medium's track starts and lead-out are those cd-info printed.
pub fn assert_matches_cd_info(medium: &Medium, recorded: &str, what: &str) {
    let rows = parse_cd_info(recorded);
    let tracks: Vec<(u64, i64)> = rows.iter().copied().filter(|(n, _)| *n != 170).collect();
    let ours: Vec<(u64, i64)> = medium
        .tracks
        .iter()
        .map(|t| (u64::from(t.number), t.start.0))
        .collect();
    assert_eq!(ours, tracks, "{what}: track starts");
    let lead_out = rows
        .iter()
        .find(|(n, _)| *n == 170)
        .expect("a lead-out row")
        .1;
    assert_eq!(
        medium.tracks.last().unwrap().end().0,
        lead_out,
        "{what}: lead-out"
    );
}

/// An isoinfo path as discscope's plain ISO 9660 view names it: without
/// the `;1` version and a trailing dot.
fn plain(name: &str) -> String {
    name.split('/')
        .map(|part| {
            let part = part.rsplit_once(';').map_or(part, |(base, _)| base);
            part.strip_suffix('.').unwrap_or(part)
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The files an `isoinfo -R -f` listing names, and the SHA-256 the oracle
/// recorded for each (directories hash as the empty file).
pub fn parse_iso_oracle(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut names = Vec::new();
    let mut hashes = Vec::new();
    for line in text.lines() {
        match line.split_once("  ") {
            Some((hash, name)) if hash.len() == 64 => hashes.push((plain(name), hash.to_owned())),
            _ if line.starts_with('/') => names.push(plain(line)),
            _ => {}
        }
    }
    (names, hashes)
}

/// Asserts `ls -R` of the image lists what isoinfo listed of the ISO a
/// tool extracted from it, and `cat` of each file hashes as isoinfo's did.
pub fn assert_files_match_iso_oracle(image: &Path, recorded: &str, what: &str) {
    assert_files_match_iso_oracle_below(image, recorded, what, i64::MAX);
}

/// The same, hashing only files that begin below LBA `end`: iat copies an
/// image's sectors one after another, so past a gap the image does not
/// store its ISO no longer holds the disc's sectors at their addresses.
pub fn assert_files_match_iso_oracle_below(image: &Path, recorded: &str, what: &str, end: i64) {
    let (mut names, hashes) = parse_iso_oracle(recorded);
    assert!(
        !names.is_empty(),
        "{what}: the oracle listed nothing: {recorded}"
    );
    let run = discscope([
        "ls".as_ref(),
        image.as_os_str(),
        "-R".as_ref(),
        "--json".as_ref(),
    ]);
    assert_eq!(run.code(), 0, "{what}: {}", run.stderr());
    let json = run.json();
    let entries = json["entries"].as_array().unwrap();
    let mut ours: Vec<String> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    ours.sort();
    names.sort();
    assert_eq!(ours, names, "{what}: listing");
    let hashed = entries
        .iter()
        .filter(|e| e["kind"] == "file")
        .filter(|e| e["lba"].as_i64().is_some_and(|lba| lba < end));
    for entry in hashed {
        let path = entry["path"].as_str().unwrap();
        let cat = discscope(["cat".as_ref(), image.as_os_str(), path.as_ref()]);
        assert_eq!(cat.code(), 0, "{what}: cat {path}: {}", cat.stderr());
        let hash = format!("{:x}", Sha256::digest(&cat.output.stdout));
        let expected = hashes
            .iter()
            .find(|(n, _)| n == path)
            .map(|(_, h)| h.as_str());
        assert_eq!(Some(hash.as_str()), expected, "{what}: {path}");
    }
}

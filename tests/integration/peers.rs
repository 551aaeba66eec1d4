//! Issue 16: the eight disagreements a differential run against the peers
//! found, each on an image its generator made (`tests/fixtures/peers/
//! make.sh`) and checked against the oracle answers recorded beside it,
//! and the two divergences kept on purpose (`scripts/known-divergences.txt`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::disk::gunzip;
use crate::iso::oracle::{compare, ls_json, ours, parse_isoinfo};
use crate::support::{discscope, fixture};

/// A fixture of `tests/fixtures/peers`, inflated into `scratch` when it is
/// stored gzip-compressed.
fn image(name: &str, scratch: &Path) -> PathBuf {
    let plain = fixture(&format!("peers/{name}"));
    if plain.exists() {
        plain
    } else {
        gunzip(&fixture(&format!("peers/{name}.gz")), scratch)
    }
}

fn oracle(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("peers/oracle/{name}"))).unwrap()
}

fn oracle_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("peers/oracle/{name}"))).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `ls -R --json` paths with their kinds.
fn listing(image: &Path, extra: &[&str]) -> BTreeMap<String, String> {
    ls_json(image, extra)["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_owned(),
                e["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `mdir -/ -a` output as path → is a directory, by the long name mdir
/// shows after the time when there is one (lower-cased for comparison:
/// mdir shows short names with their case bits, a listing the names).
fn parse_mdir(text: &str) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    let mut dir = String::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("Directory for ::") {
            dir = d.trim_end_matches('/').to_owned();
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let (name, rest) = match words.as_slice() {
            [name, second, rest @ ..] if *second == "<DIR>" || second.parse::<u64>().is_ok() => {
                ((*name).to_owned(), [&[*second][..], rest].concat())
            }
            [name, ext, rest @ ..]
                if rest
                    .first()
                    .is_some_and(|r| *r == "<DIR>" || r.parse::<u64>().is_ok()) =>
            {
                (format!("{name}.{ext}"), rest.to_vec())
            }
            _ => continue,
        };
        if name == "." || name == ".." || !line.starts_with(|c: char| !c.is_whitespace()) {
            continue;
        }
        // The date follows the size ("2023-11-14  22:13"), then any long
        // name.
        let Some(date) = rest
            .iter()
            .position(|w| w.len() == 10 && w.as_bytes()[4] == b'-')
        else {
            continue;
        };
        let long = rest.get(date + 2..).unwrap_or_default().join(" ");
        let name = if long.is_empty() { name } else { long };
        out.insert(format!("{dir}/{name}").to_lowercase(), rest[0] == "<DIR>");
    }
    out
}

fn lower(listed: &BTreeMap<String, String>) -> BTreeMap<String, bool> {
    listed
        .iter()
        .map(|(p, k)| (p.to_lowercase(), k == "dir"))
        .collect()
}

/// Disagreement 1: Two FAT directories whose 512-byte clusters share one 2048-byte ISO
/// sector are two directories: every folder of the EFI image is walked,
/// as mdir walks it, and extracted.
#[test]
fn efi_image_in_an_iso_lists_every_folder_as_mdir_does() {
    let scratch = tempfile::tempdir().unwrap();
    let iso = image("efi-in-iso.iso", scratch.path());
    let run = discscope(["ls", path(&iso), "--fs", "fat12", "-R"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(!run.stderr().contains("fs."), "{}", run.stderr());
    let ours = lower(&listing(&iso, &["--fs", "fat12"]));
    assert_eq!(ours, parse_mdir(&oracle("efi-in-iso.mdir")));
    let out = scratch.path().join("out");
    let run = discscope(["extract", path(&iso), "--fs", "fat12", "-o", path(&out)]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        std::fs::read(out.join("EFI/BOOT/BOOTX64.EFI")).unwrap(),
        oracle_bytes("efi-in-iso.mtype.BOOTX64.EFI")
    );
}

/// Disagreement 2: One directory extent referenced from /a and /b: a shared subtree,
/// listed under both as isoinfo and xorriso list it, and extracted twice.
#[test]
fn a_shared_directory_extent_is_listed_under_each_path() {
    let scratch = tempfile::tempdir().unwrap();
    let iso = image("shared.iso", scratch.path());
    let theirs = parse_isoinfo(&oracle_bytes("shared.isoinfo-R-l"), false);
    let mine = ours(&ls_json(&iso, &[]), false);
    compare("shared.iso", &theirs, &mine, true);
    // xorriso's find lists the same paths.
    let xorriso: BTreeSet<String> = oracle("shared.xorriso-lsdl")
        .lines()
        .filter_map(|l| {
            l.rsplit_once(" '")
                .map(|(_, p)| p.trim_end_matches('\'').to_owned())
        })
        .filter(|p| p != "/")
        .collect();
    assert_eq!(mine.keys().cloned().collect::<BTreeSet<_>>(), xorriso);
    let out = scratch.path().join("out");
    let run = discscope(["extract", path(&iso), "-o", path(&out)]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for side in ["a", "b"] {
        assert_eq!(
            std::fs::read(out.join(side).join("sub/g.txt")).unwrap(),
            b"deep\n"
        );
    }
}

/// Disagreement 3: Rock Ridge names in Latin-1 (`a\xe9`, `a\xe8`) are two names: shown
/// escaped and distinct, carried as bytes in JSON, each readable with
/// `cat`, and extracted under their own bytes, as isoinfo and bsdtar list
/// them.
#[test]
fn rock_ridge_names_that_are_not_utf8_stay_distinct() {
    let scratch = tempfile::tempdir().unwrap();
    let iso = image("latin1-names.iso", scratch.path());
    let json = ls_json(&iso, &[]);
    let entries = json["entries"].as_array().unwrap();
    let bytes: BTreeSet<Vec<u8>> = entries
        .iter()
        .map(|e| match e["path_bytes"].as_str() {
            Some(hex) => (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect(),
            None => e["path"].as_str().unwrap().as_bytes().to_vec(),
        })
        .collect();
    let isoinfo: BTreeSet<Vec<u8>> = oracle_bytes("latin1-names.isoinfo-R-f")
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(bytes, isoinfo);
    // bsdtar writes a byte that is not UTF-8 as a backslash and three octal
    // digits; ours shows it as \xNN.
    let bsdtar: BTreeSet<String> = oracle("latin1-names.bsdtar-tf")
        .lines()
        .filter(|l| *l != ".")
        .map(|l| {
            let mut out = String::from("/");
            let mut rest = l;
            while let Some(at) = rest.find('\\') {
                out.push_str(&rest[..at]);
                let byte = u8::from_str_radix(&rest[at + 1..at + 4], 8).unwrap();
                out.push_str(&format!("\\x{byte:02x}"));
                rest = &rest[at + 4..];
            }
            out + rest
        })
        .collect();
    let shown: BTreeSet<String> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(shown, bsdtar);
    let text = discscope(["ls", path(&iso)]);
    assert_eq!(text.stdout(), "a\\xe8\na\\xe9\nplain\n");
    for (name, content) in [("/a\\xe9", "e acute\n"), ("/a\\xe8", "e grave\n")] {
        let run = discscope(["cat", path(&iso), name]);
        assert_eq!(run.code(), 0, "{name}: {}", run.stderr());
        assert_eq!(run.stdout(), content, "{name}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let out = scratch.path().join("out");
        let run = discscope(["extract", path(&iso), "-o", path(&out)]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        assert!(
            run.stdout().contains("extracted 3 files"),
            "{}",
            run.stdout()
        );
        let written: BTreeSet<Vec<u8>> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let mut name = b"/".to_vec();
                name.extend_from_slice(e.unwrap().file_name().as_bytes());
                name
            })
            .collect();
        assert_eq!(written, isoinfo);
        assert_eq!(
            std::fs::read(out.join(std::ffi::OsStr::from_bytes(b"a\xe9"))).unwrap(),
            b"e acute\n"
        );
    }
}

/// Disagreement 4: A deleted FAT entry is reached only with `--deleted`: `extract`
/// writes what mdir lists, `cat` does not find the deleted file, and with
/// `--deleted` both reach it (fls marks it deleted).
#[test]
fn fat_deleted_entries_only_with_deleted() {
    let scratch = tempfile::tempdir().unwrap();
    let floppy = fixture("disk/floppy.img");
    let fls = std::fs::read_to_string(fixture("disk/oracle/floppy.fls")).unwrap();
    assert!(fls.contains("r/r * 11:\t_ELETED.TXT"), "{fls}");
    let out = scratch.path().join("out");
    let run = discscope(["extract", path(&floppy), "-o", path(&out)]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let mut written = BTreeMap::new();
    let mut stack = vec![out.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            let is_dir = e.file_type().unwrap().is_dir();
            let rel = e.path().strip_prefix(&out).unwrap().display().to_string();
            written.insert(format!("/{rel}").to_lowercase(), is_dir);
            if is_dir {
                stack.push(e.path());
            }
        }
    }
    let mdir = std::fs::read_to_string(fixture("disk/oracle/floppy.mdir")).unwrap();
    assert_eq!(written, parse_mdir(&mdir));
    let ls = discscope(["ls", path(&floppy), "--deleted"]);
    let deleted = ls
        .stdout()
        .lines()
        .find(|l| l.ends_with("(deleted)"))
        .unwrap()
        .trim_end_matches(" (deleted)")
        .to_owned();
    let run = discscope(["cat", path(&floppy), &deleted]);
    assert_eq!(run.code(), 2, "{}", run.stdout());
    let run = discscope(["cat", path(&floppy), &deleted, "--deleted"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(run.stdout(), "gone\n");
    let all = scratch.path().join("all");
    let run = discscope(["extract", path(&floppy), "-o", path(&all), "--deleted"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(all.join(&deleted).exists(), "{deleted}");
}

/// Disagreement 5: ISO 9660:1999 names (genisoimage -iso-level 4) are the UTF-8 the
/// writer stored, as isoinfo, bsdtar and 7-Zip show them, in `ls` and in
/// extracted names.
#[test]
fn iso_9660_1999_names_are_utf8() {
    let scratch = tempfile::tempdir().unwrap();
    let iso = image("level4.iso", scratch.path());
    let ours: BTreeSet<String> = listing(&iso, &[]).into_keys().collect();
    let isoinfo: BTreeSet<String> = oracle("level4.isoinfo-f")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(ours, isoinfo);
    let sevenzip: BTreeSet<String> = oracle("level4.7z-paths")
        .lines()
        .filter_map(|l| l.strip_prefix("Path = "))
        .filter(|p| *p != "level4.iso")
        .map(|p| format!("/{p}"))
        .collect();
    assert_eq!(ours, sevenzip);
    assert!(oracle("level4.isoinfo-d").contains("ISO 9660:1999"));
    let out = scratch.path().join("out");
    let run = discscope(["extract", path(&iso), "-o", path(&out)]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        std::fs::read(out.join("Ordner ä/日本.txt")).unwrap(),
        b"y\n"
    );
    // --raw-names shows the identifiers as stored: the same UTF-8 here.
    let raw: BTreeSet<String> = listing(&iso, &["--raw-names"]).into_keys().collect();
    assert_eq!(raw, isoinfo);
}

/// Disagreement 6: A hard-disk emulation boot image is the whole emulated disk
/// (xorriso's `hdsiz/512`), and the FAT in its partition is a view of its
/// own, listed and read as mdir and mtype read it.
#[test]
fn hard_disk_emulation_image_is_its_whole_disk() {
    let scratch = tempfile::tempdir().unwrap();
    let iso = image("hd-emulation.iso", scratch.path());
    let report = oracle("hd-emulation.xorriso");
    let sectors: u64 = report
        .lines()
        .find_map(|l| l.strip_prefix("El Torito hdsiz/512:"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let json = ls_json(&iso, &["--fs", "eltorito"]);
    let entry = &json["entries"][0];
    assert_eq!(entry["size"].as_u64(), Some(sectors * 512), "{entry}");
    let info = discscope(["info", path(&iso), "--json"]).json();
    let fat: Vec<&Value> = info["filesystems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "fat12")
        .collect();
    assert_eq!(fat.len(), 1, "{info}");
    assert_eq!(fat[0]["label"], "HDBOOT");
    let ours = lower(&listing(&iso, &["--fs", "fat12"]));
    assert_eq!(ours, parse_mdir(&oracle("hd-emulation.mdir")));
    let run = discscope(["cat", path(&iso), "--fs", "fat12", "/HELLO.TXT"]);
    assert_eq!(run.stdout(), "hello from the emulated hard disk\n");
    // The partition the FAT sits in, as sfdisk reads the image's table.
    let start: u64 = oracle("hd-emulation.sfdisk")
        .lines()
        .find_map(|l| l.split_once("start=").map(|(_, r)| r))
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let boot_lba = entry["lba"].as_i64().unwrap();
    assert_eq!(
        fat[0]["start"].as_i64(),
        Some(boot_lba + i64::try_from(start * 512 / 2048).unwrap())
    );
}

/// `sfdisk -d` partitions as (start, size, type).
fn parse_sfdisk(text: &str) -> Vec<(u64, u64, String)> {
    text.lines()
        .filter_map(|l| l.split_once(" : "))
        .map(|(_, fields)| {
            let field = |name: &str| {
                fields
                    .split(',')
                    .find_map(|f| f.trim().strip_prefix(name))
                    .unwrap()
                    .trim()
                    .to_owned()
            };
            (
                field("start=").parse().unwrap(),
                field("size=").parse().unwrap(),
                field("type="),
            )
        })
        .collect()
}

/// `mmls` partition rows (slots with a number) as (start, length).
fn parse_mmls(text: &str) -> Vec<(u64, u64)> {
    text.lines()
        .filter(|l| l.contains(':') && !l.contains("Meta") && !l.contains("-------"))
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() >= 5 && w[0].ends_with(':')).then(|| (w[2].parse().ok(), w[4].parse().ok()))
        })
        .filter_map(|(s, n)| Some((s?, n?)))
        .collect()
}

/// Disagreement 7: An isohybrid image whose MBR has no 0xEE entry beside a GPT: the MBR
/// is the table, as sfdisk and mmls read it; the GPT is the second table,
/// as `mmls -t gpt` reads it; one finding says so and nothing contradicts
/// it.
#[test]
fn isohybrid_without_a_protective_entry_lists_the_mbr() {
    let scratch = tempfile::tempdir().unwrap();
    let iso = image("isohybrid-gpt-mbr.iso", scratch.path());
    let info = discscope(["info", path(&iso), "--json"]).json();
    let ours: Vec<(u64, u64, String)> = info["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["scheme"], "mbr");
            (
                p["start"].as_u64().unwrap(),
                p["length"].as_u64().unwrap(),
                p["type"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("0x")
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(ours, parse_sfdisk(&oracle("isohybrid-gpt-mbr.sfdisk")));
    let mbr: Vec<(u64, u64)> = ours.iter().map(|(s, n, _)| (*s, *n)).collect();
    assert_eq!(mbr, parse_mmls(&oracle("isohybrid-gpt-mbr.mmls")));
    let secondary: Vec<(u64, u64)> = info["secondary_partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["scheme"], "gpt");
            (p["start"].as_u64().unwrap(), p["length"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(secondary, parse_mmls(&oracle("isohybrid-gpt-mbr.mmls-gpt")));
    let codes: Vec<&str> = info["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"partition.gpt-beside-mbr"), "{codes:?}");
    for contradiction in [
        "gpt.no-protective-mbr",
        "gpt.hybrid-mbr",
        "gpt.hybrid-mismatch",
    ] {
        assert!(!codes.contains(&contradiction), "{codes:?}");
    }
}

/// `isoinfo -d` lines as key → value.
fn parse_isoinfo_d(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Every ISO fixture with isoinfo's `-d` answer recorded beside it.
fn descriptor_fixtures(scratch: &Path) -> Vec<(String, PathBuf, String)> {
    let mut out = Vec::new();
    for name in ["rich", "geniso", "zisofs", "pycdlib"] {
        out.push((
            name.to_owned(),
            fixture(&format!("iso/{name}.iso")),
            std::fs::read_to_string(fixture(&format!("iso/{name}.isoinfo-d.txt"))).unwrap(),
        ));
    }
    for entry in std::fs::read_dir(fixture("peers/oracle")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        if let Some(name) = file.strip_suffix(".isoinfo-d") {
            out.push((
                name.to_owned(),
                image(&format!("{name}.iso"), scratch),
                oracle(&file),
            ));
        }
    }
    out.sort();
    out
}

/// Disagreement 8: Every primary descriptor field isoinfo -d prints is in `info --json`
/// for each view of the descriptor, on every ISO fixture; the Joliet view
/// carries its supplementary descriptor's own fields.
#[test]
fn descriptor_fields_equal_isoinfo_on_every_fixture() {
    let scratch = tempfile::tempdir().unwrap();
    let fixtures = descriptor_fixtures(scratch.path());
    assert!(fixtures.len() >= 12, "{}", fixtures.len());
    for (name, iso, isoinfo) in fixtures {
        let theirs = parse_isoinfo_d(&isoinfo);
        let info = discscope(["info", path(&iso), "--json"]).json();
        let views: Vec<&Value> = info["filesystems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "iso9660" || f["kind"] == "rockridge")
            .collect();
        assert!(!views.is_empty(), "{name}");
        for view in views {
            let d = &view["details"];
            for (key, field) in [
                ("System id", "system_id"),
                ("Volume id", "volume_id"),
                ("Volume set id", "volume_set"),
                ("Publisher id", "publisher"),
                ("Data preparer id", "preparer"),
                ("Application id", "application"),
                ("Copyright File id", "copyright_file"),
                ("Abstract File id", "abstract_file"),
                ("Bibliographic File id", "bibliographic_file"),
            ] {
                assert_eq!(
                    d[field].as_str(),
                    Some(theirs[key].as_str()),
                    "{name}: {field}"
                );
            }
            for (key, field) in [
                ("Volume set size is", "volume_set_size"),
                ("Volume set sequence number is", "volume_sequence"),
                ("Logical block size is", "block_size"),
                ("Volume size is", "blocks"),
            ] {
                assert_eq!(
                    d[field].as_u64().map(|v| v.to_string()),
                    Some(theirs[key].clone()),
                    "{name}: {field}"
                );
            }
            // isoinfo -debug prints the dates as "2023 11 14 22:13:20.00".
            if let Some(created) = theirs.get("Creation Date") {
                let digits = |s: &str| -> String {
                    s.chars().filter(char::is_ascii_digit).take(14).collect()
                };
                assert_eq!(
                    digits(d["created"].as_str().unwrap()),
                    digits(created),
                    "{name}: created"
                );
            }
        }
    }
}

/// Disagreement 8: The Joliet view's fields are its supplementary descriptor's, in
/// UCS-2, as pycdlib reads them.
#[test]
fn joliet_descriptor_fields_equal_pycdlib() {
    let iso = fixture("peers/fields.iso");
    let info = discscope(["info", path(&iso), "--json"]).json();
    let joliet = info["filesystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "joliet")
        .unwrap()["details"]
        .clone();
    for line in oracle("fields.pycdlib-joliet").lines() {
        let (field, value) = line
            .split_once(": ")
            .unwrap_or((line.trim_end_matches(':'), ""));
        let ours = match &joliet[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(ours, value, "joliet {field}");
    }
}

/// Disagreement 8: A date whose UTC offset byte is out of range (genisoimage writes -96
/// for a 2038+ mtime) is read as UTC, as isoinfo and Linux read it, with a
/// finding that shows the byte.
#[test]
fn out_of_range_utc_offsets_are_findings() {
    let iso = fixture("peers/fields.iso");
    let theirs = parse_isoinfo(&oracle_bytes("fields.isoinfo-R-l"), false);
    assert!(theirs.contains_key("/future.txt"));
    let isoinfo_line = oracle("fields.isoinfo-R-l")
        .lines()
        .find(|l| l.ends_with("future.txt "))
        .unwrap()
        .to_owned();
    assert!(isoinfo_line.contains("Jun  1 2040"), "{isoinfo_line}");
    let run = discscope(["ls", "-l", path(&iso), "/future.txt"]);
    assert!(
        run.stdout().contains("2040-06-01T00:00:00Z"),
        "{}",
        run.stdout()
    );
    assert!(
        run.stderr()
            .contains("[iso.date-offset] future.txt: the date's UTC offset byte -96"),
        "{}",
        run.stderr()
    );
    // The record's field says the same beside its raw bytes: the root
    // directory's sector, where isoinfo lists "." (its extent).
    let root = oracle("fields.isoinfo-R-l")
        .lines()
        .find(|l| l.ends_with("]  . "))
        .and_then(|l| l.split('[').nth(1))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_owned();
    let structures = discscope(["structure", path(&iso), &root, "--json"]).json();
    let field = structures["structures"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["fields"].as_array().unwrap())
        .find(|f| f["name"] == "recording date" && f["value"] == "2040-06-01T00:00:00Z")
        .unwrap()
        .clone();
    assert!(field["raw"].as_str().unwrap().ends_with("a0"), "{field}");
    assert!(
        field["note"].as_str().unwrap().contains("byte -96"),
        "{field}"
    );
}

/// The Joliet divergence (scripts/known-divergences.txt): a Joliet name
/// without a version keeps its trailing dot, as isoinfo shows it; 7-Zip
/// (and Linux) drop it.
#[test]
fn joliet_names_keep_a_trailing_dot_as_isoinfo_does() {
    let iso = fixture("peers/joliet-dots.iso");
    let ours: BTreeSet<String> = listing(&iso, &["--fs", "joliet"]).into_keys().collect();
    let isoinfo: BTreeSet<String> = oracle("joliet-dots.isoinfo-J-f")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(ours, isoinfo);
    let sevenzip: BTreeSet<String> = oracle("joliet-dots.7z-paths")
        .lines()
        .filter_map(|l| l.strip_prefix("Path = "))
        .filter(|p| *p != "joliet-dots.iso")
        .map(|p| format!("/{p}"))
        .collect();
    assert_ne!(
        ours, sevenzip,
        "7-Zip strips the dots: the divergence is real"
    );
    let run = discscope(["cat", path(&iso), "--fs", "joliet", "/trail."]);
    assert_eq!(run.stdout(), "a\n");
}

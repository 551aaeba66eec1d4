//! Oracle outputs (isoinfo, xorriso) parsed, and our listings compared
//! with them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{discscope, fixture};

pub fn iso(name: &str) -> PathBuf {
    fixture(&format!("iso/{name}"))
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One entry of an `isoinfo -l` listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleEntry {
    pub kind: char,
    pub size: u64,
    pub lba: i64,
    pub target: Option<String>,
}

/// Parses `isoinfo [-R|-J] -l` output into path → entry. Consecutive
/// records of one name (multi-extent files) are merged. `latin1` decodes
/// names as isoinfo prints Joliet names.
pub fn parse_isoinfo(bytes: &[u8], latin1: bool) -> BTreeMap<String, OracleEntry> {
    let text: String = if latin1 {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    };
    let mut out: BTreeMap<String, OracleEntry> = BTreeMap::new();
    let mut dir = String::from("/");
    let mut last: Option<String> = None;
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("Directory listing of ") {
            dir = d.to_owned();
            last = None;
            continue;
        }
        // "... [    157 00]  NAME", or "[     31 FFFF NAME" when isoinfo
        // prints a multi-extent flag byte sign-extended.
        let Some((before, after)) = line.split_once('[') else {
            continue;
        };
        let mut rest = after.trim_start();
        let Some((lba_text, tail)) = rest.split_once(' ') else {
            continue;
        };
        rest = tail;
        let Some((_flags, tail)) = rest.split_once([' ', ']']) else {
            continue;
        };
        let name = tail.trim_start_matches([']', ' ']).trim_end_matches(' ');
        let head = format!("{before}[{lba_text} x");
        if name.is_empty() || name == "." || name == ".." {
            continue;
        }
        let (name, target) = match name.split_once(" -> ") {
            Some((n, t)) => (n.to_owned(), Some(t.to_owned())),
            None => (name.to_owned(), None),
        };
        let fields: Vec<&str> = head.split_whitespace().collect();
        let kind = fields[0].chars().next().unwrap();
        let size: u64 = fields[4].parse().unwrap();
        let lba: i64 = fields[fields.len() - 2]
            .trim_start_matches('[')
            .parse()
            .unwrap();
        // isoinfo prints extents as signed 32-bit numbers.
        let lba = if lba < 0 { lba + (1 << 32) } else { lba };
        let path = format!("{dir}{name}");
        if last.as_deref() == Some(path.as_str()) {
            out.get_mut(&path).unwrap().size += size;
            continue;
        }
        last = Some(path.clone());
        out.insert(
            path,
            OracleEntry {
                kind,
                size,
                lba,
                target,
            },
        );
    }
    out
}

pub fn ls_json(image: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "ls".to_owned(),
        image.display().to_string(),
        "-R".into(),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let run = discscope(&args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    run.json()
}

/// Ours, as path → entry in isoinfo's terms.
pub fn ours(json: &Value, to_latin1: bool) -> BTreeMap<String, OracleEntry> {
    let mut out = BTreeMap::new();
    for e in json["entries"].as_array().unwrap() {
        let kind = match e["kind"].as_str().unwrap() {
            "dir" => 'd',
            "symlink" => 'l',
            "file" => '-',
            _ => '?',
        };
        let mut path = e["path"].as_str().unwrap().to_owned();
        if to_latin1 {
            path = path
                .chars()
                .map(|c| if (c as u32) < 256 { c } else { '_' })
                .collect();
        }
        out.insert(
            path,
            OracleEntry {
                kind,
                size: e["size"].as_u64().unwrap(),
                lba: e["lba"].as_i64().unwrap_or(0),
                target: e["target"].as_str().map(str::to_owned),
            },
        );
    }
    out
}

/// Compares a view's listing with isoinfo's. Rock Ridge relocations:
/// isoinfo lists relocated directories under /rr_moved and a size-0
/// placeholder where they belong; we show them where they belong.
pub fn compare(
    name: &str,
    oracle: &BTreeMap<String, OracleEntry>,
    mine: &BTreeMap<String, OracleEntry>,
    sizes: bool,
) {
    let placeholders: Vec<String> = oracle
        .iter()
        .filter(|(_, e)| e.kind == 'd' && e.size == 0)
        .map(|(p, _)| p.clone())
        .collect();
    let mut matched = BTreeSet::new();
    for (path, m) in mine {
        // Follow relocations (nested ones too) to where isoinfo lists them.
        let mut key = path.clone();
        for _ in 0..16 {
            let Some(ph) = placeholders.iter().find(|ph| {
                key.strip_prefix(ph.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            }) else {
                break;
            };
            let rest = key[ph.len()..].to_owned();
            let leaf = ph.rsplit('/').next().unwrap();
            key = format!("/rr_moved/{leaf}{rest}");
        }
        let o = oracle
            .get(&key)
            .unwrap_or_else(|| panic!("{name}: {path} ({key}) is not in isoinfo's listing"));
        if m.kind == '?' {
            // "other": devices, fifos and sockets.
            assert!("bcps".contains(o.kind), "{name}: kind of {path}");
        } else {
            assert_eq!(m.kind, o.kind, "{name}: kind of {path}");
        }
        if m.kind != 'd' {
            assert_eq!(m.lba, o.lba, "{name}: LBA of {path}");
            if sizes {
                assert_eq!(m.size, o.size, "{name}: size of {path}");
            }
        } else {
            assert_eq!(m.lba, o.lba, "{name}: LBA of directory {path}");
        }
        assert_eq!(m.target, o.target, "{name}: target of {path}");
        matched.insert(key);
    }
    for (path, o) in oracle {
        // Relocation placeholders, and the relocation folder (hidden when it
        // carries RE, as Linux hides it), are matched through our paths.
        if placeholders.contains(path) || path == "/rr_moved" || path.starts_with("/rr_moved/") {
            continue;
        }
        assert!(
            matched.contains(path),
            "{name}: isoinfo lists {path} ({o:?}); we do not"
        );
    }
}

pub fn check_fixture(name: &str, sizes_rr: bool) {
    check_image(&iso(&format!("{name}.iso")), name, sizes_rr);
}

/// Compares `image` with the oracles recorded as `<name>.*`.
pub fn check_image(image: &Path, name: &str, sizes_rr: bool) {
    let image = image.to_owned();
    let read = |suffix: &str| std::fs::read(iso(&format!("{name}.{suffix}"))).unwrap();
    // Plain names as recorded.
    let oracle = parse_isoinfo(&read("isoinfo-l.txt"), true);
    compare(
        name,
        &oracle,
        &ours(&ls_json(&image, &["--fs", "iso9660", "--raw-names"]), true),
        true,
    );
    // Rock Ridge.
    let rr = read("isoinfo-R-l.txt");
    if discscope(["ls", image.to_str().unwrap(), "--fs", "rockridge"]).code() == 0 {
        compare(
            name,
            &parse_isoinfo(&rr, false),
            &ours(&ls_json(&image, &["--fs", "rockridge"]), false),
            sizes_rr,
        );
    }
    // Joliet.
    let j = read("isoinfo-J-l.txt");
    if !j.is_empty() {
        compare(
            name,
            &parse_isoinfo(&j, true),
            &ours(&ls_json(&image, &["--fs", "joliet", "--raw-names"]), true),
            true,
        );
    }
    // Every file's bytes.
    let sums = String::from_utf8(read("isoinfo-x.sha256")).unwrap();
    assert!(!sums.is_empty());
    for line in sums.lines() {
        let mut parts = line.splitn(3, ' ');
        let (sum, _len, path) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let run = discscope([
            "cat",
            image.to_str().unwrap(),
            path,
            "--fs",
            "iso9660",
            "--raw-names",
        ]);
        assert_eq!(run.code(), 0, "{name}: cat {path}: {}", run.stderr());
        assert_eq!(sha256(&run.output.stdout), sum, "{name}: bytes of {path}");
    }
}

/// One `El Torito boot img` line of `xorriso -report_el_torito plain`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BootImage {
    pub number: usize,
    /// BIOS, UEFI, PPC, Mac.
    pub platform: String,
    pub bootable: bool,
    /// none, fd1.2, fd1.4, fd2.8, hd.
    pub emulation: String,
    pub segment: u16,
    pub system_type: u8,
    pub count: u16,
    pub lba: u32,
}

/// `xorriso -report_el_torito plain`'s image lines: N, platform, bootable,
/// emulation, load segment, system type, load size, LBA.
pub fn parse_el_torito(text: &str) -> Vec<BootImage> {
    let hex = |t: &str| u16::from_str_radix(t.trim_start_matches("0x"), 16).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("El Torito boot img :"))
        .map(|rest| {
            let f: Vec<&str> = rest.split_whitespace().collect();
            BootImage {
                number: f[0].parse().unwrap(),
                platform: f[1].to_owned(),
                bootable: f[2] == "y",
                emulation: f[3].to_owned(),
                segment: hex(f[4]),
                system_type: u8::try_from(hex(f[5])).unwrap(),
                count: f[6].parse().unwrap(),
                lba: f[7].parse().unwrap(),
            }
        })
        .collect()
}

pub fn check_el_torito(image: &Path, report: &str, boot_sums: &str) {
    let expected = parse_el_torito(report);
    assert!(!expected.is_empty());
    let medium = Arc::new(discscope::container::open(image).unwrap());
    let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
    let view = survey.named("eltorito").unwrap();
    let root = view.fs.root().unwrap();
    let files = view.fs.children(&root).unwrap();
    assert_eq!(files.len(), expected.len());
    for (boot, node) in expected.iter().zip(&files) {
        let n = boot.number;
        let platform = match boot.platform.as_str() {
            "BIOS" => "x86",
            "UEFI" => "efi",
            "PPC" => "ppc",
            "Mac" => "mac",
            other => other,
        };
        let emulation = match boot.emulation.as_str() {
            "none" => "noemul",
            "fd1.4" => "fd1.44",
            "fd1.2" => "fd1.2",
            "fd2.8" => "fd2.88",
            other => other,
        };
        assert_eq!(node.name, format!("{n}-{platform}-{emulation}.img"));
        assert_eq!(node.extents[0].lba.0, i64::from(boot.lba));
        let note = |k: &str| {
            node.notes
                .iter()
                .find(|(key, _)| key == k)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(note("load segment"), format!("{:#06x}", boot.segment));
        assert_eq!(note("sector count"), boot.count.to_string());
        // The image bytes equal xorriso's extraction.
        let run = discscope([
            "cat",
            image.to_str().unwrap(),
            &format!("/{}", node.name),
            "--fs",
            "eltorito",
        ]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let sum = sha256(&run.output.stdout);
        let line = boot_sums
            .lines()
            .find(|l| l.contains(&format!("eltorito_img{n}_")))
            .unwrap_or_else(|| panic!("no xorriso image {n}"));
        assert_eq!(
            sum,
            line.split_whitespace().next().unwrap(),
            "boot image {n}"
        );
    }
}

/// The boot catalog's annotated fields say what xorriso's report says:
/// where the catalog is, and each image's platform, boot indicator,
/// emulation, load segment, system type, load size and LBA.
pub fn check_el_torito_fields(image: &Path, report: &str) {
    let medium = Arc::new(discscope::container::open(image).unwrap());
    let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
    let (_, catalog) = survey
        .structures()
        .iter()
        .find(|(_, s)| s.name == "El Torito boot catalog")
        .unwrap();
    // "El Torito catalog  : 60  1"
    let at: u64 = report
        .lines()
        .find_map(|l| l.strip_prefix("El Torito catalog  :"))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(catalog.place.medium(), Some(at * 2048));
    let field = |name: &str| {
        catalog
            .fields
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no field {name} in {:#?}", catalog.fields))
    };
    let number = |name: &str| match field(name).value {
        discscope::structure::Value::Unsigned(v) | discscope::structure::Value::Hex(v, _) => v,
        ref other => panic!("{name} is {other:?}"),
    };
    assert_eq!(field("validation checksum").note.as_deref(), Some("ok"));
    let expected = parse_el_torito(report);
    assert!(!expected.is_empty());
    for image in &expected {
        let entry = |what: &str| format!("entry {} {what}", image.number);
        assert_eq!(
            number(&entry("load RBA")),
            u64::from(image.lba),
            "{image:?}"
        );
        assert_eq!(number(&entry("sector count")), u64::from(image.count));
        assert_eq!(number(&entry("load segment")), u64::from(image.segment));
        assert_eq!(number(&entry("system type")), u64::from(image.system_type));
        let bootable = field(&entry("boot indicator")).note.as_deref() == Some("bootable");
        assert_eq!(bootable, image.bootable, "{image:?}");
        let emulation = match image.emulation.as_str() {
            "none" => "no emulation",
            "fd1.2" => "1.2M floppy",
            "fd1.4" => "1.44M floppy",
            "fd2.8" => "2.88M floppy",
            "hd" => "hard disk",
            other => other,
        };
        assert_eq!(
            field(&entry("boot media type")).note.as_deref(),
            Some(emulation)
        );
        // The platform is the validation entry's for the first image, else
        // that of the section header before the entry.
        let offset = field(&entry("load RBA")).offset;
        let platform = catalog
            .fields
            .iter()
            .rfind(|f| f.name.ends_with("platform id") && f.offset < offset)
            .unwrap();
        let name = match image.platform.as_str() {
            "BIOS" => "x86",
            "UEFI" => "EFI",
            "PPC" => "PowerPC",
            other => other,
        };
        assert_eq!(platform.note.as_deref(), Some(name), "{image:?}");
    }
}

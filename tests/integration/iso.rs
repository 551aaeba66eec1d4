//! ISO 9660 views against recorded oracles (isoinfo, xorriso), hostile
//! images, extraction safety, locate, and the corpus against live isoinfo.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{corpus_file, discscope, fixture};

fn iso(name: &str) -> PathBuf {
    fixture(&format!("iso/{name}"))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One entry of an `isoinfo -l` listing.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OracleEntry {
    kind: char,
    size: u64,
    lba: i64,
    target: Option<String>,
}

/// Parses `isoinfo [-R|-J] -l` output into path → entry. Consecutive
/// records of one name (multi-extent files) are merged. `latin1` decodes
/// names as isoinfo prints Joliet names.
fn parse_isoinfo(bytes: &[u8], latin1: bool) -> BTreeMap<String, OracleEntry> {
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

fn ls_json(image: &Path, extra: &[&str]) -> Value {
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
fn ours(json: &Value, to_latin1: bool) -> BTreeMap<String, OracleEntry> {
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
fn compare(
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

fn check_fixture(name: &str, sizes_rr: bool) {
    let image = iso(&format!("{name}.iso"));
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

#[test]
fn iso_xorriso_rich_matches_isoinfo() {
    check_fixture("rich", true);
}

#[test]
fn iso_genisoimage_matches_isoinfo() {
    check_fixture("geniso", true);
}

#[test]
fn iso_pycdlib_matches_isoinfo() {
    check_fixture("pycdlib", true);
}

#[test]
fn iso_zisofs_matches_isoinfo_and_decompresses() {
    // isoinfo does not know ZF: its sizes are the compressed ones.
    check_fixture("zisofs", false);
    let image = iso("zisofs.iso");
    let run = discscope(["cat", image.to_str().unwrap(), "/big.txt"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let expected: String = (0..20000)
        .map(|i| format!("compressible row {i:06}\n"))
        .collect();
    assert_eq!(run.output.stdout.len(), expected.len());
    assert!(run.output.stdout == expected.as_bytes());
    let listing = ls_json(&image, &[]);
    let big = listing["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "/big.txt")
        .unwrap();
    assert_eq!(big["size"].as_u64().unwrap(), expected.len() as u64);
}

/// `xorriso -report_el_torito plain`'s image lines: N, platform, emulation,
/// load segment, load size, LBA.
fn parse_el_torito(text: &str) -> Vec<(usize, String, String, u16, u16, u32)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("El Torito boot img :"))
        .map(|rest| {
            let f: Vec<&str> = rest.split_whitespace().collect();
            (
                f[0].parse().unwrap(),
                f[1].to_owned(),
                f[3].to_owned(),
                u16::from_str_radix(f[4].trim_start_matches("0x"), 16).unwrap(),
                f[6].parse().unwrap(),
                f[7].parse().unwrap(),
            )
        })
        .collect()
}

fn check_el_torito(image: &Path, report: &str, boot_sums: &str) {
    let expected = parse_el_torito(report);
    assert!(!expected.is_empty());
    let medium = Arc::new(discscope::container::open(image).unwrap());
    let views = discscope::fs::probe::views(&medium, &Default::default());
    let view = discscope::fs::probe::named(&views, "eltorito").unwrap();
    let root = view.fs.root().unwrap();
    let files = view.fs.children(&root).unwrap();
    assert_eq!(files.len(), expected.len());
    for ((n, pltf, emul, seg, count, lba), node) in expected.iter().zip(&files) {
        let platform = match pltf.as_str() {
            "BIOS" => "x86",
            "UEFI" => "efi",
            "PPC" => "ppc",
            "Mac" => "mac",
            other => other,
        };
        let emulation = match emul.as_str() {
            "none" => "noemul",
            "fd1.4" => "fd1.44",
            "fd1.2" => "fd1.2",
            "fd2.8" => "fd2.88",
            other => other,
        };
        assert_eq!(node.name, format!("{n}-{platform}-{emulation}.img"));
        assert_eq!(node.extents[0].lba.0, i64::from(*lba));
        let note = |k: &str| {
            node.notes
                .iter()
                .find(|(key, _)| key == k)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(note("load segment"), format!("{seg:#06x}"));
        assert_eq!(note("sector count"), count.to_string());
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

#[test]
fn iso_el_torito_matches_xorriso() {
    let report = std::fs::read_to_string(iso("rich.eltorito.txt")).unwrap();
    let sums = std::fs::read_to_string(iso("rich.bootimages.sha256")).unwrap();
    check_el_torito(&iso("rich.iso"), &report, &sums);
    let run = discscope([
        "ls",
        iso("rich.iso").to_str().unwrap(),
        "--fs",
        "eltorito",
        "-l",
    ]);
    assert!(run.stdout().contains("1-x86-noemul.img"));
    let medium = Arc::new(discscope::container::open(&iso("rich.iso")).unwrap());
    let views = discscope::fs::probe::views(&medium, &Default::default());
    let view = discscope::fs::probe::named(&views, "eltorito").unwrap();
    let files = view.fs.children(&view.fs.root().unwrap()).unwrap();
    assert!(files[0].notes.iter().any(|(k, _)| k == "boot info table"));
}

#[test]
fn iso_info_lists_every_view() {
    let run = discscope(["info", iso("rich.iso").to_str().unwrap(), "--json"]);
    let kinds: Vec<String> = run.json()["filesystems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["iso9660", "joliet", "rockridge", "eltorito"]);
    let run = discscope(["info", iso("rich.iso").to_str().unwrap()]);
    assert!(
        run.stdout().contains("rockridge  \"RICH_VOL\""),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("(default)"));
    let run = discscope(["ls", iso("pycdlib.iso").to_str().unwrap(), "--json"]);
    assert_eq!(run.json()["filesystem"], "joliet");
}

/// Every sector's file and directory owners in the Rock Ridge view equal the
/// extents isoinfo -R -l gives.
#[test]
fn iso_locate_agrees_with_isoinfo_extents() {
    let image = iso("rich.iso");
    let oracle = parse_isoinfo(&std::fs::read(iso("rich.isoinfo-R-l.txt")).unwrap(), false);
    let medium = Arc::new(discscope::container::open(&image).unwrap());
    let views = discscope::fs::probe::views(&medium, &Default::default());
    let index = discscope::inspect::owners::OwnerIndex::build(&views, 2048).unwrap();
    let sectors = medium.end_lba().0;
    for lba in 0..sectors {
        let mut expected: BTreeSet<String> = oracle
            .iter()
            .filter(|(_, e)| {
                e.size > 0 && e.lba <= lba && lba < e.lba + e.size.div_ceil(2048) as i64
            })
            .map(|(p, _)| p.clone())
            .collect();
        let mine: BTreeSet<String> = index
            .owners(lba)
            .into_iter()
            .filter(|o| o.filesystem == "rockridge" && (o.kind == "file" || o.kind == "dir"))
            .map(|o| o.path.unwrap())
            .collect();
        // The root is not a listed entry in isoinfo: add it from its '.'.
        if mine.contains("/") {
            expected.insert("/".to_owned());
        }
        assert_eq!(mine, expected, "sector {lba}");
    }
    // The CLI says the same for a file, a descriptor and the system area.
    let hello = &oracle["/hello.txt"];
    let run = discscope([
        "locate",
        image.to_str().unwrap(),
        &hello.lba.to_string(),
        "--json",
    ]);
    let owners = run.json()["owners"].as_array().unwrap().clone();
    assert!(
        owners
            .iter()
            .any(|o| o["path"] == "/hello.txt" && o["filesystem"] == "rockridge")
    );
    let run = discscope(["locate", image.to_str().unwrap(), "16", "--json"]);
    assert_eq!(run.json()["owners"][0]["kind"], "volume_descriptor");
    let run = discscope(["locate", image.to_str().unwrap(), "3"]);
    assert!(run.stdout().contains("system_area"));
    let cat_lba = 60;
    let run = discscope([
        "locate",
        image.to_str().unwrap(),
        &cat_lba.to_string(),
        "--json",
    ]);
    assert!(
        run.json()["owners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["kind"] == "boot_catalog")
    );
}

/// Hostile images: each ends quickly with its diagnostic or a clear error.
#[test]
fn iso_hostile_images_end_with_their_diagnostics() {
    let cases = [
        ("dir-cycle.iso", "fs.dir-revisited"),
        ("shared-subtrees.iso", "fs.dir-revisited"),
        ("ce-loop.iso", "rr.ce-loop"),
        ("ce-past-block.iso", "rr.ce-out-of-bounds"),
        ("zero-length-record.iso", "iso.records-after-zero"),
        ("record-straddles.iso", "iso.record-straddles"),
        ("extent-past-end.iso", "iso.extent-past-end"),
        ("size-ffffffff.iso", "iso.extent-past-end"),
        ("deep-300.iso", "fs.depth-limit"),
        ("cl-to-cl.iso", "rr.cl-chain"),
        ("truncated.iso", "iso.extent-past-end"),
    ];
    for (name, code) in cases {
        let image = iso(&format!("hostile/{name}"));
        let run = discscope(["ls", image.to_str().unwrap(), "-R", "-l"]);
        assert!(
            run.elapsed < Duration::from_secs(2),
            "{name} took {:?}",
            run.elapsed
        );
        assert!(
            run.code() == 0 || run.code() == 2,
            "{name}: exit {}",
            run.code()
        );
        assert!(
            !run.stderr().contains("panicked"),
            "{name}: {}",
            run.stderr()
        );
        assert!(
            run.stderr().contains(code),
            "{name}: expected {code}, got: {}",
            run.stderr()
        );
        // Extracting and locating end too.
        let dir = tempfile::tempdir().unwrap();
        let run = discscope([
            "extract",
            image.to_str().unwrap(),
            "-o",
            dir.path().join("out").to_str().unwrap(),
        ]);
        assert!(
            run.elapsed < Duration::from_secs(2),
            "{name}: extract took {:?}",
            run.elapsed
        );
        assert!(
            !run.stderr().contains("panicked"),
            "{name}: {}",
            run.stderr()
        );
        let run = discscope(["locate", image.to_str().unwrap(), "20"]);
        assert!(
            !run.stderr().contains("panicked"),
            "{name}: {}",
            run.stderr()
        );
    }
}

/// Every file under `dir`, relative, sorted (symlinks not followed).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn iso_extract_never_leaves_the_target() {
    let image = iso("hostile/evil-names.iso");
    for symlinks in [false, true] {
        let scratch = tempfile::tempdir().unwrap();
        let sentinel = scratch.path().join("sentinel.txt");
        std::fs::write(&sentinel, b"untouched").unwrap();
        let out = scratch.path().join("out");
        let mut args = vec![
            "extract",
            image.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        if symlinks {
            args.push("--symlinks");
        }
        let run = discscope(&args);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        // Outside the target: only the sentinel, unchanged.
        assert_eq!(
            tree(scratch.path())
                .iter()
                .filter(|p| !p.starts_with("out"))
                .collect::<Vec<_>>(),
            ["sentinel.txt"]
        );
        assert_eq!(std::fs::read(&sentinel).unwrap(), b"untouched");
        let inside = tree(&out);
        for name in [
            "Y/_..",
            "Y/_abs",
            "Y/a_.._.._x",
            "Y/nul_name",
            "Y/in_side",
            "Y/_.",
            "A/B/C/file.txt",
        ] {
            assert!(
                inside.iter().any(|p| p == name),
                "{name} missing from {inside:?}"
            );
        }
        // The file through the symlink was refused, the symlink only made on request.
        let esc = out.join("esc");
        if symlinks {
            assert!(
                std::fs::symlink_metadata(&esc)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert!(run.stderr().contains("esc/x.txt"), "{}", run.stderr());
        } else {
            assert!(std::fs::symlink_metadata(&esc).unwrap().is_dir());
        }
        assert!(!scratch.path().join("x.txt").exists());
        // mtimes are kept.
        let m = std::fs::metadata(out.join("A/B/C/file.txt"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            m.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs(),
            1_700_000_000
        );
    }
    // A non-empty target is refused without --force.
    let scratch = tempfile::tempdir().unwrap();
    std::fs::write(scratch.path().join("keep"), b"k").unwrap();
    let run = discscope([
        "extract",
        image.to_str().unwrap(),
        "-o",
        scratch.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("not empty"), "{}", run.stderr());
    let run = discscope([
        "extract",
        image.to_str().unwrap(),
        "/A",
        "-o",
        scratch.path().to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(scratch.path().join("B/C/file.txt").exists());
}

// ---- corpus: every ISO against live isoinfo --------------------------------

fn isoinfo(args: &[&str], image: &Path) -> Option<Vec<u8>> {
    let out = Command::new("timeout")
        .arg("20")
        .arg("isoinfo")
        .args(args)
        .arg("-i")
        .arg(image)
        .output()
        .ok()?;
    (out.status.success() && !out.stdout.is_empty()).then_some(out.stdout)
}

/// Compares `ours` (an image discscope opens) with isoinfo on `cooked`
/// (the same filesystem as a 2048-byte-sector file).
fn corpus_compare(ours_image: &Path, cooked: &Path) {
    let name = ours_image.display().to_string();
    let img = ours_image.to_str().unwrap();
    let run = discscope(["ls", img, "-R", "-l"]);
    assert!(
        !run.stderr().contains("panicked"),
        "{name}: {}",
        run.stderr()
    );
    assert!(
        run.elapsed < Duration::from_secs(10),
        "{name}: took {:?}",
        run.elapsed
    );
    let Some(plain) = isoinfo(&["-l"], cooked) else {
        eprintln!("{name}: isoinfo cannot list it; only checked that we end cleanly");
        return;
    };
    let oracle = parse_isoinfo(&plain, true);
    compare(
        &name,
        &oracle,
        &ours(
            &ls_json(ours_image, &["--fs", "iso9660", "--raw-names"]),
            true,
        ),
        true,
    );
    if discscope(["ls", img, "--fs", "rockridge"]).code() == 0 {
        let rr = isoinfo(&["-R", "-l"], cooked).unwrap();
        let zisofs = discscope(["ls", img, "-R", "--json"])
            .stdout()
            .contains("zisofs");
        compare(
            &name,
            &parse_isoinfo(&rr, false),
            &ours(&ls_json(ours_image, &["--fs", "rockridge"]), false),
            !zisofs,
        );
    }
    if discscope(["ls", img, "--fs", "joliet"]).code() == 0 {
        let j = isoinfo(&["-J", "-l"], cooked).unwrap();
        compare(
            &name,
            &parse_isoinfo(&j, true),
            &ours(
                &ls_json(ours_image, &["--fs", "joliet", "--raw-names"]),
                true,
            ),
            true,
        );
    }
    // Bytes of every file (up to 300 per image).
    let mut dir = String::from("/");
    let text: String = plain.iter().map(|&b| char::from(b)).collect();
    let mut seen = BTreeSet::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("Directory listing of ") {
            dir = d.to_owned();
            continue;
        }
        if !line.starts_with('-') || seen.len() >= 300 {
            continue;
        }
        let Some((_, file)) = line.split_once("] ") else {
            continue;
        };
        let path = format!(
            "{dir}{}",
            file.trim_start_matches(' ').trim_end_matches(' ')
        );
        if !seen.insert(path.clone()) {
            continue;
        }
        let latin1: Vec<u8> = path.chars().map(|c| c as u32 as u8).collect();
        let want = Command::new("timeout")
            .arg("20")
            .arg("isoinfo")
            .arg("-i")
            .arg(cooked)
            .arg("-x")
            .arg(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&latin1))
            .output()
            .unwrap()
            .stdout;
        let got = discscope(["cat", img, &path, "--fs", "iso9660", "--raw-names"]);
        assert_eq!(got.code(), 0, "{name}: cat {path}: {}", got.stderr());
        assert!(
            got.output.stdout == want,
            "{name}: bytes of {path} differ ({} vs {})",
            got.output.stdout.len(),
            want.len()
        );
    }
}

fn corpus_isos() -> Vec<String> {
    let mut all = vec![
        "libcdio/test/data/copying.iso",
        "libcdio/test/data/copying-rr.iso",
        "libcdio/test/data/joliet.iso",
        "libcdio/test/data/deep-directory.iso",
        "libcdio/test/data/multi_extent_8k.iso",
        "libcdio/test/data/multi_extent_8k_joliet.iso",
        "libcdio/test/data/multi_extent_8k_emul_toc_padded.iso",
        "debian/memtest86+x64.iso.xz",
        "debian/grub-rescue-floppy.img.xz",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>();
    for dir in ["libarchive", "util-linux/images-fs"] {
        for e in std::fs::read_dir(crate::support::corpus().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.contains(".iso") || (name.starts_with("iso") && name.contains(".img")) {
                all.push(format!("{dir}/{name}"));
            }
        }
    }
    all.sort();
    all
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_listings_and_bytes_match_isoinfo() {
    let scratch = tempfile::tempdir().unwrap();
    for rest in corpus_isos() {
        let path = corpus_file(&rest, scratch.path());
        corpus_compare(&path, &path);
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_broken_images_end_cleanly() {
    for rest in [
        "libcdio/test/data/bad-dir.iso",
        "libcdio/test/data/malformed.iso",
        "libcdio/test/data/malformed2.iso",
    ] {
        let path = crate::support::corpus().join(rest);
        for args in [
            vec!["ls", "-R", "-l"],
            vec!["ls", "-R", "--json", "--fs", "iso9660"],
        ] {
            let mut a = args.clone();
            a.insert(1, path.to_str().unwrap());
            let run = discscope(&a);
            assert!(
                run.code() == 0 || run.code() == 2,
                "{rest}: {}",
                run.stderr()
            );
            assert!(
                !run.stderr().contains("panicked"),
                "{rest}: {}",
                run.stderr()
            );
            assert!(run.elapsed < Duration::from_secs(2), "{rest}");
        }
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_mode1_bin_cue_data_track() {
    // isoinfo reads only cooked images: cut the 2048-byte user data out of
    // the MODE1/2352 sectors for it.
    let scratch = tempfile::tempdir().unwrap();
    let corpus = crate::support::corpus();
    let bin = std::fs::read(corpus.join("libcdio/test/data/isofs-m1.bin")).unwrap();
    let cooked: Vec<u8> = bin
        .chunks(2352)
        .flat_map(|s| s[16..16 + 2048].to_vec())
        .collect();
    let iso_path = scratch.path().join("isofs-m1.iso");
    std::fs::write(&iso_path, cooked).unwrap();
    corpus_compare(&corpus.join("libcdio/test/data/isofs-m1.cue"), &iso_path);
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_iso_memtest_el_torito_matches_xorriso() {
    let scratch = tempfile::tempdir().unwrap();
    let image = corpus_file("debian/memtest86+x64.iso.xz", scratch.path());
    let report = Command::new("timeout")
        .args(["20", "xorriso", "-indev"])
        .arg(&image)
        .args(["-report_el_torito", "plain"])
        .output()
        .unwrap();
    let boot = scratch.path().join("boot");
    std::fs::create_dir(&boot).unwrap();
    let status = Command::new("timeout")
        .args(["20", "xorriso", "-osirrox", "on", "-indev"])
        .arg(&image)
        .arg("-extract_boot_images")
        .arg(format!("{}/", boot.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
    let mut sums = String::new();
    for e in std::fs::read_dir(&boot).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("eltorito_img") {
            sums.push_str(&format!(
                "{}  {name}\n",
                sha256(&std::fs::read(&p).unwrap())
            ));
        }
    }
    check_el_torito(&image, &String::from_utf8_lossy(&report.stdout), &sums);
}

/// Both path tables name exactly the directories the tree holds, each with
/// its parent.
#[test]
fn iso_path_tables_match_the_tree() {
    use discscope::fs::iso9660::{read_path_table, read_set};
    for name in ["rich", "geniso", "pycdlib"] {
        let medium = Arc::new(discscope::container::open(&iso(&format!("{name}.iso"))).unwrap());
        let volume = discscope::volume::Volume::of_track(Arc::clone(&medium), 0).unwrap();
        let mut diags = Vec::new();
        let set = read_set(&volume, 0, &mut diags);
        let vd = set.primary.unwrap();
        let l = read_path_table(&volume, vd.l_table, vd.path_table_size, false, false).unwrap();
        let m = read_path_table(&volume, vd.m_table, vd.path_table_size, true, false).unwrap();
        assert_eq!(l, m, "{name}: L and M tables differ");
        // The tree's directories, by extent, with their parent's extent.
        let views = discscope::fs::probe::views(&medium, &Default::default());
        let plain = discscope::fs::probe::named(&views, "iso9660").unwrap();
        let root = plain.fs.root().unwrap();
        let mut tree: BTreeMap<String, i64> = BTreeMap::new();
        tree.insert(String::new(), root.extents[0].lba.0);
        discscope::fs::walk::walk(plain.fs.as_ref(), &root, "", true, &mut |path, _, node| {
            if node.kind == discscope::fs::NodeKind::Dir {
                tree.insert(path.to_owned(), node.extents[0].lba.0);
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(l.len(), tree.len(), "{name}: directory count");
        // Rebuild each table entry's path from its parent chain.
        let mut paths: Vec<String> = Vec::new();
        for (i, e) in l.iter().enumerate() {
            let path = if i == 0 {
                String::new()
            } else {
                format!("{}/{}", paths[usize::from(e.parent) - 1], e.name)
            };
            assert_eq!(
                tree.get(&path),
                Some(&i64::from(e.extent)),
                "{name}: {path}"
            );
            paths.push(path);
        }
    }
}

/// Mutated images (fixed seed): open, walk every view, read every file and
/// index owners without a panic, each within 2 s.
#[test]
fn iso_mutated_images_never_panic() {
    let scratch = tempfile::tempdir().unwrap();
    let mut seed: u64 = 0x5eed_1509_9660;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        seed >> 33
    };
    for name in ["rich.iso", "geniso.iso", "zisofs.iso", "pycdlib.iso"] {
        let original = std::fs::read(iso(name)).unwrap();
        // The metadata lives in the first ~110 sectors of these images.
        let span = original.len().min(110 * 2048) - 16 * 2048;
        for variant in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                let at = 16 * 2048 + (next() as usize % span);
                bytes[at] = match next() % 4 {
                    0 => 0,
                    1 => 0xFF,
                    2 => bytes[at] ^ (1 << (next() % 8)),
                    _ => next() as u8,
                };
            }
            let path = scratch.path().join(format!("m{variant}.iso"));
            std::fs::write(&path, &bytes).unwrap();
            let start = std::time::Instant::now();
            let result = std::panic::catch_unwind(|| {
                let Ok(medium) = discscope::container::open(&path) else {
                    return;
                };
                let medium = Arc::new(medium);
                let views = discscope::fs::probe::views(&medium, &Default::default());
                for view in &views {
                    let Ok(root) = view.fs.root() else { continue };
                    let fs = view.fs.as_ref();
                    let _ = discscope::fs::walk::walk(fs, &root, "", true, &mut |_, _, node| {
                        let mut buf = vec![0u8; 4096];
                        let _ = fs.read(node, 0, &mut buf);
                        let _ = fs.read(node, node.size.saturating_sub(100), &mut buf);
                        Ok(())
                    });
                    let _ = fs.structures();
                }
                let _ = discscope::inspect::owners::OwnerIndex::build(&views, 2048);
            });
            assert!(result.is_ok(), "{name} variant {variant} panicked");
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "{name} variant {variant} took {:?}",
                start.elapsed()
            );
        }
    }
}

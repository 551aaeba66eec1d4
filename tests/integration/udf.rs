//! UDF: volumes made by mkudffs checked field by field against udfinfo;
//! populated trees from genisoimage, pycdlib and our generator checked
//! against 7-Zip (and pycdlib); what no independent reader reads checked
//! against the generator's layout; damaged and hostile images.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use discscope::container;
use discscope::diagnostic::{Location, Severity};
use discscope::fs::{Filesystem, FsKind, Node, NodeKind, ViewOptions};
use discscope::survey::Survey;

use crate::disk::gunzip;
use crate::support::{discscope, fixture};

pub fn open(path: &Path) -> Survey {
    Survey::new(
        Arc::new(container::open(path).unwrap()),
        &ViewOptions::default(),
    )
}

pub fn udf_of(survey: &Survey) -> Arc<dyn Filesystem> {
    let view = survey
        .views
        .iter()
        .find(|v| v.kind == FsKind::Udf)
        .unwrap_or_else(|| panic!("no UDF view: {:?}", survey.all_diagnostics()));
    Arc::clone(&view.fs)
}

/// A fixture image unpacked into `dir`.
fn image(name: &str, dir: &Path) -> PathBuf {
    gunzip(&fixture(&format!("udf/{name}")), dir)
}

/// Every node as (path without the leading slash, node), depth first.
pub fn tree(fs: &dyn Filesystem) -> Vec<(String, Node)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), fs.root().unwrap())];
    while let Some((prefix, dir)) = stack.pop() {
        for child in fs.children(&dir).unwrap() {
            let path = format!("{prefix}{}", child.name);
            if child.kind == NodeKind::Dir && !child.deleted {
                stack.push((format!("{path}/"), child.clone()));
            }
            out.push((path, child));
        }
    }
    out
}

pub fn read_all(fs: &dyn Filesystem, node: &Node) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 7000];
    loop {
        let n = fs.read(node, out.len() as u64, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    out
}

/// The tree as 7-Zip's normalised listing: "D path" / "F size path",
/// sorted; deleted entries and named streams left out (7-Zip lists
/// neither).
pub fn listing(fs: &dyn Filesystem) -> Vec<String> {
    let mut lines: Vec<String> = tree(fs)
        .into_iter()
        .filter(|(p, n)| !n.deleted && !p.contains(':'))
        .map(|(p, n)| match n.kind {
            NodeKind::Dir => format!("D {p}"),
            _ => format!("F {} {p}", n.size),
        })
        .collect();
    lines.sort();
    lines
}

fn oracle(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("udf/oracle/{name}"))).unwrap()
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// Checks the tree and every file's bytes against 7-Zip's recorded answer.
fn equals_7z(fs: &dyn Filesystem, name: &str, skip: &[&str]) {
    let keep = |l: &String| !skip.iter().any(|s| l.ends_with(s));
    let ours: Vec<String> = listing(fs).into_iter().filter(keep).collect();
    let theirs: Vec<String> = sorted_lines(&oracle(&format!("{name}.7z.txt")))
        .into_iter()
        .filter(keep)
        .collect();
    assert_eq!(ours, theirs, "{name}: tree differs from 7z l");
    let nodes: BTreeMap<String, Node> = tree(fs).into_iter().collect();
    let sums = oracle(&format!("{name}.sha256"));
    let mut checked = 0;
    for line in sums.lines() {
        let (sum, path) = line.split_once("  ./").unwrap();
        if skip.iter().any(|s| path.ends_with(s)) {
            continue;
        }
        let node = nodes
            .get(path)
            .unwrap_or_else(|| panic!("{name}: no {path}"));
        let digest = Sha256::digest(read_all(fs, node));
        assert_eq!(
            format!("{digest:x}"),
            sum,
            "{name}: {path} bytes differ from 7z x"
        );
        checked += 1;
    }
    assert!(checked > 0, "{name}: no file compared");
}

/// udfinfo's KEY=value lines.
fn udfinfo(name: &str) -> BTreeMap<String, String> {
    oracle(&format!("{name}.udfinfo.txt"))
        .lines()
        .filter(|l| !l.starts_with("start="))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// udfinfo's `start=N, blocks=M, type=T` lines as (type, start).
fn udfinfo_layout(name: &str) -> Vec<(String, u64)> {
    oracle(&format!("{name}.udfinfo.txt"))
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("start=")?;
            let (start, rest) = rest.split_once(", blocks=")?;
            let (_, kind) = rest.split_once(", type=")?;
            Some((kind.to_owned(), start.parse().ok()?))
        })
        .collect()
}

fn details(fs: &dyn Filesystem) -> BTreeMap<&'static str, String> {
    fs.details()
        .into_iter()
        .map(|d| (d.key, d.value.to_string()))
        .collect()
}

/// Compares a volume's fields with udfinfo's, field by field.
fn volume_equals_udfinfo(path: &Path, name: &str) {
    let survey = open(path);
    let fs = udf_of(&survey);
    let info = udfinfo(name);
    let ours = details(fs.as_ref());
    let d = |k: &str| ours.get(k).cloned().unwrap_or_default();
    let u = |k: &str| info.get(k).cloned().unwrap_or_default();
    assert_eq!(fs.label(), u("lvid"), "{name}: label / lvid");
    for (theirs, mine) in [
        ("vid", "volume_id"),
        ("fullvsid", "volume_set"),
        ("fsid", "file_set_id"),
        ("appid", "application"),
        ("impid", "implementation"),
        ("blocksize", "block_size"),
        ("blocks", "blocks"),
        ("numfiles", "files"),
        ("numdirs", "directories"),
        ("udfrev", "udf_revision"),
        ("udfwriterev", "min_write_revision"),
        ("owner", "owner"),
        ("organization", "organization"),
        ("contact", "contact"),
    ] {
        if info.contains_key(theirs) {
            assert_eq!(d(mine), u(theirs), "{name}: {mine} / udfinfo {theirs}");
        }
    }
    let integrity = match u("integrity").as_str() {
        "opened" => "open".to_owned(),
        other => other.to_owned(),
    };
    if !integrity.is_empty() {
        assert_eq!(d("integrity"), integrity, "{name}: integrity");
    }
    assert_eq!(
        d("access_type").replace('-', ""),
        u("accesstype"),
        "{name}: access type"
    );
    // Where the structures are, in UDF blocks.
    let bs: u64 = u("blocksize").parse().unwrap();
    let structures = fs.structures();
    let blocks_of = |pred: &dyn Fn(&str) -> bool| -> Vec<u64> {
        structures
            .iter()
            .filter(|s| pred(&s.name))
            .map(|s| s.place.medium().unwrap() / bs)
            .collect()
    };
    for (kind, start) in udfinfo_layout(name) {
        let found = match kind.as_str() {
            "VRS" => blocks_of(&|n| n.starts_with("Beginning extended")),
            "MVDS" => blocks_of(&|n| n == "Primary volume descriptor"),
            "RVDS" => blocks_of(&|n| n == "Reserve Primary volume descriptor"),
            "LVID" => blocks_of(&|n| n == "Logical volume integrity descriptor"),
            "ANCHOR" => blocks_of(&|n| n.starts_with("Anchor volume descriptor pointer")),
            _ => continue,
        };
        assert!(
            found.contains(&start),
            "{name}: udfinfo has {kind} at block {start}; ours at {found:?}"
        );
    }
    // A clean volume from a real tool has no errors.
    let errors: Vec<_> = fs
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let root = fs.root().unwrap();
    fs.children(&root).unwrap();
}

#[test]
fn mkudffs_volumes_equal_udfinfo_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = std::fs::read_dir(fixture("udf"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("mk-"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "{names:?}");
    let mut media = std::collections::BTreeSet::new();
    for file in &names {
        let name = file.trim_end_matches(".img.gz");
        let path = image(file, dir.path());
        volume_equals_udfinfo(&path, name);
        media.insert(name.split('-').nth(1).unwrap().to_owned());
        std::fs::remove_file(path).unwrap();
    }
    assert_eq!(
        media.into_iter().collect::<Vec<_>>(),
        ["bdr", "cdr", "dvd", "dvdram", "dvdrw", "hd"]
    );
}

#[test]
fn block_sizes_and_partition_kinds_are_found() {
    let dir = tempfile::tempdir().unwrap();
    for (file, bs, parts) in [
        ("mk-hd-512-2.01.img.gz", "512", "physical 0"),
        ("mk-hd-1024-2.01.img.gz", "1024", "physical 0"),
        ("mk-hd-4096-2.01.img.gz", "4096", "physical 0"),
        ("mk-dvdrw-2048-2.01.img.gz", "2048", "sparable 0"),
        ("mk-cdr-2048-1.50.img.gz", "2048", "physical 0, virtual 0"),
        ("mk-bdr-2048-2.60.img.gz", "2048", "physical 0, virtual 0"),
        ("gen-metadata-2.50.img.gz", "2048", "physical 0, metadata 0"),
    ] {
        let survey = open(&image(file, dir.path()));
        let d = details(udf_of(&survey).as_ref());
        assert_eq!(d["block_size"], bs, "{file}");
        assert_eq!(d["partitions"], parts, "{file}");
    }
}

#[test]
fn generated_volumes_equal_udfinfo() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "gen-rich-2.01",
        "gen-rich-1.50",
        "gen-metadata-2.50",
        "gen-vat-2.01",
        "gen-vat-1.50",
    ] {
        let path = image(&format!("{name}.img.gz"), dir.path());
        volume_equals_udfinfo(&path, name);
    }
}

#[test]
fn genisoimage_bridge_shows_udf_first_and_equals_7z() {
    let dir = tempfile::tempdir().unwrap();
    let survey = open(&image("bridge.iso.gz", dir.path()));
    assert_eq!(survey.default_view().unwrap().kind, FsKind::Udf);
    let fs = udf_of(&survey);
    assert_eq!(fs.label(), "BRIDGE");
    assert_eq!(details(fs.as_ref())["udf_revision"], "1.02");
    equals_7z(fs.as_ref(), "bridge", &[]);
    // Extents are medium LBAs of 2048-byte sectors on an optical image.
    let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
    let rock = survey.named("rr").unwrap();
    let rr = discscope::fs::walk::resolve(rock.fs.as_ref(), "/Docs/binary.dat", false).unwrap();
    assert_eq!(
        nodes["Docs/binary.dat"].extents, rr.extents,
        "UDF and ISO 9660 share the file's sectors"
    );
}

#[test]
fn pycdlib_2_60_beside_joliet_and_rock_ridge_equals_7z_and_pycdlib() {
    let dir = tempfile::tempdir().unwrap();
    let survey = open(&image("pycdlib.iso.gz", dir.path()));
    assert_eq!(survey.default_view().unwrap().kind, FsKind::Udf);
    for kind in [FsKind::Joliet, FsKind::RockRidge] {
        assert!(survey.views.iter().any(|v| v.kind == kind), "{kind}");
    }
    let fs = udf_of(&survey);
    equals_7z(fs.as_ref(), "pycdlib", &[]);
    assert_eq!(
        listing(fs.as_ref()),
        sorted_lines(&oracle("pycdlib.pycdlib.txt"))
    );
}

#[test]
fn generated_trees_equal_7z() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "gen-rich-2.01",
        "gen-rich-1.50",
        "gen-metadata-2.50",
        "gen-metadata-2.60",
    ] {
        let survey = open(&image(&format!("{name}.img.gz"), dir.path()));
        let fs = udf_of(&survey);
        // 7-Zip reads the first direct entry of a strategy 4096 ICB; the
        // entry in force is the one its indirect entry leads to.
        equals_7z(fs.as_ref(), name, &["strategy4096.txt"]);
    }
}

/// The generator's `pattern(seed, n)`.
fn pattern(seed: usize, n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| ((i * seed + seed / 3) & 0xFF) as u8)
        .collect()
}

#[test]
fn what_no_independent_reader_reads_matches_the_generator() {
    let dir = tempfile::tempdir().unwrap();
    let survey = open(&image("gen-forms-2.01.img.gz", dir.path()));
    let fs = udf_of(&survey);
    let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
    assert_eq!(read_all(fs.as_ref(), &nodes["ext.bin"]), pattern(13, 2500));
    assert_eq!(nodes["link"].kind, NodeKind::Symlink);
    assert_eq!(nodes["link"].target.as_deref(), Some("../short.bin"));
    assert_eq!(
        read_all(fs.as_ref(), &nodes["strategy4096.txt"]),
        b"strategy 4096: the entry in force\n"
    );
    assert_eq!(
        read_all(fs.as_ref(), &nodes["streamed.txt:comment"]),
        b"a named stream\n"
    );
    assert_eq!(
        read_all(fs.as_ref(), &nodes["streamed.txt"]),
        b"main stream\n"
    );
    let sparse = read_all(fs.as_ref(), &nodes["Docs/sparse.bin"]);
    let mut want = pattern(19, 4 * 2048 + 10);
    want[2048..3 * 2048].fill(0);
    assert_eq!(sparse, want, "a hole reads as zeros");
    assert!(
        nodes["Docs/sparse.bin"]
            .notes
            .iter()
            .any(|(k, _)| k == "sparse")
    );
    assert_eq!(
        read_all(fs.as_ref(), &nodes["Docs/aed.bin"]),
        pattern(17, 3 * 2048 + 100)
    );
    assert!(nodes["deleted.txt"].deleted);
    assert!(
        nodes["hidden.txt"]
            .notes
            .contains(&("hidden".to_owned(), "yes".to_owned()))
    );
    assert!(
        nodes["ea.txt"]
            .notes
            .iter()
            .any(|(k, v)| k == "extended attributes" && v.contains("*UDF FreeEASpace"))
    );
    assert_eq!(
        nodes["shared.txt"].extents,
        nodes["Docs/Deeper/hard link.txt"].extents
    );
    assert!(nodes["shared.txt"].notes.iter().any(|(k, _)| k == "links"));
    assert!(nodes.contains_key("中文 wide.txt"));
    let mtime = nodes["short.bin"].mtime.unwrap();
    assert_eq!(mtime.rfc3339(), "2023-11-14T22:13:20Z");

    // Sparable: the moved packet is read from its spare, not the garbage
    // left in its original place.
    let survey = open(&image("gen-sparable-2.01.img.gz", dir.path()));
    let fs = udf_of(&survey);
    let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
    assert_eq!(
        read_all(fs.as_ref(), &nodes["moved.bin"]),
        pattern(29, 5 * 2048)
    );
    assert_eq!(read_all(fs.as_ref(), &nodes["kept.bin"]), pattern(31, 3000));

    // VAT: three sessions, each VAT pointing at the one before.
    for (file, sessions) in [("gen-vat-2.01.img.gz", 3), ("gen-vat-1.50.img.gz", 2)] {
        let survey = open(&image(file, dir.path()));
        let fs = udf_of(&survey);
        let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
        assert_eq!(nodes.len(), sessions, "{file}");
        for g in 1..=sessions {
            let text = format!("written in session {g}\n").repeat(g * 50);
            assert_eq!(
                read_all(fs.as_ref(), &nodes[&format!("session{g}.txt")]),
                text.as_bytes()
            );
        }
        let d = fs.diagnostics();
        if sessions == 3 {
            assert!(
                d.iter()
                    .any(|d| d.code == "udf.vat-generations" && d.message.contains("2 earlier")),
                "{d:?}"
            );
        }
        assert!(
            d.iter().all(|d| d.severity != Severity::Error),
            "{file}: {d:?}"
        );
    }
}

/// Writes a copy of `path` with `edit` applied to its bytes.
fn damaged(path: &Path, edit: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(path).unwrap();
    edit(&mut bytes);
    let out = path.with_extension("damaged.img");
    std::fs::write(&out, bytes).unwrap();
    out
}

fn fix_checksum(bytes: &mut [u8], at: usize) {
    let sum = bytes[at..at + 16]
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .fold(0u8, |s, (_, b)| s.wrapping_add(*b));
    bytes[at + 4] = sum;
}

#[test]
fn damage_is_a_finding_at_its_sector_and_the_tree_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let clean = image("gen-rich-2.01.img.gz", dir.path());
    let survey = open(&clean);
    let fs = udf_of(&survey);
    let want = listing(fs.as_ref());
    let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
    let block = survey.medium.block_size() as usize;
    let fe = fs.node_records(&nodes["short.bin"])[0].position as usize;
    let fe_lba = (fe / block) as i64;
    let dir_lba = nodes["Docs"].extents[0].lba.0;

    // A flipped byte in a file entry: its CRC fails.
    let copy = damaged(&clean, |b| b[fe + 100] ^= 0x40);
    let survey = open(&copy);
    let fs = udf_of(&survey);
    assert_eq!(listing(fs.as_ref()), want);
    let d = fs.diagnostics();
    let hit = d
        .iter()
        .find(|d| d.code == "udf.tag" && d.message.contains("descriptor CRC"))
        .unwrap_or_else(|| panic!("{d:?}"));
    assert!(
        hit.message.contains("Extended file entry"),
        "{}",
        hit.message
    );
    assert_eq!(
        hit.location,
        Location::Sector(discscope::units::Lba(fe_lba))
    );

    // A wrong tag location on the Docs directory's first FID.
    let at = dir_lba as usize * block;
    let copy = damaged(&clean, |b| {
        b[at + 12] ^= 0x01;
        fix_checksum(b, at);
    });
    let survey = open(&copy);
    let fs = udf_of(&survey);
    assert_eq!(listing(fs.as_ref()), want);
    let d = fs.diagnostics();
    let hit = d
        .iter()
        .find(|d| d.message.contains("tag location"))
        .unwrap_or_else(|| panic!("{d:?}"));
    assert!(
        hit.message.contains("File identifier descriptor"),
        "{}",
        hit.message
    );
    assert_eq!(
        hit.location,
        Location::Sector(discscope::units::Lba(dir_lba))
    );

    // The main volume descriptor sequence destroyed: the reserve is used.
    let copy = damaged(&clean, |b| b[32 * 2048..38 * 2048].fill(0xE5));
    let survey = open(&copy);
    let fs = udf_of(&survey);
    assert_eq!(listing(fs.as_ref()), want);
    let d = fs.diagnostics();
    let hit = d
        .iter()
        .find(|d| d.code == "udf.using-reserve")
        .unwrap_or_else(|| panic!("{d:?}"));
    let vds = (32 * 2048 / block) as i64;
    assert_eq!(hit.location, Location::Sector(discscope::units::Lba(vds)));
    assert!(
        d.iter()
            .any(|d| d.code == "udf.tag"
                && d.location == Location::Sector(discscope::units::Lba(vds)))
    );

    // The metadata file destroyed: its mirror is used.
    let clean = image("gen-metadata-2.50.img.gz", dir.path());
    let want = listing(udf_of(&open(&clean)).as_ref());
    let copy = damaged(&clean, |b| b[288 * 2048..289 * 2048].fill(0));
    let survey = open(&copy);
    let fs = udf_of(&survey);
    assert_eq!(listing(fs.as_ref()), want);
    let d = fs.diagnostics();
    assert!(d.iter().any(|d| d.code == "udf.metadata-mirror"), "{d:?}");
    assert!(
        d.iter().any(|d| d.code == "udf.metadata"
            && d.location == Location::Sector(discscope::units::Lba((288 * 2048 / block) as i64))),
        "{d:?}"
    );
    let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
    assert_eq!(read_all(fs.as_ref(), &nodes["data.bin"]), pattern(23, 7000));
}

#[test]
fn hostile_images_give_findings_quickly() {
    let dir = tempfile::tempdir().unwrap();
    for (file, codes) in [
        (
            "hostile-icb-loop.img.gz",
            &["udf.icb-loop", "udf.allocation"][..],
        ),
        (
            "hostile-outside.img.gz",
            &["udf.extent-outside", "udf.short-allocation"][..],
        ),
        ("hostile-fid-overrun.img.gz", &["udf.fid"][..]),
    ] {
        let path = image(file, dir.path());
        let start = Instant::now();
        let survey = open(&path);
        let fs = udf_of(&survey);
        let walked = discscope::fs::walk::walk(
            fs.as_ref(),
            &fs.root().unwrap(),
            "",
            discscope::fs::walk::Reach {
                recursive: true,
                deleted: true,
            },
            &mut |_, _, node| {
                if node.kind == NodeKind::File {
                    let mut buf = vec![0u8; 1 << 16];
                    let _ = fs.read(node, 0, &mut buf);
                }
                Ok(())
            },
        )
        .unwrap();
        let _ = walked;
        let d = fs.diagnostics();
        for code in codes {
            assert!(
                d.iter().any(|d| d.code == *code),
                "{file}: no {code} in {d:?}"
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{file}: {:?}",
            start.elapsed()
        );
        // The CLI lists and extracts it within the bound too.
        let out = dir.path().join(format!("{file}.out"));
        let run = discscope([
            "extract".as_ref(),
            path.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ]);
        assert!(
            run.elapsed < Duration::from_secs(5),
            "{file}: extract took {:?}",
            run.elapsed
        );
        assert!(
            run.code() == 0 || run.code() == 1 || run.code() == 2,
            "{file}: {}",
            run.stderr()
        );
        assert!(
            !run.stderr().contains("panicked"),
            "{file}: {}",
            run.stderr()
        );
    }
}

#[test]
fn cli_info_ls_cat_locate_and_structure_work_on_udf() {
    let dir = tempfile::tempdir().unwrap();
    let path = image("gen-rich-2.01.img.gz", dir.path());
    let info = discscope(["info".as_ref(), path.as_os_str(), "--json".as_ref()]).json();
    let udf = info["filesystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "udf")
        .unwrap();
    assert_eq!(udf["label"], "GEN RICH");
    assert_eq!(udf["details"]["udf_revision"], "2.01");
    assert_eq!(udf["details"]["block_size"], 2048);
    assert_eq!(udf["details"]["implementation"], "*discscope gen.py");
    let text = discscope(["info".as_ref(), path.as_os_str()]).stdout();
    assert!(
        text.contains("UDF revision") && text.contains("2.01"),
        "{text}"
    );

    let ls = discscope([
        "ls".as_ref(),
        path.as_os_str(),
        "-R".as_ref(),
        "--json".as_ref(),
        "--fs".as_ref(),
        "udf".as_ref(),
    ])
    .json();
    assert_eq!(ls["filesystem"], "udf");
    let entries = ls["entries"].as_array().unwrap();
    let short = entries.iter().find(|e| e["path"] == "/short.bin").unwrap();
    assert_eq!(short["size"], 5000);
    assert!(entries.iter().any(|e| e["path"] == "/streamed.txt:comment"));
    assert!(!entries.iter().any(|e| e["path"] == "/deleted.txt"));
    let deleted = discscope(["ls".as_ref(), path.as_os_str(), "--deleted".as_ref()]).stdout();
    assert!(deleted.contains("deleted.txt (deleted)"), "{deleted}");

    let cat = discscope(["cat".as_ref(), path.as_os_str(), "/Docs/aed.bin".as_ref()]);
    assert_eq!(cat.output.stdout, pattern(17, 3 * 2048 + 100));

    // A file's first sector is owned by the file; its entry's sector by
    // its ICB; a directory's data by the directory.
    let lba = short["lba"].as_i64().unwrap();
    let loc = discscope([
        "locate".as_ref(),
        path.as_os_str(),
        lba.to_string().as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert!(
        loc["owners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["kind"] == "file" && o["path"] == "/short.bin" && o["filesystem"] == "udf"),
        "{loc}"
    );
    let survey = open(&path);
    let fs = udf_of(&survey);
    let nodes: BTreeMap<String, Node> = tree(fs.as_ref()).into_iter().collect();
    let block = survey.medium.block_size();
    let fe_lba = fs.node_records(&nodes["short.bin"])[0].position / block;
    let loc = discscope([
        "locate".as_ref(),
        path.as_os_str(),
        fe_lba.to_string().as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert!(
        loc["owners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["kind"] == "icb" && o["path"] == "/short.bin"),
        "{loc}"
    );
    let st = discscope([
        "structure".as_ref(),
        path.as_os_str(),
        fe_lba.to_string().as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let fe = st["structures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Extended file entry")
        .unwrap_or_else(|| panic!("{st}"));
    assert!(
        fe["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "information length" && f["value"] == 5000)
    );
    let docs_lba = nodes["Docs"].extents[0].lba.0;
    let st = discscope([
        "structure".as_ref(),
        path.as_os_str(),
        docs_lba.to_string().as_ref(),
        "--json".as_ref(),
    ])
    .json();
    let fids: Vec<_> = st["structures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "File identifier descriptor")
        .collect();
    assert!(fids.len() >= 3, "{st}");
    assert!(fids.iter().any(|s| {
        s["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "file identifier" && f["value"] == "sparse.bin")
    }));
    // The anchor at 256 is explained field by field.
    let anchor = (256 * 2048 / block).to_string();
    let st = discscope([
        "structure".as_ref(),
        path.as_os_str(),
        anchor.as_ref(),
        "--json".as_ref(),
    ])
    .json();
    assert!(
        st["structures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "anchor"),
        "{st}"
    );
}

#[test]
fn disk_images_report_udf_extents_in_their_own_sectors() {
    // A 2048-byte-block UDF on a raw disk image of 512-byte sectors: the
    // anchor is found at block 256 of 2048 bytes, and extents are in
    // 512-byte LBAs.
    let dir = tempfile::tempdir().unwrap();
    let path = image("mk-hd-2048-2.01.img.gz", dir.path());
    let survey = open(&path);
    assert_eq!(survey.medium.block_size(), 512);
    let fs = udf_of(&survey);
    let anchor = fs
        .structures()
        .into_iter()
        .find(|s| s.name.contains("(block 256)"))
        .unwrap();
    assert_eq!(anchor.place.medium(), Some(256 * 2048));
    let root = fs.root().unwrap();
    let lba = root.extents.first().map(|e| e.lba.0).unwrap_or(0);
    assert_eq!(
        lba % 4,
        0,
        "root directory at a 2048-byte boundary in 512-byte sectors"
    );
}

/// A UDF-only DVD image named `.iso` opens in 2048-byte sectors, as a disc,
/// not as a disk image of 512-byte sectors.
#[test]
fn udf_only_iso_opens_as_a_disc() {
    let scratch = tempfile::tempdir().unwrap();
    let image = crate::disk::gunzip(&fixture("udf/mk-dvd-2048-2.01.img.gz"), scratch.path());
    let iso = scratch.path().join("dvd.iso");
    std::fs::rename(&image, &iso).unwrap();
    let json = discscope(["info", "--json", iso.to_str().unwrap()]).json();
    assert_eq!(json["format"], "iso", "{json}");
    assert_eq!(json["sector_size"], 2048, "{json}");
    assert_eq!(json["filesystems"][0]["kind"], "udf", "{json}");
    let owners = discscope(["locate", "--json", iso.to_str().unwrap(), "256"]).json();
    assert!(owners.to_string().contains("anchor"), "{owners}");
}

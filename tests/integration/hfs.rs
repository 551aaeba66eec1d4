//! HFS and HFS+: fixtures made by hfsutils, genisoimage and xorriso
//! (tests/fixtures/hfs/make.sh), compared with what `hls -laR`, `hcopy`
//! and `7z` said about them when they were made.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use discscope::fs::hfs::name::mac_roman;
use discscope::fs::{Filesystem, FsKind, Node, NodeKind};
use discscope::survey::Survey;

use crate::disk::{gunzip, open_disk, read_all, walk};
use crate::support::{discscope, fixture};

/// One entry of `hls -laR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hls {
    pub dir: bool,
    pub type_creator: Option<String>,
    pub rsrc: u64,
    pub data: u64,
    /// "Nov 14  2023" or "Nov 30 08:55".
    pub date: String,
}

/// `hls -laR` output by path ("Docs/Sub Folder/notes.txt"), names read
/// as Mac Roman.
pub fn hls(name: &str) -> BTreeMap<String, Hls> {
    let bytes = std::fs::read(fixture(&format!("hfs/oracle/{name}.hls"))).unwrap();
    let mut out = BTreeMap::new();
    let mut dir = String::new();
    for raw in bytes.split(|&b| b == b'\n') {
        let line = mac_roman(raw);
        if line.is_empty() {
            continue;
        }
        if line.starts_with(':') && line.ends_with(':') {
            dir = line.trim_matches(':').replace(':', "/") + "/";
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let field = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let is_dir = chars[0] == 'd';
        let entry = Hls {
            dir: is_dir,
            type_creator: (!is_dir).then(|| field(3, 12)),
            rsrc: if is_dir {
                0
            } else {
                field(12, 22).trim().parse().unwrap()
            },
            data: if is_dir {
                0
            } else {
                field(22, 32).trim().parse().unwrap()
            },
            date: field(33, 45),
        };
        out.insert(format!("{dir}{}", field(46, chars.len())), entry);
    }
    out
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A node's date as `hls` prints it, in whichever of its two forms the
/// oracle used.
fn hls_date(node: &Node, like: &str) -> String {
    let t = node.mtime.unwrap().rfc3339();
    let (year, month, day, hm) = (&t[..4], &t[5..7], &t[8..10], &t[11..16]);
    let month = MONTHS[month.parse::<usize>().unwrap() - 1];
    let day = format!("{:>2}", day.trim_start_matches('0'));
    if like.contains(':') {
        format!("{month} {day} {hm}")
    } else {
        format!("{month} {day}  {year}")
    }
}

/// Our listing in `hls` terms (resource fork nodes folded into their file).
pub fn ours_as_hls(fs: &dyn Filesystem, oracle: &BTreeMap<String, Hls>) -> BTreeMap<String, Hls> {
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let mut out = BTreeMap::new();
    for (path, node) in &nodes {
        if fs.is_named_fork(node) {
            continue;
        }
        let note = |name: &str| {
            node.notes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        let is_dir = node.kind == NodeKind::Dir;
        let like = oracle.get(path).map_or("", |h| h.date.as_str());
        out.insert(
            path.clone(),
            Hls {
                dir: is_dir,
                type_creator: (!is_dir).then(|| format!("{}/{}", note("type"), note("creator"))),
                rsrc: fs.resource_fork(node).map_or(0, |r| r.size),
                data: node.size,
                date: hls_date(node, like),
            },
        );
    }
    out
}

/// MacBinary II: (type, creator, data fork, resource fork).
fn macbinary(bytes: &[u8]) -> (String, String, Vec<u8>, Vec<u8>) {
    let len = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let (data, rsrc) = (len(83), len(87));
    let rsrc_at = 128 + data.div_ceil(128) * 128;
    (
        mac_roman(&bytes[65..69]),
        mac_roman(&bytes[69..73]),
        bytes[128..128 + data].to_vec(),
        bytes[rsrc_at..rsrc_at + rsrc].to_vec(),
    )
}

fn node_at<'a>(nodes: &'a [(String, Node)], path: &str) -> &'a Node {
    &nodes
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} missing"))
        .1
}

/// Every `<name>.hcopy.<file>` oracle equals our bytes of the path whose
/// last part is `<file>`; every `<name>.macbinary.<file>` equals both forks.
fn hcopy_files(fs: &dyn Filesystem, name: &str) -> usize {
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let mut checked = 0;
    for entry in std::fs::read_dir(fixture("hfs/oracle")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let expected = std::fs::read(fixture(&format!("hfs/oracle/{file}"))).unwrap();
        if let Some(last) = file.strip_prefix(&format!("{name}.hcopy.")) {
            let (_, node) = nodes
                .iter()
                .find(|(p, n)| p.rsplit('/').next() == Some(last) && !fs.is_named_fork(n))
                .unwrap_or_else(|| panic!("{last} missing"));
            assert_eq!(read_all(fs, node), expected, "{last}");
            checked += 1;
        } else if let Some(last) = file.strip_prefix(&format!("{name}.macbinary.")) {
            let (_, node) = nodes
                .iter()
                .find(|(p, n)| p.rsplit('/').next() == Some(last) && !fs.is_named_fork(n))
                .unwrap();
            let (ftype, creator, data, rsrc) = macbinary(&expected);
            assert_eq!(read_all(fs, node), data, "{last} data fork");
            let fork = fs.resource_fork(node).unwrap();
            assert_eq!(read_all(fs, &fork), rsrc, "{last} resource fork");
            let finder = fs.finder_info(node).unwrap();
            assert_eq!(
                (mac_roman(&finder[..4]), mac_roman(&finder[4..8])),
                (ftype, creator)
            );
            checked += 1;
        }
    }
    checked
}

fn hfs_view(survey: &Survey, kind: FsKind) -> &discscope::fs::View {
    survey
        .views
        .iter()
        .find(|v| v.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} view: {:?}", survey.diagnostics))
}

#[test]
fn hfs_floppy_equals_hls_and_hcopy() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("hfs/floppy.img.gz"), scratch.path());
    let survey = open_disk(&image);
    assert_eq!(survey.views.len(), 1);
    let fs = survey.views[0].fs.as_ref();
    assert_eq!(
        (fs.kind(), fs.label().as_str()),
        (FsKind::Hfs, "Mac Floppy")
    );
    let oracle = hls("floppy");
    assert_eq!(ours_as_hls(fs, &oracle), oracle);
    assert!(oracle.contains_key("Café • naïve"), "{:?}", oracle.keys());
    assert!(oracle.contains_key(
        "Level 1/Level 2/Level 3/Level 4/Level 5/Level 6/Level 7/Level 8/Level 9/Level 10/Level 11/Level 12/deep.txt"
    ));
    assert_eq!(hcopy_files(fs, "floppy"), 6);
    // The Mac Roman bytes of a name stay in the notes (and so in JSON).
    let cafe = fs
        .children(&fs.root().unwrap())
        .unwrap()
        .into_iter()
        .find(|n| n.name == "Café • naïve")
        .unwrap();
    assert!(
        cafe.notes
            .iter()
            .any(|(n, v)| n == "Mac Roman name" && v == "43 61 66 8e 20 a5 20 6e 61 95 76 65"),
        "{:?}",
        cafe.notes
    );
    // The fragmented file: eight one-block extents, five of them found in
    // the extents overflow file.
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let fragmented = node_at(&nodes, "Fragmented");
    assert_eq!(fragmented.extents.len(), 8, "{:?}", fragmented.extents);
    assert!(fragmented.extents.iter().all(|e| e.bytes <= 512));
    // Dates are local time, and the nodes say so.
    assert!(
        fragmented
            .notes
            .iter()
            .any(|(n, v)| n == "dates" && v.contains("local time"))
    );
    let structures = fs.structures();
    let names: Vec<&str> = structures.iter().map(|s| s.name.as_str()).collect();
    for wanted in [
        "HFS master directory block",
        "HFS alternate master directory block",
        "HFS volume bitmap",
        "Catalog B-tree header node",
        "Extents overflow B-tree header node",
    ] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    // hfsutils' catalog for these few dozen items is three levels deep.
    let catalog = structures
        .iter()
        .find(|s| s.name == "Catalog B-tree header node")
        .unwrap();
    let depth = catalog
        .fields
        .iter()
        .find(|f| f.name == "treeDepth")
        .unwrap();
    assert_eq!(depth.value.to_string(), "3");
    let mdb = &structures[names
        .iter()
        .position(|n| *n == "HFS master directory block")
        .unwrap()];
    assert_eq!(mdb.place, discscope::structure::Place::Medium(1024));
    let field = |name: &str| mdb.fields.iter().find(|f| f.name == name).unwrap();
    assert_eq!(field("drVN").value.to_string(), "Mac Floppy");
    assert_eq!(
        (field("drSigWord").offset, field("drAlBlkSiz").offset),
        (0, 20)
    );
    assert!(field("drCrDat").value.to_string().ends_with("local time"));
    assert_eq!(fs.diagnostics(), Vec::new());
}

#[test]
fn genisoimage_hybrid_hfs_behind_apm_equals_hls_and_shares_iso_data() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("hfs/hybrid-hfs.iso.gz"), scratch.path());
    let survey = open_disk(&image);
    assert_eq!(survey.default_view().unwrap().kind, FsKind::RockRidge);
    let view = hfs_view(&survey, FsKind::Hfs);
    let partition = survey
        .table
        .as_ref()
        .unwrap()
        .hybrid
        .iter()
        .chain(survey.table.as_ref().unwrap().partitions.iter())
        .find(|p| Some(p.index) == view.partition)
        .unwrap();
    assert_eq!(partition.type_code, "Apple_HFS");
    let fs = view.fs.as_ref();
    assert_eq!(fs.label(), "Mac Hybrid");
    let oracle = hls("hybrid-hfs");
    assert_eq!(ours_as_hls(fs, &oracle), oracle);
    assert_eq!(
        oracle["readme.txt"].type_creator.as_deref(),
        Some("TEXT/ttxt")
    );
    assert_eq!(hcopy_files(fs, "hybrid-hfs"), 3);
    // genisoimage shares file data between the two sides: the HFS file's
    // extent is the ISO 9660 file's, in the disc's 2048-byte LBAs.
    let mut hfs_nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut hfs_nodes);
    let rr = survey.default_view().unwrap().fs.as_ref();
    let mut iso_nodes = Vec::new();
    walk(rr, &rr.root().unwrap(), "", &mut iso_nodes);
    for path in ["readme.txt", "Docs/binary.dat"] {
        assert_eq!(
            node_at(&hfs_nodes, path).extents,
            node_at(&iso_nodes, path).extents,
            "{path}"
        );
    }
    assert!(fs.diagnostics().is_empty(), "{:?}", fs.diagnostics());
}

/// `7z l -slt` entries: path (without the volume folder) → (folder, size,
/// mode, modified).
fn seven_zip(name: &str) -> BTreeMap<String, (bool, u64, String, String)> {
    let text = std::fs::read_to_string(fixture(&format!("hfs/oracle/{name}.7z"))).unwrap();
    let mut out = BTreeMap::new();
    for block in text.split("\n\n") {
        let get = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = ")))
                .map(str::to_owned)
        };
        let (Some(path), Some(folder)) = (get("Path"), get("Folder")) else {
            continue;
        };
        let Some((_, rest)) = path.split_once('/') else {
            continue;
        };
        // 7z gives names as stored (decomposed); ours are composed.
        out.insert(
            rest.nfc().collect::<String>(),
            (
                folder == "+",
                get("Size").and_then(|s| s.parse().ok()).unwrap_or(0),
                get("Mode").unwrap_or_default(),
                get("Modified").unwrap_or_default(),
            ),
        );
    }
    out
}

#[test]
fn xorriso_hybrid_hfsplus_equals_7z() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("hfs/hybrid-hfsplus.iso.gz"), scratch.path());
    let survey = open_disk(&image);
    assert_eq!(survey.default_view().unwrap().kind, FsKind::RockRidge);
    let fs = hfs_view(&survey, FsKind::HfsPlus).fs.as_ref();
    assert_eq!(fs.label(), "XHYBRID");
    let oracle = seven_zip("hybrid-hfsplus");
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let ours: BTreeMap<String, (bool, u64, String, String)> = nodes
        .iter()
        .map(|(path, n)| {
            let kind = match n.kind {
                NodeKind::Dir => 'd',
                NodeKind::Symlink => 'l',
                _ => '-',
            };
            let mode = n.mode.unwrap();
            let bits: String = (0..9)
                .map(|i| {
                    if mode & (1 << (8 - i)) != 0 {
                        ['r', 'w', 'x'][i % 3]
                    } else {
                        '-'
                    }
                })
                .collect();
            let t = n.mtime.unwrap().rfc3339();
            (
                path.clone(),
                (
                    n.kind == NodeKind::Dir,
                    if n.kind == NodeKind::Dir { 0 } else { n.size },
                    format!("{kind}{bits}"),
                    format!("{} {}", &t[..10], &t[11..19]),
                ),
            )
        })
        .collect();
    assert_eq!(ours, oracle);
    assert!(oracle.contains_key("Folder/café.txt"));
    assert_eq!(
        node_at(&nodes, "link").target.as_deref(),
        Some("Folder/binary.dat")
    );
    // File bytes as `7z x` wrote them.
    let sums = std::fs::read_to_string(fixture("hfs/oracle/hybrid-hfsplus.7z-sha256")).unwrap();
    let mut checked = 0;
    for line in sums.lines() {
        let (sum, path) = line.split_once(' ').unwrap();
        let path: String = path.trim_start_matches("./XHYBRID/").nfc().collect();
        let path = path.as_str();
        let data = read_all(fs, node_at(&nodes, path));
        assert_eq!(format!("{:x}", Sha256::digest(&data)), sum, "{path}");
        checked += 1;
    }
    assert_eq!(checked, 4);
    assert!(fs.diagnostics().is_empty(), "{:?}", fs.diagnostics());
}

fn run_ok(args: &[&str]) -> crate::support::Run {
    let run = discscope(args);
    assert_eq!(run.code(), 0, "{args:?}: {}", run.stderr());
    run
}

#[test]
fn cli_cat_forks_extract_appledouble_locate_and_structure() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("hfs/floppy.img.gz"), scratch.path());
    let image = image.to_str().unwrap();
    let expected = std::fs::read(fixture("hfs/oracle/floppy.macbinary.Both Forks")).unwrap();
    let (_, _, data, rsrc) = macbinary(&expected);
    assert_eq!(run_ok(&["cat", image, "/Both Forks"]).output.stdout, data);
    assert_eq!(
        run_ok(&["cat", "--fork", "rsrc", image, "/Both Forks"])
            .output
            .stdout,
        rsrc
    );
    assert_eq!(
        run_ok(&["cat", image, "/Both Forks:rsrc"]).output.stdout,
        rsrc
    );
    assert_eq!(
        run_ok(&["cat", "--fs", "hfs", image, "/Gaps/f01"])
            .output
            .stdout,
        b"x\n"
    );
    let run = discscope(["cat", "--fork", "rsrc", image, "/Gaps/f01"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("no resource fork"),
        "{}",
        run.stderr()
    );
    // ls shows the resource fork beside its file.
    let listed = run_ok(&["ls", "--json", image]).json();
    let paths: Vec<&str> = listed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/Both Forks:rsrc"), "{paths:?}");
    assert_eq!(listed["filesystem"], "hfs");
    // extract --resource-forks writes AppleDouble files; without it the
    // resource fork is left out.
    let out = scratch.path().join("out");
    run_ok(&[
        "extract",
        image,
        "-o",
        out.to_str().unwrap(),
        "--resource-forks",
    ]);
    assert_eq!(std::fs::read(out.join("Both Forks")).unwrap(), data);
    let double = std::fs::read(out.join("._Both Forks")).unwrap();
    assert_eq!(&double[..8], &[0, 5, 0x16, 0x07, 0, 2, 0, 0]);
    assert_eq!(&double[50..58], b"TEXTttxt");
    assert_eq!(&double[82..], &rsrc[..]);
    assert!(!out.join("Both Forks:rsrc").exists());
    assert_eq!(
        std::fs::read(out.join("Fragmented")).unwrap(),
        std::fs::read(fixture("hfs/oracle/floppy.hcopy.Fragmented")).unwrap()
    );
    let plain = scratch.path().join("plain");
    let run = run_ok(&["extract", image, "-o", plain.to_str().unwrap()]);
    assert!(!plain.join("._Both Forks").exists());
    assert!(!plain.join("Both Forks:rsrc").exists());
    assert!(
        run.stderr().contains("--resource-forks"),
        "{}",
        run.stderr()
    );
    // locate: sector 2 holds the MDB; the catalog's sectors belong to it.
    let located = run_ok(&["locate", "--json", image, "2"]).json();
    let names: Vec<&str> = located["owners"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(names.contains(&"HFS master directory block"), "{located}");
    assert_eq!(located["owners"][0]["filesystem"], "hfs");
    // structure: the MDB field by field, and a catalog leaf node decoded.
    let s = run_ok(&["structure", "--json", image, "2"]).json();
    let mdb = s["structures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "HFS master directory block")
        .unwrap();
    assert_eq!(mdb["kind"], "volume_header");
    assert!(
        mdb["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "drVN" && f["value"] == "Mac Floppy")
    );
}

#[test]
fn inspector_decodes_catalog_nodes() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("hfs/floppy.img.gz"), scratch.path());
    let survey = open_disk(&image);
    let fs = survey.views[0].fs.as_ref();
    let catalog = fs
        .structures()
        .into_iter()
        .find(|s| s.name == "Catalog file")
        .unwrap();
    let start = catalog.place.medium().unwrap();
    // Every sector of the catalog: at least one leaf node with a file
    // record named "Fragmented" among them.
    let mut found = Vec::new();
    for at in (start..start + catalog.length).step_by(512) {
        found.extend(fs.directory_structures(&[0u8; 512], at));
    }
    assert!(
        found.iter().any(|s| s.name.contains("header node")),
        "{found:?}"
    );
    let record = found
        .iter()
        .find(|s| s.name.contains("file record \"Fragmented\""))
        .unwrap_or_else(|| panic!("{:?}", found.iter().map(|s| &s.name).collect::<Vec<_>>()));
    assert_eq!(record.kind.as_str(), "catalog_record");
    let size = record.fields.iter().find(|f| f.name == "filLgLen").unwrap();
    assert_eq!(size.value.to_string(), "4000");
    assert!(
        record
            .fields
            .iter()
            .any(|f| f.name == "nodeName" && f.value.to_string() == "Fragmented")
    );
    // The field's offset counts from the record's start: the key first.
    assert!(
        size.offset
            > record
                .fields
                .iter()
                .find(|f| f.name == "nodeName")
                .unwrap()
                .offset
    );
}

#[test]
fn fs_names_parse() {
    for (name, kind) in [
        ("hfs", FsKind::Hfs),
        ("hfsplus", FsKind::HfsPlus),
        ("hfs+", FsKind::HfsPlus),
        ("HFSX", FsKind::HfsPlus),
    ] {
        assert_eq!(FsKind::parse(name), Some(kind));
    }
    assert!(FsKind::Hfs.rank() > FsKind::Iso9660.rank());
}

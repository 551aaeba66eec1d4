//! Generated HFS+ volumes (tests/fixtures/hfs/hfsplus.py): hard links,
//! overflow extents, resource forks, symbolic links, decomposed names,
//! HFSX, a journal and an HFS wrapper, compared with `7z l -slt`, `7z x`
//! and (for the wrapped volume, the only kind Debian's libhfsp reads)
//! `hpls -laR` and `hpcopy`.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use discscope::fs::{Filesystem, FsKind, Node, NodeKind};

use crate::disk::{gunzip, open_disk, read_all, walk};
use crate::support::fixture;

/// `7z l -slt`: path below the volume folder (composed) → (folder, size).
fn seven_zip(name: &str) -> BTreeMap<String, (bool, u64)> {
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
        out.insert(
            rest.nfc().collect(),
            (
                folder == "+",
                get("Size").and_then(|s| s.parse().ok()).unwrap_or(0),
            ),
        );
    }
    out
}

/// `sha256 path` lines of the files `7z x` wrote, paths composed.
fn seven_zip_sums(name: &str) -> BTreeMap<String, String> {
    std::fs::read_to_string(fixture(&format!("hfs/oracle/{name}.7z-sha256")))
        .unwrap()
        .lines()
        .map(|l| {
            let (sum, path) = l.split_once(' ').unwrap();
            let path = path.trim_start_matches("./");
            let (_, rest) = path.split_once('/').unwrap();
            (rest.nfc().collect(), sum.to_owned())
        })
        .collect()
}

fn note<'a>(node: &'a Node, name: &str) -> Option<&'a str> {
    node.notes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The iNode a hard link names ("to iNode74 (...").
fn inode_of(node: &Node) -> Option<String> {
    let text = note(node, "hard link")?;
    let name = text.strip_prefix("to ")?.split(' ').next()?;
    Some(format!("[HFS+ Private Data]/{name}"))
}

/// Checks a generated volume against 7z: every path, kind and size (a
/// hard link's size is its iNode's, which 7z lists in the private
/// folder), and every file's bytes.
fn equals_7z(fs: &dyn Filesystem, name: &str) -> Vec<(String, Node)> {
    let mut oracle = seven_zip(name);
    let mut sums = seven_zip_sums(name);
    // 7z lists a folder hard link as the empty alias file it is stored as,
    // and the folder under the private directory data folder; we show the
    // folder at the link's place.
    const DIR_PRIVATE: &str = ".HFS+ Private Directory Data\r";
    let linked: Vec<(String, String)> = oracle
        .iter()
        .filter(|(p, (folder, _))| *folder && p.starts_with(&format!("{DIR_PRIVATE}/dir_")))
        .map(|(p, _)| (p.clone(), p.rsplit('/').next().unwrap().to_owned()))
        .filter(|(p, _)| p.matches('/').count() == 1)
        .collect();
    for (private, dir) in linked {
        let link = "Folder Link";
        assert_eq!(oracle.get(link), Some(&(false, 0)), "{name}: {dir}");
        oracle.insert(link.to_owned(), (true, 0));
        sums.remove(link);
        let inside: Vec<(String, (bool, u64))> = oracle
            .iter()
            .filter_map(|(p, v)| {
                Some((
                    format!("{link}/{}", p.strip_prefix(&format!("{private}/"))?),
                    *v,
                ))
            })
            .collect();
        oracle.extend(inside);
        let inside: Vec<(String, String)> = sums
            .iter()
            .filter_map(|(p, v)| {
                Some((
                    format!("{link}/{}", p.strip_prefix(&format!("{private}/"))?),
                    v.clone(),
                ))
            })
            .collect();
        sums.extend(inside);
    }
    // (`lines()` took the folder's own entry's trailing CR as a line end.)
    oracle.retain(|p, _| !p.starts_with(DIR_PRIVATE.trim_end()));
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let mut ours = BTreeMap::new();
    let mut links = 0;
    for (path, node) in &nodes {
        let size = if node.kind == NodeKind::Dir {
            0
        } else {
            node.size
        };
        let mut expected_sum = sums.get(path).cloned();
        if let Some(inode) = inode_of(node) {
            // 7z lists a hard link with no data; its data is the iNode's.
            assert_eq!(oracle.get(path), Some(&(false, 0)), "{path}");
            oracle.insert(path.clone(), (false, oracle[&inode].1));
            expected_sum = sums.get(&inode).cloned();
            links += 1;
        }
        // `7z l` does not list resource forks; `7z x` writes them as
        // `name:rsrc`, as we name them.
        if !fs.is_named_fork(node) {
            ours.insert(path.clone(), (node.kind == NodeKind::Dir, size));
        }
        if node.kind == NodeKind::File {
            let sum = format!("{:x}", Sha256::digest(read_all(fs, node)));
            assert_eq!(Some(sum), expected_sum, "{name}: {path}");
        }
    }
    assert_eq!(links, 2, "{name}");
    oracle.retain(|p, _| !p.starts_with("[HFS+ Private Data]"));
    assert_eq!(ours, oracle, "{name}");
    nodes
}

fn open(name: &str, scratch: &std::path::Path) -> discscope::survey::Survey {
    let image = gunzip(&fixture(&format!("hfs/{name}.img.gz")), scratch);
    open_disk(&image)
}

#[test]
fn generated_hfsplus_equals_7z_with_links_forks_and_overflow() {
    let scratch = tempfile::tempdir().unwrap();
    let survey = open("plus", scratch.path());
    let fs = survey.views[0].fs.as_ref();
    assert_eq!(
        (fs.kind(), fs.label().as_str()),
        (FsKind::HfsPlus, "Generated HFS+")
    );
    let nodes = equals_7z(fs, "plus");
    let find = |p: &str| &nodes.iter().find(|(path, _)| path == p).unwrap().1;
    // Twelve one-block extents: eight from the catalog, four from the
    // extents overflow file.
    assert_eq!(find("Fragmented").extents.len(), 12);
    assert_eq!(find("Symlink").kind, NodeKind::Symlink);
    assert_eq!(find("Symlink").target.as_deref(), Some("readme.txt"));
    assert_eq!(find("Link A").extents, find("Docs/Link B").extents);
    assert_eq!(find("Folder Link").kind, NodeKind::Dir);
    assert_eq!(
        read_all(fs, find("Folder Link/inside.txt")),
        b"in a hard-linked folder\n"
    );
    assert!(
        find("café.txt")
            .name
            .nfc()
            .eq(find("café.txt").name.chars())
    );
    assert_eq!(
        note(find("café.txt"), "stored name (UTF-16, decomposed)"),
        Some("0063 0061 0066 0065 0301 002e 0074 0078 0074")
    );
    assert_eq!(find("readme.txt").mode, Some(0o644));
    assert_eq!(note(find("readme.txt"), "type"), Some("TEXT"));
    // The private data folder is hidden; the catalog holds an index node.
    assert!(!nodes.iter().any(|(p, _)| p.contains("Private")));
    let s = fs.structures();
    let header = s
        .iter()
        .find(|s| s.name == "Catalog B-tree header node")
        .unwrap();
    let depth = header
        .fields
        .iter()
        .find(|f| f.name == "treeDepth")
        .unwrap();
    assert_eq!(depth.value.to_string(), "2");
    let vh = s.iter().find(|s| s.name == "HFS+ volume header").unwrap();
    assert_eq!(vh.place, discscope::structure::Place::Medium(1024));
    assert!(
        vh.fields
            .iter()
            .any(|f| f.name == "catalog file logical size" && f.value.to_string() == "65536")
    );
    assert!(s.iter().any(|s| s.name == "HFS+ alternate volume header"));
    assert!(s.iter().any(|s| s.name == "Allocation file"));
    let attributes = s
        .iter()
        .find(|s| s.name == "Attributes B-tree header node")
        .unwrap();
    assert!(
        attributes
            .fields
            .iter()
            .any(|f| f.name == "maxKeyLength" && f.value.to_string() == "266")
    );
    assert!(s.iter().any(|s| s.name == "Attributes file"));
    assert!(fs.diagnostics().is_empty(), "{:?}", fs.diagnostics());
}

#[test]
fn generated_hfsx_is_case_sensitive() {
    let scratch = tempfile::tempdir().unwrap();
    let survey = open("hfsx", scratch.path());
    let fs = survey.views[0].fs.as_ref();
    assert_eq!(fs.label(), "Generated HFSX");
    let nodes = equals_7z(fs, "hfsx");
    let names: Vec<&str> = nodes.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"readme.txt") && names.contains(&"readme.TXT"));
    let hfsx = discscope::fs::hfs::probe(
        &discscope::volume::Volume::of_disk(survey.medium.clone()).unwrap(),
    )
    .unwrap()
    .unwrap();
    assert!(hfsx.is_hfsx());
    assert_eq!(hfsx.order(), discscope::fs::hfs::name::Order::Binary);
    assert!(fs.diagnostics().is_empty(), "{:?}", fs.diagnostics());
    // `cat` picks the exact name first.
    let run = crate::support::discscope([
        "cat",
        gunzip(&fixture("hfs/hfsx.img.gz"), scratch.path())
            .to_str()
            .unwrap(),
        "/readme.TXT",
    ]);
    assert_eq!(run.output.stdout, b"upper case twin\n");
}

#[test]
fn generated_journaled_hfsplus_shows_the_journal_without_replaying_it() {
    let scratch = tempfile::tempdir().unwrap();
    let survey = open("journal", scratch.path());
    let fs = survey.views[0].fs.as_ref();
    equals_7z(fs, "journal");
    let s = fs.structures();
    let info = s
        .iter()
        .find(|s| s.name == "HFS+ journal info block")
        .unwrap();
    assert_eq!(info.place, discscope::structure::Place::Medium(20 * 4096));
    assert_eq!(info.kind.as_str(), "journal");
    let header = s.iter().find(|s| s.name == "HFS+ journal header").unwrap();
    assert!(
        header
            .fields
            .iter()
            .any(|f| f.name == "magic" && f.value.to_string() == "0x4a4e4c78")
    );
    let codes: Vec<&str> = fs.diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, ["hfs.journal"]);
    assert!(fs.diagnostics()[0].message.contains("not replayed"));
}

/// `hpls -laR` (libhfsp): path → (folder, data size, resource size), for
/// ASCII names (libhfsp drops what it cannot show in Latin-1).
fn hpls() -> BTreeMap<String, (bool, u64, u64)> {
    let text = std::fs::read_to_string(fixture("hfs/oracle/wrapped.hpls")).unwrap();
    let mut out = BTreeMap::new();
    let mut dir = String::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("./").and_then(|d| d.strip_suffix(':')) {
            dir = format!("{d}/");
            continue;
        }
        if line.trim_start().starts_with("Thread") || line.is_empty() {
            continue;
        }
        let name = line[46..].to_owned();
        // The private folders (shown as "./" and with a CR) hold iNodes,
        // which we show at their links.
        let private = |n: &str| n.starts_with(".HFS+ Private Directory Data");
        if name.is_empty()
            || !name.is_ascii()
            || dir == "/"
            || name.starts_with("iNode")
            || private(&name)
            || private(&dir)
        {
            continue;
        }
        let folder = line.starts_with('d');
        let (data, rsrc) = if folder {
            (0, 0)
        } else {
            (
                line[12..22].trim().parse().unwrap(),
                line[22..32].trim().parse().unwrap(),
            )
        };
        out.insert(format!("{dir}{name}"), (folder, data, rsrc));
    }
    out
}

#[test]
fn hfs_wrapper_holds_the_hfsplus_volume_as_7z_and_hpls_read_it() {
    let scratch = tempfile::tempdir().unwrap();
    let survey = open("wrapped", scratch.path());
    assert_eq!(survey.views.len(), 1);
    let fs = survey.views[0].fs.as_ref();
    assert_eq!(fs.kind(), FsKind::HfsPlus);
    let nodes = equals_7z(fs, "wrapped");
    let oracle = hpls();
    assert!(oracle.len() > 50, "{}", oracle.len());
    for (path, (folder, data, rsrc)) in &oracle {
        // libhfsp drops what Latin-1 cannot show (the combining accent of
        // a decomposed "é"): compare with our names stripped the same way.
        let (_, node) = nodes
            .iter()
            .find(|(p, _)| p.nfd().filter(char::is_ascii).collect::<String>() == *path)
            .unwrap_or_else(|| panic!("{path}"));
        if node
            .notes
            .iter()
            .any(|(n, _)| n == "hard link" || n == "folder hard link")
        {
            continue; // libhfsp shows the link record, not its iNode.
        }
        assert_eq!(node.kind == NodeKind::Dir, *folder, "{path}");
        assert_eq!(
            (node.size, fs.resource_fork(node).map_or(0, |r| r.size)),
            (*data, *rsrc),
            "{path}"
        );
    }
    let fragmented = &nodes.iter().find(|(p, _)| p == "Fragmented").unwrap().1;
    assert_eq!(
        read_all(fs, fragmented),
        std::fs::read(fixture("hfs/oracle/wrapped.hpcopy.Fragmented")).unwrap()
    );
    let macbinary = std::fs::read(fixture("hfs/oracle/wrapped.macbinary.Both Forks")).unwrap();
    let rsrc_len = u32::from_be_bytes(macbinary[87..91].try_into().unwrap()) as usize;
    let data_len = u32::from_be_bytes(macbinary[83..87].try_into().unwrap()) as usize;
    let at = 128 + data_len.div_ceil(128) * 128;
    let both = &nodes.iter().find(|(p, _)| p == "Both Forks").unwrap().1;
    assert_eq!(
        read_all(fs, &fs.resource_fork(both).unwrap()),
        &macbinary[at..at + rsrc_len]
    );
    let s = fs.structures();
    let wrapper = s
        .iter()
        .find(|s| s.name == "HFS wrapper master directory block")
        .unwrap();
    assert!(
        wrapper
            .fields
            .iter()
            .any(|f| f.name == "drEmbedSigWord" && f.value.to_string() == "H+")
    );
    let vh = s.iter().find(|s| s.name == "HFS+ volume header").unwrap();
    assert_eq!(vh.place, discscope::structure::Place::Medium(8192 + 1024));
    let boot = s.iter().find(|s| s.name == "HFS boot blocks").unwrap();
    assert_eq!(boot.kind.as_str(), "boot_blocks");
    for (field, value) in [
        ("signature", "LK"),
        ("system file", "System"),
        ("shell", "Finder"),
        ("scrap file", "Clipboard"),
    ] {
        assert!(
            boot.fields
                .iter()
                .any(|f| f.name == field && f.value.to_string() == value),
            "{field}: {:?}",
            boot.fields
        );
    }
    let codes: Vec<&str> = fs.diagnostics().iter().map(|d| d.code).collect();
    assert_eq!(codes, ["hfs.wrapper"]);
}

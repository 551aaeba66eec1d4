//! ISO 9660 views against recorded oracles (isoinfo, xorriso), hostile
//! images, extraction safety, locate, and the corpus against live isoinfo.

mod corpus;
mod hostile;
pub mod oracle;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::support::discscope;

/// Every entry, deleted ones included.
pub const EVERYTHING: discscope::fs::walk::Reach = discscope::fs::walk::Reach {
    recursive: true,
    deleted: true,
};
use oracle::{
    check_el_torito, check_el_torito_fields, check_fixture, check_image, iso, ls_json,
    parse_isoinfo,
};

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

/// A cue sheet with two sessions: the views come from session 2, whose tree
/// also holds session 1's file.
#[test]
fn iso_multisession_cue_reads_the_last_session() {
    check_image(&iso("multisession/ms.cue"), "multisession/ms", true);
    let run = discscope([
        "info",
        iso("multisession/ms.cue").to_str().unwrap(),
        "--json",
    ]);
    let fs = &run.json()["filesystems"][0];
    assert_eq!(fs["label"], "SESSION2");
    assert_eq!(fs["track"], 2);
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

#[test]
fn iso_el_torito_matches_xorriso() {
    let report = std::fs::read_to_string(iso("rich.eltorito.txt")).unwrap();
    let sums = std::fs::read_to_string(iso("rich.bootimages.sha256")).unwrap();
    check_el_torito(&iso("rich.iso"), &report, &sums);
    check_el_torito_fields(&iso("rich.iso"), &report);
    let run = discscope([
        "ls",
        iso("rich.iso").to_str().unwrap(),
        "--fs",
        "eltorito",
        "-l",
    ]);
    assert!(run.stdout().contains("1-x86-noemul.img"));
    let medium = Arc::new(discscope::container::open(&iso("rich.iso")).unwrap());
    let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
    let view = survey.named("eltorito").unwrap();
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
    let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
    let index = discscope::inspect::owners::OwnerIndex::build(&survey).unwrap();
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
            .owners(discscope::units::Lba(lba))
            .into_iter()
            .filter(|o| {
                o.filesystem.is_some_and(|s| s.as_str() == "rockridge")
                    && matches!(o.kind.as_str(), "file" | "dir")
            })
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
        let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
        let plain = survey.named("iso9660").unwrap();
        let root = plain.fs.root().unwrap();
        let mut tree: BTreeMap<String, i64> = BTreeMap::new();
        tree.insert(String::new(), root.extents[0].lba.0);
        discscope::fs::walk::walk(
            plain.fs.as_ref(),
            &root,
            "",
            EVERYTHING,
            &mut |path, _, node| {
                if node.kind == discscope::fs::NodeKind::Dir {
                    tree.insert(path.to_owned(), node.extents[0].lba.0);
                }
                Ok(())
            },
        )
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

/// The annotated records of rich.iso's root directory block name the
/// files, extents and sizes `isoinfo -l` lists there, `.` and `..` too.
#[test]
fn iso_root_directory_records_match_isoinfo() {
    use discscope::io::ReadAt;
    use discscope::structure::Value;
    let listing = std::fs::read_to_string(iso("rich.isoinfo-l.txt")).unwrap();
    // "d---------   0    0    0            2048 Nov 14 2023 [     20 02]  . "
    let expected: Vec<(String, u64, u64)> = listing
        .split("Directory listing of ")
        .find(|block| block.starts_with("/\n"))
        .unwrap()
        .lines()
        .filter_map(|line| {
            let (head, tail) = line.split_once('[')?;
            let (inside, name) = tail.split_once(']')?;
            let size = head.split_whitespace().nth(4)?.parse().ok()?;
            let lba = inside.split_whitespace().next()?.parse().ok()?;
            Some((name.trim().to_owned(), lba, size))
        })
        .collect();
    assert!(expected.len() > 2, "{listing}");
    let medium = Arc::new(discscope::container::open(&iso("rich.iso")).unwrap());
    let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
    let view = survey.named("iso9660").unwrap();
    let root = view.fs.root().unwrap().extents[0].lba.0 as u64;
    let volume = discscope::volume::Volume::of_track(Arc::clone(&medium), 0).unwrap();
    let block = volume.read_vec(root * 2048, 2048).unwrap();
    let records = view.fs.directory_structures(&block, root * 2048);
    let mut at = root * 2048;
    let mine: Vec<(String, u64, u64)> = records
        .iter()
        .map(|record| {
            assert_eq!(record.name, "Directory record");
            assert_eq!(record.place.medium(), Some(at), "records follow each other");
            at += record.length;
            let field = |name: &str| &record.fields.iter().find(|f| f.name == name).unwrap().value;
            let number = |name: &str| match field(name) {
                Value::Unsigned(v) => *v,
                other => panic!("{name} is {other:?}"),
            };
            let name = match field("file identifier") {
                Value::Text(t) if t == "\\0" => ".".to_owned(),
                Value::Text(t) if t == "\\1" => "..".to_owned(),
                Value::Text(t) => t.clone(),
                other => panic!("identifier {other:?}"),
            };
            assert_eq!(number("record length"), record.length);
            (name, number("extent location"), number("data length"))
        })
        .collect();
    assert_eq!(mine, expected);
}

/// The directory blocks of every view of every fixture, annotated: each
/// record's fields cover its bytes once each, from the first to the last,
/// broken SUSP areas of hostile images too.
#[test]
fn iso_directory_records_are_annotated_byte_for_byte() {
    use discscope::io::ReadAt;
    for name in [
        "rich",
        "geniso",
        "pycdlib",
        "zisofs",
        "hostile/ce-loop",
        "hostile/ce-past-block",
        "hostile/cl-to-cl",
        "hostile/zero-length-record",
        "hostile/record-straddles",
    ] {
        let medium = Arc::new(discscope::container::open(&iso(&format!("{name}.iso"))).unwrap());
        let volume = discscope::volume::Volume::of_track(Arc::clone(&medium), 0).unwrap();
        let survey = discscope::survey::Survey::new(Arc::clone(&medium), &Default::default());
        let mut records = 0usize;
        for kind in ["iso9660", "joliet", "rockridge"] {
            let Some(view) = survey.named(kind) else {
                continue;
            };
            let fs = view.fs.as_ref();
            let root = fs.root().unwrap();
            let mut dirs = vec![root.clone()];
            let _ = discscope::fs::walk::walk(fs, &root, "", EVERYTHING, &mut |_, _, node| {
                if node.kind == discscope::fs::NodeKind::Dir {
                    dirs.push(node.clone());
                }
                Ok(())
            });
            for dir in dirs {
                for extent in &dir.extents {
                    for block in 0..extent.bytes.div_ceil(2048) {
                        let at = (extent.lba.0 as u64 + block) * 2048;
                        let Ok(bytes) = volume.read_vec(at, 2048) else {
                            continue;
                        };
                        for record in fs.directory_structures(&bytes, at) {
                            let mut next = 0;
                            for field in &record.fields {
                                assert_eq!(
                                    field.offset, next,
                                    "{name} {kind} {}: {} at {:?}",
                                    dir.name, field.name, record.place
                                );
                                next = field.offset + field.length;
                            }
                            assert_eq!(next, record.length, "{name} {kind} {:?}", record.place);
                            records += 1;
                        }
                    }
                }
            }
        }
        assert!(records > 4, "{name}: {records} records");
    }
}

#[test]
fn a_cancelled_extraction_removes_the_file_it_was_writing() {
    let medium = Arc::new(discscope::container::open(&iso("rich.iso")).unwrap());
    let survey = discscope::survey::Survey::new(medium, &Default::default());
    let fs = survey.views[0].fs.as_ref();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out");
    let root = discscope::extract::prepare(&target, &Default::default()).unwrap();
    let sources = [discscope::extract::Source::root(fs).unwrap()];
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let error =
        discscope::extract::extract(fs, &sources, &root, Default::default(), &cancel).unwrap_err();
    assert!(
        matches!(error, discscope::Error::Cancelled { .. }),
        "{error}"
    );
    // Folders may have been made before the first file; no file is left.
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            assert!(
                entry.file_type().unwrap().is_dir(),
                "{:?} is left",
                entry.path()
            );
            folders.push(entry.path());
        }
    }
}

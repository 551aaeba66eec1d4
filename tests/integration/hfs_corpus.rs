//! util-linux's HFS and HFS+ images: labels and identifiers as blkid's
//! expected output gives them, trees as `hls` (HFS) and `7z` (HFS+) list
//! them, run live.

use std::process::Command;
use std::sync::Arc;

use discscope::container;
use discscope::fs::hfs;
use discscope::fs::{Filesystem, FsKind, NodeKind};
use discscope::volume::Volume;

use crate::disk::walk;
use crate::support::{corpus, corpus_file};

/// `KEY=value` lines of a blkid expected-output file.
fn blkid(name: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(corpus().join(format!("util-linux/expected/low-probe-{name}")))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn get(expected: &[(String, String)], key: &str) -> Option<String> {
    expected
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

fn tool(args: &[&str], home: &std::path::Path) -> String {
    let out = Command::new("timeout")
        .arg("20")
        .args(args)
        .env("HOME", home)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_util_linux_hfs_and_hfsplus_equal_blkid_hls_and_7z() {
    let scratch = tempfile::tempdir().unwrap();
    for (name, kind) in [("hfs", FsKind::Hfs), ("hfsplus", FsKind::HfsPlus)] {
        let expected = blkid(name);
        let image = corpus_file(
            &format!("util-linux/images-fs/{name}.img.xz"),
            scratch.path(),
        );
        let medium = Arc::new(container::open(&image).unwrap());
        let fs = hfs::probe(&Volume::of_disk(medium).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(fs.kind(), kind, "{name}");
        assert_eq!(
            Some(fs.label()),
            get(&expected, "ID_FS_LABEL"),
            "{name}: LABEL"
        );
        assert_eq!(Some(kind.as_str().to_owned()), get(&expected, "ID_FS_TYPE"));
        // blkid derives a UUID from the Finder info's volume identifier;
        // these images have none, and neither do we.
        assert_eq!(get(&expected, "ID_FS_UUID"), None, "{name}");
        assert_eq!(fs.volume_id, None, "{name}");
        if let Some(block) = get(&expected, "ID_FS_BLOCK_SIZE") {
            assert_eq!(fs.geometry().block.to_string(), block, "{name}");
        }
        assert!(
            fs.diagnostics().is_empty(),
            "{name}: {:?}",
            fs.diagnostics()
        );
        let mut nodes = Vec::new();
        walk(&fs, &fs.root().unwrap(), "", &mut nodes);
        let mut ours: Vec<(String, bool)> = nodes
            .iter()
            .map(|(p, n)| (p.clone(), n.kind == NodeKind::Dir))
            .collect();
        ours.sort();
        let image = image.to_str().unwrap();
        let mut oracle: Vec<(String, bool)> = if kind == FsKind::Hfs {
            // hls -laR after hmount; 7-Zip does not read plain HFS.
            let mounted = tool(&["hmount", image], scratch.path());
            assert!(mounted.contains("Volume name is \"BBB\""), "{mounted}");
            let listing = tool(&["hls", "-laR"], scratch.path());
            tool(&["humount"], scratch.path());
            let mut dir = String::new();
            listing
                .lines()
                .filter_map(|l| {
                    if l.starts_with(':') {
                        dir = l.trim_matches(':').replace(':', "/") + "/";
                        return None;
                    }
                    (l.len() > 46).then(|| (format!("{dir}{}", &l[46..]), l.starts_with('d')))
                })
                .collect()
        } else {
            let listing = tool(&["7z", "l", "-slt", image], scratch.path());
            listing
                .split("\n\n")
                .filter_map(|block| {
                    let path = block.lines().find_map(|l| l.strip_prefix("Path = "))?;
                    let folder = block.lines().find_map(|l| l.strip_prefix("Folder = "))?;
                    let (volume, rest) = path.split_once('/').unwrap_or((path, ""));
                    assert_eq!(volume, fs.label());
                    (!rest.is_empty()).then(|| (rest.to_owned(), folder == "+"))
                })
                .collect()
        };
        oracle.sort();
        assert_eq!(ours, oracle, "{name}");
    }
}

//! UDF corpus tests: util-linux's UDF images (labels and volume fields as
//! blkid expects them) and libcdio's UDF discs; every tree checked live
//! against `7z l` where 7-Zip opens the image.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use discscope::fs::Filesystem;

use crate::support::{corpus, corpus_file};
use crate::udf::{listing, open, udf_of};

/// blkid's `_ENC` text: `\xNN` escapes of UTF-8 bytes.
fn decode_enc(enc: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = enc.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'\\' && tail.first() == Some(&b'x') {
            let hex = std::str::from_utf8(&tail[1..3]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[3..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn blkid(name: &str) -> BTreeMap<String, String> {
    std::fs::read_to_string(corpus().join(format!("util-linux/expected/low-probe-{name}")))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode_enc(v)))
        .collect()
}

/// `7z l -slt` as the normalised listing, or `None` when 7-Zip cannot open
/// the image.
fn seven_listing(path: &Path) -> Option<Vec<String>> {
    let out = Command::new("timeout")
        .args(["60", "7z", "l", "-slt"])
        .arg(path)
        .output()
        .expect("7z runs (p7zip-full)");
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !text.contains("Type = Udf") {
        return None;
    }
    let mut lines = Vec::new();
    let mut cur: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines().chain(std::iter::once("")) {
        if let Some((k, v)) = line.split_once(" = ") {
            cur.insert(k.to_owned(), v.to_owned());
        } else if line.trim().is_empty() && cur.contains_key("Path") {
            if let Some(folder) = cur.get("Folder") {
                let path = cur["Path"].clone();
                lines.push(if folder == "+" {
                    format!("D {path}")
                } else {
                    format!("F {} {path}", cur.get("Size").cloned().unwrap_or_default())
                });
            }
            cur.clear();
        }
    }
    lines.sort();
    Some(lines)
}

fn tree_equals_7z(fs: &dyn Filesystem, path: &Path) -> bool {
    match seven_listing(path) {
        Some(theirs) => {
            assert_eq!(
                listing(fs),
                theirs,
                "{}: tree differs from 7z l",
                path.display()
            );
            true
        }
        None => false,
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_util_linux_udf_labels_equal_blkid_and_trees_equal_7z() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = corpus().join("util-linux/images-fs");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("udf"))
        .collect();
    names.sort();
    assert!(names.len() >= 20, "{names:?}");
    let (mut labels, mut trees) = (0, 0);
    for file in names {
        let name = file.trim_end_matches(".img.xz");
        let image = corpus_file(&format!("util-linux/images-fs/{file}"), scratch.path());
        let survey = open(&image);
        let fs = udf_of(&survey);
        let details: BTreeMap<&str, String> = fs
            .details()
            .into_iter()
            .map(|d| (d.key, d.value.to_string()))
            .collect();
        let expected = corpus().join(format!("util-linux/expected/low-probe-{name}"));
        if expected.is_file() {
            let want = blkid(name);
            assert_eq!(fs.label(), want["ID_FS_LABEL_ENC"], "{name}: LABEL");
            assert_eq!(
                details["block_size"], want["ID_FS_BLOCK_SIZE"],
                "{name}: block size"
            );
            assert_eq!(
                details.get("logical_volume_id"),
                want.get("ID_FS_LOGICAL_VOLUME_ID"),
                "{name}: logical volume"
            );
            assert_eq!(
                details.get("volume_id"),
                want.get("ID_FS_VOLUME_ID"),
                "{name}: volume id"
            );
            labels += 1;
        }
        if tree_equals_7z(fs.as_ref(), &image) {
            trees += 1;
        }
        std::fs::remove_file(image).unwrap();
    }
    assert!(labels >= 19, "{labels} labels checked");
    assert!(trees >= 10, "only {trees} trees compared with 7z");
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_libcdio_udf_discs_equal_7z() {
    for file in ["test-udf1.iso", "udf102.iso"] {
        let path = corpus().join("libcdio/test/data").join(file);
        let survey = open(&path);
        let fs = udf_of(&survey);
        assert_eq!(
            survey.default_view().unwrap().kind,
            discscope::fs::FsKind::Udf,
            "{file}"
        );
        assert!(
            tree_equals_7z(fs.as_ref(), &path),
            "{file}: 7z cannot open it"
        );
        // Every file reads to its size.
        for (p, node) in crate::udf::tree(fs.as_ref()) {
            if node.kind == discscope::fs::NodeKind::File && !node.deleted {
                assert_eq!(
                    crate::udf::read_all(fs.as_ref(), &node).len() as u64,
                    node.size,
                    "{file}: {p}"
                );
            }
        }
    }
}

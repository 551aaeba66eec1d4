//! Disk corpus tests: util-linux's FAT and partition-table images, rust-fatfs
//! images, dosfstools' damaged images and memtest86+'s hidden ESP.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use discscope::container;
use discscope::fs::fat::{self, FatFs};
use discscope::fs::{Filesystem, NodeKind};
use discscope::survey::Survey;
use discscope::volume::Volume;

use crate::disk::{read_all, walk};
use crate::support::corpus_file;

fn fat_of(path: &Path) -> FatFs {
    let medium = Arc::new(container::open(path).unwrap());
    fat::probe(&Volume::of_disk(medium).unwrap())
        .unwrap()
        .unwrap()
}

/// `KEY=value` lines of a blkid expected-output file.
fn blkid(name: &str) -> Vec<(String, String)> {
    let path = crate::support::corpus().join(format!("util-linux/expected/low-probe-{name}"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// blkid's `_ENC` form: `\xNN` escapes of the raw bytes, decoded here as
/// code page 850 text.
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
    fat::oem::decode_oem(&bytes)
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_util_linux_fat_labels_equal_blkid() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = crate::support::corpus().join("util-linux/images-fs");
    let mut checked = 0;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("fat") || n.starts_with("small-fat32"))
        .collect();
    names.sort();
    for file in names {
        let name = file.trim_end_matches(".img.xz");
        let expected = blkid(name);
        let get = |key: &str| {
            expected
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| decode_enc(v))
        };
        let image = corpus_file(&format!("util-linux/images-fs/{file}"), scratch.path());
        let fs = fat_of(&image);
        assert_eq!(
            fs.root_label().map(str::to_owned),
            get("ID_FS_LABEL_ENC"),
            "{name}: LABEL"
        );
        assert_eq!(
            fs.boot_label().map(str::to_owned),
            get("ID_FS_LABEL_FATBOOT_ENC"),
            "{name}: LABEL_FATBOOT"
        );
        assert_eq!(
            Some(fs.kind().as_str().to_uppercase()),
            get("ID_FS_VERSION"),
            "{name}: version"
        );
        std::fs::remove_file(image).unwrap();
        checked += 1;
    }
    assert!(checked >= 20, "{checked}");
}

fn tool(args: &[&str]) -> String {
    let out = Command::new("timeout")
        .arg("20")
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_util_linux_partition_tables_equal_sfdisk() {
    let scratch = tempfile::tempdir().unwrap();
    for name in ["gpt", "dos+bsd"] {
        let image = corpus_file(
            &format!("util-linux/images-pt/{name}.img.xz"),
            scratch.path(),
        );
        let medium = Arc::new(container::open(&image).unwrap());
        let probe = Survey::new(medium, &Default::default());
        let table = probe.table.expect(name);
        let dump = tool(&["sfdisk", "-d", image.to_str().unwrap()]);
        let rows: Vec<(u64, u64)> = dump
            .lines()
            .filter(|l| l.contains(": start="))
            .map(|l| {
                let field = |key: &str| -> u64 {
                    let at = l.find(key).unwrap() + key.len();
                    l[at..].split(',').next().unwrap().trim().parse().unwrap()
                };
                (field("start="), field("size="))
            })
            .collect();
        let ours: Vec<(u64, u64)> = table
            .partitions
            .iter()
            .map(|p| (p.start, p.length))
            .collect();
        assert_eq!(ours, rows, "{name}: {dump}");
        let mmls = tool(&["mmls", image.to_str().unwrap()]);
        for (start, length) in &ours {
            let found = mmls.lines().any(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                f.len() > 4
                    && f[2].parse::<u64>().ok() == Some(*start)
                    && f[4].parse::<u64>().ok() == Some(*length)
            });
            assert!(found, "{name}: {start}+{length} not in mmls:\n{mmls}");
        }
    }
}

/// fls -r -p paths (allocated entries only) of a FAT image.
fn fls_paths(image: &Path, offset: Option<u64>) -> Vec<String> {
    let mut args = vec!["fls".to_owned(), "-r".into(), "-p".into()];
    if let Some(o) = offset {
        args.extend(["-o".into(), o.to_string()]);
    }
    args.push(image.to_str().unwrap().to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut out: Vec<String> = tool(&args)
        .lines()
        .filter(|l| {
            !l.contains("(Volume Label Entry)") && !l.starts_with("v/v") && !l.starts_with("V/V")
        })
        .filter(|l| !l.split_once(":\t").unwrap().0.contains('*'))
        .map(|l| l.split_once(":\t").unwrap().1.to_owned())
        .collect();
    out.sort();
    out
}

fn our_paths_and_mtype(fs: &dyn Filesystem, image: &str) -> Vec<String> {
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    for (path, node) in nodes
        .iter()
        .filter(|(_, n)| !n.deleted && n.kind == NodeKind::File)
    {
        let out = Command::new("mtype")
            .args(["-i", image, &format!("::{path}")])
            .output()
            .unwrap();
        assert_eq!(read_all(fs, node), out.stdout, "{path}");
    }
    let mut paths: Vec<String> = nodes
        .into_iter()
        .filter(|(_, n)| !n.deleted)
        .map(|(p, _)| p)
        .collect();
    paths.sort();
    paths
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_rust_fatfs_images_equal_fls_and_mtype() {
    let scratch = tempfile::tempdir().unwrap();
    for name in ["fat12", "fat16"] {
        let image = corpus_file(&format!("rust-fatfs/{name}.img.xz"), scratch.path());
        let fs = fat_of(&image);
        assert_eq!(fs.kind().as_str(), name);
        let ours = our_paths_and_mtype(&fs, image.to_str().unwrap());
        assert_eq!(ours, fls_paths(&image, None), "{name}");
        assert!(ours.len() > 5);
    }
}

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_memtest_esp_in_isohybrid_mbr() {
    let scratch = tempfile::tempdir().unwrap();
    let image = corpus_file("debian/memtest86+x64.iso.xz", scratch.path());
    let medium = Arc::new(container::open(&image).unwrap());
    let probe = Survey::new(medium, &Default::default());
    let table = probe.table.clone().unwrap();
    let esp = table
        .partitions
        .iter()
        .find(|p| p.type_code == "0xef")
        .unwrap();
    assert_eq!(esp.start, 3304);
    let found = probe
        .views
        .iter()
        .find(|f| f.partition == Some(esp.index))
        .unwrap();
    let fs = found.fs.as_ref();
    assert_eq!(fs.kind().as_str(), "fat12");
    let offset_image = format!("{}@@{}", image.display(), 3304 * 512);
    let ours = our_paths_and_mtype(fs, &offset_image);
    assert_eq!(ours, fls_paths(&image, Some(3304)));
    assert!(
        ours.iter()
            .any(|p| p.eq_ignore_ascii_case("EFI/BOOT/BOOTX64.EFI")),
        "{ours:?}"
    );
}

/// dosfstools' damaged images (their `.fsck` hex dumps; `.xxd` is the
/// repaired result): each opens, walks and reads within 2 s and
/// gives the finding its name promises.
#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_dosfstools_damaged_images() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = crate::support::corpus().join("dosfstools/tests");
    let expectations: &[(&str, &[&str])] = &[
        ("check-circular_chain", &["circular"]),
        ("check-chain_to_other_file", &["shares cluster"]),
        ("check-chain_to_free_cluster", &["free cluster"]),
        ("check-chain_too_long", &["clusters but its chain has"]),
        ("check-bad_names", &["does not allow"]),
        ("check-duplicate_names", &["appears twice"]),
        ("check-dot_entries", &["does not start with \".\""]),
        ("check-fat16_dos_cln_shut", &["not unmounted cleanly"]),
        ("check-fat32_dos_cln_shut", &["not unmounted cleanly"]),
    ];
    for (name, wanted) in expectations {
        let image = scratch.path().join(format!("{name}.img"));
        let status = Command::new("xxd")
            .arg("-r")
            .arg(dir.join(format!("{name}.fsck")))
            .arg(&image)
            .status()
            .unwrap();
        assert!(status.success());
        let start = Instant::now();
        let fs = fat_of(&image);
        let mut nodes = Vec::new();
        walk(&fs, &fs.root().unwrap(), "", &mut nodes);
        for (_, node) in nodes.iter().filter(|(_, n)| n.kind == NodeKind::File) {
            let mut buf = vec![0u8; 1 << 16];
            let _ = fs.read(node, 0, &mut buf);
        }
        let findings = fs.check();
        assert!(
            start.elapsed().as_secs_f64() < 2.0,
            "{name}: {:?}",
            start.elapsed()
        );
        for w in *wanted {
            assert!(
                findings.iter().any(|d| d.message.contains(w)),
                "{name}: no {w:?} in {findings:#?}"
            );
        }
        std::fs::remove_file(image).unwrap();
    }
}

/// Every dosfstools `.fsck` image opens (or fails with a clear error),
/// walks, reads and checks within 2 s.
#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_dosfstools_every_image_is_bounded() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = crate::support::corpus().join("dosfstools/tests");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".fsck").map(str::to_owned))
        .collect();
    names.sort();
    assert!(names.len() >= 15);
    for name in names {
        let image = scratch.path().join(format!("{name}.img"));
        let status = Command::new("xxd")
            .arg("-r")
            .arg(dir.join(format!("{name}.fsck")))
            .arg(&image)
            .status()
            .unwrap();
        assert!(status.success());
        let start = Instant::now();
        let medium = Arc::new(container::open(&image).unwrap());
        let probe = Survey::new(medium, &Default::default());
        let mut findings = probe.diagnostics.clone();
        for found in &probe.views {
            let fs = found.fs.as_ref();
            let mut nodes = Vec::new();
            walk(fs, &fs.root().unwrap(), "", &mut nodes);
            for (_, node) in nodes.iter().filter(|(_, n)| n.kind == NodeKind::File) {
                let mut buf = vec![0u8; 1 << 16];
                let _ = fs.read(node, 0, &mut buf);
            }
            findings.extend(fs.diagnostics());
        }
        assert!(
            start.elapsed().as_secs_f64() < 2.0,
            "{name}: {:?}",
            start.elapsed()
        );
        eprintln!(
            "{name}: {} filesystem(s), findings: {:?}",
            probe.views.len(),
            findings.iter().map(|d| d.code).collect::<Vec<_>>()
        );
        std::fs::remove_file(image).unwrap();
    }
}

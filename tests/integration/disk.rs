//! Disk images: partition tables and FAT, compared with mtools, sleuthkit,
//! sfdisk and sgdisk on fixtures made by tests/fixtures/disk/make.sh.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use discscope::container;
use discscope::fs::{Filesystem, FsKind, Node, NodeKind, ViewOptions};
use discscope::structure::{Field, Structure, Value};
use discscope::survey::Survey;

use crate::support::fixture;

/// Inflates a `.gz` fixture into `dir` (gzip header without optional fields).
pub fn gunzip(path: &Path, dir: &Path) -> PathBuf {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..3], &[0x1f, 0x8b, 8], "gzip deflate");
    assert_eq!(bytes[3] & !0x01, 0, "no optional gzip fields");
    let raw = miniz_oxide::inflate::decompress_to_vec(&bytes[10..bytes.len() - 8]).unwrap();
    let out = dir.join(path.file_stem().unwrap());
    std::fs::write(&out, raw).unwrap();
    out
}

pub fn open_disk(path: &Path) -> Survey {
    let medium = Arc::new(container::open(path).unwrap());
    Survey::new(medium, &ViewOptions::default())
}

/// Every node below `dir` as (path, node), depth first, like `fls -r -p`.
pub fn walk(fs: &dyn Filesystem, dir: &Node, prefix: &str, out: &mut Vec<(String, Node)>) {
    for child in fs.children(dir).unwrap() {
        let path = format!("{prefix}{}", child.name);
        out.push((path.clone(), child.clone()));
        if child.kind == NodeKind::Dir && !child.deleted {
            walk(fs, &child, &format!("{path}/"), out);
        }
    }
}

pub fn read_all(fs: &dyn Filesystem, node: &Node) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1000];
    loop {
        let n = fs.read(node, out.len() as u64, &mut buf).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
}

/// `fls -r -p` lines as (deleted, is_dir, path), without the label and the
/// virtual `$` entries.
pub fn fls(name: &str) -> Vec<(bool, bool, String)> {
    let text = std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.fls"))).unwrap();
    let mut out: Vec<_> = text
        .lines()
        .filter(|l| {
            !l.contains("(Volume Label Entry)") && !l.starts_with("v/v") && !l.starts_with("V/V")
        })
        .map(|l| {
            let (head, path) = l.split_once(":\t").unwrap();
            (head.contains('*'), head.starts_with("d/d"), path.to_owned())
        })
        .collect();
    out.sort();
    out
}

pub fn ours(fs: &dyn Filesystem) -> Vec<(bool, bool, String)> {
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let mut out: Vec<_> = nodes
        .iter()
        .map(|(p, n)| (n.deleted, n.kind == NodeKind::Dir, p.clone()))
        .collect();
    out.sort();
    out
}

/// (path, size, "YYYY-MM-DDTHH:MM") per file from `mdir -/ -a`.
pub fn mdir_sizes(name: &str) -> Vec<(String, u64, String)> {
    let text = std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.mdir"))).unwrap();
    let mut out = Vec::new();
    let mut dir = String::new();
    for line in text.lines() {
        if let Some(d) = line.strip_prefix("Directory for ::/") {
            dir = d.to_owned();
            continue;
        }
        // NAME EXT SIZE|<DIR> DATE TIME [LONG NAME], in fixed columns.
        if line.len() < 40 || line.starts_with(' ') || line.starts_with('.') {
            continue;
        }
        let size_text = line[13..22].trim();
        let long = line.get(40..).map(str::trim).unwrap_or("");
        let short = {
            let base = line[..8].trim_end();
            let ext = line[9..12].trim_end();
            if ext.is_empty() {
                base.to_owned()
            } else {
                format!("{base}.{ext}")
            }
        };
        let name = if long.is_empty() {
            short
        } else {
            long.to_owned()
        };
        let path = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        let when: Vec<&str> = line[23..].split_whitespace().take(2).collect();
        let (hour, minute) = when[1].split_once(':').unwrap();
        let when = format!("{}T{:0>2}:{minute}", when[0], hour);
        if size_text != "<DIR>" {
            out.push((path, size_text.replace(' ', "").parse().unwrap(), when));
        }
    }
    out.sort();
    out
}

pub fn our_sizes(fs: &dyn Filesystem) -> Vec<(String, u64, String)> {
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let mut out: Vec<_> = nodes
        .iter()
        .filter(|(_, n)| !n.deleted && n.kind == NodeKind::File)
        .map(|(p, n)| {
            (
                p.clone(),
                n.size,
                n.mtime.unwrap().to_string()[..16].to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn mtype_files(fs: &dyn Filesystem, name: &str) {
    let mut nodes = Vec::new();
    walk(fs, &fs.root().unwrap(), "", &mut nodes);
    let mut checked = 0;
    for entry in std::fs::read_dir(fixture("disk/oracle")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let Some(path) = file.strip_prefix(&format!("{name}.mtype.")) else {
            continue;
        };
        let path = path.replace('%', "/");
        let node = &nodes
            .iter()
            .find(|(p, _)| *p == path)
            .unwrap_or_else(|| panic!("{path} missing"))
            .1;
        let expected = std::fs::read(fixture(&format!("disk/oracle/{file}"))).unwrap();
        assert_eq!(read_all(fs, node), expected, "{path}");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn fat12_floppy_matches_mtools_and_sleuthkit() {
    let probe = open_disk(&fixture("disk/floppy.img"));
    assert!(probe.table.is_none());
    let size = discscope::io::ReadAt::len(&probe.medium.files[0].reader);
    assert_eq!(
        discscope::fs::fat::geometry::from_size(size).unwrap().name,
        "720 KB 3.5\""
    );
    assert_eq!(probe.views.len(), 1, "{:?}", probe.diagnostics);
    let fs = probe.views[0].fs.as_ref();
    assert_eq!(fs.kind().as_str(), "fat12");
    assert_eq!(fs.label(), "FLOPPY");
    assert_eq!(ours(fs), fls("floppy"));
    assert_eq!(our_sizes(fs), mdir_sizes("floppy"));
    mtype_files(fs, "floppy");
    let deleted: Vec<_> = fs
        .children(&fs.root().unwrap())
        .unwrap()
        .into_iter()
        .filter(|n| n.deleted)
        .collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(
        read_all(fs, &deleted[0]),
        b"gone\n",
        "a deleted file's data is still there"
    );
    let structures = fs.structures();
    let bpb = structures
        .iter()
        .find(|s| s.kind.as_str() == "bpb")
        .unwrap();
    let field = |name: &str| bpb.fields.iter().find(|f| f.name == name).unwrap();
    assert_eq!(field("bytes per sector").offset, 11);
    assert_eq!(field("bytes per sector").text(), "512");
    assert_eq!(field("volume label").offset, 43);
    assert!(
        structures
            .iter()
            .filter(|s| s.kind.as_str() == "fat")
            .count()
            == 2
    );
    // README.TXT's directory entry, from the root directory's first sector.
    let readme = fs
        .children(&fs.root().unwrap())
        .unwrap()
        .into_iter()
        .find(|n| n.name == "README.TXT")
        .unwrap();
    let image = std::fs::read(fixture("disk/floppy.img")).unwrap();
    let root = readme.id - readme.id % 512;
    let entries = fs.directory_structures(&image[root as usize..][..512], root);
    assert_eq!(entries.len(), 16);
    let entry = entries
        .iter()
        .find(|s| s.place.medium() == Some(readme.id))
        .unwrap();
    assert_eq!((entry.name.as_str(), entry.length), ("Directory entry", 32));
    let field = |name: &str| entry.fields.iter().find(|f| f.name == name).unwrap();
    assert_eq!(
        (field("size").offset, field("size").text().as_str()),
        (28, "26")
    );
    assert_eq!(field("write date").text(), "2023-11-14");
    assert_eq!(field("write time").text(), "22:13:20");
    assert!(
        entries
            .iter()
            .any(|s| s.name == "Long-name entry" && s.fields.len() == 8)
    );
    assert!(fs.diagnostics().is_empty(), "{:?}", fs.diagnostics());
}

#[test]
fn fat16_in_gpt_matches_sgdisk_sfdisk_and_fls() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("disk/gpt16.img.gz"), scratch.path());
    let probe = open_disk(&image);
    let table = probe.table.as_ref().unwrap();
    assert!(table.diagnostics.is_empty(), "{:?}", table.diagnostics);
    assert_eq!(
        table.disk_guid.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    let sfdisk = std::fs::read_to_string(fixture("disk/oracle/gpt16.sfdisk")).unwrap();
    let line = sfdisk
        .lines()
        .find(|l| l.starts_with("gpt16.img1 "))
        .unwrap();
    let p = &table.partitions[0];
    assert_eq!(table.partitions.len(), 1);
    assert_eq!(
        line,
        format!(
            "gpt16.img{} : start={:>12}, size={:>12}, type={}, uuid={}, name=\"{}\"",
            p.index,
            p.start,
            p.length,
            p.type_code,
            p.guid.as_deref().unwrap(),
            p.name.as_deref().unwrap()
        )
    );
    let sgdisk = std::fs::read_to_string(fixture("disk/oracle/gpt16.sgdisk")).unwrap();
    let row: Vec<&str> = sgdisk.lines().last().unwrap().split_whitespace().collect();
    assert_eq!(
        row[..3],
        [
            p.index.to_string(),
            p.start.to_string(),
            (p.start + p.length - 1).to_string()
        ]
    );
    assert_eq!(p.type_name, Some("EFI System"));
    assert_eq!(probe.views.len(), 1);
    let fs = probe.views[0].fs.as_ref();
    assert_eq!(fs.kind().as_str(), "fat16");
    assert_eq!(fs.label(), "GPTFAT16");
    assert_eq!(probe.views[0].start.0, 40);
    assert_eq!(ours(fs), fls("gpt16"));
    assert_eq!(our_sizes(fs), mdir_sizes("gpt16"));
}

#[test]
fn fat32_in_mbr_matches_sfdisk_mmls_and_mtools() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("disk/mbr32.img.gz"), scratch.path());
    let probe = open_disk(&image);
    let table = probe.table.as_ref().unwrap();
    assert!(table.diagnostics.is_empty(), "{:?}", table.diagnostics);
    let sfdisk = std::fs::read_to_string(fixture("disk/oracle/mbr32.sfdisk")).unwrap();
    let expected: Vec<&str> = sfdisk
        .lines()
        .filter(|l| l.starts_with("mbr32.img"))
        .collect();
    let got: Vec<String> = table
        .partitions
        .iter()
        .map(|p| {
            format!(
                "mbr32.img{} : start={:>12}, size={:>12}, type={:x}{}",
                p.index,
                p.start,
                p.length,
                u8::from_str_radix(&p.type_code[2..], 16).unwrap(),
                if p.bootable { ", bootable" } else { "" }
            )
        })
        .collect();
    assert_eq!(got, expected);
    // mmls: the data rows (not Meta / Unallocated) give start, end, length.
    let mmls = std::fs::read_to_string(fixture("disk/oracle/mbr32.mmls")).unwrap();
    let rows: Vec<(u64, u64)> = mmls
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|l| l.split_whitespace().nth(1).is_some_and(|s| s.contains(':')))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[2].parse().unwrap(), f[4].parse().unwrap())
        })
        .collect();
    let ours: Vec<(u64, u64)> = table
        .partitions
        .iter()
        .filter(|p| !p.container)
        .map(|p| (p.start, p.length))
        .collect();
    assert_eq!(ours, rows);
    assert_eq!(probe.views.len(), 1);
    let fs = probe.views[0].fs.as_ref();
    assert_eq!(fs.kind().as_str(), "fat32");
    assert_eq!(fs.label(), "MBRFAT32");
    assert_eq!(ours_fs(fs), fls("mbr32"));
    assert_eq!(our_sizes(fs), mdir_sizes("mbr32"));
    mtype_files(fs, "mbr32");
    assert!(fs.structures().iter().any(|s| s.kind.as_str() == "fsinfo"));
}

fn ours_fs(fs: &dyn Filesystem) -> Vec<(bool, bool, String)> {
    ours(fs)
}

#[test]
fn imz_opens_transparently() {
    let medium = Arc::new(container::open(&fixture("disk/floppy.imz")).unwrap());
    assert_eq!(medium.format.as_str(), "imz");
    assert!(medium.diagnostics.is_empty(), "{:?}", medium.diagnostics);
    // The zip records it read are the container's structures, in the .imz.
    let names: Vec<&str> = medium.structures.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "zip end of central directory",
            "zip central directory header",
            "zip local file header"
        ]
    );
    let local = &medium.structures[2];
    assert_eq!(local.place.medium(), None);
    let field = |name: &str| local.fields.iter().find(|f| f.name == name).unwrap().text();
    assert_eq!(field("file name"), "floppy.img");
    assert_eq!(field("method"), "8 (deflate)");
    assert_eq!(field("uncompressed size"), "737280");
    let probe = Survey::new(medium, &ViewOptions::default());
    assert_eq!(
        probe
            .structures()
            .iter()
            .filter(|(scope, _)| scope.as_str() == "container")
            .count(),
        3
    );
    let fs = probe.views[0].fs.as_ref();
    assert_eq!(fs.label(), "FLOPPY");
    assert_eq!(ours(fs), fls("floppy"));
}

/// Runs `discscope info --json` on a hostile fixture within the time bound.
fn hostile_info(name: &str) -> crate::support::Run {
    let run = crate::support::discscope([
        "info",
        "--json",
        fixture(&format!("disk/hostile/{name}")).to_str().unwrap(),
    ]);
    assert!(
        run.elapsed.as_secs_f64() < 2.0,
        "{name} took {:?}",
        run.elapsed
    );
    run
}

fn within_two_seconds<T>(f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let out = f();
    assert!(
        start.elapsed().as_secs_f64() < 2.0,
        "took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn hostile_fat_cycle_is_reported_and_read_fails() {
    within_two_seconds(|| {
        let probe = open_disk(&fixture("disk/hostile/fat-cycle.img"));
        let fs = probe.views[0].fs.as_ref();
        let file = fs
            .children(&fs.root().unwrap())
            .unwrap()
            .into_iter()
            .find(|n| n.name == "THREE.TXT")
            .unwrap();
        let mut buf = vec![0u8; 4096];
        // The chain 2 → 3 → 4 → 2 stops at the cycle: three of the four
        // clusters the 2000 bytes need.
        let err = fs.read(&file, 0, &mut buf).unwrap_err().to_string();
        assert!(err.contains("circular"), "{err}");
        let diagnostics = fs.diagnostics();
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code == "fat.chain" && d.message.contains("circular")),
            "{diagnostics:?}"
        );
    });
}

#[test]
fn hostile_fat_clusters_0_and_1() {
    within_two_seconds(|| {
        let probe = open_disk(&fixture("disk/hostile/fat-cluster01.img"));
        let fs = probe.views[0].fs.as_ref();
        let children = fs.children(&fs.root().unwrap()).unwrap();
        let three = children.iter().find(|n| n.name == "THREE.TXT").unwrap();
        let second = children.iter().find(|n| n.name == "SECOND.TXT").unwrap();
        let mut buf = vec![0u8; 4096];
        let err = fs.read(three, 0, &mut buf).unwrap_err().to_string();
        assert!(err.contains("invalid cluster 1"), "{err}");
        let err = fs.read(second, 0, &mut buf).unwrap_err().to_string();
        assert!(err.contains("chain ends after 0 clusters"), "{err}");
        let diagnostics = fs.diagnostics();
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("no first cluster")),
            "{diagnostics:?}"
        );
    });
}

#[test]
fn hostile_fat_bytes_per_sector_0() {
    within_two_seconds(|| {
        let probe = open_disk(&fixture("disk/hostile/fat-bps0.img"));
        assert!(probe.views.is_empty());
        assert!(
            probe
                .diagnostics
                .iter()
                .any(|d| d.code == "fat.unusable" && d.message.contains("bytes per sector is 0")),
            "{:?}",
            probe.diagnostics
        );
    });
}

#[test]
fn hostile_ebr_loop() {
    let run = hostile_info("ebr-loop.img");
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    assert_eq!(json["partitions"].as_array().unwrap().len(), 2);
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"partition.ebr-loop"), "{codes:?}");
}

#[test]
fn hostile_gpt_with_2_pow_32_entries() {
    let run = hostile_info("gpt-huge.img");
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("claims 4294967295 entries")),
        "{messages:?}"
    );
}

#[test]
fn hostile_zip_bomb_imz() {
    let run = hostile_info("bomb.imz");
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("more than 64 MiB"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.stderr().lines().count(), 1);
}

#[test]
fn info_json_lists_partitions() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("disk/mbr32.img.gz"), scratch.path());
    let run = crate::support::discscope(["info", "--json", image.to_str().unwrap()]);
    let json = run.json();
    let parts = json["partitions"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0]["scheme"], "mbr");
    assert_eq!(parts[0]["type"], "0x0c");
    assert_eq!(parts[0]["start"], 2048);
    assert_eq!(parts[0]["bootable"], true);
    assert_eq!(parts[2]["index"], 5);
}

/// (start, size, type) rows of `sfdisk -d`, types as sfdisk prints them.
fn sfdisk_rows(name: &str) -> Vec<(u64, u64, String)> {
    let text = std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.sfdisk"))).unwrap();
    text.lines()
        .filter(|l| l.contains(": start="))
        .map(|l| {
            let field = |key: &str| {
                let at = l.find(key).unwrap() + key.len();
                l[at..].split(',').next().unwrap().trim().to_owned()
            };
            (
                field("start=").parse().unwrap(),
                field("size=").parse().unwrap(),
                field("type="),
            )
        })
        .collect()
}

fn sfdisk_type(p: &discscope::partition::Partition) -> String {
    match p.type_code.strip_prefix("0x") {
        Some(hex) => format!("{:x}", u8::from_str_radix(hex, 16).unwrap()),
        None => p.type_code.clone(),
    }
}

/// Opens an ISO fixture's data track and probes its system area.
fn open_iso(name: &str, scratch: &Path) -> (PathBuf, Survey) {
    let image = gunzip(&fixture(&format!("disk/{name}.iso.gz")), scratch);
    let medium = Arc::new(container::open(&image).unwrap());
    assert_eq!(medium.format.as_str(), "iso");
    (image, Survey::new(medium, &ViewOptions::default()))
}

/// The FAT views a survey found (an ISO's own views aside).
fn fat_views(survey: &Survey) -> Vec<&discscope::fs::View> {
    survey
        .views
        .iter()
        .filter(|v| matches!(v.kind, FsKind::Fat12 | FsKind::Fat16 | FsKind::Fat32))
        .collect()
}

#[test]
fn isohybrid_system_areas_equal_sfdisk_and_hold_the_esp() {
    let scratch = tempfile::tempdir().unwrap();
    for kind in ["mbr", "gpt", "apm"] {
        let name = format!("hybrid-{kind}");
        let (_, probe) = open_iso(&name, scratch.path());
        let table = probe.table.as_ref().unwrap();
        let ours: Vec<(u64, u64, String)> = table
            .partitions
            .iter()
            .map(|p| (p.start, p.length, sfdisk_type(p)))
            .collect();
        assert_eq!(ours, sfdisk_rows(&name), "{name}");
        let fat = fat_views(&probe);
        assert_eq!(fat.len(), 1, "{name}: {:?}", probe.diagnostics);
        let found = fat[0];
        assert_eq!(found.partition, Some(2));
        let fs = found.fs.as_ref();
        assert_eq!((fs.kind().as_str(), fs.label().as_str()), ("fat12", "ESP"));
        assert_eq!(ours_fs(fs), fls("hybrid-mbr.esp"), "{name}");
        // The ESP's first sector, in the ISO's 2048-byte LBAs.
        let start = table
            .partitions
            .iter()
            .find(|p| p.index == 2)
            .unwrap()
            .start;
        assert_eq!(found.start.0 as u64, start * 512 / 2048);
    }
}

#[test]
fn apm_entries_equal_xorriso_report() {
    let scratch = tempfile::tempdir().unwrap();
    let (_, probe) = open_iso("hybrid-apm", scratch.path());
    let table = probe.table.unwrap();
    let report = std::fs::read_to_string(fixture("disk/oracle/hybrid-apm.xorriso")).unwrap();
    // "APM start and size :   N  START  SIZE" in 2048-byte blocks; xorriso
    // numbers the entries after the partition map's own entry.
    let rows: Vec<(String, u64, u64)> = report
        .lines()
        .filter_map(|l| l.strip_prefix("APM start and size :"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[0].to_owned(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
            )
        })
        .collect();
    let names: Vec<String> = report
        .lines()
        .filter_map(|l| l.strip_prefix("APM partition name :"))
        .map(|l| l.split_whitespace().nth(1).unwrap().to_owned())
        .collect();
    assert!(!rows.is_empty());
    for ((_, start, size), name) in rows.iter().zip(&names) {
        let p = table
            .hybrid
            .iter()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} not in {:?}", table.hybrid));
        assert_eq!(
            (p.start, p.length, p.sector_size),
            (*start, *size, 2048),
            "{name}"
        );
    }
    assert!(
        table
            .diagnostics
            .iter()
            .any(|d| d.code == "partition.apm-beside-mbr")
    );
}

#[test]
fn damaged_gpt_crcs_are_reported() {
    let scratch = tempfile::tempdir().unwrap();
    let (image, probe) = open_iso("gpt-damaged", scratch.path());
    let table = probe.table.unwrap();
    let codes: Vec<&str> = table.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"gpt.header-crc"), "{codes:?}");
    assert!(codes.contains(&"gpt.using-backup"), "{codes:?}");
    assert!(codes.contains(&"gpt.entries-crc"), "{codes:?}");
    // The backup header is intact; its (separate) entry array is read.
    assert_eq!(table.partitions.len(), 2);
    let run = crate::support::discscope(["info", "--json", image.to_str().unwrap()]);
    let json = run.json();
    assert_eq!(json["partitions"].as_array().unwrap().len(), 2);
    let messages = json["diagnostics"].to_string();
    assert!(messages.contains("gpt.header-crc"), "{messages}");
}

#[test]
fn fat_image_inside_a_fat_file_opens_as_a_nested_volume() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("disk/nested.img.gz"), scratch.path());
    let medium = Arc::new(container::open(&image).unwrap());
    let outer =
        discscope::fs::fat::probe(&discscope::volume::Volume::of_disk(medium.clone()).unwrap())
            .unwrap()
            .unwrap();
    let outer: Arc<dyn Filesystem> = Arc::new(outer);
    let file = outer
        .children(&outer.root().unwrap())
        .unwrap()
        .into_iter()
        .find(|n| n.name == "EFI.IMG")
        .unwrap();
    let inner = discscope::fs::fat::nested::probe_file(outer.clone(), file.clone(), 512)
        .unwrap()
        .unwrap();
    assert_eq!(
        (inner.kind().as_str(), inner.label().as_str()),
        ("fat12", "ESP")
    );
    let mut nodes = Vec::new();
    walk(&inner, &inner.root().unwrap(), "", &mut nodes);
    let (_, boot) = nodes
        .iter()
        .find(|(p, _)| p == "EFI/BOOT/BOOTX64.EFI")
        .unwrap();
    assert_eq!(read_all(&inner, boot), b"not really a boot loader\n");
    // The nested file's extent names the outer disk's sector that holds it.
    let lba = boot.extents[0].lba;
    let sector = medium.read_sector(lba).unwrap();
    assert!(
        sector.bytes.starts_with(b"not really a boot loader\n"),
        "sector {lba}"
    );
}

/// A field of `structure`, by name.
fn field<'a>(structure: &'a Structure, name: &str) -> &'a Field {
    structure
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no {name} in {}", structure.name))
}

/// A number field's value.
fn number(field: &Field) -> u64 {
    match field.value {
        Value::Unsigned(v) | Value::Hex(v, _) => v,
        ref other => panic!("{}: {other:?} is not a number", field.name),
    }
}

/// The structure called `name` among `structures`.
fn named<'a>(structures: &'a [Structure], name: &str) -> &'a Structure {
    structures
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

/// The FAT volume of a fixture (its first `start` bytes skipped).
fn fat_volume(image: &Path, start: usize) -> discscope::fs::fat::FatFs {
    let bytes = std::fs::read(image).unwrap();
    let source = Arc::new(discscope::io::MemorySource::new(
        bytes[start..].to_vec(),
        "volume",
    ));
    let map = discscope::fs::fat::SectorMap {
        base: start as u64,
        block: 512,
    };
    discscope::fs::fat::probe_source(source, map)
        .unwrap()
        .unwrap()
}

/// Which field of ours each line of minfo's boot sector report names;
/// lines after `Infosector:` name FSInfo fields.
const MINFO_FIELDS: &[(&str, &str)] = &[
    ("banner", "OEM name"),
    ("sector size", "bytes per sector"),
    ("cluster size", "sectors per cluster"),
    ("reserved (boot) sectors", "reserved sectors"),
    ("fats", "number of FATs"),
    ("max available root directory slots", "root entries"),
    ("small size", "total sectors (16-bit)"),
    ("big size", "total sectors (32-bit)"),
    ("media descriptor byte", "media descriptor"),
    ("sectors per fat", "sectors per FAT (16-bit)"),
    ("sectors per track", "sectors per track"),
    ("heads", "heads"),
    ("hidden sectors", "hidden sectors"),
    ("physical drive id", "drive number"),
    ("reserved", "reserved (NT flags)"),
    ("dos4", "boot signature"),
    ("serial number", "volume serial"),
    ("disk label", "volume label"),
    ("disk type", "filesystem type"),
    ("Big fatlen", "sectors per FAT (32-bit)"),
    ("Extended flags", "extended flags"),
    ("FS version", "filesystem version"),
    ("rootCluster", "root cluster"),
    ("infoSector location", "FSInfo sector"),
    ("backup boot sector", "backup boot sector"),
    ("Infosector signature", "lead signature"),
    ("Infosector free clusters", "free clusters"),
    ("Infosector last allocated cluster", "next free"),
];

/// minfo's boot sector report as (key, value): `key: value` or `key=value`
/// lines, quotes and units dropped.
fn minfo(name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.minfo"))).unwrap();
    let mut out = Vec::new();
    let mut prefix = "";
    for line in text.lines().skip_while(|l| *l != "bootsector information") {
        let Some(at) = line.find([':', '=']) else {
            continue;
        };
        let (key, value) = (line[..at].trim(), line[at + 1..].trim());
        if key.is_empty() {
            continue; // the ===== underline
        }
        if key == "Infosector" {
            prefix = "Infosector ";
            continue;
        }
        let value = match value.strip_prefix('"') {
            Some(quoted) => quoted.trim_end_matches('"').trim_end().to_owned(),
            None => value.split_whitespace().next().unwrap_or("").to_owned(),
        };
        out.push((format!("{prefix}{key}"), value));
    }
    out
}

/// `fsck.fat -v -n` lines as (what, number): the leading number of each
/// "N something" line, keyed by the words after it, and the numbers of
/// the "starts at byte" lines keyed by what starts.
fn fsck(name: &str) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.fsck"))).unwrap();
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(at) = line.find(" starts at byte ") {
            let n = words[words.iter().position(|w| *w == "byte").unwrap() + 1];
            out.push((line[..at].to_owned(), n.parse().unwrap()));
        } else if let Some(rest) = line.strip_prefix("Root directory start at cluster ") {
            out.push((
                "root cluster".into(),
                rest.split(' ').next().unwrap().parse().unwrap(),
            ));
        } else if let Some(media) = line.strip_prefix("Media byte 0x") {
            out.push((
                "media".into(),
                u64::from_str_radix(&media[..2], 16).unwrap(),
            ));
        } else if let Some((n, rest)) = line.split_once(' ')
            && let Ok(n) = n.parse::<u64>()
        {
            // "9 sectors/track, 2 heads", "2 FATs, 12 bit entries": two.
            let (first, second) = rest.split_once(", ").unwrap_or((rest, ""));
            out.push((first.trim().to_owned(), n));
            if let Some((m, what)) = second.split_once(' ') {
                out.push((what.to_owned(), m.parse().unwrap()));
            }
        }
    }
    out
}

#[test]
fn boot_sectors_equal_minfo_and_fsck_fat() {
    let scratch = tempfile::tempdir().unwrap();
    for (name, image, start) in [
        ("floppy", fixture("disk/floppy.img"), 0),
        (
            "gpt16",
            gunzip(&fixture("disk/gpt16.img.gz"), scratch.path()),
            40 * 512,
        ),
        (
            "mbr32",
            gunzip(&fixture("disk/mbr32.img.gz"), scratch.path()),
            2048 * 512,
        ),
    ] {
        let fat = fat_volume(&image, start);
        let structures = fat.structures();
        let boot = named(&structures, "Boot sector and BIOS parameter block");
        // Every line minfo gives, against the field the declaration names.
        let lines = minfo(name);
        assert!(lines.len() >= 18, "{name}: {lines:?}");
        for (key, expected) in &lines {
            let ours = MINFO_FIELDS
                .iter()
                .find(|(k, _)| k == key)
                .unwrap_or_else(|| panic!("{name}: minfo's {key:?} has no field"))
                .1;
            let structure = if key.starts_with("Infosector") {
                named(&structures, "FSInfo sector")
            } else {
                boot
            };
            let field = field(structure, ours);
            match &field.value {
                Value::Text(text) => assert_eq!(text, expected, "{name}: {key}"),
                _ => {
                    // minfo prints the serial in hex without 0x.
                    let radix = if key == "serial number" || expected.starts_with("0x") {
                        16
                    } else {
                        10
                    };
                    let digits = expected.trim_start_matches("0x");
                    assert_eq!(
                        number(field),
                        u64::from_str_radix(digits, radix).unwrap(),
                        "{name}: {key}"
                    );
                }
            }
        }
        // What fsck.fat derives from the BPB, against what the reader
        // decoded from the same declaration.
        let bpb = &fat.bpb;
        let entry_bits = match bpb.fat_type {
            discscope::fs::fat::FatType::Fat12 => 12,
            discscope::fs::fat::FatType::Fat16 => 16,
            discscope::fs::fat::FatType::Fat32 => 32,
        };
        let mut compared = 0;
        for (what, n) in fsck(name) {
            let ours = match what.as_str() {
                "bytes per logical sector" => bpb.bytes_per_sector,
                "bytes per cluster" => bpb.cluster_bytes(),
                "reserved sector" | "reserved sectors" => bpb.reserved_sectors,
                "First FAT" => bpb.fat_offset,
                "FATs" => bpb.fats,
                "bit entries" => entry_bits,
                w if w.starts_with("bytes per FAT") => bpb.fat_bytes(),
                "Root directory" => bpb.root_dir_offset,
                "root cluster" => u64::from(bpb.root_cluster),
                "root directory entries" => bpb.root_entries,
                "Data area" => bpb.data_offset,
                w if w.starts_with("data clusters") => bpb.clusters,
                "sectors/track" => u64::from(bpb.sectors_per_track),
                "heads" => u64::from(bpb.heads),
                "hidden sectors" => u64::from(bpb.hidden_sectors),
                "sectors total" => bpb.total_sectors,
                "media" => u64::from(bpb.media),
                _ => continue,
            };
            assert_eq!(ours, n, "{name}: {what}");
            compared += 1;
        }
        eprintln!(
            "{name}: {} minfo lines, {compared} fsck.fat numbers",
            lines.len()
        );
        assert!(compared >= 15, "{name}: {compared}");
    }
}

#[test]
fn mbr_records_equal_sfdisk() {
    let scratch = tempfile::tempdir().unwrap();
    for (name, image) in [
        (
            "mbr32",
            gunzip(&fixture("disk/mbr32.img.gz"), scratch.path()),
        ),
        (
            "hybrid-mbr",
            gunzip(&fixture("disk/hybrid-mbr.iso.gz"), scratch.path()),
        ),
    ] {
        let source = discscope::io::FileSource::open(&image).unwrap();
        let table = discscope::partition::read(&source).unwrap().unwrap();
        let dump = std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.sfdisk"))).unwrap();
        let mbr = named(&table.structures, "Master boot record");
        if let Some(id) = dump.lines().find_map(|l| l.strip_prefix("label-id: 0x")) {
            let id = u64::from_str_radix(id, 16).unwrap();
            assert_eq!(number(field(mbr, "disk signature")), id, "{name}");
        }
        let ebrs: Vec<&Structure> = table
            .structures
            .iter()
            .filter(|s| s.name == "Extended boot record")
            .collect();
        let rows = sfdisk_rows(name);
        assert!(!rows.is_empty());
        for (line, (start, size, kind)) in dump.lines().filter(|l| l.contains(": start=")).zip(rows)
        {
            // The partition's number, after the image name.
            let index: usize = line[..line.find(" :").unwrap()]
                .rsplit(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse()
                .unwrap();
            // Primary partitions are MBR records; logical ones the first
            // record of their EBR, relative to it.
            let (structure, prefix, base) = match index {
                1..=4 => (mbr, format!("entry {index}"), 0),
                n => {
                    let ebr = ebrs[n - 5];
                    (ebr, "entry 1".to_owned(), ebr.place.medium().unwrap() / 512)
                }
            };
            let get = |what: &str| number(field(structure, &format!("{prefix} {what}")));
            assert_eq!(base + get("first LBA"), start, "{name} {index}");
            assert_eq!(get("sectors"), size, "{name} {index}");
            assert_eq!(format!("{:x}", get("type")), kind, "{name} {index}");
            let bootable = line.contains("bootable");
            assert_eq!(
                get("status"),
                if bootable { 0x80 } else { 0 },
                "{name} {index}"
            );
        }
    }
}

/// `Key: value` lines of an sgdisk report.
fn sgdisk(file: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(fixture(&format!("disk/oracle/{file}")))
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn gpt_header_and_entry_equal_sgdisk() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("disk/gpt16.img.gz"), scratch.path());
    let source = discscope::io::FileSource::open(&image).unwrap();
    let table = discscope::partition::read(&source).unwrap().unwrap();
    let header = named(&table.structures, "GPT header");
    let entries = named(&table.structures, "GPT entry array");
    let print = std::fs::read_to_string(fixture("disk/oracle/gpt16.sgdisk")).unwrap();
    let numbers = |line: &str| -> Vec<u64> {
        line.split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .collect()
    };
    let line = |start: &str| print.lines().find(|l| l.starts_with(start)).unwrap();
    assert_eq!(
        field(header, "disk GUID").text(),
        line("Disk identifier (GUID): ").rsplit(' ').next().unwrap()
    );
    assert_eq!(
        numbers(line("Partition table holds up to")),
        [number(field(header, "entry count"))]
    );
    let array = numbers(line("Main partition table begins at sector"));
    let entry_bytes = number(field(header, "entry count")) * number(field(header, "entry size"));
    assert_eq!(
        array,
        [
            number(field(header, "entry array LBA")),
            number(field(header, "entry array LBA")) + entry_bytes / 512 - 1
        ]
    );
    assert_eq!(
        numbers(line("First usable sector is")),
        [
            number(field(header, "first usable LBA")),
            number(field(header, "last usable LBA"))
        ]
    );
    let info = sgdisk("gpt16.sgdisk-i1");
    let get = |key: &str| &info.iter().find(|(k, _)| k == key).unwrap().1;
    let ours = |what: &str| field(entries, &format!("entry 1 {what}"));
    // sgdisk adds the type's name after the GUID: so do we.
    assert_eq!(
        ours("partition type GUID").value.to_string(),
        get("Partition GUID code").split(' ').next().unwrap()
    );
    assert_eq!(
        ours("unique partition GUID").text(),
        *get("Partition unique GUID")
    );
    assert_eq!(
        number(ours("starting LBA")).to_string(),
        get("First sector").split(' ').next().unwrap()
    );
    assert_eq!(
        number(ours("ending LBA")).to_string(),
        get("Last sector").split(' ').next().unwrap()
    );
    assert_eq!(
        number(ours("attributes")),
        u64::from_str_radix(get("Attribute flags"), 16).unwrap()
    );
    assert_eq!(
        format!("'{}'", ours("partition name").text()),
        *get("Partition name")
    );
}

#[test]
fn apm_structures_equal_xorriso_report() {
    let scratch = tempfile::tempdir().unwrap();
    let (_, probe) = open_iso("hybrid-apm", scratch.path());
    let table = probe.table.unwrap();
    let report = std::fs::read_to_string(fixture("disk/oracle/hybrid-apm.xorriso")).unwrap();
    let value = |prefix: &str| -> Vec<Vec<String>> {
        report
            .lines()
            .filter_map(|l| l.strip_prefix(prefix))
            .map(|l| l.split_whitespace().map(str::to_owned).collect())
            .collect()
    };
    let map = named(&table.structures, "APM driver descriptor map");
    assert_eq!(
        number(field(map, "block size")).to_string(),
        value("APM block size     :")[0][0]
    );
    let (names, kinds, places) = (
        value("APM partition name :"),
        value("APM partition type :"),
        value("APM start and size :"),
    );
    assert!(!names.is_empty());
    // xorriso numbers the entries after the partition map's own.
    for ((name, kind), place) in names.iter().zip(&kinds).zip(&places) {
        let n: u32 = name[0].parse().unwrap();
        let entry = named(&table.structures, &format!("APM entry {}", n + 1));
        assert_eq!(field(entry, "name").value.to_string(), name[1]);
        assert_eq!(field(entry, "type").value.to_string(), kind[1]);
        assert_eq!(number(field(entry, "start block")).to_string(), place[1]);
        assert_eq!(number(field(entry, "block count")).to_string(), place[2]);
        assert_eq!(field(entry, "signature").text(), "PM");
    }
}

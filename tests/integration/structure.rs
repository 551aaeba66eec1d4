//! `discscope structure`: the primary volume descriptor, a directory
//! sector, the El Torito catalog, a FAT boot sector and a GPT header, each
//! decoded field by field and compared with an independent tool's reading
//! of the same bytes (recorded beside the fixtures).

use std::collections::HashMap;

use serde_json::Value;

use crate::disk::gunzip;
use crate::support::{discscope, fixture};

/// `structure --json` of a sector: its structures by name.
fn structures(image: &str, addr: &str) -> Vec<Value> {
    let run = discscope(["structure", image, addr, "--json"]);
    assert_eq!(run.code(), 0, "{image} {addr}");
    run.json()["structures"].as_array().unwrap().clone()
}

/// A structure's fields by name.
fn fields(structure: &Value) -> HashMap<String, Value> {
    structure["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_owned(), f["value"].clone()))
        .collect()
}

/// `Key: value` lines of a tool's report.
fn report(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

#[test]
fn primary_volume_descriptor_equals_isoinfo() {
    for name in ["rich", "geniso", "pycdlib", "zisofs"] {
        let image = fixture(&format!("iso/{name}.iso"));
        let all = structures(image.to_str().unwrap(), "16");
        let pvd = all
            .iter()
            .find(|s| s["name"] == "Primary volume descriptor")
            .unwrap_or_else(|| panic!("{name}: {all:?}"));
        let ours = fields(pvd);
        let text = std::fs::read_to_string(fixture(&format!("iso/{name}.isoinfo-d.txt"))).unwrap();
        let theirs = report(&text);
        for (isoinfo, field) in [
            ("System id", "system identifier"),
            ("Volume id", "volume identifier"),
            ("Volume set id", "volume set identifier"),
            ("Publisher id", "publisher identifier"),
            ("Data preparer id", "data preparer identifier"),
            ("Application id", "application identifier"),
            ("Copyright File id", "copyright file identifier"),
            ("Abstract File id", "abstract file identifier"),
            ("Bibliographic File id", "bibliographic file identifier"),
        ] {
            assert_eq!(
                ours[field].as_str().unwrap(),
                theirs[isoinfo],
                "{name}: {field}"
            );
        }
        for (isoinfo, field) in [
            ("Volume size is", "volume space size"),
            ("Logical block size is", "logical block size"),
            ("Volume set size is", "volume set size"),
            ("Volume set sequence number is", "volume sequence number"),
            ("Path table size is", "path table size"),
            ("L Path table start", "type L path table"),
            ("M Path table start", "type M path table"),
        ] {
            assert_eq!(
                ours[field].as_u64().unwrap().to_string(),
                theirs[isoinfo],
                "{name}: {field}"
            );
        }
        // isoinfo's "2023 11 14 22:13:20.00" against RFC 3339.
        let created = ours["volume creation date"].as_str().unwrap().to_owned();
        let digits: String = created
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect();
        let expected: String = theirs["Creation Date"]
            .chars()
            .filter(char::is_ascii_digit)
            .take(14)
            .collect();
        assert_eq!(digits, expected, "{name}: creation date");
    }
}

#[test]
fn directory_sector_records_equal_isoinfo_listing() {
    let image = fixture("iso/rich.iso");
    // The root directory's extent, as the descriptor gives it.
    let all = structures(image.to_str().unwrap(), "20");
    let records: Vec<HashMap<String, Value>> = all
        .iter()
        .filter(|s| s["name"] == "Directory record" && s["filesystem"] == "iso9660")
        .map(fields)
        .collect();
    let listing = std::fs::read_to_string(fixture("iso/rich.isoinfo-l.txt")).unwrap();
    // "d---------   0    0    0   2048 Nov 14 2023 [     20 02]  . "
    let root: Vec<(String, u64, u64)> = listing
        .split("Directory listing of ")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let (head, name) = l.split_once("]  ").unwrap();
            let (head, extent) = head.rsplit_once('[').unwrap();
            let size = head.split_whitespace().nth(4).unwrap().parse().unwrap();
            let extent = extent.split_whitespace().next().unwrap().parse().unwrap();
            (name.trim().to_owned(), extent, size)
        })
        .collect();
    assert_eq!(records.len(), root.len());
    for (record, (name, extent, size)) in records.iter().zip(&root) {
        let id = record["file identifier"].as_str().unwrap();
        let id = match id {
            "\\0" => ".",
            "\\1" => "..",
            other => other,
        };
        assert_eq!(id, name);
        assert_eq!(record["extent location"].as_u64(), Some(*extent), "{name}");
        assert_eq!(record["data length"].as_u64(), Some(*size), "{name}");
    }
}

#[test]
fn el_torito_catalog_equals_xorriso() {
    let image = fixture("iso/rich.iso");
    let report = std::fs::read_to_string(fixture("iso/rich.eltorito.txt")).unwrap();
    let catalog_lba = report
        .lines()
        .find_map(|l| l.strip_prefix("El Torito catalog  :"))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let all = structures(image.to_str().unwrap(), &catalog_lba);
    let catalog = fields(all.iter().find(|s| s["kind"] == "boot_catalog").unwrap());
    // "El Torito boot img :   1  BIOS  y   none  0x0000  0x00      4          61"
    let rows: Vec<Vec<String>> = report
        .lines()
        .filter_map(|l| l.strip_prefix("El Torito boot img :"))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let n = &row[0];
        let field = |name: &str| &catalog[&format!("entry {n} {name}")];
        assert_eq!(
            field("load RBA").as_u64().unwrap().to_string(),
            row[7],
            "entry {n}"
        );
        assert_eq!(
            field("sector count").as_u64().unwrap().to_string(),
            row[6],
            "entry {n}"
        );
        let segment = field("load segment").as_u64().unwrap();
        assert_eq!(format!("{segment:#06x}"), row[4], "entry {n}");
        assert_eq!(
            field("boot indicator").as_u64() == Some(0x88),
            row[2] == "y"
        );
    }
}

#[test]
fn fat_boot_sector_equals_minfo() {
    let image = fixture("disk/floppy.img");
    let all = structures(image.to_str().unwrap(), "0");
    let bpb = fields(all.iter().find(|s| s["kind"] == "bpb").unwrap());
    let minfo = report(&std::fs::read_to_string(fixture("disk/oracle/floppy.minfo")).unwrap());
    for (tool, field) in [
        ("reserved (boot) sectors", "reserved sectors"),
        ("fats", "number of FATs"),
        ("max available root directory slots", "root entries"),
        ("small size", "total sectors (16-bit)"),
        ("sectors per fat", "sectors per FAT (16-bit)"),
        ("sectors per track", "sectors per track"),
        ("heads", "heads"),
        ("hidden sectors", "hidden sectors"),
    ] {
        let theirs = minfo[tool].split_whitespace().next().unwrap();
        assert_eq!(bpb[field].as_u64().unwrap().to_string(), theirs, "{field}");
    }
    assert_eq!(
        format!("{}", bpb["bytes per sector"].as_u64().unwrap()),
        minfo["sector size"].split_whitespace().next().unwrap()
    );
    assert_eq!(
        format!("{:#x}", bpb["media descriptor"].as_u64().unwrap()),
        minfo["media descriptor byte"]
    );
    assert_eq!(
        format!("{:x}", bpb["volume serial"].as_u64().unwrap()),
        minfo["serial number"]
    );
}

#[test]
fn gpt_header_equals_sgdisk() {
    let scratch = tempfile::tempdir().unwrap();
    let image = gunzip(&fixture("disk/gpt16.img.gz"), scratch.path());
    let all = structures(image.to_str().unwrap(), "1");
    let header = fields(all.iter().find(|s| s["name"] == "GPT header").unwrap());
    let sgdisk = std::fs::read_to_string(fixture("disk/oracle/gpt16.sgdisk")).unwrap();
    let line = |prefix: &str| sgdisk.lines().find(|l| l.starts_with(prefix)).unwrap();
    let numbers = |l: &str| -> Vec<u64> {
        l.split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .collect()
    };
    assert!(line("Disk identifier (GUID):").ends_with(header["disk GUID"].as_str().unwrap()));
    assert_eq!(
        numbers(line("Partition table holds up to")),
        [header["entry count"].as_u64().unwrap()]
    );
    assert_eq!(
        numbers(line("Main partition table begins at sector"))[0],
        header["entry array LBA"].as_u64().unwrap()
    );
    assert_eq!(
        numbers(line("First usable sector is")),
        [
            header["first usable LBA"].as_u64().unwrap(),
            header["last usable LBA"].as_u64().unwrap()
        ]
    );
}

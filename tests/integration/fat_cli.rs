//! FAT through the same commands as ISO 9660: `ls -R` (with and without
//! `--deleted`) against sleuthkit's `fls -r -p`, `cat` against `mtype`, and
//! `locate` naming the FAT structures.

use crate::support::{discscope, fixture};

/// fls lines as (path, deleted), without volume labels and virtual files.
fn fls(name: &str) -> Vec<(String, bool)> {
    std::fs::read_to_string(fixture(&format!("disk/oracle/{name}.fls")))
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("r/r") || l.starts_with("d/d"))
        .filter(|l| !l.contains("(Volume Label Entry)"))
        .map(|l| {
            let (head, path) = l.split_once(":\t").unwrap();
            (path.to_owned(), head.contains('*'))
        })
        .collect()
}

fn listed(args: &[&str]) -> Vec<(String, bool)> {
    let run = discscope(args);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    run.json()["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches('/')
                    .to_owned(),
                e["deleted"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn floppy_listing_equals_fls_with_and_without_deleted() {
    let image = fixture("disk/floppy.img");
    let image = image.to_str().unwrap();
    let mut expected = fls("floppy");
    let mut with_deleted = listed(&["ls", "-R", "--json", "--deleted", image]);
    expected.sort();
    with_deleted.sort();
    // fls shows the deleted short name with its first byte as '_'.
    assert_eq!(with_deleted, expected);
    let mut live = listed(&["ls", "-R", "--json", image]);
    live.sort();
    expected.retain(|(_, deleted)| !deleted);
    assert_eq!(live, expected);
}

#[test]
fn cat_equals_mtype_and_locate_names_fat_structures() {
    let image = fixture("disk/floppy.img");
    let image = image.to_str().unwrap();
    for (path, oracle) in [
        ("/README.TXT", "floppy.mtype.README.TXT"),
        ("/Documents/binary.dat", "floppy.mtype.Documents%binary.dat"),
        (
            "/A rather long file name.text",
            "floppy.mtype.A rather long file name.text",
        ),
    ] {
        let run = discscope(["cat", image, path]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        let expected = std::fs::read(fixture(&format!("disk/oracle/{oracle}"))).unwrap();
        assert_eq!(run.output.stdout, expected, "{path}");
    }
    let owners = discscope(["locate", "--json", image, "0"]).json();
    let kinds: Vec<&str> = owners["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.iter().any(|k| *k == "bpb" || *k == "boot_sector"),
        "{kinds:?}"
    );
    let fat = discscope(["locate", "--json", image, "1"]).json();
    assert!(
        fat["owners"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["kind"] == "fat"),
        "{fat}"
    );
}

#[test]
fn el_torito_floppy_image_opens_as_a_nested_fat_volume() {
    let dir = tempfile::tempdir().unwrap();
    let iso = crate::disk::gunzip(&fixture("disk/eltorito-floppy.iso.gz"), dir.path());
    let iso = iso.to_str().unwrap();
    let info = discscope(["info", "--json", iso]).json();
    let fat = info["filesystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "fat12")
        .unwrap_or_else(|| panic!("no nested FAT view: {info}"));
    assert_eq!(fat["label"], "BOOTFLOPPY");
    // xorriso puts the boot image at LBA 34.
    let oracle = std::fs::read_to_string(fixture("disk/oracle/eltorito-floppy.xorriso")).unwrap();
    let lba = oracle
        .lines()
        .find(|l| l.starts_with("El Torito boot img :   1"))
        .and_then(|l| l.split_whitespace().last())
        .unwrap();
    assert_eq!(fat["start"].to_string(), lba);
    assert_eq!(fat["size_bytes"], 1_474_560);
    let listed = listed(&["ls", "-R", "--json", "--fs", "fat12", iso]);
    assert_eq!(listed, [("BOOTNOTE.TXT".to_owned(), false)]);
    let run = discscope(["cat", "--fs", "fat12", iso, "/BOOTNOTE.TXT"]);
    let expected =
        std::fs::read(fixture("disk/oracle/eltorito-floppy.mtype.BOOTNOTE.TXT")).unwrap();
    assert_eq!(run.output.stdout, expected);
    // Its sectors belong to the boot image and to the nested file alike.
    let owners = discscope(["locate", "--json", iso, lba]).json();
    let kinds: Vec<&str> = owners["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"boot_image"), "{kinds:?}");
}

#[test]
fn locate_names_partition_tables() {
    let dir = tempfile::tempdir().unwrap();
    for (image, lba, name) in [
        ("disk/mbr32.img.gz", "0", "Master boot record"),
        ("disk/gpt16.img.gz", "1", "GPT header"),
    ] {
        let path = crate::disk::gunzip(&fixture(image), dir.path());
        let json = discscope(["locate", "--json", path.to_str().unwrap(), lba]).json();
        let owners = json["owners"].as_array().unwrap();
        assert!(
            owners
                .iter()
                .any(|o| o["kind"] == "partition_table" && o["name"] == name),
            "{image} sector {lba}: {json}"
        );
    }
}

//! The command line as a new user meets it (issue 11): errors that name the
//! image, listings that say what their columns are, and mistakes answered
//! with the likely intent.

use std::path::{Path, PathBuf};

use crate::support::{discscope, fixture};

/// The demo disc written into `dir`, and its sheet.
fn demo(dir: &Path) -> PathBuf {
    discscope::demo::write(dir).unwrap()
}

/// Every way `sector` and `cat` can fail ends with one line naming the image.
#[test]
fn sector_and_cat_errors_name_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = demo(dir.path());
    let sheet = sheet.to_str().unwrap();
    let missing = dir.path().join("missing.iso");
    let missing = missing.to_str().unwrap();
    let cases: [&[&str]; 10] = [
        &["sector", missing, "0"],
        &["sector", sheet, "99999"],
        &["sector", sheet, "xyz"],
        &["sector", sheet, "0x99999999"],
        &["sector", sheet, "-151"],
        &["cat", missing, "/README.TXT"],
        &["cat", sheet, "/nothere"],
        &["cat", sheet, "/"],
        &["cat", sheet, "/README.TXT", "--fs", "fat12"],
        &["cat", sheet, "/README.TXT/x"],
    ];
    for args in cases {
        let run = discscope(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stdout());
        let image = args[1];
        assert!(
            run.stderr().starts_with(&format!("discscope: {image}: ")),
            "{args:?}: {}",
            run.stderr()
        );
        assert_eq!(run.stderr().lines().count(), 1, "{}", run.stderr());
        assert!(
            !run.stderr().contains(&format!("{image}: {image}")),
            "named once: {}",
            run.stderr()
        );
    }
}

/// `info` names each container format, in text and JSON, whichever file of
/// a CloneCD set is given.
#[test]
fn info_names_imz_and_ccd() {
    let cases = [
        ("disk/floppy.imz", "imz", "zipped disk image (.imz)"),
        (
            "ccd/good/data.ccd",
            "ccd",
            "CloneCD image (.ccd, .img, .sub)",
        ),
        (
            "ccd/good/data.img",
            "ccd",
            "CloneCD image (.ccd, .img, .sub)",
        ),
        ("iso/rich.iso", "iso", "ISO image (2048-byte sectors)"),
    ];
    for (file, format, described) in cases {
        let image = fixture(file);
        let json = discscope(["info".as_ref(), image.as_os_str(), "--json".as_ref()]).json();
        assert_eq!(json["format"], format, "{file}");
        let text = discscope(["info".as_ref(), image.as_os_str()]).stdout();
        let line = text.lines().find(|l| l.starts_with("format")).unwrap();
        assert_eq!(line, format!("format      {described}"), "{file}");
    }
}

//! The survey: one reading of a medium whose findings reach every face.

use crate::support::{discscope, fixture};

/// A FAT boot sector whose bytes per sector is 0 is recognised and
/// refused by the probe; that finding reaches `info` and `info --json`.
#[test]
fn probe_findings_reach_info() {
    let image = fixture("disk/hostile/fat-bps0.img");
    let image = image.to_str().unwrap();
    let text = discscope(["info", image]).stdout();
    assert!(
        text.contains("[fat.unusable]") && text.contains("bytes per sector is 0"),
        "{text}"
    );
    let json = discscope(["info", "--json", image]).json();
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "fat.unusable" && d["severity"] == "error");
    assert!(found, "{json}");
}

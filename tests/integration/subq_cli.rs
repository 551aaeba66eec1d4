//! Subchannel Q in the command line: beside the header in `sector`, counted
//! apart in `verify`, LibCrypt-style pairs named as intended.

use crate::support::{discscope, fixture};

#[test]
fn sector_shows_q_beside_the_header() {
    let run = discscope([
        "sector",
        "--json",
        fixture("ccd/good/data.ccd").to_str().unwrap(),
        "16",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let q = &run.json()["sectors"][0]["subchannel_q"];
    assert_eq!(q["adr"], 1);
    assert_eq!(q["track"], 1);
    assert_eq!(q["absolute"], "00:02:16");
    assert_eq!(q["crc_ok"], true);
    assert_eq!(q["position_ok"], true);
    let text = discscope([
        "sector",
        fixture("ccd/good/data.ccd").to_str().unwrap(),
        "16",
    ])
    .stdout();
    assert!(text.contains("absolute 00:02:16; CRC ok"), "{text}");
    // Images without a .sub say so with null.
    let run = discscope([
        "sector",
        "--json",
        fixture("cue/mixed/single.cue").to_str().unwrap(),
        "0",
    ]);
    assert!(run.json()["sectors"][0]["subchannel_q"].is_null());
}

#[test]
fn verify_counts_bad_q_apart_and_names_libcrypt() {
    let run = discscope([
        "verify",
        "--json",
        fixture("ccd/badq/data.ccd").to_str().unwrap(),
    ]);
    let json = run.json();
    assert_eq!(json["bad_sectors"], 0);
    assert_eq!(json["subchannel"]["bad_crc"], 2);
    assert_eq!(
        json["subchannel"]["bad_crc_lbas"],
        serde_json::json!([20, 25])
    );
    assert!(
        json["subchannel"]["pattern"]
            .as_str()
            .unwrap()
            .starts_with("LibCrypt")
    );
    assert_eq!(run.code(), 0, "an intended pattern is not damage");

    // One lone bad Q CRC is damage: exit 1.
    let dir = tempfile::tempdir().unwrap();
    for name in ["data.ccd", "data.img", "data.sub"] {
        std::fs::copy(fixture("ccd/good").join(name), dir.path().join(name)).unwrap();
    }
    let sub = dir.path().join("data.sub");
    let mut bytes = std::fs::read(&sub).unwrap();
    bytes[30 * 96 + 12 + 3] ^= 0x01;
    std::fs::write(&sub, bytes).unwrap();
    let run = discscope([
        "verify",
        "--json",
        dir.path().join("data.ccd").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 1);
    let json = run.json();
    assert_eq!(json["subchannel"]["bad_crc_lbas"], serde_json::json!([30]));
    assert!(json["subchannel"]["pattern"].is_null());
    assert_eq!(json["ok"], false);
}

//! The doctor on every broken sheet of the corpus.

use std::collections::BTreeSet;

use discscope::lint;

use super::codes;

/// Every broken sheet in the corpus, with the exact codes it earns.
const CORPUS_CASES: &[(&str, &[&str])] = &[
    ("libcdio/test/data/bad-cat1.cue", &["cue.argument-count"]),
    ("libcdio/test/data/bad-cat2.cue", &["cue.bad-catalog"]),
    ("libcdio/test/data/bad-cat3.cue", &["cue.bad-catalog"]),
    ("libcdio/test/data/bad-mode1.cue", &["cue.unknown-mode"]),
    ("libcdio/test/data/bad-msf-1.cue", &["cue.bad-time"]),
    ("libcdio/test/data/bad-msf-2.cue", &["cue.bad-time"]),
    ("libcdio/test/data/bad-msf-3.cue", &["cue.bad-time"]),
    ("libcdio/test/data/p1.cue", &["cue.file-missing"]),
    ("libcdio/parse/test/t1.cue", &["cue.file-missing"]),
    (
        "libcdio/parse/test/t2.cue",
        &[
            "cue.file-missing",
            "cue.file-type-unknown",
            "cue.missing-index-01",
            "cue.unknown-flag",
        ],
    ),
    (
        "libcdio/parse/test/t3.cue",
        &[
            "cue.argument-count",
            "cue.file-missing",
            "cue.missing-index-01",
        ],
    ),
    (
        "chdman-js/packages/chdman/test/fixtures/cue/multiple.cue",
        &["cue.index-past-end"],
    ),
    // Random filler declared MODE2/2352: no sync pattern anywhere.
    (
        "chdman-js/packages/chdman/test/fixtures/cue/single.cue",
        &["cue.data-on-audio"],
    ),
    (
        "igir/packages/chdman/test/fixtures/expected/cd-rom.cuebin/CD-ROM.cue",
        &["cue.index-past-end"],
    ),
    (
        "igir/test/fixtures/roms/discs/CD-ROM.cue",
        &["cue.index-past-end"],
    ),
    ("libcue/t/99_tracks.cue", &["cue.file-missing"]),
    (
        "libcue/t/issue10.cue",
        &["cue.file-missing", "cue.missing-index-01"],
    ),
    (
        "libcue/oss-fuzz/corpus/clusterfuzz-testcase-minimized-fuzz-6416083458064384.cue",
        &[
            "cue.argument-count",
            "cue.file-missing",
            "cue.track-number-gap",
            "cue.track-order",
            "cue.track-renumbered",
            "cue.unknown-mode",
        ],
    ),
    // Intact sheets whose FILE differs in case from the file on disk.
    ("libcdio/test/data/cdda.cue", &["cue.file-case"]),
    ("libcdio/test/data/isofs-m1.cue", &["cue.file-case"]),
];

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_broken_sheets_earn_their_codes() {
    let root = crate::support::corpus();
    let mut wrong = Vec::new();
    for (path, expected) in CORPUS_CASES {
        let sheet = root.join(path);
        let report = lint::check(&sheet);
        let found = codes(&report);
        let expected: BTreeSet<String> = expected.iter().map(|c| (*c).to_owned()).collect();
        if found != expected {
            wrong.push(format!("{path}: expected {expected:?}, found {found:?}"));
        }
        // Rendering never fails and names the sheet.
        assert!(lint::render(&report, false).contains(path), "{path}");
        // What check announces is what fix writes.
        let repaired = lint::repair(&std::fs::read(&sheet).unwrap(), sheet.parent().unwrap());
        let written = repaired.text.replace("\r\n", "\n");
        if written != super::announced(&report) {
            wrong.push(format!(
                "{path}: fix writes other lines than check announced"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The libcdio sheets whose only fault is the file's letter case repair
/// to sheets that check clean and lay out as before.
#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_case_only_sheets_repair_cleanly() {
    let root = crate::support::corpus();
    for path in [
        "libcdio/test/data/cdda.cue",
        "libcdio/test/data/isofs-m1.cue",
    ] {
        let sheet = root.join(path);
        let folder = sheet.parent().unwrap();
        let repaired = lint::repair(&std::fs::read(&sheet).unwrap(), folder);
        assert!(
            repaired.after.diagnostics.is_empty(),
            "{path}: {:?}",
            repaired.after.diagnostics
        );
        assert_eq!(repaired.applied.len(), 1, "{path}");
    }
}

//! Cue sheets: layout against oracles, broken and hostile sheets.

use crate::support::{corpus, discscope};

#[test]
#[ignore = "needs ../shared/corpus (run by .ci/run)"]
fn corpus_isofs_m1_starts_at_zero() {
    let run = discscope([
        "tracks".as_ref(),
        "--json".as_ref(),
        corpus().join("libcdio/test/data/isofs-m1.cue").as_os_str(),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let json = run.json();
    assert_eq!(json["tracks"][0]["start"], 0);
    assert_eq!(json["tracks"][0]["length"], 302);
}

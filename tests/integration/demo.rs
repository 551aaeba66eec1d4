//! The built-in demo disc: written out, opened, verified, every track real.

use crate::support::discscope;

#[test]
fn demo_disc_is_real_and_damaged_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let run = discscope(["demo", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let sheet = out.join("discscope-demo.cue");

    let tracks = discscope(["tracks", "--json", sheet.to_str().unwrap()]).json();
    let modes: Vec<&str> = tracks["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["mode"].as_str().unwrap())
        .collect();
    assert_eq!(modes, ["MODE1/2352", "AUDIO", "MODE2/2352"]);
    assert_eq!(tracks["tracks"][2]["pregap"], 150);

    let verify = discscope(["verify", "--json", sheet.to_str().unwrap()]);
    assert_eq!(verify.code(), 1, "the demo has one damaged sector");
    let report = verify.json();
    assert_eq!(report["bad_sectors"], 1);
    assert_eq!(report["audio_sectors"], 225);
    assert_eq!(report["errors"][0]["track"], 1);
    let problems = &report["errors"][0]["problems"];
    assert_eq!(problems, &serde_json::json!(["edc", "ecc_p", "ecc_q"]));

    // Form 1 and form 2 sectors are both there, with their subheaders.
    let xa = |lba: &str| discscope(["sector", "--json", sheet.to_str().unwrap(), lba]).json();
    assert_eq!(xa("413")["sectors"][0]["mode"], "mode2_form1");
    assert_eq!(xa("430")["sectors"][0]["mode"], "mode2_form2");

    // Writing again never overwrites.
    let again = discscope(["demo", "-o", out.to_str().unwrap()]);
    assert_eq!(again.code(), 2);
}

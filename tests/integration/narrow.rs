//! The inspector as a user meets it over SSH: the real binary in an 80×24
//! pseudo-terminal, one test per defect of issue 11 that the screen shows.

use std::time::{Duration, Instant};

use super::pty::Session;

/// The demo disc in `dir`, and its sheet.
fn demo(dir: &std::path::Path) -> std::path::PathBuf {
    discscope::demo::write(dir).unwrap()
}

/// Waits until the screen stops changing (background jobs reported).
fn settle(session: &Session) -> String {
    let mut last = session.contents();
    let start = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(150));
        let now = session.contents();
        if now == last || start.elapsed() > Duration::from_secs(5) {
            return now;
        }
        last = now;
    }
}

/// Defect 1: a sheet with errors opens at its first error, in the sheet;
/// `tracks` still refuses it, and points at the doctor.
#[test]
fn a_broken_sheet_opens_at_its_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = demo(dir.path());
    let text = std::fs::read_to_string(&sheet)
        .unwrap()
        .replace("TRACK 03 MODE2/2352", "TRAKC 03 MODE2/2352");
    let broken = dir.path().join("broken.cue");
    std::fs::write(&broken, text).unwrap();
    let tracks = std::process::Command::new(env!("CARGO_BIN_EXE_discscope"))
        .args(["tracks", broken.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(tracks.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&tracks.stderr);
    assert!(stderr.contains("run `discscope check"), "{stderr}");

    let mut session = Session::start(&[broken.to_str().unwrap()]);
    session.wait_for("TRAKC 03");
    session.wait_for("error[");
    // The tracks that could be laid out are there behind the sheet.
    session.keys("\x1b");
    std::thread::sleep(Duration::from_millis(150));
    session.wait_for("Sheet");
    session.wait_for("errors");
    session.quit();
}

/// Defect 5: a view other than the default unfolds, and the selected entry
/// shows its extents in the inspector.
#[test]
fn every_view_unfolds_and_shows_extents() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(&[demo(dir.path()).to_str().unwrap()]);
    session.wait_for("LBA 0");
    // Hex → Inspector → Tracks → Files; the joliet view is below the
    // rockridge one (its six rows).
    session.keys("\t\t\t");
    session.wait_for("joliet");
    session.keys("jjjjjjj");
    session.wait_for("view      joliet");
    session.keys(" ");
    // Its first entry (Joliet sorts capitals first), with its sectors.
    session.keys("j");
    let screen = session.wait_for("name      README.TXT");
    assert!(
        screen.contains("extents   sector 36, 385 bytes"),
        "{screen}"
    );
    // Left goes to the view and folds it; Right unfolds it again.
    session.keys("hh");
    session.wait_for("▶ joliet");
    session.keys("l");
    session.wait_for("▼ joliet");
    session.quit();
}

/// Defect 6: at 80×24 the inspector is a tab of its own that scrolls to
/// its end, and the help scrolls to its last line.
#[test]
fn the_inspector_and_help_scroll_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(&[demo(dir.path()).to_str().unwrap()]);
    session.wait_for("LBA 0");
    session.keys("\t");
    session.keys("\x1b[F");
    session.wait_for("verdict");
    session.wait_for("Inspector");
    session.keys("?");
    session.wait_for("Keys (");
    session.keys("\x1b[6~\x1b[6~");
    session.wait_for("Mouse:");
    session.keys("x");
    session.quit();
}

/// Defect 7: a cooked ISO's verification says nothing was checked.
#[test]
fn a_cooked_iso_is_not_called_good() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let raw = std::fs::read(dir.path().join("discscope-demo (Track 1).bin")).unwrap();
    let cooked: Vec<u8> = raw
        .chunks(2352)
        .flat_map(|s| s[16..2064].to_vec())
        .collect();
    let iso = dir.path().join("cooked.iso");
    std::fs::write(&iso, cooked).unwrap();
    let mut session = Session::start(&[iso.to_str().unwrap()]);
    let screen = session.wait_for("nothing was checked");
    assert!(!screen.contains("all good"), "{screen}");
    session.quit();
}

/// Defect 8: search again forward and backward, with the wrap said.
#[test]
fn search_finds_the_next_and_previous_match() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(&[demo(dir.path()).to_str().unwrap()]);
    session.wait_for("LBA 0");
    settle(&session);
    session.keys("/CD001\r");
    session.wait_for("found `CD001` at sector 16");
    session.keys(";");
    session.wait_for("found `CD001` at sector 17");
    session.keys(",");
    session.wait_for("found `CD001` at sector 16");
    session.keys(",");
    session.wait_for("wrapped past the start");
    // Enter on an empty prompt repeats the last search forward.
    session.keys("/\r");
    session.wait_for("wrapped past the end");
    session.quit();
}

/// Defect 9: a byte offset lands on its byte; -150 says why it is refused;
/// the user-data view counts from its own first byte.
#[test]
fn go_to_lands_on_the_byte_and_explains_the_pregap() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(&[demo(dir.path()).to_str().unwrap()]);
    session.wait_for("LBA 0");
    settle(&session);
    session.keys("g0x9310\r");
    session.wait_for("LBA 16 (00:02:16)");
    session.wait_for("0x0010 (16) of the sector");
    session.keys("g-150\r");
    session.wait_for("is pregap this image does not store (it holds sectors 0 to 452)");
    // Ctrl-C closes the prompt (an Esc followed at once by a key reads as Alt).
    session.keys("\x03");
    session.keys("v");
    session.wait_for("user data 2048 bytes");
    session.wait_for("│0000  01 43 44 30 30 31");
    session.quit();
}

/// Defect 10: short hints for the focused pane, help always among them.
#[test]
fn hints_follow_the_focused_pane() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = Session::start(&[demo(dir.path()).to_str().unwrap()]);
    let screen = session.wait_for("n/p sector");
    let hints = screen.lines().last().unwrap().to_owned();
    assert!(hints.starts_with(" ? help"), "{hints}");
    assert!(hints.contains("n/p sector"), "{hints}");
    session.keys("\t\t\t");
    session.wait_for("Space fold");
    let screen = session.contents();
    let hints = screen.lines().last().unwrap();
    assert!(!hints.contains("n/p"), "{hints}");
    session.quit();
}

/// Bookmarks persist in the state folder; `y` saves an annotated report.
#[test]
fn bookmarks_and_the_report_are_kept_in_the_state_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = demo(dir.path());
    let mut session = Session::start(&[sheet.to_str().unwrap()]);
    session.wait_for("LBA 0");
    settle(&session);
    session.keys("g16\r");
    session.wait_for("LBA 16");
    session.keys("lb");
    session.wait_for("bookmarked sector 16, byte 0x1");
    session.keys("y");
    session.wait_for("report saved");
    let state = session.state.path().join("discscope");
    let reports: Vec<_> = std::fs::read_dir(state.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let report = std::fs::read_to_string(&reports[0]).unwrap();
    assert!(report.contains("Primary volume descriptor"), "{report}");
    assert!(report.contains("0010:   01 43 44 30 30 31"), "{report}");
    assert_eq!(
        std::fs::read_dir(state.join("bookmarks")).unwrap().count(),
        1
    );
    session.quit();
}

//! The inspector's screens, rendered into a test backend and compared with
//! snapshots at 80×24 and 200×60.

use std::sync::Arc;

use discscope::container;
use discscope::survey::Survey;
use discscope::tui::action::Action;
use discscope::tui::app::{App, Appearance};
use discscope::tui::effect::{self, Effect};
use discscope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SYNC: [u8; 12] = [0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0];

/// A small mode 1 image plus a sheet with an audio track, in `dir`.
fn disc(dir: &std::path::Path, data_name: &str) -> std::path::PathBuf {
    let mut data = Vec::new();
    for lba in 0..20u32 {
        let mut sector = vec![0u8; 2352];
        sector[..12].copy_from_slice(&SYNC);
        let msf = discscope::units::Lba(i64::from(lba))
            .to_msf()
            .unwrap()
            .to_bcd();
        sector[12..15].copy_from_slice(&msf);
        sector[15] = 1;
        for (i, byte) in sector[16..2064].iter_mut().enumerate() {
            *byte = (i as u32 * 7 + lba) as u8;
        }
        sector[16..21].copy_from_slice(b"HELLO");
        data.extend(sector);
    }
    std::fs::write(dir.join(data_name), &data).unwrap();
    std::fs::write(dir.join("audio.bin"), vec![0x11u8; 2352 * 10]).unwrap();
    let sheet = format!(
        "TITLE \"Test\"\nFILE \"{data_name}\" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\nFILE \"audio.bin\" BINARY\n  TRACK 02 AUDIO\n    PREGAP 00:00:05\n    INDEX 01 00:00:00\n"
    );
    let path = dir.join("disc.cue");
    std::fs::write(&path, sheet).unwrap();
    path
}

/// The inspector on an image, its root directories read as the start-up
/// jobs would read them.
fn app(path: &std::path::Path) -> App {
    let medium = Arc::new(container::open(path).unwrap());
    let mut app = App::new(
        Arc::new(Survey::new(medium, &Default::default())),
        Appearance::default(),
    );
    let roots: Vec<Effect> = app
        .startup(None)
        .into_iter()
        .filter(|e| matches!(e, Effect::ReadDirectory { .. }))
        .collect();
    effect::settle(&mut app, roots);
    app
}

/// The demo disc, with the owner index as the background job delivers it.
fn demo_app(dir: &std::path::Path) -> App {
    let sheet = discscope::demo::write(dir).unwrap();
    let mut app = app(&sheet);
    effect::settle(&mut app, vec![Effect::IndexOwners]);
    app
}

/// Runs the cue doctor job on the sheet the demo disc was opened from.
fn lint(app: &mut App, dir: &std::path::Path) {
    let opened = container::open_with_options(
        &dir.join("discscope-demo.cue"),
        &container::OpenOptions {
            best_effort: true,
            ..Default::default()
        },
    )
    .unwrap();
    effect::settle(app, vec![Effect::Lint(opened.sheet.unwrap())]);
}

/// An action through the update, its effects carried out.
fn act(app: &mut App, action: Action) {
    let effects = app.update(action);
    effect::settle(app, effects);
}

/// A click where the user clicks, through the update.
fn click(app: &mut App, column: u16, row: u16) {
    act(app, Action::Click { column, row });
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    view::fit(app, ratatui::layout::Rect::new(0, 0, width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    terminal.backend().to_string()
}

fn key(app: &mut App, code: KeyCode) {
    let effects = app.key(KeyEvent::new(code, KeyModifiers::NONE));
    effect::settle(app, effects);
}

#[test]
fn main_screen_at_both_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&disc(dir.path(), "data.bin"));
    insta::assert_snapshot!("main_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("main_200x60", screen(&mut app, 200, 60));
}

#[test]
fn moving_and_switching_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&disc(dir.path(), "data.bin"));
    for _ in 0..5 {
        act(&mut app, Action::Right);
    }
    act(&mut app, Action::Down);
    act(&mut app, Action::NextSector);
    insta::assert_snapshot!("cursor_80x24", screen(&mut app, 80, 24));
    act(&mut app, Action::NextTrack);
    insta::assert_snapshot!("audio_track_80x24", screen(&mut app, 80, 24));
}

#[test]
fn help_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&disc(dir.path(), "data.bin"));
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("help_200x60", screen(&mut app, 200, 60));
    key(&mut app, KeyCode::Char('x'));
    assert!(!screen(&mut app, 80, 24).contains(" Keys "));
}

#[test]
fn goto_prompt_validates_and_remembers() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&disc(dir.path(), "data.bin"));
    key(&mut app, KeyCode::Char('g'));
    for c in "00:02:75".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("goto_error_80x24", screen(&mut app, 80, 24));
    for _ in 0..8 {
        key(&mut app, KeyCode::Backspace);
    }
    for c in "00:02:03".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.lba.0, 3);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.lba.0, 3);
    // The unstored pregap of track 2 reads as zeros and says so.
    key(&mut app, KeyCode::Char('g'));
    for c in "22".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("pregap_80x24", screen(&mut app, 80, 24));
}

#[test]
fn clicks_focus_and_select() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&disc(dir.path(), "data.bin"));
    // 80×24 is tabbed: the tab bar, then the hex pane with 16 bytes a row.
    screen(&mut app, 80, 24);
    // Row 1, column 4 of the hex pane: the "O" of HELLO.
    click(&mut app, 1 + 6 + 3 * 4 + 1, 1 + 1 + 1);
    assert_eq!(app.cursor, 16 + 4);
    assert_eq!(app.sector.bytes[app.cursor], b'O');
    // The Tracks tab, then the second track's line under track 1's details.
    click(&mut app, 2, 0);
    assert_eq!(app.focus, discscope::tui::app::Pane::Tracks);
    screen(&mut app, 80, 24);
    click(&mut app, 3, 1 + 1 + 3);
    assert_eq!(app.track_row, 1);
    // Wide, every pane is on screen at once: a click in the tree focuses it.
    screen(&mut app, 200, 60);
    let tree = app.areas.tree;
    click(&mut app, tree.x + 2, tree.y + 1);
    assert_eq!(app.focus, discscope::tui::app::Pane::Tree);
}

#[test]
fn bad_sectors_from_verification() {
    let dir = tempfile::tempdir().unwrap();
    let medium = Arc::new(container::open(&disc(dir.path(), "data.bin")).unwrap());
    let mut app = App::new(
        Arc::new(Survey::new(medium.clone(), &Default::default())),
        Appearance::default(),
    );
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(
        app.message.as_deref(),
        Some("no verification for this image")
    );
    // Run the verification job to its end.
    effect::settle(&mut app, vec![Effect::Verify]);
    let bad = app.bad_sectors.as_ref().unwrap();
    assert_eq!(bad.len(), 20, "the test sectors carry no EDC/ECC");
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(app.lba.0, 1);
    key(&mut app, KeyCode::Char('E'));
    assert_eq!(app.lba.0, 0);
    key(&mut app, KeyCode::Char('E'));
    assert_eq!(app.lba.0, 19, "wraps to the last bad sector");
    key(&mut app, KeyCode::Char('m'));
    insta::assert_snapshot!("map_bad_80x24", screen(&mut app, 80, 24));
}

#[test]
fn disc_map_jumps() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&disc(dir.path(), "data.bin"));
    key(&mut app, KeyCode::Char('m'));
    insta::assert_snapshot!("map_80x24", screen(&mut app, 80, 24));
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.lba.0, 34, "the last cell is the last sector of track 2");
    assert!(!screen(&mut app, 80, 24).contains("Disc map"));
}

#[test]
fn hostile_names_are_escaped_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "a\x1b[2Jb\x1b]52;c;aGk=\x07c\u{9b}d\u{202e}e.bin";
    let mut app = app(&disc(dir.path(), evil));
    for text in [screen(&mut app, 80, 24), screen(&mut app, 200, 60)] {
        assert!(!text.contains('\x1b'), "ESC reached the screen");
        assert!(!text.contains('\x07'), "BEL reached the screen");
        assert!(!text.contains('\u{9b}'), "C1 CSI reached the screen");
        assert!(
            !text.contains('\u{202e}'),
            "bidi override reached the screen"
        );
    }
    assert!(screen(&mut app, 200, 60).contains("a\\x1b[2Jb"));
}

#[test]
fn demo_tree_owner_and_structure_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    insta::assert_snapshot!("demo_200x60", screen(&mut app, 200, 60));
    // The primary volume descriptor: its identifier explained.
    key(&mut app, KeyCode::Char('g'));
    for c in "16".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    for _ in 0..(16 + 1) {
        act(&mut app, Action::Right);
    }
    let text = screen(&mut app, 200, 60);
    assert!(text.contains("Primary volume descriptor"), "{text}");
    assert!(text.contains("standard identifier"), "{text}");
    // A file's sector: `o` finds it in the tree.
    let found = discscope::inspect::search::search(
        &app.medium,
        (discscope::units::Lba(0), None),
        discscope::inspect::search::Direction::Forward,
        &discscope::inspect::search::Pattern::parse("Welcome to").unwrap(),
        &std::sync::atomic::AtomicBool::new(false),
        |_, _| {},
    )
    .unwrap();
    key(&mut app, KeyCode::Char('g'));
    for c in found.lba.0.to_string().chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.focus, discscope::tui::app::Pane::Tree);
    insta::assert_snapshot!("demo_owner_120x40", screen(&mut app, 120, 40));
}

#[test]
fn diagnostics_pane_shows_the_sheet_and_jumps() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    lint(&mut app, dir.path());
    assert!(app.has_diagnostics());
    insta::assert_snapshot!("diagnostics_120x40", screen(&mut app, 120, 40));
    // Hex → Inspector → Tracks → Tree → Diagnostics.
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.focus, discscope::tui::app::Pane::Diagnostics);
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("sheet_overlay_120x40", screen(&mut app, 120, 40));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.lba.0, 38, "TRACK 02's INDEX 01");
    assert_eq!(app.focus, discscope::tui::app::Pane::Hex);
}

/// The demo disc with terminal controls planted in its volume label, a Rock
/// Ridge name and the sheet's TITLE (sectors re-encoded so they verify).
fn hostile_demo(dir: &std::path::Path) -> std::path::PathBuf {
    let sheet = discscope::demo::write(dir).unwrap();
    let track = dir.join("discscope-demo (Track 1).bin");
    let mut bin = std::fs::read(&track).unwrap();
    let mut patch = |needle: &[u8], with: &[u8]| {
        assert_eq!(needle.len(), with.len());
        let mut hits = 0;
        for lba in 0..bin.len() / 2352 {
            let sector = &mut bin[lba * 2352..(lba + 1) * 2352];
            let user = &mut sector[16..2064];
            let mut changed = false;
            while let Some(at) = user.windows(needle.len()).position(|w| w == needle) {
                user[at..at + needle.len()].copy_from_slice(with);
                changed = true;
                hits += 1;
            }
            if changed {
                let block: [u8; 2048] = sector[16..2064].try_into().unwrap();
                let encoded =
                    discscope::sector::encode::mode1(discscope::units::Lba(lba as i64), &block)
                        .unwrap();
                sector.copy_from_slice(&encoded);
            }
        }
        assert!(hits > 0, "{needle:?} not found");
    };
    // ESC [2J, BEL, C1 CSI (0x9B) and OSC 52 in the labels (32 bytes each).
    let mut label = b"\x1b[2J\x07\x9b\x1b]52;c;aGk=\x07 DEMO".to_vec();
    label.resize(32, b' ');
    patch(b"DISCSCOPE_DEMO                  ", &label);
    // A Rock Ridge name with ESC and U+202E (right-to-left override).
    patch(b"README.TXT", b"\x1b[2J\xe2\x80\xaeAB\x07");
    std::fs::write(&track, bin).unwrap();
    let text = std::fs::read_to_string(&sheet).unwrap();
    std::fs::write(
        &sheet,
        text.replace(
            "TITLE \"Demo disc\"",
            "TITLE \"\u{1b}]0;owned\u{7}\u{9b}31m\u{202e}\"",
        ),
    )
    .unwrap();
    sheet
}

#[test]
fn hostile_label_name_and_title_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = hostile_demo(dir.path());
    let mut app = app(&sheet);
    // Show the root folder's entries and the label in the tree.
    let bad = ['\x1b', '\x07', '\u{9b}', '\u{202e}'];
    for (w, h) in [(80, 24), (200, 60)] {
        let text = screen(&mut app, w, h);
        for c in bad {
            assert!(
                !text.contains(c),
                "{c:?} reached the screen at {w}x{h}:\n{text}"
            );
        }
    }
    assert!(
        screen(&mut app, 200, 60).contains("\\x1b[2J"),
        "the escaped form is shown"
    );
    // The command line escapes them too; JSON carries them safely encoded.
    for args in [
        vec!["info"],
        vec!["ls", "-R", "-l"],
        vec!["tracks"],
        vec!["check"],
    ] {
        let mut all: Vec<&str> = args.clone();
        all.push(sheet.to_str().unwrap());
        let run = crate::support::discscope(&all);
        let out = format!("{}{}", run.stdout(), run.stderr());
        for c in bad {
            assert!(!out.contains(c), "{args:?} printed {c:?}:\n{out}");
        }
    }
}

#[test]
fn every_overlay_and_prompt_at_both_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    lint(&mut app, dir.path());
    type Open = fn(&mut App);
    let overlays: [(&str, Open); 4] = [
        ("goto", |app| {
            key(app, KeyCode::Char('g'));
            for c in "00:02:16".chars() {
                key(app, KeyCode::Char(c));
            }
        }),
        ("search", |app| {
            key(app, KeyCode::Char('/'));
            for c in "x 43 44 30 30 31".chars() {
                key(app, KeyCode::Char(c));
            }
        }),
        ("map", |app| key(app, KeyCode::Char('m'))),
        ("sheet", |app| {
            app.focus = discscope::tui::app::Pane::Diagnostics;
            key(app, KeyCode::Enter);
        }),
    ];
    for (name, open) in overlays {
        for (w, h) in [(80, 24), (200, 60)] {
            open(&mut app);
            insta::assert_snapshot!(format!("overlay_{name}_{w}x{h}"), screen(&mut app, w, h));
            key(&mut app, KeyCode::Esc);
        }
    }
}

#[test]
fn disk_images_list_partitions_and_their_filesystems() {
    let dir = tempfile::tempdir().unwrap();
    let image = crate::disk::gunzip(&crate::support::fixture("disk/mbr32.img.gz"), dir.path());
    let mut app = app(&image);
    assert_eq!(app.partitions.len(), 3);
    app.focus = discscope::tui::app::Pane::Tracks;
    insta::assert_snapshot!("disk_partitions_80x24", screen(&mut app, 80, 24));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.lba.0, 2048, "partition 1 starts at sector 2048");
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("fat32 \"MBRFAT32\""), "{text}");
    assert!(text.contains("W95 FAT32 (LBA)"), "{text}");
    // Sector 0's partition entry 1, its type byte (offset 446 + 4), explained.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('0'));
    key(&mut app, KeyCode::Enter);
    for _ in 0..450 {
        act(&mut app, Action::Right);
    }
    let text = screen(&mut app, 200, 60);
    assert!(text.contains("Master boot record"), "{text}");
    assert!(text.contains("0x0c"), "{text}");
}

#[test]
fn ascii_mode_draws_without_line_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = discscope::demo::write(dir.path()).unwrap();
    let medium = Arc::new(container::open(&sheet).unwrap());
    let mut app = App::new(
        Arc::new(Survey::new(medium, &Default::default())),
        Appearance {
            color: true,
            ascii: true,
        },
    );
    for open in [None, Some('m')] {
        if let Some(c) = open {
            key(&mut app, KeyCode::Char(c));
        }
        let text = screen(&mut app, 100, 30);
        for c in ['─', '│', '┌', '┐', '└', '┘', '▶', '▼', '█', '◆'] {
            assert!(!text.contains(c), "{c} drawn in --ascii mode:\n{text}");
        }
    }
}

/// `r` on the demo's damaged sector previews the repair: the byte its
/// parity corrects, old and new, and the EDC that then agrees.
#[test]
fn repair_preview_on_the_damaged_sector() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    key(&mut app, KeyCode::Char('g'));
    for c in "36".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('r'));
    let repair = app.repair.as_ref().unwrap();
    assert_eq!(repair.changes.len(), 1);
    assert_eq!((repair.changes[0].old, repair.changes[0].new), (0x54, 0x74));
    let text = screen(&mut app, 200, 60);
    assert!(text.contains("byte 27: 54 → 74"), "{text}");
    assert!(text.contains("0xffe90a93 after"), "{text}");
    // Moving on closes it; the image is never written.
    key(&mut app, KeyCode::Char('n'));
    assert!(app.repair.is_none());
}

/// Issue 11's screens at 80×24: a broken sheet's start, a non-default view
/// unfolded, and the status after searching again.
#[test]
fn narrow_screens() {
    let dir = tempfile::tempdir().unwrap();
    let demo = discscope::demo::write(dir.path()).unwrap();
    let text = std::fs::read_to_string(&demo)
        .unwrap()
        .replace("TRACK 03 MODE2/2352", "TRAKC 03 MODE2/2352");
    let broken = dir.path().join("broken.cue");
    std::fs::write(&broken, text).unwrap();
    let opened = container::open_with_options(
        &broken,
        &container::OpenOptions {
            best_effort: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut app = App::new(
        Arc::new(Survey::new(Arc::new(opened.medium), &Default::default())),
        Appearance::default(),
    );
    let startup: Vec<Effect> = app
        .startup(opened.sheet)
        .into_iter()
        .filter(|e| !matches!(e, Effect::Verify))
        .collect();
    effect::settle(&mut app, startup);
    assert_eq!(app.focus, discscope::tui::app::Pane::Diagnostics);
    insta::assert_snapshot!("broken_sheet_start_80x24", screen(&mut app, 80, 24));

    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    // Hex → Inspector → Tracks → Files, then the iso9660 view (last row).
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    screen(&mut app, 80, 24);
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char(' '));
    screen(&mut app, 80, 24);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Right);
    insta::assert_snapshot!("iso9660_view_unfolded_80x24", screen(&mut app, 80, 24));

    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(dir.path());
    key(&mut app, KeyCode::Char('/'));
    for c in "CD001".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char(';'));
    insta::assert_snapshot!("search_next_80x24", screen(&mut app, 80, 24));
}

//! End to end: the real binary in a pseudo-terminal, driven by keys, its
//! screen read back through a terminal emulator at every step.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const SYNC: [u8; 12] = [0, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 0];

/// How long a screen may take to appear: generous, because CI machines
/// run the other tests beside these; a hang still fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// The binary in an 80×24 pseudo-terminal, its state folder (bookmarks,
/// reports) a temporary one.
pub(super) struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    pub(super) child: Box<dyn portable_pty::Child + Send + Sync>,
    pub(super) state: tempfile::TempDir,
}

impl Session {
    pub(super) fn start(args: &[&str]) -> Session {
        let state = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_discscope"));
        command.args(args);
        command.env("TERM", "xterm-256color");
        command.env("NO_COLOR", "1");
        command.env("XDG_STATE_HOME", state.path());
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (screen_in, raw_in) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen_in.lock().unwrap().process(&buf[..n]);
                raw_in.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        // Keep the master open for the child's lifetime.
        std::mem::forget(pty.master);
        Session {
            screen,
            raw,
            writer,
            child,
            state,
        }
    }

    pub(super) fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub(super) fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let contents = self.contents();
            if contents.contains(text) {
                return contents;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "`{text}` never appeared; screen:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Presses `q` and waits for the program to end; its exit status.
    pub(super) fn quit(&mut self) -> portable_pty::ExitStatus {
        self.keys("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < PATIENCE, "did not quit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub(super) fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }
}

fn fixture(dir: &std::path::Path) -> std::path::PathBuf {
    let mut data = Vec::new();
    for lba in 0..40u32 {
        let mut sector = vec![0u8; 2352];
        sector[..12].copy_from_slice(&SYNC);
        sector[15] = 1;
        if lba == 30 {
            sector[100..110].copy_from_slice(b"NEEDLE-XYZ");
        }
        data.extend(sector);
    }
    std::fs::write(dir.join("data.bin"), data).unwrap();
    std::fs::write(dir.join("audio.bin"), vec![0u8; 2352 * 5]).unwrap();
    let sheet = "FILE data.bin BINARY\n TRACK 01 MODE1/2352\n  INDEX 01 00:00:00\nFILE audio.bin BINARY\n TRACK 02 AUDIO\n  INDEX 01 00:00:00\n";
    std::fs::write(dir.join("e2e.cue"), sheet).unwrap();
    dir.join("e2e.cue")
}

#[test]
fn drive_the_inspector_and_leave_the_terminal_clean() {
    let dir = tempfile::tempdir().unwrap();
    let image = fixture(dir.path());
    let mut session = Session::start(&[image.to_str().unwrap()]);
    session.wait_for("LBA 0 (00:02:00)");

    // Choose track 2 in the tracks tab (Hex → Inspector → Tracks).
    session.keys("\t\t");
    session.keys("j\r");
    session.wait_for("T02 AUDIO");

    // Go to an address.
    session.keys("g12\r");
    session.wait_for("LBA 12 (00:02:12)");

    // A bad address is refused in the prompt.
    session.keys("g00:00:75\r");
    session.wait_for("frame must be below 75");
    session.keys("\x1b");
    // A real Esc stands alone; one followed at once by a key reads as Alt.
    std::thread::sleep(Duration::from_millis(150));

    // Search the whole image.
    session.keys("/NEEDLE-XYZ\r");
    session.wait_for("LBA 30 (00:02:30)");
    session.wait_for("found `NEEDLE-XYZ`");

    // Help, generated from the key map, scrolls to its end.
    session.keys("?");
    session.wait_for("Keys (");
    session.keys("\x1b[F");
    session.wait_for("Mouse: a click");
    session.keys("x");

    // Quit.
    assert!(session.quit().success());
    std::thread::sleep(Duration::from_millis(100));
    let raw = session.raw.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&raw);
    let last = |needle: &str| text.rfind(needle);
    // Alternate screen and mouse capture were switched off after last being on.
    assert!(
        last("\x1b[?1049l") > last("\x1b[?1049h"),
        "alternate screen left on"
    );
    assert!(
        last("\x1b[?1000l") > last("\x1b[?1000h"),
        "mouse capture left on"
    );
    assert!(!session.screen.lock().unwrap().screen().alternate_screen());
}

#[test]
fn the_demo_disc_opens_without_arguments_and_a_file_is_selected() {
    let mut session = Session::start(&[]);
    session.wait_for("discscope-demo.cue");
    // Hex → Inspector → Tracks → Files; README.TXT is the fourth entry
    // under the view.
    session.keys("\t\t\t");
    session.wait_for("rockridge");
    session.keys("jjjj\r");
    session.wait_for("LBA 36 (00:02:36)");
    session.wait_for("/README.TXT");
    // The damaged sector is there once verification has run.
    session.keys("g0\r");
    session.wait_for("LBA 0 (00:02:00)");
    let start = Instant::now();
    loop {
        session.keys("e");
        std::thread::sleep(Duration::from_millis(100));
        if session.contents().contains("LBA 36 (00:02:36)")
            && session.contents().contains("bad sector 1 of 1")
        {
            break;
        }
        assert!(start.elapsed() < PATIENCE, "{}", session.contents());
    }
    session.quit();
}

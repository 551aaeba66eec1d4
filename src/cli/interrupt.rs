//! Ctrl-C. A command that writes files asks for [`writing`] and passes the
//! flag to the library, which stops between two reads and removes what it
//! had only partly written (a hidden `.part` file, a half-extracted
//! file); any other command ends at once, as it would without a handler.
//! A second Ctrl-C always ends the program at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first Ctrl-C while a command writes.
static CANCEL: AtomicBool = AtomicBool::new(false);
/// Whether the running command writes files and watches [`CANCEL`].
static WRITING: AtomicBool = AtomicBool::new(false);

/// The shell's code for a program ended by SIGINT (128 + 2).
pub const EXIT_CODE: u8 = 130;

/// Installs the handler (once, before the command runs).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if WRITING.load(Ordering::SeqCst) && !CANCEL.swap(true, Ordering::SeqCst) {
            return;
        }
        std::process::exit(i32::from(EXIT_CODE));
    });
}

/// Marks the command as one that writes and returns the flag its writes
/// watch.
pub fn writing() -> &'static AtomicBool {
    WRITING.store(true, Ordering::SeqCst);
    &CANCEL
}

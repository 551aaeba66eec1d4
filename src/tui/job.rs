//! Background work: each job runs off the UI thread, reports through the
//! event channel, can be cancelled, and only the newest job of a kind
//! counts (starting one cancels the one it replaces).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::thread;

use crate::fs::Node;
use crate::inspect::owners::OwnerIndex;
use crate::inspect::search::{Direction, Hit, Pattern};
use crate::tui::event::Event;
use crate::units::Lba;

/// What the inspector's `x` writes out.
#[derive(Debug, Clone)]
pub enum ExportSubject {
    /// A track, by number.
    Track(u8),
    /// A file of a filesystem view.
    File { view: usize, node: Node },
}

/// What a job sends back.
#[derive(Debug, Clone)]
pub enum JobReport {
    Progress {
        done: u64,
        total: u64,
    },
    /// The cue doctor's findings on the sheet.
    LintDone(Box<crate::lint::Diagnosis>),
    /// The sector → owner index is ready.
    OwnersDone(Result<Arc<OwnerIndex>, String>),
    /// Verification finished, or why it failed.
    VerifyDone(Result<Verified, String>),
    SearchDone {
        pattern: Pattern,
        direction: Direction,
        hit: Option<Hit>,
    },
    /// An export finished: what was written, or why not.
    ExportDone(Result<String, String>),
    /// A directory's entries, read for the tree.
    Children {
        view: usize,
        dir: u64,
        read: Result<Vec<Node>, String>,
    },
    /// The directories on the way to a path, read to reveal it in the tree.
    Revealed {
        view: usize,
        path: String,
        dirs: Result<Vec<(u64, Vec<Node>)>, String>,
    },
}

/// What a verification found and how much it could check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Bad sectors in address order.
    pub bad: Vec<Lba>,
    /// Sectors whose EDC/ECC were checked.
    pub checked: u64,
    /// Data sectors stored without EDC/ECC (cooked 2048-byte sectors).
    pub unchecked: u64,
}

/// The kinds of job: a new job of a kind replaces the running one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    Search,
    Verify,
    Owners,
    Lint,
    Export,
    /// Reading one directory (of a view, by node id).
    Directory(usize, u64),
    Reveal,
}

/// A running job: what it is, how far it got, and the flag that stops it.
#[derive(Debug)]
pub struct Running {
    pub id: u64,
    pub kind: JobKind,
    pub label: String,
    pub done: u64,
    pub total: u64,
    cancel: Arc<AtomicBool>,
}

impl Running {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// What the work of a job sees: a way to report progress and whether it
/// was cancelled.
#[derive(Debug)]
pub struct Context {
    id: u64,
    tx: Option<Sender<Event>>,
    cancel: Arc<AtomicBool>,
}

impl Context {
    /// Reports progress (dropped when nobody listens).
    pub fn progress(&self, done: u64, total: u64) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Event::Job(self.id, JobReport::Progress { done, total }));
        }
    }

    /// The flag the work polls to stop early.
    pub fn cancel_flag(&self) -> &AtomicBool {
        &self.cancel
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The work of a job: it runs once and returns its report.
pub type Work = Box<dyn FnOnce(&Context) -> JobReport + Send>;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn running(kind: JobKind, label: String) -> (Running, Context) {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let cancel = Arc::new(AtomicBool::new(false));
    let context = Context {
        id,
        tx: None,
        cancel: Arc::clone(&cancel),
    };
    let handle = Running {
        id,
        kind,
        label,
        done: 0,
        total: 0,
        cancel,
    };
    (handle, context)
}

/// Starts `work` on its own thread; its report comes back through `tx`
/// unless it was cancelled first.
pub fn spawn(kind: JobKind, label: String, work: Work, tx: Sender<Event>) -> Running {
    let (handle, mut context) = running(kind, label);
    context.tx = Some(tx.clone());
    let id = handle.id;
    thread::spawn(move || {
        let report = work(&context);
        if !context.cancelled() {
            let _ = tx.send(Event::Job(id, report));
        }
    });
    handle
}

/// Runs `work` here and now (tests, screenshots): the handle to register
/// and the report to apply.
pub fn run_here(kind: JobKind, label: String, work: Work) -> (Running, JobReport) {
    let (handle, context) = running(kind, label);
    let report = work(&context);
    (handle, report)
}

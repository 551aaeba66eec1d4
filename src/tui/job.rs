//! Background work: runs off the UI thread, reports through the event
//! channel, can be cancelled, and only the newest request of a kind counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::thread;

use crate::inspect::owners::OwnerIndex;
use crate::inspect::search::{self, Hit, Pattern};
use crate::medium::Medium;
use crate::tui::event::Event;
use crate::units::Lba;

/// What a job sends back.
#[derive(Debug, Clone)]
pub enum JobReport {
    /// The cue doctor's findings on the sheet.
    LintDone {
        id: u64,
        report: Box<crate::lint::Report>,
    },
    /// The sector → owner index is ready.
    OwnersDone {
        id: u64,
        index: Result<Arc<OwnerIndex>, String>,
    },
    /// Verification finished: the bad sectors in address order, or why it failed.
    VerifyDone {
        id: u64,
        bad: Result<Vec<Lba>, String>,
    },
    Progress {
        id: u64,
        done: u64,
        total: u64,
    },
    SearchDone {
        id: u64,
        pattern: String,
        hit: Option<Hit>,
    },
}

/// A running job: its id and the flag that stops it.
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

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The kinds of job; a new job of a kind replaces the old one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    Search,
    Verify,
    Owners,
    Lint,
}

/// Runs the cue doctor's rules over the sheet analysis the image was
/// opened from (the rules read the data files, so off the UI thread).
pub fn start_lint(sheet: Arc<crate::container::cue::Analysis>, tx: Sender<Event>) -> Running {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    thread::spawn(move || {
        let mut report = crate::lint::check_analysis(&sheet);
        report.path = sheet.path.clone();
        let report = Box::new(report);
        let _ = tx.send(Event::Job(JobReport::LintDone { id, report }));
    });
    Running {
        id,
        kind: JobKind::Lint,
        label: "checking the sheet".into(),
        done: 0,
        total: 0,
        cancel: Arc::new(AtomicBool::new(false)),
    }
}

/// Indexes which file or structure owns each sector, walking every view.
pub fn start_owners(survey: Arc<crate::survey::Survey>, tx: Sender<Event>) -> Running {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let cancel = Arc::new(AtomicBool::new(false));
    thread::spawn(move || {
        let index = OwnerIndex::build(&survey)
            .map(Arc::new)
            .map_err(|e| e.to_string());
        let _ = tx.send(Event::Job(JobReport::OwnersDone { id, index }));
    });
    Running {
        id,
        kind: JobKind::Owners,
        label: "indexing owners".into(),
        done: 0,
        total: 0,
        cancel,
    }
}

/// Starts verifying every data sector in the background.
pub fn start_verify(medium: Arc<Medium>, tx: Sender<Event>) -> Running {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    thread::spawn(move || {
        let report = crate::sector::verify::verify_until(
            &medium,
            None,
            &|done, total| {
                let _ = tx.send(Event::Job(JobReport::Progress { id, done, total }));
            },
            &flag,
        );
        if !flag.load(Ordering::Relaxed) {
            let bad = report
                .map(|r| {
                    let mut bad: Vec<Lba> = r.bad.iter().map(|b| b.lba).collect();
                    bad.sort();
                    bad
                })
                .map_err(|e| e.to_string());
            let _ = tx.send(Event::Job(JobReport::VerifyDone { id, bad }));
        }
    });
    Running {
        id,
        kind: JobKind::Verify,
        label: "verify".into(),
        done: 0,
        total: 0,
        cancel,
    }
}

/// Starts a search from `from` and returns its handle.
pub fn start_search(
    medium: Arc<Medium>,
    from: Lba,
    pattern: Pattern,
    tx: Sender<Event>,
) -> Running {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let label = format!("search {}", pattern.text);
    thread::spawn(move || {
        let progress_tx = tx.clone();
        let hit = search::search(&medium, from, &pattern, &flag, |done, total| {
            let _ = progress_tx.send(Event::Job(JobReport::Progress { id, done, total }));
        });
        if !flag.load(Ordering::Relaxed) {
            let _ = tx.send(Event::Job(JobReport::SearchDone {
                id,
                pattern: pattern.text,
                hit,
            }));
        }
    });
    Running {
        id,
        kind: JobKind::Search,
        label,
        done: 0,
        total: 0,
        cancel,
    }
}

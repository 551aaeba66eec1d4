//! Background work: runs off the UI thread, reports through the event
//! channel, can be cancelled, and only the newest request of a kind counts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::thread;

use crate::inspect::search::{self, Hit, Pattern};
use crate::medium::Medium;
use crate::tui::event::Event;
use crate::units::Lba;

/// What a job sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobReport {
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
        label,
        done: 0,
        total: 0,
        cancel,
    }
}

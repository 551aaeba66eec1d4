//! One channel for everything that can change the screen: terminal input,
//! results of background jobs, and ticks while a job runs.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind};

use crate::tui::job::JobReport;

/// Something that happened.
#[derive(Debug)]
pub enum Event {
    Term(TermEvent),
    /// A job's report, with the job's id.
    Job(u64, JobReport),
    /// Sent only while jobs run, to animate their progress.
    Tick,
}

/// The receiving end the loop waits on, and a sender for jobs.
#[derive(Debug)]
pub struct Events {
    pub rx: Receiver<Event>,
    pub tx: Sender<Event>,
}

impl Events {
    /// Starts the input thread. It blocks in `read`, so an idle UI uses no CPU.
    pub fn start() -> Events {
        let (tx, rx) = channel();
        let input = tx.clone();
        thread::spawn(move || {
            loop {
                match event::read() {
                    // Key releases and repeats are not presses (doubled keys on Windows).
                    Ok(TermEvent::Key(key)) if key.kind != KeyEventKind::Press => continue,
                    Ok(event) => {
                        if input.send(Event::Term(event)).is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        });
        Events { rx, tx }
    }

    /// Waits for the next event; with jobs running, at most `tick`.
    pub fn next(&self, jobs_running: bool, tick: Duration) -> Option<Event> {
        if jobs_running {
            match self.rx.recv_timeout(tick) {
                Ok(event) => Some(event),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Some(Event::Tick),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => None,
            }
        } else {
            self.rx.recv().ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Idle means asleep: with no job running, `next` waits for an event
    /// and produces no ticks, so nothing is redrawn.
    #[test]
    fn idle_waits_and_busy_ticks() {
        let (tx, rx) = channel();
        let events = Events { rx, tx: tx.clone() };
        let waiter = std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let event = events.next(false, Duration::from_millis(10));
            (
                started.elapsed(),
                matches!(event, Some(Event::Tick)),
                events,
            )
        });
        std::thread::sleep(Duration::from_millis(300));
        tx.send(Event::Tick).unwrap();
        let (waited, _, events) = waiter.join().unwrap();
        assert!(
            waited >= Duration::from_millis(290),
            "returned after {waited:?} with nothing to do"
        );
        // With a job running it ticks on its own.
        assert!(matches!(
            events.next(true, Duration::from_millis(10)),
            Some(Event::Tick)
        ));
    }
}

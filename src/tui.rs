//! The full-screen inspector. One event channel feeds a pure `update`; the
//! screen is redrawn only when something changed, so an idle UI sleeps.

pub mod action;
pub mod app;
pub mod event;
pub mod job;
pub mod keymap;
pub mod panes;
pub mod terminal;
pub mod theme;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::{Event as TermEvent, MouseButton, MouseEventKind};

use crate::error::{Error, Result};
use crate::survey::Survey;
use app::{App, Effect, Options};
use event::{Event, Events};

/// How often progress is redrawn while a job runs.
const TICK: Duration = Duration::from_millis(100);

/// Runs the inspector on a surveyed medium until the user quits; `sheet`
/// is the analysis of the cue sheet it was opened from, if any.
pub fn run(
    survey: Arc<Survey>,
    sheet: Option<Arc<crate::container::cue::Analysis>>,
    options: Options,
) -> Result<()> {
    let mut guard = terminal::Guard::enter().map_err(|e| Error::io("terminal", e))?;
    let events = Events::start();
    let mut app = App::new(survey, options);
    if let Some(sheet) = sheet {
        app.jobs.push(job::start_lint(sheet, events.tx.clone()));
    }
    if !app.views.is_empty() || !app.survey.structures().is_empty() {
        app.jobs.push(job::start_owners(
            Arc::clone(&app.survey),
            events.tx.clone(),
        ));
    }
    if app.medium.tracks.iter().any(|t| !t.is_audio()) {
        app.jobs
            .push(job::start_verify(app.medium.clone(), events.tx.clone()));
    }
    let mut dirty = true;
    while !app.quit {
        if dirty {
            let size = guard
                .terminal
                .size()
                .map_err(|e| Error::io("terminal", e))?;
            view::fit(
                &mut app,
                ratatui::layout::Rect::new(0, 0, size.width, size.height),
            );
            guard
                .terminal
                .draw(|frame| view::draw(frame, &mut app))
                .map_err(|e| Error::io("terminal", e))?;
        }
        let Some(event) = events.next(app.busy(), TICK) else {
            break;
        };
        let effects = match event {
            Event::Term(TermEvent::Key(key)) => app.key(key),
            Event::Term(TermEvent::Mouse(mouse)) => match mouse.kind {
                MouseEventKind::ScrollDown => app.update(action::Action::Down),
                MouseEventKind::ScrollUp => app.update(action::Action::Up),
                MouseEventKind::Down(MouseButton::Left) => {
                    let size = guard
                        .terminal
                        .size()
                        .map_err(|e| Error::io("terminal", e))?;
                    let screen = ratatui::layout::Rect::new(0, 0, size.width, size.height);
                    view::click(&mut app, screen, mouse.column, mouse.row);
                    Vec::new()
                }
                _ => {
                    dirty = false;
                    continue;
                }
            },
            Event::Term(TermEvent::Resize(..)) => Vec::new(),
            Event::Term(_) => {
                dirty = false;
                continue;
            }
            Event::Job(report) => {
                app.job(report);
                Vec::new()
            }
            Event::Tick => Vec::new(),
        };
        for effect in effects {
            match effect {
                Effect::CancelSearch => {
                    for job in app.jobs.iter().filter(|j| j.kind == job::JobKind::Search) {
                        job.cancel();
                    }
                    app.jobs.retain(|j| j.kind != job::JobKind::Search);
                }
                Effect::StartSearch(pattern) => {
                    let running =
                        job::start_search(app.medium.clone(), app.lba, pattern, events.tx.clone());
                    app.jobs.push(running);
                }
            }
        }
        dirty = true;
    }
    for job in app.jobs.drain(..) {
        job.cancel();
    }
    Ok(())
}

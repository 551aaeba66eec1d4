//! The full-screen inspector. One event channel feeds a pure `update`; the
//! screen is redrawn only when something changed, so an idle UI sleeps.

pub mod action;
pub mod app;
pub mod bookmarks;
pub mod effect;
pub mod event;
pub mod job;
pub mod keymap;
pub mod layout;
pub mod panes;
pub mod terminal;
pub mod theme;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use ratatui::crossterm::event::{Event as TermEvent, MouseButton, MouseEventKind};

use crate::error::{Error, Result};
use crate::survey::Survey;
use app::{App, Appearance};
use event::{Event, Events};

/// How often progress is redrawn while a job runs.
const TICK: Duration = Duration::from_millis(100);

/// Runs the inspector on a surveyed medium until the user quits; `sheet`
/// is the analysis of the cue sheet it was opened from, if any.
pub fn run(
    survey: Arc<Survey>,
    sheet: Option<Arc<crate::container::SheetAnalysis>>,
    options: Appearance,
) -> Result<()> {
    let mut guard = terminal::Guard::enter().map_err(|e| Error::io("terminal", e))?;
    let events = Events::start();
    let mut app = App::new(survey, options);
    app.state_folder = bookmarks::state_folder();
    if let Some(folder) = &app.state_folder {
        let store = bookmarks::Store::locate(folder, &app.medium.path);
        app.bookmarks = store.load();
        app.store = Some(store);
    }
    let startup = app.startup(sheet);
    effect::carry_out(&mut app, startup, &events.tx);
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
                MouseEventKind::Down(MouseButton::Left) => app.update(action::Action::Click {
                    column: mouse.column,
                    row: mouse.row,
                }),
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
            Event::Job(id, report) => app.job(id, report),
            Event::Tick => Vec::new(),
        };
        effect::carry_out(&mut app, effects, &events.tx);
        dirty = true;
    }
    for job in app.jobs.drain(..) {
        job.cancel();
    }
    Ok(())
}

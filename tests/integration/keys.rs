//! The key map kept honest: every binding changes the screen in each pane
//! where the hint line offers it, and changes nothing in the others.

use std::sync::Arc;

use discscope::container;
use discscope::survey::Survey;
use discscope::tui::app::{App, Appearance, Pane};
use discscope::tui::effect;
use discscope::tui::keymap::BINDINGS;
use discscope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyEvent;

/// The demo disc under a sheet with a few findings, every background job
/// done, a search made, and every pane somewhere its keys can move.
fn busy_app(sheet: &std::path::Path, pane: Pane) -> App {
    let opened = container::open_with_options(
        sheet,
        &container::OpenOptions {
            best_effort: true,
            ..Default::default()
        },
    )
    .unwrap();
    let mut app = App::new(
        Arc::new(Survey::new(Arc::new(opened.medium), &Default::default())),
        Appearance {
            color: true,
            ascii: false,
        },
    );
    let startup = app.startup(opened.sheet);
    effect::settle(&mut app, startup);
    let press = |app: &mut App, text: &str| {
        for c in text.chars() {
            let code = match c {
                '\r' => ratatui::crossterm::event::KeyCode::Enter,
                c => ratatui::crossterm::event::KeyCode::Char(c),
            };
            let effects = app.key(KeyEvent::from(code));
            effect::settle(app, effects);
        }
    };
    press(&mut app, "/CD001\r");
    press(&mut app, "g16\r");
    app.overlay = discscope::tui::app::Overlay::None;
    app.cursor = 100;
    app.track_row = 1;
    app.diagnostic_row = 1;
    app.focus_on(pane);
    draw(&mut app);
    // The tree on its second row, a folded folder; the inspector scrolled
    // a little.
    match pane {
        Pane::Tree => {
            app.tree_state.key_down();
        }
        Pane::Inspector => app.inspector_top = 2,
        _ => {}
    }
    app.message = None;
    draw(&mut app);
    app
}

fn draw(app: &mut App) -> Buffer {
    let area = ratatui::layout::Rect::new(0, 0, 80, 24);
    view::fit(app, area);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn every_key_acts_where_offered_and_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let demo = discscope::demo::write(dir.path()).unwrap();
    let text = std::fs::read_to_string(&demo).unwrap().replace(
        "    FLAGS DCP\n",
        "    FLAGS DCP\n    FLAGS DCP XYZ\n    ISRC BAD\n",
    );
    let sheet = dir.path().join("findings.cue");
    std::fs::write(&sheet, text).unwrap();
    for binding in BINDINGS {
        let &(code, modifiers) = binding.keys.first().unwrap();
        for pane in Pane::ALL {
            let mut app = busy_app(&sheet, pane);
            let before = draw(&mut app);
            let effects = app.key(KeyEvent::new(code, modifiers));
            effect::settle(&mut app, effects);
            let after = draw(&mut app);
            let acted = before != after || app.quit;
            assert_eq!(
                acted,
                binding.acts.includes(pane),
                "`{}` in the {pane:?} pane: {}",
                binding.label,
                if acted {
                    "changed the screen where it is not offered"
                } else {
                    "changed nothing where it is offered"
                }
            );
        }
    }
}

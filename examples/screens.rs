//! Renders the inspector's real screens (the same `App` and `view::draw` the
//! binary uses) into cell grids for `scripts/screenshots.sh`, which paints
//! them as PNGs. Usage: `cargo run --example screens -- IMAGE OUT_DIR`.

use std::io::Write;
use std::sync::Arc;

use discscope::tui::app::{App, Appearance};
use discscope::tui::effect;
use discscope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

fn color(color: Color) -> String {
    match color {
        Color::Reset => "reset".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => format!("idx{i}"),
        other => format!("{other:?}"),
    }
}

/// One JSON line per row: `[[symbol, fg, bg, flags], ...]`.
fn dump(buffer: &Buffer, out: &mut impl Write) -> std::io::Result<()> {
    let area = buffer.area;
    for y in 0..area.height {
        let cells: Vec<serde_json::Value> = (0..area.width)
            .filter_map(|x| buffer.cell((x, y)))
            .map(|cell| {
                let m = cell.modifier;
                let flags = format!(
                    "{}{}{}",
                    if m.contains(Modifier::BOLD) { "b" } else { "" },
                    if m.contains(Modifier::REVERSED) {
                        "r"
                    } else {
                        ""
                    },
                    if m.contains(Modifier::UNDERLINED) {
                        "u"
                    } else {
                        ""
                    },
                );
                serde_json::json!([cell.symbol(), color(cell.fg), color(cell.bg), flags])
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Array(cells))?;
    }
    Ok(())
}

/// Draws a frame and throws it away, as the UI would between keys.
fn draw(app: &mut App, width: u16, height: u16) {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    view::fit(app, area);
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    let _ = terminal.draw(|frame| view::draw(frame, app));
}

/// The `g` prompt, answered.
fn go_to(app: &mut App, address: &str) {
    key(app, KeyCode::Char('g'));
    for c in address.chars() {
        key(app, KeyCode::Char(c));
    }
    key(app, KeyCode::Enter);
}

fn key(app: &mut App, code: KeyCode) {
    let effects = app.key(KeyEvent::new(code, KeyModifiers::NONE));
    effect::settle(app, effects);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let image = args.next().ok_or("usage: screens IMAGE OUT_DIR")?;
    let out_dir = std::path::PathBuf::from(args.next().ok_or("usage: screens IMAGE OUT_DIR")?);
    std::fs::create_dir_all(&out_dir)?;
    let opened = discscope::container::open_with_options(
        std::path::Path::new(&image),
        &discscope::container::OpenOptions {
            best_effort: true,
            ..Default::default()
        },
    )?;
    let sheet = opened.sheet;
    let medium = Arc::new(opened.medium);
    let survey = Arc::new(discscope::survey::Survey::new(
        Arc::clone(&medium),
        &Default::default(),
    ));
    let options = Appearance {
        color: true,
        ascii: false,
    };

    type Step = fn(&mut App);
    let scenes: [(&str, u16, u16, Step); 7] = [
        ("sheet", 120, 36, |app| {
            for _ in 0..4 {
                key(app, KeyCode::Tab);
            }
            key(app, KeyCode::Enter);
        }),
        ("inspector", 170, 46, |app| {
            // The primary volume descriptor, cursor on its volume identifier.
            go_to(app, "16");
            for _ in 0..(16 + 40) {
                key(app, KeyCode::Right);
            }
        }),
        ("help", 100, 32, |app| key(app, KeyCode::Char('?'))),
        ("map", 100, 32, |app| key(app, KeyCode::Char('m'))),
        // 80×24, as over SSH: one pane at a time under a tab bar.
        ("small", 80, 24, |app| {
            go_to(app, "0x9338");
        }),
        ("small-files", 80, 24, |app| {
            for _ in 0..3 {
                key(app, KeyCode::Tab);
            }
            // The tree moves through the rows it last drew.
            for code in [KeyCode::Down, KeyCode::Right, KeyCode::Right] {
                draw(app, 80, 24);
                key(app, code);
            }
        }),
        ("small-goto", 80, 24, |app| {
            key(app, KeyCode::Char('g'));
            for c in "-150".chars() {
                key(app, KeyCode::Char(c));
            }
            key(app, KeyCode::Enter);
        }),
    ];
    for (name, width, height, step) in scenes {
        // The start-up jobs run to their end, as the UI shows them once
        // they have reported.
        let mut app = App::new(Arc::clone(&survey), options);
        let startup = app.startup(sheet.clone());
        effect::settle(&mut app, startup);
        view::fit(&mut app, ratatui::layout::Rect::new(0, 0, width, height));
        step(&mut app);
        let mut terminal = Terminal::new(TestBackend::new(width, height))?;
        view::fit(&mut app, ratatui::layout::Rect::new(0, 0, width, height));
        terminal.draw(|frame| view::draw(frame, &mut app))?;
        let mut file = std::fs::File::create(out_dir.join(format!("{name}.cells")))?;
        dump(terminal.backend().buffer(), &mut file)?;
        println!("{name}: {width}x{height}");
    }
    Ok(())
}

//! Inspector speed: drawing a frame at 200×60, and a key press through to the
//! finished frame on an 8 GiB image whose sectors are not in the page cache.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use discscope::survey::Survey;
use discscope::tui::app::{App, Appearance};
use discscope::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

/// A key press and the work it asks for (the loop reads the sector moved
/// to before the next frame).
fn press(app: &mut App, code: KeyCode) {
    let effects = app.key(KeyEvent::new(code, KeyModifiers::NONE));
    discscope::tui::effect::settle(app, effects);
}

fn frames(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let sheet = discscope::demo::write(dir.path()).expect("demo disc");
    let medium = Arc::new(discscope::container::open(&sheet).expect("opens"));
    let options = Appearance {
        color: true,
        ascii: false,
    };
    let size = Rect::new(0, 0, 200, 60);

    let survey = Arc::new(Survey::new(Arc::clone(&medium), &Default::default()));
    let mut app = App::new(survey, options);
    view::fit(&mut app, size);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("backend");
    c.bench_function("frame 200x60 (demo disc, hex + inspector)", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| view::draw(frame, &mut app))
                .expect("draw");
            black_box(terminal.backend().buffer().area);
        })
    });

    // 8 GiB of raw MODE1 sectors (sparse), visited at addresses spread over
    // the whole image so that every step misses the page cache.
    let big = dir.path().join("big.bin");
    let file = std::fs::File::create(&big).expect("image");
    file.set_len(2352 * 3_652_000).expect("sparse size");
    std::fs::write(
        dir.path().join("big.cue"),
        "FILE big.bin BINARY\n TRACK 01 MODE1/2352\n  INDEX 01 00:00:00\n",
    )
    .expect("sheet");
    let medium = Arc::new(discscope::container::open(&dir.path().join("big.cue")).expect("opens"));
    let mut app = App::new(Arc::new(Survey::new(medium, &Default::default())), options);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("backend");
    let mut step = 0u64;
    c.bench_function("goto key to frame, 8 GiB image, uncached", |b| {
        b.iter(|| {
            step = (step + 7_919) % 3_600_000;
            press(&mut app, KeyCode::Char('g'));
            for digit in step.to_string().chars() {
                press(&mut app, KeyCode::Char(digit));
            }
            press(&mut app, KeyCode::Enter);
            view::fit(&mut app, size);
            terminal
                .draw(|frame| view::draw(frame, &mut app))
                .expect("draw");
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);

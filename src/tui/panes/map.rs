//! The disc map overlay: one cell per run of sectors, coloured by kind.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::inspect::map::CellKind;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::units::Lba;

/// The map's area on a screen: all of it but a margin.
pub fn area(screen: Rect) -> Rect {
    Rect {
        x: screen.x + 2,
        y: screen.y + 1,
        width: screen.width.saturating_sub(4),
        height: screen.height.saturating_sub(3),
    }
}

/// Cells across and down inside the map's frame (one legend line below).
pub fn geometry(screen: Rect) -> (usize, usize) {
    let area = area(screen);
    (
        usize::from(area.width.saturating_sub(2)),
        usize::from(area.height.saturating_sub(4)),
    )
}

fn glyph(kind: CellKind, theme: &Theme) -> (char, Style) {
    let (ascii, color) = match kind {
        CellKind::Mode1 => ('1', Color::Green),
        CellKind::Mode2 => ('2', Color::Magenta),
        CellKind::Cooked => ('c', Color::Cyan),
        CellKind::Audio => ('a', Color::Blue),
        CellKind::Unstored => ('.', Color::DarkGray),
        CellKind::Disk => ('d', Color::Yellow),
        CellKind::Bad => ('X', Color::Red),
    };
    match (theme.color, theme.ascii) {
        (true, false) => ('█', Style::new().fg(color)),
        (true, true) => (ascii, Style::new().fg(color)),
        (false, _) => (ascii, Style::new()),
    }
}

pub fn render(frame: &mut Frame, screen: Rect, app: &App, at: Lba, theme: &Theme) {
    let area = area(screen);
    let map = app.disc_map();
    let selected = map.cell_of(at);
    let columns = app.map_columns.max(1);
    let mut lines: Vec<Line> = map
        .cells
        .chunks(columns)
        .enumerate()
        .map(|(row, cells)| {
            Line::from(
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, &kind)| {
                        let (c, style) = glyph(kind, theme);
                        if row * columns + i == selected {
                            // A reversed full block would vanish: the cursor gets its own glyph.
                            Span::styled(if theme.ascii { "@" } else { "◆" }, theme.cursor())
                        } else {
                            Span::styled(c.to_string(), style)
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    lines.push(Line::raw(""));
    let legend: Vec<Span> = [
        (CellKind::Mode1, "mode 1"),
        (CellKind::Mode2, "mode 2"),
        (CellKind::Cooked, "cooked"),
        (CellKind::Audio, "audio"),
        (CellKind::Unstored, "not stored"),
        (CellKind::Disk, "disk"),
        (CellKind::Bad, "bad"),
    ]
    .into_iter()
    .flat_map(|(kind, name)| {
        let (c, style) = glyph(kind, theme);
        [
            Span::styled(c.to_string(), style),
            Span::raw(format!(" {name}  ")),
        ]
    })
    .collect();
    lines.push(Line::from(legend));
    lines.push(Line::styled(
        format!(
            "cursor: sectors {}..{} ({} per cell); Enter jumps, Esc closes",
            map.lba_of(selected),
            map.lba_of(selected).0 + i64::try_from(map.per_cell).unwrap_or(0) - 1,
            map.per_cell
        ),
        theme.dim(),
    ));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).block(super::block(" Disc map ", theme, true)),
        area,
    );
}

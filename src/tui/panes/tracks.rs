//! Sessions and tracks (or, for disks, the sector range).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::escape::escape;
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, focused: bool) {
    let medium = &app.medium;
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for session in &medium.sessions {
        if medium.sessions.len() > 1 {
            lines.push(Line::styled(
                format!("Session {}", session.number),
                theme.dim(),
            ));
        }
        for (index, track) in medium
            .tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.session == session.number)
        {
            let here = app.sector.track == Some(index);
            let marker = if here { ">" } else { " " };
            let text = format!(
                "{marker}{:02} {:<10} {:>7}",
                track.number,
                track.mode.cue_name(),
                track.start.0
            );
            let style = if index == app.track_row && focused {
                theme.selected()
            } else if here {
                theme.title()
            } else {
                ratatui::style::Style::new()
            };
            if index == app.track_row {
                selected_line = lines.len();
            }
            lines.push(Line::from(Span::styled(text, style)));
            if index == app.track_row {
                let file = track
                    .file
                    .and_then(|f| medium.files.get(f))
                    .map(|f| escape(&f.name).into_owned())
                    .unwrap_or_default();
                lines.push(Line::styled(
                    format!("   {} sectors", track.length),
                    theme.dim(),
                ));
                if track.pregap > 0 {
                    let stored = if track.pregap_in_file {
                        ""
                    } else {
                        " (not stored)"
                    };
                    lines.push(Line::styled(
                        format!("   pregap {}{stored}", track.pregap),
                        theme.dim(),
                    ));
                }
                if !file.is_empty() {
                    lines.push(Line::styled(format!("   {file}"), theme.dim()));
                }
            }
        }
    }
    // A broken sheet's tracks that could not be laid out, at their lines.
    for left_out in medium
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::container::cue::NOT_LAID_OUT)
    {
        let line = left_out
            .line()
            .map_or_else(String::new, |l| format!("line {l}: "));
        lines.push(Line::styled(
            format!(" {line}{}", escape(&left_out.message)),
            theme.error(),
        ));
    }
    if medium.tracks.is_empty() {
        lines.extend(partition_lines(app, theme, focused));
        if medium.kind == crate::medium::MediumKind::Optical {
            lines.push(Line::styled(
                "no track could be laid out; the sheet pane says why",
                theme.error(),
            ));
        } else if app.partitions.is_empty() {
            lines.push(Line::raw(format!(
                "disk image, {} sectors",
                medium.sector_count()
            )));
            lines.push(Line::raw(format!("of {} bytes", medium.sector_size)));
        }
        selected_line = app.track_row;
    }
    let height = usize::from(area.height.saturating_sub(2));
    let top = selected_line.saturating_sub(height.saturating_sub(3));
    let paragraph = Paragraph::new(lines)
        .scroll((u16::try_from(top).unwrap_or(0), 0))
        .block(super::block(
            if medium.tracks.is_empty() && !app.partitions.is_empty() {
                " Partitions "
            } else {
                " Tracks "
            },
            theme,
            focused,
        ));
    frame.render_widget(paragraph, area);
}

/// One line a partition: index, scheme, type, start and length in sectors.
fn partition_lines<'a>(
    app: &'a App,
    theme: &Theme,
    focused: bool,
) -> impl Iterator<Item = Line<'a>> + 'a {
    let (selected, plain) = (theme.selected(), ratatui::style::Style::new());
    app.partitions.iter().enumerate().map(move |(row, p)| {
        let kind = p.type_name.map_or_else(|| p.type_text(), str::to_owned);
        let here = app.lba.0 >= i64::try_from(p.start).unwrap_or(i64::MAX)
            && app.lba.0 < i64::try_from(p.start.saturating_add(p.length)).unwrap_or(i64::MAX);
        let text = format!(
            "{}{:>2} @{} {} ({} sectors, {})",
            if here { ">" } else { " " },
            p.index,
            p.start,
            escape(&kind),
            p.length,
            p.scheme.as_str()
        );
        Line::styled(
            text,
            if row == app.track_row && focused {
                selected
            } else {
                plain
            },
        )
    })
}

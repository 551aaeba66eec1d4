//! The filesystem tree: every view, directories read when opened, and each
//! view's on-disk structures.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_tree_widget::{Tree, TreeItem};

use crate::escape::escape;
use crate::inspect::tree::{TreeId, TreeRow};
use crate::tui::app::App;
use crate::tui::theme::Theme;

fn item(row: TreeRow) -> Option<TreeItem<'static, TreeId>> {
    let label = escape(&row.label).into_owned();
    if row.branch {
        let children: Vec<_> = row.children.into_iter().filter_map(item).collect();
        // Identifiers are record positions, so siblings never collide; if a
        // hostile image manages it anyway, the row is dropped, not the tree.
        TreeItem::new(row.id, label, children).ok()
    } else {
        Some(TreeItem::new_leaf(row.id, label))
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme, focused: bool) {
    let block = super::block(" Files ", theme, focused);
    let opened = app.tree_state.opened().clone();
    let rows = app
        .tree
        .rows(|id| opened.iter().any(|path| path.last() == Some(&id)));
    if rows.is_empty() {
        let text = Paragraph::new(Line::styled("no filesystem found", theme.dim())).block(block);
        frame.render_widget(text, area);
        return;
    }
    let items: Vec<_> = rows.into_iter().filter_map(item).collect();
    match Tree::new(&items) {
        Ok(tree) => {
            let tree = if theme.ascii {
                tree.node_closed_symbol("+ ")
                    .node_open_symbol("- ")
                    .node_no_children_symbol("  ")
            } else {
                tree
            };
            let tree = tree.block(block).highlight_style(if focused {
                theme.selected()
            } else {
                theme.title()
            });
            frame.render_stateful_widget(tree, area, &mut app.tree_state);
        }
        Err(error) => {
            let text = Paragraph::new(Line::styled(error.to_string(), theme.error())).block(block);
            frame.render_widget(text, area);
        }
    }
}

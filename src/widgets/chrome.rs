//! What every view draws with: the accent colour, dim text, a titled block, and overlays
//! (centred, cleared).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Clear};

use crate::text;

pub(crate) const ACCENT: Color = Color::Cyan;

fn title(s: &str) -> Span<'static> {
    Span::styled(
        format!(" {s} "),
        Style::default().add_modifier(Modifier::BOLD),
    )
}

/// Hints and secondary text.
pub(crate) fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

pub(crate) fn block(s: &str, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(ACCENT)
    } else {
        dim()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(title(s))
}

/// Blanks `area` for an overlay. A wide character just left of it would have its right
/// half under the overlay's border, which terminals draw as garbage: blank it too.
pub(crate) fn clear_for_overlay(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        let cell = &mut buf[(area.x - 1, y)];
        if text::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A dialog's key line: next field, choose, save (named `save`), cancel — keys from the
/// keymap in force.
pub(crate) fn dialog_hint(
    keymap: &crate::keymap::Keymap,
    lang: crate::i18n::Lang,
    save: &str,
) -> String {
    use crate::action::Action;
    use crate::keymap::Context;
    let k = |a: Action| keymap.hint(Context::Form, a);
    match lang {
        crate::i18n::Lang::Zh => format!(
            "{} 下一项 · ←→ 选择 · {} {save} · {} 取消",
            k(Action::NextField),
            k(Action::Save),
            k(Action::Back)
        ),
        crate::i18n::Lang::En => format!(
            "{} next field · ←→ choose · {} {save} · {} cancel",
            k(Action::NextField),
            k(Action::Save),
            k(Action::Back)
        ),
    }
}

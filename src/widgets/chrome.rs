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

/// A box's title: the first of `choices` (longest first) that its top border shows
/// whole in `width` columns, else the last, cut — measured, not guessed from the width.
pub(crate) fn title_fitting(width: u16, choices: Vec<String>) -> String {
    let room = (width as usize).saturating_sub(4);
    let last = choices.len().saturating_sub(1);
    choices
        .into_iter()
        .enumerate()
        .find(|(i, c)| *i == last || text::width(c) <= room)
        .map(|(_, c)| text::truncate(&c, room))
        .unwrap_or_default()
}

/// One ranked item of a key line: the key bound to `action` in `context`, then `words`.
pub(crate) fn key_item(
    keymap: &crate::keymap::Keymap,
    context: crate::keymap::Context,
    action: crate::action::Action,
    words: &str,
    rank: u8,
) -> (String, u8) {
    (format!("{} {words}", keymap.hint(context, action)), rank)
}

/// A dialog's keys, ranked for `text::fit_items`: save and cancel stay at any width, then
/// next field, then choose — keys from the keymap in force; `save` names what saving does.
pub(crate) fn dialog_keys(
    keymap: &crate::keymap::Keymap,
    lang: crate::i18n::Lang,
    save: &str,
) -> Vec<(String, u8)> {
    use crate::action::Action;
    use crate::keymap::Context;
    let k = |a: Action| keymap.hint(Context::Form, a);
    vec![
        (
            format!(
                "{} {}",
                k(Action::NextField),
                lang.pick("下一项", "next field")
            ),
            1,
        ),
        (lang.pick("←→ 选择", "←→ choose").to_string(), 2),
        (format!("{} {save}", k(Action::Save)), 0),
        (
            format!("{} {}", k(Action::Back), lang.pick("取消", "cancel")),
            0,
        ),
    ]
}

/// A dialog's key line in `cols` columns (see `dialog_keys`).
pub(crate) fn dialog_hint(
    keymap: &crate::keymap::Keymap,
    lang: crate::i18n::Lang,
    save: &str,
    cols: usize,
) -> String {
    crate::text::fit_items(&dialog_keys(keymap, lang, save), " · ", cols)
}

/// A read-only overlay's lines in `area`, from line `scroll`: when they run past the
/// bottom, the border says where the page is and which key turns it (`page_key`).
/// Returns what was shown, for PageDown to move by.
pub(crate) fn scrolled(
    frame: &mut ratatui::Frame,
    area: ratatui::layout::Rect,
    b: ratatui::widgets::Block<'_>,
    lines: Vec<ratatui::text::Line<'_>>,
    scroll: u16,
    lang: crate::i18n::Lang,
    page_key: &str,
) -> Scrolled {
    let rows = area.height.saturating_sub(2).max(1);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let scroll = scroll.min(total.saturating_sub(rows));
    let b = if total > rows {
        // PageDown moves a page less one line (see App::update_modal).
        let step = rows.saturating_sub(1).max(1);
        let pages = 1 + (total - rows).div_ceil(step);
        let more = scroll + rows < total;
        let page = if more {
            1 + scroll.div_ceil(step)
        } else {
            pages
        };
        let words = match (lang, more) {
            (crate::i18n::Lang::Zh, true) => format!(" 第{page}/{pages}页 · {page_key} 下一页 "),
            (crate::i18n::Lang::Zh, false) => format!(" 第{page}/{pages}页 · 完 "),
            (crate::i18n::Lang::En, true) => format!(" page {page}/{pages} · {page_key} next "),
            (crate::i18n::Lang::En, false) => format!(" page {page}/{pages} · end "),
        };
        b.title_bottom(ratatui::text::Line::from(words).right_aligned())
    } else {
        b
    };
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines)
            .block(b)
            .scroll((scroll, 0)),
        area,
    );
    Scrolled { rows, lines: total }
}

/// A scrolling overlay as drawn: rows on screen and lines in all.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scrolled {
    pub rows: u16,
    pub lines: u16,
}

impl Scrolled {
    /// The first line shown after turning a page down or up from `scroll`: a page is
    /// what was shown less a line kept for context, and the last page shows the end,
    /// never blank rows after it.
    #[must_use]
    pub fn turned(self, scroll: u16, down: bool) -> u16 {
        let page = self.rows.saturating_sub(1).max(1);
        if down {
            scroll
                .saturating_add(page)
                .min(self.lines.saturating_sub(self.rows))
        } else {
            scroll.saturating_sub(page)
        }
    }
}

//! Lines drawn straight into the frame's buffer, cut at the area's edge without splitting
//! a wide character.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Lines drawn one per row from the top of `area`, each cut at its right edge (a wide
/// character that would straddle it is left out): what `Paragraph::new(lines)` draws, less
/// its reflow machinery, which was a third of a full redraw.
pub fn put_lines<'a>(frame: &mut Frame, area: Rect, lines: impl IntoIterator<Item = Line<'a>>) {
    let buf = frame.buffer_mut();
    let area = area.intersection(buf.area);
    for (line, y) in lines.into_iter().zip(area.top()..area.bottom()) {
        let mut x = area.x;
        for span in &line {
            let left = area.right() - x;
            if left == 0 {
                break;
            }
            x = put_str(buf, x, y, &span.content, left, line.style.patch(span.style));
        }
    }
}

/// A character that is a whole grapheme on its own and never joins its neighbours: what
/// the desk's text is made of (printable ASCII, Chinese characters and punctuation,
/// full-width forms, a few symbols).
fn stands_alone(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{00A5}' | '\u{00B7}' | '\u{2014}' | '\u{2026}' | '\u{2190}'..='\u{2193}'
        | '\u{2264}' | '\u{2265}' | '\u{2500}'..='\u{257F}'
        | '\u{3000}'..='\u{303F}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF5E}')
}

/// `Buffer::set_stringn`, the same cells, without grapheme segmentation when every
/// character stands alone (looking each character up in the segmentation tables was the
/// largest part of drawing a screen). Returns the column after the text.
fn put_str(buf: &mut Buffer, mut x: u16, y: u16, s: &str, max_width: u16, style: Style) -> u16 {
    if !s.chars().all(stands_alone) {
        return buf.set_stringn(x, y, s, usize::from(max_width), style).0;
    }
    let end = buf.area.right().min(x.saturating_add(max_width));
    for c in s.chars() {
        let w = super::cells(c.width().unwrap_or(0));
        if x + w > end {
            break;
        }
        buf[(x, y)].set_char(c).set_style(style);
        for hidden in x + 1..x + w {
            buf[(hidden, y)].reset();
        }
        x += w;
    }
    x
}

/// A label-and-value line (two spans) wrapped to `cols`: the value goes on under itself,
/// between words, where the line is too long (a record's arbitration clock, which ends
/// with the date its year runs from). Other lines pass unchanged.
pub fn wrap_value(line: Line<'static>, cols: usize) -> Vec<Line<'static>> {
    let width: usize = line
        .spans
        .iter()
        .map(|s| crate::text::width(&s.content))
        .sum();
    if width <= cols || line.spans.len() != 2 {
        return vec![line];
    }
    let (label, value) = (&line.spans[0], &line.spans[1]);
    let indent = crate::text::width(&label.content);
    let parts = crate::text::wrap_words(&value.content, cols.saturating_sub(indent).max(8));
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 {
                label.clone()
            } else {
                Span::raw(" ".repeat(indent))
            };
            Line::from(vec![head, Span::styled(part, value.style)])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    #[test]
    fn the_fast_path_draws_the_cells_set_stringn_draws() {
        let texts = [
            "王秀英 13800138000 工地拖欠两个月工资",
            "a·b—c…¥5000 ≥ 3000 ←↑→↓ │┌┐",
            "宽字在边上宽字在边上宽字在边上",
            "e\u{301}combining, 👍🏽 emoji, 한국어, \u{1F1E8}\u{1F1F3} flags",
            "tab\there\ncontrol",
            "",
            "全角:ＡＢＣ,。!",
        ];
        let style = Style::default()
            .fg(Color::Yellow)
            .add_modifier(Modifier::BOLD);
        for t in texts {
            for (x, max) in [(0u16, 40u16), (3, 17), (5, 18), (0, 1), (38, 10), (0, 0)] {
                let area = Rect::new(0, 0, 41, 1);
                let mut fast = Buffer::filled(area, ratatui::buffer::Cell::new("x"));
                let mut slow = fast.clone();
                let end = put_str(&mut fast, x, 0, t, max, style);
                let (slow_end, _) = slow.set_stringn(x, 0, t, usize::from(max), style);
                assert_eq!(fast, slow, "{t:?} at {x} in {max}");
                assert_eq!(end, slow_end, "{t:?} at {x} in {max}");
            }
        }
    }
}

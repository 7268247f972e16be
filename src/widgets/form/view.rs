//! Drawing a form: labels in a column, each value (masked, noted, or in error) after
//! its label, the focused field's error in full below, and the real cursor for the IME.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Form, FormField, Mask, Value};
use crate::i18n::Lang;
use crate::text;

impl Form {
    /// Draws the fields into `area`; `focused` says whether the form has the keyboard.
    /// Places the real terminal cursor in the focused text field so the IME candidate
    /// window opens there.
    pub fn render(&self, frame: &mut Frame, area: Rect, focused: bool, lang: Lang) {
        let label_cols = self.label_cols.min(area.width / 3);
        let value_x = area.x + label_cols + 1;
        let value_cols = area.width.saturating_sub(label_cols + 1);
        let mut y = area.y;
        // Keep the focused field on screen when the form is taller than the area.
        let mut skip_rows = 0u16;
        let focus_bottom: u16 = self.fields[..=self.focus]
            .iter()
            .filter(|f| f.shown)
            .map(|f| f.rows())
            .sum();
        if focus_bottom > area.height {
            skip_rows = focus_bottom - area.height;
        }
        let mut row_index = 0u16;
        for (i, f) in self.fields.iter().enumerate().filter(|(_, f)| f.shown) {
            let rows = f.rows();
            if row_index + rows <= skip_rows {
                row_index += rows;
                continue;
            }
            row_index += rows;
            if y + rows > area.y + area.height {
                break;
            }
            let has_focus = focused && i == self.focus;
            let star = if f.required { "*" } else { "" };
            let mut label = format!("{}{star}", lang.pick(f.label_zh, f.label_en));
            if let Some((zh, en)) = f.short
                && text::width(&label) > label_cols as usize
            {
                label = format!("{}{star}", lang.pick(zh, en));
            }
            let label_style = if has_focus {
                Style::default()
                    .fg(Color::Black)
                    .bg(Color::Cyan)
                    .add_modifier(Modifier::BOLD)
            } else if f.error.is_some() {
                Style::default().fg(Color::Red)
            } else {
                Style::default().fg(Color::Gray)
            };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    text::pad(&label, label_cols as usize),
                    label_style,
                )),
                Rect::new(area.x, y, label_cols, 1),
            );
            let value_rect = Rect::new(value_x, y, value_cols, rows);
            self.render_value(frame, f, value_rect, has_focus, lang);
            y += rows;
        }
        // The focused field's error in full below the form, where it cannot be cut off.
        if let (true, Some(err)) = (focused, &self.focused().error) {
            let label = lang.pick(self.focused().label_zh, self.focused().label_en);
            let message = format!("! {label}: {err}");
            let lines = text::wrap_words(&message, area.width as usize);
            // Where the form leaves too few rows, the field's `!` and the status line say it.
            let rows_left = (area.y + area.height).saturating_sub(y + 1) as usize;
            let lines = if lines.len() <= rows_left {
                lines
            } else {
                Vec::new()
            };
            for line in lines {
                y += 1;
                frame.render_widget(
                    Paragraph::new(Span::styled(line, Style::default().fg(Color::Red))),
                    Rect::new(area.x, y, area.width, 1),
                );
            }
        }
    }

    fn render_value(&self, frame: &mut Frame, f: &FormField, r: Rect, has_focus: bool, lang: Lang) {
        let value_style = if has_focus {
            Style::default().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default()
        };
        // After the value: its note, then its error, in `room` columns. Neither is cut to
        // nonsense: a note too long is cut with `..`, an error too long is only its `!`
        // (the focused field's error is said whole below the form).
        let tail = |room: usize| -> Vec<Span<'static>> {
            let mut spans = Vec::new();
            let mut left = room;
            if let Some(note) = &f.note {
                let note = text::truncate(&format!("  {note}"), left);
                left = left.saturating_sub(text::width(&note));
                spans.push(Span::styled(note, Style::default().fg(Color::DarkGray)));
            }
            if let Some(err) = &f.error {
                let whole = format!("  ! {err}");
                let err = if text::width(&whole) <= left {
                    whole
                } else {
                    "  !".to_string()
                };
                spans.push(Span::styled(err, Style::default().fg(Color::Red)));
            }
            spans
        };
        // What the tail wants, so the value's box can leave it room.
        let tail_cols = f.note.as_ref().map_or(0, |n| text::width(n) + 2)
            + f.error.as_ref().map_or(0, |e| text::width(e) + 4);
        match &f.value {
            Value::Text(input) => {
                // Leave room after the value for a note or error when not focused.
                let box_cols = if has_focus {
                    (r.width as usize).saturating_sub(1)
                } else {
                    r.width as usize
                };
                let raw = input.value();
                let masked = (!has_focus && !f.revealed) || f.hidden;
                let shown = match f.mask {
                    Mask::With(mask) if masked && !raw.is_empty() => mask(raw),
                    _ => raw.to_string(),
                };
                // Focused: a roomy box to type in. Otherwise just wide enough that a note
                // or an error right after it stays on screen.
                let min_cols = if has_focus { 40 } else { 24 };
                let mut field_cols = text::width(&shown).max(min_cols).min(box_cols);
                if !has_focus && field_cols + tail_cols > box_cols {
                    field_cols = (text::width(&shown) + 1)
                        .max(box_cols.saturating_sub(tail_cols))
                        .min(field_cols);
                }
                let scroll = if has_focus && !f.hidden {
                    input.visual_scroll(field_cols.saturating_sub(1))
                } else {
                    0
                };
                let visible = skip_cols(&shown, scroll);
                let mut spans = vec![Span::styled(text::pad(&visible, field_cols), value_style)];
                spans.extend(tail((r.width as usize).saturating_sub(field_cols)));
                crate::widgets::lines::put_lines(frame, r, [Line::from(spans)]);
                if has_focus {
                    let cursor = if f.hidden {
                        text::width(&shown)
                    } else {
                        input.visual_cursor()
                    };
                    let x = r.x + crate::widgets::cells(cursor.saturating_sub(scroll));
                    frame.set_cursor_position(Position::new(
                        x.min(r.x + r.width.saturating_sub(1)),
                        r.y,
                    ));
                }
            }
            Value::Choice { options, index } => {
                let o = &options[*index];
                let label = lang.pick(&o.zh, &o.en);
                let shown = if has_focus {
                    format!("< {label} >")
                } else {
                    label.to_string()
                };
                let room = (r.width as usize).saturating_sub(text::width(&shown));
                let mut spans = vec![Span::styled(shown, value_style)];
                spans.extend(tail(room));
                crate::widgets::lines::put_lines(frame, r, [Line::from(spans)]);
            }
            Value::Area { area, .. } => {
                let cols = (r.width as usize).saturating_sub(1).max(2);
                let (lines, (crow, ccol)) = area.view(cols);
                let first = crow.saturating_sub(r.height.saturating_sub(1) as usize);
                let mut out: Vec<Line> = lines
                    .iter()
                    .skip(first)
                    .take(r.height as usize)
                    .map(|l| Line::from(Span::styled(l.clone(), value_style)))
                    .collect();
                if let (Some(err), Some(last)) = (&f.error, out.last_mut()) {
                    last.spans.push(Span::styled(
                        format!("  ! {err}"),
                        Style::default().fg(Color::Red),
                    ));
                }
                crate::widgets::lines::put_lines(frame, r, out);
                if has_focus {
                    let y = r.y + crate::widgets::cells(crow - first);
                    frame.set_cursor_position(Position::new(r.x + crate::widgets::cells(ccol), y));
                }
            }
        }
    }
}

/// Drops the first `cols` display columns of `s`.
fn skip_cols(s: &str, cols: usize) -> String {
    let mut used = 0;
    s.chars()
        .skip_while(|c| {
            if used >= cols {
                return false;
            }
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            true
        })
        .collect()
}

//! A small multi-line editor for the visit summary: Chinese text, wrapped by display
//! width, with the real cursor placed where the IME expects it. (tui-input is one line.)

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextArea {
    text: String,
    /// Cursor as a char index into `text`.
    cursor: usize,
}

/// Where each char sits once wrapped: (row, col) per char index, plus the end position.
fn layout(text: &str, cols: usize) -> Vec<(usize, usize)> {
    let cols = cols.max(2);
    let mut pos = Vec::with_capacity(text.len() + 1);
    let (mut row, mut col) = (0, 0);
    for c in text.chars() {
        if c == '\n' {
            pos.push((row, col));
            row += 1;
            col = 0;
            continue;
        }
        let w = c.width().unwrap_or(0);
        if col + w > cols {
            row += 1;
            col = 0;
        }
        pos.push((row, col));
        col += w;
    }
    pos.push((row, col));
    pos
}

impl TextArea {
    pub fn new(text: &str) -> TextArea {
        TextArea {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    pub fn value(&self) -> &str {
        &self.text
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    pub fn insert_str(&mut self, s: &str) {
        let at = self.byte_at(self.cursor);
        let clean: String = s.chars().filter(|c| *c != '\r').collect();
        self.text.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    /// Handles an editing key; returns false for keys it leaves to the keymap.
    pub fn handle_key(&mut self, key: &KeyEvent, cols: usize) -> bool {
        if key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return false;
        }
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char(c) => self.insert_str(&c.to_string()),
            KeyCode::Enter => self.insert_str("\n"),
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
            }
            KeyCode::Backspace | KeyCode::Delete => {}
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home | KeyCode::End => {
                let pos = layout(&self.text, cols);
                let row = pos[self.cursor].0;
                let in_row = (0..pos.len()).filter(|i| pos[*i].0 == row);
                self.cursor = if key.code == KeyCode::Home {
                    in_row.min().unwrap_or(0)
                } else {
                    in_row.max().unwrap_or(len)
                };
            }
            KeyCode::Up | KeyCode::Down => {
                let pos = layout(&self.text, cols);
                let (row, col) = pos[self.cursor];
                let target = if key.code == KeyCode::Up {
                    match row.checked_sub(1) {
                        Some(r) => r,
                        None => return true,
                    }
                } else {
                    row + 1
                };
                if let Some(i) = (0..pos.len())
                    .filter(|i| pos[*i].0 == target)
                    .min_by_key(|i| pos[*i].1.abs_diff(col))
                {
                    self.cursor = i;
                }
            }
            _ => return false,
        }
        true
    }

    /// The wrapped lines to draw and the cursor (row, col), for a box `cols` wide.
    pub fn view(&self, cols: usize) -> (Vec<String>, (usize, usize)) {
        let pos = layout(&self.text, cols);
        let rows = pos.last().map_or(1, |p| p.0 + 1);
        let mut lines = vec![String::new(); rows];
        for (c, (row, _)) in self.text.chars().zip(pos.iter()) {
            if c != '\n' {
                lines[*row].push(c);
            }
        }
        (lines, pos[self.cursor])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn wide_text_wraps_and_the_cursor_follows() {
        let t = TextArea::new("欠薪十三人共十一万");
        let (lines, cursor) = t.view(8);
        assert_eq!(lines, vec!["欠薪十三", "人共十一", "万"]);
        assert_eq!(cursor, (2, 2));
    }

    #[test]
    fn editing_keys_work_on_chinese_text() {
        let mut t = TextArea::new("张三");
        t.handle_key(&key(KeyCode::Left), 20);
        t.handle_key(&key(KeyCode::Char('小')), 20);
        assert_eq!(t.value(), "张小三");
        t.handle_key(&key(KeyCode::Enter), 20);
        t.handle_key(&key(KeyCode::Backspace), 20);
        t.handle_key(&key(KeyCode::Backspace), 20);
        assert_eq!(t.value(), "张三");
        t.handle_key(&key(KeyCode::End), 20);
        t.handle_key(&key(KeyCode::Enter), 20);
        t.handle_key(&key(KeyCode::Char('a')), 20);
        t.handle_key(&key(KeyCode::Up), 20);
        assert_eq!(t.view(20).1.0, 0);
        assert!(!t.handle_key(
            &KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
            20
        ));
    }
}

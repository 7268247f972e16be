//! Key names as keymap files write them (`C-s`, `S-Tab`, `F1`, `/`) and as the help shows them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with its modifiers, normalised so the same physical key compares equal however
/// the terminal reported it (Shift on letters and BackTab dropped, Ctrl letters lower-cased).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

/// `KeyCode` is not `Ord`; this is the subset keymaps can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Home,
    End,
    PageUp,
    PageDown,
    Up,
    Down,
    Left,
    Right,
}

impl KeyChord {
    pub fn from_event(e: &KeyEvent) -> Option<KeyChord> {
        let code = match e.code {
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Insert => KeyCodeKey::Insert,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            _ => return None,
        };
        Some(
            KeyChord {
                code,
                ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
                alt: e.modifiers.contains(KeyModifiers::ALT),
                shift: e.modifiers.contains(KeyModifiers::SHIFT),
            }
            .normalised(),
        )
    }

    fn normalised(mut self) -> KeyChord {
        match self.code {
            KeyCodeKey::Tab if self.shift => {
                self.code = KeyCodeKey::BackTab;
                self.shift = false;
            }
            KeyCodeKey::BackTab => self.shift = false,
            KeyCodeKey::Char(c) => {
                self.shift = false;
                if self.ctrl || self.alt {
                    self.code = KeyCodeKey::Char(c.to_ascii_lowercase());
                }
            }
            _ => {}
        }
        self
    }

    /// Parses `C-s`, `ctrl+s`, `A-x`, `S-Tab`, `F1`, `Enter`, `Space`, `/`.
    pub fn parse(text: &str) -> Option<KeyChord> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            let prefix_len = [
                "c-", "ctrl-", "ctrl+", "a-", "alt-", "alt+", "s-", "shift-", "shift+",
            ]
            .iter()
            .find(|p| lower.starts_with(*p) && rest.len() > p.len())
            .map(|p| p.len());
            let Some(n) = prefix_len else { break };
            match lower.as_bytes()[0] {
                b'c' => ctrl = true,
                b'a' => alt = true,
                _ => shift = true,
            }
            rest = &rest[n..];
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" | "ret" => KeyCodeKey::Enter,
            "esc" | "escape" => KeyCodeKey::Esc,
            "tab" => KeyCodeKey::Tab,
            "backtab" => KeyCodeKey::BackTab,
            "backspace" | "bs" => KeyCodeKey::Backspace,
            "delete" | "del" => KeyCodeKey::Delete,
            "insert" | "ins" => KeyCodeKey::Insert,
            "home" => KeyCodeKey::Home,
            "end" => KeyCodeKey::End,
            "pageup" | "pgup" => KeyCodeKey::PageUp,
            "pagedown" | "pgdn" => KeyCodeKey::PageDown,
            "up" => KeyCodeKey::Up,
            "down" => KeyCodeKey::Down,
            "left" => KeyCodeKey::Left,
            "right" => KeyCodeKey::Right,
            "space" => KeyCodeKey::Char(' '),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                let n: u8 = f[1..].parse().ok()?;
                if !(1..=12).contains(&n) {
                    return None;
                }
                KeyCodeKey::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCodeKey::Char(c)
            }
        };
        Some(
            KeyChord {
                code,
                ctrl,
                alt,
                shift,
            }
            .normalised(),
        )
    }

    pub fn to_event(self) -> KeyEvent {
        let mut mods = KeyModifiers::NONE;
        if self.ctrl {
            mods |= KeyModifiers::CONTROL;
        }
        if self.alt {
            mods |= KeyModifiers::ALT;
        }
        if self.shift || self.code == KeyCodeKey::BackTab {
            mods |= KeyModifiers::SHIFT;
        }
        let code = match self.code {
            KeyCodeKey::Char(c) => KeyCode::Char(c),
            KeyCodeKey::F(n) => KeyCode::F(n),
            KeyCodeKey::Enter => KeyCode::Enter,
            KeyCodeKey::Esc => KeyCode::Esc,
            KeyCodeKey::Tab => KeyCode::Tab,
            KeyCodeKey::BackTab => KeyCode::BackTab,
            KeyCodeKey::Backspace => KeyCode::Backspace,
            KeyCodeKey::Delete => KeyCode::Delete,
            KeyCodeKey::Insert => KeyCode::Insert,
            KeyCodeKey::Home => KeyCode::Home,
            KeyCodeKey::End => KeyCode::End,
            KeyCodeKey::PageUp => KeyCode::PageUp,
            KeyCodeKey::PageDown => KeyCode::PageDown,
            KeyCodeKey::Up => KeyCode::Up,
            KeyCodeKey::Down => KeyCode::Down,
            KeyCodeKey::Left => KeyCode::Left,
            KeyCodeKey::Right => KeyCode::Right,
        };
        KeyEvent::new(code, mods)
    }
}

impl std::fmt::Display for KeyChord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ctrl {
            f.write_str("C-")?;
        }
        if self.alt {
            f.write_str("A-")?;
        }
        if self.shift {
            f.write_str("S-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => f.write_str("Space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::F(n) => write!(f, "F{n}"),
            KeyCodeKey::BackTab => f.write_str("S-Tab"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_key_are_equal() {
        assert_eq!(KeyChord::parse("C-s"), KeyChord::parse("ctrl+S"));
        assert_eq!(KeyChord::parse("S-Tab"), KeyChord::parse("BackTab"));
        assert_eq!(KeyChord::parse("F1").unwrap().to_string(), "F1");
        assert_eq!(KeyChord::parse("C-q").unwrap().to_string(), "C-q");
        assert_eq!(KeyChord::parse("S-Tab").unwrap().to_string(), "S-Tab");
        assert_eq!(KeyChord::parse("F13"), None);
        assert_eq!(KeyChord::parse("Hyper-x"), None);
    }

    #[test]
    fn events_round_trip() {
        for k in ["C-s", "F2", "S-Tab", "/", "Enter", "A-x", "Space"] {
            let chord = KeyChord::parse(k).unwrap();
            assert_eq!(KeyChord::from_event(&chord.to_event()), Some(chord), "{k}");
        }
    }
}

//! Key scripts for tests and benchmarks: `"F2 张三 Tab 13800138000 C-s"`. Each
//! space-separated token is a key name (`Tab`, `C-s`, `F2`, `S-Tab`, `Space`...) or else
//! text typed one character at a time, as an IME commits it.

use crossterm::event::KeyEvent;

use crate::keymap::KeyChord;

pub fn keys(script: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    for token in script.split_whitespace() {
        let is_name = token.chars().count() > 1 || !token.chars().all(|c| c.is_alphanumeric());
        match KeyChord::parse(token).filter(|_| is_name) {
            Some(chord) if token.chars().count() > 1 => out.push(chord.to_event()),
            _ => out.extend(token.chars().map(|c| {
                KeyChord::parse(&c.to_string())
                    .expect("a char is a key")
                    .to_event()
            })),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn names_are_keys_and_other_tokens_are_typed() {
        let k = keys("张三 Tab 138 C-s /");
        let codes: Vec<KeyCode> = k.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec![
                KeyCode::Char('张'),
                KeyCode::Char('三'),
                KeyCode::Tab,
                KeyCode::Char('1'),
                KeyCode::Char('3'),
                KeyCode::Char('8'),
                KeyCode::Char('s'),
                KeyCode::Char('/')
            ]
        );
        assert_eq!(k[6].modifiers, KeyModifiers::CONTROL);
    }
}

//! Characters a terminal acts on rather than shows: C0 and C1 controls, DEL, and the
//! bidirectional marks, overrides and isolates that reorder what is shown. One definition
//! for what the importers clean out and what the desk's output shows as symbols.

/// Whether `c` would drive a terminal (or reorder text) instead of being shown.
pub fn drives_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

#[cfg(test)]
mod tests {
    #[test]
    fn controls_and_bidi_marks_drive_a_terminal_and_text_does_not() {
        for c in [
            '\u{1b}', '\u{7}', '\u{9b}', '\u{7f}', '\t', '\u{202e}', '\u{2066}', '\u{200f}',
        ] {
            assert!(super::drives_terminal(c), "{c:?}");
        }
        for c in ['张', 'a', ' ', '·', '—', '\u{3000}'] {
            assert!(!super::drives_terminal(c), "{c:?}");
        }
    }
}

//! What the desk prints or writes from the data is made harmless at the edge: no control
//! sequence reaches a terminal, no cell reaches a spreadsheet as a formula.

use std::borrow::Cow;

use crate::domain::control::drives_terminal as is_unsafe;

/// Text for a terminal: each C0 control shown as its control picture (ESC as ␛, tab as
/// ␉), DEL as ␡, C1 controls and bidi overrides as �. With `keep_newlines`, a newline
/// stays a newline (and CRLF becomes one).
pub fn terminal(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            '\n' if keep_newlines => out.push('\n'),
            '\u{0}'..='\u{1f}' => {
                out.push(char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{fffd}'));
            }
            '\u{7f}' => out.push('\u{2421}'),
            c if is_unsafe(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A CSV cell a spreadsheet will not run: text beginning with `=`, `+`, `-`, `@`, tab or
/// CR gets a leading `'` (OWASP's rule). A plain number stays a number.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if !risky || is_plain_number(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("'{s}"))
}

/// `-12`, `3.50`: what the desk writes for counts and yuan.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A CSV cell from the data: harmless to a terminal (newlines kept) and to a spreadsheet.
pub fn csv_text(s: &str) -> String {
    csv_cell(&terminal(s, true)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_sequences_are_shown_not_obeyed() {
        let hostile = "张三\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}abc\u{8}\r\t\u{7f}";
        let shown = terminal(hostile, false);
        assert!(
            shown.chars().all(|c| !is_unsafe(c)),
            "{shown:?} still has a control"
        );
        assert!(shown.starts_with("张三␛]0;pwned␇␛[2J"));
        assert_eq!(terminal("a\r\nb\nc", true), "a\nb\nc");
        assert_eq!(terminal("a\nb", false), "a␊b");
        assert!(matches!(
            terminal("李梅 138****8000", false),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn formulas_get_an_apostrophe_and_numbers_stay_numbers() {
        for cell in [
            "=1+1",
            "+1",
            "-cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\t=1+1",
            "\r=1",
        ] {
            assert_eq!(csv_cell(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["-12", "3.50", "0", "张三", "¥1,000", "a=1"] {
            assert_eq!(csv_cell(cell), cell);
        }
        assert_eq!(csv_cell("-"), "'-");
        assert_eq!(csv_cell("-1."), "'-1.");
    }
}

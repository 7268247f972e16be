//! Numbers written inside free text (a summary, a note): the runs of digits a phone or an
//! ID number makes however it was typed — ASCII or full-width digits, single spaces or
//! dashes between groups (`138 0013 8000`), an ID number's final X. One scanner for every
//! place that keeps such numbers out of what it writes (the hub's copy, a masked ledger).

use std::borrow::Cow;

/// `text` with each run of digits offered to `replace`, which gets the run's digits (ASCII,
/// a final X upper-case) and returns what to write instead, or `None` to keep the run as
/// written.
pub fn replace_runs(text: &str, mut replace: impl FnMut(&str) -> Option<String>) -> Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: char| -> Option<char> {
        match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            _ => None,
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, with single separators between them.
        let start = i;
        let mut digits = String::new();
        let mut end = i;
        let mut j = i;
        while j < chars.len() {
            if let Some(d) = digit(chars[j]) {
                digits.push(d);
                j += 1;
                end = j;
            } else if matches!(chars[j], ' ' | '-')
                && j + 1 < chars.len()
                && digit(chars[j + 1]).is_some()
            {
                j += 1;
            } else {
                break;
            }
        }
        if end < chars.len() && matches!(chars[end], 'X' | 'x' | 'Ｘ' | 'ｘ') && digits.len() >= 14
        {
            end += 1;
            digits.push('X');
        }
        match replace(&digits) {
            Some(instead) => {
                out.push_str(&instead);
                changed = true;
            }
            None => out.extend(&chars[start..end]),
        }
        i = end;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_its_digits_however_typed() {
        let mut seen = Vec::new();
        let kept = replace_runs(
            "电话 138 0013-8000,证１１０１０５１９４９１２３１００２ｘ,2026-11-30",
            |d| {
                seen.push(d.to_string());
                None
            },
        );
        assert_eq!(seen, ["13800138000", "11010519491231002X", "20261130"]);
        assert!(
            matches!(kept, Cow::Borrowed(_)),
            "nothing replaced, nothing copied"
        );
    }
}

//! Text measured in terminal columns: a Chinese character takes two, so truncation, padding
//! and wrapping count display width, never chars or bytes. Ratatui wraps only at spaces,
//! so Chinese text is pre-wrapped here.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Cuts `s` to at most `max` columns, ending with `..` when something was cut.
/// Never splits a wide character.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(2);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    if max >= 2 {
        out.push_str("..");
    }
    out
}

/// Pads with spaces to exactly `cols` columns (truncating first if longer).
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = truncate(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Wraps text to lines of at most `cols` columns, breaking between any two characters
/// (Chinese has no spaces) and at newlines. Always returns at least one line.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let mut lines = Vec::new();
    for logical in s.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in logical.chars() {
            let w = char_width(c);
            if used + w > cols {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    lines
}

/// The text on one line, for list rows: newlines and tabs become spaces.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\n' || c == '\t' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `n` and an English noun in its number: `1 visit`, `3 visits`.
pub fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A key-hint line that fits `cols` columns by leaving out whole items, never cutting one:
/// `items` are (text, rank), rank 0 kept longest; among equal ranks the later goes first.
/// What is left keeps its order. Only a lone item too wide for the line is cut.
pub fn fit_items(items: &[(String, u8)], sep: &str, cols: usize) -> String {
    let mut kept: Vec<bool> = vec![true; items.len()];
    let line = |kept: &[bool]| {
        items
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k)
            .map(|((t, _), _)| t.as_str())
            .collect::<Vec<_>>()
            .join(sep)
    };
    // Least needed first: highest rank, then the later of equals.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(items[i].1), std::cmp::Reverse(i)));
    for i in order {
        if width(&line(&kept)) <= cols || kept.iter().filter(|k| **k).count() == 1 {
            break;
        }
        kept[i] = false;
    }
    truncate(&line(&kept), cols)
}

/// Punctuation a line may not start with (Chinese and Latin): ,。、;:!?)》」』】”’… , . ; : ! ? )
const CLOSING: &str = "\u{ff0c}\u{3002}\u{3001}\u{ff1b}\u{ff1a}\u{ff01}\u{ff1f}\u{ff09}\u{300b}\u{300d}\u{300f}\u{3011}\u{201d}\u{2019}\u{2026},.;:!?)";

/// Wraps to `cols` columns between words: at a space, or beside a wide (Chinese)
/// character, never before closing punctuation; a word longer than a line is split.
pub fn wrap_words(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(2);
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    // Where the line may be broken: the char index the next line would start at, and the
    // one before it (for when `c` turns out to be punctuation that must not start a line).
    let mut last_break: Option<usize> = None;
    let mut prior_break: Option<usize> = None;
    for c in s.chars() {
        let wide = UnicodeWidthChar::width(c).unwrap_or(0) > 1;
        if CLOSING.contains(c) {
            if last_break == Some(line.len()) {
                last_break = prior_break;
            }
        } else if wide && !line.is_empty() && last_break != Some(line.len()) {
            prior_break = last_break;
            last_break = Some(line.len());
        }
        line.push(c);
        let used: usize = line
            .iter()
            .map(|c| UnicodeWidthChar::width(*c).unwrap_or(0))
            .sum();
        if used > cols {
            let at = last_break.filter(|&b| b > 0).unwrap_or(line.len() - 1);
            let rest = line.split_off(at);
            lines.push(line.iter().collect::<String>().trim_end().to_string());
            line = rest.into_iter().skip_while(|c| *c == ' ').collect();
            last_break = None;
            prior_break = None;
        }
        if c == ' ' || wide {
            prior_break = last_break;
            last_break = Some(line.len());
        }
    }
    if !line.is_empty() {
        lines.push(line.into_iter().collect());
    }
    lines
}

#[cfg(test)]
mod tests {

    #[test]
    fn wrapping_breaks_between_words_and_never_before_closing_punctuation() {
        assert_eq!(
            wrap_words("p prints the referral slip", 20),
            vec!["p prints the", "referral slip"]
        );
        // A number between Chinese characters stays whole.
        assert_eq!(
            wrap_words("行政中心区古墩路102号", 18),
            vec!["行政中心区古墩路", "102号"]
        );
        // `,` goes with the word before it, not to the start of the next line.
        let lines = wrap_words("C-s 保存\u{ff0c}Esc 不新增\u{3002}", 10);
        assert!(
            lines.iter().all(|l| !l.starts_with('\u{ff0c}')),
            "{lines:?}"
        );
        assert!(
            lines.iter().all(|l| !l.starts_with('\u{3002}')),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        // A word longer than a line is split, not lost.
        assert_eq!(
            wrap_words("/srv/desk/station.db", 8).concat(),
            "/srv/desk/station.db"
        );
    }

    #[test]
    fn a_hint_line_leaves_out_whole_items_least_needed_first() {
        let items = |v: &[(&str, u8)]| -> Vec<(String, u8)> {
            v.iter().map(|(t, r)| ((*t).to_string(), *r)).collect()
        };
        let keys = items(&[
            ("Enter next", 1),
            ("←→ choose", 2),
            ("C-s save", 0),
            ("Esc cancel", 0),
        ]);
        let all = "Enter next · ←→ choose · C-s save · Esc cancel";
        assert_eq!(fit_items(&keys, " · ", 80), all);
        assert_eq!(
            fit_items(&keys, " · ", width(all) - 1),
            "Enter next · C-s save · Esc cancel"
        );
        assert_eq!(fit_items(&keys, " · ", 22), "C-s save · Esc cancel");
        // Equal ranks: the later goes first.
        assert_eq!(fit_items(&keys, " · ", 10), "C-s save");
        // One item left and still too wide: cut, as anything else would be.
        assert_eq!(fit_items(&keys, " · ", 6), "C-s ..");
        let zh = items(&[("↑↓ 选择", 0), ("Enter 详情", 1), ("C-t 推荐给来访人", 0)]);
        assert_eq!(fit_items(&zh, " · ", 30), "↑↓ 选择 · C-t 推荐给来访人");
    }
    use super::*;

    #[test]
    fn truncation_counts_columns_and_never_splits_a_wide_char() {
        assert_eq!(truncate("张三丰是谁", 6), "张三..");
        assert_eq!(truncate("张三丰是谁", 7), "张三..");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(width(&truncate("快递员王师傅来访", 9)), 8);
    }

    #[test]
    fn padding_reaches_the_exact_width() {
        assert_eq!(pad("张三", 6), "张三  ");
        assert_eq!(width(&pad("张三丰是谁", 7)), 7);
    }

    #[test]
    fn wrapping_breaks_chinese_between_characters() {
        assert_eq!(
            wrap("欠薪十三人共十一万五千元", 8),
            vec!["欠薪十三", "人共十一", "万五千元"]
        );
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        assert_eq!(wrap("", 10), vec![""]);
    }
}

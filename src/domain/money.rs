//! Money is integer fen (分). People type yuan: `115000`, `115,000`, `¥115,000.50`,
//! `11.5万`, `11.5万元`.

use crate::i18n::Lang;
use crate::words::Said;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyError {
    Unparseable,
    /// More than two decimals: finer than a fen.
    TooPrecise,
    TooLarge,
}

impl MoneyError {
    /// What is wrong, as a message of the catalog (`money.*`).
    pub fn said(self) -> Said {
        match self {
            MoneyError::Unparseable => Said::new("money.unparseable"),
            MoneyError::TooPrecise => Said::new("money.too_precise"),
            MoneyError::TooLarge => Said::new("money.too_large"),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        self.said().say(lang)
    }
}

impl std::fmt::Display for MoneyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for MoneyError {}

/// Parses an amount in yuan into fen.
pub fn parse_yuan(raw: &str) -> Result<i64, MoneyError> {
    let mut t: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '\u{FF0C}' | ' ' | '¥' | '\u{FFE5}'))
        .collect();
    if let Some(s) = t.strip_suffix('元') {
        t = s.to_string();
    }
    let (t, scale_wan) = match t.strip_suffix('万') {
        Some(s) => (s.to_string(), true),
        None => (t, false),
    };
    if t.is_empty() {
        return Err(MoneyError::Unparseable);
    }
    let (int_part, frac_part) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int_part.is_empty() && frac_part.is_empty() || !digits(int_part) || !digits(frac_part) {
        return Err(MoneyError::Unparseable);
    }
    // Work in units of 1/1,000,000 of a yuan so 万 with decimals stays exact.
    let frac_places = if scale_wan { 6 } else { 2 };
    if frac_part.len() > frac_places {
        return Err(MoneyError::TooPrecise);
    }
    let int: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| MoneyError::TooLarge)?
    };
    let mut frac_str = frac_part.to_string();
    while frac_str.len() < frac_places {
        frac_str.push('0');
    }
    let frac: i64 = if frac_str.is_empty() {
        0
    } else {
        frac_str.parse().unwrap_or(0)
    };
    let fen = if scale_wan {
        // 1万 = 1,000,000 fen; the fraction has 6 places of 万 = fen.
        int.checked_mul(1_000_000).and_then(|v| v.checked_add(frac))
    } else {
        int.checked_mul(100).and_then(|v| v.checked_add(frac))
    };
    fen.filter(|v| *v <= 100_000_000_000_000)
        .ok_or(MoneyError::TooLarge)
}

/// `¥115,000` or `¥115,000.50`.
pub fn format_fen(fen: i64) -> String {
    let yuan = fen / 100;
    let cents = fen % 100;
    let digits = yuan.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if cents == 0 {
        format!("¥{grouped}")
    } else {
        format!("¥{grouped}.{cents:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_in_the_ways_people_write_it() {
        assert_eq!(parse_yuan("115000"), Ok(11_500_000));
        assert_eq!(parse_yuan("115,000"), Ok(11_500_000));
        assert_eq!(parse_yuan("¥115,000.50"), Ok(11_500_050));
        assert_eq!(parse_yuan("11.5万"), Ok(11_500_000));
        assert_eq!(parse_yuan("7万元"), Ok(7_000_000));
        assert_eq!(parse_yuan("600元"), Ok(60_000));
        assert_eq!(parse_yuan("0.5"), Ok(50));
    }

    #[test]
    fn nonsense_and_sub_fen_amounts_are_refused() {
        assert_eq!(parse_yuan("abc"), Err(MoneyError::Unparseable));
        assert_eq!(parse_yuan("-5"), Err(MoneyError::Unparseable));
        assert_eq!(parse_yuan(""), Err(MoneyError::Unparseable));
        assert_eq!(parse_yuan("1.234"), Err(MoneyError::TooPrecise));
        assert_eq!(
            parse_yuan("99999999999999999999"),
            Err(MoneyError::TooLarge)
        );
    }

    #[test]
    fn formatting_groups_thousands() {
        assert_eq!(format_fen(11_500_000), "¥115,000");
        assert_eq!(format_fen(7_000_050), "¥70,000.50");
        assert_eq!(format_fen(60_000), "¥600");
    }
}

//! Money is integer fen (分). People type yuan: `115000`, `115,000`, `¥115,000.50`,
//! `11.5万`, `11.5万元`.

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount of yuan, e.g. 115000 or 11.5万")]
    Unparseable,
    #[error("amounts are in yuan with at most two decimals (fen)")]
    TooPrecise,
    #[error("amount too large")]
    TooLarge,
}

impl MoneyError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (MoneyError::Unparseable, Lang::Zh) => "金额格式不对,例:115000 或 11.5万".into(),
            (MoneyError::TooPrecise, Lang::Zh) => "金额最多精确到分(两位小数)".into(),
            (MoneyError::TooLarge, Lang::Zh) => "金额过大".into(),
        }
    }
}

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

//! Resident identity numbers (居民身份证号码), GB 11643-1999.
//!
//! 18 characters: 6-digit region, 8-digit birth date, 3-digit sequence (odd = male), and a
//! check character over the first 17 (ISO 7064 MOD 11-2, `X` standing for 10). Old 15-digit
//! numbers (6 region, YYMMDD born 19YY, 3 sequence, no check) are accepted as they are.
//! Validation is two layers, tested separately: the form (length, digits, a real date from
//! 1900-01-01 on) and the check character; then the birth date must not be after today
//! (`IdNumber::parse_on` takes today from the caller). The province (the first two digits)
//! is checked against GB/T 2260's list as a warning the officer can accept
//! (`IdNumber::warnings`), not a refusal: a number is what the card says.

use chrono::{Datelike, NaiveDate};

use crate::domain::lists::Gender;
use crate::i18n::Lang;
use crate::words::Said;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// Not 18 characters (nor 15): how many it has.
    Length(usize),
    /// The character at this place (from 1) must be a digit.
    NotDigit(usize),
    /// The birth date (YYYYMMDD) does not exist.
    BadDate(String),
    /// The birth date is before 1900-01-01.
    TooEarly(String),
    /// The birth date is after today.
    Future(String),
    CheckChar {
        expected: char,
        found: char,
    },
}

impl IdError {
    /// What is wrong, as a message of the catalog (`id_number.*`).
    pub fn said(&self) -> Said {
        match self {
            IdError::Length(n) => Said::new("id_number.length").with("n", n),
            IdError::NotDigit(p) => Said::new("id_number.not_digit").with("pos", p),
            IdError::BadDate(d) => Said::new("id_number.bad_date").with("date", d),
            IdError::TooEarly(d) => Said::new("id_number.too_early").with("date", d),
            IdError::Future(d) => Said::new("id_number.future").with("date", d),
            IdError::CheckChar { expected, found } => Said::new("id_number.check_char")
                .with("expected", expected)
                .with("found", found),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        self.said().say(lang)
    }
}

impl std::fmt::Display for IdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for IdError {}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits (which must be ASCII digits).
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// What the officer is told about a number that is accepted but looks odd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdWarning {
    /// The first two digits are no province, autonomous region, municipality or SAR.
    UnknownProvince(String),
}

impl IdWarning {
    pub fn said(&self) -> Said {
        match self {
            IdWarning::UnknownProvince(p) => Said::new("id_number.unknown_province").with("p", p),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        self.said().say(lang)
    }
}

/// The provinces' codes (GB/T 2260): 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71 (Taiwan),
/// 81 (Hong Kong), 82 (Macao), 83 (Taiwan residents' permits), 91 (abroad).
pub fn province_known(code: &str) -> bool {
    matches!(
        code.parse::<u8>(),
        Ok(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 83 | 91)
    ) && code.len() == 2
}

/// Today's date in China (UTC+8), for `IdNumber::parse` whose callers have no clock to give.
pub(crate) fn today_in_china() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Layer 1: length, digits and a real birth date. Returns the normalised text
/// (upper-case X, surrounding blanks removed) and the birth date.
pub fn check_form(raw: &str) -> Result<(String, NaiveDate), IdError> {
    let s: String = raw.trim().to_ascii_uppercase();
    let n = s.chars().count();
    if n != 18 && n != 15 {
        return Err(IdError::Length(n));
    }
    let digits_needed = if n == 18 { 17 } else { 15 };
    for (i, c) in s.chars().enumerate() {
        let ok = if i < digits_needed {
            c.is_ascii_digit()
        } else {
            c.is_ascii_digit() || c == 'X'
        };
        if !ok {
            return Err(IdError::NotDigit(i + 1));
        }
    }
    let date_text = if n == 18 {
        s[6..14].to_string()
    } else {
        format!("19{}", &s[6..12])
    };
    let date = NaiveDate::parse_from_str(&date_text, "%Y%m%d")
        .map_err(|_| IdError::BadDate(date_text.clone()))?;
    if date.year() < 1900 {
        return Err(IdError::TooEarly(date_text));
    }
    Ok((s, date))
}

/// The birth date must not be after `today`.
pub fn check_not_future(birth: NaiveDate, today: NaiveDate) -> Result<(), IdError> {
    if birth > today {
        return Err(IdError::Future(birth.format("%Y%m%d").to_string()));
    }
    Ok(())
}

/// Layer 2: the check character of an 18-character number that passed layer 1.
pub fn check_check_char(normalised: &str) -> Result<(), IdError> {
    if normalised.len() != 18 {
        return Ok(());
    }
    let expected = check_char(&normalised[..17]);
    let found = normalised.as_bytes()[17] as char;
    if expected == found {
        Ok(())
    } else {
        Err(IdError::CheckChar { expected, found })
    }
}

impl IdNumber {
    /// Reads a number as of today in China by the system clock; `parse_on` where the
    /// caller has a clock (the desk's, in tests a fixed one).
    pub fn parse(raw: &str) -> Result<IdNumber, IdError> {
        IdNumber::parse_on(raw, today_in_china())
    }

    /// Reads a number: form, birth date from 1900-01-01 to `today`, check character.
    pub fn parse_on(raw: &str, today: NaiveDate) -> Result<IdNumber, IdError> {
        let (s, birth) = check_form(raw)?;
        check_not_future(birth, today)?;
        check_check_char(&s)?;
        Ok(IdNumber(s))
    }

    /// Whether the first two digits are a province's code (see `province_known`).
    pub fn province_known(&self) -> bool {
        province_known(&self.0[..2])
    }

    /// What the officer should look at again before saving, though the number is accepted.
    pub fn warnings(&self) -> Vec<IdWarning> {
        if self.province_known() {
            Vec::new()
        } else {
            vec![IdWarning::UnknownProvince(self.0[..2].to_string())]
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Both layers passed at parse time, so the date is valid.
        check_form(&self.0).map(|(_, d)| d).unwrap_or_default()
    }

    /// The sequence's last digit: odd for men, even for women.
    pub fn gender(&self) -> Gender {
        let b = if self.0.len() == 18 {
            self.0.as_bytes()[16]
        } else {
            self.0.as_bytes()[14]
        };
        if (b - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        let b = self.birth_date();
        let mut age = today.year() - b.year();
        if (today.month(), today.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        u32::try_from(age).unwrap_or(0)
    }
}

/// `3301**********123X`: the region's first four and the last four stay, as on a receipt.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out = String::with_capacity(chars.len());
    for (i, c) in chars.iter().enumerate() {
        out.push(if i < 4 || i >= chars.len() - 4 {
            *c
        } else {
            '*'
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published sample from GB 11643-1999's own annex.
    const SAMPLE: &str = "11010519491231002X";

    #[test]
    fn check_character_layer_against_known_numbers() {
        assert_eq!(check_char("11010519491231002"), 'X');
        assert_eq!(check_char("44052418800101001"), '4');
        assert!(check_check_char(SAMPLE).is_ok());
        assert_eq!(
            check_check_char("110105194912310021"),
            Err(IdError::CheckChar {
                expected: 'X',
                found: '1'
            })
        );
    }

    #[test]
    fn form_layer_rejects_length_letters_and_impossible_dates() {
        assert_eq!(check_form("1101051949123100"), Err(IdError::Length(16)));
        assert_eq!(check_form("11010519491231002A"), Err(IdError::NotDigit(18)));
        assert_eq!(check_form("1101A519491231002X"), Err(IdError::NotDigit(5)));
        // 30 February and 31 April never happen; 2023 was not a leap year.
        assert!(matches!(
            check_form("110105198002300011"),
            Err(IdError::BadDate(_))
        ));
        assert!(matches!(
            check_form("110105198004310011"),
            Err(IdError::BadDate(_))
        ));
        assert!(matches!(
            check_form("110105202302290011"),
            Err(IdError::BadDate(_))
        ));
        // 29 February in a leap year is fine at this layer.
        assert!(check_form("110105200002290011").is_ok());
    }

    #[test]
    fn lower_case_x_is_accepted_and_normalised() {
        let id = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(id.as_str(), SAMPLE);
    }

    #[test]
    fn gender_and_age_come_from_the_number() {
        let id = IdNumber::parse(SAMPLE).unwrap();
        assert_eq!(id.gender(), Gender::Female); // sequence 002: even
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(
            id.age_on(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
            76
        );
        assert_eq!(
            id.age_on(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()),
            77
        );
        let male = IdNumber::parse("110105198001010016").unwrap();
        // 1880 exists; it is before 1900, and said so.
        assert_eq!(
            IdNumber::parse("440524188001010014"),
            Err(IdError::TooEarly("18800101".into()))
        );
        assert_eq!(male.gender(), Gender::Male);
    }

    #[test]
    fn old_fifteen_digit_numbers_are_accepted_as_such() {
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "110105491231002");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.gender(), Gender::Female);
        assert!(matches!(
            IdNumber::parse("110105491331002"),
            Err(IdError::BadDate(_))
        ));
    }

    #[test]
    fn a_birth_date_after_today_is_refused_as_such() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let first17 = "11010520261123001";
        let tomorrow = format!("{first17}{}", check_char(first17));
        assert_eq!(
            IdNumber::parse_on(&tomorrow, today),
            Err(IdError::Future("20261123".into()))
        );
        let first17 = "11010520261122001";
        let born_today = format!("{first17}{}", check_char(first17));
        assert!(IdNumber::parse_on(&born_today, today).is_ok());
        assert_eq!(
            IdError::Future("20261123".into()).message(Lang::Zh),
            "出生日期20261123晚于今天,请核对年月日"
        );
    }

    #[test]
    fn an_unknown_province_is_a_warning_not_a_refusal() {
        let first17 = "19010519491231002";
        let id = IdNumber::parse(&format!("{first17}{}", check_char(first17))).unwrap();
        assert!(!id.province_known());
        assert_eq!(id.warnings(), vec![IdWarning::UnknownProvince("19".into())]);
        assert!(id.warnings()[0].message(Lang::Zh).contains("前两位19"));
        assert!(IdNumber::parse(SAMPLE).unwrap().warnings().is_empty());
        for (code, known) in [
            ("11", true),
            ("15", true),
            ("16", false),
            ("20", false),
            ("46", true),
            ("47", false),
            ("54", true),
            ("55", false),
            ("65", true),
            ("66", false),
            ("71", true),
            ("81", true),
            ("82", true),
            ("83", true),
            ("84", false),
            ("91", true),
            ("99", false),
        ] {
            assert_eq!(province_known(code), known, "{code}");
        }
    }

    #[test]
    fn masking_keeps_four_and_four() {
        assert_eq!(mask("33010219900101123X"), "3301**********123X");
        assert_eq!(mask("110105491231002"), "1101*******1002");
    }
}

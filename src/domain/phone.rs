//! Phone numbers, checked with the `phonenumber` crate's metadata for China (+86): mobiles
//! and landlines, with or without +86, spaces and dashes. Stored normalised as E.164
//! (`+8613800138000`); shown as the national digits a person dials, masked by default.

use crate::i18n::Lang;
use phonenumber::{Mode, country};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("not a phone number: only digits, spaces, dashes and a leading + are allowed")]
    Unparseable,
    #[error(
        "not a valid number in China: check the digits (mobiles have 11, landlines start with the area code)"
    )]
    Invalid,
}

impl PhoneError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (PhoneError::Unparseable, Lang::Zh) => {
                "不是电话号码:只能含数字、空格、短横线和开头的+".into()
            }
            (PhoneError::Invalid, Lang::Zh) => {
                "不是有效的中国号码:手机号11位,座机需带区号,请核对".into()
            }
        }
    }
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let t = raw.trim();
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+');
        if t.is_empty() || !t.chars().all(allowed) || t.chars().skip(1).any(|c| c == '+') {
            return Err(PhoneError::Unparseable);
        }
        let number =
            phonenumber::parse(Some(country::Id::CN), t).map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid);
        }
        Ok(Phone(number.format().mode(Mode::E164).to_string()))
    }

    /// Wraps an already-normalised E.164 string read back from the database.
    pub fn from_stored(e164: &str) -> Phone {
        Phone(e164.to_string())
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// What a person dials in China: `13800138000`, `01012345678`; foreign numbers stay E.164.
    pub fn national_digits(&self) -> String {
        national_digits(&self.0)
    }
}

pub fn national_digits(e164: &str) -> String {
    match e164.strip_prefix("+86") {
        Some(rest) if rest.starts_with('1') && rest.len() == 11 => rest.to_string(),
        Some(rest) => format!("0{rest}"),
        None => e164.to_string(),
    }
}

/// `138****8000`: the first three and last four digits stay.
pub fn mask(e164: &str) -> String {
    let digits = national_digits(e164);
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_in_every_common_spelling_normalise_alike() {
        for raw in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().e164(), "+8613800138000", "{raw}");
        }
    }

    #[test]
    fn landlines_with_area_code_are_accepted() {
        let p = Phone::parse("010-12345678").unwrap();
        assert_eq!(p.e164(), "+861012345678");
        assert_eq!(p.national_digits(), "01012345678");
        let hz = Phone::parse("0571-87654321").unwrap();
        assert_eq!(hz.national_digits(), "057187654321");
    }

    #[test]
    fn wrong_numbers_are_refused() {
        assert_eq!(Phone::parse("1380013800"), Err(PhoneError::Invalid)); // 10 digits
        assert_eq!(Phone::parse("12345"), Err(PhoneError::Invalid));
        assert_eq!(Phone::parse("138a0013800"), Err(PhoneError::Unparseable));
        assert_eq!(Phone::parse(""), Err(PhoneError::Unparseable));
        assert_eq!(Phone::parse("138+0013800"), Err(PhoneError::Unparseable));
    }

    #[test]
    fn masking_shows_three_and_four() {
        assert_eq!(mask("+8613800138000"), "138****8000");
        assert_eq!(mask("+861012345678"), "010****5678");
    }
}

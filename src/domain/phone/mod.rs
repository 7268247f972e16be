//! Phone numbers, checked against the numbering plans in `phone_cn.toml` (libphonenumber's
//! metadata for China, and for Hong Kong, Macao and Taiwan, kept in the repository: see
//! that file for its source and how to update it). A number is valid only if the WHOLE
//! national number matches a pattern of its type: a mobile (11 digits, a range in use), a
//! landline with its area code (010 / 02x + 8 digits, 0xxx + 7 or 8 as the area has), a
//! 400 / 800 service number (10 digits). Written forms people use are read: `+86`, `0086`,
//! `(+86)`, `+86-`, `86` before a mobile, `(0)`, spaces, dashes, dots, brackets, full-width
//! digits. Stored normalised as E.164 (`+8613800138000`); shown as the national digits a
//! person dials, masked by default.

use std::fmt;

use crate::i18n::Lang;
use crate::words::{Arg, Said};
pub use plan::PLANS_TOML;
use plan::{Check, Plan, plans};

mod plan;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

/// What kind of number a refused one was read as, to say what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneKind {
    /// A mobile in mainland China (starts with 1).
    Mobile,
    /// A landline, with its area code as written (`010`, `0571`).
    Landline(String),
    /// A 400 / 800 service number.
    Service,
    /// A number in Hong Kong, Macao or Taiwan, by its country code (`852`).
    Abroad(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing but blanks and punctuation.
    Empty,
    /// A character that is no part of a phone number (a letter, a comma, …).
    BadChar(char),
    /// A `+` or an international prefix before a country whose plan the desk does not hold
    /// (the first digits after it).
    Foreign(String),
    /// A number of 8 digits or fewer not starting with 0 or 1: a landline without its area
    /// code.
    NoAreaCode,
    /// Too few digits for its kind (how many it has: the whole national number for mobiles
    /// and service numbers, the digits after the area code for landlines).
    TooFew {
        kind: PhoneKind,
        digits: usize,
    },
    TooMany {
        kind: PhoneKind,
        digits: usize,
    },
    /// The right length but no range in use: `prefix` is what was read (a mobile's first
    /// three or four digits, a landline's area code, a service number's first three).
    NotInUse {
        kind: PhoneKind,
        prefix: String,
    },
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for PhoneError {}

/// How many digits a landline has after its area code: 8 after a three-character one
/// (`010`, `021`), else 7 or 8.
fn subscriber_len(area: &str) -> Arg {
    if area.len() == 3 {
        Arg::Text("8".into())
    } else {
        Arg::from(Said::new("phone.seven_or_eight"))
    }
}

impl PhoneError {
    /// What is wrong, as a message of the catalog (`phone.*`).
    pub fn said(&self) -> Said {
        use PhoneError::*;
        use PhoneKind::*;
        match self {
            Empty => Said::new("phone.empty"),
            BadChar(c) if c.is_alphabetic() => Said::new("phone.letter").with("c", c),
            BadChar(c) => Said::new("phone.bad_char").with("c", c),
            Foreign(cc) => Said::new("phone.foreign").with("cc", cc),
            NoAreaCode => Said::new("phone.no_area_code"),
            TooFew { kind, digits } => match kind {
                Mobile => Said::new("phone.too_few.mobile"),
                Landline(a) => landline(Said::new("phone.too_few.landline"), a),
                Service => Said::new("phone.too_few.service"),
                Abroad(cc) => Said::new("phone.too_few.abroad").with("cc", cc),
            }
            .with("digits", digits),
            TooMany { kind, digits } => match kind {
                Mobile => Said::new("phone.too_many.mobile"),
                Landline(a) => landline(Said::new("phone.too_many.landline"), a),
                Service => Said::new("phone.too_many.service"),
                Abroad(cc) => Said::new("phone.too_many.abroad").with("cc", cc),
            }
            .with("digits", digits),
            NotInUse { kind, prefix } => match kind {
                Mobile => Said::new("phone.not_in_use.mobile"),
                Landline(a) if a == prefix => Said::new("phone.not_in_use.area").with("area", a),
                Landline(a) => Said::new("phone.not_in_use.landline").with("area", a),
                Service => Said::new("phone.not_in_use.service"),
                Abroad(cc) => Said::new("phone.not_in_use.abroad").with("cc", cc),
            }
            .with("prefix", prefix),
        }
    }

    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.said().say(lang)
    }
}

/// A landline's length message: its area code and how many digits follow it.
fn landline(said: Said, area: &str) -> Said {
    said.with("area", area)
        .with_arg("subscriber", subscriber_len(area))
}

/// The written number, read: its digits, and whether an international prefix came first.
struct Written {
    digits: String,
    international: bool,
}

/// Full-width digits and signs (typed with a Chinese input method) as ASCII.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).expect("a full-width digit"),
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        '－' | '—' | '–' | '‐' | '‑' => '-',
        '．' | '。' => '.',
        '\u{3000}' | '\u{a0}' => ' ',
        _ => c,
    }
}

fn read_written(raw: &str) -> Result<Written, PhoneError> {
    let mut digits = String::new();
    let mut international = false;
    for c in raw.chars().map(half_width) {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\t' | '-' | '.' | '(' | ')' | '/' => {}
            '+' if digits.is_empty() && !international => international = true,
            _ => return Err(PhoneError::BadChar(c)),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    // 0086…: the international prefix dialled from China.
    if !international && let Some(rest) = digits.strip_prefix("00") {
        digits = rest.to_string();
        international = true;
    }
    Ok(Written {
        digits,
        international,
    })
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let w = read_written(raw)?;
        let plans = plans();
        if w.international {
            let plan = plans
                .iter()
                .find(|p| w.digits.starts_with(&p.country_code))
                .ok_or_else(|| PhoneError::Foreign(w.digits.chars().take(3).collect::<String>()))?;
            let national = &w.digits[plan.country_code.len()..];
            // `+86 (0)10 …`, `+886 0912 …`: a trunk 0 written after the country code.
            let national = national.strip_prefix('0').unwrap_or(national);
            if plan.country_code == "86" {
                return china(national, true);
            }
            return abroad(plan, national);
        }
        let d = w.digits.as_str();
        // `86 138 0013 8000`: the country code without its +, before a mobile.
        if d.len() == 13 && d.starts_with("861") && !d.starts_with("8610") {
            return china(&d[2..], true);
        }
        match d.strip_prefix('0') {
            Some(national) => china(national, true),
            None => china(d, false),
        }
    }

    /// Wraps an already-normalised E.164 string read back from the database.
    pub fn from_stored(e164: &str) -> Phone {
        Phone(e164.to_string())
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// What a person dials in China: `13800138000`, `01012345678`, `4001234567`; numbers
    /// outside mainland China stay E.164.
    pub fn national_digits(&self) -> String {
        national_digits(&self.0)
    }
}

/// A national number in mainland China. `trunk`: written after a trunk 0 or a country code
/// (so `10…` is Beijing, not a mobile with a wrong digit).
fn china(national: &str, trunk: bool) -> Result<Phone, PhoneError> {
    let plan = &plans()[0];
    let ok = || Ok(Phone(format!("+86{national}")));
    let n = national.len();
    let is_mobile = national.starts_with('1') && !(trunk && national.starts_with("10"));
    if is_mobile {
        let m = plan.mobile.check(national);
        if m.full {
            return ok();
        }
        if !plan.mobile.check(&national[..n.min(3)]).could_grow && n >= 3 {
            return Err(PhoneError::NotInUse {
                kind: PhoneKind::Mobile,
                prefix: national[..3].to_string(),
            });
        }
        return Err(match n.cmp(&11) {
            std::cmp::Ordering::Less => PhoneError::TooFew {
                kind: PhoneKind::Mobile,
                digits: n,
            },
            std::cmp::Ordering::Greater => PhoneError::TooMany {
                kind: PhoneKind::Mobile,
                digits: n,
            },
            std::cmp::Ordering::Equal => PhoneError::NotInUse {
                kind: PhoneKind::Mobile,
                prefix: national[..4].to_string(),
            },
        });
    }
    if national.starts_with("400") || national.starts_with("800") {
        if plan.toll_free.check(national).full || plan.shared_cost.check(national).full {
            return ok();
        }
        return Err(match n.cmp(&10) {
            std::cmp::Ordering::Less => PhoneError::TooFew {
                kind: PhoneKind::Service,
                digits: n,
            },
            std::cmp::Ordering::Greater => PhoneError::TooMany {
                kind: PhoneKind::Service,
                digits: n,
            },
            std::cmp::Ordering::Equal => PhoneError::NotInUse {
                kind: PhoneKind::Service,
                prefix: national[..3].to_string(),
            },
        });
    }
    if !trunk && n <= 8 {
        return Err(PhoneError::NoAreaCode);
    }
    let landline = [&plan.fixed_line, &plan.shared_cost, &plan.toll_free];
    let checks: Vec<Check> = landline.iter().map(|p| p.check(national)).collect();
    if checks.iter().any(|c| c.full) {
        return ok();
    }
    if !trunk {
        // 2–9 and more than 8 digits, no 0: an area code written without its 0, or a
        // number that is none.
        return Err(PhoneError::NoAreaCode);
    }
    // Area codes: 10 and 2x have two digits after the 0, the others three.
    let area_len = if national.starts_with("10") || national.starts_with('2') {
        2
    } else {
        3
    };
    let area = format!("0{}", &national[..n.min(area_len)]);
    let kind = PhoneKind::Landline(area.clone());
    let area_in_use = n >= area_len
        && landline.iter().any(|p| {
            let c = p.check(&national[..area_len]);
            c.could_grow || c.full
        });
    if !area_in_use {
        return Err(if n < area_len {
            PhoneError::TooFew { kind, digits: 0 }
        } else {
            PhoneError::NotInUse { kind, prefix: area }
        });
    }
    let digits = n - area_len;
    if checks.iter().any(|c| c.could_grow) {
        return Err(PhoneError::TooFew { kind, digits });
    }
    if checks.iter().any(|c| c.shorter_matches) {
        return Err(PhoneError::TooMany { kind, digits });
    }
    let prefix = national[area_len..].chars().take(2).collect();
    Err(PhoneError::NotInUse { kind, prefix })
}

/// A number in Hong Kong, Macao or Taiwan: mobile or landline as their plans have them.
fn abroad(plan: &Plan, national: &str) -> Result<Phone, PhoneError> {
    let kind = PhoneKind::Abroad(plan.country_code.clone());
    let checks = [plan.mobile.check(national), plan.fixed_line.check(national)];
    if national.is_empty() {
        return Err(PhoneError::TooFew { kind, digits: 0 });
    }
    if checks.iter().any(|c| c.full) {
        return Ok(Phone(format!("+{}{national}", plan.country_code)));
    }
    let digits = national.len();
    Err(if checks.iter().any(|c| c.could_grow) {
        PhoneError::TooFew { kind, digits }
    } else if checks.iter().any(|c| c.shorter_matches) {
        PhoneError::TooMany { kind, digits }
    } else {
        PhoneError::NotInUse {
            kind,
            prefix: national.chars().take(2).collect(),
        }
    })
}

/// A service's short or non-geographic number, as agencies publish them: a hotline of
/// three to five digits beginning with 1 (12333 人社, 12348 法律援助, 12351 工会), a
/// five-digit 95xxx line, or a 400/800 number. Not a person's phone: only a service's
/// contact takes one. The digits, or None.
pub fn service_number(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let short = (3..=5).contains(&digits.len()) && digits.starts_with('1');
    let nine_five = digits.len() == 5 && digits.starts_with("95");
    let four_eight = digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800"));
    (short || nine_five || four_eight).then_some(digits)
}

pub fn national_digits(e164: &str) -> String {
    match e164.strip_prefix("+86") {
        Some(rest) if rest.starts_with('1') && rest.len() == 11 => rest.to_string(),
        Some(rest) if (rest.starts_with("400") || rest.starts_with("800")) && rest.len() == 10 => {
            rest.to_string()
        }
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
mod tests;

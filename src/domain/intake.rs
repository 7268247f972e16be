//! One intake: a visitor (new or returning) and the visit they make. The form and the
//! ledger import both fill a `RawIntake` with what was typed and call `validate`, so a
//! rule holds the same wherever a visit comes from.

use chrono::NaiveDate;

use crate::domain::arbitration::{self, DateError, Employment};
use crate::domain::id_number::{IdError, IdNumber};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Gender, Membership, Occupation, Urgency};
use crate::domain::money::{self, MoneyError};
use crate::domain::phone::{Phone, PhoneError};
use crate::i18n::Lang;
use crate::labeled_enum;
use crate::words::Said;

labeled_enum!(
    /// The fields of an intake, in form order. Codes double as English CSV headers.
    Field {
        Name => "name", "姓名", "Name";
        Phone => "phone", "电话", "Phone";
        IdNumber => "id_number", "身份证号", "ID number";
        Gender => "gender", "性别", "Gender";
        Employer => "employer", "工作单位", "Employer";
        Occupation => "occupation", "职业", "Occupation";
        OccupationNote => "occupation_note", "职业说明", "Job details";
        Hometown => "hometown", "户籍地", "Hometown";
        Membership => "membership", "工会会员", "Union member";
        Channel => "channel", "渠道", "Channel";
        Category => "category", "诉求类别", "Category";
        Headcount => "headcount", "涉及人数", "Workers";
        AmountOwed => "amount_owed", "欠薪金额", "Amount owed";
        Urgency => "urgency", "紧急程度", "Urgency";
        Summary => "summary", "诉求摘要", "Summary";
        // Asked for wage, contract and injury requests only (domain::arbitration).
        Employment => "employment", "在职状态", "Employment";
        EndedOn => "employment_ended_on", "离职日期", "Job ended on";
        LearnedOn => "learned_on", "知悉日期", "Learned of it";
    }
);

/// A name as shown to someone it may not belong to: 刘建军 → 刘*军, 张三 → 张*.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

pub const MAX_NAME_CHARS: usize = 50;
pub const MAX_TEXT_CHARS: usize = 200;
pub const MAX_SUMMARY_CHARS: usize = 10_000;

/// What was typed or read, before any check.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawIntake {
    pub visitor_id: Option<String>,
    /// The version (last change) of that visitor's record the form was filled from.
    pub visitor_seen: Option<String>,
    pub name: String,
    pub phone: String,
    pub id_number: String,
    pub gender: Option<Gender>,
    pub employer: String,
    pub occupation: Option<Occupation>,
    pub occupation_note: String,
    pub hometown: String,
    pub membership: Option<Membership>,
    pub channel: Option<Channel>,
    pub category: Option<Category>,
    pub headcount: String,
    pub amount_owed: String,
    pub urgency: Option<Urgency>,
    pub summary: String,
    /// The arbitration facts (asked for wage, contract and injury requests).
    pub employment: Option<Employment>,
    pub employment_ended_on: String,
    pub learned_on: String,
}

/// A checked intake, ready to be saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    /// Set when the officer picked a returning visitor.
    pub visitor_id: Option<String>,
    /// The version of their record the form showed: a save over a newer one is refused.
    pub visitor_seen: Option<String>,
    pub name: String,
    pub phone: Option<Phone>,
    pub id_number: Option<IdNumber>,
    pub gender: Gender,
    pub employer: String,
    pub occupation: Occupation,
    pub occupation_note: String,
    pub hometown: String,
    pub membership: Membership,
    pub channel: Channel,
    pub category: Category,
    pub headcount: Option<u32>,
    pub amount_owed_fen: Option<i64>,
    pub urgency: Urgency,
    pub summary: String,
    /// A follow-up visit (回访): the visitor's open referral it came back about, as the
    /// officer answered when saving; `None` is a new request.
    pub follows_referral: Option<String>,
    /// Kept only for the requests art. 27 is about; the end date only when it ended.
    pub employment: Option<Employment>,
    pub employment_ended_on: Option<NaiveDate>,
    pub learned_on: Option<NaiveDate>,
}

impl Intake {
    /// What decides the arbitration time limit of this request.
    pub fn arbitration_facts(&self) -> arbitration::Facts {
        arbitration::Facts {
            category: Some(self.category),
            employment: self.employment,
            ended_on: self.employment_ended_on,
            learned_on: self.learned_on,
        }
    }
}

/// A field refused, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: Field,
    pub cause: FieldCause,
}

/// Why a field of the form was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldCause {
    Required,
    /// Longer than this many characters.
    TooLong {
        max: usize,
    },
    Phone(PhoneError),
    IdNumber(IdError),
    Money(MoneyError),
    Date(DateError),
    /// The number of workers is not a whole number from 1 to 100,000.
    Headcount,
    NoCategory,
    /// The job ended, but the form says not when.
    NoEndDate,
}

impl FieldError {
    fn new(field: Field, cause: FieldCause) -> FieldError {
        FieldError { field, cause }
    }

    /// Why, as a message of the catalog (`intake.*`, or the field's own checker's).
    pub fn said(&self) -> Said {
        match &self.cause {
            FieldCause::Required => Said::new("intake.required"),
            FieldCause::TooLong { max } => Said::new("intake.too_long").with("max", max),
            FieldCause::Phone(e) => e.said(),
            FieldCause::IdNumber(e) => e.said(),
            FieldCause::Money(e) => e.said(),
            FieldCause::Date(DateError::Unreadable) => Said::new("intake.date.unreadable"),
            FieldCause::Date(DateError::OutOfRange) => Said::new("intake.date.out_of_range"),
            FieldCause::Date(DateError::InTheFuture) => Said::new("intake.date.in_the_future"),
            FieldCause::Headcount => Said::new("intake.headcount"),
            FieldCause::NoCategory => Said::new("intake.no_category"),
            FieldCause::NoEndDate => Said::new("intake.no_end_date"),
        }
    }

    /// Why, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.said().say(lang)
    }
}

fn check_text(errors: &mut Vec<FieldError>, field: Field, text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() > max {
        errors.push(FieldError::new(field, FieldCause::TooLong { max }));
    }
    t.to_string()
}

/// Checks every field and returns all problems at once, each naming its field.
pub fn validate(raw: &RawIntake) -> Result<Intake, Vec<FieldError>> {
    validate_on(raw, crate::domain::id_number::today_in_china())
}

/// A date of the arbitration facts: empty is none; else a past date within 1900–2100.
fn check_past_date(
    errors: &mut Vec<FieldError>,
    field: Field,
    text: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if text.trim().is_empty() {
        return None;
    }
    match arbitration::parse_past_date(text, today) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(FieldError::new(field, FieldCause::Date(e)));
            None
        }
    }
}

/// The people and money of a request: how many workers (1 to 100,000) and how much is
/// owed (yuan, to the fen).
fn check_amounts(errors: &mut Vec<FieldError>, raw: &RawIntake) -> (Option<u32>, Option<i64>) {
    let headcount = match raw.headcount.trim() {
        "" => None,
        s => match s.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => Some(n),
            _ => {
                errors.push(FieldError::new(Field::Headcount, FieldCause::Headcount));
                None
            }
        },
    };
    let amount_owed_fen = match raw.amount_owed.trim() {
        "" => None,
        s => match money::parse_yuan(s) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(FieldError::new(Field::AmountOwed, FieldCause::Money(e)));
                None
            }
        },
    };
    (headcount, amount_owed_fen)
}

/// The arbitration facts, checked: they count only where the form asks for them (a
/// category changed away from wages leaves nothing behind, nor does an end date of a job
/// that lasts). Employment, the day it ended, the day the worker learned of the wrong.
fn check_arbitration(
    errors: &mut Vec<FieldError>,
    raw: &RawIntake,
    today: NaiveDate,
) -> (Option<Employment>, Option<NaiveDate>, Option<NaiveDate>) {
    let asked = raw.category.is_some_and(arbitration::covers);
    let employment = raw.employment.filter(|_| asked);
    let ended = employment == Some(Employment::Ended);
    let employment_ended_on = if ended {
        let d = check_past_date(errors, Field::EndedOn, &raw.employment_ended_on, today);
        if d.is_none() && raw.employment_ended_on.trim().is_empty() {
            errors.push(FieldError::new(Field::EndedOn, FieldCause::NoEndDate));
        }
        d
    } else {
        None
    };
    let learned_on = if asked {
        check_past_date(errors, Field::LearnedOn, &raw.learned_on, today)
    } else {
        None
    };
    (employment, employment_ended_on, learned_on)
}

/// [`validate`] on a given day (dates of the arbitration facts may not be after it).
pub fn validate_on(raw: &RawIntake, today: NaiveDate) -> Result<Intake, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = check_text(&mut errors, Field::Name, &raw.name, MAX_NAME_CHARS);
    if name.is_empty() {
        errors.push(FieldError::new(Field::Name, FieldCause::Required));
    }
    let phone = match raw.phone.trim() {
        "" => None,
        p => match Phone::parse(p) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(FieldError::new(Field::Phone, FieldCause::Phone(e)));
                None
            }
        },
    };
    let id_number = match raw.id_number.trim() {
        "" => None,
        s => match IdNumber::parse(s) {
            Ok(id) => Some(id),
            Err(e) => {
                errors.push(FieldError::new(Field::IdNumber, FieldCause::IdNumber(e)));
                None
            }
        },
    };
    let gender = match &id_number {
        Some(id) => id.gender(),
        None => raw.gender.unwrap_or(Gender::Unknown),
    };
    let employer = check_text(&mut errors, Field::Employer, &raw.employer, MAX_TEXT_CHARS);
    let occupation_note = check_text(
        &mut errors,
        Field::OccupationNote,
        &raw.occupation_note,
        MAX_TEXT_CHARS,
    );
    let hometown = check_text(&mut errors, Field::Hometown, &raw.hometown, MAX_TEXT_CHARS);
    let summary = check_text(&mut errors, Field::Summary, &raw.summary, MAX_SUMMARY_CHARS);
    let (headcount, amount_owed_fen) = check_amounts(&mut errors, raw);
    let category = match raw.category {
        Some(c) => c,
        None => {
            errors.push(FieldError::new(Field::Category, FieldCause::NoCategory));
            Category::Other
        }
    };
    let (employment, employment_ended_on, learned_on) = check_arbitration(&mut errors, raw, today);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Intake {
        visitor_id: raw.visitor_id.clone(),
        visitor_seen: raw.visitor_seen.clone(),
        name,
        phone,
        id_number,
        gender,
        employer,
        occupation: raw.occupation.unwrap_or(Occupation::Unknown),
        occupation_note,
        hometown,
        membership: raw.membership.unwrap_or(Membership::Unknown),
        channel: raw.channel.unwrap_or(Channel::WalkIn),
        category,
        headcount,
        amount_owed_fen,
        urgency: raw.urgency.unwrap_or(Urgency::Normal),
        summary,
        follows_referral: None,
        employment,
        employment_ended_on,
        learned_on,
    })
}

/// Checks one field alone, for inline messages as the officer leaves it.
pub fn validate_field(raw: &RawIntake, field: Field) -> Option<FieldError> {
    match validate(raw) {
        Ok(_) => None,
        Err(errors) => errors.into_iter().find(|e| e.field == field),
    }
}

impl Field {
    /// Whether the field is required on the form.
    pub fn required(self) -> bool {
        matches!(self, Field::Name | Field::Category)
    }

    pub fn all() -> &'static [Field] {
        Field::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawIntake {
        RawIntake {
            name: " 张三 ".into(),
            phone: "138 0013 8000".into(),
            category: Some(Category::WageArrears),
            headcount: "13".into(),
            amount_owed: "115000".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_intake_is_normalised() {
        let i = validate(&raw()).unwrap();
        assert_eq!(i.name, "张三");
        assert_eq!(i.phone.unwrap().e164(), "+8613800138000");
        assert_eq!(i.headcount, Some(13));
        assert_eq!(i.amount_owed_fen, Some(11_500_000));
        assert_eq!(i.channel, Channel::WalkIn);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut r = raw();
        r.name = "  ".into();
        r.phone = "12345".into();
        r.id_number = "110105194912310021".into();
        r.headcount = "0".into();
        let errs = validate(&r).unwrap_err();
        let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![Field::Name, Field::Phone, Field::IdNumber, Field::Headcount]
        );
        assert!(errs[2].message(Lang::Zh).contains("校验位应为X"));
    }

    #[test]
    fn the_arbitration_facts_are_checked_and_kept_only_where_asked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut r = raw();
        r.employment = Some(Employment::Ended);
        r.employment_ended_on = "2026/1/15".into();
        r.learned_on = "2025-12-01".into();
        let i = validate_on(&r, today).unwrap();
        assert_eq!(i.employment_ended_on, NaiveDate::from_ymd_opt(2026, 1, 15));
        assert_eq!(i.learned_on, NaiveDate::from_ymd_opt(2025, 12, 1));
        assert_eq!(
            arbitration::deadline(&i.arbitration_facts()).last_day(),
            NaiveDate::from_ymd_opt(2027, 1, 15)
        );
        // Ended needs its date; dates are past and within the years.
        r.employment_ended_on = " ".into();
        r.learned_on = "2026-11-23".into();
        let errs = validate_on(&r, today).unwrap_err();
        let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::EndedOn, Field::LearnedOn]);
        assert!(errs[1].message(Lang::Zh).contains("不能晚于今天"));
        r.employment_ended_on = "1899-12-31".into();
        r.learned_on = "2025-13-01".into();
        let errs = validate_on(&r, today).unwrap_err();
        assert!(
            errs[0].message(Lang::En).contains("1900 to 2100"),
            "{errs:?}"
        );
        assert!(errs[1].message(Lang::En).contains("bad date"), "{errs:?}");
        // Still employed: an end date typed before is not kept (nor checked).
        r.employment = Some(Employment::Continues);
        r.learned_on = String::new();
        let i = validate_on(&r, today).unwrap();
        assert_eq!((i.employment_ended_on, i.learned_on), (None, None));
        // A category the law is not about keeps none of it.
        r.category = Some(Category::JobSeeking);
        r.employment = Some(Employment::Ended);
        r.learned_on = "bad".into();
        let i = validate_on(&r, today).unwrap();
        assert_eq!(
            (i.employment, i.employment_ended_on, i.learned_on),
            (None, None, None)
        );
    }

    #[test]
    fn gender_follows_the_id_number() {
        let mut r = raw();
        r.id_number = "11010519491231002X".into();
        r.gender = Some(Gender::Male);
        assert_eq!(validate(&r).unwrap().gender, Gender::Female);
    }
}

//! Job openings (after schema.org JobPosting, with what Chinese job desks need): wage
//! units and their monthly equivalent, benefits, employment types, and whether an opening
//! is still one to offer.

use chrono::NaiveDate;

use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::labeled_enum;
use crate::words::{self, Said};

labeled_enum!(
    /// What a wage figure is per. Gig work is often paid by the day.
    WageUnit {
        Month => "month", "月", "month";
        Day => "day", "日", "day";
        Hour => "hour", "时", "hour";
        Week => "week", "周", "week";
        Year => "year", "年", "year";
    }
);

impl WageUnit {
    /// Money per month for one unit: 21.75 working days a month (the statutory average
    /// used for wage conversion), 8 hours a day (174 hours a month), 4.33 weeks a month,
    /// a year's pay over 12.
    pub fn per_month(self, amount: i64) -> i64 {
        match self {
            WageUnit::Month => amount,
            WageUnit::Day => amount * 2175 / 100,
            WageUnit::Hour => amount * 8 * 2175 / 100,
            WageUnit::Week => amount * 433 / 100,
            WageUnit::Year => amount / 12,
        }
    }

    /// As people write it: 月 / 日 / 天 / 时 / 小时 / 周 / 年, or schema.org's unitText
    /// MONTH / DAY / HOUR / WEEK / YEAR.
    pub fn parse(text: &str) -> Option<WageUnit> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "月" | "每月" | "元/月" | "month" | "monthly" => Some(WageUnit::Month),
            "日" | "天" | "每天" | "元/天" | "元/日" | "day" | "daily" => {
                Some(WageUnit::Day)
            }
            "时" | "小时" | "元/小时" | "元/时" | "hour" | "hourly" => Some(WageUnit::Hour),
            "周" | "每周" | "星期" | "元/周" | "week" | "weekly" => Some(WageUnit::Week),
            "年" | "每年" | "元/年" | "year" | "yearly" | "annual" | "annually" => {
                Some(WageUnit::Year)
            }
            _ => None,
        }
    }
}

/// How a currency is written before an amount: `¥` for yuan, `US$`, `HK$`, `€`…, else
/// the ISO 4217 code and a space.
pub fn currency_sign(code: &str) -> String {
    match code {
        "" | "CNY" | "RMB" => "¥".into(),
        "USD" => "US$".into(),
        "HKD" => "HK$".into(),
        "MOP" => "MOP$".into(),
        "TWD" => "NT$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" => "JP¥".into(),
        other => format!("{other} "),
    }
}

/// `100000` as `100,000`.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// What an outside posting left out: the opening is kept, and shown as 信息不全.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Unknown {
    pub employer: bool,
    pub salary: bool,
    pub place: bool,
}

impl Unknown {
    pub fn any(self) -> bool {
        self.employer || self.salary || self.place
    }

    /// As stored: `employer,salary,place` (those unknown), empty when all are known.
    pub fn code(self) -> String {
        [
            (self.employer, "employer"),
            (self.salary, "salary"),
            (self.place, "place"),
        ]
        .iter()
        .filter(|(b, _)| *b)
        .map(|(_, w)| *w)
        .collect::<Vec<_>>()
        .join(",")
    }

    pub fn from_code(code: &str) -> Unknown {
        let has = |w: &str| code.split(',').any(|c| c.trim() == w);
        Unknown {
            employer: has("employer"),
            salary: has("salary"),
            place: has("place"),
        }
    }
}

labeled_enum!(
    EmploymentType {
        FullTime => "full_time", "全职", "Full-time";
        PartTime => "part_time", "兼职", "Part-time";
        Temporary => "temporary", "临时", "Temporary";
        Gig => "gig", "零工", "Gig work";
    }
);

impl EmploymentType {
    /// Chinese labels, codes, and schema.org's FULL_TIME, PART_TIME, TEMPORARY, PER_DIEM...
    pub fn parse(text: &str) -> Option<EmploymentType> {
        let t = text.trim();
        EmploymentType::parse_loose(t).or(match t.to_ascii_uppercase().as_str() {
            "FULL_TIME" | "FULLTIME" => Some(EmploymentType::FullTime),
            "PART_TIME" | "PARTTIME" => Some(EmploymentType::PartTime),
            "TEMPORARY" | "CONTRACTOR" | "SEASONAL" | "季节工" | "短期" => {
                Some(EmploymentType::Temporary)
            }
            "PER_DIEM" | "日结" | "灵活用工" => Some(EmploymentType::Gig),
            _ => None,
        })
    }
}

labeled_enum!(
    JobStatus {
        Open => "open", "招聘中", "Open";
        Filled => "filled", "已招满", "Filled";
        Closed => "closed", "已停止", "Closed";
    }
);

/// Room, board and social insurance: what a worker asks first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Benefits {
    pub meals: bool,
    pub housing: bool,
    pub insurance: bool,
}

impl Benefits {
    /// Reads 包吃 / 包住 / 包吃住 / 社保 / 五险一金 from free text.
    pub fn from_text(text: &str) -> Benefits {
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        Benefits {
            meals: has(&["包吃", "包食", "管吃", "供餐", "包三餐", "工作餐", "包伙食"]),
            housing: has(&["包住", "管住", "提供住宿", "宿舍", "包食宿"]),
            insurance: has(&["社保", "五险", "缴纳保险", "交保险"]),
        }
        .with_meals_and_housing(has(&["包吃住", "包食宿", "管吃住"]))
    }

    fn with_meals_and_housing(mut self, both: bool) -> Benefits {
        if both {
            self.meals = true;
            self.housing = true;
        }
        self
    }

    /// As words, for display and for the search text: `包吃 包住 社保`.
    pub fn words(self) -> &'static str {
        const WORDS: [&str; 8] = [
            "",
            "包吃",
            "包住",
            "包吃 包住",
            "社保",
            "包吃 社保",
            "包住 社保",
            "包吃 包住 社保",
        ];
        WORDS[self.bits() as usize]
    }

    /// As words in a language, for display: `包吃 包住` on a Chinese desk, `meals, housing`
    /// on an English one. The search text keeps the Chinese ([`Benefits::words`]).
    pub fn words_in(self, lang: Lang) -> String {
        [
            (self.meals, words::word(lang, "job.benefit.meals")),
            (self.housing, words::word(lang, "job.benefit.housing")),
            (self.insurance, words::word(lang, "job.benefit.insurance")),
        ]
        .iter()
        .filter(|(b, _)| *b)
        .map(|(_, w)| *w)
        .collect::<Vec<_>>()
        .join(words::word(lang, "job.benefit.sep"))
    }

    pub fn bits(self) -> u8 {
        u8::from(self.meals) | u8::from(self.housing) << 1 | u8::from(self.insurance) << 2
    }

    pub fn from_bits(b: u8) -> Benefits {
        Benefits {
            meals: b & 1 != 0,
            housing: b & 2 != 0,
            insurance: b & 4 != 0,
        }
    }
}

/// One opening, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Empty for one not yet stored.
    pub id: String,
    pub source_id: Option<String>,
    pub title: String,
    pub employer: String,
    /// 统一社会信用代码, when known.
    pub credit_code: String,
    pub district: String,
    pub address: String,
    /// Yuan per `wage_unit`; `None` when the posting says 面议.
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub wage_unit: WageUnit,
    /// Whether the posting said what the amount is per (a schema.org `baseSalary` may
    /// not); when it did not, no period is shown and the wage is not compared by month.
    pub wage_unit_stated: bool,
    /// ISO 4217, as the posting gives it: `CNY` unless it says otherwise. Only yuan
    /// wages are compared with the wage filter.
    pub currency: String,
    pub benefits: Benefits,
    /// The benefits as the posting words them (`jobBenefits`, 福利), kept whole.
    pub benefits_text: String,
    /// What the posting did not say (employer, salary, place).
    pub unknown: Unknown,
    pub employment_type: EmploymentType,
    pub hours: String,
    pub openings: Option<i64>,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub education: String,
    pub experience: String,
    pub physical: String,
    pub description: String,
    pub contact: String,
    pub posted_on: Option<NaiveDate>,
    pub valid_through: Option<NaiveDate>,
    pub source: String,
    pub status: JobStatus,
}

impl Job {
    pub fn new(title: &str, employer: &str) -> Job {
        Job {
            id: String::new(),
            source_id: None,
            title: title.into(),
            employer: employer.into(),
            credit_code: String::new(),
            district: String::new(),
            address: String::new(),
            wage_min: None,
            wage_max: None,
            wage_unit: WageUnit::Month,
            wage_unit_stated: true,
            currency: "CNY".into(),
            benefits: Benefits::default(),
            benefits_text: String::new(),
            unknown: Unknown::default(),
            employment_type: EmploymentType::FullTime,
            hours: String::new(),
            openings: None,
            age_min: None,
            age_max: None,
            education: String::new(),
            experience: String::new(),
            physical: String::new(),
            description: String::new(),
            contact: String::new(),
            posted_on: None,
            valid_through: None,
            source: String::new(),
            status: JobStatus::Open,
        }
    }

    /// The best monthly wage on offer, in yuan, for comparing day and month wages; none
    /// for a wage in another currency or per an unstated period.
    pub fn monthly_max(&self) -> Option<i64> {
        if !self.is_yuan() || !self.wage_unit_stated {
            return None;
        }
        self.wage_max
            .or(self.wage_min)
            .map(|w| self.wage_unit.per_month(w))
    }

    /// Whether the wage is in yuan (CNY; RMB and an empty code read as yuan).
    pub fn is_yuan(&self) -> bool {
        matches!(self.currency.as_str(), "" | "CNY" | "RMB")
    }

    /// Whether something a worker asks first is unknown: shown as 信息不全.
    pub fn is_incomplete(&self) -> bool {
        self.unknown.any()
    }

    /// Still one to offer: open, and not past its valid-through date.
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.status == JobStatus::Open && self.valid_through.is_none_or(|d| d >= today)
    }

    /// `¥5000–7000/月`, `¥200/日`, `面议`; another currency as given, its amounts grouped
    /// (`US$100,000/年`, `€3,000–3,500/月`); `未注明` when the posting gave no salary.
    pub fn wage_words(&self) -> String {
        self.wage_words_in(Lang::Zh)
    }

    /// The same in a language: `¥5000–7000/month`, `not stated`, `negotiable` in English.
    /// The search index keeps the Chinese ([`Job::wage_words`]).
    pub fn wage_words_in(&self, lang: Lang) -> String {
        if self.unknown.salary && self.wage_min.is_none() && self.wage_max.is_none() {
            return words::word(lang, "job.wage.not_stated").into();
        }
        let unit = if self.wage_unit_stated {
            format!("/{}", self.wage_unit.label(lang))
        } else {
            String::new()
        };
        let (sign, n): (String, fn(i64) -> String) = if self.is_yuan() {
            ("¥".into(), |v| v.to_string())
        } else {
            (currency_sign(&self.currency), grouped)
        };
        match (self.wage_min, self.wage_max) {
            (Some(a), Some(b)) if a != b => format!("{sign}{}–{}{unit}", n(a), n(b)),
            (Some(a), _) | (None, Some(a)) => format!("{sign}{}{unit}", n(a)),
            (None, None) => words::word(lang, "job.wage.negotiable").into(),
        }
    }
}

/// A unified social credit code (GB 32100-2015): 18 characters from digits and capital
/// letters without I, O, S, V, Z — the registering authority, the kind of body, the region
/// (6 digits, GB/T 2260), the organisation code (GB 11714) — and a check character
/// (ISO 7064 MOD 31-3). Spaces and dashes people write between the parts are dropped
/// first, as the standard's reference implementations do; lower case is read as upper.
pub fn parse_credit_code(raw: &str) -> Result<String, CreditCodeError> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐' | '‑' | '–' | '—' | '－'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let n = code.chars().count();
    if n != 18 {
        return Err(CreditCodeError::Length(n));
    }
    let mut values = [0u32; 18];
    for (i, c) in code.chars().enumerate() {
        let region = (2..8).contains(&i);
        match CREDIT_CHARS.find(c) {
            Some(v) if !region || c.is_ascii_digit() => {
                values[i] = u32::try_from(v).expect("a place in CREDIT_CHARS");
            }
            _ => return Err(CreditCodeError::BadChar { pos: i + 1, ch: c }),
        }
    }
    let sum: u32 = values[..17]
        .iter()
        .zip(CREDIT_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let expected = CREDIT_CHARS.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
    let found = CREDIT_CHARS.as_bytes()[values[17] as usize] as char;
    if expected != found {
        return Err(CreditCodeError::CheckChar { expected, found });
    }
    Ok(code)
}

/// Whether `code` is a unified social credit code (see `parse_credit_code`).
pub fn check_credit_code(code: &str) -> bool {
    parse_credit_code(code).is_ok()
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a credit code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeError {
    /// Not 18 characters (spaces and dashes not counted): how many.
    Length(usize),
    /// A character the code cannot hold there (1-based position): I, O, S, V, Z, a
    /// punctuation mark, a letter in the region's six digits.
    BadChar { pos: usize, ch: char },
    /// The 18th character does not agree with the first 17.
    CheckChar { expected: char, found: char },
}

impl CreditCodeError {
    /// What is wrong, as a message of the catalog (`job.credit_code.*`).
    pub fn said(&self) -> Said {
        match self {
            CreditCodeError::Length(n) => Said::new("job.credit_code.length").with("n", n),
            CreditCodeError::BadChar { pos, ch } if (3..=8).contains(pos) => {
                Said::new("job.credit_code.region_digit")
                    .with("pos", pos)
                    .with("ch", ch)
            }
            CreditCodeError::BadChar { pos, ch } => Said::new("job.credit_code.bad_char")
                .with("pos", pos)
                .with("ch", ch),
            CreditCodeError::CheckChar { expected, found } => {
                Said::new("job.credit_code.check_char")
                    .with("expected", expected)
                    .with("found", found)
            }
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        self.said().say(lang)
    }
}

impl std::fmt::Display for CreditCodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CreditCodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_desk_reads_wages_and_benefits_in_english_and_the_index_keeps_chinese() {
        let mut j = Job::new("装卸工", "城西物流园");
        j.wage_min = Some(5000);
        j.wage_max = Some(7000);
        j.wage_unit_stated = true;
        assert_eq!(j.wage_words_in(Lang::En), "¥5000–7000/month");
        assert_eq!(j.wage_words_in(Lang::Zh), "¥5000–7000/月");
        assert_eq!(j.wage_words(), "¥5000–7000/月");
        j.wage_unit = WageUnit::Hour;
        assert_eq!(j.wage_words_in(Lang::En), "¥5000–7000/hour");
        j.wage_min = None;
        j.wage_max = None;
        assert_eq!(j.wage_words_in(Lang::En), "negotiable");
        j.unknown.salary = true;
        assert_eq!(j.wage_words_in(Lang::En), "not stated");

        let b = Benefits::from_text("包吃住 五险一金");
        assert_eq!(b.words(), "包吃 包住 社保");
        assert_eq!(b.words_in(Lang::Zh), "包吃 包住 社保");
        assert_eq!(b.words_in(Lang::En), "meals, housing, insurance");
        assert_eq!(
            Benefits::from_text("提供住宿").words_in(Lang::En),
            "housing"
        );
        assert_eq!(Benefits::default().words_in(Lang::En), "");
    }

    #[test]
    fn day_and_hour_wages_compare_by_month() {
        assert_eq!(WageUnit::Month.per_month(5000), 5000);
        assert_eq!(WageUnit::Day.per_month(200), 4350);
        assert_eq!(WageUnit::Hour.per_month(25), 4350);
        let mut j = Job::new("装卸工", "城西物流园");
        j.wage_min = Some(180);
        j.wage_max = Some(220);
        j.wage_unit = WageUnit::Day;
        assert_eq!(j.monthly_max(), Some(4785));
        assert_eq!(j.wage_words(), "¥180–220/日");
        j.wage_max = None;
        assert_eq!(j.monthly_max(), Some(3915));
    }

    #[test]
    fn years_and_weeks_convert_and_other_currencies_are_shown_as_given() {
        // Issue 17: year ÷ 12, week × 4.33, day × 21.75, hour × 174.
        assert_eq!(WageUnit::Year.per_month(120_000), 10_000);
        assert_eq!(WageUnit::Week.per_month(1_000), 4_330);
        assert_eq!(WageUnit::Hour.per_month(100), 17_400);
        let mut j = Job::new("Software Engineer", "");
        j.wage_min = Some(100_000);
        j.wage_max = Some(100_000);
        j.wage_unit = WageUnit::Year;
        j.currency = "USD".into();
        assert_eq!(j.wage_words(), "US$100,000/年");
        assert_eq!(j.monthly_max(), None, "not compared with a yuan filter");
        j.wage_unit_stated = false;
        assert_eq!(j.wage_words(), "US$100,000");
        j.currency = "CNY".into();
        j.wage_unit_stated = true;
        assert_eq!(j.wage_words(), "¥100000/年");
        assert_eq!(j.monthly_max(), Some(8_333));
        j.wage_min = None;
        j.wage_max = None;
        j.unknown.salary = true;
        assert_eq!(j.wage_words(), "未注明");
        assert!(j.is_incomplete());
        assert_eq!(Unknown::from_code(&j.unknown.code()), j.unknown);
        assert_eq!(Unknown::from_code(""), Unknown::default());
    }

    #[test]
    fn benefits_are_read_from_how_postings_say_them() {
        let b = Benefits::from_text("包吃住,缴纳社保");
        assert!(b.meals && b.housing && b.insurance);
        assert_eq!(b.words(), "包吃 包住 社保");
        let b = Benefits::from_text("提供工作餐");
        assert!(b.meals && !b.housing && !b.insurance);
        assert_eq!(Benefits::from_bits(b.bits()), b);
    }

    #[test]
    fn units_and_types_accept_chinese_and_schema_org_words() {
        assert_eq!(WageUnit::parse("天"), Some(WageUnit::Day));
        assert_eq!(WageUnit::parse("HOUR"), Some(WageUnit::Hour));
        // Weeks and years were refused once (issue 17): schema.org's unitText has both.
        assert_eq!(WageUnit::parse("周"), Some(WageUnit::Week));
        assert_eq!(WageUnit::parse("YEAR"), Some(WageUnit::Year));
        assert_eq!(WageUnit::parse("旬"), None);
        assert_eq!(EmploymentType::parse("零工"), Some(EmploymentType::Gig));
        assert_eq!(
            EmploymentType::parse("PART_TIME"),
            Some(EmploymentType::PartTime)
        );
        assert_eq!(EmploymentType::parse("日结"), Some(EmploymentType::Gig));
    }

    #[test]
    fn expired_or_filled_openings_are_not_current() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut j = Job::new("保洁员", "城西物业");
        assert!(j.is_current(today));
        j.valid_through = NaiveDate::from_ymd_opt(2026, 11, 21);
        assert!(!j.is_current(today));
        j.valid_through = None;
        j.status = JobStatus::Filled;
        assert!(!j.is_current(today));
    }

    #[test]
    fn credit_codes_carry_a_check_character() {
        assert!(check_credit_code("91110000600037341L"));
        assert!(check_credit_code("91350100M000100Y43"));
        assert!(!check_credit_code("91350100M000100Y44"));
        assert!(!check_credit_code("9135"));
    }

    #[test]
    fn credit_codes_are_read_as_written_and_each_fault_named() {
        assert_eq!(
            parse_credit_code("9111-0000-6000-3734-1l").as_deref(),
            Ok("91110000600037341L")
        );
        assert_eq!(
            parse_credit_code("91 110000 600037341L").as_deref(),
            Ok("91110000600037341L")
        );
        assert_eq!(parse_credit_code("9135"), Err(CreditCodeError::Length(4)));
        assert_eq!(
            parse_credit_code("9111000060003IOZSV"),
            Err(CreditCodeError::BadChar { pos: 14, ch: 'I' })
        );
        assert_eq!(
            parse_credit_code("91A10000600037341L"),
            Err(CreditCodeError::BadChar { pos: 3, ch: 'A' })
        );
        let e = parse_credit_code("91350100M000100Y44").unwrap_err();
        assert_eq!(
            e,
            CreditCodeError::CheckChar {
                expected: '3',
                found: '4'
            }
        );
        assert_eq!(
            e.message(Lang::Zh),
            "统一社会信用代码校验位应为3,不是4,请核对前17位"
        );
    }
}

//! `dutydesk import jobs FILE`: job openings from a CSV of our own shape (README "Job
//! columns"; UTF-8 or GBK) or schema.org JobPosting JSON-LD (one object, an array, or an
//! `@graph`; `baseSalary` a MonetaryAmount whose value is a QuantitativeValue or a number;
//! `jobLocation` a Place). Every problem is reported with its position (a CSV line, a
//! JSON path such as `$[3].baseSalary`) and field, and then nothing is imported — or, with
//! `--skip-bad`, the good postings are, and each one left out is listed.
//!
//! An outside posting is kept whenever it has a title: a missing employer, salary or
//! place is recorded as unknown (shown as 信息不全); a salary keeps its currency and period
//! as given (`salaryCurrency` USD, `unitText` YEAR), and only yuan wages are compared by
//! the month.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::domain::job::{Benefits, EmploymentType, Job, JobStatus, WageUnit, parse_credit_code};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::import::feed::{Feed, Settle, json_key, line_position};
use crate::import::{Cleaner, FileError, Table, read_date, read_file};

/// A jobs file can be large (a city's openings); past this it is refused unread.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

pub fn load(path: &Path, lang: Lang) -> Result<Vec<Job>, Vec<FileError>> {
    load_counted(path, lang).map(|(jobs, _)| jobs)
}

/// [`load`], and how many values had control characters cleaned out.
pub fn load_counted(path: &Path, lang: Lang) -> Result<(Vec<Job>, usize), Vec<FileError>> {
    load_feed(path, lang, false).map(|f| (f.records, f.cleaned))
}

/// The postings of the file at `path`: all or none, or with `skip_bad` the good ones and
/// those left out.
pub fn load_feed(path: &Path, lang: Lang, skip_bad: bool) -> Result<Feed<Job>, Vec<FileError>> {
    let text = read_file(path, MAX_FILE_BYTES, lang).map_err(|e| vec![e])?;
    let file = path.display().to_string();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonld"))
        || text.trim_start().starts_with(['[', '{']);
    if is_json {
        json_ld(&text, &file, lang, skip_bad)
    } else {
        csv_jobs(&text, &file, lang, skip_bad)
    }
}

/// A credit code as written (spaces and dashes dropped), or what is wrong with it.
fn credit_code(code: &str, lang: Lang) -> Result<String, String> {
    parse_credit_code(code).map_err(|e| e.message(lang))
}

fn required(lang: Lang) -> String {
    lang.pick("必填", "required").to_string()
}

/// A wage as written: from–to in yuan (none for 面议), and the unit if it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wage {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub unit: Option<WageUnit>,
}

/// `4000-6000`, `4000~6000`, `4000`, `200/天`, `面议`, `5k-8k`; `None` if unreadable.
pub fn parse_wage(text: &str) -> Option<Wage> {
    read_wage(text)
        .ok()
        .map(|(min, max, unit)| Wage { min, max, unit })
}

type WageParts = (Option<i64>, Option<i64>, Option<WageUnit>);

fn read_wage(text: &str) -> Result<WageParts, ()> {
    let t = text.trim().replace([',', ',', '¥', '¥', ' ', '元'], "");
    if t.is_empty() || t == "面议" {
        return Ok((None, None, None));
    }
    let (amount, unit) = match t.split_once('/') {
        Some((a, u)) => (a.to_string(), Some(WageUnit::parse(u).ok_or(())?)),
        None => (t.clone(), None),
    };
    let num = |s: &str| -> Result<i64, ()> {
        let s = s.trim().to_lowercase();
        let (s, scale) = match s.strip_suffix('k') {
            Some(x) => (x.to_string(), 1000.0),
            None => match s.strip_suffix('千') {
                Some(x) => (x.to_string(), 1000.0),
                None => match s.strip_suffix('万') {
                    Some(x) => (x.to_string(), 10000.0),
                    None => (s, 1.0),
                },
            },
        };
        let v: f64 = s.parse().map_err(|_| ())?;
        if !(0.0..=10_000_000.0).contains(&(v * scale)) {
            return Err(());
        }
        Ok(whole(v * scale))
    };
    let parts: Vec<&str> = amount.split(['-', '~', '—', '–', '至']).collect();
    match parts.as_slice() {
        [one] => {
            let v = num(one)?;
            Ok((Some(v), Some(v), unit))
        }
        [a, b] => {
            let (a, b) = (num(a)?, num(b)?);
            if a > b {
                return Err(());
            }
            Ok((Some(a), Some(b), unit))
        }
        _ => Err(()),
    }
}

/// `18-45`, `45岁以下`, `18岁以上`: (min, max).
fn parse_age(text: &str) -> Result<(Option<i64>, Option<i64>), ()> {
    let t = text.trim().replace('岁', "");
    if t.is_empty() || t == "不限" {
        return Ok((None, None));
    }
    let n = |s: &str| {
        s.trim().parse::<i64>().map_err(|_| ()).and_then(|v| {
            if (14..=80).contains(&v) {
                Ok(v)
            } else {
                Err(())
            }
        })
    };
    if let Some(x) = t.strip_suffix("以下") {
        return Ok((None, Some(n(x)?)));
    }
    if let Some(x) = t.strip_suffix("以上") {
        return Ok((Some(n(x)?), None));
    }
    match t.split_once(['-', '~', '至']) {
        Some((a, b)) => Ok((Some(n(a)?), Some(n(b)?))),
        None => Err(()),
    }
}

fn status_loose(text: &str) -> Option<JobStatus> {
    let t = text.trim();
    if t.is_empty() {
        return Some(JobStatus::Open);
    }
    JobStatus::parse_loose(t).or(match t {
        "招聘" | "在招" | "有效" => Some(JobStatus::Open),
        "招满" | "已满" => Some(JobStatus::Filled),
        "停止" | "过期" | "已过期" | "关闭" => Some(JobStatus::Closed),
        _ => None,
    })
}

const CSV_COLUMNS: &[(&str, &[&str])] = &[
    ("source_id", &["编号", "source_id", "id"]),
    ("title", &["岗位", "岗位名称", "职位", "title"]),
    ("employer", &["单位", "招聘单位", "企业", "employer"]),
    (
        "credit_code",
        &["统一社会信用代码", "信用代码", "credit_code"],
    ),
    ("district", &["区域", "所在区", "区县", "district"]),
    ("address", &["地址", "工作地点", "address"]),
    ("wage", &["工资", "薪资", "月薪", "wage"]),
    ("wage_unit", &["计薪单位", "工资单位", "wage_unit"]),
    ("benefits", &["福利", "待遇", "benefits"]),
    (
        "employment_type",
        &["用工类型", "用工形式", "employment_type"],
    ),
    ("hours", &["工作时间", "班次", "hours"]),
    ("openings", &["招聘人数", "人数", "openings"]),
    ("age", &["年龄", "年龄要求", "age"]),
    ("education", &["学历", "education"]),
    ("experience", &["经验", "工作经验", "experience"]),
    ("physical", &["身体要求", "physical"]),
    ("description", &["岗位描述", "描述", "description"]),
    ("contact", &["联系方式", "联系电话", "contact"]),
    ("posted_on", &["发布日期", "posted_on"]),
    ("valid_through", &["有效期至", "截止日期", "valid_through"]),
    ("source", &["来源", "source"]),
    ("status", &["状态", "status"]),
];

/// Headers of the columns that hold multi-line text.
const CSV_TEXTS: &[&str] = &["岗位描述", "描述", "description"];

/// JSON-LD keys whose values are multi-line text.
const JSON_TEXTS: &[&str] = &["description", "experienceRequirements", "qualifications"];

/// The wage cell and its unit's into `job`; one it cannot read goes to `bad`.
fn wage_into(
    job: &mut Job,
    wage: &str,
    unit_cell: &str,
    lang: Lang,
    bad: &mut dyn FnMut(&str, String),
) {
    match parse_wage(wage) {
        Some(Wage { min, max, unit }) => {
            job.wage_min = min;
            job.wage_max = max;
            job.wage_unit = match (unit, WageUnit::parse(unit_cell)) {
                (Some(u), _) | (None, Some(u)) => u,
                (None, None) => {
                    bad(
                        "wage_unit",
                        match lang {
                            Lang::Zh => format!("“{unit_cell}”不是计薪单位(月 / 日 / 时)"),
                            Lang::En => {
                                format!("{unit_cell:?} is not a wage unit (month, day, hour)")
                            }
                        },
                    );
                    WageUnit::Month
                }
            };
        }
        None => bad(
            "wage",
            lang.pick(
                "工资格式不对,例:4000-6000、200/天、面议",
                "bad wage, e.g. 4000-6000, 200/天, 面议",
            )
            .into(),
        ),
    }
}

/// The employment type a cell names (full-time when empty); one it cannot read goes to
/// `bad`, and full-time stands.
fn employment_type(etype: &str, lang: Lang, bad: &mut dyn FnMut(&str, String)) -> EmploymentType {
    if etype.is_empty() {
        EmploymentType::FullTime
    } else {
        EmploymentType::parse(etype).unwrap_or_else(|| {
            bad(
                "employment_type",
                match lang {
                    Lang::Zh => format!("“{etype}”不是用工类型(全职 / 兼职 / 临时 / 零工)"),
                    Lang::En => {
                        format!("{etype:?} is not one of: full-time, part-time, temporary, gig")
                    }
                },
            );
            EmploymentType::FullTime
        })
    }
}

/// The openings a cell gives (若干 or empty: unknown); anything but 0–100000 goes to `bad`.
fn openings_of(openings: &str, lang: Lang, bad: &mut dyn FnMut(&str, String)) -> Option<i64> {
    match openings.trim().trim_end_matches('人') {
        "" | "若干" => None,
        n => match n.parse::<i64>() {
            Ok(v) if (0..=100_000).contains(&v) => Some(v),
            _ => {
                bad(
                    "openings",
                    lang.pick("应为0到100000的整数", "a whole number 0–100000")
                        .into(),
                );
                None
            }
        },
    }
}

pub fn parse_csv(text: &str, file: &str, lang: Lang) -> Result<Vec<Job>, Vec<FileError>> {
    csv_jobs(text, file, lang, false).map(|f| f.records)
}

fn csv_jobs(
    text: &str,
    file: &str,
    lang: Lang,
    skip_bad: bool,
) -> Result<Feed<Job>, Vec<FileError>> {
    let table = Table::read_file(text, file, CSV_TEXTS)?;
    let col = table.columns(CSV_COLUMNS, &["title", "employer"], file, lang)?;
    let mut settle = Settle::new(skip_bad);
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, cells) in &table.rows {
        let mut errors = Vec::new();
        let get = |f: &str| {
            col.get(f)
                .and_then(|i| cells.get(*i))
                .cloned()
                .unwrap_or_default()
        };
        let header = |f: &str| {
            col.get(f)
                .map_or_else(|| f.to_string(), |i| table.headers[*i].clone())
        };
        let mut bad = |f: &str, m: String| errors.push(FileError::new(file, *line, &header(f), m));
        let mut job = Job::new(&get("title"), &get("employer"));
        if job.title.is_empty() {
            bad("title", required(lang));
        }
        if job.employer.is_empty() {
            bad("employer", required(lang));
        }
        let code = get("credit_code");
        if !code.is_empty() {
            match credit_code(&code, lang) {
                Ok(c) => job.credit_code = c,
                Err(m) => bad("credit_code", m),
            }
        }
        wage_into(&mut job, &get("wage"), &get("wage_unit"), lang, &mut bad);
        job.benefits = Benefits::from_text(&get("benefits"));
        job.benefits_text = get("benefits");
        let etype = get("employment_type");
        job.employment_type = employment_type(&etype, lang, &mut bad);
        let openings = get("openings");
        job.openings = openings_of(&openings, lang, &mut bad);
        match parse_age(&get("age")) {
            Ok((a, b)) => {
                job.age_min = a;
                job.age_max = b;
            }
            Err(()) => bad(
                "age",
                lang.pick(
                    "年龄格式不对,例:18-45、45岁以下",
                    "bad age range, e.g. 18-45",
                )
                .into(),
            ),
        }
        for (f, slot) in [
            ("posted_on", &mut job.posted_on),
            ("valid_through", &mut job.valid_through),
        ] {
            match read_date(&get(f), lang) {
                Ok(d) => *slot = d,
                Err(m) => bad(f, m),
            }
        }
        match status_loose(&get("status")) {
            Some(s) => job.status = s,
            None => bad(
                "status",
                match lang {
                    Lang::Zh => {
                        format!("“{}”不是可选状态(招聘中 / 已招满 / 已停止)", get("status"))
                    }
                    Lang::En => format!("{:?} is not one of: open, filled, closed", get("status")),
                },
            ),
        }
        job.district = get("district");
        job.address = get("address");
        job.hours = get("hours");
        job.education = get("education");
        job.experience = get("experience");
        job.physical = get("physical");
        job.description = get("description");
        job.contact = get("contact");
        job.source = get("source");
        let src = get("source_id");
        let src = if src.is_empty() {
            format!("{}@{}", job.title, job.employer)
        } else {
            src
        };
        if let Some(first) = seen.get(&src) {
            bad(
                "source_id",
                match lang {
                    Lang::Zh => format!("编号“{src}”与第{first}行重复"),
                    Lang::En => format!("id {src:?} repeats line {first}"),
                },
            );
        } else if errors.is_empty() || !skip_bad {
            // A row left out does not hold its id: a later good row with it is kept.
            seen.insert(src.clone(), *line);
        }
        job.source_id = Some(src);
        settle.record(file, line_position(*line, lang), job, errors);
    }
    settle.finish(table.cleaned)
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).map_or("", str::trim)
}

/// A text or a number, as text.
fn text_or_number(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A figure as a whole number, rounded. `as` saturates: a figure past i64's range becomes
/// its nearest end (and NaN, which no parse here gives, 0).
#[allow(clippy::cast_possible_truncation)] // saturating, as said
fn whole(f: f64) -> i64 {
    f.round() as i64
}

fn as_i64(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_f64().map(whole),
        Value::String(s) => s.trim().parse::<f64>().ok().map(whole),
        _ => None,
    }
}

/// Whether a JSON-LD node is a JobPosting (`JobPosting`, `schema:JobPosting`, the full
/// IRI; an untyped object with a title is taken as one).
fn is_posting(v: &Value) -> bool {
    let named = |t: &Value| {
        t.as_str().is_some_and(|t| {
            t == "JobPosting" || t.ends_with(":JobPosting") || t.ends_with("/JobPosting")
        })
    };
    match v.get("@type") {
        Some(Value::Array(a)) => a.iter().any(named),
        Some(t) => named(t),
        None => v.get("title").is_some(),
    }
}

/// The postings in a JSON-LD document, each with its JSON path: one object (`$`), an
/// array (`$[3]`), or an `@graph` (`$["@graph"][3]`).
fn postings(doc: &Value) -> Vec<(String, &Value)> {
    fn each<'a>(a: &'a [Value], base: &str) -> Vec<(String, &'a Value)> {
        a.iter()
            .enumerate()
            .filter(|(_, v)| is_posting(v))
            .map(|(i, v)| (format!("{base}[{i}]"), v))
            .collect()
    }
    match doc {
        Value::Array(a) => each(a, "$"),
        Value::Object(o) => match o.get("@graph").and_then(Value::as_array) {
            Some(a) => each(a, &json_key("$", "@graph")),
            None => vec![("$".to_string(), doc)],
        },
        _ => Vec::new(),
    }
}

pub fn parse_json_ld(text: &str, file: &str, lang: Lang) -> Result<Vec<Job>, Vec<FileError>> {
    json_ld(text, file, lang, false).map(|f| f.records)
}

/// An amount as JSON gives it: a number, or a string of one (`"100000"`, `"4,500.00"`).
fn amount(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_f64().map(whole),
        Value::String(s) => s
            .trim()
            .replace([',', ' '], "")
            .parse::<f64>()
            .ok()
            .map(whole),
        _ => None,
    }
}

/// The salary of a posting (`baseSalary`: a number, a text, or a MonetaryAmount whose
/// value is a number or a QuantitativeValue; the currency from it or `salaryCurrency`),
/// set on `job`, or what is wrong with it as (field, message).
fn salary(v: &Value, job: &mut Job, lang: Lang) -> Result<(), (String, String)> {
    let Some(salary) = v.get("baseSalary").filter(|s| !s.is_null()) else {
        job.unknown.salary = true;
        return Ok(());
    };
    let value = salary.get("value").unwrap_or(salary);
    let (min, max, unit) = match value {
        Value::Object(_) => {
            let single = amount(value.get("value"));
            (
                amount(value.get("minValue")).or(single),
                amount(value.get("maxValue")).or(single),
                match s(value, "unitText") {
                    "" => s(salary, "unitText"),
                    u => u,
                },
            )
        }
        x => {
            let a = amount(Some(x));
            (a, a, s(salary, "unitText"))
        }
    };
    if min.is_none() && max.is_none() {
        return Err((
            "baseSalary".into(),
            lang.pick(
                "没有金额(value / minValue / maxValue)",
                "no amount (value, minValue or maxValue)",
            )
            .into(),
        ));
    }
    if min.is_some_and(|a| a < 0) || max.is_some_and(|a| a < 0) || min > max && max.is_some() {
        return Err((
            "baseSalary".into(),
            lang.pick(
                "金额不合理(负数或下限高于上限)",
                "a negative amount, or min above max",
            )
            .into(),
        ));
    }
    let currency = match s(salary, "currency") {
        "" => s(v, "salaryCurrency"),
        c => c,
    }
    .to_ascii_uppercase();
    if !currency.is_empty() {
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err((
                "baseSalary.currency".into(),
                match lang {
                    Lang::Zh => format!("“{currency}”不是ISO 4217币种代码(如 CNY、USD)"),
                    Lang::En => format!("{currency:?} is not an ISO 4217 code (CNY, USD…)"),
                },
            ));
        }
        job.currency = currency;
    }
    job.wage_min = min;
    job.wage_max = max;
    if unit.is_empty() {
        job.wage_unit_stated = false;
    } else {
        job.wage_unit = WageUnit::parse(unit).ok_or_else(|| {
            (
                "baseSalary.value.unitText".to_string(),
                match lang {
                    Lang::Zh => format!("“{unit}”不是计薪单位(HOUR / DAY / WEEK / MONTH / YEAR)"),
                    Lang::En => format!("{unit:?} is not HOUR, DAY, WEEK, MONTH or YEAR"),
                },
            )
        })?;
    }
    Ok(())
}

/// One posting read, or the problems with it.
fn posting(v: &Value, path: &str, file: &str, lang: Lang) -> (Job, Vec<FileError>) {
    let mut errors = Vec::new();
    let mut bad = |f: &str, m: String| {
        errors.push(FileError::new(file, 0, &format!("{path}.{f}"), m));
    };
    let org = v.get("hiringOrganization").cloned().unwrap_or(Value::Null);
    let employer = match &org {
        Value::String(name) => name.trim().to_string(),
        o => match s(o, "name") {
            "" => s(o, "legalName").to_string(),
            n => n.to_string(),
        },
    };
    let mut job = Job::new(s(v, "title"), &employer);
    if job.title.is_empty() {
        bad("title", required(lang));
    }
    job.unknown.employer = job.employer.is_empty();
    let (code, code_field) = match org.get("identifier") {
        Some(Value::String(c)) => (c.trim().to_string(), "hiringOrganization.identifier"),
        Some(o) => (
            s(o, "value").to_string(),
            "hiringOrganization.identifier.value",
        ),
        None => (s(&org, "taxID").to_string(), "hiringOrganization.taxID"),
    };
    if !code.is_empty() {
        match credit_code(&code, lang) {
            Ok(c) => job.credit_code = c,
            Err(m) => bad(code_field, m),
        }
    }
    // jobLocation: a Place (or an array of them) with a PostalAddress or a text address.
    let place = match v.get("jobLocation") {
        Some(Value::Array(a)) => a.first().cloned().unwrap_or(Value::Null),
        Some(p) => p.clone(),
        None => Value::Null,
    };
    match place.get("address").unwrap_or(&Value::Null) {
        Value::String(a) => job.address = a.trim().to_string(),
        a => {
            job.district = match s(a, "addressLocality") {
                "" => s(a, "addressRegion").to_string(),
                l => l.to_string(),
            };
            job.address = s(a, "streetAddress").to_string();
        }
    }
    if job.district.is_empty() && job.address.is_empty() {
        job.address = s(&place, "name").to_string();
    }
    job.unknown.place = job.district.is_empty() && job.address.is_empty();
    if let Err((f, m)) = salary(v, &mut job, lang) {
        bad(&f, m);
    }
    let etype = match v.get("employmentType") {
        Some(Value::Array(a)) => a.first().and_then(Value::as_str).unwrap_or("").to_string(),
        other => text_or_number(other),
    };
    if !etype.is_empty() {
        let schema_org = match etype.to_ascii_uppercase().as_str() {
            "INTERN" | "VOLUNTEER" => Some(EmploymentType::Temporary),
            "OTHER" => Some(EmploymentType::FullTime),
            _ => None,
        };
        match EmploymentType::parse(&etype).or(schema_org) {
            Some(t) => job.employment_type = t,
            None => bad(
                "employmentType",
                match lang {
                    Lang::Zh => format!(
                        "“{etype}”不是用工类型(FULL_TIME / PART_TIME / TEMPORARY / PER_DIEM…)"
                    ),
                    Lang::En => format!(
                        "{etype:?} is not an employment type (FULL_TIME, PART_TIME, TEMPORARY, PER_DIEM…)"
                    ),
                },
            ),
        }
    }
    job.benefits_text = text_or_number(v.get("jobBenefits"));
    job.benefits = Benefits::from_text(&format!("{} {}", job.benefits_text, s(v, "description")));
    job.hours = text_or_number(v.get("workHours"));
    job.openings = as_i64(v.get("totalJobOpenings"));
    job.description = s(v, "description").to_string();
    job.education = match v.get("educationRequirements") {
        Some(Value::String(e)) => e.clone(),
        Some(o) => s(o, "credentialCategory").to_string(),
        None => String::new(),
    };
    job.experience = match v.get("experienceRequirements") {
        Some(Value::String(e)) => e.clone(),
        Some(o) => s(o, "description").to_string(),
        None => String::new(),
    };
    job.physical = text_or_number(v.get("physicalRequirement"));
    job.contact = v
        .get("applicationContact")
        .map(|c| match s(c, "telephone") {
            "" => s(c, "email").to_string(),
            t => t.to_string(),
        })
        .unwrap_or_default();
    for (f, slot) in [
        ("datePosted", &mut job.posted_on),
        ("validThrough", &mut job.valid_through),
    ] {
        match read_date(s(v, f), lang) {
            Ok(d) => *slot = d,
            Err(m) => bad(f, m),
        }
    }
    job.source = s(v, "url").to_string();
    (job, errors)
}

/// A posting's own id: `identifier` (a text, a number, or a PropertyValue's value), else
/// `@id`, else its `url`, else title@employer with the place when it is known.
fn posting_id(v: &Value, job: &Job) -> String {
    let id = match v.get("identifier") {
        Some(Value::String(i)) => i.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(o) => text_or_number(o.get("value")),
        None => String::new(),
    };
    if !id.is_empty() {
        return id;
    }
    for key in ["@id", "url"] {
        if !s(v, key).is_empty() {
            return s(v, key).to_string();
        }
    }
    let place = [job.district.as_str(), job.address.as_str()]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if place.is_empty() {
        format!("{}@{}", job.title, job.employer)
    } else {
        format!("{}@{}@{place}", job.title, job.employer)
    }
}

fn json_ld(
    text: &str,
    file: &str,
    lang: Lang,
    skip_bad: bool,
) -> Result<Feed<Job>, Vec<FileError>> {
    let mut doc: Value = crate::import::parse_json(text, file, lang)?;
    let mut cleaner = Cleaner::default();
    cleaner.clean_json(&mut doc, JSON_TEXTS);
    let items = postings(&doc);
    if items.is_empty() {
        return Err(vec![FileError::new(
            file,
            0,
            "$",
            lang.pick("没有找到 JobPosting", "no JobPosting found"),
        )]);
    }
    let read: Vec<(String, &Value, Job, Vec<FileError>)> = items
        .into_iter()
        .map(|(path, v)| {
            let (job, errors) = posting(v, &path, file, lang);
            (path, v, job, errors)
        })
        .collect();
    // A combined file (several employers' feeds in one) may use the same identifier for
    // different employers' postings: each is then known by its employer too. The same
    // posting twice is one posting; only different postings under one id are refused.
    let mut employers: HashMap<String, std::collections::BTreeSet<&str>> = HashMap::new();
    let ids: Vec<String> = read
        .iter()
        .map(|(_, v, job, _)| posting_id(v, job))
        .collect();
    for (id, (_, _, job, _)) in ids.iter().zip(&read) {
        employers
            .entry(id.clone())
            .or_default()
            .insert(job.employer.as_str());
    }
    let mut settle = Settle::new(skip_bad);
    let mut seen: HashMap<String, (String, &Value)> = HashMap::new();
    for ((path, v, mut job, mut errors), raw) in read.iter().cloned().zip(&ids) {
        let id = if employers[raw].len() > 1 {
            format!("{raw}@{}", job.employer)
        } else {
            raw.clone()
        };
        match seen.get(&id) {
            Some((_, first)) if *first == v => continue,
            Some((first, _)) => errors.push(FileError::new(
                file,
                0,
                &format!("{path}.identifier"),
                match lang {
                    Lang::Zh => format!("编号“{id}”与{first}重复,内容不同"),
                    Lang::En => format!("id {id:?} repeats {first} with different content"),
                },
            )),
            None if errors.is_empty() || !skip_bad => {
                seen.insert(id.clone(), (path.clone(), v));
            }
            None => {}
        }
        job.source_id = Some(id);
        settle.record(file, path, job, errors);
    }
    settle.finish(cleaner.cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn wages_as_people_write_them() {
        let w = |min, max, unit| Some(Wage { min, max, unit });
        assert_eq!(parse_wage("4000-6000"), w(Some(4000), Some(6000), None));
        assert_eq!(
            parse_wage("200/天"),
            w(Some(200), Some(200), Some(WageUnit::Day))
        );
        assert_eq!(parse_wage("5k~8k"), w(Some(5000), Some(8000), None));
        assert_eq!(parse_wage("面议"), w(None, None, None));
        assert_eq!(
            parse_wage("¥4,500元/月"),
            w(Some(4500), Some(4500), Some(WageUnit::Month))
        );
        assert!(parse_wage("6000-4000").is_none());
        assert!(parse_wage("很多").is_none());
        // A week's pay was refused once (issue 17); a unit nobody pays by still is.
        assert_eq!(
            parse_wage("2000/周"),
            w(Some(2000), Some(2000), Some(WageUnit::Week))
        );
        assert!(parse_wage("20/旬").is_none());
    }

    const POSTING: &str = r#"{"@type":"JobPosting","title":"普工","identifier":{"value":"A1"},
        "hiringOrganization":{"@type":"Organization","name":"城西食品厂","identifier":"91350100M000100Y43"},
        "jobLocation":{"@type":"Place","address":{"@type":"PostalAddress","addressLocality":"城西区","streetAddress":"工业园8号"}},
        "baseSalary":{"@type":"MonetaryAmount","currency":"CNY","value":{"@type":"QuantitativeValue","minValue":4000,"maxValue":5500,"unitText":"MONTH"}},
        "employmentType":"FULL_TIME","jobBenefits":"包吃住","datePosted":"2026-11-10","validThrough":"2026-12-31T00:00"}"#;

    #[test]
    fn json_ld_takes_one_posting_an_array_or_a_graph() {
        let one = parse_json_ld(POSTING, "p.json", Lang::En).unwrap();
        assert_eq!(one.len(), 1);
        let j = &one[0];
        assert_eq!(
            (j.title.as_str(), j.employer.as_str()),
            ("普工", "城西食品厂")
        );
        assert_eq!(
            (j.wage_min, j.wage_max, j.wage_unit),
            (Some(4000), Some(5500), WageUnit::Month)
        );
        assert_eq!(j.district, "城西区");
        assert!(j.benefits.meals && j.benefits.housing);
        assert_eq!(j.valid_through, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(j.source_id.as_deref(), Some("A1"));
        assert_eq!(j.credit_code, "91350100M000100Y43");
        let arr = format!("[{POSTING}, {}]", POSTING.replace("\"A1\"", "\"A2\""));
        assert_eq!(parse_json_ld(&arr, "p.json", Lang::En).unwrap().len(), 2);
        let graph = format!(
            r#"{{"@context":"https://schema.org","@graph":[{{"@type":"Organization","name":"x"}},{}]}}"#,
            POSTING
        );
        assert_eq!(parse_json_ld(&graph, "p.json", Lang::En).unwrap().len(), 1);
    }

    #[test]
    fn salary_as_a_single_value_and_a_missing_title_is_named() {
        let single = POSTING.replace(
            r#""value":{"@type":"QuantitativeValue","minValue":4000,"maxValue":5500,"unitText":"MONTH"}"#,
            r#""value":{"@type":"QuantitativeValue","value":220,"unitText":"DAY"}"#,
        );
        let j = &parse_json_ld(&single, "p.json", Lang::En).unwrap()[0];
        assert_eq!(
            (j.wage_min, j.wage_max, j.wage_unit),
            (Some(220), Some(220), WageUnit::Day)
        );
        let bare = POSTING.replace(r#""value":{"@type":"QuantitativeValue","minValue":4000,"maxValue":5500,"unitText":"MONTH"}"#, r#""value":6000"#);
        assert_eq!(
            parse_json_ld(&bare, "p.json", Lang::En).unwrap()[0].wage_max,
            Some(6000)
        );
        let untitled = format!(
            "[{POSTING}, {}]",
            POSTING
                .replace(r#""title":"普工","#, "")
                .replace("A1", "A2")
        );
        let errs = parse_json_ld(&untitled, "p.json", Lang::En).unwrap_err();
        assert_eq!(errs.len(), 1);
        // A JSON path, not a line number that is not a line (issue 17).
        assert_eq!(errs[0].error.line, 0);
        assert_eq!(errs[0].error.field, "$[1].title");
    }
}

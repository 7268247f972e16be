//! A jobs CSV of our own shape (README "Job columns"): its columns, and the cells people
//! write (wages, ages, statuses, employment types) read.

use std::collections::HashMap;

use super::{credit_code, whole};
use crate::domain::job::{Benefits, EmploymentType, Job, JobStatus, WageUnit};
use crate::domain::labels::Labeled;
use crate::import::feed::{Feed, Settle, line_position};
use crate::import::{FileError, Table, read_date, required};
use crate::words::Said;

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
/// The wage cell and its unit's into `job`; one it cannot read goes to `bad`.
fn wage_into(job: &mut Job, wage: &str, unit_cell: &str, bad: &mut dyn FnMut(&str, Said)) {
    match parse_wage(wage) {
        Some(Wage { min, max, unit }) => {
            job.wage_min = min;
            job.wage_max = max;
            job.wage_unit = match (unit, WageUnit::parse(unit_cell)) {
                (Some(u), _) | (None, Some(u)) => u,
                (None, None) => {
                    bad(
                        "wage_unit",
                        Said::new("import.jobs.bad_wage_unit").with("cell", unit_cell),
                    );
                    WageUnit::Month
                }
            };
        }
        None => bad("wage", Said::new("import.jobs.bad_wage")),
    }
}

/// The employment type a cell names (full-time when empty); one it cannot read goes to
/// `bad`, and full-time stands.
fn employment_type(etype: &str, bad: &mut dyn FnMut(&str, Said)) -> EmploymentType {
    if etype.is_empty() {
        EmploymentType::FullTime
    } else {
        EmploymentType::parse(etype).unwrap_or_else(|| {
            bad(
                "employment_type",
                Said::new("import.jobs.bad_employment_type").with("cell", etype),
            );
            EmploymentType::FullTime
        })
    }
}

/// The openings a cell gives (若干 or empty: unknown); anything but 0–100000 goes to `bad`.
fn openings_of(openings: &str, bad: &mut dyn FnMut(&str, Said)) -> Option<i64> {
    match openings.trim().trim_end_matches('人') {
        "" | "若干" => None,
        n => match n.parse::<i64>() {
            Ok(v) if (0..=100_000).contains(&v) => Some(v),
            _ => {
                bad("openings", Said::new("import.jobs.bad_openings"));
                None
            }
        },
    }
}

pub fn parse_csv(text: &str, file: &str) -> Result<Vec<Job>, Vec<FileError>> {
    csv_jobs(text, file, false).map(|f| f.records)
}

pub(super) fn csv_jobs(
    text: &str,
    file: &str,
    skip_bad: bool,
) -> Result<Feed<Job>, Vec<FileError>> {
    let table = Table::read_file(text, file, CSV_TEXTS)?;
    let col = table.columns(CSV_COLUMNS, &["title", "employer"], file)?;
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
        let mut bad = |f: &str, m: Said| errors.push(FileError::new(file, *line, header(f), m));
        let mut job = Job::new(&get("title"), &get("employer"));
        if job.title.is_empty() {
            bad("title", required());
        }
        if job.employer.is_empty() {
            bad("employer", required());
        }
        let code = get("credit_code");
        if !code.is_empty() {
            match credit_code(&code) {
                Ok(c) => job.credit_code = c,
                Err(m) => bad("credit_code", m),
            }
        }
        wage_into(&mut job, &get("wage"), &get("wage_unit"), &mut bad);
        job.benefits = Benefits::from_text(&get("benefits"));
        job.benefits_text = get("benefits");
        let etype = get("employment_type");
        job.employment_type = employment_type(&etype, &mut bad);
        let openings = get("openings");
        job.openings = openings_of(&openings, &mut bad);
        match parse_age(&get("age")) {
            Ok((a, b)) => {
                job.age_min = a;
                job.age_max = b;
            }
            Err(()) => bad("age", Said::new("import.jobs.bad_age")),
        }
        for (f, slot) in [
            ("posted_on", &mut job.posted_on),
            ("valid_through", &mut job.valid_through),
        ] {
            match read_date(&get(f)) {
                Ok(d) => *slot = d,
                Err(m) => bad(f, m),
            }
        }
        match status_loose(&get("status")) {
            Some(s) => job.status = s,
            None => bad(
                "status",
                Said::new("import.jobs.bad_status").with("cell", get("status")),
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
                Said::new("import.jobs.repeats_line")
                    .with("id", &src)
                    .with("first", first),
            );
        } else if errors.is_empty() || !skip_bad {
            // A row left out does not hold its id: a later good row with it is kept.
            seen.insert(src.clone(), *line);
        }
        job.source_id = Some(src);
        settle.record(file, line_position(*line), job, errors);
    }
    settle.finish(table.cleaned)
}

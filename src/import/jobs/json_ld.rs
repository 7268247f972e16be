//! schema.org JobPosting JSON-LD: one object, an array, or an `@graph`; each posting
//! read with its JSON path, its salary, and its id.

use std::collections::HashMap;

use serde_json::Value;

use super::{credit_code, whole};
use crate::domain::job::{Benefits, EmploymentType, Job, WageUnit};
use crate::import::feed::{Feed, Settle, json_key};
use crate::import::{Cleaner, FileError, read_date, required};
use crate::words::Said;

/// JSON-LD keys whose values are multi-line text.
const JSON_TEXTS: &[&str] = &["description", "experienceRequirements", "qualifications"];

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

pub fn parse_json_ld(text: &str, file: &str) -> Result<Vec<Job>, Vec<FileError>> {
    json_ld(text, file, false).map(|f| f.records)
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
fn salary(v: &Value, job: &mut Job) -> Result<(), (String, Said)> {
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
        return Err(("baseSalary".into(), Said::new("import.jobs.no_amount")));
    }
    if min.is_some_and(|a| a < 0) || max.is_some_and(|a| a < 0) || min > max && max.is_some() {
        return Err(("baseSalary".into(), Said::new("import.jobs.bad_amount")));
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
                Said::new("import.jobs.bad_currency").with("currency", &currency),
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
                Said::new("import.jobs.bad_unit").with("unit", unit),
            )
        })?;
    }
    Ok(())
}

/// One posting read, or the problems with it.
fn posting(v: &Value, path: &str, file: &str) -> (Job, Vec<FileError>) {
    let mut errors = Vec::new();
    let mut bad = |f: &str, m: Said| {
        errors.push(FileError::new(file, 0, format!("{path}.{f}"), m));
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
        bad("title", required());
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
        match credit_code(&code) {
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
    if let Err((f, m)) = salary(v, &mut job) {
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
                Said::new("import.jobs.bad_schema_type").with("cell", &etype),
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
        match read_date(s(v, f)) {
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

pub(super) fn json_ld(text: &str, file: &str, skip_bad: bool) -> Result<Feed<Job>, Vec<FileError>> {
    let mut doc: Value = crate::import::parse_json(text, file)?;
    let mut cleaner = Cleaner::default();
    cleaner.clean_json(&mut doc, JSON_TEXTS);
    let items = postings(&doc);
    if items.is_empty() {
        return Err(vec![FileError::new(
            file,
            0,
            "$",
            Said::new("import.jobs.no_posting"),
        )]);
    }
    let read: Vec<(String, &Value, Job, Vec<FileError>)> = items
        .into_iter()
        .map(|(path, v)| {
            let (job, errors) = posting(v, &path, file);
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
                format!("{path}.identifier"),
                Said::new("import.jobs.repeats_other")
                    .with("id", &id)
                    .with("first", first),
            )),
            None if errors.is_empty() || !skip_bad => {
                seen.insert(id.clone(), (path.clone(), v));
            }
            None => {}
        }
        job.source_id = Some(id);
        settle.record(file, path.into(), job, errors);
    }
    settle.finish(cleaner.cleaned)
}

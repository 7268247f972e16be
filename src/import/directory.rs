//! `dutydesk import directory PATH`: the services the desk routes to.
//!
//! Three shapes are read:
//! - a CSV of our own (README "Directory columns"), UTF-8 or GBK;
//! - an Open Referral HSDS tabular data package: a folder holding `services.csv` and, if
//!   present, `organizations.csv`, `phones.csv`, `locations.csv`, `service_at_location.csv`,
//!   `physical_addresses.csv` (or `addresses.csv`), `schedules.csv` (or
//!   `regular_schedules.csv`), `required_documents.csv` and `eligibility.csv`;
//! - HSDS 3.0 JSON: an array of services (or `{"services": [...]}`, or one service) with
//!   the organisation, phones, locations and schedules nested.
//!
//! HSDS has no "kind" in our sense: a `kind` column or field is used when present, else the
//! kind is read from the service's name and description (法律/律师/仲裁 → legal, 就业/岗位/
//! 招聘/培训 → jobs, 救助/帮扶/助学/补助/互助 → aid, else other agency). Every problem is
//! reported with its file, row and field, and then nothing is imported.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value;

use crate::domain::labels::Labeled;
use crate::domain::referral::{DeadlineRule, ServiceKind, ServiceStatus};
use crate::i18n::Lang;
use crate::import::{Cleaner, DateProblem, FileError, Table, date_of, read_date, read_file};
use crate::store::Service;

/// Larger files are refused before reading: a directory is a few thousand services.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a directory file holds, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub services: Vec<Service>,
    pub organizations: usize,
    /// Values that had control characters cleaned out.
    pub cleaned: usize,
}

impl Parsed {
    pub fn active(&self) -> usize {
        self.services
            .iter()
            .filter(|s| s.status == ServiceStatus::Active)
            .count()
    }
}

/// Reads a directory from `path`: a folder is an HSDS data package, `.json` is HSDS JSON,
/// anything else our CSV.
pub fn load(path: &Path, lang: Lang) -> Result<Parsed, Vec<FileError>> {
    if path.is_dir() {
        return parse_hsds_package(path, lang);
    }
    let text = read_file(path, MAX_FILE_BYTES, lang).map_err(|e| vec![e])?;
    let file = path.display().to_string();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with(['[', '{']);
    if is_json {
        parse_hsds_json(&text, &file, lang)
    } else {
        parse_csv(&text, &file, lang)
    }
}

fn kind_loose(text: &str) -> Option<ServiceKind> {
    let t = text.trim();
    ServiceKind::parse_loose(t).or(match t {
        "法律" | "法律服务" | "维权" => Some(ServiceKind::Legal),
        "就业服务" | "职业介绍" => Some(ServiceKind::Jobs),
        "帮扶" | "救助" | "困难救助" => Some(ServiceKind::Aid),
        "其他" | "部门" => Some(ServiceKind::Agency),
        _ => None,
    })
}

/// The kind a service's own words suggest, for files that do not say.
pub fn guess_kind(text: &str) -> ServiceKind {
    let t = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["法律", "律师", "仲裁", "调解", "维权", "legal", "lawyer"]) {
        ServiceKind::Legal
    } else if has(&["就业", "岗位", "招聘", "培训", "职业", "job", "employment"]) {
        ServiceKind::Jobs
    } else if has(&[
        "救助", "帮扶", "助学", "补助", "互助", "救济", "慰问", "aid", "grant",
    ]) {
        ServiceKind::Aid
    } else {
        ServiceKind::Agency
    }
}

fn status_loose(text: &str) -> Option<ServiceStatus> {
    let t = text.trim().to_lowercase();
    match t.as_str() {
        "" | "active" | "正常" | "开放" => Some(ServiceStatus::Active),
        "inactive" | "defunct" | "停用" | "撤销" => Some(ServiceStatus::Inactive),
        "temporarily closed" | "temporarily_closed" | "暂停" | "暂停服务" => {
            Some(ServiceStatus::TemporarilyClosed)
        }
        _ => None,
    }
}

/// Headers (ours and HSDS's) of the columns that hold multi-line text.
const TEXTS: &[&str] = &[
    "服务内容",
    "description",
    "对象与条件",
    "条件",
    "eligibility",
    "eligibility_description",
    "application_process",
];

/// An HSDS date: an unreadable one is passed over as before (HSDS writes dates several
/// ways), one outside the years a date may have is refused.
fn hsds_date(text: &str, lang: Lang) -> Result<Option<chrono::NaiveDate>, String> {
    match date_of(text) {
        Err(DateProblem::Unreadable) => Ok(None),
        other => other.map_err(|p| p.message(text, lang)),
    }
}

/// Our CSV's columns: (field, accepted headers). The first header is the documented one.
const CSV_COLUMNS: &[(&str, &[&str])] = &[
    ("source_id", &["编号", "source_id", "id"]),
    ("kind", &["类别", "kind"]),
    ("name", &["名称", "服务名称", "name"]),
    ("provider", &["提供方", "机构", "provider"]),
    ("description", &["服务内容", "description"]),
    ("eligibility", &["对象与条件", "条件", "eligibility"]),
    ("documents", &["所需材料", "材料", "documents"]),
    ("contact", &["联系电话", "联系方式", "contact"]),
    ("address", &["地址", "address"]),
    ("hours", &["办公时间", "hours"]),
    ("status", &["状态", "status"]),
    ("checked_on", &["核对日期", "checked_on"]),
    ("deadline_rule", &["时限规则", "deadline_rule"]),
];

fn required_msg(lang: Lang) -> String {
    lang.pick("必填", "required").to_string()
}

pub fn parse_csv(text: &str, file: &str, lang: Lang) -> Result<Parsed, Vec<FileError>> {
    let table = Table::read_file(text, file, TEXTS)?;
    let col = table.columns(CSV_COLUMNS, &["kind", "name"], file, lang)?;
    let header_of = |f: &str| table.headers[col[f]].clone();
    let mut services = Vec::new();
    let mut errors = Vec::new();
    let mut orgs = std::collections::BTreeSet::new();
    for (line, cells) in &table.rows {
        let get = |f: &str| {
            col.get(f)
                .and_then(|i| cells.get(*i))
                .cloned()
                .unwrap_or_default()
        };
        let mut bad =
            |f: &str, m: String| errors.push(FileError::new(file, *line, &header_of(f), m));
        let name = get("name");
        if name.is_empty() {
            bad("name", required_msg(lang));
        }
        let kind = match kind_loose(&get("kind")) {
            Some(k) => k,
            None => {
                bad(
                    "kind",
                    match lang {
                        Lang::Zh => format!(
                            "“{}”不是可选类别(法律援助 / 就业 / 困难帮扶 / 其他部门)",
                            get("kind")
                        ),
                        Lang::En => {
                            format!("{:?} is not one of: legal, jobs, aid, agency", get("kind"))
                        }
                    },
                );
                ServiceKind::Agency
            }
        };
        let status = match status_loose(&get("status")) {
            Some(s) => s,
            None => {
                bad(
                    "status",
                    match lang {
                        Lang::Zh => format!("“{}”不是可选状态(正常 / 暂停 / 停用)", get("status")),
                        Lang::En => format!(
                            "{:?} is not one of: active, temporarily closed, inactive",
                            get("status")
                        ),
                    },
                );
                ServiceStatus::Inactive
            }
        };
        let checked_on = read_date(&get("checked_on"), lang).unwrap_or_else(|m| {
            bad("checked_on", m);
            None
        });
        let deadline_rule = match get("deadline_rule") {
            r if r.is_empty() => DeadlineRule::for_kind(kind),
            r => DeadlineRule::parse_loose(&r).unwrap_or_else(|| {
                bad(
                    "deadline_rule",
                    match lang {
                        Lang::Zh => format!("“{r}”不是可选规则(法律咨询 / 法律援助 / 困难帮扶 / 就业 / 其他部门)"),
                        Lang::En => format!("{r:?} is not one of: legal_consultation, legal_aid, hardship_aid, jobs, agency"),
                    },
                );
                DeadlineRule::for_kind(kind)
            }),
        };
        let provider = get("provider");
        // Without an id, name and provider identify a service across re-imports.
        let source_id = match get("source_id") {
            s if s.is_empty() => format!("{name}@{provider}"),
            s => s,
        };
        if !provider.is_empty() {
            orgs.insert(provider.clone());
        }
        services.push(Service {
            source_id: Some(source_id),
            deadline_rule,
            provider,
            description: get("description"),
            eligibility: get("eligibility"),
            documents: get("documents"),
            contact: get("contact"),
            address: get("address"),
            hours: get("hours"),
            status,
            checked_on,
            ..Service::new(kind, &name)
        });
    }
    let lines: Vec<u64> = table.rows.iter().map(|(l, _)| *l).collect();
    duplicates(&services, file, &lines, &mut errors, lang);
    if errors.is_empty() {
        Ok(Parsed {
            services,
            organizations: orgs.len(),
            cleaned: table.cleaned,
        })
    } else {
        Err(errors)
    }
}

/// The same source id twice in one file would make one service silently win.
fn duplicates(
    services: &[Service],
    file: &str,
    lines: &[u64],
    errors: &mut Vec<FileError>,
    lang: Lang,
) {
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (s, line) in services.iter().zip(lines) {
        let Some(id) = s.source_id.as_deref() else {
            continue;
        };
        if let Some(first) = seen.insert(id, *line) {
            errors.push(FileError::new(
                file,
                *line,
                "id",
                match lang {
                    Lang::Zh => format!("编号“{id}”与第{first}行重复"),
                    Lang::En => format!("id {id:?} repeats line {first}"),
                },
            ));
        }
    }
}

/// One HSDS table: its rows as header → value maps, with lines.
struct HsdsTable {
    file: String,
    rows: Vec<(u64, BTreeMap<String, String>)>,
    cleaned: usize,
}

fn read_hsds_table(
    dir: &Path,
    names: &[&str],
    lang: Lang,
) -> Result<Option<HsdsTable>, Vec<FileError>> {
    let Some(path) = names.iter().map(|n| dir.join(n)).find(|p| p.is_file()) else {
        return Ok(None);
    };
    let file = path.display().to_string();
    let text = read_file(&path, MAX_FILE_BYTES, lang).map_err(|e| vec![e])?;
    let table = Table::read_file(&text, &file, TEXTS)?;
    let cleaned = table.cleaned;
    let rows = table
        .rows
        .into_iter()
        .map(|(line, cells)| {
            let map = table
                .headers
                .iter()
                .map(|h| h.to_lowercase())
                .zip(cells)
                .collect();
            (line, map)
        })
        .collect();
    Ok(Some(HsdsTable {
        file,
        rows,
        cleaned,
    }))
}

fn field<'a>(row: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    row.get(name).map(|s| s.trim()).unwrap_or("")
}

/// Values of `value_col` grouped by `key_col`, in file order.
fn group(
    table: &Option<HsdsTable>,
    key_col: &str,
    value_col: &str,
) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (_, row) in table.iter().flat_map(|t| &t.rows) {
        let (k, v) = (field(row, key_col), field(row, value_col));
        if !k.is_empty() && !v.is_empty() {
            out.entry(k.to_string()).or_default().push(v.to_string());
        }
    }
    out
}

fn address_line(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The HSDS tabular data package in folder `dir`.
pub fn parse_hsds_package(dir: &Path, lang: Lang) -> Result<Parsed, Vec<FileError>> {
    let Some(services) = read_hsds_table(dir, &["services.csv"], lang)? else {
        return Err(vec![FileError::new(
            &dir.display().to_string(),
            0,
            "services.csv",
            lang.pick(
                "文件夹中没有 services.csv,不是HSDS数据包",
                "no services.csv in the folder: not an HSDS data package",
            ),
        )]);
    };
    let organizations = read_hsds_table(dir, &["organizations.csv"], lang)?;
    let phones = read_hsds_table(dir, &["phones.csv"], lang)?;
    let locations = read_hsds_table(dir, &["locations.csv"], lang)?;
    let at_location = read_hsds_table(
        dir,
        &["service_at_location.csv", "services_at_location.csv"],
        lang,
    )?;
    let addresses = read_hsds_table(dir, &["physical_addresses.csv", "addresses.csv"], lang)?;
    let schedules = read_hsds_table(dir, &["schedules.csv", "regular_schedules.csv"], lang)?;
    let documents = read_hsds_table(dir, &["required_documents.csv"], lang)?;
    let eligibility = read_hsds_table(dir, &["eligibility.csv"], lang)?;

    let org_names: HashMap<String, String> = organizations
        .iter()
        .flat_map(|t| &t.rows)
        .map(|(_, r)| (field(r, "id").to_string(), field(r, "name").to_string()))
        .collect();
    let phones_by_service = group(&phones, "service_id", "number");
    let phones_by_org = group(&phones, "organization_id", "number");
    let phones_by_location = group(&phones, "location_id", "number");
    let docs = group(&documents, "service_id", "document");
    let elig = group(&eligibility, "service_id", "eligibility");
    let hours = group(&schedules, "service_id", "description");
    let location_names: HashMap<String, String> = locations
        .iter()
        .flat_map(|t| &t.rows)
        .map(|(_, r)| (field(r, "id").to_string(), field(r, "name").to_string()))
        .collect();
    let address_by_location: HashMap<String, String> = addresses
        .iter()
        .flat_map(|t| &t.rows)
        .map(|(_, r)| {
            (
                field(r, "location_id").to_string(),
                address_line(&[
                    field(r, "state_province"),
                    field(r, "region"),
                    field(r, "city"),
                    field(r, "address_1"),
                    field(r, "address_2"),
                ]),
            )
        })
        .collect();
    let locations_of_service = group(&at_location, "service_id", "location_id");

    let mut errors = Vec::new();
    // Every id a service points at must exist in its table, when that table is present.
    if let Some(t) = &at_location {
        for (line, row) in &t.rows {
            let loc = field(row, "location_id");
            if locations.is_some() && !location_names.contains_key(loc) {
                errors.push(FileError::new(
                    &t.file,
                    *line,
                    "location_id",
                    match lang {
                        Lang::Zh => format!("地点“{loc}”在 locations.csv 中不存在"),
                        Lang::En => format!("location {loc:?} is not in locations.csv"),
                    },
                ));
            }
        }
    }
    let mut out = Vec::new();
    for (line, row) in &services.rows {
        let mut bad = |f: &str, m: String| errors.push(FileError::new(&services.file, *line, f, m));
        let id = field(row, "id");
        let name = field(row, "name");
        if id.is_empty() {
            bad("id", required_msg(lang));
        }
        if name.is_empty() {
            bad("name", required_msg(lang));
        }
        let org_id = field(row, "organization_id");
        let provider = match org_names.get(org_id) {
            Some(n) => n.clone(),
            None if organizations.is_some() && !org_id.is_empty() => {
                bad(
                    "organization_id",
                    match lang {
                        Lang::Zh => format!("机构“{org_id}”在 organizations.csv 中不存在"),
                        Lang::En => format!("organization {org_id:?} is not in organizations.csv"),
                    },
                );
                String::new()
            }
            None => String::new(),
        };
        let status = match status_loose(field(row, "status")) {
            Some(s) => s,
            None => {
                bad(
                    "status",
                    match lang {
                        Lang::Zh => format!(
                            "“{}”不是HSDS状态(active / inactive / defunct / temporarily closed)",
                            field(row, "status")
                        ),
                        Lang::En => format!(
                            "{:?} is not an HSDS status (active, inactive, defunct, temporarily closed)",
                            field(row, "status")
                        ),
                    },
                );
                ServiceStatus::Inactive
            }
        };
        let description = field(row, "description");
        let kind = kind_loose(field(row, "kind"))
            .unwrap_or_else(|| guess_kind(&format!("{name} {description} {provider}")));
        let locs = locations_of_service.get(id).cloned().unwrap_or_default();
        let address = locs
            .iter()
            .map(|l| {
                address_by_location
                    .get(l)
                    .cloned()
                    .unwrap_or_else(|| location_names.get(l).cloned().unwrap_or_default())
            })
            .filter(|a| !a.is_empty())
            .collect::<Vec<_>>()
            .join(";");
        let mut contact: Vec<String> = phones_by_service.get(id).cloned().unwrap_or_default();
        if contact.is_empty() {
            contact = locs
                .iter()
                .flat_map(|l| phones_by_location.get(l).cloned().unwrap_or_default())
                .collect();
        }
        if contact.is_empty() {
            contact = phones_by_org.get(org_id).cloned().unwrap_or_default();
        }
        let mut eligibility = vec![field(row, "eligibility_description").to_string()];
        eligibility.extend(elig.get(id).cloned().unwrap_or_default());
        eligibility.push(field(row, "application_process").to_string());
        eligibility.retain(|e| !e.is_empty());
        let mut date = |f: &str| {
            hsds_date(field(row, f), lang).unwrap_or_else(|m| {
                bad(f, m);
                None
            })
        };
        let checked_on = (date("assured_date"), date("last_modified"));
        out.push(Service {
            source_id: Some(id.to_string()),
            provider,
            description: description.to_string(),
            eligibility: eligibility.join(";"),
            documents: docs.get(id).map(|d| d.join("、")).unwrap_or_default(),
            contact: contact.join(" / "),
            address,
            hours: hours.get(id).map(|h| h.join(";")).unwrap_or_default(),
            status,
            checked_on: checked_on.0.or(checked_on.1),
            ..Service::new(kind, name)
        });
    }
    let lines: Vec<u64> = services.rows.iter().map(|(l, _)| *l).collect();
    duplicates(&out, &services.file, &lines, &mut errors, lang);
    if !errors.is_empty() {
        return Err(errors);
    }
    let cleaned = services.cleaned
        + [
            &organizations,
            &phones,
            &locations,
            &at_location,
            &addresses,
            &schedules,
            &documents,
            &eligibility,
        ]
        .iter()
        .flat_map(|t| t.iter())
        .map(|t| t.cleaned)
        .sum::<usize>();
    let organizations = match &organizations {
        Some(t) => t.rows.len(),
        None => {
            let mut ids: Vec<&str> = services
                .rows
                .iter()
                .map(|(_, r)| field(r, "organization_id"))
                .filter(|o| !o.is_empty())
                .collect();
            ids.sort();
            ids.dedup();
            ids.len()
        }
    };
    Ok(Parsed {
        services: out,
        organizations,
        cleaned,
    })
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("")
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// HSDS 3.0 JSON: services with their organisation, phones, locations nested.
pub fn parse_hsds_json(text: &str, file: &str, lang: Lang) -> Result<Parsed, Vec<FileError>> {
    let mut doc: Value = crate::import::parse_json(text, file, lang)?;
    let mut cleaner = Cleaner::default();
    cleaner.clean_json(&mut doc, TEXTS);
    let items: Vec<&Value> = match &doc {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) if o.contains_key("services") => list(&doc, "services").iter().collect(),
        Value::Object(_) => vec![&doc],
        _ => Vec::new(),
    };
    if items.is_empty() {
        return Err(vec![FileError::new(
            file,
            0,
            "JSON",
            lang.pick("没有找到任何服务", "no services found"),
        )]);
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut orgs = std::collections::BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let pos = i as u64 + 1;
        let mut bad = |f: &str, m: String| {
            errors.push(FileError::new(file, pos, &format!("services[{i}].{f}"), m))
        };
        if !item.is_object() {
            bad("", lang.pick("应为对象", "must be an object").into());
            continue;
        }
        let id = s(item, "id");
        let name = s(item, "name");
        if id.is_empty() {
            bad("id", required_msg(lang));
        }
        if name.is_empty() {
            bad("name", required_msg(lang));
        }
        let org = item.get("organization").cloned().unwrap_or(Value::Null);
        let provider = s(&org, "name").to_string();
        let org_id = match s(&org, "id") {
            "" => s(item, "organization_id"),
            o => o,
        };
        if !org_id.is_empty() {
            orgs.insert(org_id.to_string());
        } else if !provider.is_empty() {
            orgs.insert(provider.clone());
        }
        let status = match status_loose(s(item, "status")) {
            Some(st) => st,
            None => {
                bad(
                    "status",
                    match lang {
                        Lang::Zh => format!("“{}”不是HSDS状态", s(item, "status")),
                        Lang::En => format!("{:?} is not an HSDS status", s(item, "status")),
                    },
                );
                ServiceStatus::Inactive
            }
        };
        let description = s(item, "description");
        let kind = kind_loose(s(item, "kind"))
            .unwrap_or_else(|| guess_kind(&format!("{name} {description} {provider}")));
        let mut phones: Vec<String> = list(item, "phones")
            .iter()
            .map(|p| s(p, "number").to_string())
            .collect();
        let mut addresses = Vec::new();
        for sal in list(item, "service_at_locations") {
            let loc = sal.get("location").unwrap_or(sal);
            for a in list(loc, "addresses") {
                addresses.push(address_line(&[
                    s(a, "state_province"),
                    s(a, "region"),
                    s(a, "city"),
                    s(a, "address_1"),
                    s(a, "address_2"),
                ]));
            }
            if list(loc, "addresses").is_empty() && !s(loc, "name").is_empty() {
                addresses.push(s(loc, "name").to_string());
            }
            phones.extend(
                list(loc, "phones")
                    .iter()
                    .map(|p| s(p, "number").to_string()),
            );
        }
        if phones.is_empty() {
            phones.extend(
                list(&org, "phones")
                    .iter()
                    .map(|p| s(p, "number").to_string()),
            );
        }
        phones.retain(|p| !p.is_empty());
        let mut eligibility = vec![s(item, "eligibility_description").to_string()];
        eligibility.push(s(item, "application_process").to_string());
        eligibility.retain(|e| !e.is_empty());
        let docs: Vec<&str> = list(item, "required_documents")
            .iter()
            .map(|d| s(d, "document"))
            .filter(|d| !d.is_empty())
            .collect();
        let hours: Vec<&str> = list(item, "schedules")
            .iter()
            .map(|d| s(d, "description"))
            .filter(|d| !d.is_empty())
            .collect();
        let checked_on = hsds_date(s(item, "assured_date"), lang).unwrap_or_else(|m| {
            bad("assured_date", m);
            None
        });
        out.push(Service {
            source_id: Some(id.to_string()),
            provider,
            description: description.to_string(),
            eligibility: eligibility.join(";"),
            documents: docs.join("、"),
            contact: phones.join(" / "),
            address: addresses.join(";"),
            hours: hours.join(";"),
            status,
            checked_on,
            ..Service::new(kind, name)
        });
    }
    let positions: Vec<u64> = (1..=out.len() as u64).collect();
    duplicates(&out, file, &positions, &mut errors, lang);
    if errors.is_empty() {
        Ok(Parsed {
            services: out,
            organizations: orgs.len(),
            cleaned: cleaner.cleaned,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_guessed_from_chinese_words() {
        assert_eq!(guess_kind("职工法律援助站 公益律师"), ServiceKind::Legal);
        assert_eq!(guess_kind("劳动争议仲裁"), ServiceKind::Legal);
        assert_eq!(guess_kind("春风送岗位招聘会"), ServiceKind::Jobs);
        assert_eq!(guess_kind("金秋助学"), ServiceKind::Aid);
        assert_eq!(guess_kind("劳动保障监察大队"), ServiceKind::Agency);
    }

    #[test]
    fn our_csv_reports_every_bad_row_with_its_line_and_header() {
        let text = "编号,类别,名称,状态,核对日期\n\
                    L1,法律援助,公益律师咨询,正常,2026-10-01\n\
                    L2,法务,,正常,2026-10-01\n\
                    L3,就业,劳务站,关门,2026-13-01\n";
        let errs = parse_csv(text, "d.csv", Lang::Zh).unwrap_err();
        let got: Vec<(u64, &str)> = errs
            .iter()
            .map(|e| (e.error.line, e.error.field.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(3, "名称"), (3, "类别"), (4, "状态"), (4, "核对日期")]
        );
        assert!(
            errs[0]
                .render(Lang::Zh)
                .starts_with("d.csv: 第3行,名称:必填")
        );
    }

    #[test]
    fn a_repeated_id_is_refused() {
        let text = "编号,类别,名称\nA,就业,劳务站\nA,就业,培训中心\n";
        let errs = parse_csv(text, "d.csv", Lang::En).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].error.line, 3);
        assert!(errs[0].error.message.contains("repeats line 2"));
    }

    #[test]
    fn hsds_json_takes_an_array_an_object_with_services_or_one_service() {
        let one = r#"{"id":"s1","name":"职工法律援助","status":"active",
            "organization":{"id":"o1","name":"区总工会","phones":[{"number":"0571-1"}]},
            "service_at_locations":[{"location":{"name":"服务站",
               "addresses":[{"address_1":"解放路1号","city":"杭州市"}]}}],
            "required_documents":[{"document":"身份证"},{"document":"劳动合同"}],
            "schedules":[{"description":"周一至周五 9:00-17:00"}]}"#;
        let p = parse_hsds_json(one, "s.json", Lang::En).unwrap();
        assert_eq!(p.services.len(), 1);
        let s = &p.services[0];
        assert_eq!(s.kind, ServiceKind::Legal);
        assert_eq!(s.provider, "区总工会");
        assert_eq!(s.contact, "0571-1");
        assert_eq!(s.address, "杭州市 解放路1号");
        assert_eq!(s.documents, "身份证、劳动合同");
        let wrapped = format!("{{\"services\":[{one}]}}");
        assert_eq!(
            parse_hsds_json(&wrapped, "s.json", Lang::En)
                .unwrap()
                .services
                .len(),
            1
        );
        let arr = format!("[{one}]");
        assert_eq!(
            parse_hsds_json(&arr, "s.json", Lang::En)
                .unwrap()
                .organizations,
            1
        );
        let bad = r#"[{"id":"s1","name":"","status":"closed"}]"#;
        let errs = parse_hsds_json(bad, "s.json", Lang::En).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.error.field.as_str()).collect();
        assert_eq!(fields, vec!["services[0].name", "services[0].status"]);
    }
}

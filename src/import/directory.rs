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
use crate::import::feed::{Settle, Skipped, json_key, line_position};
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
/// anything else our CSV. All services or none.
pub fn load(path: &Path, lang: Lang) -> Result<Parsed, Vec<FileError>> {
    load_feed(&[path.to_path_buf()], lang, false).map(|f| f.parsed)
}

/// A directory read, and with `--skip-bad` the records left out.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryFeed {
    pub parsed: Parsed,
    pub skipped: Vec<Skipped>,
}

/// Reads a directory from `paths`: one CSV file, one HSDS data package (a folder with
/// services.csv), or HSDS 3.0 JSON — one file, several page files of one list, or a folder
/// of them. All services or none, or with `skip_bad` the good ones and those left out.
pub fn load_feed(
    paths: &[std::path::PathBuf],
    lang: Lang,
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let first = &paths[0];
    if paths.len() == 1 && first.is_dir() && first.join("services.csv").is_file() {
        return parse_hsds_package_feed(first, lang, skip_bad);
    }
    // JSON pages: the files given, a folder's .json files in name order.
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut pages: Vec<std::path::PathBuf> = std::fs::read_dir(p)
                .map_err(|e| {
                    vec![FileError::new(
                        &p.display().to_string(),
                        0,
                        "",
                        e.to_string(),
                    )]
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                })
                .collect();
            pages.sort();
            if pages.is_empty() {
                return Err(vec![FileError::new(
                    &p.display().to_string(),
                    0,
                    "services.csv",
                    lang.pick(
                        "文件夹中既没有 services.csv 也没有 .json 文件,不是HSDS数据",
                        "no services.csv and no .json file in the folder: not HSDS data",
                    ),
                )]);
            }
            files.extend(pages);
        } else {
            files.push(p.clone());
        }
    }
    let mut texts = Vec::new();
    for f in &files {
        texts.push((
            f.display().to_string(),
            read_file(f, MAX_FILE_BYTES, lang).map_err(|e| vec![e])?,
        ));
    }
    let json = |(f, t): &(String, String)| {
        f.to_ascii_lowercase().ends_with(".json") || t.trim_start().starts_with(['[', '{'])
    };
    if texts.len() == 1 && !json(&texts[0]) {
        let (file, text) = &texts[0];
        return parse_csv_feed(text, file, lang, skip_bad);
    }
    let pages: Vec<(&str, &str)> = texts
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    hsds_json_pages(&pages, lang, skip_bad)
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

/// The kind a service's own words suggest, for files that do not say: Chinese words
/// anywhere in the text, Latin ones as whole words only ("pre-paid" holds no "aid").
pub fn guess_kind(text: &str) -> ServiceKind {
    let t = text.to_lowercase();
    let words: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |zh: &[&str], latin: &[&str]| {
        zh.iter().any(|w| t.contains(w)) || latin.iter().any(|w| words.contains(w))
    };
    if has(
        &["法律", "律师", "仲裁", "调解", "维权"],
        &[
            "legal",
            "lawyer",
            "lawyers",
            "law",
            "attorney",
            "arbitration",
            "mediation",
        ],
    ) {
        ServiceKind::Legal
    } else if has(
        &["就业", "岗位", "招聘", "培训", "职业"],
        &[
            "job",
            "jobs",
            "employment",
            "career",
            "careers",
            "vocational",
            "recruitment",
        ],
    ) {
        ServiceKind::Jobs
    } else if has(
        &["救助", "帮扶", "助学", "补助", "互助", "救济", "慰问"],
        &["aid", "grant", "grants", "relief", "hardship", "welfare"],
    ) {
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
    parse_csv_feed(text, file, lang, false).map(|f| f.parsed)
}

fn parse_csv_feed(
    text: &str,
    file: &str,
    lang: Lang,
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let table = Table::read_file(text, file, TEXTS)?;
    let col = table.columns(CSV_COLUMNS, &["kind", "name"], file, lang)?;
    let header_of = |f: &str| table.headers[col[f]].clone();
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
        // The same source id twice in one file would make one service silently win.
        if let Some(first) = seen.get(&source_id) {
            errors.push(FileError::new(
                file,
                *line,
                "id",
                match lang {
                    Lang::Zh => format!("编号“{source_id}”与第{first}行重复"),
                    Lang::En => format!("id {source_id:?} repeats line {first}"),
                },
            ));
        } else if errors.is_empty() || !skip_bad {
            seen.insert(source_id.clone(), *line);
        }
        let service = Service {
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
        };
        settle.record(file, line_position(*line, lang), service, errors);
    }
    let feed = settle.finish(table.cleaned)?;
    let orgs: std::collections::BTreeSet<&str> = feed
        .records
        .iter()
        .map(|s| s.provider.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    Ok(DirectoryFeed {
        parsed: Parsed {
            organizations: orgs.len(),
            services: feed.records.clone(),
            cleaned: feed.cleaned,
        },
        skipped: feed.skipped,
    })
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
    row.get(name).map_or("", |s| s.trim())
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
    parse_hsds_package_feed(dir, lang, false).map(|f| f.parsed)
}

/// `周一至周五 09:00–17:00`: days in runs (three or more in a row joined by 至), then the
/// hours; several hours in a day each with their days, separated by ;.
pub fn schedule_words(slots: &[(Vec<u8>, String, String)]) -> String {
    const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    // (opens, closes) → days, in the order first met.
    let mut groups: Vec<((String, String), Vec<u8>)> = Vec::new();
    for (days, opens, closes) in slots {
        let key = (opens.clone(), closes.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, d)) => d.extend(days),
            None => groups.push((key, days.clone())),
        }
    }
    let mut out = Vec::new();
    for ((opens, closes), mut days) in groups {
        days.sort_unstable();
        days.dedup();
        let mut runs: Vec<String> = Vec::new();
        let mut i = 0;
        while i < days.len() {
            let mut j = i;
            while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
                j += 1;
            }
            let name = |d: u8| DAYS[(d as usize).min(6)];
            if j - i >= 2 {
                runs.push(format!("{}至{}", name(days[i]), name(days[j])));
            } else {
                runs.extend((i..=j).map(|k| name(days[k]).to_string()));
            }
            i = j + 1;
        }
        let hours = match (opens.is_empty(), closes.is_empty()) {
            (false, false) => format!("{opens}–{closes}"),
            (false, true) => format!("{opens}起"),
            (true, false) => format!("至{closes}"),
            (true, true) => String::new(),
        };
        out.push(
            [runs.join("、"), hours]
                .iter()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    out.retain(|o| !o.is_empty());
    out.join(";")
}

/// `09:00:00`, `9:00`, `09:00-05:00`, `0900` as `09:00`; empty if unreadable.
fn clock(t: &str) -> String {
    let t = t.trim();
    let digits: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (h, m) = match digits.split_once(':') {
        Some((h, rest)) => (h.to_string(), rest.chars().take(2).collect::<String>()),
        None if digits.len() == 4 => (digits[..2].to_string(), digits[2..].to_string()),
        None => return String::new(),
    };
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h <= 24 && m < 60 => format!("{h:02}:{m:02}"),
        _ => String::new(),
    }
}

/// Days of the week, 0 = Monday: HSDS 1.1's `weekday` (1–7 from Monday, 0 or 7 Sunday, or
/// a name) or 3.0's `byday` (`MO,TU`, `1MO`).
fn weekdays(weekday: &str, byday: &str) -> Vec<u8> {
    let by_name = |w: &str| -> Option<u8> {
        let w = w
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
        let w = w.to_ascii_lowercase();
        [
            ["mo", "mon", "monday", "周一"],
            ["tu", "tue", "tuesday", "周二"],
            ["we", "wed", "wednesday", "周三"],
            ["th", "thu", "thursday", "周四"],
            ["fr", "fri", "friday", "周五"],
            ["sa", "sat", "saturday", "周六"],
            ["su", "sun", "sunday", "周日"],
        ]
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .and_then(|p| u8::try_from(p).ok())
    };
    let mut days = Vec::new();
    for w in weekday.split([',', ' ']).filter(|w| !w.trim().is_empty()) {
        match w.trim().parse::<u8>() {
            Ok(0) | Ok(7) => days.push(6),
            Ok(n @ 1..=6) => days.push(n - 1),
            _ => days.extend(by_name(w)),
        }
    }
    for d in byday.split(',').filter(|d| !d.trim().is_empty()) {
        days.extend(by_name(d));
    }
    days
}

/// One schedule row or object as (days, opens, closes), when it names days or hours.
fn slot(
    weekday: &str,
    byday: &str,
    opens: &str,
    closes: &str,
) -> Option<(Vec<u8>, String, String)> {
    let (days, opens, closes) = (weekdays(weekday, byday), clock(opens), clock(closes));
    (!days.is_empty() || !opens.is_empty()).then_some((days, opens, closes))
}

/// The tables of an HSDS data package: services.csv, which must be there, and the
/// others it may hold.
struct HsdsPackage {
    services: HsdsTable,
    organizations: Option<HsdsTable>,
    phones: Option<HsdsTable>,
    locations: Option<HsdsTable>,
    at_location: Option<HsdsTable>,
    addresses: Option<HsdsTable>,
    schedules: Option<HsdsTable>,
    regular: Option<HsdsTable>,
    documents: Option<HsdsTable>,
    eligibility: Option<HsdsTable>,
}

impl HsdsPackage {
    /// Reads the tables in folder `dir` (a table that fails to read stops it there).
    fn read(dir: &Path, lang: Lang) -> Result<HsdsPackage, Vec<FileError>> {
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
        Ok(HsdsPackage {
            services,
            organizations: read_hsds_table(dir, &["organizations.csv"], lang)?,
            phones: read_hsds_table(dir, &["phones.csv"], lang)?,
            locations: read_hsds_table(dir, &["locations.csv"], lang)?,
            at_location: read_hsds_table(
                dir,
                &["service_at_location.csv", "services_at_location.csv"],
                lang,
            )?,
            addresses: read_hsds_table(dir, &["physical_addresses.csv", "addresses.csv"], lang)?,
            schedules: read_hsds_table(dir, &["schedules.csv"], lang)?,
            regular: read_hsds_table(dir, &["regular_schedules.csv"], lang)?,
            documents: read_hsds_table(dir, &["required_documents.csv"], lang)?,
            eligibility: read_hsds_table(dir, &["eligibility.csv"], lang)?,
        })
    }

    /// Values cleaned of control characters, in every table.
    fn cleaned(&self) -> usize {
        self.services.cleaned
            + [
                &self.organizations,
                &self.phones,
                &self.locations,
                &self.at_location,
                &self.addresses,
                &self.schedules,
                &self.regular,
                &self.documents,
                &self.eligibility,
            ]
            .iter()
            .flat_map(|t| t.iter())
            .map(|t| t.cleaned)
            .sum::<usize>()
    }

    /// How many organizations: organizations.csv's rows, else the ids services name.
    fn organizations(&self) -> usize {
        match &self.organizations {
            Some(t) => t.rows.len(),
            None => {
                let mut ids: Vec<&str> = self
                    .services
                    .rows
                    .iter()
                    .map(|(_, r)| field(r, "organization_id"))
                    .filter(|o| !o.is_empty())
                    .collect();
                ids.sort();
                ids.dedup();
                ids.len()
            }
        }
    }
}

/// What services.csv rows point at, looked up by id: organizations' names, phones (by
/// service, location and organization), hours, documents, eligibility, and locations with
/// their names and addresses.
struct HsdsLinks {
    org_names: HashMap<String, String>,
    phones_by_service: HashMap<String, Vec<String>>,
    hours: HashMap<String, Vec<String>>,
    phones_by_org: HashMap<String, Vec<String>>,
    phones_by_location: HashMap<String, Vec<String>>,
    docs: HashMap<String, Vec<String>>,
    elig: HashMap<String, Vec<String>>,
    location_names: HashMap<String, String>,
    address_by_location: HashMap<String, String>,
    locations_of_service: HashMap<String, Vec<String>>,
}

impl HsdsLinks {
    fn of(p: &HsdsPackage) -> HsdsLinks {
        let org_names: HashMap<String, String> = p
            .organizations
            .iter()
            .flat_map(|t| &t.rows)
            .map(|(_, r)| (field(r, "id").to_string(), field(r, "name").to_string()))
            .collect();
        // A service's own phones, and those of its service_at_location rows (HSDS 1.1 and 3.0
        // link them by service_at_location_id).
        let sal_service: HashMap<String, String> = p
            .at_location
            .iter()
            .flat_map(|t| &t.rows)
            .map(|(_, r)| {
                (
                    field(r, "id").to_string(),
                    field(r, "service_id").to_string(),
                )
            })
            .collect();
        let service_of = |r: &BTreeMap<String, String>| -> String {
            match field(r, "service_id") {
                "" => sal_service
                    .get(field(r, "service_at_location_id"))
                    .cloned()
                    .unwrap_or_default(),
                s => s.to_string(),
            }
        };
        let mut phones_by_service: HashMap<String, Vec<String>> = HashMap::new();
        for (_, r) in p.phones.iter().flat_map(|t| &t.rows) {
            let (svc, number) = (service_of(r), field(r, "number"));
            if !svc.is_empty() && !number.is_empty() {
                phones_by_service
                    .entry(svc)
                    .or_default()
                    .push(number.to_string());
            }
        }
        // Regular schedules: HSDS 1.1's weekday, 3.0's byday, opens_at and closes_at, shown
        // as people read them; a row naming neither days nor hours gives its description.
        let mut slots: HashMap<String, Vec<(Vec<u8>, String, String)>> = HashMap::new();
        let mut hours: HashMap<String, Vec<String>> = HashMap::new();
        for (_, r) in p
            .schedules
            .iter()
            .chain(p.regular.iter())
            .flat_map(|t| &t.rows)
        {
            let svc = service_of(r);
            if svc.is_empty() {
                continue;
            }
            match slot(
                field(r, "weekday"),
                field(r, "byday"),
                field(r, "opens_at"),
                field(r, "closes_at"),
            ) {
                Some(sl) => slots.entry(svc).or_default().push(sl),
                None if !field(r, "description").is_empty() => hours
                    .entry(svc)
                    .or_default()
                    .push(field(r, "description").to_string()),
                None => {}
            }
        }
        for (svc, sl) in &slots {
            hours
                .entry(svc.clone())
                .or_default()
                .insert(0, schedule_words(sl));
        }
        let phones_by_org = group(&p.phones, "organization_id", "number");
        let phones_by_location = group(&p.phones, "location_id", "number");
        let docs = group(&p.documents, "service_id", "document");
        let elig = group(&p.eligibility, "service_id", "eligibility");
        let location_names: HashMap<String, String> = p
            .locations
            .iter()
            .flat_map(|t| &t.rows)
            .map(|(_, r)| (field(r, "id").to_string(), field(r, "name").to_string()))
            .collect();
        let address_by_location: HashMap<String, String> = p
            .addresses
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
        let locations_of_service = group(&p.at_location, "service_id", "location_id");
        HsdsLinks {
            org_names,
            phones_by_service,
            hours,
            phones_by_org,
            phones_by_location,
            docs,
            elig,
            location_names,
            address_by_location,
            locations_of_service,
        }
    }
}

/// A services.csv row as a service; its problems go to `errors`.
fn package_service(
    row: &BTreeMap<String, String>,
    line: u64,
    p: &HsdsPackage,
    links: &HsdsLinks,
    lang: Lang,
    errors: &mut Vec<FileError>,
) -> Service {
    let mut bad = |f: &str, m: String| errors.push(FileError::new(&p.services.file, line, f, m));
    let id = field(row, "id");
    let name = field(row, "name");
    if id.is_empty() {
        bad("id", required_msg(lang));
    }
    if name.is_empty() {
        bad("name", required_msg(lang));
    }
    let org_id = field(row, "organization_id");
    let provider = match links.org_names.get(org_id) {
        Some(n) => n.clone(),
        None if p.organizations.is_some() && !org_id.is_empty() => {
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
    let locs = links
        .locations_of_service
        .get(id)
        .cloned()
        .unwrap_or_default();
    let address = locs
        .iter()
        .map(|l| {
            links
                .address_by_location
                .get(l)
                .cloned()
                .unwrap_or_else(|| links.location_names.get(l).cloned().unwrap_or_default())
        })
        .filter(|a| !a.is_empty())
        .collect::<Vec<_>>()
        .join(";");
    let mut contact: Vec<String> = links.phones_by_service.get(id).cloned().unwrap_or_default();
    if contact.is_empty() {
        contact = locs
            .iter()
            .flat_map(|l| links.phones_by_location.get(l).cloned().unwrap_or_default())
            .collect();
    }
    if contact.is_empty() {
        contact = links.phones_by_org.get(org_id).cloned().unwrap_or_default();
    }
    let mut eligibility = vec![field(row, "eligibility_description").to_string()];
    eligibility.extend(links.elig.get(id).cloned().unwrap_or_default());
    eligibility.push(field(row, "application_process").to_string());
    eligibility.retain(|e| !e.is_empty());
    let mut date = |f: &str| {
        hsds_date(field(row, f), lang).unwrap_or_else(|m| {
            bad(f, m);
            None
        })
    };
    let checked_on = (date("assured_date"), date("last_modified"));
    Service {
        source_id: Some(id.to_string()),
        provider,
        description: description.to_string(),
        eligibility: eligibility.join(";"),
        documents: links.docs.get(id).map(|d| d.join("、")).unwrap_or_default(),
        contact: contact.join(" / "),
        address,
        hours: links.hours.get(id).map(|h| h.join(";")).unwrap_or_default(),
        status,
        checked_on: checked_on.0.or(checked_on.1),
        ..Service::new(kind, name)
    }
}

/// The HSDS tabular data package in folder `dir`, with `--skip-bad` the good services.
fn parse_hsds_package_feed(
    dir: &Path,
    lang: Lang,
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let p = HsdsPackage::read(dir, lang)?;
    let links = HsdsLinks::of(&p);
    let mut errors = Vec::new();
    let mut settle = Settle::new(skip_bad);
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Every id a service points at must exist in its table, when that table is present.
    if let Some(t) = &p.at_location {
        for (line, row) in &t.rows {
            let loc = field(row, "location_id");
            if p.locations.is_some() && !links.location_names.contains_key(loc) {
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
    for e in errors.drain(..) {
        settle.fatal(e);
    }
    for (line, row) in &p.services.rows {
        let mut errors = Vec::new();
        let service = package_service(row, *line, &p, &links, lang, &mut errors);
        let id = field(row, "id");
        if let Some(first) = seen.get(id) {
            errors.push(FileError::new(
                &p.services.file,
                *line,
                "id",
                match lang {
                    Lang::Zh => format!("编号“{id}”与第{first}行重复"),
                    Lang::En => format!("id {id:?} repeats line {first}"),
                },
            ));
        } else if errors.is_empty() || !skip_bad {
            seen.insert(id.to_string(), *line);
        }
        settle.record(
            &p.services.file,
            line_position(*line, lang),
            service,
            errors,
        );
    }
    let cleaned = p.cleaned();
    let organizations = p.organizations();
    let feed = settle.finish(cleaned)?;
    Ok(DirectoryFeed {
        parsed: Parsed {
            services: feed.records,
            organizations,
            cleaned,
        },
        skipped: feed.skipped,
    })
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).map_or("", str::trim)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// What an HSDS 3.0 JSON object is, by the fields only it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    Service,
    ServiceAtLocation,
    Organization,
    Location,
    Taxonomy,
    TaxonomyTerm,
    Other,
}

impl Holds {
    fn of(v: &Value) -> Holds {
        let has = |keys: &[&str]| keys.iter().any(|k| v.get(*k).is_some());
        if !v.is_object() {
            Holds::Other
        } else if v.get("service").is_some_and(Value::is_object) {
            Holds::ServiceAtLocation
        } else if v.get("services").is_some_and(Value::is_array) && v.get("name").is_some() {
            Holds::Organization
        } else if has(&[
            "status",
            "service_at_locations",
            "organization",
            "organization_id",
            "program",
            "eligibility_description",
            "application_process",
            "required_documents",
        ]) {
            Holds::Service
        } else if has(&[
            "location_type",
            "latitude",
            "longitude",
            "addresses",
            "transportation",
        ]) {
            Holds::Location
        } else if has(&[
            "taxonomy",
            "taxonomy_detail",
            "term_uri",
            "parent_id",
            "code",
        ]) {
            Holds::TaxonomyTerm
        } else if has(&["version"]) && has(&["uri"]) {
            Holds::Taxonomy
        } else if has(&[
            "tax_status",
            "year_incorporated",
            "legal_status",
            "website",
            "organization_identifiers",
        ]) {
            Holds::Organization
        } else if has(&["name"]) && has(&["id"]) {
            Holds::Service
        } else {
            Holds::Other
        }
    }

    fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Holds::Location, Lang::Zh) => "地点记录",
            (Holds::Location, Lang::En) => "location",
            (Holds::Organization, Lang::Zh) => "机构记录(其中没有服务)",
            (Holds::Organization, Lang::En) => "organization (with no services)",
            (Holds::Taxonomy, Lang::Zh) => "分类体系",
            (Holds::Taxonomy, Lang::En) => "taxonomy",
            (Holds::TaxonomyTerm, Lang::Zh) => "分类词",
            (Holds::TaxonomyTerm, Lang::En) => "taxonomy term",
            (_, Lang::Zh) => "未知记录",
            (_, Lang::En) => "unknown record",
        }
    }
}

/// A service found in a document: its JSON path, the service, the organisation around
/// it (nested services), and the service_at_location around it.
struct Found<'a> {
    path: String,
    service: &'a Value,
    org: Option<&'a Value>,
    sal: Option<&'a Value>,
}

/// The services in one HSDS 3.0 JSON value at `path`, and what the rest holds.
fn find_services<'a>(v: &'a Value, path: String, out: &mut Vec<Found<'a>>, held: &mut Vec<Holds>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                find_services(x, format!("{path}[{i}]"), out, held);
            }
        }
        Value::Object(o) if o.get("contents").is_some_and(Value::is_array) => {
            find_services(&o["contents"], json_key(&path, "contents"), out, held);
        }
        Value::Object(o)
            if o.get("services").is_some_and(Value::is_array) && o.get("name").is_none() =>
        {
            find_services(&o["services"], json_key(&path, "services"), out, held);
        }
        _ => match Holds::of(v) {
            Holds::Service => out.push(Found {
                path,
                service: v,
                org: None,
                sal: None,
            }),
            Holds::ServiceAtLocation => out.push(Found {
                path: json_key(&path, "service"),
                service: &v["service"],
                org: None,
                sal: Some(v),
            }),
            Holds::Organization if !list(v, "services").is_empty() => {
                for (i, x) in list(v, "services").iter().enumerate() {
                    out.push(Found {
                        path: format!("{}[{i}]", json_key(&path, "services")),
                        service: x,
                        org: Some(v),
                        sal: None,
                    });
                }
            }
            h => held.push(h),
        },
    }
}

fn address_of(a: &Value) -> String {
    address_line(&[
        s(a, "state_province"),
        s(a, "region"),
        s(a, "city"),
        s(a, "address_1"),
        s(a, "address_2"),
    ])
}

fn numbers(v: &Value) -> Vec<String> {
    list(v, "phones")
        .iter()
        .map(|p| match &p["number"] {
            Value::String(n) => n.trim().trim_matches('"').to_string(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Schedules of an HSDS 3.0 object as people read them (`周一至周五 09:00–17:00`), else
/// their descriptions.
fn schedules_of(v: &Value) -> Vec<String> {
    let text = |x: &Value| match x {
        Value::Number(n) => n.to_string(),
        Value::String(t) => t.clone(),
        _ => String::new(),
    };
    let mut slots = Vec::new();
    let mut described = Vec::new();
    for sc in list(v, "schedules") {
        match slot(
            &text(&sc["weekday"]),
            s(sc, "byday"),
            s(sc, "opens_at"),
            s(sc, "closes_at"),
        ) {
            Some(sl) => slots.push(sl),
            None if !s(sc, "description").is_empty() => {
                described.push(s(sc, "description").to_string())
            }
            None => {}
        }
    }
    let mut out = Vec::new();
    if !slots.is_empty() {
        out.push(schedule_words(&slots));
    }
    out.extend(described);
    out
}

/// Adds `more` to a `;`- or ` / `-joined list, without repeats.
fn merge_into(list: &mut String, more: &str, sep: &str) {
    for m in more.split(sep).filter(|m| !m.is_empty()) {
        if !list.split(sep).any(|x| x == m) {
            if !list.is_empty() {
                list.push_str(sep);
            }
            list.push_str(m);
        }
    }
}

/// One service found, read: the service, its organisation's id, or its problems.
fn hsds_service(f: &Found<'_>, file: &str, lang: Lang) -> (Service, String, Vec<FileError>) {
    let item = f.service;
    let mut errors = Vec::new();
    let path = &f.path;
    let mut bad = |k: &str, m: String| {
        errors.push(FileError::new(file, 0, &json_key(path, k), m));
    };
    let id = s(item, "id");
    let name = s(item, "name");
    if id.is_empty() {
        bad("id", required_msg(lang));
    }
    if name.is_empty() {
        bad("name", required_msg(lang));
    }
    let org = item
        .get("organization")
        .filter(|o| o.is_object())
        .or(f.org)
        .unwrap_or(&Value::Null);
    let provider = s(org, "name").to_string();
    let org_id = match s(org, "id") {
        "" => s(item, "organization_id"),
        o => o,
    }
    .to_string();
    // HSDS 3.0 requires status (active, inactive, defunct, temporarily closed).
    let status = match s(item, "status") {
        "" => {
            bad(
                "status",
                lang.pick(
                    "必填(HSDS 3.0 要求:active / inactive / defunct / temporarily closed)",
                    "required by HSDS 3.0 (active, inactive, defunct, temporarily closed)",
                )
                .into(),
            );
            ServiceStatus::Inactive
        }
        st => status_loose(st).unwrap_or_else(|| {
            bad(
                "status",
                match lang {
                    Lang::Zh => format!(
                        "“{st}”不是HSDS状态(active / inactive / defunct / temporarily closed)"
                    ),
                    Lang::En => format!(
                        "{st:?} is not an HSDS status (active, inactive, defunct, temporarily closed)"
                    ),
                },
            );
            ServiceStatus::Inactive
        }),
    };
    let description = s(item, "description");
    let kind = kind_loose(s(item, "kind"))
        .unwrap_or_else(|| guess_kind(&format!("{name} {description} {provider}")));
    let mut phones = numbers(item);
    let mut addresses = Vec::new();
    let mut hours = schedules_of(item);
    let sals: Vec<&Value> = list(item, "service_at_locations")
        .iter()
        .chain(f.sal)
        .collect();
    for sal in sals {
        let loc = sal.get("location").filter(|l| l.is_object()).unwrap_or(sal);
        let here: Vec<String> = list(loc, "addresses").iter().map(address_of).collect();
        if here.is_empty() && !s(loc, "name").is_empty() {
            addresses.push(s(loc, "name").to_string());
        }
        addresses.extend(here);
        phones.extend(numbers(sal));
        phones.extend(numbers(loc));
        hours.extend(schedules_of(sal));
        hours.extend(schedules_of(loc));
    }
    if phones.is_empty() {
        phones.extend(numbers(org));
    }
    phones.dedup();
    addresses.retain(|a| !a.is_empty());
    addresses.dedup();
    hours.dedup();
    let mut eligibility = vec![s(item, "eligibility_description").to_string()];
    eligibility.push(s(item, "application_process").to_string());
    eligibility.retain(|e| !e.is_empty());
    let docs: Vec<&str> = list(item, "required_documents")
        .iter()
        .map(|d| s(d, "document"))
        .filter(|d| !d.is_empty())
        .collect();
    let checked_on = hsds_date(s(item, "assured_date"), lang).unwrap_or_else(|m| {
        bad("assured_date", m);
        None
    });
    let service = Service {
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
    };
    (service, org_id, errors)
}

/// HSDS 3.0 JSON: services with their organisation, phones, locations nested.
pub fn parse_hsds_json(text: &str, file: &str, lang: Lang) -> Result<Parsed, Vec<FileError>> {
    hsds_json_pages(&[(file, text)], lang, false).map(|f| f.parsed)
}

/// HSDS 3.0 JSON in every shape the API returns — one service, an array, a paged list
/// (`contents`, its pages in one or several files), a service_at_location with its
/// service, an organisation with its services — from one file or the pages of one list.
/// A document holding no service is refused, saying what it holds. A service met again
/// (on another page, at another location) is one service with both places.
fn hsds_json_pages(
    pages: &[(&str, &str)],
    lang: Lang,
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let mut docs = Vec::new();
    let mut cleaner = Cleaner::default();
    for (file, text) in pages {
        let mut doc: Value = crate::import::parse_json(text, file, lang)?;
        cleaner.clean_json(&mut doc, TEXTS);
        docs.push((*file, doc));
    }
    let mut settle: Settle<Service> = Settle::new(skip_bad);
    let mut orgs = std::collections::BTreeSet::new();
    // id → (file and path where first met, index among the good ones).
    let mut seen: HashMap<String, (String, usize)> = HashMap::new();
    for (file, doc) in &docs {
        let mut found = Vec::new();
        let mut held = Vec::new();
        find_services(doc, "$".into(), &mut found, &mut held);
        if found.is_empty() {
            let what = held.first().copied().unwrap_or(Holds::Other);
            let listed =
                matches!(doc, Value::Array(_)) || doc.get("contents").is_some_and(Value::is_array);
            settle.fatal(FileError::new(
                file,
                0,
                "$",
                match (lang, listed) {
                    (_, true) if held.is_empty() => lang
                        .pick("列表是空的,没有服务", "the list is empty: no service")
                        .into(),
                    (Lang::Zh, false) => format!("这是HSDS的{},不是服务", what.words(lang)),
                    (Lang::En, false) => {
                        format!("this is an HSDS {}, not a service", what.words(lang))
                    }
                    (Lang::Zh, true) => format!("这是HSDS的{}列表,没有服务", what.words(lang)),
                    (Lang::En, true) => {
                        format!(
                            "this is a list of HSDS {} records, not services",
                            what.words(lang)
                        )
                    }
                },
            ));
            continue;
        }
        for f in &found {
            let (service, org_id, mut errors) = hsds_service(f, file, lang);
            let id = service.source_id.clone().unwrap_or_default();
            if let Some((first, at)) = seen.get(&id).cloned() {
                if errors.is_empty() && settle.good()[at].name == service.name {
                    // The same service again: one service, with every place and phone.
                    let kept = &mut settle.good_mut()[at];
                    merge_into(&mut kept.address, &service.address, ";");
                    merge_into(&mut kept.contact, &service.contact, " / ");
                    merge_into(&mut kept.hours, &service.hours, ";");
                    continue;
                }
                if errors.is_empty() {
                    errors.push(FileError::new(
                        file,
                        0,
                        &json_key(&f.path, "id"),
                        match lang {
                            Lang::Zh => format!("编号“{id}”与{first}重复,名称不同"),
                            Lang::En => format!("id {id:?} repeats {first} with another name"),
                        },
                    ));
                }
            } else if errors.is_empty() {
                seen.insert(
                    id.clone(),
                    (format!("{file} {}", f.path), settle.good().len()),
                );
            }
            if errors.is_empty() {
                if !org_id.is_empty() {
                    orgs.insert(org_id);
                } else if !service.provider.is_empty() {
                    orgs.insert(service.provider.clone());
                }
            }
            settle.record(file, f.path.clone(), service, errors);
        }
    }
    let feed = settle.finish(cleaner.cleaned)?;
    Ok(DirectoryFeed {
        parsed: Parsed {
            services: feed.records,
            organizations: orgs.len(),
            cleaned: feed.cleaned,
        },
        skipped: feed.skipped,
    })
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
        // JSON paths (issue 17), not `services[0]` beside a line that is not a line.
        assert_eq!(fields, vec!["$[0].name", "$[0].status"]);
    }
}

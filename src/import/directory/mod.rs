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

use std::path::Path;

use crate::domain::labels::Labeled;
use crate::domain::referral::{ServiceKind, ServiceStatus};
use crate::import::feed::Skipped;
use crate::import::{DateProblem, FileError, date_of, read_file};
use crate::store::Service;
use crate::words::Said;

mod csv_file;
mod hsds_json;
mod package;
mod schedule;

pub use csv_file::parse_csv;
use csv_file::parse_csv_feed;
use hsds_json::hsds_json_pages;
pub use hsds_json::parse_hsds_json;
pub use package::parse_hsds_package;
use package::parse_hsds_package_feed;
pub use schedule::schedule_words;

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
/// anything else our CSV. All services or none. The problems are said where they are
/// shown.
pub fn load(path: &Path) -> Result<Parsed, Vec<FileError>> {
    load_feed(&[path.to_path_buf()], false).map(|f| f.parsed)
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
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let first = &paths[0];
    if paths.len() == 1 && first.is_dir() && first.join("services.csv").is_file() {
        return parse_hsds_package_feed(first, skip_bad);
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
                        crate::import::system(e),
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
                    Said::new("import.directory.not_hsds_folder"),
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
            read_file(f, MAX_FILE_BYTES).map_err(|e| vec![e])?,
        ));
    }
    let json = |(f, t): &(String, String)| {
        f.to_ascii_lowercase().ends_with(".json") || t.trim_start().starts_with(['[', '{'])
    };
    if texts.len() == 1 && !json(&texts[0]) {
        let (file, text) = &texts[0];
        return parse_csv_feed(text, file, skip_bad);
    }
    let pages: Vec<(&str, &str)> = texts
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    hsds_json_pages(&pages, skip_bad)
}

pub(super) fn kind_loose(text: &str) -> Option<ServiceKind> {
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

pub(super) fn status_loose(text: &str) -> Option<ServiceStatus> {
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
pub(super) const TEXTS: &[&str] = &[
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
pub(super) fn hsds_date(text: &str) -> Result<Option<chrono::NaiveDate>, Said> {
    match date_of(text) {
        Err(DateProblem::Unreadable) => Ok(None),
        other => other.map_err(|p| p.said(text)),
    }
}

#[cfg(test)]
mod tests;

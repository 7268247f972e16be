//! Our own directory CSV (README "Directory columns").

use std::collections::HashMap;

use crate::domain::labels::Labeled;
use crate::domain::referral::{DeadlineRule, ServiceKind, ServiceStatus};
use crate::import::feed::{Settle, line_position};
use crate::import::{FileError, Table, read_date, required};
use crate::store::Service;
use crate::words::Said;

use super::{DirectoryFeed, Parsed, TEXTS, kind_loose, status_loose};

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

pub fn parse_csv(text: &str, file: &str) -> Result<Parsed, Vec<FileError>> {
    parse_csv_feed(text, file, false).map(|f| f.parsed)
}

pub(super) fn parse_csv_feed(
    text: &str,
    file: &str,
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let table = Table::read_file(text, file, TEXTS)?;
    let col = table.columns(CSV_COLUMNS, &["kind", "name"], file)?;
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
        let mut bad = |f: &str, m: Said| errors.push(FileError::new(file, *line, header_of(f), m));
        let name = get("name");
        if name.is_empty() {
            bad("name", required());
        }
        let kind = match kind_loose(&get("kind")) {
            Some(k) => k,
            None => {
                bad(
                    "kind",
                    Said::new("import.directory.bad_kind").with("cell", get("kind")),
                );
                ServiceKind::Agency
            }
        };
        let status = match status_loose(&get("status")) {
            Some(s) => s,
            None => {
                bad(
                    "status",
                    Said::new("import.directory.bad_status").with("cell", get("status")),
                );
                ServiceStatus::Inactive
            }
        };
        let checked_on = read_date(&get("checked_on")).unwrap_or_else(|m| {
            bad("checked_on", m);
            None
        });
        let deadline_rule = match get("deadline_rule") {
            r if r.is_empty() => DeadlineRule::for_kind(kind),
            r => DeadlineRule::parse_loose(&r).unwrap_or_else(|| {
                bad(
                    "deadline_rule",
                    Said::new("import.directory.bad_rule").with("cell", &r),
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
                Said::new("import.directory.repeats_line")
                    .with("id", &source_id)
                    .with("first", first),
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
        settle.record(file, line_position(*line), service, errors);
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

//! HSDS 3.0 JSON: services with their organisation, phones, locations and schedules
//! nested, in every shape the API returns.

use std::collections::HashMap;

use serde_json::Value;

use crate::domain::referral::ServiceStatus;
use crate::import::feed::{Settle, json_key};
use crate::import::{Cleaner, FileError, required};
use crate::store::Service;
use crate::words::Said;

use super::package::address_line;
use super::schedule::{schedule_words, slot};
use super::{DirectoryFeed, Parsed, TEXTS, guess_kind, hsds_date, kind_loose, status_loose};

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

    fn said(self) -> Said {
        match self {
            Holds::Location => Said::new("import.directory.holds.location"),
            Holds::Organization => Said::new("import.directory.holds.organization"),
            Holds::Taxonomy => Said::new("import.directory.holds.taxonomy"),
            Holds::TaxonomyTerm => Said::new("import.directory.holds.taxonomy_term"),
            _ => Said::new("import.directory.holds.other"),
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
fn hsds_service(f: &Found<'_>, file: &str) -> (Service, String, Vec<FileError>) {
    let item = f.service;
    let mut errors = Vec::new();
    let path = &f.path;
    let mut bad = |k: &str, m: Said| {
        errors.push(FileError::new(file, 0, json_key(path, k), m));
    };
    let id = s(item, "id");
    let name = s(item, "name");
    if id.is_empty() {
        bad("id", required());
    }
    if name.is_empty() {
        bad("name", required());
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
            bad("status", Said::new("import.directory.status_required"));
            ServiceStatus::Inactive
        }
        st => status_loose(st).unwrap_or_else(|| {
            bad(
                "status",
                Said::new("import.directory.bad_hsds_status").with("cell", st),
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
    let checked_on = hsds_date(s(item, "assured_date")).unwrap_or_else(|m| {
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
pub fn parse_hsds_json(text: &str, file: &str) -> Result<Parsed, Vec<FileError>> {
    hsds_json_pages(&[(file, text)], false).map(|f| f.parsed)
}

/// HSDS 3.0 JSON in every shape the API returns — one service, an array, a paged list
/// (`contents`, its pages in one or several files), a service_at_location with its
/// service, an organisation with its services — from one file or the pages of one list.
/// A document holding no service is refused, saying what it holds. A service met again
/// (on another page, at another location) is one service with both places.
pub(super) fn hsds_json_pages(
    pages: &[(&str, &str)],
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let mut docs = Vec::new();
    let mut cleaner = Cleaner::default();
    for (file, text) in pages {
        let mut doc: Value = crate::import::parse_json(text, file)?;
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
                if !listed {
                    Said::new("import.directory.not_a_service").with_said("what", what.said())
                } else if held.is_empty() {
                    Said::new("import.directory.empty_list")
                } else {
                    Said::new("import.directory.list_of_others").with_said("what", what.said())
                },
            ));
            continue;
        }
        for f in &found {
            let (service, org_id, mut errors) = hsds_service(f, file);
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
                        json_key(&f.path, "id"),
                        Said::new("import.directory.repeats_other")
                            .with("id", &id)
                            .with("first", first),
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
            settle.record(file, f.path.clone().into(), service, errors);
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

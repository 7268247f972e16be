//! An Open Referral HSDS tabular data package: a folder of CSV tables (services.csv and
//! those it points at), read and joined into services.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::domain::referral::ServiceStatus;
use crate::import::feed::{Settle, line_position};
use crate::import::{FileError, Table, read_file, required};
use crate::store::Service;
use crate::words::Said;

use super::schedule::{schedule_words, slot};
use super::{
    DirectoryFeed, MAX_FILE_BYTES, Parsed, TEXTS, guess_kind, hsds_date, kind_loose, status_loose,
};

/// One HSDS table: its rows as header → value maps, with lines.
struct HsdsTable {
    file: String,
    rows: Vec<(u64, BTreeMap<String, String>)>,
    cleaned: usize,
}

fn read_hsds_table(dir: &Path, names: &[&str]) -> Result<Option<HsdsTable>, Vec<FileError>> {
    let Some(path) = names.iter().map(|n| dir.join(n)).find(|p| p.is_file()) else {
        return Ok(None);
    };
    let file = path.display().to_string();
    let text = read_file(&path, MAX_FILE_BYTES).map_err(|e| vec![e])?;
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

pub(super) fn address_line(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The HSDS tabular data package in folder `dir`.
pub fn parse_hsds_package(dir: &Path) -> Result<Parsed, Vec<FileError>> {
    parse_hsds_package_feed(dir, false).map(|f| f.parsed)
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
    fn read(dir: &Path) -> Result<HsdsPackage, Vec<FileError>> {
        let Some(services) = read_hsds_table(dir, &["services.csv"])? else {
            return Err(vec![FileError::new(
                &dir.display().to_string(),
                0,
                "services.csv",
                Said::new("import.directory.no_services_csv"),
            )]);
        };
        Ok(HsdsPackage {
            services,
            organizations: read_hsds_table(dir, &["organizations.csv"])?,
            phones: read_hsds_table(dir, &["phones.csv"])?,
            locations: read_hsds_table(dir, &["locations.csv"])?,
            at_location: read_hsds_table(
                dir,
                &["service_at_location.csv", "services_at_location.csv"],
            )?,
            addresses: read_hsds_table(dir, &["physical_addresses.csv", "addresses.csv"])?,
            schedules: read_hsds_table(dir, &["schedules.csv"])?,
            regular: read_hsds_table(dir, &["regular_schedules.csv"])?,
            documents: read_hsds_table(dir, &["required_documents.csv"])?,
            eligibility: read_hsds_table(dir, &["eligibility.csv"])?,
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
    errors: &mut Vec<FileError>,
) -> Service {
    let mut bad = |f: &str, m: Said| errors.push(FileError::new(&p.services.file, line, f, m));
    let id = field(row, "id");
    let name = field(row, "name");
    if id.is_empty() {
        bad("id", required());
    }
    if name.is_empty() {
        bad("name", required());
    }
    let org_id = field(row, "organization_id");
    let provider = match links.org_names.get(org_id) {
        Some(n) => n.clone(),
        None if p.organizations.is_some() && !org_id.is_empty() => {
            bad(
                "organization_id",
                Said::new("import.directory.no_organization").with("id", org_id),
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
                Said::new("import.directory.bad_hsds_status").with("cell", field(row, "status")),
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
        hsds_date(field(row, f)).unwrap_or_else(|m| {
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
pub(super) fn parse_hsds_package_feed(
    dir: &Path,
    skip_bad: bool,
) -> Result<DirectoryFeed, Vec<FileError>> {
    let p = HsdsPackage::read(dir)?;
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
                    Said::new("import.directory.no_location").with("id", loc),
                ));
            }
        }
    }
    for e in errors.drain(..) {
        settle.fatal(e);
    }
    for (line, row) in &p.services.rows {
        let mut errors = Vec::new();
        let service = package_service(row, *line, &p, &links, &mut errors);
        let id = field(row, "id");
        if let Some(first) = seen.get(id) {
            errors.push(FileError::new(
                &p.services.file,
                *line,
                "id",
                Said::new("import.directory.repeats_line")
                    .with("id", id)
                    .with("first", first),
            ));
        } else if errors.is_empty() || !skip_bad {
            seen.insert(id.to_string(), *line);
        }
        settle.record(&p.services.file, line_position(*line), service, errors);
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

//! The service directory: where the desk routes requests.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, new_id, ts};
use crate::domain::labels::Labeled;
use crate::domain::referral::{DeadlineRule, ServiceKind, ServiceStatus};
use crate::words::Said;

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Empty for a service not yet stored.
    pub id: String,
    /// The id in the file it came from; a re-import with the same id updates it.
    pub source_id: Option<String>,
    pub kind: ServiceKind,
    pub deadline_rule: DeadlineRule,
    pub name: String,
    pub provider: String,
    pub description: String,
    pub eligibility: String,
    pub documents: String,
    pub contact: String,
    pub address: String,
    pub hours: String,
    pub status: ServiceStatus,
    pub checked_on: Option<NaiveDate>,
    /// Typed at this desk because the directory lacked it (本站添加): it has no source id,
    /// so no directory import updates or removes it.
    pub added_here: bool,
}

impl Service {
    /// A new active service with the kind's default deadline rule and nothing else filled.
    pub fn new(kind: ServiceKind, name: &str) -> Service {
        Service {
            id: String::new(),
            source_id: None,
            kind,
            deadline_rule: DeadlineRule::for_kind(kind),
            name: name.to_string(),
            provider: String::new(),
            description: String::new(),
            eligibility: String::new(),
            documents: String::new(),
            contact: String::new(),
            address: String::new(),
            hours: String::new(),
            status: ServiceStatus::Active,
            checked_on: None,
            added_here: false,
        }
    }
}

const SERVICE_COLUMNS: &str = "id, source_id, kind, deadline_rule, name, provider, description, \
     eligibility, documents, contact, address, hours, status, checked_on";

/// What [`service_from_row`] reads: the columns, then whether the service was added here.
pub(super) const SERVICE_SELECT: &str = "SELECT id, source_id, kind, deadline_rule, name, \
     provider, description, eligibility, documents, contact, address, hours, status, checked_on, \
     added_by IS NOT NULL FROM service";

pub(super) fn service_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Service> {
    let kind: String = r.get(2)?;
    let rule: String = r.get(3)?;
    let status: String = r.get(12)?;
    let checked: Option<String> = r.get(13)?;
    Ok(Service {
        id: r.get(0)?,
        source_id: r.get(1)?,
        kind: ServiceKind::from_code(&kind).unwrap_or(ServiceKind::Agency),
        deadline_rule: DeadlineRule::from_code(&rule).unwrap_or(DeadlineRule::Agency),
        name: r.get(4)?,
        provider: r.get(5)?,
        description: r.get(6)?,
        eligibility: r.get(7)?,
        documents: r.get(8)?,
        contact: r.get(9)?,
        address: r.get(10)?,
        hours: r.get(11)?,
        status: ServiceStatus::from_code(&status).unwrap_or(ServiceStatus::Inactive),
        checked_on: checked.and_then(|c| NaiveDate::parse_from_str(&c, "%Y-%m-%d").ok()),
        added_here: r.get(14)?,
    })
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Upserted {
    pub added: usize,
    pub updated: usize,
}

impl Store {
    /// Adds or updates (by source id) every service, all or none. On failure, the index
    /// of the service that failed.
    pub fn upsert_services(
        &mut self,
        services: &[Service],
        now: DateTime<Utc>,
    ) -> Result<Upserted, (usize, StoreError)> {
        let t = ts(now);
        let tx = self.write_tx().map_err(|e| (0, e.into()))?;
        let mut done = Upserted::default();
        for (i, s) in services.iter().enumerate() {
            let fail = |e: rusqlite::Error| (i, StoreError::from(e));
            let existing: Option<String> = match &s.source_id {
                Some(src) => tx
                    .query_row("SELECT id FROM service WHERE source_id = ?1", [src], |r| {
                        r.get(0)
                    })
                    .optional()
                    .map_err(fail)?,
                None => None,
            };
            let checked = s.checked_on.map(|d| d.format("%Y-%m-%d").to_string());
            let values = params![
                existing.clone().unwrap_or_else(new_id),
                s.source_id,
                s.kind.code(),
                s.deadline_rule.code(),
                s.name,
                s.provider,
                s.description,
                s.eligibility,
                s.documents,
                s.contact,
                s.address,
                s.hours,
                s.status.code(),
                checked,
                t
            ];
            if existing.is_some() {
                tx.execute(
                    "UPDATE service SET source_id = ?2, kind = ?3, deadline_rule = ?4, name = ?5,
                       provider = ?6, description = ?7, eligibility = ?8, documents = ?9,
                       contact = ?10, address = ?11, hours = ?12, status = ?13, checked_on = ?14,
                       updated_at = ?15 WHERE id = ?1",
                    values,
                )
                .map_err(fail)?;
                done.updated += 1;
            } else {
                tx.execute(
                    &format!(
                        "INSERT INTO service({SERVICE_COLUMNS}, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)"
                    ),
                    values,
                )
                .map_err(fail)?;
                done.added += 1;
            }
        }
        super::shifts::log_import(
            &tx,
            now,
            &crate::domain::log_fact::LogFact::ImportServices {
                added: done.added,
                updated: done.updated,
            },
        )
        .map_err(|e| (0, e.into()))?;
        tx.commit().map_err(|e| (0, e.into()))?;
        Ok(done)
    }

    /// The directory, optionally of one kind: active services first, then by name.
    pub fn services(&self, kind: Option<ServiceKind>) -> Result<Vec<Service>, StoreError> {
        let sql = format!(
            "{SERVICE_SELECT} WHERE ?1 IS NULL OR kind = ?1
             ORDER BY status <> 'active', kind, name"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([kind.map(|k| k.code())], service_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A service the directory lacks, typed at the desk (本站添加): stored with the officer
    /// who added it, and the act recorded in the history (the phone is not put there). A
    /// service of that name already in the directory is refused: pick it instead. No
    /// import updates or removes it: imports match services by source id, and it has none.
    pub fn add_local_service(
        &mut self,
        s: &Service,
        station_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Service, StoreError> {
        let name = s.name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(Said::new("store.service.no_name")));
        }
        let tx = self.write_tx()?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT name FROM service WHERE trim(name) = ?1 LIMIT 1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(existing) = existing {
            return Err(StoreError::Refused(
                Said::new("store.service.exists").with("name", existing),
            ));
        }
        let id = new_id();
        let t = ts(now);
        tx.execute(
            &format!(
                "INSERT INTO service({SERVICE_COLUMNS}, created_at, updated_at, added_by)
                 VALUES (?1, NULL, ?2, ?3, ?4, ?5, '', '', '', ?6, ?7, '', 'active', NULL,
                         ?8, ?8, ?9)"
            ),
            params![
                id,
                s.kind.code(),
                DeadlineRule::for_kind(s.kind).code(),
                name,
                s.provider.trim(),
                s.contact.trim(),
                s.address.trim(),
                t,
                officer_id
            ],
        )?;
        super::events::record(
            &tx,
            super::events::NewEvent {
                station_id,
                entity: "service",
                entity_id: &id,
                action: "created_here",
                officer_id: Some(officer_id),
                at: now,
                detail: &format!("{} · {name} · {}", s.kind.zh(), s.provider.trim()),
            },
        )?;
        let added = tx.query_row(
            &format!("{SERVICE_SELECT} WHERE id = ?1"),
            [&id],
            service_from_row,
        )?;
        tx.commit()?;
        Ok(added)
    }

    pub fn service(&self, id: &str) -> Result<Option<Service>, StoreError> {
        let sql = format!("{SERVICE_SELECT} WHERE id = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id], service_from_row)
            .optional()?)
    }
}

//! The history of records: who did what, when.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Store, StoreError, new_id, parse_ts, ts};

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub action: String,
    pub officer_name: Option<String>,
    pub detail: String,
}

pub(super) struct NewEvent<'a> {
    pub station_id: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub officer_id: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub detail: &'a str,
}

/// Written inside the caller's transaction, so a change and its history commit together.
pub(super) fn record(conn: &Connection, e: NewEvent<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO event(id, station_id, entity, entity_id, action, officer_id, at, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            new_id(),
            e.station_id,
            e.entity,
            e.entity_id,
            e.action,
            e.officer_id,
            ts(e.at),
            e.detail
        ],
    )?;
    Ok(())
}

const EVENT_SELECT: &str = "SELECT e.at, e.action, o.name, e.detail FROM event e \
     LEFT JOIN officer o ON o.id = e.officer_id";

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    let at: String = r.get(0)?;
    Ok(EventRow {
        at: parse_ts(&at).unwrap_or_default(),
        action: r.get(1)?,
        officer_name: r.get(2)?,
        detail: r.get(3)?,
    })
}

impl Store {
    pub fn events_for(&self, entity_id: &str) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{EVENT_SELECT} WHERE e.entity_id = ?1 ORDER BY e.at, e.id"
        ))?;
        let rows = stmt.query_map([entity_id], event_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The history of a visit and of its visitor together (changes to the person's details,
    /// their numbers shown in full), oldest first.
    pub fn events_of_visit(
        &self,
        visit_id: &str,
        visitor_id: &str,
    ) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{EVENT_SELECT} WHERE e.entity_id IN (?1, ?2) ORDER BY e.at, e.id"
        ))?;
        let rows = stmt.query_map([visit_id, visitor_id], event_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records that an officer had a visitor's `fields` (电话, 身份证号) shown in full.
    pub fn audit_reveal(
        &mut self,
        station_id: &str,
        visitor_id: &str,
        officer_id: &str,
        fields: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        record(
            &self.conn,
            NewEvent {
                station_id,
                entity: "visitor",
                entity_id: visitor_id,
                action: "revealed",
                officer_id: Some(officer_id),
                at: now,
                detail: fields,
            },
        )?;
        Ok(())
    }
}

impl Store {
    /// Records an export that shows personal data in full (`--unmasked`): who was on
    /// duty at this desk, when, and what was exported. Without a station there is no
    /// record to write to.
    pub fn audit_unmasked_export(
        &mut self,
        what: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (Some(station), officer) = (
            self.setting("station_id")?,
            self.setting("current_officer_id")?,
        ) else {
            return Ok(());
        };
        record(
            &self.conn,
            NewEvent {
                station_id: &station,
                entity: "export",
                entity_id: &new_id(),
                action: "unmasked_export",
                officer_id: officer.as_deref(),
                at: now,
                detail: what,
            },
        )?;
        Ok(())
    }

    /// Unmasked exports, newest first: (when, officer, what).
    pub fn unmasked_exports(&self) -> Result<Vec<EventRow>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "{EVENT_SELECT} WHERE e.entity = 'export' ORDER BY e.at DESC"
        ))?;
        let rows = stmt.query_map([], event_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

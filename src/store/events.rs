//! The history of records: who did what, when.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Store, StoreError, new_id, parse_ts, ts};

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub action: String,
    pub officer_name: Option<String>,
    pub detail: String,
}

#[derive(Clone, Copy)]
pub(super) struct NewEvent<'a> {
    pub station_id: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub officer_id: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub detail: &'a str,
}

/// Written inside the caller's transaction, so a change and its history commit together;
/// the event's link in the audit chain goes in with it (one more small insert).
pub(super) fn record(conn: &Connection, e: NewEvent<'_>) -> rusqlite::Result<()> {
    let id = new_id();
    let at = ts(e.at);
    conn.prepare_cached(
        "INSERT INTO event(id, station_id, entity, entity_id, action, officer_id, at, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        e.station_id,
        e.entity,
        e.entity_id,
        e.action,
        e.officer_id,
        at,
        e.detail
    ])?;
    // The event is written first: the write lock is held from here, so the last link
    // read below is the last one in the file.
    let last = last_link(conn)?;
    let fields = [
        Some(id.as_str()),
        Some(e.station_id),
        Some(e.entity),
        Some(e.entity_id),
        Some(e.action),
        e.officer_id,
        Some(at.as_str()),
        Some(e.detail),
    ];
    append_link(conn, &last, &id, &event_hash(&last.hash, &fields))
}

/// The hash the first link of a chain follows.
pub(super) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 as lowercase hex.
pub(super) fn hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The last link of the audit chain (or the chain's start).
struct Link {
    seq: i64,
    event_id: Option<String>,
    hash: String,
}

fn last_link(conn: &Connection) -> rusqlite::Result<Link> {
    Ok(conn
        .prepare_cached("SELECT seq, event_id, hash FROM audit_chain ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| {
            Ok(Link {
                seq: r.get(0)?,
                event_id: Some(r.get(1)?),
                hash: r.get(2)?,
            })
        })
        .optional()?
        .unwrap_or(Link {
            seq: 0,
            event_id: None,
            hash: GENESIS.into(),
        }))
}

fn append_link(conn: &Connection, last: &Link, event_id: &str, hash: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_chain(seq, event_id, prev_event_id, hash) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![last.seq + 1, event_id, last.event_id, hash])?;
    Ok(())
}

/// An event's link: SHA-256 of the previous link and the event's fields (id, station,
/// entity, entity id, action, officer, time, detail), U+001F between fields, `\N` for none.
fn event_hash(prev: &str, fields: &[Option<&str>]) -> String {
    let mut h = Sha256::new();
    h.update(b"dutydesk event 1\x1d");
    h.update(prev.as_bytes());
    h.update([0x1d]);
    for f in fields {
        h.update(f.unwrap_or("\\N").as_bytes());
        h.update([0x1f]);
    }
    hex(&h.finalize())
}

const EVENT_FIELDS: &str =
    "e.id, e.station_id, e.entity, e.entity_id, e.action, e.officer_id, e.at, e.detail";

type Fields = [Option<String>; 8];

fn fields_from_row(r: &rusqlite::Row<'_>, from: usize) -> rusqlite::Result<Fields> {
    let mut f: Fields = Default::default();
    for (i, slot) in f.iter_mut().enumerate() {
        *slot = r.get(from + i)?;
    }
    Ok(f)
}

fn hash_fields(prev: &str, f: &Fields) -> String {
    let refs: Vec<Option<&str>> = f.iter().map(|s| s.as_deref()).collect();
    event_hash(prev, &refs)
}

/// Migration 10: the events already written are chained once, in the order they were
/// written.
pub(super) fn chain_existing(conn: &Connection) -> rusqlite::Result<()> {
    let mut last = last_link(conn)?;
    // Written order: the row number while `event` had one (before migration 21), then
    // the time and the id (a UUID v7, in the order ids were made).
    let keyed_by_id: bool = conn.query_row(
        "SELECT coalesce((SELECT sql LIKE '%WITHOUT ROWID' FROM sqlite_master
           WHERE type = 'table' AND name = 'event'), 0)",
        [],
        |r| r.get(0),
    )?;
    let order = if keyed_by_id { "e.at, e.id" } else { "e.rowid" };
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_FIELDS} FROM event e
         WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
         ORDER BY {order}"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let f = fields_from_row(r, 0)?;
        let id = f[0].clone().unwrap_or_default();
        let hash = hash_fields(&last.hash, &f);
        append_link(conn, &last, &id, &hash)?;
        last = Link {
            seq: last.seq + 1,
            event_id: Some(id),
            hash,
        };
    }
    Ok(())
}

/// A batch of events written and chained at once (a ledger's import): [`stage`] keeps each
/// in a temporary table as [`record`] would have written it, in order; [`write_staged`]
/// then hashes the whole chain in one pass from the last link, as [`chain_existing`] does,
/// and writes the events and their links with one statement each, rather than two inserts
/// and a read of the last link per event. The caller owns the transaction (and holds the
/// write lock from the batch's first write): nothing is in the file until it commits.
pub(super) fn begin_staged(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS staged_event(id TEXT, station_id TEXT, entity TEXT,
           entity_id TEXT, action TEXT, officer_id TEXT, at TEXT, detail TEXT);
         DELETE FROM temp.staged_event;",
    )
}

/// [`record`] for a batch begun with [`begin_staged`]: the event waits for [`write_staged`].
pub(super) fn stage(conn: &Connection, e: NewEvent<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO temp.staged_event(id, station_id, entity, entity_id, action, officer_id,
           at, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        new_id(),
        e.station_id,
        e.entity,
        e.entity_id,
        e.action,
        e.officer_id,
        ts(e.at),
        e.detail
    ])?;
    Ok(())
}

/// Writes the staged events in the order they were staged, each chained to the one before
/// (the first to the file's last link) exactly as [`record`] chains one. Returns how many.
pub(super) fn write_staged(conn: &Connection) -> rusqlite::Result<usize> {
    let mut last = last_link(conn)?;
    let first_seq = last.seq + 1;
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS staged_link(seq INTEGER PRIMARY KEY, event_id TEXT,
           prev_event_id TEXT, hash TEXT);
         DELETE FROM temp.staged_link;",
    )?;
    {
        let mut read = conn.prepare(&format!(
            "SELECT {EVENT_FIELDS} FROM temp.staged_event e ORDER BY e.rowid"
        ))?;
        let mut link = conn.prepare(
            "INSERT INTO temp.staged_link(seq, event_id, prev_event_id, hash)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let f = fields_from_row(r, 0)?;
            let id = f[0].clone().unwrap_or_default();
            let hash = hash_fields(&last.hash, &f);
            link.execute(params![last.seq + 1, id, last.event_id, hash])?;
            last = Link {
                seq: last.seq + 1,
                event_id: Some(id),
                hash,
            };
        }
    }
    conn.execute_batch(
        "INSERT INTO main.event(id, station_id, entity, entity_id, action, officer_id, at, detail)
           SELECT id, station_id, entity, entity_id, action, officer_id, at, detail
           FROM temp.staged_event ORDER BY rowid;
         INSERT INTO main.audit_chain(seq, event_id, prev_event_id, hash)
           SELECT seq, event_id, prev_event_id, hash FROM temp.staged_link ORDER BY seq;
         DROP TABLE temp.staged_event;
         DROP TABLE temp.staged_link;",
    )?;
    Ok(usize::try_from(last.seq - first_seq + 1).unwrap_or(0))
}

/// An event named by `dutydesk check`: its id, and when and what it was where the file
/// still knows.
#[derive(Debug, Clone, PartialEq)]
pub struct EventMark {
    pub event_id: String,
    pub at: Option<DateTime<Utc>>,
    pub action: String,
}

/// What the audit chain's check found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditCheck {
    /// Events in the chain.
    pub chained: i64,
    /// Events whose fields no longer match their link.
    pub edited: Vec<EventMark>,
    /// Events the chain names that are gone from the log.
    pub deleted: Vec<EventMark>,
    /// Events in the log that were never chained (written behind the desk's back).
    pub unchained: Vec<EventMark>,
    /// Links that do not follow the one before (a link removed or rewritten): the event
    /// after the break.
    pub breaks: Vec<EventMark>,
}

impl AuditCheck {
    pub fn is_whole(&self) -> bool {
        self.edited.is_empty()
            && self.deleted.is_empty()
            && self.unchained.is_empty()
            && self.breaks.is_empty()
    }
}

/// Walks the audit chain from its start: every link recomputed from its event and the
/// link before, no gap, every event chained.
pub(super) fn audit_check(conn: &Connection) -> rusqlite::Result<AuditCheck> {
    let mut out = AuditCheck::default();
    let mark = |id: &str, f: Option<&Fields>| EventMark {
        event_id: id.to_string(),
        at: f.and_then(|f| f[6].as_deref()).and_then(parse_ts),
        action: f.and_then(|f| f[4].clone()).unwrap_or_default(),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT c.seq, c.event_id, c.prev_event_id, c.hash, e.id IS NOT NULL, {EVENT_FIELDS}
         FROM audit_chain c LEFT JOIN event e ON e.id = c.event_id ORDER BY c.seq"
    ))?;
    let mut rows = stmt.query([])?;
    let mut last = Link {
        seq: 0,
        event_id: None,
        hash: GENESIS.into(),
    };
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let event_id: String = r.get(1)?;
        let prev_event_id: Option<String> = r.get(2)?;
        let hash: String = r.get(3)?;
        let present: bool = r.get(4)?;
        let fields = present.then(|| fields_from_row(r, 5)).transpose()?;
        out.chained += 1;
        let follows = seq == last.seq + 1 && prev_event_id == last.event_id;
        if !follows {
            match prev_event_id.as_deref() {
                // The link before this one is gone, and with it the event it named.
                Some(gone) if Some(gone) != last.event_id.as_deref() => {
                    out.deleted.push(mark(gone, None))
                }
                _ => out.breaks.push(mark(&event_id, fields.as_ref())),
            }
        }
        match &fields {
            None => out.deleted.push(mark(&event_id, None)),
            // After a break the previous link is unknown: the event cannot be recomputed,
            // and the break is already named.
            Some(f) if follows && hash_fields(&last.hash, f) != hash => {
                out.edited.push(mark(&event_id, Some(f)))
            }
            Some(_) => {}
        }
        last = Link {
            seq,
            event_id: Some(event_id),
            hash,
        };
    }
    drop(rows);
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_FIELDS} FROM event e
         WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
         ORDER BY e.at, e.id"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let f = fields_from_row(r, 0)?;
        out.unchained
            .push(mark(f[0].as_deref().unwrap_or_default(), Some(&f)));
    }
    Ok(out)
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
        let tx = self.write_tx()?;
        record(
            &tx,
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
        tx.commit()?;
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
        let tx = self.write_tx()?;
        record(
            &tx,
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
        tx.commit()?;
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

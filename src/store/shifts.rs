//! Shifts and their log: opening and joining a shift, the timeline, dispositions,
//! sign-off with its seal (hash + the triggers of migration 5), addenda and handover.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::events::{self, NewEvent};
use super::{Store, StoreError, new_id, parse_ts, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::domain::log_fact::LogFact;
use crate::domain::shift::{Disposition, EntryKind};
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub officer_id: String,
    pub name: String,
    pub role: Role,
    pub affiliation: String,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub id: String,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub handover_note: String,
    pub seal_hash: Option<String>,
    pub members: Vec<Member>,
}

impl Shift {
    pub fn is_sealed(&self) -> bool {
        self.closed_at.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub id: String,
    pub shift_id: Option<String>,
    pub at: DateTime<Utc>,
    pub officer_name: Option<String>,
    pub kind: EntryKind,
    /// As stored: the officer's words, or the desk's line in Chinese.
    pub text: String,
    pub about: Option<String>,
    /// What a line the desk wrote states (stored, or read back from an older line's text).
    pub fact: Option<LogFact>,
}

impl LogEntry {
    /// The line as shown in `lang`: a fact in that language, anything else as stored.
    pub fn line(&self, lang: Lang) -> std::borrow::Cow<'_, str> {
        match &self.fact {
            Some(f) => f.render(lang).into(),
            None => self.text.as_str().into(),
        }
    }
}

/// What the next shift must see first: the last sealed shift's note and the open to-dos.
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub shift: Shift,
    pub todos: Vec<LogEntry>,
}

/// A shift named by the seal check: its id, and when it was opened where the file still
/// knows (a shift deleted whole is known from its link or its audit event).
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenSeal {
    pub shift_id: String,
    pub opened_at: Option<DateTime<Utc>>,
}

/// What the seal check found, by kind of tampering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SealCheck {
    /// Shifts sealed (signed off).
    pub sealed: i64,
    /// Sealed records that no longer match their seal (an edited visit, entry, member or
    /// person; a seal recomputed by hand).
    pub changed: Vec<BrokenSeal>,
    /// Shifts the chain or the audit log says were sealed that are no longer sealed.
    pub unsealed: Vec<BrokenSeal>,
    /// Shifts the chain or the audit log says were sealed that are gone from the file.
    pub deleted: Vec<BrokenSeal>,
    /// Sealed shifts that are not in the chain.
    pub unchained: Vec<BrokenSeal>,
    /// Links that do not follow the seal before them (one removed or rewritten): the
    /// shift after the break.
    pub breaks: Vec<BrokenSeal>,
}

impl SealCheck {
    pub fn is_whole(&self) -> bool {
        self.changed.is_empty()
            && self.unsealed.is_empty()
            && self.deleted.is_empty()
            && self.unchained.is_empty()
            && self.breaks.is_empty()
    }

    /// Every shift named, whatever was done to it.
    pub fn all(&self) -> Vec<BrokenSeal> {
        [
            &self.changed,
            &self.unsealed,
            &self.deleted,
            &self.unchained,
            &self.breaks,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

const SEALED_ZH: &str = "该班次已签结封存,记录不能再改;如需更正请写补记";
const SEALED_EN: &str = "this shift is signed off and sealed; write an addendum to correct it";

fn refused(zh: impl Into<String>, en: impl Into<String>) -> StoreError {
    StoreError::Refused(zh.into(), en.into())
}

/// SQLite's `RAISE(ABORT, 'sealed: …')` from the seal triggers, said plainly.
pub(super) fn is_seal_error(e: &rusqlite::Error) -> bool {
    e.to_string().contains("sealed:")
}

pub(super) fn sealed_error() -> StoreError {
    refused(SEALED_ZH, SEALED_EN)
}

/// The station's open shift, if any.
pub(super) fn open_shift_id(
    conn: &Connection,
    station_id: &str,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT id FROM shift WHERE station_id = ?1 AND closed_at IS NULL")?
        .query_row([station_id], |r| r.get(0))
        .optional()
}

/// The open shift with this officer on it: opened by them if none is open, joined if
/// they are not on it yet. Everything done at the desk belongs to a shift. On every
/// intake save, so an officer already on the shift costs two indexed statements.
pub(super) fn ensure_shift(
    conn: &Connection,
    station_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<String> {
    let (shift_id, opened) = match open_shift_id(conn, station_id)? {
        Some(id) => (id, false),
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO shift(id, station_id, opened_at, opened_by) VALUES (?1, ?2, ?3, ?4)",
                params![id, station_id, ts(now), officer_id],
            )?;
            // The last shift's new people get their keys filed (see
            // `visitors::file_pending_keys`): once a shift, not at every save.
            super::visitors::file_pending_keys(conn)?;
            (id, true)
        }
    };
    let joined = conn
        .prepare_cached(
            "INSERT INTO shift_member(shift_id, officer_id, joined_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![shift_id, officer_id, ts(now)])?;
    if joined == 1 {
        let (name, affiliation): (String, String) = conn.query_row(
            "SELECT name, affiliation FROM officer WHERE id = ?1",
            [officer_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let fact = if opened {
            LogFact::ShiftOpened { name }
        } else {
            LogFact::Joined { name, affiliation }
        };
        append(
            conn,
            &Entry {
                station_id,
                shift_id: Some(&shift_id),
                at: now,
                officer_id: Some(officer_id),
                kind: EntryKind::Shift,
                said: Said::Fact(&fact),
                about: None,
            },
        )?;
    }
    Ok(shift_id)
}

pub(super) struct Entry<'a> {
    pub station_id: &'a str,
    pub shift_id: Option<&'a str>,
    pub at: DateTime<Utc>,
    pub officer_id: Option<&'a str>,
    pub kind: EntryKind,
    pub said: Said<'a>,
    pub about: Option<&'a str>,
}

/// What an entry says: the officer's words, stored as typed; or a fact the desk states,
/// stored as its fact and its Chinese line (what the hub, older desks and the seal read).
#[derive(Clone, Copy)]
pub(super) enum Said<'a> {
    Words(&'a str),
    Fact(&'a LogFact),
}

pub(super) fn append(conn: &Connection, e: &Entry<'_>) -> rusqlite::Result<String> {
    let id = new_id();
    let (text, fact) = match e.said {
        Said::Words(t) => (t.to_string(), None),
        Said::Fact(f) => (f.render(Lang::Zh), Some(f.to_json())),
    };
    conn.prepare_cached(
        "INSERT INTO log_entry(id, station_id, shift_id, at, officer_id, kind, text, about, fact)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        id,
        e.station_id,
        e.shift_id,
        ts(e.at),
        e.officer_id,
        e.kind.code(),
        text,
        e.about,
        fact
    ])?;
    Ok(id)
}

/// An entry written at the desk (by it or by the officer), in the open shift (opened or
/// joined for this officer if need be), inside the caller's transaction. Its id.
pub(super) fn log_desk(
    conn: &Connection,
    station_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
    kind: EntryKind,
    said: Said<'_>,
    about: Option<&str>,
) -> rusqlite::Result<String> {
    let shift_id = ensure_shift(conn, station_id, officer_id, now)?;
    append(
        conn,
        &Entry {
            station_id,
            shift_id: Some(&shift_id),
            at: now,
            officer_id: Some(officer_id),
            kind,
            said,
            about,
        },
    )
}

/// The log entry of an import (a script's or the officer's), in the open shift if there
/// is one, else outside any shift; never opens a shift. Before the station is set up
/// there is no log to write to.
pub(super) fn log_import(
    conn: &Connection,
    now: DateTime<Utc>,
    fact: &LogFact,
) -> rusqlite::Result<()> {
    let Some(station_id) = super::station::setting(conn, "station_id")? else {
        return Ok(());
    };
    let officer_id = super::station::setting(conn, "current_officer_id")?;
    let shift_id = open_shift_id(conn, &station_id)?;
    append(
        conn,
        &Entry {
            station_id: &station_id,
            shift_id: shift_id.as_deref(),
            at: now,
            officer_id: officer_id.as_deref(),
            kind: EntryKind::Import,
            said: Said::Fact(fact),
            about: None,
        },
    )?;
    Ok(())
}

const SHIFT_SELECT: &str = "SELECT s.id, s.opened_at, o.name, s.closed_at, so.name, \
     s.handover_note, s.seal_hash FROM shift s JOIN officer o ON o.id = s.opened_by \
     LEFT JOIN officer so ON so.id = s.signed_by";

fn shift_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Shift> {
    let opened: String = r.get(1)?;
    let closed: Option<String> = r.get(3)?;
    Ok(Shift {
        id: r.get(0)?,
        opened_at: parse_ts(&opened).unwrap_or_default(),
        opened_by: r.get(2)?,
        closed_at: closed.as_deref().and_then(parse_ts),
        signed_by: r.get(4)?,
        handover_note: r.get(5)?,
        seal_hash: r.get(6)?,
        members: Vec::new(),
    })
}

const ENTRY_SELECT: &str = "SELECT e.id, e.shift_id, e.at, o.name, e.kind, e.text, e.about, \
     e.fact FROM log_entry e LEFT JOIN officer o ON o.id = e.officer_id";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogEntry> {
    let at: String = r.get(2)?;
    let kind: String = r.get(4)?;
    let kind = EntryKind::from_code(&kind).unwrap_or(EntryKind::Note);
    let text: String = r.get(5)?;
    let fact: Option<String> = r.get(7)?;
    Ok(LogEntry {
        id: r.get(0)?,
        shift_id: r.get(1)?,
        at: parse_ts(&at).unwrap_or_default(),
        officer_name: r.get(3)?,
        kind,
        fact: LogFact::of_entry(kind, &text, fact.as_deref()),
        text,
        about: r.get(6)?,
    })
}

fn load_shift(conn: &Connection, id: &str) -> Result<Option<Shift>, StoreError> {
    let sql = format!("{SHIFT_SELECT} WHERE s.id = ?1");
    let Some(mut shift) = conn.query_row(&sql, [id], shift_from_row).optional()? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT m.officer_id, o.name, o.role, o.affiliation, m.joined_at
         FROM shift_member m JOIN officer o ON o.id = m.officer_id
         WHERE m.shift_id = ?1 ORDER BY m.joined_at, o.name",
    )?;
    shift.members = stmt
        .query_map([id], |r| {
            let role: String = r.get(2)?;
            let joined: String = r.get(4)?;
            Ok(Member {
                officer_id: r.get(0)?,
                name: r.get(1)?,
                role: Role::from_code(&role).unwrap_or(Role::Cadre),
                affiliation: r.get(3)?,
                joined_at: parse_ts(&joined).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(shift))
}

/// The sealed record in a canonical text: the shift (its sign-off time is hashed
/// beside it), its members, its visits and its entries, each field separated by U+001F and each record by U+001E, in id order.
fn sealed_record(conn: &Connection, shift_id: &str) -> rusqlite::Result<Vec<u8>> {
    let mut out = Vec::new();
    let put = |sql: &str, out: &mut Vec<u8>| -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([shift_id])?;
        while let Some(r) = rows.next()? {
            for i in 0..n {
                match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => out.extend_from_slice(b"\\N"),
                    rusqlite::types::ValueRef::Integer(v) => {
                        out.extend_from_slice(v.to_string().as_bytes())
                    }
                    rusqlite::types::ValueRef::Real(v) => {
                        out.extend_from_slice(v.to_string().as_bytes())
                    }
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        out.extend_from_slice(t)
                    }
                }
                out.push(0x1f);
            }
            out.push(0x1e);
        }
        out.push(0x1d);
        Ok(())
    };
    put(
        "SELECT id, station_id, opened_at, opened_by, signed_by, handover_note
         FROM shift WHERE id = ?1",
        &mut out,
    )?;
    put(
        "SELECT officer_id, joined_at FROM shift_member WHERE shift_id = ?1 ORDER BY officer_id",
        &mut out,
    )?;
    put(
        "SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
           amount_owed_fen, urgency, visited_at, created_at, updated_at, disposition,
           disposition_note, occupation, membership
         FROM visit WHERE shift_id = ?1 ORDER BY id",
        &mut out,
    )?;
    put(
        "SELECT id, at, officer_id, kind, text, about FROM log_entry WHERE shift_id = ?1 ORDER BY id",
        &mut out,
    )?;
    Ok(out)
}

/// The seal of a shift signed off before version 10 (formula 1): SHA-256 of the sign-off
/// time and the record, hex. Kept so those seals stay verifiable.
fn seal_hash_v1(conn: &Connection, shift_id: &str, closed_at: &str) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    h.update(closed_at.as_bytes());
    h.update([0x1d]);
    h.update(sealed_record(conn, shift_id)?);
    Ok(events::hex(&h.finalize()))
}

/// The persons of a shift's visits as they were at sign-off, in the record's canonical
/// text (as `sealed_record` writes it).
fn sealed_persons_record(conn: &Connection, shift_id: &str) -> rusqlite::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT v.visitor_id, v.name, v.phone, v.id_number, v.gender, v.birth_date, v.employer,
           v.occupation, v.occupation_note, v.hometown, v.membership
         FROM sealed_person v WHERE v.shift_id = ?1 ORDER BY v.visitor_id",
    )?;
    let n = stmt.column_count();
    let mut rows = stmt.query([shift_id])?;
    while let Some(r) = rows.next()? {
        for i in 0..n {
            match r.get::<_, Option<String>>(i)? {
                Some(t) => out.extend_from_slice(t.as_bytes()),
                None => out.extend_from_slice(b"\\N"),
            }
            out.push(0x1f);
        }
        out.push(0x1e);
    }
    out.push(0x1d);
    Ok(out)
}

/// The seal from version 10 on (formula 2): SHA-256 of the previous seal in the chain, the
/// sign-off time, the record and the persons of its visits as they were at sign-off, hex.
/// It is also the shift's link in the seal chain.
fn seal_hash_v2(
    conn: &Connection,
    shift_id: &str,
    closed_at: &str,
    prev_hash: &str,
) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    h.update(b"dutydesk seal 2\x1d");
    h.update(prev_hash.as_bytes());
    h.update([0x1d]);
    h.update(closed_at.as_bytes());
    h.update([0x1d]);
    h.update(sealed_record(conn, shift_id)?);
    h.update(sealed_persons_record(conn, shift_id)?);
    Ok(events::hex(&h.finalize()))
}

/// A formula-1 seal's link in the chain: SHA-256 of the previous link, the shift and its
/// seal, hex.
fn link_v1(prev_hash: &str, shift_id: &str, seal: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"dutydesk seal link 1\x1d");
    for part in [prev_hash, shift_id, seal] {
        h.update(part.as_bytes());
        h.update([0x1d]);
    }
    events::hex(&h.finalize())
}

/// The last link of the seal chain: its seq and hash (0 and the chain's start if none).
fn last_seal_link(conn: &Connection) -> rusqlite::Result<(i64, String)> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM seal_chain ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, events::GENESIS.into())))
}

/// Puts a sealed shift into the chain and says so in the audit log (its seal hash as the
/// event's detail), so a shift deleted whole is still named.
fn chain_seal(
    conn: &Connection,
    shift_id: &str,
    formula: i64,
    prev: &(i64, String),
    hash: &str,
) -> rusqlite::Result<()> {
    let (station_id, opened_at, signed_by, closed_at): (String, String, Option<String>, String) =
        conn.query_row(
            "SELECT station_id, opened_at, signed_by, closed_at FROM shift WHERE id = ?1",
            [shift_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    conn.execute(
        "INSERT INTO seal_chain(seq, shift_id, opened_at, formula, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![prev.0 + 1, shift_id, opened_at, formula, prev.1, hash],
    )?;
    events::record(
        conn,
        NewEvent {
            station_id: &station_id,
            entity: "shift",
            entity_id: shift_id,
            action: "sealed",
            officer_id: signed_by.as_deref(),
            at: parse_ts(&closed_at).unwrap_or_default(),
            detail: hash,
        },
    )
}

/// A LEFT JOINed shift's sign-off time: None if the shift is gone, Some(None) if it is
/// there and open. Reads `s.id IS NOT NULL, s.closed_at` at `at`.
fn present_closed(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Option<String>>> {
    let present: bool = r.get(at)?;
    present.then(|| r.get(at + 1)).transpose()
}

/// Migration 10, in its transaction: the events already written are chained, then the
/// shifts sealed before it are put into the seal chain once, in the order they were
/// signed off, each keeping its own (formula 1) hash. No sealed row is touched.
pub(super) fn chain_at_migration(conn: &Connection) -> rusqlite::Result<()> {
    events::chain_existing(conn)?;
    let sealed: Vec<(String, String)> = conn
        .prepare(
            "SELECT id, seal_hash FROM shift s WHERE closed_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM seal_chain c WHERE c.shift_id = s.id)
             ORDER BY closed_at, opened_at, id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, seal) in sealed {
        let prev = last_seal_link(conn)?;
        let link = link_v1(&prev.1, &id, &seal);
        chain_seal(conn, &id, 1, &prev, &link)?;
    }
    Ok(())
}

/// The history line of a disposition: "当场答复 讲解了流程", or, when it corrects an
/// earlier one, "当场答复 讲解了流程 → 无需处理 打错电话".
fn disposition_change(
    before: Option<(Option<String>, String)>,
    after: Disposition,
    note: &str,
) -> String {
    let said = |d: Disposition, note: &str| format!("{} {note}", d.zh()).trim().to_string();
    match before {
        Some((Some(code), old_note)) => match Disposition::from_code(&code) {
            Some(old) => format!("{} → {}", said(old, &old_note), said(after, note)),
            None => said(after, note),
        },
        _ => said(after, note),
    }
}

/// Visits of a shift still without a disposition: neither set by the officer nor
/// referred anywhere.
pub(super) const UNRECONCILED: &str = "t.shift_id = ?1 AND t.disposition IS NULL \
     AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.visit_id = t.id)";

impl Store {
    pub fn shift(&self, id: &str) -> Result<Option<Shift>, StoreError> {
        load_shift(&self.conn, id)
    }

    /// The station's open shift, if one is open.
    pub fn current_shift(&self, station_id: &str) -> Result<Option<Shift>, StoreError> {
        match open_shift_id(&self.conn, station_id)? {
            Some(id) => load_shift(&self.conn, &id),
            None => Ok(None),
        }
    }

    /// Opens a shift for this officer, or puts them on the one already open.
    pub fn open_shift(
        &mut self,
        station_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Shift, StoreError> {
        let tx = self.write_tx()?;
        let id = ensure_shift(&tx, station_id, officer_id, now)?;
        tx.commit()?;
        Ok(load_shift(&self.conn, &id)?.expect("the shift just written"))
    }

    /// An entry the officer writes: a phone call, an incident, a note or a to-do.
    pub fn write_entry(
        &mut self,
        station_id: &str,
        officer_id: &str,
        kind: EntryKind,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(refused("记录内容不能为空", "the entry is empty"));
        }
        if !EntryKind::WRITTEN.contains(&kind) {
            return Err(refused(
                "这类记录由系统自动写入",
                "the desk writes this kind of entry itself",
            ));
        }
        let tx = self.write_tx()?;
        let id = log_desk(
            &tx,
            station_id,
            officer_id,
            now,
            kind,
            Said::Words(text),
            None,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// A shift's timeline, oldest first.
    pub fn shift_entries(&self, shift_id: &str) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!("{ENTRY_SELECT} WHERE e.shift_id = ?1 ORDER BY e.at, e.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([shift_id], entry_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The station's shift opened last before the one opened at `t` with id `id` (F5
    /// `[`), if any. Shifts opened in the same millisecond are told apart by their ids,
    /// which are time-ordered.
    pub fn shift_before(
        &self,
        station_id: &str,
        t: DateTime<Utc>,
        id: &str,
    ) -> Result<Option<Shift>, StoreError> {
        self.shift_next_to(
            "SELECT id FROM shift WHERE station_id = ?1
               AND (opened_at < ?2 OR (opened_at = ?2 AND id < ?3))
             ORDER BY opened_at DESC, id DESC LIMIT 1",
            station_id,
            t,
            id,
        )
    }

    /// The station's shift opened first after the one opened at `t` with id `id` (F5 `]`).
    pub fn shift_after(
        &self,
        station_id: &str,
        t: DateTime<Utc>,
        id: &str,
    ) -> Result<Option<Shift>, StoreError> {
        self.shift_next_to(
            "SELECT id FROM shift WHERE station_id = ?1
               AND (opened_at > ?2 OR (opened_at = ?2 AND id > ?3))
             ORDER BY opened_at, id LIMIT 1",
            station_id,
            t,
            id,
        )
    }

    fn shift_next_to(
        &self,
        sql: &str,
        station_id: &str,
        t: DateTime<Utc>,
        id: &str,
    ) -> Result<Option<Shift>, StoreError> {
        let id: Option<String> = self
            .conn
            .prepare_cached(sql)?
            .query_row(params![station_id, ts(t), id], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => load_shift(&self.conn, &id),
            None => Ok(None),
        }
    }

    /// A past shift's timeline, oldest first: its own entries and those written outside
    /// any shift (a script's import) while it was open.
    pub fn past_shift_entries(
        &self,
        shift: &Shift,
        now: DateTime<Utc>,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let mut entries = self.shift_entries(&shift.id)?;
        let until = shift.closed_at.unwrap_or(now);
        entries.extend(
            self.entries_between(shift.opened_at, until)?
                .into_iter()
                .filter(|e| e.shift_id.is_none()),
        );
        entries.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        Ok(entries)
    }

    /// Every entry written in `[from, to)`, whatever shift, oldest first: a day's log.
    pub fn entries_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!("{ENTRY_SELECT} WHERE e.at >= ?1 AND e.at < ?2 ORDER BY e.at, e.id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![ts(from), ts(to)], entry_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// To-dos not yet marked done, from every shift, oldest first.
    pub fn open_todos(&self) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!(
            "{ENTRY_SELECT} WHERE e.kind = 'todo' AND NOT EXISTS
               (SELECT 1 FROM log_entry d WHERE d.about = e.id AND d.kind = 'done')
             ORDER BY e.at, e.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], entry_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a to-do (of this or an earlier shift) done, with a new entry.
    pub fn mark_todo_done(
        &mut self,
        station_id: &str,
        todo_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        let text: Option<String> = tx
            .query_row(
                "SELECT text FROM log_entry WHERE id = ?1 AND kind = 'todo'",
                [todo_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(text) = text else {
            return Err(refused("没有这条待办", "no such to-do"));
        };
        let done: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM log_entry WHERE about = ?1 AND kind = 'done')",
            [todo_id],
            |r| r.get(0),
        )?;
        if done {
            return Err(refused("这条待办已办", "this to-do is already done"));
        }
        log_desk(
            &tx,
            station_id,
            officer_id,
            now,
            EntryKind::Done,
            Said::Words(&text),
            Some(todo_id),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records what became of a visit of an open shift (对账).
    pub fn set_disposition(
        &mut self,
        visit_id: &str,
        disposition: Disposition,
        note: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let note = note.trim();
        if disposition == Disposition::NoAction && note.is_empty() {
            return Err(refused(
                "“无需处理”须写一句原因",
                "“no action needed” needs a word why",
            ));
        }
        let tx = self.write_tx()?;
        // What it said before: a changed disposition is recorded before → after.
        let before: Option<(Option<String>, String)> = tx
            .query_row(
                "SELECT disposition, disposition_note FROM visit WHERE id = ?1",
                [visit_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // A sealed visit is refused by its trigger (a plain sentence, via StoreError).
        let changed = tx.execute(
            "UPDATE visit SET disposition = ?2, disposition_note = ?3, updated_at = ?4
             WHERE id = ?1",
            params![visit_id, disposition.code(), note, ts(now)],
        )?;
        if changed != 1 {
            return Err(refused("没有这条来访记录", "no such visit"));
        }
        let station_id: String = tx.query_row(
            "SELECT station_id FROM visit WHERE id = ?1",
            [visit_id],
            |r| r.get(0),
        )?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station_id,
                entity: "visit",
                entity_id: visit_id,
                action: "disposition",
                officer_id: Some(officer_id),
                at: now,
                detail: &disposition_change(before, disposition, note),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Signs the shift off: refused while a visit lacks a disposition; otherwise marks
    /// visits that were routed as referred, writes the sign-off entry, and seals the
    /// record with its hash. From then on the triggers refuse any change to it.
    pub fn sign_off(
        &mut self,
        shift_id: &str,
        officer_id: &str,
        handover_note: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let tx = self.write_tx()?;
        let open: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT station_id, closed_at FROM shift WHERE id = ?1",
                [shift_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let station_id = match open {
            None => return Err(refused("没有这个班次", "no such shift")),
            Some((_, Some(_))) => return Err(sealed_error()),
            Some((station, None)) => station,
        };
        let missing: i64 = tx.query_row(
            &format!("SELECT count(*) FROM visit t WHERE {UNRECONCILED}"),
            [shift_id],
            |r| r.get(0),
        )?;
        if missing > 0 {
            return Err(refused(
                format!("还有{missing}条来访没有处置结果(当场答复/已转介/无需处理),不能签结"),
                format!(
                    "{missing} visit(s) still need a disposition (on the spot / referred / no action) before sign-off"
                ),
            ));
        }
        tx.execute(
            "UPDATE visit SET disposition = 'referred' WHERE shift_id = ?1
               AND disposition IS NULL",
            [shift_id],
        )?;
        let name: String = tx.query_row(
            "SELECT name FROM officer WHERE id = ?1",
            [officer_id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO shift_member(shift_id, officer_id, joined_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            params![shift_id, officer_id, ts(now)],
        )?;
        append(
            &tx,
            &Entry {
                station_id: &station_id,
                shift_id: Some(shift_id),
                at: now,
                officer_id: Some(officer_id),
                kind: EntryKind::Shift,
                said: Said::Fact(&LogFact::SignedOff { name }),
                about: None,
            },
        )?;
        // Signer and note first (the shift is not sealed yet); closed_at and the hash
        // go in together, as the table's CHECK wants.
        tx.execute(
            "UPDATE shift SET signed_by = ?2, handover_note = ?3 WHERE id = ?1",
            params![shift_id, officer_id, handover_note.trim()],
        )?;
        // Who the visits were about, as they are now: what the seal covers, and what the
        // sealed record shows after a visitor's details are corrected.
        tx.execute(
            "INSERT INTO sealed_person(shift_id, visitor_id, name, phone, id_number, gender,
               birth_date, employer, occupation, occupation_note, hometown, membership)
             SELECT ?1, p.id, p.name, p.phone, p.id_number, p.gender, p.birth_date, p.employer,
               p.occupation, p.occupation_note, p.hometown, p.membership
             FROM visitor p WHERE p.id IN (SELECT visitor_id FROM visit WHERE shift_id = ?1)",
            [shift_id],
        )?;
        let closed = ts(now);
        let prev = last_seal_link(&tx)?;
        let hash = seal_hash_v2(&tx, shift_id, &closed, &prev.1)?;
        tx.execute(
            "UPDATE shift SET closed_at = ?2, seal_hash = ?3 WHERE id = ?1",
            params![shift_id, closed, hash],
        )?;
        chain_seal(&tx, shift_id, 2, &prev, &hash)?;
        tx.commit()?;
        Ok(hash)
    }
}

impl Store {
    /// Every shift named by the seal check, whatever was done to it.
    pub fn broken_seals(&self) -> Result<Vec<BrokenSeal>, StoreError> {
        Ok(self.seal_check()?.all())
    }

    /// Walks the seal chain from its start: every seal recomputed (each by its formula),
    /// every link following the one before, every shift it names still there and sealed,
    /// every sealed shift in it, and every seal the audit log recorded accounted for.
    pub fn seal_check(&self) -> Result<SealCheck, StoreError> {
        let conn = &self.conn;
        let mut out = SealCheck {
            sealed: self.sealed_shifts()?,
            ..SealCheck::default()
        };
        let name = |id: &str, opened: Option<&str>| BrokenSeal {
            shift_id: id.to_string(),
            opened_at: opened.and_then(parse_ts),
        };
        type ChainRow = (
            i64,
            String,
            String,
            i64,
            String,
            String,
            Option<Option<String>>,
            Option<String>,
        );
        let chain: Vec<ChainRow> = conn
            .prepare(
                "SELECT c.seq, c.shift_id, c.opened_at, c.formula, c.prev_hash, c.hash,
                   s.id IS NOT NULL, s.closed_at, s.seal_hash
                 FROM seal_chain c LEFT JOIN shift s ON s.id = c.shift_id ORDER BY c.seq",
            )?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    // The shift's sign-off time if it is still there.
                    present_closed(r, 6)?,
                    r.get(8)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let (mut last_seq, mut last_hash) = (0, events::GENESIS.to_string());
        for (seq, id, opened, formula, prev_hash, hash, closed, seal) in chain {
            let shift = name(&id, Some(&opened));
            if seq != last_seq + 1 || prev_hash != last_hash {
                out.breaks.push(shift.clone());
            }
            match closed {
                None => out.deleted.push(shift),
                Some(None) => out.unsealed.push(shift),
                Some(Some(closed)) => {
                    let seal = seal.unwrap_or_default();
                    let holds = match formula {
                        1 => {
                            seal_hash_v1(conn, &id, &closed)? == seal
                                && link_v1(&prev_hash, &id, &seal) == hash
                        }
                        _ => seal == hash && seal_hash_v2(conn, &id, &closed, &prev_hash)? == hash,
                    };
                    if !holds {
                        out.changed.push(shift);
                    }
                }
            }
            (last_seq, last_hash) = (seq, hash);
        }
        let unchained: Vec<(String, String)> = conn
            .prepare(
                "SELECT id, opened_at FROM shift s WHERE closed_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM seal_chain c WHERE c.shift_id = s.id)
                 ORDER BY opened_at",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, opened) in unchained {
            out.unchained.push(name(&id, Some(&opened)));
        }
        // The audit log recorded each seal: a shift gone or unsealed with its link gone
        // too is still named (unless the audit chain was rewritten as well, which its
        // own check names).
        let recorded: Vec<(String, Option<String>, Option<Option<String>>)> = conn
            .prepare(
                "SELECT e.entity_id, s.opened_at, s.id IS NOT NULL, s.closed_at
                 FROM event e LEFT JOIN shift s ON s.id = e.entity_id
                 WHERE e.entity = 'shift' AND e.action = 'sealed'
                 ORDER BY e.at",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, present_closed(r, 2)?)))?
            .collect::<Result<_, _>>()?;
        for (id, opened, closed) in recorded {
            let list = match closed {
                None => &mut out.deleted,
                Some(None) => &mut out.unsealed,
                Some(Some(_)) => continue,
            };
            if !list.iter().any(|b| b.shift_id == id) {
                list.push(name(&id, opened.as_deref()));
            }
        }
        Ok(out)
    }

    /// The persons of a sealed shift's visits as they were at sign-off (a later correction
    /// of a visitor changes the visitor, not this), by visitor id. Empty for an open shift
    /// and for one sealed before version 10.
    pub fn sealed_persons(&self, shift_id: &str) -> Result<Vec<super::VisitorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.visitor_id, v.name, v.phone, v.id_number, v.gender, v.birth_date,
               v.employer, v.occupation, v.occupation_note, v.hometown, v.membership
             FROM sealed_person v WHERE v.shift_id = ?1 ORDER BY v.visitor_id",
        )?;
        let rows = stmt.query_map([shift_id], super::visitors::visitor_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many shifts are sealed.
    pub fn sealed_shifts(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM shift WHERE closed_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// A correction to a sealed shift: a new entry in today's shift, dated and signed,
    /// about the sealed one.
    pub fn add_addendum(
        &mut self,
        station_id: &str,
        sealed_shift_id: &str,
        officer_id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(refused("补记内容不能为空", "the addendum is empty"));
        }
        let tx = self.write_tx()?;
        let sealed: Option<Option<String>> = tx
            .query_row(
                "SELECT closed_at FROM shift WHERE id = ?1",
                [sealed_shift_id],
                |r| r.get(0),
            )
            .optional()?;
        match sealed {
            None => return Err(refused("没有这个班次", "no such shift")),
            Some(None) => {
                return Err(refused(
                    "这个班次还没签结,直接写记录即可",
                    "this shift is not signed off yet: write an entry instead",
                ));
            }
            Some(Some(_)) => {}
        }
        log_desk(
            &tx,
            station_id,
            officer_id,
            now,
            EntryKind::Addendum,
            Said::Words(text),
            Some(sealed_shift_id),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Addenda written about a sealed shift, oldest first.
    pub fn addenda_of(&self, shift_id: &str) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!(
            "{ENTRY_SELECT} WHERE e.about = ?1 AND e.kind = 'addendum' ORDER BY e.at, e.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([shift_id], entry_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last signed-off shift's handover, until someone acknowledges it.
    pub fn pending_handover(&self, station_id: &str) -> Result<Option<Handover>, StoreError> {
        let last: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM shift WHERE station_id = ?1 AND closed_at IS NOT NULL
                 ORDER BY closed_at DESC LIMIT 1",
            )?
            .query_row([station_id], |r| r.get(0))
            .optional()?;
        let Some(id) = last else {
            return Ok(None);
        };
        let acked: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM log_entry WHERE about = ?1 AND kind = 'ack')",
            [&id],
            |r| r.get(0),
        )?;
        if acked {
            return Ok(None);
        }
        let Some(shift) = load_shift(&self.conn, &id)? else {
            return Ok(None);
        };
        Ok(Some(Handover {
            shift,
            todos: self.open_todos()?,
        }))
    }

    /// The officer taking over has read the handover: logged in their shift.
    pub fn acknowledge_handover(
        &mut self,
        station_id: &str,
        sealed_shift_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        let signer: Option<String> = tx
            .query_row(
                "SELECT o.name FROM shift s JOIN officer o ON o.id = s.signed_by
                 WHERE s.id = ?1 AND s.closed_at IS NOT NULL",
                [sealed_shift_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(signer) = signer else {
            return Err(refused("没有待确认的交班", "no handover to acknowledge"));
        };
        log_desk(
            &tx,
            station_id,
            officer_id,
            now,
            EntryKind::Ack,
            Said::Fact(&LogFact::Acknowledged { signer }),
            Some(sealed_shift_id),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sealed and open shifts that overlap `[from, to)`, oldest first.
    pub fn shifts_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Shift>, StoreError> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM shift WHERE opened_at < ?2 AND (closed_at IS NULL OR closed_at >= ?1)
                 ORDER BY opened_at",
            )?
            .query_map(params![ts(from), ts(to)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(load_shift(&self.conn, &id)?);
        }
        Ok(out)
    }
}

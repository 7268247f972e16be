//! Shifts and their log: opening and joining a shift, the timeline, dispositions,
//! sign-off with its seal (hash + the triggers of migration 5), addenda and handover.
//! Here what they share (the rows, writing a log line, opening the shift); a file per
//! job: timeline.rs, sign_off.rs, seal.rs (the seals and their chain), handover.rs.

mod handover;
mod seal;
mod sign_off;
mod timeline;

pub(super) use seal::chain_at_migration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, new_id, parse_ts, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::domain::log_fact::LogFact;
use crate::domain::shift::EntryKind;
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

fn refused(said: crate::words::Said) -> StoreError {
    StoreError::Refused(said)
}

/// SQLite's `RAISE(ABORT, 'sealed: …')` from the seal triggers, said plainly.
pub(super) fn is_seal_error(e: &rusqlite::Error) -> bool {
    // A trigger's RAISE(ABORT) is SQLITE_CONSTRAINT_TRIGGER with the trigger's message:
    // told apart by that code and the message the seal triggers start with, not by any
    // error whose text happens to hold the word.
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, Some(msg))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_TRIGGER
                && msg.starts_with("sealed:")
    )
}

pub(super) fn sealed_error() -> StoreError {
    refused(crate::words::Said::new("store.shift.sealed"))
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

/// Visits of a shift still without a disposition: neither set by the officer nor
/// referred anywhere.
pub(super) const UNRECONCILED: &str = "t.shift_id = ?1 AND t.disposition IS NULL \
     AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.visit_id = t.id)";

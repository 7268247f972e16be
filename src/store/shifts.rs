//! Shifts and their log: opening and joining a shift, the timeline, dispositions,
//! sign-off with its seal (hash + the triggers of migration 5), addenda and handover.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::events::{self, NewEvent};
use super::{Store, StoreError, new_id, parse_ts, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::domain::shift::{Disposition, EntryKind};

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
    pub text: String,
    pub about: Option<String>,
}

/// What the next shift must see first: the last sealed shift's note and the open to-dos.
#[derive(Debug, Clone, PartialEq)]
pub struct Handover {
    pub shift: Shift,
    pub todos: Vec<LogEntry>,
}

/// A sealed shift whose stored hash no longer matches its record.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenSeal {
    pub shift_id: String,
    pub opened_at: DateTime<Utc>,
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
        let text = match (opened, affiliation.is_empty()) {
            (true, _) => format!("{name} 开班"),
            (false, true) => format!("{name} 加入本班"),
            (false, false) => format!("{name}({affiliation})加入本班"),
        };
        append(
            conn,
            &Entry {
                station_id,
                shift_id: Some(&shift_id),
                at: now,
                officer_id: Some(officer_id),
                kind: EntryKind::Shift,
                text: &text,
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
    pub text: &'a str,
    pub about: Option<&'a str>,
}

pub(super) fn append(conn: &Connection, e: &Entry<'_>) -> rusqlite::Result<String> {
    let id = new_id();
    conn.prepare_cached(
        "INSERT INTO log_entry(id, station_id, shift_id, at, officer_id, kind, text, about)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        e.station_id,
        e.shift_id,
        ts(e.at),
        e.officer_id,
        e.kind.code(),
        e.text,
        e.about
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
    text: &str,
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
            text,
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
    text: &str,
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
            text,
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

const ENTRY_SELECT: &str = "SELECT e.id, e.shift_id, e.at, o.name, e.kind, e.text, e.about \
     FROM log_entry e LEFT JOIN officer o ON o.id = e.officer_id";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogEntry> {
    let at: String = r.get(2)?;
    let kind: String = r.get(4)?;
    Ok(LogEntry {
        id: r.get(0)?,
        shift_id: r.get(1)?,
        at: parse_ts(&at).unwrap_or_default(),
        officer_name: r.get(3)?,
        kind: EntryKind::from_code(&kind).unwrap_or(EntryKind::Note),
        text: r.get(5)?,
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

/// The seal: SHA-256 of the sign-off time and the record, hex.
fn seal_hash(conn: &Connection, shift_id: &str, closed_at: &str) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    h.update(closed_at.as_bytes());
    h.update([0x1d]);
    h.update(sealed_record(conn, shift_id)?);
    let digest = h.finalize();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Visits of a shift still without a disposition: neither set by the officer nor
/// referred anywhere.
const UNRECONCILED: &str = "t.shift_id = ?1 AND t.disposition IS NULL \
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
        let id = log_desk(&tx, station_id, officer_id, now, kind, text, None)?;
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
            &text,
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
                detail: format!("{} {note}", disposition.zh()).trim(),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Visits of the shift that still need a disposition before sign-off, oldest first.
    pub fn unreconciled(&self, shift_id: &str) -> Result<Vec<super::VisitRow>, StoreError> {
        let sql = format!(
            "{} WHERE {UNRECONCILED} ORDER BY t.visited_at",
            super::visits::VISIT_SELECT
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([shift_id], super::visits::visit_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
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
                text: &format!("{name} 签结交班"),
                about: None,
            },
        )?;
        // Signer and note first (the shift is not sealed yet); closed_at and the hash
        // go in together, as the table's CHECK wants.
        tx.execute(
            "UPDATE shift SET signed_by = ?2, handover_note = ?3 WHERE id = ?1",
            params![shift_id, officer_id, handover_note.trim()],
        )?;
        let closed = ts(now);
        let hash = seal_hash(&tx, shift_id, &closed)?;
        tx.execute(
            "UPDATE shift SET closed_at = ?2, seal_hash = ?3 WHERE id = ?1",
            params![shift_id, closed, hash],
        )?;
        tx.commit()?;
        Ok(hash)
    }
}

impl Store {
    /// Sealed shifts whose record no longer matches the hash stored at sign-off.
    pub fn broken_seals(&self) -> Result<Vec<BrokenSeal>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, opened_at, closed_at, seal_hash FROM shift
             WHERE closed_at IS NOT NULL ORDER BY opened_at",
        )?;
        let sealed = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut broken = Vec::new();
        for (id, opened, closed, stored) in sealed {
            if seal_hash(&self.conn, &id, &closed)? != stored {
                broken.push(BrokenSeal {
                    shift_id: id,
                    opened_at: parse_ts(&opened).unwrap_or_default(),
                });
            }
        }
        Ok(broken)
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
            text,
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
            &format!("已阅 {signer} 的交班记录"),
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

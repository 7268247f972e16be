//! Shifts and their timeline: opening one, writing and reading its entries, browsing
//! shifts before and after, the to-dos.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::domain::shift::EntryKind;
use crate::store::{Store, StoreError, ts};

use super::{
    ENTRY_SELECT, LogEntry, Said, Shift, ensure_shift, entry_from_row, load_shift, log_desk,
    open_shift_id, refused,
};

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
            return Err(refused(crate::words::Said::new("store.shift.empty_entry")));
        }
        if !EntryKind::WRITTEN.contains(&kind) {
            return Err(refused(crate::words::Said::new("store.shift.desk_kind")));
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
    /// Read in two parts, each through an index (migration 22): the lines written outside
    /// any shift by time, and the lines of the shifts open then by shift and time — an
    /// intake's line is in no index by time alone, one page fewer for every save. A
    /// shift's lines are stamped while it is open; the shifts open within a day either
    /// side are read, so a desk whose clock runs behind another's still has its lines.
    pub fn entries_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!(
            "{ENTRY_SELECT} WHERE e.shift_id IS NULL AND e.at >= ?1 AND e.at < ?2
             UNION ALL
             {ENTRY_SELECT} WHERE e.shift_id IN
               (SELECT s.id FROM shift s WHERE s.opened_at < ?4
                  AND (s.closed_at IS NULL OR s.closed_at >= ?3))
               AND e.at >= ?1 AND e.at < ?2
             ORDER BY 3, 1"
        );
        let day = chrono::Duration::days(1);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![ts(from), ts(to), ts(from - day), ts(to + day)],
            entry_from_row,
        )?;
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
            return Err(refused(crate::words::Said::new("store.shift.no_such_todo")));
        };
        let done: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM log_entry WHERE about = ?1 AND kind = 'done')",
            [todo_id],
            |r| r.get(0),
        )?;
        if done {
            return Err(refused(crate::words::Said::new("store.shift.todo_done")));
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

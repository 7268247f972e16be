//! The desk's side of the county hub (issue 20): the change outbox the triggers of
//! migration 0012 fill, the desk's binding to a hub, and the reference rows it receives.
//! The hub's side (PostgreSQL) lives in `crate::hub`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params, types::Value};

use super::{Store, StoreError, ts};

/// The desk's binding to a hub, as `sync --join FILE` recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncState {
    /// The hub's address: a libpq connection string.
    pub hub: String,
    /// The station's name at the hub and its id there.
    pub station: String,
    pub station_id: String,
    /// The station's own login role and its password.
    pub role: String,
    pub password: String,
    /// The county key for keyed hashes (hex) and its id.
    pub key_id: String,
    pub county_key: String,
    /// The hub's CA (PEM), when it is reached over TLS.
    pub ca_pem: Option<String>,
    /// Bumped by `--reenroll`: versions compare as (epoch, seq).
    pub epoch: i64,
    /// The hub's cursor as last acknowledged (the hub's own is the truth).
    pub pushed_seq: i64,
    /// The highest reference-data revision received: the county's directory.
    pub ref_cursor: i64,
    /// The same for the county's job openings.
    pub job_cursor: i64,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
}

/// One change recorded by the triggers: the station's counter, the table, the row's key.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub tbl: String,
    pub row_id: String,
}

const STATE_COLUMNS: &str = "hub, station, station_id, role, password, key_id, county_key, \
     ca_pem, epoch, pushed_seq, ref_cursor, last_success, last_error, job_cursor";

impl Store {
    /// The binding to a hub, if this desk has joined one.
    pub fn sync_state(&self) -> Result<Option<SyncState>, StoreError> {
        let sql = format!("SELECT {STATE_COLUMNS} FROM sync_state WHERE id = 1");
        Ok(self
            .conn
            .query_row(&sql, [], |r| {
                Ok(SyncState {
                    hub: r.get(0)?,
                    station: r.get(1)?,
                    station_id: r.get(2)?,
                    role: r.get(3)?,
                    password: r.get(4)?,
                    key_id: r.get(5)?,
                    county_key: r.get(6)?,
                    ca_pem: r.get(7)?,
                    epoch: r.get(8)?,
                    pushed_seq: r.get(9)?,
                    ref_cursor: r.get(10)?,
                    last_success: r.get(11)?,
                    last_error: r.get(12)?,
                    job_cursor: r.get(13)?,
                })
            })
            .optional()?)
    }

    /// Records the binding. A desk joins once: a binding to another station is kept and
    /// `false` returned; the same station again refreshes the address and credentials.
    /// A first join names every row of `tables` ((table, a query giving its rows' outbox
    /// entries)) in the
    /// outbox, in the same transaction: an unjoined desk records no changes (migration
    /// 0017), so this is what its first sync sends.
    pub fn join_hub(
        &mut self,
        s: &SyncState,
        tables: &[(&str, String)],
    ) -> Result<bool, StoreError> {
        let tx = self.write_tx()?;
        let held: Option<String> = tx
            .query_row("SELECT station_id FROM sync_state WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        match held {
            Some(id) if id != s.station_id => return Ok(false),
            Some(_) => {
                tx.execute(
                    "UPDATE sync_state SET hub = ?1, station = ?2, role = ?3, password = ?4,
                        key_id = ?5, county_key = ?6, ca_pem = ?7 WHERE id = 1",
                    params![
                        s.hub,
                        s.station,
                        s.role,
                        s.password,
                        s.key_id,
                        s.county_key,
                        s.ca_pem
                    ],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO sync_state (id, hub, station, station_id, role, password, key_id,
                        county_key, ca_pem, epoch, pushed_seq, ref_cursor)
                     VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0)",
                    params![
                        s.hub,
                        s.station,
                        s.station_id,
                        s.role,
                        s.password,
                        s.key_id,
                        s.county_key,
                        s.ca_pem,
                        s.epoch
                    ],
                )?;
                tx.execute("DELETE FROM sync_outbox", [])?;
                name_every_row(&tx, tables)?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    /// A new epoch from the hub (`--reenroll`): everything is sent again from the start.
    pub fn sync_set_epoch(&mut self, epoch: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sync_state SET epoch = ?1, pushed_seq = 0 WHERE id = 1",
            [epoch],
        )?;
        Ok(())
    }

    /// The hub acknowledged everything up to `seq`.
    pub fn sync_record_pushed(&mut self, seq: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE sync_state SET pushed_seq = ?1 WHERE id = 1", [seq])?;
        Ok(())
    }

    /// A sync finished (`error` None) or failed with the sentence given.
    pub fn sync_record_outcome(
        &mut self,
        at: DateTime<Utc>,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        match error {
            None => self.conn.execute(
                "UPDATE sync_state SET last_success = ?1, last_error = NULL WHERE id = 1",
                [ts(at)],
            )?,
            Some(e) => self
                .conn
                .execute("UPDATE sync_state SET last_error = ?1 WHERE id = 1", [e])?,
        };
        Ok(())
    }

    /// The station's change counter: the highest seq ever given (never reused).
    pub fn outbox_max_seq(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// The change recorded at `seq`, if the outbox still holds it.
    pub fn outbox_entry(&self, seq: i64) -> Result<Option<(String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT tbl, row_id FROM sync_outbox WHERE seq = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// At most `limit` changes above `after`, in order.
    pub fn outbox_page(&self, after: i64, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, tbl, row_id FROM sync_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, super::sql_limit(limit)], |r| {
            Ok(OutboxEntry {
                seq: r.get(0)?,
                tbl: r.get(1)?,
                row_id: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The current state of one row (`columns` of `table` where the key columns equal the
    /// parts of `key`, split on spaces, and `only` holds unless it is ""), or None when it
    /// no longer exists. Table, column names and `only` come from the hub's fixed table
    /// list, never from data.
    pub fn sync_row(
        &self,
        table: &str,
        only: &str,
        key_columns: &[&str],
        key: &str,
        columns: &[&str],
    ) -> Result<Option<Vec<Value>>, StoreError> {
        let parts: Vec<&str> = key.split(' ').collect();
        if parts.len() != key_columns.len() {
            return Ok(None);
        }
        let mut cond: Vec<String> = key_columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 1))
            .collect();
        if !only.is_empty() {
            cond.push(format!("({only})"));
        }
        let sql = format!(
            "SELECT {} FROM {table} WHERE {}",
            columns.join(", "),
            cond.join(" AND ")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let n = columns.len();
        Ok(stmt
            .query_row(rusqlite::params_from_iter(parts), |r| {
                (0..n).map(|i| r.get::<_, Value>(i)).collect()
            })
            .optional()?)
    }

    /// Reference rows received from the hub (the county's service directory or job
    /// openings), upserted by id with the new cursor (`cursor_column` of sync_state) in one
    /// transaction: a killed pull resumes where it stopped. Table and column names come
    /// from the hub's fixed lists, never from data.
    pub fn apply_reference(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Value>],
        cursor_column: &str,
        cursor: i64,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        {
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            let sets: Vec<String> = columns
                .iter()
                .filter(|c| **c != "id")
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
                columns.join(", "),
                marks.join(", "),
                sets.join(", ")
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            for row in rows {
                stmt.execute(rusqlite::params_from_iter(row.iter()))?;
            }
        }
        tx.execute(
            &format!("UPDATE sync_state SET {cursor_column} = ?1 WHERE id = 1"),
            [cursor],
        )?;
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// Every row of `table` (`columns` of it) where `only` holds (unless it is ""), handed
    /// to `each` in no particular order: for comparing the desk with the hub
    /// (`sync --verify`).
    pub fn sync_scan(
        &self,
        table: &str,
        only: &str,
        columns: &[&str],
        mut each: impl FnMut(&[Value]),
    ) -> Result<(), StoreError> {
        let filter = if only.is_empty() {
            String::new()
        } else {
            format!(" WHERE {only}")
        };
        let sql = format!("SELECT {} FROM {table}{filter}", columns.join(", "));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut values = Vec::with_capacity(columns.len());
        while let Some(r) = rows.next()? {
            values.clear();
            for i in 0..columns.len() {
                values.push(r.get::<_, Value>(i)?);
            }
            each(&values);
        }
        Ok(())
    }
}

impl Store {
    /// Every row of `tables` ((table, a query giving its rows' outbox entries)) recorded as
    /// a change again, in
    /// one transaction; returns the counter as it was before (`sync --reenroll`: the outbox
    /// may have been compacted, so what is to be sent again is named anew).
    pub fn outbox_refill(&mut self, tables: &[(&str, String)]) -> Result<i64, StoreError> {
        let tx = self.write_tx()?;
        let before: i64 = tx
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        name_every_row(&tx, tables)?;
        tx.commit()?;
        Ok(before)
    }

    /// Forgets the changes the hub has acknowledged below `seq` (the one at `seq` is kept:
    /// it tells this file from a restored copy).
    pub fn outbox_compact(&mut self, seq: i64) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM sync_outbox WHERE seq < ?1", [seq])?)
    }
}

/// Every row of `tables` recorded as a change, in the tables' order: each a query giving
/// (outbox table name, row key). The queries come from the hub's fixed table list, never
/// from data.
fn name_every_row(conn: &Connection, tables: &[(&str, String)]) -> rusqlite::Result<()> {
    for (_, select) in tables {
        conn.execute(
            &format!("INSERT INTO sync_outbox (tbl, row_id) {select}"),
            [],
        )?;
    }
    Ok(())
}

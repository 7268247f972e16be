//! The push's batches at the hub. Each is one hub transaction: the station's row locked
//! (`FOR UPDATE`: two desks on one file take turns), the page read ahead checked to follow
//! the hub's cursor (if another desk moved it, reading starts again from there), the rows
//! COPYed into temp tables, older versions replaced, the rollups adjusted, the cursor
//! moved, committed.

use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::sync::{Mutex, PoisonError};
use std::thread::ScopedJoinHandle;

use anyhow::{Result, anyhow, bail};

use super::ahead::Staged;
use super::push::{add_rollups, send_table};
use super::timing::Timing;
use super::{Outcome, refresh_outgrown_stats, refuse_restored, store_err};
use crate::store::Store;

/// A sync's push, and what it has done so far.
pub(super) struct Push<'a> {
    pub(super) client: &'a mut postgres::Client,
    pub(super) station_id: &'a str,
    pub(super) epoch: i64,
    pub(super) timing: &'a mut Timing,
    pub(super) out: &'a mut Outcome,
    pub(super) known_rows: &'a mut HashMap<&'static str, f64>,
    pub(super) sent_rows: &'a mut HashMap<&'static str, usize>,
}

/// Pages read ahead from a cursor: where they arrive, and the thread reading them.
type Reader<'scope> = (Receiver<Result<Staged>>, ScopedJoinHandle<'scope, Timing>);

impl Push<'_> {
    /// Sends the pages `pages` brings until the desk has no more changes; `start` reads
    /// again from a cursor; every reader started is kept in `readers`.
    pub(super) fn run<'scope>(
        &mut self,
        store: &Mutex<&mut Store>,
        mut pages: Receiver<Result<Staged>>,
        start: &dyn Fn(i64) -> Reader<'scope>,
        readers: &mut Vec<ScopedJoinHandle<'scope, Timing>>,
        progress: &mut dyn FnMut(usize, i64),
    ) -> Result<()> {
        // The cursor this run last committed: a page after it needs no check that this
        // file is the one the hub knows.
        let mut ours: Option<i64> = None;
        loop {
            // A reader hands over every page, its error, or the last (empty) page: the
            // channel closes early only if it panicked (and said so on stderr).
            let staged = self.timing.time("wait_desk", "", || pages.recv())??;
            let mut tx = self.client.transaction()?;
            // A batch is a thousand rows against millions: index probes, never a sort or a
            // hash of the station's whole table (the planner's choice for partitioned visits).
            // A batch's commit does not wait for the server's disk: a batch lost in a crash
            // of the server is lost with its cursor, and sent again by the next sync. The
            // last transaction of a sync (below) waits, making every batch before it durable
            // before the desk forgets what it sent.
            tx.batch_execute(
                "SET LOCAL enable_mergejoin = off; SET LOCAL enable_hashjoin = off; SET LOCAL jit = off;
                 SET LOCAL synchronous_commit = off",
            )?;
            let row = tx.query_one(
                "SELECT epoch, cursor_seq, cursor_tbl, cursor_row FROM hub.station
                  WHERE station_id = $1 FOR UPDATE",
                &[&self.station_id],
            )?;
            let hub_epoch = i64::from(row.get::<_, i32>(0));
            let cursor: i64 = row.get(1);
            let at_cursor: (Option<String>, Option<String>) = (row.get(2), row.get(3));
            if hub_epoch != self.epoch {
                bail!(
                    crate::words::Said::new("hub.err.epoch")
                        .with("hub_epoch", hub_epoch)
                        .with("epoch", self.epoch)
                );
            }
            if cursor != staged.after {
                // Another desk on this file sent changes meanwhile.
                drop(tx);
                let (next, reader) = start(cursor);
                pages = next;
                readers.push(reader);
                continue;
            }
            if ours != Some(cursor) {
                let guard = store.lock().unwrap_or_else(PoisonError::into_inner);
                refuse_restored(&guard, cursor, &at_cursor)?;
            }
            let Some(last) = staged.page.last() else {
                tx.batch_execute("SET LOCAL synchronous_commit = on")?;
                tx.execute(
                    "UPDATE hub.station SET last_sync_at = now() WHERE station_id = $1",
                    &[&self.station_id],
                )?;
                tx.commit()?;
                let mut guard = store.lock().unwrap_or_else(PoisonError::into_inner);
                guard.sync_record_pushed(cursor).map_err(store_err)?;
                guard.outbox_compact(cursor).map_err(store_err)?;
                self.out.cursor = cursor;
                return Ok(());
            };
            let mut touched: Vec<(&'static str, usize)> = Vec::new();
            for t in &staged.tables {
                touched.push((t.table.name, t.rows));
                self.out.rows += t.rows;
                self.out.sealed_kept += send_table(&mut tx, t, self.timing)?;
            }
            let station_id = self.station_id;
            self.timing
                .time("rollups", "", || add_rollups(&mut tx, station_id))?;
            self.timing.time("commit", "", || -> Result<()> {
                tx.execute(
                    "UPDATE hub.station SET cursor_seq = $2, cursor_tbl = $3, cursor_row = $4,
                         last_sync_at = now() WHERE station_id = $1",
                    &[&station_id, &last.seq, &last.tbl, &last.row_id],
                )?;
                tx.commit().map_err(|e| {
                    anyhow!(
                        crate::words::Said::new("hub.err.batch")
                            .with("error", crate::hub::client::said(&e))
                    )
                })
            })?;
            ours = Some(last.seq);
            // The hub's cursor is the truth; the desk notes it too when it is not being read
            // (and at the end).
            if let Ok(mut guard) = store.try_lock() {
                guard.sync_record_pushed(last.seq).map_err(store_err)?;
            }
            self.out.changes += staged.page.len();
            self.out.batches += 1;
            let (client, sent, known) = (
                &mut *self.client,
                &mut *self.sent_rows,
                &mut *self.known_rows,
            );
            self.timing.time("stats", "", || {
                refresh_outgrown_stats(client, &touched, sent, known)
            })?;
            self.out.cursor = last.seq;
            progress(self.out.changes, staged.max_seq - last.seq);
        }
    }
}

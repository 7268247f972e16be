//! Reading ahead: while the hub takes one batch, the next is read from the desk and
//! written as COPY text in a thread of its own. The desk's reads and encoding (keyed
//! hashes, log lines written again without names) and the hub's work are each a large
//! share of a long sync; on two cores they overlap. What the hub commits is unchanged: a
//! batch is still the page of changes after the hub's cursor, checked under its lock.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::mpsc::SyncSender;

use anyhow::Result;

use super::push::{StagedTable, stage_table};
use super::store_err;
use super::timing::Timing;
use crate::hub::keyed::CountyKey;
use crate::hub::tables::table;
use crate::store::{OutboxEntry, Store};

/// A page of changes read from the desk, ready for the hub.
pub(super) struct Staged {
    /// The hub's cursor the page follows.
    pub(super) after: i64,
    pub(super) page: Vec<OutboxEntry>,
    pub(super) tables: Vec<StagedTable>,
    /// The desk's change counter when the page was read.
    pub(super) max_seq: i64,
}

/// What a page is read with: the county key, whether names go, the epoch, the page size.
#[derive(Clone, Copy)]
pub(super) struct Reading<'a> {
    pub(super) key: &'a CountyKey,
    pub(super) send_names: bool,
    pub(super) epoch: i64,
    pub(super) batch: usize,
}

/// The changes after `after` (at most a batch), each row once in its newest version,
/// grouped by table, shifts last: whether a visit or member belongs to a sealed shift is
/// judged by what the hub held before this batch (a visit changed before its shift was
/// signed off may travel in the same batch as the sign-off).
pub(super) fn stage_page(
    store: &Store,
    after: i64,
    how: Reading<'_>,
    timing: &mut Timing,
) -> Result<Staged> {
    let page = timing
        .time("outbox", "", || store.outbox_page(after, how.batch))
        .map_err(store_err)?;
    let mut newest: HashMap<(&str, &str), i64> = HashMap::new();
    for e in &page {
        newest.insert((e.tbl.as_str(), e.row_id.as_str()), e.seq);
    }
    let mut by_table: BTreeMap<(bool, &str), Vec<(&str, i64)>> = BTreeMap::new();
    for ((t, id), seq) in &newest {
        by_table
            .entry((*t == "shift", t))
            .or_default()
            .push((id, *seq));
    }
    let mut tables = Vec::with_capacity(by_table.len());
    for ((_, name), rows) in &by_table {
        let Some(t) = table(name) else {
            continue; // a table this dutydesk does not send
        };
        tables.push(timing.time("desk_read", t.name, || {
            stage_table(store, t, rows, how.key, how.send_names, how.epoch)
        })?);
    }
    let max_seq = store.outbox_max_seq().map_err(store_err)?;
    Ok(Staged {
        after,
        page,
        tables,
        max_seq,
    })
}

/// Reads pages one after another from `after`, handing each to `out`, until the desk has
/// none left (an empty page is handed over too), a read fails, or nobody takes them any
/// more. Its timing.
pub(super) fn read_ahead(
    store: &Mutex<&mut Store>,
    mut after: i64,
    how: Reading<'_>,
    out: &SyncSender<Result<Staged>>,
) -> Timing {
    let mut timing = Timing::from_env();
    loop {
        let staged = {
            let guard = store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            stage_page(&guard, after, how, &mut timing)
        };
        let next = match &staged {
            Ok(s) => s.page.last().map(|e| e.seq),
            Err(_) => None,
        };
        if out.send(staged).is_err() {
            return timing;
        }
        match next {
            Some(seq) => after = seq,
            None => return timing,
        }
    }
}

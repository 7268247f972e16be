//! `dutydesk sync`: push the desk's changes above the hub's cursor, then pull reference
//! data above the desk's. Each batch is one hub transaction: the station's row locked
//! (`FOR UPDATE`: two desks on one file take turns), the rows COPYed into temp tables,
//! older versions replaced (guarded by (epoch, seq)), the rollups adjusted, the cursor
//! moved, committed. Killed anywhere, a batch is in or it is not; the next run resumes
//! from the hub's cursor and a replay changes nothing.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, anyhow, bail};

use super::client::{connect, said};
use super::keyed::CountyKey;
use super::tables::{TABLES, table};
use crate::store::{Store, SyncState};

mod elsewhere;
mod pull;
mod push;
mod verify;

pub use elsewhere::{SeenElsewhere, seen_elsewhere};
use pull::pull_reference;
use push::{add_rollups, prepare_session, send_table};
pub use verify::{TableCheck, Verified, verify};

pub const DEFAULT_BATCH: usize = 5000;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Changes per hub transaction.
    pub batch: usize,
    /// Start a new epoch and send everything again (a desk restored from a backup).
    pub reenroll: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Changes (outbox entries) acknowledged by the hub in this run.
    pub changes: usize,
    /// Rows sent (a row changed twice in one batch goes once).
    pub rows: usize,
    pub batches: usize,
    /// Reference rows received: directory entries, job openings.
    pub received: usize,
    pub received_jobs: usize,
    /// Referrals other stations asked this one to take on, received in this run.
    pub transfers_received: usize,
    /// Answers to this station's own transfer requests, applied in this run.
    pub transfer_answers: usize,
    /// Requests from other stations waiting on this station's answer, after this run.
    pub transfers_waiting: i64,
    /// The hub's cursor at the end.
    pub cursor: i64,
    /// Later versions of sealed rows the hub did not apply (recorded in hub.seal_conflict).
    pub sealed_kept: u64,
    pub epoch: i64,
}

/// Binds the desk to the hub with an enrolment file (`sync --join FILE`).
pub fn join(store: &mut Store, c: &super::client::Credentials) -> Result<()> {
    if CountyKey::from_hex(&c.key_id, &c.county_key).is_none() {
        bail!("the enrolment file's county key is not 32 bytes of hex");
    }
    let state = SyncState {
        hub: c.hub.clone(),
        station: c.station.clone(),
        station_id: c.station_id.clone(),
        role: c.role.clone(),
        password: c.password.clone(),
        key_id: c.key_id.clone(),
        county_key: c.county_key.clone(),
        ca_pem: c.ca.clone(),
        epoch: 1,
        pushed_seq: 0,
        ref_cursor: 0,
        job_cursor: 0,
        last_success: None,
        last_error: None,
    };
    let bound = store
        .join_hub(&state, &outbox_keys())
        .map_err(|e| anyhow!(e.message(crate::i18n::Lang::En)))?;
    if !bound {
        let held = store
            .sync_state()
            .map_err(|e| anyhow!(e.message(crate::i18n::Lang::En)))?
            .map(|s| s.station)
            .unwrap_or_default();
        bail!(
            "this desk is already joined to the hub as the station {held:?}; a desk joins once (nothing changed)"
        );
    }
    Ok(())
}

/// Each synced table with the query naming its rows as the outbox does: (its name, the
/// row's key).
fn outbox_keys() -> Vec<(&'static str, String)> {
    TABLES
        .iter()
        .map(|t| {
            let parts: Vec<String> = t.key.iter().map(|k| format!("CAST({k} AS TEXT)")).collect();
            let only = match t.desk_only() {
                "" => String::new(),
                only => format!(" WHERE {only}"),
            };
            (
                t.name,
                format!(
                    "SELECT '{}', {} FROM {}{only}",
                    t.name,
                    parts.join(" || ' ' || "),
                    t.desk_table()
                ),
            )
        })
        .collect()
}

#[allow(clippy::needless_pass_by_value)] // by value, as `map_err` hands it over
pub(super) fn store_err(e: crate::store::StoreError) -> anyhow::Error {
    anyhow!(e.message(crate::i18n::Lang::En))
}

/// Runs one sync. `progress` hears (changes sent so far, changes still to send).
pub fn sync(
    store: &mut Store,
    opts: Options,
    progress: &mut dyn FnMut(usize, i64),
) -> Result<Outcome> {
    let state = store.sync_state().map_err(store_err)?.ok_or_else(|| {
        anyhow!("this desk has not joined a hub: run `dutydesk sync --join FILE` with the station's enrolment file")
    })?;
    let result = run(store, &state, opts, progress);
    let now = chrono::Utc::now();
    let said = result.as_ref().err().map(|e| format!("{e:#}"));
    // Best effort: a failure to note the outcome must not hide the sync's own.
    let _ = store.sync_record_outcome(now, said.as_deref());
    result
}

fn run(
    store: &mut Store,
    state: &SyncState,
    opts: Options,
    progress: &mut dyn FnMut(usize, i64),
) -> Result<Outcome> {
    let key = CountyKey::from_hex(&state.key_id, &state.county_key)
        .ok_or_else(|| anyhow!("the county key this desk holds is damaged: join again"))?;
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let me: Option<String> = client
        .query_one("SELECT hub.current_station()", &[])
        .map_err(|e| anyhow!("the hub refused this station's login: {}", said(&e)))?
        .get(0);
    if me.as_deref() != Some(state.station_id.as_str()) {
        bail!(
            "the hub does not know this login as the station {:?}: enrol again",
            state.station
        );
    }
    let send_names: bool = client
        .query_one("SELECT send_names FROM hub.county_config WHERE id = 1", &[])?
        .get(0);
    let mut epoch = state.epoch;
    if opts.reenroll {
        epoch = reenroll(store, &mut client, state)?;
    }
    // Transfers first: an answer closing a referral here goes up in this same run.
    let exchanged = super::transfer::exchange(&mut client, store)?;
    prepare_session(&mut client)?;
    let mut known_rows = known_rows(&mut client)?;
    let mut sent_rows: HashMap<&str, usize> = HashMap::new();
    let batch = opts.batch.max(1);
    let mut out = Outcome {
        epoch,
        transfers_received: exchanged.requests,
        transfer_answers: exchanged.answers,
        ..Outcome::default()
    };
    loop {
        let mut tx = client.transaction()?;
        // A batch is a thousand rows against millions: index probes, never a sort or a hash
        // of the station's whole table (the planner's choice for the partitioned visits).
        tx.batch_execute(
            "SET LOCAL enable_mergejoin = off; SET LOCAL enable_hashjoin = off; SET LOCAL jit = off",
        )?;
        let row = tx.query_one(
            "SELECT epoch, cursor_seq, cursor_tbl, cursor_row FROM hub.station
              WHERE station_id = $1 FOR UPDATE",
            &[&state.station_id],
        )?;
        let hub_epoch = i64::from(row.get::<_, i32>(0));
        let cursor: i64 = row.get(1);
        let at_cursor: (Option<String>, Option<String>) = (row.get(2), row.get(3));
        if hub_epoch != epoch {
            bail!(
                "the hub holds this station at epoch {hub_epoch}, this desk at {epoch}: another copy of the desk re-enrolled. \
                 If this file is the one in use, run `dutydesk sync --reenroll`; nothing was sent"
            );
        }
        refuse_restored(store, cursor, &at_cursor)?;
        let page = store.outbox_page(cursor, batch).map_err(store_err)?;
        let Some(last) = page.last().cloned() else {
            tx.execute(
                "UPDATE hub.station SET last_sync_at = now() WHERE station_id = $1",
                &[&state.station_id],
            )?;
            tx.commit()?;
            store.sync_record_pushed(cursor).map_err(store_err)?;
            store.outbox_compact(cursor).map_err(store_err)?;
            out.cursor = cursor;
            break;
        };
        // The newest entry of each row in the page; rows grouped by table.
        let mut newest: HashMap<(&str, &str), i64> = HashMap::new();
        for e in &page {
            newest.insert((e.tbl.as_str(), e.row_id.as_str()), e.seq);
        }
        // Shifts last: whether a visit or member belongs to a sealed shift is judged by
        // what the hub held before this batch (a visit changed before its shift was signed
        // off may travel in the same batch as the sign-off).
        let mut by_table: BTreeMap<(bool, &str), Vec<(&str, i64)>> = BTreeMap::new();
        for ((t, id), seq) in &newest {
            by_table
                .entry((*t == "shift", t))
                .or_default()
                .push((id, *seq));
        }
        let mut touched: Vec<(&'static str, usize)> = Vec::new();
        for ((_, name), rows) in &by_table {
            let Some(t) = table(name) else {
                continue; // a table this dutydesk does not send
            };
            touched.push((t.name, rows.len()));
            out.rows += rows.len();
            out.sealed_kept += send_table(&mut tx, store, t, rows, &key, send_names, epoch)?;
        }
        add_rollups(&mut tx, &state.station_id)?;
        tx.execute(
            "UPDATE hub.station SET cursor_seq = $2, cursor_tbl = $3, cursor_row = $4,
                 last_sync_at = now() WHERE station_id = $1",
            &[&state.station_id, &last.seq, &last.tbl, &last.row_id],
        )?;
        tx.commit()
            .map_err(|e| anyhow!("the hub did not take the batch: {}", said(&e)))?;
        store.sync_record_pushed(last.seq).map_err(store_err)?;
        out.changes += page.len();
        out.batches += 1;
        refresh_outgrown_stats(&mut client, &touched, &mut sent_rows, &mut known_rows)?;
        out.cursor = last.seq;
        let max = store.outbox_max_seq().map_err(store_err)?;
        progress(out.changes, max - last.seq);
    }
    (out.received, out.received_jobs) = pull_reference(&mut client, store, state, batch)?;
    out.transfers_waiting = store.waiting_transfers().map_err(store_err)?;
    Ok(out)
}

impl Outcome {
    /// What this run received, in one phrase: directory entries, job openings, transfer
    /// requests from other stations, answers to this station's own.
    pub fn received_said(&self, lang: crate::i18n::Lang) -> String {
        self.received_as(crate::words::Said::new("hub.sync.received"))
            .say(lang)
    }

    fn received_as(&self, said: crate::words::Said) -> crate::words::Said {
        said.with("directory", self.received)
            .with("jobs", self.received_jobs)
            .with("requests", self.transfers_received)
            .with("answers", self.transfer_answers)
    }

    /// The same, short, for the desk's status line.
    pub fn received_short(&self, lang: crate::i18n::Lang) -> String {
        self.received_as(crate::words::Said::new("hub.sync.received_short"))
            .say(lang)
    }

    /// The requests from other stations still to answer, when there are any.
    pub fn waiting_said(&self, lang: crate::i18n::Lang) -> Option<String> {
        (self.transfers_waiting > 0).then(|| {
            crate::words::Said::new("hub.sync.waiting")
                .with("n", self.transfers_waiting)
                .say(lang)
        })
    }
}

/// A table sent more rows in this run than its statistics know of is analysed again, so
/// the planner keeps probing the index for a batch's rows rather than reading the
/// station's whole table (doubling: a small share of a first sync).
fn refresh_outgrown_stats(
    client: &mut postgres::Client,
    touched: &[(&'static str, usize)],
    sent_rows: &mut HashMap<&'static str, usize>,
    known_rows: &mut HashMap<&'static str, f64>,
) -> Result<()> {
    for (t, n) in touched {
        let sent = sent_rows.entry(t).or_insert(0);
        *sent += n;
        let known = known_rows.get(t).copied().unwrap_or(0.0).max(500.0);
        if *sent as f64 > known {
            let also: &[&str] = if *t == "visit" {
                &["visit", "visit_key", "rollup", "rollup_month"]
            } else if *t == "referral" {
                &["referral", "rollup", "rollup_month"]
            } else {
                &[t]
            };
            for a in also {
                client
                    .execute("SELECT hub.refresh_stats($1)", &[a])
                    .map_err(|e| {
                        anyhow!("the hub could not refresh its statistics: {}", said(&e))
                    })?;
            }
            known_rows.insert(t, *sent as f64 * 2.0);
        }
    }
    Ok(())
}

/// `sync --reenroll`: every row named again in the outbox (compacted after each sync),
/// and a new epoch at the hub whose cursor stands just before them. The new epoch.
fn reenroll(store: &mut Store, client: &mut postgres::Client, state: &SyncState) -> Result<i64> {
    let before = store.outbox_refill(&outbox_keys()).map_err(store_err)?;
    let (tbl, row_id) = store
        .outbox_entry(before)
        .map_err(store_err)?
        .map_or((None, None), |(t, r)| (Some(t), Some(r)));
    let mut tx = client.transaction()?;
    let row = tx.query_one(
        "UPDATE hub.station SET epoch = epoch + 1, cursor_seq = $2, cursor_tbl = $3,
             cursor_row = $4 WHERE station_id = $1 RETURNING epoch",
        &[&state.station_id, &before, &tbl, &row_id],
    )?;
    tx.commit()?;
    let epoch = i64::from(row.get::<_, i32>(0));
    store.sync_set_epoch(epoch).map_err(store_err)?;
    Ok(epoch)
}

/// How many rows the hub's statistics say each of its tables holds (the partitioned
/// visits by their key table, which has a count of its own).
fn known_rows(client: &mut postgres::Client) -> Result<HashMap<&'static str, f64>> {
    let mut known_rows: HashMap<&str, f64> = HashMap::new();
    for r in client.query(
        "SELECT c.relname::text, greatest(c.reltuples, 0)::float8 FROM pg_class c
          WHERE c.relnamespace = 'hub'::regnamespace AND c.relkind IN ('r', 'p')",
        &[],
    )? {
        let name: String = r.get(0);
        if let Some(t) = TABLES.iter().find(|t| t.name == name) {
            known_rows.insert(t.name, r.get(1));
        }
    }
    if let Some(k) = known_rows.get("visit").copied() {
        // The partitioned parent has no count of its own: its key table has one.
        let keys: f64 = client
            .query_one(
                "SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'hub.visit_key'::regclass",
                &[],
            )?
            .get(0);
        known_rows.insert("visit", k.max(keys));
    }
    Ok(known_rows)
}

/// A desk whose file is older than what the hub acknowledged (restored from a backup) is
/// refused: its highest change is below the hub's cursor, or the change at the cursor is
/// not the one the hub was sent.
fn refuse_restored(
    store: &Store,
    cursor: i64,
    at_cursor: &(Option<String>, Option<String>),
) -> Result<()> {
    if cursor == 0 {
        return Ok(());
    }
    let max = store.outbox_max_seq().map_err(store_err)?;
    let differs = match (store.outbox_entry(cursor).map_err(store_err)?, at_cursor) {
        (Some((t, r)), (Some(ht), Some(hr))) => &t != ht || &r != hr,
        _ => false,
    };
    if max < cursor || differs {
        bail!(
            "this desk's file is not the one the hub knows (the hub holds this station's changes up to {cursor}, \
             this file {}): was it restored from a backup? Nothing was sent. Run `dutydesk sync --reenroll` \
             to send this file's records again under a new epoch",
            if differs {
                format!("a different change at {cursor}")
            } else {
                format!("only up to {max}")
            }
        );
    }
    Ok(())
}

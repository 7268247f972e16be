//! `dutydesk sync`: push the desk's changes above the hub's cursor, then pull reference
//! data above the desk's. Each batch is one hub transaction: the station's row locked
//! (`FOR UPDATE`: two desks on one file take turns), the rows COPYed into temp tables,
//! older versions replaced (guarded by (epoch, seq)), the rollups adjusted, the cursor
//! moved, committed (`batches`). Killed anywhere, a batch is in or it is not; the next
//! run resumes from the hub's cursor and a replay changes nothing. The desk is read one
//! batch ahead in a thread of its own (`ahead`) while the hub takes the one before.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};

use super::client::{connect, said};
use super::keyed::CountyKey;
use super::tables::{self, TABLES};
use crate::store::{Store, SyncState};

mod ahead;
mod batches;
mod elsewhere;
mod pull;
mod push;
mod timing;
mod verify;

use batches::Push;
pub use elsewhere::{SeenElsewhere, seen_elsewhere};
use pull::pull_reference;
use push::prepare_session;
pub use verify::{TableCheck, Verified, verify};

/// Changes per hub transaction: a first sync of a million visits is under a hundred
/// commits, a batch's rows a few megabytes at the desk.
pub const DEFAULT_BATCH: usize = 20_000;

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
        bail!(crate::words::Said::new("hub.err.bad_key"));
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
        bail!(crate::words::Said::new("hub.err.already_joined").with("station", held));
    }
    Ok(())
}

/// Each synced table with the query naming its rows as the outbox does: (its name, the
/// row's key). Visits and referrals are named in the order of their time: a batch of them
/// then falls on a few days, and the rollups it adjusts are a few hundred rows, not one
/// for nearly every day and value the station has (a file's rows need not be in time
/// order: a ledger's import, a generated file).
fn outbox_keys() -> Vec<(&'static str, String)> {
    TABLES
        .iter()
        .map(|t| {
            let parts: Vec<String> = t.key.iter().map(|k| format!("CAST({k} AS TEXT)")).collect();
            let only = match t.desk_only() {
                "" => String::new(),
                only => format!(" WHERE {only}"),
            };
            let order = match t.rollup {
                Some(tables::Rollup::Visits) => " ORDER BY visited_at",
                Some(tables::Rollup::Referrals) => " ORDER BY created_at",
                None => "",
            };
            (
                t.name,
                format!(
                    "SELECT '{}', {} FROM {}{only}{order}",
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
    let state = store
        .sync_state()
        .map_err(store_err)?
        .ok_or_else(|| anyhow!(crate::words::Said::new("hub.err.not_joined")))?;
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
        .ok_or_else(|| anyhow!(crate::words::Said::new("hub.err.key_damaged")))?;
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let me: Option<String> = client
        .query_one("SELECT hub.current_station()", &[])
        .map_err(|e| {
            anyhow!(crate::words::Said::new("hub.err.login_refused").with("error", said(&e)))
        })?
        .get(0);
    if me.as_deref() != Some(state.station_id.as_str()) {
        bail!(crate::words::Said::new("hub.err.not_this_station").with("station", &state.station));
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
    let mut timing = timing::Timing::from_env();
    let mut out = Outcome {
        epoch,
        transfers_received: exchanged.requests,
        transfer_answers: exchanged.answers,
        ..Outcome::default()
    };
    let how = ahead::Reading {
        key: &key,
        send_names,
        epoch,
        batch,
    };
    {
        let shared = std::sync::Mutex::new(&mut *store);
        let mut push = Push {
            client: &mut client,
            station_id: &state.station_id,
            epoch,
            timing: &mut timing,
            out: &mut out,
            known_rows: &mut known_rows,
            sent_rows: &mut sent_rows,
        };
        std::thread::scope(|scope| -> Result<()> {
            // The desk is read ahead from where the hub stands; if another desk on this
            // file moves the hub's cursor meanwhile, reading starts again from there.
            let start = |after: i64| {
                let (send, recv) = std::sync::mpsc::sync_channel(1);
                let shared = &shared;
                let reader = scope.spawn(move || ahead::read_ahead(shared, after, how, &send));
                (recv, reader)
            };
            let first: i64 = push
                .client
                .query_one(
                    "SELECT cursor_seq FROM hub.station WHERE station_id = $1",
                    &[&state.station_id],
                )?
                .get(0);
            let (pages, reader) = start(first);
            let mut readers = vec![reader];
            // Returns when every page is sent or one fails; its receiver gone, each reader
            // stops at its next page.
            let ended = push.run(&shared, pages, &start, &mut readers, progress);
            for r in readers {
                if let Ok(t) = r.join() {
                    push.timing.merge(t, "ahead:");
                }
            }
            ended
        })?;
    }
    (out.received, out.received_jobs) = timing.time("pull", "", || {
        pull_reference(&mut client, store, state, batch)
    })?;
    timing.report();
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
                        anyhow!(
                            crate::words::Said::new("hub.err.statistics").with("error", said(&e))
                        )
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
        let this_file = if differs {
            crate::words::Said::new("hub.err.this_file.differs").with("cursor", cursor)
        } else {
            crate::words::Said::new("hub.err.this_file.behind").with("max", max)
        };
        bail!(
            crate::words::Said::new("hub.err.restored")
                .with("cursor", cursor)
                .with_said("this_file", this_file)
        );
    }
    Ok(())
}

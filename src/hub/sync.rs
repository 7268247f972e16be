//! `dutydesk sync`: push the desk's changes above the hub's cursor, then pull reference
//! data above the desk's. Each batch is one hub transaction: the station's row locked
//! (`FOR UPDATE`: two desks on one file take turns), the rows COPYed into temp tables,
//! older versions replaced (guarded by (epoch, seq)), the rollups adjusted, the cursor
//! moved, committed. Killed anywhere, a batch is in or it is not; the next run resumes
//! from the hub's cursor and a replay changes nothing.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Result, anyhow, bail};
use rusqlite::types::Value;

use super::client::{connect, said};
use super::keyed::{CountyKey, scrub};
use super::tables::{Kind, Rollup, SERVICE_COLUMNS, Sealed, TABLES, Table, table};
use crate::store::{Store, SyncState};

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
fn store_err(e: crate::store::StoreError) -> anyhow::Error {
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
    prepare_session(&mut client)?;
    let mut known_rows = known_rows(&mut client)?;
    let mut sent_rows: HashMap<&str, usize> = HashMap::new();
    let batch = opts.batch.max(1);
    let mut out = Outcome {
        epoch,
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
    Ok(out)
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

/// A batch's changes to the day and month rollups, from the delta its rows left.
fn add_rollups(tx: &mut postgres::Transaction<'_>, station_id: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO hub.rollup AS r (station_id, day, dim, value, n)
         SELECT $1, day, dim, value, sum(n) FROM pg_temp.delta
          GROUP BY day, dim, value HAVING sum(n) <> 0
         ON CONFLICT (station_id, day, dim, value) DO UPDATE SET n = r.n + EXCLUDED.n",
        &[&station_id],
    )?;
    tx.execute(
        "INSERT INTO hub.rollup_month AS r (station_id, month, dim, value, n)
         SELECT $1, date_trunc('month', day)::date, dim, value, sum(n) FROM pg_temp.delta
          GROUP BY 2, dim, value HAVING sum(n) <> 0
         ON CONFLICT (station_id, month, dim, value) DO UPDATE SET n = r.n + EXCLUDED.n",
        &[&station_id],
    )?;
    Ok(())
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

/// The temp tables of this session: a stage per table, the rollup delta.
fn prepare_session(client: &mut postgres::Client) -> Result<()> {
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS delta (day date, dim text, value text, n bigint)
             ON COMMIT DELETE ROWS;\n",
    );
    for t in TABLES {
        let cols: Vec<String> = t
            .cols
            .iter()
            .map(|c| format!("{} {}", c.hub, c.kind.pg_type()))
            .collect();
        sql.push_str(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS s_{} ({}, src_epoch integer, src_seq bigint, gone boolean)
                 ON COMMIT DELETE ROWS;\n",
            t.name,
            cols.join(", ")
        ));
    }
    client
        .batch_execute(&sql)
        .map_err(|e| anyhow!("the hub refused the sync's work tables: {}", said(&e)))
}

/// One value as COPY text wants it (None: NULL), after what its kind asks.
fn encode(v: &Value, kind: Kind, key: &CountyKey, send_names: bool) -> Option<String> {
    let text = match v {
        Value::Null => return None,
        Value::Integer(i) => std::borrow::Cow::Owned(i.to_string()),
        Value::Real(f) => std::borrow::Cow::Owned(f.to_string()),
        Value::Text(t) => std::borrow::Cow::Borrowed(t.as_str()),
        Value::Blob(b) => std::borrow::Cow::Owned(super::keyed::encode_hex(b)),
    };
    match kind {
        Kind::Text => Some(text.into_owned()),
        Kind::Free => Some(scrub(&text).into_owned()),
        Kind::Name => send_names.then(|| text.into_owned()),
        Kind::Int => text.trim().parse::<i64>().ok().map(|i| i.to_string()),
        Kind::Ts => crate::store::parse_ts(&text).map(crate::store::ts),
        Kind::Date => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .map(|d| d.to_string()),
        Kind::IdHash => key.id_number(&text),
        Kind::PhoneHash => key.phone(&text),
        Kind::BirthYear => text
            .get(..4)
            .and_then(|y| y.parse::<i32>().ok())
            .map(|y| y.to_string()),
        Kind::Digest => {
            let bytes = super::keyed::decode_hex(&text).filter(|b| !b.is_empty())?;
            Some(format!("\\x{}", super::keyed::encode_hex(&bytes)))
        }
        Kind::Fact => fact_for_hub(&text, send_names),
    }
}

/// A log line's fact as the hub may hold it: the visitor's name taken out unless the
/// county's config sends names, numbers in its free text scrubbed. A fact this dutydesk
/// cannot read goes as nothing rather than unexamined.
fn fact_for_hub(json: &str, send_names: bool) -> Option<String> {
    use crate::domain::log_fact::LogFact;
    let mut fact: LogFact = serde_json::from_str(json).ok()?;
    if !send_names {
        match &mut fact {
            LogFact::Intake { name, .. } => name.clear(),
            LogFact::Referral { visitor, .. } => visitor.clear(),
            _ => {}
        }
    }
    let json = serde_json::to_string(&fact).ok()?;
    Some(scrub(&json).into_owned())
}

/// COPY text format: backslash, tab, newline and CR escaped; NUL dropped.
fn push_field(line: &mut String, v: Option<&str>) {
    match v {
        None => line.push_str("\\N"),
        Some(s) => {
            for ch in s.chars() {
                match ch {
                    '\\' => line.push_str("\\\\"),
                    '\t' => line.push_str("\\t"),
                    '\n' => line.push_str("\\n"),
                    '\r' => line.push_str("\\r"),
                    '\0' => {}
                    c => line.push(c),
                }
            }
        }
    }
}

/// A table's rows of a batch as COPY lines (a tombstone for a row the desk no longer has:
/// its key alone), and the earliest and latest visit times among them.
fn staged_rows(
    store: &Store,
    t: &Table,
    rows: &[(&str, i64)],
    key: &CountyKey,
    send_names: bool,
    epoch: i64,
) -> Result<(String, Option<(String, String)>)> {
    let desk_cols: Vec<&str> = t.cols.iter().map(|c| c.desk).collect();
    let mut data = String::new();
    let mut months: Option<(String, String)> = None;
    let visited_at = t.cols.iter().position(|c| c.hub == "visited_at");
    for (row_id, seq) in rows {
        let found = store
            .sync_row(t.desk_table(), t.desk_only(), t.key, row_id, &desk_cols)
            .map_err(store_err)?;
        let mut line = String::new();
        match &found {
            Some(values) => {
                for (i, (c, v)) in t.cols.iter().zip(values).enumerate() {
                    if i > 0 {
                        line.push('\t');
                    }
                    let enc = encode(v, c.kind, key, send_names);
                    if Some(i) == visited_at {
                        let Some(at) = enc.clone() else {
                            bail!(
                                "the visit {row_id} has no readable time ({v:?}): fix it at the desk; nothing of this batch was sent"
                            );
                        };
                        months = Some(match months.take() {
                            None => (at.clone(), at),
                            Some((lo, hi)) => (lo.min(at.clone()), hi.max(at)),
                        });
                    }
                    push_field(&mut line, enc.as_deref());
                }
            }
            None => {
                // A tombstone: the key, nothing else.
                let parts: Vec<&str> = row_id.split(' ').collect();
                for (i, c) in t.cols.iter().enumerate() {
                    if i > 0 {
                        line.push('\t');
                    }
                    let part = t
                        .key
                        .iter()
                        .position(|k| *k == c.desk)
                        .and_then(|k| parts.get(k).copied());
                    push_field(&mut line, part);
                }
            }
        }
        line.push_str(&format!("\t{epoch}\t{seq}\t{}\n", found.is_none()));
        data.push_str(&line);
    }
    Ok((data, months))
}

/// The months the held versions of the staged visits are in: only those partitions are
/// read (a first sync's visits are all new: none at all).
fn held_months(
    tx: &mut postgres::Transaction<'_>,
    station: &str,
) -> Result<Option<(String, String)>> {
    let r = tx.query_one(
        &format!(
            "SELECT count(*), to_char(min(k.visited_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00'),
                    to_char(max(k.visited_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US+00')
               FROM pg_temp.s_visit s CROSS JOIN LATERAL (
                    SELECT k.visited_at FROM hub.visit_key k
                     WHERE k.station_id = {station} AND k.id = s.id OFFSET 0) k"
        ),
        &[],
    )?;
    let n: i64 = r.get(0);
    Ok((n > 0).then(|| (r.get::<_, String>(1), r.get::<_, String>(2))))
}

/// Keeps the hub's sealed rows: a later version of one (or its deletion) is taken out of
/// the staged rows and written down as a seal conflict instead. How many.
fn keep_sealed(
    tx: &mut postgres::Transaction<'_>,
    t: &Table,
    station: &str,
    from_hub: &str,
    match_hub: &str,
) -> Result<u64> {
    let guard = match t.sealed {
        Sealed::ClosedShift => "h.closed_at IS NOT NULL".to_string(),
        Sealed::InClosedShift => format!(
            "EXISTS (SELECT 1 FROM hub.shift x WHERE x.station_id = {station}
                       AND x.id = h.shift_id AND x.closed_at IS NOT NULL)"
        ),
        Sealed::Always | Sealed::No => "true".to_string(),
    };
    // Names are left out: whether they are sent is the county's choice, not the desk's.
    // A column the hub learned of later is filled in where it holds NULL (the row was
    // received before the hub had the column), and compared where it holds a value.
    let compared: Vec<&str> = t
        .cols
        .iter()
        .filter(|c| c.kind != Kind::Name && !c.late)
        .map(|c| c.hub)
        .collect();
    let h_cols: Vec<String> = compared.iter().map(|c| format!("h.{c}")).collect();
    let s_cols: Vec<String> = compared.iter().map(|c| format!("s.{c}")).collect();
    let late: String = t
        .cols
        .iter()
        .filter(|c| c.late)
        .map(|c| {
            format!(
                " OR (h.{0} IS NOT NULL AND h.{0} IS DISTINCT FROM s.{0})",
                c.hub
            )
        })
        .collect();
    let row_key: Vec<String> = t.key.iter().map(|k| format!("s.{k}::text")).collect();
    let shift = if t.name == "shift" {
        "s.id"
    } else if t.cols.iter().any(|c| c.hub == "shift_id") {
        "s.shift_id"
    } else {
        "NULL"
    };
    let sql = format!(
        "WITH kept AS (
             DELETE FROM pg_temp.s_{name} s USING {from_hub}
              WHERE {match_hub}
                AND (h.src_epoch, h.src_seq) < (s.src_epoch, s.src_seq)
                AND {guard}
                AND (s.gone OR ROW({h_cols}) IS DISTINCT FROM ROW({s_cols}){late})
             RETURNING s.*)
         INSERT INTO hub.seal_conflict (station_id, tbl, row_key, shift_id, src_epoch,
                                        src_seq, gone)
         SELECT {station}, '{name}', {row_key}, {shift}, s.src_epoch, s.src_seq, s.gone
           FROM kept s",
        name = t.name,
        h_cols = h_cols.join(", "),
        s_cols = s_cols.join(", "),
        row_key = row_key.join(" || ' ' || "),
    );
    tx.execute(&sql, &[])
        .map_err(|e| anyhow!("the hub refused the {} rows: {}", t.name, said(&e)))
}

/// Sends one table's rows of a batch; returns how many later versions of sealed rows the
/// hub kept out.
fn send_table(
    tx: &mut postgres::Transaction<'_>,
    store: &Store,
    t: &Table,
    rows: &[(&str, i64)],
    key: &CountyKey,
    send_names: bool,
    epoch: i64,
) -> Result<u64> {
    let (data, months) = staged_rows(store, t, rows, key, send_names, epoch)?;
    let hub_cols: Vec<&str> = t.cols.iter().map(|c| c.hub).collect();
    {
        use std::io::Write;
        let mut w = tx.copy_in(&format!(
            "COPY pg_temp.s_{} ({}, src_epoch, src_seq, gone) FROM STDIN",
            t.name,
            hub_cols.join(", ")
        ))?;
        w.write_all(data.as_bytes())?;
        w.finish()
            .map_err(|e| anyhow!("the hub refused the {} rows: {}", t.name, said(&e)))?;
    }
    if let Some((lo, hi)) = months {
        tx.execute(
            "SELECT hub.ensure_visit_months($1::text::timestamptz, $2::text::timestamptz)",
            &[&lo, &hi],
        )?;
    }
    let station = "(SELECT hub.current_station())";
    let keys_match: Vec<String> = t.key.iter().map(|k| format!("h.{k} = s.{k}")).collect();
    let keys_match = keys_match.join(" AND ");
    // A visit is found through hub.visit_key, which names its month: one index probe, not
    // one per month.
    let is_visit = t.name == "visit";
    let held = if is_visit {
        held_months(tx, station)?
    } else {
        None
    };
    let (from_hub, match_hub) = if is_visit {
        // Times PostgreSQL formatted itself: digits, dashes, colons, a dot, a plus.
        let (lo, hi) = held.clone().unwrap_or_default();
        (
            "hub.visit_key k, hub.visit h".to_string(),
            format!(
                "k.station_id = {station} AND k.id = s.id AND h.station_id = {station}
                 AND h.id = k.id AND h.visited_at = k.visited_at
                 AND h.visited_at BETWEEN '{lo}'::timestamptz AND '{hi}'::timestamptz"
            ),
        )
    } else {
        (
            format!("hub.{} h", t.name),
            format!("h.station_id = {station} AND {keys_match}"),
        )
    };
    let older = format!(
        "DELETE FROM hub.{name} h USING pg_temp.s_{name} s{also}
          WHERE {match_hub}
            AND (h.src_epoch, h.src_seq) < (s.src_epoch, s.src_seq)",
        name = t.name,
        also = if is_visit { ", hub.visit_key k" } else { "" },
    );
    let cols = hub_cols.join(", ");
    let s_cols: Vec<String> = hub_cols.iter().map(|c| format!("s.{c}")).collect();
    let exists = if is_visit {
        format!("SELECT 1 FROM hub.visit_key k WHERE k.station_id = {station} AND k.id = s.id")
    } else {
        format!(
            "SELECT 1 FROM hub.{} h WHERE h.station_id = {station} AND {keys_match}",
            t.name
        )
    };
    let newer = format!(
        "INSERT INTO hub.{name} (station_id, {cols}, src_epoch, src_seq)
         SELECT {station}, {s_cols}, s.src_epoch, s.src_seq FROM pg_temp.s_{name} s
          WHERE NOT s.gone AND NOT EXISTS ({exists})",
        name = t.name,
        s_cols = s_cols.join(", ")
    );
    let none_held = is_visit && held.is_none();
    let kept = if t.sealed != Sealed::No && !none_held {
        keep_sealed(tx, t, station, &from_hub, &match_hub)?
    } else {
        0
    };
    let run = |tx: &mut postgres::Transaction<'_>, sql: &str| -> Result<()> {
        tx.batch_execute(sql)
            .map_err(|e| anyhow!("the hub refused the {} rows: {}", t.name, said(&e)))
    };
    match t.rollup {
        None => {
            run(tx, &older)?;
            run(tx, &newer)?;
        }
        Some(kind) => {
            // Visits keep their key rows in step, in the same statements.
            let (gone_key, new_key) = if is_visit {
                (
                    ", gone_key AS (DELETE FROM hub.visit_key k USING x
                                     WHERE k.station_id = x.station_id AND k.id = x.id)",
                    ", new_key AS (INSERT INTO hub.visit_key (station_id, id, visited_at)
                                   SELECT station_id, id, visited_at FROM x)",
                )
            } else {
                ("", "")
            };
            if !none_held {
                run(
                    tx,
                    &format!(
                        "WITH x AS ({older} RETURNING h.*){gone_key} {}",
                        rollup_delta(kind, -1)
                    ),
                )?;
            }
            run(
                tx,
                &format!(
                    "WITH x AS ({newer} RETURNING *){new_key} {}",
                    rollup_delta(kind, 1)
                ),
            )?;
        }
    }
    Ok(kept)
}

/// What the rows in `x` add to (sign 1) or take from (sign -1) the rollups: the same
/// figures, on the same station-local (UTC+8) days, as the desk's report counts.
fn rollup_delta(kind: Rollup, sign: i32) -> String {
    let day = |col: &str| format!("(({col} AT TIME ZONE 'UTC') + interval '8 hours')::date");
    match kind {
        Rollup::Visits => format!(
            "INSERT INTO pg_temp.delta (day, dim, value, n)
             SELECT {day}, d.dim, d.value, {sign} * d.n FROM x CROSS JOIN LATERAL (VALUES
                 ('visits', '', 1::bigint),
                 ('workers', '', CASE WHEN x.follows_referral IS NULL
                                      THEN coalesce(x.headcount, 1) ELSE 0 END),
                 ('channel', coalesce(x.channel, ''), 1),
                 ('category', coalesce(x.category, ''),
                     CASE WHEN x.follows_referral IS NULL THEN 1 ELSE 0 END),
                 ('follow_ups', '', CASE WHEN x.follows_referral IS NULL THEN 0 ELSE 1 END),
                 ('occupation', coalesce(x.occupation, ''), 1),
                 ('membership', coalesce(x.membership, ''), 1)) d(dim, value, n)
             WHERE d.n <> 0",
            day = day("x.visited_at")
        ),
        Rollup::Referrals => format!(
            "INSERT INTO pg_temp.delta (day, dim, value, n)
             SELECT {day}, d.dim, d.value, {sign} * d.n FROM x CROSS JOIN LATERAL (VALUES
                 ('opened', x.kind, 1::bigint, x.created_at),
                 ('closed', x.kind, 1, CASE WHEN x.status = 'closed' THEN x.closed_at END),
                 ('outcome:' || x.kind, coalesce(x.outcome, ''), 1,
                     CASE WHEN x.status = 'closed' THEN x.closed_at END),
                 ('wages', '', coalesce(x.wages_recovered_fen, 0),
                     CASE WHEN x.status = 'closed' THEN x.closed_at END),
                 ('workers_covered', '', coalesce(x.workers_covered, 0),
                     CASE WHEN x.status = 'closed' THEN x.closed_at END),
                 ('aid', '', coalesce(x.aid_paid_fen, 0),
                     CASE WHEN x.status = 'closed' THEN x.closed_at END),
                 ('placed', '', 1, CASE WHEN x.status = 'closed' AND x.kind = 'jobs'
                     AND x.outcome = 'resolved' THEN x.closed_at END),
                 ('declined', x.kind, 1, CASE WHEN x.status = 'declined' THEN x.updated_at END)
             ) d(dim, value, n, at)
             WHERE d.at IS NOT NULL AND d.n <> 0 AND d.value IS NOT NULL",
            day = day("d.at")
        ),
    }
}

/// Reference rows above the desk's cursors, a page per SQLite transaction: the county's
/// service directory, then its job openings. (services received, openings received)
fn pull_reference(
    client: &mut postgres::Client,
    store: &mut Store,
    state: &SyncState,
    batch: usize,
) -> Result<(usize, usize)> {
    let now = store.sync_state().map_err(store_err)?;
    let services = pull_table(
        client,
        store,
        &Pulled {
            hub_table: "hub.service",
            desk_table: "service",
            columns: SERVICE_COLUMNS,
            int_columns: &[],
            cursor_column: "ref_cursor",
        },
        now.as_ref().map_or(state.ref_cursor, |s| s.ref_cursor),
        batch,
    )?;
    let jobs = pull_table(
        client,
        store,
        &Pulled {
            hub_table: "hub.job",
            desk_table: "job",
            columns: crate::store::JOB_ROW_COLUMNS,
            int_columns: crate::store::JOB_INT_COLUMNS,
            cursor_column: "job_cursor",
        },
        now.as_ref().map_or(state.job_cursor, |s| s.job_cursor),
        batch,
    )?;
    Ok((services, jobs))
}

/// One reference table as it comes down: the hub's table, the desk's, the columns (the
/// same names at both ends, `id` and `source_id` among them), which hold integers, and
/// the desk's cursor for it.
struct Pulled {
    hub_table: &'static str,
    desk_table: &'static str,
    columns: &'static [&'static str],
    int_columns: &'static [&'static str],
    cursor_column: &'static str,
}

fn pull_table(
    client: &mut postgres::Client,
    store: &mut Store,
    p: &Pulled,
    mut cursor: i64,
    batch: usize,
) -> Result<usize> {
    let mut received = 0;
    let sql = format!(
        "SELECT rev, {} FROM {} WHERE rev > $1 ORDER BY rev LIMIT $2",
        p.columns.join(", "),
        p.hub_table
    );
    // The county's rows sit beside the desk's own: their source id names the hub's row,
    // so a file the desk imported itself never collides with one the county published.
    let source = p
        .columns
        .iter()
        .position(|c| *c == "source_id")
        .expect("a reference table has a source_id");
    loop {
        let rows = client.query(&sql, &[&cursor, &i64::try_from(batch).unwrap_or(i64::MAX)])?;
        let Some(last) = rows.last() else {
            break;
        };
        let next: i64 = last.get(0);
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|r| {
                let id: String = r.get(1);
                p.columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i == source {
                            Value::Text(format!("hub:{id}"))
                        } else if p.int_columns.contains(c) {
                            r.get::<_, Option<i64>>(i + 1)
                                .map_or(Value::Null, Value::Integer)
                        } else {
                            r.get::<_, Option<String>>(i + 1)
                                .map_or(Value::Null, Value::Text)
                        }
                    })
                    .collect()
            })
            .collect();
        store
            .apply_reference(p.desk_table, p.columns, &values, p.cursor_column, next)
            .map_err(store_err)?;
        received += values.len();
        cursor = next;
    }
    Ok(received)
}

/// One table compared: rows and an order-free checksum of every row as the hub should hold
/// it, at the desk and at the hub.
#[derive(Debug, Clone, PartialEq)]
pub struct TableCheck {
    pub table: &'static str,
    pub desk_rows: i64,
    pub hub_rows: i64,
    pub desk_sum: u64,
    pub hub_sum: u64,
}

impl TableCheck {
    pub fn same(&self) -> bool {
        self.desk_rows == self.hub_rows && self.desk_sum == self.hub_sum
    }
}

/// What `verify` found: each table, and the changes the hub has not been sent yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub tables: Vec<TableCheck>,
    pub unsent: i64,
}

fn row_sum(fields: &mut dyn Iterator<Item = Option<String>>) -> u64 {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for f in fields {
        match f {
            Some(s) => {
                h.update(b"v");
                h.update(s.as_bytes());
            }
            None => h.update(b"n"),
        }
        h.update([0x1f]);
    }
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

/// Compares every station-owned table of this desk with the hub's copy: row counts and a
/// checksum over each row's values as they are sent (hashed, scrubbed, converted), summed
/// so order does not matter. Sends nothing.
pub fn verify(store: &Store) -> Result<Verified> {
    let state = store.sync_state().map_err(store_err)?.ok_or_else(|| {
        anyhow!("this desk has not joined a hub: run `dutydesk sync --join FILE` with the station's enrolment file")
    })?;
    let key = CountyKey::from_hex(&state.key_id, &state.county_key)
        .ok_or_else(|| anyhow!("the county key this desk holds is damaged: join again"))?;
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let send_names: bool = client
        .query_one("SELECT send_names FROM hub.county_config WHERE id = 1", &[])?
        .get(0);
    let cursor: i64 = client
        .query_one(
            "SELECT cursor_seq FROM hub.station WHERE station_id = $1",
            &[&state.station_id],
        )?
        .get(0);
    let mut tables = Vec::new();
    for t in TABLES {
        let desk_cols: Vec<&str> = t.cols.iter().map(|c| c.desk).collect();
        let (mut desk_rows, mut desk_sum) = (0i64, 0u64);
        store
            .sync_scan(t.desk_table(), t.desk_only(), &desk_cols, |values| {
                desk_rows += 1;
                let mut fields = t
                    .cols
                    .iter()
                    .zip(values)
                    .map(|(c, v)| encode(v, c.kind, &key, send_names));
                desk_sum = desk_sum.wrapping_add(row_sum(&mut fields));
            })
            .map_err(store_err)?;
        let exprs: Vec<String> = t
            .cols
            .iter()
            .map(|c| match c.kind {
                Kind::Int | Kind::BirthYear | Kind::Date => format!("{}::text", c.hub),
                Kind::Ts => format!(
                    "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                    c.hub
                ),
                Kind::Digest => format!("'\\x' || encode({}, 'hex')", c.hub),
                _ => c.hub.to_string(),
            })
            .collect();
        let (mut hub_rows, mut hub_sum) = (0i64, 0u64);
        let sql = format!(
            "SELECT {} FROM hub.{} WHERE station_id = $1",
            exprs.join(", "),
            t.name
        );
        let mut tx = client.transaction()?;
        let params: [&(dyn postgres::types::ToSql + Sync); 1] = [&state.station_id];
        let mut rows = tx.query_raw(&sql, params)?;
        use postgres::fallible_iterator::FallibleIterator;
        while let Some(r) = rows.next()? {
            hub_rows += 1;
            let mut fields = (0..t.cols.len()).map(|i| r.get::<_, Option<String>>(i));
            hub_sum = hub_sum.wrapping_add(row_sum(&mut fields));
        }
        drop(rows);
        tx.commit()?;
        tables.push(TableCheck {
            table: t.name,
            desk_rows,
            hub_rows,
            desk_sum,
            hub_sum,
        });
    }
    let unsent = store.outbox_max_seq().map_err(store_err)? - cursor;
    Ok(Verified { tables, unsent })
}

/// What the hub knows of a person at other stations: counts and kinds, never a record.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenElsewhere {
    pub stations: i64,
    pub visits: i64,
    pub last_visit: Option<chrono::NaiveDate>,
    pub open_referrals: i64,
    pub open_kinds: Vec<String>,
}

/// Asks the hub whether the person with this ID number or phone (either may be empty)
/// has been seen at other stations. Only keyed hashes leave the desk.
pub fn seen_elsewhere(store: &Store, id_number: &str, phone: &str) -> Result<SeenElsewhere> {
    let state = store.sync_state().map_err(store_err)?.ok_or_else(|| {
        anyhow!("this desk has not joined a hub: run `dutydesk sync --join FILE` with the station's enrolment file")
    })?;
    let key = CountyKey::from_hex(&state.key_id, &state.county_key)
        .ok_or_else(|| anyhow!("the county key this desk holds is damaged: join again"))?;
    let id_hmac = if id_number.trim().is_empty() {
        None
    } else {
        let id = crate::domain::id_number::IdNumber::parse(id_number)
            .map_err(|e| anyhow!("{}", e.message(crate::i18n::Lang::En)))?;
        key.id_number(id.as_str())
    };
    let phone_hmac = if phone.trim().is_empty() {
        None
    } else {
        let p = crate::domain::phone::Phone::parse(phone)
            .map_err(|e| anyhow!("{}", e.message(crate::i18n::Lang::En)))?;
        key.phone(p.e164())
    };
    if id_hmac.is_none() && phone_hmac.is_none() {
        bail!("give an ID number or a phone");
    }
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let r = client
        .query_one(
            "SELECT stations, visits, last_visit, open_referrals, open_kinds
               FROM hub.seen_elsewhere($1, $2)",
            &[&id_hmac, &phone_hmac],
        )
        .map_err(|e| anyhow!("the hub did not answer: {}", said(&e)))?;
    Ok(SeenElsewhere {
        stations: r.get(0),
        visits: r.get(1),
        last_visit: r.get(2),
        open_referrals: r.get(3),
        open_kinds: r.get(4),
    })
}

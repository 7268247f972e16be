//! The push: a batch's rows staged by COPY, older versions replaced (guarded by (epoch,
//! seq)), sealed rows kept as first received, and the rollups' delta.

use anyhow::{Result, anyhow, bail};
use rusqlite::types::Value;

use super::super::client::said;
use super::super::tables::{Kind, Rollup, Sealed, TABLES, Table};
use super::store_err;
use super::timing::Timing;
use crate::hub::keyed::{CountyKey, scrub};
use crate::store::Store;

/// A batch's changes to the day and month rollups, from the delta its rows left.
pub(super) fn add_rollups(tx: &mut postgres::Transaction<'_>, station_id: &str) -> Result<()> {
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

/// The temp tables of this session: a stage per table, the rollup delta.
pub(super) fn prepare_session(client: &mut postgres::Client) -> Result<()> {
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
    client.batch_execute(&sql).map_err(|e| {
        anyhow!(crate::words::Said::new("hub.err.work_tables").with("error", said(&e)))
    })
}

/// One value as COPY text wants it (None: NULL), after what its kind asks.
pub(super) fn encode(v: &Value, kind: Kind, key: &CountyKey, send_names: bool) -> Option<String> {
    let text = match v {
        Value::Null => return None,
        Value::Integer(i) => std::borrow::Cow::Owned(i.to_string()),
        Value::Real(f) => std::borrow::Cow::Owned(f.to_string()),
        Value::Text(t) => std::borrow::Cow::Borrowed(t.as_str()),
        Value::Blob(b) => std::borrow::Cow::Owned(super::super::keyed::encode_hex(b)),
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
            let bytes = super::super::keyed::decode_hex(&text).filter(|b| !b.is_empty())?;
            Some(format!("\\x{}", super::super::keyed::encode_hex(&bytes)))
        }
        Kind::Fact => fact_for_hub(&text, send_names),
    }
}

/// A row's values as the hub may hold them: each column as its kind asks, and a log
/// line written from a fact (its Chinese line names the visitor) with its text written
/// again from the fact as the hub holds it, without the name, unless the county sends
/// names. A line whose fact this dutydesk cannot read goes without its text.
pub(super) fn encode_row(
    t: &Table,
    values: &[Value],
    key: &CountyKey,
    send_names: bool,
) -> Vec<Option<String>> {
    let mut row: Vec<Option<String>> = t
        .cols
        .iter()
        .zip(values)
        .map(|(c, v)| encode(v, c.kind, key, send_names))
        .collect();
    if send_names {
        return row;
    }
    let at = |name: &str| t.cols.iter().position(|c| c.hub == name);
    match t.name {
        "log_entry" => {
            if let (Some(text), Some(fact)) = (at("text"), at("fact"))
                && let Value::Text(json) = &values[fact]
            {
                row[text] = line_for_hub(json);
            }
        }
        // A person's audit entry says their changes, a new name among them (a transfer's
        // stand-in named at intake): the hub hears that the name changed, not to what.
        "event" => {
            if let (Some(entity), Some(detail)) = (at("entity"), at("detail"))
                && matches!(&values[entity], Value::Text(e) if e == "visitor")
                && let Some(text) = row[detail].take()
            {
                row[detail] = Some(without_new_name(&text));
            }
        }
        _ => {}
    }
    row
}

/// A person's changes as the audit log writes them (in Chinese: `姓名:甲 → 乙;电话:…`),
/// the change of name said without the names.
fn without_new_name(detail: &str) -> String {
    use crate::i18n::Lang;
    const NAME: &str = "姓名";
    let sep = crate::words::word(Lang::Zh, "store.person.sep");
    detail
        .split(sep)
        .map(|part| {
            if part.starts_with(NAME) {
                crate::words::say(Lang::Zh, "store.person.changed", &[("field", NAME)])
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// A fact's Chinese line without the visitor's name, numbers scrubbed.
fn line_for_hub(json: &str) -> Option<String> {
    use crate::domain::log_fact::LogFact;
    let mut fact: LogFact = serde_json::from_str(json).ok()?;
    match &mut fact {
        LogFact::Intake { name, .. } => *name = "来访人".into(),
        LogFact::Referral { visitor, .. } => *visitor = "来访人".into(),
        _ => {}
    }
    Some(scrub(&fact.render(crate::i18n::Lang::Zh)).into_owned())
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
                let row = encode_row(t, values, key, send_names);
                for (i, (enc, v)) in row.into_iter().zip(values).enumerate() {
                    if i > 0 {
                        line.push('\t');
                    }
                    if Some(i) == visited_at {
                        let Some(at) = enc.clone() else {
                            bail!(
                                crate::words::Said::new("hub.err.visit_time")
                                    .with("visit", row_id)
                                    .with("time", format!("{v:?}"))
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
    tx.execute(&sql, &[]).map_err(|e| refused_rows(t.name, &e))
}

/// One table's rows of a batch as read from the desk: COPY text, and the earliest and
/// latest visit times among them.
pub(super) struct StagedTable {
    pub(super) table: &'static Table,
    pub(super) rows: usize,
    data: String,
    months: Option<(String, String)>,
}

/// Reads one table's rows of a batch from the desk and writes them as COPY text.
pub(super) fn stage_table(
    store: &Store,
    t: &'static Table,
    rows: &[(&str, i64)],
    key: &CountyKey,
    send_names: bool,
    epoch: i64,
) -> Result<StagedTable> {
    let (data, months) = staged_rows(store, t, rows, key, send_names, epoch)?;
    Ok(StagedTable {
        table: t,
        rows: rows.len(),
        data,
        months,
    })
}

/// Where the hub's versions of the staged rows are (`FROM` items) and how they are matched
/// to them (`WHERE`): a visit through hub.visit_key, which names its month (one index
/// probe, not one per month), within the months `held` spans.
fn held_rows(
    t: &Table,
    station: &str,
    keys_match: &str,
    held: Option<&(String, String)>,
) -> (String, String) {
    if t.name != "visit" {
        return (
            format!("hub.{} h", t.name),
            format!("h.station_id = {station} AND {keys_match}"),
        );
    }
    // Times PostgreSQL formatted itself: digits, dashes, colons, a dot, a plus.
    let (lo, hi) = held.cloned().unwrap_or_default();
    (
        "hub.visit_key k, hub.visit h".to_string(),
        format!(
            "k.station_id = {station} AND k.id = s.id AND h.station_id = {station}
             AND h.id = k.id AND h.visited_at = k.visited_at
             AND h.visited_at BETWEEN '{lo}'::timestamptz AND '{hi}'::timestamptz"
        ),
    )
}

/// Sends one table's rows of a batch; returns how many later versions of sealed rows the
/// hub kept out.
/// The hub refused a table's rows: which table, and the server's words.
fn refused_rows(table: &str, e: &postgres::Error) -> anyhow::Error {
    anyhow!(
        crate::words::Said::new("hub.err.refused_rows")
            .with("table", table)
            .with("error", said(e))
    )
}

pub(super) fn send_table(
    tx: &mut postgres::Transaction<'_>,
    staged: &StagedTable,
    timing: &mut Timing,
) -> Result<u64> {
    let t = staged.table;
    let (data, months) = (&staged.data, staged.months.clone());
    let hub_cols: Vec<&str> = t.cols.iter().map(|c| c.hub).collect();
    timing.time("copy", t.name, || -> Result<()> {
        use std::io::Write;
        let mut w = tx.copy_in(&format!(
            "COPY pg_temp.s_{} ({}, src_epoch, src_seq, gone) FROM STDIN",
            t.name,
            hub_cols.join(", ")
        ))?;
        w.write_all(data.as_bytes())?;
        w.finish().map_err(|e| refused_rows(t.name, &e))?;
        Ok(())
    })?;
    if let Some((lo, hi)) = months {
        timing.time("months", t.name, || {
            tx.execute(
                "SELECT hub.ensure_visit_months($1::text::timestamptz, $2::text::timestamptz)",
                &[&lo, &hi],
            )
        })?;
    }
    let station = "(SELECT hub.current_station())";
    let keys_match: Vec<String> = t.key.iter().map(|k| format!("h.{k} = s.{k}")).collect();
    let keys_match = keys_match.join(" AND ");
    // A visit is found through hub.visit_key, which names its month: one index probe, not
    // one per month.
    let is_visit = t.name == "visit";
    let held = if is_visit {
        timing.time("held", t.name, || held_months(tx, station))?
    } else {
        None
    };
    let (from_hub, match_hub) = held_rows(t, station, &keys_match, held.as_ref());
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
    // Whether the hub holds none of the staged rows (a first sync: all new). Then nothing
    // is sealed, older or in the way, and one probe a row stands for three. Under the
    // station's lock no other transaction writes its rows, so it stays so.
    let none_held = if is_visit {
        held.is_none()
    } else {
        let sql = format!(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_temp.s_{name} s, hub.{name} h
                                 WHERE h.station_id = {station} AND {keys_match})",
            name = t.name
        );
        timing
            .time("held", t.name, || tx.query_one(&sql, &[]))?
            .get(0)
    };
    let newer = format!(
        "INSERT INTO hub.{name} (station_id, {cols}, src_epoch, src_seq)
         SELECT {station}, {s_cols}, s.src_epoch, s.src_seq FROM pg_temp.s_{name} s
          WHERE NOT s.gone{absent}",
        name = t.name,
        s_cols = s_cols.join(", "),
        absent = if none_held {
            String::new()
        } else {
            format!(" AND NOT EXISTS ({exists})")
        }
    );
    let kept = if t.sealed != Sealed::No && !none_held {
        timing.time("sealed", t.name, || {
            keep_sealed(tx, t, station, &from_hub, &match_hub)
        })?
    } else {
        0
    };
    // A table feeding the rollups leaves its delta from the same statements; visits keep
    // their key rows in step there too.
    let (older, newer) = match t.rollup {
        None => (older, newer),
        Some(kind) => {
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
            (
                format!(
                    "WITH x AS ({older} RETURNING h.*){gone_key} {}",
                    rollup_delta(kind, -1)
                ),
                format!(
                    "WITH x AS ({newer} RETURNING *){new_key} {}",
                    rollup_delta(kind, 1)
                ),
            )
        }
    };
    let run = |tx: &mut postgres::Transaction<'_>, sql: &str| -> Result<()> {
        tx.batch_execute(sql).map_err(|e| refused_rows(t.name, &e))
    };
    if !none_held {
        timing.time("older", t.name, || run(tx, &older))?;
    }
    timing.time("newer", t.name, || run(tx, &newer))?;
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

//! The pull: the county's reference rows above the desk's cursors, a page per SQLite
//! transaction.

use anyhow::Result;
use rusqlite::types::Value;

use super::super::tables::SERVICE_COLUMNS;
use super::store_err;
use crate::store::{Store, SyncState};

/// Reference rows above the desk's cursors, a page per SQLite transaction: the county's
/// service directory, then its job openings. (services received, openings received)
pub(super) fn pull_reference(
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

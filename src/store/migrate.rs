//! Schema migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

/// Each entry brings the schema from version i to i+1. Append; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_drafts.sql"),
    include_str!("migrations/0003_referrals.sql"),
    include_str!("migrations/0004_jobs.sql"),
    include_str!("migrations/0005_shifts.sql"),
    include_str!("migrations/0006_visit_days.sql"),
    include_str!("migrations/0007_audit.sql"),
    include_str!("migrations/0008_one_time_index.sql"),
    include_str!("migrations/0009_application_id.sql"),
    include_str!("migrations/0010_seal_chain.sql"),
    include_str!("migrations/0011_desk_drafts.sql"),
    include_str!("migrations/0012_sync_outbox.sql"),
    include_str!("migrations/0013_job_pay.sql"),
    include_str!("migrations/0014_sync_append_only.sql"),
    include_str!("migrations/0015_decline_reason.sql"),
    include_str!("migrations/0016_local_services_follow_ups.sql"),
    include_str!("migrations/0017_lean_save.sql"),
    include_str!("migrations/0018_log_facts.sql"),
    include_str!("migrations/0019_arbitration_phone_tails.sql"),
    include_str!("migrations/0020_hub_local_services.sql"),
    include_str!("migrations/0021_keys_on_the_row.sql"),
    include_str!("migrations/0022_log_index_outside_shifts.sql"),
    include_str!("migrations/0023_station_transfers.sql"),
    include_str!("migrations/0024_transfer_person.sql"),
];

/// A step in Rust run after a migration's SQL, in the same transaction: (the version the
/// migration brings the file to, the step). For work SQL cannot do, such as hashing.
type Step = fn(&Connection) -> rusqlite::Result<()>;
const STEPS: &[(i64, Step)] = &[
    // The seals and events already written go into their chains once.
    (10, super::shifts::chain_at_migration),
    // Phones already on file get their tail keys (issue 19).
    (19, super::visitors::tail_keys_at_migration),
    // The audit log's events keyed by their id alone (issue 15: one b-tree fewer a save).
    (20, events_without_rowid),
    // Again: a file that reached version 20 before that step was in it (main's own
    // migration 20 is the hub's local services) kept `event` a rowid table.
    (22, events_without_rowid),
];

/// Migration 20's (and 22's) step: `event` becomes a WITHOUT ROWID table keyed by its id. Its id
/// was a primary key beside SQLite's own row number, so every event wrote two b-trees
/// (the rows, and the id's index); now one. Same columns, same rows; the indexes and
/// triggers the file has on it (the append-only guards, the hub's) made again as they
/// were, from the file's own SQL — a guard missing from the file stays missing, for
/// `check` to name.
fn events_without_rowid(conn: &Connection) -> rusqlite::Result<()> {
    rebuild_without_rowid(conn, "event")
}

/// Rebuilds `table` (a STRICT table with a primary key) as WITHOUT ROWID, in the caller's
/// transaction: the new table from the old one's SQL, the rows copied, the old dropped
/// and the new renamed, then the old one's indexes and triggers made again.
fn rebuild_without_rowid(conn: &Connection, table: &str) -> rusqlite::Result<()> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    if sql.trim_end().ends_with("WITHOUT ROWID") {
        return Ok(());
    }
    // As the table was created, or as SQLite writes it after a rename (quoted).
    let body = sql
        .strip_prefix(&format!("CREATE TABLE {table} ("))
        .or_else(|| sql.strip_prefix(&format!("CREATE TABLE \"{table}\" (")));
    let (Some(body), true) = (body, sql.trim_end().ends_with("STRICT")) else {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(format!(
                "{table}: unexpected definition, not rebuilt: {sql}"
            )),
        ));
    };
    let after: Vec<String> = conn
        .prepare(
            "SELECT sql FROM sqlite_master
             WHERE tbl_name = ?1 AND type IN ('index', 'trigger') AND sql IS NOT NULL
             ORDER BY type, rowid",
        )?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let rebuilt = format!("{table}_without_rowid");
    conn.execute_batch(&format!(
        "CREATE TABLE {rebuilt} ({body}, WITHOUT ROWID;
         INSERT INTO {rebuilt} SELECT * FROM {table};
         DROP TABLE {table};
         ALTER TABLE {rebuilt} RENAME TO {table};",
        body = body.trim_end()
    ))?;
    for sql in after {
        conn.execute_batch(&sql)?;
    }
    Ok(())
}

#[allow(clippy::cast_possible_wrap)] // a few dozen migrations
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies every migration above the file's version, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current = user_version(conn)?;
    // A version below zero is none of ours: nothing is applied.
    let done = usize::try_from(current).unwrap_or(usize::MAX);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let version = i64::try_from(i + 1).expect("a few dozen migrations");
        // The write lock first, then the version again: two desks started together on an
        // older file both see it old, and the second must not apply a migration twice.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if user_version(&tx)? >= version {
            continue;
        }
        tx.execute_batch(sql)?;
        for (_, step) in STEPS.iter().filter(|(v, _)| *v == version) {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

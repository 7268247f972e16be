//! A ledger's import: its rows staged and written as sets, its people's keys filed once.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::person::{existing_visitor_given, owner_of_id_number};
use super::save::insert_intake_for;
use super::{KeyFacts, Stamp};
use crate::domain::intake::Intake;
use crate::domain::log_fact::LogFact;
use crate::store::events::{self};
use crate::store::shifts::{self};
use crate::store::visitors::{VisitorRow, keys_for};
use crate::store::{Store, StoreError, new_id, ts};

/// Writes the search keys of the visitors a ledger's import saved (`keys`: visitor id →
/// what their keys are made of, and whether they had keys before), as `write_keys` would
/// have left them row by row: the old ones deleted, the new ones inserted in key order.
/// A returning visitor whose name, phone and ID number no row changed keeps theirs.
fn write_import_keys(
    conn: &Connection,
    keys: &std::collections::HashMap<String, (KeyFacts, bool)>,
    sorted: String,
    visitors_before: i64,
) -> rusqlite::Result<()> {
    let mut delete = conn.prepare_cached("DELETE FROM visitor_key WHERE visitor_id = ?1")?;
    for (id, _) in keys
        .iter()
        .filter(|(_, (facts, existed))| *existed && facts.stale)
    {
        delete.execute([id])?;
    }
    // In key order the table's b-tree grows at its end, but its index by visitor is
    // written all over: when the import brings at least as many people as the file held,
    // building that index again from the sorted keys is the cheaper.
    let new_visitors = keys.values().filter(|(_, existed)| !existed).count();
    with_index_rebuilt(
        conn,
        "visitor_key_by_visitor",
        i64::try_from(new_visitors).unwrap_or(i64::MAX) >= visitors_before,
        || {
            conn.execute(
                "INSERT OR IGNORE INTO main.visitor_key(key, visitor_id)
                   SELECT substr(value, instr(value, ' ') + 1),
                     substr(value, 1, instr(value, ' ') - 1)
                   FROM json_each(?1)",
                [sorted],
            )
            .map(drop)
        },
    )
}

/// The search keys of the visitors `keys` names, as (key, visitor id) pairs in key order,
/// as one JSON array: inserted with one statement (a statement a key was most of the keys'
/// time). Made on a second thread while the visits and events are written. Each pair is
/// one string, the visitor's id, a space, the key (an id has no space): SQLite hands a
/// string of the array out as it is, where a pair as an array of its own was written out
/// as JSON and read again for each of its two values.
fn import_keys_json(
    keys: &std::collections::HashMap<String, (KeyFacts, bool)>,
) -> serde_json::Result<String> {
    let mut all: Vec<(String, &str)> = keys
        .iter()
        .filter(|(_, (f, _))| f.stale)
        .flat_map(|(id, (f, _))| {
            keys_for(&f.name, f.phone.as_deref(), f.id_number.as_deref())
                .into_iter()
                .map(move |k| (k, id.as_str()))
        })
        .collect();
    all.sort_unstable();
    let mut json: Vec<u8> = Vec::with_capacity(all.len() * 64);
    json.push(b'[');
    for (n, (key, id)) in all.iter().enumerate() {
        if n > 0 {
            json.push(b',');
        }
        // `"id key"`: the id and the key each written as a JSON string, joined where the
        // id's closing quote and the key's opening one were.
        serde_json::to_writer(&mut json, id)?;
        let quote = json.pop();
        debug_assert_eq!(quote, Some(b'"'));
        json.push(b' ');
        let at = json.len();
        serde_json::to_writer(&mut json, key)?;
        let quote = json.remove(at);
        debug_assert_eq!(quote, b'"');
    }
    json.push(b']');
    Ok(String::from_utf8(json).expect("JSON is UTF-8"))
}

/// Runs `write` with the index `name` dropped and made again after (from its own SQL, as
/// the file has it), when `rebuild`: for an import about as large as the table it writes,
/// sorting the whole index once costs less than inserting each entry at a random place.
/// All inside the caller's transaction: a failure leaves the index as it was.
fn with_index_rebuilt<T>(
    conn: &Connection,
    name: &str,
    rebuild: bool,
    write: impl FnOnce() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let sql: Option<String> = if rebuild {
        conn.query_row(
            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
    } else {
        None
    };
    if sql.is_some() {
        conn.execute_batch(&format!("DROP INDEX main.\"{name}\""))?;
    }
    let out = write()?;
    if let Some(sql) = sql {
        conn.execute_batch(&sql)?;
    }
    Ok(out)
}

/// Begins a ledger's staged rows: its visits (see `insert_visit_into!`) and its events
/// (`events::stage`) wait in temporary tables and are written with one statement each
/// after the last row: a statement a row saved every page it touched for its own rollback
/// (SQLite's statement journal: the tables have triggers) and wrote about ten b-trees a
/// row in turn; one statement saves each page once and writes each table in a run.
fn begin_staged_import(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS staged_visit AS
           SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
             amount_owed_fen, urgency, visited_at, created_at, updated_at, shift_id, occupation,
             membership, follows_referral FROM main.visit WHERE 0;
         DELETE FROM temp.staged_visit;",
    )?;
    events::begin_staged(conn)
}

/// Writes what [`begin_staged_import`] staged: the visits in the ledger's order (the
/// per-day counts follow by their trigger), then the events, chained.
fn write_staged_import(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "INSERT INTO main.visit(id, station_id, visitor_id, officer_id, channel, category,
           summary, headcount, amount_owed_fen, urgency, visited_at, created_at, updated_at,
           shift_id, occupation, membership, follows_referral)
         SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
           amount_owed_fen, urgency, visited_at, created_at, updated_at, shift_id, occupation,
           membership, follows_referral FROM temp.staged_visit ORDER BY rowid;
         DROP TABLE temp.staged_visit;",
    )?;
    events::write_staged(conn).map(drop)
}

/// Drops the hub triggers of the tables an import writes a row to for each of its rows
/// (visitor, visit, event, audit chain) when the desk has not joined a hub: they fire only
/// once it has, yet each is a trigger program run per row (and on `visitor`, a statement
/// journal per new person). Returns the SQL that makes them again; none dropped otherwise.
fn without_idle_hub_triggers(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let joined: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM sync_state)", [], |r| r.get(0))?;
    if joined {
        return Ok(Vec::new());
    }
    crate::store::bulk::drop_matching(
        conn,
        "TRIGGER",
        "type = 'trigger' AND tbl_name IN ('visitor', 'visit', 'event', 'audit_chain')
           AND name GLOB 'sync_*'
           AND sql LIKE '%WHEN EXISTS (SELECT 1 FROM sync_state)%'",
    )
}

/// The people a ledger's import has written so far, by ID number, as the file now holds
/// them: a later row about one of them finds them here rather than in the file's index
/// (two rows in five in a station's ledger are someone already seen). Someone the file
/// held before the import is read from it the first time.
struct People {
    /// Boxed: the table's empty slots stay small.
    by_id_number: std::collections::HashMap<String, Box<VisitorRow>>,
    /// The file held visitors before the import: a number not met yet may be theirs.
    file_had_people: bool,
}

impl People {
    fn new(visitors_before: i64) -> People {
        People {
            by_id_number: std::collections::HashMap::new(),
            file_had_people: visitors_before > 0,
        }
    }

    /// The owner of the intake's ID number, if anyone has it (what `existing_visitor`
    /// reads from the file), taken out until the row gives them back ([`People::keep`]);
    /// with whether their name is a transfer's stand-in (one the file held before: once a
    /// row has named them, they hold the number under that name).
    fn take(
        &mut self,
        conn: &Connection,
        intake: &Intake,
    ) -> Result<Option<(VisitorRow, bool)>, StoreError> {
        let Some(n) = intake.id_number.as_ref().map(|i| i.as_str()) else {
            return Ok(None);
        };
        match self.by_id_number.remove(n) {
            Some(person) => Ok(Some((*person, false))),
            None if self.file_had_people => owner_of_id_number(conn, n),
            None => Ok(None),
        }
    }

    /// A person as a row left them in the file (a failed row fails the whole import).
    fn keep(&mut self, person: VisitorRow) {
        if let Some(n) = person.id_number.clone() {
            self.by_id_number.insert(n, Box::new(person));
        }
    }
}

/// The page cache (in KiB, as `PRAGMA cache_size` takes a negative number) while a ledger
/// is imported: 128 MB at most, used only as the import touches pages.
const IMPORT_CACHE_KIB: i64 = -131_072;

/// One row of a ledger being imported, already checked.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: u64,
    pub intake: Intake,
    pub visited_at: DateTime<Utc>,
    /// The receiving officer's name; `None` means the officer importing.
    pub officer: Option<String>,
}

impl Store {
    /// Imports checked ledger rows all-or-nothing: one transaction, rolled back on any
    /// failure. Officers named in the ledger and not yet on the roster are added.
    pub fn import_visits(
        &mut self,
        rows: &[ImportRow],
        station_id: &str,
        default_officer_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize, (u64, StoreError)> {
        // A larger page cache for the import's one transaction: with the desk's 2 MB, a
        // ledger of 100,000 rows goes back to the OS for most index pages it touches and
        // spills half-written pages to the WAL. Set back to what it was after.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .map_err(|e| (0, e.into()))?;
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)
            .map_err(|e| (0, e.into()))?;
        // The staged rows and every statement's rollback pages in memory rather than in
        // temporary files (about 2.5 GB written to them at 200,000 rows). Set back after.
        let temp_store: i64 = self
            .conn
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .map_err(|e| (0, e.into()))?;
        let imported = self
            .conn
            .pragma_update(None, "temp_store", "MEMORY")
            .map_err(|e| (0, e.into()))
            .and_then(|()| self.import_rows(rows, station_id, default_officer_id, now));
        let restored = self
            .conn
            .pragma_update(None, "cache_size", cache)
            .and_then(|()| self.conn.pragma_update(None, "temp_store", temp_store));
        let n = imported?;
        restored.map_err(|e| (0, e.into()))?;
        Ok(n)
    }

    fn import_rows(
        &mut self,
        rows: &[ImportRow],
        station_id: &str,
        default_officer_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize, (u64, StoreError)> {
        // The write lock before the first read, as every write here (see `write_tx`).
        let tx = self.write_tx().map_err(|e| (0, e.into()))?;
        // Officers by name, looked up (and added) once each, not once a row.
        let mut officers: std::collections::HashMap<&str, String> = Default::default();
        // Each visitor's search keys as their last row leaves them, and whether they were
        // in the file before (so had keys to replace): written once at the end, sorted,
        // rather than deleted and rewritten at random places in the index each row (that
        // was a third of the import's time at 200,000 rows).
        let mut keys: std::collections::HashMap<String, (KeyFacts, bool)> =
            std::collections::HashMap::with_capacity(rows.len());
        // How many people the file already holds, for `with_index_rebuilt` (the largest
        // rowid: counting a big table's rows would read all of one of its indexes).
        let visitors_before: i64 = tx
            .query_row(
                "SELECT coalesce(max(rowid), 0) FROM main.visitor",
                [],
                |r| r.get(0),
            )
            .map_err(|e| (0, e.into()))?;
        // People saved at the desk whose keys still wait on their row are filed first:
        // the import's own are written below, and a row may change a waiting person's.
        crate::store::visitors::file_pending_keys(&tx).map_err(|e| (0, e.into()))?;
        let mut people = People::new(visitors_before);
        // A desk not joined to a hub records no changes for one: its visitor triggers for
        // the hub's outbox do nothing, yet their presence makes SQLite save every page a
        // person's insert touches for that statement's own rollback (a new person a row).
        // Dropped for the import's rows and made again, from the file's own SQL, before
        // it commits; a desk that has joined keeps them firing.
        let hub_triggers = without_idle_hub_triggers(&tx).map_err(|e| (0, e.into()))?;
        begin_staged_import(&tx).map_err(|e| (0, e.into()))?;
        for row in rows {
            let fail = |e: StoreError| (row.line, e);
            let officer_id: String = match &row.officer {
                Some(name) if officers.contains_key(name.as_str()) => {
                    officers[name.as_str()].clone()
                }
                Some(name) => {
                    tx.execute(
                        "INSERT INTO officer(id, station_id, name, role, affiliation, created_at, updated_at)
                         VALUES (?1, ?2, ?3, 'cadre', '', ?4, ?4) ON CONFLICT(station_id, name) DO NOTHING",
                        params![new_id(), station_id, name, ts(now)],
                    )
                    .map_err(|e| fail(e.into()))?;
                    let id: String = tx
                        .query_row(
                            "SELECT id FROM officer WHERE station_id = ?1 AND name = ?2",
                            params![station_id, name],
                            |r| r.get(0),
                        )
                        .map_err(|e| fail(e.into()))?;
                    officers.insert(name, id.clone());
                    id
                }
                None => default_officer_id
                    .ok_or_else(|| {
                        fail(StoreError::Refused(crate::words::Said::new(
                            "store.import.no_officer",
                        )))
                    })?
                    .to_string(),
            };
            let stamp = Stamp {
                station_id,
                officer_id: &officer_id,
                visited_at: row.visited_at,
                now,
                imported: true,
            };
            let existing = people.take(&tx, &row.intake).map_err(fail)?;
            let existing = existing_visitor_given(&tx, &row.intake, existing).map_err(fail)?;
            let (saved, facts, person) =
                insert_intake_for(&tx, &row.intake, &stamp, existing).map_err(fail)?;
            people.keep(person);
            match keys.entry(saved.visitor_id) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let stale = e.get().0.stale || facts.stale;
                    e.get_mut().0 = KeyFacts { stale, ..facts };
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((facts, saved.returning));
                }
            }
        }
        // The keys are worked out (pinyin, sorted) on the second core meanwhile.
        let (staged, sorted) = std::thread::scope(|s| {
            let sorted = s.spawn(|| import_keys_json(&keys));
            let staged = write_staged_import(&tx);
            (staged, sorted.join())
        });
        staged.map_err(|e| (0, e.into()))?;
        for sql in hub_triggers {
            tx.execute_batch(&sql).map_err(|e| (0, e.into()))?;
        }
        let sorted = sorted
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .map_err(|e| (0, StoreError::Rule(e.to_string())))?;
        write_import_keys(&tx, &keys, sorted, visitors_before).map_err(|e| (0, e.into()))?;
        crate::store::visitors::mark_keys_filed(&tx).map_err(|e| (0, e.into()))?;
        shifts::log_import(&tx, now, &LogFact::ImportVisits { n: rows.len() })
            .map_err(|e| (0, e.into()))?;
        tx.commit().map_err(|e| (0, e.into()))?;
        Ok(rows.len())
    }
}

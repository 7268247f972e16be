//! Taking a file of this version back to what an older version wrote, for the tests that
//! open such a file and check what the migrations make of it.

use rusqlite::{Connection, Transaction};

/// SQL that makes `event` a rowid table again, as in a file that reached version 20
/// before migration 20's step existed: the same columns and rows, its indexes and
/// triggers made again from the file's own SQL. Run in `tx` with what else goes back.
pub fn event_as_rowid_table(tx: &Transaction) -> String {
    let event: String = tx
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'event'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(event.ends_with("STRICT, WITHOUT ROWID"), "{event}");
    let after: Vec<String> = tx
        .prepare(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'event' AND type IN ('index', 'trigger')
             AND sql IS NOT NULL",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    format!(
        "{};
         INSERT INTO event_old SELECT * FROM event ORDER BY at, id;
         DROP TABLE event;
         ALTER TABLE event_old RENAME TO event;
         {};",
        event
            .replacen("CREATE TABLE event (", "CREATE TABLE event_old (", 1)
            .replacen("CREATE TABLE \"event\" (", "CREATE TABLE event_old (", 1)
            .replace(", WITHOUT ROWID", ""),
        after.join(";\n")
    )
}

/// Every row of `table` as text, sorted, leaving out the columns `skip` names (a column
/// a later version added): what two files are compared by.
pub fn rows(c: &Connection, table: &str, skip: &[&str]) -> Vec<String> {
    let cols: Vec<String> = c
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|n: &String| !skip.contains(&n.as_str()))
        .collect();
    let list = cols
        .iter()
        .map(|n| format!("quote({n})"))
        .collect::<Vec<_>>()
        .join(" || '|' || ");
    let mut out: Vec<String> = c
        .prepare(&format!("SELECT {list} FROM {table}"))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.sort();
    out
}

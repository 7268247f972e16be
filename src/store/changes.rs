//! What other connections changed in the file, read cheaply enough to ask twice a second:
//! SQLite's `data_version` (it moves only when another connection — another desk, an
//! import, a sync — commits), and marks that tell whether that commit touched the openings
//! (so the job index is rebuilt only then, not for another desk's heartbeat or draft).

use super::{Store, StoreError};

/// Where the openings stood when last looked at. Every import writes a log line (kind
/// `import`), and new openings take a higher rowid; an import that only updated openings
/// (a filled post, a new wage) is seen by its log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpeningMarks {
    /// The last opening's rowid (0: none).
    pub last_job: i64,
    /// The last log line's rowid (0: none).
    pub last_log: i64,
}

/// How the marks are read: three reads of one end of a rowid b-tree, and a range of the
/// log's newest lines (those written since `?1`), whatever the size of the file.
pub const OPENING_MARKS: &str = "SELECT coalesce((SELECT max(rowid) FROM job), 0),
        coalesce((SELECT max(rowid) FROM log_entry), 0),
        EXISTS (SELECT 1 FROM log_entry WHERE rowid > ?1 AND kind = 'import')";

impl Store {
    /// SQLite's `PRAGMA data_version`: the same number until another connection commits
    /// to the file (this connection's own commits leave it as it is).
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The openings' marks now, and whether they changed since `before` (new openings, or
    /// an import logged since).
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn opening_marks(&self, before: OpeningMarks) -> Result<(OpeningMarks, bool), StoreError> {
        let (last_job, last_log, imported): (i64, i64, bool) =
            self.conn.query_row(OPENING_MARKS, [before.last_log], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let now = OpeningMarks { last_job, last_log };
        Ok((now, imported || last_job != before.last_job))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marks_are_read_from_the_ends_of_the_tables() {
        let store = Store::open_in_memory().unwrap();
        let plan: Vec<String> = {
            let mut st = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {OPENING_MARKS}"))
                .unwrap();
            st.query_map([0i64], |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        // No scan of a table: its ends, and the log from a rowid on.
        assert!(
            plan.iter()
                .all(|l| !l.starts_with("SCAN") || l == "SCAN CONSTANT ROW"),
            "{plan:#?}"
        );
        assert!(
            plan.iter()
                .any(|l| l.contains("log_entry") && l.contains("rowid>?")),
            "{plan:#?}"
        );
        let (marks, changed) = store.opening_marks(OpeningMarks::default()).unwrap();
        assert_eq!(marks, OpeningMarks::default());
        assert!(!changed);
    }
}

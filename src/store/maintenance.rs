//! Keeping the file healthy: online backups and the integrity check.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::Backup;

use super::migrate::{LATEST_VERSION, user_version};
use super::{Store, StoreError};

/// What `dutydesk check` found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub schema_version: i64,
    pub integrity: Vec<String>,
    pub foreign_key_problems: usize,
    pub visits: i64,
    /// Signed-off shifts, and those whose record no longer matches its seal.
    pub sealed_shifts: i64,
    pub broken_seals: Vec<super::BrokenSeal>,
    /// The seals could not be checked (a damaged file): why.
    pub seal_check_failed: Option<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.schema_version == LATEST_VERSION
            && self.integrity == ["ok"]
            && self.foreign_key_problems == 0
            && self.broken_seals.is_empty()
            && self.seal_check_failed.is_none()
    }
}

impl Store {
    /// A consistent copy of the database at `dest` (which must not exist yet), made with
    /// SQLite's online backup while desks may keep working on the file.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        if dest.exists() {
            return Err(StoreError::Rule(format!(
                "{} exists; a backup never overwrites a file / 备份不会覆盖已有文件",
                dest.display()
            )));
        }
        super::open::create_private_file(dest)?;
        let mut out = Connection::open(dest)?;
        {
            let backup = Backup::new(&self.conn, &mut out)?;
            backup.run_to_completion(256, Duration::from_millis(5), None)?;
        }
        Ok(())
    }

    pub fn check(&self) -> Result<CheckReport, StoreError> {
        let schema_version = user_version(&self.conn)?;
        // A damaged file makes these queries fail part-way: report that, don't stop.
        let integrity = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut stmt| {
                stmt.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap_or_else(|e| vec![e.to_string()]);
        let foreign_key_problems = self
            .conn
            .prepare("PRAGMA foreign_key_check")
            .and_then(|mut fk| Ok(fk.query_map([], |_| Ok(()))?.count()))
            .unwrap_or(usize::MAX);
        let visits = self
            .conn
            .query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
            .unwrap_or(-1);
        let (sealed_shifts, broken_seals, seal_check_failed) = match self
            .sealed_shifts()
            .and_then(|n| Ok((n, self.broken_seals()?)))
        {
            Ok((n, broken)) => (n, broken, None),
            Err(e) => (0, Vec::new(), Some(e.to_string())),
        };
        Ok(CheckReport {
            schema_version,
            integrity,
            foreign_key_problems,
            visits,
            sealed_shifts,
            broken_seals,
            seal_check_failed,
        })
    }
}

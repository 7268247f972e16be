//! Keeping the file healthy: online backups and the integrity check.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OptionalExtension};

use super::migrate::{LATEST_VERSION, user_version};
use super::{Store, StoreError};

/// The triggers that make the record append-only and the seal hold, whatever program
/// writes to the file (migrations 5, 7 and 10). `check` looks for each by name.
const GUARD_TRIGGERS: &[&str] = &[
    "sealed_shift_update",
    "sealed_shift_delete",
    "sealed_member_insert",
    "sealed_member_change",
    "sealed_member_delete",
    "sealed_visit_insert",
    "sealed_visit_update",
    "sealed_visit_delete",
    "sealed_entry_insert",
    "log_entry_no_update",
    "log_entry_no_delete",
    "event_no_update",
    "event_no_delete",
    "sealed_person_insert",
    "sealed_person_update",
    "sealed_person_delete",
    "seal_chain_no_update",
    "seal_chain_no_delete",
    "audit_chain_no_update",
    "audit_chain_no_delete",
];

/// What `dutydesk check` found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub schema_version: i64,
    pub integrity: Vec<String>,
    pub foreign_key_problems: usize,
    pub visits: i64,
    /// Guard triggers in place, and those missing from the file or no longer refusing
    /// anything, by name.
    pub guard_triggers: usize,
    pub missing_triggers: Vec<String>,
    /// Signed-off shifts, and those whose record no longer matches its seal.
    pub sealed_shifts: i64,
    pub broken_seals: Vec<super::BrokenSeal>,
    /// Shifts the seal chain (or the audit log) says were sealed and are open again.
    pub unsealed_shifts: Vec<super::BrokenSeal>,
    /// Shifts the seal chain (or the audit log) says were sealed and are gone.
    pub deleted_shifts: Vec<super::BrokenSeal>,
    /// Sealed shifts missing from the seal chain.
    pub unchained_seals: Vec<super::BrokenSeal>,
    /// Where the seal chain does not follow on: the shift after the break.
    pub seal_chain_breaks: Vec<super::BrokenSeal>,
    /// The audit log's chain: events chained, edited, deleted, never chained, breaks.
    pub audit: super::events::AuditCheck,
    /// The seals or the audit chain could not be checked (a damaged file): why.
    pub seal_check_failed: Option<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.schema_version == LATEST_VERSION
            && self.integrity == ["ok"]
            && self.foreign_key_problems == 0
            && self.missing_triggers.is_empty()
            && self.seals_hold()
            && self.audit.is_whole()
            && self.seal_check_failed.is_none()
    }

    /// Every seal recomputes and the seal chain is whole.
    pub fn seals_hold(&self) -> bool {
        self.broken_seals.is_empty()
            && self.unsealed_shifts.is_empty()
            && self.deleted_shifts.is_empty()
            && self.unchained_seals.is_empty()
            && self.seal_chain_breaks.is_empty()
    }
}

/// The guard triggers not in the file, or whose body no longer raises an error.
fn missing_triggers(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1")?;
    let mut missing = Vec::new();
    for name in GUARD_TRIGGERS {
        let sql: Option<String> = stmt.query_row([name], |r| r.get(0)).optional()?;
        let raises = sql.is_some_and(|s| s.to_ascii_uppercase().contains("RAISE(ABORT"));
        if !raises {
            missing.push(name.to_string());
        }
    }
    Ok(missing)
}

impl Store {
    /// A consistent copy of the database at `dest` (which must not exist yet), made with
    /// SQLite's online backup while desks may keep working on the file.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        if dest.exists() {
            return Err(StoreError::Refused(
                crate::words::Said::new("store.backup_exists").with("path", dest.display()),
            ));
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
        let missing_triggers = missing_triggers(&self.conn).unwrap_or_else(|e| vec![e.to_string()]);
        let checked = self
            .seal_check()
            .and_then(|seals| Ok((seals, super::events::audit_check(&self.conn)?)));
        let (seals, audit, seal_check_failed) = match checked {
            Ok((seals, audit)) => (seals, audit, None),
            Err(e) => (Default::default(), Default::default(), Some(e.to_string())),
        };
        let super::shifts::SealCheck {
            sealed,
            changed,
            unsealed,
            deleted,
            unchained,
            breaks,
        } = seals;
        Ok(CheckReport {
            schema_version,
            integrity,
            foreign_key_problems,
            visits,
            guard_triggers: GUARD_TRIGGERS.len().saturating_sub(missing_triggers.len()),
            missing_triggers,
            sealed_shifts: sealed,
            broken_seals: changed,
            unsealed_shifts: unsealed,
            deleted_shifts: deleted,
            unchained_seals: unchained,
            seal_chain_breaks: breaks,
            audit,
            seal_check_failed,
        })
    }
}

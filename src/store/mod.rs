//! The SQLite file. This module owns all SQL: opening (PRAGMAs, permissions, refusing a
//! newer schema), migrations, and one file per aggregate.

mod bulk;
mod changes;
mod corrections;
mod drafts;
mod events;
mod guard;
mod ids;
mod jobs;
mod ledger;
mod maintenance;
mod migrate;
mod open;
mod referrals;
mod services;
mod shifts;
mod slips;
mod station;
mod sync;
mod totals;
mod transfer_person;
mod transfers;
mod visitors;
mod visits;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

pub use changes::OpeningMarks;
pub use corrections::Corrected;
pub use drafts::{
    DeskInfo, Draft, HEARTBEAT_EVERY, INTAKE_FORM, STALE_AFTER, desks_of, held_open_by,
};
pub use events::EventRow;
pub use guard::APPLICATION_ID;
pub use jobs::{JOB_INT_COLUMNS, JOB_ROW_COLUMNS, JOB_ROWID_RANGE, JobLine, job_values};
pub use ledger::{LedgerReferral, LedgerVisit};
pub use maintenance::CheckReport;
pub use migrate::LATEST_VERSION;
pub use open::StoreError;
pub use referrals::{
    NewReferral, QueueCounts, QueueFilter, ReferralDetail, ReferralRow, StatusFilter,
    arbitration_closing_sql, queue_sql,
};
pub use services::{Service, Upserted};
pub use shifts::{BrokenSeal, Handover, LogEntry, Member, Shift};
pub use slips::IdMatches;
pub use station::{Officer, Station};
pub use sync::{OutboxEntry, SyncState};
pub use totals::{Counts, KindFigures, OverdueRow, Totals, VisitScope};
pub use transfers::{IncomingTransfer, OutgoingTransfer, TransferReply, TransferRequest};
pub use visitors::{MatchedBy, VisitorMatch, VisitorRow, tail_lookup_key};
pub use visits::{ImportRow, IntakePlan, SavedIntake, VisitDetail, VisitRow};

pub struct Store {
    conn: Connection,
    path: std::path::PathBuf,
    /// This process's desk, once registered (drafts.rs): its drafts are its own.
    desk: Option<String>,
}

impl Store {
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// A transaction that takes the write lock at once (waiting out the other desk up to
    /// the busy timeout), so what it reads cannot be changed by another desk before it
    /// writes: version checks hold, and no write fails half-way on a stale read.
    pub(crate) fn write_tx(&mut self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
    }

    /// For tests and tools that need to look under the hood.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A new record id: UUID v7 (time-ordered, unique across merged station databases).
/// Made without a system call each (see `ids`): a ledger's import makes three a row.
pub fn new_id() -> String {
    ids::next().to_string()
}

/// The stored form of a time: UTC, millisecond precision, fixed width.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The arbitration facts as the visit's columns hold them (category, employment, end
/// date, learned date); what cannot be read is taken as not given.
fn arbitration_facts(
    category: crate::domain::lists::Category,
    employment: Option<String>,
    ended_on: Option<String>,
    learned_on: Option<String>,
) -> crate::domain::arbitration::Facts {
    use crate::domain::arbitration::{Employment, Facts};
    use crate::domain::labels::Labeled;
    let date =
        |s: Option<String>| s.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    Facts {
        category: Some(category),
        employment: employment.and_then(|e| Employment::from_code(&e)),
        ended_on: date(ended_on),
        learned_on: date(learned_on),
    }
}

/// A row count as SQLite's LIMIT takes it: an i64 (more than one holds means no limit).
fn sql_limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

//! Referrals: routing a visit to a service, moving it through its states under the desk's
//! rules, transfers of ownership, and the queue. Every change bumps `version` and writes an
//! event in the same transaction; a change made against an old version is refused (two
//! desks on one file never overwrite each other silently).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::events::{self, NewEvent};
use super::shifts;
use super::{EventRow, Service, Store, StoreError, new_id, parse_ts, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Urgency};
use crate::domain::log_fact::{LogFact, ReferralEvent};
use crate::domain::referral::{
    DeclineReason, Outcome, OutcomeReason, ReferralStatus, ServiceKind, ServiceStatus,
};
use crate::domain::shift::EntryKind;
use crate::i18n::Lang;
use crate::words::{Arg, Said};

mod handover;
mod moves;
mod queue;

pub use queue::{arbitration_closing_sql, queue_sql};

#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub id: String,
    pub visit_id: String,
    pub visitor_name: String,
    pub employer: String,
    pub category: Category,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    pub kind: ServiceKind,
    pub service_id: String,
    pub service_name: String,
    pub owner_id: String,
    pub owner_name: String,
    pub pending_owner_id: Option<String>,
    pub pending_owner_name: Option<String>,
    pub status: ReferralStatus,
    pub consent: bool,
    pub consent_override: String,
    pub note: String,
    pub urgency: Urgency,
    pub due_on: NaiveDate,
    /// The officer's note on a decline (the reason's words before migration 0015).
    pub decline_reason: String,
    /// Why it was declined, from the list (`None` for declines recorded before it).
    pub decline_code: Option<DeclineReason>,
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<OutcomeReason>,
    pub wages_recovered_fen: Option<i64>,
    pub workers_covered: Option<i64>,
    pub aid_paid_fen: Option<i64>,
    pub placed_job: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub job_id: Option<String>,
    /// 首问责任人: the officer who received the visitor; stays on the record whoever
    /// holds the referral now (`owner_name`, the 承办人).
    pub first_contact_name: String,
    /// The visit's arbitration facts: `arbitration.clock(today)` is the time limit the
    /// queue, the detail and the slip show (issue 19).
    pub arbitration: crate::domain::arbitration::Facts,
}

impl ReferralRow {
    /// Why it was declined, in words: the listed reason, then the note ("" if never).
    pub fn declined_because(&self, lang: Lang) -> String {
        self.declined().say(lang)
    }

    /// Why it was declined: the listed reason, then the note (nothing if never).
    pub fn declined(&self) -> Arg {
        let items = [
            self.decline_code.map(Labeled::arg),
            Some(Arg::from(&self.decline_reason)).filter(|a| !a.is_empty()),
        ];
        Arg::Joined {
            items: items.into_iter().flatten().collect(),
            sep: Box::new(Said::new("store.referral.declined_sep")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReferralDetail {
    pub referral: ReferralRow,
    pub service: Service,
    pub history: Vec<EventRow>,
}

const REFERRAL_SELECT: &str = "SELECT r.id, r.visit_id, v.name, v.employer, t.category, \
     t.headcount, t.amount_owed_fen, r.kind, r.service_id, s.name, r.owner_id, o.name, \
     r.pending_owner_id, p.name, r.status, r.consent, r.consent_override, r.note, r.urgency, \
     r.due_on, r.decline_reason, r.outcome, r.outcome_reason, r.wages_recovered_fen, \
     r.workers_covered, r.aid_paid_fen, r.placed_job, r.version, r.created_at, r.updated_at, \
     r.job_id, (SELECT fo.name FROM officer fo WHERE fo.id = t.officer_id), r.decline_code, \
     t.employment, t.employment_ended_on, t.learned_on \
     FROM referral r JOIN visit t ON t.id = r.visit_id JOIN visitor v ON v.id = t.visitor_id \
     JOIN service s ON s.id = r.service_id JOIN officer o ON o.id = r.owner_id \
     LEFT JOIN officer p ON p.id = r.pending_owner_id";

fn referral_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReferralRow> {
    let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let opt = |i: usize| -> rusqlite::Result<Option<String>> { r.get(i) };
    Ok(ReferralRow {
        id: text(0)?,
        visit_id: text(1)?,
        visitor_name: text(2)?,
        employer: text(3)?,
        category: Category::from_code(&text(4)?).unwrap_or(Category::Other),
        headcount: r.get(5)?,
        amount_owed_fen: r.get(6)?,
        kind: ServiceKind::from_code(&text(7)?).unwrap_or(ServiceKind::Agency),
        service_id: text(8)?,
        service_name: text(9)?,
        owner_id: text(10)?,
        owner_name: text(11)?,
        pending_owner_id: opt(12)?,
        pending_owner_name: opt(13)?,
        status: ReferralStatus::from_code(&text(14)?).unwrap_or(ReferralStatus::Sent),
        consent: r.get::<_, i64>(15)? == 1,
        consent_override: text(16)?,
        note: text(17)?,
        urgency: Urgency::from_code(&text(18)?).unwrap_or(Urgency::Normal),
        due_on: NaiveDate::parse_from_str(&text(19)?, "%Y-%m-%d").unwrap_or_default(),
        decline_reason: text(20)?,
        decline_code: opt(32)?.and_then(|c| DeclineReason::from_code(&c)),
        outcome: opt(21)?.and_then(|c| Outcome::from_code(&c)),
        outcome_reason: opt(22)?.and_then(|c| OutcomeReason::from_code(&c)),
        wages_recovered_fen: r.get(23)?,
        workers_covered: r.get(24)?,
        aid_paid_fen: r.get(25)?,
        placed_job: text(26)?,
        version: r.get(27)?,
        created_at: parse_ts(&text(28)?).unwrap_or_default(),
        updated_at: parse_ts(&text(29)?).unwrap_or_default(),
        job_id: opt(30)?,
        first_contact_name: opt(31)?.unwrap_or_default(),
        arbitration: super::arbitration_facts(
            Category::from_code(&text(4)?).unwrap_or(Category::Other),
            opt(33)?,
            opt(34)?,
            opt(35)?,
        ),
    })
}

/// What the officer chose in the route dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReferral {
    pub visit_id: String,
    pub service_id: String,
    /// The visitor agreed that their details go to the receiving service.
    pub consent: bool,
    /// Without consent: why the officer refers anyway (recorded).
    pub consent_override: String,
    pub note: String,
    pub urgency: Urgency,
    pub due_on: NaiveDate,
    /// A jobs referral made from the lookup pane names the opening.
    pub job_id: Option<String>,
}

/// Which referrals the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// 待受理, 已受理 and 办理中: what still needs someone.
    #[default]
    Open,
    One(ReferralStatus),
    All,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueFilter {
    /// Only referrals this officer owns or is being handed.
    pub mine: Option<String>,
    pub kind: Option<ServiceKind>,
    pub status: StatusFilter,
    pub overdue_only: bool,
}

/// The numbers in the queue's tab title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueCounts {
    pub open: i64,
    pub overdue: i64,
    pub due_today: i64,
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn refused(said: Said) -> StoreError {
    StoreError::Refused(said)
}

/// The shift log's line for a referral created or changed at the desk.
pub(in crate::store) fn log_referral(
    conn: &Connection,
    station_id: &str,
    row: &ReferralRow,
    officer_id: &str,
    now: DateTime<Utc>,
    event: ReferralEvent,
) -> Result<(), StoreError> {
    let kind = if row.job_id.is_some() {
        EntryKind::Job
    } else {
        EntryKind::Referral
    };
    let fact = LogFact::Referral {
        visitor: row.visitor_name.clone(),
        service: row.service_name.clone(),
        kind: row.kind,
        event,
    };
    shifts::log_desk(
        conn,
        station_id,
        officer_id,
        now,
        kind,
        shifts::Said::Fact(&fact),
        Some(&row.id),
    )?;
    Ok(())
}

/// The event detail: from → to and the officer's words, as JSON.
fn detail(from: &str, to: &str, note: &str) -> String {
    serde_json::json!({ "from": from, "to": to, "note": note }).to_string()
}

/// A decline's event detail: the reason as its code (shown in the reader's language),
/// beside from → to and the note.
fn decline_detail(from: &str, to: &str, reason: DeclineReason, note: &str) -> String {
    serde_json::json!({ "from": from, "to": to, "reason": reason.code(), "note": note }).to_string()
}

/// A follow-up visit (回访) in the history of the referral it came back about, written in
/// the visit's own transaction. The referral must be this visitor's and still open (another
/// desk may have closed it since the officer was asked); the referral itself is unchanged.
pub(super) fn record_follow_up(
    conn: &Connection,
    referral_id: &str,
    visitor_id: &str,
    visit_id: &str,
    by: (&str, &str),
    note: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (station_id, officer_id) = by;
    let found: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT t.visitor_id, r.status FROM referral r JOIN visit t ON t.id = r.visit_id
             WHERE r.id = ?1",
        )?
        .query_row([referral_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((_, status)) = found.filter(|(of, _)| of == visitor_id) else {
        return Err(refused(Said::new("store.referral.not_this_visitors")));
    };
    let status = ReferralStatus::from_code(&status).unwrap_or(ReferralStatus::Closed);
    if !status.is_open() {
        return Err(refused(
            Said::new("store.referral.follow_up_closed").with_arg("status", status.arg_lower()),
        ));
    }
    events::record(
        conn,
        NewEvent {
            station_id,
            entity: "referral",
            entity_id: referral_id,
            action: "follow_up",
            officer_id: Some(officer_id),
            at,
            detail: &serde_json::json!({ "visit": visit_id, "note": note }).to_string(),
        },
    )?;
    Ok(())
}

pub(in crate::store) fn load(conn: &Connection, id: &str) -> Result<ReferralRow, StoreError> {
    let sql = format!("{REFERRAL_SELECT} WHERE r.id = ?1");
    conn.query_row(&sql, [id], referral_from_row)
        .optional()?
        .ok_or_else(|| refused(Said::new("store.referral.no_such_referral")))
}

/// Refuses a change made against a version another desk has since replaced, saying what
/// the other desk did.
fn check_version(current: &ReferralRow, expected: i64) -> Result<(), StoreError> {
    if current.version == expected {
        return Ok(());
    }
    Err(refused(
        Said::new("store.referral.changed_elsewhere")
            .with_arg("status", current.status.arg_lower())
            .with("owner", &current.owner_name),
    ))
}

impl Store {
    /// Routes a visit to a service. Refused without the visitor's consent unless an
    /// override reason is given, and for a service that is not active.
    pub fn create_referral(
        &mut self,
        new: &NewReferral,
        station_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        if !new.consent && new.consent_override.trim().is_empty() {
            return Err(refused(Said::new("store.referral.no_consent")));
        }
        let tx = self.write_tx()?;
        let row = insert_referral(&tx, new, station_id, officer_id, now)?;
        tx.commit()?;
        Ok(row)
    }

    pub fn referral(&self, id: &str) -> Result<ReferralRow, StoreError> {
        load(&self.conn, id)
    }

    pub fn referral_detail(&self, id: &str) -> Result<ReferralDetail, StoreError> {
        let referral = load(&self.conn, id)?;
        let service = self
            .service(&referral.service_id)?
            .ok_or_else(|| refused(Said::new("store.no_such_service")))?;
        let history = self.events_for(id)?;
        Ok(ReferralDetail {
            referral,
            service,
            history,
        })
    }

    /// A person's open referrals, newest first: what a new visit of theirs may follow up.
    pub fn open_referrals_of_visitor(
        &self,
        visitor_id: &str,
    ) -> Result<Vec<ReferralRow>, StoreError> {
        // From the person's visits to their referrals, each by its index: left to itself
        // the planner walks every open referral (29 ms a save at 2,000 open; this: 0.06).
        let select = REFERRAL_SELECT.replacen(
            "FROM referral r",
            "FROM referral r INDEXED BY referral_by_visit",
            1,
        );
        let sql = format!(
            "{select} WHERE r.visit_id IN (SELECT id FROM visit WHERE visitor_id = ?1)
               AND r.status IN ('sent', 'accepted', 'in_progress')
             ORDER BY r.created_at DESC, r.rowid DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([visitor_id], referral_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn referrals_of_visit(&self, visit_id: &str) -> Result<Vec<ReferralRow>, StoreError> {
        let sql = format!("{REFERRAL_SELECT} WHERE r.visit_id = ?1 ORDER BY r.created_at");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([visit_id], referral_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A new referral written in the caller's transaction, with its event and log line (the
/// consent already checked by the caller).
pub(in crate::store) fn insert_referral(
    tx: &Connection,
    new: &NewReferral,
    station_id: &str,
    officer_id: &str,
    now: DateTime<Utc>,
) -> Result<ReferralRow, StoreError> {
    let service: Service = {
        let sql = format!("{} WHERE id = ?1", super::services::SERVICE_SELECT);
        tx.query_row(&sql, [&new.service_id], super::services::service_from_row)
            .optional()?
            .ok_or_else(|| refused(Said::new("store.no_such_service")))?
    };
    if service.status != ServiceStatus::Active {
        return Err(refused(
            Said::new("store.referral.service_not_active")
                .with("service", &service.name)
                .with_arg("status", service.status.arg_lower()),
        ));
    }
    let id = new_id();
    let t = ts(now);
    tx.execute(
        "INSERT INTO referral(id, station_id, visit_id, service_id, kind, owner_id, status,
           consent, consent_override, note, urgency, due_on, created_at, updated_at, job_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sent', ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
        params![
            id,
            station_id,
            new.visit_id,
            service.id,
            service.kind.code(),
            officer_id,
            i64::from(new.consent),
            new.consent_override.trim(),
            new.note.trim(),
            new.urgency.code(),
            date(new.due_on),
            t,
            new.job_id
        ],
    )?;
    let note = if new.consent {
        new.note.trim().to_string()
    } else {
        format!(
            "[未经同意:{}] {}",
            new.consent_override.trim(),
            new.note.trim()
        )
    };
    events::record(
        tx,
        NewEvent {
            station_id,
            entity: "referral",
            entity_id: &id,
            action: "created",
            officer_id: Some(officer_id),
            at: now,
            detail: &detail("", "sent", note.trim()),
        },
    )?;
    let row = load(tx, &id)?;
    log_referral(
        tx,
        station_id,
        &row,
        officer_id,
        now,
        ReferralEvent::Sent {
            note: new.note.trim().to_string(),
            without_consent: (!new.consent).then(|| new.consent_override.trim().to_string()),
        },
    )?;
    Ok(row)
}

fn station_of(conn: &Connection, referral_id: &str) -> Result<String, StoreError> {
    Ok(conn.query_row(
        "SELECT station_id FROM referral WHERE id = ?1",
        [referral_id],
        |r| r.get(0),
    )?)
}

//! The ledger (台账) as it leaves the desk (`dutydesk export visits`, `e` in F5): each
//! visit of a period with its person as now recorded and the referrals made from it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{Store, StoreError, parse_ts, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Gender, Membership, Occupation, Urgency};
use crate::domain::referral::{Outcome, ReferralStatus};
use crate::domain::shift::Disposition;

/// One visit as a ledger row.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerVisit {
    pub visited_at: DateTime<Utc>,
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub gender: Gender,
    pub employer: String,
    /// The visitor's group as it was at the visit.
    pub occupation: Occupation,
    /// The person's occupation note, where their occupation is still the visit's.
    pub occupation_note: String,
    pub hometown: String,
    /// Membership as it was at the visit.
    pub membership: Membership,
    pub channel: Channel,
    pub category: Category,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    pub urgency: Urgency,
    pub summary: String,
    /// 首问责任人 (接待人).
    pub officer_name: String,
    /// What became of it (对账), once recorded.
    pub disposition: Option<Disposition>,
    /// A follow-up (回访) of an open case rather than a new request.
    pub follow_up: bool,
    /// Referrals made from the visit, oldest first.
    pub referrals: Vec<LedgerReferral>,
}

/// A referral as the ledger reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerReferral {
    pub service_name: String,
    pub status: ReferralStatus,
    pub outcome: Option<Outcome>,
    pub due_on: NaiveDate,
    /// 承办人: who holds it now.
    pub owner_name: String,
}

const LEDGER_SELECT: &str = "SELECT t.id, t.visited_at, v.name, v.phone, v.id_number, v.gender, \
     v.employer, t.occupation, CASE WHEN t.occupation = v.occupation THEN v.occupation_note ELSE '' END, \
     v.hometown, t.membership, t.channel, t.category, t.headcount, t.amount_owed_fen, t.urgency, \
     t.summary, o.name, t.disposition, t.follows_referral IS NOT NULL \
     FROM visit t JOIN visitor v ON v.id = t.visitor_id JOIN officer o ON o.id = t.officer_id \
     WHERE t.visited_at >= ?1 AND t.visited_at < ?2 ORDER BY t.visited_at, t.rowid";

const REFERRAL_SELECT: &str = "SELECT r.visit_id, s.name, r.status, r.outcome, r.due_on, o.name \
     FROM referral r JOIN visit t ON t.id = r.visit_id JOIN service s ON s.id = r.service_id \
     JOIN officer o ON o.id = r.owner_id \
     WHERE t.visited_at >= ?1 AND t.visited_at < ?2 ORDER BY r.created_at, r.rowid";

impl Store {
    /// The visits in `[from, to)`, oldest first, each with its person and referrals.
    pub fn ledger(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<LedgerVisit>, StoreError> {
        let mut referrals: HashMap<String, Vec<LedgerReferral>> = HashMap::new();
        let mut stmt = self.conn.prepare(REFERRAL_SELECT)?;
        let mut rows = stmt.query(params![ts(from), ts(to)])?;
        while let Some(r) = rows.next()? {
            let status: String = r.get(2)?;
            let outcome: Option<String> = r.get(3)?;
            let due: String = r.get(4)?;
            referrals
                .entry(r.get(0)?)
                .or_default()
                .push(LedgerReferral {
                    service_name: r.get(1)?,
                    status: ReferralStatus::from_code(&status).unwrap_or(ReferralStatus::Sent),
                    outcome: outcome.and_then(|c| Outcome::from_code(&c)),
                    due_on: NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap_or_default(),
                    owner_name: r.get(5)?,
                });
        }
        let mut stmt = self.conn.prepare(LEDGER_SELECT)?;
        let mut rows = stmt.query(params![ts(from), ts(to)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let code = |i: usize| -> rusqlite::Result<String> { r.get(i) };
            let id: String = r.get(0)?;
            out.push(LedgerVisit {
                visited_at: parse_ts(&code(1)?).unwrap_or_default(),
                name: r.get(2)?,
                phone: r.get(3)?,
                id_number: r.get(4)?,
                gender: Gender::from_code(&code(5)?).unwrap_or(Gender::Unknown),
                employer: r.get(6)?,
                occupation: Occupation::from_code(&code(7)?).unwrap_or(Occupation::Unknown),
                occupation_note: r.get(8)?,
                hometown: r.get(9)?,
                membership: Membership::from_code(&code(10)?).unwrap_or(Membership::Unknown),
                channel: Channel::from_code(&code(11)?).unwrap_or(Channel::WalkIn),
                category: Category::from_code(&code(12)?).unwrap_or(Category::Other),
                headcount: r.get(13)?,
                amount_owed_fen: r.get(14)?,
                urgency: Urgency::from_code(&code(15)?).unwrap_or(Urgency::Normal),
                summary: r.get(16)?,
                officer_name: r.get(17)?,
                disposition: r
                    .get::<_, Option<String>>(18)?
                    .and_then(|d| Disposition::from_code(&d)),
                follow_up: r.get(19)?,
                referrals: referrals.remove(&id).unwrap_or_default(),
            });
        }
        Ok(out)
    }
}

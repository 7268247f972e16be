//! Visits: saving an intake (visitor + visit + keys + history in one transaction) and
//! reading them back for the day's list and the detail view, a file per job: person.rs
//! (who an intake is about, and what saving it would change), save.rs (the save),
//! read.rs (the lists and a visit's record), import.rs (a ledger's rows).

mod import;
mod person;
mod read;
mod save;

pub use import::ImportRow;
pub use person::IntakePlan;
pub(super) use person::{person_changes, said_in};
pub(super) use save::insert_intake;

use chrono::{DateTime, Utc};

use super::visitors::VisitorRow;
use super::{EventRow, parse_ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Urgency};
use crate::domain::shift::Disposition;

#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub id: String,
    pub visited_at: DateTime<Utc>,
    pub visitor_id: String,
    pub visitor_name: String,
    pub channel: Channel,
    pub category: Category,
    pub urgency: Urgency,
    pub officer_name: String,
    pub summary: String,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    /// What became of it (对账), once recorded.
    pub disposition: Option<Disposition>,
    pub disposition_note: String,
    /// A follow-up visit (回访): the referral it came back about.
    pub follows_referral: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VisitDetail {
    pub visit: VisitRow,
    pub visitor: VisitorRow,
    pub history: Vec<EventRow>,
    pub earlier_visits: Vec<VisitRow>,
    /// Where this visit was routed.
    pub referrals: Vec<super::ReferralRow>,
    /// For a follow-up visit (回访): the referral it came back about.
    pub follows: Option<super::ReferralRow>,
    /// What decides its arbitration time limit (issue 19).
    pub arbitration: crate::domain::arbitration::Facts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SavedIntake {
    pub visit_id: String,
    pub visitor_id: String,
    pub returning: bool,
}

pub(super) const VISIT_SELECT: &str = "SELECT t.id, t.visited_at, t.visitor_id, v.name, t.channel, t.category, \
     t.urgency, o.name, t.summary, t.headcount, t.amount_owed_fen, t.disposition, t.disposition_note, \
     t.follows_referral FROM visit t JOIN visitor v ON v.id = t.visitor_id JOIN officer o ON o.id = t.officer_id";

pub(super) fn visit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
    let at: String = r.get(1)?;
    let channel: String = r.get(4)?;
    let category: String = r.get(5)?;
    let urgency: String = r.get(6)?;
    Ok(VisitRow {
        id: r.get(0)?,
        visited_at: parse_ts(&at).unwrap_or_default(),
        visitor_id: r.get(2)?,
        visitor_name: r.get(3)?,
        channel: Channel::from_code(&channel).unwrap_or(Channel::WalkIn),
        category: Category::from_code(&category).unwrap_or(Category::Other),
        urgency: Urgency::from_code(&urgency).unwrap_or(Urgency::Normal),
        officer_name: r.get(7)?,
        summary: r.get(8)?,
        headcount: r.get(9)?,
        amount_owed_fen: r.get(10)?,
        disposition: r
            .get::<_, Option<String>>(11)?
            .and_then(|d| Disposition::from_code(&d)),
        disposition_note: r.get(12)?,
        follows_referral: r.get(13)?,
    })
}

/// Who records the visit and when; `visited_at` differs from `now` for imported ledgers.
pub(crate) struct Stamp<'a> {
    pub station_id: &'a str,
    pub officer_id: &'a str,
    pub visited_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// From a ledger import rather than typed at the desk.
    pub imported: bool,
}

/// What a visitor's search keys are made of, as saved.
pub(crate) struct KeyFacts {
    name: String,
    phone: Option<String>,
    id_number: Option<String>,
    /// The keys the file holds for the person are not these (a new person, or a new
    /// name, phone or ID number): a returning visitor's are not written again for nothing.
    stale: bool,
}

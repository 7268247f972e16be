//! Totals for reporting upward (汇总报送) and for the end-of-shift review: visits by
//! channel, category and visitor group; referrals by kind and outcome; money recovered
//! and paid; people placed; what was overdue at the end.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::{Store, StoreError, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Membership, Occupation};
use crate::domain::referral::{Outcome, ServiceKind};

/// Counts per item, in the item's list order, items with no count left out.
pub type Counts<T> = Vec<(T, i64)>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindFigures {
    pub opened: i64,
    pub closed: i64,
    pub resolved: i64,
    pub partly: i64,
    pub not_resolved: i64,
    pub declined: i64,
    pub overdue: i64,
}

/// An open referral past its due date at the end of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueRow {
    pub visitor_name: String,
    /// E.164; masked by whoever shows it unless asked otherwise.
    pub phone: Option<String>,
    pub kind: ServiceKind,
    pub service_name: String,
    pub owner_name: String,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub visits: i64,
    pub by_channel: Counts<Channel>,
    /// New requests by category: follow-up visits are counted apart, as `follow_ups`.
    pub by_category: Counts<Category>,
    /// Follow-up visits (回访) about a referral already open: not new requests.
    pub follow_ups: i64,
    pub by_occupation: Counts<Occupation>,
    pub by_membership: Counts<Membership>,
    /// Group wage cases: workers concerned across the new requests counted (a follow-up
    /// brings no new workers).
    pub workers_in_visits: i64,
    pub referrals: Vec<(ServiceKind, KindFigures)>,
    pub wages_recovered_fen: i64,
    pub workers_covered: i64,
    pub aid_paid_fen: i64,
    /// Jobs referrals closed as resolved: people placed in work.
    pub placed: i64,
    pub overdue: Vec<OverdueRow>,
}

/// Which visits to count.
#[derive(Debug, Clone, Copy)]
pub enum VisitScope<'a> {
    /// Visited in `[from, to)`.
    Between(DateTime<Utc>, DateTime<Utc>),
    /// Belonging to a shift.
    Shift(&'a str),
}

/// Adds one to the slot of `code` in `counts` (laid out as `T::ALL`); unknown codes go to
/// `fallback`.
fn tally<T: Labeled + PartialEq>(counts: &mut [i64], code: &str, fallback: T, n: i64) {
    let i = T::ALL
        .iter()
        .position(|t| t.code() == code)
        .or_else(|| T::ALL.iter().position(|t| *t == fallback))
        .unwrap_or(0);
    counts[i] += n;
}

fn listed<T: Labeled>(counts: &[i64]) -> Counts<T> {
    T::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(t, n)| (*t, *n))
        .collect()
}

/// Column `i` of a row as text, borrowed (no String per row on hot tallies).
fn text_at<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn count_visits(conn: &Connection, scope: VisitScope<'_>, t: &mut Totals) -> rusqlite::Result<()> {
    // A period streams one covering index in time order and is tallied here: no table
    // rows read and no sort (GROUP BY over a year's rows sorted them, at 0.5 s).
    const COLUMNS: &str = "SELECT channel, category, occupation, membership, headcount";
    let (sql, args) = match scope {
        VisitScope::Between(from, to) => (
            format!(
                "{COLUMNS} FROM visit INDEXED BY visit_report
                 WHERE visited_at >= ?1 AND visited_at < ?2"
            ),
            vec![ts(from), ts(to)],
        ),
        VisitScope::Shift(id) => (
            format!("{COLUMNS} FROM visit WHERE shift_id = ?1"),
            vec![id.to_string()],
        ),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(&args))?;
    let mut ch = vec![0; Channel::ALL.len()];
    let mut cat = vec![0; Category::ALL.len()];
    let mut occ = vec![0; Occupation::ALL.len()];
    let mut mem = vec![0; Membership::ALL.len()];
    while let Some(r) = rows.next()? {
        let text = |i| text_at(r, i);
        tally(&mut ch, text(0)?, Channel::WalkIn, 1);
        tally(&mut cat, text(1)?, Category::Other, 1);
        tally(&mut occ, text(2)?, Occupation::Other, 1);
        tally(&mut mem, text(3)?, Membership::Unknown, 1);
        t.visits += 1;
        t.workers_in_visits += r.get::<_, Option<i64>>(4)?.unwrap_or(1);
    }
    // Follow-ups (回访), read apart through their own small index: taken out of the
    // requests and the workers concerned, counted as what they are.
    let sql = match scope {
        VisitScope::Between(..) => {
            "SELECT category, headcount FROM visit INDEXED BY visit_follow_up
             WHERE follows_referral IS NOT NULL AND visited_at >= ?1 AND visited_at < ?2"
        }
        VisitScope::Shift(_) => {
            "SELECT category, headcount FROM visit
             WHERE shift_id = ?1 AND follows_referral IS NOT NULL"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        tally(&mut cat, text_at(r, 0)?, Category::Other, -1);
        t.follow_ups += 1;
        t.workers_in_visits -= r.get::<_, Option<i64>>(1)?.unwrap_or(1);
    }
    t.by_channel = listed(&ch);
    t.by_category = listed(&cat);
    t.by_occupation = listed(&occ);
    t.by_membership = listed(&mem);
    Ok(())
}

/// Referrals open at `to` and due before `end_date`, in three disjoint parts each read
/// from its own index: still open now; closed since `to`; declined since `to`. (A
/// reopened referral has no `closed_at`, so it is counted once, as open.)
const OVERDUE_AT_END: &str = "
    SELECT id, kind FROM referral INDEXED BY referral_by_due
     WHERE status IN ('sent', 'accepted', 'in_progress') AND due_on < ?3 AND created_at < ?2
    UNION ALL
    SELECT id, kind FROM referral INDEXED BY referral_by_closed
     WHERE closed_at >= ?2 AND due_on < ?3 AND created_at < ?2
    UNION ALL
    SELECT id, kind FROM referral INDEXED BY referral_by_status
     WHERE status = 'declined' AND updated_at >= ?2 AND due_on < ?3 AND created_at < ?2";

fn count_referrals(
    conn: &Connection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    end_date: NaiveDate,
    with_list: bool,
    t: &mut Totals,
) -> rusqlite::Result<()> {
    let mut figures: HashMap<ServiceKind, KindFigures> = HashMap::new();
    let (f, e) = (ts(from), ts(to));
    let end = end_date.format("%Y-%m-%d").to_string();
    let kind_of = |s: &str| ServiceKind::from_code(s).unwrap_or(ServiceKind::Agency);
    {
        // Streamed from covering indexes and tallied here, like the visits (no sort).
        let mut stmt = conn.prepare_cached(
            "SELECT kind FROM referral INDEXED BY referral_by_created
             WHERE created_at >= ?1 AND created_at < ?2",
        )?;
        let mut rows = stmt.query(params![f, e])?;
        while let Some(r) = rows.next()? {
            figures.entry(kind_of(text_at(r, 0)?)).or_default().opened += 1;
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, outcome, wages_recovered_fen, workers_covered, aid_paid_fen
             FROM referral INDEXED BY referral_by_closed
             WHERE closed_at >= ?1 AND closed_at < ?2 AND status = 'closed'",
        )?;
        let mut rows = stmt.query(params![f, e])?;
        while let Some(r) = rows.next()? {
            let kind = kind_of(text_at(r, 0)?);
            let outcome = r
                .get::<_, Option<String>>(1)?
                .and_then(|o| Outcome::from_code(&o));
            let k = figures.entry(kind).or_default();
            k.closed += 1;
            match outcome {
                Some(Outcome::Resolved) => k.resolved += 1,
                Some(Outcome::Partly) => k.partly += 1,
                // Handed on: its outcome is the other station's to record.
                Some(Outcome::Transferred) => {}
                Some(Outcome::NotResolved) | None => k.not_resolved += 1,
            }
            if kind == ServiceKind::Jobs && outcome == Some(Outcome::Resolved) {
                t.placed += 1;
            }
            t.wages_recovered_fen += r.get::<_, Option<i64>>(2)?.unwrap_or(0);
            t.workers_covered += r.get::<_, Option<i64>>(3)?.unwrap_or(0);
            t.aid_paid_fen += r.get::<_, Option<i64>>(4)?.unwrap_or(0);
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, count(*) FROM referral INDEXED BY referral_by_status
             WHERE status = 'declined' AND updated_at >= ?1 AND updated_at < ?2 GROUP BY kind",
        )?;
        let mut rows = stmt.query(params![f, e])?;
        while let Some(r) = rows.next()? {
            figures.entry(kind_of(text_at(r, 0)?)).or_default().declined = r.get(1)?;
        }
    }
    {
        // Streamed and tallied here too: a GROUP BY sorted thousands of overdue rows.
        let sql = format!("SELECT kind FROM ({OVERDUE_AT_END})");
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![f, e, end])?;
        while let Some(r) = rows.next()? {
            figures.entry(kind_of(text_at(r, 0)?)).or_default().overdue += 1;
        }
    }
    if with_list {
        let sql = format!(
            "SELECT v.name, v.phone, r.kind, s.name, o.name, r.due_on
             FROM referral r JOIN visit t ON t.id = r.visit_id
             JOIN visitor v ON v.id = t.visitor_id JOIN service s ON s.id = r.service_id
             JOIN officer o ON o.id = r.owner_id
             WHERE r.id IN (SELECT id FROM ({OVERDUE_AT_END})) ORDER BY r.due_on, r.created_at"
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![f, e, end], |r| {
            let due: String = r.get(5)?;
            Ok(OverdueRow {
                visitor_name: r.get(0)?,
                phone: r.get(1)?,
                kind: kind_of(text_at(r, 2)?),
                service_name: r.get(3)?,
                owner_name: r.get(4)?,
                due_on: NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap_or_default(),
            })
        })?;
        t.overdue = rows.collect::<Result<_, _>>()?;
    }
    t.referrals = ServiceKind::ALL
        .iter()
        .filter_map(|k| figures.remove(k).map(|f| (*k, f)))
        .collect();
    Ok(())
}

impl Store {
    /// The totals of a period or a shift. Referral figures count what happened in
    /// `[from, to)`; overdue means open at `to` and due before `end_date`. The list of
    /// overdue referrals is read only when `with_list`.
    pub fn totals(
        &self,
        visits: VisitScope<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        end_date: NaiveDate,
        with_list: bool,
    ) -> Result<Totals, StoreError> {
        let mut t = Totals::default();
        count_visits(&self.conn, visits, &mut t)?;
        count_referrals(&self.conn, from, to, end_date, with_list, &mut t)?;
        Ok(t)
    }

    /// Visits on each station-local day from `first` to `last` inclusive (a sparkline's
    /// days), read from the per-day counts the triggers keep.
    pub fn visits_per_day(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<u64>, StoreError> {
        let days = (last - first).num_days().max(-1) + 1;
        let mut out = vec![0u64; usize::try_from(days).unwrap_or(0)];
        let mut stmt = self
            .conn
            .prepare_cached("SELECT day, visits FROM visit_day WHERE day >= ?1 AND day <= ?2")?;
        let mut rows = stmt.query(params![
            first.format("%Y-%m-%d").to_string(),
            last.format("%Y-%m-%d").to_string()
        ])?;
        while let Some(r) = rows.next()? {
            let day = NaiveDate::parse_from_str(text_at(r, 0)?, "%Y-%m-%d");
            let visits: i64 = r.get(1)?;
            if let Ok(day) = day
                && let Ok(i) = usize::try_from((day - first).num_days())
                && let Some(slot) = out.get_mut(i)
            {
                *slot = u64::try_from(visits).unwrap_or(0);
            }
        }
        Ok(out)
    }
}

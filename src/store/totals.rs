//! Totals for reporting upward (汇总报送) and for the end-of-shift review: visits by
//! channel, category and visitor group; referrals by kind and outcome; money recovered
//! and paid; people placed; what was overdue at the end.

use std::collections::HashMap;
use std::hash::Hash;

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
    pub by_category: Counts<Category>,
    pub by_occupation: Counts<Occupation>,
    pub by_membership: Counts<Membership>,
    /// Group wage cases: workers concerned across the visits counted.
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

fn in_list_order<T: Labeled + Eq + Hash>(map: HashMap<T, i64>) -> Counts<T> {
    T::ALL
        .iter()
        .filter_map(|t| map.get(t).map(|n| (*t, *n)))
        .collect()
}

fn count_visits(conn: &Connection, scope: VisitScope<'_>, t: &mut Totals) -> rusqlite::Result<()> {
    // One grouped pass; the four breakdowns are folded from it here.
    let (filter, a, b) = match scope {
        VisitScope::Between(from, to) => {
            ("t.visited_at >= ?1 AND t.visited_at < ?2", ts(from), ts(to))
        }
        VisitScope::Shift(id) => ("t.shift_id = ?1 AND ?2 = ?2", id.to_string(), String::new()),
    };
    // A period is counted from one covering index (no table rows read).
    let index = match scope {
        VisitScope::Between(..) => "INDEXED BY visit_report",
        VisitScope::Shift(_) => "",
    };
    let sql = format!(
        "SELECT t.channel, t.category, t.occupation, t.membership, count(*),
                sum(coalesce(t.headcount, 1))
         FROM visit t {index} WHERE {filter}
         GROUP BY 1, 2, 3, 4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params![a, b])?;
    let (mut ch, mut cat, mut occ, mut mem) = (
        HashMap::new(),
        HashMap::new(),
        HashMap::new(),
        HashMap::new(),
    );
    while let Some(r) = rows.next()? {
        let n: i64 = r.get(4)?;
        let workers: i64 = r.get(5)?;
        let code = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        *ch.entry(Channel::from_code(&code(0)?).unwrap_or(Channel::WalkIn))
            .or_insert(0) += n;
        *cat.entry(Category::from_code(&code(1)?).unwrap_or(Category::Other))
            .or_insert(0) += n;
        *occ.entry(Occupation::from_code(&code(2)?).unwrap_or(Occupation::Other))
            .or_insert(0) += n;
        *mem.entry(Membership::from_code(&code(3)?).unwrap_or(Membership::Unknown))
            .or_insert(0) += n;
        t.visits += n;
        t.workers_in_visits += workers;
    }
    t.by_channel = in_list_order(ch);
    t.by_category = in_list_order(cat);
    t.by_occupation = in_list_order(occ);
    t.by_membership = in_list_order(mem);
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
    let kind_of = |s: String| ServiceKind::from_code(&s).unwrap_or(ServiceKind::Agency);
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, count(*) FROM referral WHERE created_at >= ?1 AND created_at < ?2
             GROUP BY kind",
        )?;
        let mut rows = stmt.query(params![f, e])?;
        while let Some(r) = rows.next()? {
            figures.entry(kind_of(r.get(0)?)).or_default().opened = r.get(1)?;
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, outcome, count(*), sum(coalesce(wages_recovered_fen, 0)),
                    sum(coalesce(workers_covered, 0)), sum(coalesce(aid_paid_fen, 0))
             FROM referral INDEXED BY referral_by_closed
             WHERE closed_at >= ?1 AND closed_at < ?2 AND status = 'closed'
             GROUP BY kind, outcome",
        )?;
        let mut rows = stmt.query(params![f, e])?;
        while let Some(r) = rows.next()? {
            let kind = kind_of(r.get(0)?);
            let outcome = r
                .get::<_, Option<String>>(1)?
                .and_then(|o| Outcome::from_code(&o));
            let n: i64 = r.get(2)?;
            let k = figures.entry(kind).or_default();
            k.closed += n;
            match outcome {
                Some(Outcome::Resolved) => k.resolved += n,
                Some(Outcome::Partly) => k.partly += n,
                Some(Outcome::NotResolved) | None => k.not_resolved += n,
            }
            if kind == ServiceKind::Jobs && outcome == Some(Outcome::Resolved) {
                t.placed += n;
            }
            t.wages_recovered_fen += r.get::<_, i64>(3)?;
            t.workers_covered += r.get::<_, i64>(4)?;
            t.aid_paid_fen += r.get::<_, i64>(5)?;
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, count(*) FROM referral INDEXED BY referral_by_status
             WHERE status = 'declined' AND updated_at >= ?1 AND updated_at < ?2 GROUP BY kind",
        )?;
        let mut rows = stmt.query(params![f, e])?;
        while let Some(r) = rows.next()? {
            figures.entry(kind_of(r.get(0)?)).or_default().declined = r.get(1)?;
        }
    }
    {
        let sql = format!("SELECT kind, count(*) FROM ({OVERDUE_AT_END}) GROUP BY kind");
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![f, e, end])?;
        while let Some(r) = rows.next()? {
            figures.entry(kind_of(r.get(0)?)).or_default().overdue = r.get(1)?;
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
                kind: kind_of(r.get(2)?),
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

    /// Visits in each of the given `[from, to)` windows (a sparkline's days).
    pub fn visits_per_window(
        &self,
        windows: &[(DateTime<Utc>, DateTime<Utc>)],
    ) -> Result<Vec<u64>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FROM visit WHERE visited_at >= ?1 AND visited_at < ?2",
        )?;
        let mut out = Vec::with_capacity(windows.len());
        for (from, to) in windows {
            let n: i64 = stmt.query_row(params![ts(*from), ts(*to)], |r| r.get(0))?;
            out.push(n as u64);
        }
        Ok(out)
    }
}

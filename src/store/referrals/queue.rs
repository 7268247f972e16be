//! The referral queue and the counts and groups read beside it.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{
    QueueCounts, QueueFilter, REFERRAL_SELECT, ReferralRow, StatusFilter, date, referral_from_row,
};
use crate::domain::labels::Labeled;
use crate::store::{Store, StoreError, ts};

impl Store {
    /// The queue: open referrals whose arbitration limit is 60 days away or nearer first
    /// (nearest first), then by due date (overdue first, most late first), at most
    /// `limit`. Other statuses are listed most recently changed first.
    pub fn queue(
        &self,
        f: &QueueFilter,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ReferralRow>, StoreError> {
        let open_only = match f.status {
            StatusFilter::Open => true,
            StatusFilter::One(s) => s.is_open(),
            StatusFilter::All => f.overdue_only,
        };
        if !open_only {
            return self.queue_by_due(f, today, limit);
        }
        let mut first = self.arbitration_closing(f, today, limit)?;
        let rest = self.queue_by_due(f, today, limit + first.len())?;
        let ids: HashSet<String> = first.iter().map(|r| r.id.clone()).collect();
        first.extend(rest.into_iter().filter(|r| !ids.contains(&r.id)));
        first.truncate(limit);
        Ok(first)
    }

    /// The open referrals of [`Store::queue`]'s filter whose visit's arbitration limit
    /// ends within 60 days of `today` (and has not passed), nearest first: found through
    /// the index of visits' last days, so the queue stays an index walk.
    fn arbitration_closing(
        &self,
        f: &QueueFilter,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ReferralRow>, StoreError> {
        use crate::domain::arbitration::WARNING_DAYS;
        let status_code = match f.status {
            StatusFilter::One(s) => s.code(),
            _ => "",
        };
        let mut stmt = self.conn.prepare_cached(&arbitration_closing_sql())?;
        let rows = stmt.query_map(
            params![
                f.mine,
                f.kind.map(|k| k.code()),
                f.overdue_only.then(|| date(today)),
                status_code,
                crate::store::sql_limit(limit),
                date(today),
                date(today + chrono::Duration::days(WARNING_DAYS)),
            ],
            referral_from_row,
        )?;
        let rows: Vec<ReferralRow> = rows.collect::<Result<_, _>>()?;
        // The stored day is the rule's at the save; the clock is asked again, so a visit
        // whose facts no longer give a near day (its category corrected) is not put first.
        Ok(rows
            .into_iter()
            .filter(|r| r.arbitration.clock(today).is_closing())
            .collect())
    }

    /// The queue by due date alone (see [`Store::queue`]).
    fn queue_by_due(
        &self,
        f: &QueueFilter,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<ReferralRow>, StoreError> {
        // Only open referrals can be overdue: "overdue" with a closed status is empty, and
        // with all statuses it is the open queue's overdue part.
        let status = match (f.overdue_only, f.status) {
            (true, StatusFilter::One(s)) if !s.is_open() => return Ok(Vec::new()),
            (true, StatusFilter::All) => StatusFilter::Open,
            (_, s) => s,
        };
        let status_code = match status {
            StatusFilter::One(s) => s.code(),
            _ => "",
        };
        let mut stmt = self.conn.prepare_cached(&queue_sql(status))?;
        let overdue = f.overdue_only.then(|| date(today));
        let rows = stmt.query_map(
            params![
                f.mine,
                f.kind.map(|k| k.code()),
                overdue,
                status_code,
                crate::store::sql_limit(limit)
            ],
            referral_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Open, overdue and due-today counts, for the tab title.
    pub fn queue_counts(&self, today: NaiveDate) -> Result<QueueCounts, StoreError> {
        // Three counts on the partial index of open referrals' due dates, which holds
        // everything they need (no table rows read).
        let mut stmt = self.conn.prepare_cached(
            "SELECT
               (SELECT count(*) FROM referral INDEXED BY referral_by_due
                 WHERE status IN ('sent', 'accepted', 'in_progress')),
               (SELECT count(*) FROM referral INDEXED BY referral_by_due
                 WHERE status IN ('sent', 'accepted', 'in_progress') AND due_on < ?1),
               (SELECT count(*) FROM referral INDEXED BY referral_by_due
                 WHERE status IN ('sent', 'accepted', 'in_progress') AND due_on = ?1)",
        )?;
        Ok(stmt.query_row([date(today)], |r| {
            Ok(QueueCounts {
                open: r.get(0)?,
                overdue: r.get(1)?,
                due_today: r.get(2)?,
            })
        })?)
    }

    /// Employers named by at least `min` different people in wage-arrears visits since
    /// `since`: possible collective cases (群体性欠薪). One worker's follow-up visits
    /// count once.
    pub fn collective_employers(
        &self,
        since: DateTime<Utc>,
        min: i64,
    ) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.employer FROM visit t JOIN visitor v ON v.id = t.visitor_id
             WHERE t.visited_at >= ?1 AND t.category = 'wage_arrears' AND v.employer <> ''
             GROUP BY v.employer HAVING count(DISTINCT t.visitor_id) >= ?2",
        )?;
        let rows = stmt.query_map(params![ts(since), min], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many different people came about wage arrears naming `employer` since
    /// `since`, leaving out `except` (the visitor in hand, counted by the caller once).
    /// No employer named is no group (and the partial index on employers holds none).
    pub fn wage_workers_of_employer(
        &self,
        employer: &str,
        since: DateTime<Utc>,
        except: Option<&str>,
    ) -> Result<i64, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(DISTINCT t.visitor_id) FROM visitor v JOIN visit t ON t.visitor_id = v.id
             WHERE v.employer = ?1 AND v.employer <> '' AND t.category = 'wage_arrears'
               AND t.visited_at >= ?2
               AND (?3 IS NULL OR t.visitor_id <> ?3)",
        )?;
        Ok(stmt.query_row(params![employer.trim(), ts(since), except], |r| r.get(0))?)
    }
}

/// The open referrals whose visit's last day to apply for arbitration is in [?6, ?7],
/// nearest first, with the queue's filters (parameters as [`queue_sql`]'s). Driven from the
/// index of last days (visit_by_arbitration), each visit's referrals by referral_by_visit:
/// its cost is the visits whose last day is near, not the referrals on file.
pub fn arbitration_closing_sql() -> String {
    let select = REFERRAL_SELECT.replacen(
        "FROM referral r",
        "FROM referral r INDEXED BY referral_by_visit",
        1,
    );
    format!(
        "{select} WHERE r.visit_id IN (SELECT id FROM visit
               WHERE arbitration_last_day >= ?6 AND arbitration_last_day <= ?7)
           AND r.status IN ('sent', 'accepted', 'in_progress')
           AND (?4 = '' OR r.status = ?4)
           AND (?1 IS NULL OR r.owner_id = ?1 OR r.pending_owner_id = ?1)
           AND (?2 IS NULL OR r.kind = ?2)
           AND (?3 IS NULL OR r.due_on < ?3)
         ORDER BY t.arbitration_last_day, r.due_on, r.created_at LIMIT ?5"
    )
}

/// The queue's SQL for a status filter. Parameters: ?1 officer id (mine), ?2 kind,
/// ?3 today (overdue only), ?4 status code, ?5 limit.
pub fn queue_sql(status: StatusFilter) -> String {
    let (from, status_sql, order) = match status {
        // The open queue walks the partial index on due dates: no sort, however many
        // referrals the file holds.
        StatusFilter::Open => (
            "FROM referral r INDEXED BY referral_by_due",
            "r.status IN ('sent', 'accepted', 'in_progress')",
            "r.due_on, r.created_at",
        ),
        // One open status: the same index, filtered on its status column.
        StatusFilter::One(s) if s.is_open() => (
            "FROM referral r INDEXED BY referral_by_due",
            "r.status IN ('sent', 'accepted', 'in_progress') AND r.status = ?4",
            "r.due_on, r.created_at",
        ),
        StatusFilter::One(_) => ("FROM referral r", "r.status = ?4", "r.updated_at DESC"),
        StatusFilter::All => ("FROM referral r", "?4 IS NOT NULL", "r.updated_at DESC"),
    };
    let select = REFERRAL_SELECT.replacen("FROM referral r", from, 1);
    format!(
        "{select} WHERE {status_sql}
           AND (?1 IS NULL OR r.owner_id = ?1 OR r.pending_owner_id = ?1)
           AND (?2 IS NULL OR r.kind = ?2)
           AND (?3 IS NULL OR (r.due_on < ?3 AND r.status IN ('sent', 'accepted', 'in_progress')))
         ORDER BY {order} LIMIT ?5"
    )
}

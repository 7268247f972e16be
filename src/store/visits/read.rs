//! Reading visits back: the day's list, a person's visits, a shift's, one visit's record.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{VISIT_SELECT, VisitDetail, VisitRow, visit_from_row};
use crate::store::shifts::UNRECONCILED;
use crate::store::{Store, StoreError, ts};

impl Store {
    /// Visits in `[from, to)`, newest first, at most `limit`.
    pub fn visits_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<VisitRow>, StoreError> {
        let sql = format!(
            "{VISIT_SELECT} WHERE t.visited_at >= ?1 AND t.visited_at < ?2 ORDER BY t.visited_at DESC LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![ts(from), ts(to), crate::store::sql_limit(limit)],
            visit_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn visits_of_visitor(
        &self,
        visitor_id: &str,
        limit: usize,
    ) -> Result<Vec<VisitRow>, StoreError> {
        let sql =
            format!("{VISIT_SELECT} WHERE t.visitor_id = ?1 ORDER BY t.visited_at DESC LIMIT ?2");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![visitor_id, crate::store::sql_limit(limit)],
            visit_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A shift's visits that have a disposition (or were routed), oldest first: the
    /// review lists them after those still to reconcile, so a disposition can be
    /// corrected until sign-off.
    pub fn reconciled(&self, shift_id: &str) -> Result<Vec<VisitRow>, StoreError> {
        let sql = format!(
            "{} WHERE t.shift_id = ?1 AND NOT ({UNRECONCILED}) ORDER BY t.visited_at",
            VISIT_SELECT
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([shift_id], visit_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Visits of the shift that still need a disposition before sign-off, oldest first.
    pub fn unreconciled(&self, shift_id: &str) -> Result<Vec<VisitRow>, StoreError> {
        let sql = format!(
            "{} WHERE {UNRECONCILED} ORDER BY t.visited_at",
            VISIT_SELECT
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([shift_id], visit_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn visit_detail(&self, visit_id: &str) -> Result<Option<VisitDetail>, StoreError> {
        let sql = format!("{VISIT_SELECT} WHERE t.id = ?1");
        let Some(visit) = self
            .conn
            .query_row(&sql, [visit_id], visit_from_row)
            .optional()?
        else {
            return Ok(None);
        };
        let Some(visitor) = self.visitor(&visit.visitor_id)? else {
            return Ok(None);
        };
        let history = self.events_of_visit(visit_id, &visitor.id)?;
        let earlier_visits = self
            .visits_of_visitor(&visit.visitor_id, 20)?
            .into_iter()
            .filter(|v| v.id != visit.id)
            .collect();
        let referrals = self.referrals_of_visit(visit_id)?;
        let follows = match &visit.follows_referral {
            Some(id) => Some(self.referral(id)?),
            None => None,
        };
        let arbitration = self.conn.query_row(
            "SELECT employment, employment_ended_on, learned_on FROM visit WHERE id = ?1",
            [visit_id],
            |r| {
                Ok(crate::store::arbitration_facts(
                    visit.category,
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                ))
            },
        )?;
        Ok(Some(VisitDetail {
            visit,
            visitor,
            history,
            earlier_visits,
            referrals,
            follows,
            arbitration,
        }))
    }

    pub fn count_visits(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM visit", [], |r| r.get(0))?)
    }
}

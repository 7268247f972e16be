//! What a referral slip (转介单) reads beyond the referral itself: which referral an id, or
//! the start of one, names; and the slip's reference number, the referral's place among
//! those its station made that day.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, ts};

/// The referrals whose id starts with a prefix: how many there are, and the first few.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMatches {
    pub count: i64,
    pub ids: Vec<String>,
}

impl Store {
    /// Referrals whose id starts with `prefix` (a range on the primary key): how many, and
    /// up to `limit` of their ids in order.
    pub fn referral_ids_from(&self, prefix: &str, limit: usize) -> Result<IdMatches, StoreError> {
        // Every id that starts with the prefix sorts between it and the prefix followed by
        // the greatest character (ids are ASCII; SQLite compares text byte by byte).
        let end = format!("{prefix}\u{10FFFF}");
        let count = self.conn.query_row(
            "SELECT count(*) FROM referral WHERE id >= ?1 AND id < ?2",
            params![prefix, end],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM referral WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3",
        )?;
        let ids = stmt
            .query_map(params![prefix, end, super::sql_limit(limit)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(IdMatches { count, ids })
    }

    /// The referral's place (1 for the first) among those its station made in
    /// `[day_start, day_end)`, in the order they were made (then by id). It never changes
    /// once the day is over: a referral is never deleted, and none is made in the past.
    pub fn referral_number_in_day(
        &self,
        id: &str,
        day_start: DateTime<Utc>,
        day_end: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM referral o JOIN referral r ON r.id = ?1
             WHERE o.station_id = r.station_id AND o.created_at >= ?2 AND o.created_at < ?3
               AND (o.created_at < r.created_at OR (o.created_at = r.created_at AND o.id <= r.id))",
            params![id, ts(day_start), ts(day_end)],
            |r| r.get(0),
        )?)
    }
}

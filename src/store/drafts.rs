//! Drafts of unsaved forms: what the officer typed, so nothing is lost to a crash.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, parse_ts, ts};

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub values: BTreeMap<String, String>,
    pub saved_at: DateTime<Utc>,
}

impl Store {
    pub fn save_draft(
        &self,
        form: &str,
        officer_id: Option<&str>,
        values: &BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let data = serde_json::to_string(values).map_err(|e| StoreError::Rule(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO draft(form, officer_id, data, saved_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(form) DO UPDATE SET officer_id = excluded.officer_id,
               data = excluded.data, saved_at = excluded.saved_at",
            params![form, officer_id, data, ts(now)],
        )?;
        Ok(())
    }

    pub fn load_draft(&self, form: &str) -> Result<Option<Draft>, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT data, saved_at FROM draft WHERE form = ?1",
                [form],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.and_then(|(data, at)| {
            let values = serde_json::from_str(&data).ok()?;
            Some(Draft {
                values,
                saved_at: parse_ts(&at).unwrap_or_default(),
            })
        }))
    }

    pub fn clear_draft(&self, form: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM draft WHERE form = ?1", [form])?;
        Ok(())
    }
}

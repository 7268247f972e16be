//! The station this file belongs to and its roster of duty officers.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, new_id, ts};
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;

#[derive(Debug, Clone, PartialEq)]
pub struct Station {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Officer {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub affiliation: String,
}

/// A desk-local setting, inside whatever transaction `conn` is.
pub(super) fn setting(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

impl Store {
    pub(super) fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(setting(&self.conn, key)?)
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO setting(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The station, once the first-run setup has named it.
    pub fn station(&self) -> Result<Option<Station>, StoreError> {
        let Some(id) = self.setting("station_id")? else {
            return Ok(None);
        };
        Ok(self
            .conn
            .query_row("SELECT id, name FROM station WHERE id = ?1", [&id], |r| {
                Ok(Station {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// First run: names the station this file belongs to.
    pub fn create_station(&self, name: &str, now: DateTime<Utc>) -> Result<Station, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(crate::words::Said::new(
                "store.station_name_required",
            )));
        }
        let id = new_id();
        let t = ts(now);
        self.conn.execute(
            "INSERT INTO station(id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            params![id, name, t],
        )?;
        self.set_setting("station_id", &id)?;
        Ok(Station {
            id,
            name: name.to_string(),
        })
    }

    pub fn officers(&self) -> Result<Vec<Officer>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, role, affiliation FROM officer ORDER BY name")?;
        let rows = stmt.query_map([], officer_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn officer_by_name(&self, name: &str) -> Result<Option<Officer>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, role, affiliation FROM officer WHERE name = ?1",
                [name.trim()],
                officer_from_row,
            )
            .optional()?)
    }

    /// The officer of this name on the roster as recorded, or — if there is none — a new
    /// roster entry with this role and affiliation, logged (who added whom, when). An
    /// entry already there is never changed here: naming a colleague at F8, in an import
    /// or as a sit-in must not rewrite their role. That is `change_officer`'s explicit act.
    pub fn officer_or_add(
        &self,
        station: &Station,
        name: &str,
        role: Role,
        affiliation: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Refused(crate::words::Said::new(
                "store.officer_name_required",
            )));
        }
        if let Some(o) = self.officer_by_name(name)? {
            return Ok(o);
        }
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let id = new_id();
        let t = ts(now);
        let added = tx.execute(
            "INSERT INTO officer(id, station_id, name, role, affiliation, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT(station_id, name) DO NOTHING",
            params![id, station.id, name, role.code(), affiliation.trim(), t],
        )?;
        if added == 1 {
            let by = setting(&tx, "current_officer_id")?;
            super::events::record(
                &tx,
                super::events::NewEvent {
                    station_id: &station.id,
                    entity: "officer",
                    entity_id: &id,
                    action: "added",
                    officer_id: by.as_deref(),
                    at: now,
                    detail: &format!("{name} · {} · {}", role.zh(), affiliation.trim()),
                },
            )?;
        }
        tx.commit()?;
        Ok(self.officer_by_name(name)?.expect("officer just written"))
    }

    /// Changes an officer's role or affiliation on the roster: an explicit act, logged
    /// before → after with who did it.
    pub fn change_officer(
        &self,
        officer: &Officer,
        role: Role,
        affiliation: &str,
        now: DateTime<Utc>,
    ) -> Result<Officer, StoreError> {
        let affiliation = affiliation.trim();
        if officer.role == role && officer.affiliation == affiliation {
            return Ok(officer.clone());
        }
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let station_id: String = tx.query_row(
            "SELECT station_id FROM officer WHERE id = ?1",
            [&officer.id],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE officer SET role = ?2, affiliation = ?3, updated_at = ?4 WHERE id = ?1",
            params![officer.id, role.code(), affiliation, ts(now)],
        )?;
        let by = setting(&tx, "current_officer_id")?;
        let or_dash = |s: &str| {
            if s.is_empty() {
                "—".to_string()
            } else {
                s.to_string()
            }
        };
        super::events::record(
            &tx,
            super::events::NewEvent {
                station_id: &station_id,
                entity: "officer",
                entity_id: &officer.id,
                action: "updated",
                officer_id: by.as_deref(),
                at: now,
                detail: &format!(
                    "{}:身份 {} → {};所属单位 {} → {}",
                    officer.name,
                    officer.role.zh(),
                    role.zh(),
                    or_dash(&officer.affiliation),
                    or_dash(affiliation)
                ),
            },
        )?;
        tx.commit()?;
        Ok(Officer {
            role,
            affiliation: affiliation.to_string(),
            ..officer.clone()
        })
    }

    pub fn current_officer(&self) -> Result<Option<Officer>, StoreError> {
        let Some(id) = self.setting("current_officer_id")? else {
            return Ok(None);
        };
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, role, affiliation FROM officer WHERE id = ?1",
                [&id],
                officer_from_row,
            )
            .optional()?)
    }

    pub fn set_current_officer(&self, officer: &Officer) -> Result<(), StoreError> {
        self.set_setting("current_officer_id", &officer.id)
    }
}

fn officer_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Officer> {
    let role: String = r.get(2)?;
    Ok(Officer {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::from_code(&role).unwrap_or(Role::Volunteer),
        affiliation: r.get(3)?,
    })
}

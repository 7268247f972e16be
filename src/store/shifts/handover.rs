//! Addenda to sealed shifts, and the handover note from one shift to the next.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use crate::domain::log_fact::LogFact;
use crate::domain::shift::EntryKind;
use crate::store::{Store, StoreError};

use super::{
    ENTRY_SELECT, Handover, LogEntry, Said, entry_from_row, load_shift, log_desk, refused,
};

impl Store {
    /// A correction to a sealed shift: a new entry in today's shift, dated and signed,
    /// about the sealed one.
    pub fn add_addendum(
        &mut self,
        station_id: &str,
        sealed_shift_id: &str,
        officer_id: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(refused(crate::words::Said::new(
                "store.shift.empty_addendum",
            )));
        }
        let tx = self.write_tx()?;
        let sealed: Option<Option<String>> = tx
            .query_row(
                "SELECT closed_at FROM shift WHERE id = ?1",
                [sealed_shift_id],
                |r| r.get(0),
            )
            .optional()?;
        match sealed {
            None => return Err(refused(crate::words::Said::new("store.no_such_shift"))),
            Some(None) => {
                return Err(refused(crate::words::Said::new("store.shift.not_sealed")));
            }
            Some(Some(_)) => {}
        }
        log_desk(
            &tx,
            station_id,
            officer_id,
            now,
            EntryKind::Addendum,
            Said::Words(text),
            Some(sealed_shift_id),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Addenda written about a sealed shift, oldest first.
    pub fn addenda_of(&self, shift_id: &str) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!(
            "{ENTRY_SELECT} WHERE e.about = ?1 AND e.kind = 'addendum' ORDER BY e.at, e.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([shift_id], entry_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last signed-off shift's handover, until someone acknowledges it.
    pub fn pending_handover(&self, station_id: &str) -> Result<Option<Handover>, StoreError> {
        let last: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT id FROM shift WHERE station_id = ?1 AND closed_at IS NOT NULL
                 ORDER BY closed_at DESC LIMIT 1",
            )?
            .query_row([station_id], |r| r.get(0))
            .optional()?;
        let Some(id) = last else {
            return Ok(None);
        };
        let acked: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM log_entry WHERE about = ?1 AND kind = 'ack')",
            [&id],
            |r| r.get(0),
        )?;
        if acked {
            return Ok(None);
        }
        let Some(shift) = load_shift(&self.conn, &id)? else {
            return Ok(None);
        };
        Ok(Some(Handover {
            shift,
            todos: self.open_todos()?,
        }))
    }

    /// The officer taking over has read the handover: logged in their shift.
    pub fn acknowledge_handover(
        &mut self,
        station_id: &str,
        sealed_shift_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        let signer: Option<String> = tx
            .query_row(
                "SELECT o.name FROM shift s JOIN officer o ON o.id = s.signed_by
                 WHERE s.id = ?1 AND s.closed_at IS NOT NULL",
                [sealed_shift_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(signer) = signer else {
            return Err(refused(crate::words::Said::new("store.shift.no_handover")));
        };
        log_desk(
            &tx,
            station_id,
            officer_id,
            now,
            EntryKind::Ack,
            Said::Fact(&LogFact::Acknowledged { signer }),
            Some(sealed_shift_id),
        )?;
        tx.commit()?;
        Ok(())
    }
}

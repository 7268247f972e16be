//! What became of each visit (对账) and the sign-off that seals the shift.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::domain::labels::Labeled;
use crate::domain::log_fact::LogFact;
use crate::domain::shift::{Disposition, EntryKind};
use crate::store::events::{self, NewEvent};
use crate::store::{Store, StoreError, ts};

use super::seal::{chain_seal, last_seal_link, seal_hash_v2};
use super::{Entry, Said, UNRECONCILED, append, refused, sealed_error};

/// The history line of a disposition: "当场答复 讲解了流程", or, when it corrects an
/// earlier one, "当场答复 讲解了流程 → 无需处理 打错电话".
fn disposition_change(
    before: Option<(Option<String>, String)>,
    after: Disposition,
    note: &str,
) -> String {
    let said = |d: Disposition, note: &str| format!("{} {note}", d.zh()).trim().to_string();
    match before {
        Some((Some(code), old_note)) => match Disposition::from_code(&code) {
            Some(old) => format!("{} → {}", said(old, &old_note), said(after, note)),
            None => said(after, note),
        },
        _ => said(after, note),
    }
}

impl Store {
    /// Records what became of a visit of an open shift (对账).
    pub fn set_disposition(
        &mut self,
        visit_id: &str,
        disposition: Disposition,
        note: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let note = note.trim();
        if disposition == Disposition::NoAction && note.is_empty() {
            return Err(refused(crate::words::Said::new(
                "store.shift.no_action_why",
            )));
        }
        let tx = self.write_tx()?;
        // What it said before: a changed disposition is recorded before → after.
        let before: Option<(Option<String>, String)> = tx
            .query_row(
                "SELECT disposition, disposition_note FROM visit WHERE id = ?1",
                [visit_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // A sealed visit is refused by its trigger (a plain sentence, via StoreError).
        let changed = tx.execute(
            "UPDATE visit SET disposition = ?2, disposition_note = ?3, updated_at = ?4
             WHERE id = ?1",
            params![visit_id, disposition.code(), note, ts(now)],
        )?;
        if changed != 1 {
            return Err(refused(crate::words::Said::new("store.no_such_visit")));
        }
        let station_id: String = tx.query_row(
            "SELECT station_id FROM visit WHERE id = ?1",
            [visit_id],
            |r| r.get(0),
        )?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station_id,
                entity: "visit",
                entity_id: visit_id,
                action: "disposition",
                officer_id: Some(officer_id),
                at: now,
                detail: &disposition_change(before, disposition, note),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Signs the shift off: refused while a visit lacks a disposition; otherwise marks
    /// visits that were routed as referred, writes the sign-off entry, and seals the
    /// record with its hash. From then on the triggers refuse any change to it.
    pub fn sign_off(
        &mut self,
        shift_id: &str,
        officer_id: &str,
        handover_note: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let tx = self.write_tx()?;
        let open: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT station_id, closed_at FROM shift WHERE id = ?1",
                [shift_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let station_id = match open {
            None => return Err(refused(crate::words::Said::new("store.no_such_shift"))),
            Some((_, Some(_))) => return Err(sealed_error()),
            Some((station, None)) => station,
        };
        let missing: i64 = tx.query_row(
            &format!("SELECT count(*) FROM visit t WHERE {UNRECONCILED}"),
            [shift_id],
            |r| r.get(0),
        )?;
        if missing > 0 {
            return Err(refused(
                crate::words::Said::new("store.shift.undisposed").with("missing", missing),
            ));
        }
        tx.execute(
            "UPDATE visit SET disposition = 'referred' WHERE shift_id = ?1
               AND disposition IS NULL",
            [shift_id],
        )?;
        let name: String = tx.query_row(
            "SELECT name FROM officer WHERE id = ?1",
            [officer_id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO shift_member(shift_id, officer_id, joined_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            params![shift_id, officer_id, ts(now)],
        )?;
        append(
            &tx,
            &Entry {
                station_id: &station_id,
                shift_id: Some(shift_id),
                at: now,
                officer_id: Some(officer_id),
                kind: EntryKind::Shift,
                said: Said::Fact(&LogFact::SignedOff { name }),
                about: None,
            },
        )?;
        // Signer and note first (the shift is not sealed yet); closed_at and the hash
        // go in together, as the table's CHECK wants.
        tx.execute(
            "UPDATE shift SET signed_by = ?2, handover_note = ?3 WHERE id = ?1",
            params![shift_id, officer_id, handover_note.trim()],
        )?;
        // Who the visits were about, as they are now: what the seal covers, and what the
        // sealed record shows after a visitor's details are corrected.
        tx.execute(
            "INSERT INTO sealed_person(shift_id, visitor_id, name, phone, id_number, gender,
               birth_date, employer, occupation, occupation_note, hometown, membership)
             SELECT ?1, p.id, p.name, p.phone, p.id_number, p.gender, p.birth_date, p.employer,
               p.occupation, p.occupation_note, p.hometown, p.membership
             FROM visitor p WHERE p.id IN (SELECT visitor_id FROM visit WHERE shift_id = ?1)",
            [shift_id],
        )?;
        let closed = ts(now);
        let prev = last_seal_link(&tx)?;
        let hash = seal_hash_v2(&tx, shift_id, &closed, &prev.1)?;
        tx.execute(
            "UPDATE shift SET closed_at = ?2, seal_hash = ?3 WHERE id = ?1",
            params![shift_id, closed, hash],
        )?;
        chain_seal(&tx, shift_id, 2, &prev, &hash)?;
        tx.commit()?;
        Ok(hash)
    }
}

//! Saving an intake: the visitor, the visit, its log line and history, in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::person::{changes_of, existing_visitor, merged_person};
use super::{KeyFacts, SavedIntake, Stamp};
use crate::domain::intake::Intake;
use crate::domain::labels::Labeled;
use crate::domain::log_fact::LogFact;
use crate::domain::shift::EntryKind;
use crate::store::events::{self, NewEvent};
use crate::store::shifts::{self};
use crate::store::visitors::{VisitorRow, keys_for, write_keys};
use crate::store::{Store, StoreError, new_id, ts};

/// Finds or creates the visitor, merges what was typed into their record, and adds the
/// visit with its history and the visitor's search keys. The caller owns the transaction.
pub(crate) fn insert_intake(
    conn: &Connection,
    intake: &Intake,
    stamp: &Stamp<'_>,
) -> Result<SavedIntake, StoreError> {
    let (saved, keys) = insert_intake_keys_apart(conn, intake, stamp)?;
    // A new person's keys wait on their row (see `visitors::file_pending_keys`).
    if !saved.returning {
        return crate::store::visitors::file_pending_keys_if_many(conn)
            .map(|()| saved)
            .map_err(Into::into);
    }
    if keys.stale {
        write_keys(
            conn,
            &saved.visitor_id,
            &keys.name,
            keys.phone.as_deref(),
            keys.id_number.as_deref(),
        )?;
    }
    Ok(saved)
}

/// [`insert_intake`] but the search keys, returned for the caller to write.
pub(super) fn insert_intake_keys_apart(
    conn: &Connection,
    intake: &Intake,
    stamp: &Stamp<'_>,
) -> Result<(SavedIntake, KeyFacts), StoreError> {
    let id_number = intake.id_number.as_ref().map(|i| i.as_str());
    let existing = existing_visitor(conn, intake, id_number)?;
    insert_intake_for(conn, intake, stamp, existing).map(|(saved, keys, _)| (saved, keys))
}

/// The save of an intake about `existing` (found by [`existing_visitor`]; none: a new
/// person), the search keys apart: a ledger's import writes each visitor's once, sorted,
/// after all its rows. Also returns the person as the file now holds them (the import
/// keeps them in memory, by ID number, for its later rows).
pub(super) fn insert_intake_for(
    conn: &Connection,
    intake: &Intake,
    stamp: &Stamp<'_>,
    existing: Option<(VisitorRow, bool)>,
) -> Result<(SavedIntake, KeyFacts, VisitorRow), StoreError> {
    let id_number = intake.id_number.as_ref().map(|i| i.as_str().to_string());
    let now = ts(stamp.now);
    let phone = intake.phone.as_ref().map(|p| p.e164().to_string());
    let returning = existing.is_some();
    let keys_of = |v: &VisitorRow, stale: bool| KeyFacts {
        name: v.name.clone(),
        phone: v.phone.clone(),
        id_number: v.id_number.clone(),
        stale,
    };
    let (person, keys) = match existing {
        Some((old, stand_in)) => {
            let new = merged_person(&old, stand_in, intake);
            // The same record says no change (a ledger's returning rows mostly do).
            let changes = if new == old {
                String::new()
            } else {
                changes_of(&old, &new)
            };
            // Nothing new about the person: their record (and its version) stays as it is.
            if changes.is_empty() {
                let keys = keys_of(&new, false);
                return finish_intake(conn, intake, stamp, old, keys, returning);
            }
            crate::store::visitors::update_visitor(conn, &new, &now)?;
            events::record(
                conn,
                NewEvent {
                    station_id: stamp.station_id,
                    entity: "visitor",
                    entity_id: &old.id,
                    action: "updated",
                    officer_id: Some(stamp.officer_id),
                    at: stamp.now,
                    detail: &changes,
                },
            )?;
            let stale =
                old.name != new.name || old.phone != new.phone || old.id_number != new.id_number;
            let keys = keys_of(&new, stale);
            (new, keys)
        }
        None => {
            let id = new_id();
            let birth = intake
                .id_number
                .as_ref()
                .map(|i| i.birth_date().to_string());
            conn.prepare_cached(
                "INSERT INTO visitor(id, station_id, name, phone, id_number, gender, birth_date,
                   employer, occupation, occupation_note, hometown, membership, created_at, updated_at,
                   search_keys)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14)",
            )?
            .execute(params![
                    id,
                    stamp.station_id,
                    intake.name,
                    phone,
                    id_number,
                    intake.gender.code(),
                    birth,
                    intake.employer,
                    intake.occupation.code(),
                    intake.occupation_note,
                    intake.hometown,
                    intake.membership.code(),
                    now,
                    // At the desk the keys wait on the row; a ledger's import files its
                    // people's keys itself after its last row.
                    (!stamp.imported).then(|| crate::store::visitors::pending_keys(&keys_for(
                        &intake.name,
                        phone.as_deref(),
                        id_number.as_deref()
                    )))
            ])?;
            let person = VisitorRow {
                id,
                name: intake.name.clone(),
                phone,
                id_number,
                gender: intake.gender,
                birth_date: birth,
                employer: intake.employer.clone(),
                occupation: intake.occupation,
                occupation_note: intake.occupation_note.clone(),
                hometown: intake.hometown.clone(),
                membership: intake.membership,
            };
            let keys = keys_of(&person, true);
            (person, keys)
        }
    };
    finish_intake(conn, intake, stamp, person, keys, returning)
}

/// The visit's insert into `$table` (`visit`), its group read from the visitor's row.
macro_rules! insert_visit_into {
    ($table:literal) => {
        concat!(
            "INSERT INTO ",
            $table,
            "(id, station_id, visitor_id, officer_id, channel, category, summary,
               headcount, amount_owed_fen, urgency, visited_at, created_at, updated_at, shift_id,
               occupation, membership, follows_referral)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, v.occupation,
               v.membership, ?14 FROM visitor v WHERE v.id = ?3"
        )
    };
}

/// The visit's row (`visit`: the 14 parameters of `insert_visit_into!`). At the desk it
/// goes into `visit`, the visitor's group read from their row just written; a ledger's
/// import stages it (written all at once after its last row, `write_staged_import`) with
/// the group of `staged_for`, the person as this row leaves them.
fn insert_visit(
    conn: &Connection,
    visit: &[&dyn rusqlite::ToSql],
    staged_for: Option<&VisitorRow>,
) -> rusqlite::Result<()> {
    let Some(person) = staged_for else {
        return conn
            .prepare_cached(insert_visit_into!("visit"))?
            .execute(visit)
            .map(drop);
    };
    let (occupation, membership) = (person.occupation.code(), person.membership.code());
    let mut with_group: Vec<&dyn rusqlite::ToSql> = visit.to_vec();
    with_group.extend([&occupation as &dyn rusqlite::ToSql, &membership]);
    conn.prepare_cached(
        "INSERT INTO temp.staged_visit(id, station_id, visitor_id, officer_id, channel,
           category, summary, headcount, amount_owed_fen, urgency, visited_at, created_at,
           updated_at, shift_id, occupation, membership, follows_referral)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?15, ?16, ?14)",
    )?
    .execute(with_group.as_slice())
    .map(drop)
}

/// The visit itself, its log line and its history, for the visitor resolved above.
fn finish_intake(
    conn: &Connection,
    intake: &Intake,
    stamp: &Stamp<'_>,
    person: VisitorRow,
    keys: KeyFacts,
    returning: bool,
) -> Result<(SavedIntake, KeyFacts, VisitorRow), StoreError> {
    let now = ts(stamp.now);
    let visit_id = new_id();
    // A visit typed at the desk belongs to the open shift; a ledger's old visits to none.
    let shift_id = if stamp.imported {
        None
    } else {
        Some(shifts::ensure_shift(
            conn,
            stamp.station_id,
            stamp.officer_id,
            stamp.now,
        )?)
    };
    insert_visit(
        conn,
        params![
            visit_id,
            stamp.station_id,
            person.id,
            stamp.officer_id,
            intake.channel.code(),
            intake.category.code(),
            intake.summary,
            intake.headcount,
            intake.amount_owed_fen,
            intake.urgency.code(),
            ts(stamp.visited_at),
            now,
            shift_id,
            intake.follows_referral
        ],
        stamp.imported.then_some(&person),
    )?;
    if let Some(referral_id) = &intake.follows_referral {
        crate::store::referrals::record_follow_up(
            conn,
            referral_id,
            &person.id,
            &visit_id,
            (stamp.station_id, stamp.officer_id),
            &intake.summary,
            stamp.now,
        )?;
    }
    // The arbitration facts and the last day they give (the queue reads it by index).
    if !stamp.imported && (intake.employment.is_some() || intake.learned_on.is_some()) {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let facts = intake.arbitration_facts();
        conn.prepare_cached(
            "UPDATE visit SET employment = ?2, employment_ended_on = ?3, learned_on = ?4,
               arbitration_last_day = ?5 WHERE id = ?1",
        )?
        .execute(params![
            visit_id,
            intake.employment.map(|e| e.code()),
            day(intake.employment_ended_on),
            day(intake.learned_on),
            day(crate::domain::arbitration::deadline(&facts).last_day()),
        ])?;
    }
    if let Some(shift_id) = &shift_id {
        let fact = LogFact::Intake {
            name: intake.name.clone(),
            category: intake.category,
            channel: intake.channel,
            returning,
            follow_up: intake.follows_referral.is_some(),
        };
        shifts::append(
            conn,
            &shifts::Entry {
                station_id: stamp.station_id,
                shift_id: Some(shift_id),
                at: stamp.now,
                officer_id: Some(stamp.officer_id),
                kind: EntryKind::Intake,
                said: shifts::Said::Fact(&fact),
                about: Some(&visit_id),
            },
        )?;
    }
    // An import's events are chained all at once after its last row (`events::stage`).
    let record = if stamp.imported {
        events::stage
    } else {
        events::record
    };
    record(
        conn,
        NewEvent {
            station_id: stamp.station_id,
            entity: "visit",
            entity_id: &visit_id,
            action: match (stamp.imported, returning) {
                (true, _) => "imported",
                (false, true) => "created_returning",
                (false, false) => "created",
            },
            officer_id: Some(stamp.officer_id),
            at: stamp.now,
            detail: "",
        },
    )?;
    Ok((
        SavedIntake {
            visit_id,
            visitor_id: person.id.clone(),
            returning,
        },
        keys,
        person,
    ))
}

impl Store {
    /// Saves one intake in one durable transaction.
    pub fn save_intake(
        &mut self,
        intake: &Intake,
        station_id: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<SavedIntake, StoreError> {
        // The write lock first: a deferred transaction that reads (the ID number's owner)
        // and then writes is refused at once, without waiting, when another desk wrote
        // in between (SQLite cannot run the busy handler on that upgrade).
        let desk = self.desk.clone();
        let tx = self.write_tx()?;
        let saved = insert_intake(
            &tx,
            intake,
            &Stamp {
                station_id,
                officer_id,
                visited_at: now,
                now,
                imported: false,
            },
        )?;
        // This desk's draft goes with the save it became, in the same transaction: a
        // committed save never leaves its draft behind, and another desk's stays.
        crate::store::drafts::clear_in(&tx, desk.as_deref(), crate::store::drafts::INTAKE_FORM)?;
        tx.commit()?;
        Ok(saved)
    }
}

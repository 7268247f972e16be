//! Correction on the record: a saved visit and its person corrected as an explicit act —
//! who, when, before → after and why, in the visit's history. A visit in a signed-off
//! shift is never edited: its correction is an addendum (补记) written in the current
//! shift about the sealed one, and the person's own record is corrected as usual (the
//! sealed record keeps the person as they were at sign-off).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::events::{self, NewEvent};
use super::visitors::{VISITOR_COLUMNS, VisitorRow, visitor_from_row, write_keys};
use super::{Store, StoreError, shifts, ts};
use crate::domain::intake::Intake;
use crate::domain::labels::Labeled;
use crate::domain::log_fact::{FieldChange, LogFact, VisitField, changes_text};
use crate::domain::money::format_fen;
use crate::domain::shift::EntryKind;
use crate::i18n::Lang;
use crate::words::{self, Said};

/// What a correction did.
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected {
    /// The visit's changes, before → after ("" when none).
    pub visit_changes: String,
    /// The person's changes, before → after, numbers masked ("" when none).
    pub person_changes: String,
    /// The visit is in a signed-off shift: its correction became an addendum.
    pub as_addendum: bool,
    /// The visit's changes and the person's as facts, for [`Corrected::what`].
    pub changes: Vec<FieldChange>,
    pub person: Vec<Said>,
}

impl Corrected {
    /// Everything changed, in the language of the desk that corrected it.
    pub fn what(&self, lang: Lang) -> String {
        [
            changes_text(&self.changes, lang),
            super::visits::said_in(&self.person, lang),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(words::word(lang, "store.person.sep"))
    }
}

/// A visit as it was saved: station, visitor, category, channel, summary, headcount,
/// amount owed, urgency, and its shift's sign-off time (sealed when set).
type VisitAsSaved = (
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    String,
    Option<String>,
);

/// The visit as it was saved, with its shift's sign-off time.
fn visit_as_saved(
    tx: &rusqlite::Transaction<'_>,
    visit_id: &str,
) -> rusqlite::Result<Option<VisitAsSaved>> {
    tx.query_row(
        "SELECT t.station_id, t.visitor_id, t.category, t.channel, t.summary, t.headcount,
               t.amount_owed_fen, t.urgency, s.closed_at
             FROM visit t LEFT JOIN shift s ON s.id = t.shift_id WHERE t.id = ?1",
        [visit_id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )
    .optional()
}

fn refused(said: Said) -> StoreError {
    StoreError::Refused(said)
}

impl Store {
    /// Corrects visit `visit_id` (and its person) to what `fixed` says, for `reason`.
    pub fn correct_visit(
        &mut self,
        visit_id: &str,
        fixed: &Intake,
        reason: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Corrected, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(refused(Said::new("store.correction.no_reason")));
        }
        let tx = self.write_tx()?;
        let row = visit_as_saved(&tx, visit_id)?;
        let Some((
            station_id,
            visitor_id,
            category,
            channel,
            summary,
            headcount,
            amount,
            urgency,
            sealed_at,
        )) = row
        else {
            return Err(refused(Said::new("store.no_such_visit")));
        };
        let sealed = sealed_at.is_some();
        let mut changes = field_changes(
            [&category, &channel, &urgency, &summary],
            headcount,
            amount,
            fixed,
        );
        let (facts_fixed, facts_changed) = facts_changes(&tx, visit_id, fixed)?;
        changes.extend(facts_changed);
        let visit_changes = changes_text(&changes, Lang::Zh);
        // The person, before → after (the name too: this is the place to correct it).
        let old = tx.query_row(
            &format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id = ?1"),
            [&visitor_id],
            visitor_from_row,
        )?;
        let new = corrected_person(&old, fixed);
        let person = super::visits::person_changes(&old, &new);
        let person_changes = super::visits::said_in(&person, Lang::Zh);
        if visit_changes.is_empty() && person_changes.is_empty() {
            return Err(refused(Said::new("store.correction.nothing_changed")));
        }
        if let Some(n) = &new.id_number {
            refuse_if_anothers(&tx, n, &visitor_id)?;
        }
        let why = format!("原因:{reason}");
        if !visit_changes.is_empty() {
            if sealed {
                // Sealed: the record stays as signed; the correction is written beside it.
                let shift_id: String = tx.query_row(
                    "SELECT shift_id FROM visit WHERE id = ?1",
                    [visit_id],
                    |r| r.get(0),
                )?;
                let fact = LogFact::VisitCorrected {
                    changes: changes.clone(),
                    reason: reason.to_string(),
                };
                shifts::log_desk(
                    &tx,
                    &station_id,
                    officer_id,
                    now,
                    EntryKind::Addendum,
                    shifts::Said::Fact(&fact),
                    Some(&shift_id),
                )?;
            } else {
                write_fixed_visit(&tx, visit_id, fixed, &facts_fixed, now)?;
            }
            events::record(
                &tx,
                NewEvent {
                    station_id: &station_id,
                    entity: "visit",
                    entity_id: visit_id,
                    action: if sealed {
                        "correction_addendum"
                    } else {
                        "corrected"
                    },
                    officer_id: Some(officer_id),
                    at: now,
                    detail: &format!("{visit_changes};{why}"),
                },
            )?;
        }
        if !person_changes.is_empty() {
            super::visitors::update_visitor(&tx, &new, &ts(now))?;
            write_keys(
                &tx,
                &visitor_id,
                &new.name,
                new.phone.as_deref(),
                new.id_number.as_deref(),
            )?;
            events::record(
                &tx,
                NewEvent {
                    station_id: &station_id,
                    entity: "visitor",
                    entity_id: &visitor_id,
                    action: "corrected",
                    officer_id: Some(officer_id),
                    at: now,
                    detail: &format!("{person_changes};{why}"),
                },
            )?;
        }
        tx.commit()?;
        Ok(Corrected {
            visit_changes,
            person_changes,
            as_addendum: sealed && !changes.is_empty(),
            changes,
            person,
        })
    }
}

/// The visit's own fields that `fixed` changes, before → after (the lists by their codes,
/// a long summary cut short).
fn field_changes(
    [category, channel, urgency, summary]: [&str; 4],
    headcount: Option<i64>,
    amount: Option<i64>,
    fixed: &Intake,
) -> Vec<FieldChange> {
    let money = |f: Option<i64>| f.map_or_else(|| "—".into(), format_fen);
    let count = |n: Option<i64>| n.map_or_else(|| "—".into(), |n| n.to_string());
    let new_headcount = fixed.headcount.map(i64::from);
    let mut changes: Vec<FieldChange> = [
        (
            VisitField::Category,
            category.to_string(),
            fixed.category.code().to_string(),
        ),
        (
            VisitField::Channel,
            channel.to_string(),
            fixed.channel.code().to_string(),
        ),
        (
            VisitField::Urgency,
            urgency.to_string(),
            fixed.urgency.code().to_string(),
        ),
        (
            VisitField::Headcount,
            count(headcount),
            count(new_headcount),
        ),
        (
            VisitField::Amount,
            money(amount),
            money(fixed.amount_owed_fen),
        ),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(field, from, to)| FieldChange { field, from, to })
    .collect();
    if summary.trim() != fixed.summary.trim() {
        changes.push(FieldChange {
            field: VisitField::Summary,
            from: short(summary),
            to: short(&fixed.summary),
        });
    }
    changes
}

/// The arbitration facts (issue 19) as `fixed` gives them, for the visit's row, and those
/// that differ from the stored ones (— for none), before → after.
fn facts_changes(
    tx: &rusqlite::Transaction<'_>,
    visit_id: &str,
    fixed: &Intake,
) -> rusqlite::Result<([Option<String>; 3], Vec<FieldChange>)> {
    let facts_now: [Option<String>; 3] = tx.query_row(
        "SELECT employment, employment_ended_on, learned_on FROM visit WHERE id = ?1",
        [visit_id],
        |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]),
    )?;
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    let facts_fixed = [
        fixed.employment.map(|e| e.code().to_string()),
        day(fixed.employment_ended_on),
        day(fixed.learned_on),
    ];
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let mut changed = Vec::new();
    for (field, from, to) in [
        (VisitField::Employment, &facts_now[0], &facts_fixed[0]),
        (VisitField::EndedOn, &facts_now[1], &facts_fixed[1]),
        (VisitField::LearnedOn, &facts_now[2], &facts_fixed[2]),
    ] {
        if from != to {
            changed.push(FieldChange {
                field,
                from: dash(from),
                to: dash(to),
            });
        }
    }
    Ok((facts_fixed, changed))
}

/// Refuses an ID number that another person on file holds.
fn refuse_if_anothers(
    tx: &rusqlite::Transaction<'_>,
    id_number: &str,
    visitor_id: &str,
) -> Result<(), StoreError> {
    let owner: Option<String> = tx
        .query_row(
            "SELECT id FROM visitor WHERE id_number = ?1 AND id <> ?2",
            params![id_number, visitor_id],
            |r| r.get(0),
        )
        .optional()?;
    if owner.is_some() {
        return Err(refused(Said::new("store.correction.id_taken")));
    }
    Ok(())
}

/// The person as `fixed` says (the name too: a correction is the place to change it); a
/// birth date read from a new ID number, else the one on file.
fn corrected_person(old: &VisitorRow, fixed: &Intake) -> VisitorRow {
    let mut new = old.clone();
    new.name = fixed.name.trim().to_string();
    new.phone = fixed.phone.as_ref().map(|p| p.e164().to_string());
    new.id_number = fixed.id_number.as_ref().map(|i| i.as_str().to_string());
    new.birth_date = fixed
        .id_number
        .as_ref()
        .map(|i| i.birth_date().to_string())
        .or(old.birth_date.clone());
    new.gender = fixed.gender;
    new.employer = fixed.employer.clone();
    new.occupation = fixed.occupation;
    new.occupation_note = fixed.occupation_note.clone();
    new.hometown = fixed.hometown.clone();
    new.membership = fixed.membership;
    new
}

/// Writes the corrected fields of a visit in an open shift, and the arbitration facts with
/// the last day they give now (the category may have moved).
fn write_fixed_visit(
    tx: &rusqlite::Transaction<'_>,
    visit_id: &str,
    fixed: &Intake,
    facts_fixed: &[Option<String>; 3],
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE visit SET category = ?2, channel = ?3, urgency = ?4, headcount = ?5,
           amount_owed_fen = ?6, summary = ?7, updated_at = ?8 WHERE id = ?1",
        params![
            visit_id,
            fixed.category.code(),
            fixed.channel.code(),
            fixed.urgency.code(),
            fixed.headcount.map(i64::from),
            fixed.amount_owed_fen,
            fixed.summary,
            ts(now)
        ],
    )?;
    tx.execute(
        "UPDATE visit SET employment = ?2, employment_ended_on = ?3, learned_on = ?4,
           arbitration_last_day = ?5 WHERE id = ?1",
        params![
            visit_id,
            facts_fixed[0],
            facts_fixed[1],
            facts_fixed[2],
            crate::domain::arbitration::deadline(&fixed.arbitration_facts())
                .last_day()
                .map(|d| d.format("%Y-%m-%d").to_string())
        ],
    )?;
    Ok(())
}

/// A long text in a history line: its first 40 characters.
fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 40 {
        format!("{}…", one.chars().take(40).collect::<String>())
    } else {
        one
    }
}

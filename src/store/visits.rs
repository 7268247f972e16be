//! Visits: saving an intake (visitor + visit + keys + history in one transaction) and
//! reading them back for the day's list and the detail view.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::events::{self, NewEvent};
use super::shifts::{self, UNRECONCILED};
use super::visitors::{VISITOR_COLUMNS, VisitorRow, keys_for, visitor_from_row, write_keys};
use super::{EventRow, Store, StoreError, new_id, parse_ts, ts};
use crate::domain::intake::Intake;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Gender, Membership, Occupation, Urgency};
use crate::domain::log_fact::LogFact;
use crate::domain::shift::{Disposition, EntryKind};
use crate::domain::{id_number, phone};
use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq)]
pub struct VisitRow {
    pub id: String,
    pub visited_at: DateTime<Utc>,
    pub visitor_id: String,
    pub visitor_name: String,
    pub channel: Channel,
    pub category: Category,
    pub urgency: Urgency,
    pub officer_name: String,
    pub summary: String,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    /// What became of it (对账), once recorded.
    pub disposition: Option<Disposition>,
    pub disposition_note: String,
    /// A follow-up visit (回访): the referral it came back about.
    pub follows_referral: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VisitDetail {
    pub visit: VisitRow,
    pub visitor: VisitorRow,
    pub history: Vec<EventRow>,
    pub earlier_visits: Vec<VisitRow>,
    /// Where this visit was routed.
    pub referrals: Vec<super::ReferralRow>,
    /// For a follow-up visit (回访): the referral it came back about.
    pub follows: Option<super::ReferralRow>,
    /// What decides its arbitration time limit (issue 19).
    pub arbitration: crate::domain::arbitration::Facts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SavedIntake {
    pub visit_id: String,
    pub visitor_id: String,
    pub returning: bool,
}

pub(super) const VISIT_SELECT: &str = "SELECT t.id, t.visited_at, t.visitor_id, v.name, t.channel, t.category, \
     t.urgency, o.name, t.summary, t.headcount, t.amount_owed_fen, t.disposition, t.disposition_note, \
     t.follows_referral FROM visit t JOIN visitor v ON v.id = t.visitor_id JOIN officer o ON o.id = t.officer_id";

pub(super) fn visit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
    let at: String = r.get(1)?;
    let channel: String = r.get(4)?;
    let category: String = r.get(5)?;
    let urgency: String = r.get(6)?;
    Ok(VisitRow {
        id: r.get(0)?,
        visited_at: parse_ts(&at).unwrap_or_default(),
        visitor_id: r.get(2)?,
        visitor_name: r.get(3)?,
        channel: Channel::from_code(&channel).unwrap_or(Channel::WalkIn),
        category: Category::from_code(&category).unwrap_or(Category::Other),
        urgency: Urgency::from_code(&urgency).unwrap_or(Urgency::Normal),
        officer_name: r.get(7)?,
        summary: r.get(8)?,
        headcount: r.get(9)?,
        amount_owed_fen: r.get(10)?,
        disposition: r
            .get::<_, Option<String>>(11)?
            .and_then(|d| Disposition::from_code(&d)),
        disposition_note: r.get(12)?,
        follows_referral: r.get(13)?,
    })
}

/// Who records the visit and when; `visited_at` differs from `now` for imported ledgers.
pub(crate) struct Stamp<'a> {
    pub station_id: &'a str,
    pub officer_id: &'a str,
    pub visited_at: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// From a ledger import rather than typed at the desk.
    pub imported: bool,
}

fn id_taken() -> StoreError {
    StoreError::Rule(
        "该身份证号已属于另一位来访人,请选择该来访人 / This ID number belongs to another visitor: pick that visitor"
            .into(),
    )
}

/// What changed in a visitor's record, before → after, for the audit log: "工作单位:
/// 城西建筑 → 宏达制衣厂;电话:138****8000 → 139****5678". Numbers are masked here too:
/// the audit log is read by people the numbers are hidden from.
pub(super) fn changes_of(old: &VisitorRow, new: &VisitorRow) -> String {
    changes_of_in(old, new, Lang::Zh)
}

/// The same in a language, for a status line: "Employer: 城西建筑 → 宏达制衣厂" on an
/// English desk (the audit log keeps the Chinese).
pub(super) fn changes_of_in(old: &VisitorRow, new: &VisitorRow, lang: Lang) -> String {
    use crate::domain::intake::Field;
    let or_dash = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    let phone = |p: &Option<String>| or_dash(&p.as_deref().map(phone::mask).unwrap_or_default());
    let id = |i: &Option<String>| or_dash(&i.as_deref().map(id_number::mask).unwrap_or_default());
    let label = |f: Field| f.label(lang);
    let pairs = [
        (label(Field::Name), or_dash(&old.name), or_dash(&new.name)),
        (label(Field::Phone), phone(&old.phone), phone(&new.phone)),
        (
            label(Field::IdNumber),
            id(&old.id_number),
            id(&new.id_number),
        ),
        (
            label(Field::Gender),
            old.gender.label(lang).to_string(),
            new.gender.label(lang).to_string(),
        ),
        (
            label(Field::Employer),
            or_dash(&old.employer),
            or_dash(&new.employer),
        ),
        (
            label(Field::Occupation),
            old.occupation.label(lang).to_string(),
            new.occupation.label(lang).to_string(),
        ),
        (
            label(Field::OccupationNote),
            or_dash(&old.occupation_note),
            or_dash(&new.occupation_note),
        ),
        (
            label(Field::Hometown),
            or_dash(&old.hometown),
            or_dash(&new.hometown),
        ),
        (
            label(Field::Membership),
            old.membership.label(lang).to_string(),
            new.membership.label(lang).to_string(),
        ),
    ];
    let colon = lang.pick(":", ": ");
    let mut out: Vec<String> = pairs
        .iter()
        .filter(|(_, a, b)| a != b)
        .map(|(k, a, b)| format!("{k}{colon}{a} → {b}"))
        .collect();
    // A changed number whose masked forms look alike still says it changed.
    for (k, a, b) in [
        (label(Field::Phone), &old.phone, &new.phone),
        (label(Field::IdNumber), &old.id_number, &new.id_number),
    ] {
        if a != b && !out.iter().any(|l| l.starts_with(k)) {
            out.push(format!("{k}{colon}{}", lang.pick("已更改", "changed")));
        }
    }
    out.join(lang.pick(";", "; "))
}

/// What a visitor's search keys are made of, as saved.
pub(crate) struct KeyFacts {
    name: String,
    phone: Option<String>,
    id_number: Option<String>,
    /// The keys the file holds for the person are not these (a new person, or a new
    /// name, phone or ID number): a returning visitor's are not written again for nothing.
    stale: bool,
}

/// The version of a person's record a form was filled from: when it last changed, and a
/// fingerprint of what it held (two changes in one millisecond still differ).
fn version_of(v: &VisitorRow, updated_at: &str) -> String {
    use sha2::{Digest, Sha256};
    let fields = [
        v.name.as_str(),
        v.phone.as_deref().unwrap_or(""),
        v.id_number.as_deref().unwrap_or(""),
        v.gender.code(),
        v.birth_date.as_deref().unwrap_or(""),
        v.employer.as_str(),
        v.occupation.code(),
        v.occupation_note.as_str(),
        v.hometown.as_str(),
        v.membership.code(),
    ];
    let digest = Sha256::digest(fields.join("\u{1f}").as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{updated_at}|{hex}")
}

/// Two writings of one name: the same once spaces are gone (张 三 is 张三).
fn same_name(a: &str, b: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squeeze(a) == squeeze(b)
}

/// A returning visitor's record with this visit's details laid over it: what the visitor
/// told us before is kept unless this visit says otherwise. The name is never changed by
/// a visit: correcting it is its own act (the visit record's `e`).
fn merged(old: &VisitorRow, intake: &Intake) -> VisitorRow {
    let keep = |new: &str, old: &str| {
        if new.is_empty() {
            old.to_string()
        } else {
            new.to_string()
        }
    };
    let unless_unknown = |new, unknown, old| if new == unknown { old } else { new };
    VisitorRow {
        id: old.id.clone(),
        name: old.name.clone(),
        phone: intake
            .phone
            .as_ref()
            .map(|p| p.e164().to_string())
            .or_else(|| old.phone.clone()),
        id_number: intake
            .id_number
            .as_ref()
            .map(|i| i.as_str().to_string())
            .or_else(|| old.id_number.clone()),
        gender: unless_unknown(intake.gender, Gender::Unknown, old.gender),
        birth_date: intake
            .id_number
            .as_ref()
            .map(|i| i.birth_date().to_string())
            .or_else(|| old.birth_date.clone()),
        employer: keep(&intake.employer, &old.employer),
        occupation: if intake.occupation == Occupation::Unknown {
            old.occupation
        } else {
            intake.occupation
        },
        occupation_note: keep(&intake.occupation_note, &old.occupation_note),
        hometown: keep(&intake.hometown, &old.hometown),
        membership: if intake.membership == Membership::Unknown {
            old.membership
        } else {
            intake.membership
        },
    }
}

/// What other desks changed in a person's record since the version `seen`, from its
/// history: "李梅 10:31 电话:138****8000 → 139****5678".
fn changed_since(conn: &Connection, visitor_id: &str, seen: &str) -> rusqlite::Result<String> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.at, o.name, e.detail FROM event e LEFT JOIN officer o ON o.id = e.officer_id
         WHERE e.entity = 'visitor' AND e.entity_id = ?1 AND e.at >= ?2 ORDER BY e.at",
    )?;
    let lines: Vec<String> = stmt
        .query_map(params![visitor_id, seen], |r| {
            let at: String = r.get(0)?;
            let who: Option<String> = r.get(1)?;
            let detail: String = r.get(2)?;
            let local = super::parse_ts(&at)
                .map(|t| {
                    t.with_timezone(&crate::domain::clock::china_zone())
                        .format("%H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            Ok(format!("{} {local} {detail}", who.unwrap_or_default())
                .trim()
                .to_string())
        })?
        .collect::<Result<_, _>>()?;
    Ok(if lines.is_empty() {
        "记录已被更改".into()
    } else {
        lines.join(";")
    })
}

/// What saving this intake would do to a returning visitor's record, for the officer to
/// see before it is written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IntakePlan {
    /// The ID number belongs to this person under another name: who (id, name).
    pub id_owner: Option<(String, String)>,
    /// The returning visitor's name as recorded (kept whatever the form says).
    pub returning_name: Option<String>,
    /// Their record's changes, before → after, numbers masked; empty: none.
    pub changes: String,
}

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
        return super::visitors::file_pending_keys_if_many(conn)
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

/// The person this intake is about, if already on file: the one the form picked, else
/// the owner of its ID number. Refused when the number is another's, when an unpicked
/// owner's name differs, and when the form was filled from an older version of them.
fn existing_visitor(
    conn: &Connection,
    intake: &Intake,
    id_number: Option<&str>,
) -> Result<Option<VisitorRow>, StoreError> {
    let by_id_number: Option<VisitorRow> = match id_number {
        Some(n) => {
            let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id_number = ?1");
            conn.prepare_cached(&sql)?
                .query_row([n], visitor_from_row)
                .optional()?
        }
        None => None,
    };
    let existing: Option<VisitorRow> = match (&intake.visitor_id, by_id_number) {
        (Some(picked), Some(owner)) if *picked != owner.id => return Err(id_taken()),
        (Some(picked), _) => {
            let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id = ?1");
            conn.prepare_cached(&sql)?
                .query_row([picked], visitor_from_row)
                .optional()?
        }
        (None, owner) => owner,
    };
    // Identity is never changed as a side effect: an ID number recorded under another
    // name stops the save. The officer decides (it is that person: the form then names
    // them as picked; or the number is re-checked); an import reports the row.
    if let (None, Some(owner)) = (&intake.visitor_id, &existing)
        && !same_name(&owner.name, &intake.name)
    {
        return Err(StoreError::IdOwnedBy {
            visitor_id: owner.id.clone(),
            name: owner.name.clone(),
        });
    }
    // A form filled from an older version of the person never overwrites a newer one.
    if let (Some(old), Some(seen)) = (&existing, &intake.visitor_seen) {
        let updated_at: String = conn
            .prepare_cached("SELECT updated_at FROM visitor WHERE id = ?1")?
            .query_row([&old.id], |r| r.get(0))?;
        if version_of(old, &updated_at) != *seen {
            let since = seen.split('|').next().unwrap_or("");
            return Err(StoreError::VisitorChanged {
                what: changed_since(conn, &old.id, since)?,
            });
        }
    }
    Ok(existing)
}

/// [`insert_intake`] but the search keys, returned for the caller to write: a ledger's
/// import writes each visitor's once, sorted, after all its rows.
fn insert_intake_keys_apart(
    conn: &Connection,
    intake: &Intake,
    stamp: &Stamp<'_>,
) -> Result<(SavedIntake, KeyFacts), StoreError> {
    let id_number = intake.id_number.as_ref().map(|i| i.as_str().to_string());
    let existing = existing_visitor(conn, intake, id_number.as_deref())?;
    let now = ts(stamp.now);
    let phone = intake.phone.as_ref().map(|p| p.e164().to_string());
    let birth = intake
        .id_number
        .as_ref()
        .map(|i| i.birth_date().to_string());
    let returning = existing.is_some();
    let (visitor_id, keys) = match existing {
        Some(old) => {
            let new = merged(&old, intake);
            let changes = changes_of(&old, &new);
            // Nothing new about the person: their record (and its version) stays as it is.
            if changes.is_empty() {
                let VisitorRow {
                    name,
                    phone,
                    id_number,
                    ..
                } = new;
                let keys = KeyFacts {
                    name,
                    phone,
                    id_number,
                    stale: false,
                };
                return finish_intake(conn, intake, stamp, old.id, keys, returning);
            }
            super::visitors::update_visitor(conn, &new, &now)?;
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
            let VisitorRow {
                name,
                phone,
                id_number,
                ..
            } = new;
            (
                old.id,
                KeyFacts {
                    name,
                    phone,
                    id_number,
                    stale,
                },
            )
        }
        None => {
            let id = new_id();
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
                    (!stamp.imported).then(|| super::visitors::pending_keys(&keys_for(
                        &intake.name,
                        phone.as_deref(),
                        id_number.as_deref()
                    )))
            ])?;
            let keys = KeyFacts {
                name: intake.name.clone(),
                phone,
                id_number,
                stale: true,
            };
            (id, keys)
        }
    };
    finish_intake(conn, intake, stamp, visitor_id, keys, returning)
}

/// The visit's insert into `$table`: `visit`, or the rows a ledger's import stages.
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

/// The visit itself, its log line and its history, for the visitor resolved above.
fn finish_intake(
    conn: &Connection,
    intake: &Intake,
    stamp: &Stamp<'_>,
    visitor_id: String,
    keys: KeyFacts,
    returning: bool,
) -> Result<(SavedIntake, KeyFacts), StoreError> {
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
    // A ledger's import stages its visits, written all at once after its last row
    // (`write_staged_import`); the visitor's group is read as it is at this row either way.
    conn.prepare_cached(if stamp.imported {
        insert_visit_into!("temp.staged_visit")
    } else {
        insert_visit_into!("visit")
    })?
    .execute(params![
        visit_id,
        stamp.station_id,
        visitor_id,
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
    ])?;
    if let Some(referral_id) = &intake.follows_referral {
        super::referrals::record_follow_up(
            conn,
            referral_id,
            &visitor_id,
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
            visitor_id,
            returning,
        },
        keys,
    ))
}

impl Store {
    /// What saving `intake` would do to a person already on record — read only, for the
    /// desk to show before it writes.
    pub fn intake_plan(&self, intake: &Intake) -> Result<IntakePlan, StoreError> {
        let owner = match &intake.id_number {
            Some(n) => self.visitor_by_id_number(n.as_str())?,
            None => None,
        };
        let person = match (&intake.visitor_id, owner) {
            (Some(id), _) => self.visitor(id)?,
            (None, Some(owner)) if !same_name(&owner.name, &intake.name) => {
                return Ok(IntakePlan {
                    id_owner: Some((owner.id, owner.name)),
                    ..IntakePlan::default()
                });
            }
            (None, owner) => owner,
        };
        Ok(match person {
            Some(old) => IntakePlan {
                id_owner: None,
                changes: changes_of(&old, &merged(&old, intake)),
                returning_name: Some(old.name),
            },
            None => IntakePlan::default(),
        })
    }

    /// The open referrals of the person `intake` is about, if they are on record (picked,
    /// or known by their ID number under the same name): what this visit may follow up.
    pub fn open_cases(&self, intake: &Intake) -> Result<Vec<super::ReferralRow>, StoreError> {
        let person = match (&intake.visitor_id, &intake.id_number) {
            (Some(id), _) => Some(id.clone()),
            (None, Some(n)) => self
                .visitor_by_id_number(n.as_str())?
                .filter(|owner| same_name(&owner.name, &intake.name))
                .map(|owner| owner.id),
            (None, None) => None,
        };
        match person {
            Some(id) => self.open_referrals_of_visitor(&id),
            None => Ok(Vec::new()),
        }
    }

    /// The version of a person's record (see `version_of`), to keep with a form filled
    /// from it.
    pub fn visitor_version(&self, visitor_id: &str) -> Result<Option<String>, StoreError> {
        let Some(v) = self.visitor(visitor_id)? else {
            return Ok(None);
        };
        let updated_at: String = self.conn.query_row(
            "SELECT updated_at FROM visitor WHERE id = ?1",
            [visitor_id],
            |r| r.get(0),
        )?;
        Ok(Some(version_of(&v, &updated_at)))
    }

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
        super::drafts::clear_in(&tx, desk.as_deref(), super::drafts::INTAKE_FORM)?;
        tx.commit()?;
        Ok(saved)
    }

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
            params![ts(from), ts(to), super::sql_limit(limit)],
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
        let rows = stmt.query_map(params![visitor_id, super::sql_limit(limit)], visit_from_row)?;
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
                Ok(super::arbitration_facts(
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

/// Writes the search keys of the visitors a ledger's import saved (`keys`: visitor id →
/// what their keys are made of, and whether they had keys before), as `write_keys` would
/// have left them row by row: the old ones deleted, the new ones inserted in key order.
/// A returning visitor whose name, phone and ID number no row changed keeps theirs.
fn write_import_keys(
    conn: &Connection,
    keys: &std::collections::HashMap<String, (KeyFacts, bool)>,
    sorted: String,
    visitors_before: i64,
) -> rusqlite::Result<()> {
    let mut delete = conn.prepare_cached("DELETE FROM visitor_key WHERE visitor_id = ?1")?;
    for (id, _) in keys
        .iter()
        .filter(|(_, (facts, existed))| *existed && facts.stale)
    {
        delete.execute([id])?;
    }
    // In key order the table's b-tree grows at its end, but its index by visitor is
    // written all over: when the import brings at least as many people as the file held,
    // building that index again from the sorted keys is the cheaper.
    let new_visitors = keys.values().filter(|(_, existed)| !existed).count();
    with_index_rebuilt(
        conn,
        "visitor_key_by_visitor",
        i64::try_from(new_visitors).unwrap_or(i64::MAX) >= visitors_before,
        || {
            conn.execute(
                "INSERT OR IGNORE INTO main.visitor_key(key, visitor_id)
                   SELECT value ->> 0, value ->> 1 FROM json_each(?1)",
                [sorted],
            )
            .map(drop)
        },
    )
}

/// The search keys of the visitors `keys` names, as (key, visitor id) pairs in key order,
/// as one JSON array: inserted with one statement (a statement a key was most of the keys'
/// time). Made on a second thread while the visits and events are written.
fn import_keys_json(
    keys: &std::collections::HashMap<String, (KeyFacts, bool)>,
) -> serde_json::Result<String> {
    let mut all: Vec<(String, &str)> = keys
        .iter()
        .filter(|(_, (f, _))| f.stale)
        .flat_map(|(id, (f, _))| {
            keys_for(&f.name, f.phone.as_deref(), f.id_number.as_deref())
                .into_iter()
                .map(move |k| (k, id.as_str()))
        })
        .collect();
    all.sort_unstable();
    serde_json::to_string(&all)
}

/// Runs `write` with the index `name` dropped and made again after (from its own SQL, as
/// the file has it), when `rebuild`: for an import about as large as the table it writes,
/// sorting the whole index once costs less than inserting each entry at a random place.
/// All inside the caller's transaction: a failure leaves the index as it was.
fn with_index_rebuilt<T>(
    conn: &Connection,
    name: &str,
    rebuild: bool,
    write: impl FnOnce() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let sql: Option<String> = if rebuild {
        conn.query_row(
            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
    } else {
        None
    };
    if sql.is_some() {
        conn.execute_batch(&format!("DROP INDEX main.\"{name}\""))?;
    }
    let out = write()?;
    if let Some(sql) = sql {
        conn.execute_batch(&sql)?;
    }
    Ok(out)
}

/// Begins a ledger's staged rows: its visits (see `insert_visit_into!`) and its events
/// (`events::stage`) wait in temporary tables and are written with one statement each
/// after the last row: a statement a row saved every page it touched for its own rollback
/// (SQLite's statement journal: the tables have triggers) and wrote about ten b-trees a
/// row in turn; one statement saves each page once and writes each table in a run.
fn begin_staged_import(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS staged_visit AS
           SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
             amount_owed_fen, urgency, visited_at, created_at, updated_at, shift_id, occupation,
             membership, follows_referral FROM main.visit WHERE 0;
         DELETE FROM temp.staged_visit;",
    )?;
    events::begin_staged(conn)
}

/// Writes what [`begin_staged_import`] staged: the visits in the ledger's order (the
/// per-day counts follow by their trigger), then the events, chained.
fn write_staged_import(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "INSERT INTO main.visit(id, station_id, visitor_id, officer_id, channel, category,
           summary, headcount, amount_owed_fen, urgency, visited_at, created_at, updated_at,
           shift_id, occupation, membership, follows_referral)
         SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
           amount_owed_fen, urgency, visited_at, created_at, updated_at, shift_id, occupation,
           membership, follows_referral FROM temp.staged_visit ORDER BY rowid;
         DROP TABLE temp.staged_visit;",
    )?;
    events::write_staged(conn).map(drop)
}

/// Drops the visitor table's hub triggers when the desk has not joined a hub (they fire
/// only once it has), returning the SQL that makes them again; none dropped otherwise.
fn without_idle_hub_triggers(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let joined: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM sync_state)", [], |r| r.get(0))?;
    if joined {
        return Ok(Vec::new());
    }
    super::bulk::drop_matching(
        conn,
        "TRIGGER",
        "type = 'trigger' AND tbl_name = 'visitor' AND name GLOB 'sync_*'
           AND sql LIKE '%WHEN EXISTS (SELECT 1 FROM sync_state)%'",
    )
}

/// The page cache (in KiB, as `PRAGMA cache_size` takes a negative number) while a ledger
/// is imported: 128 MB at most, used only as the import touches pages.
const IMPORT_CACHE_KIB: i64 = -131_072;

/// One row of a ledger being imported, already checked.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: u64,
    pub intake: Intake,
    pub visited_at: DateTime<Utc>,
    /// The receiving officer's name; `None` means the officer importing.
    pub officer: Option<String>,
}

impl Store {
    /// Imports checked ledger rows all-or-nothing: one transaction, rolled back on any
    /// failure. Officers named in the ledger and not yet on the roster are added.
    pub fn import_visits(
        &mut self,
        rows: &[ImportRow],
        station_id: &str,
        default_officer_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize, (u64, StoreError)> {
        // A larger page cache for the import's one transaction: with the desk's 2 MB, a
        // ledger of 100,000 rows goes back to the OS for most index pages it touches and
        // spills half-written pages to the WAL. Set back to what it was after.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .map_err(|e| (0, e.into()))?;
        self.conn
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)
            .map_err(|e| (0, e.into()))?;
        // The staged rows and every statement's rollback pages in memory rather than in
        // temporary files (about 2.5 GB written to them at 200,000 rows). Set back after.
        let temp_store: i64 = self
            .conn
            .pragma_query_value(None, "temp_store", |r| r.get(0))
            .map_err(|e| (0, e.into()))?;
        let imported = self
            .conn
            .pragma_update(None, "temp_store", "MEMORY")
            .map_err(|e| (0, e.into()))
            .and_then(|()| self.import_rows(rows, station_id, default_officer_id, now));
        let restored = self
            .conn
            .pragma_update(None, "cache_size", cache)
            .and_then(|()| self.conn.pragma_update(None, "temp_store", temp_store));
        let n = imported?;
        restored.map_err(|e| (0, e.into()))?;
        Ok(n)
    }

    fn import_rows(
        &mut self,
        rows: &[ImportRow],
        station_id: &str,
        default_officer_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<usize, (u64, StoreError)> {
        // The write lock before the first read, as every write here (see `write_tx`).
        let tx = self.write_tx().map_err(|e| (0, e.into()))?;
        // Officers by name, looked up (and added) once each, not once a row.
        let mut officers: std::collections::HashMap<&str, String> = Default::default();
        // Each visitor's search keys as their last row leaves them, and whether they were
        // in the file before (so had keys to replace): written once at the end, sorted,
        // rather than deleted and rewritten at random places in the index each row (that
        // was a third of the import's time at 200,000 rows).
        let mut keys: std::collections::HashMap<String, (KeyFacts, bool)> = Default::default();
        // How many people the file already holds, for `with_index_rebuilt` (the largest
        // rowid: counting a big table's rows would read all of one of its indexes).
        let visitors_before: i64 = tx
            .query_row(
                "SELECT coalesce(max(rowid), 0) FROM main.visitor",
                [],
                |r| r.get(0),
            )
            .map_err(|e| (0, e.into()))?;
        // People saved at the desk whose keys still wait on their row are filed first:
        // the import's own are written below, and a row may change a waiting person's.
        super::visitors::file_pending_keys(&tx).map_err(|e| (0, e.into()))?;
        // A desk not joined to a hub records no changes for one: its visitor triggers for
        // the hub's outbox do nothing, yet their presence makes SQLite save every page a
        // person's insert touches for that statement's own rollback (a new person a row).
        // Dropped for the import's rows and made again, from the file's own SQL, before
        // it commits; a desk that has joined keeps them firing.
        let hub_triggers = without_idle_hub_triggers(&tx).map_err(|e| (0, e.into()))?;
        begin_staged_import(&tx).map_err(|e| (0, e.into()))?;
        for row in rows {
            let fail = |e: StoreError| (row.line, e);
            let officer_id: String = match &row.officer {
                Some(name) if officers.contains_key(name.as_str()) => {
                    officers[name.as_str()].clone()
                }
                Some(name) => {
                    tx.execute(
                        "INSERT INTO officer(id, station_id, name, role, affiliation, created_at, updated_at)
                         VALUES (?1, ?2, ?3, 'cadre', '', ?4, ?4) ON CONFLICT(station_id, name) DO NOTHING",
                        params![new_id(), station_id, name, ts(now)],
                    )
                    .map_err(|e| fail(e.into()))?;
                    let id: String = tx
                        .query_row(
                            "SELECT id FROM officer WHERE station_id = ?1 AND name = ?2",
                            params![station_id, name],
                            |r| r.get(0),
                        )
                        .map_err(|e| fail(e.into()))?;
                    officers.insert(name, id.clone());
                    id
                }
                None => default_officer_id
                    .ok_or_else(|| {
                        fail(StoreError::Rule(
                            "no officer: add a 接待人 column or pass --officer / 缺少接待人".into(),
                        ))
                    })?
                    .to_string(),
            };
            let stamp = Stamp {
                station_id,
                officer_id: &officer_id,
                visited_at: row.visited_at,
                now,
                imported: true,
            };
            let (saved, facts) =
                insert_intake_keys_apart(&tx, &row.intake, &stamp).map_err(fail)?;
            match keys.entry(saved.visitor_id) {
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    let stale = e.get().0.stale || facts.stale;
                    e.get_mut().0 = KeyFacts { stale, ..facts };
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert((facts, saved.returning));
                }
            }
        }
        // The keys are worked out (pinyin, sorted) on the second core meanwhile.
        let (staged, sorted) = std::thread::scope(|s| {
            let sorted = s.spawn(|| import_keys_json(&keys));
            let staged = write_staged_import(&tx);
            (staged, sorted.join())
        });
        staged.map_err(|e| (0, e.into()))?;
        for sql in hub_triggers {
            tx.execute_batch(&sql).map_err(|e| (0, e.into()))?;
        }
        let sorted = sorted
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .map_err(|e| (0, StoreError::Rule(e.to_string())))?;
        write_import_keys(&tx, &keys, sorted, visitors_before).map_err(|e| (0, e.into()))?;
        super::visitors::mark_keys_filed(&tx).map_err(|e| (0, e.into()))?;
        shifts::log_import(&tx, now, &LogFact::ImportVisits { n: rows.len() })
            .map_err(|e| (0, e.into()))?;
        tx.commit().map_err(|e| (0, e.into()))?;
        Ok(rows.len())
    }
}

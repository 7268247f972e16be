//! Who an intake is about: the person on file it names (or whose ID number it carries),
//! what saving it would change in their record, and whether the form is out of date.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::intake::Intake;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Gender, Membership, Occupation};
use crate::domain::{id_number, phone};
use crate::i18n::Lang;
use crate::store::visitors::{VISITOR_COLUMNS, VisitorRow, visitor_from_row};
use crate::store::{Store, StoreError};
use crate::words::{self, Arg, Said};

fn id_taken() -> StoreError {
    // Both languages in one sentence: tests/store.rs reads its Chinese from `Display`.
    StoreError::Rule(
        "该身份证号已属于另一位来访人,请选择该来访人 / This ID number belongs to another visitor: pick that visitor"
            .into(),
    )
}

/// What changed in a visitor's record, before → after, for the audit log: "工作单位:
/// 城西建筑 → 宏达制衣厂;电话:138****8000 → 139****5678". Numbers are masked here too:
/// the audit log is read by people the numbers are hidden from.
pub(in crate::store) fn changes_of(old: &VisitorRow, new: &VisitorRow) -> String {
    said_in(&person_changes(old, new), Lang::Zh)
}

/// Changes said in `lang`, joined by the catalog's separator.
pub(in crate::store) fn said_in(changes: &[Said], lang: Lang) -> String {
    changes
        .iter()
        .map(|c| c.say(lang))
        .collect::<Vec<_>>()
        .join(words::word(lang, "store.person.sep"))
}

/// The same as facts, one a field, for a status line in the desk's language: "Employer:
/// 城西建筑 → 宏达制衣厂" on an English desk (the audit log keeps the Chinese).
pub(in crate::store) fn person_changes(old: &VisitorRow, new: &VisitorRow) -> Vec<Said> {
    use crate::domain::intake::Field;
    let or_dash = |s: &str| {
        Arg::Text(if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        })
    };
    let phone = |p: &Option<String>| or_dash(&p.as_deref().map(phone::mask).unwrap_or_default());
    let id = |i: &Option<String>| or_dash(&i.as_deref().map(id_number::mask).unwrap_or_default());
    let pairs = [
        (Field::Name, or_dash(&old.name), or_dash(&new.name)),
        (Field::Phone, phone(&old.phone), phone(&new.phone)),
        (Field::IdNumber, id(&old.id_number), id(&new.id_number)),
        (Field::Gender, old.gender.arg(), new.gender.arg()),
        (
            Field::Employer,
            or_dash(&old.employer),
            or_dash(&new.employer),
        ),
        (
            Field::Occupation,
            old.occupation.arg(),
            new.occupation.arg(),
        ),
        (
            Field::OccupationNote,
            or_dash(&old.occupation_note),
            or_dash(&new.occupation_note),
        ),
        (
            Field::Hometown,
            or_dash(&old.hometown),
            or_dash(&new.hometown),
        ),
        (
            Field::Membership,
            old.membership.arg(),
            new.membership.arg(),
        ),
    ];
    let changed: Vec<&(Field, Arg, Arg)> = pairs.iter().filter(|(_, a, b)| a != b).collect();
    let mut out: Vec<Said> = changed
        .iter()
        .map(|(f, a, b)| {
            Said::new("store.person.change")
                .with_arg("field", f.arg())
                .with_arg("from", a.clone())
                .with_arg("to", b.clone())
        })
        .collect();
    // A changed number whose masked forms look alike still says it changed.
    for (f, a, b) in [
        (Field::Phone, &old.phone, &new.phone),
        (Field::IdNumber, &old.id_number, &new.id_number),
    ] {
        if a != b && !changed.iter().any(|(c, _, _)| *c == f) {
            out.push(Said::new("store.person.changed").with_arg("field", f.arg()));
        }
    }
    out
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
pub(super) fn merged(old: &VisitorRow, intake: &Intake) -> VisitorRow {
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
            let local = crate::store::parse_ts(&at)
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
    /// The returning visitor's name as recorded after the save: kept whatever the form
    /// says, but a transfer's stand-in, which takes the name typed.
    pub returning_name: Option<String>,
    /// Their record's changes, before → after, numbers masked; empty: none.
    pub changes: String,
}

/// The person an ID number belongs to at this desk: the visitor holding it, else a person
/// received by transfer whose request carried its keyed hash (no clear number here yet,
/// `store::transfer_person`); with whether their name is the stand-in the transfer gave
/// them (the name typed for them is then theirs).
pub(in crate::store) fn owner_of_id_number(
    conn: &Connection,
    id_number: &str,
) -> Result<Option<(VisitorRow, bool)>, StoreError> {
    let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id_number = ?1");
    if let Some(v) = conn
        .prepare_cached(&sql)?
        .query_row([id_number], visitor_from_row)
        .optional()?
    {
        return Ok(Some((v, false)));
    }
    Ok(crate::store::transfer_person::received_by_id_number(
        conn, id_number,
    )?)
}

/// [`merged`], and the name typed for a person known so far by a transfer's stand-in.
pub(super) fn merged_person(old: &VisitorRow, stand_in: bool, intake: &Intake) -> VisitorRow {
    let mut new = merged(old, intake);
    if stand_in && !intake.name.trim().is_empty() {
        new.name.clone_from(&intake.name);
    }
    new
}

/// A person picked on the form, and whether their name is a transfer's stand-in.
fn picked_person(conn: &Connection, id: &str) -> Result<Option<(VisitorRow, bool)>, StoreError> {
    let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id = ?1");
    let Some(v) = conn
        .prepare_cached(&sql)?
        .query_row([id], visitor_from_row)
        .optional()?
    else {
        return Ok(None);
    };
    let stand_in = crate::store::transfer_person::is_stand_in(conn, &v)?;
    Ok(Some((v, stand_in)))
}

/// The person this intake is about, if already on file: the one the form picked, else
/// the owner of its ID number; with whether their name is a transfer's stand-in. Refused
/// when the number is another's, when an unpicked owner's name differs (a stand-in's
/// aside), and when the form was filled from an older version of them.
pub(super) fn existing_visitor(
    conn: &Connection,
    intake: &Intake,
    id_number: Option<&str>,
) -> Result<Option<(VisitorRow, bool)>, StoreError> {
    let by_id_number = match id_number {
        Some(n) => owner_of_id_number(conn, n)?,
        None => None,
    };
    existing_visitor_given(conn, intake, by_id_number)
}

/// [`existing_visitor`] with the owner of the intake's ID number already found (a
/// ledger's import keeps the people it has written in memory, by ID number).
pub(super) fn existing_visitor_given(
    conn: &Connection,
    intake: &Intake,
    by_id_number: Option<(VisitorRow, bool)>,
) -> Result<Option<(VisitorRow, bool)>, StoreError> {
    let existing = match (&intake.visitor_id, by_id_number) {
        (Some(picked), Some((owner, _))) if *picked != owner.id => return Err(id_taken()),
        (Some(picked), _) => picked_person(conn, picked)?,
        (None, owner) => owner,
    };
    // Identity is never changed as a side effect: an ID number recorded under another
    // name stops the save. The officer decides (it is that person: the form then names
    // them as picked; or the number is re-checked); an import reports the row.
    if let (None, Some((owner, false))) = (&intake.visitor_id, &existing)
        && !same_name(&owner.name, &intake.name)
    {
        return Err(StoreError::IdOwnedBy {
            visitor_id: owner.id.clone(),
            name: owner.name.clone(),
        });
    }
    // A form filled from an older version of the person never overwrites a newer one.
    if let (Some((old, _)), Some(seen)) = (&existing, &intake.visitor_seen) {
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

impl Store {
    /// What saving `intake` would do to a person already on record — read only, for the
    /// desk to show before it writes.
    pub fn intake_plan(&self, intake: &Intake) -> Result<IntakePlan, StoreError> {
        let owner = match &intake.id_number {
            Some(n) => owner_of_id_number(&self.conn, n.as_str())?,
            None => None,
        };
        let person = match (&intake.visitor_id, owner) {
            (Some(id), _) => picked_person(&self.conn, id)?,
            (None, Some((owner, false))) if !same_name(&owner.name, &intake.name) => {
                return Ok(IntakePlan {
                    id_owner: Some((owner.id, owner.name)),
                    ..IntakePlan::default()
                });
            }
            (None, owner) => owner,
        };
        Ok(match person {
            Some((old, stand_in)) => {
                let new = merged_person(&old, stand_in, intake);
                IntakePlan {
                    id_owner: None,
                    changes: changes_of(&old, &new),
                    returning_name: Some(new.name),
                }
            }
            None => IntakePlan::default(),
        })
    }

    /// The open referrals of the person `intake` is about, if they are on record (picked,
    /// or known by their ID number under the same name, or received by transfer and
    /// known so far by a stand-in): what this visit may follow up.
    pub fn open_cases(
        &self,
        intake: &Intake,
    ) -> Result<Vec<crate::store::ReferralRow>, StoreError> {
        let person = match (&intake.visitor_id, &intake.id_number) {
            (Some(id), _) => Some(id.clone()),
            (None, Some(n)) => owner_of_id_number(&self.conn, n.as_str())?
                .filter(|(owner, stand_in)| *stand_in || same_name(&owner.name, &intake.name))
                .map(|(owner, _)| owner.id),
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
}

//! Visitors, and finding a returning one as the officer types.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, VisitRow};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Gender, Membership, Occupation};
use crate::domain::{phone, pinyin_keys};

#[derive(Debug, Clone, PartialEq)]
pub struct VisitorRow {
    pub id: String,
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub gender: Gender,
    pub birth_date: Option<String>,
    pub employer: String,
    pub occupation: Occupation,
    pub occupation_note: String,
    pub hometown: String,
    pub membership: Membership,
}

/// A returning-visitor candidate with their visit count and most recent visits.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitorMatch {
    pub visitor: VisitorRow,
    pub visit_count: i64,
    pub recent: Vec<VisitRow>,
}

pub(super) const VISITOR_COLUMNS: &str = "v.id, v.name, v.phone, v.id_number, v.gender, v.birth_date, \
     v.employer, v.occupation, v.occupation_note, v.hometown, v.membership";

pub(super) fn visitor_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitorRow> {
    let gender: String = r.get(4)?;
    let occupation: String = r.get(7)?;
    let membership: String = r.get(10)?;
    Ok(VisitorRow {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        id_number: r.get(3)?,
        gender: Gender::from_code(&gender).unwrap_or(Gender::Unknown),
        birth_date: r.get(5)?,
        employer: r.get(6)?,
        occupation: Occupation::from_code(&occupation).unwrap_or(Occupation::Unknown),
        occupation_note: r.get(8)?,
        hometown: r.get(9)?,
        membership: Membership::from_code(&membership).unwrap_or(Membership::Unknown),
    })
}

/// What the officer typed, turned into the form keys are stored in; `None` when it is
/// too short to be worth a lookup.
pub fn lookup_key(query: &str) -> Option<String> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    let numberish = q
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | 'x' | 'X'))
        && q.chars().any(|c| c.is_ascii_digit());
    if numberish {
        let q = q.strip_prefix("+86").unwrap_or(q);
        let key: String = q
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == 'x' || *c == 'X')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        return (key.len() >= 3).then_some(key);
    }
    if pinyin_keys::is_pinyin_query(q) {
        return (q.chars().count() >= 2).then(|| pinyin_keys::fold_query(q));
    }
    Some(q.to_string())
}

/// Most spellings of one query looked up (each ü/u/v after l or n doubles them).
const MAX_SPELLINGS: usize = 16;

/// The stored keys a lookup key can stand for: keys spell ü as `ü` (吕 `lü`, as in every
/// database written so far), while people type `lv`, `lu` or `lü`; so each `u`, `v` or
/// `ü` after an l or n is tried as written and as `ü` (`lu` finds 鲁 lu and 吕 lü alike).
pub fn key_spellings(key: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut prev = None;
    for c in key.chars() {
        let umlaut = matches!(prev, Some('l' | 'n')) && matches!(c, 'u' | 'v' | 'ü');
        if umlaut && c != 'ü' && out.len() * 2 <= MAX_SPELLINGS {
            let with: Vec<String> = out.iter().map(|s| format!("{s}ü")).collect();
            out.iter_mut().for_each(|s| s.push(c));
            out.extend(with);
        } else {
            // Past the cap a `v` is still read as ü (pinyin has no v), a `u` as written.
            let c = if umlaut && c == 'v' { 'ü' } else { c };
            out.iter_mut().for_each(|s| s.push(c));
        }
        prev = Some(c);
    }
    out
}

/// The keys a visitor can be found by.
pub(super) fn keys_for(
    name: &str,
    phone_e164: Option<&str>,
    id_number: Option<&str>,
) -> Vec<String> {
    let mut keys = pinyin_keys::name_keys(name);
    keys.push(name.trim().to_string());
    if let Some(p) = phone_e164 {
        keys.push(phone::national_digits(p));
    }
    if let Some(id) = id_number {
        keys.push(id.to_string());
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Writes a visitor's record as `v` holds it (every field but the id), marking when.
/// The intake save and the correction both change a person through here.
pub(super) fn update_visitor(conn: &Connection, v: &VisitorRow, now: &str) -> rusqlite::Result<()> {
    // Cached: a ledger's import runs it once a returning row.
    conn.prepare_cached(
        "UPDATE visitor SET name = ?2, phone = ?3, id_number = ?4, gender = ?5,
           birth_date = ?6, employer = ?7, occupation = ?8, occupation_note = ?9,
           hometown = ?10, membership = ?11, updated_at = ?12 WHERE id = ?1",
    )?
    .execute(params![
        v.id,
        v.name,
        v.phone,
        v.id_number,
        v.gender.code(),
        v.birth_date,
        v.employer,
        v.occupation.code(),
        v.occupation_note,
        v.hometown,
        v.membership.code(),
        now
    ])?;
    Ok(())
}

pub(super) fn write_keys(
    conn: &Connection,
    visitor_id: &str,
    name: &str,
    phone_e164: Option<&str>,
    id_number: Option<&str>,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM visitor_key WHERE visitor_id = ?1",
        [visitor_id],
    )?;
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO visitor_key(key, visitor_id) VALUES (?1, ?2)")?;
    for k in keys_for(name, phone_e164, id_number) {
        stmt.execute(params![k, visitor_id])?;
    }
    Ok(())
}

impl Store {
    pub fn visitor(&self, id: &str) -> Result<Option<VisitorRow>, StoreError> {
        let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id = ?1");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], visitor_from_row)
            .optional()?)
    }

    pub fn visitor_by_id_number(&self, id_number: &str) -> Result<Option<VisitorRow>, StoreError> {
        let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id_number = ?1");
        Ok(self
            .conn
            .query_row(&sql, [id_number], visitor_from_row)
            .optional()?)
    }

    /// Earlier visitors whose name, pinyin, phone or ID number starts with `query`,
    /// most recently seen first (ranked once, below), with their last few visits.
    pub fn find_returning(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Vec<VisitorMatch>, StoreError> {
        let Some(key) = lookup_key(query) else {
            return Ok(Vec::new());
        };
        let mut ids_stmt = self.conn.prepare_cached(
            "SELECT DISTINCT visitor_id FROM visitor_key WHERE key >= ?1 AND key < ?2 LIMIT ?3",
        )?;
        // Take a wider net than shown, then keep the most recently seen: for a common
        // surname (张) the officer most likely means someone who came lately.
        let mut candidates: Vec<String> = Vec::new();
        for spelling in key_spellings(&key) {
            let upper = format!("{spelling}\u{10FFFF}");
            for id in ids_stmt.query_map(params![spelling, upper, (limit * 8) as i64], |r| {
                r.get::<_, String>(0)
            })? {
                let id = id?;
                if !candidates.contains(&id) {
                    candidates.push(id);
                }
            }
        }
        let mut last_stmt = self
            .conn
            .prepare_cached("SELECT max(visited_at) FROM visit WHERE visitor_id = ?1")?;
        let mut ranked: Vec<(Option<String>, String)> = Vec::with_capacity(candidates.len());
        for id in candidates {
            let last: Option<String> = last_stmt.query_row([&id], |r| r.get(0))?;
            ranked.push((last, id));
        }
        ranked.sort_by(|a, b| b.0.cmp(&a.0));
        let ids: Vec<String> = ranked.into_iter().take(limit).map(|(_, id)| id).collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(visitor) = self.visitor(&id)? else {
                continue;
            };
            let visit_count: i64 = self
                .conn
                .prepare_cached("SELECT count(*) FROM visit WHERE visitor_id = ?1")?
                .query_row([&id], |r| r.get(0))?;
            let recent = self.visits_of_visitor(&id, 3)?;
            out.push(VisitorMatch {
                visitor,
                visit_count,
                recent,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_keys_by_kind_of_query() {
        assert_eq!(lookup_key("138 0013"), Some("1380013".into()));
        assert_eq!(lookup_key("+86 138"), Some("138".into()));
        assert_eq!(lookup_key("13"), None);
        assert_eq!(lookup_key("ZS"), Some("zs".into()));
        assert_eq!(lookup_key("z"), None);
        assert_eq!(lookup_key("张"), Some("张".into()));
        assert_eq!(
            lookup_key("3301021990010112x"),
            Some("3301021990010112X".into())
        );
        assert_eq!(lookup_key("  "), None);
        assert_eq!(lookup_key("LÜ"), Some("lü".into()));
        assert_eq!(lookup_key("lv"), Some("lv".into()));
    }

    #[test]
    fn u_umlaut_is_looked_up_however_it_is_typed() {
        let mut lu = key_spellings("lu");
        lu.sort();
        assert_eq!(lu, vec!["lu", "lü"]);
        // v stays too: Latin names (Calvin) are keyed as written.
        assert_eq!(key_spellings("lv"), vec!["lv", "lü"]);
        assert_eq!(key_spellings("lü"), vec!["lü"]);
        assert_eq!(key_spellings("nve"), vec!["nve", "nüe"]);
        assert_eq!(key_spellings("zs"), vec!["zs"]);
        // Not after l or n: ju, xu, yu are the pinyin crate's own spelling of jü, xü, yü.
        assert_eq!(key_spellings("xu"), vec!["xu"]);
        assert_eq!(key_spellings("lulu").len(), 4);
        assert!(key_spellings(&"lu".repeat(20)).len() <= MAX_SPELLINGS);
    }
}

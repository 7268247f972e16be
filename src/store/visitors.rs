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

/// How a returning visitor was found by what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// Their name, its pinyin, or the start (or whole) of their phone or ID number.
    Start,
    /// Only the last digits of their phone (手机尾号): four or more typed.
    PhoneTail,
}

/// A returning-visitor candidate with their visit count and most recent visits.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitorMatch {
    pub visitor: VisitorRow,
    pub visit_count: i64,
    pub recent: Vec<VisitRow>,
    pub matched_by: MatchedBy,
}

/// What a phone's tail key starts with: a private-use character that no name, pinyin,
/// phone or ID number key starts with and nobody types, so tail keys are found only by
/// [`tail_lookup_key`] and never by an ordinary prefix search.
pub const TAIL_MARK: char = '\u{E000}';

/// Fewest digits typed before the end of stored phones is searched too: three would match
/// a thousandth of all numbers and say nothing.
pub const MIN_TAIL_DIGITS: usize = 4;

/// The key a phone's national digits are found by from their end: the mark, then the
/// digits last first (`13800138000` → mark + `00083100831`).
pub fn tail_key(national_digits: &str) -> String {
    std::iter::once(TAIL_MARK)
        .chain(national_digits.chars().rev())
        .collect()
}

/// What the officer typed as the prefix of a tail key, when it is four or more digits
/// and nothing else (spaces and dashes aside): `8000` → mark + `0008`.
pub fn tail_lookup_key(query: &str) -> Option<String> {
    let q = query.trim();
    if q.is_empty()
        || !q
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-'))
    {
        return None;
    }
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= MIN_TAIL_DIGITS).then(|| tail_key(&digits))
}

/// Migration 19's step: the tail keys of the phones already on file.
pub(super) fn tail_keys_at_migration(conn: &Connection) -> rusqlite::Result<()> {
    let mut read = conn.prepare("SELECT id, phone FROM visitor WHERE phone IS NOT NULL")?;
    let mut write =
        conn.prepare("INSERT OR IGNORE INTO visitor_key(key, visitor_id) VALUES (?1, ?2)")?;
    let rows = read.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, phone) = row?;
        write.execute(params![tail_key(&phone::national_digits(&phone)), id])?;
    }
    Ok(())
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
        let national = phone::national_digits(p);
        keys.push(tail_key(&national));
        keys.push(national);
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
    // A person saved since the keys were last filed is found by the keys on their row:
    // those are the old ones now.
    conn.prepare_cached(
        "UPDATE visitor SET search_keys = NULL WHERE id = ?1 AND search_keys IS NOT NULL",
    )?
    .execute([visitor_id])?;
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO visitor_key(key, visitor_id) VALUES (?1, ?2)")?;
    for k in keys_for(name, phone_e164, id_number) {
        stmt.execute(params![k, visitor_id])?;
    }
    Ok(())
}

/// The setting naming the last visitor (by rowid) whose search keys are filed in
/// `visitor_key`. A person saved at the desk after it keeps their keys on their own row
/// (`visitor.search_keys`) until [`file_pending_keys`] files them: a new person's keys
/// land all over `visitor_key` (prefix search), about nine pages written at each save
/// (issue 15); filed a shift's worth at a time, they cost the save nothing.
pub(super) const KEYS_FILED_THROUGH: &str = "visitor_keys_filed_through";

/// Most people whose keys wait on their row before a save files them: the lookup reads
/// each waiting row as the officer types (a few hundred short rows: well under 1 ms).
pub(super) const MOST_PENDING_KEYS: i64 = 256;

/// A person's keys as kept on their row until filed: each behind a newline, so a prefix
/// of any key is found with `instr(search_keys, char(10) || prefix)`.
pub(super) fn pending_keys(keys: &[String]) -> String {
    keys.iter().fold(String::new(), |mut out, k| {
        out.push('\n');
        out.push_str(k);
        out
    })
}

fn keys_filed_through(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(conn
        .prepare_cached("SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?1")?
        .query_row([KEYS_FILED_THROUGH], |r| r.get::<_, Option<i64>>(0))
        .optional()?
        .flatten()
        .unwrap_or(0))
}

/// Files the keys waiting on people's rows into `visitor_key`, in key order, and marks
/// every person so far as filed. Inside the caller's transaction. Run when a shift opens,
/// when more than [`MOST_PENDING_KEYS`] wait, and after bulk writes (import, generator).
pub(super) fn file_pending_keys(conn: &Connection) -> rusqlite::Result<()> {
    let through = keys_filed_through(conn)?;
    let mut last = through;
    let mut pairs: Vec<(String, String)> = Vec::new();
    {
        let mut read =
            conn.prepare_cached("SELECT rowid, id, search_keys FROM visitor WHERE rowid > ?1")?;
        let mut rows = read.query([through])?;
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            last = last.max(rowid);
            let id: String = r.get(1)?;
            if let Some(keys) = r.get::<_, Option<String>>(2)? {
                pairs.extend(
                    keys.split('\n')
                        .filter(|k| !k.is_empty())
                        .map(|k| (k.to_string(), id.clone())),
                );
            }
        }
    }
    if last == through {
        return Ok(());
    }
    pairs.sort_unstable();
    let mut write =
        conn.prepare_cached("INSERT OR IGNORE INTO visitor_key(key, visitor_id) VALUES (?1, ?2)")?;
    for (key, id) in &pairs {
        write.execute(params![key, id])?;
    }
    conn.prepare_cached(
        "UPDATE visitor SET search_keys = NULL WHERE rowid > ?1 AND search_keys IS NOT NULL",
    )?
    .execute([through])?;
    conn.prepare_cached(
        "INSERT INTO setting(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![KEYS_FILED_THROUGH, last.to_string()])?;
    Ok(())
}

/// Marks every person on file as filed, after a bulk write that filed its people's keys
/// itself; [`file_pending_keys`] is run before it, so none waits.
pub(super) fn mark_keys_filed(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO setting(key, value)
           SELECT ?1, CAST(coalesce(max(rowid), 0) AS TEXT) FROM visitor WHERE true
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute([KEYS_FILED_THROUGH])?;
    Ok(())
}

/// [`file_pending_keys`] when more than [`MOST_PENDING_KEYS`] people wait.
pub(super) fn file_pending_keys_if_many(conn: &Connection) -> rusqlite::Result<()> {
    let newest: i64 = conn
        .prepare_cached("SELECT coalesce(max(rowid), 0) FROM visitor")?
        .query_row([], |r| r.get(0))?;
    if newest - keys_filed_through(conn)? > MOST_PENDING_KEYS {
        file_pending_keys(conn)?;
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

    /// The person an ID number belongs to: the visitor holding it, else one received by
    /// transfer whose request carried its keyed hash (see `store::transfer_person`).
    pub fn visitor_by_id_number(&self, id_number: &str) -> Result<Option<VisitorRow>, StoreError> {
        let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.id_number = ?1");
        if let Some(v) = self
            .conn
            .query_row(&sql, [id_number], visitor_from_row)
            .optional()?
        {
            return Ok(Some(v));
        }
        Ok(super::transfer_person::received_by_id_number(&self.conn, id_number)?.map(|(v, _)| v))
    }

    /// Earlier visitors whose name, pinyin, phone or ID number starts with `query` —
    /// or, for four or more digits, whose phone ends with them (手机尾号) — most recently
    /// seen first (ranked once, below), with their last few visits and how each was found.
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
        let mut candidates: Vec<(String, MatchedBy)> = Vec::new();
        let tail = tail_lookup_key(query).map(|t| (t, MatchedBy::PhoneTail));
        let spellings = key_spellings(&key)
            .into_iter()
            .map(|k| (k, MatchedBy::Start));
        // The start first: a number found both ways was typed from its start.
        // People saved since the keys were last filed carry theirs on their row.
        let mut pending_stmt = self.conn.prepare_cached(
            "SELECT id FROM visitor
             WHERE rowid > (SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?1)
               AND instr(search_keys, ?2) > 0
             LIMIT ?3",
        )?;
        for (spelling, how) in spellings.chain(tail) {
            let upper = format!("{spelling}\u{10FFFF}");
            let filed = ids_stmt
                .query_map(params![spelling, upper, super::sql_limit(limit * 8)], |r| {
                    r.get::<_, String>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let waiting = pending_stmt
                .query_map(
                    params![
                        KEYS_FILED_THROUGH,
                        format!("\n{spelling}"),
                        super::sql_limit(limit * 8)
                    ],
                    |r| r.get::<_, String>(0),
                )?
                .collect::<Result<Vec<_>, _>>()?;
            for id in filed.into_iter().chain(waiting) {
                if !candidates.iter().any(|(c, _)| *c == id) {
                    candidates.push((id, how));
                }
            }
        }
        let mut last_stmt = self
            .conn
            .prepare_cached("SELECT max(visited_at) FROM visit WHERE visitor_id = ?1")?;
        let mut ranked: Vec<(Option<String>, String, MatchedBy)> =
            Vec::with_capacity(candidates.len());
        for (id, how) in candidates {
            let last: Option<String> = last_stmt.query_row([&id], |r| r.get(0))?;
            ranked.push((last, id, how));
        }
        ranked.sort_by(|a, b| b.0.cmp(&a.0));
        let mut out = Vec::with_capacity(limit.min(ranked.len()));
        for (_, id, matched_by) in ranked.into_iter().take(limit) {
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
                matched_by,
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
    fn the_migration_keys_the_phones_already_on_file_by_their_end() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        c.execute_batch(
            "INSERT INTO station VALUES ('s', '站', 't', 't');
             INSERT INTO visitor(id, station_id, name, phone, gender, occupation, membership,
               created_at, updated_at)
             VALUES ('a', 's', '张三', '+8613800138000', 'male', 'unknown', 'unknown', 't', 't'),
                    ('b', 's', '李四', NULL, 'male', 'unknown', 'unknown', 't', 't');",
        )
        .unwrap();
        tail_keys_at_migration(c).unwrap();
        tail_keys_at_migration(c).unwrap();
        let keys: Vec<(String, String)> = c
            .prepare("SELECT key, visitor_id FROM visitor_key")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(keys, vec![(tail_key("13800138000"), "a".to_string())]);
    }

    #[test]
    fn four_or_more_digits_also_look_at_the_end_of_phones() {
        assert_eq!(tail_lookup_key("8000"), Some(format!("{TAIL_MARK}0008")));
        assert_eq!(
            tail_lookup_key(" 138-0013 8000 "),
            Some(tail_key("13800138000"))
        );
        assert_eq!(tail_lookup_key("800"), None, "three digits are not a tail");
        assert_eq!(tail_lookup_key("+86 8000"), None);
        assert_eq!(tail_lookup_key("zs8000"), None);
        assert_eq!(tail_lookup_key("3301x"), None);
        // Every phone is keyed by its tail; no other key starts with the mark.
        let keys = keys_for("张三", Some("+8613800138000"), Some("330102199001011234"));
        assert!(keys.contains(&tail_key("13800138000")), "{keys:?}");
        assert_eq!(keys.iter().filter(|k| k.starts_with(TAIL_MARK)).count(), 1);
        assert!(
            keys_for("张三", None, None)
                .iter()
                .all(|k| !k.starts_with(TAIL_MARK))
        );
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

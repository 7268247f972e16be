//! Who a person received by transfer is at this station (issue 20). The request carries
//! their ID number only as the county's keyed hash (HMAC-SHA256 under the county key, as
//! the hub holds it); this desk holds the key since it joined the hub, so it can tell
//! whether the hash is the number of someone it already knows, and recognise the person
//! when an officer later types their number — the clear number never leaves station A.
//!
//! Matching at accept hashes this station's own numbers there and then, only those of
//! people born in the year the request names (the year is in the number itself: about one
//! in fifty of the file). Nothing is kept for it: a kept table of hashes would have to be
//! filled for every file already synced, rehashed when the county's key changes, and be
//! current for people changed since the last sync; hashing on accept is always current.

use rusqlite::{Connection, OptionalExtension};

use super::transfers::TransferRequest;
use super::visitors::{VISITOR_COLUMNS, VisitorRow, visitor_from_row};
use crate::hub::keyed::CountyKey;

/// What follows a station's name in the name given to a person received from it when the
/// county does not send names.
const STAND_IN: &str = "转来的来访人";

/// The name a person received by transfer is given when the request carries none: a
/// stand-in until an officer registers them by their ID number and types their name.
pub(super) fn stand_in_name(from_station: &str) -> String {
    format!("{from_station}{STAND_IN}")
}

/// The county key this desk hashes ID numbers under, once it has joined a hub.
fn county_key(conn: &Connection) -> rusqlite::Result<Option<CountyKey>> {
    let held: Option<(String, String)> = conn
        .prepare_cached("SELECT key_id, county_key FROM sync_state WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(held.and_then(|(id, hex)| CountyKey::from_hex(&id, &hex)))
}

/// A person this station took in by accepting a transfer whose request carried `hash`,
/// still without a clear ID number here; and whether their name is still the stand-in.
fn received_person(conn: &Connection, hash: &str) -> rusqlite::Result<Option<(VisitorRow, bool)>> {
    // The index of migration 24: the same expression, the same condition.
    let sql = format!(
        "SELECT {VISITOR_COLUMNS}, i.from_station FROM transfer_in i
           JOIN referral r ON r.id = i.referral_id JOIN visit t ON t.id = r.visit_id
           JOIN visitor v ON v.id = t.visitor_id
          WHERE json_extract(i.request, '$.id_number_hmac') = ?1 AND i.status = 'accepted'
            AND v.id_number IS NULL
          ORDER BY i.answered_at LIMIT 1"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row([hash], |r| {
            Ok((visitor_from_row(r)?, r.get::<_, String>(11)?))
        })
        .optional()?;
    Ok(found.map(|(v, from)| {
        let stand_in = v.name == stand_in_name(&from);
        (v, stand_in)
    }))
}

/// The person received by transfer an ID number typed at this desk is the number of (see
/// [`received_person`]); None on a desk that has not joined a hub.
pub(super) fn received_by_id_number(
    conn: &Connection,
    id_number: &str,
) -> rusqlite::Result<Option<(VisitorRow, bool)>> {
    let Some(hash) = county_key(conn)?.and_then(|k| k.id_number(id_number)) else {
        return Ok(None);
    };
    received_person(conn, &hash)
}

/// Whether `v` is a person received by transfer still known by the stand-in name alone
/// (no clear ID number): the name an officer types for them is theirs.
pub(super) fn is_stand_in(conn: &Connection, v: &VisitorRow) -> rusqlite::Result<bool> {
    if v.id_number.is_some() || !v.name.ends_with(STAND_IN) {
        return Ok(false);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT i.from_station FROM transfer_in i
           JOIN referral r ON r.id = i.referral_id JOIN visit t ON t.id = r.visit_id
          WHERE i.status = 'accepted' AND t.visitor_id = ?1",
    )?;
    let from: Vec<String> = stmt
        .query_map([&v.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(from.iter().any(|f| v.name == stand_in_name(f)))
}

/// This station's own visitor a request is about, when it knows them: one received by an
/// earlier transfer with the same hash, or one whose ID number, hashed under the county
/// key, is the request's hash. None when the request carries no hash, or the desk holds
/// another key than the one it was made under.
pub(super) fn known_person(
    conn: &Connection,
    req: &TransferRequest,
) -> rusqlite::Result<Option<VisitorRow>> {
    let Some(hash) = req.id_number_hmac.as_deref() else {
        return Ok(None);
    };
    if let Some((v, _)) = received_person(conn, hash)? {
        return Ok(Some(v));
    }
    let Some(key) = county_key(conn)? else {
        return Ok(None);
    };
    if hash.split(':').next() != Some(key.id.as_str()) {
        return Ok(None);
    }
    // The birth year is characters 7–10 of an 18-character number, 19 and characters
    // 7–8 of a 15-digit one; read from the numbers' own index, the rows left alone.
    let mut stmt = conn.prepare(
        "SELECT rowid, id_number FROM visitor
          WHERE id_number IS NOT NULL
            AND (?1 IS NULL OR CAST(CASE length(id_number)
                     WHEN 18 THEN substr(id_number, 7, 4)
                     WHEN 15 THEN '19' || substr(id_number, 7, 2) END AS INTEGER) = ?1)",
    )?;
    let mut rows = stmt.query([req.birth_year])?;
    let mut found = None;
    while let Some(r) = rows.next()? {
        let n: String = r.get(1)?;
        if key.id_number(&n).as_deref() == Some(hash) {
            found = Some(r.get::<_, i64>(0)?);
            break;
        }
    }
    let Some(rowid) = found else {
        return Ok(None);
    };
    let sql = format!("SELECT {VISITOR_COLUMNS} FROM visitor v WHERE v.rowid = ?1");
    conn.query_row(&sql, [rowid], visitor_from_row).optional()
}

//! The seals: a signed-off shift's record hashed, each seal chained to the one before,
//! and the check that walks the chain.

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::store::events::{self, NewEvent};
use crate::store::{Store, StoreError, parse_ts};

use super::{BrokenSeal, SealCheck};

/// The sealed record in a canonical text: the shift (its sign-off time is hashed
/// beside it), its members, its visits and its entries, each field separated by U+001F and each record by U+001E, in id order.
fn sealed_record(conn: &Connection, shift_id: &str) -> rusqlite::Result<Vec<u8>> {
    let mut out = Vec::new();
    let put = |sql: &str, out: &mut Vec<u8>| -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([shift_id])?;
        while let Some(r) = rows.next()? {
            for i in 0..n {
                match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => out.extend_from_slice(b"\\N"),
                    rusqlite::types::ValueRef::Integer(v) => {
                        out.extend_from_slice(v.to_string().as_bytes())
                    }
                    rusqlite::types::ValueRef::Real(v) => {
                        out.extend_from_slice(v.to_string().as_bytes())
                    }
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        out.extend_from_slice(t)
                    }
                }
                out.push(0x1f);
            }
            out.push(0x1e);
        }
        out.push(0x1d);
        Ok(())
    };
    put(
        "SELECT id, station_id, opened_at, opened_by, signed_by, handover_note
         FROM shift WHERE id = ?1",
        &mut out,
    )?;
    put(
        "SELECT officer_id, joined_at FROM shift_member WHERE shift_id = ?1 ORDER BY officer_id",
        &mut out,
    )?;
    put(
        "SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
           amount_owed_fen, urgency, visited_at, created_at, updated_at, disposition,
           disposition_note, occupation, membership
         FROM visit WHERE shift_id = ?1 ORDER BY id",
        &mut out,
    )?;
    put(
        "SELECT id, at, officer_id, kind, text, about FROM log_entry WHERE shift_id = ?1 ORDER BY id",
        &mut out,
    )?;
    Ok(out)
}

/// The seal of a shift signed off before version 10 (formula 1): SHA-256 of the sign-off
/// time and the record, hex. Kept so those seals stay verifiable.
fn seal_hash_v1(conn: &Connection, shift_id: &str, closed_at: &str) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    h.update(closed_at.as_bytes());
    h.update([0x1d]);
    h.update(sealed_record(conn, shift_id)?);
    Ok(events::hex(&h.finalize()))
}

/// The persons of a shift's visits as they were at sign-off, in the record's canonical
/// text (as `sealed_record` writes it).
fn sealed_persons_record(conn: &Connection, shift_id: &str) -> rusqlite::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT v.visitor_id, v.name, v.phone, v.id_number, v.gender, v.birth_date, v.employer,
           v.occupation, v.occupation_note, v.hometown, v.membership
         FROM sealed_person v WHERE v.shift_id = ?1 ORDER BY v.visitor_id",
    )?;
    let n = stmt.column_count();
    let mut rows = stmt.query([shift_id])?;
    while let Some(r) = rows.next()? {
        for i in 0..n {
            match r.get::<_, Option<String>>(i)? {
                Some(t) => out.extend_from_slice(t.as_bytes()),
                None => out.extend_from_slice(b"\\N"),
            }
            out.push(0x1f);
        }
        out.push(0x1e);
    }
    out.push(0x1d);
    Ok(out)
}

/// The seal from version 10 on (formula 2): SHA-256 of the previous seal in the chain, the
/// sign-off time, the record and the persons of its visits as they were at sign-off, hex.
/// It is also the shift's link in the seal chain.
pub(super) fn seal_hash_v2(
    conn: &Connection,
    shift_id: &str,
    closed_at: &str,
    prev_hash: &str,
) -> rusqlite::Result<String> {
    let mut h = Sha256::new();
    h.update(b"dutydesk seal 2\x1d");
    h.update(prev_hash.as_bytes());
    h.update([0x1d]);
    h.update(closed_at.as_bytes());
    h.update([0x1d]);
    h.update(sealed_record(conn, shift_id)?);
    h.update(sealed_persons_record(conn, shift_id)?);
    Ok(events::hex(&h.finalize()))
}

/// A formula-1 seal's link in the chain: SHA-256 of the previous link, the shift and its
/// seal, hex.
fn link_v1(prev_hash: &str, shift_id: &str, seal: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"dutydesk seal link 1\x1d");
    for part in [prev_hash, shift_id, seal] {
        h.update(part.as_bytes());
        h.update([0x1d]);
    }
    events::hex(&h.finalize())
}

/// The last link of the seal chain: its seq and hash (0 and the chain's start if none).
pub(super) fn last_seal_link(conn: &Connection) -> rusqlite::Result<(i64, String)> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM seal_chain ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, events::GENESIS.into())))
}

/// Puts a sealed shift into the chain and says so in the audit log (its seal hash as the
/// event's detail), so a shift deleted whole is still named.
pub(super) fn chain_seal(
    conn: &Connection,
    shift_id: &str,
    formula: i64,
    prev: &(i64, String),
    hash: &str,
) -> rusqlite::Result<()> {
    let (station_id, opened_at, signed_by, closed_at): (String, String, Option<String>, String) =
        conn.query_row(
            "SELECT station_id, opened_at, signed_by, closed_at FROM shift WHERE id = ?1",
            [shift_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    conn.execute(
        "INSERT INTO seal_chain(seq, shift_id, opened_at, formula, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![prev.0 + 1, shift_id, opened_at, formula, prev.1, hash],
    )?;
    events::record(
        conn,
        NewEvent {
            station_id: &station_id,
            entity: "shift",
            entity_id: shift_id,
            action: "sealed",
            officer_id: signed_by.as_deref(),
            at: parse_ts(&closed_at).unwrap_or_default(),
            detail: hash,
        },
    )
}

/// A LEFT JOINed shift's sign-off time: None if the shift is gone, Some(None) if it is
/// there and open. Reads `s.id IS NOT NULL, s.closed_at` at `at`.
fn present_closed(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<Option<String>>> {
    let present: bool = r.get(at)?;
    present.then(|| r.get(at + 1)).transpose()
}

/// Migration 10, in its transaction: the events already written are chained, then the
/// shifts sealed before it are put into the seal chain once, in the order they were
/// signed off, each keeping its own (formula 1) hash. No sealed row is touched.
pub(in crate::store) fn chain_at_migration(conn: &Connection) -> rusqlite::Result<()> {
    events::chain_existing(conn)?;
    let sealed: Vec<(String, String)> = conn
        .prepare(
            "SELECT id, seal_hash FROM shift s WHERE closed_at IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM seal_chain c WHERE c.shift_id = s.id)
             ORDER BY closed_at, opened_at, id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, seal) in sealed {
        let prev = last_seal_link(conn)?;
        let link = link_v1(&prev.1, &id, &seal);
        chain_seal(conn, &id, 1, &prev, &link)?;
    }
    Ok(())
}

impl Store {
    /// Every shift named by the seal check, whatever was done to it.
    pub fn broken_seals(&self) -> Result<Vec<BrokenSeal>, StoreError> {
        Ok(self.seal_check()?.all())
    }

    /// Walks the seal chain from its start: every seal recomputed (each by its formula),
    /// every link following the one before, every shift it names still there and sealed,
    /// every sealed shift in it, and every seal the audit log recorded accounted for.
    pub fn seal_check(&self) -> Result<SealCheck, StoreError> {
        let conn = &self.conn;
        let mut out = SealCheck {
            sealed: self.sealed_shifts()?,
            ..SealCheck::default()
        };
        let name = |id: &str, opened: Option<&str>| BrokenSeal {
            shift_id: id.to_string(),
            opened_at: opened.and_then(parse_ts),
        };
        type ChainRow = (
            i64,
            String,
            String,
            i64,
            String,
            String,
            Option<Option<String>>,
            Option<String>,
        );
        let chain: Vec<ChainRow> = conn
            .prepare(
                "SELECT c.seq, c.shift_id, c.opened_at, c.formula, c.prev_hash, c.hash,
                   s.id IS NOT NULL, s.closed_at, s.seal_hash
                 FROM seal_chain c LEFT JOIN shift s ON s.id = c.shift_id ORDER BY c.seq",
            )?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    // The shift's sign-off time if it is still there.
                    present_closed(r, 6)?,
                    r.get(8)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let (mut last_seq, mut last_hash) = (0, events::GENESIS.to_string());
        for (seq, id, opened, formula, prev_hash, hash, closed, seal) in chain {
            let shift = name(&id, Some(&opened));
            if seq != last_seq + 1 || prev_hash != last_hash {
                out.breaks.push(shift.clone());
            }
            match closed {
                None => out.deleted.push(shift),
                Some(None) => out.unsealed.push(shift),
                Some(Some(closed)) => {
                    let seal = seal.unwrap_or_default();
                    let holds = match formula {
                        1 => {
                            seal_hash_v1(conn, &id, &closed)? == seal
                                && link_v1(&prev_hash, &id, &seal) == hash
                        }
                        _ => seal == hash && seal_hash_v2(conn, &id, &closed, &prev_hash)? == hash,
                    };
                    if !holds {
                        out.changed.push(shift);
                    }
                }
            }
            (last_seq, last_hash) = (seq, hash);
        }
        let unchained: Vec<(String, String)> = conn
            .prepare(
                "SELECT id, opened_at FROM shift s WHERE closed_at IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM seal_chain c WHERE c.shift_id = s.id)
                 ORDER BY opened_at",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, opened) in unchained {
            out.unchained.push(name(&id, Some(&opened)));
        }
        // The audit log recorded each seal: a shift gone or unsealed with its link gone
        // too is still named (unless the audit chain was rewritten as well, which its
        // own check names).
        let recorded: Vec<(String, Option<String>, Option<Option<String>>)> = conn
            .prepare(
                "SELECT e.entity_id, s.opened_at, s.id IS NOT NULL, s.closed_at
                 FROM event e LEFT JOIN shift s ON s.id = e.entity_id
                 WHERE e.entity = 'shift' AND e.action = 'sealed'
                 ORDER BY e.at",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, present_closed(r, 2)?)))?
            .collect::<Result<_, _>>()?;
        for (id, opened, closed) in recorded {
            let list = match closed {
                None => &mut out.deleted,
                Some(None) => &mut out.unsealed,
                Some(Some(_)) => continue,
            };
            if !list.iter().any(|b| b.shift_id == id) {
                list.push(name(&id, opened.as_deref()));
            }
        }
        Ok(out)
    }

    /// The persons of a sealed shift's visits as they were at sign-off (a later correction
    /// of a visitor changes the visitor, not this), by visitor id. Empty for an open shift
    /// and for one sealed before version 10.
    pub fn sealed_persons(
        &self,
        shift_id: &str,
    ) -> Result<Vec<crate::store::VisitorRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.visitor_id, v.name, v.phone, v.id_number, v.gender, v.birth_date,
               v.employer, v.occupation, v.occupation_note, v.hometown, v.membership
             FROM sealed_person v WHERE v.shift_id = ?1 ORDER BY v.visitor_id",
        )?;
        let rows = stmt.query_map([shift_id], crate::store::visitors::visitor_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many shifts are sealed.
    pub fn sealed_shifts(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM shift WHERE closed_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }
}

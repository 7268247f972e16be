//! `dutydesk hub check`: what the hub keeps of each station's seals. Lists every later
//! version of a sealed record a desk sent (kept out, in hub.seal_conflict), each break in a
//! station's seal chain as the hub holds it, and each signed-off shift with no link in it.

use anyhow::Result;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// A desk sent a changed (or deleted) version of a record it had sealed.
    Rewritten {
        station: String,
        table: String,
        row: String,
        shift: Option<String>,
        deleted: bool,
        seen_at: DateTime<Utc>,
    },
    /// The station's seal chain at the hub is not whole before this link.
    ChainBreak { station: String, seq: i64 },
    /// A signed-off shift the hub holds has no link in the seal chain.
    Unchained { station: String, shift: String },
}

pub fn check(client: &mut postgres::Client) -> Result<(i64, Vec<Finding>)> {
    let mut found = Vec::new();
    for r in client.query(
        "SELECT s.name, c.tbl, c.row_key, c.shift_id, c.gone, c.seen_at
           FROM hub.seal_conflict c JOIN hub.station s USING (station_id)
          ORDER BY s.name, c.id",
        &[],
    )? {
        found.push(Finding::Rewritten {
            station: r.get(0),
            table: r.get(1),
            row: r.get(2),
            shift: r.get(3),
            deleted: r.get(4),
            seen_at: r.get(5),
        });
    }
    for r in client.query(
        "SELECT s.name, c.seq FROM (
             SELECT station_id, seq, prev_hash,
                    lag(seq) OVER w AS last_seq, lag(hash) OVER w AS last_hash
               FROM hub.seal_chain WINDOW w AS (PARTITION BY station_id ORDER BY seq)) c
           JOIN hub.station s USING (station_id)
          WHERE (c.last_seq IS NULL AND c.seq <> 1)
             OR (c.last_seq IS NOT NULL
                 AND (c.seq <> c.last_seq + 1 OR c.prev_hash IS DISTINCT FROM c.last_hash))
          ORDER BY s.name, c.seq",
        &[],
    )? {
        found.push(Finding::ChainBreak {
            station: r.get(0),
            seq: r.get(1),
        });
    }
    for r in client.query(
        "SELECT s.name, h.id FROM hub.shift h JOIN hub.station s USING (station_id)
          WHERE h.closed_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM hub.seal_chain c
                             WHERE c.station_id = h.station_id AND c.shift_id = h.id)
          ORDER BY s.name, h.opened_at",
        &[],
    )? {
        found.push(Finding::Unchained {
            station: r.get(0),
            shift: r.get(1),
        });
    }
    let sealed: i64 = client
        .query_one(
            "SELECT count(*) FROM hub.shift WHERE closed_at IS NOT NULL",
            &[],
        )?
        .get(0);
    Ok((sealed, found))
}

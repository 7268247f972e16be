//! `dutydesk hub check`: what the hub keeps of each station's seals. Lists every later
//! version of a sealed record a desk sent (kept out, in hub.seal_conflict), each break in a
//! station's seal chain as the hub holds it, and each signed-off shift with no link in it.
//! And the desk's side (`dutydesk check` on a joined desk): its seals set beside the
//! copies the hub anchored.

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

/// What the desk's own `check` finds when it sets its seals beside the copies the hub
/// anchored (issue 20): a desk that rewrote a sealed shift, seal chain and all, after
/// syncing still passes its own check; the hub's copy does not move with it.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchors {
    /// This desk has not joined a hub.
    NotJoined,
    /// The hub could not be reached or would not answer: why, in its own words.
    Unreachable(String),
    Compared(Compared),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compared {
    /// Signed-off shifts the hub anchors for this station.
    pub anchored: i64,
    /// Signed-off shifts at the desk the hub has not received yet (not yet synced).
    pub not_yet_sent: i64,
    /// Anchored shifts whose seal at the desk is not the one the hub holds.
    pub seal_differs: Vec<String>,
    /// Anchored shifts the desk no longer has.
    pub missing: Vec<String>,
    /// Links of the seal chain (by number) that differ from the hub's or are gone.
    pub chain_differs: Vec<i64>,
    /// Later versions of this station's sealed records the hub kept out.
    pub rewrites_caught: i64,
}

impl Compared {
    pub fn same(&self) -> bool {
        self.seal_differs.is_empty()
            && self.missing.is_empty()
            && self.chain_differs.is_empty()
            && self.rewrites_caught == 0
    }
}

/// Sets the desk's signed-off shifts and seal chain beside the hub's anchored copies, as
/// the station's own login (row-level security: its own rows only). Sends nothing.
pub fn desk_anchors(store: &crate::store::Store) -> Anchors {
    match store.sync_state() {
        Ok(None) => Anchors::NotJoined,
        Err(e) => Anchors::Unreachable(e.message(crate::i18n::Lang::En)),
        Ok(Some(state)) => match compare(store, &state) {
            Ok(c) => Anchors::Compared(c),
            Err(e) => Anchors::Unreachable(format!("{e:#}")),
        },
    }
}

fn compare(store: &crate::store::Store, state: &crate::store::SyncState) -> Result<Compared> {
    use std::collections::HashMap;
    let mut client = super::client::connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let hex = |v: &rusqlite::types::Value| -> Option<String> {
        match v {
            rusqlite::types::Value::Text(t) => {
                super::keyed::decode_hex(t).map(|b| super::keyed::encode_hex(&b))
            }
            rusqlite::types::Value::Blob(b) => Some(super::keyed::encode_hex(b)),
            _ => None,
        }
    };
    let text = |v: &rusqlite::types::Value| match v {
        rusqlite::types::Value::Text(t) => t.clone(),
        rusqlite::types::Value::Integer(i) => i.to_string(),
        _ => String::new(),
    };
    let store_err = |e: crate::store::StoreError| anyhow::anyhow!(e.message(crate::i18n::Lang::En));
    let mut desk_seals: HashMap<String, Option<String>> = HashMap::new();
    store
        .sync_scan(
            "shift",
            "closed_at IS NOT NULL",
            &["id", "seal_hash"],
            |v| {
                desk_seals.insert(text(&v[0]), hex(&v[1]));
            },
        )
        .map_err(store_err)?;
    let mut desk_chain: HashMap<i64, Option<String>> = HashMap::new();
    store
        .sync_scan("seal_chain", "", &["seq", "hash"], |v| {
            if let rusqlite::types::Value::Integer(seq) = v[0] {
                desk_chain.insert(seq, hex(&v[1]));
            }
        })
        .map_err(store_err)?;
    let mut c = Compared::default();
    let mut anchored_ids = std::collections::HashSet::new();
    for r in client.query(
        "SELECT id, encode(seal_hash, 'hex') FROM hub.shift
          WHERE station_id = (SELECT hub.current_station()) AND closed_at IS NOT NULL
          ORDER BY opened_at, id",
        &[],
    )? {
        let (id, hash): (String, Option<String>) = (r.get(0), r.get(1));
        c.anchored += 1;
        match desk_seals.get(&id) {
            None => c.missing.push(id.clone()),
            Some(at_desk) if *at_desk != hash => c.seal_differs.push(id.clone()),
            Some(_) => {}
        }
        anchored_ids.insert(id);
    }
    for r in client.query(
        "SELECT seq, encode(hash, 'hex') FROM hub.seal_chain
          WHERE station_id = (SELECT hub.current_station()) ORDER BY seq",
        &[],
    )? {
        let (seq, hash): (i64, Option<String>) = (r.get(0), r.get(1));
        if desk_chain.get(&seq) != Some(&hash) {
            c.chain_differs.push(seq);
        }
    }
    c.not_yet_sent = i64::try_from(
        desk_seals
            .keys()
            .filter(|id| !anchored_ids.contains(*id))
            .count(),
    )
    .unwrap_or(i64::MAX);
    c.rewrites_caught = client
        .query_one(
            "SELECT count(*) FROM hub.seal_conflict
              WHERE station_id = (SELECT hub.current_station())",
            &[],
        )?
        .get(0);
    Ok(c)
}

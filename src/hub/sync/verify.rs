//! `sync --verify`: every station-owned table compared with the hub's copy. Sends nothing.

use anyhow::{Result, anyhow};

use super::super::client::connect;
use super::super::keyed::CountyKey;
use super::super::tables::{Kind, TABLES};
use super::push::encode_row;
use super::store_err;
use crate::store::Store;

/// One table compared: rows and an order-free checksum of every row as the hub should hold
/// it, at the desk and at the hub.
#[derive(Debug, Clone, PartialEq)]
pub struct TableCheck {
    pub table: &'static str,
    pub desk_rows: i64,
    pub hub_rows: i64,
    pub desk_sum: u64,
    pub hub_sum: u64,
}

impl TableCheck {
    pub fn same(&self) -> bool {
        self.desk_rows == self.hub_rows && self.desk_sum == self.hub_sum
    }
}

/// What `verify` found: each table, and the changes the hub has not been sent yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub tables: Vec<TableCheck>,
    pub unsent: i64,
}

fn row_sum(fields: &mut dyn Iterator<Item = Option<String>>) -> u64 {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for f in fields {
        match f {
            Some(s) => {
                h.update(b"v");
                h.update(s.as_bytes());
            }
            None => h.update(b"n"),
        }
        h.update([0x1f]);
    }
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

/// Compares every station-owned table of this desk with the hub's copy: row counts and a
/// checksum over each row's values as they are sent (hashed, scrubbed, converted), summed
/// so order does not matter. Sends nothing.
pub fn verify(store: &Store) -> Result<Verified> {
    let state = store
        .sync_state()
        .map_err(store_err)?
        .ok_or_else(|| anyhow!(crate::words::Said::new("hub.err.not_joined")))?;
    let key = CountyKey::from_hex(&state.key_id, &state.county_key)
        .ok_or_else(|| anyhow!(crate::words::Said::new("hub.err.key_damaged")))?;
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let send_names: bool = client
        .query_one("SELECT send_names FROM hub.county_config WHERE id = 1", &[])?
        .get(0);
    let cursor: i64 = client
        .query_one(
            "SELECT cursor_seq FROM hub.station WHERE station_id = $1",
            &[&state.station_id],
        )?
        .get(0);
    let mut tables = Vec::new();
    for t in TABLES {
        let desk_cols: Vec<&str> = t.cols.iter().map(|c| c.desk).collect();
        let (mut desk_rows, mut desk_sum) = (0i64, 0u64);
        store
            .sync_scan(t.desk_table(), t.desk_only(), &desk_cols, |values| {
                desk_rows += 1;
                let mut fields = encode_row(t, values, &key, send_names).into_iter();
                desk_sum = desk_sum.wrapping_add(row_sum(&mut fields));
            })
            .map_err(store_err)?;
        let exprs: Vec<String> = t
            .cols
            .iter()
            .map(|c| match c.kind {
                Kind::Int | Kind::BirthYear | Kind::Date => format!("{}::text", c.hub),
                Kind::Ts => format!(
                    "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                    c.hub
                ),
                Kind::Digest => format!("'\\x' || encode({}, 'hex')", c.hub),
                _ => c.hub.to_string(),
            })
            .collect();
        let (mut hub_rows, mut hub_sum) = (0i64, 0u64);
        let sql = format!(
            "SELECT {} FROM hub.{} WHERE station_id = $1",
            exprs.join(", "),
            t.name
        );
        let mut tx = client.transaction()?;
        let params: [&(dyn postgres::types::ToSql + Sync); 1] = [&state.station_id];
        let mut rows = tx.query_raw(&sql, params)?;
        use postgres::fallible_iterator::FallibleIterator;
        while let Some(r) = rows.next()? {
            hub_rows += 1;
            let mut fields = (0..t.cols.len()).map(|i| r.get::<_, Option<String>>(i));
            hub_sum = hub_sum.wrapping_add(row_sum(&mut fields));
        }
        drop(rows);
        tx.commit()?;
        tables.push(TableCheck {
            table: t.name,
            desk_rows,
            hub_rows,
            desk_sum,
            hub_sum,
        });
    }
    let unsent = store.outbox_max_seq().map_err(store_err)? - cursor;
    Ok(Verified { tables, unsent })
}

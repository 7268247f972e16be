//! 一户一档 across stations: has this person been seen elsewhere? Counts, never records.

use anyhow::{Result, anyhow, bail};

use super::super::client::{connect, said};
use super::super::keyed::CountyKey;
use super::store_err;
use crate::store::Store;

/// What the hub knows of a person at other stations: counts and kinds, never a record.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenElsewhere {
    pub stations: i64,
    pub visits: i64,
    pub last_visit: Option<chrono::NaiveDate>,
    pub open_referrals: i64,
    pub open_kinds: Vec<String>,
}

/// Asks the hub whether the person with this ID number or phone (either may be empty)
/// has been seen at other stations. Only keyed hashes leave the desk.
pub fn seen_elsewhere(store: &Store, id_number: &str, phone: &str) -> Result<SeenElsewhere> {
    let state = store
        .sync_state()
        .map_err(store_err)?
        .ok_or_else(|| anyhow!(crate::words::Said::new("hub.err.not_joined")))?;
    let key = CountyKey::from_hex(&state.key_id, &state.county_key)
        .ok_or_else(|| anyhow!(crate::words::Said::new("hub.err.key_damaged")))?;
    let id_hmac = if id_number.trim().is_empty() {
        None
    } else {
        let id = crate::domain::id_number::IdNumber::parse(id_number)
            .map_err(|e| anyhow!("{}", e.message(crate::i18n::Lang::En)))?;
        key.id_number(id.as_str())
    };
    let phone_hmac = if phone.trim().is_empty() {
        None
    } else {
        let p = crate::domain::phone::Phone::parse(phone)
            .map_err(|e| anyhow!("{}", e.message(crate::i18n::Lang::En)))?;
        key.phone(p.e164())
    };
    if id_hmac.is_none() && phone_hmac.is_none() {
        bail!(crate::words::Said::new("hub.err.id_or_phone"));
    }
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let r = client
        .query_one(
            "SELECT stations, visits, last_visit, open_referrals, open_kinds
               FROM hub.seen_elsewhere($1, $2)",
            &[&id_hmac, &phone_hmac],
        )
        .map_err(|e| {
            anyhow!(crate::words::Said::new("hub.err.no_answer").with("error", said(&e)))
        })?;
    Ok(SeenElsewhere {
        stations: r.get(0),
        visits: r.get(1),
        last_visit: r.get(2),
        open_referrals: r.get(3),
        open_kinds: r.get(4),
    })
}

//! A referral handed from one station to another through the hub (issue 20). The
//! request and the answer are each their station's own rows, pushed as every other row
//! (`tables::TABLES`: transfer, transfer_reply); here: addressing a station by its name,
//! and, at each sync, taking in the requests addressed to this station and the answers
//! to the requests it made. The hub lets a station read only those (RLS: migration 9).

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, Utc};

use super::client::{connect, said};
use crate::i18n::Lang;
use crate::store::{OutgoingTransfer, Store, SyncState, TransferReply, TransferRequest};
use crate::words;

fn store_err(e: &crate::store::StoreError) -> anyhow::Error {
    anyhow!(e.message(crate::i18n::Lang::En))
}

fn joined(store: &Store, lang: Lang) -> Result<SyncState> {
    store
        .sync_state()
        .map_err(|e| anyhow!(e.message(lang)))?
        .ok_or_else(|| anyhow!(words::say(lang, "hub.transfer.not_joined", &[])))
}

/// Station A asks the station named `to` to take a referral on. The station is looked
/// up at the hub (so a request never goes to a name no station has); the request is
/// recorded at the desk and goes with the next sync. Without the visitor's consent
/// nothing is asked of the hub and nothing is recorded.
pub fn request(
    store: &mut Store,
    referral_id: &str,
    to: &str,
    consent: bool,
    note: &str,
    officer_id: &str,
    lang: Lang,
) -> Result<OutgoingTransfer> {
    let now = Utc::now();
    let said_in = |e: crate::store::StoreError| anyhow!(e.message(lang));
    if !consent {
        // The store says it, in both languages; nothing reaches the hub.
        return store
            .request_station_transfer(referral_id, (to, to), false, note, officer_id, now)
            .map_err(said_in);
    }
    let state = joined(store, lang)?;
    let mut client = connect(
        &state.hub,
        Some((&state.role, &state.password)),
        state.ca_pem.as_deref(),
    )?;
    let to_id: Option<String> = client
        .query_one("SELECT hub.station_named($1)", &[&to])
        .map_err(|e| {
            anyhow!(words::say(
                lang,
                "hub.transfer.no_answer",
                &[("error", &said(&e))]
            ))
        })?
        .get(0);
    let Some(to_id) = to_id else {
        bail!(words::say(
            lang,
            "hub.transfer.no_such_station",
            &[("to", to)]
        ));
    };
    store
        .request_station_transfer(referral_id, (&to_id, to), true, note, officer_id, now)
        .map_err(said_in)
}

/// What one sync took in: requests addressed to this station (new ones), answers to its
/// own requests applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Exchanged {
    pub requests: usize,
    pub answers: usize,
}

/// Takes in the requests addressed to this station and the answers to its own, each
/// applied in its own SQLite transaction (a sync killed between them takes the rest in
/// on its next run; what was applied is not applied twice).
pub fn exchange(client: &mut postgres::Client, store: &mut Store) -> Result<Exchanged> {
    let rows = client
        .query(
            "SELECT id, station_id, from_station, kind, service_source, service_name, channel,
                    category, urgency, summary, headcount, amount_owed_fen, visitor_name,
                    id_number_hmac, phone_hmac, gender, birth_year, employer, occupation,
                    membership, note,
                    to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
               FROM hub.transfer
              WHERE to_station_id = (SELECT hub.current_station()) AND status = 'asked'
              ORDER BY requested_at, id",
            &[],
        )
        .map_err(|e| anyhow!("the hub did not hand over the requests: {}", said(&e)))?;
    let text = |r: &postgres::Row, i: usize| r.get::<_, Option<String>>(i).unwrap_or_default();
    let requests: Vec<TransferRequest> = rows
        .iter()
        .map(|r| TransferRequest {
            id: r.get(0),
            from_station_id: r.get(1),
            from_station: text(r, 2),
            kind: text(r, 3),
            service_source: r.get(4),
            service_name: text(r, 5),
            channel: text(r, 6),
            category: text(r, 7),
            urgency: text(r, 8),
            summary: text(r, 9),
            headcount: r.get(10),
            amount_owed_fen: r.get(11),
            visitor_name: r.get(12),
            id_number_hmac: r.get(13),
            phone_hmac: r.get(14),
            gender: text(r, 15),
            birth_year: r.get(16),
            employer: text(r, 17),
            occupation: text(r, 18),
            membership: text(r, 19),
            note: text(r, 20),
            requested_at: r.get(21),
        })
        .collect();
    let now = Utc::now();
    let mut out = Exchanged::default();
    if !requests.is_empty() {
        out.requests = store
            .receive_station_transfers(&requests, now)
            .map_err(|e| store_err(&e))?;
    }
    let asked = store.asked_transfers().map_err(|e| store_err(&e))?;
    if asked.is_empty() {
        return Ok(out);
    }
    let replies = client
        .query(
            "SELECT id, status, coalesce(answered_by_name, ''), answered_at,
                    coalesce(reason, '')
               FROM hub.transfer_reply
              WHERE from_station_id = (SELECT hub.current_station()) AND id = ANY($1)
                AND status IN ('accepted', 'refused')",
            &[&asked],
        )
        .map_err(|e| anyhow!("the hub did not hand over the answers: {}", said(&e)))?;
    for r in &replies {
        let status: String = r.get(1);
        let answered_at: Option<DateTime<Utc>> = r.get(3);
        let reply = TransferReply {
            id: r.get(0),
            accepted: status == "accepted",
            answered_by_name: r.get(2),
            answered_at: answered_at.unwrap_or(now),
            reason: r.get(4),
        };
        if store
            .apply_transfer_reply(&reply, Utc::now())
            .map_err(|e| store_err(&e))?
        {
            out.answers += 1;
        }
    }
    Ok(out)
}

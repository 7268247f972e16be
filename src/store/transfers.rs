//! A referral handed to another station through the county hub (issue 20). Station A
//! writes a request for one of its open referrals (`transfer_out`), with the visitor's
//! consent; station B keeps the request as received (`transfer_in`) and accepts it, by
//! creating its own visit and referral (for the person it already knows by the keyed hash
//! of their ID number, or a new visitor: `transfer_person`), or refuses it with a reason;
//! A applies the answer to its own referral. Each station writes only its own rows; each
//! act is an event (who, when) at the desk that owns the row. The hub carries the rows
//! between them (`hub::transfer`).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::events::{self, NewEvent};
use super::referrals::{NewReferral, insert_referral, load, log_referral};
use super::visits::{Stamp, insert_intake};
use super::{ReferralRow, Service, Store, StoreError, new_id, parse_ts, ts};
use crate::domain::intake::Intake;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Gender, Membership, Occupation, Urgency};
use crate::domain::log_fact::{ClosingFact, ReferralEvent};
use crate::domain::referral::{Move, Outcome, ReferralStatus};
use crate::words::Said;

fn refused(said: Said) -> StoreError {
    StoreError::Refused(said)
}

/// What a request carries to the other station: what it needs to take the case on, as
/// the hub holds it (the name only if the county sends names; ID number and phone only as
/// keyed hashes, which the other station can match but not read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransferRequest {
    pub id: String,
    pub from_station_id: String,
    pub from_station: String,
    pub kind: String,
    /// The county directory's id of the service (`hub:<id>`), when it is one of its.
    pub service_source: Option<String>,
    pub service_name: String,
    pub channel: String,
    pub category: String,
    pub urgency: String,
    pub summary: String,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    pub visitor_name: Option<String>,
    pub id_number_hmac: Option<String>,
    pub phone_hmac: Option<String>,
    pub gender: String,
    pub birth_year: Option<i64>,
    pub employer: String,
    pub occupation: String,
    pub membership: String,
    pub note: String,
    /// When it was asked (ISO 8601, UTC).
    pub requested_at: Option<String>,
}

/// A request this station received, and what it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingTransfer {
    pub request: TransferRequest,
    pub received_at: DateTime<Utc>,
    /// waiting, accepted or refused.
    pub status: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub reason: String,
    /// This station's own referral, once accepted.
    pub referral_id: Option<String>,
}

/// A request this station made, and the answer as received.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingTransfer {
    pub id: String,
    pub referral_id: String,
    pub to_station: String,
    /// asked, accepted or refused.
    pub status: String,
    pub requested_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
    pub reason: String,
}

/// The other station's answer, as the hub holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferReply {
    pub id: String,
    pub accepted: bool,
    pub answered_by_name: String,
    pub answered_at: DateTime<Utc>,
    pub reason: String,
}

fn station_id(conn: &rusqlite::Connection) -> Result<(String, String), StoreError> {
    conn.query_row("SELECT id, name FROM station LIMIT 1", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| refused(Said::new("store.transfer.no_station")))
}

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(parse_ts)
}

impl Store {
    /// Station A asks `to` (its id and name at the hub) to take one of its open referrals
    /// on. Refused, and nothing written, without the visitor's consent, for a referral
    /// that is not open, or one already being handed to a station.
    #[allow(clippy::too_many_arguments)] // each is a distinct fact of the request
    pub fn request_station_transfer(
        &mut self,
        referral_id: &str,
        to: (&str, &str),
        consent: bool,
        note: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<OutgoingTransfer, StoreError> {
        if !consent {
            return Err(refused(Said::new("store.transfer.no_consent")));
        }
        let tx = self.write_tx()?;
        let current = load(&tx, referral_id)?;
        let (station, station_name) = station_id(&tx)?;
        if to.0 == station {
            return Err(refused(Said::new("store.transfer.own_station")));
        }
        if !current.status.is_open() {
            return Err(refused(
                Said::new("store.transfer.not_open").with_arg("status", current.status.arg_lower()),
            ));
        }
        let asked: Option<String> = tx
            .query_row(
                "SELECT to_station FROM transfer_out WHERE referral_id = ?1 AND status = 'asked'",
                [referral_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = asked {
            return Err(refused(
                Said::new("store.transfer.already_asked").with("station", other),
            ));
        }
        let id = new_id();
        let t = ts(now);
        tx.execute(
            "INSERT INTO transfer_out (id, station_id, from_station, referral_id, to_station_id,
               to_station, kind, service_source, service_name, channel, category, urgency,
               summary, headcount, amount_owed_fen, visitor_name, id_number, phone, gender,
               birth_date, employer, occupation, membership, consent, note, requested_by,
               requested_at)
             SELECT ?1, r.station_id, ?2, r.id, ?3, ?4, r.kind,
                    CASE WHEN s.source_id LIKE 'hub:%' THEN s.source_id END, s.name,
                    t.channel, t.category, r.urgency, t.summary, t.headcount, t.amount_owed_fen,
                    v.name, v.id_number, v.phone, v.gender, v.birth_date, v.employer,
                    v.occupation, v.membership, 1, ?5, ?6, ?7
               FROM referral r JOIN visit t ON t.id = r.visit_id
               JOIN visitor v ON v.id = t.visitor_id JOIN service s ON s.id = r.service_id
              WHERE r.id = ?8",
            params![
                id,
                station_name,
                to.0,
                to.1,
                note.trim(),
                officer_id,
                t,
                referral_id
            ],
        )?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "referral",
                entity_id: referral_id,
                action: "station_transfer_requested",
                officer_id: Some(officer_id),
                at: now,
                detail: &serde_json::json!({
                    "transfer": id, "to": to.1, "consent": true, "note": note.trim()
                })
                .to_string(),
            },
        )?;
        tx.commit()?;
        Ok(OutgoingTransfer {
            id,
            referral_id: referral_id.to_string(),
            to_station: to.1.to_string(),
            status: "asked".into(),
            requested_at: now,
            answered_at: None,
            answered_by: None,
            reason: String::new(),
        })
    }

    /// Requests addressed to this station, as the hub handed them over: kept as received,
    /// once each (a request already here is left as it is). How many were new.
    pub fn receive_station_transfers(
        &mut self,
        requests: &[TransferRequest],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let tx = self.write_tx()?;
        let (station, _) = station_id(&tx)?;
        let mut new = 0;
        for r in requests {
            let json = serde_json::to_string(r).map_err(|e| StoreError::Rule(e.to_string()))?;
            new += tx.execute(
                "INSERT OR IGNORE INTO transfer_in (id, station_id, from_station_id,
                   from_station, request, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    r.id,
                    station,
                    r.from_station_id,
                    r.from_station,
                    json,
                    ts(now)
                ],
            )?;
        }
        tx.commit()?;
        Ok(new)
    }

    /// Requests received, waiting ones first (oldest first), then answered ones (newest
    /// first); only the waiting ones unless `all`.
    pub fn incoming_transfers(&self, all: bool) -> Result<Vec<IncomingTransfer>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.request, i.received_at, i.status, o.name, i.answered_at, i.reason,
                    i.referral_id
               FROM transfer_in i LEFT JOIN officer o ON o.id = i.answered_by
              WHERE ?1 OR i.status = 'waiting'
              ORDER BY i.status <> 'waiting', CASE WHEN i.status = 'waiting' THEN i.received_at END,
                       i.answered_at DESC",
        )?;
        let rows = stmt.query_map([all], |r| {
            let json: String = r.get(0)?;
            Ok(IncomingTransfer {
                request: serde_json::from_str(&json).unwrap_or_default(),
                received_at: time(r.get::<_, Option<String>>(1)?.as_deref()).unwrap_or_default(),
                status: r.get(2)?,
                answered_by: r.get(3)?,
                answered_at: time(r.get::<_, Option<String>>(4)?.as_deref()),
                reason: r.get(5)?,
                referral_id: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many received requests wait on an answer.
    pub fn waiting_transfers(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM transfer_in WHERE status = 'waiting'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The requests this station made, newest first.
    pub fn outgoing_transfers(&self) -> Result<Vec<OutgoingTransfer>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, referral_id, to_station, status, requested_at, answered_at,
                    answered_by, reason
               FROM transfer_out ORDER BY requested_at DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutgoingTransfer {
                id: r.get(0)?,
                referral_id: r.get(1)?,
                to_station: r.get(2)?,
                status: r.get(3)?,
                requested_at: time(r.get::<_, Option<String>>(4)?.as_deref()).unwrap_or_default(),
                answered_at: time(r.get::<_, Option<String>>(5)?.as_deref()),
                answered_by: r.get(6)?,
                reason: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A received request still waiting on an answer: refused for one already answered
    /// (a second accept, from this desk or another on the file) or never received.
    fn waiting_request(
        tx: &rusqlite::Connection,
        id: &str,
    ) -> Result<(String, TransferRequest), StoreError> {
        let found: Option<(String, String)> = tx
            .query_row(
                "SELECT status, request FROM transfer_in WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((status, json)) = found else {
            return Err(refused(Said::new("store.transfer.no_such_request")));
        };
        if status != "waiting" {
            return Err(refused(if status == "accepted" {
                Said::new("store.transfer.already_accepted")
            } else {
                Said::new("store.transfer.already_refused")
            }));
        }
        let request: TransferRequest =
            serde_json::from_str(&json).map_err(|e| StoreError::Rule(e.to_string()))?;
        Ok((status, request))
    }

    /// Station B accepts a request: its own visit (a follow-up of the case, so the worker
    /// is not counted twice in the county's figures) and referral, for the visitor it
    /// already knows by the keyed hash of their ID number or else a new one, made from
    /// what the request carries, to `service` (or the county directory's service the
    /// request names), due as `due` says. Refused for a request already answered.
    pub fn accept_station_transfer(
        &mut self,
        id: &str,
        service: Option<&str>,
        officer_id: &str,
        due: &dyn Fn(&Service, Urgency) -> NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        let tx = self.write_tx()?;
        let (_, req) = Self::waiting_request(&tx, id)?;
        let (station, _) = station_id(&tx)?;
        let service_id: Option<String> = match service {
            Some(s) => Some(s.to_string()),
            None => match &req.service_source {
                Some(src) => tx
                    .query_row("SELECT id FROM service WHERE source_id = ?1", [src], |r| {
                        r.get(0)
                    })
                    .optional()?,
                None => None,
            },
        };
        let Some(service_id) = service_id else {
            return Err(refused(
                Said::new("store.transfer.service_not_here").with("service", &req.service_name),
            ));
        };
        let service_row: Service = {
            let sql = format!("{} WHERE id = ?1", super::services::SERVICE_SELECT);
            tx.query_row(&sql, [&service_id], super::services::service_from_row)
                .optional()?
                .ok_or_else(|| refused(Said::new("store.no_such_service")))?
        };
        let urgency = Urgency::from_code(&req.urgency).unwrap_or(Urgency::Normal);
        // The person may be one this station knows: by the keyed hash of their ID number
        // (`transfer_person`). Then the case is theirs, not a second person's.
        let known = super::transfer_person::known_person(&tx, &req)?;
        let name = match &known {
            Some(v) => v.name.clone(),
            None => req
                .visitor_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| super::transfer_person::stand_in_name(&req.from_station)),
        };
        let (gender, employer, occupation, membership) = person_details(&req, known.is_some());
        let intake = Intake {
            visitor_id: known.as_ref().map(|v| v.id.clone()),
            visitor_seen: None,
            name,
            phone: None,
            id_number: None,
            gender,
            employer,
            occupation,
            occupation_note: String::new(),
            hometown: String::new(),
            membership,
            channel: Channel::from_code(&req.channel).unwrap_or(Channel::WalkIn),
            category: Category::from_code(&req.category).unwrap_or(Category::Other),
            headcount: req.headcount.and_then(|h| u32::try_from(h).ok()),
            amount_owed_fen: req.amount_owed_fen,
            urgency,
            summary: format!("[转自{}] {}", req.from_station, req.summary)
                .trim()
                .to_string(),
            follows_referral: None,
            employment: None,
            employment_ended_on: None,
            learned_on: None,
        };
        let saved = insert_intake(
            &tx,
            &intake,
            &Stamp {
                station_id: &station,
                officer_id,
                visited_at: now,
                now,
                imported: false,
            },
        )?;
        let new = NewReferral {
            visit_id: saved.visit_id.clone(),
            service_id: service_row.id.clone(),
            consent: true,
            consent_override: String::new(),
            note: format!("转自{}:{}", req.from_station, req.note)
                .trim_end_matches(':')
                .to_string(),
            urgency,
            due_on: due(&service_row, urgency),
            job_id: None,
        };
        let row = insert_referral(&tx, &new, &station, officer_id, now)?;
        // The case goes on here: the visit follows it up rather than counting a new
        // request (its worker was counted where the case began).
        tx.execute(
            "UPDATE visit SET follows_referral = ?2 WHERE id = ?1",
            params![saved.visit_id, row.id],
        )?;
        tx.execute(
            "UPDATE transfer_in SET status = 'accepted', answered_by = ?2,
               answered_by_name = (SELECT name FROM officer WHERE id = ?2), answered_at = ?3,
               referral_id = ?4 WHERE id = ?1",
            params![id, officer_id, ts(now), row.id],
        )?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "referral",
                entity_id: &row.id,
                action: "station_transfer_accepted",
                officer_id: Some(officer_id),
                at: now,
                detail: &serde_json::json!({
                    "transfer": id, "from": req.from_station, "known_here": known.is_some()
                })
                .to_string(),
            },
        )?;
        let row = load(&tx, &row.id)?;
        tx.commit()?;
        Ok(row)
    }

    /// Station B refuses a request, saying why. Refused for a request already answered or
    /// without a reason.
    pub fn refuse_station_transfer(
        &mut self,
        id: &str,
        reason: &str,
        officer_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if reason.trim().is_empty() {
            return Err(refused(Said::new("store.transfer.refusal_needs_reason")));
        }
        let tx = self.write_tx()?;
        let (_, req) = Self::waiting_request(&tx, id)?;
        let (station, _) = station_id(&tx)?;
        tx.execute(
            "UPDATE transfer_in SET status = 'refused', answered_by = ?2,
               answered_by_name = (SELECT name FROM officer WHERE id = ?2), answered_at = ?3,
               reason = ?4 WHERE id = ?1",
            params![id, officer_id, ts(now), reason.trim()],
        )?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "transfer",
                entity_id: id,
                action: "station_transfer_refused",
                officer_id: Some(officer_id),
                at: now,
                detail: &serde_json::json!({ "from": req.from_station, "reason": reason.trim() })
                    .to_string(),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The requests this station made that still wait on an answer (their ids).
    pub fn asked_transfers(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM transfer_out WHERE status = 'asked'")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Station A applies the other station's answer to its own request: accepted, its
    /// referral is closed as 已转他站 by the officer who asked; refused, it stays open and
    /// the refusal is in its history. An answer already applied changes nothing. Whether
    /// it changed anything.
    pub fn apply_transfer_reply(
        &mut self,
        reply: &TransferReply,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let tx = self.write_tx()?;
        let found: Option<(String, String, String, String)> = tx
            .query_row(
                "SELECT referral_id, requested_by, to_station, status FROM transfer_out
                  WHERE id = ?1",
                [&reply.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((referral_id, asked_by, to_station, status)) = found else {
            return Ok(false);
        };
        if status != "asked" {
            return Ok(false);
        }
        let (station, _) = station_id(&tx)?;
        tx.execute(
            "UPDATE transfer_out SET status = ?2, answered_at = ?3, answered_by = ?4,
               reason = ?5, received_at = ?6 WHERE id = ?1",
            params![
                reply.id,
                if reply.accepted {
                    "accepted"
                } else {
                    "refused"
                },
                ts(reply.answered_at),
                reply.answered_by_name,
                reply.reason,
                ts(now)
            ],
        )?;
        let current = load(&tx, &referral_id)?;
        let closes = reply.accepted && current.status.is_open();
        if closes {
            tx.execute(
                "UPDATE referral SET status = 'closed', outcome = ?2, outcome_reason = NULL,
                   closed_at = ?3, updated_at = ?3, pending_owner_id = NULL,
                   version = version + 1 WHERE id = ?1",
                params![referral_id, Outcome::Transferred.code(), ts(now)],
            )?;
        }
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "referral",
                entity_id: &referral_id,
                action: if reply.accepted {
                    "station_transfer_accepted"
                } else {
                    "station_transfer_refused"
                },
                officer_id: Some(&asked_by),
                at: now,
                detail: &serde_json::json!({
                    "transfer": reply.id, "to": to_station, "by": reply.answered_by_name,
                    "answered_at": ts(reply.answered_at), "reason": reply.reason,
                })
                .to_string(),
            },
        )?;
        if closes {
            let row = load(&tx, &referral_id)?;
            log_referral(
                &tx,
                &station,
                &row,
                &asked_by,
                now,
                ReferralEvent::Moved {
                    action: Move::Close,
                    from: current.status,
                    to: ReferralStatus::Closed,
                    closing: Some(ClosingFact {
                        outcome: Some(Outcome::Transferred),
                        ..ClosingFact::default()
                    }),
                    decline: None,
                    note: format!("已转{to_station}"),
                },
            )?;
        }
        tx.commit()?;
        Ok(true)
    }
}

/// What the accepted request says of the person, for the intake it makes. A person this
/// station knows keeps their record as it is here: accepting a case changes no one, and
/// the other station's details may be older than ours. Only a new person takes them.
fn person_details(req: &TransferRequest, known: bool) -> (Gender, String, Occupation, Membership) {
    if known {
        return (
            Gender::Unknown,
            String::new(),
            Occupation::Unknown,
            Membership::Unknown,
        );
    }
    (
        Gender::from_code(&req.gender).unwrap_or(Gender::Unknown),
        req.employer.clone(),
        Occupation::from_code(&req.occupation).unwrap_or(Occupation::Unknown),
        Membership::from_code(&req.membership).unwrap_or(Membership::Unknown),
    )
}

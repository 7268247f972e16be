//! A referral moved through its states (accept, start, close, reopen, decline).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{check_version, decline_detail, detail, load, log_referral, refused, station_of};
use crate::domain::labels::Labeled;
use crate::domain::log_fact::{ClosingFact, ReferralEvent};
use crate::domain::referral::{Closing, DeclineReason, Move, Refusal, decline_refusal};
use crate::i18n::Lang;
use crate::store::events::{self, NewEvent};
use crate::store::{ReferralRow, Store, StoreError, ts};
use crate::words::Said;

impl Store {
    /// Moves a referral (accept, start, close, reopen) if its rules allow it and nobody
    /// changed it since `version` was read. Reopening needs a note; closing needs a
    /// checked `closing`; declining goes through `decline_referral`, with its reason.
    #[allow(clippy::too_many_arguments)] // each is a distinct fact of the change
    pub fn move_referral(
        &mut self,
        id: &str,
        version: i64,
        m: Move,
        officer_id: &str,
        note: &str,
        closing: Option<&Closing>,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        self.change(id, version, m, officer_id, note, closing, None, now)
    }

    /// Declines a referral waiting to be accepted (退回), for a reason from the list and
    /// a note ("other" needs the note), if nobody changed it since `version` was read.
    pub fn decline_referral(
        &mut self,
        id: &str,
        version: i64,
        officer_id: &str,
        reason: DeclineReason,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        self.change(
            id,
            version,
            Move::Decline,
            officer_id,
            note,
            None,
            Some(reason),
            now,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn change(
        &mut self,
        id: &str,
        version: i64,
        m: Move,
        officer_id: &str,
        note: &str,
        closing: Option<&Closing>,
        decline: Option<DeclineReason>,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        let tx = self.write_tx()?;
        let current = load(&tx, id)?;
        check_version(&current, version)?;
        let Some(to) = m.target(current.status) else {
            return Err(refused(
                Refusal::Move {
                    tried: m,
                    from: current.status,
                }
                .said(),
            ));
        };
        let note = note.trim();
        if m == Move::Decline {
            decline_refusal(decline, note).map_err(|r| refused(r.said()))?;
        }
        if m == Move::Reopen && note.is_empty() {
            return Err(refused(
                Said::new("store.referral.needs_reason").with_said("move", m.said()),
            ));
        }
        let t = ts(now);
        let changed = match m {
            Move::Close => {
                let c = closing.cloned().unwrap_or_default();
                c.refusal().map_err(|r| refused(r.said()))?;
                tx.execute(
                    "UPDATE referral SET status = ?3, outcome = ?4, outcome_reason = ?5,
                       wages_recovered_fen = ?6, workers_covered = ?7, aid_paid_fen = ?8,
                       placed_job = ?9, closed_at = ?10, updated_at = ?10, version = version + 1
                     WHERE id = ?1 AND version = ?2",
                    params![
                        id,
                        version,
                        to.code(),
                        c.outcome.map(|o| o.code()),
                        c.reason.map(|r| r.code()),
                        c.wages_recovered_fen,
                        c.workers_covered,
                        c.aid_paid_fen,
                        c.placed_job.trim(),
                        t
                    ],
                )?
            }
            Move::Decline => tx.execute(
                "UPDATE referral SET status = ?3, decline_reason = ?4, decline_code = ?6,
                   updated_at = ?5, version = version + 1 WHERE id = ?1 AND version = ?2",
                params![id, version, to.code(), note, t, decline.map(|r| r.code())],
            )?,
            _ => tx.execute(
                "UPDATE referral SET status = ?3, closed_at = NULL, updated_at = ?4,
                   version = version + 1 WHERE id = ?1 AND version = ?2",
                params![id, version, to.code(), t],
            )?,
        };
        if changed != 1 {
            // Cannot happen under the write lock taken above; said plainly if it does.
            return Err(refused(Said::new("store.referral.changed_meanwhile")));
        }
        let fact = closing.filter(|_| m == Move::Close).map(ClosingFact::from);
        let event_detail = match (decline, &fact) {
            (Some(reason), _) => decline_detail(current.status.code(), to.code(), reason, note),
            // The closing as a fact beside its Chinese words, so the history reads it in
            // the desk's language (`note` stays what earlier versions wrote).
            (None, Some(f)) => serde_json::json!({
                "from": current.status.code(),
                "to": to.code(),
                "note": f.summary(note, Lang::Zh),
                "closing": f,
                "officer_note": note,
            })
            .to_string(),
            (None, None) => detail(current.status.code(), to.code(), note),
        };
        let station = station_of(&tx, id)?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "referral",
                entity_id: id,
                action: m.code(),
                officer_id: Some(officer_id),
                at: now,
                detail: &event_detail,
            },
        )?;
        let row = load(&tx, id)?;
        log_referral(
            &tx,
            &station,
            &row,
            officer_id,
            now,
            ReferralEvent::Moved {
                action: m,
                from: current.status,
                to,
                closing: fact,
                decline: decline.filter(|_| m == Move::Decline),
                note: note.to_string(),
            },
        )?;
        tx.commit()?;
        Ok(row)
    }
}

//! A referral handed from one officer to another at the station (首问责任制).

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{check_version, detail, load, log_referral, refused, station_of};
use crate::domain::labels::Labeled;
use crate::domain::log_fact::ReferralEvent;
use crate::store::events::{self, NewEvent};
use crate::store::{ReferralRow, Store, StoreError, ts};
use crate::words::Said;

impl Store {
    /// The owner hands an open referral to another officer; it stays theirs until that
    /// officer accepts (首问责任制).
    pub fn request_transfer(
        &mut self,
        id: &str,
        version: i64,
        by: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        let tx = self.write_tx()?;
        let current = load(&tx, id)?;
        check_version(&current, version)?;
        if !current.status.is_open() {
            return Err(refused(
                Said::new("store.referral.handover_not_open")
                    .with_arg("status", current.status.arg_lower()),
            ));
        }
        if current.owner_id != by {
            return Err(refused(
                Said::new("store.referral.handover_not_owner").with("owner", &current.owner_name),
            ));
        }
        if to == by {
            return Err(refused(Said::new("store.referral.handover_to_self")));
        }
        tx.execute(
            "UPDATE referral SET pending_owner_id = ?3, updated_at = ?4, version = version + 1
             WHERE id = ?1 AND version = ?2",
            params![id, version, to, ts(now)],
        )?;
        let to_name: String =
            tx.query_row("SELECT name FROM officer WHERE id = ?1", [to], |r| r.get(0))?;
        let station = station_of(&tx, id)?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "referral",
                entity_id: id,
                action: "transfer_requested",
                officer_id: Some(by),
                at: now,
                detail: &detail(&current.owner_name, &to_name, ""),
            },
        )?;
        let row = load(&tx, id)?;
        log_referral(
            &tx,
            &station,
            &row,
            by,
            now,
            ReferralEvent::HandoverAsked { to: to_name },
        )?;
        tx.commit()?;
        Ok(row)
    }

    /// The officer a referral is being handed to accepts (it becomes theirs) or refuses
    /// (it stays with its owner).
    pub fn answer_transfer(
        &mut self,
        id: &str,
        version: i64,
        by: &str,
        accept: bool,
        now: DateTime<Utc>,
    ) -> Result<ReferralRow, StoreError> {
        let tx = self.write_tx()?;
        let current = load(&tx, id)?;
        check_version(&current, version)?;
        if current.pending_owner_id.as_deref() != Some(by) {
            return Err(refused(Said::new("store.referral.handover_not_yours")));
        }
        let t = ts(now);
        if accept {
            tx.execute(
                "UPDATE referral SET owner_id = ?3, pending_owner_id = NULL, updated_at = ?4,
                   version = version + 1 WHERE id = ?1 AND version = ?2",
                params![id, version, by, t],
            )?;
        } else {
            tx.execute(
                "UPDATE referral SET pending_owner_id = NULL, updated_at = ?3,
                   version = version + 1 WHERE id = ?1 AND version = ?2",
                params![id, version, t],
            )?;
        }
        let new_owner = current.pending_owner_name.clone().unwrap_or_default();
        let station = station_of(&tx, id)?;
        events::record(
            &tx,
            NewEvent {
                station_id: &station,
                entity: "referral",
                entity_id: id,
                action: if accept {
                    "transfer_accepted"
                } else {
                    "transfer_refused"
                },
                officer_id: Some(by),
                at: now,
                detail: &detail(&current.owner_name, &new_owner, ""),
            },
        )?;
        let row = load(&tx, id)?;
        log_referral(
            &tx,
            &station,
            &row,
            by,
            now,
            ReferralEvent::HandoverAnswered {
                by: new_owner,
                accepted: accept,
            },
        )?;
        tx.commit()?;
        Ok(row)
    }
}

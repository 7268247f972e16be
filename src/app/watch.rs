//! What an import, a sync or another desk wrote to the file, shown without a restart.
//! On each tick the desk asks SQLite's `data_version` (a number that moves only when
//! another connection commits); when it moved, what the desk keeps in memory is read
//! again: today's list, the referral queue (or its counts), the daily log when F5 is open,
//! the directory of an open route dialog, and — only when the openings changed — the job
//! index, rebuilt on its own thread as at start and taken on a later tick. Nothing is read
//! on the keystroke path, and nothing when nobody else wrote.

use super::{App, Modal};
use crate::panes::Pane;
use crate::store::{OpeningMarks, Store};

/// Where the file stood when the desk last looked.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// `PRAGMA data_version` as last read (`None`: not read yet).
    data_version: Option<i64>,
    openings: OpeningMarks,
    /// The openings changed: the index is to be built again (once no build is running).
    openings_stale: bool,
}

impl Watch {
    /// Where the file stands now, read before the desk loads anything from it, so that
    /// nothing written after that can go unseen.
    pub fn new(store: &Store) -> Watch {
        let data_version = store.data_version().ok();
        let openings = store
            .opening_marks(OpeningMarks::default())
            .map(|(m, _)| m)
            .unwrap_or_default();
        Watch {
            data_version,
            openings,
            openings_stale: false,
        }
    }
}

impl App {
    /// The tick's look at the file: reloads what another connection changed.
    pub(super) fn watch_file(&mut self) {
        let version = match self.store.data_version() {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "data_version not read");
                return;
            }
        };
        if self.watch.data_version != Some(version) {
            self.watch.data_version = Some(version);
            self.reload_changed();
        }
        // One build at a time: a change seen while one runs is built after it.
        if self.watch.openings_stale && !self.jobs.index_building() {
            self.watch.openings_stale = false;
            if self.jobs.index.is_some() {
                tracing::info!("openings changed in the file; job index built again");
                self.start_job_index();
            }
        }
    }

    fn reload_changed(&mut self) {
        let t = std::time::Instant::now();
        match self.store.opening_marks(self.watch.openings) {
            Ok((marks, changed)) => {
                self.watch.openings = marks;
                self.watch.openings_stale |= changed;
            }
            Err(e) => tracing::warn!(error = %e, "openings' marks not read"),
        }
        if let Err(e) = self.reload_today() {
            tracing::warn!(error = %e, "today's visits not read again");
        }
        let queue = if self.pane == Pane::Referrals {
            // The selection follows the referral it was on (another desk may have added
            // one above it): an accept must not land on somebody else's.
            let was_on = self.referrals.selected().map(|r| r.id.clone());
            self.reload_queue().map(|()| {
                let pane = &mut self.referrals;
                let now_at = was_on.and_then(|id| pane.rows.iter().position(|r| r.id == id));
                if let Some(i) = now_at.filter(|&i| i != pane.sel) {
                    pane.sel = i;
                    pane.detail = self.store.referral_detail(&pane.rows[i].id).ok();
                }
            })
        } else {
            let today = self.today();
            self.store
                .queue_counts(today)
                .map(|c| self.referrals.counts = c)
        };
        if let Err(e) = queue {
            tracing::warn!(error = %e, "referral queue not read again");
        }
        if self.pane == Pane::Log {
            self.reload_log_following();
        }
        if let Some(Modal::Route(d)) = &mut self.modal
            && !d.adding
        {
            match self.store.services(None) {
                Ok(services) => {
                    // The service chosen stays chosen, wherever it now is in the list.
                    let was_on = d.selected().map(|s| s.id.clone());
                    d.services = services;
                    d.sel = was_on
                        .and_then(|id| d.visible().iter().position(|s| s.id == id))
                        .unwrap_or(0);
                }
                Err(e) => tracing::warn!(error = %e, "directory not read again"),
            }
        }
        tracing::debug!(
            ms = t.elapsed().as_secs_f64() * 1e3,
            "reloaded after another connection's commit"
        );
    }

    /// The daily log read again (another desk wrote an entry, took the handover, signed
    /// off; an import added visits to reconcile), the selection staying on the entry —
    /// and in the review on the visit — it was on.
    fn reload_log_following(&mut self) {
        let entry = self.log.selected().map(|e| e.id.clone());
        let visit = self.log.review_visit().map(|v| v.id);
        if let Err(e) = self.reload_log() {
            tracing::warn!(error = %e, "daily log not read again");
            return;
        }
        let pane = &mut self.log;
        if let Some(i) = entry.and_then(|id| pane.visible().iter().position(|e| e.id == id)) {
            pane.sel = i;
        }
        if let Some(i) = visit.and_then(|id| {
            pane.review
                .as_ref()
                .and_then(|r| r.visits().position(|v| v.id == id))
        }) {
            pane.review_sel = i;
        }
    }
}

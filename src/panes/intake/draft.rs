//! The intake's draft: unsaved typing kept in the file every few seconds (one per running
//! desk), offered back after a crash on another desk, taken over or discarded.

use super::IntakePane;
use super::update::INTAKE_DRAFT;
use crate::i18n::Lang;
use crate::panes::{Confirm, Ctx, Effect, Effects, Modal};
use crate::store::Store;

impl IntakePane {
    /// Writes the form's unsaved input to the database now, if it changed.
    pub fn save_draft_now(&mut self, cx: &Ctx) -> Effects {
        // A correction is not a new intake: restored after a crash it would be one.
        if !self.draft_dirty || self.correcting.is_some() {
            return Effects::new();
        }
        let officer = cx.officer.map(|o| o.id.clone());
        let result = if self.is_dirty() {
            let values = self.draft_values();
            cx.store
                .save_draft(INTAKE_DRAFT, officer.as_deref(), &values, cx.now())
        } else {
            cx.store.clear_draft(INTAKE_DRAFT)
        };
        match result {
            Ok(()) => {
                self.draft_dirty = false;
                self.draft_written = std::time::Instant::now();
                Effects::new()
            }
            Err(e) => {
                tracing::warn!(error = %e, "draft not written");
                vec![Effect::Error(e.message(cx.lang))]
            }
        }
    }

    /// On the desk's tick: unsaved typing reaches the draft every few seconds.
    pub fn tick(&mut self, cx: &Ctx) -> Effects {
        if self.draft_dirty && self.draft_written.elapsed() >= super::update::DRAFT_INTERVAL {
            return self.save_draft_now(cx);
        }
        Effects::new()
    }

    /// Offers the oldest draft a desk that no longer runs left behind, if any.
    pub fn offer_next_draft(&mut self, store: &Store) -> Effects {
        match store.orphan_drafts(INTAKE_DRAFT) {
            Ok(drafts) => {
                if let Some(draft) = drafts.into_iter().next() {
                    self.pending_draft = Some(draft);
                    return vec![Effect::Open(Modal::Confirm(Confirm::RestoreDraft))];
                }
            }
            Err(e) => tracing::warn!(error = %e, "drafts not read"),
        }
        Effects::new()
    }

    /// The question put about a gone desk's draft: whose typing, when, and where.
    #[must_use]
    pub fn restore_draft_question(&self, lang: Lang, zone: chrono::FixedOffset) -> String {
        let Some(d) = &self.pending_draft else {
            return String::new();
        };
        let name = d.values.get("name").cloned().unwrap_or_default();
        let at = d.saved_at.with_timezone(&zone).format("%m-%d %H:%M");
        let who = d
            .officer_name
            .clone()
            .unwrap_or_else(|| lang.pick("未记录的值班员", "an unrecorded officer").into());
        let mut host = String::new();
        if !d.host.is_empty() && !d.on_this_host {
            let safe = crate::report::safe::terminal(&d.host, false);
            host = match lang {
                Lang::Zh => format!("在{safe}上"),
                Lang::En => format!(" on {safe}"),
            };
        }
        match lang {
            Lang::Zh => format!(
                "发现上次未保存的登记({name},{who}于{at}{host}录入,那台值班台已不在运行),要恢复吗?"
            ),
            Lang::En => format!(
                "An unsaved intake was found ({name}, typed by {who} at {at}{host}, a desk no longer running). Restore it?"
            ),
        }
    }

    /// Forgets the typing: this desk's draft is deleted.
    pub fn discard_draft(&mut self, store: &Store) {
        self.draft_dirty = false;
        if let Err(e) = store.clear_draft(INTAKE_DRAFT) {
            tracing::warn!(error = %e, "draft not cleared");
        }
    }

    /// Takes over a gone desk's draft as this desk's own (no other desk restores it too).
    pub(super) fn restore_draft(&mut self, cx: &mut Ctx) -> Effects {
        let lang = cx.lang;
        let mut fx = vec![Effect::Close];
        let Some(draft) = self.pending_draft.take() else {
            return fx;
        };
        match cx.store.claim_draft(&draft) {
            Ok(true) => {}
            Ok(false) => {
                fx.push(Effect::Error(
                    lang.pick(
                        "另一台值班台已先恢复了这份登记,这里不再恢复",
                        "Another desk restored this intake first; it is not restored here",
                    )
                    .into(),
                ));
                return fx;
            }
            Err(e) => {
                fx.push(Effect::Error(e.message(lang)));
                return fx;
            }
        }
        self.restore(&draft.values);
        let today = cx.today();
        self.refresh_id_note(lang, today);
        self.refresh_arbitration(lang, today);
        fx.push(Effect::Info(
            lang.pick("已恢复上次未保存的登记", "Unsaved intake restored")
                .into(),
        ));
        fx
    }
}

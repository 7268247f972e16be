//! What F3 does: the queue, routing a visit, and the moves a referral makes. Every change
//! goes through the store's rules and lands in the history.

use chrono::Duration;

use super::{
    F_AID, F_DECLINE_REASON, F_JOB, F_NOTE, F_OFFICER, F_OUTCOME, F_OUTCOME_REASON, F_REASON,
    F_WAGES, F_WORKERS, QUEUE_PAGE, ROUTE_CONSENT, ROUTE_KIND, ROUTE_NOTE, ROUTE_OVERRIDE,
    ROUTE_URGENCY, RefAction, RefDialog, ReferralsPane, RouteDialog,
};
use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Urgency};
use crate::domain::money;
use crate::domain::referral::{Closing, DeclineReason, Move, Outcome, OutcomeReason};
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::{Confirm, Ctx, Effect, Effects, Modal};
use crate::store::{NewReferral, ReferralRow, Store, StoreError};
use crate::widgets::chrome::Scrolled;
use crate::widgets::form::{Form, Nav};

/// How far back wage-arrears visits count towards a possible collective case.
pub const COLLECTIVE_DAYS: i64 = 30;
/// How many such visits naming one employer make it a possible collective case.
pub const COLLECTIVE_MIN: i64 = 3;
/// How long the queue's collective flags are reused before being counted again.
const COLLECTIVE_REFRESH_MINUTES: i64 = 10;

impl ReferralsPane {
    /// Reloads the queue, its counts and the selected referral's detail.
    pub fn reload(&mut self, cx: &Ctx) -> Result<(), StoreError> {
        let today = cx.today();
        let now = cx.now();
        let store = &*cx.store;
        self.rows = store.queue(&self.filter, today, self.limit)?;
        self.counts = store.queue_counts(today)?;
        self.incoming = store.waiting_transfers()?;
        // Counting 30 days of arrears visits is the dearest part: it is done when the queue
        // first opens and then every few minutes; a saved visit updates its own employer.
        let stale = self
            .collective_at
            .is_none_or(|t| now - t > Duration::minutes(COLLECTIVE_REFRESH_MINUTES));
        if stale {
            let since = now - Duration::days(COLLECTIVE_DAYS);
            self.collective = store.collective_employers(since, COLLECTIVE_MIN)?;
            self.collective_at = Some(now);
        }
        self.sel = self.sel.min(self.rows.len().saturating_sub(1));
        self.load_detail(store);
        Ok(())
    }

    /// Reads the queue again after another desk wrote, the selection following the
    /// referral it was on (one may have been added above it): an accept must not land
    /// on somebody else's.
    pub fn reload_following(&mut self, cx: &Ctx) -> Result<(), StoreError> {
        let was_on = self.selected().map(|r| r.id.clone());
        self.reload(cx)?;
        let now_at = was_on.and_then(|id| self.rows.iter().position(|r| r.id == id));
        if let Some(i) = now_at.filter(|&i| i != self.sel) {
            self.sel = i;
            self.load_detail(cx.store);
        }
        Ok(())
    }

    /// Reads the queue again; a failure is said, not returned.
    pub fn reload_or_say(&mut self, cx: &Ctx) -> Effects {
        match self.reload(cx) {
            Ok(()) => Effects::new(),
            Err(e) => vec![Effect::Error(e.message(cx.lang))],
        }
    }

    fn load_detail(&mut self, store: &Store) {
        self.detail = match self.selected() {
            Some(r) => store.referral_detail(&r.id).ok(),
            None => None,
        };
    }

    /// After a saved visit: a new arrears visit may make its employer a collective case.
    pub fn note_collective(&mut self, saved: &crate::domain::intake::Intake, cx: &Ctx) {
        let employer = saved.employer.trim();
        if saved.category != Category::WageArrears || employer.is_empty() {
            return;
        }
        let since = cx.now() - Duration::days(COLLECTIVE_DAYS);
        if cx
            .store
            .wage_workers_of_employer(employer, since, None)
            .is_ok_and(|n| n >= COLLECTIVE_MIN)
        {
            self.collective.insert(employer.to_string());
        }
    }

    /// One action on F3.
    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Effects {
        let last = self.rows.len().saturating_sub(1);
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                self.sel = match action {
                    Action::Up => self.sel.saturating_sub(1),
                    Action::Down => self.sel + 1,
                    Action::PageUp => self.sel.saturating_sub(10),
                    _ => self.sel + 10,
                }
                .min(last);
                if self.sel + 20 >= self.rows.len() && self.rows.len() == self.limit {
                    // Near the end of what was read: read the next pages.
                    self.limit += 2 * QUEUE_PAGE;
                    return self.reload_or_say(cx);
                }
                self.load_detail(cx.store);
            }
            Action::Open => {
                if let Some(d) = self.detail.clone() {
                    return vec![Effect::Open(Modal::Referral {
                        detail: Box::new(d),
                        scroll: 0,
                    })];
                }
            }
            Action::FilterMine
            | Action::FilterOverdue
            | Action::FilterKind
            | Action::FilterStatus => {
                let me = cx.officer.map(|o| o.id.clone());
                match action {
                    Action::FilterMine => self.filter.mine = self.filter.mine.take().xor(me),
                    Action::FilterOverdue => self.filter.overdue_only ^= true,
                    Action::FilterKind => self.cycle_kind(),
                    _ => self.cycle_status(),
                }
                self.sel = 0;
                self.limit = QUEUE_PAGE;
                return self.reload_or_say(cx);
            }
            Action::AcceptReferral => return self.move_selected(Move::Accept, cx),
            Action::StartReferral => return self.move_selected(Move::Start, cx),
            Action::DeclineReferral => return self.open_ref_dialog(RefAction::Decline, cx),
            Action::CloseReferral => return self.open_ref_dialog(RefAction::Close, cx),
            Action::ReopenReferral => return self.open_ref_dialog(RefAction::Reopen, cx),
            Action::TransferReferral => return self.transfer_selected(cx),
            Action::PrintSlip => {
                if let Some(id) = self.selected().map(|r| r.id.clone()) {
                    return vec![print_slip(&id, cx)];
                }
            }
            _ => {}
        }
        Effects::new()
    }

    fn move_selected(&mut self, m: Move, cx: &mut Ctx) -> Effects {
        let Some(r) = self.selected().cloned() else {
            return Effects::new();
        };
        if let Some(refused) = check_move(&r, m, cx.lang) {
            return vec![refused];
        }
        self.apply_move(&r, m, "", None, cx)
    }

    fn apply_move(
        &mut self,
        r: &ReferralRow,
        m: Move,
        note: &str,
        closing: Option<&Closing>,
        cx: &mut Ctx,
    ) -> Effects {
        let Some(officer) = cx.officer else {
            return Effects::new();
        };
        let now = cx.now();
        let result = cx
            .store
            .move_referral(&r.id, r.version, m, &officer.id, note, closing, now);
        self.after_change(result, m.label(cx.lang), cx)
    }

    /// After a change: reload, and say what happened (or why not, showing the latest).
    fn after_change(
        &mut self,
        result: Result<ReferralRow, StoreError>,
        what: &str,
        cx: &Ctx,
    ) -> Effects {
        match result {
            Ok(r) => {
                tracing::info!(referral = %r.id, status = r.status.code(), "referral changed");
                let mut fx = vec![Effect::Close];
                fx.extend(self.reload_or_say(cx));
                if let Some(i) = self.rows.iter().position(|x| x.id == r.id) {
                    self.sel = i;
                    self.load_detail(cx.store);
                }
                fx.push(Effect::Info(match cx.lang {
                    Lang::Zh => format!("已{what}:{} · {}", r.visitor_name, r.status.zh()),
                    Lang::En => format!("Done ({what}): {} · {}", r.visitor_name, r.status.en()),
                }));
                fx
            }
            Err(e) => {
                // Whatever the other desk did is shown: the queue is read afresh.
                let mut fx = self.reload_or_say(cx);
                fx.push(Effect::Error(e.message(cx.lang)));
                fx
            }
        }
    }

    fn open_ref_dialog(&self, action: RefAction, cx: &Ctx) -> Effects {
        let Some(r) = self.selected().cloned() else {
            return Effects::new();
        };
        let lang = cx.lang;
        let m = match action {
            RefAction::Decline => Some(Move::Decline),
            RefAction::Close => Some(Move::Close),
            RefAction::Reopen => Some(Move::Reopen),
            RefAction::Transfer => None,
        };
        if let Some(refused) = m.and_then(|m| check_move(&r, m, lang)) {
            return vec![refused];
        }
        let officers = match action {
            RefAction::Transfer => match cx.store.officers() {
                Ok(all) => all.into_iter().filter(|o| o.id != r.owner_id).collect(),
                Err(e) => return vec![Effect::Error(e.message(lang))],
            },
            _ => Vec::new(),
        };
        if action == RefAction::Transfer && officers.is_empty() {
            return vec![Effect::Error(
                lang.pick(
                    "名册中没有其他值班人员可转交(按 F8 添加)",
                    "No other officer on the roster to hand over to (F8 adds one)",
                )
                .into(),
            )];
        }
        let job = r
            .job_id
            .as_deref()
            .and_then(|id| cx.store.job(id).ok().flatten());
        let mut dialog = RefDialog::new(action, r, officers, lang);
        // A referral to an opening closes with that job, unless the officer says otherwise.
        if let (RefAction::Close, Some(j)) = (action, job)
            && dialog.form.fields.iter().any(|f| f.id == F_JOB)
        {
            dialog
                .form
                .set(F_JOB, &format!("{} · {}", j.title, j.employer));
        }
        vec![Effect::Open(Modal::RefDialog(Box::new(dialog)))]
    }

    /// `t`: the owner hands over; the officer it is being handed to answers.
    fn transfer_selected(&self, cx: &Ctx) -> Effects {
        let Some(r) = self.selected().cloned() else {
            return Effects::new();
        };
        let lang = cx.lang;
        let me = cx.officer.map(|o| o.id.clone());
        if r.pending_owner_id.is_some() && r.pending_owner_id == me {
            return vec![Effect::Open(Modal::Confirm(Confirm::AnswerTransfer))];
        }
        if !r.status.is_open() {
            return vec![Effect::Error(match lang {
                Lang::Zh => format!("“{}”的转介不能转交", r.status.zh()),
                Lang::En => format!(
                    "A {} referral cannot be handed over",
                    r.status.en().to_lowercase()
                ),
            })];
        }
        if Some(&r.owner_id) != me.as_ref() {
            return vec![Effect::Error(match lang {
                Lang::Zh => format!("只有责任人{}可以转交这条转介", r.owner_name),
                Lang::En => format!("Only its owner, {}, can hand it over", r.owner_name),
            })];
        }
        self.open_ref_dialog(RefAction::Transfer, cx)
    }

    /// The officer a referral is being handed to takes it (`accept`) or refuses it.
    pub fn answer_transfer(&mut self, accept: bool, cx: &mut Ctx) -> Effects {
        let (Some(r), Some(officer)) = (self.selected().cloned(), cx.officer) else {
            return vec![Effect::Close];
        };
        let result = cx
            .store
            .answer_transfer(&r.id, r.version, &officer.id, accept, cx.now());
        let what = if accept {
            cx.lang.pick("接受转交", "accepted the handover")
        } else {
            cx.lang.pick("拒绝转交", "refused the handover")
        };
        let mut fx = vec![Effect::Close];
        fx.extend(self.after_change(result, what, cx));
        fx
    }

    /// A key in a referral dialog (decline, close, reopen, hand over): only save saves.
    pub fn update_ref_dialog(
        &mut self,
        d: &mut RefDialog,
        action: Action,
        cx: &mut Ctx,
    ) -> Effects {
        match d.form.navigate(action) {
            Nav::Save => self.save_ref_dialog(d, cx),
            Nav::Cycled(true) => {
                let id = d.form.focused_id();
                d.form.set_error(id, None);
                Effects::new()
            }
            Nav::Back => vec![Effect::Close],
            Nav::Other(Action::Quit) => vec![Effect::Quit],
            Nav::Moved | Nav::Cycled(false) | Nav::Other(_) => Effects::new(),
        }
    }

    fn save_ref_dialog(&mut self, d: &mut RefDialog, cx: &mut Ctx) -> Effects {
        let lang = cx.lang;
        let r = d.referral.clone();
        let now = cx.now();
        match d.action {
            RefAction::Decline => {
                let reason = d.form.choice::<DeclineReason>(F_DECLINE_REASON);
                let note = d.form.get(F_NOTE);
                if let Err(msg) = crate::domain::referral::check_decline(reason, &note, lang) {
                    let id = if reason.is_none() {
                        F_DECLINE_REASON
                    } else {
                        F_NOTE
                    };
                    d.form.set_error(id, Some(msg));
                    d.form.focus_id(id);
                    return Effects::new();
                }
                let (Some(reason), Some(officer)) = (reason, cx.officer) else {
                    return Effects::new();
                };
                let result =
                    cx.store
                        .decline_referral(&r.id, r.version, &officer.id, reason, &note, now);
                self.after_change(result, Move::Decline.label(lang), cx)
            }
            RefAction::Reopen => {
                let reason = d.form.get(F_REASON);
                if reason.trim().is_empty() {
                    d.form
                        .set_error(F_REASON, Some(lang.pick("必填", "required").into()));
                    return Effects::new();
                }
                self.apply_move(&r, Move::Reopen, &reason, None, cx)
            }
            RefAction::Close => {
                let Some(closing) = read_closing(&mut d.form, lang) else {
                    return Effects::new();
                };
                let note = d.form.get(F_NOTE);
                self.apply_move(&r, Move::Close, &note, Some(&closing), cx)
            }
            RefAction::Transfer => {
                let to = d.form.get(F_OFFICER);
                let (Some(officer), false) = (cx.officer, to.is_empty()) else {
                    return Effects::new();
                };
                let result = cx
                    .store
                    .request_transfer(&r.id, r.version, &officer.id, &to, now);
                self.after_change(result, lang.pick("发起转交", "handover requested"), cx)
            }
        }
    }

    /// A key in the route dialog: choose a service, record consent and urgency; only the
    /// save key refers (or, while typing a new service, adds it to the directory).
    pub fn update_route(
        &mut self,
        d: &mut RouteDialog,
        action: Action,
        shown: Scrolled,
        cx: &mut Ctx,
    ) -> Effects {
        match d.form.navigate(action) {
            Nav::Cycled(true) => {
                let id = d.form.focused_id();
                d.form.set_error(id, None);
                if id == ROUTE_KIND {
                    d.sel = 0;
                }
            }
            Nav::Other(Action::NextMatch | Action::Down) => d.move_sel(1),
            Nav::Other(Action::PrevMatch | Action::Up) => d.move_sel(-1),
            // The chosen service's box, when its contact lines run below it.
            Nav::Other(Action::PageDown) => d.turn_service_page(true, shown),
            Nav::Other(Action::PageUp) => d.turn_service_page(false, shown),
            Nav::Other(Action::AddService) if d.visible().is_empty() => d.start_adding(cx.lang),
            Nav::Other(Action::AddService) => {
                let msg = cx.lang.pick(
                    "目录中有相符的服务,请从列表中选用;要新增,先换个查找词使列表为空",
                    "The directory has matching services: choose one; to add another, search until the list is empty",
                );
                return vec![Effect::Error(msg.into())];
            }
            Nav::Save if d.adding => return save_new_service(d, cx),
            Nav::Save => return self.save_route(d, cx),
            // Giving up the new service goes back to the search, not out of the dialog.
            Nav::Back if d.adding => d.stop_adding(),
            Nav::Back => return vec![Effect::Close],
            Nav::Other(Action::Quit) => return vec![Effect::Quit],
            Nav::Moved | Nav::Cycled(false) | Nav::Other(_) => {}
        }
        Effects::new()
    }

    fn save_route(&mut self, d: &mut RouteDialog, cx: &mut Ctx) -> Effects {
        let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
            return Effects::new();
        };
        let lang = cx.lang;
        let today = cx.today();
        let Some(service) = d.selected().cloned() else {
            return vec![Effect::Error(
                lang.pick("请先选择一项服务", "Choose a service first")
                    .into(),
            )];
        };
        let Some(consent) = d.consent() else {
            d.form.set_error(
                ROUTE_CONSENT,
                Some(
                    lang.pick("请记录来访人是否同意", "record whether the visitor agreed")
                        .into(),
                ),
            );
            d.form.focus_id(ROUTE_CONSENT);
            return Effects::new();
        };
        if !consent && d.form.get(ROUTE_OVERRIDE).trim().is_empty() {
            d.form.set_error(
                ROUTE_OVERRIDE,
                Some(
                    lang.pick(
                        "未经同意转介须写明理由",
                        "a referral without consent needs a reason",
                    )
                    .into(),
                ),
            );
            d.form.focus_id(ROUTE_OVERRIDE);
            return Effects::new();
        }
        let urgency = d
            .form
            .choice::<Urgency>(ROUTE_URGENCY)
            .unwrap_or(Urgency::Normal);
        let due_on =
            cx.config
                .deadlines
                .due(&cx.config.calendar, today, service.deadline_rule, urgency);
        let new = NewReferral {
            visit_id: d.visit.id.clone(),
            service_id: service.id.clone(),
            consent,
            consent_override: if consent {
                String::new()
            } else {
                d.form.get(ROUTE_OVERRIDE)
            },
            note: d.form.get(ROUTE_NOTE),
            urgency,
            due_on,
            job_id: None,
        };
        match cx
            .store
            .create_referral(&new, &station.id, &officer.id, cx.now())
        {
            Ok(r) => {
                tracing::info!(referral = %r.id, visit = %r.visit_id, "referral created");
                let mut fx = vec![Effect::Close];
                fx.extend(self.reload_or_say(cx));
                let due = r.due_on.format("%Y-%m-%d");
                // The slip key, pressed next, prints this referral's slip.
                self.slip_offer = Some(r.id.clone());
                let key = cx.keymap.hint(Context::Referrals, Action::PrintSlip);
                fx.push(Effect::Info(match lang {
                    Lang::Zh => format!(
                        "已转介:{} → {},限{due}办结 · 按 {key} 打印转介单",
                        r.visitor_name, r.service_name
                    ),
                    Lang::En => format!(
                        "Referred: {} → {}, due {due} · {key} prints the referral slip",
                        r.visitor_name, r.service_name
                    ),
                }));
                fx
            }
            Err(e) => vec![Effect::Error(e.message(lang))],
        }
    }
}

/// The route dialog for a visit: its request, the directory, and whether the employer is
/// a possible collective case. An empty directory still opens it: the officer can type
/// the service in.
pub fn route_dialog(visit_id: &str, cx: &Ctx) -> Effects {
    let store = &*cx.store;
    let loaded = (|| {
        let detail = store
            .visit_detail(visit_id)?
            .ok_or_else(|| StoreError::Refused(crate::words::Said::new("store.visit_missing")))?;
        let services = store.services(None)?;
        Ok::<_, StoreError>((detail, services))
    })();
    match loaded {
        Ok((detail, services)) => {
            let employer = detail.visitor.employer.clone();
            let since = cx.now() - Duration::days(COLLECTIVE_DAYS);
            let collective = detail.visit.category == Category::WageArrears
                && !employer.is_empty()
                && store
                    .wage_workers_of_employer(&employer, since, None)
                    .is_ok_and(|n| n >= COLLECTIVE_MIN);
            vec![Effect::Open(Modal::Route(Box::new(RouteDialog::new(
                detail.visit,
                employer,
                services,
                collective,
                cx.lang,
            ))))]
        }
        Err(e) => vec![Effect::Error(e.message(cx.lang))],
    }
}

/// `save` while typing a new service: it joins the directory as this station's own
/// (本站添加), audited, and is chosen in the list; the next `save` refers to it.
fn save_new_service(d: &mut RouteDialog, cx: &mut Ctx) -> Effects {
    let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
        return Effects::new();
    };
    let lang = cx.lang;
    let Some(service) = d.new_service(lang) else {
        let msg = lang.pick(
            "未保存:请修改标出的项,已填内容都保留着",
            "Not saved: fix the marked field; everything typed is kept",
        );
        return vec![Effect::Error(msg.into())];
    };
    match cx
        .store
        .add_local_service(&service, &station.id, &officer.id, cx.now())
    {
        Ok(added) => {
            // The phone stays out of the log.
            tracing::info!(service = %added.id, "station-local service added");
            let key = cx.keymap.hint(Context::Form, Action::Save);
            let msg = match lang {
                Lang::Zh => format!(
                    "已新增本站服务:{}(本站添加)。记录是否同意后按 {key} 转介",
                    added.name
                ),
                Lang::En => format!(
                    "Added to the directory as this station's own: {}. Record consent, then {key} to refer",
                    added.name
                ),
            };
            d.added(added);
            d.form.focus_id(ROUTE_CONSENT);
            vec![Effect::Info(msg)]
        }
        Err(e) => vec![Effect::Error(e.message(lang))],
    }
}

/// Checks the move against the referral's state before a dialog opens, so the officer
/// hears at once what is allowed instead of after filling a form.
fn check_move(r: &ReferralRow, m: Move, lang: Lang) -> Option<Effect> {
    if m.target(r.status).is_some() {
        return None;
    }
    Some(Effect::Error(crate::domain::referral::refused_move(
        m, r.status, lang,
    )))
}

/// Writes a referral's slip (DOCX) into the exports folder and says where.
pub fn print_slip(referral_id: &str, cx: &Ctx) -> Effect {
    let dir = cx.exports_dir();
    let lang = cx.lang;
    match crate::slip::to_folder(cx.store, referral_id, &dir, cx.zone, cx.today(), lang) {
        Ok(path) => Effect::Info(format!(
            "{}{}",
            lang.pick("转介单已写入:", "Referral slip written: "),
            path.display()
        )),
        Err(e) => Effect::Error(format!(
            "{}{e:#}",
            lang.pick("转介单未写入:", "Referral slip not written: ")
        )),
    }
}

/// Reads the close dialog into a `Closing`, marking the fields that are wrong.
fn read_closing(form: &mut Form, lang: Lang) -> Option<Closing> {
    form.clear_errors();
    let mut ok = true;
    let mut money_field = |form: &mut Form, id: &str| -> Option<i64> {
        if !form.fields.iter().any(|f| f.id == id) {
            return None;
        }
        let raw = form.get(id);
        if raw.trim().is_empty() {
            return None;
        }
        match money::parse_yuan(&raw) {
            Ok(f) => Some(f),
            Err(e) => {
                form.set_error(id, Some(e.message(lang)));
                ok = false;
                None
            }
        }
    };
    let wages = money_field(form, F_WAGES);
    let aid = money_field(form, F_AID);
    let workers = if form.fields.iter().any(|f| f.id == F_WORKERS) {
        let raw = form.get(F_WORKERS);
        match raw.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(n) if (0..=100_000).contains(&n) => Some(n),
                _ => {
                    form.set_error(
                        F_WORKERS,
                        Some(
                            lang.pick("应为0到100000的整数", "a whole number 0–100000")
                                .into(),
                        ),
                    );
                    ok = false;
                    None
                }
            },
        }
    } else {
        None
    };
    let closing = Closing {
        outcome: form.choice::<Outcome>(F_OUTCOME),
        reason: form.choice::<OutcomeReason>(F_OUTCOME_REASON),
        wages_recovered_fen: wages,
        workers_covered: workers,
        aid_paid_fen: aid,
        placed_job: if form.fields.iter().any(|f| f.id == F_JOB) {
            form.get(F_JOB)
        } else {
            String::new()
        },
    };
    // The reason says why a referral was not (fully) resolved: a resolved one has none.
    if closing.outcome == Some(Outcome::Resolved) && closing.reason.is_some() {
        form.set_error(
            F_OUTCOME_REASON,
            Some(
                lang.pick(
                    "已解决的转介没有未解决原因:请选“无”或改选结果",
                    "a resolved referral has no reason why not: choose None or another outcome",
                )
                .into(),
            ),
        );
        form.focus_id(F_OUTCOME_REASON);
        return None;
    }
    if let Err(msg) = closing.check(lang) {
        let id = if closing.outcome.is_none() {
            F_OUTCOME
        } else {
            F_OUTCOME_REASON
        };
        form.set_error(id, Some(msg));
        form.focus_id(id);
        return None;
    }
    ok.then_some(closing)
}

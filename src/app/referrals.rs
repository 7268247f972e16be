//! The referral side of `App::update`: the queue, routing a visit, and the moves a
//! referral makes. Every change goes through the store's rules and lands in the history.

use chrono::Duration;
use crossterm::event::KeyEvent;

use super::{App, Confirm, Modal};
use crate::action::Action;
use crate::domain::intake::Field;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Urgency};
use crate::domain::money;
use crate::domain::referral::{Closing, DeclineReason, Move, Outcome, OutcomeReason};
use crate::i18n::Lang;
use crate::keymap::{Context, KeyChord};
use crate::panes::Pane;
use crate::panes::intake::Focus;
use crate::panes::referrals::*;
use crate::store::{NewReferral, ReferralRow, StoreError};
use crate::ui::form::Form;
use crate::ui::form::Nav;

/// How far back wage-arrears visits count towards a possible collective case.
pub const COLLECTIVE_DAYS: i64 = 30;
/// How many such visits naming one employer make it a possible collective case.
pub const COLLECTIVE_MIN: i64 = 3;
/// How long the queue's collective flags are reused before being counted again.
const COLLECTIVE_REFRESH_MINUTES: i64 = 10;

impl App {
    /// The form of the dialog on screen, if it has one: it gets first claim on keys.
    pub(super) fn modal_form(&mut self) -> Option<&mut Form> {
        match &mut self.modal {
            Some(Modal::Setup { form, .. }) => Some(form),
            Some(Modal::Route(d)) => Some(&mut d.form),
            Some(Modal::RefDialog(d)) => Some(&mut d.form),
            Some(Modal::LogDialog(d)) => Some(&mut d.form),
            _ => None,
        }
    }

    /// After typing in a dialog: the route dialog's list follows the search text.
    pub(super) fn after_dialog_edit(&mut self) {
        if let Some(Modal::Route(d)) = &mut self.modal {
            d.sel = 0;
        }
        self.after_setup_edit();
    }

    /// Reloads the queue, its counts and the selected referral's detail.
    pub fn reload_queue(&mut self) -> Result<(), StoreError> {
        let today = self.today();
        let now = self.clock.now();
        let pane = &mut self.referrals;
        pane.rows = self.store.queue(&pane.filter, today, pane.limit)?;
        pane.counts = self.store.queue_counts(today)?;
        // Counting 30 days of arrears visits is the dearest part: it is done when the queue
        // first opens and then every few minutes; a saved visit updates its own employer.
        let stale = pane
            .collective_at
            .is_none_or(|t| now - t > Duration::minutes(COLLECTIVE_REFRESH_MINUTES));
        if stale {
            let since = now - Duration::days(COLLECTIVE_DAYS);
            pane.collective = self.store.collective_employers(since, COLLECTIVE_MIN)?;
            pane.collective_at = Some(now);
        }
        pane.sel = pane.sel.min(pane.rows.len().saturating_sub(1));
        self.load_selected_detail();
        Ok(())
    }

    pub(super) fn refresh_queue(&mut self) {
        if let Err(e) = self.reload_queue() {
            self.error(e.message(self.lang));
        }
    }

    fn load_selected_detail(&mut self) {
        self.referrals.detail = match self.referrals.selected() {
            Some(r) => self.store.referral_detail(&r.id).ok(),
            None => None,
        };
    }

    /// After a saved visit: a new arrears visit may make its employer a collective case.
    pub(super) fn note_collective(&mut self, saved: &crate::domain::intake::Intake) {
        let employer = saved.employer.trim();
        if saved.category != Category::WageArrears || employer.is_empty() {
            return;
        }
        let since = self.clock.now() - Duration::days(COLLECTIVE_DAYS);
        if self
            .store
            .wage_workers_of_employer(employer, since, None)
            .is_ok_and(|n| n >= COLLECTIVE_MIN)
        {
            self.referrals.collective.insert(employer.to_string());
        }
    }

    /// Notes a possible collective wage case on the intake form's employer field.
    pub(super) fn refresh_collective_note(&mut self) {
        let form = &self.intake.form;
        let category = form.choice::<Category>(Field::Category.code());
        let employer = form.get(Field::Employer.code()).trim().to_string();
        let mut note = None;
        if category == Some(Category::WageArrears) && !employer.is_empty() {
            let since = self.clock.now() - Duration::days(COLLECTIVE_DAYS);
            // Other people who came about this employer, and the visitor in hand once
            // (picked from the record, or known by the ID number typed).
            let this_one = self
                .intake
                .picked
                .as_ref()
                .map(|p| p.visitor_id.clone())
                .or_else(|| {
                    let typed = form.get(Field::IdNumber.code());
                    let id = crate::domain::id_number::IdNumber::parse(typed.trim()).ok()?;
                    self.store
                        .visitor_by_id_number(id.as_str())
                        .ok()?
                        .map(|v| v.id)
                });
            if let Ok(n) =
                self.store
                    .wage_workers_of_employer(&employer, since, this_one.as_deref())
                && n + 1 >= COLLECTIVE_MIN
            {
                note = Some(match self.lang {
                    Lang::Zh => {
                        format!("可能为群体性欠薪:该单位{COLLECTIVE_DAYS}天内已有{n}人来访反映欠薪")
                    }
                    Lang::En => format!(
                        "possible collective case: {n} other worker(s) reported wage arrears at this employer in {COLLECTIVE_DAYS} days"
                    ),
                });
            }
        }
        self.intake.form.field_mut(Field::Employer.code()).note = note;
    }

    /// "Route": the visit in view — the one open, the one selected in today's list, the
    /// selected referral's, or else the one saved last at this desk.
    pub(super) fn route_current(&mut self) {
        let visit_id = match self.pane {
            Pane::Referrals => self.referrals.selected().map(|r| r.visit_id.clone()),
            Pane::Intake if self.intake.focus == Focus::List => self
                .intake
                .visible_today(self.lang)
                .get(self.intake.list_sel)
                .map(|v| v.id.clone()),
            Pane::Log => self
                .log
                .review_visit()
                .map(|v| v.id)
                .or_else(|| self.last_saved_visit.clone()),
            _ => self.last_saved_visit.clone(),
        };
        match visit_id {
            Some(id) => self.open_route(&id),
            None => self.error(
                self.lang
                    .pick(
                        "请先保存登记,或在今日来访列表中选中一条来访再转介",
                        "Save the intake first, or choose a visit in today's list, to route it",
                    )
                    .into(),
            ),
        }
    }

    pub(super) fn open_route(&mut self, visit_id: &str) {
        let loaded = (|| {
            let detail = self.store.visit_detail(visit_id)?.ok_or_else(|| {
                StoreError::Refused("来访记录不存在".into(), "no such visit".into())
            })?;
            let services = self.store.services(None)?;
            Ok::<_, StoreError>((detail, services))
        })();
        // An empty directory still opens the dialog: the officer can type the service in.
        match loaded {
            Ok((detail, services)) => {
                let employer = detail.visitor.employer.clone();
                let since = self.clock.now() - Duration::days(COLLECTIVE_DAYS);
                let collective = detail.visit.category == Category::WageArrears
                    && !employer.is_empty()
                    && self
                        .store
                        .wage_workers_of_employer(&employer, since, None)
                        .is_ok_and(|n| n >= COLLECTIVE_MIN);
                self.modal = Some(Modal::Route(Box::new(RouteDialog::new(
                    detail.visit,
                    employer,
                    services,
                    collective,
                    self.lang,
                ))));
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    pub(super) fn update_route(&mut self, action: Action) {
        let Some(Modal::Route(d)) = &mut self.modal else {
            return;
        };
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
            Nav::Other(Action::AddService) if d.visible().is_empty() => d.start_adding(self.lang),
            Nav::Other(Action::AddService) => {
                let msg = self.lang.pick(
                    "目录中有相符的服务,请从列表中选用;要新增,先换个查找词使列表为空",
                    "The directory has matching services: choose one; to add another, search until the list is empty",
                );
                self.error(msg.into());
            }
            Nav::Save if d.adding => self.save_new_service(),
            Nav::Save => self.save_route(),
            // Giving up the new service goes back to the search, not out of the dialog.
            Nav::Back if d.adding => d.stop_adding(),
            Nav::Back => self.modal = None,
            Nav::Other(Action::Quit) => self.request_quit(),
            Nav::Moved | Nav::Cycled(false) | Nav::Other(_) => {}
        }
    }

    /// `save` while typing a new service: it joins the directory as this station's own
    /// (本站添加), audited, and is chosen in the list; the next `save` refers to it.
    fn save_new_service(&mut self) {
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return;
        };
        let lang = self.lang;
        let now = self.clock.now();
        let Some(Modal::Route(d)) = &mut self.modal else {
            return;
        };
        let Some(service) = d.new_service(lang) else {
            let msg = lang.pick(
                "未保存:请修改标出的项,已填内容都保留着",
                "Not saved: fix the marked field; everything typed is kept",
            );
            self.error(msg.into());
            return;
        };
        match self
            .store
            .add_local_service(&service, &station.id, &officer.id, now)
        {
            Ok(added) => {
                // The phone stays out of the log.
                tracing::info!(service = %added.id, "station-local service added");
                let key = self.keymap.hint(crate::keymap::Context::Form, Action::Save);
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
                self.info(msg);
            }
            Err(e) => self.error(e.message(lang)),
        }
    }

    fn save_route(&mut self) {
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return;
        };
        let lang = self.lang;
        let today = self.today();
        let Some(Modal::Route(d)) = &mut self.modal else {
            return;
        };
        let Some(service) = d.selected().cloned() else {
            self.error(
                lang.pick("请先选择一项服务", "Choose a service first")
                    .into(),
            );
            return;
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
            return;
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
            return;
        }
        let urgency = d
            .form
            .choice::<Urgency>(ROUTE_URGENCY)
            .unwrap_or(Urgency::Normal);
        let due_on =
            self.config
                .deadlines
                .due(&self.config.calendar, today, service.deadline_rule, urgency);
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
        let now = self.clock.now();
        match self
            .store
            .create_referral(&new, &station.id, &officer.id, now)
        {
            Ok(r) => {
                tracing::info!(referral = %r.id, visit = %r.visit_id, "referral created");
                self.modal = None;
                self.refresh_queue();
                let msg = match lang {
                    Lang::Zh => format!(
                        "已转介:{} → {},限{}办结",
                        r.visitor_name,
                        r.service_name,
                        r.due_on.format("%Y-%m-%d")
                    ),
                    Lang::En => format!(
                        "Referred: {} → {}, due {}",
                        r.visitor_name,
                        r.service_name,
                        r.due_on.format("%Y-%m-%d")
                    ),
                };
                self.info(msg);
                self.offer_slip(&r.id);
            }
            Err(e) => self.error(e.message(lang)),
        }
    }

    /// At the end of the route dialog: the slip key, pressed next, prints the slip of the
    /// referral just made (the status line says so); any other key goes on as usual.
    fn offer_slip(&mut self, referral_id: &str) {
        self.referrals.slip_offer = Some(referral_id.to_string());
        let key = self.keymap.hint(Context::Referrals, Action::PrintSlip);
        if let Some(status) = &mut self.status {
            status.text.push_str(&match self.lang {
                Lang::Zh => format!(" · 按 {key} 打印转介单"),
                Lang::En => format!(" · {key} prints the referral slip"),
            });
        }
    }

    /// Takes the offer made by `offer_slip`: true when `key` is the slip key and the slip
    /// was printed (or said why not).
    pub(super) fn take_slip_offer(&mut self, key: &KeyEvent) -> bool {
        let Some(id) = self.referrals.slip_offer.take() else {
            return false;
        };
        let slip_key = KeyChord::from_event(key)
            .and_then(|c| self.keymap.lookup(Context::Referrals, &c))
            == Some(Action::PrintSlip);
        if slip_key {
            self.print_slip(&id);
        }
        slip_key
    }

    /// Writes a referral's slip (DOCX) into the exports folder and says where.
    fn print_slip(&mut self, referral_id: &str) {
        let dir = self.reports_dir();
        match crate::slip::to_folder(
            &self.store,
            referral_id,
            &dir,
            self.zone,
            self.today(),
            self.lang,
        ) {
            Ok(path) => self.info(format!(
                "{}{}",
                self.lang.pick("转介单已写入:", "Referral slip written: "),
                path.display()
            )),
            Err(e) => self.error(format!(
                "{}{e:#}",
                self.lang
                    .pick("转介单未写入:", "Referral slip not written: ")
            )),
        }
    }

    pub(super) fn update_referrals(&mut self, action: Action) {
        let n = self.referrals.rows.len();
        let step = |sel: usize, d: isize| {
            (sel as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize
        };
        let sel = self.referrals.sel;
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                self.referrals.sel = match action {
                    Action::Up => step(sel, -1),
                    Action::Down => step(sel, 1),
                    Action::PageUp => step(sel, -10),
                    _ => step(sel, 10),
                };
                let pane = &mut self.referrals;
                if pane.sel + 20 >= pane.rows.len() && pane.rows.len() == pane.limit {
                    // Near the end of what was read: read the next pages.
                    pane.limit += 2 * QUEUE_PAGE;
                    self.refresh_queue();
                } else {
                    self.load_selected_detail();
                }
            }
            Action::Open => {
                if let Some(d) = self.referrals.detail.clone() {
                    self.modal = Some(Modal::Referral {
                        detail: Box::new(d),
                        scroll: 0,
                    });
                }
            }
            Action::FilterMine
            | Action::FilterOverdue
            | Action::FilterKind
            | Action::FilterStatus => {
                let me = self.officer.as_ref().map(|o| o.id.clone());
                let pane = &mut self.referrals;
                match action {
                    Action::FilterMine => pane.filter.mine = pane.filter.mine.take().xor(me),
                    Action::FilterOverdue => pane.filter.overdue_only ^= true,
                    Action::FilterKind => pane.cycle_kind(),
                    _ => pane.cycle_status(),
                }
                pane.sel = 0;
                pane.limit = QUEUE_PAGE;
                self.refresh_queue();
            }
            Action::AcceptReferral => self.move_selected(Move::Accept),
            Action::StartReferral => self.move_selected(Move::Start),
            Action::DeclineReferral => self.open_ref_dialog(RefAction::Decline),
            Action::CloseReferral => self.open_ref_dialog(RefAction::Close),
            Action::ReopenReferral => self.open_ref_dialog(RefAction::Reopen),
            Action::TransferReferral => self.transfer_selected(),
            Action::PrintSlip => {
                if let Some(id) = self.referrals.selected().map(|r| r.id.clone()) {
                    self.print_slip(&id);
                }
            }
            _ => {}
        }
    }

    /// Checks the move against the referral's state before a dialog opens, so the officer
    /// hears at once what is allowed instead of after filling a form.
    fn check_move(&mut self, r: &ReferralRow, m: Move) -> bool {
        if m.target(r.status).is_some() {
            return true;
        }
        let msg = crate::domain::referral::refused_move(m, r.status, self.lang);
        self.error(msg);
        false
    }

    fn move_selected(&mut self, m: Move) {
        let Some(r) = self.referrals.selected().cloned() else {
            return;
        };
        if !self.check_move(&r, m) {
            return;
        }
        self.apply_move(&r, m, "", None);
    }

    fn apply_move(&mut self, r: &ReferralRow, m: Move, note: &str, closing: Option<&Closing>) {
        let Some(officer) = self.officer.clone() else {
            return;
        };
        let now = self.clock.now();
        let result = self
            .store
            .move_referral(&r.id, r.version, m, &officer.id, note, closing, now);
        self.after_change(result, m.label(self.lang));
    }

    /// After a change: reload, and say what happened (or why not, showing the latest).
    fn after_change(&mut self, result: Result<ReferralRow, StoreError>, what: &str) {
        match result {
            Ok(r) => {
                tracing::info!(referral = %r.id, status = r.status.code(), "referral changed");
                self.modal = None;
                self.refresh_queue();
                if let Some(i) = self.referrals.rows.iter().position(|x| x.id == r.id) {
                    self.referrals.sel = i;
                    self.load_selected_detail();
                }
                let msg = match self.lang {
                    Lang::Zh => format!("已{what}:{} · {}", r.visitor_name, r.status.zh()),
                    Lang::En => format!("Done ({what}): {} · {}", r.visitor_name, r.status.en()),
                };
                self.info(msg);
            }
            Err(e) => {
                // Whatever the other desk did is shown: the queue is read afresh.
                self.refresh_queue();
                self.error(e.message(self.lang));
            }
        }
    }

    fn open_ref_dialog(&mut self, action: RefAction) {
        let Some(r) = self.referrals.selected().cloned() else {
            return;
        };
        let m = match action {
            RefAction::Decline => Some(Move::Decline),
            RefAction::Close => Some(Move::Close),
            RefAction::Reopen => Some(Move::Reopen),
            RefAction::Transfer => None,
        };
        if let Some(m) = m
            && !self.check_move(&r, m)
        {
            return;
        }
        let officers = match action {
            RefAction::Transfer => match self.store.officers() {
                Ok(all) => all.into_iter().filter(|o| o.id != r.owner_id).collect(),
                Err(e) => {
                    self.error(e.message(self.lang));
                    return;
                }
            },
            _ => Vec::new(),
        };
        if action == RefAction::Transfer && officers.is_empty() {
            self.error(
                self.lang
                    .pick(
                        "名册中没有其他值班人员可转交(按 F8 添加)",
                        "No other officer on the roster to hand over to (F8 adds one)",
                    )
                    .into(),
            );
            return;
        }
        let job = r
            .job_id
            .as_deref()
            .and_then(|id| self.store.job(id).ok().flatten());
        let mut dialog = RefDialog::new(action, r, officers, self.lang);
        // A referral to an opening closes with that job, unless the officer says otherwise.
        if let (RefAction::Close, Some(j)) = (action, job)
            && dialog.form.fields.iter().any(|f| f.id == F_JOB)
        {
            dialog
                .form
                .set(F_JOB, &format!("{} · {}", j.title, j.employer));
        }
        self.modal = Some(Modal::RefDialog(Box::new(dialog)));
    }

    /// `t`: the owner hands over; the officer it is being handed to answers.
    fn transfer_selected(&mut self) {
        let Some(r) = self.referrals.selected().cloned() else {
            return;
        };
        let me = self.officer.as_ref().map(|o| o.id.clone());
        if r.pending_owner_id.is_some() && r.pending_owner_id == me {
            self.modal = Some(Modal::Confirm(Confirm::AnswerTransfer));
            return;
        }
        if !r.status.is_open() {
            let msg = match self.lang {
                Lang::Zh => format!("“{}”的转介不能转交", r.status.zh()),
                Lang::En => format!(
                    "A {} referral cannot be handed over",
                    r.status.en().to_lowercase()
                ),
            };
            self.error(msg);
            return;
        }
        if Some(&r.owner_id) != me.as_ref() {
            let msg = match self.lang {
                Lang::Zh => format!("只有责任人{}可以转交这条转介", r.owner_name),
                Lang::En => format!("Only its owner, {}, can hand it over", r.owner_name),
            };
            self.error(msg);
            return;
        }
        self.open_ref_dialog(RefAction::Transfer);
    }

    pub(super) fn answer_transfer(&mut self, accept: bool) {
        self.modal = None;
        let (Some(r), Some(officer)) = (self.referrals.selected().cloned(), self.officer.clone())
        else {
            return;
        };
        let now = self.clock.now();
        let result = self
            .store
            .answer_transfer(&r.id, r.version, &officer.id, accept, now);
        let what = if accept {
            self.lang.pick("接受转交", "accepted the handover")
        } else {
            self.lang.pick("拒绝转交", "refused the handover")
        };
        self.after_change(result, what);
    }

    pub(super) fn update_ref_dialog(&mut self, action: Action) {
        let Some(Modal::RefDialog(d)) = &mut self.modal else {
            return;
        };
        match d.form.navigate(action) {
            Nav::Save => self.save_ref_dialog(),
            Nav::Cycled(true) => {
                let id = d.form.focused_id();
                d.form.set_error(id, None);
            }
            Nav::Back => self.modal = None,
            Nav::Other(Action::Quit) => self.request_quit(),
            Nav::Moved | Nav::Cycled(false) | Nav::Other(_) => {}
        }
    }

    fn save_ref_dialog(&mut self) {
        let lang = self.lang;
        let Some(Modal::RefDialog(d)) = &mut self.modal else {
            return;
        };
        let r = d.referral.clone();
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
                    return;
                }
                let (Some(reason), Some(officer)) = (reason, self.officer.clone()) else {
                    return;
                };
                let now = self.clock.now();
                let result =
                    self.store
                        .decline_referral(&r.id, r.version, &officer.id, reason, &note, now);
                self.after_change(result, Move::Decline.label(lang));
            }
            RefAction::Reopen => {
                let reason = d.form.get(F_REASON);
                if reason.trim().is_empty() {
                    d.form
                        .set_error(F_REASON, Some(lang.pick("必填", "required").into()));
                    return;
                }
                self.apply_move(&r, Move::Reopen, &reason, None);
            }
            RefAction::Close => {
                let Some(closing) = read_closing(&mut d.form, lang) else {
                    return;
                };
                let note = d.form.get(F_NOTE);
                self.apply_move(&r, Move::Close, &note, Some(&closing));
            }
            RefAction::Transfer => {
                let to = d.form.get(F_OFFICER);
                let (Some(officer), false) = (self.officer.clone(), to.is_empty()) else {
                    return;
                };
                let now = self.clock.now();
                let result = self
                    .store
                    .request_transfer(&r.id, r.version, &officer.id, &to, now);
                self.after_change(result, lang.pick("发起转交", "handover requested"));
            }
        }
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

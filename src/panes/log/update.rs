//! What F5 does: the timeline, browsing earlier shifts, the end-of-shift review with its
//! reconciliation and sign-off, handover, addenda, the exports, and the log's dialogs.

use chrono::Duration;
use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{
    F_AFFILIATION, F_DISPOSITION, F_KIND, F_NAME, F_ROLE, F_TEXT, LogAction, LogDialog, LogPane,
    LogView, ReviewData,
};
use crate::action::Action;
use crate::domain::clock::day_start;
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::domain::shift::{Disposition, EntryKind};
use crate::i18n::Lang;
use crate::panes::{Ctx, Effect, Effects, Modal};
use crate::store::{StoreError, VisitScope};
use crate::widgets::form::Nav;

/// Days in the review's sparkline.
pub const SPARK_DAYS: i64 = 30;

impl LogPane {
    /// Entering F5: the timeline (the review is opened from it).
    pub fn enter(&mut self) {
        if self.view == LogView::Review {
            self.view = LogView::Shift;
        }
    }

    /// Reads what the pane shows for its view.
    pub fn reload(&mut self, cx: &Ctx) -> Result<(), StoreError> {
        let Some(station) = cx.station else {
            return Ok(());
        };
        let store = &*cx.store;
        let today = cx.today();
        self.shift = store.current_shift(&station.id)?;
        self.handover = store.pending_handover(&station.id)?;
        let open_shift = self.shift.as_ref().map(|s| s.id.clone());
        // The shift browsed, as it is now (it may have been signed off meanwhile).
        if self.view == LogView::Past {
            self.past = match self.past.take() {
                Some(p) => store.shift(&p.id)?,
                None => None,
            };
            if self.past.is_none() {
                self.view = LogView::Shift;
            }
        }
        self.carried = match (&self.view, &self.handover) {
            (LogView::Past, _) => Vec::new(),
            // A pending handover has already read the open to-dos.
            (_, Some(h)) => h.todos.clone(),
            (_, None) => store.open_todos()?,
        };
        self.carried.retain(|t| t.shift_id != open_shift);
        let from = day_start(today, cx.zone);
        let to = from + Duration::days(1);
        let now = cx.now();
        self.entries = match (&self.view, &self.past, &open_shift) {
            (LogView::Past, Some(p), _) => store.past_shift_entries(p, now)?,
            (_, _, None) => store.entries_between(from, to)?,
            (_, _, Some(id)) => store.shift_entries(id)?,
        };
        self.day_shifts = match (&self.view, &self.past) {
            (LogView::Past, Some(p)) => vec![p.clone()],
            _ => store.shifts_between(from, to)?,
        };
        let n = self.visible().len();
        self.sel = self.sel.min(n.saturating_sub(1));
        if self.view == LogView::Review {
            self.load_review(cx)?;
        }
        Ok(())
    }

    /// The log read again after another desk wrote (an entry, the handover taken, a
    /// sign-off; an import's visits to reconcile), the selection staying on the entry —
    /// and in the review on the visit — it was on.
    pub fn reload_following(&mut self, cx: &Ctx) -> Result<(), StoreError> {
        let entry = self.selected().map(|e| e.id.clone());
        let visit = self.review_visit().map(|v| v.id);
        self.reload(cx)?;
        if let Some(i) = entry.and_then(|id| self.visible().iter().position(|e| e.id == id)) {
            self.sel = i;
        }
        if let Some(i) = visit.and_then(|id| {
            self.review
                .as_ref()
                .and_then(|r| r.visits().position(|v| v.id == id))
        }) {
            self.review_sel = i;
        }
        Ok(())
    }

    /// Reads the pane again; a failure is said, not returned.
    pub fn reload_or_say(&mut self, cx: &Ctx) -> Effects {
        match self.reload(cx) {
            Ok(()) => Effects::new(),
            Err(e) => vec![Effect::Error(e.message(cx.lang))],
        }
    }

    fn load_review(&mut self, cx: &Ctx) -> Result<(), StoreError> {
        let Some(shift) = self.shift.clone() else {
            self.view = LogView::Shift;
            self.review = None;
            return Ok(());
        };
        let store = &*cx.store;
        let today = cx.today();
        let totals = store.totals(
            VisitScope::Shift(&shift.id),
            shift.opened_at,
            cx.now(),
            today,
            false,
        )?;
        let review = ReviewData {
            totals,
            visits_30d: store.visits_per_day(today - Duration::days(SPARK_DAYS - 1), today)?,
            unreconciled: store.unreconciled(&shift.id)?,
            reconciled: store.reconciled(&shift.id)?,
        };
        self.review_sel = self.review_sel.min(review.visit_count().saturating_sub(1));
        self.review = Some(review);
        Ok(())
    }

    /// The search line over the timeline takes typing while it is open.
    pub fn search_key(&mut self, key: &KeyEvent) -> bool {
        match crate::widgets::form::search_line_key(&mut self.search, &mut self.search_typing, key)
        {
            Some(changed) => {
                if changed {
                    self.sel = 0;
                }
                true
            }
            None => false,
        }
    }

    /// One action on F5 (the search line's typing came first).
    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Effects {
        if self.view == LogView::Review {
            return self.update_review(action, cx);
        }
        let lang = cx.lang;
        let last = self.visible().len().saturating_sub(1);
        match action {
            Action::Up => self.sel = self.sel.saturating_sub(1).min(last),
            Action::Down => self.sel = (self.sel + 1).min(last),
            Action::PageUp => self.sel = self.sel.saturating_sub(10).min(last),
            Action::PageDown => self.sel = (self.sel + 10).min(last),
            Action::Search => {
                self.search_typing = true;
                self.search.get_or_insert_with(Input::default);
            }
            Action::Back if self.search.is_some() || self.kind_filter.is_some() => {
                self.search = None;
                self.kind_filter = None;
            }
            Action::Back if self.read_only() => return self.show_current(cx),
            Action::FilterKind => self.cycle_kind(),
            Action::PrevDay => return self.step_shift(false, cx),
            Action::NextDay => return self.step_shift(true, cx),
            Action::Open => return self.open_entry(cx),
            Action::WriteEntry if self.read_only() => return vec![read_only(lang)],
            Action::WriteEntry => return open_dialog(LogAction::Entry, String::new(), cx),
            Action::AddMember => return open_dialog(LogAction::AddMember, String::new(), cx),
            Action::Review => {
                if self.shift.is_none() {
                    return vec![Effect::Error(
                        lang.pick(
                            "现在没有开着的班次:登记来访或写一条记录即开班",
                            "No shift is open: an intake or an entry opens one",
                        )
                        .into(),
                    )];
                }
                self.view = LogView::Review;
                return self.reload_or_say(cx);
            }
            Action::Acknowledge => return self.acknowledge(cx),
            Action::TodoDone => return self.todo_done(cx),
            Action::Addendum => return self.start_addendum(cx),
            Action::ExportLedger => return vec![export_month_ledger(cx)],
            _ => {}
        }
        Effects::new()
    }

    /// Back to the open shift's timeline.
    fn show_current(&mut self, cx: &Ctx) -> Effects {
        self.view = LogView::Shift;
        self.past = None;
        self.sel = 0;
        self.reload_or_say(cx)
    }

    /// `[` and `]`: the shift before or after the one shown, read-only; past the last
    /// one, the open shift again. An earlier shift of the same day is one step away.
    fn step_shift(&mut self, later: bool, cx: &Ctx) -> Effects {
        let Some(station) = cx.station else {
            return Effects::new();
        };
        let (at, id) = match (&self.view, &self.past, &self.shift) {
            (LogView::Past, Some(p), _) => (p.opened_at, p.id.clone()),
            (_, _, Some(s)) if !later => (s.opened_at, s.id.clone()),
            _ if later => return self.show_current(cx),
            _ => (cx.now(), String::new()),
        };
        let found = if later {
            cx.store.shift_after(&station.id, at, &id)
        } else {
            cx.store.shift_before(&station.id, at, &id)
        };
        let open = self.shift.as_ref().map(|s| s.id.clone());
        match found {
            Ok(Some(s)) if Some(&s.id) != open.as_ref() => {
                self.view = LogView::Past;
                self.past = Some(s);
                self.sel = 0;
                self.reload_or_say(cx)
            }
            Ok(_) if later => self.show_current(cx),
            Ok(_) => vec![Effect::Info(
                cx.lang.pick("没有更早的班次了", "No earlier shift").into(),
            )],
            Err(e) => vec![Effect::Error(e.message(cx.lang))],
        }
    }

    /// The chosen entry's visit or referral, in full.
    fn open_entry(&self, cx: &Ctx) -> Effects {
        let Some(about) = self.selected().and_then(|e| e.about.clone()) else {
            return Effects::new();
        };
        match cx.store.visit_detail(&about) {
            Ok(Some(detail)) => return vec![Effect::Open(Modal::visit(detail))],
            Ok(None) => {}
            Err(e) => return vec![Effect::Error(e.message(cx.lang))],
        }
        match cx.store.referral_detail(&about) {
            Ok(detail) => vec![Effect::Open(Modal::Referral {
                detail: Box::new(detail),
                scroll: 0,
            })],
            Err(_) => Effects::new(),
        }
    }

    fn acknowledge(&mut self, cx: &mut Ctx) -> Effects {
        let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
            return Effects::new();
        };
        let lang = cx.lang;
        let Some(h) = self.handover.clone() else {
            return vec![Effect::Info(
                lang.pick("没有待确认的交班", "No handover waiting").into(),
            )];
        };
        match cx
            .store
            .acknowledge_handover(&station.id, &h.shift.id, &officer.id, cx.now())
        {
            Ok(()) => {
                let mut fx = vec![Effect::Info(
                    lang.pick("已确认接班,记入日志", "Handover acknowledged and logged")
                        .into(),
                )];
                fx.extend(self.reload_or_say(cx));
                fx
            }
            Err(e) => vec![Effect::Error(e.message(lang))],
        }
    }

    fn todo_done(&mut self, cx: &mut Ctx) -> Effects {
        let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
            return Effects::new();
        };
        let lang = cx.lang;
        let Some(todo) = self
            .selected()
            .filter(|e| e.kind == EntryKind::Todo)
            .cloned()
        else {
            return vec![Effect::Error(
                lang.pick("请先选中一条待办", "Choose a to-do first").into(),
            )];
        };
        match cx
            .store
            .mark_todo_done(&station.id, &todo.id, &officer.id, cx.now())
        {
            Ok(()) => {
                let mut fx = vec![Effect::Info(format!(
                    "{}{}",
                    lang.pick("待办已办:", "Done: "),
                    todo.text
                ))];
                fx.extend(self.reload_or_say(cx));
                fx
            }
            Err(e) => vec![Effect::Error(e.message(lang))],
        }
    }

    /// An addendum goes to the sealed shift of the chosen entry, or else the last
    /// signed-off shift of the day shown.
    fn start_addendum(&self, cx: &Ctx) -> Effects {
        let lang = cx.lang;
        let chosen = self.selected().and_then(|e| e.shift_id.clone());
        let sealed = self
            .day_shifts
            .iter()
            .rev()
            .filter(|s| s.is_sealed())
            .find(|s| chosen.is_none() || chosen.as_deref() == Some(s.id.as_str()))
            .or_else(|| self.day_shifts.iter().rev().find(|s| s.is_sealed()))
            .or(self.handover.as_ref().map(|h| &h.shift))
            .cloned();
        let Some(shift) = sealed else {
            return vec![Effect::Error(
                lang.pick(
                    "这个班次还没有签结;未签结的班次直接写记录即可",
                    "This shift is not signed off; an open shift takes plain entries",
                )
                .into(),
            )];
        };
        let opened = shift.opened_at.with_timezone(&cx.zone);
        let signed_by = shift.signed_by.unwrap_or_default();
        let subject = match lang {
            Lang::Zh => format!("{} 开班 · {signed_by} 签结", opened.format("%m-%d %H:%M")),
            Lang::En => format!(
                "opened {} · signed by {signed_by}",
                opened.format("%m-%d %H:%M")
            ),
        };
        open_dialog(LogAction::Addendum(shift.id), subject, cx)
    }

    fn update_review(&mut self, action: Action, cx: &mut Ctx) -> Effects {
        let lang = cx.lang;
        let n = self.review.as_ref().map_or(0, |r| r.unreconciled.len());
        let all = self.review.as_ref().map_or(0, ReviewData::visit_count);
        match action {
            Action::Up => self.review_sel = self.review_sel.saturating_sub(1),
            Action::Down => self.review_sel = (self.review_sel + 1).min(all.saturating_sub(1)),
            Action::Back | Action::Review => {
                self.view = LogView::Shift;
                return self.reload_or_say(cx);
            }
            Action::SetDisposition => return self.ask_disposition(cx),
            Action::SignOff => {
                if n > 0 {
                    let k = |c, a| cx.keymap.hint(c, a);
                    let (dispose, route) = (
                        k(crate::keymap::Context::Log, Action::SetDisposition),
                        k(crate::keymap::Context::Global, Action::Route),
                    );
                    let msg = match lang {
                        Lang::Zh => format!(
                            "还有{n}条来访没有处置结果,不能签结:请逐条填写({dispose} 处置 / {route} 转介)"
                        ),
                        Lang::En => format!(
                            "{n} {} a disposition before sign-off ({dispose} disposition / {route} route)",
                            if n == 1 {
                                "visit still needs"
                            } else {
                                "visits still need"
                            }
                        ),
                    };
                    return vec![Effect::Error(msg)];
                }
                return open_dialog(LogAction::SignOff, String::new(), cx);
            }
            Action::ExportReport => return vec![export_today(cx)],
            Action::ExportLedger => return vec![export_month_ledger(cx)],
            _ => {}
        }
        Effects::new()
    }

    /// The disposition dialog for the visit chosen in the review; correcting one, it
    /// starts from what was recorded.
    fn ask_disposition(&self, cx: &Ctx) -> Effects {
        let lang = cx.lang;
        let Some(v) = self.review_visit() else {
            return vec![Effect::Info(
                lang.pick("本班还没有来访", "No visits in this shift")
                    .into(),
            )];
        };
        let mut subject = format!(
            "{} {} · {}",
            v.visited_at.with_timezone(&cx.zone).format("%H:%M"),
            v.visitor_name,
            v.category.label(lang),
        );
        if !v.summary.trim().is_empty() {
            subject.push_str(&format!(" · {}", crate::text::truncate(&v.summary, 30)));
        }
        let mut fx = open_dialog(LogAction::Disposition(v.id.clone()), subject, cx);
        if let (Some(done), Some(Effect::Open(Modal::LogDialog(d)))) =
            (v.disposition, fx.first_mut())
        {
            d.form.set(F_DISPOSITION, done.code());
            d.form.set(F_TEXT, &v.disposition_note);
        }
        fx
    }

    /// The visit chosen in the review (still to reconcile, or to correct).
    #[must_use]
    pub fn review_visit(&self) -> Option<crate::store::VisitRow> {
        self.review
            .as_ref()
            .and_then(|r| r.visits().nth(self.review_sel))
            .cloned()
    }

    /// A key in one of the log's dialogs: only the save key saves.
    pub fn update_dialog(&mut self, d: &mut LogDialog, action: Action, cx: &mut Ctx) -> Effects {
        match d.form.navigate(action) {
            Nav::Save => self.save_dialog(d, cx),
            Nav::Back => vec![Effect::Close],
            Nav::Other(Action::Quit) => vec![Effect::Quit],
            Nav::Moved | Nav::Cycled(_) | Nav::Other(_) => Effects::new(),
        }
    }

    fn save_dialog(&mut self, d: &mut LogDialog, cx: &mut Ctx) -> Effects {
        let lang = cx.lang;
        let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
            return Effects::new();
        };
        // Adding a person has no text field.
        let text = if d.form.has(F_TEXT) {
            d.form.get(F_TEXT)
        } else {
            String::new()
        };
        let now = cx.now();
        let store = &mut *cx.store;
        let required = lang.pick("必填", "required").to_string();
        let result: Result<String, StoreError> = match d.action.clone() {
            LogAction::Entry => {
                if text.trim().is_empty() {
                    d.form.set_error(F_TEXT, Some(required));
                    d.form.focus_id(F_TEXT);
                    return Effects::new();
                }
                let kind = d
                    .form
                    .choice::<EntryKind>(F_KIND)
                    .unwrap_or(EntryKind::Note);
                store
                    .write_entry(&station.id, &officer.id, kind, &text, now)
                    .map(|_| format!("{}{}", lang.pick("已记入:", "Logged: "), kind.label(lang)))
            }
            LogAction::Disposition(visit_id) => {
                let disposition = d
                    .form
                    .choice::<Disposition>(F_DISPOSITION)
                    .unwrap_or(Disposition::OnSpot);
                if disposition == Disposition::NoAction && text.trim().is_empty() {
                    d.form.set_error(
                        F_TEXT,
                        Some(lang.pick("须写一句原因", "give a word why").into()),
                    );
                    d.form.focus_id(F_TEXT);
                    return Effects::new();
                }
                store
                    .set_disposition(&visit_id, disposition, &text, &officer.id, now)
                    .map(|_| {
                        format!(
                            "{}{}",
                            lang.pick("已记录处置:", "Disposition: "),
                            disposition.label(lang)
                        )
                    })
            }
            LogAction::SignOff => match self.shift.clone() {
                None => Ok(String::new()),
                Some(shift) => store
                    .sign_off(&shift.id, &officer.id, &text, now)
                    .map(|hash| match lang {
                        Lang::Zh => format!("已签结交班,本班记录已封存(封存码 {})", &hash[..12]),
                        Lang::En => {
                            format!("Signed off; the shift is sealed (seal {})", &hash[..12])
                        }
                    }),
            },
            LogAction::Addendum(shift_id) => {
                if text.trim().is_empty() {
                    d.form.set_error(F_TEXT, Some(required));
                    return Effects::new();
                }
                store
                    .add_addendum(&station.id, &shift_id, &officer.id, &text, now)
                    .map(|_| lang.pick("补记已写入", "Addendum written").to_string())
            }
            LogAction::Correct => {
                if text.trim().is_empty() {
                    d.form.set_error(F_TEXT, Some(required));
                    d.form.focus_id(F_TEXT);
                    return Effects::new();
                }
                // The correction itself is the intake's: the reason goes back to it.
                return vec![Effect::Correct(text)];
            }
            LogAction::AddMember => {
                let name = d.form.get(F_NAME).trim().to_string();
                if name.is_empty() {
                    d.form.set_error(F_NAME, Some(required));
                    d.form.focus_id(F_NAME);
                    return Effects::new();
                }
                let role = d.form.choice::<Role>(F_ROLE).unwrap_or(Role::Volunteer);
                let affiliation = d.form.get(F_AFFILIATION);
                store
                    .officer_or_add(station, &name, role, affiliation.trim(), now)
                    .and_then(|o| store.open_shift(&station.id, &o.id, now))
                    .map(|_| format!("{}{name}", lang.pick("已加入本班:", "Now on the shift: ")))
            }
        };
        match result {
            Ok(msg) => {
                if d.action == LogAction::SignOff {
                    self.view = LogView::Shift;
                }
                // Closing the dialog reloads the log (the app does, for every dialog).
                let mut fx = vec![Effect::Close];
                if !msg.is_empty() {
                    fx.push(Effect::Info(msg));
                }
                fx
            }
            Err(e) => vec![Effect::Error(e.message(lang))],
        }
    }
}

/// Earlier shifts are read-only.
fn read_only(lang: Lang) -> Effect {
    Effect::Error(
        lang.pick(
            "这是往班记录,只读;更正已签结的班次请写补记",
            "Earlier shifts are read-only; correct a signed-off shift with an addendum",
        )
        .into(),
    )
}

/// A log dialog; with nobody on duty, the officer is asked for first.
fn open_dialog(action: LogAction, subject: String, cx: &Ctx) -> Effects {
    if cx.officer.is_none() {
        return vec![Effect::AskOfficer];
    }
    vec![Effect::Open(Modal::LogDialog(Box::new(LogDialog::new(
        action, subject, cx.lang,
    ))))]
}

/// This month's ledger (台账) as XLSX in the exports folder, masked; said where.
fn export_month_ledger(cx: &mut Ctx) -> Effect {
    let (dir, today, now, lang) = (cx.exports_dir(), cx.today(), cx.now(), cx.lang);
    match crate::export::ledger::month_to_folder(&mut *cx.store, &dir, today, lang, now) {
        Ok((path, n)) => Effect::Info(match lang {
            Lang::Zh => format!("本月台账已导出({n}条,号码已打码):{}", path.display()),
            Lang::En => format!(
                "This month's ledger written ({n} visits, numbers masked): {}",
                path.display()
            ),
        }),
        Err(e) => Effect::Error(format!(
            "{}{e:#}",
            lang.pick("台账未导出:", "Ledger not written: ")
        )),
    }
}

/// Today's report as XLSX in the exports folder (masked), one key from the review.
fn export_today(cx: &mut Ctx) -> Effect {
    let (dir, today, now, lang) = (cx.exports_dir(), cx.today(), cx.now(), cx.lang);
    let stem = match lang {
        Lang::Zh => format!("服务记录汇总-{today}"),
        Lang::En => format!("service-records-{today}"),
    };
    // An earlier export of the day is kept: the new one takes the next free name.
    let written = std::fs::create_dir_all(&dir)
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            let path = crate::outfile::free_name(&dir, &stem, "xlsx");
            let export = crate::report::period::Export {
                from: today,
                to: today,
                format: crate::report::ReportFormat::Xlsx,
                output: Some(&path),
                force: false,
                unmasked: false,
                lang,
            };
            crate::report::period::export(&mut *cx.store, &export, now).map(|_| path)
        });
    match written {
        Ok(path) => Effect::Info(format!(
            "{}{}",
            lang.pick("报表已导出:", "Report written: "),
            path.display()
        )),
        Err(e) => Effect::Error(format!(
            "{}{e:#}",
            lang.pick("报表未导出:", "Report not written: ")
        )),
    }
}

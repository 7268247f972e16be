//! The daily log's behaviour: the timeline, browsing earlier days, the end-of-shift
//! review with its reconciliation and sign-off, handover, addenda and the report key.

use chrono::Duration;
use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{App, Modal, day_start};
use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::domain::shift::{Disposition, EntryKind};
use crate::i18n::Lang;
use crate::panes::Pane;
use crate::panes::log::{
    F_AFFILIATION, F_DISPOSITION, F_KIND, F_NAME, F_ROLE, F_TEXT, LogAction, LogDialog, LogView,
    ReviewData,
};
use crate::store::{StoreError, VisitScope};
use crate::ui::form::Nav;

/// Days in the review's sparkline.
pub const SPARK_DAYS: i64 = 30;

impl App {
    pub(super) fn enter_log(&mut self) {
        self.pane = Pane::Log;
        if self.log.view == LogView::Review {
            self.log.view = LogView::Shift;
        }
        self.reload_log_or_say();
    }

    pub(super) fn reload_log_or_say(&mut self) {
        if let Err(e) = self.reload_log() {
            self.error(e.message(self.lang));
        }
    }

    /// Reads what the log pane shows for its view.
    pub fn reload_log(&mut self) -> Result<(), StoreError> {
        let Some(station) = self.station.clone() else {
            return Ok(());
        };
        let today = self.today();
        let pane = &mut self.log;
        pane.shift = self.store.current_shift(&station.id)?;
        pane.handover = self.store.pending_handover(&station.id)?;
        let open_shift = pane.shift.as_ref().map(|s| s.id.clone());
        // The shift browsed, as it is now (it may have been signed off meanwhile).
        if pane.view == LogView::Past {
            pane.past = match pane.past.take() {
                Some(p) => self.store.shift(&p.id)?,
                None => None,
            };
            if pane.past.is_none() {
                pane.view = LogView::Shift;
            }
        }
        pane.carried = match (&pane.view, &pane.handover) {
            (LogView::Past, _) => Vec::new(),
            // A pending handover has already read the open to-dos.
            (_, Some(h)) => h.todos.clone(),
            (_, None) => self.store.open_todos()?,
        };
        pane.carried.retain(|t| t.shift_id != open_shift);
        let from = day_start(today, self.zone);
        let to = from + Duration::days(1);
        let now = self.clock.now();
        pane.entries = match (&pane.view, &pane.past, &open_shift) {
            (LogView::Past, Some(p), _) => self.store.past_shift_entries(p, now)?,
            (_, _, None) => self.store.entries_between(from, to)?,
            (_, _, Some(id)) => self.store.shift_entries(id)?,
        };
        pane.day_shifts = match (&pane.view, &pane.past) {
            (LogView::Past, Some(p)) => vec![p.clone()],
            _ => self.store.shifts_between(from, to)?,
        };
        let n = pane.visible().len();
        pane.sel = pane.sel.min(n.saturating_sub(1));
        if pane.view == LogView::Review {
            self.load_review()?;
        }
        Ok(())
    }

    fn load_review(&mut self) -> Result<(), StoreError> {
        let Some(shift) = self.log.shift.clone() else {
            self.log.view = LogView::Shift;
            self.log.review = None;
            return Ok(());
        };
        let now = self.clock.now();
        let today = self.today();
        let totals = self.store.totals(
            VisitScope::Shift(&shift.id),
            shift.opened_at,
            now,
            today,
            false,
        )?;
        let review = ReviewData {
            totals,
            visits_30d: self
                .store
                .visits_per_day(today - Duration::days(SPARK_DAYS - 1), today)?,
            unreconciled: self.store.unreconciled(&shift.id)?,
            reconciled: self.store.reconciled(&shift.id)?,
        };
        self.log.review_sel = self
            .log
            .review_sel
            .min(review.visit_count().saturating_sub(1));
        self.log.review = Some(review);
        Ok(())
    }

    /// The search line over the timeline takes typing while it is open.
    pub(super) fn log_search_key(&mut self, key: &KeyEvent) -> bool {
        let pane = &mut self.log;
        match super::search_line_key(&mut pane.search, &mut pane.search_typing, key) {
            Some(changed) => {
                if changed {
                    pane.sel = 0;
                }
                true
            }
            None => false,
        }
    }

    pub(super) fn update_log(&mut self, action: Action) {
        if self.log.view == LogView::Review {
            self.update_review(action);
            return;
        }
        let lang = self.lang;
        let n = self.log.visible().len();
        let step = |sel: usize, d: isize| {
            (sel as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize
        };
        match action {
            Action::Up => self.log.sel = step(self.log.sel, -1),
            Action::Down => self.log.sel = step(self.log.sel, 1),
            Action::PageUp => self.log.sel = step(self.log.sel, -10),
            Action::PageDown => self.log.sel = step(self.log.sel, 10),
            Action::Search => {
                self.log.search_typing = true;
                self.log.search.get_or_insert_with(Input::default);
            }
            Action::Back if self.log.search.is_some() || self.log.kind_filter.is_some() => {
                self.log.search = None;
                self.log.kind_filter = None;
            }
            Action::Back if self.log.read_only() => self.show_current(),
            Action::FilterKind => self.log.cycle_kind(),
            Action::PrevDay => self.step_shift(false),
            Action::NextDay => self.step_shift(true),
            Action::Open => self.open_log_entry(),
            Action::WriteEntry if self.log.read_only() => self.say_read_only(),
            Action::WriteEntry => self.open_log_dialog(LogAction::Entry, String::new()),
            Action::AddMember => self.open_log_dialog(LogAction::AddMember, String::new()),
            Action::Review => {
                if self.log.shift.is_none() {
                    self.error(
                        lang.pick(
                            "现在没有开着的班次:登记来访或写一条记录即开班",
                            "No shift is open: an intake or an entry opens one",
                        )
                        .into(),
                    );
                    return;
                }
                self.log.view = LogView::Review;
                self.reload_log_or_say();
            }
            Action::Acknowledge => self.acknowledge(),
            Action::TodoDone => self.todo_done(),
            Action::Addendum => self.start_addendum(),
            Action::ExportLedger => self.export_month_ledger(),
            _ => {}
        }
    }

    fn say_read_only(&mut self) {
        self.error(
            self.lang
                .pick(
                    "这是往班记录,只读;更正已签结的班次请写补记",
                    "Earlier shifts are read-only; correct a signed-off shift with an addendum",
                )
                .into(),
        );
    }

    /// Back to the open shift's timeline.
    fn show_current(&mut self) {
        self.log.view = LogView::Shift;
        self.log.past = None;
        self.log.sel = 0;
        self.reload_log_or_say();
    }

    /// `[` and `]`: the shift before or after the one shown, read-only; past the last
    /// one, the open shift again. An earlier shift of the same day is one step away.
    fn step_shift(&mut self, later: bool) {
        let Some(station) = self.station.clone() else {
            return;
        };
        let now = self.clock.now();
        let (at, id) = match (&self.log.view, &self.log.past, &self.log.shift) {
            (LogView::Past, Some(p), _) => (p.opened_at, p.id.clone()),
            (_, _, Some(s)) if !later => (s.opened_at, s.id.clone()),
            _ if later => return self.show_current(),
            _ => (now, String::new()),
        };
        let found = if later {
            self.store.shift_after(&station.id, at, &id)
        } else {
            self.store.shift_before(&station.id, at, &id)
        };
        let open = self.log.shift.as_ref().map(|s| s.id.clone());
        match found {
            Ok(Some(s)) if Some(&s.id) != open.as_ref() => {
                self.log.view = LogView::Past;
                self.log.past = Some(s);
                self.log.sel = 0;
                self.reload_log_or_say();
            }
            Ok(_) if later => self.show_current(),
            Ok(_) => self.info(
                self.lang
                    .pick("没有更早的班次了", "No earlier shift")
                    .into(),
            ),
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    fn open_log_dialog(&mut self, action: LogAction, subject: String) {
        if self.officer.is_none() {
            self.modal = Some(self.setup_modal());
            return;
        }
        self.modal = Some(Modal::LogDialog(Box::new(LogDialog::new(
            action, subject, self.lang,
        ))));
    }

    fn open_log_entry(&mut self) {
        let Some(about) = self.log.selected().and_then(|e| e.about.clone()) else {
            return;
        };
        match self.store.visit_detail(&about) {
            Ok(Some(detail)) => {
                self.modal = Some(Modal::visit(detail));
                return;
            }
            Ok(None) => {}
            Err(e) => return self.error(e.message(self.lang)),
        }
        if let Ok(detail) = self.store.referral_detail(&about) {
            self.modal = Some(Modal::Referral {
                detail: Box::new(detail),
                scroll: 0,
            });
        }
    }

    fn acknowledge(&mut self) {
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return;
        };
        let Some(h) = self.log.handover.clone() else {
            self.info(
                self.lang
                    .pick("没有待确认的交班", "No handover waiting")
                    .into(),
            );
            return;
        };
        let now = self.clock.now();
        match self
            .store
            .acknowledge_handover(&station.id, &h.shift.id, &officer.id, now)
        {
            Ok(()) => {
                self.info(
                    self.lang
                        .pick("已确认接班,记入日志", "Handover acknowledged and logged")
                        .into(),
                );
                self.reload_log_or_say();
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    fn todo_done(&mut self) {
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return;
        };
        let Some(todo) = self
            .log
            .selected()
            .filter(|e| e.kind == EntryKind::Todo)
            .cloned()
        else {
            self.error(
                self.lang
                    .pick("请先选中一条待办", "Choose a to-do first")
                    .into(),
            );
            return;
        };
        let now = self.clock.now();
        match self
            .store
            .mark_todo_done(&station.id, &todo.id, &officer.id, now)
        {
            Ok(()) => {
                self.info(format!(
                    "{}{}",
                    self.lang.pick("待办已办:", "Done: "),
                    todo.text
                ));
                self.reload_log_or_say();
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    /// An addendum goes to the sealed shift of the chosen entry, or else the last
    /// signed-off shift of the day shown.
    fn start_addendum(&mut self) {
        let lang = self.lang;
        let chosen = self.log.selected().and_then(|e| e.shift_id.clone());
        let sealed = self
            .log
            .day_shifts
            .iter()
            .rev()
            .filter(|s| s.is_sealed())
            .find(|s| chosen.is_none() || chosen.as_deref() == Some(s.id.as_str()))
            .or_else(|| self.log.day_shifts.iter().rev().find(|s| s.is_sealed()))
            .or(self.log.handover.as_ref().map(|h| &h.shift))
            .cloned();
        let Some(shift) = sealed else {
            self.error(
                lang.pick(
                    "这个班次还没有签结;未签结的班次直接写记录即可",
                    "This shift is not signed off; an open shift takes plain entries",
                )
                .into(),
            );
            return;
        };
        let opened = shift.opened_at.with_timezone(&self.zone);
        let subject = match lang {
            Lang::Zh => format!(
                "{} 开班 · {} 签结",
                opened.format("%m-%d %H:%M"),
                shift.signed_by.unwrap_or_default()
            ),
            Lang::En => format!(
                "opened {} · signed by {}",
                opened.format("%m-%d %H:%M"),
                shift.signed_by.unwrap_or_default()
            ),
        };
        self.open_log_dialog(LogAction::Addendum(shift.id), subject);
    }

    fn update_review(&mut self, action: Action) {
        let lang = self.lang;
        let n = self.log.review.as_ref().map_or(0, |r| r.unreconciled.len());
        let all = self.log.review.as_ref().map_or(0, ReviewData::visit_count);
        match action {
            Action::Up => self.log.review_sel = self.log.review_sel.saturating_sub(1),
            Action::Down => {
                self.log.review_sel = (self.log.review_sel + 1).min(all.saturating_sub(1))
            }
            Action::Back | Action::Review => {
                self.log.view = LogView::Shift;
                self.reload_log_or_say();
            }
            Action::SetDisposition => {
                let Some(v) = self.review_visit() else {
                    self.info(
                        lang.pick("本班还没有来访", "No visits in this shift")
                            .into(),
                    );
                    return;
                };
                let subject = format!(
                    "{} {} · {} · {}",
                    v.visited_at.with_timezone(&self.zone).format("%H:%M"),
                    v.visitor_name,
                    v.category.label(lang),
                    crate::ui::text::truncate(&v.summary, 30)
                );
                self.open_log_dialog(LogAction::Disposition(v.id.clone()), subject);
                // Correcting one: the dialog starts from what was recorded.
                if let (Some(done), Some(Modal::LogDialog(d))) = (v.disposition, &mut self.modal) {
                    d.form.set(crate::panes::log::F_DISPOSITION, done.code());
                    d.form.set(crate::panes::log::F_TEXT, &v.disposition_note);
                }
            }
            Action::SignOff => {
                if n > 0 {
                    let msg = match lang {
                        Lang::Zh => format!(
                            "还有{n}条来访没有处置结果,不能签结:请逐条填写({} 处置 / {} 转介)",
                            self.keymap
                                .hint(crate::keymap::Context::Log, Action::SetDisposition),
                            self.keymap
                                .hint(crate::keymap::Context::Global, Action::Route)
                        ),
                        Lang::En => format!(
                            "{n} visit(s) still need a disposition before sign-off ({} disposition / {} route)",
                            self.keymap
                                .hint(crate::keymap::Context::Log, Action::SetDisposition),
                            self.keymap
                                .hint(crate::keymap::Context::Global, Action::Route)
                        ),
                    };
                    self.error(msg);
                    return;
                }
                self.open_log_dialog(LogAction::SignOff, String::new());
            }
            Action::ExportReport => self.export_today(),
            Action::ExportLedger => self.export_month_ledger(),
            _ => {}
        }
    }

    /// The visit chosen in the review (still to reconcile, or to correct).
    pub(super) fn review_visit(&self) -> Option<crate::store::VisitRow> {
        self.log
            .review
            .as_ref()
            .and_then(|r| r.visits().nth(self.log.review_sel))
            .cloned()
    }

    /// Where the desk's exports go (`Config::exports_dir`).
    pub(super) fn reports_dir(&self) -> std::path::PathBuf {
        self.config
            .exports_dir(self.store.path(), self.documents.as_deref())
    }

    /// This month's ledger (台账) as XLSX in the exports folder, masked; the status line
    /// says where.
    fn export_month_ledger(&mut self) {
        let (dir, today, now) = (self.reports_dir(), self.today(), self.clock.now());
        let lang = self.lang;
        match crate::export::ledger::month_to_folder(&mut self.store, &dir, today, lang, now) {
            Ok((path, n)) => self.info(match lang {
                Lang::Zh => format!("本月台账已导出({n}条,号码已打码):{}", path.display()),
                Lang::En => format!(
                    "This month's ledger written ({n} visits, numbers masked): {}",
                    path.display()
                ),
            }),
            Err(e) => self.error(format!(
                "{}{e:#}",
                lang.pick("台账未导出:", "Ledger not written: ")
            )),
        }
    }

    /// Today's report as XLSX beside the database (masked), one key from the review.
    fn export_today(&mut self) {
        let today = self.today();
        let dir = self.reports_dir();
        let stem = match self.lang {
            Lang::Zh => format!("服务记录汇总-{today}"),
            Lang::En => format!("service-records-{today}"),
        };
        let now = self.clock.now();
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
                    lang: self.lang,
                };
                crate::report::period::export(&mut self.store, &export, now).map(|_| path)
            });
        match written {
            Ok(path) => self.info(format!(
                "{}{}",
                self.lang.pick("报表已导出:", "Report written: "),
                path.display()
            )),
            Err(e) => self.error(format!(
                "{}{e:#}",
                self.lang.pick("报表未导出:", "Report not written: ")
            )),
        }
    }

    pub(super) fn update_log_dialog(&mut self, action: Action) {
        let Some(Modal::LogDialog(d)) = &mut self.modal else {
            return;
        };
        match d.form.navigate(action) {
            Nav::Save => self.save_log_dialog(),
            Nav::Back => self.modal = None,
            Nav::Other(Action::Quit) => self.request_quit(),
            Nav::Moved | Nav::Cycled(_) | Nav::Other(_) => {}
        }
    }

    fn save_log_dialog(&mut self) {
        let lang = self.lang;
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return;
        };
        let Some(Modal::LogDialog(d)) = &mut self.modal else {
            return;
        };
        let text = d.form.get(F_TEXT);
        let now = self.clock.now();
        let required = lang.pick("必填", "required").to_string();
        let result: Result<String, StoreError> = match d.action.clone() {
            LogAction::Entry => {
                if text.trim().is_empty() {
                    d.form.set_error(F_TEXT, Some(required));
                    d.form.focus_id(F_TEXT);
                    return;
                }
                let kind = d
                    .form
                    .choice::<EntryKind>(F_KIND)
                    .unwrap_or(EntryKind::Note);
                self.store
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
                    return;
                }
                self.store
                    .set_disposition(&visit_id, disposition, &text, &officer.id, now)
                    .map(|_| {
                        format!(
                            "{}{}",
                            lang.pick("已记录处置:", "Disposition: "),
                            disposition.label(lang)
                        )
                    })
            }
            LogAction::SignOff => match self.log.shift.clone() {
                None => Ok(String::new()),
                Some(shift) => {
                    self.store
                        .sign_off(&shift.id, &officer.id, &text, now)
                        .map(|hash| match lang {
                            Lang::Zh => {
                                format!("已签结交班,本班记录已封存(封存码 {})", &hash[..12])
                            }
                            Lang::En => {
                                format!("Signed off; the shift is sealed (seal {})", &hash[..12])
                            }
                        })
                }
            },
            LogAction::Addendum(shift_id) => {
                if text.trim().is_empty() {
                    d.form.set_error(F_TEXT, Some(required));
                    return;
                }
                self.store
                    .add_addendum(&station.id, &shift_id, &officer.id, &text, now)
                    .map(|_| lang.pick("补记已写入", "Addendum written").to_string())
            }
            LogAction::Correct => {
                if text.trim().is_empty() {
                    d.form.set_error(F_TEXT, Some(required));
                    d.form.focus_id(F_TEXT);
                    return;
                }
                self.save_correction(&text)
            }
            LogAction::AddMember => {
                let name = d.form.get(F_NAME).trim().to_string();
                if name.is_empty() {
                    d.form.set_error(F_NAME, Some(required));
                    d.form.focus_id(F_NAME);
                    return;
                }
                let role = d.form.choice::<Role>(F_ROLE).unwrap_or(Role::Volunteer);
                let affiliation = d.form.get(F_AFFILIATION);
                self.store
                    .officer_or_add(&station, &name, role, affiliation.trim(), now)
                    .and_then(|o| self.store.open_shift(&station.id, &o.id, now))
                    .map(|_| format!("{}{name}", lang.pick("已加入本班:", "Now on the shift: ")))
            }
        };
        match result {
            Ok(msg) => {
                let signed = matches!(
                    &self.modal,
                    Some(Modal::LogDialog(d)) if d.action == LogAction::SignOff
                );
                // Closing the dialog reloads the log (see `handle_key`).
                self.modal = None;
                if signed {
                    self.log.view = LogView::Shift;
                }
                if !msg.is_empty() {
                    self.info(msg);
                }
            }
            Err(e) => self.error(e.message(lang)),
        }
    }
}

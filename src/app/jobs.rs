//! The job lookup side of `App::update`: the index built off the UI thread, searching as
//! the officer types, and referring the current visitor to an opening.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use super::{App, Confirm, Modal};
use crate::action::Action;
use crate::domain::intake::Field;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Urgency};
use crate::domain::referral::{Closing, DeadlineRule, Move, Outcome, ReferralStatus};
use crate::i18n::Lang;
use crate::panes::Pane;
use crate::panes::intake::Focus;
use crate::panes::jobs::*;
use crate::search::JobIndex;
use crate::store::{NewReferral, StoreError};

/// The index being built on its own thread.
pub type IndexBuild = Receiver<Result<JobIndex, String>>;

impl App {
    /// Starts building the job index on its own thread from the database file, so the desk
    /// answers keys while a million openings load. `poll_job_index` picks it up.
    pub fn start_job_index(&mut self) {
        let path = self.store.path().to_path_buf();
        let today = self.today();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let built = JobIndex::build_from_file(&path, today).map_err(|e| e.to_string());
            let _ = tx.send(built);
        });
        self.job_index_rx = Some(rx);
    }

    /// Builds the index here and now (tests, benchmarks, the headless search).
    pub fn build_job_index_now(&mut self) -> Result<(), StoreError> {
        let idx = JobIndex::build(&self.store, self.today())?;
        self.jobs.index = Some(Arc::new(idx));
        self.run_job_search();
        Ok(())
    }

    /// Takes the index if its thread has finished.
    pub fn poll_job_index(&mut self) {
        let Some(rx) = &self.job_index_rx else {
            return;
        };
        match rx.try_recv() {
            Ok(Ok(idx)) => {
                tracing::info!(openings = idx.len(), "job index ready");
                // Built again after an import: the opening the officer is on stays chosen.
                let was_on = self.jobs.selected_rowid();
                let rebuilt = self.jobs.index.is_some();
                self.jobs.index = Some(Arc::new(idx));
                self.job_index_rx = None;
                self.run_job_search();
                self.keep_opening(was_on);
                if rebuilt && self.pane == Pane::Jobs && self.status.is_none() {
                    let n = self.jobs.index.as_ref().map_or(0, |i| i.len());
                    let msg = match self.lang {
                        Lang::Zh => format!("岗位信息已更新,共{n}个"),
                        Lang::En => format!("Openings updated: {n} in all"),
                    };
                    self.info(msg);
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "job index not built");
                self.job_index_rx = None;
                self.error(e);
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.job_index_rx = None,
        }
    }

    /// After a new search, the opening with `rowid` chosen again if it is still listed.
    fn keep_opening(&mut self, rowid: Option<i64>) {
        let (Some(rowid), Some(idx)) = (rowid, self.jobs.index.clone()) else {
            return;
        };
        if let Some(i) = self
            .jobs
            .hits
            .iter()
            .position(|h| idx.rowid_of(h.line) == rowid)
            && i != self.jobs.sel
        {
            self.jobs.sel = i;
            self.load_job_detail();
        }
    }

    /// Entering F4: F4 belongs to the visitor in hand. A different visitor from the one it
    /// last served starts clean — no search, no filters — and a job seeker's openings come
    /// ranked by their own wish.
    pub(super) fn enter_jobs(&mut self) {
        self.pane = Pane::Jobs;
        let in_hand = self.visitor_in_hand();
        if in_hand != self.jobs.for_visit {
            self.jobs.new_visitor(self.lang);
            let job_seeking = in_hand.as_ref().is_some_and(|v| v.job_seeking);
            self.jobs.for_visit = in_hand;
            if job_seeking {
                self.match_visitor();
            }
        }
        self.poll_job_index();
        self.run_job_search();
    }

    /// Whose work F4 is finding: the visit chosen in today's list; in the form, the visit
    /// being corrected, or a visitor being typed (no visit yet: their wish is read from
    /// the form); else the visit saved last.
    fn visitor_in_hand(&self) -> Option<ForVisit> {
        let saved = |id: &str| -> Option<ForVisit> {
            let d = self.store.visit_detail(id).ok()??;
            Some(ForVisit {
                visit_id: Some(id.to_string()),
                name: d.visitor.name.clone(),
                job_seeking: d.visit.category == Category::JobSeeking,
                summary: d.visit.summary.clone(),
            })
        };
        let intake = &self.intake;
        let chosen = match intake.focus {
            Focus::List => intake
                .visible_today(self.lang)
                .get(intake.list_sel)
                .map(|v| v.id.clone()),
            Focus::Form => match &intake.correcting {
                Some((id, _)) => Some(id.clone()),
                None if intake.is_dirty() => {
                    let form = &intake.form;
                    return Some(ForVisit {
                        visit_id: None,
                        name: form.get(Field::Name.code()).trim().to_string(),
                        job_seeking: form.get(Field::Category.code())
                            == Category::JobSeeking.code(),
                        summary: form.get(Field::Summary.code()),
                    });
                }
                None => None,
            },
        };
        chosen
            .or_else(|| self.last_saved_visit.clone())
            .and_then(|id| saved(&id))
    }

    /// The district pick-list: the districts the openings name, most openings first,
    /// those starting with what the district field holds; typing narrows it.
    fn open_district_pick(&mut self) {
        let Some(idx) = self.jobs.index.clone() else {
            return;
        };
        let include_closed = self.jobs.form.get(J_OPEN) == "all";
        let all = idx.districts_starting("", include_closed);
        if all.is_empty() {
            self.info(
                self.lang
                    .pick("岗位中没有写明区域", "No opening names a district")
                    .into(),
            );
            return;
        }
        self.jobs.form.focus_id(J_DISTRICT);
        let field = self.jobs.form.get(J_DISTRICT);
        let typed = field.trim().to_string();
        // On the district already chosen, among them all; else narrowed by what is typed.
        let pick = if let Some(i) = all.iter().position(|(d, _)| *d == typed) {
            DistrictPick {
                all,
                typed: String::new(),
                sel: i + 1,
                field,
            }
        } else {
            let mut pick = DistrictPick {
                all,
                ..DistrictPick::default()
            };
            if !typed.is_empty() {
                pick.narrow(&typed);
            }
            pick
        };
        self.jobs.district_pick = Some(pick);
    }

    /// A key while the district pick-list is open: `true` when the list took it.
    fn update_district_pick(&mut self, action: Action) -> bool {
        let Some(pick) = &mut self.jobs.district_pick else {
            return false;
        };
        let rows = pick.rows();
        let step: isize = match action {
            Action::Up | Action::PrevMatch => -1,
            Action::Down | Action::NextMatch => 1,
            Action::PageUp => -10,
            Action::PageDown => 10,
            Action::Open | Action::PickDistrict => {
                let chosen = pick.chosen().unwrap_or_default();
                self.jobs.district_pick = None;
                self.jobs.form.set(J_DISTRICT, &chosen);
                self.run_job_search();
                return true;
            }
            Action::Back => {
                self.jobs.district_pick = None;
                return true;
            }
            _ => {
                self.jobs.district_pick = None;
                return false;
            }
        };
        let sel = pick.sel.min(rows - 1);
        pick.sel = if step < 0 {
            sel.saturating_sub(step.unsigned_abs())
        } else {
            (sel + step.unsigned_abs()).min(rows - 1)
        };
        true
    }

    /// Runs the search for what the form holds now.
    pub(super) fn run_job_search(&mut self) {
        // Typing in the district field narrows the pick-list.
        if let Some(pick) = &mut self.jobs.district_pick
            && pick.field != self.jobs.form.get(J_DISTRICT)
        {
            pick.narrow(&self.jobs.form.get(J_DISTRICT));
        }
        let Some(idx) = self.jobs.index.clone() else {
            return;
        };
        let filter = match self.jobs.filter(self.lang) {
            Ok(f) => {
                self.jobs.form.set_error(J_WAGE, None);
                f
            }
            Err(e) => {
                self.jobs.form.set_error(J_WAGE, Some(e));
                return;
            }
        };
        let t = Instant::now();
        self.jobs.hits = match self.jobs.ranking_wish() {
            Some(wish) => idx.rank_by_wish(wish, &filter, RESULTS),
            None => idx.search(&self.jobs.query(), &filter, RESULTS),
        };
        self.jobs.last_search_ms = t.elapsed().as_secs_f64() * 1e3;
        self.jobs.sel = 0;
        self.load_job_detail();
    }

    fn load_job_detail(&mut self) {
        self.jobs.detail = self
            .jobs
            .selected_rowid()
            .and_then(|id| self.store.job_by_rowid(id).ok().flatten());
    }

    /// "Matching openings": the open openings ranked by what the visitor asked for (the
    /// search line and the filters cleared, so nothing the wish does not say hides one);
    /// pressed again, the plain list comes back.
    pub(super) fn match_visitor(&mut self) {
        let Some(v) = self.jobs.for_visit.clone() else {
            self.error(self.lang.pick("没有选定来访人", "No visitor chosen").into());
            return;
        };
        if self.jobs.ranking_wish().is_some() {
            self.jobs.wish = None;
            self.run_job_search();
            self.info(
                self.lang
                    .pick("不再按意愿排序", "No longer ranked by the wish")
                    .into(),
            );
            return;
        }
        let wish = Wish::from_text(&v.summary);
        self.jobs.form = new_form(self.lang);
        self.jobs.wish = Some(wish.clone());
        self.run_job_search();
        let words = self.wish_words(&wish);
        // Said from the wish itself: words naming work no opening has are still a wish.
        let msg = match (self.lang, wish.is_empty()) {
            (Lang::Zh, false) => format!("按{}的意愿排序:{}", v.name, words.join(" · ")),
            (Lang::En, false) => format!("Ranked by {}'s wish: {}", v.name, words.join(" · ")),
            (Lang::Zh, true) => format!("{}的登记里没有说想找什么工作,按发布时间列出", v.name),
            (Lang::En, true) => format!(
                "{}'s record says nothing of the work wanted; newest first",
                v.name
            ),
        };
        self.info(msg);
    }

    /// The parts of a wish the ranking uses, as the officer reads them back.
    fn wish_words(&self, wish: &Wish) -> Vec<String> {
        let lang = self.lang;
        let mut words = Vec::new();
        if let Some(idx) = &self.jobs.index {
            // The kind of work as the best opening's title has it (车工 of 数控车工).
            if let Some(h) = self.jobs.hits.first() {
                let title: Vec<char> = idx.fields_of(h.line)[0].chars().collect();
                let kind: String = idx
                    .wish_marks(h.line, wish)
                    .iter()
                    .filter_map(|&i| title.get(i))
                    .collect();
                if !kind.is_empty() {
                    words.push(kind);
                }
            }
            if let Some(d) = idx.district_in(&wish.words) {
                words.push(d.to_string());
            }
        }
        if wish.meals {
            words.push(lang.pick("包吃", "meals").to_string());
        }
        if wish.housing {
            words.push(lang.pick("包住", "housing").to_string());
        }
        if let Some(t) = wish.employment_type {
            words.push(t.label(lang).to_string());
        }
        if let Some(w) = wish.min_wage_month {
            words.push(format!("≥¥{w}"));
        }
        words
    }

    pub(super) fn update_jobs(&mut self, action: Action) {
        if self.update_district_pick(action) {
            return;
        }
        let n = self.jobs.hits.len();
        let form = &mut self.jobs.form;
        match action {
            Action::NextField | Action::PrevField => {
                form.navigate(action);
            }
            Action::NextChoice | Action::PrevChoice
                if form.navigate(action) == crate::ui::form::Nav::Cycled(true) =>
            {
                self.run_job_search();
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::NextMatch
            | Action::PrevMatch => {
                let step: isize = match action {
                    Action::Up | Action::PrevMatch => -1,
                    Action::Down | Action::NextMatch => 1,
                    Action::PageUp => -10,
                    _ => 10,
                };
                self.jobs.sel =
                    (self.jobs.sel as isize + step).clamp(0, n.saturating_sub(1) as isize) as usize;
                self.load_job_detail();
            }
            Action::Open => {
                if let Some(j) = self.jobs.detail.clone() {
                    self.modal = Some(Modal::Job {
                        job: Box::new(j),
                        scroll: 0,
                    });
                }
            }
            Action::ReferJob => self.ask_refer_job(),
            Action::MarkPlaced => self.mark_placed(),
            Action::MatchVisitor => self.match_visitor(),
            Action::PickDistrict => self.open_district_pick(),
            Action::Back => {
                self.jobs.form.set(J_QUERY, "");
                self.run_job_search();
            }
            _ => {}
        }
    }

    /// Refusing to refer a visitor whose intake is not saved yet: says so, `true`.
    fn not_saved_yet(&mut self) -> bool {
        let Some(v) = &self.jobs.for_visit else {
            return false;
        };
        if v.visit_id.is_some() {
            return false;
        }
        let key = self
            .keymap
            .hint(crate::keymap::Context::Global, Action::Save);
        let msg = match self.lang {
            Lang::Zh => format!(
                "{}的登记还没有保存:先在接待登记按 {key} 保存,再推荐",
                v.name
            ),
            Lang::En => format!(
                "{}'s intake is not saved yet: {key} in the intake first, then refer",
                v.name
            ),
        };
        self.error(msg);
        true
    }

    fn ask_refer_job(&mut self) {
        if self.not_saved_yet() {
            return;
        }
        if self.jobs.for_visit.is_none() {
            self.error(
                self.lang
                    .pick(
                        "没有选定来访人:先在接待登记保存来访,或在今日来访列表中选中一条,再按 F4",
                        "No visitor chosen: save an intake or choose a visit in today's list, then F4",
                    )
                    .into(),
            );
            return;
        }
        if self.jobs.detail.is_none() {
            return;
        }
        self.modal = Some(Modal::Confirm(Confirm::ReferJob));
    }

    /// Refers the current visitor to the selected opening (they agreed to share details).
    pub(super) fn refer_job(&mut self) {
        self.modal = None;
        let (Some(v), Some(job), Some(station), Some(officer)) = (
            self.jobs.for_visit.clone(),
            self.jobs.detail.clone(),
            self.station.clone(),
            self.officer.clone(),
        ) else {
            return;
        };
        let Some(visit_id) = v.visit_id.clone() else {
            return;
        };
        let now = self.clock.now();
        let result = (|| {
            let service_id = self.store.jobs_service(now)?;
            let due_on = self.config.deadlines.due(
                &self.config.calendar,
                self.today(),
                DeadlineRule::Jobs,
                Urgency::Normal,
            );
            let new = NewReferral {
                visit_id,
                service_id,
                consent: true,
                consent_override: String::new(),
                note: format!("{} · {} · {}", job.title, job.employer, job.wage_words()),
                urgency: Urgency::Normal,
                due_on,
                job_id: Some(job.id.clone()),
            };
            self.store
                .create_referral(&new, &station.id, &officer.id, now)
        })();
        match result {
            Ok(r) => {
                tracing::info!(referral = %r.id, "job referral created");
                self.refresh_queue();
                let msg = match self.lang {
                    Lang::Zh => format!("已为{}推荐:{} · {}", v.name, job.title, job.employer),
                    Lang::En => format!("Referred {} to {} at {}", v.name, job.title, job.employer),
                };
                self.info(msg);
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    /// The current visitor got the selected job: their referral to it is closed as resolved
    /// with the job recorded (accepted first if nobody had).
    fn mark_placed(&mut self) {
        if self.not_saved_yet() {
            return;
        }
        let (Some(v), Some(job), Some(officer)) = (
            self.jobs.for_visit.clone(),
            self.jobs.detail.clone(),
            self.officer.clone(),
        ) else {
            return;
        };
        let Some(visit_id) = v.visit_id.clone() else {
            return;
        };
        let found = self.store.referrals_of_visit(&visit_id).map(|rs| {
            rs.into_iter()
                .find(|r| r.job_id.as_deref() == Some(job.id.as_str()) && r.status.is_open())
        });
        let mut r = match found {
            Ok(Some(r)) => r,
            Ok(None) => {
                let key = self
                    .keymap
                    .hint(crate::keymap::Context::Jobs, Action::ReferJob);
                let msg = match self.lang {
                    Lang::Zh => format!("{}还没有推荐到这个岗位:先按 {key} 推荐", v.name),
                    Lang::En => format!(
                        "{} has not been referred to this opening: {key} first",
                        v.name
                    ),
                };
                self.error(msg);
                return;
            }
            Err(e) => {
                self.error(e.message(self.lang));
                return;
            }
        };
        let now = self.clock.now();
        let placed = format!("{} · {}", job.title, job.employer);
        let result = (|| {
            if r.status == ReferralStatus::Sent {
                r = self.store.move_referral(
                    &r.id,
                    r.version,
                    Move::Accept,
                    &officer.id,
                    "",
                    None,
                    now,
                )?;
            }
            let closing = Closing {
                outcome: Some(Outcome::Resolved),
                placed_job: placed.clone(),
                ..Closing::default()
            };
            self.store.move_referral(
                &r.id,
                r.version,
                Move::Close,
                &officer.id,
                "",
                Some(&closing),
                now,
            )
        })();
        match result {
            Ok(_) => {
                self.refresh_queue();
                let msg = match self.lang {
                    Lang::Zh => format!("已记录:{}在{}就业", v.name, placed),
                    Lang::En => format!("Recorded: {} placed as {}", v.name, placed),
                };
                self.info(msg);
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }
}

//! What F4 does: the index built off the UI thread, searching as the officer types, the
//! district pick-list, and referring the visitor in hand to an opening.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::Instant;

use chrono::NaiveDate;

use super::{DistrictPick, ForVisit, J_DISTRICT, J_OPEN, J_QUERY, J_WAGE, JobsPane, RESULTS, Wish};
use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Urgency};
use crate::domain::referral::{Closing, DeadlineRule, Move, Outcome, ReferralStatus};
use crate::i18n::Lang;
use crate::panes::{Confirm, Ctx, Effect, Effects, Modal};
use crate::search::JobIndex;
use crate::store::{NewReferral, Store, StoreError};

/// The index being built on its own thread.
pub type IndexBuild = Receiver<Result<JobIndex, String>>;

/// Whose visit F4 serves, as the intake pane sees it (`InHand::Typed`: a visitor still
/// being typed, with no visit yet).
#[derive(Debug, Clone)]
pub enum InHand {
    Visit(String),
    Typed(ForVisit),
    Nobody,
}

impl JobsPane {
    /// Starts building the job index on its own thread from the database file, so the desk
    /// answers keys while a million openings load. `poll_index` picks it up.
    pub fn start_index(&mut self, path: PathBuf, today: NaiveDate) {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let built = JobIndex::build_from_file(&path, today).map_err(|e| e.to_string());
            let _ = tx.send(built);
        });
        self.index_rx = Some(rx);
    }

    /// Builds the index here and now (tests, benchmarks, the headless search).
    pub fn build_index_now(
        &mut self,
        store: &Store,
        today: NaiveDate,
        lang: Lang,
    ) -> Result<(), StoreError> {
        let idx = JobIndex::build(store, today)?;
        self.index = Some(Arc::new(idx));
        self.search(store, lang);
        Ok(())
    }

    /// Takes the index if its thread has finished. `say`: the officer is looking at F4 with
    /// nothing else said, so a rebuilt index is announced.
    pub fn poll_index(&mut self, store: &Store, lang: Lang, say: bool) -> Effects {
        let Some(rx) = &self.index_rx else {
            return Effects::new();
        };
        match rx.try_recv() {
            Ok(Ok(idx)) => {
                tracing::info!(openings = idx.len(), "job index ready");
                // Built again after an import: the opening the officer is on stays chosen.
                let was_on = self.selected_rowid();
                let rebuilt = self.index.is_some();
                self.index = Some(Arc::new(idx));
                self.index_rx = None;
                self.search(store, lang);
                self.keep_opening(was_on, store);
                if rebuilt && say {
                    let n = self.index.as_ref().map_or(0, |i| i.len());
                    let msg = match lang {
                        Lang::Zh => format!("岗位信息已更新,共{n}个"),
                        Lang::En => format!("Openings updated: {n} in all"),
                    };
                    return vec![Effect::Info(msg)];
                }
                Effects::new()
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "job index not built");
                self.index_rx = None;
                vec![Effect::Error(e)]
            }
            Err(TryRecvError::Empty) => Effects::new(),
            Err(TryRecvError::Disconnected) => {
                self.index_rx = None;
                Effects::new()
            }
        }
    }

    /// After a new search, the opening with `rowid` chosen again if it is still listed.
    fn keep_opening(&mut self, rowid: Option<i64>, store: &Store) {
        let (Some(rowid), Some(idx)) = (rowid, self.index.clone()) else {
            return;
        };
        if let Some(i) = self.hits.iter().position(|h| idx.rowid_of(h.line) == rowid)
            && i != self.sel
        {
            self.sel = i;
            self.load_detail(store);
        }
    }

    /// Entering F4: F4 belongs to the visitor in hand. A different visitor from the one it
    /// last served starts clean — no search, no filters — and a job seeker's openings come
    /// ranked by their own wish.
    pub fn enter(&mut self, in_hand: InHand, cx: &mut Ctx) -> Effects {
        let in_hand = match in_hand {
            InHand::Visit(id) => saved_visit(cx.store, &id),
            InHand::Typed(v) => Some(v),
            InHand::Nobody => None,
        };
        let mut fx = Effects::new();
        if in_hand != self.for_visit {
            self.new_visitor(cx.lang);
            let job_seeking = in_hand.as_ref().is_some_and(|v| v.job_seeking);
            self.for_visit = in_hand;
            if job_seeking {
                fx = self.match_visitor(cx);
            }
        }
        // A rebuilt index is announced unless the wish's ranking was just said.
        let quiet = !fx.is_empty();
        fx.extend(self.poll_index(cx.store, cx.lang, !quiet));
        self.search(cx.store, cx.lang);
        fx
    }

    /// The district pick-list: the districts the openings name, most openings first,
    /// those starting with what the district field holds; typing narrows it.
    fn open_district_pick(&mut self, lang: Lang) -> Effects {
        let Some(idx) = self.index.clone() else {
            return Effects::new();
        };
        let include_closed = self.form.get(J_OPEN) == "all";
        let all = idx.districts_starting("", include_closed);
        if all.is_empty() {
            return vec![Effect::Info(
                lang.pick("岗位中没有写明区域", "No opening names a district")
                    .into(),
            )];
        }
        self.form.focus_id(J_DISTRICT);
        let field = self.form.get(J_DISTRICT);
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
        self.district_pick = Some(pick);
        Effects::new()
    }

    /// A key while the district pick-list is open: `true` when the list took it.
    fn update_district_pick(&mut self, action: Action, store: &Store, lang: Lang) -> bool {
        let Some(pick) = &mut self.district_pick else {
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
                self.district_pick = None;
                self.form.set(J_DISTRICT, &chosen);
                self.search(store, lang);
                return true;
            }
            Action::Back => {
                self.district_pick = None;
                return true;
            }
            _ => {
                self.district_pick = None;
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
    pub fn search(&mut self, store: &Store, lang: Lang) {
        // Typing in the district field narrows the pick-list.
        if let Some(pick) = &mut self.district_pick
            && pick.field != self.form.get(J_DISTRICT)
        {
            pick.narrow(&self.form.get(J_DISTRICT));
        }
        let Some(idx) = self.index.clone() else {
            return;
        };
        let filter = match self.filter(lang) {
            Ok(f) => {
                self.form.set_error(J_WAGE, None);
                f
            }
            Err(e) => {
                self.form.set_error(J_WAGE, Some(e));
                return;
            }
        };
        let t = Instant::now();
        self.hits = match self.ranking_wish() {
            Some(wish) => idx.rank_by_wish(wish, &filter, RESULTS),
            None => idx.search(&self.query(), &filter, RESULTS),
        };
        self.last_search_ms = t.elapsed().as_secs_f64() * 1e3;
        self.sel = 0;
        self.load_detail(store);
    }

    fn load_detail(&mut self, store: &Store) {
        self.detail = self
            .selected_rowid()
            .and_then(|id| store.job_by_rowid(id).ok().flatten());
    }

    /// "Matching openings": the open openings ranked by what the visitor asked for (the
    /// search line and the filters cleared, so nothing the wish does not say hides one);
    /// pressed again, the plain list comes back.
    fn match_visitor(&mut self, cx: &Ctx) -> Effects {
        let lang = cx.lang;
        let Some(v) = self.for_visit.clone() else {
            return vec![Effect::Error(
                lang.pick("没有选定来访人", "No visitor chosen").into(),
            )];
        };
        if self.ranking_wish().is_some() {
            self.wish = None;
            self.search(cx.store, lang);
            return vec![Effect::Info(
                lang.pick("不再按意愿排序", "No longer ranked by the wish")
                    .into(),
            )];
        }
        let wish = Wish::from_text(&v.summary);
        self.form = super::new_form(lang);
        self.wish = Some(wish.clone());
        self.search(cx.store, lang);
        let words = self.wish_words(&wish, lang);
        // Said from the wish itself: words naming work no opening has are still a wish.
        let msg = match (lang, wish.is_empty()) {
            (Lang::Zh, false) => format!("按{}的意愿排序:{}", v.name, words.join(" · ")),
            (Lang::En, false) => format!("Ranked by {}'s wish: {}", v.name, words.join(" · ")),
            (Lang::Zh, true) => format!("{}的登记里没有说想找什么工作,按发布时间列出", v.name),
            (Lang::En, true) => format!(
                "{}'s record says nothing of the work wanted; newest first",
                v.name
            ),
        };
        vec![Effect::Info(msg)]
    }

    /// The parts of a wish the ranking uses, as the officer reads them back.
    fn wish_words(&self, wish: &Wish, lang: Lang) -> Vec<String> {
        let mut words = Vec::new();
        if let Some(idx) = &self.index {
            // The kind of work as the best opening's title has it (车工 of 数控车工).
            if let Some(h) = self.hits.first() {
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

    /// The text typed or pasted into the search line or a filter changed: search again.
    pub fn edited(&mut self, store: &Store, lang: Lang) {
        self.search(store, lang);
    }

    /// One action on F4 (the pane's keys; the search line's typing came first).
    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Effects {
        let lang = cx.lang;
        if self.update_district_pick(action, cx.store, lang) {
            return Effects::new();
        }
        let n = self.hits.len();
        match action {
            Action::NextField | Action::PrevField => {
                self.form.navigate(action);
            }
            Action::NextChoice | Action::PrevChoice
                if self.form.navigate(action) == crate::widgets::form::Nav::Cycled(true) =>
            {
                self.search(cx.store, lang);
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::NextMatch
            | Action::PrevMatch => {
                self.sel = match action {
                    Action::Up | Action::PrevMatch => self.sel.saturating_sub(1),
                    Action::PageUp => self.sel.saturating_sub(10),
                    Action::Down | Action::NextMatch => self.sel + 1,
                    _ => self.sel + 10,
                }
                .min(n.saturating_sub(1));
                self.load_detail(cx.store);
            }
            Action::Open => {
                if let Some(j) = self.detail.clone() {
                    return vec![Effect::Open(Modal::Job {
                        job: Box::new(j),
                        scroll: 0,
                    })];
                }
            }
            Action::ReferJob => return self.ask_refer(cx),
            Action::MarkPlaced => return self.ask_placed(cx),
            Action::MatchVisitor => return self.match_visitor(cx),
            Action::PickDistrict => return self.open_district_pick(lang),
            Action::Back => {
                self.form.set(J_QUERY, "");
                self.search(cx.store, lang);
            }
            _ => {}
        }
        Effects::new()
    }

    /// Refusing to refer a visitor whose intake is not saved yet: what to say.
    fn not_saved_yet(&self, cx: &Ctx) -> Option<Effect> {
        let v = self.for_visit.as_ref()?;
        if v.visit_id.is_some() {
            return None;
        }
        let key = cx.keymap.hint(crate::keymap::Context::Global, Action::Save);
        let msg = match cx.lang {
            Lang::Zh => format!(
                "{}的登记还没有保存:先在接待登记按 {key} 保存,再推荐",
                v.name
            ),
            Lang::En => format!(
                "{}'s intake is not saved yet: {key} in the intake first, then refer",
                v.name
            ),
        };
        Some(Effect::Error(msg))
    }

    fn ask_refer(&self, cx: &Ctx) -> Effects {
        if let Some(said) = self.not_saved_yet(cx) {
            return vec![said];
        }
        if self.for_visit.is_none() {
            return vec![Effect::Error(
                cx.lang
                    .pick(
                        "没有选定来访人:先在接待登记保存来访,或在今日来访列表中选中一条,再按 F4",
                        "No visitor chosen: save an intake or choose a visit in today's list, then F4",
                    )
                    .into(),
            )];
        }
        if self.detail.is_none() {
            return Effects::new();
        }
        vec![Effect::Open(Modal::Confirm(Confirm::ReferJob))]
    }

    /// Refers the current visitor to the selected opening (they agreed to share details).
    pub fn refer(&mut self, cx: &mut Ctx) -> Effects {
        let mut fx = vec![Effect::Close];
        let (Some(v), Some(job), Some(station), Some(officer)) = (
            self.for_visit.clone(),
            self.detail.clone(),
            cx.station,
            cx.officer,
        ) else {
            return fx;
        };
        let Some(visit_id) = v.visit_id.clone() else {
            return fx;
        };
        let now = cx.now();
        let today = cx.today();
        let result = (|| {
            let service_id = cx.store.jobs_service(now)?;
            let due_on = cx.config.deadlines.due(
                &cx.config.calendar,
                today,
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
            cx.store
                .create_referral(&new, &station.id, &officer.id, now)
        })();
        match result {
            Ok(r) => {
                tracing::info!(referral = %r.id, "job referral created");
                fx.push(Effect::ReloadQueue);
                fx.push(Effect::Info(match cx.lang {
                    Lang::Zh => format!("已为{}推荐:{} · {}", v.name, job.title, job.employer),
                    Lang::En => format!("Referred {} to {} at {}", v.name, job.title, job.employer),
                }));
            }
            Err(e) => fx.push(Effect::Error(e.message(cx.lang))),
        }
        fx
    }

    /// The current visitor got the selected job: their referral to it is closed as resolved
    /// with the job recorded (accepted first if nobody had).
    /// `C-p`: closing a referral as placed is asked first (y / n); without an open
    /// referral to this opening it is refused at once.
    fn ask_placed(&self, cx: &Ctx) -> Effects {
        match self.placed_referral(cx) {
            Ok(_) => vec![Effect::Open(Modal::Confirm(Confirm::MarkPlaced))],
            Err(fx) => fx,
        }
    }

    /// The current visitor's open referral to the selected opening, or what to say.
    fn placed_referral(&self, cx: &Ctx) -> Result<crate::store::ReferralRow, Effects> {
        if let Some(said) = self.not_saved_yet(cx) {
            return Err(vec![said]);
        }
        let (Some(v), Some(job)) = (self.for_visit.as_ref(), self.detail.as_ref()) else {
            return Err(Effects::new());
        };
        let Some(visit_id) = v.visit_id.as_deref() else {
            return Err(Effects::new());
        };
        let lang = cx.lang;
        let found = cx.store.referrals_of_visit(visit_id).map(|rs| {
            rs.into_iter()
                .find(|r| r.job_id.as_deref() == Some(job.id.as_str()) && r.status.is_open())
        });
        match found {
            Ok(Some(r)) => Ok(r),
            Ok(None) => {
                let key = cx
                    .keymap
                    .hint(crate::keymap::Context::Jobs, Action::ReferJob);
                let msg = match lang {
                    Lang::Zh => format!("{}还没有推荐到这个岗位:先按 {key} 推荐", v.name),
                    Lang::En => format!(
                        "{} has not been referred to this opening: {key} first",
                        v.name
                    ),
                };
                Err(vec![Effect::Error(msg)])
            }
            Err(e) => Err(vec![Effect::Error(e.message(lang))]),
        }
    }

    /// The answer yes to `C-p`'s question: closes it, then the current visitor's open
    /// referral to the selected opening as placed (as `refer` closes its question).
    pub fn mark_placed(&mut self, cx: &mut Ctx) -> Effects {
        let mut fx = vec![Effect::Close];
        fx.extend(self.close_as_placed(cx));
        fx
    }

    fn close_as_placed(&mut self, cx: &mut Ctx) -> Effects {
        let mut r = match self.placed_referral(cx) {
            Ok(r) => r,
            Err(fx) => return fx,
        };
        let (Some(v), Some(job), Some(officer)) =
            (self.for_visit.clone(), self.detail.clone(), cx.officer)
        else {
            return Effects::new();
        };
        let lang = cx.lang;
        let now = cx.now();
        let placed = format!("{} · {}", job.title, job.employer);
        let result = (|| {
            if r.status == ReferralStatus::Sent {
                r = cx.store.move_referral(
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
            cx.store.move_referral(
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
            Ok(_) => vec![
                Effect::ReloadQueue,
                Effect::Info(match lang {
                    Lang::Zh => format!("已记录:{}在{}就业", v.name, placed),
                    Lang::En => format!("Recorded: {} placed as {}", v.name, placed),
                }),
            ],
            Err(e) => vec![Effect::Error(e.message(lang))],
        }
    }
}

/// A saved visit as F4's visitor in hand.
fn saved_visit(store: &Store, id: &str) -> Option<ForVisit> {
    let d = store.visit_detail(id).ok()??;
    Some(ForVisit {
        visit_id: Some(id.to_string()),
        name: d.visitor.name.clone(),
        job_seeking: d.visit.category == Category::JobSeeking,
        summary: d.visit.summary.clone(),
    })
}

//! What the intake does: typing and checking, returning visitors, the questions a save
//! asks (whose ID number, what changes in their record, a follow-up?), the draft kept
//! while typing, and corrections of a saved visit.

use chrono::{Duration, NaiveDate};
use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Focus, IntakePane, LOOKUP_FIELDS};
use crate::action::Action;
use crate::domain::clock::day_start;
use crate::domain::intake::{self, Field};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::log::{LogAction, LogDialog};
use crate::panes::{Confirm, Ctx, Effect, Effects, Modal, Pane};
use crate::store::{StoreError, VisitDetail};

/// The draft key of the intake form (a save clears this desk's draft of it).
pub const INTAKE_DRAFT: &str = crate::store::INTAKE_FORM;
/// Unsaved typing is written to the draft at most this often (and on each field change).
pub const DRAFT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3);

/// A save waiting for the officer's answer: the checked intake and the question asked.
#[derive(Debug, Clone)]
pub struct PendingSave {
    pub intake: intake::Intake,
    pub question: String,
    /// For `IdOwner`: the person the number belongs to (id, name).
    pub owner: Option<(String, String)>,
    /// For `FollowUp`: the visitor's open referrals, and the one chosen.
    pub cases: Vec<crate::store::ReferralRow>,
    pub case_sel: usize,
}

impl PendingSave {
    fn new(intake: intake::Intake) -> PendingSave {
        PendingSave {
            intake,
            question: String::new(),
            owner: None,
            cases: Vec::new(),
            case_sel: 0,
        }
    }
}

fn not_saved(lang: Lang) -> Effect {
    Effect::Info(
        lang.pick("未保存,请继续修改", "Not saved; the form is as you left it")
            .into(),
    )
}

impl IntakePane {
    /// Reads today's visits; the selection follows the visit it was on, not its row (a
    /// new visit at the top must not move it onto somebody else). On the top row it stays
    /// on the top row, where the visit just saved appears.
    pub fn reload_today(&mut self, cx: &Ctx) -> Result<(), StoreError> {
        let from = day_start(cx.today(), cx.zone);
        let to = from + Duration::days(1);
        let lang = cx.lang;
        let was_on = self
            .visible_today(lang)
            .get(self.list_sel)
            .filter(|_| self.list_sel > 0)
            .map(|v| v.id.clone());
        self.today = cx.store.visits_between(from, to, 500)?;
        let visible = self.visible_today(lang);
        let n = visible.len();
        self.list_sel = was_on
            .and_then(|id| visible.iter().position(|v| v.id == id))
            .unwrap_or(self.list_sel)
            .min(n.saturating_sub(1));
        Ok(())
    }

    /// The list's `/` filter takes typing while it is open.
    pub fn filter_key(&mut self, key: &KeyEvent) -> bool {
        match crate::widgets::form::search_line_key(&mut self.filter, &mut self.filter_typing, key)
        {
            Some(changed) => {
                if changed {
                    self.list_sel = 0;
                }
                true
            }
            None => false,
        }
    }

    /// The form's text changed (typed, pasted or a choice cycled): the draft is due, the
    /// field's error goes, derived notes are refreshed, and returning visitors looked up.
    pub fn edited(&mut self, cx: &Ctx) -> Effects {
        self.draft_dirty = true;
        let Some(field) = self.focused_field() else {
            return Effects::new();
        };
        let (lang, today) = (cx.lang, cx.today());
        self.form.set_error(field.code(), None);
        if field == Field::IdNumber {
            self.refresh_id_note(lang, today);
        }
        // The request's category (typed or cycled) and the employer decide the group-wage
        // note; the category and the arbitration facts decide what else the form asks.
        if matches!(field, Field::Employer | Field::Category) {
            self.refresh_collective_note(cx.store, cx.now(), lang);
        }
        if matches!(
            field,
            Field::Category | Field::Employment | Field::EndedOn | Field::LearnedOn
        ) {
            self.refresh_arbitration(lang, today);
        }
        if self.picked.is_none() && LOOKUP_FIELDS.contains(&field) {
            let query = self.form.get(field.code());
            match cx.store.find_returning(&query, 6) {
                Ok(m) => {
                    self.matches = m;
                    self.match_sel = 0;
                }
                Err(e) => return vec![Effect::Error(e.message(lang))],
            }
        }
        Effects::new()
    }

    /// F2: a new intake always starts at 姓名 (a name must never land in 电话).
    pub fn enter(&mut self) {
        if !self.is_dirty() && self.correcting.is_none() {
            self.focus = Focus::Form;
            self.form.focus_id(Field::Name.code());
        }
    }

    /// The new-intake key: a clean form at once, or asked first if typing would be lost.
    pub fn new_intake(&mut self, lang: Lang) -> Effects {
        if self.is_dirty() {
            return vec![Effect::Open(Modal::Confirm(Confirm::NewIntake))];
        }
        self.clear(lang);
        vec![Effect::NewVisitor]
    }

    /// The answer to one of the intake's questions.
    pub fn confirm(&mut self, kind: Confirm, action: Action, cx: &mut Ctx) -> Effects {
        let yes = action == Action::Yes;
        let no = matches!(action, Action::No | Action::Back);
        match kind {
            Confirm::IdOwner | Confirm::VisitorChanges => self.answer_save(kind, yes, no, cx),
            Confirm::FollowUp => self.answer_follow_up(action, cx),
            Confirm::NewIntake if yes => {
                self.discard_draft(cx.store);
                self.clear(cx.lang);
                vec![Effect::Close, Effect::NewVisitor]
            }
            Confirm::RestoreDraft if yes => self.restore_draft(cx),
            Confirm::RestoreDraft if no => {
                if let Some(draft) = self.pending_draft.take()
                    && let Err(e) = cx.store.discard_draft(&draft)
                {
                    tracing::warn!(error = %e, "draft not discarded");
                }
                let mut fx = vec![Effect::Close];
                fx.extend(self.offer_next_draft(cx.store));
                fx
            }
            _ if no => vec![Effect::Close],
            _ => Effects::new(),
        }
    }

    /// `e` in a visit's record: the visit and its person in the form, to be corrected;
    /// `C-s` then asks for the reason.
    pub fn start_correction(&mut self, detail: &VisitDetail, cx: &Ctx) -> Effects {
        let lang = cx.lang;
        let v = &detail.visit;
        self.clear(lang);
        self.fill_from(&detail.visitor, 0);
        let form = &mut self.form;
        form.set(Field::Channel.code(), v.channel.code());
        form.set(Field::Category.code(), v.category.code());
        form.set(Field::Urgency.code(), v.urgency.code());
        form.set(
            Field::Headcount.code(),
            &v.headcount.map(|n| n.to_string()).unwrap_or_default(),
        );
        form.set(
            Field::AmountOwed.code(),
            &v.amount_owed_fen
                .map(crate::domain::money::format_fen)
                .unwrap_or_default(),
        );
        form.set(Field::Summary.code(), &v.summary);
        // The arbitration facts as saved, shown if the category asks for them.
        let facts = &detail.arbitration;
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        form.set(
            Field::Employment.code(),
            facts.employment.map_or("", |e| e.code()),
        );
        form.set(
            Field::EndedOn.code(),
            &day(facts.ended_on).unwrap_or_default(),
        );
        form.set(
            Field::LearnedOn.code(),
            &day(facts.learned_on).unwrap_or_default(),
        );
        self.refresh_arbitration(lang, cx.today());
        let when = v.visited_at.with_timezone(&cx.zone).format("%m-%d %H:%M");
        self.correcting = Some((v.id.clone(), format!("{} {when}", v.visitor_name)));
        self.focus = Focus::Form;
        self.form.focus_id(Field::Name.code());
        vec![
            Effect::Close,
            Effect::Switch(Pane::Intake),
            Effect::Info(
                lang.pick(
                    "更正模式:改好后按 C-s 并写明原因;Esc 放弃",
                    "Correcting: change what is wrong, then C-s and give a reason; Esc abandons",
                )
                .into(),
            ),
        ]
    }

    /// The reason given: the correction is written (or, for a signed-off visit, an
    /// addendum). What was changed, as the status line says it.
    pub fn save_correction(&mut self, reason: &str, cx: &mut Ctx) -> Result<String, StoreError> {
        let (Some(officer), Some(pending), Some((visit_id, _))) = (
            cx.officer,
            self.pending_save.clone(),
            self.correcting.clone(),
        ) else {
            return Ok(String::new());
        };
        let now = cx.now();
        let done = cx
            .store
            .correct_visit(&visit_id, &pending.intake, reason, &officer.id, now)?;
        self.pending_save = None;
        self.clear(cx.lang);
        self.draft_dirty = false;
        self.reload_today(cx)?;
        let what = done.what(cx.lang);
        Ok(match (cx.lang, done.as_addendum) {
            (Lang::Zh, false) => format!("已更正:{what}"),
            (Lang::En, false) => format!("Corrected: {what}"),
            (Lang::Zh, true) => format!("该来访所在班次已签结,更正已写为补记:{what}"),
            (Lang::En, true) => {
                format!("That visit's shift is signed off: the correction is an addendum: {what}")
            }
        })
    }

    /// The officer's answer to a save's question.
    fn answer_save(&mut self, kind: Confirm, yes: bool, no: bool, cx: &mut Ctx) -> Effects {
        if !yes && !no {
            return Effects::new();
        }
        let mut fx = vec![Effect::Close];
        let Some(pending) = self.pending_save.take() else {
            return fx;
        };
        let lang = cx.lang;
        match (kind, yes) {
            (Confirm::IdOwner, true) => {
                // It is that person: the visit goes to them (their name as recorded).
                let (id, _) = pending.owner.clone().unwrap_or_default();
                let mut checked = pending.intake;
                checked.visitor_seen = cx.store.visitor_version(&id).ok().flatten();
                checked.visitor_id = Some(id);
                match cx.store.intake_plan(&checked) {
                    Ok(plan) => fx.extend(self.ask_visitor_changes(checked, &plan, lang)),
                    Err(e) => fx.push(Effect::Error(e.message(lang))),
                }
            }
            (Confirm::IdOwner, false) => {
                // Re-check the number: back at the field, nothing written.
                let msg = lang
                    .pick(
                        "请核对身份证号:该号码已登记在另一位来访人名下",
                        "Check the ID number: it is recorded for another person",
                    )
                    .to_string();
                self.focus = Focus::Form;
                self.form
                    .set_error(Field::IdNumber.code(), Some(msg.clone()));
                self.form.focus_id(Field::IdNumber.code());
                fx.push(Effect::Error(msg));
            }
            (_, true) => fx.extend(self.ask_follow_up_or_commit(pending.intake, cx)),
            (_, false) => fx.push(not_saved(lang)),
        }
        fx
    }

    /// One action on the intake pane (the form's typing came first).
    pub fn update(&mut self, action: Action, cx: &mut Ctx) -> Effects {
        let lang = cx.lang;
        let n_fields = self.form.fields.len();
        match (self.focus, action) {
            (Focus::Form, Action::NextField | Action::PrevField) => {
                let fx = self.save_draft_now(cx);
                self.validate_focused(lang);
                match self.form.step(self.form.focus, action == Action::NextField) {
                    Some(next) => self.form.focus = next,
                    None => self.focus = Focus::List,
                }
                self.matches.clear();
                return fx;
            }
            // A cycled choice is an edit like a typed one: `edited` says what follows.
            (Focus::Form, Action::NextChoice | Action::PrevChoice)
                if self.form.cycle(action == Action::NextChoice) =>
            {
                return self.edited(cx);
            }
            (Focus::Form, Action::NextMatch) if !self.matches.is_empty() => {
                self.match_sel = (self.match_sel + 1) % self.matches.len();
            }
            (Focus::Form, Action::PrevMatch) if !self.matches.is_empty() => {
                let n = self.matches.len();
                self.match_sel = (self.match_sel + n - 1) % n;
            }
            (Focus::Form, Action::NextMatch) => return self.update(Action::NextField, cx),
            (Focus::Form, Action::PrevMatch) => return self.update(Action::PrevField, cx),
            (Focus::Form, Action::PickMatch) => return self.pick_match(cx),
            (Focus::Form, Action::Reveal) => return self.reveal_in_form(cx),
            (Focus::Form, Action::Back) if self.correcting.is_some() => {
                // Abandon the correction: nothing was written.
                self.clear(lang);
                return vec![Effect::Info(
                    lang.pick(
                        "已放弃更正,记录未改动",
                        "Correction abandoned; the record is unchanged",
                    )
                    .into(),
                )];
            }
            (Focus::Form, Action::Back) => self.matches.clear(),
            (_, Action::Save) => return self.save(cx),
            (Focus::List, Action::NextField) => {
                self.focus = Focus::Form;
                self.form.focus = 0;
            }
            (Focus::List, Action::PrevField) => {
                self.focus = Focus::Form;
                self.form.focus = self.form.step(n_fields, false).unwrap_or(0);
            }
            (Focus::List, Action::Back) => {
                if self.filter.is_some() {
                    self.filter = None;
                } else {
                    self.focus = Focus::Form;
                }
            }
            (Focus::List, Action::Search) => {
                self.filter_typing = true;
                self.filter.get_or_insert_with(Input::default);
            }
            (Focus::List, Action::Up | Action::Down | Action::PageUp | Action::PageDown) => {
                let last = self.visible_today(lang).len().saturating_sub(1);
                self.list_sel = match action {
                    Action::Up => self.list_sel.saturating_sub(1),
                    Action::Down => self.list_sel + 1,
                    Action::PageUp => self.list_sel.saturating_sub(10),
                    _ => self.list_sel + 10,
                }
                .min(last);
            }
            (Focus::List, Action::Open) => return self.open_selected_visit(cx),
            _ => {}
        }
        Effects::new()
    }

    /// Inline check of the field being left, if the officer put something in it.
    fn validate_focused(&mut self, lang: Lang) {
        let Some(field) = self.focused_field() else {
            return;
        };
        if !self.form.focused().is_touched() {
            return;
        }
        let msg = intake::validate_field(&self.raw(), field).map(|e| e.message(lang));
        self.form.set_error(field.code(), msg);
    }

    fn pick_match(&mut self, cx: &Ctx) -> Effects {
        let lang = cx.lang;
        let Some(m) = self.matches.get(self.match_sel).cloned() else {
            return vec![Effect::Info(
                lang.pick("没有匹配的老来访人", "No matching returning visitor")
                    .into(),
            )];
        };
        self.fill_from(&m.visitor, m.visit_count);
        // The version the form now shows: a save over a newer one is refused.
        let seen = cx.store.visitor_version(&m.visitor.id).ok().flatten();
        if let Some(p) = &mut self.picked {
            p.seen = seen;
        }
        self.refresh_collective_note(cx.store, cx.now(), lang);
        self.draft_dirty = true;
        self.refresh_id_note(lang, cx.today());
        self.form.focus_id(Field::Channel.code());
        vec![Effect::Info(match lang {
            Lang::Zh => format!(
                "已选用老来访人 {}(以往来访{}次)",
                m.visitor.name, m.visit_count
            ),
            Lang::En => format!(
                "Returning visitor {} ({} earlier)",
                m.visitor.name,
                crate::text::count(m.visit_count, "visit", "visits")
            ),
        })]
    }

    fn save(&mut self, cx: &mut Ctx) -> Effects {
        if cx.station.is_none() || cx.officer.is_none() {
            return vec![Effect::AskOfficer];
        }
        let lang = cx.lang;
        let raw = self.raw();
        let checked = match intake::validate_on(&raw, cx.today()) {
            Ok(i) => i,
            Err(errors) => {
                self.form.clear_errors();
                for e in &errors {
                    self.form.set_error(e.field.code(), Some(e.message(lang)));
                }
                self.focus = Focus::Form;
                self.form.focus_id(errors[0].field.code());
                let names: Vec<&str> = errors.iter().map(|e| e.field.label(lang)).collect();
                // The first field's fault in full: at 80×24 the form has no row left for it.
                let first = &errors[0];
                let n = errors.len();
                return vec![Effect::Error(match lang {
                    Lang::Zh => format!(
                        "未保存:有{n}项需要修改({}),已填内容都保留着。{}:{}",
                        names.join("、"),
                        first.field.label(lang),
                        first.message(lang)
                    ),
                    Lang::En => format!(
                        "Not saved: {n} {} to fix ({}); everything typed is kept. {}: {}",
                        if n == 1 { "field" } else { "fields" },
                        names.join(", "),
                        first.field.label(lang),
                        first.message(lang)
                    ),
                })];
            }
        };
        // Correcting a saved visit: the reason is asked, then the correction written.
        if let Some((_, label)) = self.correcting.clone() {
            self.pending_save = Some(PendingSave::new(checked));
            return vec![Effect::Open(Modal::LogDialog(Box::new(LogDialog::new(
                LogAction::Correct,
                label,
                lang,
            ))))];
        }
        // A person already on record: who the number belongs to, and what the save would
        // change in their record, are asked before anything is written.
        match cx.store.intake_plan(&checked) {
            Ok(plan) if plan.id_owner.is_some() => {
                let (id, name) = plan.id_owner.clone().unwrap_or_default();
                let masked = intake::mask_name(&name);
                let number = checked
                    .id_number
                    .as_ref()
                    .map(|n| crate::domain::id_number::mask(n.as_str()))
                    .unwrap_or_default();
                let question = match lang {
                    Lang::Zh => format!(
                        "身份证号 {number} 已登记在 {masked} 名下,与所填姓名“{}”不同。是此人吗?(y 是此人:来访记入其名下,姓名不改 / n 重新核对号码)",
                        checked.name
                    ),
                    Lang::En => format!(
                        "ID number {number} is recorded for {masked}, not “{}”. Is it them? (y yes: the visit goes to them, the name is not changed / n re-check the number)",
                        checked.name
                    ),
                };
                self.pending_save = Some(PendingSave {
                    question,
                    owner: Some((id, name)),
                    ..PendingSave::new(checked)
                });
                vec![Effect::Open(Modal::Confirm(Confirm::IdOwner))]
            }
            Ok(plan)
                if !plan.changes.is_empty()
                    || plan
                        .returning_name
                        .as_deref()
                        .is_some_and(|n| n != checked.name) =>
            {
                self.ask_visitor_changes(checked, &plan, lang)
            }
            Ok(_) => self.ask_follow_up_or_commit(checked, cx),
            Err(e) => vec![Effect::Error(e.message(lang))],
        }
    }

    /// The last question before a save: a person with an open referral may be back about
    /// it (回访). Without one, the visit is written at once.
    fn ask_follow_up_or_commit(&mut self, checked: intake::Intake, cx: &mut Ctx) -> Effects {
        let cases = match cx.store.open_cases(&checked) {
            Ok(cases) => cases,
            Err(e) => return vec![Effect::Error(e.message(cx.lang))],
        };
        if cases.is_empty() {
            return self.commit_save(checked, cx);
        }
        self.pending_save = Some(PendingSave {
            cases,
            ..PendingSave::new(checked)
        });
        vec![Effect::Open(Modal::Confirm(Confirm::FollowUp))]
    }

    /// The answer to `FollowUp`: yes, a follow-up of the case chosen (up/down choose among
    /// several); no, a new request; back, to the form with nothing written.
    fn answer_follow_up(&mut self, action: Action, cx: &mut Ctx) -> Effects {
        let Some(pending) = self.pending_save.as_mut() else {
            return vec![Effect::Close];
        };
        let n = pending.cases.len();
        match action {
            Action::Up | Action::Down if n > 1 => {
                let step = if action == Action::Up { n - 1 } else { 1 };
                pending.case_sel = (pending.case_sel + step) % n;
                Effects::new()
            }
            Action::Yes | Action::No => {
                let mut fx = vec![Effect::Close];
                let Some(mut pending) = self.pending_save.take() else {
                    return fx;
                };
                if action == Action::Yes {
                    let case = pending.cases.swap_remove(pending.case_sel.min(n - 1));
                    pending.intake.follows_referral = Some(case.id);
                }
                fx.extend(self.commit_save(pending.intake, cx));
                fx
            }
            Action::Back => {
                self.pending_save = None;
                vec![Effect::Close, not_saved(cx.lang)]
            }
            _ => Effects::new(),
        }
    }

    /// Shows what a save would change in a returning visitor's record, before it is
    /// written; `y` writes it.
    fn ask_visitor_changes(
        &mut self,
        checked: intake::Intake,
        plan: &crate::store::IntakePlan,
        lang: Lang,
    ) -> Effects {
        let recorded = plan.returning_name.clone().unwrap_or_default();
        let name_kept = (recorded != checked.name).then(|| match lang {
            Lang::Zh => format!("姓名仍为“{recorded}”(改名请在来访记录中更正);"),
            Lang::En => format!("the name stays “{recorded}” (correct it in the visit record); "),
        });
        let changes = if plan.changes.is_empty() {
            String::new()
        } else {
            match lang {
                Lang::Zh => format!("将更改此人的记录:{};", plan.changes),
                Lang::En => format!("this changes their record: {}; ", plan.changes),
            }
        };
        let name_kept = name_kept.unwrap_or_default();
        let question = match lang {
            Lang::Zh => format!("{name_kept}{changes}保存吗?(y 保存 / n 返回修改)"),
            Lang::En => format!("{name_kept}{changes}Save? (y save / n back to the form)"),
        };
        self.pending_save = Some(PendingSave {
            question,
            ..PendingSave::new(checked)
        });
        vec![Effect::Open(Modal::Confirm(Confirm::VisitorChanges))]
    }

    /// Writes the checked intake (after any question was answered).
    fn commit_save(&mut self, checked: intake::Intake, cx: &mut Ctx) -> Effects {
        let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
            return Effects::new();
        };
        let lang = cx.lang;
        match cx
            .store
            .save_intake(&checked, &station.id, &officer.id, cx.now())
        {
            Ok(saved) => {
                let returning = if checked.follows_referral.is_some() {
                    lang.pick("(回访)", " (follow-up)")
                } else if saved.returning {
                    lang.pick("(老来访人)", " (returning visitor)")
                } else {
                    ""
                };
                let route_key = cx.keymap.hint(Context::Global, Action::Route);
                let msg = format!(
                    "{}{} · {}{returning} · {route_key} {}",
                    lang.pick("已保存:", "Saved: "),
                    checked.name,
                    checked.category.label(lang),
                    lang.pick("转介", "route it")
                );
                tracing::info!(
                    visit = %saved.visit_id,
                    returning = saved.returning,
                    follow_up = checked.follows_referral.is_some(),
                    "intake saved"
                );
                self.last_saved_visit = Some(saved.visit_id.clone());
                self.clear(lang);
                self.discard_draft(cx.store);
                let mut fx = vec![Effect::Saved(Box::new(checked))];
                match self.reload_today(cx) {
                    Ok(()) => fx.push(Effect::Info(msg)),
                    Err(e) => fx.push(Effect::Error(e.message(lang))),
                }
                fx
            }
            Err(e) => {
                tracing::warn!(error = %e, "intake save failed");
                vec![Effect::Error(match lang {
                    Lang::Zh => format!("未保存:{},已填内容都保留着", e.message(lang)),
                    Lang::En => format!("Not saved: {}; everything typed is kept", e.message(lang)),
                })]
            }
        }
    }

    fn open_selected_visit(&self, cx: &Ctx) -> Effects {
        let Some(id) = self
            .visible_today(cx.lang)
            .get(self.list_sel)
            .map(|v| v.id.clone())
        else {
            return Effects::new();
        };
        match cx.store.visit_detail(&id) {
            Ok(Some(detail)) => vec![Effect::Open(Modal::visit(detail))],
            Ok(None) => Effects::new(),
            Err(e) => vec![Effect::Error(e.message(cx.lang))],
        }
    }
}

//! The intake pane's state: the form, returning-visitor matches, and today's visits.
//!
//! This file holds the intake's state; `update.rs` what its keys do (checking, the
//! questions a save asks, drafts, corrections).

pub mod arbitration_view;
mod draft;
mod reveal;
mod update;
pub mod view;

pub use reveal::reveal_in_record;
pub use update::{DRAFT_INTERVAL, INTAKE_DRAFT, PendingSave};

use tui_input::Input;

use crate::domain::arbitration::{self, Employment};
use crate::domain::id_number::{self, IdNumber};
use crate::domain::intake::{Field, RawIntake};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Gender, Membership, Occupation, Urgency};
use crate::domain::phone::{self, Phone};
use crate::i18n::Lang;
use crate::panes::jobs::{ForVisit, InHand};
use crate::store::{VisitRow, VisitorMatch, VisitorRow};
use crate::widgets::form::{Choice, Form, FormField, choices_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Form,
    List,
}

/// A returning visitor the officer picked: the save adds a visit to their record.
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    pub visitor_id: String,
    /// The version of their record the form was filled from (its last change).
    pub seen: Option<String>,
    pub name: String,
    pub visit_count: i64,
}

#[derive(Debug, Clone)]
pub struct IntakePane {
    pub form: Form,
    /// A saved visit being corrected (its id, and how it is named on screen): `C-s` asks
    /// for a reason and writes a correction instead of a new visit.
    pub correcting: Option<(String, String)>,
    pub focus: Focus,
    pub picked: Option<Picked>,
    pub matches: Vec<VisitorMatch>,
    pub match_sel: usize,
    pub today: Vec<VisitRow>,
    pub list_sel: usize,
    /// The list's `/` filter; `Some` while it has text or is being typed.
    pub filter: Option<Input>,
    pub filter_typing: bool,
    /// A save asked about (whose ID number, which changes, a follow-up?), until answered.
    pub pending_save: Option<PendingSave>,
    /// A draft found at start, waiting for the officer's answer.
    pub pending_draft: Option<crate::store::Draft>,
    /// The visit saved last at this desk: what "route" refers from an empty form.
    pub last_saved_visit: Option<String>,
    /// The form changed since the draft was last written.
    draft_dirty: bool,
    draft_written: std::time::Instant,
}

const DRAFT_VISITOR_ID: &str = "_visitor_id";
const DRAFT_VISITOR_SEEN: &str = "_visitor_seen";
const DRAFT_VISITOR_NAME: &str = "_visitor_name";
const DRAFT_VISIT_COUNT: &str = "_visit_count";
/// Fields still hidden (from the record, never revealed): they come back hidden.
const DRAFT_HIDDEN: &str = "_hidden";

/// Fields whose typing looks up returning visitors.
pub const LOOKUP_FIELDS: [Field; 3] = [Field::Name, Field::Phone, Field::IdNumber];

fn mask_phone(raw: &str) -> String {
    match Phone::parse(raw) {
        Ok(p) => phone::mask(p.e164()),
        Err(_) => id_number::mask(raw),
    }
}

fn with_placeholder(options: Vec<Choice>) -> Vec<Choice> {
    let mut v = vec![Choice::new("", "请选择", "Choose")];
    v.extend(options);
    v
}

pub fn new_form(lang: Lang) -> Form {
    let f = |field: Field| (field.code(), field.zh(), field.en());
    let text = |field: Field| {
        let (id, zh, en) = f(field);
        FormField::text(id, zh, en)
    };
    let choice = |field: Field, options: Vec<Choice>| {
        let (id, zh, en) = f(field);
        FormField::choice(id, zh, en, options)
    };
    let (sid, szh, sen) = f(Field::Summary);
    let mut form = Form::new(vec![
        text(Field::Name).required(),
        text(Field::Phone).masked(mask_phone),
        text(Field::IdNumber).masked(id_number::mask),
        choice(Field::Gender, choices_of::<Gender>()),
        text(Field::Employer),
        choice(Field::Occupation, choices_of::<Occupation>()),
        text(Field::OccupationNote),
        text(Field::Hometown),
        choice(Field::Membership, choices_of::<Membership>()),
        choice(Field::Channel, choices_of::<Channel>()),
        choice(Field::Category, with_placeholder(choices_of::<Category>())).required(),
        text(Field::Headcount),
        text(Field::AmountOwed),
        choice(Field::Urgency, choices_of::<Urgency>()),
        FormField::area(sid, szh, sen, 4),
        // The arbitration facts: shown for wage, contract and injury requests only
        // (`refresh_arbitration`).
        choice(Field::Employment, {
            let mut v = vec![Choice::new("", "未填", "Not given")];
            v.extend(choices_of::<Employment>());
            v
        }),
        text(Field::EndedOn),
        text(Field::LearnedOn),
    ]);
    for f in ARBITRATION_FIELDS {
        form.field_mut(f.code()).shown = false;
    }
    form.fit_labels(lang);
    form
}

/// The fields of the arbitration facts, asked for the requests art. 27 is about.
const ARBITRATION_FIELDS: [Field; 3] = [Field::Employment, Field::EndedOn, Field::LearnedOn];

impl IntakePane {
    pub fn new(lang: Lang) -> IntakePane {
        IntakePane {
            form: new_form(lang),
            correcting: None,
            focus: Focus::Form,
            picked: None,
            matches: Vec::new(),
            match_sel: 0,
            today: Vec::new(),
            list_sel: 0,
            filter: None,
            filter_typing: false,
            pending_save: None,
            pending_draft: None,
            last_saved_visit: None,
            draft_dirty: false,
            draft_written: std::time::Instant::now(),
        }
    }

    pub fn focused_field(&self) -> Option<Field> {
        match self.focus {
            Focus::Form => Field::from_code(self.form.focused_id()),
            Focus::List => None,
        }
    }

    /// What the form holds, as the domain's unchecked intake.
    pub fn raw(&self) -> RawIntake {
        let g = |f: Field| self.form.get(f.code());
        RawIntake {
            visitor_id: self.picked.as_ref().map(|p| p.visitor_id.clone()),
            visitor_seen: self.picked.as_ref().and_then(|p| p.seen.clone()),
            name: g(Field::Name),
            phone: g(Field::Phone),
            id_number: g(Field::IdNumber),
            gender: self.form.choice(Field::Gender.code()),
            employer: g(Field::Employer),
            occupation: self.form.choice(Field::Occupation.code()),
            occupation_note: g(Field::OccupationNote),
            hometown: g(Field::Hometown),
            membership: self.form.choice(Field::Membership.code()),
            channel: self.form.choice(Field::Channel.code()),
            category: self.form.choice(Field::Category.code()),
            headcount: g(Field::Headcount),
            amount_owed: g(Field::AmountOwed),
            urgency: self.form.choice(Field::Urgency.code()),
            summary: g(Field::Summary),
            employment: self.form.choice(Field::Employment.code()),
            employment_ended_on: g(Field::EndedOn),
            learned_on: g(Field::LearnedOn),
        }
    }

    /// Shows the arbitration facts' fields the category asks for (the end date only for
    /// a job that ended), and beside the first of them the limit they give on `today`.
    pub fn refresh_arbitration(&mut self, lang: Lang, today: chrono::NaiveDate) {
        let category: Option<Category> = self.form.choice(Field::Category.code());
        let asked = category.is_some_and(arbitration::covers);
        let employment: Option<Employment> = self.form.choice(Field::Employment.code());
        let ended = employment == Some(Employment::Ended);
        for (f, shown) in [
            (Field::Employment, asked),
            (Field::EndedOn, asked && ended),
            (Field::LearnedOn, asked),
        ] {
            let field = self.form.field_mut(f.code());
            field.shown = shown;
            field.note = None;
        }
        if !self.form.focused().shown {
            self.form.focus = self.form.step(self.form.focus, false).unwrap_or(0);
        }
        if !asked {
            return;
        }
        let date = |f: Field| arbitration::parse_past_date(&self.form.get(f.code()), today).ok();
        let facts = arbitration::Facts {
            category,
            employment,
            ended_on: date(Field::EndedOn),
            learned_on: date(Field::LearnedOn),
        };
        // Beside the choice (a typed date's box would push it off at 80 columns).
        self.form.field_mut(Field::Employment.code()).note =
            crate::panes::intake::arbitration_view::note(facts.clock(today), lang);
    }

    /// Notes a possible collective wage case on the employer field: other people who came
    /// about this employer's arrears lately, and the visitor in hand once (picked from the
    /// record, or known by the ID number typed).
    pub fn refresh_collective_note(
        &mut self,
        store: &crate::store::Store,
        now: chrono::DateTime<chrono::Utc>,
        lang: Lang,
    ) {
        use crate::panes::referrals::{COLLECTIVE_DAYS, COLLECTIVE_MIN};
        let form = &self.form;
        let category = form.choice::<Category>(Field::Category.code());
        let employer = form.get(Field::Employer.code()).trim().to_string();
        let mut note = None;
        if category == Some(Category::WageArrears) && !employer.is_empty() {
            let since = now - chrono::Duration::days(COLLECTIVE_DAYS);
            let this_one = self
                .picked
                .as_ref()
                .map(|p| p.visitor_id.clone())
                .or_else(|| {
                    let typed = form.get(Field::IdNumber.code());
                    let id = IdNumber::parse(typed.trim()).ok()?;
                    store.visitor_by_id_number(id.as_str()).ok()?.map(|v| v.id)
                });
            if let Ok(n) = store.wage_workers_of_employer(&employer, since, this_one.as_deref())
                && n + 1 >= COLLECTIVE_MIN
            {
                note = Some(match lang {
                    Lang::Zh => {
                        format!("可能为群体性欠薪:该单位{COLLECTIVE_DAYS}天内已有{n}人来访反映欠薪")
                    }
                    Lang::En => format!(
                        "possible collective case: {} reported wage arrears at this employer in {COLLECTIVE_DAYS} days",
                        crate::text::count(n, "other worker", "other workers")
                    ),
                });
            }
        }
        self.form.field_mut(Field::Employer.code()).note = note;
    }

    /// Whose work F4 is finding, as the intake sees it: the visit chosen in today's list;
    /// in the form, the visit being corrected, or a visitor being typed (no visit yet:
    /// their wish is read from the form). `None`: nobody here.
    #[must_use]
    pub fn in_hand(&self, lang: Lang) -> Option<InHand> {
        match self.focus {
            Focus::List => self
                .visible_today(lang)
                .get(self.list_sel)
                .map(|v| InHand::Visit(v.id.clone())),
            Focus::Form => match &self.correcting {
                Some((id, _)) => Some(InHand::Visit(id.clone())),
                None if self.is_dirty() => Some(InHand::Typed(ForVisit {
                    visit_id: None,
                    name: self.form.get(Field::Name.code()).trim().to_string(),
                    job_seeking: self.form.get(Field::Category.code())
                        == Category::JobSeeking.code(),
                    summary: self.form.get(Field::Summary.code()),
                })),
                None => None,
            },
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.form.is_touched()
    }

    /// Empties the form for the next visitor (the day's list stays).
    pub fn clear(&mut self, lang: Lang) {
        self.form = new_form(lang);
        self.correcting = None;
        self.picked = None;
        self.matches.clear();
        self.match_sel = 0;
        self.focus = Focus::Form;
    }

    /// Fills the visitor half of the form from a returning visitor's record.
    pub fn fill_from(&mut self, v: &VisitorRow, visit_count: i64) {
        let form = &mut self.form;
        form.set(Field::Name.code(), &v.name);
        form.set_hidden(
            Field::Phone.code(),
            &v.phone
                .as_deref()
                .map(phone::national_digits)
                .unwrap_or_default(),
        );
        form.set_hidden(Field::IdNumber.code(), v.id_number.as_deref().unwrap_or(""));
        form.set(Field::Gender.code(), v.gender.code());
        form.set(Field::Employer.code(), &v.employer);
        form.set(Field::Occupation.code(), v.occupation.code());
        form.set(Field::OccupationNote.code(), &v.occupation_note);
        form.set(Field::Hometown.code(), &v.hometown);
        form.set(Field::Membership.code(), v.membership.code());
        form.clear_errors();
        self.picked = Some(Picked {
            visitor_id: v.id.clone(),
            seen: None,
            name: v.name.clone(),
            visit_count,
        });
        self.matches.clear();
        self.match_sel = 0;
    }

    /// Gender and age shown beside a valid ID number.
    pub fn refresh_id_note(&mut self, lang: Lang, today: chrono::NaiveDate) {
        let raw = self.form.get(Field::IdNumber.code());
        let parsed = IdNumber::parse_on(&raw, today).ok();
        if let Some(id) = &parsed {
            // The ID number decides gender; show it so the officer can see it was read.
            self.form.set(Field::Gender.code(), id.gender().code());
        }
        let note = parsed.map(|id| {
            let age = id.age_on(today);
            let mut note = match lang {
                Lang::Zh => format!("{} · {age}岁", id.gender().zh()),
                Lang::En => format!("{} · age {age}", id.gender().en()),
            };
            // Accepted, but worth a second look (an unknown province code).
            for w in id.warnings() {
                note.push_str(" · ");
                note.push_str(&w.message(lang));
            }
            note
        });
        self.form.field_mut(Field::IdNumber.code()).note = note;
    }

    /// The form as a draft: field id → text (choices as codes), plus the picked visitor.
    pub fn draft_values(&self) -> std::collections::BTreeMap<String, String> {
        let mut values: std::collections::BTreeMap<String, String> = self
            .form
            .fields
            .iter()
            .map(|f| (f.id.to_string(), f.text_value()))
            .collect();
        let hidden = self.form.hidden_ids();
        if !hidden.is_empty() {
            values.insert(DRAFT_HIDDEN.into(), hidden.join(","));
        }
        if let Some(p) = &self.picked {
            values.insert(DRAFT_VISITOR_ID.into(), p.visitor_id.clone());
            if let Some(seen) = &p.seen {
                values.insert(DRAFT_VISITOR_SEEN.into(), seen.clone());
            }
            values.insert(DRAFT_VISITOR_NAME.into(), p.name.clone());
            values.insert(DRAFT_VISIT_COUNT.into(), p.visit_count.to_string());
        }
        values
    }

    /// Puts a draft back into the form.
    pub fn restore(&mut self, values: &std::collections::BTreeMap<String, String>) {
        let ids: Vec<&'static str> = self.form.fields.iter().map(|f| f.id).collect();
        let hidden = values.get(DRAFT_HIDDEN).map_or("", String::as_str);
        for id in ids {
            if let Some(v) = values.get(id) {
                if hidden.split(',').any(|h| h == id) {
                    self.form.set_hidden(id, v);
                } else {
                    self.form.set(id, v);
                }
            }
        }
        self.picked = values.get(DRAFT_VISITOR_ID).map(|id| Picked {
            visitor_id: id.clone(),
            seen: values.get(DRAFT_VISITOR_SEEN).cloned(),
            name: values.get(DRAFT_VISITOR_NAME).cloned().unwrap_or_default(),
            visit_count: values
                .get(DRAFT_VISIT_COUNT)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
        });
    }

    /// Today's visits that pass the `/` filter (name, category, channel, summary).
    pub fn visible_today(&self, lang: Lang) -> Vec<&VisitRow> {
        let needle = self
            .filter
            .as_ref()
            .map(|i| i.value().trim().to_lowercase())
            .unwrap_or_default();
        self.today
            .iter()
            .filter(|v| {
                needle.is_empty()
                    || v.visitor_name.to_lowercase().contains(&needle)
                    || v.category.label(lang).to_lowercase().contains(&needle)
                    || v.channel.label(lang).to_lowercase().contains(&needle)
                    || v.summary.to_lowercase().contains(&needle)
            })
            .collect()
    }
}

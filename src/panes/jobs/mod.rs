//! The job lookup pane (F4): a search line with filters, ranked openings, the posting in
//! full, and the visitor the officer is finding work for. This file holds its state,
//! `update.rs` what its keys do, `view.rs` how it is drawn.

mod update;
pub mod view;

pub use update::{InHand, IndexBuild};

use std::sync::Arc;

use crate::domain::job::{EmploymentType, Job};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
pub use crate::search::wish::Wish;
use crate::search::{Hit, JobFilter, JobIndex};
use crate::widgets::form::{Choice, Form, FormField, choices_of};

pub const J_QUERY: &str = "query";
pub const J_WAGE: &str = "min_wage";
pub const J_MEALS: &str = "meals";
pub const J_HOUSING: &str = "housing";
pub const J_DISTRICT: &str = "district";
pub const J_TYPE: &str = "type";
pub const J_OPEN: &str = "open_only";

/// How many ranked openings the pane shows.
pub const RESULTS: usize = 50;

/// The visitor the officer is finding work for: referrals from this pane are made for
/// their visit. A visitor still being typed in the intake form has no visit yet (`None`):
/// their wish is read from the form, and referring waits for the save.
#[derive(Debug, Clone, PartialEq)]
pub struct ForVisit {
    pub visit_id: Option<String>,
    pub name: String,
    pub job_seeking: bool,
    pub summary: String,
}

#[derive(Debug)]
pub struct JobsPane {
    pub form: Form,
    pub index: Option<Arc<JobIndex>>,
    pub hits: Vec<Hit>,
    pub sel: usize,
    /// The selected opening, read in full from the store.
    pub detail: Option<Job>,
    /// How long the last search took, for the title.
    pub last_search_ms: f64,
    pub for_visit: Option<ForVisit>,
    /// "Matching openings": while set and the search line is empty, the openings are
    /// ranked by the visitor's wish (`MatchVisitor` sets and clears it).
    pub wish: Option<Wish>,
    /// The district pick-list (`PickDistrict`), while open.
    pub district_pick: Option<DistrictPick>,
    /// The index while its thread builds it.
    index_rx: Option<IndexBuild>,
}

/// The districts the openings name, to pick one for the filter: those starting with what
/// is typed in the district field are listed, the first row being "any district".
#[derive(Debug, Clone, Default)]
pub struct DistrictPick {
    /// Every district with how many openings it has, most first.
    pub all: Vec<(String, usize)>,
    /// What the list is narrowed by: what was typed in the district field since it opened
    /// (opened on a district already chosen, it lists them all).
    pub typed: String,
    /// The row chosen among those listed (0: any district).
    pub sel: usize,
    /// What the district field held when last looked at: typing is what changes it.
    pub field: String,
}

impl DistrictPick {
    /// The districts listed: those whose name starts with what is typed, as the filter
    /// reads it.
    #[must_use]
    pub fn listed(&self) -> Vec<&(String, usize)> {
        let typed = self.typed.trim().to_lowercase();
        self.all
            .iter()
            .filter(|(d, _)| d.to_lowercase().starts_with(&typed))
            .collect()
    }

    /// Rows on the list: "any district" and the districts.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.listed().len() + 1
    }

    /// The district on the chosen row (`None`: any district).
    #[must_use]
    pub fn chosen(&self) -> Option<String> {
        let listed = self.listed();
        let sel = self.sel.min(listed.len());
        (sel > 0).then(|| listed[sel - 1].0.clone())
    }

    /// Typing narrows the list: on its first district, if there is one.
    pub fn narrow(&mut self, typed: &str) {
        self.typed = typed.to_string();
        self.field = typed.to_string();
        self.sel = usize::from(!self.listed().is_empty());
    }
}

fn yes_no(
    any_zh: &'static str,
    any_en: &'static str,
    yes_zh: &'static str,
    yes_en: &'static str,
) -> Vec<Choice> {
    vec![
        Choice::new("", any_zh, any_en),
        Choice::new("yes", yes_zh, yes_en),
    ]
}

pub fn new_form(lang: Lang) -> Form {
    let mut types = vec![Choice::new("", "不限", "Any")];
    types.extend(choices_of::<EmploymentType>());
    let mut form = Form::new(vec![
        FormField::text(J_QUERY, "查找", "Search"),
        FormField::text(J_WAGE, "最低月薪", "Min. wage/month"),
        FormField::choice(
            J_MEALS,
            "包吃",
            "Meals",
            yes_no("不限", "Any", "要包吃", "Required"),
        ),
        FormField::choice(
            J_HOUSING,
            "包住",
            "Housing",
            yes_no("不限", "Any", "要包住", "Required"),
        ),
        FormField::text(J_DISTRICT, "区域", "District"),
        FormField::choice(J_TYPE, "用工类型", "Type", types),
        FormField::choice(
            J_OPEN,
            "范围",
            "Showing",
            vec![
                Choice::new("", "只看在招", "Open only"),
                Choice::new("all", "含已满/过期", "Include filled/expired"),
            ],
        ),
    ]);
    form.fit_labels(lang);
    form
}

impl JobsPane {
    pub fn new(lang: Lang) -> JobsPane {
        JobsPane {
            form: new_form(lang),
            index: None,
            hits: Vec::new(),
            sel: 0,
            detail: None,
            last_search_ms: 0.0,
            for_visit: None,
            wish: None,
            district_pick: None,
            index_rx: None,
        }
    }

    /// A new visitor: the search, the filters and the wish of the one before are gone
    /// (the index stays). The next F4 reads whose visit is in hand afresh.
    pub fn new_visitor(&mut self, lang: Lang) {
        self.form = new_form(lang);
        self.hits.clear();
        self.sel = 0;
        self.detail = None;
        self.for_visit = None;
        self.wish = None;
        self.district_pick = None;
    }

    pub fn query(&self) -> String {
        self.form.get(J_QUERY)
    }

    /// The wish the list is ranked by now: set, and nothing typed in the search line.
    pub fn ranking_wish(&self) -> Option<&Wish> {
        self.wish
            .as_ref()
            .filter(|_| self.query().trim().is_empty())
    }

    /// The filters as the form holds them; a wage that is not a number is an error.
    pub fn filter(&self, lang: Lang) -> Result<JobFilter, String> {
        let wage = self.form.get(J_WAGE);
        let min_wage_month = match wage.trim() {
            "" => None,
            w => Some(
                crate::import::jobs::parse_wage(w)
                    .and_then(|w| w.min)
                    .ok_or_else(|| {
                        lang.pick("应为金额,例:3000", "a sum of yuan, e.g. 3000")
                            .to_string()
                    })?,
            ),
        };
        let district = self.form.get(J_DISTRICT).trim().to_string();
        Ok(JobFilter {
            min_wage_month,
            meals: self.form.get(J_MEALS) == "yes",
            housing: self.form.get(J_HOUSING) == "yes",
            district: (!district.is_empty()).then_some(district),
            employment_type: EmploymentType::from_code(&self.form.get(J_TYPE)),
            include_closed: self.form.get(J_OPEN) == "all",
        })
    }

    /// Whether the index is being built on its thread.
    #[must_use]
    pub fn index_building(&self) -> bool {
        self.index_rx.is_some()
    }

    /// The selected opening's rowid, to read it in full.
    pub fn selected_rowid(&self) -> Option<i64> {
        let idx = self.index.as_ref()?;
        self.hits.get(self.sel).map(|h| idx.rowid_of(h.line))
    }
}

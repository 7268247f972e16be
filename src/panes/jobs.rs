//! The job lookup pane (F4): a search line with filters, ranked openings, the posting in
//! full, and the visitor the officer is finding work for.

use std::sync::Arc;

use crate::domain::job::{EmploymentType, Job};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::search::{Hit, JobFilter, JobIndex};
use crate::ui::form::{Choice, Form, FormField, choices_of};

pub const J_QUERY: &str = "query";
pub const J_WAGE: &str = "min_wage";
pub const J_MEALS: &str = "meals";
pub const J_HOUSING: &str = "housing";
pub const J_DISTRICT: &str = "district";
pub const J_TYPE: &str = "type";
pub const J_OPEN: &str = "open_only";

/// How many ranked openings the pane shows.
pub const RESULTS: usize = 50;

/// The visit the officer is finding work for: referrals from this pane are made for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ForVisit {
    pub visit_id: String,
    pub name: String,
    pub job_seeking: bool,
    pub summary: String,
}

#[derive(Debug, Clone)]
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
        FormField::text(J_WAGE, "最低月薪", "Min. monthly wage"),
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
        }
    }

    pub fn query(&self) -> String {
        self.form.get(J_QUERY)
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

    /// The selected opening's rowid, to read it in full.
    pub fn selected_rowid(&self) -> Option<i64> {
        let idx = self.index.as_ref()?;
        self.hits.get(self.sel).map(|h| idx.rowid_of(h.line))
    }
}

/// A visitor's stated wish, read from what they asked for: room and board, kind of
/// work, the least pay they will take. Used to prefill the filters ("matching openings").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wish {
    pub meals: bool,
    pub housing: bool,
    pub employment_type: Option<EmploymentType>,
    pub min_wage_month: Option<i64>,
}

impl Wish {
    pub fn from_text(text: &str) -> Wish {
        let b = crate::domain::job::Benefits::from_text(text);
        let employment_type = [
            ("临时", EmploymentType::Temporary),
            ("短期", EmploymentType::Temporary),
            ("零工", EmploymentType::Gig),
            ("日结", EmploymentType::Gig),
            ("兼职", EmploymentType::PartTime),
        ]
        .iter()
        .find(|(w, _)| text.contains(w))
        .map(|(_, t)| *t);
        Wish {
            meals: b.meals,
            housing: b.housing,
            employment_type,
            min_wage_month: wage_in(text),
        }
    }
}

/// The first sum of money in `text` that reads as a monthly wage: `3000`, `两千`, `3千`.
fn wage_in(text: &str) -> Option<i64> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: char| match c {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        d => d.to_digit(10).map(i64::from),
    };
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let n: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let v: i64 = n.parse().unwrap_or(0);
            let next = chars.get(i + n.len()).copied();
            let scaled = match next {
                Some('千') | Some('k') | Some('K') => v * 1000,
                Some('万') => v * 10_000,
                _ => v,
            };
            if (1000..=100_000).contains(&scaled) {
                return Some(scaled);
            }
            i += n.len();
            continue;
        }
        if let (Some(d), Some('千')) = (digit(chars[i]), chars.get(i + 1)) {
            return Some(d * 1000);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wish_is_read_from_the_visitors_words() {
        let w = Wish::from_text("农闲外出务工,想找包吃住的临时工作,月薪两千以上");
        assert_eq!(
            w,
            Wish {
                meals: true,
                housing: true,
                employment_type: Some(EmploymentType::Temporary),
                min_wage_month: Some(2000),
            }
        );
        assert_eq!(
            Wish::from_text("想找数控车工,工资6000左右").min_wage_month,
            Some(6000)
        );
        assert_eq!(Wish::from_text("什么都行").min_wage_month, None);
    }
}

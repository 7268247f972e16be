//! The daily log (F5): the open shift's timeline or an earlier day's, the end-of-shift
//! review, and the dialogs that write to the log. This file holds its state, `update.rs`
//! what its keys do, `view.rs` how it is drawn.

mod update;
pub mod view;

pub use update::SPARK_DAYS;

use tui_input::Input;

use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::domain::shift::{Disposition, EntryKind};
use crate::i18n::Lang;
use crate::store::{Handover, LogEntry, Shift, Totals, VisitRow};
use crate::widgets::form::{Choice, Form, FormField, choices_of};

/// What the pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogView {
    /// The open shift's timeline (or, with none open, today's entries).
    Shift,
    /// An earlier shift (`past`), read-only: its entries and its handover note.
    Past,
    /// The end-of-shift review: totals, reconciliation, sign-off.
    Review,
}

/// The end-of-shift review's figures.
#[derive(Debug, Clone, Default)]
pub struct ReviewData {
    pub totals: Totals,
    /// Visits per day for the last 30 days, oldest first (today last).
    pub visits_30d: Vec<u64>,
    /// This shift's visits still without a disposition.
    pub unreconciled: Vec<VisitRow>,
    /// Those with one (or routed): listed after, correctable until sign-off.
    pub reconciled: Vec<VisitRow>,
}

impl ReviewData {
    /// The review's visit list: those still to reconcile first, then the others.
    pub fn visits(&self) -> impl Iterator<Item = &VisitRow> {
        self.unreconciled.iter().chain(&self.reconciled)
    }

    pub fn visit_count(&self) -> usize {
        self.unreconciled.len() + self.reconciled.len()
    }
}

#[derive(Debug, Clone)]
pub struct LogPane {
    pub view: LogView,
    pub shift: Option<Shift>,
    pub entries: Vec<LogEntry>,
    /// To-dos still open from earlier shifts: pinned above the timeline.
    pub carried: Vec<LogEntry>,
    pub sel: usize,
    pub kind_filter: Option<EntryKind>,
    /// Text search over the entries, while typed or kept.
    pub search: Option<Input>,
    pub search_typing: bool,
    /// The last sealed shift's handover, until acknowledged.
    pub handover: Option<Handover>,
    /// Sealed shifts of the day being browsed (for addenda).
    pub day_shifts: Vec<Shift>,
    /// The earlier shift shown in the `Past` view.
    pub past: Option<Shift>,
    pub review: Option<ReviewData>,
    pub review_sel: usize,
}

impl Default for LogPane {
    fn default() -> Self {
        LogPane {
            view: LogView::Shift,
            shift: None,
            entries: Vec::new(),
            carried: Vec::new(),
            sel: 0,
            kind_filter: None,
            search: None,
            search_typing: false,
            handover: None,
            day_shifts: Vec::new(),
            past: None,
            review: None,
            review_sel: 0,
        }
    }
}

impl LogPane {
    /// The entries shown: to-dos carried over first, then the timeline newest first;
    /// filtered by kind and search text.
    pub fn visible(&self) -> Vec<&LogEntry> {
        let needle = self
            .search
            .as_ref()
            .map(|i| i.value().trim().to_lowercase())
            .unwrap_or_default();
        self.carried
            .iter()
            .chain(self.entries.iter().rev())
            .filter(|e| self.kind_filter.is_none_or(|k| e.kind == k))
            .filter(|e| {
                // What either language shows: the stored line, or the fact in English.
                needle.is_empty()
                    || e.text.to_lowercase().contains(&needle)
                    || (e.fact.is_some() && e.line(Lang::En).to_lowercase().contains(&needle))
                    || e.officer_name
                        .as_deref()
                        .is_some_and(|n| n.contains(&needle))
            })
            .collect()
    }

    pub fn selected(&self) -> Option<&LogEntry> {
        self.visible().get(self.sel).copied()
    }

    /// The next kind filter: all → each kind that occurs → all.
    pub fn cycle_kind(&mut self) {
        let present: Vec<EntryKind> = EntryKind::ALL
            .iter()
            .copied()
            .filter(|k| self.entries.iter().any(|e| e.kind == *k))
            .collect();
        self.kind_filter = match self.kind_filter {
            None => present.first().copied(),
            Some(k) => {
                let i = present.iter().position(|p| *p == k);
                i.and_then(|i| present.get(i + 1).copied())
            }
        };
        self.sel = 0;
    }

    pub fn read_only(&self) -> bool {
        self.view == LogView::Past
    }
}

pub const F_KIND: &str = "kind";
pub const F_TEXT: &str = "text";
pub const F_DISPOSITION: &str = "disposition";
pub const F_NAME: &str = "name";
pub const F_ROLE: &str = "role";
pub const F_AFFILIATION: &str = "affiliation";

/// What a log dialog writes.
#[derive(Debug, Clone, PartialEq)]
pub enum LogAction {
    Entry,
    /// The disposition of this visit.
    Disposition(String),
    SignOff,
    /// An addendum to this sealed shift.
    Addendum(String),
    AddMember,
    /// The reason for a correction of the visit being corrected at the intake form.
    Correct,
}

#[derive(Debug, Clone)]
pub struct LogDialog {
    pub action: LogAction,
    pub form: Form,
    /// What the dialog is about, shown under its title.
    pub subject: String,
}

impl LogDialog {
    pub fn new(action: LogAction, subject: String, lang: Lang) -> LogDialog {
        let fields = match &action {
            LogAction::Entry => {
                let kinds = EntryKind::WRITTEN
                    .iter()
                    .map(|k| Choice::new(k.code(), k.zh(), k.en()))
                    .collect();
                vec![
                    FormField::choice(F_KIND, "类型", "Kind", kinds),
                    FormField::area(F_TEXT, "内容", "Text", 4).required(),
                ]
            }
            LogAction::Disposition(_) => {
                // "Referred" is what routing the visit records; it is not chosen here.
                let options = [Disposition::OnSpot, Disposition::NoAction]
                    .iter()
                    .map(|d| Choice::new(d.code(), d.zh(), d.en()))
                    .collect();
                vec![
                    FormField::choice(F_DISPOSITION, "处置结果", "Disposition", options),
                    FormField::text(F_TEXT, "说明", "A word why"),
                ]
            }
            LogAction::SignOff => vec![FormField::area(F_TEXT, "交班留言", "Handover note", 5)],
            LogAction::Addendum(_) => {
                vec![FormField::area(F_TEXT, "补记内容", "Addendum", 4).required()]
            }
            LogAction::Correct => {
                vec![FormField::area(F_TEXT, "更正原因", "Reason", 3).required()]
            }
            LogAction::AddMember => vec![
                FormField::text(F_NAME, "姓名", "Name").required(),
                FormField::choice(F_ROLE, "身份", "Role", choices_of::<Role>()),
                FormField::text(F_AFFILIATION, "所属单位", "Affiliation"),
            ],
        };
        let mut form = Form::new(fields);
        if action == LogAction::AddMember {
            form.set(F_ROLE, Role::Volunteer.code());
        }
        form.fit_labels(lang);
        LogDialog {
            action,
            form,
            subject,
        }
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        match self.action {
            LogAction::Entry => lang.pick("写记录", "Write an entry"),
            LogAction::Disposition(_) => lang.pick("处置结果", "What became of the visit"),
            LogAction::SignOff => lang.pick("签结交班", "Sign off and hand over"),
            LogAction::Addendum(_) => {
                lang.pick("补记(已签结班次)", "Addendum to a signed-off shift")
            }
            LogAction::AddMember => lang.pick("加入本班", "Add to the shift"),
            LogAction::Correct => lang.pick("更正来访记录", "Correct the visit's record"),
        }
    }
}

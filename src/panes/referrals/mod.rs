//! The referral queue (F3) and the dialogs that act on referrals: route a visit, decline,
//! close with an outcome, reopen, hand over. This file holds their state, `update.rs`
//! what their keys do, `view.rs` how they are drawn.

pub mod route_view;
mod update;
pub mod view;

pub use update::{COLLECTIVE_DAYS, COLLECTIVE_MIN, print_slip, route_dialog};

use std::collections::HashSet;

use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Urgency};
use crate::domain::referral::{
    DeclineReason, Outcome, OutcomeReason, ReferralStatus, ServiceKind, ServiceStatus,
};
use crate::i18n::Lang;
use crate::store::{
    Officer, QueueCounts, QueueFilter, ReferralDetail, ReferralRow, Service, StatusFilter, VisitRow,
};
use crate::widgets::chrome::Scrolled;
use crate::widgets::form::{Choice, Form, FormField, choices_of};

/// How many queue rows are read at first; more are read as the selection nears the end.
pub const QUEUE_PAGE: usize = 100;

#[derive(Debug, Clone)]
pub struct ReferralsPane {
    pub rows: Vec<ReferralRow>,
    pub sel: usize,
    /// How many rows to read: grows by pages as the officer scrolls.
    pub limit: usize,
    /// When the collective employers were last counted (`None`: not yet).
    pub collective_at: Option<chrono::DateTime<chrono::Utc>>,
    pub filter: QueueFilter,
    pub counts: QueueCounts,
    /// Referrals other stations asked this one to take, waiting on an answer (issue 20).
    pub incoming: i64,
    /// Employers with 3+ wage-arrears visits in 30 days: possible collective cases.
    pub collective: HashSet<String>,
    /// The selected referral with its service and history.
    pub detail: Option<ReferralDetail>,
    /// The referral just routed: the slip key prints its slip if pressed next.
    pub slip_offer: Option<String>,
}

impl Default for ReferralsPane {
    fn default() -> Self {
        ReferralsPane {
            rows: Vec::new(),
            sel: 0,
            limit: QUEUE_PAGE,
            collective_at: None,
            filter: QueueFilter::default(),
            counts: QueueCounts::default(),
            incoming: 0,
            collective: HashSet::new(),
            detail: None,
            slip_offer: None,
        }
    }
}

impl ReferralsPane {
    pub fn selected(&self) -> Option<&ReferralRow> {
        self.rows.get(self.sel)
    }

    pub fn is_collective(&self, r: &ReferralRow) -> bool {
        r.category == Category::WageArrears && self.collective.contains(&r.employer)
    }

    /// The filters in force, as words for the pane's title.
    pub fn filter_words(&self, lang: Lang) -> String {
        let f = &self.filter;
        let mut parts = vec![match f.status {
            StatusFilter::Open => lang.pick("未办结", "open").to_string(),
            StatusFilter::All => lang.pick("全部状态", "all statuses").to_string(),
            StatusFilter::One(s) => s.label(lang).to_string(),
        }];
        if let Some(k) = f.kind {
            parts.push(k.label(lang).to_string());
        }
        if f.mine.is_some() {
            parts.push(lang.pick("我的", "mine").to_string());
        }
        if f.overdue_only {
            parts.push(lang.pick("逾期", "overdue").to_string());
        }
        parts.join(" · ")
    }

    /// Next kind filter: all → legal → jobs → aid → agency → all.
    pub fn cycle_kind(&mut self) {
        let all = ServiceKind::ALL;
        self.filter.kind = match self.filter.kind {
            None => Some(all[0]),
            Some(k) => all.get(k.index() + 1).copied(),
        };
    }

    /// Next status filter: open → each status → all → open.
    pub fn cycle_status(&mut self) {
        let all = ReferralStatus::ALL;
        self.filter.status = match self.filter.status {
            StatusFilter::Open => StatusFilter::One(all[0]),
            StatusFilter::One(s) => match all.get(s.index() + 1) {
                Some(n) => StatusFilter::One(*n),
                None => StatusFilter::All,
            },
            StatusFilter::All => StatusFilter::Open,
        };
    }
}

pub const ROUTE_KIND: &str = "kind";
pub const ROUTE_SEARCH: &str = "search";
pub const ROUTE_CONSENT: &str = "consent";
pub const ROUTE_OVERRIDE: &str = "override";
pub const ROUTE_URGENCY: &str = "urgency";
pub const ROUTE_NOTE: &str = "note";
/// A service the directory lacks, typed in the dialog (本站添加): its fields.
pub const ROUTE_NEW_NAME: &str = "new_name";
pub const ROUTE_NEW_PROVIDER: &str = "new_provider";
pub const ROUTE_NEW_PHONE: &str = "new_phone";
pub const ROUTE_NEW_ADDRESS: &str = "new_address";
const NEW_SERVICE_FIELDS: [&str; 4] = [
    ROUTE_NEW_NAME,
    ROUTE_NEW_PROVIDER,
    ROUTE_NEW_PHONE,
    ROUTE_NEW_ADDRESS,
];

/// The route dialog: pick a kind and a service, record consent, add a note.
#[derive(Debug, Clone)]
pub struct RouteDialog {
    pub visit: VisitRow,
    pub employer: String,
    pub form: Form,
    /// The whole directory, loaded when the dialog opens.
    pub services: Vec<Service>,
    pub sel: usize,
    pub collective: bool,
    /// Typing a service the directory lacks: its fields are in the form, after the search.
    pub adding: bool,
    /// How far the chosen service's box is scrolled (PageDown), and for which service: a
    /// service chosen after it starts at its top again.
    pub service_scroll: Option<(String, u16)>,
}

fn placeholder(zh: &'static str, en: &'static str, rest: Vec<Choice>) -> Vec<Choice> {
    let mut v = vec![Choice::new("", zh, en)];
    v.extend(rest);
    v
}

impl RouteDialog {
    /// The directory read again (another desk or an import changed it): the service
    /// chosen stays chosen, wherever it now is in the list.
    pub fn services_changed(&mut self, services: Vec<Service>) {
        let was_on = self.selected().map(|s| s.id.clone());
        self.services = services;
        self.sel = was_on
            .and_then(|id| self.visible().iter().position(|s| s.id == id))
            .unwrap_or(0);
    }

    pub fn new(
        visit: VisitRow,
        employer: String,
        services: Vec<Service>,
        collective: bool,
        lang: Lang,
    ) -> RouteDialog {
        let consent = vec![
            Choice::new("", "请选择", "Choose"),
            Choice::new("yes", "同意", "Agreed"),
            Choice::new("no", "不同意", "Not agreed"),
        ];
        let mut form = Form::new(vec![
            FormField::choice(
                ROUTE_KIND,
                "服务类别",
                "Kind",
                placeholder("全部", "All", choices_of::<ServiceKind>()),
            ),
            FormField::text(ROUTE_SEARCH, "查找服务", "Find service"),
            FormField::choice(ROUTE_CONSENT, "同意提供信息", "Consent to share", consent)
                .short("同意提供", "Consent")
                .required(),
            FormField::text(ROUTE_OVERRIDE, "未同意的理由", "Reason without consent")
                .short("未同意理由", "If not, why"),
            FormField::choice(
                ROUTE_URGENCY,
                "紧急程度",
                "Urgency",
                choices_of::<Urgency>(),
            ),
            FormField::text(ROUTE_NOTE, "备注", "Note"),
        ]);
        form.set(ROUTE_URGENCY, visit.urgency.code());
        // Start at the kind the request suggests: arrears and contracts → legal, etc.
        let kind = match visit.category {
            Category::WageArrears | Category::Contract | Category::Injury | Category::Legal => {
                Some(ServiceKind::Legal)
            }
            Category::JobSeeking => Some(ServiceKind::Jobs),
            Category::Hardship | Category::MedicalAid | Category::Education => {
                Some(ServiceKind::Aid)
            }
            _ => None,
        };
        if let Some(k) = kind {
            form.set(ROUTE_KIND, k.code());
        }
        form.fit_labels(lang);
        form.focus_id(ROUTE_SEARCH);
        RouteDialog {
            visit,
            employer,
            form,
            services,
            sel: 0,
            collective,
            adding: false,
            service_scroll: None,
        }
    }

    /// Starts typing a service the directory lacks: its fields join the form after the
    /// search, the name taken from what was searched for.
    pub fn start_adding(&mut self, lang: Lang) {
        if self.adding {
            return;
        }
        let at = self
            .form
            .fields
            .iter()
            .position(|f| f.id == ROUTE_SEARCH)
            .map_or(self.form.fields.len(), |i| i + 1);
        let fields = [
            FormField::text(ROUTE_NEW_NAME, "新服务名称", "New service").required(),
            FormField::text(ROUTE_NEW_PROVIDER, "提供方", "Provider"),
            FormField::text(ROUTE_NEW_PHONE, "联系电话", "Phone"),
            FormField::text(ROUTE_NEW_ADDRESS, "地址", "Address"),
        ];
        self.form.fields.splice(at..at, fields);
        let name = self.form.get(ROUTE_SEARCH).trim().to_string();
        self.form.set(ROUTE_NEW_NAME, &name);
        self.form.fit_labels(lang);
        self.form.focus_id(if name.is_empty() {
            ROUTE_NEW_NAME
        } else {
            ROUTE_NEW_PROVIDER
        });
        self.adding = true;
    }

    /// Leaves the new service's fields: it was saved, or not wanted after all.
    pub fn stop_adding(&mut self) {
        self.form
            .fields
            .retain(|f| !NEW_SERVICE_FIELDS.contains(&f.id));
        self.form.focus_id(ROUTE_SEARCH);
        self.adding = false;
    }

    /// The service typed, checked as the intake checks a phone; the wrong fields marked.
    pub fn new_service(&mut self, lang: Lang) -> Option<Service> {
        let form = &mut self.form;
        form.clear_errors();
        let kind = form.choice::<ServiceKind>(ROUTE_KIND);
        let name = form.get(ROUTE_NEW_NAME).trim().to_string();
        let phone = form.get(ROUTE_NEW_PHONE);
        // An agency's hotline (12333, 95xxx, 400…) is a service's number, not a person's.
        let contact = if phone.trim().is_empty() {
            Ok(String::new())
        } else if let Some(hotline) = crate::domain::phone::service_number(&phone) {
            Ok(hotline)
        } else {
            crate::domain::phone::Phone::parse(&phone).map(|p| p.national_digits())
        };
        if kind.is_none() {
            let msg = lang.pick("请选择新服务的类别", "choose the new service's kind");
            form.set_error(ROUTE_KIND, Some(msg.into()));
        }
        if name.is_empty() {
            form.set_error(ROUTE_NEW_NAME, Some(lang.pick("必填", "required").into()));
        }
        if let Err(e) = &contact {
            form.set_error(ROUTE_NEW_PHONE, Some(e.message(lang)));
        }
        let first_wrong = [ROUTE_KIND, ROUTE_NEW_NAME, ROUTE_NEW_PHONE]
            .into_iter()
            .find(|id| form.field(id).error.is_some());
        if let Some(id) = first_wrong {
            form.focus_id(id);
            return None;
        }
        let mut service = Service::new(kind?, &name);
        service.provider = form.get(ROUTE_NEW_PROVIDER).trim().to_string();
        service.address = form.get(ROUTE_NEW_ADDRESS).trim().to_string();
        service.contact = contact.ok()?;
        Some(service)
    }

    /// The service just added: in the list, found by its name, and chosen.
    pub fn added(&mut self, service: Service) {
        self.stop_adding();
        self.form.set(ROUTE_KIND, service.kind.code());
        self.form.set(ROUTE_SEARCH, &service.name);
        let id = service.id.clone();
        self.services.push(service);
        self.sel = self.visible().iter().position(|s| s.id == id).unwrap_or(0);
    }

    /// The services shown for the chosen kind and search text, active ones first.
    pub fn visible(&self) -> Vec<&Service> {
        let kind = ServiceKind::from_code(&self.form.get(ROUTE_KIND));
        let q = self.form.get(ROUTE_SEARCH).trim().to_lowercase();
        self.services
            .iter()
            .filter(|s| kind.is_none_or(|k| s.kind == k))
            .filter(|s| {
                q.is_empty()
                    || s.name.to_lowercase().contains(&q)
                    || s.provider.to_lowercase().contains(&q)
                    || s.description.to_lowercase().contains(&q)
            })
            .collect()
    }

    pub fn selected(&self) -> Option<&Service> {
        self.visible().get(self.sel).copied()
    }

    /// The first line of the chosen service's box on screen.
    pub fn service_scroll(&self) -> u16 {
        match (&self.service_scroll, self.selected()) {
            (Some((id, by)), Some(s)) if *id == s.id => *by,
            _ => 0,
        }
    }

    /// PageDown / PageUp on the chosen service's box, as it was last drawn: at 80×24 a
    /// service's contact lines can lie below the box.
    pub fn turn_service_page(&mut self, down: bool, shown: Scrolled) {
        let by = shown.turned(self.service_scroll(), down);
        self.service_scroll = self.selected().map(|s| (s.id.clone(), by));
    }

    /// After typing in a field: only typing in the search narrows the list, so only then
    /// does the choice go back to its top. Typing a note or a reason keeps the service
    /// chosen (it once jumped back to the first, and the referral went there).
    pub fn edited(&mut self) {
        if self.form.focused_id() == ROUTE_SEARCH {
            self.sel = 0;
        }
    }

    pub fn move_sel(&mut self, step: isize) {
        let n = self.visible().len();
        if n == 0 {
            self.sel = 0;
            return;
        }
        // One step around the list, either way (`step` is ±1).
        self.sel = if step < 0 {
            (self.sel + n - 1) % n
        } else {
            (self.sel + 1) % n
        };
    }

    pub fn consent(&self) -> Option<bool> {
        match self.form.get(ROUTE_CONSENT).as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }

    pub fn selected_is_usable(&self) -> bool {
        self.selected()
            .is_some_and(|s| s.status == ServiceStatus::Active)
    }
}

/// What a referral dialog records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefAction {
    Decline,
    Close,
    Reopen,
    Transfer,
}

pub const F_REASON: &str = "reason";
pub const F_DECLINE_REASON: &str = "decline_reason";
pub const F_OUTCOME: &str = "outcome";
pub const F_OUTCOME_REASON: &str = "outcome_reason";
pub const F_WAGES: &str = "wages";
pub const F_WORKERS: &str = "workers";
pub const F_AID: &str = "aid";
pub const F_JOB: &str = "job";
pub const F_NOTE: &str = "note";
pub const F_OFFICER: &str = "officer";

#[derive(Debug, Clone)]
pub struct RefDialog {
    pub action: RefAction,
    pub referral: ReferralRow,
    pub form: Form,
    /// For a handover: the officers it can go to, in the choice's order.
    pub officers: Vec<Officer>,
}

impl RefDialog {
    pub fn new(
        action: RefAction,
        referral: ReferralRow,
        officers: Vec<Officer>,
        lang: Lang,
    ) -> RefDialog {
        let fields = match action {
            // A reason from the list, as closing offers outcomes; the note says more.
            RefAction::Decline => vec![
                FormField::choice(
                    F_DECLINE_REASON,
                    "退回理由",
                    "Reason",
                    placeholder("请选择", "Choose", choices_of::<DeclineReason>()),
                )
                .required(),
                FormField::text(F_NOTE, "说明", "Note"),
            ],
            RefAction::Reopen => {
                vec![FormField::text(F_REASON, "重新打开的理由", "Reason").required()]
            }
            RefAction::Close => {
                let mut fields = vec![
                    FormField::choice(
                        F_OUTCOME,
                        "办理结果",
                        "Outcome",
                        placeholder(
                            "请选择",
                            "Choose",
                            // 已转他站 is the hub's to record, when the other station accepts.
                            choices_of::<Outcome>()
                                .into_iter()
                                .filter(|c| c.code != Outcome::Transferred.code())
                                .collect(),
                        ),
                    )
                    .required(),
                    FormField::choice(
                        F_OUTCOME_REASON,
                        "未全部解决原因",
                        "Why not resolved",
                        placeholder("无", "None", choices_of::<OutcomeReason>()),
                    ),
                ];
                if referral.category == Category::WageArrears {
                    fields.push(FormField::text(
                        F_WAGES,
                        "追回工资(元)",
                        "Wages recovered (¥)",
                    ));
                    fields.push(FormField::text(
                        F_WORKERS,
                        "惠及职工(人)",
                        "Workers covered",
                    ));
                }
                match referral.kind {
                    ServiceKind::Aid => {
                        fields.push(FormField::text(F_AID, "发放救助(元)", "Aid paid (¥)"))
                    }
                    ServiceKind::Jobs => {
                        fields.push(FormField::text(F_JOB, "已就业岗位", "Placed in job"))
                    }
                    _ => {}
                }
                fields.push(FormField::text(F_NOTE, "备注", "Note"));
                fields
            }
            RefAction::Transfer => {
                let options = officers
                    .iter()
                    .map(|o| {
                        Choice::new(
                            o.id.clone(),
                            format!("{}({})", o.name, o.role.zh()),
                            format!("{} ({})", o.name, o.role.en()),
                        )
                    })
                    .collect();
                vec![FormField::choice(F_OFFICER, "转交给", "Hand to", options)]
            }
        };
        let mut form = Form::new(fields);
        if action == RefAction::Close
            && let Some(n) = referral.headcount
        {
            form.set(F_WORKERS, &n.to_string());
        }
        form.fit_labels(lang);
        RefDialog {
            action,
            referral,
            form,
            officers,
        }
    }

    pub fn title(&self, lang: Lang) -> String {
        let what = match self.action {
            RefAction::Decline => lang.pick("退回转介", "Decline referral"),
            RefAction::Close => lang.pick("办结转介", "Close referral"),
            RefAction::Reopen => lang.pick("重新打开转介", "Reopen referral"),
            RefAction::Transfer => lang.pick("转交给其他值班人员", "Hand over to another officer"),
        };
        format!(
            "{what} · {} · {}",
            self.referral.visitor_name, self.referral.service_name
        )
    }
}

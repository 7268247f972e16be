//! Referrals: the services the desk routes to, a referral's states and the moves between
//! them, outcomes, and deadline rules (限时办结). No SQL, no terminal.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::calendar::WorkCalendar;
use crate::domain::labels::Labeled;
use crate::domain::lists::Urgency;
use crate::i18n::Lang;
use crate::labeled_enum;
use crate::words::{self, Arg, Said};

labeled_enum!(
    /// Where a request is routed (三位一体: 维权 · 帮扶 · 服务, plus other agencies).
    ServiceKind {
        Legal => "legal", "法律援助", "Legal aid";
        Jobs => "jobs", "就业", "Jobs";
        Aid => "aid", "困难帮扶", "Hardship aid";
        Agency => "agency", "其他部门", "Other agency";
    }
);

labeled_enum!(
    ServiceStatus {
        Active => "active", "正常", "Active";
        TemporarilyClosed => "temporarily_closed", "暂停", "Temporarily closed";
        Inactive => "inactive", "停用", "Inactive";
    }
);

labeled_enum!(
    /// Which time limit a service's referrals get.
    DeadlineRule {
        LegalConsultation => "legal_consultation", "法律咨询", "Legal consultation";
        LegalAid => "legal_aid", "法律援助", "Legal aid";
        HardshipAid => "hardship_aid", "困难帮扶", "Hardship aid";
        Jobs => "jobs", "就业", "Jobs";
        Agency => "agency", "其他部门", "Other agency";
    }
);

impl DeadlineRule {
    /// The rule a service of this kind gets when its record names none.
    pub fn for_kind(kind: ServiceKind) -> DeadlineRule {
        match kind {
            ServiceKind::Legal => DeadlineRule::LegalAid,
            ServiceKind::Jobs => DeadlineRule::Jobs,
            ServiceKind::Aid => DeadlineRule::HardshipAid,
            ServiceKind::Agency => DeadlineRule::Agency,
        }
    }
}

labeled_enum!(
    ReferralStatus {
        Sent => "sent", "待受理", "Sent";
        Accepted => "accepted", "已受理", "Accepted";
        Declined => "declined", "已退回", "Declined";
        InProgress => "in_progress", "办理中", "In progress";
        Closed => "closed", "已办结", "Closed";
    }
);

impl ReferralStatus {
    /// Still waiting on someone: counts in the queue and can be overdue.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Sent | ReferralStatus::Accepted | ReferralStatus::InProgress
        )
    }

    pub const OPEN: [ReferralStatus; 3] = [
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::InProgress,
    ];
}

labeled_enum!(
    Outcome {
        Resolved => "resolved", "已解决", "Resolved";
        Partly => "partly", "部分解决", "Partly resolved";
        NotResolved => "not_resolved", "未解决", "Not resolved";
        Transferred => "transferred", "已转他站", "Transferred to another station";
    }
);

labeled_enum!(
    /// Why a referral ended without (full) resolution.
    OutcomeReason {
        Withdrew => "withdrew", "来访人撤回", "Visitor withdrew";
        Unreachable => "unreachable", "联系不上", "Unreachable";
        NotEligible => "not_eligible", "不符合条件", "Not eligible";
        NoCapacity => "no_capacity", "无力承接", "No capacity";
        ReferredElsewhere => "referred_elsewhere", "已转其他渠道", "Referred elsewhere";
    }
);

labeled_enum!(
    /// Why a referral was declined (退回), chosen from a list as closing chooses an outcome.
    DeclineReason {
        NotInScope => "not_in_scope", "不属受理范围", "Not within its remit";
        Incomplete => "incomplete", "材料不全", "Documents incomplete";
        ReferredElsewhere => "referred_elsewhere", "已转其他渠道", "Referred elsewhere";
        Withdrew => "withdrew", "来访人撤回", "Visitor withdrew";
        Other => "other", "其他", "Other";
    }
);

/// Why a change to a referral is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoDeclineReason,
    /// Declined as "other" without the note that says what it is.
    OtherWithoutNote,
    NoOutcome,
    UnresolvedWithoutReason,
    /// A move not allowed from the referral's status.
    Move {
        tried: Move,
        from: ReferralStatus,
    },
}

impl Refusal {
    /// Why, in `lang` (the catalog's `referral.*`); a refused move says what is allowed.
    pub fn message(self, lang: Lang) -> String {
        self.said().say(lang)
    }

    /// Why, as a message of the catalog (`referral.*`).
    pub fn said(self) -> Said {
        match self {
            Refusal::NoDeclineReason => Said::new("referral.no_decline_reason"),
            Refusal::OtherWithoutNote => Said::new("referral.other_without_note"),
            Refusal::NoOutcome => Said::new("referral.no_outcome"),
            Refusal::UnresolvedWithoutReason => Said::new("referral.unresolved_without_reason"),
            Refusal::Move { tried, from } => {
                let allowed = allowed_moves(from);
                let allowed = if allowed.is_empty() {
                    Arg::from(Said::new("referral.allowed_none"))
                } else {
                    Arg::Joined {
                        items: allowed.into_iter().map(|m| Arg::from(m.said())).collect(),
                        sep: Box::new(Said::new("referral.allowed_sep")),
                    }
                };
                Said::new("referral.refused_move")
                    .with_arg("status", from.arg_lower())
                    .with_said("move", tried.said())
                    .with_arg("allowed", allowed)
            }
        }
    }
}

/// A decline needs a reason from the list; "other" also needs the note that says it.
pub fn decline_refusal(reason: Option<DeclineReason>, note: &str) -> Result<(), Refusal> {
    match reason {
        None => Err(Refusal::NoDeclineReason),
        Some(DeclineReason::Other) if note.trim().is_empty() => Err(Refusal::OtherWithoutNote),
        Some(_) => Ok(()),
    }
}

/// [`decline_refusal`] in words (the store says a refusal in both languages).
pub fn check_decline(reason: Option<DeclineReason>, note: &str, lang: Lang) -> Result<(), String> {
    decline_refusal(reason, note).map_err(|r| r.message(lang))
}

/// A move a referral can make. Each is recorded as an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    Accept,
    Decline,
    Start,
    Close,
    Reopen,
}

impl Move {
    pub const ALL: [Move; 5] = [
        Move::Accept,
        Move::Decline,
        Move::Start,
        Move::Close,
        Move::Reopen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Move::Accept => "accepted",
            Move::Decline => "declined",
            Move::Start => "started",
            Move::Close => "closed",
            Move::Reopen => "reopened",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Move::Accept => words::word(lang, "referral.move.accept"),
            Move::Decline => words::word(lang, "referral.move.decline"),
            Move::Start => words::word(lang, "referral.move.start"),
            Move::Close => words::word(lang, "referral.move.close"),
            Move::Reopen => words::word(lang, "referral.move.reopen"),
        }
    }

    /// The move's name as a message of the catalog, to put into a sentence.
    pub fn said(self) -> Said {
        match self {
            Move::Accept => Said::new("referral.move.accept"),
            Move::Decline => Said::new("referral.move.decline"),
            Move::Start => Said::new("referral.move.start"),
            Move::Close => Said::new("referral.move.close"),
            Move::Reopen => Said::new("referral.move.reopen"),
        }
    }

    /// Where the move goes from `from`, or `None` if it is not allowed there.
    ///
    /// 待受理 → 已受理 | 已退回; 已受理 → 办理中 | 已办结; 办理中 → 已办结;
    /// 已办结 → 办理中 and 已退回 → 待受理 (reopening, recorded).
    pub fn target(self, from: ReferralStatus) -> Option<ReferralStatus> {
        use ReferralStatus::*;
        match (self, from) {
            (Move::Accept, Sent) => Some(Accepted),
            (Move::Decline, Sent) => Some(Declined),
            (Move::Start, Accepted) | (Move::Reopen, Closed) => Some(InProgress),
            (Move::Close, Accepted | InProgress) => Some(Closed),
            (Move::Reopen, Declined) => Some(Sent),
            _ => None,
        }
    }
}

/// The moves allowed from `from`.
pub fn allowed_moves(from: ReferralStatus) -> Vec<Move> {
    Move::ALL
        .into_iter()
        .filter(|m| m.target(from).is_some())
        .collect()
}

/// The message for a move that is not allowed: what it was, and what is allowed instead.
pub fn refused_move(m: Move, from: ReferralStatus, lang: Lang) -> String {
    Refusal::Move { tried: m, from }.message(lang)
}

/// What closing records: the outcome and the figures that matter for reporting.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Closing {
    pub outcome: Option<Outcome>,
    pub reason: Option<OutcomeReason>,
    pub wages_recovered_fen: Option<i64>,
    pub workers_covered: Option<i64>,
    pub aid_paid_fen: Option<i64>,
    pub placed_job: String,
}

impl Closing {
    /// An outcome is required; "not resolved" also needs its reason.
    pub fn refusal(&self) -> Result<(), Refusal> {
        match (self.outcome, self.reason) {
            (None, _) => Err(Refusal::NoOutcome),
            (Some(Outcome::NotResolved), None) => Err(Refusal::UnresolvedWithoutReason),
            _ => Ok(()),
        }
    }

    /// [`Closing::refusal`] in words.
    pub fn check(&self, lang: Lang) -> Result<(), String> {
        self.refusal().map_err(|r| r.message(lang))
    }
}

/// Working days per rule; urgent referrals get half (rounded up, at least one).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeadlineRules {
    pub legal_consultation: u32,
    pub legal_aid: u32,
    pub hardship_aid: u32,
    pub jobs: u32,
    pub agency: u32,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            legal_consultation: 1,
            legal_aid: 15,
            hardship_aid: 10,
            jobs: 5,
            agency: 7,
        }
    }
}

impl DeadlineRules {
    pub fn working_days(&self, rule: DeadlineRule, urgency: Urgency) -> u32 {
        let days = match rule {
            DeadlineRule::LegalConsultation => self.legal_consultation,
            DeadlineRule::LegalAid => self.legal_aid,
            DeadlineRule::HardshipAid => self.hardship_aid,
            DeadlineRule::Jobs => self.jobs,
            DeadlineRule::Agency => self.agency,
        };
        match urgency {
            Urgency::Urgent => days.div_ceil(2).max(1),
            Urgency::Normal => days,
        }
    }

    /// The due date of a referral made on `made_on`.
    pub fn due(
        &self,
        calendar: &WorkCalendar,
        made_on: NaiveDate,
        rule: DeadlineRule,
        urgency: Urgency,
    ) -> NaiveDate {
        calendar.add_working_days(made_on, self.working_days(rule, urgency))
    }
}

/// Where an open referral stands against its deadline, in queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueState {
    /// Past due, with calendar days late.
    Overdue(i64),
    DueToday,
    /// Due within 3 days.
    DueSoon,
    Later,
}

pub fn due_state(due: NaiveDate, today: NaiveDate) -> DueState {
    let days = (due - today).num_days();
    match days {
        d if d < 0 => DueState::Overdue(-d),
        0 => DueState::DueToday,
        1..=3 => DueState::DueSoon,
        _ => DueState::Later,
    }
}

/// Whether the due date is in the past, today, soon or later, for colour and order.
pub fn due_words(due: NaiveDate, today: NaiveDate, lang: Lang) -> String {
    let n = |n: i64| n.to_string();
    match due_state(due, today) {
        DueState::Overdue(d) => words::say(lang, "referral.due.overdue", &[("n", &n(d))]),
        DueState::DueToday => words::word(lang, "referral.due.today").to_string(),
        DueState::DueSoon => words::say(
            lang,
            "referral.due.soon",
            &[("n", &n((due - today).num_days()))],
        ),
        DueState::Later => due.format("%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::labels::Labeled;
    use ReferralStatus::*;

    #[test]
    fn every_move_from_every_state_is_allowed_or_refused_as_documented() {
        let expected: &[(Move, ReferralStatus, Option<ReferralStatus>)] = &[
            (Move::Accept, Sent, Some(Accepted)),
            (Move::Accept, Accepted, None),
            (Move::Accept, Declined, None),
            (Move::Accept, InProgress, None),
            (Move::Accept, Closed, None),
            (Move::Decline, Sent, Some(Declined)),
            (Move::Decline, Accepted, None),
            (Move::Decline, Declined, None),
            (Move::Decline, InProgress, None),
            (Move::Decline, Closed, None),
            (Move::Start, Sent, None),
            (Move::Start, Accepted, Some(InProgress)),
            (Move::Start, Declined, None),
            (Move::Start, InProgress, None),
            (Move::Start, Closed, None),
            (Move::Close, Sent, None),
            (Move::Close, Accepted, Some(Closed)),
            (Move::Close, Declined, None),
            (Move::Close, InProgress, Some(Closed)),
            (Move::Close, Closed, None),
            (Move::Reopen, Sent, None),
            (Move::Reopen, Accepted, None),
            (Move::Reopen, Declined, Some(Sent)),
            (Move::Reopen, InProgress, None),
            (Move::Reopen, Closed, Some(InProgress)),
        ];
        assert_eq!(expected.len(), Move::ALL.len() * ReferralStatus::ALL.len());
        for (m, from, to) in expected {
            assert_eq!(m.target(*from), *to, "{m:?} from {from:?}");
        }
    }

    #[test]
    fn a_refused_move_says_what_is_allowed() {
        let zh = refused_move(Move::Close, Sent, Lang::Zh);
        assert_eq!(zh, "“待受理”状态下不能办结;可以:受理、退回");
        let en = refused_move(Move::Start, Closed, Lang::En);
        assert_eq!(
            en,
            "a referral that is closed cannot start; allowed: reopen"
        );
    }

    #[test]
    fn closing_needs_an_outcome_and_a_reason_when_unresolved() {
        let mut c = Closing::default();
        assert!(c.check(Lang::En).is_err());
        c.outcome = Some(Outcome::NotResolved);
        assert!(c.check(Lang::En).unwrap_err().contains("reason"));
        c.reason = Some(OutcomeReason::Unreachable);
        assert!(c.check(Lang::En).is_ok());
        let resolved = Closing {
            outcome: Some(Outcome::Resolved),
            ..Closing::default()
        };
        assert!(resolved.check(Lang::En).is_ok());
    }

    #[test]
    fn a_decline_needs_a_listed_reason_and_other_needs_its_note() {
        assert!(check_decline(None, "材料不全", Lang::Zh).is_err());
        assert!(check_decline(Some(DeclineReason::Incomplete), "", Lang::Zh).is_ok());
        let e = check_decline(Some(DeclineReason::Other), " ", Lang::En).unwrap_err();
        assert!(e.contains("note"), "{e}");
        assert!(check_decline(Some(DeclineReason::Other), "已由街道处理", Lang::Zh).is_ok());
        let zh: Vec<&str> = DeclineReason::ALL.iter().map(|r| r.zh()).collect();
        assert_eq!(
            zh,
            [
                "不属受理范围",
                "材料不全",
                "已转其他渠道",
                "来访人撤回",
                "其他"
            ]
        );
    }

    #[test]
    fn urgent_halves_the_working_days_rounding_up() {
        let r = DeadlineRules::default();
        assert_eq!(r.working_days(DeadlineRule::LegalAid, Urgency::Normal), 15);
        assert_eq!(r.working_days(DeadlineRule::LegalAid, Urgency::Urgent), 8);
        assert_eq!(r.working_days(DeadlineRule::Jobs, Urgency::Urgent), 3);
        assert_eq!(
            r.working_days(DeadlineRule::LegalConsultation, Urgency::Urgent),
            1
        );
        let cal = WorkCalendar::china();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Hardship aid (10 working days) made on Thursday 2026-09-24 crosses 中秋 (09-25
        // off) and 国庆: 28, 29, 30, 10-08, 09, 10 (Sat, worked), 12, 13, 14, 15.
        assert_eq!(
            r.due(
                &cal,
                d("2026-09-24"),
                DeadlineRule::HardshipAid,
                Urgency::Normal
            ),
            d("2026-10-15")
        );
    }

    #[test]
    fn due_states_order_overdue_first() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let at = |n: i64| due_state(today + chrono::Duration::days(n), today);
        assert_eq!(at(-3), DueState::Overdue(3));
        assert_eq!(at(0), DueState::DueToday);
        assert_eq!(at(3), DueState::DueSoon);
        assert_eq!(at(4), DueState::Later);
        assert!(at(-1) < at(0) && at(0) < at(2) && at(2) < at(9));
    }
}

//! `dutydesk referrals list`: the queue as a table, CSV or JSON data.

use anyhow::{Result, anyhow};
use chrono::{NaiveDate, Utc};

use crate::domain::clock::china_zone;
use crate::domain::labels::Labeled;
use crate::domain::money;
use crate::domain::referral::due_words;
use crate::i18n::Lang;
use crate::report::Format;
use crate::store::{QueueFilter, ReferralRow, StatusFilter, Store};

fn fen(v: Option<i64>) -> String {
    v.map(money::format_fen).unwrap_or_default()
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// The queue's columns, in Chinese and English, and their keys in JSON.
const QUEUE_HEADERS_ZH: [&str; 19] = [
    "办结时限",
    "时限状态",
    "状态",
    "来访人",
    "诉求类别",
    "服务类别",
    "服务",
    "承办人",
    "待接收人",
    "涉及人数",
    "欠薪金额",
    "办理结果",
    "退回理由",
    "追回工资",
    "惠及人数",
    "发放救助",
    "就业岗位",
    "转介时间",
    "首问责任人",
];
const QUEUE_HEADERS_EN: [&str; 19] = [
    "due",
    "due state",
    "status",
    "visitor",
    "request",
    "kind",
    "service",
    "owner",
    "handed to",
    "workers",
    "amount owed",
    "outcome",
    "decline reason",
    "wages recovered",
    "workers covered",
    "aid paid",
    "placed job",
    "referred at",
    "first contact",
];
const QUEUE_KEYS: [&str; 19] = [
    "due_on",
    "due_state",
    "status",
    "visitor",
    "category",
    "kind",
    "service",
    "owner",
    "pending_owner",
    "headcount",
    "amount_owed",
    "outcome",
    "decline_reason",
    "wages_recovered",
    "workers_covered",
    "aid_paid",
    "placed_job",
    "created_at",
    "first_contact",
];

/// A referral as a row of the queue's table.
fn queue_row(r: &ReferralRow, today: NaiveDate, lang: Lang) -> Vec<String> {
    let state = if r.status.is_open() {
        due_words(r.due_on, today, lang)
    } else {
        String::new()
    };
    vec![
        r.due_on.format("%Y-%m-%d").to_string(),
        state,
        r.status.label(lang).to_string(),
        r.visitor_name.clone(),
        r.category.label(lang).to_string(),
        r.kind.label(lang).to_string(),
        r.service_name.clone(),
        r.owner_name.clone(),
        r.pending_owner_name.clone().unwrap_or_default(),
        num(r.headcount),
        fen(r.amount_owed_fen),
        r.outcome
            .map(|o| o.label(lang).to_string())
            .unwrap_or_default(),
        r.declined_because(lang),
        fen(r.wages_recovered_fen),
        num(r.workers_covered),
        fen(r.aid_paid_fen),
        r.placed_job.clone(),
        r.created_at
            .with_timezone(&china_zone())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        r.first_contact_name.clone(),
    ]
}

pub fn list(
    store: &Store,
    overdue: bool,
    mine: Option<&str>,
    all: bool,
    format: Format,
    lang: Lang,
) -> Result<()> {
    let mine = match mine {
        Some(name) => {
            let o = store
                .officer_by_name(name)
                .map_err(|e| anyhow!(e.message(lang)))?
                .ok_or_else(|| {
                    let roster: Vec<String> = store
                        .officers()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|o| o.name)
                        .collect();
                    anyhow!(match lang {
                        Lang::Zh => format!("名册中没有“{name}”(现有:{})", roster.join("、")),
                        Lang::En => format!(
                            "no officer {name:?} on the roster (there are: {})",
                            roster.join(", ")
                        ),
                    })
                })?;
            Some(o.id)
        }
        None => None,
    };
    let filter = QueueFilter {
        mine,
        kind: None,
        status: if all {
            StatusFilter::All
        } else {
            StatusFilter::Open
        },
        overdue_only: overdue,
    };
    let today = Utc::now().with_timezone(&china_zone()).date_naive();
    let rows = store
        .queue(&filter, today, usize::MAX)
        .map_err(|e| anyhow!(e.message(lang)))?;
    if format == Format::Json {
        let records: Vec<serde_json::Value> =
            rows.iter().map(|r| referral_json(r, today, lang)).collect();
        return crate::report::print_json(&records);
    }
    let table: Vec<Vec<String>> = rows.iter().map(|r| queue_row(r, today, lang)).collect();
    let headers: &[&str] = match lang {
        Lang::Zh => &QUEUE_HEADERS_ZH,
        Lang::En => &QUEUE_HEADERS_EN,
    };
    crate::report::print_rows(format, headers, &QUEUE_KEYS, &table)
}

/// One referral as data: ids, codes beside labels, numbers as numbers, ISO dates, days
/// overdue as a number (the queue's definition).
fn referral_json(
    r: &crate::store::ReferralRow,
    today: chrono::NaiveDate,
    lang: Lang,
) -> serde_json::Value {
    use crate::domain::referral::{DueState, due_state};
    let (due_state_code, days_overdue) = if r.status.is_open() {
        match due_state(r.due_on, today) {
            DueState::Overdue(n) => ("overdue", Some(n)),
            DueState::DueToday => ("due_today", None),
            DueState::DueSoon => ("due_soon", None),
            DueState::Later => ("later", None),
        }
    } else {
        ("closed", None)
    };
    serde_json::json!({
        "id": r.id,
        "visit_id": r.visit_id,
        "visitor": r.visitor_name,
        "category": r.category.code(),
        "category_label": r.category.label(lang),
        "kind": r.kind.code(),
        "kind_label": r.kind.label(lang),
        "service_id": r.service_id,
        "service": r.service_name,
        "status": r.status.code(),
        "status_label": r.status.label(lang),
        "urgency": r.urgency.code(),
        "owner_id": r.owner_id,
        "owner": r.owner_name,
        "pending_owner_id": r.pending_owner_id,
        "pending_owner": r.pending_owner_name,
        "first_contact": r.first_contact_name,
        "headcount": r.headcount,
        "amount_owed_fen": r.amount_owed_fen,
        "amount_owed_yuan": crate::report::yuan(r.amount_owed_fen),
        "due_on": r.due_on.format("%Y-%m-%d").to_string(),
        "due_state": due_state_code,
        "days_overdue": days_overdue,
        "outcome": r.outcome.map(|o| o.code()),
        "outcome_label": r.outcome.map(|o| o.label(lang)),
        "decline_reason": r.decline_code.map(|c| c.code()),
        "decline_reason_label": r.decline_code.map(|c| c.label(lang)),
        "decline_note": r.decline_reason,
        "wages_recovered_fen": r.wages_recovered_fen,
        "wages_recovered_yuan": crate::report::yuan(r.wages_recovered_fen),
        "workers_covered": r.workers_covered,
        "aid_paid_fen": r.aid_paid_fen,
        "aid_paid_yuan": crate::report::yuan(r.aid_paid_fen),
        "placed_job": r.placed_job,
        "created_at": crate::store::ts(r.created_at),
        "version": r.version,
    })
}

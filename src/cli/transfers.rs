//! `dutydesk referrals transfer | incoming | accept | refuse`: a referral handed to another
//! station through the county hub (issue 20). Each is an act of a named officer (`--officer`,
//! or the desk's officer on duty), recorded at the desk that owns the row.

use anyhow::{Result, anyhow};
use chrono::Utc;

use crate::domain::clock::china_zone;
use crate::i18n::Lang;
use crate::report::Format;
use crate::store::{IncomingTransfer, Store};

/// The officer acting: the one named, or the desk's officer on duty.
fn officer(store: &Store, name: Option<&str>, lang: Lang) -> Result<String> {
    let found = match name {
        Some(n) => store
            .officer_by_name(n)
            .map_err(|e| anyhow!(e.message(lang)))?,
        None => store
            .current_officer()
            .map_err(|e| anyhow!(e.message(lang)))?,
    };
    found.map(|o| o.id).ok_or_else(|| {
        anyhow!(match (name, lang) {
            (Some(n), Lang::Zh) => format!("名册中没有“{n}”"),
            (Some(n), Lang::En) => format!("no officer {n:?} on the roster"),
            (None, Lang::Zh) => "请用 --officer 指明由谁办理(本值班台没有当班人员)".into(),
            (None, Lang::En) =>
                "say who does this with --officer (this desk has no officer on duty)".into(),
        })
    })
}

/// A referral's id from its first characters (one referral only).
fn referral_id(store: &Store, given: &str, lang: Lang) -> Result<String> {
    let prefix = given.trim().to_ascii_lowercase();
    let ids = store
        .referral_ids_from(&prefix, 2)
        .map_err(|e| anyhow!(e.message(lang)))?;
    match ids.ids.as_slice() {
        [one] if !prefix.is_empty() => Ok(one.clone()),
        [] | [_] => Err(anyhow!(lang.pick(
            "没有这条转介(dutydesk referrals list --all --format json 可查编号)",
            "no such referral (dutydesk referrals list --all --format json shows the ids)"
        ))),
        _ => Err(anyhow!(lang.pick(
            "有多条转介的编号以此开头,请多写几位",
            "several referrals' ids start so: give more characters"
        ))),
    }
}

/// One record as a JSON object.
fn print_one(v: &serde_json::Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn time(t: Option<chrono::DateTime<Utc>>) -> String {
    t.map(|t| {
        t.with_timezone(&china_zone())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_default()
}

fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "waiting" => lang.pick("待答复", "waiting"),
        "asked" => lang.pick("待对方答复", "asked"),
        "accepted" => lang.pick("已接收", "accepted"),
        _ => lang.pick("已拒绝", "refused"),
    }
}

/// `referrals transfer REF --to STATION --consent [--note T]`.
#[allow(clippy::too_many_arguments)] // the command's own arguments, one each
pub fn transfer(
    store: &mut Store,
    referral: &str,
    to: &str,
    consent: bool,
    note: &str,
    by: Option<&str>,
    format: Format,
    lang: Lang,
) -> Result<()> {
    let id = referral_id(store, referral, lang)?;
    let officer = officer(store, by, lang)?;
    let out = crate::hub::transfer::request(store, &id, to, consent, note, &officer, lang)?;
    if format == Format::Json {
        return print_one(&serde_json::json!({
            "id": out.id,
            "referral_id": out.referral_id,
            "to_station": out.to_station,
            "status": out.status,
            "requested_at": crate::store::ts(out.requested_at),
        }));
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已记录转给“{}”的请求(编号 {}),下次同步时送出;对方答复后随同步回到本站",
                out.to_station, out.id
            ),
            Lang::En => format!(
                "recorded the request to {} (id {}); it goes with the next sync, and the answer comes back with a later one",
                out.to_station, out.id
            ),
        }
    );
    Ok(())
}

fn incoming_json(t: &IncomingTransfer) -> serde_json::Value {
    let r = &t.request;
    serde_json::json!({
        "id": r.id,
        "from_station": r.from_station,
        "status": t.status,
        "kind": r.kind,
        "service": r.service_name,
        "category": r.category,
        "urgency": r.urgency,
        "summary": r.summary,
        "headcount": r.headcount,
        "amount_owed_fen": r.amount_owed_fen,
        "visitor": r.visitor_name,
        "id_number_hmac": r.id_number_hmac,
        "phone_hmac": r.phone_hmac,
        "employer": r.employer,
        "note": r.note,
        "requested_at": r.requested_at,
        "received_at": crate::store::ts(t.received_at),
        "answered_by": t.answered_by,
        "answered_at": t.answered_at.map(crate::store::ts),
        "reason": t.reason,
        "referral_id": t.referral_id,
    })
}

/// `referrals incoming [--all]`: requests other stations addressed to this one.
pub fn incoming(store: &Store, all: bool, format: Format, lang: Lang) -> Result<()> {
    let rows = store
        .incoming_transfers(all)
        .map_err(|e| anyhow!(e.message(lang)))?;
    if format == Format::Json {
        let records: Vec<serde_json::Value> = rows.iter().map(incoming_json).collect();
        return crate::report::print_json(&records);
    }
    let headers: &[&str] = match lang {
        Lang::Zh => &[
            "编号",
            "来自",
            "状态",
            "服务",
            "来访人",
            "诉求",
            "收到",
            "答复人",
            "理由",
        ],
        Lang::En => &[
            "id",
            "from",
            "status",
            "service",
            "visitor",
            "request",
            "received",
            "answered by",
            "reason",
        ],
    };
    let keys = [
        "id",
        "from_station",
        "status",
        "service",
        "visitor",
        "summary",
        "received_at",
        "answered_by",
        "reason",
    ];
    let table: Vec<Vec<String>> =
        rows.iter()
            .map(|t| {
                vec![
                    t.request.id.clone(),
                    t.request.from_station.clone(),
                    status_label(&t.status, lang).to_string(),
                    t.request.service_name.clone(),
                    t.request.visitor_name.clone().unwrap_or_else(|| {
                        lang.pick("(县里不传姓名)", "(no names at the hub)").into()
                    }),
                    t.request.summary.clone(),
                    time(Some(t.received_at)),
                    t.answered_by.clone().unwrap_or_default(),
                    t.reason.clone(),
                ]
            })
            .collect();
    crate::report::print_rows(format, headers, &keys, &table)
}

/// `referrals accept ID [--service S]`: this station takes the case on as its own.
pub fn accept(
    store: &mut Store,
    config: &crate::config::Config,
    id: &str,
    service: Option<&str>,
    by: Option<&str>,
    format: Format,
    lang: Lang,
) -> Result<()> {
    let officer = officer(store, by, lang)?;
    let now = Utc::now();
    let today = now.with_timezone(&china_zone()).date_naive();
    let due = |s: &crate::store::Service, u| {
        config
            .deadlines
            .due(&config.calendar, today, s.deadline_rule, u)
    };
    let row = store
        .accept_station_transfer(id.trim(), service, &officer, &due, now)
        .map_err(|e| anyhow!(e.message(lang)))?;
    if format == Format::Json {
        return print_one(&serde_json::json!({
            "id": id.trim(),
            "status": "accepted",
            "referral_id": row.id,
            "visit_id": row.visit_id,
            "service": row.service_name,
            "due_on": row.due_on.format("%Y-%m-%d").to_string(),
            "answered_at": crate::store::ts(now),
        }));
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已接收:本站的转介 {}(转至“{}”,{}前办结);答复随下次同步送回",
                row.id, row.service_name, row.due_on
            ),
            Lang::En => format!(
                "accepted: this station's referral {} (to {}, due {}); the answer goes back with the next sync",
                row.id, row.service_name, row.due_on
            ),
        }
    );
    Ok(())
}

/// `referrals refuse ID --reason T`.
pub fn refuse(
    store: &mut Store,
    id: &str,
    reason: &str,
    by: Option<&str>,
    format: Format,
    lang: Lang,
) -> Result<()> {
    let officer = officer(store, by, lang)?;
    let now = Utc::now();
    store
        .refuse_station_transfer(id.trim(), reason, &officer, now)
        .map_err(|e| anyhow!(e.message(lang)))?;
    if format == Format::Json {
        return print_one(&serde_json::json!({
            "id": id.trim(),
            "status": "refused",
            "reason": reason.trim(),
            "answered_at": crate::store::ts(now),
        }));
    }
    println!(
        "{}",
        lang.pick(
            "已拒绝;理由随下次同步送回请求方",
            "refused; the reason goes back to the station that asked with the next sync"
        )
    );
    Ok(())
}

//! Referrals in the store: consent, the rules of each move, transfers, the queue's order,
//! two desks on one file, and the history every change leaves.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dutydesk::config::Config;
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Role, Urgency};
use dutydesk::domain::referral::{
    Closing, DeadlineRule, Move, Outcome, OutcomeReason, ReferralStatus, ServiceKind, ServiceStatus,
};
use dutydesk::i18n::Lang;
use dutydesk::store::{
    NewReferral, QueueFilter, ReferralRow, Service, StatusFilter, Store, queue_sql,
};

/// 2026-11-23 10:00 in the station's zone (a Monday).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

struct Desk {
    store: Store,
    station: String,
    li: String,
    wang: String,
    visit: String,
    legal: String,
    closed_service: String,
}

fn service(kind: ServiceKind, id: &str, name: &str, status: ServiceStatus) -> Service {
    Service {
        source_id: Some(id.into()),
        status,
        ..Service::new(kind, name)
    }
}

fn desk_at(path: &std::path::Path) -> Desk {
    let mut store = Store::open(path).unwrap();
    let st = store.create_station("城西街道职工服务站", now()).unwrap();
    let li = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", now())
        .unwrap();
    let wang = store
        .officer_or_add(&st, "王建国", Role::Deputy, "", now())
        .unwrap();
    store
        .upsert_services(
            &[
                service(
                    ServiceKind::Legal,
                    "L1",
                    "职工法律援助",
                    ServiceStatus::Active,
                ),
                service(
                    ServiceKind::Legal,
                    "L2",
                    "女职工权益咨询",
                    ServiceStatus::TemporarilyClosed,
                ),
            ],
            now(),
        )
        .unwrap();
    let intake = validate(&RawIntake {
        name: "张三".into(),
        employer: "城西建筑公司".into(),
        category: Some(Category::WageArrears),
        headcount: "13".into(),
        amount_owed: "115000".into(),
        ..Default::default()
    })
    .unwrap();
    let saved = store.save_intake(&intake, &st.id, &li.id, now()).unwrap();
    let services = store.services(None).unwrap();
    let id_of = |src: &str| {
        services
            .iter()
            .find(|s| s.source_id.as_deref() == Some(src))
            .unwrap()
            .id
            .clone()
    };
    Desk {
        legal: id_of("L1"),
        closed_service: id_of("L2"),
        store,
        station: st.id,
        li: li.id,
        wang: wang.id,
        visit: saved.visit_id,
    }
}

fn new_referral(d: &Desk, due: NaiveDate) -> NewReferral {
    NewReferral {
        visit_id: d.visit.clone(),
        service_id: d.legal.clone(),
        consent: true,
        consent_override: String::new(),
        note: "带齐考勤记录".into(),
        urgency: Urgency::Urgent,
        due_on: due,
        job_id: None,
    }
}

fn refer(d: &mut Desk, due: NaiveDate) -> ReferralRow {
    let n = new_referral(d, due);
    d.store
        .create_referral(&n, &d.station.clone(), &d.li.clone(), now())
        .unwrap()
}

#[allow(clippy::needless_pass_by_value)] // takes the error as the call that failed gives it
fn message(e: dutydesk::store::StoreError) -> String {
    e.message(Lang::Zh)
}

#[test]
fn without_consent_a_referral_is_refused_unless_an_override_reason_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("d.db"));
    let mut n = new_referral(&d, today());
    n.consent = false;
    let (station, li) = (d.station.clone(), d.li.clone());
    let e = d
        .store
        .create_referral(&n, &station, &li, now())
        .unwrap_err();
    assert!(message(e).contains("未同意"));
    let count: i64 = d
        .store
        .conn()
        .query_row("SELECT count(*) FROM referral", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "nothing written when refused");

    n.consent_override = "来访人联系不上家属,情况紧急".into();
    let r = d.store.create_referral(&n, &station, &li, now()).unwrap();
    assert!(!r.consent);
    assert_eq!(r.consent_override, "来访人联系不上家属,情况紧急");
    let history = d.store.events_for(&r.id).unwrap();
    assert!(history[0].detail.contains("未经同意"), "{history:?}");
}

#[test]
fn a_service_that_is_not_active_cannot_take_referrals() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("d.db"));
    let mut n = new_referral(&d, today());
    n.service_id = d.closed_service.clone();
    let (station, li) = (d.station.clone(), d.li.clone());
    let e = d
        .store
        .create_referral(&n, &station, &li, now())
        .unwrap_err();
    assert_eq!(e.message(Lang::Zh), "“女职工权益咨询”暂停,不能转介");
}

#[test]
fn each_move_follows_the_rules_and_leaves_history_with_who_and_from_to() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("d.db"));
    let li = d.li.clone();
    let r = refer(&mut d, today());
    assert_eq!(r.status, ReferralStatus::Sent);

    // Closing a referral nobody accepted is refused with what is allowed.
    let e = d
        .store
        .move_referral(&r.id, r.version, Move::Close, &li, "", None, now())
        .unwrap_err();
    assert_eq!(message(e), "“待受理”状态下不能办结;可以:受理、退回");

    // Declining needs a reason.
    let e = d
        .store
        .move_referral(&r.id, r.version, Move::Decline, &li, " ", None, now())
        .unwrap_err();
    assert!(message(e).contains("理由"));

    let r = d
        .store
        .move_referral(&r.id, r.version, Move::Accept, &li, "", None, now())
        .unwrap();
    let r = d
        .store
        .move_referral(&r.id, r.version, Move::Start, &li, "", None, now())
        .unwrap();
    // Closing without an outcome, or unresolved without a reason, is refused.
    let e = d
        .store
        .move_referral(&r.id, r.version, Move::Close, &li, "", None, now())
        .unwrap_err();
    assert!(message(e).contains("结果"));
    let unresolved = Closing {
        outcome: Some(Outcome::NotResolved),
        ..Closing::default()
    };
    let e = d
        .store
        .move_referral(
            &r.id,
            r.version,
            Move::Close,
            &li,
            "",
            Some(&unresolved),
            now(),
        )
        .unwrap_err();
    assert!(message(e).contains("原因"));

    let closing = Closing {
        outcome: Some(Outcome::Resolved),
        wages_recovered_fen: Some(11_500_000),
        workers_covered: Some(13),
        ..Closing::default()
    };
    let r = d
        .store
        .move_referral(
            &r.id,
            r.version,
            Move::Close,
            &li,
            "调解成功",
            Some(&closing),
            now(),
        )
        .unwrap();
    assert_eq!(r.status, ReferralStatus::Closed);
    assert_eq!(r.wages_recovered_fen, Some(11_500_000));
    assert_eq!(r.workers_covered, Some(13));

    // Reopening needs a reason and is recorded; the referral is in progress again.
    let r = d
        .store
        .move_referral(
            &r.id,
            r.version,
            Move::Reopen,
            &li,
            "包工头反悔,余款未付",
            None,
            now(),
        )
        .unwrap();
    assert_eq!(r.status, ReferralStatus::InProgress);
    let not_resolved = Closing {
        outcome: Some(Outcome::NotResolved),
        reason: Some(OutcomeReason::Unreachable),
        ..Closing::default()
    };
    let r = d
        .store
        .move_referral(
            &r.id,
            r.version,
            Move::Close,
            &li,
            "",
            Some(&not_resolved),
            now(),
        )
        .unwrap();
    assert_eq!(r.outcome_reason, Some(OutcomeReason::Unreachable));

    let history = d.store.events_for(&r.id).unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "created", "accepted", "started", "closed", "reopened", "closed"
        ]
    );
    assert!(
        history
            .iter()
            .all(|e| e.officer_name.as_deref() == Some("李梅"))
    );
    assert!(history[3].detail.contains("\"from\":\"in_progress\""));
    assert!(
        history[3].detail.contains("追回工资¥115,000"),
        "{}",
        history[3].detail
    );
    assert!(history[4].detail.contains("包工头反悔"));
}

#[test]
fn a_handover_takes_effect_only_when_the_other_officer_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("d.db"));
    let (li, wang) = (d.li.clone(), d.wang.clone());
    let r = refer(&mut d, today());

    // Only the owner hands over.
    let e = d
        .store
        .request_transfer(&r.id, r.version, &wang, &li, now())
        .unwrap_err();
    assert!(message(e).contains("只有责任人李梅"));

    let r = d
        .store
        .request_transfer(&r.id, r.version, &li, &wang, now())
        .unwrap();
    assert_eq!(r.owner_id, li, "still 李梅's until accepted");
    assert_eq!(r.pending_owner_name.as_deref(), Some("王建国"));

    // 李梅 cannot accept on 王建国's behalf.
    let e = d
        .store
        .answer_transfer(&r.id, r.version, &li, true, now())
        .unwrap_err();
    assert!(message(e).contains("没有转交给您"));

    // Refused: stays with 李梅; asked again and accepted: 王建国's.
    let r = d
        .store
        .answer_transfer(&r.id, r.version, &wang, false, now())
        .unwrap();
    assert_eq!(
        (r.owner_id.as_str(), r.pending_owner_id.as_deref()),
        (li.as_str(), None)
    );
    let r = d
        .store
        .request_transfer(&r.id, r.version, &li, &wang, now())
        .unwrap();
    let r = d
        .store
        .answer_transfer(&r.id, r.version, &wang, true, now())
        .unwrap();
    assert_eq!(r.owner_id, wang);
    assert_eq!(r.owner_name, "王建国");
    assert_eq!(r.pending_owner_id, None);
    let actions: Vec<String> = d
        .store
        .events_for(&r.id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        vec![
            "created",
            "transfer_requested",
            "transfer_refused",
            "transfer_requested",
            "transfer_accepted"
        ]
    );
    // "Mine" follows the owner.
    let mine = QueueFilter {
        mine: Some(wang.clone()),
        ..QueueFilter::default()
    };
    assert_eq!(d.store.queue(&mine, today(), 50).unwrap().len(), 1);
    let lis = QueueFilter {
        mine: Some(li),
        ..QueueFilter::default()
    };
    assert_eq!(d.store.queue(&lis, today(), 50).unwrap().len(), 0);
}

#[test]
fn the_queue_puts_overdue_first_most_late_first_then_today_soon_and_later() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = desk_at(&dir.path().join("d.db"));
    let li = d.li.clone();
    let day = |n: i64| today() + Duration::days(n);
    let later = refer(&mut d, day(10));
    let soon = refer(&mut d, day(2));
    let late_1 = refer(&mut d, day(-1));
    let due_today = refer(&mut d, day(0));
    let late_5 = refer(&mut d, day(-5));
    let closed_late = refer(&mut d, day(-9));
    let c = d
        .store
        .move_referral(&closed_late.id, 1, Move::Accept, &li, "", None, now())
        .unwrap();
    let done = Closing {
        outcome: Some(Outcome::Resolved),
        ..Closing::default()
    };
    d.store
        .move_referral(&c.id, c.version, Move::Close, &li, "", Some(&done), now())
        .unwrap();

    let q = d.store.queue(&QueueFilter::default(), today(), 50).unwrap();
    let order: Vec<&str> = q.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        order,
        vec![
            late_5.id.as_str(),
            late_1.id.as_str(),
            due_today.id.as_str(),
            soon.id.as_str(),
            later.id.as_str()
        ],
        "closed referrals leave the open queue"
    );
    let counts = d.store.queue_counts(today()).unwrap();
    assert_eq!((counts.open, counts.overdue, counts.due_today), (5, 2, 1));

    let overdue = QueueFilter {
        overdue_only: true,
        ..QueueFilter::default()
    };
    assert_eq!(d.store.queue(&overdue, today(), 50).unwrap().len(), 2);
    let closed = QueueFilter {
        status: StatusFilter::One(ReferralStatus::Closed),
        ..QueueFilter::default()
    };
    assert_eq!(
        d.store.queue(&closed, today(), 50).unwrap()[0].id,
        closed_late.id
    );
    let jobs = QueueFilter {
        kind: Some(ServiceKind::Jobs),
        ..QueueFilter::default()
    };
    assert!(d.store.queue(&jobs, today(), 50).unwrap().is_empty());
}

#[test]
fn the_open_queue_is_read_through_its_index_not_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = desk_at(&dir.path().join("d.db"));
    let sql = format!("EXPLAIN QUERY PLAN {}", queue_sql(StatusFilter::Open));
    let plan: Vec<String> = d
        .store
        .conn()
        .prepare(&sql)
        .unwrap()
        .query_map(
            rusqlite::params![None::<String>, None::<String>, None::<String>, "", 50],
            |r| r.get::<_, String>(3),
        )
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter().any(|p| p.contains("referral_by_due")),
        "{plan:?}"
    );
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
}

#[test]
fn two_desks_on_one_file_never_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let mut a = desk_at(&path);
    let li = a.li.clone();
    let wang = a.wang.clone();
    let r = refer(&mut a, today());
    // Desk B opens the same file and reads the same referral, version 1.
    let mut b = Store::open(&path).unwrap();
    let seen_by_b = b.referral(&r.id).unwrap();

    // A accepts first.
    a.store
        .move_referral(&r.id, r.version, Move::Accept, &li, "", None, now())
        .unwrap();
    // B's decline, made on what it saw before, is refused and names A's change.
    let e = b
        .move_referral(
            &r.id,
            seen_by_b.version,
            Move::Decline,
            &wang,
            "不属于本所受理范围",
            None,
            now(),
        )
        .unwrap_err();
    let msg = e.message(Lang::Zh);
    assert!(msg.contains("另一台值班台"), "{msg}");
    assert!(msg.contains("已受理"), "{msg}");
    let now_seen = b.referral(&r.id).unwrap();
    assert_eq!(now_seen.status, ReferralStatus::Accepted);
    assert_eq!(now_seen.decline_reason, "");
}

#[test]
fn due_dates_use_the_config_rules_and_china_working_days() {
    let c = Config::default();
    let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    // Jobs, 5 working days, made Monday 2026-09-28: 29, 30, then 国庆 to 10-08, 09, 10 (Sat).
    assert_eq!(
        c.deadlines.due(
            &c.calendar,
            d("2026-09-28"),
            DeadlineRule::Jobs,
            Urgency::Normal
        ),
        d("2026-10-10")
    );
    // Legal aid, urgent (8 days), made 02-12: 13, 14 (Sat, worked), 24, 25, 26, 27, 28 (Sat, worked), 03-02.
    assert_eq!(
        c.deadlines.due(
            &c.calendar,
            d("2026-02-12"),
            DeadlineRule::LegalAid,
            Urgency::Urgent
        ),
        d("2026-03-02")
    );
}

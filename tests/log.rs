//! The daily log in the store: shifts opened by work at the desk, the timeline, the
//! reconciliation that gates sign-off, the seal (triggers and hash), addenda, handover.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Channel, Role, Urgency};
use dutydesk::domain::referral::{ServiceKind, ServiceStatus};
use dutydesk::domain::shift::{Disposition, EntryKind};
use dutydesk::i18n::Lang;
use dutydesk::store::{NewReferral, Service, Store};

/// 2026-11-23 09:00 in the station's zone.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap() + Duration::minutes(minutes)
}

struct Desk {
    store: Store,
    station: String,
    li: String,
    wang: String,
    legal: String,
    _dir: tempfile::TempDir,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("log.db")).unwrap();
    let st = store.create_station("城西街道职工服务站", at(0)).unwrap();
    let li = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", at(0))
        .unwrap();
    let wang = store
        .officer_or_add(&st, "王建国", Role::Volunteer, "司法所", at(0))
        .unwrap();
    store.set_current_officer(&li).unwrap();
    store
        .upsert_services(
            &[Service {
                source_id: Some("L1".into()),
                status: ServiceStatus::Active,
                ..Service::new(ServiceKind::Legal, "职工法律援助")
            }],
            at(0),
        )
        .unwrap();
    let legal = store.services(None).unwrap()[0].id.clone();
    Desk {
        store,
        station: st.id,
        li: li.id,
        wang: wang.id,
        legal,
        _dir: dir,
    }
}

fn visit(d: &mut Desk, officer: &str, name: &str, category: Category, minute: i64) -> String {
    let intake = validate(&RawIntake {
        name: name.into(),
        category: Some(category),
        channel: Some(Channel::WalkIn),
        ..Default::default()
    })
    .unwrap();
    let station = d.station.clone();
    d.store
        .save_intake(&intake, &station, officer, at(minute))
        .unwrap()
        .visit_id
}

fn refer(d: &mut Desk, visit_id: &str, minute: i64) {
    let n = NewReferral {
        visit_id: visit_id.into(),
        service_id: d.legal.clone(),
        consent: true,
        consent_override: String::new(),
        note: String::new(),
        urgency: Urgency::Normal,
        due_on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        job_id: None,
    };
    let (station, li) = (d.station.clone(), d.li.clone());
    d.store
        .create_referral(&n, &station, &li, at(minute))
        .unwrap();
}

fn kinds(entries: &[dutydesk::store::LogEntry]) -> Vec<EntryKind> {
    entries.iter().map(|e| e.kind).collect()
}

/// A shift with one visit answered on the spot and one referred, signed off by 李梅.
fn signed_shift(d: &mut Desk) -> (String, String) {
    let li = d.li.clone();
    let v1 = visit(d, &li, "张三", Category::Legal, 5);
    let v2 = visit(d, &li, "王秀英", Category::WageArrears, 10);
    refer(d, &v2, 12);
    d.store
        .set_disposition(&v1, Disposition::OnSpot, "讲解了仲裁流程", &li, at(20))
        .unwrap();
    let shift = d.store.current_shift(&d.station).unwrap().unwrap();
    d.store
        .sign_off(&shift.id, &li, "张三明天带合同再来", at(480))
        .unwrap();
    (shift.id, v1)
}

#[test]
fn work_at_the_desk_opens_a_shift_and_writes_the_timeline_in_order() {
    let mut d = desk();
    assert!(d.store.current_shift(&d.station).unwrap().is_none());
    let (li, wang) = (d.li.clone(), d.wang.clone());
    let v = visit(&mut d, &li, "张三", Category::WageArrears, 5);
    refer(&mut d, &v, 6);
    visit(&mut d, &wang, "刘洋", Category::Injury, 30);
    let station = d.station.clone();
    d.store
        .write_entry(
            &station,
            &li,
            EntryKind::Call,
            "城东物流回电:已安排对账",
            at(40),
        )
        .unwrap();
    let shift = d.store.current_shift(&d.station).unwrap().unwrap();
    assert_eq!(shift.opened_by, "李梅");
    assert_eq!(shift.opened_at, at(5));
    let members: Vec<(&str, &str)> = shift
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.affiliation.as_str()))
        .collect();
    assert_eq!(members, [("李梅", ""), ("王建国", "司法所")]);
    let entries = d.store.shift_entries(&shift.id).unwrap();
    assert_eq!(
        kinds(&entries),
        [
            EntryKind::Shift,
            EntryKind::Intake,
            EntryKind::Referral,
            EntryKind::Shift,
            EntryKind::Intake,
            EntryKind::Call
        ]
    );
    assert!(entries[1].text.contains("张三") && entries[1].text.contains("欠薪"));
    assert!(entries[2].text.contains("职工法律援助"));
    assert!(entries[3].text.contains("王建国(司法所)加入本班"));
    assert_eq!(entries[4].officer_name.as_deref(), Some("王建国"));
    // An empty entry, or a kind only the desk writes, is refused.
    assert!(
        d.store
            .write_entry(&station, &li, EntryKind::Note, "  ", at(41))
            .is_err()
    );
    assert!(
        d.store
            .write_entry(&station, &li, EntryKind::Intake, "x", at(41))
            .is_err()
    );
    // An import while the shift is open is logged in it.
    d.store
        .upsert_services(&[Service::new(ServiceKind::Aid, "金秋助学")], at(50))
        .unwrap();
    let last = d.store.shift_entries(&shift.id).unwrap().pop().unwrap();
    assert_eq!(last.kind, EntryKind::Import);
    assert!(last.text.contains("新增 1 条"));
}

#[test]
fn sign_off_is_refused_while_a_visit_lacks_a_disposition_and_names_it() {
    let mut d = desk();
    let li = d.li.clone();
    let v1 = visit(&mut d, &li, "张三", Category::Legal, 5);
    let v2 = visit(&mut d, &li, "王秀英", Category::WageArrears, 10);
    let v3 = visit(&mut d, &li, "刘洋", Category::Other, 15);
    refer(&mut d, &v2, 12);
    let shift = d.store.current_shift(&d.station).unwrap().unwrap();
    let missing: Vec<String> = d
        .store
        .unreconciled(&shift.id)
        .unwrap()
        .into_iter()
        .map(|v| v.visitor_name)
        .collect();
    assert_eq!(
        missing,
        ["张三", "刘洋"],
        "the referred visit needs nothing more"
    );
    let e = d.store.sign_off(&shift.id, &li, "", at(400)).unwrap_err();
    assert!(e.message(Lang::Zh).contains("2条来访没有处置结果"), "{e}");
    assert!(
        d.store.current_shift(&d.station).unwrap().is_some(),
        "still open"
    );
    // "No action" needs a word why.
    assert!(
        d.store
            .set_disposition(&v3, Disposition::NoAction, " ", &li, at(20))
            .is_err()
    );
    d.store
        .set_disposition(&v3, Disposition::NoAction, "打错电话", &li, at(20))
        .unwrap();
    d.store
        .set_disposition(&v1, Disposition::OnSpot, "当场解答", &li, at(21))
        .unwrap();
    d.store.sign_off(&shift.id, &li, "无遗留", at(400)).unwrap();
    assert!(d.store.current_shift(&d.station).unwrap().is_none());
    let disposition: String = d
        .store
        .conn()
        .query_row("SELECT disposition FROM visit WHERE id = ?1", [&v2], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        disposition, "referred",
        "a routed visit is recorded as referred"
    );
}

#[test]
fn a_sealed_shift_cannot_be_changed_even_with_plain_sql() {
    let mut d = desk();
    let (shift, v1) = signed_shift(&mut d);
    let conn = d.store.conn();
    let refused = |sql: &str| {
        let e = conn.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("sealed"), "{sql}: {e}");
    };
    refused(&format!(
        "UPDATE visit SET summary = '改过' WHERE id = '{v1}'"
    ));
    refused(&format!("DELETE FROM visit WHERE id = '{v1}'"));
    refused(&format!(
        "UPDATE visit SET shift_id = NULL WHERE id = '{v1}'"
    ));
    refused(&format!(
        "UPDATE shift SET handover_note = '改过' WHERE id = '{shift}'"
    ));
    refused(&format!("DELETE FROM shift WHERE id = '{shift}'"));
    refused(&format!(
        "DELETE FROM shift_member WHERE shift_id = '{shift}'"
    ));
    refused(&format!(
        "INSERT INTO log_entry(id, station_id, shift_id, at, kind, text)
         SELECT 'x', station_id, id, opened_at, 'note', '补' FROM shift WHERE id = '{shift}'"
    ));
    let e = conn
        .execute("UPDATE log_entry SET text = '改过'", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"));
    // Through the store, the officer reads a plain sentence.
    let li = d.li.clone();
    let e = d
        .store
        .set_disposition(&v1, Disposition::NoAction, "改主意", &li, at(500))
        .unwrap_err();
    assert!(e.message(Lang::Zh).contains("已签结封存"), "{e}");
    assert!(d.store.check().unwrap().ok());
}

#[test]
fn an_addendum_corrects_a_sealed_shift_dated_and_signed_in_the_next() {
    let mut d = desk();
    let (sealed, _) = signed_shift(&mut d);
    let (station, wang) = (d.station.clone(), d.wang.clone());
    d.store
        .add_addendum(
            &station,
            &sealed,
            &wang,
            "张三的电话记错,应为后四位8000",
            at(600),
        )
        .unwrap();
    let addenda = d.store.addenda_of(&sealed).unwrap();
    assert_eq!(addenda.len(), 1);
    assert_eq!(addenda[0].officer_name.as_deref(), Some("王建国"));
    assert_eq!(addenda[0].at, at(600));
    let now_open = d.store.current_shift(&station).unwrap().unwrap();
    assert_ne!(now_open.id, sealed);
    assert_eq!(addenda[0].shift_id.as_deref(), Some(now_open.id.as_str()));
    // The seal still holds: the addendum lives outside the sealed record.
    assert!(d.store.broken_seals().unwrap().is_empty());
    // An open shift takes entries, not addenda.
    let e = d
        .store
        .add_addendum(&station, &now_open.id, &wang, "x", at(601))
        .unwrap_err();
    assert!(e.message(Lang::Zh).contains("还没签结"));
}

#[test]
fn the_check_catches_a_row_changed_behind_the_seal() {
    let mut d = desk();
    let (sealed, v1) = signed_shift(&mut d);
    let report = d.store.check().unwrap();
    assert!(report.ok());
    assert_eq!(report.sealed_shifts, 1);
    // Someone with a SQLite shell drops the trigger and edits the record.
    d.store
        .conn()
        .execute_batch(&format!(
            "DROP TRIGGER sealed_visit_update;
             UPDATE visit SET summary = '已当场解决' WHERE id = '{v1}';"
        ))
        .unwrap();
    let report = d.store.check().unwrap();
    assert!(!report.ok());
    assert_eq!(report.broken_seals.len(), 1);
    assert_eq!(report.broken_seals[0].shift_id, sealed);
}

#[test]
fn the_next_shift_sees_the_handover_first_and_its_acknowledgement_is_logged() {
    let mut d = desk();
    let (station, li, wang) = (d.station.clone(), d.li.clone(), d.wang.clone());
    assert!(d.store.pending_handover(&station).unwrap().is_none());
    d.store
        .write_entry(&station, &li, EntryKind::Todo, "周一回访张三", at(1))
        .unwrap();
    let (sealed, _) = signed_shift(&mut d);
    let handover = d.store.pending_handover(&station).unwrap().unwrap();
    assert_eq!(handover.shift.id, sealed);
    assert_eq!(handover.shift.handover_note, "张三明天带合同再来");
    assert_eq!(handover.shift.signed_by.as_deref(), Some("李梅"));
    assert_eq!(handover.todos.len(), 1, "the to-do is carried over");
    d.store
        .acknowledge_handover(&station, &sealed, &wang, at(1440))
        .unwrap();
    assert!(d.store.pending_handover(&station).unwrap().is_none());
    let shift = d.store.current_shift(&station).unwrap().unwrap();
    assert_eq!(shift.opened_by, "王建国");
    let entries = d.store.shift_entries(&shift.id).unwrap();
    let ack = entries.iter().find(|e| e.kind == EntryKind::Ack).unwrap();
    assert!(ack.text.contains("李梅"));
    assert_eq!(ack.about.as_deref(), Some(sealed.as_str()));
    // The to-do stays open until someone marks it done.
    let todo = d.store.open_todos().unwrap().remove(0);
    d.store
        .mark_todo_done(&station, &todo.id, &wang, at(1500))
        .unwrap();
    assert!(d.store.open_todos().unwrap().is_empty());
    assert!(
        d.store
            .mark_todo_done(&station, &todo.id, &wang, at(1501))
            .is_err()
    );
}

#[test]
fn the_sparkline_counts_visits_by_the_stations_day_as_they_are_saved_and_moved() {
    let mut d = desk();
    let li = d.li.clone();
    // 23:59 on the 22nd, 09:00 and 09:10 on the 23rd, 00:00 on the 24th (station time).
    visit(&mut d, &li, "张三", Category::WageArrears, -9 * 60 - 1);
    visit(&mut d, &li, "李四", Category::Contract, 0);
    let moved = visit(&mut d, &li, "王五", Category::Injury, 10);
    visit(&mut d, &li, "赵六", Category::JobSeeking, 15 * 60);
    let day = |m, dd| NaiveDate::from_ymd_opt(2026, m, dd).unwrap();
    let per_day = d.store.visits_per_day(day(11, 21), day(11, 24)).unwrap();
    assert_eq!(per_day, vec![0, 1, 2, 1]);

    // A visit whose time is corrected to the day before is counted there instead.
    d.store
        .conn()
        .execute(
            "UPDATE visit SET visited_at = '2026-11-21T02:00:00.000Z' WHERE id = ?1",
            [&moved],
        )
        .unwrap();
    let per_day = d.store.visits_per_day(day(11, 21), day(11, 24)).unwrap();
    assert_eq!(per_day, vec![1, 1, 1, 1]);
    let counted: i64 = d
        .store
        .conn()
        .query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(per_day.iter().sum::<u64>(), u64::try_from(counted).unwrap());
}

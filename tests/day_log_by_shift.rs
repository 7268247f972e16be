//! Issue 15, what a save writes: a log line is no longer kept in an index by time alone
//! unless it was written outside any shift (migration 22), so a save's intake line writes
//! one index page fewer. The officer notices nothing: a day's log (F5 with no shift open)
//! lists every line written that day, whatever shift, and no other — also a line stamped
//! by a desk whose clock runs behind — and a file written by the previous version opens
//! with every row it held, lists the same days, and passes `check`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Role};
use dutydesk::domain::shift::{Disposition, EntryKind};
use dutydesk::store::Store;
use rusqlite::Connection;

#[path = "common/old_versions.rs"]
mod old_versions;

fn intake(name: &str, phone: &str) -> dutydesk::domain::intake::Intake {
    validate(&RawIntake {
        name: name.into(),
        phone: phone.into(),
        category: Some(Category::WageArrears),
        summary: "拖欠工资".into(),
        ..Default::default()
    })
    .unwrap()
}

/// The ids of the lines written in `[from, to)`, read as the previous version read them:
/// every line by its time.
fn written_between(c: &Connection, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    c.prepare("SELECT id FROM log_entry WHERE at >= ?1 AND at < ?2 ORDER BY at, id")
        .unwrap()
        .query_map([ts(from), ts(to)], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn listed(store: &Store, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    store
        .entries_between(from, to)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect()
}

#[test]
fn a_days_log_lists_every_line_of_that_day_whatever_shift_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
    let day = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
    let next = day + Duration::days(1);
    let st = store.create_station("城西街道职工服务站", day).unwrap();
    let o = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", day)
        .unwrap();
    // The morning shift: a visit, answered, signed off.
    let morning = day + Duration::hours(1);
    let a = store
        .save_intake(&intake("王秀英", "13800138000"), &st.id, &o.id, morning)
        .unwrap();
    store
        .set_disposition(&a.visit_id, Disposition::OnSpot, "", &o.id, morning)
        .unwrap();
    let shift = store.current_shift(&st.id).unwrap().unwrap();
    store
        .sign_off(&shift.id, &o.id, "无", morning + Duration::hours(4))
        .unwrap();
    // A script's import with no shift open: a line outside any shift.
    store
        .import_visits(&[], &st.id, Some(&o.id), morning + Duration::hours(5))
        .unwrap();
    // The next shift opens a few seconds after midnight; a desk whose clock is behind
    // saves into it a minute before midnight by its own clock.
    store
        .save_intake(
            &intake("吕志强", "13912345678"),
            &st.id,
            &o.id,
            next + Duration::seconds(5),
        )
        .unwrap();
    let behind = store
        .save_intake(
            &intake("孙丽娟", "13600136000"),
            &st.id,
            &o.id,
            next - Duration::minutes(1),
        )
        .unwrap();
    let today = store.entries_between(day, next).unwrap();
    let kinds: Vec<EntryKind> = today.iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&EntryKind::Intake), "{kinds:?}");
    assert!(kinds.contains(&EntryKind::Import), "{kinds:?}");
    assert!(
        today.iter().any(|e| e.shift_id.is_none()),
        "the import's line"
    );
    assert!(
        today
            .iter()
            .any(|e| e.about.as_deref() == Some(behind.visit_id.as_str())),
        "the line stamped before its shift opened is in its day"
    );
    assert!(
        today.iter().all(|e| e.at >= day && e.at < next),
        "no line of another day"
    );
    assert!(
        today
            .windows(2)
            .all(|w| (w[0].at, &w[0].id) <= (w[1].at, &w[1].id))
    );
    for (from, to) in [
        (day, next),
        (next, next + Duration::days(1)),
        (day, next + Duration::days(1)),
    ] {
        assert_eq!(
            listed(&store, from, to),
            written_between(store.conn(), from, to),
            "{from}"
        );
    }
    let index: Vec<String> = store
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'log_entry'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!index.contains(&"log_by_time".to_string()), "{index:?}");
    assert!(store.check().unwrap().ok());
}

const KEPT: [&str; 9] = [
    "visit",
    "visitor",
    "event",
    "audit_chain",
    "shift",
    "log_entry",
    "seal_chain",
    "sealed_person",
    "referral",
];

/// Takes a file of this version back to what version 21 wrote: every line in the index by
/// time; and `event` a rowid table, as in a file that reached version 20 before migration
/// 20 rebuilt it (main's own migration 20 is another).
fn as_version_21(path: &std::path::Path) {
    let mut c = Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    let back = old_versions::event_as_rowid_table(&tx);
    tx.execute_batch(&format!(
        "{back}
         DROP INDEX log_outside_shifts;
         CREATE INDEX log_by_time ON log_entry(at);
         DROP TABLE transfer_in; -- and what later migrations made (station transfers)
         DROP TABLE transfer_out;
         PRAGMA user_version = 21;"
    ))
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_file_of_version_21_opens_with_every_row_it_held_and_the_same_days_logs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let now = Utc::now();
    {
        let mut store = Store::open(&db).unwrap();
        // The demo: a ledger, referrals, a shift signed off yesterday with its handover.
        dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), now).unwrap();
        let st = store.station().unwrap().unwrap();
        let o = store.current_officer().unwrap().unwrap();
        store
            .save_intake(&intake("冯小红", "13300133000"), &st.id, &o.id, now)
            .unwrap();
        assert!(store.check().unwrap().ok());
    }
    as_version_21(&db);
    let days: Vec<(DateTime<Utc>, DateTime<Utc>)> = (0..4)
        .map(|d| {
            let to = now + Duration::hours(1) - Duration::days(d);
            (to - Duration::days(1), to)
        })
        .collect();
    let (before, logs_before) = {
        let c = Connection::open(&db).unwrap();
        assert!(
            c.query_row("SELECT count(*) FROM event WHERE rowid > 0", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok(),
            "event is a rowid table in this file"
        );
        let logs: Vec<Vec<String>> = days
            .iter()
            .map(|(f, t)| written_between(&c, *f, *t))
            .collect();
        (KEPT.map(|t| old_versions::rows(&c, t, &[])), logs)
    };
    assert!(
        logs_before.iter().filter(|l| !l.is_empty()).count() >= 2,
        "days with lines to compare: {logs_before:?}"
    );
    let mut store = Store::open(&db).unwrap();
    let event: String = store
        .conn()
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'event'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(event.ends_with("STRICT, WITHOUT ROWID"), "{event}");
    let after = KEPT.map(|t| old_versions::rows(store.conn(), t, &[]));
    for ((table, b), a) in KEPT.iter().zip(&before).zip(&after) {
        assert_eq!(b, a, "{table}");
    }
    for ((from, to), old) in days.iter().zip(&logs_before) {
        assert_eq!(&listed(&store, *from, *to), old, "the day up to {to}");
    }
    let report = store.check().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(report.sealed_shifts >= 1);
    assert_eq!(report.missing_triggers, Vec::<String>::new());
    // The desk saves into the upgraded file, and today's log has the new line.
    let st = store.station().unwrap().unwrap();
    let o = store.current_officer().unwrap().unwrap();
    let saved = store
        .save_intake(
            &intake("钱德明", "13500135000"),
            &st.id,
            &o.id,
            now + Duration::minutes(1),
        )
        .unwrap();
    assert!(
        store
            .entries_between(now - Duration::hours(1), now + Duration::hours(1))
            .unwrap()
            .iter()
            .any(|e| e.about.as_deref() == Some(saved.visit_id.as_str()))
    );
    assert!(store.check().unwrap().ok());
}

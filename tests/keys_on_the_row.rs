//! Issue 15, what a save writes: a new person's search keys wait on their own row until
//! they are filed with the others (when a shift opens, or when many wait), and the audit
//! log's events are keyed by their id alone (migration 21). The officer notices neither:
//! a person saved a moment ago is found as before, by every key, before and after filing;
//! a corrected name finds them and the old one no longer does; and a file written by the
//! previous version opens with every row it held and passes `check`.

use chrono::{Duration, Utc};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Role};
use dutydesk::domain::shift::Disposition;
use dutydesk::store::Store;

#[path = "common/old_versions.rs"]
mod old_versions;

fn intake(name: &str, phone: &str, id: &str) -> dutydesk::domain::intake::Intake {
    validate(&RawIntake {
        name: name.into(),
        phone: phone.into(),
        id_number: id.into(),
        category: Some(Category::WageArrears),
        summary: "拖欠工资".into(),
        ..Default::default()
    })
    .unwrap()
}

fn found(store: &Store, query: &str) -> Vec<String> {
    store
        .find_returning(query, 8)
        .unwrap()
        .into_iter()
        .map(|m| m.visitor.name)
        .collect()
}

/// Every visit of the open shift answered on the spot, and the shift signed off: the next
/// save opens a new one.
fn sign_off(
    store: &mut Store,
    station: &str,
    officer: &str,
    visits: &[&str],
    at: chrono::DateTime<Utc>,
) {
    for v in visits {
        store
            .set_disposition(v, Disposition::OnSpot, "", officer, at)
            .unwrap();
    }
    let shift = store.current_shift(station).unwrap().unwrap();
    store.sign_off(&shift.id, officer, "无", at).unwrap();
}

/// A fresh file with its station and 李梅 on the roster.
fn station_with_officer() -> (
    tempfile::TempDir,
    Store,
    dutydesk::store::Station,
    dutydesk::store::Officer,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
    let now = Utc::now();
    let st = store.create_station("城西街道职工服务站", now).unwrap();
    let o = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", now)
        .unwrap();
    (dir, store, st, o)
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_person_saved_a_moment_ago_is_found_by_every_key_before_and_after_filing() {
    let (_dir, mut store, st, o) = station_with_officer();
    let now = Utc::now();
    // The first save opens the shift, which files the keys waiting (its own among them).
    let first = store
        .save_intake(&intake("王秀英", "13800138000", ""), &st.id, &o.id, now)
        .unwrap();
    let saved = store
        .save_intake(
            &intake("吕志强", "13912345678", "330102199001011234"),
            &st.id,
            &o.id,
            now,
        )
        .unwrap();
    let by_every_key = |store: &Store| {
        for q in [
            "吕志强",
            "吕",
            "lvzhiqiang",
            "luzhi",
            "lzq",
            "1391234",
            "5678",
            "330102199001011234",
        ] {
            assert_eq!(found(store, q), ["吕志强"], "typed {q}");
        }
        assert_eq!(found(store, "8000"), ["王秀英"]);
        assert!(found(store, "张").is_empty());
    };
    // Saved in this shift: not yet among the filed keys, found all the same.
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM visitor_key WHERE visitor_id = '{}'",
                saved.visitor_id
            )
        ),
        0
    );
    by_every_key(&store);
    // The shift signed off and the next one opened by a save: the keys are filed, once.
    sign_off(
        &mut store,
        &st.id,
        &o.id,
        &[&first.visit_id, &saved.visit_id],
        now + Duration::minutes(1),
    );
    store
        .save_intake(
            &intake("周建华", "13700137000", ""),
            &st.id,
            &o.id,
            now + Duration::minutes(2),
        )
        .unwrap();
    assert!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM visitor_key WHERE visitor_id = '{}'",
                saved.visitor_id
            )
        ) >= 6
    );
    by_every_key(&store);
    assert_eq!(found(&store, "zjh"), ["周建华"]);
    store
        .save_intake(
            &intake("孙丽娟", "13600136000", ""),
            &st.id,
            &o.id,
            now + Duration::minutes(3),
        )
        .unwrap();
    assert_eq!(found(&store, "sl"), ["孙丽娟"]);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM visitor WHERE search_keys IS NOT NULL"
        ),
        1,
        "only the person saved in the new shift waits"
    );
    assert!(store.check().unwrap().ok());
}

#[test]
fn a_corrected_name_is_found_and_the_old_one_no_longer_is_whether_filed_or_waiting() {
    let (_dir, mut store, st, o) = station_with_officer();
    let now = Utc::now();
    let first = store
        .save_intake(&intake("王秀英", "13800138000", ""), &st.id, &o.id, now)
        .unwrap();
    // Still waiting on the row when corrected.
    let saved = store
        .save_intake(&intake("刘洋", "13912345678", ""), &st.id, &o.id, now)
        .unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM visitor WHERE search_keys IS NOT NULL"
        ),
        1
    );
    store
        .correct_visit(
            &saved.visit_id,
            &intake("刘阳", "13912345678", ""),
            "姓名写错",
            &o.id,
            now + Duration::minutes(1),
        )
        .unwrap();
    assert_eq!(found(&store, "刘阳"), ["刘阳"]);
    assert!(found(&store, "刘洋").is_empty(), "the old name is gone");
    assert_eq!(found(&store, "5678"), ["刘阳"]);
    // Filed (a new shift opened), then corrected back.
    sign_off(
        &mut store,
        &st.id,
        &o.id,
        &[&first.visit_id, &saved.visit_id],
        now + Duration::minutes(2),
    );
    let again = store
        .save_intake(
            &intake("孙丽娟", "13600136000", ""),
            &st.id,
            &o.id,
            now + Duration::minutes(3),
        )
        .unwrap();
    assert!(!again.returning);
    let second = store
        .save_intake(
            &dutydesk::domain::intake::Intake {
                visitor_id: Some(saved.visitor_id.clone()),
                ..intake("刘阳", "13912345678", "")
            },
            &st.id,
            &o.id,
            now + Duration::minutes(4),
        )
        .unwrap();
    assert!(second.returning);
    store
        .correct_visit(
            &second.visit_id,
            &intake("刘洋", "13912345678", ""),
            "姓名又写错了",
            &o.id,
            now + Duration::minutes(5),
        )
        .unwrap();
    assert_eq!(found(&store, "刘洋"), ["刘洋"]);
    assert!(found(&store, "刘阳").is_empty());
    assert!(store.check().unwrap().ok());
}

#[test]
fn many_people_waiting_are_filed_by_a_save_and_all_are_found() {
    let (_dir, mut store, st, o) = station_with_officer();
    let now = Utc::now();
    for i in 0..300 {
        store
            .save_intake(
                &intake(&format!("来访人{i:03}"), &format!("139{i:08}"), ""),
                &st.id,
                &o.id,
                now + Duration::seconds(i),
            )
            .unwrap();
    }
    // No shift opened since the first save: the number waiting filed them part-way.
    assert!(
        count(
            &store,
            "SELECT count(*) FROM visitor WHERE search_keys IS NOT NULL"
        ) <= 256
    );
    for i in [0, 150, 256, 257, 299] {
        let name = format!("来访人{i:03}");
        assert_eq!(found(&store, &name), std::slice::from_ref(&name));
        assert_eq!(
            found(&store, &format!("139{i:08}")),
            [name],
            "by phone, #{i}"
        );
    }
}

const KEPT: [&str; 12] = [
    "visitor",
    "visitor_key",
    "visit",
    "visit_day",
    "event",
    "audit_chain",
    "shift",
    "shift_member",
    "log_entry",
    "sealed_person",
    "seal_chain",
    "referral",
];

/// Takes a file of this version back to what version 20 wrote (the file before migration 0021): the waiting keys filed,
/// no `search_keys` column nor its setting, `event` a rowid table again (from its own SQL,
/// its indexes and triggers made again), every log line in the index by time (migration
/// 22 keeps only those outside a shift there).
fn as_version_20(path: &std::path::Path) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    let waiting: Vec<(String, String)> = tx
        .prepare("SELECT id, search_keys FROM visitor WHERE search_keys IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!waiting.is_empty(), "the demo leaves people waiting");
    for (id, keys) in waiting {
        for k in keys.split('\n').filter(|k| !k.is_empty()) {
            tx.execute(
                "INSERT OR IGNORE INTO visitor_key(key, visitor_id) VALUES (?1, ?2)",
                [k, &id],
            )
            .unwrap();
        }
    }
    let back = old_versions::event_as_rowid_table(&tx);
    tx.execute_batch(&format!(
        "{back}
         ALTER TABLE visitor DROP COLUMN search_keys;
         DELETE FROM setting WHERE key = 'visitor_keys_filed_through';
         DROP INDEX log_outside_shifts;
         CREATE INDEX log_by_time ON log_entry(at);
         DROP TABLE transfer_in; -- and what later migrations made (station transfers)
         DROP TABLE transfer_out;
         PRAGMA user_version = 20;"
    ))
    .unwrap();
    tx.commit().unwrap();
}

#[test]
fn a_file_of_version_20_opens_with_every_row_it_held_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    {
        let mut store = Store::open(&db).unwrap();
        dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), Utc::now()).unwrap();
        // Two saved in the open shift: the second one's keys wait on their row.
        let st = store.station().unwrap().unwrap();
        let o = store.current_officer().unwrap().unwrap();
        for (name, phone) in [("冯小红", "13300133000"), ("郑海涛", "13200132000")] {
            store
                .save_intake(&intake(name, phone, ""), &st.id, &o.id, Utc::now())
                .unwrap();
        }
        assert!(store.check().unwrap().ok());
    }
    as_version_20(&db);
    let before: Vec<Vec<String>> = {
        let c = rusqlite::Connection::open(&db).unwrap();
        let has_rowid: bool = c
            .query_row("SELECT count(*) FROM event WHERE rowid > 0", [], |r| {
                r.get::<_, i64>(0)
            })
            .is_ok();
        assert!(has_rowid, "event is a rowid table at version 20");
        KEPT.iter()
            .map(|t| old_versions::rows(&c, t, &["search_keys"]))
            .collect()
    };
    assert!(before[0].len() > 3 && before[4].len() > 3 && !before[10].is_empty());
    let mut store = Store::open(&db).unwrap();
    let after: Vec<Vec<String>> = KEPT
        .iter()
        .map(|t| old_versions::rows(store.conn(), t, &["search_keys"]))
        .collect();
    for ((table, b), a) in KEPT.iter().zip(&before).zip(&after) {
        assert_eq!(b, a, "{table}");
    }
    let report = store.check().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(report.sealed_shifts >= 1);
    assert_eq!(
        report.missing_triggers,
        Vec::<String>::new(),
        "the guards on event are made again"
    );
    // Everyone on file is found, and the desk saves into the upgraded file.
    assert_eq!(
        found(&store, "张三").first().map(String::as_str),
        Some("张三")
    );
    assert_eq!(found(&store, "郑海涛"), ["郑海涛"]);
    let st = store.station().unwrap().unwrap();
    let o = store.current_officer().unwrap().unwrap();
    store
        .save_intake(
            &intake("钱德明", "13500135000", ""),
            &st.id,
            &o.id,
            Utc::now(),
        )
        .unwrap();
    assert_eq!(found(&store, "qdm"), ["钱德明"]);
    assert!(store.check().unwrap().ok());
}

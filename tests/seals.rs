//! Seals that prove something: each seal chained to the one before and covering the
//! persons as they were at sign-off, the audit log chained, and `dutydesk check` naming
//! every shift, event or trigger tampered with by someone holding the file and a SQLite
//! shell (triggers dropped, rows changed, the trigger put back so only the chains tell).

mod common;
use common::dutydesk;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Channel, Role};
use dutydesk::domain::shift::Disposition;
use dutydesk::store::Store;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// 2026-11-23 09:00 in the station's zone.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// `dutydesk check` on `db`: whether it passed, and what it printed.
fn check(db: &Path, lang: &str) -> (bool, String) {
    let out = dutydesk(db.parent().unwrap())
        .arg("--db")
        .arg(db)
        .args(["--lang", lang, "check"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

/// A check that must fail, and what it said.
fn fails(db: &Path) -> String {
    let (ok, text) = check(db, "zh");
    assert!(!ok, "check passed a tampered file:\n{text}");
    text
}

/// Three shifts signed off one after another, each with two visits, and a phone number
/// shown in full (an audit event) in the last.
struct Desk {
    db: PathBuf,
    station: String,
    li: String,
    /// (shift id, its visits), in sign-off order.
    shifts: Vec<(String, Vec<String>)>,
    _dir: tempfile::TempDir,
}

fn intake(name: &str, phone: &str, visitor_id: Option<String>) -> dutydesk::domain::intake::Intake {
    validate(&RawIntake {
        visitor_id,
        name: name.into(),
        phone: phone.into(),
        category: Some(Category::Legal),
        channel: Some(Channel::WalkIn),
        ..Default::default()
    })
    .unwrap()
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seals.db");
    let mut store = Store::open(&db).unwrap();
    let st = store.create_station("城西街道职工服务站", at(0)).unwrap();
    let li = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", at(0))
        .unwrap();
    store.set_current_officer(&li).unwrap();
    let mut shifts = Vec::new();
    for day in 0..3 {
        let base = day * 1440;
        let mut visits = Vec::new();
        for (i, name) in ["张三", "王秀英"].iter().enumerate() {
            let phone = format!("138001380{day}{i}");
            let saved = store
                .save_intake(
                    &intake(name, &phone, None),
                    &st.id,
                    &li.id,
                    at(base + 5 + i64::try_from(i).unwrap()),
                )
                .unwrap();
            store
                .set_disposition(
                    &saved.visit_id,
                    Disposition::OnSpot,
                    "当场答复",
                    &li.id,
                    at(base + 20),
                )
                .unwrap();
            visits.push(saved.visit_id);
        }
        if day == 2 {
            let v = store.visit_detail(&visits[0]).unwrap().unwrap().visitor.id;
            store
                .audit_reveal(&st.id, &v, &li.id, "电话", at(base + 30))
                .unwrap();
        }
        let shift = store.current_shift(&st.id).unwrap().unwrap();
        store
            .sign_off(&shift.id, &li.id, "无遗留", at(base + 480))
            .unwrap();
        shifts.push((shift.id, visits));
    }
    Desk {
        db,
        station: st.id,
        li: li.id,
        shifts,
        _dir: dir,
    }
}

/// What someone with a SQLite shell does: drop the guard `triggers`, run `sql`, and put
/// the triggers back as they were, so only the chains can tell.
fn tamper(db: &Path, triggers: &[&str], sql: &str) {
    let c = Connection::open(db).unwrap();
    // As in the sqlite3 shell, which leaves foreign keys off.
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let mut saved = Vec::new();
    for t in triggers {
        let s: String = c
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                [t],
                |r| r.get(0),
            )
            .unwrap();
        saved.push(s);
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    c.execute_batch(sql).unwrap();
    for s in saved {
        c.execute_batch(&s).unwrap();
    }
}

/// The seal formula of shifts signed off before version 10: SHA-256 of the sign-off time
/// and the record (shift, members, visits, entries), as `dutydesk` computed it then.
fn old_seal(c: &Connection, shift: &str, closed_at: &str) -> String {
    let mut record = Vec::new();
    for sql in [
        "SELECT id, station_id, opened_at, opened_by, signed_by, handover_note
         FROM shift WHERE id = ?1",
        "SELECT officer_id, joined_at FROM shift_member WHERE shift_id = ?1 ORDER BY officer_id",
        "SELECT id, station_id, visitor_id, officer_id, channel, category, summary, headcount,
           amount_owed_fen, urgency, visited_at, created_at, updated_at, disposition,
           disposition_note, occupation, membership
         FROM visit WHERE shift_id = ?1 ORDER BY id",
        "SELECT id, at, officer_id, kind, text, about FROM log_entry WHERE shift_id = ?1 ORDER BY id",
    ] {
        let mut stmt = c.prepare(sql).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([shift]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => record.extend_from_slice(b"\\N"),
                    rusqlite::types::ValueRef::Integer(v) => {
                        record.extend_from_slice(v.to_string().as_bytes())
                    }
                    rusqlite::types::ValueRef::Real(v) => {
                        record.extend_from_slice(v.to_string().as_bytes())
                    }
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        record.extend_from_slice(t)
                    }
                }
                record.push(0x1f);
            }
            record.push(0x1e);
        }
        record.push(0x1d);
    }
    let mut h = Sha256::new();
    h.update(closed_at.as_bytes());
    h.update([0x1d]);
    h.update(record);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_untouched_database_passes_and_says_what_it_checked() {
    let d = desk();
    let (ok, text) = check(&d.db, "zh");
    assert!(ok, "{text}");
    assert!(text.contains("防篡改触发器: 20 (正常)"), "{text}");
    assert!(text.contains("已签结班次(封存校验): 3 (正常)"), "{text}");
    let events: i64 = one(&d.db, "SELECT count(*) FROM event");
    assert!(
        text.contains(&format!("审计日志(哈希链): {events} (正常)")),
        "{text}"
    );
    let (ok, text) = check(&d.db, "en");
    assert!(ok, "{text}");
    assert!(text.contains("guard triggers: 20 (ok)"), "{text}");
    assert!(
        text.contains("signed-off shifts (seal check): 3 (ok)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("audit log (hash chain): {events} (ok)")),
        "{text}"
    );
    // The seals follow one another in sign-off order.
    let chained: Vec<String> = Connection::open(&d.db)
        .unwrap()
        .prepare("SELECT shift_id FROM seal_chain ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let signed: Vec<String> = d.shifts.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(chained, signed);
}

#[test]
fn an_unsealed_shift_is_named() {
    let d = desk();
    let middle = &d.shifts[1].0;
    tamper(
        &d.db,
        &["sealed_shift_update"],
        &format!("UPDATE shift SET closed_at = NULL, seal_hash = NULL WHERE id = '{middle}'"),
    );
    let text = fails(&d.db);
    assert!(
        text.contains(&format!("封存后被解封: 2026-11-24 09:05 ({middle})")),
        "{text}"
    );
    assert!(text.contains("防篡改触发器: 20 (正常)"), "{text}");
    // The English says the same.
    let (_, text) = check(&d.db, "en");
    assert!(
        text.contains(&format!(
            "unsealed after sealing: 2026-11-24 09:05 ({middle})"
        )),
        "{text}"
    );
}

#[test]
fn an_unsealed_shift_is_named_even_with_its_link_gone() {
    let d = desk();
    let last = &d.shifts[2].0;
    tamper(
        &d.db,
        &["sealed_shift_update", "seal_chain_no_delete"],
        &format!(
            "UPDATE shift SET closed_at = NULL, seal_hash = NULL WHERE id = '{last}';
             DELETE FROM seal_chain WHERE shift_id = '{last}';"
        ),
    );
    // The audit log recorded the seal.
    let text = fails(&d.db);
    assert!(
        text.contains(&format!("封存后被解封: 2026-11-25 09:05 ({last})")),
        "{text}"
    );
}

/// Deletes a shift and everything in it, as someone erasing a day would.
fn erase_shift(shift: &str) -> String {
    format!(
        "DELETE FROM sealed_person WHERE shift_id = '{shift}';
         DELETE FROM log_entry WHERE shift_id = '{shift}';
         DELETE FROM visit WHERE shift_id = '{shift}';
         DELETE FROM shift_member WHERE shift_id = '{shift}';
         DELETE FROM shift WHERE id = '{shift}';"
    )
}

const ERASE_TRIGGERS: &[&str] = &[
    "sealed_person_delete",
    "log_entry_no_delete",
    "sealed_visit_delete",
    "sealed_member_delete",
    "sealed_shift_delete",
];

#[test]
fn a_sealed_shift_deleted_whole_is_named() {
    let d = desk();
    let middle = &d.shifts[1].0;
    tamper(&d.db, ERASE_TRIGGERS, &erase_shift(middle));
    let text = fails(&d.db);
    assert!(
        text.contains(&format!("已封存的班次被删除: 2026-11-24 09:05 ({middle})")),
        "{text}"
    );
}

#[test]
fn a_sealed_shift_deleted_with_its_link_is_named_and_the_chain_break_too() {
    let d = desk();
    let (middle, last) = (&d.shifts[1].0, &d.shifts[2].0);
    let mut triggers = ERASE_TRIGGERS.to_vec();
    triggers.push("seal_chain_no_delete");
    tamper(
        &d.db,
        &triggers,
        &format!(
            "{} DELETE FROM seal_chain WHERE shift_id = '{middle}';",
            erase_shift(middle)
        ),
    );
    let text = fails(&d.db);
    // Named by the seal the audit log recorded (its opening time went with it).
    assert!(
        text.contains(&format!("已封存的班次被删除: 开班时间不详 ({middle})")),
        "{text}"
    );
    // And the next seal no longer follows the one before it.
    assert!(
        text.contains(&format!("封存链在此班次前断开: 2026-11-25 09:05 ({last})")),
        "{text}"
    );
}

#[test]
fn a_sealed_visit_edited_and_resealed_with_the_old_formula_is_named() {
    let d = desk();
    let (first, visits) = &d.shifts[0];
    let c = Connection::open(&d.db).unwrap();
    let closed: String = c
        .query_row("SELECT closed_at FROM shift WHERE id = ?1", [first], |r| {
            r.get(0)
        })
        .unwrap();
    drop(c);
    tamper(
        &d.db,
        &["sealed_visit_update"],
        &format!(
            "UPDATE visit SET summary = '已当场解决', disposition_note = '' WHERE id = '{}'",
            visits[0]
        ),
    );
    let c = Connection::open(&d.db).unwrap();
    let forged = old_seal(&c, first, &closed);
    drop(c);
    tamper(
        &d.db,
        &["sealed_shift_update"],
        &format!("UPDATE shift SET seal_hash = '{forged}' WHERE id = '{first}'"),
    );
    let text = fails(&d.db);
    assert!(
        text.contains(&format!("封存后被改动: 2026-11-23 09:05 ({first})")),
        "{text}"
    );
}

#[test]
fn an_edited_audit_event_is_named() {
    let d = desk();
    let reveal: String = one(&d.db, "SELECT id FROM event WHERE action = 'revealed'");
    tamper(
        &d.db,
        &["event_no_update"],
        &format!("UPDATE event SET detail = '' WHERE id = '{reveal}'"),
    );
    let text = fails(&d.db);
    assert!(
        text.contains(&format!("事件被改动: {reveal} 2026-11-25 09:30 revealed")),
        "{text}"
    );
}

#[test]
fn a_deleted_audit_event_is_named_with_or_without_its_link() {
    let d = desk();
    let reveal: String = one(&d.db, "SELECT id FROM event WHERE action = 'revealed'");
    tamper(
        &d.db,
        &["event_no_delete"],
        &format!("DELETE FROM event WHERE id = '{reveal}'"),
    );
    let text = fails(&d.db);
    assert!(text.contains(&format!("事件被删除: {reveal}")), "{text}");

    let d = desk();
    let reveal: String = one(&d.db, "SELECT id FROM event WHERE action = 'revealed'");
    tamper(
        &d.db,
        &["event_no_delete", "audit_chain_no_delete"],
        &format!(
            "DELETE FROM event WHERE id = '{reveal}';
             DELETE FROM audit_chain WHERE event_id = '{reveal}';"
        ),
    );
    let text = fails(&d.db);
    assert!(text.contains(&format!("事件被删除: {reveal}")), "{text}");
}

#[test]
fn a_dropped_or_disarmed_trigger_is_named() {
    let d = desk();
    Connection::open(&d.db)
        .unwrap()
        .execute_batch("DROP TRIGGER sealed_visit_update")
        .unwrap();
    let text = fails(&d.db);
    assert!(text.contains("缺少或已失效: sealed_visit_update"), "{text}");
    assert!(text.contains("防篡改触发器: 19 (有问题)"), "{text}");

    let d = desk();
    Connection::open(&d.db)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER event_no_delete;
             CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN SELECT 1; END;",
        )
        .unwrap();
    let text = fails(&d.db);
    assert!(text.contains("缺少或已失效: event_no_delete"), "{text}");
}

#[test]
fn a_visitor_corrected_after_sign_off_keeps_the_seal_and_the_sealed_record_shows_who_it_was() {
    let d = desk();
    let (first, visits) = d.shifts[0].clone();
    let mut store = Store::open(&d.db).unwrap();
    let before = store.visit_detail(&visits[0]).unwrap().unwrap().visitor;
    assert_eq!(before.name, "张三");
    // The next day a returning visit brings a new phone (a visit never renames anyone:
    // the name typed differently stays as recorded — issue 15).
    store
        .save_intake(
            &intake("张叁", "13900139000", Some(before.id.clone())),
            &d.station,
            &d.li,
            at(5000),
        )
        .unwrap();
    let now = store.visitor(&before.id).unwrap().unwrap();
    assert_eq!(now.name, "张三");
    assert_ne!(now.phone, before.phone, "the phone was corrected");
    let sealed = store.sealed_persons(&first).unwrap();
    let person = sealed.iter().find(|p| p.id == before.id).unwrap();
    assert_eq!(person.name, "张三");
    assert_eq!(person.phone, before.phone);
    assert!(store.check().unwrap().ok());
    // The snapshot itself cannot be changed or removed, nor added to once sealed.
    let c = store.conn();
    for sql in [
        format!("UPDATE sealed_person SET name = '李四' WHERE shift_id = '{first}'"),
        format!("DELETE FROM sealed_person WHERE shift_id = '{first}'"),
        format!(
            "INSERT INTO sealed_person SELECT '{first}', 'x', name, phone, NULL, gender,
               birth_date, employer, occupation, occupation_note, hometown, membership
             FROM visitor LIMIT 1"
        ),
    ] {
        let e = c.execute(&sql, []).unwrap_err();
        assert!(e.to_string().contains("sealed"), "{sql}: {e}");
    }
    drop(store);
    let (ok, text) = check(&d.db, "zh");
    assert!(ok, "{text}");
    // Changing who the sealed record shows, behind the triggers, breaks the seal.
    tamper(
        &d.db,
        &["sealed_person_update"],
        &format!(
            "UPDATE sealed_person SET name = '李四' WHERE visitor_id = '{}'",
            before.id
        ),
    );
    let text = fails(&d.db);
    assert!(
        text.contains(&format!("封存后被改动: 2026-11-23 09:05 ({first})")),
        "{text}"
    );
}

/// A file as version 9 left it: one shift sealed with the old formula, an event.
fn legacy_file(db: &Path) -> (String, String) {
    let c = Connection::open(db).unwrap();
    for (i, sql) in [
        include_str!("../src/store/migrations/0001_init.sql"),
        include_str!("../src/store/migrations/0002_drafts.sql"),
        include_str!("../src/store/migrations/0003_referrals.sql"),
        include_str!("../src/store/migrations/0004_jobs.sql"),
        include_str!("../src/store/migrations/0005_shifts.sql"),
        include_str!("../src/store/migrations/0006_visit_days.sql"),
        include_str!("../src/store/migrations/0007_audit.sql"),
        include_str!("../src/store/migrations/0008_one_time_index.sql"),
        include_str!("../src/store/migrations/0009_application_id.sql"),
    ]
    .iter()
    .enumerate()
    {
        c.execute_batch(sql).unwrap();
        c.pragma_update(None, "user_version", i64::try_from(i).unwrap() + 1)
            .unwrap();
    }
    let t = "2025-03-03T01:00:00.000Z";
    c.execute_batch(&format!(
        "INSERT INTO station VALUES ('st', '城西街道职工服务站', '{t}', '{t}');
         INSERT INTO setting VALUES ('station_id', 'st');
         INSERT INTO officer VALUES ('li', 'st', '李梅', 'cadre', '', '{t}', '{t}');
         INSERT INTO visitor(id, station_id, name, phone, gender, occupation, membership,
           created_at, updated_at) VALUES ('p1', 'st', '张三', '+8613800138000', 'unknown',
           'unknown', 'unknown', '{t}', '{t}');
         INSERT INTO shift(id, station_id, opened_at, opened_by) VALUES ('old', 'st', '{t}', 'li');
         INSERT INTO shift_member VALUES ('old', 'li', '{t}');
         INSERT INTO visit(id, station_id, visitor_id, officer_id, channel, category, urgency,
           visited_at, created_at, updated_at, shift_id, disposition)
           VALUES ('v1', 'st', 'p1', 'li', 'walk_in', 'legal', 'normal', '{t}', '{t}', '{t}',
           'old', 'on_spot');
         INSERT INTO log_entry VALUES ('e1', 'st', 'old', '{t}', 'li', 'intake', '张三 来访', 'v1');
         INSERT INTO event VALUES ('ev1', 'st', 'visit', 'v1', 'created', 'li', '{t}', '');
         UPDATE shift SET signed_by = 'li', handover_note = '无' WHERE id = 'old';"
    ))
    .unwrap();
    let closed = "2025-03-03T09:00:00.000Z";
    let seal = old_seal(&c, "old", closed);
    c.execute(
        "UPDATE shift SET closed_at = ?1, seal_hash = ?2 WHERE id = 'old'",
        [closed, &seal],
    )
    .unwrap();
    (seal, closed.to_string())
}

#[test]
fn a_shift_sealed_before_the_chain_stays_verifiable_and_joins_the_chain_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v9.db");
    let (seal, closed) = legacy_file(&db);
    // Opening migrates: the old seal is untouched and put into the chain, the event chained.
    let mut store = Store::open(&db).unwrap();
    let c = store.conn();
    let kept: String = c
        .query_row("SELECT seal_hash FROM shift WHERE id = 'old'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kept, seal);
    let (seq, formula): (i64, i64) = c
        .query_row(
            "SELECT seq, formula FROM seal_chain WHERE shift_id = 'old'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((seq, formula), (1, 1));
    let chained: i64 = c
        .query_row(
            "SELECT count(*) FROM audit_chain WHERE event_id = 'ev1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(chained, 1);
    assert!(store.check().unwrap().ok());
    // A shift signed off now chains to it.
    let st = store.station().unwrap().unwrap();
    let li = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", at(0))
        .unwrap();
    let saved = store
        .save_intake(&intake("王秀英", "", None), &st.id, &li.id, at(0))
        .unwrap();
    store
        .set_disposition(&saved.visit_id, Disposition::OnSpot, "", &li.id, at(1))
        .unwrap();
    let shift = store.current_shift(&st.id).unwrap().unwrap();
    store.sign_off(&shift.id, &li.id, "", at(60)).unwrap();
    let prev: String = store
        .conn()
        .query_row(
            "SELECT prev_hash FROM seal_chain WHERE shift_id = ?1",
            [&shift.id],
            |r| r.get(0),
        )
        .unwrap();
    let first_link: String = store
        .conn()
        .query_row("SELECT hash FROM seal_chain WHERE seq = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(prev, first_link);
    drop(store);
    let (ok, text) = check(&db, "zh");
    assert!(ok, "{text}");
    assert!(text.contains("已签结班次(封存校验): 2 (正常)"), "{text}");
    // Edit the old shift's visit and recompute its hash with its own formula: named.
    tamper(
        &db,
        &["sealed_visit_update"],
        "UPDATE visit SET summary = '事后改写' WHERE id = 'v1'",
    );
    let forged = old_seal(&Connection::open(&db).unwrap(), "old", &closed);
    tamper(
        &db,
        &["sealed_shift_update"],
        &format!("UPDATE shift SET seal_hash = '{forged}' WHERE id = 'old'"),
    );
    let text = fails(&db);
    assert!(
        text.contains("封存后被改动: 2025-03-03 09:00 (old)"),
        "{text}"
    );
}

//! The SQLite file: migrations, durability across reopen, and files we must refuse untouched.

use chrono::Utc;
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Role};
use dutydesk::i18n::Lang;
use dutydesk::store::{LATEST_VERSION, Store, StoreError};

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

fn setup(store: &Store) -> (String, String) {
    let now = Utc::now();
    let st = store.create_station("城西街道职工服务站", now).unwrap();
    let o = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", now)
        .unwrap();
    (st.id, o.id)
}

#[test]
fn a_new_file_is_migrated_private_and_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/desk.sqlite3");
    let store = Store::open(&db).unwrap();
    let version: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, LATEST_VERSION);
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = store
        .conn()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "only the owner may read visitors' records");
    }
}

#[test]
fn a_saved_visit_is_there_after_closing_and_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let visit_id = {
        let mut store = Store::open(&db).unwrap();
        let (st, o) = setup(&store);
        store
            .save_intake(&intake("张三", "13800138000", ""), &st, &o, Utc::now())
            .unwrap()
            .visit_id
    };
    let store = Store::open(&db).unwrap();
    let d = store
        .visit_detail(&visit_id)
        .unwrap()
        .expect("visit survives reopen");
    assert_eq!(d.visitor.name, "张三");
    assert_eq!(d.visitor.phone.as_deref(), Some("+8613800138000"));
    assert_eq!(d.visit.officer_name, "李梅");
    assert_eq!(d.history[0].action, "created");
    // Ids are UUID v7 (time-ordered, unique across stations).
    assert_eq!(
        uuid::Uuid::parse_str(&visit_id).unwrap().get_version_num(),
        7
    );
}

#[test]
fn a_database_from_a_newer_program_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.sqlite3");
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE t(x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    match Store::open(&db) {
        Err(StoreError::NewerVersion { found: 99, .. }) => {}
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "file bytes unchanged");
    assert!(
        !dir.path().join("future.sqlite3-wal").exists(),
        "not switched to WAL"
    );
}

#[test]
fn a_file_that_is_not_a_database_or_a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("notes.txt");
    std::fs::write(
        &junk,
        "这不是数据库 this is not a database, just some text that is long enough",
    )
    .unwrap();
    let before = std::fs::read(&junk).unwrap();
    let e = Store::open(&junk).err().expect("refused");
    assert!(matches!(e, StoreError::NotADatabase(_)), "{e}");
    assert!(e.message(Lang::Zh).contains("不是值班台数据库"));
    assert_eq!(std::fs::read(&junk).unwrap(), before);
    let e = Store::open(dir.path()).err().expect("refused");
    assert!(matches!(e, StoreError::IsDirectory(_)), "{e}");
}

#[test]
fn one_id_number_is_one_person() {
    let mut store = Store::open_in_memory().unwrap();
    let (st, o) = setup(&store);
    let id = "11010519491231002X";
    let a = store
        .save_intake(&intake("王秀英", "", id), &st, &o, Utc::now())
        .unwrap();
    let b = store
        .save_intake(&intake("王秀英", "13912345678", id), &st, &o, Utc::now())
        .unwrap();
    assert_eq!(a.visitor_id, b.visitor_id);
    assert!(b.returning);
    // The phone given on the second visit is kept on the person.
    assert_eq!(
        store
            .visitor(&a.visitor_id)
            .unwrap()
            .unwrap()
            .phone
            .as_deref(),
        Some("+8613912345678")
    );
    // Picking one visitor and typing another's ID number is refused, not merged.
    let other = store
        .save_intake(&intake("李四", "13800138000", ""), &st, &o, Utc::now())
        .unwrap();
    let mut wrong = intake("李四", "", id);
    wrong.visitor_id = Some(other.visitor_id);
    let e = store.save_intake(&wrong, &st, &o, Utc::now()).unwrap_err();
    assert!(e.to_string().contains("另一位来访人"), "{e}");
}

#[test]
fn returning_visitors_are_found_by_name_pinyin_phone_and_id_prefix() {
    let mut store = Store::open_in_memory().unwrap();
    let (st, o) = setup(&store);
    store
        .save_intake(
            &intake("张三", "13800138000", "330102199001011234"),
            &st,
            &o,
            Utc::now(),
        )
        .unwrap();
    store
        .save_intake(&intake("曾小行", "010-12345678", ""), &st, &o, Utc::now())
        .unwrap();
    let names = |q: &str| -> Vec<String> {
        store
            .find_returning(q, 8)
            .unwrap()
            .into_iter()
            .map(|m| m.visitor.name)
            .collect()
    };
    assert_eq!(names("张"), vec!["张三"]);
    assert_eq!(names("zs"), vec!["张三"]);
    assert_eq!(names("zhangs"), vec!["张三"]);
    assert_eq!(names("138 0013"), vec!["张三"]);
    assert_eq!(names("+86 138"), vec!["张三"]);
    assert_eq!(names("330102"), vec!["张三"]);
    assert_eq!(
        names("cxh"),
        vec!["曾小行"],
        "every reading of 曾 and 行 is indexed"
    );
    assert_eq!(names("010123"), vec!["曾小行"]);
    assert!(names("lisi").is_empty());
}

#[test]
fn four_or_more_digits_find_a_phone_by_its_end_and_say_so() {
    use dutydesk::store::MatchedBy;
    let mut store = Store::open_in_memory().unwrap();
    let (st, o) = setup(&store);
    for (name, phone) in [("张三", "13800138000"), ("曾小行", "010-12345678")] {
        store
            .save_intake(&intake(name, phone, ""), &st, &o, Utc::now())
            .unwrap();
    }
    let found = |q: &str| -> Vec<(String, MatchedBy)> {
        store
            .find_returning(q, 8)
            .unwrap()
            .into_iter()
            .map(|m| (m.visitor.name, m.matched_by))
            .collect()
    };
    assert_eq!(
        found("8000"),
        vec![("张三".to_string(), MatchedBy::PhoneTail)]
    );
    assert_eq!(
        found("38000"),
        vec![("张三".to_string(), MatchedBy::PhoneTail)]
    );
    assert_eq!(
        found("5678"),
        vec![("曾小行".to_string(), MatchedBy::PhoneTail)]
    );
    // Three digits are a prefix only: nobody's number starts with 800.
    assert!(found("800").is_empty());
    // From the start, or the whole number: found from the start.
    assert_eq!(found("1380"), vec![("张三".to_string(), MatchedBy::Start)]);
    assert_eq!(
        found("138 0013 8000"),
        vec![("张三".to_string(), MatchedBy::Start)]
    );
    // The tail is looked up on visitor_key's primary key, never by a scan.
    let mark = dutydesk::store::tail_lookup_key("8000").unwrap();
    let plan = plan_of(
        &store,
        &format!(
            "SELECT DISTINCT visitor_id FROM visitor_key WHERE key >= '{mark}' AND key < '{mark}\u{10FFFF}' LIMIT 8"
        ),
    );
    assert!(
        !plan.iter().any(|p| p.starts_with("SCAN visitor_key")),
        "{plan:?}"
    );
}

/// The steps of SQLite's plan for `sql`, as `EXPLAIN QUERY PLAN` words them.
fn plan_of(store: &Store, sql: &str) -> Vec<String> {
    store
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn the_returning_visitor_lookup_uses_an_index_not_a_scan() {
    let store = Store::open_in_memory().unwrap();
    let plan = plan_of(
        &store,
        "SELECT DISTINCT visitor_id FROM visitor_key WHERE key >= '138' AND key < '138\u{10FFFF}' LIMIT 8",
    );
    assert!(plan.iter().any(|p| p.contains("SEARCH")), "{plan:?}");
    assert!(
        !plan.iter().any(|p| p.starts_with("SCAN visitor_key")),
        "{plan:?}"
    );
    let plan: String = store
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM visit WHERE visited_at >= '2026' AND visited_at < '2027'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(
        plan.starts_with("SEARCH") && plan.contains("visit_report"),
        "{plan}"
    );
}

#[test]
fn the_queue_finds_cases_near_their_arbitration_limit_through_the_index_of_last_days() {
    let store = Store::open_in_memory().unwrap();
    let sql = format!(
        "EXPLAIN QUERY PLAN {}",
        dutydesk::store::arbitration_closing_sql()
    );
    let plan: Vec<String> = store
        .conn()
        .prepare(&sql)
        .unwrap()
        .query_map(
            rusqlite::params![
                None::<String>,
                None::<String>,
                None::<String>,
                "",
                500,
                "2026-11-22",
                "2027-01-21"
            ],
            |r| r.get::<_, String>(3),
        )
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(
        plan.iter().any(|p| p.contains("visit_by_arbitration")),
        "{plan:?}"
    );
    assert!(
        plan.iter().any(|p| p.contains("referral_by_visit")),
        "{plan:?}"
    );
    assert!(!plan.iter().any(|p| p.starts_with("SCAN")), "{plan:?}");
}

#[test]
fn the_job_index_finds_its_rowid_range_without_reading_every_opening() {
    let store = Store::open_in_memory().unwrap();
    let plan = plan_of(&store, dutydesk::store::JOB_ROWID_RANGE);
    assert!(!plan.iter().any(|p| p.starts_with("SCAN job")), "{plan:?}");
    assert_eq!(
        plan.iter().filter(|p| p.starts_with("SEARCH job")).count(),
        2
    );
}

#[test]
fn among_many_namesakes_the_most_recent_visitors_come_first() {
    let mut store = Store::open_in_memory().unwrap();
    let (st, o) = setup(&store);
    let base = chrono::Utc::now() - chrono::Duration::days(100);
    // Twenty people named 张…; 张二十 came last.
    let given = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    for i in 0..20 {
        let name = format!("张{}{}", if i >= 10 { "二" } else { "" }, given[i % 10]);
        let when = base + chrono::Duration::days(i64::try_from(i).unwrap());
        store
            .save_intake(&intake(&name, "", ""), &st, &o, when)
            .unwrap();
    }
    let found: Vec<String> = store
        .find_returning("张", 6)
        .unwrap()
        .into_iter()
        .map(|m| m.visitor.name)
        .collect();
    assert_eq!(found.len(), 6);
    assert_eq!(found[0], "张二十");
    assert_eq!(found[1], "张二九");
}

/// The b-trees whose pages a write added to the WAL (each page once, named by SQLite's
/// `dbstat`), with repeats for a b-tree written on several pages.
fn wal_pages_written(db: &std::path::Path, write: impl FnOnce()) -> Vec<String> {
    let wal = std::path::PathBuf::from(format!("{}-wal", db.display()));
    let side = rusqlite::Connection::open(db).unwrap();
    side.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    write();
    let bytes = std::fs::read(&wal).unwrap();
    let mut pages: Vec<u32> = bytes[32..]
        .chunks_exact(4096 + 24)
        .map(|f| u32::from_be_bytes(f[..4].try_into().unwrap()))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    let mut name = side
        .prepare("SELECT name FROM dbstat WHERE pageno = ?1")
        .unwrap();
    pages
        .iter()
        .map(|p| name.query_row([p], |r| r.get(0)).unwrap())
        .collect()
}

#[test]
fn a_returning_visitors_save_writes_what_changed_and_no_outbox_before_a_hub() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let (st, o) = setup(&store);
    store.fill_synthetic(2_000, 3, Utc::now()).unwrap();
    let first = store
        .save_intake(&intake("王秀英", "13912345678", ""), &st, &o, Utc::now())
        .unwrap();
    let keys = |store: &Store| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM visitor_key WHERE visitor_id = ?1",
                [&first.visitor_id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = keys(&store);
    assert!(before >= 3, "name, pinyin, initials and phone keys");
    // The same person again, nothing new about them: the visit, its log line and its
    // history, and nothing else — no search keys rewritten, no hub outbox (not joined).
    let mut again = intake("王秀英", "13912345678", "");
    again.visitor_id = Some(first.visitor_id.clone());
    let pages = wal_pages_written(&db, || {
        store.save_intake(&again, &st, &o, Utc::now()).unwrap();
    });
    assert!(
        pages.len() <= 16,
        "a returning visitor's save wrote {pages:?}"
    );
    for untouched in ["visitor", "visitor_key", "sync_outbox", "sqlite_sequence"] {
        assert!(
            !pages.iter().any(|p| p == untouched),
            "{untouched} written: {pages:?}"
        );
    }
    assert_eq!(keys(&store), before);
    let outbox: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(outbox, 0, "a desk that never joined a hub keeps no outbox");
    // A new phone is a new key: found by it, and no longer by the old one.
    let mut moved = intake("王秀英", "13987654321", "");
    moved.visitor_id = Some(first.visitor_id.clone());
    store.save_intake(&moved, &st, &o, Utc::now()).unwrap();
    let has = |k: &str| -> bool {
        store
            .conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM visitor_key WHERE key = ?1 AND visitor_id = ?2)",
                [k, &first.visitor_id],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert!(has("13987654321") && !has("13912345678"));
}

#[test]
fn the_arbitration_facts_are_saved_with_their_last_day() {
    use dutydesk::domain::arbitration::Employment;
    let mut store = Store::open_in_memory().unwrap();
    let (st, o) = setup(&store);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let typed = |ended: &str| {
        dutydesk::domain::intake::validate_on(
            &RawIntake {
                name: "张三".into(),
                category: Some(Category::WageArrears),
                employment: Some(Employment::Ended),
                employment_ended_on: ended.into(),
                learned_on: "2026-01-20".into(),
                ..Default::default()
            },
            today,
        )
        .unwrap()
    };
    let saved = store
        .save_intake(&typed("2026-01-16"), &st, &o, Utc::now())
        .unwrap();
    let stored = |store: &Store| -> (String, String, String, String) {
        store
            .conn()
            .query_row(
                "SELECT employment, employment_ended_on, learned_on, arbitration_last_day
                 FROM visit WHERE id = ?1",
                [&saved.visit_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
    };
    // Wages after the job ended: a year from its end, whatever was learned when.
    assert_eq!(
        stored(&store),
        (
            "ended".into(),
            "2026-01-16".into(),
            "2026-01-20".into(),
            "2027-01-16".into()
        )
    );
    let detail = store.visit_detail(&saved.visit_id).unwrap().unwrap();
    assert_eq!(detail.arbitration.employment, Some(Employment::Ended));
    // Corrected: the change is recorded before → after, and the last day moves with it.
    let done = store
        .correct_visit(
            &saved.visit_id,
            &typed("2026-02-16"),
            "离职日期记错",
            &o,
            Utc::now(),
        )
        .unwrap();
    assert_eq!(done.visit_changes, "离职日期:2026-01-16 → 2026-02-16");
    assert_eq!(stored(&store).3, "2027-02-16");
}

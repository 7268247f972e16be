//! The binary as station scripts call it.

mod common;
use assert_cmd::Command;
use common::dutydesk;

/// Runs a command that must fail and returns what it said on stderr.
fn fails(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().failure().get_output().stderr.clone()).unwrap()
}

/// Imports the demo ledger into `db`, naming the station.
fn import_demo(home: &std::path::Path, db: &std::path::Path) {
    dutydesk(home)
        .arg("--db")
        .arg(db)
        .args(["import", "visits"])
        .arg(fixture("demo_visits.csv"))
        .args(["--station", "城西街道职工服务站"])
        .assert()
        .success();
}

fn visits(db: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
        .unwrap()
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[test]
fn help_tells_a_new_user_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dutydesk(dir.path())
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for word in [
        "--db",
        "--demo",
        "--lang",
        "--keymap",
        "import",
        "DUTYDESK_DB",
        "职工服务站",
    ] {
        assert!(text.contains(word), "--help lacks {word}:\n{text}");
    }
}

#[test]
fn import_visits_reads_a_gbk_ledger_with_db_before_or_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    dutydesk(dir.path())
        .args(["--db"])
        .arg(&db)
        .args(["import", "visits"])
        .arg(fixture("ledger_gbk.csv"))
        .args(["--station", "城西街道职工服务站", "--officer", "李梅"])
        .assert()
        .success()
        .stdout(predicates::str::contains("已导入2条"));
    assert_eq!(visits(&db), 2);
    // --db after the subcommand works the same.
    dutydesk(dir.path())
        .args(["import", "visits"])
        .arg(fixture("demo_visits.csv"))
        .arg("--db")
        .arg(&db)
        .assert()
        .success();
    assert_eq!(visits(&db), 17);
    let c = rusqlite::Connection::open(&db).unwrap();
    let (name, summary): (String, String) = c
        .query_row(
            "SELECT v.name, t.summary FROM visit t JOIN visitor v ON v.id = t.visitor_id WHERE v.name = '何军'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), summary.as_str()),
        ("何军", "工地拖欠工资"),
        "GBK decoded"
    );
    // 张三 visits twice in the ledger with one ID number: one person.
    let people: i64 = c
        .query_row(
            "SELECT count(*) FROM visitor WHERE name = '张三'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(people, 1);
}

#[test]
fn a_bad_ledger_reports_every_bad_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", "visits"])
            .arg(fixture("ledger_bad.csv"))
            .args(["--station", "城西街道职工服务站", "--officer", "李梅"]),
    );
    assert!(err.contains("第3行,电话"), "{err}");
    assert!(err.contains("第4行,身份证号"), "{err}");
    assert!(err.contains("未导入任何记录"), "{err}");
    assert!(
        !err.contains("第2行"),
        "the good line is not reported: {err}"
    );
    if db.exists() {
        assert_eq!(visits(&db), 0, "nothing imported");
    }
    // In English too.
    let err = fails(
        dutydesk(dir.path())
            .args(["--lang", "en", "--db"])
            .arg(&db)
            .args(["import", "visits"])
            .arg(fixture("ledger_bad.csv")),
    );
    assert!(
        err.contains("line 3, Phone") && err.contains("nothing was imported"),
        "{err}"
    );
}

#[test]
fn demo_seeds_a_fresh_database_from_the_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    // Output is captured, not a terminal: the desk refuses to open, after making the demo.
    let err = fails(dutydesk(dir.path()).arg("--demo").arg("--db").arg(&db));
    assert!(err.contains("终端"), "{err}");
    assert_eq!(visits(&db), 15);
    let c = rusqlite::Connection::open(&db).unwrap();
    let station: String = c
        .query_row("SELECT name FROM station", [], |r| r.get(0))
        .unwrap();
    assert_eq!(station, "城西街道职工服务站");
    // The ledger's last day is moved to today (station time), so today's list is not empty
    // — but no visit is later than the clock (issue 18): those moved a day further back.
    let latest: String = c
        .query_row("SELECT max(visited_at) FROM visit", [], |r| r.get(0))
        .unwrap();
    let latest = chrono::DateTime::parse_from_rfc3339(&latest).unwrap();
    let now = chrono::Utc::now();
    assert!(latest <= now, "a demo visit at {latest}, after the clock");
    assert!(now - latest.with_timezone(&chrono::Utc) < chrono::Duration::days(1));
    // The handover note speaks of the transfer the queue shows: 周建华's case waits for
    // the officer who wrote the note (王建国) to accept it.
    let (note, signer): (String, String) = c
        .query_row(
            "SELECT s.handover_note, o.name FROM shift s JOIN officer o ON o.id = s.signed_by
             WHERE s.handover_note LIKE '%周建华%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let pending: String = c
        .query_row(
            "SELECT o.name FROM referral r JOIN visit t ON t.id = r.visit_id
             JOIN visitor v ON v.id = t.visitor_id JOIN officer o ON o.id = r.pending_owner_id
             WHERE v.name = '周建华'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, signer, "{note}");
    assert!(note.contains("转交给我"), "{note}");
    // An existing file named with --db is never overwritten by --demo.
    let err = dutydesk(dir.path())
        .arg("--demo")
        .arg("--db")
        .arg(&db)
        .assert()
        .failure()
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err).unwrap().contains("不会覆盖"));
    assert_eq!(visits(&db), 15);
}

#[test]
fn a_newer_database_is_refused_with_a_plain_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.sqlite3");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 42;")
        .unwrap();
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", "visits"])
            .arg(fixture("ledger_gbk.csv")),
    );
    assert!(
        err.contains("更新版本") && err.contains("未做任何改动"),
        "{err}"
    );
}

#[test]
fn a_broken_keymap_stops_the_desk_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let km = dir.path().join("my-keys.toml");
    std::fs::write(&km, "[global]\nF1 = \"help\"\nF9 = \"launch_rockets\"\n").unwrap();
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(dir.path().join("d.sqlite3"))
            .arg("--keymap")
            .arg(&km),
    );
    assert!(
        err.contains("my-keys.toml:3") && err.contains("F9") && err.contains("launch_rockets"),
        "{err}"
    );
}

#[test]
fn backup_refuses_to_overwrite_in_the_language_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    import_demo(dir.path(), &db);
    let there = dir.path().join("there.sqlite3");
    std::fs::write(&there, "an officer's file").unwrap();
    let err = fails(
        dutydesk(dir.path())
            .args(["--lang", "en", "--db"])
            .arg(&db)
            .arg("backup")
            .arg(&there),
    );
    assert!(err.contains("a backup never overwrites a file"), "{err}");
    assert!(
        !err.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no Chinese on an English command line: {err}"
    );
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .arg("backup")
            .arg(&there),
    );
    assert!(err.contains("备份不会覆盖已有文件"), "{err}");
    assert!(!err.contains("never overwrites"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&there).unwrap(),
        "an officer's file",
        "the file is untouched"
    );
}

#[test]
fn backup_copies_a_database_in_use_and_check_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    import_demo(dir.path(), &db);
    // Another desk is in the middle of a write that it has not committed.
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM visit;")
        .unwrap();

    let copy = dir.path().join("backup.sqlite3");
    dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .arg(&copy)
        .assert()
        .success()
        .stdout(predicates::str::contains("来访记录15条"));
    assert_eq!(visits(&copy), 15, "the copy holds committed data only");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    other.execute_batch("ROLLBACK").unwrap();
    // A backup never overwrites.
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .arg("backup")
            .arg(&copy),
    );
    assert!(err.contains("不会覆盖"), "{err}");

    dutydesk(dir.path())
        .arg("--db")
        .arg(&copy)
        .arg("check")
        .assert()
        .success()
        .stdout(predicates::str::contains("正常"))
        // It says which years' holidays the deadlines know.
        .stdout(predicates::str::contains("节假日表:2023–2026"));
    // Damage the copy's pages: check says so and fails.
    let mut bytes = std::fs::read(&copy).unwrap();
    let page = 4096;
    for b in &mut bytes[page * 2..page * 2 + 200] {
        *b = 0xA5;
    }
    std::fs::write(&copy, &bytes).unwrap();
    let out = dutydesk(dir.path())
        .arg("--db")
        .arg(&copy)
        .arg("check")
        .assert()
        .failure()
        .get_output()
        .clone();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("有问题") || all.contains("不是值班台数据库") || all.contains("数据库错误"),
        "{all}"
    );
    // A missing file is not silently created by check.
    let missing = dir.path().join("nope.sqlite3");
    let err = fails(dutydesk(dir.path()).arg("--db").arg(&missing).arg("check"));
    assert!(err.contains("不存在"), "{err}");
    assert!(!missing.exists());
}

#[test]
fn the_log_never_holds_phones_or_id_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    import_demo(dir.path(), &db);
    dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .arg(dir.path().join("b.sqlite3"))
        .assert()
        .success();
    let log = std::fs::read_to_string(dir.path().join("desk.log"))
        .expect("a log file beside the database");
    assert!(log.contains("ledger imported"), "{log}");
    let ledger = std::fs::read_to_string(fixture("demo_visits.csv")).unwrap();
    let mut sensitive = 0;
    for line in ledger.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        for cell in [cells[1], cells[2], cells[3]] {
            if !cell.is_empty() {
                sensitive += 1;
                assert!(!log.contains(cell), "log leaks {cell}");
            }
        }
    }
    assert!(sensitive > 20);
}

#[test]
fn a_broken_config_file_stops_the_desk_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[deadlines]\njobs = 5\nlegal = 3\n").unwrap();
    let db = dir.path().join("d.db");
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .arg("--config")
            .arg(&cfg),
    );
    assert!(err.contains("config.toml:3:"), "{err}");
    assert!(!db.exists(), "nothing was opened or created");
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn count(db: &std::path::Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn import_directory(
    home: &std::path::Path,
    db: &std::path::Path,
    path: &std::path::Path,
) -> String {
    stdout_of(
        dutydesk(home)
            .arg("--db")
            .arg(db)
            .args(["import", "directory"])
            .arg(path),
    )
}

#[test]
fn an_hsds_data_package_imports_with_exact_counts_and_reimport_updates_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    let out = import_directory(dir.path(), &db, &fixture("hsds_sample"));
    // 4 organisations; 9 services of which 6 active (1 temporarily closed, 1 inactive,
    // 1 defunct); all 9 new.
    assert!(
        out.contains("机构4个,服务9项(正常6项);新增9项,更新0项"),
        "{out}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM service"), 9);
    assert_eq!(
        count(&db, "SELECT count(*) FROM service WHERE status = 'active'"),
        6
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let (provider, contact, address, docs, kind): (String, String, String, String, String) = c
        .query_row(
            "SELECT provider, contact, address, documents, kind FROM service WHERE source_id = 'svc-1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(provider, "城西区总工会");
    assert_eq!(contact, "0571-86001202");
    assert_eq!(address, "浙江省 城西区 杭州市 文三路118号");
    assert_eq!(docs, "身份证、劳动合同或用工证明");
    assert_eq!(kind, "legal");
    // Phones found through the location, then the organisation.
    let court: String = c
        .query_row(
            "SELECT contact FROM service WHERE source_id = 'svc-4'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(court, "0571-86002310");
    let hrss: String = c
        .query_row(
            "SELECT contact FROM service WHERE source_id = 'svc-5'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(hrss, "12333");

    let again = import_directory(dir.path(), &db, &fixture("hsds_sample"));
    assert!(again.contains("新增0项,更新9项"), "{again}");
    assert_eq!(count(&db, "SELECT count(*) FROM service"), 9);

    let json = import_directory(dir.path(), &db, &fixture("hsds_sample.json"));
    assert!(json.contains("机构2个,服务3项(正常2项)"), "{json}");
    assert_eq!(count(&db, "SELECT count(*) FROM service"), 12);
}

#[test]
fn a_bad_directory_file_reports_file_line_and_field_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    let bad = fixture("directory_bad.csv");
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", "directory"])
            .arg(&bad),
    );
    let name = bad.display().to_string();
    for expected in [
        format!("{name}: 第3行,类别:“律师”不是可选类别"),
        format!("{name}: 第4行,名称:必填"),
        format!("{name}: 第5行,状态:“关闭”不是可选状态"),
        format!("{name}: 第5行,核对日期:日期格式不对"),
        "4处错误,未导入任何服务".to_string(),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM service"), 0);

    // A GBK file, as Excel saves it, reads the same as UTF-8.
    let text = std::fs::read_to_string(fixture("demo_directory.csv")).unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let gbk_path = dir.path().join("目录.csv");
    std::fs::write(&gbk_path, &gbk).unwrap();
    let out = import_directory(dir.path(), &db, &gbk_path);
    assert!(out.contains("服务16项(正常14项)"), "{out}");
    let lawyer: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT provider FROM service WHERE source_id = 'LEGAL-01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(lawyer, "区总工会职工法律服务中心");
}

#[test]
fn referrals_list_prints_the_queue_as_a_table_excel_csv_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    fails(dutydesk(dir.path()).arg("--demo").arg("--db").arg(&db));
    let open = count(
        &db,
        "SELECT count(*) FROM referral WHERE status IN ('sent','accepted','in_progress')",
    );
    assert!(open >= 5, "the demo has a queue");

    let csv = dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["referrals", "list", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "a BOM so Excel reads Chinese"
    );
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("办结时限,时限状态,状态,来访人")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(i64::try_from(rows.len()).unwrap(), open);
    assert!(rows[0].contains("逾期"), "overdue first: {}", rows[0]);
    assert!(rows[0].contains("张三"), "{}", rows[0]);

    let json = stdout_of(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "referrals",
        "list",
        "--overdue",
        "--format",
        "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let overdue = v.as_array().unwrap();
    assert!(!overdue.is_empty() && i64::try_from(overdue.len()).unwrap() < open);
    // Data, not display text (issue 18): a code, the days as a number, the id to act on.
    assert!(overdue.iter().all(|r| r["due_state"] == "overdue"
        && r["days_overdue"].as_i64().is_some_and(|n| n > 0)
        && r["id"].as_str().is_some_and(|id| !id.is_empty())));
    let group = overdue
        .iter()
        .find(|r| r["headcount"].as_i64().is_some_and(|n| n > 1))
        .expect("the demo's group wage case");
    assert!(
        group["amount_owed_fen"].is_i64() && group["amount_owed_yuan"].is_f64(),
        "{group}"
    );

    // 周建华's referral is being handed to 王建国: it is in his list, not yet his own.
    let mine = stdout_of(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "--lang",
        "en",
        "referrals",
        "list",
        "--mine",
        "王建国",
    ]));
    assert!(mine.contains("周建华"), "{mine}");
    assert_eq!(mine.lines().count(), 2, "header and one row: {mine}");
    let err = fails(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "referrals",
        "list",
        "--mine",
        "无名氏",
    ]));
    assert!(err.contains("名册中没有“无名氏”"), "{err}");

    let directory = stdout_of(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["directory", "list"]),
    );
    assert!(directory.contains("公益律师免费法律咨询"));
    assert!(directory.contains("暂停"));
}

#[test]
fn a_bad_hsds_package_names_the_file_row_and_field_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    let pkg = dir.path().join("hsds");
    std::fs::create_dir(&pkg).unwrap();
    for entry in std::fs::read_dir(fixture("hsds_sample")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), pkg.join(entry.file_name())).unwrap();
    }
    let services = pkg.join("services.csv");
    let text = std::fs::read_to_string(&services)
        .unwrap()
        .replace("svc-2,org-union", "svc-2,org-nowhere")
        .replace(
            "svc-6,org-hrss,,职业介绍与招聘会,,发布岗位、组织招聘会,,,active",
            "svc-6,org-hrss,,职业介绍与招聘会,,发布岗位、组织招聘会,,,open",
        );
    std::fs::write(&services, text).unwrap();
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["--lang", "en", "import", "directory"])
            .arg(&pkg),
    );
    let file = services.display().to_string();
    assert!(
        err.contains(&format!(
            "{file}: line 3, organization_id: organization \"org-nowhere\" is not in organizations.csv"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("{file}: line 7, status:")), "{err}");
    assert!(err.contains("2 problem(s); nothing was imported"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM service"), 0);
}

fn import_jobs(home: &std::path::Path, db: &std::path::Path, path: &std::path::Path) -> String {
    stdout_of(
        dutydesk(home)
            .arg("--db")
            .arg(db)
            .args(["import", "jobs"])
            .arg(path),
    )
}

#[test]
fn job_openings_import_from_csv_gbk_and_json_ld_and_reimport_updates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    let out = import_jobs(dir.path(), &db, &fixture("demo_jobs.csv"));
    assert!(out.contains("已导入岗位320个"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM job"), 320);
    let out = import_jobs(dir.path(), &db, &fixture("jobs_sample.jsonld"));
    assert!(out.contains("已导入岗位3个"), "{out}");
    let (wage_min, unit, benefits): (i64, String, i64) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT wage_min, wage_unit, benefits FROM job WHERE source_id = 'WL-8842'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((wage_min, unit.as_str(), benefits), (260, "day", 0));

    // The same ledger saved by Excel as GBK, one wage changed: updated, not duplicated.
    let text = std::fs::read_to_string(fixture("demo_jobs.csv"))
        .unwrap()
        .replacen(
            "CX-2026-0001,电子装配工,华达电子科技有限公司,开发区,开发区天目山路134号,5800",
            "CX-2026-0001,电子装配工,华达电子科技有限公司,开发区,开发区天目山路134号,6100",
            1,
        );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let gbk_path = dir.path().join("岗位.csv");
    std::fs::write(&gbk_path, &gbk).unwrap();
    let out = import_jobs(dir.path(), &db, &gbk_path);
    assert!(out.contains("新增0,更新320"), "{out}");
    assert_eq!(count(&db, "SELECT count(*) FROM job"), 323);
    assert_eq!(
        count(
            &db,
            "SELECT wage_min FROM job WHERE source_id = 'CX-2026-0001'"
        ),
        6100
    );
}

#[test]
fn a_bad_jobs_file_reports_each_row_and_field_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    let bad = fixture("jobs_bad.csv");
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", "jobs"])
            .arg(&bad),
    );
    let name = bad.display().to_string();
    for expected in [
        format!("{name}: 第3行,岗位:必填"),
        format!("{name}: 第4行,工资:工资格式不对"),
        // Each fault its own message (issue 17), no longer one for all.
        format!("{name}: 第5行,统一社会信用代码:统一社会信用代码校验位应为3,不是4"),
        format!("{name}: 第6行,发布日期:日期格式不对"),
        "4处错误,未导入任何岗位".to_string(),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM job"), 0);
}

#[test]
fn jobs_search_runs_the_lookup_matcher_headless() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    import_jobs(dir.path(), &db, &fixture("demo_jobs.csv"));
    let out = stdout_of(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["jobs", "search", "kdy", "--limit", "3"]),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "header and three: {out}");
    assert!(lines[1..].iter().all(|l| l.starts_with("快递员")), "{out}");
    let json = stdout_of(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "jobs", "search", "数控", "--format", "json", "--limit", "50",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(
        !titles.is_empty() && titles.iter().all(|t| *t == "数控车工"),
        "{titles:?}"
    );
}

#[test]
fn the_generator_fills_visits_referrals_and_openings_at_tiny_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gen.db");
    let out = stdout_of(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "gen",
        "--visits",
        "300",
        "--referrals",
        "100",
        "--jobs",
        "500",
        "--seed",
        "3",
    ]));
    assert!(
        out.contains("generated 300 visits, 100 referrals and 500 job openings"),
        "{out}"
    );
    assert_eq!(visits(&db), 300);
    assert_eq!(count(&db, "SELECT count(*) FROM referral"), 100);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM referral WHERE status IN ('sent','accepted','in_progress')"
        ),
        10
    );
    assert_eq!(count(&db, "SELECT count(*) FROM job"), 500);
    // Made on the side and copied in: nothing left beside the file, which is back in WAL.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let mode: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // Deterministic for a seed.
    let db2 = dir.path().join("gen2.db");
    stdout_of(dutydesk(dir.path()).arg("--db").arg(&db2).args([
        "gen",
        "--visits",
        "300",
        "--referrals",
        "100",
        "--jobs",
        "500",
        "--seed",
        "3",
    ]));
    let titles = |p: &std::path::Path| -> Vec<String> {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT title || employer FROM job ORDER BY id")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(titles(&db), titles(&db2));
}

#[test]
fn check_names_a_shift_changed_behind_its_seal() {
    use dutydesk::domain::intake::{RawIntake, validate};
    use dutydesk::domain::lists::{Category, Role};
    use dutydesk::domain::shift::Disposition;
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("sealed.db");
    {
        let mut store = dutydesk::store::Store::open(&db).unwrap();
        let now = chrono::Utc::now();
        let st = store.create_station("城西街道职工服务站", now).unwrap();
        let li = store
            .officer_or_add(&st, "李梅", Role::Cadre, "", now)
            .unwrap();
        let intake = validate(&RawIntake {
            name: "张三".into(),
            category: Some(Category::Legal),
            ..Default::default()
        })
        .unwrap();
        let v = store.save_intake(&intake, &st.id, &li.id, now).unwrap();
        store
            .set_disposition(&v.visit_id, Disposition::OnSpot, "", &li.id, now)
            .unwrap();
        let shift = store.current_shift(&st.id).unwrap().unwrap();
        store.sign_off(&shift.id, &li.id, "无", now).unwrap();
    }
    let out = dutydesk(home.path())
        .arg("--db")
        .arg(&db)
        .arg("check")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("已签结班次(封存校验): 1 (正常)"), "{text}");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER sealed_visit_update; UPDATE visit SET summary = '事后改写';")
        .unwrap();
    let out = dutydesk(home.path())
        .arg("--db")
        .arg(&db)
        .arg("check")
        .assert()
        .failure();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("封存后被改动"), "{text}");
}

#[test]
fn days_overdue_are_the_same_in_the_queue_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    fails(dutydesk(dir.path()).arg("--demo").arg("--db").arg(&db));
    let queue = stdout_of(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "referrals",
        "list",
        "--overdue",
        "--format",
        "csv",
    ]));
    let report = stdout_of(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["report", "--format", "csv"]),
    );
    let rows = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    // The queue: "逾期N天" per visitor; the report's list: visitor … days late.
    let late_in_queue: Vec<(String, i64)> = rows(&queue)[1..]
        .iter()
        .map(|r| {
            let n = r[1].trim_start_matches("逾期").trim_end_matches('天');
            (r[3].clone(), n.parse().unwrap())
        })
        .collect();
    assert!(!late_in_queue.is_empty(), "the demo has overdue referrals");
    let report_rows = rows(&report);
    let start = report_rows
        .iter()
        .position(|r| r[0] == "期末逾期转介明细")
        .expect("the overdue list")
        + 2;
    let late_in_report: Vec<(String, i64)> = report_rows[start..]
        .iter()
        .take_while(|r| r.len() > 6)
        .map(|r| (r[0].clone(), r[6].parse().unwrap()))
        .collect();
    let mut a = late_in_queue.clone();
    let mut b = late_in_report.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "queue {late_in_queue:?} vs report {late_in_report:?}");
}

#[test]
fn the_command_line_speaks_chinese_by_default_and_english_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout_of(
        dutydesk(dir.path())
            .env_remove("LANG")
            .args(["report", "--help"]),
    );
    for words in ["用法", "选项", "某一天", "汇总报送", "--force"] {
        assert!(help.contains(words), "zh help lacks {words}:\n{help}");
    }
    let help = stdout_of(dutydesk(dir.path()).args(["--lang", "en", "report", "--help"]));
    assert!(help.contains("Usage") && help.contains("One day"), "{help}");
    let help = stdout_of(
        dutydesk(dir.path())
            .env("LANG", "en_GB.UTF-8")
            .arg("--help"),
    );
    assert!(
        help.contains("Usage") && !help.contains("用法"),
        "LANG=en_*: {help}"
    );

    // Argument errors: a plain sentence in the language in force, exit 2.
    let err = fails(
        dutydesk(dir.path())
            .env_remove("LANG")
            .args(["jobs", "search", "快递", "--limit", "-1"]),
    );
    assert!(
        err.contains("须为1或更大的整数") && !err.contains("-- -1"),
        "{err}"
    );
    let err =
        fails(dutydesk(dir.path()).args(["--lang", "en", "jobs", "search", "x", "--limit", "-1"]));
    assert!(err.contains("must be a whole number of 1 or more"), "{err}");
    let err = fails(dutydesk(dir.path()).env_remove("LANG").arg("chek"));
    assert!(
        err.contains("没有 chek 这个命令") && err.contains("check"),
        "{err}"
    );
    let err =
        fails(
            dutydesk(dir.path())
                .env_remove("LANG")
                .args(["report", "--date", "2026/11/3"]),
        );
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn report_takes_today_and_yesterday_as_dates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    import_demo(dir.path(), &db);
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    for (word, day) in [("today", today), ("yesterday", today.pred_opt().unwrap())] {
        let md = stdout_of(
            dutydesk(dir.path())
                .arg("--db")
                .arg(&db)
                .args(["report", "--date", word]),
        );
        assert!(md.contains(&day.to_string()), "{word}: {md}");
    }
}

/// An English `jobs search` says wages and benefits as F4 does on an English desk, not
/// `/月` and `包吃 包住`; the Chinese table keeps them.
#[test]
fn jobs_search_in_english_says_wages_and_benefits_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    import_demo(dir.path(), &db);
    import_jobs(dir.path(), &db, &fixture("demo_jobs.csv"));
    let search = |lang: &str| {
        stdout_of(
            dutydesk(dir.path())
                .arg("--db")
                .arg(&db)
                .args(["--lang", lang, "jobs", "search", "叉车", "--limit", "5"]),
        )
    };
    let en = search("en");
    assert!(en.lines().count() > 1, "{en}");
    assert!(en.contains("/month") && !en.contains("/月"), "{en}");
    assert!(en.contains("meals") || en.contains("housing"), "{en}");
    assert!(!en.contains("包吃") && !en.contains("包住"), "{en}");
    let zh = search("zh");
    assert!(zh.contains("/月") && !zh.contains("/month"), "{zh}");
    assert!(zh.contains("包吃") || zh.contains("包住"), "{zh}");
}

#[test]
fn jobs_search_as_json_is_data_with_ids_numbers_and_the_contact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    import_demo(dir.path(), &db);
    dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["import", "jobs"])
        .arg(fixture("demo_jobs.csv"))
        .assert()
        .success();
    let json = stdout_of(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["jobs", "search", "快递", "--limit", "3", "--format", "json"]),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert!(first["score"].is_i64(), "{first}");
    assert!(
        first["id"].as_str().is_some_and(|s| !s.is_empty()),
        "{first}"
    );
    assert!(
        first["contact"].as_str().is_some_and(|s| !s.is_empty()),
        "{first}"
    );
    assert!(
        first["wage_min"].is_i64() && first["employment_type"].is_string(),
        "{first}"
    );
}

#[test]
fn a_ledger_row_whose_id_number_belongs_to_another_name_is_a_conflict_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let ledger = dir.path().join("台账.csv");
    std::fs::write(
        &ledger,
        "日期,姓名,诉求类别,身份证号\n\
         2026-11-20,刘建军,欠薪,330102199001011234\n\
         2026-11-21,刘建军,欠薪,330102199001011234\n\
         2026-11-22,李小龙,劳动合同,330102199001011234\n",
    )
    .unwrap();
    let err = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", "visits"])
            .arg(&ledger)
            .args(["--station", "城西街道职工服务站", "--officer", "李梅"]),
    );
    assert!(err.contains("line 4") || err.contains("第4行"), "{err}");
    assert!(
        err.contains("刘*军") && !err.contains("刘建军"),
        "masked: {err}"
    );
    assert_eq!(visits(&db), 0, "all or nothing");
}

#[test]
fn an_import_of_a_missing_file_says_so_plainly_in_either_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let missing = dir.path().join("台账.csv");
    for (cmd, lang, words) in [
        ("visits", "zh", "找不到这个文件"),
        ("jobs", "en", "no such file"),
        ("directory", "zh", "找不到这个文件"),
    ] {
        let said = fails(
            dutydesk(dir.path())
                .args(["--lang", lang, "--db"])
                .arg(&db)
                .args(["import", cmd])
                .arg(&missing),
        );
        assert!(said.contains(words), "{cmd}: {said}");
        assert!(said.contains("台账.csv"), "the file is named: {said}");
        assert!(!said.contains("os error"), "{cmd}: {said}");
        assert!(
            !said.contains("第0行"),
            "no row for a file never read: {said}"
        );
    }
    // A folder given for a ledger file says what it is.
    let said = fails(
        dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", "visits"])
            .arg(dir.path()),
    );
    assert!(said.contains("文件夹"), "{said}");
}

/// The hub's refusals are said in the officer's language (they were English on a Chinese
/// desk): a desk that has not joined, asked to sync or to look a person up elsewhere.
#[test]
fn a_desk_not_joined_to_a_hub_is_told_so_in_its_own_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    import_demo(dir.path(), &db);
    let zh = fails(dutydesk(dir.path()).arg("--db").arg(&db).arg("sync"));
    assert!(zh.contains("此值班台尚未接入县级汇总库"), "{zh}");
    assert!(!zh.contains("has not joined"), "{zh}");
    let en = fails(
        dutydesk(dir.path())
            .args(["--lang", "en", "--db"])
            .arg(&db)
            .arg("sync"),
    );
    assert!(en.contains("this desk has not joined a hub"), "{en}");
    let elsewhere = fails(dutydesk(dir.path()).arg("--db").arg(&db).args([
        "elsewhere",
        "--phone",
        "13800138000",
    ]));
    assert!(elsewhere.contains("尚未接入县级汇总库"), "{elsewhere}");
}

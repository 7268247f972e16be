//! The binary as station scripts call it.

use assert_cmd::Command;

fn dutydesk(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("dutydesk").unwrap();
    // Keep the user's data and config directories out of the tests.
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"));
    c.env_remove("DUTYDESK_DB");
    c
}

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
    // The ledger's last day is moved to today (station time), so today's list is not empty.
    let latest: String = c
        .query_row("SELECT max(visited_at) FROM visit", [], |r| r.get(0))
        .unwrap();
    let latest = chrono::DateTime::parse_from_rfc3339(&latest).unwrap();
    let zone = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    assert_eq!(
        latest.with_timezone(&zone).date_naive(),
        chrono::Utc::now().with_timezone(&zone).date_naive()
    );
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
        .stdout(predicates::str::contains("正常"));
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

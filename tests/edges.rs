//! The desk's edges, tried as an attacker and a clumsy user would: what it writes, what
//! it opens, what it prints. Each test drives the binary.

mod common;
use common::dutydesk;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};

fn at(home: &Path, db: &Path) -> Command {
    let mut c = dutydesk(home);
    c.arg("--db").arg(db);
    c
}

/// The demo database at `db` (the desk itself then refuses: no terminal in a test).
fn demo(home: &Path, db: &Path) {
    dutydesk(home)
        .arg("--demo")
        .arg("--db")
        .arg(db)
        .assert()
        .failure();
    assert!(db.exists(), "the demo was made");
    // Closed cleanly, as a desk that quit leaves it (no WAL, no -shm).
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT count(*) FROM visit", [], |r| r.get::<_, i64>(0))
        .unwrap();
    drop(c);
    assert!(!side(db, "-wal").exists());
}

fn fails(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().failure().get_output().stderr.clone()).unwrap()
}

fn stdout(cmd: &mut Command) -> Vec<u8> {
    cmd.assert().success().get_output().stdout.clone()
}

fn sha(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|b| format!("{:x}", Sha256::digest(b)))
}

fn side(db: &Path, suffix: &str) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// The file and its side files, as bytes (None: absent).
fn fingerprint(db: &Path) -> Vec<Option<String>> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| sha(&side(db, s)))
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_report_never_replaces_the_database_a_link_a_device_or_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    demo(dir.path(), &db);
    let before = fingerprint(&db);
    for target in [
        db.clone(),
        side(&db, "-wal"),
        dir.path().join("station.log"),
    ] {
        let err = fails(
            at(dir.path(), &db)
                .args(["report", "--force", "-o"])
                .arg(&target),
        );
        assert!(err.contains("数据库"), "{}: {err}", target.display());
        assert_eq!(fingerprint(&db), before, "{}", target.display());
    }
    // An existing report is kept unless --force.
    let out = dir.path().join("11月.md");
    std::fs::write(&out, "mine").unwrap();
    let err = fails(at(dir.path(), &db).args(["report", "-o"]).arg(&out));
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    at(dir.path(), &db)
        .args(["report", "--force", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("服务记录汇总")
    );
    #[cfg(unix)]
    {
        // A link is not followed, even with --force; nor is a device written.
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        let kept = std::fs::read(&out).unwrap();
        let err = fails(
            at(dir.path(), &db)
                .args(["report", "--force", "-o"])
                .arg(&link),
        );
        assert!(err.contains("不是普通文件"), "{err}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&out).unwrap(), kept);
        let err = fails(at(dir.path(), &db).args([
            "--lang",
            "en",
            "report",
            "--force",
            "-o",
            "/dev/null",
        ]));
        assert!(err.contains("not a regular file"), "{err}");
        // A new report holds names: its owner's only.
        let fresh = dir.path().join("new.xlsx");
        at(dir.path(), &db)
            .args(["report", "--format", "xlsx", "-o"])
            .arg(&fresh)
            .assert()
            .success();
        assert_eq!(mode(&fresh), 0o600);
        assert_eq!(mode(&dir.path().join("station.log")), 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "no half-written file left");
}

#[test]
fn an_unmasked_export_whose_audit_cannot_be_written_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    demo(dir.path(), &db);
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TRIGGER audit_fails BEFORE INSERT ON event
             BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END;",
        )
        .unwrap();
    }
    let out = dir.path().join("full.csv");
    fails(
        at(dir.path(), &db)
            .args(["report", "--unmasked", "--format", "csv", "-o"])
            .arg(&out),
    );
    assert!(
        !out.exists(),
        "an unaudited unmasked export is not left on disk"
    );
}

/// Another program's SQLite file, with data of its own.
fn foreign_file(path: &Path) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "PRAGMA application_id = 1234;
         CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);
         INSERT INTO notes(body) VALUES ('not a desk');",
    )
    .unwrap();
}

#[test]
fn another_programs_sqlite_file_is_refused_untouched_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for (name, make) in [
        ("named.db", foreign_file as fn(&Path)),
        ("plain.db", |p: &Path| {
            let c = rusqlite::Connection::open(p).unwrap();
            c.execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('x');")
                .unwrap();
        }),
    ] {
        let db = dir.path().join(name);
        make(&db);
        let before = fingerprint(&db);
        for args in [
            vec!["check"],
            vec!["referrals", "list"],
            vec!["directory", "list"],
            vec!["report"],
        ] {
            let err = fails(at(dir.path(), &db).args(&args));
            assert!(err.contains("不是值班台数据库"), "{name} {args:?}: {err}");
            assert_eq!(fingerprint(&db), before, "{name} {args:?}");
        }
        let err = fails(
            at(dir.path(), &db)
                .args(["import", "visits"])
                .arg(fixture("demo_visits.csv"))
                .args(["--station", "某站"]),
        );
        assert!(err.contains("不是值班台数据库"), "{err}");
        // The desk itself, too (refused before it asks for a terminal).
        let err = fails(at(dir.path(), &db).args(["--lang", "en"]));
        assert!(err.contains("another program"), "{err}");
        assert_eq!(fingerprint(&db), before, "{name}");
    }
}

#[test]
fn a_wal_that_belongs_to_another_database_is_not_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.db");
    demo(dir.path(), &ours);
    // The other station's file, fresh: everything it holds is still in its WAL.
    let theirs = dir.path().join("theirs.db");
    {
        let c = rusqlite::Connection::open(&theirs).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .unwrap();
        c.execute_batch(&format!(
            "PRAGMA application_id = {};",
            dutydesk::store::APPLICATION_ID
        ))
        .unwrap();
        c.execute_batch(
            "CREATE TABLE station(id TEXT PRIMARY KEY, name TEXT);
             CREATE TABLE visitor(id TEXT PRIMARY KEY);
             CREATE TABLE visit(id TEXT PRIMARY KEY);
             INSERT INTO station VALUES ('someone-else', '别的站');",
        )
        .unwrap();
        std::fs::copy(side(&theirs, "-wal"), side(&ours, "-wal")).unwrap();
        drop(c);
    }
    let visits_before: i64 = {
        let c = rusqlite::Connection::open_with_flags(
            format!("file:{}?immutable=1", ours.display()),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .unwrap();
        c.query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
            .unwrap()
    };
    assert!(visits_before > 0);
    let before = fingerprint(&ours);
    for args in [vec!["check"], vec!["referrals", "list"]] {
        let err = fails(at(dir.path(), &ours).args(&args));
        assert!(err.contains("-wal"), "{args:?}: {err}");
        assert_eq!(
            fingerprint(&ours),
            before,
            "{args:?}: file and side files as they were"
        );
    }
    // Another program's WAL (its page 1 names it) is refused the same way.
    let other = dir.path().join("other.db");
    let c = rusqlite::Connection::open(&other).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; PRAGMA application_id = 77;
         CREATE TABLE t(x); INSERT INTO t VALUES (1);",
    )
    .unwrap();
    std::fs::copy(side(&other, "-wal"), side(&ours, "-wal")).unwrap();
    drop(c);
    let before = fingerprint(&ours);
    let err = fails(at(dir.path(), &ours).args(["--lang", "en", "check"]));
    assert!(err.contains("-wal"), "{err}");
    assert_eq!(fingerprint(&ours), before);
    // Moved away, the database opens as it was.
    std::fs::remove_file(side(&ours, "-wal")).unwrap();
    at(dir.path(), &ours).arg("check").assert().success();
}

#[test]
fn a_read_only_or_damaged_database_is_refused_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    demo(dir.path(), &db);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o400)).unwrap();
        let before = fingerprint(&db);
        let err = fails(at(dir.path(), &db).args(["referrals", "list"]));
        assert!(err.contains("无法写入"), "{err}");
        let err = fails(&mut at(dir.path(), &db));
        assert!(err.contains("无法写入"), "the desk refuses at once: {err}");
        assert_eq!(fingerprint(&db), before);
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // Damage an index's page: quick_check names it, and no import writes into the file.
    let (page_size, root): (i64, i64) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        (
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'visit'
                 ORDER BY rootpage DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap(),
        )
    };
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        f.seek(SeekFrom::Start(
            u64::try_from((root - 1) * page_size).unwrap(),
        ))
        .unwrap();
        f.write_all(&vec![0xA5; usize::try_from(page_size).unwrap()])
            .unwrap();
    }
    let before = fingerprint(&db);
    let err = fails(
        at(dir.path(), &db)
            .args(["import", "visits"])
            .arg(fixture("demo_visits.csv")),
    );
    assert!(err.contains("已损坏"), "{err}");
    assert_eq!(fingerprint(&db), before);
}

/// Text that would drive a terminal: a title change, a screen clear, an OSC 52 clipboard
/// write, a C1 CSI, BEL, backspace, CR and a right-to-left override.
const HOSTILE: &str =
    "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{8}\r\u{202e}张三";

fn poison(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(&format!(
        "UPDATE visitor SET name = '{HOSTILE}' || name;
         UPDATE service SET name = '{HOSTILE}' || name, provider = '=HYPERLINK(\"x\")';
         UPDATE job SET title = '快递{HOSTILE}', employer = '@SUM(1+1)';
         UPDATE station SET name = '+{HOSTILE}' || name;"
    ))
    .unwrap();
}

fn assert_inert(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    for c in text.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{what}: {:?} in {text}",
            c
        );
    }
}

#[test]
fn nothing_from_the_data_reaches_the_terminal_as_a_control_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    demo(dir.path(), &db);
    at(dir.path(), &db)
        .args(["import", "jobs"])
        .arg(fixture("demo_jobs.csv"))
        .assert()
        .success();
    poison(&db);
    for args in [
        vec!["referrals", "list", "--all"],
        vec!["directory", "list"],
        vec!["jobs", "search", "快递"],
        vec!["report"],
        vec!["report", "--unmasked"],
    ] {
        let out = stdout(at(dir.path(), &db).args(&args));
        assert!(!out.is_empty(), "{args:?} printed something");
        assert_inert(&format!("{args:?}"), &out);
    }
}

#[test]
fn every_csv_cell_a_spreadsheet_would_run_begins_with_an_apostrophe() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("station.db");
    demo(dir.path(), &db);
    poison(&db);
    let out_csv = dir.path().join("r.csv");
    at(dir.path(), &db)
        .args(["report", "--format", "csv", "-o"])
        .arg(&out_csv)
        .assert()
        .success();
    let files: Vec<(String, Vec<u8>)> = vec![
        (
            "referrals".into(),
            stdout(at(dir.path(), &db).args(["referrals", "list", "--all", "--format", "csv"])),
        ),
        (
            "directory".into(),
            stdout(at(dir.path(), &db).args(["directory", "list", "--format", "csv"])),
        ),
        ("report".into(), std::fs::read(&out_csv).unwrap()),
    ];
    let mut risky_seen = 0;
    for (what, bytes) in files {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&bytes[3..]);
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                if cell.starts_with('\'') {
                    risky_seen += 1;
                }
                let number = cell.parse::<f64>().is_ok();
                assert!(
                    number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{what}: {cell:?} would run"
                );
            }
        }
        assert_inert(&what, &bytes);
    }
    assert!(risky_seen >= 3, "the hostile cells were there and defused");
}

#[test]
fn a_pipe_closed_early_ends_a_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    at(dir.path(), &db)
        .args(["gen", "--visits", "3000", "--referrals", "2000"])
        .assert()
        .success();
    for args in [
        vec!["referrals", "list", "--all"],
        vec!["report", "--from", "2000-01-01", "--to", "2100-01-01"],
        vec!["check"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dutydesk"))
            .env("HOME", dir.path())
            .arg("--db")
            .arg(&db)
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::BufRead;
            let mut first = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap())
                .read_line(&mut first)
                .unwrap();
            assert!(!first.is_empty(), "{args:?}");
        } // the read end is closed here, like `| head -1`
        let out = child.wait_with_output().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert!(
                out.status.success() || out.status.signal() == Some(13),
                "{args:?}: {:?}",
                out.status
            );
        }
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

//! The real binary under the conditions of an office PC: killed at random moments, two
//! desks writing one file at once, a file it may not write, a file another program holds.

mod common;
use common::process as dutydesk;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A small deterministic generator (xorshift), so a failing run can be repeated by seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const HEADER: &str = "日期,姓名,电话,身份证号,性别,工作单位,职业,户籍地,工会会员,渠道,诉求类别,涉及人数,欠薪金额,紧急程度,诉求摘要,接待人";
const SURNAMES: [&str; 8] = ["张", "王", "李", "赵", "陈", "刘", "杨", "黄"];

/// A ledger of `rows` visits, each summary tagged with `batch` so the test can count them.
fn ledger(dir: &Path, batch: &str, rows: usize) -> PathBuf {
    let mut text = String::from(HEADER);
    text.push('\n');
    for j in 0..rows {
        text.push_str(&format!(
            "2026-11-{:02} {:02}:{:02},{}师傅,,,男,城西建筑公司,建筑工人,安徽阜阳,非会员,来访,欠薪,,,普通,{batch},李梅\n",
            1 + j % 20,
            8 + j % 9,
            j % 60,
            SURNAMES[j % SURNAMES.len()],
        ));
    }
    let path = dir.join(format!("{batch}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

fn import(home: &Path, db: &Path, file: &Path) -> Command {
    let mut c = dutydesk(home);
    c.arg("--db")
        .arg(db)
        .args(["import", "visits"])
        .arg(file)
        .args(["--station", "城西街道职工服务站"]);
    c
}

fn tagged(conn: &rusqlite::Connection, batch: &str) -> usize {
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM visit WHERE summary = ?1",
            [batch],
            |r| r.get(0),
        )
        .unwrap();
    usize::try_from(n).unwrap()
}

/// Visits per batch tag, in one pass (a count per batch would rescan the table each time).
fn all_tagged(conn: &rusqlite::Connection) -> std::collections::HashMap<String, usize> {
    let mut stmt = conn
        .prepare("SELECT summary, count(*) FROM visit GROUP BY summary")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
        .map(|r| {
            let (batch, n) = r.unwrap();
            (batch, usize::try_from(n).unwrap())
        })
        .collect()
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// SIGKILL at random moments of `dutydesk import visits`, many times. After every kill:
/// each import the binary acknowledged (exit 0, its summary printed) is there whole; an
/// import that was killed is there whole or not at all; the file passes
/// `PRAGMA integrity_check`. `DUTYDESK_CRASH_KILLS` sets how many kills (long mode by
/// hand: 1000); `DUTYDESK_CRASH_SEED` the seed.
#[test]
fn killed_at_random_moments_it_keeps_every_acknowledged_import_and_never_half_of_one() {
    let kills_wanted: usize = std::env::var("DUTYDESK_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed: u64 = std::env::var("DUTYDESK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    // The first import names the station; it is not part of the count.
    let first = ledger(dir.path(), "开站", 1);
    assert!(import(dir.path(), &db, &first).status().unwrap().success());

    // How long one import takes here, so kills land before, during and after its commit.
    let probe = ledger(dir.path(), "试跑", 200);
    let started = Instant::now();
    assert!(import(dir.path(), &db, &probe).status().unwrap().success());
    let whole = u64::try_from(started.elapsed().as_micros()).unwrap() + 1;

    let mut rng = Rng(seed);
    let mut acknowledged: Vec<(String, usize)> = Vec::new();
    let mut killed: Vec<(String, usize)> = Vec::new();
    let mut run = 0;
    while killed.len() < kills_wanted {
        run += 1;
        let batch = format!("批次{run}");
        let rows = 1 + usize::try_from(rng.below(300)).unwrap();
        let file = ledger(dir.path(), &batch, rows);
        let mut child = import(dir.path(), &db, &file)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.below(whole * 3 / 2)));
        match child.try_wait().unwrap() {
            Some(status) => {
                let out = child.wait_with_output().unwrap();
                assert!(status.success(), "import {batch} failed on its own");
                let said = String::from_utf8_lossy(&out.stdout).to_string();
                assert!(said.contains(&format!("已导入{rows}条")), "{said}");
                acknowledged.push((batch, rows));
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                killed.push((batch, rows));
            }
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_eq!(integrity(&conn), "ok", "after run {run} (seed {seed})");
        let counts = all_tagged(&conn);
        let tagged = |batch: &str| counts.get(batch).copied().unwrap_or(0);
        for (batch, rows) in &acknowledged {
            assert_eq!(tagged(batch), *rows, "acknowledged {batch} lost");
        }
        for (batch, rows) in &killed {
            let n = tagged(batch);
            assert!(
                n == 0 || n == *rows,
                "{batch} half-written: {n} of {rows} (seed {seed})"
            );
        }
    }
    let counts = all_tagged(&rusqlite::Connection::open(&db).unwrap());
    let landed_before_kill = killed
        .iter()
        .filter(|(b, rows)| counts.get(b) == Some(rows))
        .count();
    println!(
        "{} kills survived ({} of the killed imports had committed), {} imports acknowledged",
        killed.len(),
        landed_before_kill,
        acknowledged.len()
    );
    assert!(
        !acknowledged.is_empty(),
        "some runs must finish, or the test proves nothing about acknowledged saves"
    );
}

/// Two desks on one machine write the same file at once: every write of both lands and
/// neither says the database is locked.
#[test]
fn two_desks_writing_at_once_both_succeed_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let first = ledger(dir.path(), "开站", 1);
    assert!(import(dir.path(), &db, &first).status().unwrap().success());
    let desks: Vec<_> = ["甲", "乙"]
        .into_iter()
        .map(|desk| {
            let home = dir.path().to_path_buf();
            let db = db.clone();
            std::thread::spawn(move || {
                let mut said = Vec::new();
                for i in 0..12 {
                    let batch = format!("{desk}台{i}");
                    let file = ledger(&home, &batch, 150);
                    let out = import(&home, &db, &file).output().unwrap();
                    said.push((
                        batch,
                        out.status.success(),
                        String::from_utf8_lossy(&out.stderr).to_string(),
                    ));
                }
                said
            })
        })
        .collect();
    let conn = rusqlite::Connection::open(&db).unwrap();
    for desk in desks {
        for (batch, ok, stderr) in desk.join().unwrap() {
            assert!(ok, "{batch}: {stderr}");
            assert!(
                !stderr.contains("locked") && !stderr.contains("锁定"),
                "{stderr}"
            );
            assert_eq!(tagged(&conn, &batch), 150, "{batch}");
        }
    }
    assert_eq!(integrity(&conn), "ok");
}

fn bytes_of(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// A database file the desk's user may not write: one plain sentence, a failing exit, and
/// the file as it was. As root (CI) the desk is run as `nobody`, since root writes anyway.
#[cfg(unix)]
#[test]
fn a_read_only_database_is_refused_plainly_and_left_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let first = ledger(dir.path(), "开站", 3);
    assert!(import(dir.path(), &db, &first).status().unwrap().success());
    let before = bytes_of(&db);
    let set = |p: &Path, mode| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    set(&db, 0o444).unwrap();
    set(dir.path(), 0o555).unwrap();
    let is_root = std::fs::OpenOptions::new().append(true).open(&db).is_ok();
    let mut cmd = if is_root {
        // setpriv (util-linux) drops to nobody, for whom the file is read-only.
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_dutydesk"))
            .env("HOME", "/nonexistent")
            .env_remove("DUTYDESK_DB")
            .stdin(Stdio::null());
        c
    } else {
        dutydesk(dir.path())
    };
    let out = cmd
        .arg("--db")
        .arg(&db)
        .args(["referrals", "list"])
        .output()
        .unwrap();
    set(dir.path(), 0o755).unwrap();
    set(&db, 0o600).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("无法写入"), "{stderr}");
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "one plain sentence: {stderr}"
    );
    assert!(bytes_of(&db) == before, "the file was changed");
}

/// Another program holds the file exclusively (a SQLite browser left in a write): the desk
/// waits, then says so plainly and exits, and the other program's work is intact.
#[test]
fn a_database_locked_by_another_program_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let first = ledger(dir.path(), "开站", 3);
    assert!(import(dir.path(), &db, &first).status().unwrap().success());
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;
             UPDATE visit SET summary = '另一程序' WHERE summary = '开站';",
        )
        .unwrap();
    let out = dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["referrals", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("被其他程序锁定"), "{stderr}");
    other.execute_batch("COMMIT").unwrap();
    drop(other);
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(tagged(&conn, "另一程序"), 3);
}

/// A 1 GB file handed to any importer is refused at once, unread, and nothing is written.
#[test]
fn a_huge_import_file_is_refused_unread_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let first = ledger(dir.path(), "开站", 3);
    assert!(import(dir.path(), &db, &first).status().unwrap().success());
    let huge = dir.path().join("huge.csv");
    // Sparse: a gigabyte on paper, nothing on the disk.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    for kind in ["visits", "jobs", "directory"] {
        let started = Instant::now();
        let out = dutydesk(dir.path())
            .arg("--db")
            .arg(&db)
            .args(["import", kind])
            .arg(&huge)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{kind}");
        assert!(stderr.contains("文件过大"), "{kind}: {stderr}");
        // Unread: far quicker than reading a gigabyte (a loose bound, not a benchmark).
        assert!(started.elapsed() < Duration::from_secs(20), "{kind}");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let visits: i64 = conn
        .query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(visits, 3);
}

/// A valid 18-character ID number for person `k` (a Beijing district, born 1980).
fn id_number(k: usize) -> String {
    let first17 = format!("110105198001{:02}{:03}", 1 + k % 28, k % 1000);
    let check = dutydesk::domain::id_number::check_char(&first17);
    format!("{first17}{check}")
}

/// A one-visit ledger with an ID number and no 接待人 column (the officer is given with
/// `--officer`): the import reads (who holds the number) before it writes, as C-s does.
fn one_visit(dir: &Path, desk: &str, k: usize) -> PathBuf {
    let text = format!(
        "日期,姓名,身份证号,诉求类别,诉求摘要\n2026-11-20 09:{:02},{}{k},{},欠薪,{desk}\n",
        k % 60,
        SURNAMES[k % SURNAMES.len()],
        id_number(k)
    );
    let path = dir.join(format!("{desk}-{k}.csv"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Issue 15, item 5: two desk processes saving at once, 30 saves each, each save a read
/// then a write. Every one waits its turn: none refused, none lost, and no message about a
/// wait that timed out or a database held by someone else.
#[test]
fn two_processes_saving_at_once_wait_their_turn_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let first = ledger(dir.path(), "开站", 1);
    assert!(import(dir.path(), &db, &first).status().unwrap().success());
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let desks: Vec<_> = [("甲", 0), ("乙", 1000)]
        .into_iter()
        .map(|(desk, base)| {
            let home = dir.path().to_path_buf();
            let db = db.clone();
            let start = std::sync::Arc::clone(&start);
            std::thread::spawn(move || {
                let files: Vec<_> = (0..30).map(|i| one_visit(&home, desk, base + i)).collect();
                start.wait();
                files
                    .iter()
                    .map(|file| {
                        let mut c = dutydesk(&home);
                        c.arg("--db")
                            .arg(&db)
                            .args(["import", "visits"])
                            .arg(file)
                            .args(["--officer", "李梅"]);
                        let out = c.output().unwrap();
                        (
                            out.status.success(),
                            String::from_utf8_lossy(&out.stderr).to_string(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut refused = Vec::new();
    for desk in desks {
        for (ok, stderr) in desk.join().unwrap() {
            if !ok {
                refused.push(stderr);
            }
        }
    }
    assert!(
        refused.is_empty(),
        "{} of 60 refused: {refused:?}",
        refused.len()
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    for desk in ["甲", "乙"] {
        assert_eq!(tagged(&conn, desk), 30, "{desk}'s saves");
    }
    assert_eq!(integrity(&conn), "ok");
}

/// The same through two `Store` handles in one process, saving intakes as C-s does, both
/// released at once: 60 saves, 0 refused, 0 lost.
#[test]
fn two_store_handles_saving_at_once_wait_their_turn_and_lose_nothing() {
    use dutydesk::domain::intake::{RawIntake, validate};
    use dutydesk::domain::lists::{Category, Role};
    use dutydesk::i18n::Lang;
    use dutydesk::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let (station, officer) = {
        let store = Store::open(&db).unwrap();
        let now = chrono::Utc::now();
        let st = store.create_station("城西街道职工服务站", now).unwrap();
        let o = store
            .officer_or_add(&st, "李梅", Role::Cadre, "", now)
            .unwrap();
        (st.id, o.id)
    };
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let desks: Vec<_> = [("甲", 0), ("乙", 1000)]
        .into_iter()
        .map(|(desk, base)| {
            let (db, station, officer) = (db.clone(), station.clone(), officer.clone());
            let start = std::sync::Arc::clone(&start);
            std::thread::spawn(move || {
                let mut store = Store::open(&db).unwrap();
                start.wait();
                (base..base + 30)
                    .filter_map(|k| {
                        let intake = validate(&RawIntake {
                            name: format!("{}{k}", SURNAMES[k % SURNAMES.len()]),
                            id_number: id_number(k),
                            category: Some(Category::WageArrears),
                            summary: desk.into(),
                            ..Default::default()
                        })
                        .unwrap();
                        store
                            .save_intake(&intake, &station, &officer, chrono::Utc::now())
                            .err()
                            .map(|e| e.message(Lang::Zh))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let refused: Vec<String> = desks.into_iter().flat_map(|d| d.join().unwrap()).collect();
    assert!(
        refused.is_empty(),
        "{} of 60 refused: {refused:?}",
        refused.len()
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    for desk in ["甲", "乙"] {
        assert_eq!(tagged(&conn, desk), 30, "{desk}'s saves");
    }
}

/// Another program holds the write lock past the desk's 10-second wait: the save is
/// refused, and only now does the sentence speak of a wait that ran out.
#[test]
fn a_save_held_off_for_the_whole_wait_says_it_waited() {
    use dutydesk::domain::intake::{RawIntake, validate};
    use dutydesk::domain::lists::{Category, Role};
    use dutydesk::i18n::Lang;
    use dutydesk::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let mut store = Store::open(&db).unwrap();
    let now = chrono::Utc::now();
    let st = store.create_station("城西街道职工服务站", now).unwrap();
    let o = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", now)
        .unwrap();
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let intake = validate(&RawIntake {
        name: "张三".into(),
        id_number: id_number(7),
        category: Some(Category::WageArrears),
        ..Default::default()
    })
    .unwrap();
    let err = store.save_intake(&intake, &st.id, &o.id, now).unwrap_err();
    other.execute_batch("ROLLBACK").unwrap();
    assert!(
        err.message(Lang::Zh).contains("等待10秒"),
        "{}",
        err.message(Lang::Zh)
    );
    assert!(err.message(Lang::En).contains("10-second wait"));
    // The lock released, the same save goes through.
    store.save_intake(&intake, &st.id, &o.id, now).unwrap();
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes_of(path)))
}

/// Issue 15, item 9: `--demo` rebuilds its file only when nobody has it open. A desk that
/// has it open (registered in it), or any other program holding it, makes `--demo` refuse
/// with a sentence and leave the file as it was; once they are gone it rebuilds and says
/// what it threw away.
#[test]
fn demo_never_deletes_a_file_a_desk_has_open_and_says_what_it_discards() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let demo = home.join("data/dutydesk/demo.sqlite3");
    let run_demo = || {
        let out = dutydesk(home).arg("--demo").output().unwrap();
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    // Built once (the desk itself then stops: no terminal here).
    run_demo();
    assert!(demo.exists());
    let visits = |p: &Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
            .unwrap()
    };
    let n = visits(&demo);
    assert!(n > 0);

    // A desk has it open.
    let mut desk = dutydesk::store::Store::open(&demo).unwrap();
    desk.register_desk(chrono::Utc::now()).unwrap();
    let before = sha256(&demo);
    let said = run_demo();
    assert!(
        said.contains("正由另一台值班台") && said.contains("没有删除"),
        "{said}"
    );
    assert!(
        said.contains(&format!("进程 {}", std::process::id())),
        "{said}"
    );
    assert_eq!(sha256(&demo), before, "the demo file was touched");
    drop(desk);

    // Another program has it open, without registering as a desk.
    let other = rusqlite::Connection::open(&demo).unwrap();
    other
        .query_row("SELECT count(*) FROM visit", [], |r| r.get::<_, i64>(0))
        .unwrap();
    let before = sha256(&demo);
    let out = dutydesk(home)
        .args(["--demo", "--lang", "en"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        said.contains("is open in another program") && said.contains("not deleted"),
        "{said}"
    );
    assert_eq!(sha256(&demo), before, "the demo file was touched");
    drop(other);

    // Nobody has it open: rebuilt, and it says what it discarded.
    let said = run_demo();
    assert!(
        said.contains("已删除旧的演示数据库") && said.contains(&format!("含{n}条来访记录")),
        "{said}"
    );
    assert_eq!(visits(&demo), n, "a fresh demo, not the old one grown");
}

/// A desk in a real terminal: tmux (required; the test fails loudly without it) on a
/// private socket, so the desk runs as an officer sees it and can be killed mid-typing.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        let ok = Command::new("tmux")
            .arg("-V")
            .output()
            .map(|o| o.status.success());
        assert!(
            matches!(ok, Ok(true)),
            "tmux is needed to run the desk in a terminal for this test; install tmux"
        );
        Tmux {
            socket: format!("dutydesk-test-{}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Starts the desk on `db` in a new window; its pid once the intake form is on screen.
    fn desk(&self, home: &Path, db: &Path) -> i64 {
        let cmd = format!(
            "env HOME={h} XDG_DATA_HOME={h}/data XDG_CONFIG_HOME={h}/config {bin} --db {db}",
            h = home.display(),
            bin = env!("CARGO_BIN_EXE_dutydesk"),
            db = db.display()
        );
        self.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "desk",
            &cmd,
        ]);
        let started = Instant::now();
        loop {
            let screen = self.run(&["capture-pane", "-p", "-t", "desk"]);
            if screen.contains("来访登记") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the desk did not start: {screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.run(&["display-message", "-p", "-t", "desk", "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "desk"];
        args.extend_from_slice(keys);
        self.run(&args);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// Issue 15, item 6: the desk killed (SIGKILL) at random moments while an officer types a
/// visitor and presses C-s. After every kill, a visit that was committed has left no draft
/// behind (the save and its draft's deletion are one transaction), and a save that did not
/// commit left its typing as a draft or nothing. `DUTYDESK_DRAFT_KILLS` sets how many kills.
#[test]
fn a_desk_killed_around_its_save_never_leaves_a_draft_of_a_saved_visit() {
    let kills: usize = std::env::var("DUTYDESK_DRAFT_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let tmux = Tmux::new();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    {
        let store = dutydesk::store::Store::open(&db).unwrap();
        let now = chrono::Utc::now();
        let st = store.create_station("城西街道职工服务站", now).unwrap();
        let o = store
            .officer_or_add(&st, "李梅", dutydesk::domain::lists::Role::Cadre, "", now)
            .unwrap();
        store.set_current_officer(&o).unwrap();
    }
    const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋"];
    let mut rng = Rng(0x0d5a_f7ed);
    let (mut saved, mut unsaved) = (0, 0);
    for i in 0..kills {
        let name = format!(
            "{}{}{}",
            SURNAMES[i % 8],
            GIVEN[(i / 8) % 10],
            GIVEN[i % 10]
        );
        let pid = tmux.desk(dir.path(), &db);
        tmux.keys(&["-l", &name]);
        tmux.keys(&["Tab"]);
        tmux.keys(&["-l", &format!("139{:08}", 10_000_000 + i)]);
        tmux.keys(&[
            "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab", "Right",
        ]);
        tmux.keys(&["C-s"]);
        // Kill before, during or after the save lands.
        std::thread::sleep(Duration::from_micros(rng.below(60_000)));
        Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .unwrap();
        tmux.run(&["kill-session", "-t", "desk"]);
        let conn = rusqlite::Connection::open(&db).unwrap();
        assert_eq!(integrity(&conn), "ok");
        let visits: i64 = conn
            .query_row(
                "SELECT count(*) FROM visit t JOIN visitor v ON v.id = t.visitor_id WHERE v.name = ?1",
                [&name],
                |r| r.get(0),
            )
            .unwrap();
        let drafts: Vec<String> = conn
            .prepare("SELECT data FROM desk_draft")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mine = drafts.iter().filter(|d| d.contains(&name)).count();
        assert!(visits <= 1, "{name} saved twice");
        if visits == 1 {
            saved += 1;
            assert_eq!(
                mine, 0,
                "kill {i}: {name} was saved and its draft is still there"
            );
        } else {
            unsaved += 1;
        }
        // The next start would offer a left draft; this test answers for it.
        conn.execute("DELETE FROM desk_draft", []).unwrap();
    }
    println!("{kills} kills: {saved} after the save committed, {unsaved} before");
    assert!(
        saved > 0,
        "no kill landed after a save: the test proves nothing"
    );
}

//! The county hub against a real PostgreSQL (issue 20). `.ci/run` starts one and gives
//! its address in DUTYDESK_TEST_HUB ("host=… user=postgres dbname=postgres"); without it
//! these tests start their own throwaway server from Debian's binaries
//! (/usr/lib/postgresql/*/bin) and stop it when the test binary ends. No server and no
//! binaries: every test here fails, saying so — they never skip.

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use chrono::NaiveDate;
use dutydesk::domain::labels::Labeled;
use dutydesk::store::{Store, Totals, VisitScope};

// ---------------------------------------------------------------------------------------
// The server

static SERVER: OnceLock<Result<String, String>> = OnceLock::new();

/// The server's address (a key=value connection string naming its `postgres` database).
fn server() -> String {
    SERVER
        .get_or_init(|| match std::env::var("DUTYDESK_TEST_HUB") {
            Ok(s) if !s.trim().is_empty() => Ok(s),
            _ => start_server(),
        })
        .clone()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn start_server() -> Result<String, String> {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .max_by_key(|p| {
            p.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
                .unwrap_or(0)
        })
        .ok_or_else(|| {
            format!(
                "the hub tests need PostgreSQL: set DUTYDESK_TEST_HUB to a server's connection \
                 string, or install Debian's postgresql (apt-get install postgresql){}",
                if ci {
                    " — CI is set, so this is a failure"
                } else {
                    ""
                }
            )
        })?;
    let dir = tempfile::Builder::new()
        .prefix("dutydesk-pg-")
        .tempdir()
        .map_err(|e| e.to_string())?
        .keep();
    let root = unsafe { libc::geteuid() } == 0;
    let as_pg = |program: &Path| {
        if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    };
    if root {
        Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
    }
    let run = |c: &mut Command, what: &str| -> Result<(), String> {
        let out = c.output().map_err(|e| format!("{what}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let data = dir.join("data");
    run(
        as_pg(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-sync"]),
        "initdb",
    )?;
    run(
        as_pg(&bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("log"))
            .args(["-w", "-t", "30", "-o"])
            .arg(format!(
                "-c listen_addresses='' -k {} -c fsync=off -c max_connections=200",
                dir.display()
            ))
            .arg("start"),
        "pg_ctl start",
    )?;
    // Stopped when this test process ends, however it ends.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
         {runuser} '{pg_ctl}' -D '{data}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        runuser = if root { "runuser -u postgres --" } else { "" },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &stop])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "host={} user=postgres dbname=postgres",
        dir.display()
    ))
}

/// A fresh hub database for one test; its address (as the county's superuser).
fn hub_db(name: &str) -> String {
    let base = server();
    let mut c = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL at {base:?}: {e}"));
    c.batch_execute(&format!("DROP DATABASE IF EXISTS hub_{name} WITH (FORCE)"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE hub_{name}"))
        .unwrap();
    format!("{base} dbname=hub_{name}")
}

fn pg(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

// ---------------------------------------------------------------------------------------
// The binary and desks

fn dutydesk(home: &Path) -> Command {
    let mut c = common::process(home);
    c.env_remove("DUTYDESK_HUB")
        .env_remove("DUTYDESK_SYNC_BATCH")
        .args(["--lang", "en"]);
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Hub {
    url: String,
    home: tempfile::TempDir,
}

impl Hub {
    fn new(name: &str) -> Hub {
        let url = hub_db(name);
        let home = tempfile::tempdir().unwrap();
        let said = ok(dutydesk(home.path())
            .args(["hub", "init", "--hub", &url])
            .output()
            .unwrap());
        let latest = dutydesk::hub::client::HUB_SCHEMA_VERSION;
        assert!(said.contains(&format!("version 0 → {latest}")), "{said}");
        Hub { url, home }
    }

    fn dir(&self) -> &Path {
        self.home.path()
    }

    /// Enrols `station` and returns its enrolment file.
    fn enroll(&self, station: &str) -> PathBuf {
        let file = self.dir().join(format!("{station}.toml"));
        ok(dutydesk(self.dir())
            .args([
                "hub",
                "enroll",
                "--hub",
                &self.url,
                "--station",
                station,
                "-o",
            ])
            .arg(&file)
            .output()
            .unwrap());
        file
    }

    /// A generated desk named `station`, enrolled and joined (not yet synced).
    fn desk(&self, station: &str, visits: usize, referrals: usize, seed: u64) -> PathBuf {
        let db = self.dir().join(format!("{station}.db"));
        Store::open(&db)
            .unwrap()
            .create_station(station, chrono::Utc::now())
            .unwrap();
        ok(dutydesk(self.dir())
            .args(["--db"])
            .arg(&db)
            .args(["gen", "--visits", &visits.to_string()])
            .args(["--referrals", &referrals.to_string()])
            .args(["--seed", &seed.to_string()])
            .output()
            .unwrap());
        let creds = self.enroll(station);
        let mut join = dutydesk(self.dir());
        join.arg("--db")
            .arg(&db)
            .args(["sync", "--join"])
            .arg(&creds);
        // Joining syncs at once.
        let said = ok(join.output().unwrap());
        assert!(sent(&said).0 > 0, "{said}");
        db
    }

    /// `dutydesk --db DB …` at one of this hub's desks.
    fn desk_cli(&self, db: &Path) -> Command {
        let mut c = dutydesk(self.dir());
        c.arg("--db").arg(db);
        c
    }

    fn sync(&self, db: &Path, batch: Option<usize>) -> Command {
        let mut c = self.desk_cli(db);
        c.arg("sync");
        if let Some(b) = batch {
            c.env("DUTYDESK_SYNC_BATCH", b.to_string());
        }
        c
    }

    fn report_json(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        station: Option<&str>,
    ) -> serde_json::Value {
        let mut c = dutydesk(self.dir());
        c.args(["hub", "report", "--hub", &self.url, "--format", "json"])
            .args(["--from", &from.to_string(), "--to", &to.to_string()]);
        if let Some(s) = station {
            c.args(["--station", s]);
        }
        serde_json::from_str(&ok(c.output().unwrap())).unwrap()
    }
}

/// "sent N changes (R rows) in B batches" → (N, B).
fn sent(said: &str) -> (usize, usize) {
    let words: Vec<&str> = said.split_whitespace().collect();
    let n = words[1].parse().unwrap_or_else(|_| panic!("{said}"));
    let b = words
        .iter()
        .position(|w| *w == "batches;")
        .map_or_else(|| panic!("{said}"), |i| words[i - 1].parse().unwrap());
    (n, b)
}

fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&dutydesk::app::china_zone())
        .date_naive()
}

/// A desk's own totals for `[from, to]`, as its report counts them.
fn desk_totals(db: &Path, from: NaiveDate, to: NaiveDate) -> Totals {
    let zone = dutydesk::app::china_zone();
    let start = dutydesk::app::day_start(from, zone);
    let end = dutydesk::app::day_start(to.succ_opt().unwrap(), zone);
    let as_of = dutydesk::report::period::overdue_as_of(to, today());
    Store::open(db)
        .unwrap()
        .totals(VisitScope::Between(start, end), start, end, as_of, false)
        .unwrap()
}

/// Every figure of a report, by name.
fn figures(t: &Totals) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    let mut put = |k: String, v: i64| {
        if v != 0 {
            *m.entry(k).or_insert(0) += v;
        }
    };
    put("visits".into(), t.visits);
    put("follow_ups".into(), t.follow_ups);
    put("workers_in_visits".into(), t.workers_in_visits);
    put("wages_recovered_fen".into(), t.wages_recovered_fen);
    put("workers_covered".into(), t.workers_covered);
    put("aid_paid_fen".into(), t.aid_paid_fen);
    put("placed".into(), t.placed);
    for (k, n) in &t.by_channel {
        put(format!("by_channel.{}", k.code()), *n);
    }
    for (k, n) in &t.by_category {
        put(format!("by_category.{}", k.code()), *n);
    }
    for (k, n) in &t.by_occupation {
        put(format!("by_occupation.{}", k.code()), *n);
    }
    for (k, n) in &t.by_membership {
        put(format!("by_membership.{}", k.code()), *n);
    }
    for (k, f) in &t.referrals {
        let k = k.code();
        for (name, n) in [
            ("opened", f.opened),
            ("closed", f.closed),
            ("resolved", f.resolved),
            ("partly", f.partly),
            ("not_resolved", f.not_resolved),
            ("declined", f.declined),
            ("overdue", f.overdue),
        ] {
            put(format!("referrals.{k}.{name}"), n);
        }
    }
    m
}

fn sum(a: &BTreeMap<String, i64>, b: &BTreeMap<String, i64>) -> BTreeMap<String, i64> {
    let mut m = a.clone();
    for (k, v) in b {
        *m.entry(k.clone()).or_insert(0) += v;
    }
    m
}

/// The same figures read from the hub's JSON report.
fn hub_figures(j: &serde_json::Value) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for k in [
        "visits",
        "follow_ups",
        "workers_in_visits",
        "wages_recovered_fen",
        "workers_covered",
        "aid_paid_fen",
        "placed",
    ] {
        let v = j[k]
            .as_i64()
            .unwrap_or_else(|| panic!("{k} not at top level: {j}"));
        if v != 0 {
            m.insert(k.to_string(), v);
        }
    }
    for dim in [
        "by_channel",
        "by_category",
        "by_occupation",
        "by_membership",
    ] {
        for (code, n) in j[dim].as_object().unwrap() {
            m.insert(format!("{dim}.{code}"), n.as_i64().unwrap());
        }
    }
    for (kind, f) in j["referrals"].as_object().unwrap() {
        for (name, n) in f.as_object().unwrap() {
            if n.as_i64().unwrap() != 0 {
                m.insert(format!("referrals.{kind}.{name}"), n.as_i64().unwrap());
            }
        }
    }
    m
}

/// Per table: (rows, ids in order joined) at the desk and at the hub for a station.
fn table_digest_desk(db: &Path) -> BTreeMap<String, (i64, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut m = BTreeMap::new();
    for (t, key) in TABLE_KEYS {
        let (n, ids): (i64, Option<String>) = c
            .query_row(
                &format!(
                    "SELECT count(*), group_concat(k, ',') FROM
                       (SELECT {key} AS k FROM {t} ORDER BY k)"
                ),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        m.insert(t.to_string(), (n, ids.unwrap_or_default()));
    }
    m
}

fn table_digest_hub(hub: &mut postgres::Client, station: &str) -> BTreeMap<String, (i64, String)> {
    let mut m = BTreeMap::new();
    for (t, key) in TABLE_KEYS {
        let key = key.replace("CAST(seq AS TEXT)", "seq::text");
        let row = hub
            .query_one(
                &format!(
                    "SELECT count(*), coalesce(string_agg(k, ',' ORDER BY k COLLATE \"C\"), '')
                       FROM (SELECT {key} AS k FROM hub.{t} x JOIN hub.station s USING (station_id)
                              WHERE s.name = $1) q"
                ),
                &[&station],
            )
            .unwrap();
        m.insert(t.to_string(), (row.get(0), row.get(1)));
    }
    m
}

const TABLE_KEYS: &[(&str, &str)] = &[
    ("officer", "id"),
    ("visitor", "id"),
    ("visit", "id"),
    ("referral", "id"),
    ("event", "id"),
    ("log_entry", "id"),
    ("shift", "id"),
    ("shift_member", "shift_id || ' ' || officer_id"),
    ("seal_chain", "CAST(seq AS TEXT)"),
    ("audit_chain", "CAST(seq AS TEXT)"),
];

/// `sync --verify` passes: every table's rows and checksum equal at the desk and the hub.
fn verified(hub: &Hub, db: &Path) {
    let said = ok(hub.sync(db, None).arg("--verify").output().unwrap());
    assert!(
        !said.contains("DIFFERS") && said.contains("visit"),
        "{said}"
    );
}

/// Visits that belong to no signed-off shift (a sealed visit cannot be changed).
const OPEN_VISITS: &str =
    "shift_id IS NULL OR shift_id IN (SELECT id FROM shift WHERE closed_at IS NULL)";

/// What a desk records that the hub's first schema did not know, filled into a generated
/// desk as the desk writes it: follow-up visits (回访), the arbitration facts, decline
/// reasons from the list, log lines with their facts (a visitor's name, a mobile and an
/// ID number typed in a note) and a service added at the desk whose contact is a mobile.
/// Returns how many visits became follow-ups.
fn fill_new_columns(db: &Path) -> usize {
    use dutydesk::domain::lists::{Category, Channel};
    use dutydesk::domain::log_fact::{LogFact, ReferralEvent};
    use dutydesk::domain::referral::ServiceKind;
    let c = rusqlite::Connection::open(db).unwrap();
    let follow_ups = c
        .execute(
            &format!(
                "UPDATE visit SET follows_referral =
                     (SELECT r.id FROM referral r WHERE r.visit_id <> visit.id ORDER BY r.id LIMIT 1)
                  WHERE rowid IN (SELECT rowid FROM visit WHERE {OPEN_VISITS} ORDER BY rowid LIMIT 30)"
            ),
            [],
        )
        .unwrap();
    assert!(follow_ups > 0, "no open visit to follow up");
    c.execute(
        &format!(
            "UPDATE visit SET employment = 'ended', employment_ended_on = '2026-01-05',
                    learned_on = '2025-12-20', arbitration_last_day = '2027-01-05'
              WHERE rowid IN (SELECT rowid FROM visit WHERE {OPEN_VISITS}
                               ORDER BY rowid DESC LIMIT 40)"
        ),
        [],
    )
    .unwrap();
    c.execute(
        "UPDATE referral SET decline_code = 'incomplete' WHERE status = 'declined'",
        [],
    )
    .unwrap();
    let (station, officer): (String, String) = c
        .query_row("SELECT station_id, id FROM officer LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let now = "2026-03-02T01:02:03.000Z";
    c.execute(
        "INSERT INTO service (id, kind, deadline_rule, name, contact, status, created_at,
                              updated_at, added_by)
         VALUES ('local-svc-1', 'legal', 'legal_aid', '街道调解室', '王主任 13812345678', 'active',
                 ?1, ?1, ?2)",
        rusqlite::params![now, officer],
    )
    .unwrap();
    let facts = [
        LogFact::Intake {
            name: "秘密来访人".into(),
            category: Category::WageArrears,
            channel: Channel::WalkIn,
            returning: true,
            follow_up: true,
        },
        LogFact::Referral {
            visitor: "秘密来访人".into(),
            service: "街道调解室".into(),
            kind: ServiceKind::Legal,
            event: ReferralEvent::Sent {
                note: "电话13912345678 身份证11010519491231002X".into(),
                without_consent: None,
            },
        },
    ];
    for (i, fact) in facts.iter().enumerate() {
        c.execute(
            "INSERT INTO log_entry (id, station_id, shift_id, at, officer_id, kind, text, fact)
             VALUES (?1, ?2, NULL, ?3, ?4, 'note', '来访登记', ?5)",
            rusqlite::params![
                format!("fact-line-{i}"),
                station,
                now,
                officer,
                serde_json::to_string(fact).unwrap()
            ],
        )
        .unwrap();
    }
    follow_ups
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    d.with_day(1).unwrap()
}

fn years_back(n: i64) -> NaiveDate {
    today() - chrono::Duration::days(366 * n)
}

// ---------------------------------------------------------------------------------------
// The tests

/// The new columns as the desk holds them — the follow-up links, the arbitration facts,
/// the decline reasons, log facts, the local service (the directory's services stay at
/// home) — are at the hub, as many for the station as at its desk.
fn new_columns_at_the_hub(c: &mut postgres::Client, a: &Path) {
    let desk = rusqlite::Connection::open(a).unwrap();
    let at_desk = |sql: &str| -> i64 { desk.query_row(sql, [], |r| r.get(0)).unwrap() };
    let at_hub = |c: &mut postgres::Client, sql: &str| -> i64 {
        c.query_one(
            &format!(
                "{sql} AND station_id = (SELECT station_id FROM hub.station WHERE name = '城西站')"
            ),
            &[],
        )
        .unwrap()
        .get(0)
    };
    for (desk_sql, hub_sql) in [
        (
            "SELECT count(*) FROM visit WHERE follows_referral IS NOT NULL",
            "SELECT count(*) FROM hub.visit WHERE follows_referral IS NOT NULL",
        ),
        (
            "SELECT count(*) FROM visit WHERE arbitration_last_day = '2027-01-05' AND learned_on = '2025-12-20'",
            "SELECT count(*) FROM hub.visit WHERE arbitration_last_day = '2027-01-05' AND learned_on = '2025-12-20'",
        ),
        (
            "SELECT count(*) FROM referral WHERE decline_code = 'incomplete'",
            "SELECT count(*) FROM hub.referral WHERE decline_code = 'incomplete'",
        ),
        (
            "SELECT count(*) FROM log_entry WHERE fact IS NOT NULL",
            "SELECT count(*) FROM hub.log_entry WHERE fact IS NOT NULL",
        ),
        (
            "SELECT count(*) FROM service WHERE added_by IS NOT NULL",
            "SELECT count(*) FROM hub.local_service WHERE true",
        ),
    ] {
        let n = at_desk(desk_sql);
        assert!(n > 0, "{desk_sql}");
        assert_eq!(at_hub(c, hub_sql), n, "{hub_sql}");
    }
}

#[test]
fn two_desks_sum_to_the_county_report() {
    let hub = Hub::new("two_desks");
    let a = hub.desk("城西站", 1500, 250, 1);
    let b = hub.desk("城东站", 900, 150, 2);
    // Follow-ups, arbitration facts, decline reasons, facts and a local service, recorded
    // after the first sync, reach the hub on the next.
    for db in [&a, &b] {
        fill_new_columns(db);
        let said = ok(hub.sync(db, None).output().unwrap());
        assert!(sent(&said).0 > 0, "{said}");
    }
    for (from, to) in [
        (years_back(6), today()),
        (today() - chrono::Duration::days(30), today()),
        (years_back(2), years_back(1)),
        // Whole months only (month rollups), and a few days inside one month (day rollups).
        (
            first_of_month(years_back(1)),
            first_of_month(today()).pred_opt().unwrap(),
        ),
        (
            first_of_month(years_back(1)) + chrono::Duration::days(3),
            first_of_month(years_back(1)) + chrono::Duration::days(9),
        ),
    ] {
        let desks = sum(
            &figures(&desk_totals(&a, from, to)),
            &figures(&desk_totals(&b, from, to)),
        );
        assert!(desks["visits"] > 0);
        let county = hub_figures(&hub.report_json(from, to, None));
        assert_eq!(
            county, desks,
            "county report {from}..{to} vs the desks' own"
        );
        let one = hub_figures(&hub.report_json(from, to, Some("城西站")));
        assert_eq!(
            one,
            figures(&desk_totals(&a, from, to)),
            "one station {from}..{to}"
        );
    }
    // A second sync sends nothing.
    for db in [&a, &b] {
        let said = ok(hub.sync(db, None).output().unwrap());
        assert_eq!(sent(&said), (0, 0), "{said}");
    }
    // Every row is there once.
    let mut c = pg(&hub.url);
    assert_eq!(table_digest_hub(&mut c, "城西站"), table_digest_desk(&a));
    assert_eq!(table_digest_hub(&mut c, "城东站"), table_digest_desk(&b));
    new_columns_at_the_hub(&mut c, &a);
    verified(&hub, &a);
    verified(&hub, &b);
    // A change behind the hub's back is caught by --verify.
    c.execute(
        "UPDATE hub.visit SET channel = 'outreach' WHERE id IN (SELECT id FROM hub.visit v
           JOIN hub.station s USING (station_id) WHERE s.name = '城西站' AND channel <> 'outreach' LIMIT 1)",
        &[],
    )
    .unwrap();
    let out = hub.sync(&a, None).arg("--verify").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("DIFFERS"));
    // The Markdown report names both stations and the figures' sections.
    let md = ok(dutydesk(hub.dir())
        .args(["hub", "report", "--hub", &hub.url])
        .args([
            "--from",
            &years_back(6).to_string(),
            "--to",
            &today().to_string(),
        ])
        .output()
        .unwrap());
    assert!(
        md.contains("城西站") && md.contains("城东站") && md.contains("Visits by channel"),
        "{md}"
    );
    // The workbook: the totals on the first sheet, the visits figure the JSON's.
    let file = hub.dir().join("county.xlsx");
    let (from, to) = (years_back(6), today());
    ok(dutydesk(hub.dir())
        .args(["hub", "report", "--hub", &hub.url, "--format", "xlsx", "-o"])
        .arg(&file)
        .args(["--from", &from.to_string(), "--to", &to.to_string()])
        .output()
        .unwrap());
    let visits = hub.report_json(from, to, None)["visits"].as_f64().unwrap();
    use calamine::{DataType, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    let sheet = wb.worksheet_range("Totals").unwrap();
    let found = sheet.rows().any(|r| {
        r.first().is_some_and(|c| *c == "Visits")
            && r.get(1).and_then(|c| c.get_float()) == Some(visits)
    });
    assert!(found, "no Visits row with {visits} on the Totals sheet");
    // xlsx needs a file, and a file is never replaced without --force.
    let out = dutydesk(hub.dir())
        .args(["hub", "report", "--hub", &hub.url, "--format", "xlsx", "-o"])
        .arg(&file)
        .args(["--from", &from.to_string(), "--to", &to.to_string()])
        .output()
        .unwrap();
    assert!(!out.status.success(), "an existing report was replaced");
}

/// Desk columns that are deliberately not sent: the station a row belongs to is the
/// hub's station_id (from the login, never from the desk).
// `search_keys`: a new visitor's search keys waiting on their row until filed into
// `visitor_key` (migration 0021) — names, phone digits and ID numbers in the clear, kept
// home as `visitor_key` is.
const NOT_SENT_COLUMNS: &[&str] = &["station_id", "search_keys"];

/// Columns of a sent desk table that deliberately stay home, and why.
const NOT_SENT_OF_TABLE: &[(&str, &str, &str)] = &[
    (
        "transfer_in",
        "request",
        "the request as received: the asking station's own row at the hub",
    ),
    (
        "transfer_in",
        "from_station",
        "the asking station's name, in its request",
    ),
    (
        "transfer_in",
        "received_at",
        "when this desk took the request in",
    ),
];

/// Desk tables that are deliberately not sent, and why.
const NOT_SENT_TABLES: &[(&str, &str)] = &[
    (
        "station",
        "the station is the hub's own row, made by `hub enroll`",
    ),
    ("setting", "the desk's own settings (who is on duty)"),
    (
        "visitor_key",
        "search keys: names, phone digits and ID numbers in the clear",
    ),
    (
        "visit_day",
        "a count the desk keeps for itself, derived from the visits",
    ),
    ("draft", "an unsaved form"),
    ("desk", "this desk's own state"),
    ("desk_draft", "an unsaved form"),
    (
        "job",
        "openings: the county's come down from the hub, a desk's own stay home",
    ),
    ("sync_outbox", "the outbox itself"),
    ("sync_state", "the binding, with the station's password"),
];

#[test]
fn every_desk_column_is_sent_or_deliberately_kept_home() {
    // A column added at the desk and forgotten here would silently never reach the hub.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("schema.db");
    drop(Store::open(&db).unwrap());
    let c = rusqlite::Connection::open(&db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let synced = dutydesk::hub::tables::TABLES;
    for t in &tables {
        let sent: Vec<&dutydesk::hub::tables::Table> =
            synced.iter().filter(|s| s.desk_table() == t).collect();
        if sent.is_empty() {
            assert!(
                NOT_SENT_TABLES.iter().any(|(n, _)| n == t),
                "the desk table {t} is neither sent to the hub nor listed as kept home"
            );
            continue;
        }
        let columns: Vec<String> = c
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for col in &columns {
            let known = NOT_SENT_COLUMNS.contains(&col.as_str())
                || sent.iter().any(|s| s.cols.iter().any(|k| k.desk == col));
            // The directory's columns are the county's: only a local service goes up,
            // with every column but source_id (a local service has none).
            let directory_only = *t == "service" && col == "source_id";
            // A received request is the asking station's row at the hub already; only
            // the answer goes back.
            let kept_home = NOT_SENT_OF_TABLE
                .iter()
                .any(|(tt, cc, _)| tt == t && cc == col);
            assert!(
                known || directory_only || kept_home,
                "{t}.{col} is at the desk but not sent to the hub"
            );
        }
    }
}

/// Makes `k` changes at the desk: the first k visitors' employer rewritten.
fn change(db: &Path, k: usize, tag: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    let n = c
        .execute(
            "UPDATE visitor SET employer = ?1 || rowid
              WHERE rowid IN (SELECT rowid FROM visitor ORDER BY rowid LIMIT ?2)",
            rusqlite::params![tag, i64::try_from(k).unwrap()],
        )
        .unwrap();
    assert_eq!(n, k);
}

#[test]
fn paging_edges() {
    let hub = Hub::new("paging");
    let db = hub.desk("分页站", 40, 0, 3);
    const N: usize = 5;
    ok(hub.sync(&db, Some(N)).output().unwrap());
    let mut c = pg(&hub.url);
    for (round, k) in [0, 1, N - 1, N, N + 1, 2 * N, 0].into_iter().enumerate() {
        let tag = format!("厂{round}-");
        change(&db, k, &tag);
        let said = ok(hub.sync(&db, Some(N)).output().unwrap());
        assert_eq!(sent(&said), (k, k.div_ceil(N)), "{k} changes: {said}");
        let max: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let cursor: i64 = c
            .query_one(
                "SELECT cursor_seq FROM hub.station WHERE name = '分页站'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(cursor, max, "the hub's cursor is the desk's last change");
        let at_hub: i64 = c
            .query_one(
                "SELECT count(*) FROM hub.visitor WHERE employer LIKE $1 || '%'",
                &[&tag],
            )
            .unwrap()
            .get(0);
        assert_eq!(usize::try_from(at_hub).unwrap(), k, "round {round}");
    }
    assert_eq!(table_digest_hub(&mut c, "分页站"), table_digest_desk(&db));
}

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

/// New work for a round: employers and visits' channels and requests changed, so the
/// rollups must take old versions out and put new ones in.
fn new_round_of_work(db: &Path, i: usize) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute(
        "UPDATE visitor SET employer = 'round ' || ?1 WHERE rowid % 13 = ?1 % 13",
        [i64::try_from(i).unwrap()],
    )
    .unwrap();
    c.execute(
        "UPDATE visit SET channel = CASE channel WHEN 'phone' THEN 'online' ELSE 'phone' END,
                headcount = coalesce(headcount, 1) + 1
          WHERE rowid % 17 = ?1 % 17 AND shift_id IS NULL",
        [i64::try_from(i).unwrap()],
    )
    .unwrap();
}

/// Checksums: every visit's channel and headcount at the hub as at the desk.
fn assert_same_visits(c: &mut postgres::Client, db: &Path) {
    let r = c
        .query_one(
            "SELECT count(*), sum(coalesce(headcount, 1))::bigint,
                    string_agg(id || ':' || channel || ':' || coalesce(headcount, 0)::text, ','
                               ORDER BY id COLLATE \"C\")
               FROM hub.visit",
            &[],
        )
        .unwrap();
    let hub_sum: (i64, i64, String) = (r.get(0), r.get(1), r.get(2));
    let desk_sum: (i64, i64, String) = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT count(*), sum(coalesce(headcount, 1)),
                    string_agg(id || ':' || channel || ':' || coalesce(headcount, 0), ',' ORDER BY id)
               FROM visit",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(hub_sum, desk_sum);
}

#[test]
fn sync_killed_at_random_moments() {
    let kills: usize = std::env::var("DUTYDESK_SYNC_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    #[allow(clippy::cast_possible_truncation)] // the clock's low 64 bits make the seed
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("sync_killed_at_random_moments: seed {seed}");
    let mut rng = Rng(seed);
    let hub = Hub::new("kills");
    let db = hub.desk("断电站", 1200, 200, 4);
    let mut killed_mid_way = 0;
    let mut part_way = 0;
    for i in 0..kills {
        new_round_of_work(&db, i);
        let cursor = |c: &mut postgres::Client| -> i64 {
            c.query_one(
                "SELECT cursor_seq FROM hub.station WHERE name = '断电站'",
                &[],
            )
            .unwrap()
            .get(0)
        };
        let mut admin = pg(&hub.url);
        let before = cursor(&mut admin);
        let mut child = hub
            .sync(&db, Some(1 + usize::try_from(rng.below(40)).unwrap()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.below(400)));
        let finished = child.try_wait().unwrap().is_some();
        unsafe {
            libc::kill(i32::try_from(child.id()).unwrap(), libc::SIGKILL);
        }
        let _ = child.wait();
        if !finished {
            killed_mid_way += 1;
        }
        let after = cursor(&mut admin);
        let max: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if after > before && after < max {
            part_way += 1;
        }
        // The run after a kill completes.
        let said = ok(hub
            .sync(&db, Some(1 + usize::try_from(rng.below(40)).unwrap()))
            .output()
            .unwrap());
        assert!(said.starts_with("sent "), "{said}");
    }
    eprintln!(
        "{killed_mid_way} of {kills} syncs killed before they finished, \
         {part_way} of them after some batches were in"
    );
    assert!(
        killed_mid_way > 0,
        "no sync was killed while running: the test proved nothing"
    );
    let mut c = pg(&hub.url);
    assert_eq!(table_digest_hub(&mut c, "断电站"), table_digest_desk(&db));
    verified(&hub, &db);
    let dupes: i64 = c
        .query_one(
            "SELECT count(*) - count(DISTINCT (station_id, id)) FROM hub.visit",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(dupes, 0, "a visit held twice");
    let keys: i64 = c
        .query_one(
            "SELECT (SELECT count(*) FROM hub.visit_key) - (SELECT count(*) FROM hub.visit)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        keys, 0,
        "a visit without its key row, or a key row without its visit"
    );
    assert_same_visits(&mut c, &db);
    let from = years_back(6);
    assert_eq!(
        hub_figures(&hub.report_json(from, today(), None)),
        figures(&desk_totals(&db, from, today()))
    );
}

/// A station's login as its desk uses it (from its enrolment file).
fn station_login(hub: &Hub, creds: &Path) -> (postgres::Client, String, String) {
    let text = std::fs::read_to_string(creds).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    let role = v["role"].as_str().unwrap().to_string();
    let password = v["password"].as_str().unwrap().to_string();
    let station_id = v["station_id"].as_str().unwrap().to_string();
    let mut config: postgres::Config = hub.url.parse().unwrap();
    config.user(&role).password(&password);
    (config.connect(postgres::NoTls).unwrap(), role, station_id)
}

fn refused(r: Result<u64, postgres::Error>, what: &str) -> String {
    match r {
        Ok(n) => panic!("{what}: allowed ({n} rows)"),
        Err(e) => e
            .as_db_error()
            .map_or_else(|| e.to_string(), |d| d.message().to_string()),
    }
}

/// Reading as a station: only its own rows, in every table.
fn reads_only_its_own(sa: &mut postgres::Client, a_id: &str) {
    for t in [
        "visitor",
        "visit",
        "visit_key",
        "referral",
        "event",
        "officer",
        "rollup",
        "rollup_month",
        "seal_conflict",
        "station",
    ] {
        let theirs: i64 = sa
            .query_one(
                &format!("SELECT count(*) FROM hub.{t} WHERE station_id <> $1"),
                &[&a_id],
            )
            .unwrap()
            .get(0);
        assert_eq!(theirs, 0, "{t}: another station's rows were read");
    }
    let own: i64 = sa
        .query_one("SELECT count(*) FROM hub.visit", &[])
        .unwrap()
        .get(0);
    assert_eq!(own, 60);
}

/// Writing as another station (`b_id`) from station `a_id`'s login: refused, and the
/// other station's rows untouched.
fn writes_only_its_own(
    sa: &mut postgres::Client,
    admin: &mut postgres::Client,
    a_id: &str,
    b_id: &str,
) {
    let b_visitor: String = admin
        .query_one(
            "SELECT id FROM hub.visitor WHERE station_id = $1 LIMIT 1",
            &[&b_id],
        )
        .unwrap()
        .get(0);
    let b_before: String = admin
        .query_one(
            "SELECT employer FROM hub.visitor WHERE station_id = $1 AND id = $2",
            &[&b_id, &b_visitor],
        )
        .unwrap()
        .get(0);
    let said = refused(
        sa.execute(
            "INSERT INTO hub.officer (station_id, id, name, src_epoch, src_seq)
             VALUES ($1, 'x', '冒名', 1, 1)",
            &[&b_id],
        ),
        "insert as another station",
    );
    assert!(said.contains("row-level security"), "{said}");
    // The other station's row by its reused id: an upsert naming that station is refused…
    let said = refused(
        sa.execute(
            "INSERT INTO hub.visitor (station_id, id, employer, src_epoch, src_seq)
             VALUES ($1, $2, '改写', 99, 999999)
             ON CONFLICT (station_id, id) DO UPDATE SET employer = EXCLUDED.employer",
            &[&b_id, &b_visitor],
        ),
        "upsert over another station's row",
    );
    assert!(said.contains("row-level security"), "{said}");
    // …under its own station the same id is its own row (inserted or its own updated), and
    // theirs is untouched.
    sa.execute(
        "INSERT INTO hub.visitor (station_id, id, employer, src_epoch, src_seq)
         VALUES ($1, $2, '改写', 99, 999999)
         ON CONFLICT (station_id, id) DO UPDATE SET employer = EXCLUDED.employer",
        &[&a_id, &b_visitor],
    )
    .unwrap();
    let n = sa
        .execute(
            "UPDATE hub.visitor SET employer = '改写' WHERE station_id = $1",
            &[&b_id],
        )
        .unwrap();
    assert_eq!(n, 0, "updated another station's rows");
    let n = sa
        .execute("DELETE FROM hub.visit WHERE station_id = $1", &[&b_id])
        .unwrap();
    assert_eq!(n, 0, "deleted another station's rows");
    let n = sa
        .execute(
            "UPDATE hub.station SET cursor_seq = 0 WHERE station_id = $1",
            &[&b_id],
        )
        .unwrap();
    assert_eq!(n, 0, "moved another station's cursor");
    let b_after: String = admin
        .query_one(
            "SELECT employer FROM hub.visitor WHERE station_id = $1 AND id = $2",
            &[&b_id, &b_visitor],
        )
        .unwrap()
        .get(0);
    assert_eq!(b_after, b_before);
}

#[test]
fn rls_keeps_stations_apart() {
    let hub = Hub::new("rls");
    let a = hub.desk("甲站", 60, 10, 5);
    let b = hub.desk("乙站", 60, 10, 6);
    ok(hub.sync(&a, None).output().unwrap());
    ok(hub.sync(&b, None).output().unwrap());
    let (mut sa, _role_a, a_id) = station_login(&hub, &hub.dir().join("甲站.toml"));
    let (_, role_b, b_id) = station_login(&hub, &hub.dir().join("乙站.toml"));
    let mut admin = pg(&hub.url);
    reads_only_its_own(&mut sa, &a_id);

    writes_only_its_own(&mut sa, &mut admin, &a_id, &b_id);

    // Becoming another station: refused; and a setting changes nothing.
    let said = refused(
        sa.execute(&format!("SET ROLE {role_b}"), &[]),
        "SET ROLE to another station",
    );
    assert!(said.contains("permission denied"), "{said}");
    sa.batch_execute(&format!("SET app.station = '{b_id}'"))
        .unwrap();
    let theirs: i64 = sa
        .query_one(
            "SELECT count(*) FROM hub.visit WHERE station_id = $1",
            &[&b_id],
        )
        .unwrap()
        .get(0);
    assert_eq!(theirs, 0);

    // Reference tables, the county key, the logins: not a station's to write or read.
    let said = refused(
        sa.execute(
            "INSERT INTO hub.service (id, rev, kind, deadline_rule, name, status, created_at, updated_at)
             VALUES ('s', 0, 'legal', 'd', '假', 'active', '', '')",
            &[],
        ),
        "write the directory",
    );
    assert!(said.contains("permission denied"), "{said}");
    for t in ["county_key", "station_login", "county_config"] {
        let what = if t == "county_config" {
            "UPDATE hub.county_config SET send_names = true"
        } else {
            &*format!("SELECT count(*) FROM hub.{t}")
        };
        let r = sa.execute(what, &[]);
        assert!(r.is_err(), "{t}: a station could use it");
    }
    // A partition read directly, around the policies: no privilege.
    let part: String = admin
        .query_one(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'hub.visit'::regclass LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    let said = refused(
        sa.execute(&format!("SELECT * FROM hub.{part}"), &[]),
        "read a partition directly",
    );
    assert!(said.contains("permission denied"), "{said}");
}

#[test]
// One scenario read top to bottom: a full sync, then every table and column checked.
#[allow(clippy::too_many_lines)]
fn no_clear_id_numbers_or_phones_at_the_hub() {
    let hub = Hub::new("keyed");
    let db = hub.desk("隐私站", 800, 120, 7);
    // The columns added since the hub's first schema, filled: a log line's fact names the
    // visitor and carries numbers typed in a note; a local service's contact is a mobile.
    fill_new_columns(&db);
    // Numbers typed into free text too.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        // The fact lines again, their text as the desk writes it: the Chinese line, with
        // the visitor's name.
        for id in ["fact-line-0", "fact-line-1"] {
            let fact: String = c
                .query_row("SELECT fact FROM log_entry WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap();
            let fact: dutydesk::domain::log_fact::LogFact = serde_json::from_str(&fact).unwrap();
            c.execute(
                "INSERT INTO log_entry (id, station_id, shift_id, at, officer_id, kind, text, fact)
                 SELECT id || '-as-written', station_id, shift_id, at, officer_id, kind, ?2, fact
                   FROM log_entry WHERE id = ?1",
                rusqlite::params![id, fact.render(dutydesk::i18n::Lang::Zh)],
            )
            .unwrap();
        }
        c.execute(
            "UPDATE visit SET summary = summary || ' 联系电话13912345678,身份证 11010519491231002X'
              WHERE rowid IN (SELECT rowid FROM visit LIMIT 20) AND shift_id IS NULL",
            [],
        )
        .unwrap();
    }
    ok(hub.sync(&db, None).output().unwrap());
    let mut admin = pg(&hub.url);
    let columns = admin
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
              WHERE table_schema = 'hub' AND data_type IN ('text', 'character varying')
                AND table_name NOT IN ('county_key')
                AND table_name NOT IN (SELECT c.relname FROM pg_inherits i
                                        JOIN pg_class c ON c.oid = i.inhrelid)",
            &[],
        )
        .unwrap();
    assert!(columns.len() > 50, "{} text columns", columns.len());
    let mut scanned = 0i64;
    for r in &columns {
        let (t, col): (String, String) = (r.get(0), r.get(1));
        let row = admin
            .query_one(
                &format!(
                    "SELECT count(*) FILTER (WHERE {col} ~ '[0-9]{{17}}[0-9Xx]'),
                            count(*) FILTER (WHERE {col} ~ '(^|[^0-9])1[3-9][0-9]{{9}}($|[^0-9])'),
                            count({col})
                       FROM hub.{t}"
                ),
                &[],
            )
            .unwrap();
        let (ids, phones, n): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        assert_eq!((ids, phones), (0, 0), "hub.{t}.{col} holds clear numbers");
        scanned += n;
    }
    assert!(scanned > 10_000, "{scanned} values scanned");
    // No visitor's name anywhere at the hub either (the county does not send names): not
    // in a log line's text, which the desk writes from the fact with the name in it.
    let desk = rusqlite::Connection::open(&db).unwrap();
    let names: Vec<String> = desk
        .prepare(
            "SELECT DISTINCT name FROM visitor WHERE length(name) >= 2
              AND name NOT IN (SELECT name FROM officer)",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(names.len() > 100, "{} names", names.len());
    let names: Vec<String> = names.into_iter().chain(["秘密来访人".into()]).collect();
    let named: i64 = desk
        .query_row(
            "SELECT count(*) FROM log_entry WHERE instr(text, '秘密来访人') > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        named > 0,
        "no log line at the desk names a visitor: the check proves nothing"
    );
    admin
        .batch_execute("CREATE TEMP TABLE desk_names (name text PRIMARY KEY)")
        .unwrap();
    for n in &names {
        admin
            .execute(
                "INSERT INTO desk_names VALUES ($1) ON CONFLICT DO NOTHING",
                &[n],
            )
            .unwrap();
    }
    for r in &columns {
        let (t, col): (String, String) = (r.get(0), r.get(1));
        let found: Vec<String> = admin
            .query(
                &format!(
                    "SELECT DISTINCT n.name || ' in ' || h.{col} FROM hub.{t} h
                       JOIN desk_names n ON strpos(h.{col}, n.name) > 0 LIMIT 3"
                ),
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(found.is_empty(), "hub.{t}.{col} names visitors: {found:?}");
    }
    // The keyed hashes are there, and are HMAC-SHA256 under the county key.
    let (id, id_number, phone): (String, String, String) = desk
        .query_row(
            "SELECT id, id_number, phone FROM visitor
              WHERE id_number IS NOT NULL AND phone IS NOT NULL LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let (key_id, key_hex): (String, String) = {
        let r = admin
            .query_one("SELECT key_id, key_hex FROM hub.county_key", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    let key = dutydesk::hub::keyed::CountyKey::from_hex(&key_id, &key_hex).unwrap();
    let r = admin
        .query_one(
            "SELECT id_number_hmac, phone_hmac, name FROM hub.visitor WHERE id = $1",
            &[&id],
        )
        .unwrap();
    let (idh, ph, name): (Option<String>, Option<String>, Option<String>) =
        (r.get(0), r.get(1), r.get(2));
    assert_eq!(idh, key.id_number(&id_number));
    assert_eq!(ph, key.phone(&phone));
    assert!(idh.unwrap().starts_with("k1:"));
    assert_eq!(name, None, "names are not sent unless the county says so");
    let typed: i64 = admin
        .query_one(
            "SELECT count(*) FROM hub.visit WHERE summary LIKE '%联系电话[…]%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(typed > 0, "the typed numbers were not seen taken out");
    // The facts arrived, without the visitor's name; the local service without its mobile.
    let facts: Vec<String> = admin
        .query("SELECT fact FROM hub.log_entry WHERE fact IS NOT NULL", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let at_desk: i64 = desk
        .query_row(
            "SELECT count(*) FROM log_entry WHERE fact IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(i64::try_from(facts.len()).unwrap(), at_desk, "{facts:?}");
    assert!(facts.iter().any(|f| f.contains("\"intake\"")), "{facts:?}");
    assert!(
        facts.iter().all(|f| !f.contains("秘密来访人")),
        "a visitor's name reached the hub: {facts:?}"
    );
    assert!(facts.iter().any(|f| f.contains("街道调解室")), "{facts:?}");
    let contact: String = admin
        .query_one("SELECT contact FROM hub.local_service", &[])
        .unwrap()
        .get(0);
    assert!(
        contact.starts_with("王主任") && !contact.contains("1381"),
        "{contact}"
    );
}

#[test]
fn restored_backup_is_refused_until_reenroll() {
    let hub = Hub::new("restore");
    let db = hub.desk("恢复站", 100, 10, 8);
    ok(hub.sync(&db, None).output().unwrap());
    // The hub has it all: the outbox keeps only the change at the cursor.
    let kept: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
    let backup = hub.dir().join("backup.db");
    ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .arg("backup")
        .arg(&backup)
        .output()
        .unwrap());
    // Work after the backup reaches the hub…
    change(&db, 30, "备份后");
    ok(hub.sync(&db, None).output().unwrap());
    // …then the disk dies and the backup is restored, and a little work is done on it.
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    change(&db, 3, "恢复后");
    let out = hub.sync(&db, None).output().unwrap();
    assert!(!out.status.success(), "a restored file was synced");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--reenroll") && said.contains("backup"),
        "{said}"
    );
    let mut c = pg(&hub.url);
    let seen: i64 = c
        .query_one(
            "SELECT count(*) FROM hub.visitor WHERE employer LIKE '恢复后%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(seen, 0, "the refused sync sent something");

    // More work than the gap: still refused (the change at the hub's cursor differs).
    change(&db, 60, "恢复后");
    let out = hub.sync(&db, None).output().unwrap();
    assert!(
        !out.status.success(),
        "a restored file with more changes was synced"
    );

    let said = ok(hub.sync(&db, None).arg("--reenroll").output().unwrap());
    assert!(said.contains("epoch 2"), "{said}");
    let seen: i64 = c
        .query_one(
            "SELECT count(*) FROM hub.visitor WHERE employer LIKE '恢复后%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(seen, 60, "the restored desk's edits reached the hub");
    // Everything the restored file holds was sent again under the new epoch, though its
    // outbox had been compacted when the backup was taken.
    let older: i64 = c
        .query_one(
            "SELECT count(*) FROM hub.visit v JOIN hub.station s USING (station_id)
              WHERE s.name = '恢复站' AND v.src_epoch < 2",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(older, 0);
    assert_eq!(table_digest_hub(&mut c, "恢复站"), table_digest_desk(&db));
    verified(&hub, &db);
    let said = ok(hub.sync(&db, None).output().unwrap());
    assert_eq!(sent(&said), (0, 0), "{said}");
}

#[test]
fn county_directory_reaches_the_desk() {
    let hub = Hub::new("directory");
    let db = hub.desk("目录站", 10, 0, 9);
    let mut c = pg(&hub.url);
    let publish = |c: &mut postgres::Client, id: &str, name: &str| {
        let mut tx = c.transaction().unwrap();
        tx.batch_execute("SET LOCAL ROLE dutydesk_county").unwrap();
        tx.execute(
            "INSERT INTO hub.service (id, rev, kind, deadline_rule, name, status, created_at, updated_at)
             VALUES ($1, 0, 'legal', 'legal', $2, 'active', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
            &[&id, &name],
        )
        .unwrap();
        tx.commit().unwrap();
    };
    for i in 0..7 {
        publish(
            &mut c,
            &format!("county-{i}"),
            &format!("县法律援助中心{i}"),
        );
    }
    let said = ok(hub.sync(&db, Some(3)).output().unwrap());
    assert!(said.contains("received 7 directory entries"), "{said}");
    publish(&mut c, "county-2", "县法律援助中心(新址)");
    let said = ok(hub.sync(&db, Some(3)).output().unwrap());
    assert!(said.contains("received 1 directory entries"), "{said}");
    let desk = rusqlite::Connection::open(&db).unwrap();
    let name: String = desk
        .query_row("SELECT name FROM service WHERE id = 'county-2'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "县法律援助中心(新址)");
    let n: i64 = desk
        .query_row(
            "SELECT count(*) FROM service WHERE id LIKE 'county-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 7);

    // `hub import directory` publishes a file in the desk's formats; the desk's own entries
    // stay beside the county's; a re-import publishes nothing new.
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo_directory.csv");
    let rows = i64::try_from(std::fs::read_to_string(&file).unwrap().lines().count()).unwrap() - 1;
    let publish_file = || {
        ok(dutydesk(hub.dir())
            .args(["hub", "import", "directory"])
            .arg(&file)
            .args(["--hub", &hub.url])
            .output()
            .unwrap())
    };
    let said = publish_file();
    assert!(said.contains(&format!("{rows} added, 0 updated")), "{said}");
    let own = |desk: &rusqlite::Connection| -> (i64, i64) {
        desk.query_row(
            "SELECT count(*) FILTER (WHERE source_id LIKE 'hub:%'),
                    count(*) FILTER (WHERE source_id IS NULL OR source_id NOT LIKE 'hub:%')
               FROM service",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (_, own_before) = own(&desk);
    let said = ok(hub.sync(&db, None).output().unwrap());
    assert!(
        said.contains(&format!("received {rows} directory entries")),
        "{said}"
    );
    let said = publish_file();
    assert!(
        said.contains(&format!("0 added, 0 updated, {rows} unchanged")),
        "{said}"
    );
    let said = ok(hub.sync(&db, None).output().unwrap());
    assert!(said.contains("received 0 directory entries"), "{said}");
    let (county, own_after) = own(&desk);
    assert_eq!(county, 7 + rows);
    assert_eq!(
        own_after, own_before,
        "the desk's own entries are kept as they were"
    );
}

/// Read-only at the desk: a file that names a county opening is refused whole, the opening
/// untouched. The county opening's id.
fn county_openings_are_read_only(
    hub: &Hub,
    db: &Path,
    admin: &mut postgres::Client,
    header: &str,
) -> String {
    let (hub_id, title): (String, String) = {
        let r = admin
            .query_one("SELECT id, title FROM hub.job ORDER BY rev LIMIT 1", &[])
            .unwrap();
        (r.get(0), r.get(1))
    };
    let forged = hub.dir().join("forged.csv");
    std::fs::write(
        &forged,
        format!("{header}\nhub:{hub_id},{title},改过的单位,城西区,,9999,月,,全职,,1,,,,,,,2026-11-01,2027-06-30,本站,招聘中\n"),
    )
    .unwrap();
    let out = dutydesk(hub.dir())
        .arg("--db")
        .arg(db)
        .args(["import", "jobs"])
        .arg(&forged)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a county opening was overwritten at the desk"
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("the county"), "{said}");
    let employer: String = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT employer FROM job WHERE source_id = 'hub:' || ?1",
            [&hub_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(employer, "改过的单位");
    hub_id
}

#[test]
fn county_job_openings_reach_the_desk_read_only_and_a_killed_pull_resumes() {
    let hub = Hub::new("jobs");
    let db = hub.desk("岗位站", 10, 0, 12);
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo_jobs.csv");
    let rows = i64::try_from(std::fs::read_to_string(&file).unwrap().lines().count()).unwrap() - 1;
    let publish = || {
        ok(dutydesk(hub.dir())
            .args(["hub", "import", "jobs"])
            .arg(&file)
            .args(["--hub", &hub.url])
            .output()
            .unwrap())
    };
    let said = publish();
    assert!(said.contains(&format!("{rows} added, 0 updated")), "{said}");
    // The desk's own opening, imported before the county's arrive, stays beside them.
    let own = hub.dir().join("own_jobs.csv");
    let header = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    std::fs::write(
        &own,
        format!("{header}\n本站-1,本站自招保洁员,街道物业,城西区,文三路1号,3000,月,,全职,,1,,,,,,0571-88880000,2026-11-01,2027-06-30,本站,招聘中\n"),
    )
    .unwrap();
    ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["import", "jobs"])
        .arg(&own)
        .output()
        .unwrap());
    // Pulls killed at random moments, a page of 7 at a time: whatever the desk holds of the
    // county's openings is exactly what its cursor says it has received.
    let mut admin = pg(&hub.url);
    #[allow(clippy::cast_possible_truncation)] // the clock's low 64 bits make the seed
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("county_job_openings…: seed {seed}");
    let mut rng = Rng(seed);
    let county_at_desk = |db: &Path| -> (i64, i64, i64) {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT (SELECT count(*) FROM job WHERE source_id LIKE 'hub:%'),
                        (SELECT count(DISTINCT source_id) FROM job WHERE source_id LIKE 'hub:%'),
                        (SELECT job_cursor FROM sync_state)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    let (mut killed_mid_way, mut part_way) = (0, 0);
    for round in 0..8 {
        let mut child = hub
            .sync(&db, Some(7))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The first rounds are killed early: on an idle machine a whole pull can end
        // within 300 ms, and a kill after it proves nothing.
        let within = if round < 4 { 40 } else { 300 };
        std::thread::sleep(Duration::from_millis(rng.below(within)));
        if child.try_wait().unwrap().is_none() {
            killed_mid_way += 1;
        }
        unsafe {
            libc::kill(i32::try_from(child.id()).unwrap(), libc::SIGKILL);
        }
        let _ = child.wait();
        let (n, distinct, cursor) = county_at_desk(&db);
        if n > 0 && n < rows {
            part_way += 1;
        }
        assert_eq!(n, distinct, "an opening received twice");
        let upto: i64 = admin
            .query_one("SELECT count(*) FROM hub.job WHERE rev <= $1", &[&cursor])
            .unwrap()
            .get(0);
        assert_eq!(n, upto, "the openings received are not the cursor's");
    }
    eprintln!("{killed_mid_way} of 8 pulls killed while running, {part_way} left part-way");
    assert!(
        killed_mid_way > 0,
        "no sync was killed while running: the test proved nothing"
    );
    let said = ok(hub.sync(&db, Some(7)).output().unwrap());
    assert!(said.contains("job openings"), "{said}");
    assert_eq!(county_at_desk(&db).0, rows, "{said}");
    // Found by the desk's search beside its own.
    let found = ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["jobs", "search", "采茶工", "--all"])
        .output()
        .unwrap());
    // (The county's file is the demo openings: 采茶工 are hired by 龙井茶园合作社 there.)
    assert!(found.contains("龙井茶园合作社"), "{found}");
    let found = ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["jobs", "search", "保洁员", "--all"])
        .output()
        .unwrap());
    assert!(found.contains("街道物业"), "{found}");
    let hub_id = county_openings_are_read_only(&hub, &db, &mut admin, &header);
    // The county changes one and publishes again: only that one comes down.
    let mut tx = admin.transaction().unwrap();
    tx.batch_execute("SET LOCAL ROLE dutydesk_county").unwrap();
    tx.execute(
        "UPDATE hub.job SET status = 'filled' WHERE id = $1",
        &[&hub_id],
    )
    .unwrap();
    tx.commit().unwrap();
    let said = publish();
    assert!(
        said.contains(&format!("0 added, 1 updated, {} unchanged", rows - 1)),
        "{said}"
    );
    let said = ok(hub.sync(&db, None).output().unwrap());
    assert!(said.contains("and 1 job openings"), "{said}");
}

/// A desk with one signed-off shift of two visits and an open one with a visit.
fn sealed_desk(hub: &Hub) -> (PathBuf, String, String) {
    use dutydesk::domain::intake::{RawIntake, validate};
    use dutydesk::domain::lists::{Category, Channel, Role};
    use dutydesk::domain::shift::Disposition;
    let db = hub.dir().join("封存站.db");
    let t = |m: i64| chrono::Utc::now() - chrono::Duration::minutes(600 - m);
    let mut store = Store::open(&db).unwrap();
    let st = store.create_station("封存站", t(0)).unwrap();
    let li = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", t(0))
        .unwrap();
    store.set_current_officer(&li).unwrap();
    let intake = |name: &str, phone: &str| {
        validate(&RawIntake {
            name: name.into(),
            phone: phone.into(),
            category: Some(Category::Legal),
            channel: Some(Channel::WalkIn),
            ..Default::default()
        })
        .unwrap()
    };
    let mut first = Vec::new();
    for (i, (name, phone)) in [("张三", "13800138001"), ("王秀英", "13800138002")]
        .iter()
        .enumerate()
    {
        let saved = store
            .save_intake(
                &intake(name, phone),
                &st.id,
                &li.id,
                t(5 + i64::try_from(i).unwrap()),
            )
            .unwrap();
        store
            .set_disposition(
                &saved.visit_id,
                Disposition::OnSpot,
                "当场答复",
                &li.id,
                t(20),
            )
            .unwrap();
        first.push(saved.visit_id);
    }
    let shift = store.current_shift(&st.id).unwrap().unwrap();
    store.sign_off(&shift.id, &li.id, "无遗留", t(100)).unwrap();
    let open = store
        .save_intake(&intake("赵六", "13800138003"), &st.id, &li.id, t(200))
        .unwrap();
    (db, first[0].clone(), open.visit_id)
}

/// `hub check` fails, naming the station's visit and seal-chain link changed after
/// sealing.
fn hub_check_names_the_rewrite(hub: &Hub, sealed_visit: &str) {
    let out = dutydesk(hub.dir())
        .args(["hub", "check", "--hub", &hub.url])
        .output()
        .unwrap();
    assert!(!out.status.success(), "hub check passed a rewritten seal");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!(
            "封存站: changed after sealing: visit {sealed_visit}"
        )) && said.contains("changed after sealing: seal_chain 1"),
        "{said}"
    );
}

/// Someone with the file rewrites a sealed visit and the seal chain behind it, the
/// guards dropped first.
fn rewrite_sealed_record(db: &Path, sealed_visit: &str) {
    let desk = rusqlite::Connection::open(db).unwrap();
    desk.execute_batch("DROP TRIGGER sealed_visit_update; DROP TRIGGER seal_chain_no_update;")
        .unwrap();
    desk.execute(
        "UPDATE visit SET summary = '改写过的记录' WHERE id = ?1",
        [sealed_visit],
    )
    .unwrap();
    desk.execute(
        "UPDATE seal_chain SET hash = 'ab' || substr(hash, 3) WHERE seq = 1",
        [],
    )
    .unwrap();
}

#[test]
fn a_sealed_record_rewritten_after_sync_is_kept_and_caught_at_the_hub() {
    use dutydesk::domain::shift::Disposition;
    let hub = Hub::new("seals");
    let (db, sealed_visit, open_visit) = sealed_desk(&hub);
    let desk_check = |db: &Path| {
        dutydesk(hub.dir())
            .arg("--db")
            .arg(db)
            .arg("check")
            .output()
            .unwrap()
    };
    // Not joined yet: the desk's check says there is nothing to compare with, and passes.
    let said = ok(desk_check(&db));
    assert!(
        said.contains(
            "seals anchored at the county hub: not compared: this desk has not joined a hub"
        ),
        "{said}"
    );
    let creds = hub.enroll("封存站");
    ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["sync", "--join"])
        .arg(&creds)
        .output()
        .unwrap());
    // The open shift's visit is reconciled and the shift signed off: both reach the hub in
    // one batch, and that is no rewrite.
    {
        let mut store = Store::open(&db).unwrap();
        let st = store.station().unwrap().unwrap();
        let li = store.current_officer().unwrap().unwrap();
        store
            .set_disposition(
                &open_visit,
                Disposition::OnSpot,
                "当场答复",
                &li.id,
                chrono::Utc::now(),
            )
            .unwrap();
        let shift = store.current_shift(&st.id).unwrap().unwrap();
        store
            .sign_off(&shift.id, &li.id, "交班", chrono::Utc::now())
            .unwrap();
    }
    let out = hub.sync(&db, None).output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("sealed"));
    let said = ok(dutydesk(hub.dir())
        .args(["hub", "check", "--hub", &hub.url])
        .output()
        .unwrap());
    assert!(
        said.contains("2 signed-off shifts held at the hub; 0 problems"),
        "{said}"
    );
    // The desk's own check sets its seals beside the hub's copies.
    let said = ok(desk_check(&db));
    assert!(
        said.contains(
            "seals anchored at the county hub: 2 signed-off shifts anchored, 0 not yet synced (ok)"
        ),
        "{said}"
    );

    // Someone with the file rewrites a sealed visit and the chain behind it, guards dropped.
    let summary_at_hub = |c: &mut postgres::Client| -> String {
        c.query_one(
            "SELECT summary FROM hub.visit WHERE id = $1",
            &[&sealed_visit],
        )
        .unwrap()
        .get(0)
    };
    let mut c = pg(&hub.url);
    let before = summary_at_hub(&mut c);
    rewrite_sealed_record(&db, &sealed_visit);
    let out = hub.sync(&db, None).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("2 sealed records were changed"), "{note}");
    assert_eq!(summary_at_hub(&mut c), before, "the hub took the rewrite");
    // The desk's check now fails on what differs from the hub's anchored copies.
    let out = desk_check(&db);
    assert!(
        !out.status.success(),
        "the desk's check passed a rewritten seal chain"
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("seal chain link differs from the hub's anchored copy: 1")
            && said.contains("the hub kept out 2 records of this station changed after sealing"),
        "{said}"
    );
    // With the hub out of reach, the check says so plainly and judges the desk alone.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE sync_state SET hub = 'host=127.0.0.1 port=9 dbname=x connect_timeout=2'",
            [],
        )
        .unwrap();
    let said = String::from_utf8_lossy(&desk_check(&db).stdout).into_owned();
    assert!(
        said.contains("not compared: the hub could not be reached"),
        "{said}"
    );
    hub_check_names_the_rewrite(&hub, &sealed_visit);
    // The station's login cannot erase what the hub recorded.
    let (mut station, _, _) = station_login(&hub, &creds);
    let n = station.execute("DELETE FROM hub.seal_conflict", &[]);
    assert!(n.is_err() || n.unwrap() == 0);
    let left: i64 = c
        .query_one("SELECT count(*) FROM hub.seal_conflict", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 2);
}

#[test]
fn rows_sent_before_the_hub_knew_a_column_are_filled_in_not_taken_for_rewrites() {
    let hub = Hub::new("late_columns");
    let (db, _, _) = sealed_desk(&hub);
    let creds = hub.enroll("封存站");
    ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["sync", "--join"])
        .arg(&creds)
        .output()
        .unwrap());
    let mut c = pg(&hub.url);
    let facts = |c: &mut postgres::Client| -> i64 {
        c.query_one(
            "SELECT count(*) FROM hub.log_entry WHERE fact IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0)
    };
    let at_desk: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM log_entry WHERE fact IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(at_desk > 0);
    assert_eq!(facts(&mut c), at_desk);
    // As a hub before schema 7 held them (signed-off shift's lines among them), and the
    // desk naming them again as its migration 0020 does.
    c.execute("UPDATE hub.log_entry SET fact = NULL", &[])
        .unwrap();
    let renamed = |db: &Path| {
        rusqlite::Connection::open(db)
            .unwrap()
            .execute(
                "INSERT INTO sync_outbox (tbl, row_id)
                 SELECT 'log_entry', id FROM log_entry WHERE fact IS NOT NULL",
                [],
            )
            .unwrap()
    };
    renamed(&db);
    let out = hub.sync(&db, None).output().unwrap();
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(!note.contains("sealed records were changed"), "{note}");
    assert_eq!(facts(&mut c), at_desk, "the facts were not filled in");
    let said = ok(dutydesk(hub.dir())
        .args(["hub", "check", "--hub", &hub.url])
        .output()
        .unwrap());
    assert!(said.contains("; 0 problems"), "{said}");
    // A fact the hub holds is compared like any column: a changed one is a rewrite.
    {
        let desk = rusqlite::Connection::open(&db).unwrap();
        desk.execute_batch("DROP TRIGGER log_entry_no_update;")
            .unwrap();
        desk.execute(
            "UPDATE log_entry SET fact = json_set(fact, '$.name', '改名') WHERE id =
                 (SELECT id FROM log_entry WHERE fact ->> 'fact' = 'shift_opened' LIMIT 1)",
            [],
        )
        .unwrap();
    }
    let out = hub.sync(&db, None).output().unwrap();
    assert!(out.status.success());
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("1 sealed records were changed"), "{note}");
}

/// The PostgreSQL binaries' folder (the newest version installed), or a failure that says
/// how to get them.
fn pg_bin() -> PathBuf {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .max()
        .expect("the TLS test starts its own PostgreSQL: install Debian's postgresql")
}

/// A second throwaway PostgreSQL, on 127.0.0.1 over TLS with a certificate from a CA made
/// here. Returns (its address, the CA's PEM file, the folder); stopped when dropped.
struct TlsServer {
    url: String,
    ca: PathBuf,
    other_ca: PathBuf,
    dir: PathBuf,
    bin: PathBuf,
    root: bool,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let mut c = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"));
            c
        } else {
            Command::new(self.bin.join("pg_ctl"))
        };
        let _ = c
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tls_server() -> TlsServer {
    let bin = pg_bin();
    let dir = tempfile::Builder::new()
        .prefix("dutydesk-pgtls-")
        .tempdir()
        .unwrap()
        .keep();
    let root = unsafe { libc::geteuid() } == 0;
    let sh = |script: &str| {
        let out = Command::new("sh")
            .args(["-c", script])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA.
    sh(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
          -subj /CN=dutydesk-test-ca -keyout ca.key -out ca.pem 2>/dev/null \
        && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
          -subj /CN=someone-else -keyout other.key -out other.pem 2>/dev/null \
        && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
          -subj /CN=127.0.0.1 -keyout server.key -out server.csr 2>/dev/null \
        && printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > ext.cnf \
        && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
          -extfile ext.cnf -out server.crt 2>/dev/null \
        && chmod 600 server.key",
    );
    if root {
        sh("chown -R postgres:postgres .");
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let as_pg = |program: &str| {
        if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin.join(program));
            c
        } else {
            Command::new(bin.join(program))
        }
    };
    let out = as_pg("initdb")
        .arg("-D")
        .arg(dir.join("data"))
        .args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = as_pg("pg_ctl")
        .arg("-D")
        .arg(dir.join("data"))
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-w", "-t", "30", "-o"])
        .arg(format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {d} -c fsync=off -c ssl=on \
             -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key",
            d = dir.display()
        ))
        .arg("start")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    TlsServer {
        url: format!("host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=require"),
        ca: dir.join("ca.pem"),
        other_ca: dir.join("other.pem"),
        dir,
        bin,
        root,
    }
}

#[test]
fn a_desk_syncs_over_tls_checked_against_the_hubs_ca() {
    let server = tls_server();
    let home = tempfile::tempdir().unwrap();
    let hub = |args: &[&str], ca: &Path| {
        let mut c = dutydesk(home.path());
        c.arg("hub")
            .args(args)
            .args(["--hub", &server.url])
            .arg("--ca")
            .arg(ca);
        c.output().unwrap()
    };
    // A server whose certificate the given CA did not sign is refused.
    let out = hub(&["init"], &server.other_ca);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("cannot reach the hub"), "{said}");
    ok(hub(&["init"], &server.ca));
    let creds = home.path().join("tls.toml");
    ok(hub(
        &[
            "enroll",
            "--station",
            "加密站",
            "-o",
            creds.to_str().unwrap(),
        ],
        &server.ca,
    ));
    let text = std::fs::read_to_string(&creds).unwrap();
    assert!(
        text.contains("BEGIN CERTIFICATE"),
        "the CA travels in the enrolment file"
    );
    let db = home.path().join("tls.db");
    ok(dutydesk(home.path())
        .arg("--db")
        .arg(&db)
        .args(["gen", "--visits", "30"])
        .output()
        .unwrap());
    let said = ok(dutydesk(home.path())
        .arg("--db")
        .arg(&db)
        .args(["sync", "--join"])
        .arg(&creds)
        .output()
        .unwrap());
    assert!(sent(&said).0 > 0, "{said}");
    // Everything arrived (read over the socket, as the county's superuser).
    let port = server
        .url
        .split("port=")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let mut admin = pg(&format!(
        "host={} port={port} user=postgres dbname=postgres",
        server.dir.display()
    ));
    let visits: i64 = admin
        .query_one("SELECT count(*) FROM hub.visit", &[])
        .unwrap()
        .get(0);
    assert_eq!(visits, 30);
    let verify = ok(dutydesk(home.path())
        .arg("--db")
        .arg(&db)
        .args(["sync", "--verify"])
        .output()
        .unwrap());
    assert!(!verify.contains("DIFFERS"), "{verify}");
}

#[test]
fn a_desk_asks_whether_a_person_was_seen_at_other_stations() {
    let hub = Hub::new("elsewhere");
    let a = hub.desk("问询甲站", 200, 60, 11);
    let b = hub.desk("问询乙站", 200, 60, 12);
    ok(hub.sync(&a, None).output().unwrap());
    ok(hub.sync(&b, None).output().unwrap());
    // Someone with an open referral at B.
    let (id_number, phone, kind): (String, String, String) = rusqlite::Connection::open(&b)
        .unwrap()
        .query_row(
            "SELECT v.id_number, v.phone, r.kind FROM visitor v
               JOIN visit t ON t.visitor_id = v.id JOIN referral r ON r.visit_id = t.id
              WHERE r.status IN ('sent', 'accepted', 'in_progress')
                AND v.id_number IS NOT NULL AND v.phone IS NOT NULL LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let ask = |db: &Path, args: &[&str]| {
        ok(dutydesk(hub.dir())
            .arg("--db")
            .arg(db)
            .arg("elsewhere")
            .args(args)
            .output()
            .unwrap())
    };
    let kind_label = dutydesk::domain::referral::ServiceKind::ALL
        .iter()
        .find(|k| k.code() == kind)
        .map(|k| k.label(dutydesk::i18n::Lang::En))
        .unwrap();
    for args in [
        vec!["--id-number", id_number.as_str()],
        vec!["--phone", phone.as_str()],
    ] {
        let said = ask(&a, &args);
        assert!(
            said.starts_with("other stations: 1,") && said.contains(kind_label),
            "{said}"
        );
        // Counts and kinds only: nothing of B's record (its name, its summary, its ids).
        assert!(
            !said.contains(&id_number) && !said.contains("问询乙站"),
            "{said}"
        );
    }
    // A number no station has seen.
    let first17 = "11010519491231002";
    let unknown = format!(
        "{first17}{}",
        dutydesk::domain::id_number::check_char(first17)
    );
    let said = ask(&a, &["--id-number", &unknown]);
    assert!(said.starts_with("other stations: 0, visits: 0"), "{said}");
    // Only a station's login may ask.
    let err = pg(&hub.url)
        .query("SELECT * FROM hub.seen_elsewhere('x', NULL)", &[])
        .unwrap_err();
    assert!(format!("{err:?}").contains("only a station"), "{err:?}");
}

#[test]
fn f9_at_the_desk_syncs_and_the_status_line_says_when() {
    let hub = Hub::new("f9");
    let db = hub.desk("按键站", 50, 5, 13);
    change(&db, 7, "F9改动");
    let said = f9_status(&db);
    assert!(
        said.starts_with("Synced with the county hub at")
            && said
                .contains("7 changes sent, received 0 directory, 0 jobs, 0 transfers, 0 answers"),
        "{said}"
    );
    let at_hub: i64 = pg(&hub.url)
        .query_one(
            "SELECT count(*) FROM hub.visitor WHERE employer LIKE 'F9改动%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(at_hub, 7);
}

/// F9 pressed at the desk on `db`: what the status line says once the sync ends.
fn f9_status(db: &Path) -> String {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use dutydesk::app::{App, Clock};
    let store = Store::open(db).unwrap();
    let mut app = App::new(
        store,
        dutydesk::i18n::Lang::En,
        dutydesk::keymap::Keymap::default_map(),
        Clock::System,
    )
    .unwrap();
    app.handle_key(KeyEvent::new(KeyCode::F(9), KeyModifiers::NONE));
    // The sync runs on its own thread; the event loop's tick picks up how it ended.
    let started = std::time::Instant::now();
    loop {
        app.tick();
        let text = app
            .status
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        if !text.starts_with("Syncing") || started.elapsed() > Duration::from_secs(120) {
            break text;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A desk's command, its JSON answer.
fn json_of(out: Output) -> serde_json::Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// The failure a command says, when it must fail.
fn fails(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
// One story across three desks and the hub, step by step, as the issue tells it.
#[allow(clippy::too_many_lines)]
fn a_referral_goes_from_one_station_to_another_and_no_station_writes_anothers_rows() {
    let hub = Hub::new("transfer");
    let a = hub.desk("甲站", 60, 30, 31);
    let b = hub.desk("乙站", 40, 10, 32);
    let c = hub.desk("丙站", 40, 10, 33);
    let open = |db: &Path, skip: i64| -> String {
        one(
            db,
            &format!(
                "SELECT id FROM referral WHERE status IN ('sent', 'accepted', 'in_progress')
                  ORDER BY id LIMIT 1 OFFSET {skip}"
            ),
        )
    };
    let officer = |db: &Path| -> String { one(db, "SELECT name FROM officer ORDER BY id LIMIT 1") };
    let (to_b, to_c) = (open(&a, 0), open(&a, 1));
    let a_officer = officer(&a);
    let desk = |db: &Path| hub.desk_cli(db);
    let changes_before: i64 = one(&a, "SELECT count(*) FROM sync_outbox");

    // Without the visitor's consent: refused, said plainly, nothing written.
    let said = fails(
        &desk(&a)
            .args([
                "referrals",
                "transfer",
                &to_b,
                "--to",
                "乙站",
                "--officer",
                &a_officer,
            ])
            .output()
            .unwrap(),
    );
    assert!(said.contains("consent"), "{said}");
    let zh = String::from_utf8_lossy(
        &common::process(hub.dir())
            .args(["--lang", "zh", "--db"])
            .arg(&a)
            .args(["referrals", "transfer", &to_b, "--to", "乙站"])
            .args(["--officer", &a_officer])
            .output()
            .unwrap()
            .stderr,
    )
    .into_owned();
    assert!(zh.contains("来访人未同意"), "{zh}");
    assert_eq!(one::<i64>(&a, "SELECT count(*) FROM transfer_out"), 0);
    assert_eq!(
        one::<i64>(&a, "SELECT count(*) FROM sync_outbox"),
        changes_before,
        "a refused request changed the desk"
    );
    // A station the hub does not know: refused, nothing written.
    let said = fails(
        &desk(&a)
            .args([
                "referrals",
                "transfer",
                &to_b,
                "--to",
                "无此站",
                "--consent",
            ])
            .args(["--officer", &a_officer])
            .output()
            .unwrap(),
    );
    assert!(said.contains("no station named"), "{said}");

    // Two requests with consent: one to B, one to C.
    let asked = json_of(
        desk(&a)
            .args(["referrals", "transfer", &to_b, "--to", "乙站", "--consent"])
            .args(["--note", "来访人已搬到乙站附近", "--officer", &a_officer])
            .args(["--format", "json"])
            .output()
            .unwrap(),
    );
    let req_b = asked["id"].as_str().unwrap().to_string();
    assert_eq!(asked["referral_id"], to_b.as_str());
    assert_eq!(asked["status"], "asked");
    let req_c = json_of(
        desk(&a)
            .args(["referrals", "transfer", &to_c, "--to", "丙站", "--consent"])
            .args(["--officer", &a_officer, "--format", "json"])
            .output()
            .unwrap(),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    // One open request a referral.
    let said = fails(
        &desk(&a)
            .args(["referrals", "transfer", &to_b, "--to", "丙站", "--consent"])
            .args(["--officer", &a_officer])
            .output()
            .unwrap(),
    );
    assert!(said.contains("already waiting"), "{said}");
    ok(hub.sync(&a, None).output().unwrap());

    // B reads the request addressed to it, and not the one addressed to C.
    let (mut sb, _, b_id) = station_login(&hub, &hub.dir().join("乙站.toml"));
    let (mut sa, _, a_id) = station_login(&hub, &hub.dir().join("甲站.toml"));
    let seen: Vec<String> = sb
        .query("SELECT id FROM hub.transfer", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        seen,
        vec![req_b.clone()],
        "B read a request not addressed to it"
    );
    let mut admin = pg(&hub.url);
    let at_hub: i64 = admin
        .query_one("SELECT count(*) FROM hub.transfer WHERE id = $1", &[&req_c])
        .unwrap()
        .get(0);
    assert_eq!(at_hub, 1, "the request to C is at the hub");
    // The request carries no name (the county does not send them) and no clear numbers.
    let r = admin
        .query_one(
            "SELECT visitor_name, id_number_hmac, station_id FROM hub.transfer WHERE id = $1",
            &[&req_b],
        )
        .unwrap();
    assert_eq!(r.get::<_, Option<String>>(0), None);
    if let Some(h) = r.get::<_, Option<String>>(1) {
        assert!(h.starts_with("k1:"), "{h}");
    }
    assert_eq!(r.get::<_, String>(2), a_id);

    // B takes it in with its sync, which says so and that it waits on an answer.
    let said = ok(hub.sync(&b, None).output().unwrap());
    assert!(
        said.contains(
            "0 job openings; 1 transfer requests from other stations, 0 answers to this station's"
        ) && said.contains("1 transfer requests from other stations await this station's answer"),
        "{said}"
    );
    let incoming = json_of(
        desk(&b)
            .args(["referrals", "incoming", "--format", "json"])
            .output()
            .unwrap(),
    );
    let list = incoming.as_array().unwrap();
    assert_eq!(list.len(), 1, "{incoming}");
    assert_eq!(list[0]["id"], req_b.as_str());
    assert_eq!(list[0]["from_station"], "甲站");
    assert_eq!(list[0]["status"], "waiting");
    assert_eq!(list[0]["note"], "来访人已搬到乙站附近");
    assert!(list[0]["visitor"].is_null(), "{incoming}");
    // F9 at B's desk says it too.
    let said = f9_status(&b);
    assert!(
        said.contains("0 jobs, 0 transfers, 0 answers; 1 transfers await an answer"),
        "{said}"
    );

    // B accepts: its own referral, to one of its services.
    let b_officer = officer(&b);
    let b_service: String = one(
        &b,
        "SELECT id FROM service WHERE status = 'active' ORDER BY id LIMIT 1",
    );
    let accepted = json_of(
        desk(&b)
            .args(["referrals", "accept", &req_b, "--service", &b_service])
            .args(["--officer", &b_officer, "--format", "json"])
            .output()
            .unwrap(),
    );
    let b_referral = accepted["referral_id"].as_str().unwrap().to_string();
    assert_eq!(
        one::<String>(
            &b,
            &format!("SELECT status || ' ' || service_id FROM referral WHERE id = '{b_referral}'")
        ),
        format!("sent {b_service}")
    );
    assert!(
        one::<String>(
            &b,
            &format!(
                "SELECT v.summary FROM referral r JOIN visit v ON v.id = r.visit_id
                  WHERE r.id = '{b_referral}'"
            )
        )
        .starts_with("[转自甲站]")
    );
    // A second accept, or a refusal after it: refused.
    let said = fails(
        &desk(&b)
            .args(["referrals", "accept", &req_b, "--service", &b_service])
            .args(["--officer", &b_officer])
            .output()
            .unwrap(),
    );
    assert!(said.contains("already accepted"), "{said}");
    let said = fails(
        &desk(&b)
            .args(["referrals", "refuse", &req_b, "--reason", "x"])
            .args(["--officer", &b_officer])
            .output()
            .unwrap(),
    );
    assert!(said.contains("already accepted"), "{said}");
    assert_eq!(
        one::<i64>(
            &b,
            "SELECT count(*) FROM referral WHERE note LIKE '转自甲站%'"
        ),
        1
    );
    // Who and when, at B.
    assert_eq!(
        one::<i64>(
            &b,
            &format!(
                "SELECT count(*) FROM event WHERE action = 'station_transfer_accepted'
                  AND entity_id = '{b_referral}' AND officer_id IS NOT NULL"
            )
        ),
        1
    );
    ok(hub.sync(&b, None).output().unwrap());

    // C refuses the one addressed to it, saying why (its sync said so in Chinese).
    let said = ok(common::process(hub.dir())
        .args(["--lang", "zh", "--db"])
        .arg(&c)
        .arg("sync")
        .output()
        .unwrap());
    assert!(
        said.contains("他站转来的请求 1 条、本站转出的答复 0 条")
            && said.contains("1 条他站转来的请求待本站答复"),
        "{said}"
    );
    let c_officer = officer(&c);
    let said = fails(
        &desk(&c)
            .args(["referrals", "refuse", &req_c, "--reason", " "])
            .args(["--officer", &c_officer])
            .output()
            .unwrap(),
    );
    assert!(said.contains("reason"), "{said}");
    ok(desk(&c)
        .args([
            "referrals",
            "refuse",
            &req_c,
            "--reason",
            "本站无法律援助律师",
        ])
        .args(["--officer", &c_officer])
        .output()
        .unwrap());
    ok(hub.sync(&c, None).output().unwrap());

    // A cannot write B's rows: not B's answer, not a request as B, not B's referral.
    let said = refused(
        sa.execute(
            "INSERT INTO hub.transfer_reply (station_id, id, from_station_id, status,
               src_epoch, src_seq) VALUES ($1, 'forged', $2, 'accepted', 1, 1)",
            &[&b_id, &a_id],
        ),
        "A wrote an answer as B",
    );
    assert!(said.contains("row-level security"), "{said}");
    let changed = sa
        .execute(
            "UPDATE hub.transfer_reply SET status = 'refused', reason = 'forged'
              WHERE station_id = $1",
            &[&b_id],
        )
        .unwrap();
    assert_eq!(changed, 0, "A changed B's answer");
    let said = refused(
        sb.execute(
            "INSERT INTO hub.transfer (station_id, id, to_station_id, src_epoch, src_seq)
             VALUES ($1, 'forged', $2, 1, 1)",
            &[&a_id, &b_id],
        ),
        "B wrote a request as A",
    );
    assert!(said.contains("row-level security"), "{said}");
    let changed = sb
        .execute("UPDATE hub.transfer SET status = 'refused'", &[])
        .unwrap();
    assert_eq!(changed, 0, "B changed A's request");
    // A reads the answers to its own requests, and nothing else of B's.
    let theirs: i64 = sa
        .query_one(
            "SELECT count(*) FROM hub.referral WHERE station_id <> $1",
            &[&a_id],
        )
        .unwrap()
        .get(0);
    assert_eq!(theirs, 0);

    // A's next sync: B's acceptance closes A's referral as 已转他站; C's refusal leaves
    // the other open, its reason in the history.
    let said = ok(hub.sync(&a, None).output().unwrap());
    assert!(said.contains(", 2 answers to this station's"), "{said}");
    assert!(!said.contains("await"), "{said}");
    assert_eq!(
        one::<String>(
            &a,
            &format!("SELECT status || ' ' || outcome FROM referral WHERE id = '{to_b}'")
        ),
        "closed transferred"
    );
    assert!(
        one::<String>(
            &a,
            &format!("SELECT status FROM referral WHERE id = '{to_c}'")
        ) != "closed"
    );
    let refusal: String = one(
        &a,
        &format!(
            "SELECT detail FROM event WHERE entity_id = '{to_c}'
              AND action = 'station_transfer_refused'"
        ),
    );
    assert!(refusal.contains("本站无法律援助律师"), "{refusal}");
    let listed = json_of(
        desk(&a)
            .args(["referrals", "list", "--all", "--format", "json"])
            .output()
            .unwrap(),
    );
    let closed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == to_b.as_str())
        .unwrap();
    assert_eq!(closed["outcome"], "transferred");
    assert_eq!(closed["outcome_label"], "Transferred to another station");
    // The closing went up in the same sync, as A's own row.
    let r = admin
        .query_one(
            "SELECT station_id, status, outcome FROM hub.referral
              WHERE id = $1 AND station_id = $2",
            &[&to_b, &a_id],
        )
        .unwrap();
    assert_eq!(
        (
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            r.get::<_, String>(2)
        ),
        (a_id.clone(), "closed".into(), "transferred".into())
    );
    // Every row where its writer is: requests A's, answers B's and C's, B's referral B's.
    let writers: Vec<(String, String)> = admin
        .query(
            "SELECT 'transfer', station_id FROM hub.transfer
             UNION ALL SELECT 'reply:' || status, station_id FROM hub.transfer_reply
             UNION ALL SELECT 'b_referral', station_id FROM hub.referral WHERE id = $1
             ORDER BY 1, 2",
            &[&b_referral],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let c_id = station_login(&hub, &hub.dir().join("丙站.toml")).2;
    let mut want = vec![
        ("b_referral".to_string(), b_id.clone()),
        ("reply:accepted".to_string(), b_id.clone()),
        ("reply:refused".to_string(), c_id),
        ("transfer".to_string(), a_id.clone()),
        ("transfer".to_string(), a_id.clone()),
    ];
    want.sort();
    assert_eq!(writers, want);
    // A replay changes nothing: the answer is applied once.
    let events_before: i64 = one(&a, "SELECT count(*) FROM event");
    ok(hub.sync(&a, None).output().unwrap());
    assert_eq!(one::<i64>(&a, "SELECT count(*) FROM event"), events_before);
    verified(&hub, &a);
    verified(&hub, &b);
}

/// An open referral of A's whose visitor has an ID number: (referral, number, name), one
/// a person, in the order of the referrals' ids.
fn open_referrals_with_numbers(a: &Path) -> Vec<(String, String, String)> {
    let c = rusqlite::Connection::open(a).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT r.id, v.id_number, v.name FROM referral r
               JOIN visit t ON t.id = r.visit_id JOIN visitor v ON v.id = t.visitor_id
              WHERE r.status IN ('sent', 'accepted', 'in_progress') AND v.id_number IS NOT NULL
              ORDER BY r.id",
        )
        .unwrap();
    let mut out: Vec<(String, String, String)> = Vec::new();
    for row in stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
    {
        let row: (String, String, String) = row.unwrap();
        if !out.iter().any(|o| o.1 == row.1) {
            out.push(row);
        }
    }
    out
}

/// A visitor's intake as the form checks it: their name and ID number, a legal question.
fn by_number(name: &str, id_number: &str) -> dutydesk::domain::intake::Intake {
    use dutydesk::domain::intake::{RawIntake, validate};
    use dutydesk::domain::lists::{Category, Channel};
    validate(&RawIntake {
        name: name.into(),
        id_number: id_number.into(),
        category: Some(Category::Legal),
        channel: Some(Channel::WalkIn),
        summary: "回访".into(),
        ..Default::default()
    })
    .unwrap()
}

#[test]
// One story: two people A hands to B, one B already knows and one it does not.
#[allow(clippy::too_many_lines)]
fn a_person_received_by_transfer_is_one_person_at_the_receiving_station() {
    let hub = Hub::new("transfer_person");
    let a = hub.desk("甲站", 120, 60, 41);
    let b = hub.desk("乙站", 40, 10, 42);
    let people = open_referrals_with_numbers(&a);
    assert!(people.len() >= 2, "{people:?}");
    let (new_ref, new_number, new_name) = people[0].clone();
    let (known_ref, known_number, known_name) = people[1].clone();
    let desk = |db: &Path| hub.desk_cli(db);
    let b_station: String = one(&b, "SELECT id FROM station LIMIT 1");
    let b_officer: String = one(&b, "SELECT id FROM officer ORDER BY id LIMIT 1");
    let visitors = |db: &Path| one::<i64>(db, "SELECT count(*) FROM visitor");
    let holding = |db: &Path, number: &str| {
        one::<i64>(
            db,
            &format!("SELECT count(*) FROM visitor WHERE id_number = '{number}'"),
        )
    };
    assert_eq!(holding(&b, &new_number), 0);
    assert_eq!(holding(&b, &known_number), 0);

    // B already knows the second person: they came to B's desk before.
    let known_at_b = Store::open(&b)
        .unwrap()
        .save_intake(
            &by_number(&known_name, &known_number),
            &b_station,
            &b_officer,
            chrono::Utc::now(),
        )
        .unwrap()
        .visitor_id;
    rusqlite::Connection::open(&b)
        .unwrap()
        .execute(
            "UPDATE visitor SET employer = '乙站所知的单位' WHERE id = ?1",
            [&known_at_b],
        )
        .unwrap();
    let record_of = |id: &str| -> String {
        one(
            &b,
            &format!(
                "SELECT name || '|' || gender || '|' || employer || '|' || occupation || '|'
                        || membership || '|' || updated_at FROM visitor WHERE id = '{id}'"
            ),
        )
    };
    let known_record = record_of(&known_at_b);

    // A hands both cases to B, with their consent; B takes the requests in.
    let a_officer: String = one(&a, "SELECT name FROM officer ORDER BY id LIMIT 1");
    let mut requests = Vec::new();
    for r in [new_ref.as_str(), known_ref.as_str()] {
        requests.push(
            json_of(
                desk(&a)
                    .args(["referrals", "transfer", r, "--to", "乙站", "--consent"])
                    .args(["--officer", &a_officer, "--format", "json"])
                    .output()
                    .unwrap(),
            )["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    ok(hub.sync(&a, None).output().unwrap());
    // The requests carry the numbers as the county's keyed hashes, never in clear.
    let mut admin = pg(&hub.url);
    for (req, number) in requests.iter().zip([&new_number, &known_number]) {
        let r = admin
            .query_one(
                "SELECT t::text, id_number_hmac FROM hub.transfer t WHERE id = $1",
                &[req],
            )
            .unwrap();
        let row: String = r.get(0);
        assert!(!row.contains(number.as_str()), "{row}");
        assert!(r.get::<_, String>(1).starts_with("k1:"));
    }
    ok(hub.sync(&b, None).output().unwrap());
    let b_officer_name: String = one(&b, "SELECT name FROM officer ORDER BY id LIMIT 1");
    let b_service: String = one(
        &b,
        "SELECT id FROM service WHERE status = 'active' ORDER BY id LIMIT 1",
    );
    let before_accepts = visitors(&b);
    let accept = |req: &str| -> (String, String) {
        let accepted = json_of(
            desk(&b)
                .args(["referrals", "accept", req, "--service", &b_service])
                .args(["--officer", &b_officer_name, "--format", "json"])
                .output()
                .unwrap(),
        );
        let referral = accepted["referral_id"].as_str().unwrap().to_string();
        let visitor: String = one(
            &b,
            &format!(
                "SELECT t.visitor_id FROM referral r JOIN visit t ON t.id = r.visit_id
                  WHERE r.id = '{referral}'"
            ),
        );
        (referral, visitor)
    };

    // The person B knew: the case is theirs at B, no second record.
    let (known_referral, known_visitor) = accept(&requests[1]);
    assert_eq!(
        known_visitor, known_at_b,
        "B made a second record of a person it knew"
    );
    assert_eq!(visitors(&b), before_accepts);
    assert_eq!(holding(&b, &known_number), 1);
    // Accepting the case changed nothing of the person B knew (A's details may be older).
    assert_eq!(record_of(&known_at_b), known_record);
    let updated: i64 = one(
        &b,
        &format!(
            "SELECT count(*) FROM event WHERE entity = 'visitor' AND entity_id = '{known_at_b}'
               AND action = 'updated'"
        ),
    );
    assert_eq!(updated, 0, "accepting a transfer updated the person");
    // The person B did not know: a new record, known at B only by the request's hash.
    let (new_referral, new_visitor) = accept(&requests[0]);
    assert_eq!(visitors(&b), before_accepts + 1);
    assert_eq!(holding(&b, &new_number), 0, "a clear number reached B");
    let stand_in: String = one(
        &b,
        &format!("SELECT name FROM visitor WHERE id = '{new_visitor}'"),
    );
    assert_eq!(stand_in, "甲站转来的来访人");
    assert_eq!(
        one::<String>(
            &b,
            &format!(
                "SELECT group_concat(known, ',') FROM (
                     SELECT json_extract(detail, '$.known_here') AS known FROM event
                      WHERE action = 'station_transfer_accepted'
                        AND entity_id IN ('{known_referral}', '{new_referral}')
                      ORDER BY entity_id = '{new_referral}')"
            )
        ),
        "1,0"
    );

    // Later the person comes to B's desk and the officer types their name and number: the
    // form knows them (no question whose number it is), offers their open case, and the
    // save goes to the record the transfer made.
    let mut store = Store::open(&b).unwrap();
    let intake = by_number(&new_name, &new_number);
    let plan = store.intake_plan(&intake).unwrap();
    assert_eq!(plan.id_owner, None, "{plan:?}");
    assert_eq!(plan.returning_name.as_deref(), Some(new_name.as_str()));
    assert!(plan.changes.contains("甲站转来的来访人 → "), "{plan:?}");
    let cases: Vec<String> = store
        .open_cases(&intake)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(cases, vec![new_referral.clone()]);
    assert_eq!(
        store
            .visitor_by_id_number(&new_number)
            .unwrap()
            .map(|v| v.id),
        Some(new_visitor.clone())
    );
    let saved = store
        .save_intake(&intake, &b_station, &b_officer, chrono::Utc::now())
        .unwrap();
    assert!(saved.returning);
    assert_eq!(saved.visitor_id, new_visitor, "B made a second person");
    drop(store);
    assert_eq!(visitors(&b), before_accepts + 1);
    assert_eq!(holding(&b, &new_number), 1);
    assert_eq!(
        one::<String>(
            &b,
            &format!("SELECT name FROM visitor WHERE id = '{new_visitor}'")
        ),
        new_name
    );
    // Their record shows the case B accepted, and both visits.
    let store = Store::open(&b).unwrap();
    let open: Vec<String> = store
        .open_referrals_of_visitor(&new_visitor)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(open, vec![new_referral.clone()]);
    assert_eq!(store.visits_of_visitor(&new_visitor, 10).unwrap().len(), 2);
    // Found by the start of their number as they are typed, like anyone on file.
    assert!(
        store
            .find_returning(&new_number[..10], 8)
            .unwrap()
            .iter()
            .any(|m| m.visitor.id == new_visitor)
    );
    drop(store);

    // At the hub the person is one: B's record now carries the same keyed hash as A's
    // request, and still no clear number anywhere.
    ok(hub.sync(&b, None).output().unwrap());
    let (_, _, b_id) = station_login(&hub, &hub.dir().join("乙站.toml"));
    let r = admin
        .query_one(
            "SELECT v.id_number_hmac = t.id_number_hmac, v::text FROM hub.visitor v, hub.transfer t
              WHERE v.station_id = $1 AND v.id = $2 AND t.id = $3",
            &[&b_id, &new_visitor, &requests[0]],
        )
        .unwrap();
    assert!(
        r.get::<_, bool>(0),
        "B's record and A's request name two people"
    );
    assert!(!r.get::<_, String>(1).contains(new_number.as_str()));
    // The county keeps no names: the stand-in's renaming reached the hub without them.
    let named: i64 = admin
        .query_one(
            "SELECT count(*) FROM hub.event WHERE station_id = $1 AND detail LIKE '%' || $2 || '%'",
            &[&b_id, &new_name],
        )
        .unwrap()
        .get(0);
    assert_eq!(named, 0, "a name reached the hub in an audit entry");
    verified(&hub, &b);
}

/// The hub's migrations up to schema 9, as a hub made before schema 10 ran them.
const HUB_MIGRATIONS_TO_9: &[&str] = &[
    include_str!("../src/hub/migrations/0001_init.sql"),
    include_str!("../src/hub/migrations/0002_rollup_month.sql"),
    include_str!("../src/hub/migrations/0003_seal_conflict.sql"),
    include_str!("../src/hub/migrations/0004_visit_key.sql"),
    include_str!("../src/hub/migrations/0005_refresh_stats.sql"),
    include_str!("../src/hub/migrations/0006_seen_elsewhere.sql"),
    include_str!("../src/hub/migrations/0007_new_desk_columns.sql"),
    include_str!("../src/hub/migrations/0008_county_jobs.sql"),
    include_str!("../src/hub/migrations/0009_station_transfers.sql"),
];

#[test]
// Schema 10 takes the visitors' names out of the log lines older desks sent.
#[allow(clippy::too_many_lines)]
fn hub_schema_10_takes_names_out_of_the_log_lines_an_old_hub_holds() {
    // A hub at schema 9, as `hub init` left it before schema 10 existed.
    let url = hub_db("schema_9");
    let mut admin = pg(&url);
    admin
        .batch_execute(
            "CREATE SCHEMA hub;
             CREATE TABLE hub.schema_version (
                 version     integer PRIMARY KEY,
                 applied_at  timestamptz NOT NULL DEFAULT now());",
        )
        .unwrap();
    for (i, sql) in HUB_MIGRATIONS_TO_9.iter().enumerate() {
        admin.batch_execute(sql).unwrap();
        let version = i32::try_from(i + 1).unwrap();
        admin
            .execute(
                "INSERT INTO hub.schema_version (version) VALUES ($1)",
                &[&version],
            )
            .unwrap();
    }
    admin
        .execute(
            "INSERT INTO hub.county_key (key_id, key_hex) VALUES ('k1', $1)",
            &[&"5a".repeat(32)],
        )
        .unwrap();
    let hub = Hub {
        url: url.clone(),
        home: tempfile::tempdir().unwrap(),
    };

    // A station's desk with its visits' log lines, and a line of the officer's own (no
    // fact, no visitor), synced to it.
    let db = hub.dir().join("旧站.db");
    let station = Store::open(&db)
        .unwrap()
        .create_station("旧站", chrono::Utc::now())
        .unwrap();
    ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["gen", "--visits", "40", "--referrals", "10", "--seed", "51"])
        .output()
        .unwrap());
    let officer: String = one(&db, "SELECT id FROM officer ORDER BY id LIMIT 1");
    {
        use dutydesk::domain::intake::{RawIntake, validate};
        use dutydesk::domain::lists::{Category, Channel};
        let mut store = Store::open(&db).unwrap();
        for (name, phone) in [
            ("王秀英", "13800138011"),
            ("张建国", "13800138012"),
            ("李小红", "13800138013"),
            ("赵大明", "13800138014"),
            ("陈桂兰", "13800138015"),
        ] {
            let intake = validate(&RawIntake {
                name: name.into(),
                phone: phone.into(),
                category: Some(Category::Legal),
                channel: Some(Channel::WalkIn),
                ..Default::default()
            })
            .unwrap();
            store
                .save_intake(&intake, &station.id, &officer, chrono::Utc::now())
                .unwrap();
        }
    }
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO log_entry (id, station_id, shift_id, at, officer_id, kind, text)
             VALUES ('own-line', ?1, NULL, ?2, ?3, 'note', '下午停电两小时,来访改到明天')",
            rusqlite::params![station.id, dutydesk::store::ts(chrono::Utc::now()), officer],
        )
        .unwrap();
    let creds = hub.enroll("旧站");
    ok(dutydesk(hub.dir())
        .arg("--db")
        .arg(&db)
        .args(["sync", "--join"])
        .arg(&creds)
        .output()
        .unwrap());
    let (_, _, station_id) = station_login(&hub, &creds);

    // What an older desk sent: each line written from a fact with its text as the desk
    // shows it, the visitor's name in it.
    let desk_lines: Vec<(String, String)> = {
        let c = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = c
            .prepare("SELECT id, text FROM log_entry WHERE fact IS NOT NULL")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(desk_lines.len() >= 5, "{}", desk_lines.len());
    for (id, text) in &desk_lines {
        let n = admin
            .execute(
                "UPDATE hub.log_entry SET text = $3 WHERE station_id = $1 AND id = $2",
                &[&station_id, id, text],
            )
            .unwrap();
        assert_eq!(n, 1, "the hub lacks the line {id}");
    }
    let names: Vec<String> = {
        let c = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = c.prepare("SELECT DISTINCT name FROM visitor").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let named_lines = |admin: &mut postgres::Client| -> usize {
        admin
            .query(
                "SELECT coalesce(text, '') FROM hub.log_entry WHERE station_id = $1",
                &[&station_id],
            )
            .unwrap()
            .iter()
            .filter(|r| {
                let text: String = r.get(0);
                names.iter().any(|n| text.contains(n.as_str()))
            })
            .count()
    };
    assert!(
        named_lines(&mut admin) > 0,
        "the old hub was not given the names"
    );

    // `hub init` brings it to schema 10.
    let said = ok(dutydesk(hub.dir())
        .args(["hub", "init", "--hub", &url])
        .output()
        .unwrap());
    assert!(said.contains("version 9 → 10"), "{said}");
    let latest: i32 = admin
        .query_one("SELECT max(version) FROM hub.schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(latest, 10);
    // No line names a visitor now; the lines written from facts have lost their text, the
    // officer's own line (no fact, no visitor) keeps its.
    assert_eq!(named_lines(&mut admin), 0);
    let r = admin
        .query_one(
            "SELECT count(*) FILTER (WHERE fact IS NOT NULL),
                    count(*) FILTER (WHERE fact IS NOT NULL AND text IS NOT NULL)
               FROM hub.log_entry WHERE station_id = $1",
            &[&station_id],
        )
        .unwrap();
    assert_eq!(
        (r.get::<_, i64>(0), r.get::<_, i64>(1)),
        (i64::try_from(desk_lines.len()).unwrap(), 0)
    );
    let own: String = admin
        .query_one(
            "SELECT text FROM hub.log_entry WHERE station_id = $1 AND id = 'own-line'",
            &[&station_id],
        )
        .unwrap()
        .get(0);
    assert_eq!(own, "下午停电两小时,来访改到明天");

    // The desk sends those lines again (as desk migration 23 names them): the hub takes
    // their text written without the name, as a column it did not hold — not as a rewrite
    // of a sealed row.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO sync_outbox (tbl, row_id)
             SELECT 'log_entry', id FROM log_entry WHERE fact IS NOT NULL",
            [],
        )
        .unwrap();
    ok(hub.sync(&db, None).output().unwrap());
    let r = admin
        .query_one(
            "SELECT count(*) FILTER (WHERE text IS NOT NULL),
                    count(*) FILTER (WHERE text LIKE '%来访人%')
               FROM hub.log_entry WHERE station_id = $1 AND fact IS NOT NULL",
            &[&station_id],
        )
        .unwrap();
    assert_eq!(
        r.get::<_, i64>(0),
        i64::try_from(desk_lines.len()).unwrap(),
        "lines left without text"
    );
    assert!(
        r.get::<_, i64>(1) > 0,
        "no line says 来访人 for the visitor"
    );
    assert_eq!(named_lines(&mut admin), 0);
    let conflicts: i64 = admin
        .query_one(
            "SELECT count(*) FROM hub.seal_conflict WHERE station_id = $1",
            &[&station_id],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        conflicts, 0,
        "the text was taken for a rewrite of sealed lines"
    );
    verified(&hub, &db);
}

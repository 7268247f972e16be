//! `dutydesk report` on a fixture day: its totals checked against the ledger read here
//! independently, CSV with a BOM, XLSX read back with calamine, masking and its audit.

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use dutydesk::domain::lists::Urgency;
use dutydesk::domain::referral::{Closing, Move, Outcome, ServiceKind, ServiceStatus};
use dutydesk::store::{NewReferral, Service, Store};

const DAY: &str = "2026-03-02";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn dutydesk(home: &Path, db: &Path) -> Command {
    let mut c = common::dutydesk(home);
    c.arg("--db").arg(db);
    c
}

/// Station-local time on 2026-03-02 (UTC+8).
fn local(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 3, day, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

struct Expected {
    visits: usize,
    workers: i64,
    by_channel: BTreeMap<String, i64>,
    by_category: BTreeMap<String, i64>,
}

/// What the report must say about the fixture day, from the ledger itself.
fn expected_from_ledger() -> Expected {
    let mut r = csv::Reader::from_path(fixture("report_day.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (date, channel, category, headcount) =
        (col("日期"), col("渠道"), col("诉求类别"), col("涉及人数"));
    let mut e = Expected {
        visits: 0,
        workers: 0,
        by_channel: BTreeMap::new(),
        by_category: BTreeMap::new(),
    };
    for row in r.records() {
        let row = row.unwrap();
        if !row[date].starts_with(DAY) {
            continue;
        }
        e.visits += 1;
        e.workers += row[headcount].parse::<i64>().unwrap_or(1);
        *e.by_channel.entry(row[channel].to_string()).or_default() += 1;
        *e.by_category.entry(row[category].to_string()).or_default() += 1;
    }
    e
}

/// The fixture ledger, plus referrals made and closed on the day and one the day before.
fn fixture_db(home: &Path) -> PathBuf {
    let db = home.join("report.db");
    dutydesk(home, &db)
        .args(["import", "visits"])
        .arg(fixture("report_day.csv"))
        .args(["--station", "城西街道职工服务站"])
        .assert()
        .success();
    let mut store = Store::open(&db).unwrap();
    let station = store.station().unwrap().unwrap();
    let li = store.officer_by_name("李梅").unwrap().unwrap();
    store
        .upsert_services(
            &[
                Service {
                    source_id: Some("L1".into()),
                    status: ServiceStatus::Active,
                    ..Service::new(ServiceKind::Legal, "职工法律援助")
                },
                Service {
                    source_id: Some("J1".into()),
                    status: ServiceStatus::Active,
                    ..Service::new(ServiceKind::Jobs, "就业服务窗口")
                },
            ],
            local(2, 8, 0),
        )
        .unwrap();
    let service = |kind| {
        store
            .services(Some(kind))
            .unwrap()
            .into_iter()
            .next()
            .unwrap()
            .id
    };
    let (legal, jobs) = (service(ServiceKind::Legal), service(ServiceKind::Jobs));
    let visit_of = |store: &Store, name: &str| -> String {
        store
            .conn()
            .query_row(
                "SELECT t.id FROM visit t JOIN visitor v ON v.id = t.visitor_id WHERE v.name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap()
    };
    let plan = [
        ("张三", legal.clone(), local(2, 10, 0), Some(11_500_000), 13),
        ("陈静", jobs, local(2, 11, 0), None, 0),
        ("刘洋", legal.clone(), local(2, 10, 0), None, 0),
        ("周前一", legal, local(1, 23, 55), None, 0),
    ];
    for (name, service_id, made, wages, workers) in plan {
        let n = NewReferral {
            visit_id: visit_of(&store, name),
            service_id,
            consent: true,
            consent_override: String::new(),
            note: String::new(),
            urgency: Urgency::Normal,
            due_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            job_id: None,
        };
        let r = store
            .create_referral(&n, &station.id, &li.id, made)
            .unwrap();
        if name == "张三" || name == "陈静" {
            let r = store
                .move_referral(&r.id, r.version, Move::Accept, &li.id, "", None, made)
                .unwrap();
            let closing = Closing {
                outcome: Some(Outcome::Resolved),
                wages_recovered_fen: wages,
                workers_covered: (workers > 0).then_some(workers),
                placed_job: if name == "陈静" {
                    "保洁员".into()
                } else {
                    String::new()
                },
                ..Default::default()
            };
            store
                .move_referral(
                    &r.id,
                    r.version,
                    Move::Close,
                    &li.id,
                    "",
                    Some(&closing),
                    local(2, 16, 0),
                )
                .unwrap();
        }
    }
    db
}

/// CSV sections by title: each a list of rows (header row first).
fn csv_sections(bytes: &[u8]) -> BTreeMap<String, Vec<Vec<String>>> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&bytes[3..]);
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut fresh = false;
    for rec in r.records() {
        let rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        if rec.len() == 1 && rec[0].is_empty() {
            fresh = true;
            continue;
        }
        if fresh {
            if let Some(t) = current.take() {
                out.insert(t, std::mem::take(&mut rows));
            }
            current = Some(rec[0].clone());
            fresh = false;
            continue;
        }
        rows.push(rec);
    }
    if let Some(t) = current {
        out.insert(t, rows);
    }
    out
}

fn counts(rows: &[Vec<String>]) -> BTreeMap<String, i64> {
    rows[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect()
}

fn value<'a>(rows: &'a [Vec<String>], item: &str) -> &'a str {
    &rows.iter().find(|r| r[0] == item).unwrap()[1]
}

#[test]
fn a_days_totals_match_the_ledger_and_the_referrals_of_that_day() {
    let home = tempfile::tempdir().unwrap();
    let db = fixture_db(home.path());
    let out = dutydesk(home.path(), &db)
        .args(["report", "--date", DAY, "--format", "csv"])
        .assert()
        .success();
    let sections = csv_sections(&out.get_output().stdout);
    let e = expected_from_ledger();
    assert_eq!(e.visits, 9, "the fixture has nine visits on the day");
    let summary = &sections["概况"];
    assert_eq!(value(summary, "来访人次"), e.visits.to_string());
    assert_eq!(value(summary, "涉及职工人数"), e.workers.to_string());
    assert_eq!(
        value(summary, "新转介"),
        "3",
        "the one made the evening before is not counted"
    );
    assert_eq!(value(summary, "转介办结"), "2");
    assert_eq!(value(summary, "追回工资(元)"), "115000.00");
    assert_eq!(value(summary, "追回工资涉及职工"), "13");
    assert_eq!(value(summary, "就业安置人数"), "1");
    // 刘洋's and 周前一's referrals were due on the day and still open at its end.
    assert_eq!(value(summary, "期末逾期转介"), "2");
    assert_eq!(counts(&sections["来访渠道"]), e.by_channel);
    assert_eq!(counts(&sections["诉求类别"]), e.by_category);
    let kinds = &sections["转介(按类别与结果)"];
    assert_eq!(kinds[1][..4], ["法律援助", "2", "1", "1"]);
    assert_eq!(kinds[2][..4], ["就业", "1", "1", "1"]);
    let overdue = &sections["期末逾期转介明细"];
    let phones: Vec<&str> = overdue[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(phones, ["138****8011", "137****7000"], "masked by default");
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("13700137000"));

    // A period spanning the neighbouring days counts their visits too.
    let out = dutydesk(home.path(), &db)
        .args([
            "report",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-03",
            "--format",
            "csv",
        ])
        .assert()
        .success();
    let sections = csv_sections(&out.get_output().stdout);
    assert_eq!(value(&sections["概况"], "来访人次"), "11");
}

#[test]
fn the_xlsx_report_opens_with_chinese_headers_numbers_and_masked_phones() {
    let home = tempfile::tempdir().unwrap();
    let db = fixture_db(home.path());
    let file = home.path().join("汇总.xlsx");
    dutydesk(home.path(), &db)
        .args(["report", "--date", DAY, "--format", "xlsx", "-o"])
        .arg(&file)
        .assert()
        .success();
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "期末逾期转介明细"]);
    let totals = wb.worksheet_range("汇总").unwrap();
    let row_of = |item: &str| {
        totals
            .rows()
            .find(|r| r.first() == Some(&Data::String(item.into())))
            .unwrap_or_else(|| panic!("no row {item}"))
            .to_vec()
    };
    assert_eq!(row_of("来访人次")[1], Data::Float(9.0));
    assert_eq!(row_of("追回工资(元)")[1], Data::Float(115000.0));
    assert_eq!(
        row_of("就业")[1..4],
        [Data::Float(1.0), Data::Float(1.0), Data::Float(1.0)]
    );
    let people = wb.worksheet_range("期末逾期转介明细").unwrap();
    let cells: Vec<String> = people.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(cells.contains(&"137****7000".to_string()));
    assert!(!cells.iter().any(|c| c.contains("13700137000")));
    // No half-written file is left beside it.
    assert!(!file.with_extension("part").exists());
}

#[test]
fn an_unmasked_export_shows_phones_and_is_recorded_in_the_audit_log() {
    let home = tempfile::tempdir().unwrap();
    let db = fixture_db(home.path());
    let out = dutydesk(home.path(), &db)
        .args(["report", "--date", DAY, "--format", "md"])
        .assert()
        .success();
    assert!(!String::from_utf8_lossy(&out.get_output().stdout).contains("13700137000"));
    assert!(
        Store::open(&db)
            .unwrap()
            .unmasked_exports()
            .unwrap()
            .is_empty()
    );
    let file = home.path().join("full.md");
    dutydesk(home.path(), &db)
        .args(["report", "--date", DAY, "--unmasked", "-o"])
        .arg(&file)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("13700137000")
    );
    let audit = Store::open(&db).unwrap().unmasked_exports().unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].detail.contains("full.md"), "{:?}", audit[0]);
    // And the desk's log file never holds the phone.
    let mut logs = 0;
    for entry in walk(home.path()) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).to_string();
        if entry.extension().is_some_and(|e| e == "log") {
            assert!(!text.contains("13700137000"), "{}", entry.display());
            assert!(text.contains("unmasked report exported"));
            logs += 1;
        }
    }
    assert_eq!(logs, 1, "the desk's log is beside the database");
}

#[test]
fn an_xlsx_report_needs_a_file_and_a_period_must_run_forwards() {
    let home = tempfile::tempdir().unwrap();
    let db = fixture_db(home.path());
    let out = dutydesk(home.path(), &db)
        .args(["report", "--date", DAY, "--format", "xlsx"])
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("-o"));
    let out = dutydesk(home.path(), &db)
        .args(["report", "--from", "2026-03-03", "--to", "2026-03-01"])
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("结束日期早于开始日期"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

//! `dutydesk export visits` (issue 19, the ledger export): the demo station's ledger out
//! and into a fresh database gives the same visits; the masked export holds no full phone
//! or ID number and cannot be imported as real numbers; the XLSX read back (calamine, and
//! its sheet XML for the frozen header); files never overwritten, owner-only, audited
//! when unmasked; hostile values neutralised; bad dates refused with no file; and `e` in
//! F5 writing this month's ledger to the review's export folder.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx, open_workbook};
use dutydesk::app::{App, Clock};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::{Category, Role};
use dutydesk::export::ledger::{COLUMNS, header};
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::store::Store;

const ALL_TIME: [&str; 4] = ["--from", "2000-01-01", "--to", "2100-12-31"];

fn at(home: &Path, db: &Path) -> Command {
    let mut c = common::dutydesk(home);
    c.arg("--db").arg(db);
    c
}

/// The demo station at `db` (the desk itself then refuses: no terminal in a test).
fn demo(home: &Path) -> PathBuf {
    let db = home.join("station.db");
    common::dutydesk(home)
        .arg("--demo")
        .arg("--db")
        .arg(&db)
        .assert()
        .failure();
    assert!(db.exists(), "the demo was made");
    db
}

fn stderr(cmd: &mut Command, ok: bool) -> String {
    let a = cmd.assert();
    let a = if ok { a.success() } else { a.failure() };
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every visit as the round trip must keep it: who, when (to the minute, UTC), what,
/// how many, how much, and the person's numbers and the officer.
type VisitFacts = (
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn visits(db: &Path) -> Vec<VisitFacts> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c
        .prepare(
            "SELECT v.name, substr(t.visited_at, 1, 16), t.category, t.headcount, t.amount_owed_fen,
                    t.channel, t.urgency, t.summary, v.phone, v.id_number, o.name,
                    t.occupation || '/' || t.membership || '/' || v.gender || '/' || v.employer || '/' || v.hometown
             FROM visit t JOIN visitor v ON v.id = t.visitor_id JOIN officer o ON o.id = t.officer_id
             ORDER BY t.visited_at, v.name",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
            r.get(11)?,
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The people's phones (as dialled) and ID numbers on file.
fn numbers(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare("SELECT phone, id_number FROM visitor").unwrap();
    let rows: Vec<(Option<String>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.into_iter()
        .flat_map(|(p, i)| [p.map(|p| p.trim_start_matches("+86").to_string()), i])
        .flatten()
        .collect()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the CSV starts with a BOM"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn an_unmasked_export_imported_into_a_fresh_database_gives_the_same_visits() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path());
    let file = home.path().join("台账.csv");
    at(home.path(), &db)
        .args(["export", "visits", "--unmasked", "-o"])
        .arg(&file)
        .args(ALL_TIME)
        .assert()
        .success();
    let rows = csv_rows(&file);
    let headers: Vec<&str> = COLUMNS.iter().map(|(c, _)| header(*c, Lang::Zh)).collect();
    assert_eq!(rows[0], headers);
    let fresh = home.path().join("fresh.db");
    at(home.path(), &fresh)
        .args(["import", "visits"])
        .arg(&file)
        .args(["--station", "新站"])
        .assert()
        .success();
    let (before, after) = (visits(&db), visits(&fresh));
    assert_eq!(before.len(), 15, "the demo's ledger");
    assert_eq!(rows.len(), 1 + before.len());
    assert_eq!(before, after);
    // The referral columns hold what F3 shows: 张三's case is with legal aid.
    let zhang = rows.iter().find(|r| r[1] == "张三").unwrap();
    let col = |h: &str| headers.iter().position(|x| *x == h).unwrap();
    assert_eq!(zhang[col("转介状态")], "办理中");
    assert_eq!(zhang[col("承办人")], "李梅");
    assert!(zhang[col("转介服务")].contains("法律援助"), "{zhang:?}");
    assert!(chrono::NaiveDate::parse_from_str(&zhang[col("应办结日期")], "%Y-%m-%d").is_ok());
    // English headers and labels come back the same way.
    let en = home.path().join("ledger.csv");
    at(home.path(), &db)
        .args(["--lang", "en", "export", "visits", "--unmasked", "-o"])
        .arg(&en)
        .args(ALL_TIME)
        .assert()
        .success();
    assert_eq!(csv_rows(&en)[0][..3], ["date", "name", "phone"]);
    let fresh_en = home.path().join("fresh-en.db");
    at(home.path(), &fresh_en)
        .args(["import", "visits"])
        .arg(&en)
        .args(["--station", "新站"])
        .assert()
        .success();
    assert_eq!(visits(&fresh_en), before);
}

#[test]
fn the_masked_export_holds_no_full_number_and_is_refused_as_real_numbers() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path());
    let numbers = numbers(&db);
    assert!(numbers.iter().any(|n| n == "13800138000"), "{numbers:?}");
    for name in ["masked.csv", "masked.xlsx"] {
        let file = home.path().join(name);
        let said = stderr(
            at(home.path(), &db)
                .args(["export", "visits", "-o"])
                .arg(&file)
                .args(ALL_TIME),
            true,
        );
        assert!(said.contains("已打码"), "{said}");
        let text: String = if name.ends_with("csv") {
            String::from_utf8(std::fs::read(&file).unwrap()).unwrap()
        } else {
            let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
            let sheet = wb.worksheet_range("台账").unwrap();
            sheet
                .cells()
                .map(|(_, _, c)| c.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        for n in &numbers {
            assert!(!text.contains(n.as_str()), "{name} holds {n}");
        }
        assert!(text.contains("138****8000"), "{name}");
        assert!(text.contains("3301**********1234"), "{name}");
    }
    // Imported again, the masked numbers are refused plainly and nothing is written.
    let fresh = home.path().join("fresh.db");
    let err = stderr(
        at(home.path(), &fresh)
            .args(["import", "visits"])
            .arg(home.path().join("masked.csv"))
            .args(["--station", "新站"]),
        false,
    );
    assert!(
        err.contains("打码的号码") && err.contains("--unmasked"),
        "{err}"
    );
    assert!(err.contains("未导入任何记录"), "{err}");
    assert!(!fresh.exists() || visits(&fresh).is_empty());
    // No audit record for a masked export.
    assert!(
        Store::open(&db)
            .unwrap()
            .unmasked_exports()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_xlsx_has_the_headers_frozen_dates_as_dates_and_numbers_as_numbers() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path());
    let file = home.path().join("台账.xlsx");
    at(home.path(), &db)
        .args(["export", "visits", "-o"])
        .arg(&file)
        .args(ALL_TIME)
        .assert()
        .success();
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(wb.sheet_names(), ["台账"]);
    let sheet = wb.worksheet_range("台账").unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let headers: Vec<Data> = COLUMNS
        .iter()
        .map(|(c, _)| Data::String(header(*c, Lang::Zh).into()))
        .collect();
    assert_eq!(rows[0], headers);
    assert_eq!(rows.len(), 16);
    let col = |h: &str| {
        COLUMNS
            .iter()
            .position(|(c, _)| header(*c, Lang::Zh) == h)
            .unwrap()
    };
    let zhang = rows
        .iter()
        .find(|r| r[1] == Data::String("张三".into()))
        .unwrap();
    match &zhang[col("日期")] {
        // An Excel serial day: its fraction is the time of day, 09:20.
        Data::DateTime(d) => assert_eq!((d.as_f64().fract() * 1440.0).round(), 560.0),
        other => panic!("the date is not a date cell: {other:?}"),
    }
    assert!(matches!(zhang[col("应办结日期")], Data::DateTime(_)));
    assert_eq!(zhang[col("涉及人数")], Data::Float(13.0));
    assert_eq!(zhang[col("欠薪金额")], Data::Float(115000.0));
    assert_eq!(zhang[col("电话")], Data::String("138****8000".into()));
    // The header row is frozen, with a filter on it (the sheet's own XML).
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains(r#"<pane ySplit="1" topLeftCell="A2""#) && xml.contains(r#"state="frozen""#),
        "{xml:.600}"
    );
    assert!(xml.contains("<autoFilter"), "a filter on the header");
    assert!(xml.contains("<cols>"), "column widths");
}

#[test]
fn an_existing_file_the_database_and_a_failed_audit_are_refused_and_unmasked_is_private() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path());
    let file = home.path().join("old.csv");
    std::fs::write(&file, "keep me").unwrap();
    let err = stderr(
        at(home.path(), &db)
            .args(["export", "visits", "-o"])
            .arg(&file),
        false,
    );
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    for own in [db.clone(), home.path().join("station.log")] {
        let err = stderr(
            at(home.path(), &db)
                .args(["export", "visits", "--force", "-o"])
                .arg(&own),
            false,
        );
        assert!(err.contains("数据库"), "{err}");
    }
    // --force replaces it; unmasked, the file is its owner's only and audited.
    at(home.path(), &db)
        .args(["export", "visits", "--force", "--unmasked", "-o"])
        .arg(&file)
        .args(ALL_TIME)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("13800138000")
    );
    assert_eq!(mode(&file), 0o600);
    let audit = Store::open(&db).unwrap().unmasked_exports().unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].detail.contains("old.csv"), "{:?}", audit[0]);
    let log = std::fs::read_to_string(home.path().join("station.log")).unwrap();
    assert!(log.contains("unmasked ledger exported") && !log.contains("13800138000"));
    // When the audit record cannot be written, no unmasked file is.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER audit_fails BEFORE INSERT ON event
             BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END;",
        )
        .unwrap();
    let unaudited = home.path().join("full.xlsx");
    stderr(
        at(home.path(), &db)
            .args(["export", "visits", "--unmasked", "-o"])
            .arg(&unaudited),
        false,
    );
    assert!(!unaudited.exists());
    let leftovers = std::fs::read_dir(home.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".part")
        })
        .count();
    assert_eq!(leftovers, 0, "no half-written file");
}

/// A station whose one visit has hostile values in it.
fn hostile(home: &Path) -> PathBuf {
    let db = home.join("hostile.db");
    let mut store = Store::open(&db).unwrap();
    let now = chrono::Utc::now();
    let st = store.create_station("城西站", now).unwrap();
    let o = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", now)
        .unwrap();
    store.set_current_officer(&o).unwrap();
    let intake = validate(&RawIntake {
        name: "=1+1".into(),
        phone: "13800138000".into(),
        employer: "@SUM(A1)".into(),
        hometown: "+cmd|' /C calc'!A0".into(),
        category: Some(Category::WageArrears),
        summary: "欠薪\u{1b}[2J\u{1b}]0;pwned\u{7}两个月\r\n联系电话13912345678".into(),
        ..Default::default()
    })
    .unwrap();
    store.save_intake(&intake, &st.id, &o.id, now).unwrap();
    db
}

#[test]
fn hostile_values_come_out_neutralised_in_csv_and_as_text_in_xlsx() {
    let home = tempfile::tempdir().unwrap();
    let db = hostile(home.path());
    let file = home.path().join("h.csv");
    at(home.path(), &db)
        .args(["export", "visits", "-o"])
        .arg(&file)
        .assert()
        .success();
    let raw = std::fs::read(&file).unwrap();
    assert!(
        !raw.iter().any(|b| *b == 0x1b || *b == 0x07),
        "no control character"
    );
    let rows = csv_rows(&file);
    let row = &rows[1];
    assert_eq!(row[1], "'=1+1");
    assert_eq!(row[5], "'@SUM(A1)");
    assert_eq!(row[8], "'+cmd|' /C calc'!A0");
    let summary = &row[15];
    assert!(
        summary.starts_with("欠薪␛[2J␛]0;pwned␇两个月\n"),
        "{summary:?}"
    );
    // Masked, a mobile typed into the summary is masked too.
    assert!(summary.ends_with("联系电话139****5678"), "{summary:?}");
    // In XLSX the same values are strings, never formulas.
    let x = home.path().join("h.xlsx");
    at(home.path(), &db)
        .args(["export", "visits", "-o"])
        .arg(&x)
        .assert()
        .success();
    let mut wb: Xlsx<_> = open_workbook(&x).unwrap();
    let sheet = wb.worksheet_range("台账").unwrap();
    assert_eq!(sheet.get((1, 1)), Some(&Data::String("=1+1".into())));
    let formulas = wb.worksheet_formula("台账").unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()), "no formula");
    let cell = sheet.get((1, 15)).unwrap().to_string();
    assert!(
        !cell.contains('\u{1b}') && cell.contains("␛[2J"),
        "{cell:?}"
    );
}

#[test]
fn bad_dates_are_refused_plainly_and_no_file_is_written() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path());
    let file = home.path().join("x.csv");
    for (args, says) in [
        (vec!["--from", "2026-13-01"], "YYYY-MM-DD"),
        (vec!["--to", "11/20/2026"], "YYYY-MM-DD"),
        (
            vec!["--from", "2026-11-30", "--to", "2026-11-01"],
            "结束日期 2026-11-01 早于开始日期 2026-11-30",
        ),
    ] {
        let err = stderr(
            at(home.path(), &db)
                .args(["export", "visits", "-o"])
                .arg(&file)
                .args(&args),
            false,
        );
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!file.exists(), "{args:?}");
    }
    let err = stderr(
        at(home.path(), &db)
            .args([
                "--lang",
                "en",
                "export",
                "visits",
                "--from",
                "2026-11-30",
                "--to",
                "2026-11-01",
                "-o",
            ])
            .arg(&file),
        false,
    );
    assert!(err.contains("ends (2026-11-01) before it begins"), "{err}");
    // Chinese day words, as for report.
    at(home.path(), &db)
        .args(["export", "visits", "--from", "昨天", "--to", "今天", "-o"])
        .arg(&file)
        .assert()
        .success();
}

#[test]
fn e_in_the_daily_log_writes_this_months_ledger_masked_to_the_export_folder() {
    let home = tempfile::tempdir().unwrap();
    let db = demo(home.path());
    let now = chrono::Utc::now();
    let today = now.with_timezone(&dutydesk::app::china_zone()).date_naive();
    let expected: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM visit WHERE substr(datetime(visited_at, '+8 hours'), 1, 7) = ?1",
            [today.format("%Y-%m").to_string()],
            |r| r.get(0),
        )
        .unwrap();
    let store = Store::open(&db).unwrap();
    let mut app = App::new(store, Lang::Zh, Keymap::default_map(), Clock::Fixed(now)).unwrap();
    for k in dutydesk::keys_script::keys("F5 e") {
        app.handle_key(k);
    }
    let said = app
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    let dir = home.path().join("reports");
    let file = dir.join(format!("台账-{}.xlsx", today.format("%Y-%m")));
    assert!(said.contains("本月台账已导出"), "{said}");
    assert!(said.contains(&file.display().to_string()), "{said}");
    assert!(said.contains("号码已打码"), "{said}");
    let mut wb: Xlsx<_> = open_workbook(&file).unwrap();
    let sheet = wb.worksheet_range("台账").unwrap();
    assert_eq!(i64::try_from(sheet.rows().count()).unwrap(), 1 + expected);
    let text: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(!text.iter().any(|c| c.contains("13800138000")));
    assert_eq!(mode(&file), 0o600);
    // Again: the earlier file is kept, the new one takes the next name.
    for k in dutydesk::keys_script::keys("e") {
        app.handle_key(k);
    }
    let again = dir.join(format!("台账-{}-2.xlsx", today.format("%Y-%m")));
    assert!(again.exists(), "{:?}", app.status.as_ref().map(|s| &s.text));
    // The key is in the help, in a line that fits the 72-column overlay in both languages.
    let km = Keymap::default_map();
    let action = dutydesk::action::Action::ExportLedger;
    assert_eq!(
        km.hint(dutydesk::keymap::Context::Log, action),
        "e",
        "bound in [log]"
    );
    use dutydesk::domain::labels::Labeled;
    for lang in [Lang::Zh, Lang::En] {
        let width = unicode_width::UnicodeWidthStr::width(action.label(lang));
        assert!(2 + 22 + width <= 70, "{lang:?}: {}", action.label(lang));
    }
}

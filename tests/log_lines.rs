//! The lines the desk writes in the daily log itself (a shift opened, an intake, an import,
//! a handover read, a sign-off) in the desk's language (issues 14 and 18): those this build
//! writes (a fact beside the Chinese text) and those an older build stored as Chinese text
//! only, as F5 shows them on an English desk and on a Chinese one. The officer's own words
//! stay as typed.

use chrono::{DateTime, Duration, TimeZone, Utc};
use dutydesk::app::{App, Clock};
use dutydesk::domain::intake::{Intake, RawIntake, validate};
use dutydesk::domain::lists::{Category, Channel, Role};
use dutydesk::domain::referral::ServiceKind;
use dutydesk::domain::shift::{Disposition, EntryKind};
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::keys_script::keys;
use dutydesk::store::{Service, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;

/// 2026-11-22 10:30 in the station's zone (+08:00).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap()
}

fn intake(name: &str, category: Category, visitor_id: Option<String>) -> Intake {
    validate(&RawIntake {
        visitor_id,
        name: name.into(),
        category: Some(category),
        channel: Some(Channel::WalkIn),
        ..Default::default()
    })
    .unwrap()
}

/// A desk file with yesterday evening's shift (王建国: an intake, a directory import,
/// signed off) and this morning's (李梅 read the handover; a returning visitor), then
/// lines as an older build stored them, put in this morning's shift by plain SQL.
fn desk_file(db: &std::path::Path) {
    let mut store = Store::open(db).unwrap();
    let yesterday = now() - Duration::hours(16);
    let st = store
        .create_station("城西街道职工服务站", yesterday)
        .unwrap();
    let li = store
        .officer_or_add(&st, "李梅", Role::Cadre, "街道总工会", yesterday)
        .unwrap();
    let wang = store
        .officer_or_add(&st, "王建国", Role::Volunteer, "司法所", yesterday)
        .unwrap();
    store.set_current_officer(&li).unwrap();
    let zhang = store
        .save_intake(
            &intake("张三", Category::WageArrears, None),
            &st.id,
            &wang.id,
            yesterday,
        )
        .unwrap();
    store
        .set_disposition(
            &zhang.visit_id,
            Disposition::OnSpot,
            "",
            &wang.id,
            yesterday,
        )
        .unwrap();
    store
        .upsert_services(
            &[Service::new(ServiceKind::Legal, "职工法律援助中心")],
            yesterday + Duration::minutes(5),
        )
        .unwrap();
    let evening = store.current_shift(&st.id).unwrap().unwrap();
    store
        .sign_off(&evening.id, &wang.id, "", yesterday + Duration::hours(1))
        .unwrap();
    store
        .acknowledge_handover(&st.id, &evening.id, &li.id, now() - Duration::hours(2))
        .unwrap();
    store
        .save_intake(
            &intake("张三", Category::Injury, Some(zhang.visitor_id.clone())),
            &st.id,
            &li.id,
            now() - Duration::minutes(90),
        )
        .unwrap();
    let morning = store.current_shift(&st.id).unwrap().unwrap();
    // As an older build wrote them: the Chinese line, no fact.
    let old = [
        ("o1", "shift", "赵六 加入本班"),
        ("o2", "import", "导入来访台账 12 条"),
        ("o3", "ack", "已阅 周建华 的交班记录"),
        ("o4", "intake", "刘洋 · 工伤 · 来电 · 老来访人"),
        ("o5", "shift", "周建华 签结交班"),
        ("o6", "import", "导入岗位:新增 7 条,更新 2 条"),
        ("o7", "shift", "李梅 临时离岗"),
        ("o8", "note", "李梅 开班前清点了登记表"),
    ];
    for ((id, kind, text), minutes) in old.iter().zip((53..=60).rev()) {
        let at = (now() - Duration::minutes(minutes))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        store
            .conn()
            .execute(
                "INSERT INTO log_entry(id, station_id, shift_id, at, officer_id, kind, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                [*id, &st.id, &morning.id, &at, &li.id, kind, text],
            )
            .unwrap();
    }
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    let frame = term
        .draw(|f| {
            dutydesk::ui::render(app, f);
        })
        .unwrap();
    let buf = frame.buffer;
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}

fn desk(db: &std::path::Path, lang: Lang, script: &str) -> App {
    let store = Store::open(db).unwrap();
    let mut app = App::new(store, lang, Keymap::default_map(), Clock::Fixed(now())).unwrap();
    for k in keys(script) {
        app.handle_key(k);
    }
    app
}

#[test]
fn the_desk_keeps_a_fact_beside_the_chinese_line_and_the_seal_holds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    desk_file(&db);
    let store = Store::open(&db).unwrap();
    let rows: Vec<(String, String, Option<String>)> = store
        .conn()
        .prepare("SELECT kind, text, fact FROM log_entry WHERE id NOT LIKE 'o%' ORDER BY at, id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lines: Vec<(&str, &str)> = rows
        .iter()
        .map(|(k, t, _)| (k.as_str(), t.as_str()))
        .collect();
    // The text is the Chinese line earlier versions wrote: the hub and older desks read it.
    assert_eq!(
        lines,
        [
            ("shift", "王建国 开班"),
            ("intake", "张三 · 欠薪 · 来访"),
            ("import", "导入服务目录:新增 1 条,更新 0 条"),
            ("shift", "王建国 签结交班"),
            ("shift", "李梅 开班"),
            ("ack", "已阅 王建国 的交班记录"),
            ("intake", "张三 · 工伤 · 来访 · 老来访人"),
        ]
    );
    assert!(rows.iter().all(|(_, _, f)| f.is_some()), "{rows:?}");
    assert_eq!(
        rows[3].2.as_deref(),
        Some(r#"{"fact":"signed_off","name":"王建国"}"#)
    );
    // The seal does not cover the new column, and the file checks whole.
    assert!(store.check().unwrap().ok());
    // Old lines are read back; one not recognised, and the officer's note, stay as stored.
    let morning = store
        .current_shift(&store.station().unwrap().unwrap().id)
        .unwrap()
        .unwrap();
    let entries = store.shift_entries(&morning.id).unwrap();
    let shown: Vec<String> = entries
        .iter()
        .map(|e| e.line(Lang::En).into_owned())
        .collect();
    for line in [
        "李梅 opened the shift",
        "Read 王建国's handover",
        "张三 · Work injury · Walk-in · returning visitor",
        "赵六 joined the shift",
        "Ledger imported: 12 visits",
        "Read 周建华's handover",
        "刘洋 · Work injury · Phone · returning visitor",
        "周建华 signed off and handed over",
        "Job openings imported: 7 new, 2 updated",
        "李梅 临时离岗",
        "李梅 开班前清点了登记表",
    ] {
        assert!(shown.iter().any(|s| s == line), "{line} not in {shown:#?}");
    }
    let note = entries.iter().find(|e| e.kind == EntryKind::Note).unwrap();
    assert!(note.fact.is_none());
}

#[test]
fn an_english_desk_shows_the_desks_lines_in_english_and_a_chinese_desk_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    desk_file(&db);

    let en = screen(&desk(&db, Lang::En, "F5"), 110, 30);
    for line in [
        // Written by this build.
        "李梅 opened the shift",
        "Read 王建国's handover",
        "张三 · Work injury · Walk-in · returning visitor",
        // Stored by an older build as Chinese text.
        "赵六 joined the shift",
        "Ledger imported: 12 visits",
        "Read 周建华's handover",
        "刘洋 · Work injury · Phone · returning visitor",
        "周建华 signed off and handed over",
        "Job openings imported: 7 new, 2 updated",
        // Not the desk's words: as stored.
        "李梅 临时离岗",
        "李梅 开班前清点了登记表",
    ] {
        assert!(en.contains(line), "{line}\n{en}");
    }
    for zh in ["已阅", "导入", "老来访人", "加入本班", "签结交班", "工伤"] {
        assert!(!en.contains(zh), "{zh}\n{en}");
    }
    // Searching finds a line by what the English desk shows.
    let found = screen(&desk(&db, Lang::En, "F5 / handover Enter"), 110, 30);
    assert!(found.contains("Read 王建国's handover"), "{found}");
    assert!(!found.contains("Ledger imported"), "{found}");

    // Yesterday evening's shift, written by this build: opened, intake, import, sign-off.
    let past = screen(&desk(&db, Lang::En, "F5 ["), 110, 30);
    for line in [
        "王建国 opened the shift",
        "张三 · Wage arrears · Walk-in",
        "Service directory imported: 1 new, 0 updated",
        "王建国 signed off and handed over",
    ] {
        assert!(past.contains(line), "{line}\n{past}");
    }

    let zh = screen(&desk(&db, Lang::Zh, "F5"), 110, 30);
    for line in [
        "李梅 开班",
        "已阅 王建国 的交班记录",
        "张三 · 工伤 · 来访 · 老来访人",
        "赵六 加入本班",
        "导入来访台账 12 条",
        "刘洋 · 工伤 · 来电 · 老来访人",
        "周建华 签结交班",
        "导入岗位:新增 7 条,更新 2 条",
    ] {
        assert!(zh.contains(line), "{line}\n{zh}");
    }
    let past = screen(&desk(&db, Lang::Zh, "F5 ["), 110, 30);
    for line in [
        "王建国 开班",
        "导入服务目录:新增 1 条,更新 0 条",
        "王建国 签结交班",
    ] {
        assert!(past.contains(line), "{line}\n{past}");
    }
}

#[test]
fn at_80_columns_a_long_english_line_is_cut_inside_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    desk_file(&db);
    let s = screen(&desk(&db, Lang::En, "F5"), 80, 24);
    let row = s
        .lines()
        .find(|l| l.contains("Job openings imported"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(unicode_width::UnicodeWidthStr::width(row) <= 80, "{row}");
    assert!(
        row.trim_end().ends_with('│'),
        "the row keeps its border: {row}"
    );
}

/// `dutydesk check` on `db`: whether it passed, and what it said.
fn check(db: &std::path::Path) -> (bool, String) {
    let out = common::dutydesk(db.parent().unwrap())
        .arg("--db")
        .arg(db)
        .args(["--lang", "en", "check"])
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), said)
}

#[test]
fn lines_stored_without_facts_check_whole_and_read_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    desk_file(&db);
    // Every line as an older build stored it: the Chinese text, no fact — the sealed
    // shift's too (guard dropped and put back). Its seal still holds: it covers the text.
    // (A file migrating from before the fact column is tests/seals.rs's legacy file.)
    drop_facts(&db);
    let (ok, said) = check(&db);
    assert!(ok, "{said}");
    assert!(
        said.contains("signed-off shifts (seal check): 1 (ok)"),
        "{said}"
    );
    let past = screen(&desk(&db, Lang::En, "F5 ["), 110, 30);
    for line in [
        "王建国 opened the shift",
        "张三 · Wage arrears · Walk-in",
        "Service directory imported: 1 new, 0 updated",
        "王建国 signed off and handed over",
    ] {
        assert!(past.contains(line), "{line}\n{past}");
    }
    let now = screen(&desk(&db, Lang::En, "F5"), 110, 30);
    for line in [
        "李梅 opened the shift",
        "Read 王建国's handover",
        "张三 · Work injury · Walk-in · returning visitor",
    ] {
        assert!(now.contains(line), "{line}\n{now}");
    }
}

fn drop_facts(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let guard: String = c
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'log_entry_no_update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.execute_batch(&format!(
        "DROP TRIGGER log_entry_no_update; UPDATE log_entry SET fact = NULL; {guard};"
    ))
    .unwrap();
}

#[test]
fn the_seal_covers_the_text_and_a_fact_that_disagrees_with_it_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    desk_file(&db);
    // Someone with a SQLite shell rewrites the sealed sign-off's fact (guard dropped and
    // put back): the sealed text is unchanged, so the seal holds, and the desk shows what
    // the text says, not the rewritten fact.
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        let guard: String = c
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 'log_entry_no_update'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        c.execute_batch(&format!(
            "DROP TRIGGER log_entry_no_update;
             UPDATE log_entry SET fact = '{{\"fact\":\"signed_off\",\"name\":\"无名氏\"}}'
               WHERE text = '王建国 签结交班';
             {guard};"
        ))
        .unwrap();
    }
    let (ok, said) = check(&db);
    assert!(ok, "{said}");
    let past = screen(&desk(&db, Lang::En, "F5 ["), 110, 30);
    assert!(past.contains("王建国 signed off and handed over"), "{past}");
    assert!(!past.contains("无名氏"), "{past}");
}

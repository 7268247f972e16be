//! The referral slip (转介单): `dutydesk slip` on the demo station, the DOCX read back as a
//! zip, in both languages; which referral a prefix names; never over a file without
//! --force; and `p` at the desk, in F3 and right after the route dialog.

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::dutydesk;
use dutydesk::app::{App, Clock};
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::keys_script::keys;
use dutydesk::store::Store;

fn fails(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().failure().get_output().stderr.clone()).unwrap()
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// The demo station in `dir` (its desk cannot open without a terminal: only the seeding
/// is wanted).
fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("demo.sqlite3");
    fails(dutydesk(dir).arg("--demo").arg("--db").arg(&db));
    db
}

/// The id of the visitor's referral, as `referrals list --format json` shows it.
fn referral_of(dir: &Path, db: &Path, visitor: &str) -> String {
    let json = stdout_of(dutydesk(dir).arg("--db").arg(db).args([
        "referrals",
        "list",
        "--all",
        "--format",
        "json",
    ]));
    let all: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    all.iter()
        .find(|r| r["visitor"] == visitor)
        .and_then(|r| r["id"].as_str())
        .unwrap_or_else(|| panic!("no referral of {visitor} in {json}"))
        .to_string()
}

fn slip(dir: &Path, db: &Path) -> Command {
    let mut c = dutydesk(dir);
    c.arg("--db").arg(db).arg("slip");
    c
}

/// The DOCX's parts, and its document XML.
fn read_docx(path: &Path) -> (Vec<String>, String) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let names = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    (names, xml)
}

fn sql(db: &Path, statement: &str) {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute_batch(statement)
        .unwrap();
}

fn one(db: &Path, query: &str) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(query, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_slip_holds_where_to_go_when_it_is_open_what_to_bring_and_the_due_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "张三");
    let out = dir.path().join("张三.docx");
    let said = String::from_utf8(
        slip(dir.path(), &db)
            .arg(&id)
            .arg("-o")
            .arg(&out)
            .assert()
            .success()
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert!(said.contains("转介单") && said.contains("张三"), "{said}");

    let (parts, xml) = read_docx(&out);
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/document.xml",
    ] {
        assert!(parts.iter().any(|p| p == part), "{part} in {parts:?}");
    }
    // The service as the directory has it (fixtures/demo_directory.csv, LEGAL-02).
    for text in [
        "职工法律援助(代拟文书、代理诉讼与仲裁)",
        "区总工会职工法律援助站",
        "城西区文三路118号区总工会二楼",
        "周一至周五 9:00-17:00",
        "0571-86001202",
        "1. 法律援助申请表",
        "2. 身份证",
        "3. 经济困难证明或困难职工证",
        "4. 案件材料",
    ] {
        assert!(xml.contains(text), "{text} not in the slip");
    }
    // The visitor by name, the phone masked and never whole.
    assert!(xml.contains("张三"));
    assert!(xml.contains("138****8000"));
    assert!(!xml.contains("13800138000"));
    assert!(!xml.contains("330102199001011234"), "no ID number");
    // The due date, the station, the officer, the return slip, the reference number.
    let due = one(
        &db,
        &format!("SELECT due_on FROM referral WHERE id = '{id}'"),
    );
    let due = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    assert!(
        xml.contains(&due.format("%Y年%m月%d日").to_string()),
        "due {due}"
    );
    assert!(xml.contains("城西街道职工服务站"));
    assert!(xml.contains("经办人:李梅"));
    assert!(xml.contains("回  执") && xml.contains("□ 已受理"));
    assert!(xml.contains(&format!("系统编号:{id}")));
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), "A4");
    // The request in one paragraph, from the visit.
    assert!(xml.contains("欠薪,涉及13人,欠薪¥115,000。"), "{xml}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "it holds a name");
    }
    // Fonts WPS needs for Chinese.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut styles = String::new();
    zip.by_name("word/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("w:eastAsia=\"宋体\""), "{styles}");
}

#[test]
fn with_lang_en_the_slip_is_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "张三");
    let out = dir.path().join("slip-en.docx");
    slip(dir.path(), &db)
        .args(["--lang", "en"])
        .arg(&id)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let (_, xml) = read_docx(&out);
    let due = one(
        &db,
        &format!("SELECT due_on FROM referral WHERE id = '{id}'"),
    );
    for text in [
        "Referral Slip",
        "1. The request",
        "Wage arrears, 13 workers, ¥115,000 owed.",
        "2. Where to go",
        "Address: ",
        "城西区文三路118号区总工会二楼",
        "Opening hours: ",
        "周一至周五 9:00-17:00",
        "3. What to bring",
        "1. 法律援助申请表",
        "4. Due date",
        &format!("Please deal with it by {due}"),
        "138****8000",
        "Return slip",
        "□ accepted",
        "Officer: 李梅",
    ] {
        assert!(xml.contains(text), "{text} not in the English slip");
    }
    assert!(!xml.contains("13800138000"));
    assert!(!xml.contains("转 介 单"));
}

#[test]
fn without_documents_in_the_directory_the_slip_suggests_them_and_data_cannot_break_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "张三");
    // The directory entry lists nothing to bring; the request carries control characters
    // and markup.
    sql(
        &db,
        &format!(
            "UPDATE service SET documents = '' WHERE id = (SELECT service_id FROM referral WHERE id = '{id}');
             UPDATE visit SET summary = '包工头<失联>&' || char(27) || '[2J' || char(7) || char(10) || '请尽快'
              WHERE id = (SELECT visit_id FROM referral WHERE id = '{id}');"
        ),
    );
    let out = dir.path().join("s.docx");
    slip(dir.path(), &db)
        .arg(&id)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let (_, xml) = read_docx(&out);
    assert!(xml.contains("本站建议"), "said to be a suggestion");
    assert!(xml.contains("1. 身份证"));
    assert!(
        xml.contains("欠薪明细"),
        "arrears papers for an arrears request"
    );
    assert!(xml.contains("包工头&lt;失联&gt;&amp;[2J 请尽快"), "{xml}");
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{7}'));
}

#[test]
fn a_prefix_names_one_referral_or_the_slip_is_refused_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "张三");
    let out = dir.path().join("p.docx");

    // Unique: the id without its last characters, in capitals.
    let prefix = id[..id.len() - 3].to_uppercase();
    slip(dir.path(), &db)
        .arg(&prefix)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert!(read_docx(&out).1.contains(&id));

    // Ambiguous: the first characters the demo's referrals share (made together).
    let shared = &id[..4];
    let same: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM referral WHERE substr(id, 1, 4) = ?1",
            [shared],
            |r| r.get(0),
        )
        .unwrap();
    assert!(same > 1, "the demo's referrals share {shared}");
    let other = dir.path().join("ambiguous.docx");
    let err = fails(slip(dir.path(), &db).arg(shared).arg("-o").arg(&other));
    assert!(
        err.contains(&format!("有{same}条转介的编号以“{shared}”开头")),
        "{err}"
    );
    assert!(err.contains(&id[..8]), "candidates listed: {err}");
    assert!(!other.exists(), "no file");

    // Unknown, and empty.
    let err = fails(slip(dir.path(), &db).arg("zzzz").arg("-o").arg(&other));
    assert!(err.contains("没有编号以“zzzz”开头的转介"), "{err}");
    let err = fails(
        slip(dir.path(), &db)
            .args(["--lang", "en", " "])
            .arg("-o")
            .arg(&other),
    );
    assert!(err.contains("give the referral's id"), "{err}");
    assert!(!other.exists());
}

#[test]
fn an_existing_file_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "张三");
    let out = dir.path().join("old.docx");
    std::fs::write(&out, b"the officer's own file").unwrap();
    let err = fails(slip(dir.path(), &db).arg(&id).arg("-o").arg(&out));
    assert!(err.contains("已存在,未覆盖"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"the officer's own file");
    // The database is never a target, even with --force.
    let err = fails(
        slip(dir.path(), &db)
            .arg(&id)
            .arg("-o")
            .arg(&db)
            .arg("--force"),
    );
    assert!(err.contains("数据库"), "{err}");
    slip(dir.path(), &db)
        .arg(&id)
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert!(read_docx(&out).1.contains("张三"));
}

#[test]
fn a_declined_referral_gets_no_slip() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "孙立");
    let mut store = Store::open(&db).unwrap();
    let officer = store.current_officer().unwrap().unwrap();
    let r = store.referral(&id).unwrap();
    store
        .decline_referral(
            &id,
            r.version,
            &officer.id,
            dutydesk::domain::referral::DeclineReason::Withdrew,
            "",
            chrono::Utc::now(),
        )
        .unwrap();
    drop(store);
    let out = dir.path().join("d.docx");
    let err = fails(slip(dir.path(), &db).arg(&id).arg("-o").arg(&out));
    assert!(err.contains("已被退回(来访人撤回)"), "{err}");
    assert!(!out.exists());
}

fn desk(db: &Path) -> App {
    let store = Store::open(db).unwrap();
    App::new(store, Lang::Zh, Keymap::default_map(), Clock::System).unwrap()
}

fn press(app: &mut App, script: &str) {
    for k in keys(script) {
        app.handle_key(k);
    }
}

fn said(app: &App) -> String {
    app.status
        .as_ref()
        .map_or(String::new(), |s| s.text.clone())
}

/// The slip the status line says was written, read back.
fn written(app: &App) -> (PathBuf, String) {
    let text = said(app);
    let path = text
        .strip_prefix("转介单已写入:")
        .unwrap_or_else(|| panic!("not written: {text}"));
    let path = PathBuf::from(path);
    let xml = read_docx(&path).1;
    (path, xml)
}

#[test]
fn p_in_the_queue_and_right_after_routing_writes_the_slip_to_the_reports_folder() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut app = desk(&db);
    let reports = dir.path().join("reports");

    // F3: the selected referral's slip, into reports/ beside the database.
    press(&mut app, "F3");
    let selected = app.referrals.selected().unwrap().clone();
    press(&mut app, "p");
    let (first, xml) = written(&app);
    assert_eq!(first.parent().unwrap(), reports);
    let name = first.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("转介单-") && name.ends_with(".docx"),
        "{name}"
    );
    assert!(xml.contains(&selected.id) && xml.contains(&selected.visitor_name));
    // Again: a second file, the first kept.
    press(&mut app, "p");
    let (second, _) = written(&app);
    assert_ne!(first, second);
    assert!(first.exists() && second.exists());

    // Route the same visit again: the status line offers the slip, and p prints the new
    // referral's.
    let before: i64 = app
        .store
        .conn()
        .query_row("SELECT count(*) FROM referral", [], |r| r.get(0))
        .unwrap();
    press(&mut app, "r");
    assert!(
        matches!(app.modal, Some(dutydesk::app::Modal::Route(_))),
        "{}",
        said(&app)
    );
    press(&mut app, "Tab Right C-s");
    assert!(app.modal.is_none(), "{}", said(&app));
    assert!(said(&app).contains("按 p 打印转介单"), "{}", said(&app));
    let newest: String = app
        .store
        .conn()
        .query_row(
            "SELECT id FROM referral ORDER BY created_at DESC, id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let after: i64 = app
        .store
        .conn()
        .query_row("SELECT count(*) FROM referral", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before + 1);
    press(&mut app, "p");
    let (_, xml) = written(&app);
    assert!(xml.contains(&newest), "the referral just made");

    // The offer lasts one key: after another key, p is the queue's again.
    press(&mut app, "r Tab Right C-s Down p");
    let (_, xml) = written(&app);
    let now_selected = app.referrals.selected().unwrap().id.clone();
    assert!(xml.contains(&now_selected));
}

#[test]
fn a_wage_claim_s_slip_says_the_last_day_to_apply_for_arbitration() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = referral_of(dir.path(), &db, "张三");
    // The job ended 300 days ago: wages owed must go to arbitration within a year of it.
    let ended = chrono::Utc::now().date_naive() - chrono::Duration::days(300);
    let last = dutydesk::domain::arbitration::one_year_after(ended);
    sql(
        &db,
        &format!(
            "UPDATE visit SET employment = 'ended', employment_ended_on = '{ended}'
             WHERE id = (SELECT visit_id FROM referral WHERE id = '{id}')"
        ),
    );
    for (lang, words) in [("zh", "仲裁时效"), ("en", "Arbitration time limit")] {
        let out = dir.path().join(format!("张三-{lang}.docx"));
        slip(dir.path(), &db)
            .args(["--lang", lang])
            .arg(&id)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let (_, xml) = read_docx(&out);
        assert!(xml.contains(words), "{lang}: {xml}");
        assert!(
            xml.contains(&last.format("%Y-%m-%d").to_string()),
            "{lang}: {xml}"
        );
    }
}

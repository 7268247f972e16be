//! What the importers do with files from outside at their edges: text carrying terminal
//! controls, dates in impossible years, cells a spreadsheet protected from being run as a
//! formula, and a ledger of tens of thousands of rows. Drives the binary, as station scripts
//! do.

mod common;
use assert_cmd::Command;
use common::dutydesk;
use std::path::{Path, PathBuf};

struct Desk {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.sqlite3");
        Desk { dir, db }
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// `dutydesk --lang LANG --db DB import WHAT FILE` (a ledger names the station).
    fn import(&self, lang: &str, what: &str, file: &Path) -> Command {
        let mut c = dutydesk(self.dir.path());
        c.args(["--lang", lang, "--db"])
            .arg(&self.db)
            .args(["import", what])
            .arg(file);
        if what == "visits" {
            c.args(["--station", "城西街道职工服务站", "--officer", "李梅"]);
        }
        c
    }

    fn succeeds(&self, lang: &str, what: &str, file: &Path) -> String {
        let out = self.import(lang, what, file).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn fails(&self, lang: &str, what: &str, file: &Path) -> String {
        let out = self.import(lang, what, file).assert().failure();
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        if !self.db.exists() {
            return 0;
        }
        let c = rusqlite::Connection::open(&self.db).unwrap();
        c.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn texts(&self, sql: &str) -> Vec<String> {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt = c.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

/// A character no stored value may hold: C0 but tab and LF, DEL, C1, bidi controls.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

const LEDGER_HEAD: &str = "来访日期,姓名,电话,身份证号,工作单位,户籍地,诉求类别,诉求摘要,接待人\n";

#[test]
fn a_ledger_with_terminal_controls_imports_cleaned_and_says_how_many() {
    let desk = Desk::new();
    // Line 2: ESC [2J (clear screen) in the name, OSC 52 (set the clipboard, ended by BEL)
    // in the employer, a C1 CSI in the hometown. Line 3: BS and a lone CR hiding text, DEL,
    // a bidi override. Line 4: clean, with a summary over two lines (CRLF).
    let ledger = format!(
        "{LEDGER_HEAD}\
         2026-11-20 09:30,\"\x1b[2J张三\",13800138000,,\"\x1b]52;c;cm0gLXJmIH4=\x07宏达制衣厂\",\"\u{9b}31m河南\",欠薪,拖欠三个月工资,\x1b[8m王建国\n\
         2026-11-20 10:00,\"李四\x08\x08\x08\",13900139000,,\"城西\r物流\x7f\",\u{202E}四川,工伤,\"摔伤\x07\u{2066}右腿\u{2069}\",\n\
         2026-11-20 11:00,王五,,,城东建筑,湖南,求职,\"找工作\r\n会开叉车\",\n"
    );
    let file = desk.file("hostile.csv", &ledger);
    let out = desk.succeeds("zh", "visits", &file);
    // Values cleaned: name, employer, hometown, officer (line 2); name, employer, hometown,
    // summary (line 3). The CRLF in line 4's summary is a line break, not a control.
    assert!(out.contains("已导入3条"), "{out}");
    assert!(out.contains("清除了8处控制字符"), "{out}");
    let names = desk.texts("SELECT name FROM visitor ORDER BY name");
    assert_eq!(names, ["[2J张三", "李四", "王五"]);
    let employers = desk.texts("SELECT employer FROM visitor ORDER BY employer");
    assert_eq!(
        employers,
        ["]52;c;cm0gLXJmIH4=宏达制衣厂", "城东建筑", "城西物流"]
    );
    let summaries = desk.texts("SELECT summary FROM visit ORDER BY visited_at");
    assert_eq!(
        summaries,
        ["拖欠三个月工资", "摔伤右腿", "找工作\n会开叉车"]
    );
    // The officer named with a control joins the roster under the clean name.
    assert_eq!(
        desk.count("SELECT count(*) FROM officer WHERE name = '[8m王建国'"),
        1
    );
    for sql in [
        "SELECT name || employer || hometown || coalesce(occupation_note, '') FROM visitor",
        "SELECT summary FROM visit",
        "SELECT name FROM officer",
        "SELECT key FROM visitor_key",
    ] {
        for v in desk.texts(sql) {
            assert!(!v.chars().any(hostile), "{sql}: {v:?}");
        }
    }
    // In English too; a clean ledger says nothing of cleaning.
    let desk = Desk::new();
    let out = desk.succeeds("en", "visits", &file);
    assert!(
        out.contains("imported 3 visits") && out.contains("control characters cleaned from 8"),
        "{out}"
    );
    let clean = desk.file(
        "clean.csv",
        &format!("{LEDGER_HEAD}2026-11-21,赵六,,,,,求职,,\n"),
    );
    let out = desk.succeeds("zh", "visits", &clean);
    assert!(
        out.contains("已导入1条") && !out.contains("控制字符"),
        "{out}"
    );
}

#[test]
fn ledger_dates_outside_1900_to_2100_are_refused_naming_row_and_column() {
    let desk = Desk::new();
    let ledger = format!(
        "{LEDGER_HEAD}\
         1900-01-01,张三,,,,,欠薪,,\n\
         0000-01-01,李四,,,,,欠薪,,\n\
         9999-12-31 10:00,王五,,,,,欠薪,,\n\
         -5-06-01,赵六,,,,,欠薪,,\n\
         1899-12-31,钱七,,,,,欠薪,,\n\
         2101年1月1日,孙八,,,,,欠薪,,\n\
         2100-12-31 18:00,周九,,,,,欠薪,,\n"
    );
    let file = desk.file("years.csv", &ledger);
    let err = desk.fails("zh", "visits", &file);
    for line in 3..=7 {
        assert!(
            err.contains(&format!("第{line}行,来访日期:")),
            "line {line} not named:\n{err}"
        );
    }
    assert!(err.contains("1900–2100"), "{err}");
    assert!(err.contains("5处错误,未导入任何记录"), "{err}");
    // The good years are not reported.
    assert!(!err.contains("第2行") && !err.contains("第8行"), "{err}");
    assert_eq!(
        desk.count("SELECT count(*) FROM visit"),
        0,
        "nothing imported"
    );
    let err = desk.fails("en", "visits", &file);
    assert!(
        err.contains(
            "line 4, 来访日期: the date \"9999-12-31 10:00\" is not in the years 1900–2100"
        ),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");

    // 1900-01-01 and 2100-12-31, the first and last days, are taken.
    let edges = desk.file(
        "edges.csv",
        &format!("{LEDGER_HEAD}1900-01-01,张三,,,,,欠薪,,\n2100-12-31 18:00,周九,,,,,欠薪,,\n"),
    );
    assert!(desk.succeeds("zh", "visits", &edges).contains("已导入2条"));
    let days = desk.texts("SELECT day FROM visit_day ORDER BY day");
    assert_eq!(days, ["1900-01-01", "2100-12-31"]);
}

#[test]
fn a_tab_protecting_a_formula_is_kept_as_a_quote() {
    let desk = Desk::new();
    let ledger = format!(
        "{LEDGER_HEAD}\
         2026-11-20,张三,,,\"\t=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",\t@SUM(A1),欠薪,\"\t+1+1\",\n\
         2026-11-20,李四,,,'=1+1,\t城西,求职,\t-2+3,\n"
    );
    let file = desk.file("formulas.csv", &ledger);
    let out = desk.succeeds("zh", "visits", &file);
    assert!(
        out.contains("已导入2条") && !out.contains("控制字符"),
        "{out}"
    );
    assert_eq!(
        desk.texts("SELECT employer FROM visitor ORDER BY employer"),
        ["'=1+1", "'=HYPERLINK(\"http://x\",\"点我\")"]
    );
    // A tab before plain text is only a blank.
    assert_eq!(
        desk.texts("SELECT hometown FROM visitor ORDER BY hometown"),
        ["'@SUM(A1)", "城西"]
    );
    assert_eq!(
        desk.texts("SELECT summary FROM visit ORDER BY summary"),
        ["'+1+1", "'-2+3"]
    );
}

/// A valid 18-character ID number for person `k`.
fn id_number(k: usize) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let first17 = format!(
        "110105{:04}{:02}{:02}{:03}",
        1950 + (k / 1000) % 50,
        1 + (k / 50_000) % 12,
        1 + k % 28,
        k % 1000
    );
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let check = "10X98765432".as_bytes()[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

#[test]
fn a_ledger_of_twenty_thousand_rows_imports_whole() {
    // Checks the import stays right at size (the speed is in BENCHMARKS.md, bench/ledger.sh):
    // every row, returning visitors found by ID number, the roster, the day counts, the
    // search keys and the log line.
    let desk = Desk::new();
    let rows = 20_000;
    let people = 12_000;
    let mut ledger = String::from(LEDGER_HEAD);
    for r in 0..rows {
        let k = r % people;
        ledger.push_str(&format!(
            "2026-{:02}-{:02} {:02}:{:02},来访人{k},1{}{:09},{},单位{},河南,欠薪,第{r}行,{}\n",
            1 + r % 336 / 28,
            1 + r % 28,
            8 + r % 9,
            r % 60,
            [3, 5, 8, 9][k % 4],
            k,
            id_number(k),
            k % 300,
            ["李梅", "王建国", "陈静", "赵磊"][r % 4]
        ));
    }
    let file = desk.file("big.csv", &ledger);
    let out = desk.succeeds("zh", "visits", &file);
    assert!(out.contains("已导入20000条"), "{out}");
    assert_eq!(
        desk.count("SELECT count(*) FROM visit"),
        i64::try_from(rows).unwrap()
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM visitor"),
        i64::try_from(people).unwrap()
    );
    assert_eq!(
        desk.count("SELECT sum(visits) FROM visit_day"),
        i64::try_from(rows).unwrap()
    );
    assert_eq!(
        desk.count("SELECT count(DISTINCT day) FROM visit_day"),
        12 * 28
    );
    assert_eq!(desk.count("SELECT count(*) FROM officer"), 4);
    assert_eq!(
        desk.count("SELECT count(*) FROM visitor_key WHERE key = '来访人11999'"),
        1
    );
    assert_eq!(
        desk.count(&format!(
            "SELECT count(*) FROM visitor_key WHERE key = '{}'",
            id_number(7)
        )),
        1
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM log_entry WHERE text = '导入来访台账 20000 条'"),
        1
    );
    // Second visits of a person are their visits, not a new person's.
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM visit t JOIN visitor v ON v.id = t.visitor_id
             WHERE v.name = '来访人5'"
        ),
        2
    );
}

#[test]
fn a_person_met_again_in_one_ledger_or_from_an_earlier_one_is_one_record_changed_row_by_row() {
    // Later rows find the people earlier rows of the same ledger wrote, as they find those
    // the file held before: one record each, changed in ledger order, each change in the
    // history (and the audit chain whole), each visit with the person's group as its row
    // left them.
    let desk = Desk::new();
    let head = "来访日期,姓名,身份证号,工作单位,工会会员,诉求类别\n";
    let (a, b) = (id_number(1), id_number(2));
    let first = desk.file(
        "first.csv",
        &format!("{head}2026-11-01,张三,{a},单位一,,欠薪\n"),
    );
    desk.succeeds("zh", "visits", &first);
    let second = desk.file(
        "second.csv",
        &format!(
            "{head}\
             2026-11-02,张三,{a},单位二,是,欠薪\n\
             2026-11-03,李四,{b},单位甲,,求职\n\
             2026-11-04,张三,{a},,,工伤\n\
             2026-11-05,李四,{b},单位乙,是,求职\n\
             2026-11-06,张 三,{a},单位三,否,欠薪\n\
             2026-11-07,\"Li \"\"Ming\"\" Wang\",,,,求职\n"
        ),
    );
    let out = desk.succeeds("zh", "visits", &second);
    assert!(out.contains("已导入6条"), "{out}");
    assert_eq!(desk.count("SELECT count(*) FROM visitor"), 3);
    assert_eq!(
        desk.texts(
            "SELECT name || '|' || employer || '|' || membership FROM visitor ORDER BY name"
        ),
        [
            "Li \"Ming\" Wang||unknown",
            "张三|单位三|non_member",
            "李四|单位乙|member"
        ]
    );
    // Each person is found by their whole name, spaces and quotes included.
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM visitor_key k JOIN visitor v ON v.id = k.visitor_id
             WHERE k.key = v.name"
        ),
        3
    );
    assert_eq!(
        desk.texts(
            "SELECT v.name || '|' || t.membership FROM visit t JOIN visitor v ON v.id = t.visitor_id
             ORDER BY t.visited_at"
        ),
        [
            "张三|unknown",
            "张三|member",
            "李四|unknown",
            "张三|member",
            "李四|member",
            "张三|non_member",
            "Li \"Ming\" Wang|unknown"
        ]
    );
    // Changed twice (单位二 and member, then 单位三 and not a member), and once for 李四.
    assert_eq!(
        desk.texts(
            "SELECT v.name || ' ' || count(*) FROM event e JOIN visitor v ON v.id = e.entity_id
             WHERE e.action = 'updated' GROUP BY v.name ORDER BY v.name"
        ),
        ["张三 2", "李四 1"]
    );
    dutydesk(desk.dir.path())
        .arg("--db")
        .arg(&desk.db)
        .arg("check")
        .assert()
        .success()
        .stdout(predicates::str::contains("正常"));
}

const JOBS_HEAD: &str = "编号,岗位,单位,工资,岗位描述,发布日期,有效期至\n";

#[test]
fn job_feeds_are_cleaned_and_refuse_impossible_years() {
    let desk = Desk::new();
    let csv = format!(
        "{JOBS_HEAD}\
         J1,\"\x1b[2J普工\",\"食品厂\u{202E}\",4000-6000,\"包吃住\r\n两班倒\x07\",2026-11-01,2026-12-31\n\
         J2,\t=1+1,城西物流,200/天,\t-日结,,\n"
    );
    let file = desk.file("jobs.csv", &csv);
    let out = desk.succeeds("zh", "jobs", &file);
    assert!(
        out.contains("已导入岗位2个") && out.contains("清除了3处控制字符"),
        "{out}"
    );
    assert_eq!(
        desk.texts(
            "SELECT title || '|' || employer || '|' || description FROM job ORDER BY source_id"
        ),
        ["[2J普工|食品厂|包吃住\n两班倒", "'=1+1|城西物流|'-日结"]
    );
    let bad = desk.file(
        "jobs_bad.csv",
        &format!(
            "{JOBS_HEAD}J3,普工,食品厂,4000,,0000-01-01,2026-12-31\nJ4,保安,物业,4000,,2026-11-01,9999-12-31\n"
        ),
    );
    let err = desk.fails("zh", "jobs", &bad);
    assert!(err.contains("第2行,发布日期:"), "{err}");
    assert!(err.contains("第3行,有效期至:"), "{err}");
    assert!(err.contains("1900–2100"), "{err}");
    assert_eq!(desk.count("SELECT count(*) FROM job"), 2, "nothing more");

    // JSON-LD: the same, its positions named as [N].field.
    let posting = |id: &str, title: &str, until: &str| {
        format!(
            r#"{{"@type":"JobPosting","identifier":"{id}","title":"{title}",
               "hiringOrganization":{{"name":"城东建筑"}},"validThrough":"{until}",
               "description":"搬运\r\n装卸\u001b[5m"}}"#
        )
    };
    let json = desk.file(
        "jobs.jsonld",
        &format!(
            "[{}, {}]",
            posting("K1", "\\u001b]0;pwned\\u0007瓦工", "2026-12-31"),
            posting("K2", "木工", "2101-01-01")
        ),
    );
    let err = desk.fails("en", "jobs", &json);
    assert!(
        err.contains(
            // A JSON path (issue 17), not "line 2" beside a 0-based index.
            "$[1].validThrough: the date \"2101-01-01\" is not in the years 1900–2100"
        ),
        "{err}"
    );
    let json = desk.file(
        "jobs.jsonld",
        &format!(
            "[{}, {}]",
            posting("K1", "\\u001b]0;pwned\\u0007瓦工", "2026-12-31"),
            posting("K2", "木工", "2100-12-31")
        ),
    );
    let out = desk.succeeds("en", "jobs", &json);
    assert!(
        out.contains("imported 2 openings") && out.contains("control characters cleaned from 3"),
        "{out}"
    );
    assert_eq!(
        desk.texts("SELECT title FROM job WHERE source_id LIKE 'K%' ORDER BY source_id"),
        ["]0;pwned瓦工", "木工"]
    );
    assert_eq!(
        desk.texts("SELECT description FROM job WHERE source_id = 'K1'"),
        ["搬运\n装卸[5m"]
    );
}

#[test]
fn the_directory_is_cleaned_and_refuses_impossible_years() {
    let desk = Desk::new();
    let head = "编号,类别,名称,提供方,服务内容,核对日期\n";
    let csv = format!(
        "{head}\
         L1,法律援助,\"\x1b[2J公益律师咨询\",\"区总工会\u{9b}\",\"每周二\r\n每周四\x08\",2026-10-01\n\
         L2,就业,\t+招聘会,人社局,,1900-01-01\n"
    );
    let file = desk.file("dir.csv", &csv);
    let out = desk.succeeds("zh", "directory", &file);
    assert!(
        out.contains("服务2项") && out.contains("清除了3处控制字符"),
        "{out}"
    );
    assert_eq!(
        desk.texts(
            "SELECT name || '|' || provider || '|' || description FROM service ORDER BY source_id"
        ),
        [
            "[2J公益律师咨询|区总工会|每周二\n每周四",
            "'+招聘会|人社局|"
        ]
    );
    let bad = desk.file(
        "dir_bad.csv",
        &format!("{head}L3,困难帮扶,金秋助学,,,-5-01-01\nL4,就业,培训,,,2101-01-01\n"),
    );
    let err = desk.fails("zh", "directory", &bad);
    assert!(
        err.contains("第2行,核对日期:") && err.contains("第3行,核对日期:"),
        "{err}"
    );
    assert_eq!(desk.count("SELECT count(*) FROM service"), 2);

    // HSDS JSON.
    let hsds = desk.file(
        "hsds.json",
        r#"[{"id":"s1","name":"职工\u001b[2J法律援助","status":"active",
             "description":"咨询\r\n代理\u0007","assured_date":"2026-10-01"},
            {"id":"s2","name":"金秋助学","status":"active","assured_date":"0000-01-01"}]"#,
    );
    let err = desk.fails("en", "directory", &hsds);
    // A JSON path (issue 17), not a line number that was not a line beside an index.
    assert!(err.contains("$[1].assured_date:"), "{err}");
    let hsds = desk.file(
        "hsds.json",
        r#"[{"id":"s1","name":"职工\u001b[2J法律援助","status":"active",
             "description":"咨询\r\n代理\u0007","assured_date":"2026-10-01"}]"#,
    );
    let out = desk.succeeds("en", "directory", &hsds);
    assert!(out.contains("control characters cleaned from 2"), "{out}");
    assert_eq!(
        desk.texts("SELECT name || '|' || description FROM service WHERE source_id = 's1'"),
        ["职工[2J法律援助|咨询\n代理"]
    );

    // An HSDS data package: a year 9999 in services.csv is named by file, row and column.
    let pkg = desk.dir.path().join("hsds");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(
        pkg.join("services.csv"),
        "id,name,description,status,assured_date\n\
         p1,\"\x1b[31m调解\",劳动争议调解,active,2026-09-01\n\
         p2,帮扶,困难帮扶,active,9999-01-01\n",
    )
    .unwrap();
    let err = desk.fails("zh", "directory", &pkg);
    assert!(err.contains("services.csv: 第3行,assured_date:"), "{err}");
    std::fs::write(
        pkg.join("services.csv"),
        "id,name,description,status,assured_date\n\
         p1,\"\x1b[31m调解\",劳动争议调解,active,2026-09-01\n",
    )
    .unwrap();
    let out = desk.succeeds("zh", "directory", &pkg);
    assert!(out.contains("清除了1处控制字符"), "{out}");
}

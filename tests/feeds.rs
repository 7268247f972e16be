//! Outside feeds read as their publishers mean them (issue 17), tested with the standards'
//! own published examples:
//! - HSDS 3.0 API examples from github.com/openreferral/specification `examples/*.json`
//!   (commit 279fd2e; CC BY-SA 4.0, Open Referral), in fixtures/feeds/hsds3/;
//! - an HSDS 1.1 tabular package in the tables of openreferral/specification's
//!   `datapackage.json` at tag v1.1.0 (fixtures/feeds/hsds11/);
//! - schema.org's JobPosting examples, github.com/schemaorg/schemaorg `data/examples.txt`
//!   #eg-0028 and #eg-0213, `data/issue-2296-examples.txt` #eg-0281 (CC BY-SA 3.0), and
//!   postings derived from #eg-0028 per YEAR and WEEK (fixtures/feeds/).

mod common;
use assert_cmd::Command;
use common::dutydesk;
use std::path::{Path, PathBuf};

fn feed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/feeds")
        .join(name)
}

struct Desk {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.db");
        Desk { dir, db }
    }

    fn run(&self, args: &[&str], paths: &[PathBuf]) -> Command {
        let mut c = dutydesk(self.dir.path());
        c.arg("--db").arg(&self.db).args(args);
        for p in paths {
            c.arg(p);
        }
        c
    }

    fn ok(&self, args: &[&str], paths: &[PathBuf]) -> String {
        let out = self.run(args, paths).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    /// (stdout, stderr) of a command that must fail.
    fn fails(&self, args: &[&str], paths: &[PathBuf]) -> (String, String) {
        let out = self.run(args, paths).assert().failure();
        let o = out.get_output();
        (
            String::from_utf8(o.stdout.clone()).unwrap(),
            String::from_utf8(o.stderr.clone()).unwrap(),
        )
    }

    fn texts(&self, sql: &str) -> Vec<String> {
        let c = rusqlite::Connection::open(&self.db).unwrap();
        let mut st = c.prepare(sql).unwrap();
        st.query_map([], |r| r.get::<_, Option<String>>(0))
            .unwrap()
            .map(|r| r.unwrap().unwrap_or_default())
            .collect()
    }

    fn count(&self, sql: &str) -> i64 {
        rusqlite::Connection::open(&self.db)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }
}

const SERVICE: &str = "ac148810-d857-441c-9679-408f346de14b";

#[test]
fn hsds3_one_service_a_paged_list_and_service_at_location_import() {
    let desk = Desk::new();
    let out = desk.ok(&["import", "directory"], &[feed("hsds3/service_full.json")]);
    assert!(out.contains("机构1个,服务1项(正常1项);新增1项"), "{out}");
    assert_eq!(
        desk.texts(&format!(
            "SELECT name || '|' || provider || '|' || status || '|' || hours FROM service WHERE source_id = '{SERVICE}'"
        )),
        ["Community Counselling|Example Organization Inc.|active|周四、周五 10:00–18:00"]
    );
    // The paged list (`contents`, total_items) and the service at a location.
    for f in [
        "hsds3/service_list.json",
        "hsds3/service_at_location_full.json",
        "hsds3/service_at_location_list.json",
    ] {
        let out = desk.ok(&["import", "directory"], &[feed(f)]);
        assert!(
            out.contains("服务1项(正常1项);新增0项,更新1项"),
            "{f}: {out}"
        );
    }
    let address = desk.texts(&format!(
        "SELECT address FROM service WHERE source_id = '{SERVICE}'"
    ));
    assert!(address[0].contains("MyCity"), "{address:?}");
    assert_eq!(desk.count("SELECT count(*) FROM service"), 1);
}

#[test]
fn hsds3_an_organisation_with_its_services_fills_the_provider() {
    let desk = Desk::new();
    let out = desk.ok(
        &["import", "directory"],
        &[feed("hsds3/organization_full.json")],
    );
    assert!(out.contains("服务1项"), "{out}");
    assert_eq!(
        desk.texts("SELECT provider FROM service"),
        ["Example Organization Inc."]
    );
}

#[test]
fn hsds3_pages_as_several_files_or_a_folder_are_one_list() {
    let desk = Desk::new();
    let page1 = std::fs::read_to_string(feed("hsds3/service_list.json")).unwrap();
    let page2 = page1
        .replace(SERVICE, "page-2-service")
        .replace("Community Counselling", "Legal Advice")
        .replace("\"page_number\": 1", "\"page_number\": 2");
    let pages = desk.dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(pages.join("page1.json"), &page1).unwrap();
    std::fs::write(pages.join("page2.json"), &page2).unwrap();
    let out = desk.ok(
        &["import", "directory"],
        &[pages.join("page1.json"), pages.join("page2.json")],
    );
    assert!(out.contains("服务2项"), "{out}");
    // A folder of page files; page 1 given twice is still one service.
    std::fs::write(pages.join("page1-again.json"), &page1).unwrap();
    let out = desk.ok(&["import", "directory"], std::slice::from_ref(&pages));
    assert!(out.contains("服务2项(正常2项);新增0项,更新2项"), "{out}");
    assert_eq!(
        desk.texts("SELECT kind FROM service WHERE source_id = 'page-2-service'"),
        ["legal"]
    );
}

#[test]
fn hsds3_documents_that_hold_no_service_are_refused_saying_what_they_hold() {
    let desk = Desk::new();
    for (f, zh) in [
        ("hsds3/location.json", "这是HSDS的地点记录,不是服务"),
        ("hsds3/taxonomy.json", "这是HSDS的分类体系,不是服务"),
        ("hsds3/taxonomy_term.json", "这是HSDS的分类词,不是服务"),
        (
            "hsds3/organization_list.json",
            "机构记录(其中没有服务)列表,没有服务",
        ),
    ] {
        let (_, err) = desk.fails(&["import", "directory"], &[feed(f)]);
        assert!(err.contains(zh), "{f}: {err}");
    }
    let (_, err) = desk.fails(
        &["--lang", "en", "import", "directory"],
        &[feed("hsds3/location.json")],
    );
    assert!(
        err.contains("this is an HSDS location, not a service"),
        "{err}"
    );
    // HSDS 3.0 requires status.
    let text = std::fs::read_to_string(feed("hsds3/service_full.json"))
        .unwrap()
        .replacen("\"status\": \"active\",", "", 1);
    let f = desk.dir.path().join("no_status.json");
    std::fs::write(&f, text).unwrap();
    let (_, err) = desk.fails(&["--lang", "en", "import", "directory"], &[f]);
    assert!(err.contains("$.status: required by HSDS 3.0"), "{err}");
    assert!(!desk.db.exists());
}

#[test]
fn hsds11_package_reads_regular_schedules_and_phones_through_service_at_location() {
    let desk = Desk::new();
    let out = desk.ok(&["import", "directory"], &[feed("hsds11")]);
    assert!(out.contains("服务2项(正常2项)"), "{out}");
    assert_eq!(
        desk.texts(
            "SELECT kind || '|' || contact || '|' || hours || '|' || address FROM service ORDER BY source_id"
        ),
        [
            "legal|0571-86001202|周一至周五 09:00–17:00;周六 09:00–12:00|城西职工服务站",
            // "pre-paid" holds no "aid": not 困难帮扶.
            "agency|||城西职工服务站",
        ]
    );
}

#[test]
fn hsds_skip_bad_imports_the_good_services_and_names_each_bad_one_by_json_path() {
    let desk = Desk::new();
    let f = desk.dir.path().join("mixed.json");
    std::fs::write(
        &f,
        r#"[{"id":"a","name":"Legal Aid","status":"active"},
            {"id":"b","name":"","status":"active"},
            {"id":"c","name":"Job Club","status":"open"}]"#,
    )
    .unwrap();
    let (_, err) = desk.fails(
        &["--lang", "en", "import", "directory"],
        std::slice::from_ref(&f),
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(!desk.db.exists());
    let (out, err) = desk.fails(
        &["--lang", "en", "import", "directory", "--skip-bad"],
        std::slice::from_ref(&f),
    );
    assert!(out.contains("1 services (1 active)"), "{out}");
    let name = f.display().to_string();
    assert!(
        err.contains(&format!("{name}: $[1]: skipped: $[1].name: required")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{name}: $[2]: skipped: $[2].status:")),
        "{err}"
    );
    assert!(err.contains("2 record(s) with problems skipped"), "{err}");
    assert_eq!(desk.texts("SELECT source_id FROM service"), ["a"]);
}

#[test]
fn schema_org_job_postings_import_without_an_employer_and_show_as_incomplete() {
    let desk = Desk::new();
    let out = desk.ok(&["import", "jobs"], &[feed("schemaorg_jobpostings.jsonld")]);
    // #eg-0028 (no hiringOrganization), #eg-0213 (a title only), #eg-0281 (ACME Corp.):
    // two postings titled alike are not a duplicate id.
    assert!(out.contains("已导入岗位3个"), "{out}");
    // None of the three names employer, salary and place all.
    assert!(out.contains("3个信息不全"), "{out}");
    let table = desk.ok(&["jobs", "search", "Software"], &[]);
    let row = table
        .lines()
        .find(|l| l.contains("Software Engineer"))
        .unwrap_or_else(|| panic!("case kept: {table}"));
    assert!(row.contains("Kirkland"), "{row}");
    assert!(row.contains("US$100,000"), "as given, no period: {row}");
    assert!(row.contains("信息不全"), "{row}");
    let json = desk.ok(&["jobs", "search", "software", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let eng = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["title"] == "Software Engineer")
        .unwrap();
    assert_eq!(eng["benefits_text"], "Medical, Life, Dental");
    assert_eq!(eng["currency"], "USD");
    assert_eq!(eng["incomplete"], true);
    assert_eq!(eng["unknown"], "employer");
    assert!(eng["wage_month"].is_null(), "USD is not compared: {eng}");
    let acme = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["employer"] == "ACME Corp.")
        .unwrap();
    assert_eq!(acme["title"], "Junior software developer");
    assert_eq!(acme["wage"], "未注明");
}

#[test]
fn year_and_week_salaries_convert_and_skip_bad_names_json_paths() {
    let desk = Desk::new();
    let f = feed("jobs_pay_units.jsonld");
    let (_, err) = desk.fails(&["import", "jobs"], std::slice::from_ref(&f));
    let name = f.display().to_string();
    assert!(
        err.contains(&format!("{name}: $[3].baseSalary:没有金额")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{name}: $[3].hiringOrganization.identifier:统一社会信用代码校验位应为3,不是4"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("{name}: $[4].title:必填")), "{err}");
    assert!(!err.contains("第"), "no line numbers in JSON: {err}");
    assert!(!desk.db.exists(), "refused before the database was opened");

    let (out, err) = desk.fails(&["import", "jobs", "--skip-bad"], std::slice::from_ref(&f));
    assert!(out.contains("已导入岗位3个"), "{out}");
    assert!(err.contains(&format!("{name}: $[3]:已跳过:")), "{err}");
    assert!(err.contains(&format!("{name}: $[4]:已跳过:")), "{err}");
    assert!(err.contains("跳过2条有错误的岗位,其余已导入"), "{err}");
    let wages = desk.texts(
        "SELECT source_id || '|' || ifnull(wage_month, '-') || '|' || wage_currency || '|' || wage_period || '|' || credit_code FROM job ORDER BY source_id",
    );
    assert_eq!(
        wages,
        [
            // 1500 a week × 4.33; written with dashes, stored without.
            "CN-WEEK|6495|CNY|week|91110000600037341L",
            // 96000 a year ÷ 12.
            "CN-YEAR|8000|CNY|year|",
            // US dollars are not compared with a yuan filter.
            "SO-YEAR|-|USD|year|",
        ]
    );
    let table = desk.ok(&["jobs", "search", "Software"], &[]);
    assert!(table.contains("US$100,000/年"), "{table}");
    let table = desk.ok(&["jobs", "search", "NC Programmer"], &[]);
    assert!(table.contains("NC Programmer 数控编程"), "{table}");
    assert!(table.contains("¥96000/年"), "{table}");
}

#[test]
fn a_csv_with_skip_bad_keeps_the_good_rows_and_lists_the_bad_by_line() {
    let desk = Desk::new();
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jobs_bad.csv");
    let (out, err) = desk.fails(
        &["import", "jobs", "--skip-bad"],
        std::slice::from_ref(&bad),
    );
    assert!(out.contains("已导入岗位1个"), "{out}");
    let name = bad.display().to_string();
    for line in 3..=6 {
        assert!(
            err.contains(&format!("{name}: 第{line}行:已跳过:第{line}行,")),
            "{line}: {err}"
        );
    }
    assert_eq!(desk.texts("SELECT source_id FROM job"), ["B-1"]);
}

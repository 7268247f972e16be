//! F4 as it serves the visitor in hand (issue 18): a new visitor starts with a clean
//! search and their own wish; districts are found by the start of their name and picked
//! from those the openings name; an empty F4 says how to bring openings in; openings an
//! import writes from another process appear in an open desk within two ticks. Driven by
//! key scripts through `App`, drawn into a TestBackend, as tests/flows.rs does.

use std::sync::Arc;

use chrono::Utc;
use dutydesk::app::Modal;
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::panes::jobs::{J_DISTRICT, J_MEALS, J_QUERY, J_WAGE};
use dutydesk::store::Store;

mod common;
#[path = "common/desk.rs"]
mod desk;
use desk::{Desk, fresh_db, without_timings};

impl Desk {
    /// A job seeker's intake, typed and saved: the name, 求职, and their request.
    fn job_seeker(&mut self, name: &str, request: &str) -> &mut Self {
        self.type_job_seeker(name, request).press("C-s")
    }

    /// The same, typed and not saved.
    fn type_job_seeker(&mut self, name: &str, request: &str) -> &mut Self {
        self.press(&format!(
            "{name} Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right Right Right Right Right"
        ))
        .press(&format!("Tab Tab Tab Tab {request}"))
    }

    /// The title of the opening on the `i`th row.
    fn title(&self, i: usize) -> String {
        let idx = self.app.jobs.index.clone().unwrap();
        idx.fields_of(self.app.jobs.hits[i].line)[0].to_string()
    }

    fn districts(&self) -> Vec<String> {
        let idx = self.app.jobs.index.clone().unwrap();
        self.app
            .jobs
            .hits
            .iter()
            .map(|h| idx.fields_of(h.line)[2].to_string())
            .collect()
    }
}

/// A desk with the demo openings indexed.
fn desk_with_openings(db: &std::path::Path, lang: Lang) -> Desk {
    let mut d = Desk::ready(db, lang);
    let jobs =
        dutydesk::import::jobs::parse_csv(dutydesk::demo::DEMO_JOBS, "demo_jobs.csv").unwrap();
    d.app.store.upsert_jobs(&jobs, Utc::now()).unwrap();
    d.app.build_job_index_now().unwrap();
    d
}

#[test]
fn a_second_job_seeker_starts_with_a_clean_f4_and_their_own_wish() {
    let (_dir, db) = fresh_db();
    let mut d = desk_with_openings(&db, Lang::Zh);
    d.job_seeker("周强", "会开叉车,想在城东找叉车司机的活");
    d.press("F4");
    assert!(d.said().contains("按周强的意愿排序"), "{}", d.said());
    assert_eq!(d.title(0), "叉车司机");

    // The officer searches and narrows for 周强: a search, a least wage, meals, a district.
    d.press("baojie Tab 3000 Tab Right Tab Tab 城西");
    assert_eq!(d.app.jobs.form.get(J_QUERY), "baojie");
    assert_eq!(d.app.jobs.form.get(J_DISTRICT), "城西");
    assert!(d.app.jobs.form.is_touched());

    // The next job seeker, who did one thing and wants another.
    d.press("F2")
        .job_seeker("王芳", "汽修学徒合同到期,想找数控车工");
    assert!(d.said().contains("已保存"), "{}", d.said());
    d.press("F4");
    let jobs = &d.app.jobs;
    assert_eq!(jobs.for_visit.as_ref().unwrap().name, "王芳");
    for field in [J_QUERY, J_WAGE, J_MEALS, J_DISTRICT] {
        assert_eq!(jobs.form.get(field), "", "{field} starts empty");
    }
    assert!(!jobs.form.is_touched());
    assert!(
        d.said().contains("按王芳的意愿排序:数控车工"),
        "{}",
        d.said()
    );
    assert_eq!(d.title(0), "数控车工", "what she wants, not 汽修学徒");
    insta::assert_snapshot!("second_job_seeker", without_timings(&d.screen()));

    // Back to 周强 in today's list: his own wish again, the search line clean.
    d.press("F2 S-Tab");
    let zhou = d
        .app
        .intake
        .visible_today(Lang::Zh)
        .iter()
        .position(|v| v.visitor_name == "周强")
        .unwrap();
    d.app.intake.list_sel = zhou;
    d.press("F4");
    assert!(d.said().contains("按周强的意愿排序"), "{}", d.said());
    assert_eq!(d.app.jobs.form.get(J_QUERY), "");
}

#[test]
fn a_visitor_still_being_typed_gets_their_own_wish_and_is_referred_once_saved() {
    let (_dir, db) = fresh_db();
    let mut d = desk_with_openings(&db, Lang::Zh);
    d.job_seeker("周强", "会开叉车,想在城东找叉车司机的活");
    d.press("F4 kuaidi");
    assert_eq!(d.app.jobs.form.get(J_QUERY), "kuaidi");

    // A new intake: F4's search of the visitor before is gone.
    d.press("C-n");
    assert_eq!(d.app.jobs.form.get(J_QUERY), "");
    assert!(d.app.jobs.for_visit.is_none());

    // Typed, not saved: F4 reads her wish from the form, and will not refer her yet.
    d.type_job_seeker("陈梅", "做过服务员,希望找保洁的工作");
    d.press("F4");
    let v = d.app.jobs.for_visit.clone().unwrap();
    assert_eq!((v.name.as_str(), v.visit_id.as_deref()), ("陈梅", None));
    assert!(d.said().contains("按陈梅的意愿排序"), "{}", d.said());
    assert!(d.title(0).contains("保洁"), "{}", d.title(0));
    assert!(d.screen().contains("为 陈梅 找工作(求职,登记未保存)"));
    d.press("C-t");
    assert!(d.said().contains("陈梅的登记还没有保存"), "{}", d.said());
    assert!(d.app.modal.is_none());

    // Saved: the same wish, and now she can be referred.
    d.press("F2 C-s F4");
    let v = d.app.jobs.for_visit.clone().unwrap();
    assert!(v.visit_id.is_some());
    assert!(d.title(0).contains("保洁"), "{}", d.title(0));
    d.press("C-t");
    assert!(
        matches!(d.app.modal, Some(Modal::Confirm(_))),
        "{:?}",
        d.said()
    );
}

#[test]
fn districts_are_found_by_the_start_of_their_name_and_picked_from_those_there_are() {
    let (_dir, db) = fresh_db();
    let mut d = desk_with_openings(&db, Lang::Zh);
    d.press("F4 Tab Tab Tab Tab 城西");
    assert!(!d.app.jobs.hits.is_empty());
    assert!(
        d.districts().iter().all(|x| x == "城西区"),
        "{:?}",
        d.districts()
    );

    // The pick-list: every district the openings name, most openings first; typing
    // narrows it to those starting with what is typed.
    d.press("BS BS C-d");
    let pick = d.app.jobs.district_pick.clone().unwrap();
    assert_eq!(pick.all.len(), 8, "{:?}", pick.all);
    assert!(pick.all.windows(2).all(|w| w[0].1 >= w[1].1));
    insta::assert_snapshot!("district_pick", without_timings(&d.screen()));
    d.press("城");
    let pick = d.app.jobs.district_pick.clone().unwrap();
    let listed: Vec<String> = pick.listed().iter().map(|(x, _)| x.clone()).collect();
    assert_eq!(listed.len(), 4, "{listed:?}");
    assert!(listed.iter().all(|x| x.starts_with('城')));
    // On the first of them at once; Down to the next, and Enter picks it.
    assert_eq!(pick.chosen().as_ref(), Some(&listed[0]));
    d.press("Down Enter");
    assert!(d.app.jobs.district_pick.is_none());
    let picked = d.app.jobs.form.get(J_DISTRICT);
    assert_eq!(picked, listed[1]);
    assert!(d.districts().iter().all(|x| *x == picked));

    // Opened again: every district, on the one in force; PageUp to "any district" and
    // Enter clears the filter.
    d.press("C-d");
    let pick = d.app.jobs.district_pick.clone().unwrap();
    assert_eq!(pick.listed().len(), 8);
    assert_eq!(pick.chosen(), Some(picked));
    d.press("PageUp Enter");
    assert_eq!(d.app.jobs.form.get(J_DISTRICT), "");
    // Esc closes the list and keeps what is typed.
    d.press("C-d 开 Esc");
    assert!(d.app.jobs.district_pick.is_none());
    assert_eq!(d.app.jobs.form.get(J_DISTRICT), "开");
    assert!(d.districts().iter().all(|x| x == "开发区"));

    // A district no opening names: the empty list says where the districts are.
    d.press("BS 火星");
    assert!(d.app.jobs.hits.is_empty());
    assert!(d.screen().contains("C-d 列出岗位中现有的区域"));

    // The key is in the help (read from the keymap), in a line that fits its 72 columns.
    use dutydesk::domain::labels::Labeled;
    let action = dutydesk::action::Action::PickDistrict;
    let km = Keymap::default_map();
    assert_eq!(km.hint(dutydesk::keymap::Context::Jobs, action), "C-d");
    for lang in [Lang::Zh, Lang::En] {
        let width = unicode_width::UnicodeWidthStr::width(action.label(lang));
        assert!(2 + 22 + width <= 70, "{lang:?}: {}", action.label(lang));
    }
}

#[test]
fn the_district_pick_list_in_english_at_80_columns() {
    let (_dir, db) = fresh_db();
    let mut d = desk_with_openings(&db, Lang::En);
    d.resize(80, 24);
    d.press("F4 C-d");
    let screen = d.screen();
    assert!(screen.contains("Pick a district"), "{screen}");
    assert!(screen.contains("Any district"), "{screen}");
    assert!(screen.contains("城东区"), "{screen}");
    insta::assert_snapshot!("district_pick_en_80x24", without_timings(&screen));
}

#[test]
fn an_empty_f4_says_how_to_bring_openings_in_in_both_languages_at_80_columns() {
    for (lang, words) in [
        (
            Lang::Zh,
            [
                "还没有岗位信息",
                "dutydesk import jobs 文件",
                "JSON-LD",
                "不必重启",
            ],
        ),
        (
            Lang::En,
            [
                "No openings yet",
                "dutydesk import jobs FILE",
                "JSON-LD",
                "no restart",
            ],
        ),
    ] {
        let (_dir, db) = fresh_db();
        let mut d = Desk::ready(&db, lang);
        d.app.build_job_index_now().unwrap();
        d.resize(80, 24);
        d.press("F4");
        let screen = d.screen();
        for w in words {
            assert!(screen.contains(w), "{w}:\n{screen}");
        }
        assert!(screen.contains("CSV"), "{screen}");
        assert!(screen.contains("--db"), "{screen}");
        // Words are whole, at 80 columns as at 200.
        assert!(screen.contains("JobPosting"), "{screen}");
        d.resize(200, 50);
        let wide = d.screen();
        assert!(wide.contains("Job columns"), "{wide}");
        assert!(wide.contains("JSON-LD"), "{wide}");
    }
}

/// A jobs CSV of two openings, as an officer would import.
const TWO_OPENINGS: &str = "编号,岗位,单位,区域,工资,福利,用工类型,状态
T-1,焊工学徒,城北焊接厂,城北区,4500,包吃住,全职,招聘中
T-2,面点师,城北面馆,城北区,5200,包吃,全职,招聘中
";

#[test]
fn an_import_by_another_process_is_seen_by_the_open_desk_within_two_ticks() {
    let (dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    // As at start: the index built on its own thread, taken on a tick.
    d.app.start_job_index();
    for _ in 0..50 {
        d.app.tick();
        if d.app.jobs.index.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    d.press("F4");
    assert_eq!(d.app.jobs.index.as_ref().unwrap().len(), 0);
    assert!(d.screen().contains("还没有岗位信息"));

    // Another desk writes (a heartbeat, a draft): the index is not built again for that.
    let before = d.app.jobs.index.clone().unwrap();
    let version = d.app.store.data_version().unwrap();
    {
        let mut other = Store::open(&db).unwrap();
        other.register_desk(Utc::now()).unwrap();
        other.desk_heartbeat(Utc::now()).unwrap();
    }
    assert_ne!(
        d.app.store.data_version().unwrap(),
        version,
        "the file changed"
    );
    d.app.tick();
    std::thread::sleep(std::time::Duration::from_millis(200));
    d.app.tick();
    assert!(Arc::ptr_eq(&before, d.app.jobs.index.as_ref().unwrap()));

    // `dutydesk import jobs` in a process of its own, while the desk stays open.
    let file = dir.path().join("openings.csv");
    std::fs::write(&file, TWO_OPENINGS).unwrap();
    let out = common::process(dir.path())
        .args(["import", "jobs"])
        .arg(&file)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");

    // Tick one sees the file changed and starts the build; tick two, half a second later
    // as in the event loop, takes it.
    d.app.tick();
    std::thread::sleep(std::time::Duration::from_millis(500));
    d.app.tick();
    let idx = d.app.jobs.index.clone().unwrap();
    assert_eq!(idx.len(), 2);
    let screen = d.screen();
    assert!(screen.contains("焊工学徒"), "{screen}");
    assert!(screen.contains("面点师"), "{screen}");
    assert!(d.said().contains("岗位信息已更新,共2个"), "{}", d.said());

    // An import that only changes an opening (filled) is seen the same way.
    std::fs::write(
        &file,
        TWO_OPENINGS.replace("4500,包吃住,全职,招聘中", "4500,包吃住,全职,已招满"),
    )
    .unwrap();
    let out = common::process(dir.path())
        .args(["import", "jobs"])
        .arg(&file)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    d.app.tick();
    std::thread::sleep(std::time::Duration::from_millis(500));
    d.app.tick();
    assert_eq!(
        d.app.jobs.hits.len(),
        1,
        "the filled one is no longer offered"
    );
    assert!(!d.screen().contains("焊工学徒"));
}

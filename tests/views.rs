//! One small snapshot per view (issue 14, issue 18): every pane and every dialog of the
//! desk on the demo data at a fixed clock, at 80×24 and 240×67, in Chinese and in
//! English — so a change to a view shows in the few files of that view, beside the
//! end-to-end flows in tests/flows.rs. Each view also names the facts it must show
//! whole at 80×24 in each language, read as a new officer would read the screen.
//!
//! Snapshots: tests/snapshots/views__<view>_<zh|en>_<80x24|240x67>.snap.

use dutydesk::i18n::Lang;
use dutydesk::store::Store;

#[path = "common/desk.rs"]
mod desk;
use desk::{Desk, fresh_db, without_timings};

/// The two sizes every view is drawn at: a small office terminal and a large screen.
const SIZES: [(u16, u16); 2] = [(80, 24), (240, 67)];

/// A desk on a database seeded as `dutydesk --demo` seeds it, at the harness's clock,
/// with the job index built.
fn demo_desk(lang: Lang) -> (tempfile::TempDir, Desk) {
    let (dir, db) = fresh_db();
    {
        let mut store = Store::open(&db).unwrap();
        dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), desk::clock().now()).unwrap();
    }
    let mut d = Desk::open(&db, lang);
    d.app.build_job_index_now().unwrap();
    (dir, d)
}

/// What a view must show whole at 80×24: the same facts in each language.
struct Facts {
    zh: &'static [&'static str],
    en: &'static [&'static str],
}

/// Draws the view `go` leads to, in both languages at both sizes, snapshots each, and
/// checks the facts it must show at 80×24.
fn view(name: &str, facts: &Facts, go: impl Fn(&mut Desk)) {
    for lang in [Lang::Zh, Lang::En] {
        let (_dir, mut d) = demo_desk(lang);
        go(&mut d);
        shoot(name, lang, facts, &mut d);
    }
}

fn shoot(name: &str, lang: Lang, facts: &Facts, d: &mut Desk) {
    let code = match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    };
    for (w, h) in SIZES {
        d.resize(w, h);
        let screen = without_timings(&d.screen());
        insta::assert_snapshot!(format!("{name}_{code}_{w}x{h}"), screen);
        if (w, h) == (80, 24) {
            let must = match lang {
                Lang::Zh => facts.zh,
                Lang::En => facts.en,
            };
            for fact in must {
                assert!(
                    screen.contains(fact),
                    "{name} {code} {w}x{h}: {fact:?} is not on the screen:\n{screen}"
                );
            }
            // A key line leaves out whole keys at 80 columns; it never ends cut (`C-t refer
            // visito..`), which reads as nonsense.
            for line in screen.lines() {
                for part in line.split(['│', '┌', '┐', '└', '┘']) {
                    let keys = ["Esc ", "Enter ", "C-s ", "C-t ", "↑↓ "];
                    if keys.iter().any(|k| part.contains(k)) {
                        assert!(
                            !part.trim_end().ends_with(".."),
                            "{name} {code}: a key line is cut: {part:?}\n{screen}"
                        );
                    }
                }
            }
        }
    }
}

/// Moves F3's selection down to the referral of `name`.
fn select_referral(d: &mut Desk, name: &str) {
    for _ in 0..30 {
        if d.app
            .referrals
            .selected()
            .is_some_and(|r| r.visitor_name == name)
        {
            return;
        }
        d.press("Down");
    }
    panic!("no referral of {name} in the queue");
}

/// Cycles F3's status filter until the referral of `name` is listed, and selects it.
fn reach_referral(d: &mut Desk, name: &str) {
    for _ in 0..10 {
        if d.app.referrals.rows.iter().any(|r| r.visitor_name == name) {
            return select_referral(d, name);
        }
        d.press("u");
    }
    panic!("the referral of {name} is in no status view");
}

/// A visit typed and saved at the desk (it opens the shift the review reconciles).
fn save_a_visit(d: &mut Desk) {
    d.press("F2 C-n 赵磊 Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right Right Right C-s");
}

// ---- Panes ----

#[test]
fn intake_empty() {
    view(
        "intake_empty",
        &Facts {
            zh: &["姓名", "诉求类别", "今日来访", "F1 帮助"],
            en: &["Name", "Category", "Today", "F1 help"],
        },
        |_| {},
    );
}

#[test]
fn intake_filled() {
    view(
        "intake_filled",
        &Facts {
            zh: &["李强", "139****5678", "城西建筑公司", "三个月没发工资"],
            en: &["李强", "139****5678", "城西建筑公司", "三个月没发工资"],
        },
        |d| {
            d.press(
                "李强 Tab 13912345678 Tab Tab Right Tab 城西建筑公司 Tab Right \
                 Tab Tab 河南 Tab Tab Tab Right Tab 3 Tab 12000 Tab Tab 三个月没发工资",
            );
        },
    );
}

#[test]
fn referral_queue_and_detail() {
    view(
        "referral_queue",
        &Facts {
            zh: &["张三", "逾期32天", "办理中", "13人 ¥115,000"],
            en: &[
                "张三",
                "32d late",
                "In progress",
                "Labour contract",
                "13 workers ¥115,000",
            ],
        },
        |d| {
            d.press("F3");
        },
    );
}

#[test]
fn jobs_with_results() {
    view(
        "jobs",
        &Facts {
            zh: &["叉车司机", "/月", "包吃"],
            en: &["叉车司机", "/month", "meals"],
        },
        |d| {
            d.press("F4 叉车");
        },
    );
}

#[test]
fn log_timeline() {
    view(
        "log",
        &Facts {
            zh: &["王建国"],
            en: &["王建国"],
        },
        |d| {
            d.press("F5");
        },
    );
}

#[test]
fn log_review() {
    view(
        "review",
        &Facts {
            zh: &["赵磊", "新转介 办结 逾期", "其他部门", "就业安置 0人"],
            en: &["赵磊", "New Done Late", "Other agency", "placed in jobs 0"],
        },
        |d| {
            save_a_visit(d);
            d.press("F5 v");
        },
    );
}

#[test]
fn help_overlay() {
    view(
        "help",
        &Facts {
            zh: &["C-s"],
            en: &["C-s"],
        },
        |d| {
            d.press("F1");
        },
    );
}

// ---- Dialogs ----

#[test]
fn route_dialog() {
    view(
        "route",
        &Facts {
            zh: &["办结时限"],
            en: &["Deadline"],
        },
        |d| {
            d.press("F2 S-Tab C-t");
        },
    );
}

#[test]
fn close_dialog() {
    view(
        "close",
        &Facts {
            zh: &["张三", "C-s"],
            en: &["张三", "C-s"],
        },
        |d| {
            d.press("F3");
            select_referral(d, "张三");
            d.press("c");
        },
    );
}

#[test]
fn decline_dialog() {
    view(
        "decline",
        &Facts {
            zh: &["孙立", "C-s"],
            en: &["孙立", "C-s"],
        },
        |d| {
            d.press("F3");
            select_referral(d, "孙立");
            d.press("x");
        },
    );
}

#[test]
fn reopen_dialog() {
    view(
        "reopen",
        &Facts {
            zh: &["王秀英", "C-s"],
            en: &["王秀英", "C-s"],
        },
        |d| {
            d.press("F3");
            reach_referral(d, "王秀英");
            d.press("o");
        },
    );
}

#[test]
fn hand_over_dialog() {
    view(
        "hand_over",
        &Facts {
            zh: &["刘洋", "C-s"],
            en: &["刘洋", "C-s"],
        },
        |d| {
            d.press("F3");
            select_referral(d, "刘洋");
            d.press("t");
        },
    );
}

#[test]
fn log_entry_dialog() {
    view(
        "log_entry",
        &Facts {
            zh: &["C-s"],
            en: &["C-s"],
        },
        |d| {
            d.press("F5 w");
        },
    );
}

#[test]
fn disposition_dialog() {
    view(
        "disposition",
        &Facts {
            zh: &["赵磊", "C-s"],
            en: &["赵磊", "C-s"],
        },
        |d| {
            save_a_visit(d);
            d.press("F5 v d");
        },
    );
}

#[test]
fn sign_off_dialog() {
    view(
        "sign_off",
        &Facts {
            zh: &["C-s"],
            en: &["C-s"],
        },
        |d| {
            save_a_visit(d);
            d.press("F5 v d Tab 已答复 C-s s");
        },
    );
}

#[test]
fn setup_dialog() {
    let facts = Facts {
        zh: &["服务站", "C-s"],
        en: &["station", "C-s"],
    };
    for lang in [Lang::Zh, Lang::En] {
        let (_dir, db) = fresh_db();
        let mut d = Desk::open(&db, lang);
        shoot("setup", lang, &facts, &mut d);
    }
}

#[test]
fn confirm_dialog() {
    view(
        "confirm_quit",
        &Facts {
            zh: &["y", "n"],
            en: &["y", "n"],
        },
        |d| {
            d.press("张三 C-q");
        },
    );
}

#[test]
fn roster_pick_dialog() {
    view(
        "roster",
        &Facts {
            zh: &["王建国", "李梅"],
            en: &["王建国", "李梅"],
        },
        |d| {
            d.press("F8");
        },
    );
}

#[test]
fn visit_record_viewer() {
    view(
        "visit_record",
        &Facts {
            zh: &["****"],
            en: &["****"],
        },
        |d| {
            d.press("F2 S-Tab Enter");
        },
    );
}

#[test]
fn referral_record_viewer() {
    view(
        "referral_record",
        &Facts {
            zh: &["张三"],
            en: &["张三"],
        },
        |d| {
            d.press("F3");
            select_referral(d, "张三");
            d.press("Enter");
        },
    );
}

#[test]
fn posting_record_viewer() {
    view(
        "posting",
        &Facts {
            zh: &["叉车司机", "/月"],
            en: &["叉车司机", "/month"],
        },
        |d| {
            d.press("F4 叉车 Enter");
        },
    );
}

#[test]
fn correction_form_and_reason() {
    view(
        "correction",
        &Facts {
            zh: &["更正"],
            en: &["Correct"],
        },
        |d| {
            d.press("F2 S-Tab Enter e");
        },
    );
    view(
        "correction_reason",
        &Facts {
            zh: &["原因"],
            en: &["Reason"],
        },
        |d| {
            d.press("F2 S-Tab Enter e End 甲 C-s");
        },
    );
}

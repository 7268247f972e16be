//! Whole flows driven by key scripts through `App`, drawn into a TestBackend, as a duty
//! officer would see them. Screens with Chinese text are insta snapshots.

use chrono::Utc;
use dutydesk::app::{App, Modal};
use dutydesk::domain::lists::Role;
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;
#[path = "common/desk.rs"]
mod desk;
use desk::{Desk, clock, fresh_db, row_text, without_timings};

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

const ZHANG_ID: &str = "330102199001011234";

#[test]
fn first_run_names_the_station_and_officer_then_a_full_intake_survives_restart() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::open(&db, Lang::Zh);
    assert!(matches!(
        d.app.modal,
        Some(Modal::Setup {
            first_run: true,
            ..
        })
    ));
    insta::assert_snapshot!("first_run_setup", d.screen());
    d.press("城西街道职工服务站 Tab 李梅 Tab Right Tab 街道总工会 C-s");
    assert!(d.app.modal.is_none(), "setup closes after saving");
    assert_eq!(d.app.officer.as_ref().unwrap().role, Role::SocialWorker);

    d.press("张三 Tab 138-0013-8000 Tab")
        .press(ZHANG_ID)
        .press("Tab Tab 城西建筑公司 Tab Right Right Right Right Right Tab Tab 安徽阜阳 Tab Right Right")
        .press("Tab Tab Right Tab 13 Tab 11.5万 Tab Right Tab")
        .press("工地拖欠两个月工资,包工头失联");
    insta::assert_snapshot!("intake_filled", d.screen());
    d.press("C-s");
    let status = d.app.status.clone().unwrap().text;
    assert!(
        status.contains("已保存") && status.contains("张三"),
        "{status}"
    );
    insta::assert_snapshot!("intake_saved", d.screen());
    drop(d);

    // A restart: the visit is in the file with everything normalised.
    let d = Desk::open(&db, Lang::Zh);
    assert!(d.app.modal.is_none(), "no setup on the second run");
    assert_eq!(d.app.intake.today.len(), 1);
    let (phone, id, gender, amount, headcount, category, urgency, officer): (String, String, String, i64, i64, String, String, String) =
        d.app
            .store
            .conn()
            .query_row(
                "SELECT v.phone, v.id_number, v.gender, t.amount_owed_fen, t.headcount, t.category, t.urgency, o.name
                 FROM visit t JOIN visitor v ON v.id = t.visitor_id JOIN officer o ON o.id = t.officer_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
            )
            .unwrap();
    assert_eq!(phone, "+8613800138000");
    assert_eq!(id, ZHANG_ID);
    assert_eq!(gender, "male");
    assert_eq!(amount, 11_500_000);
    assert_eq!(headcount, 13);
    assert_eq!(category, "wage_arrears");
    assert_eq!(urgency, "urgent");
    assert_eq!(
        officer, "李梅",
        "the officer on duty is the first-contact owner"
    );
}

fn seed_zhang(db: &std::path::Path) {
    let mut d = Desk::ready(db, Lang::Zh);
    d.press("张三 Tab 13800138000 Tab")
        .press(ZHANG_ID)
        .press("Tab Tab 城西建筑公司 Tab Tab Tab Tab Tab Tab Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        1,
        "{:?}",
        d.app.status
    );
}

#[test]
fn a_returning_visitor_is_found_by_phone_and_one_key_fills_the_form() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("Tab 138001");
    assert_eq!(d.app.intake.matches.len(), 1);
    insta::assert_snapshot!("returning_by_phone", d.screen());
    d.press("C-r");
    assert_eq!(d.field("name"), "张三");
    assert_eq!(d.field("employer"), "城西建筑公司");
    assert_eq!(d.field("id_number"), ZHANG_ID);
    d.press("Tab Right C-s");
    let store = &d.app.store;
    assert_eq!(
        count(store, "SELECT count(*) FROM visitor"),
        1,
        "one person, not two"
    );
    assert_eq!(count(store, "SELECT count(*) FROM visit"), 2);
    assert!(d.app.status.clone().unwrap().text.contains("老来访人"));
}

#[test]
fn a_returning_visitor_is_found_by_pinyin_initials() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("zs");
    assert_eq!(d.app.intake.matches.len(), 1);
    assert_eq!(d.app.intake.matches[0].visitor.name, "张三");
    insta::assert_snapshot!("returning_by_pinyin", d.screen());
    d.press("C-r");
    assert_eq!(d.field("phone"), "13800138000");
}

#[test]
fn the_same_id_number_typed_fresh_is_the_same_person() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("张三 Tab Tab")
        .press(ZHANG_ID)
        .press("Esc Tab Tab Tab Tab Tab Tab Tab Tab Right Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        2,
        "{:?}",
        d.app.status
    );
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visitor"), 1);
}

#[test]
fn a_validation_error_names_the_field_and_keeps_everything_typed() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("李四 Tab 1380013800 Tab 110105194912310021 Tab Tab 宏达制衣厂 C-s");
    insta::assert_snapshot!("validation_errors", d.screen());
    assert_eq!(d.field("name"), "李四");
    assert_eq!(d.field("phone"), "1380013800");
    assert_eq!(d.field("id_number"), "110105194912310021");
    assert_eq!(d.field("employer"), "宏达制衣厂");
    assert_eq!(
        d.app.intake.form.focused_id(),
        "phone",
        "focus goes to the first bad field"
    );
    let phone_err = d.app.intake.form.field("phone").error.clone().unwrap();
    assert!(phone_err.contains("手机号11位"), "{phone_err}");
    let id_err = d.app.intake.form.field("id_number").error.clone().unwrap();
    assert!(id_err.contains("校验位应为X"), "{id_err}");
    assert!(d.app.intake.form.field("category").error.is_some());
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 0);
    // Fixing the fields and saving again works; nothing had to be retyped.
    d.press("0 Tab BS X Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        1,
        "{:?}",
        d.app.status
    );
}

#[test]
fn pasted_text_lands_in_the_focused_field() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.app.handle_paste("王秀英");
    assert_eq!(d.field("name"), "王秀英");
    // The real cursor stands after the pasted name: 3 wide characters = 6 columns.
    let before = {
        d.screen();
        d.term.get_cursor_position().unwrap()
    };
    d.press("Tab");
    d.app.handle_paste("139 1234 5678");
    assert_eq!(d.field("phone"), "139 1234 5678");
    d.press("S-Tab");
    d.screen();
    assert_eq!(d.term.get_cursor_position().unwrap(), before);
    // A multi-line paste keeps its lines in the summary and becomes one line elsewhere.
    for _ in 0..14 {
        d.press("Tab");
    }
    assert_eq!(d.app.intake.form.focused_id(), "summary");
    d.app.handle_paste("丈夫重病住院\n孩子在读大学");
    assert_eq!(d.field("summary"), "丈夫重病住院\n孩子在读大学");
    insta::assert_snapshot!("pasted", d.screen());
}

#[test]
fn the_cursor_sits_at_the_display_width_of_chinese_text() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.screen();
    let empty = d.term.get_cursor_position().unwrap();
    d.press("张三");
    d.screen();
    let after = d.term.get_cursor_position().unwrap();
    assert_eq!(
        (after.x - empty.x, after.y),
        (4, empty.y),
        "two wide characters are four columns"
    );
    d.press("ab");
    d.screen();
    assert_eq!(d.term.get_cursor_position().unwrap().x - empty.x, 6);
}

#[test]
fn quitting_with_unsaved_input_asks_first() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("C-q");
    assert!(d.app.should_quit, "nothing typed: quit at once");
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("张 C-q");
    assert!(!d.app.should_quit);
    insta::assert_snapshot!("confirm_quit", d.screen());
    d.press("n");
    assert!(!d.app.should_quit);
    assert_eq!(d.field("name"), "张");
    d.press("C-q y");
    assert!(d.app.should_quit);
}

#[test]
fn help_lists_the_keymap_in_force() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("F1");
    let screen = d.screen();
    for expected in [
        "C-s",
        "保存",
        "C-q",
        "退出",
        "F2",
        "接待登记",
        "选用匹配的老来访人",
    ] {
        assert!(screen.contains(expected), "help lacks {expected}");
    }
    let mut km = Keymap::default_map();
    km.apply("user.toml", "[global]\nF12 = \"help\"\n").unwrap();
    d.app.keymap = km;
    assert!(
        d.screen().contains("F1, F12"),
        "help follows a remapped key"
    );
    d.press("Esc");
    assert!(d.app.modal.is_none());
}

/// A second visit saved at the desk's clock by the officer on duty.
fn save_visit(d: &mut Desk, name: &str, category: dutydesk::domain::lists::Category) {
    let intake = dutydesk::domain::intake::validate(&dutydesk::domain::intake::RawIntake {
        name: name.into(),
        category: Some(category),
        summary: "想了解补缴社保的办法".into(),
        ..Default::default()
    })
    .unwrap();
    let (station, officer) = (
        d.app.station.clone().unwrap().id,
        d.app.officer.clone().unwrap().id,
    );
    let now = d.app.clock.now();
    d.app
        .store
        .save_intake(&intake, &station, &officer, now)
        .unwrap();
}

#[test]
fn a_shift_is_logged_reviewed_reconciled_signed_off_and_handed_over() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    save_visit(
        &mut d,
        "王秀英",
        dutydesk::domain::lists::Category::Insurance,
    );
    d.press("F5");
    let screen = d.screen();
    assert!(screen.contains("李梅 开班"), "{screen}");
    assert!(screen.contains("张三 · 欠薪"), "{screen}");
    // A to-do for the next shift, written by hand.
    d.press("w Right Right Right Tab 周一回访张三,提醒带劳动合同 C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    insta::assert_snapshot!("log_timeline", d.screen());
    // Filter by kind: only the to-do.
    d.press("f f f");
    assert!(
        d.app
            .log
            .visible()
            .iter()
            .all(|e| e.kind == dutydesk::domain::shift::EntryKind::Todo)
    );
    d.press("Esc");

    // The review: totals with charts, and two visits still to reconcile.
    d.press("v");
    insta::assert_snapshot!("log_review", d.screen());
    d.press("s");
    let status = d.app.status.clone().unwrap().text;
    assert!(status.contains("还有2条来访没有处置结果"), "{status}");
    assert!(
        d.app.modal.is_none(),
        "sign-off does not open while visits lack a disposition"
    );
    d.press("d Tab 讲解了仲裁流程 C-s");
    assert_eq!(d.app.log.review.as_ref().unwrap().unreconciled.len(), 1);
    // "No action" needs a word why: the dialog stays open and says so.
    d.press("d Right Tab C-s");
    assert!(matches!(d.app.modal, Some(Modal::LogDialog(_))));
    assert!(d.screen().contains("须写一句原因"));
    d.press("打错电话 C-s");
    assert!(d.app.log.review.as_ref().unwrap().unreconciled.is_empty());
    assert!(d.screen().contains("可以签结"));
    d.press("s 张三周一带合同来;王秀英已答复 C-s");
    let status = d.app.status.clone().unwrap().text;
    assert!(
        status.contains("已签结") && status.contains("封存码"),
        "{status}"
    );
    assert_eq!(
        count(
            &d.app.store,
            "SELECT count(*) FROM shift WHERE closed_at IS NOT NULL"
        ),
        1
    );
    // Sealed in the file: a change is refused by SQLite itself.
    assert!(
        d.app
            .store
            .conn()
            .execute("UPDATE visit SET summary = 'x'", [])
            .is_err()
    );

    // The next officer sees the handover first, with the to-do carried over.
    d.press("F8 王建国 Tab Right Right Right Tab 司法所 C-s F5");
    let screen = d.screen();
    assert!(screen.contains("张三周一带合同来"), "{screen}");
    assert!(screen.contains("遗留待办 1 条"), "{screen}");
    d.press("c");
    assert!(d.app.log.handover.is_none());
    let shift = d.app.log.shift.clone().unwrap();
    assert_eq!(shift.opened_by, "王建国");
    assert!(d.screen().contains("已阅 李梅 的交班记录"));
    // The carried to-do is pinned first; marking it done logs it.
    d.press("Home x");
    assert!(
        d.app.store.open_todos().unwrap().is_empty(),
        "{:?}",
        d.app.status
    );

    // Yesterday is read-only.
    d.press("[ w");
    let status = d.app.status.clone().unwrap().text;
    assert!(status.contains("只读"), "{status}");
    d.press("Esc");
    assert_eq!(d.app.log.view, dutydesk::panes::log::LogView::Shift);
}

#[test]
fn todays_list_opens_a_visit_read_only_with_its_history() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("S-Tab");
    d.press("Enter");
    let Some(Modal::Visit { detail, .. }) = &d.app.modal else {
        panic!("visit did not open")
    };
    assert_eq!(detail.visitor.name, "张三");
    assert_eq!(detail.history.len(), 1);
    let screen = d.screen();
    assert!(
        screen.contains("3301**********1234"),
        "ID masked in the detail view"
    );
    assert!(!screen.contains(ZHANG_ID));
    assert!(screen.contains("138****8000"));
    insta::assert_snapshot!("visit_detail", screen);
    // Read-only: typing changes nothing, Esc goes back.
    d.press("abc Esc");
    assert!(d.app.modal.is_none());
    d.press("/ 李");
    assert_eq!(d.app.intake.visible_today(Lang::Zh).len(), 0);
    d.press("Esc");
    assert_eq!(d.app.intake.visible_today(Lang::Zh).len(), 1);
}

#[test]
fn the_interface_speaks_english_with_lang_en() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::En);
    d.press("张三 Tab 12345 C-s");
    let screen = d.screen();
    assert!(screen.contains("Visitor intake"));
    assert!(
        screen.contains("not a mobile number range in use"),
        "{screen}"
    );
    insta::assert_snapshot!("english_errors", screen);
}

#[test]
fn typing_survives_a_crash_and_the_next_start_offers_it_back() {
    let (_dir, db) = fresh_db();
    {
        let mut d = Desk::ready(&db, Lang::Zh);
        // Leaving a field writes the draft; so does the 3-second tick, simulated here.
        d.press("王秀英 Tab 139 1234");
        d.app.save_draft_now();
        d.press("5678");
        // The process dies here: no save, no quit.
    }
    let mut d = Desk::ready(&db, Lang::Zh);
    assert!(matches!(
        d.app.modal,
        Some(Modal::Confirm(dutydesk::app::Confirm::RestoreDraft))
    ));
    let screen = d.screen();
    assert!(screen.contains("发现上次未保存的登记(王秀英"), "{screen}");
    insta::assert_snapshot!("restore_draft", screen);
    d.press("y");
    assert_eq!(d.field("name"), "王秀英");
    assert_eq!(
        d.field("phone"),
        "1391234",
        "what was written before the crash"
    );
    // Finish the number, choose a category and save: that clears the draft.
    d.press("Tab End 5678 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        1,
        "{:?}",
        d.app.status
    );
    drop(d);
    let d = Desk::ready(&db, Lang::Zh);
    assert!(d.app.modal.is_none());
}

#[test]
fn declining_a_draft_discards_it() {
    let (_dir, db) = fresh_db();
    {
        let mut d = Desk::ready(&db, Lang::Zh);
        d.press("李四 Tab");
    }
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("n");
    assert_eq!(d.field("name"), "");
    drop(d);
    assert!(Desk::ready(&db, Lang::Zh).app.modal.is_none());
}

/// The demo directory in the desk's database, as `dutydesk import directory` would put it.
fn load_directory(store: &mut Store) {
    let parsed = dutydesk::import::directory::parse_csv(
        dutydesk::demo::DEMO_DIRECTORY,
        "demo_directory.csv",
    )
    .unwrap();
    store.upsert_services(&parsed.services, Utc::now()).unwrap();
}

/// Two earlier wage-arrears visits naming the same employer, this month.
fn seed_arrears(db: &std::path::Path, employer: &str) {
    let mut d = Desk::ready(db, Lang::Zh);
    for name in ["李四", "王五"] {
        d.press(name)
            .press("Tab Tab Tab Tab")
            .press(employer)
            .press("Tab Tab Tab Tab Tab Tab Right C-s");
    }
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 2);
}

#[test]
fn a_group_wage_case_is_routed_from_intake_and_closed_with_wages_recovered() {
    let (_dir, db) = fresh_db();
    seed_arrears(&db, "城西建筑公司");
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);

    d.press("张三 Tab Tab Tab Tab 城西建筑公司 Tab Tab Tab Tab Tab Tab Right")
        .press("Tab 13 Tab 11.5万 Tab Right Tab 工地拖欠两个月工资");
    let note = d.app.intake.form.field("employer").note.clone();
    assert!(
        note.as_deref().unwrap_or("").contains("可能为群体性欠薪"),
        "the third arrears visit naming one employer is flagged: {note:?}"
    );
    d.press("C-s");
    assert!(d.said().contains("已保存"));

    // One key routes the visit just saved; the dialog starts at legal services.
    d.press("C-t");
    assert!(
        matches!(d.app.modal, Some(Modal::Route(_))),
        "{:?}",
        d.app.status
    );
    d.press("代理 Tab");
    // Without a consent answer nothing is sent.
    d.press("C-s");
    assert!(matches!(d.app.modal, Some(Modal::Route(_))));
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM referral"), 0);
    d.press("Right");
    insta::assert_snapshot!("route_dialog", d.screen());
    d.press("C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM referral"), 1);

    d.press("F3");
    insta::assert_snapshot!("referral_queue", d.screen());
    // Closing before accepting is refused with what is allowed.
    d.press("c");
    assert!(d.app.modal.is_none());
    assert_eq!(d.said(), "“待受理”状态下不能办结;可以:受理、退回");
    d.press("a s c");
    assert!(matches!(d.app.modal, Some(Modal::RefDialog(_))));
    // Outcome 已解决, no reason, ¥115,000 recovered for the 13 workers (pre-filled).
    d.press("Right Tab Tab 115,000 Tab Tab 包工头已付清");
    d.press("C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    let (status, wages, workers): (String, i64, i64) = d
        .app
        .store
        .conn()
        .query_row(
            "SELECT status, wages_recovered_fen, workers_covered FROM referral",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), wages, workers),
        ("closed", 11_500_000, 13)
    );
    // The open queue is empty now; the closed list shows it with its outcome and history.
    assert!(d.app.referrals.rows.is_empty());
    d.press("u u u u u");
    assert_eq!(d.app.referrals.rows.len(), 1);
    insta::assert_snapshot!("referral_closed", d.screen());

    // The visit itself shows where it was routed.
    d.press("F2 S-Tab Enter");
    let screen = d.screen();
    assert!(screen.contains("转介(1)"), "{screen}");
    assert!(
        screen.contains("职工法律援助(代拟文书、代理诉讼与仲裁) · 已办结"),
        "{screen}"
    );
}

#[test]
fn a_handover_waits_for_the_other_officer_to_take_it_at_the_desk() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    // 王建国 joins the roster (F8), then 李梅 comes back on duty.
    d.press("F8 王建国 Tab Right Right C-s F8 李梅 C-s");
    assert_eq!(d.app.officer.as_ref().unwrap().name, "李梅");
    d.press("F2 S-Tab C-t");
    d.press("Tab Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM referral"),
        1,
        "{:?}",
        d.app.status
    );
    d.press("F3 t");
    assert!(matches!(d.app.modal, Some(Modal::RefDialog(_))));
    d.press("C-s");
    let r = d.app.referrals.selected().unwrap().clone();
    assert_eq!(r.owner_name, "李梅");
    assert_eq!(r.pending_owner_name.as_deref(), Some("王建国"));
    assert!(d.screen().contains("李梅→王建国"));

    // 王建国 takes the desk and the referral.
    d.press("F8 王建国 C-s F3 t");
    assert!(matches!(d.app.modal, Some(Modal::Confirm(_))));
    assert!(d.screen().contains("李梅把“张三"), "{}", d.screen());
    d.press("y");
    let r = d.app.referrals.selected().unwrap().clone();
    assert_eq!(
        (r.owner_name.as_str(), r.pending_owner_id),
        ("王建国", None)
    );
    // "Mine" now shows it for 王建国.
    d.press("m");
    assert_eq!(d.app.referrals.rows.len(), 1);
}

#[test]
fn a_referral_is_declined_for_a_reason_from_the_list_and_its_history_and_the_list_say_which() {
    let (dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    d.press("F2 S-Tab C-t Tab Right C-s F3 x");
    assert!(matches!(d.app.modal, Some(Modal::RefDialog(_))));
    // A note alone declines nothing: the reason comes from the list.
    d.press("Tab 缺少劳动合同和考勤记录 C-s");
    assert!(matches!(d.app.modal, Some(Modal::RefDialog(_))));
    assert_eq!(referral_status(&d), "sent");
    assert!(d.screen().contains("退回须选择理由"), "{}", d.screen());
    // With the note kept, 材料不全 is chosen from the list.
    d.press("Right Right C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    let (status, code, note): (String, String, String) = d
        .app
        .store
        .conn()
        .query_row(
            "SELECT status, decline_code, decline_reason FROM referral",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), code.as_str(), note.as_str()),
        ("declined", "incomplete", "缺少劳动合同和考勤记录")
    );
    // The declined view: the record and its history give the reason and the note.
    d.press("u u u");
    assert_eq!(d.app.referrals.rows.len(), 1);
    let screen = d.screen();
    assert!(
        screen.contains("退回理由    材料不全 · 缺少劳动合同和考勤记录"),
        "{screen}"
    );
    assert!(
        screen.contains("李梅 退回 待受理 → 已退回 · 材料不全 · 缺少劳动合同和考勤记录"),
        "{screen}"
    );
    drop(d);
    // In English, the same reason in English words.
    let mut d = Desk::ready(&db, Lang::En);
    d.press("F3 u u u");
    let screen = d.screen();
    assert!(
        screen.contains("declined Sent → Declined · Documents incomplete · 缺少劳动合同和考勤记录"),
        "{screen}"
    );
    drop(d);
    // The list for scripts: the code, its words and the note.
    let out = common::dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["referrals", "list", "--all", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let r = &list[0];
    assert_eq!(r["decline_reason"], "incomplete", "{r}");
    assert_eq!(r["decline_reason_label"], "材料不全");
    assert_eq!(r["decline_note"], "缺少劳动合同和考勤记录");
    let table = common::dutydesk(dir.path())
        .arg("--db")
        .arg(&db)
        .args(["referrals", "list", "--all", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(table.contains("退回理由"), "{table}");
    assert!(
        table.contains("材料不全 · 缺少劳动合同和考勤记录"),
        "{table}"
    );
}

#[test]
fn an_overdue_referral_is_red_and_first_and_counted_on_the_tab() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    let store = &mut d.app.store;
    let visit: String = store
        .conn()
        .query_row("SELECT id FROM visit", [], |r| r.get(0))
        .unwrap();
    let service: String = store
        .conn()
        .query_row(
            "SELECT id FROM service WHERE source_id = 'JOBS-01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (station, officer) = (
        store.station().unwrap().unwrap().id,
        store.current_officer().unwrap().unwrap().id,
    );
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    for days in [6, 0, -4] {
        let n = dutydesk::store::NewReferral {
            visit_id: visit.clone(),
            service_id: service.clone(),
            consent: true,
            consent_override: String::new(),
            note: String::new(),
            urgency: dutydesk::domain::lists::Urgency::Normal,
            due_on: today + chrono::Duration::days(days),
            job_id: None,
        };
        store
            .create_referral(&n, &station, &officer, Utc::now())
            .unwrap();
    }
    d.press("F3");
    let buf = dutydesk::ui::draw(&mut d.app, &mut d.term)
        .unwrap()
        .buffer
        .clone();
    let row_text = |y: u16| row_text(&buf, y);
    let rows: Vec<u16> = (0..buf.area.height)
        .filter(|y| row_text(*y).contains("春风送岗位"))
        .collect();
    assert_eq!(rows.len(), 4, "three in the queue, one in the detail panel");
    let first = row_text(rows[0]);
    assert!(first.contains("逾期4天"), "overdue first: {first}");
    assert!(row_text(rows[1]).contains("今日到期"));
    let cell_of = |y: u16, sym: &str| {
        (0..buf.area.width)
            .find(|x| buf[(*x, y)].symbol() == sym)
            .unwrap()
    };
    let x = cell_of(rows[0], "逾");
    assert_eq!(buf[(x, rows[0])].fg, ratatui::style::Color::Red);
    let x = cell_of(rows[1], "今");
    assert_eq!(buf[(x, rows[1])].fg, ratatui::style::Color::Yellow);
    assert!(row_text(0).contains("转介办理(3·逾期1)"), "{}", row_text(0));
}

fn load_jobs(store: &mut Store) {
    let jobs =
        dutydesk::import::jobs::parse_csv(dutydesk::demo::DEMO_JOBS, "demo_jobs.csv").unwrap();
    store.upsert_jobs(&jobs, Utc::now()).unwrap();
}

/// A desk with the demo openings indexed and a job seeker's visit just saved, in their words.
fn job_seeker_saved(name: &str, request: &str) -> (tempfile::TempDir, Desk) {
    let (dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    load_jobs(&mut d.app.store);
    d.app.build_job_index_now().unwrap();
    // Down to the category and along to 求职, then on to the request.
    d.press(&format!(
        "{name} Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right Right Right Right Right"
    ))
    .press(&format!("Tab Tab Tab Tab {request} C-s"));
    (dir, d)
}

#[test]
fn the_work_and_district_a_job_seeker_names_rank_first_and_the_key_gives_the_plain_list_back() {
    let (_dir, mut d) = job_seeker_saved("周强", "会开叉车,想在城东找叉车司机的活,工资五千以上");
    d.press("F4");
    let idx = d.app.jobs.index.clone().unwrap();
    let hits = d.app.jobs.hits.clone();
    let [title, _, district, _] = idx.fields_of(hits[0].line);
    assert_eq!((title, district), ("叉车司机", "城东区"));
    // Then the forklift drivers elsewhere, before any other work in 城东.
    let drivers = hits
        .iter()
        .take_while(|h| idx.fields_of(h.line)[0] == "叉车司机")
        .count();
    assert_eq!(drivers, 12, "every open forklift opening in the demo data");
    let status = d.said().to_string();
    assert!(status.contains("叉车司机 · 城东区 · ≥¥5000"), "{status}");
    assert_eq!(
        idx.wish_marks(hits[0].line, d.app.jobs.wish.as_ref().unwrap()),
        vec![0, 1, 2, 3]
    );

    // Typing searches as usual; clearing the line brings the ranking back.
    d.press("Tab Tab Tab Tab Tab Tab Tab baojie");
    assert!(!d.screen().contains("按意愿排序 · 前"));
    assert!(idx.fields_of(d.app.jobs.hits[0].line)[0].contains("保洁"));
    d.press("BS BS BS BS BS BS");
    assert_eq!(d.app.jobs.hits, hits);

    // The key again: the plain list, newest first.
    d.press("C-o");
    assert!(d.app.jobs.wish.is_none());
    assert!(!d.screen().contains("按意愿排序 · 前"));
    assert!(d.app.jobs.hits.iter().all(|h| h.score == 0));
    assert!(d.said().contains("不再按意愿排序"));
}

#[test]
fn a_job_seeker_is_matched_referred_to_an_opening_and_marked_placed() {
    // 孙立 asks for temporary work with room and board, at least two thousand a month.
    let (_dir, mut d) = job_seeker_saved("孙立", "农闲外出务工,想找包吃住的临时工作,月薪两千以上");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        1,
        "{:?}",
        d.app.status
    );

    d.press("F4");
    let screen = d.screen();
    let pane = &d.app.jobs;
    assert_eq!(pane.for_visit.as_ref().unwrap().name, "孙立");
    // A job seeker's openings come ranked by their wish, with nothing filtered out: those
    // with room and board, temporary and paying enough first, then those meeting less.
    let status = d.said().to_string();
    assert!(status.contains("按孙立的意愿排序"), "{status}");
    assert!(status.contains("包吃 · 包住 · 临时 · ≥¥2000"), "{status}");
    assert_eq!(pane.form.get("meals"), "");
    let idx = pane.index.clone().unwrap();
    assert_eq!(pane.hits.len(), 50);
    let meets_all = |line: u32| {
        let b = idx.benefits_of(line);
        b.meals
            && b.housing
            && idx.employment_type_of(line) == dutydesk::domain::job::EmploymentType::Temporary
            && idx.wage_month_of(line).is_some_and(|w| w >= 2000)
    };
    let first_short = pane.hits.iter().position(|h| !meets_all(h.line)).unwrap();
    assert!(first_short > 0, "{:?}", idx.fields_of(pane.hits[0].line));
    assert!(pane.hits[first_short..].iter().all(|h| !meets_all(h.line)));
    assert!(pane.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(screen.contains("按意愿排序 · 前"), "{screen}");

    // Pinyin initials put the tea pickers first (looser matches after); highlighted.
    d.press("ccg");
    let hits = d.app.jobs.hits.clone();
    let titles: Vec<&str> = hits.iter().map(|h| idx.fields_of(h.line)[0]).collect();
    let tea = titles.iter().take_while(|t| **t == "采茶工").count();
    assert!(tea > 0, "{titles:?}");
    assert!(!titles[tea..].contains(&"采茶工"), "{titles:?}");
    assert_eq!(idx.highlights(hits[0].line, "ccg"), vec![0, 1, 2]);
    insta::assert_snapshot!("job_lookup", without_timings(&d.screen()));

    // Placing before referring is refused; refer (the visitor agrees), then place.
    d.press("C-p");
    assert!(d.said().contains("还没有推荐"));
    d.press("C-t");
    assert!(matches!(d.app.modal, Some(Modal::Confirm(_))));
    d.press("y");
    let job_id = d.app.jobs.detail.as_ref().unwrap().id.clone();
    let (kind, status, linked): (String, String, String) = d
        .app
        .store
        .conn()
        .query_row("SELECT kind, status, job_id FROM referral", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((kind.as_str(), status.as_str()), ("jobs", "sent"));
    assert_eq!(linked, job_id);
    // Placing closes a referral: it is asked first, and `n` changes nothing.
    d.press("C-p");
    assert!(matches!(d.app.modal, Some(Modal::Confirm(_))));
    d.press("n");
    assert_eq!(referral_status(&d), "sent");
    d.press("C-p y");
    let (status, placed): (String, String) = d
        .app
        .store
        .conn()
        .query_row("SELECT status, placed_job FROM referral", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(status, "closed");
    assert!(placed.starts_with("采茶工 · "), "{placed}");
    assert!(d.said().contains("已记录:孙立在采茶工"));
}

/// The summary of the one visit saved.
fn saved_summary(d: &Desk) -> String {
    d.app
        .store
        .conn()
        .query_row("SELECT summary FROM visit", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_full_disk_refuses_the_save_plainly_and_keeps_what_was_typed() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    let summary = "包工头失联,工地拖欠两个月工资。".repeat(200);
    d.press("王秀英 Tab 13912345678 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right")
        .press(&format!("Tab Tab Tab Tab {summary}"));
    // The disk fills: the file may not grow by a page (and has no free page left inside:
    // the draft written while typing may have freed some).
    d.app.store.conn().execute_batch("VACUUM").unwrap();
    let pages = count(&d.app.store, "PRAGMA page_count");
    d.app
        .store
        .conn()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    d.press("C-s");
    let said = d.said().to_string();
    assert!(said.contains("磁盘已满"), "{said}");
    assert!(said.contains("已填内容都保留着"), "{said}");
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 0);
    assert_eq!(d.field("name"), "王秀英");
    assert_eq!(d.field("summary"), summary);

    // Space is freed: the same keystroke saves everything that was typed.
    d.app
        .store
        .conn()
        .pragma_update(None, "max_page_count", 1_000_000)
        .unwrap();
    d.press("C-s");
    assert!(d.said().contains("已保存"));
    assert_eq!(saved_summary(&d), summary);
}

fn events(store: &Store, action: &str) -> Vec<(String, String)> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT o.name, e.detail FROM event e JOIN officer o ON o.id = e.officer_id
             WHERE e.action = ?1 ORDER BY e.at",
        )
        .unwrap();
    stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_returning_visitors_numbers_stay_masked_until_the_audited_key_shows_them() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("Tab 138001 C-r");
    assert_eq!(d.field("phone"), "13800138000");
    // Back up to the phone field: focus alone does not show the number.
    d.press("S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab");
    assert_eq!(d.app.intake.form.focused_id(), "phone");
    let screen = d.screen();
    assert!(screen.contains("138****8000"), "{screen}");
    assert!(!screen.contains("13800138000") && !screen.contains(ZHANG_ID));
    assert!(events(&d.app.store, "revealed").is_empty());

    // The deliberate key shows both, and the audit log says who and when.
    d.press("C-u");
    let screen = d.screen();
    assert!(
        screen.contains("13800138000") && screen.contains(ZHANG_ID),
        "{screen}"
    );
    assert!(d.said().contains("已记入审计日志"));
    assert_eq!(
        events(&d.app.store, "revealed"),
        vec![("李梅".to_string(), "电话、身份证号".to_string())]
    );

    // The visit's record, opened from today's list, masks again until the key; its
    // history shows each time the numbers were shown.
    d.press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s S-Tab Enter");
    let screen = d.screen();
    assert!(screen.contains("138****8000") && !screen.contains("13800138000"));
    d.press("C-u");
    let screen = d.screen();
    assert!(
        screen.contains("13800138000") && screen.contains(ZHANG_ID),
        "{screen}"
    );
    assert!(screen.contains("李梅 查看完整电话、身份证号"), "{screen}");
    assert_eq!(events(&d.app.store, "revealed").len(), 2);
    // Append-only: the history cannot be rewritten, even with plain SQL.
    let tampered = d.app.store.conn().execute("DELETE FROM event", []);
    assert!(tampered.is_err());
}

#[test]
fn typing_over_a_hidden_number_replaces_it_and_the_change_is_audited_masked() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("Tab 138001 C-r")
        .press("S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab");
    // Typing into the masked number starts a new one: nobody edits digits they cannot see.
    d.press("13912345678");
    assert_eq!(d.field("phone"), "13912345678");
    assert_eq!(d.field("id_number"), ZHANG_ID, "the other stays as it was");
    d.press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    // Saving changes a returning visitor's record: the change is shown first, masked.
    assert!(
        matches!(d.app.modal, Some(Modal::Confirm(_))),
        "{:?}",
        d.app.status
    );
    assert!(
        d.screen().contains("电话:138****8000 → 139****5678"),
        "{}",
        d.screen()
    );
    d.press("y");
    assert!(d.said().contains("已保存"), "{:?}", d.app.status);
    let updated = events(&d.app.store, "updated");
    assert_eq!(
        updated,
        vec![(
            "李梅".to_string(),
            "电话:138****8000 → 139****5678".to_string()
        )]
    );
    assert!(
        events(&d.app.store, "revealed").is_empty(),
        "nothing was shown"
    );
}

#[test]
fn a_ten_megabyte_paste_is_cut_to_the_fields_limit_and_said_so() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("王秀英 Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right Tab Tab Tab Tab");
    assert_eq!(d.app.intake.form.focused_id(), "summary");
    let huge = "工地拖欠工资。".repeat(10 * 1024 * 1024 / 21);
    d.app.handle_paste(&huge);
    let kept = d.field("summary").chars().count();
    assert_eq!(kept, dutydesk::ui::form::MAX_FIELD_CHARS);
    let said = d.said().to_string();
    assert!(said.contains("粘贴内容过长,已截去"), "{said}");
    // The screen still draws, and what was kept saves.
    assert!(d.screen().contains("工地拖欠工资"));
    d.press("C-s");
    assert!(d.said().contains("已保存"));
    assert_eq!(saved_summary(&d).chars().count(), kept);
}

/// Opens a dialog, fills it, then presses Tab ten times and Enter ten times: nothing is
/// committed and the dialog stays open; `C-s` commits.
fn only_save_commits(
    d: &mut Desk,
    open: &str,
    fill: &str,
    what: &str,
    done: &dyn Fn(&Desk) -> bool,
) {
    d.press(open);
    assert!(
        d.app.modal.is_some(),
        "{what}: the dialog opens ({:?})",
        d.app.status
    );
    assert!(!done(d), "{what}: not committed before");
    d.press(fill);
    for key in ["Tab", "Enter"] {
        for _ in 0..10 {
            d.press(key);
        }
        assert!(d.app.modal.is_some(), "{what}: {key} closed the dialog");
        assert!(!done(d), "{what}: {key} committed the dialog");
    }
    d.press("C-s");
    assert!(
        d.app.modal.is_none(),
        "{what}: C-s saves ({:?})",
        d.app.status
    );
    assert!(done(d), "{what}: C-s committed ({:?})", d.app.status);
}

fn referral_status(d: &Desk) -> String {
    d.app
        .store
        .conn()
        .query_row("SELECT status FROM referral", [], |r| r.get(0))
        .unwrap_or_default()
}

#[test]
fn no_dialog_commits_on_tab_or_enter_only_on_its_save_key() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    only_save_commits(&mut d, "F8", "王建国 Tab Right Right", "setup", &|d| {
        d.app.officer.as_ref().is_some_and(|o| o.name == "王建国")
    });
    d.press("F8 李梅 C-s");
    only_save_commits(&mut d, "F2 S-Tab C-t", "Tab Right", "route", &|d| {
        count(&d.app.store, "SELECT count(*) FROM referral") == 1
    });
    only_save_commits(
        &mut d,
        "F3 x",
        "Right Right Tab 缺劳动合同",
        "decline",
        &|d| referral_status(d) == "declined",
    );
    // Declined, it has left the open queue: cycle the status filter to reach it.
    let reach = |d: &mut Desk| {
        for _ in 0..10 {
            if d.app.referrals.selected().is_some() {
                return;
            }
            d.press("u");
        }
        panic!("the referral is in no status view");
    };
    reach(&mut d);
    only_save_commits(&mut d, "o", "来访人补齐了材料", "reopen", &|d| {
        referral_status(d) != "declined"
    });
    reach(&mut d);
    only_save_commits(&mut d, "t", "", "hand over", &|d| {
        count(
            &d.app.store,
            "SELECT count(*) FROM referral WHERE pending_owner_id IS NOT NULL",
        ) == 1
    });
    // Taken back (refused by the other officer is not needed: the owner closes it).
    d.press("F8 王建国 C-s F3");
    reach(&mut d);
    d.press("t n F8 李梅 C-s F3");
    reach(&mut d);
    d.press("a s");
    only_save_commits(
        &mut d,
        "c",
        "Right Tab Tab 115,000 Tab Tab 包工头已付清",
        "close",
        &|d| referral_status(d) == "closed",
    );
    only_save_commits(
        &mut d,
        "F5 w",
        "Right Right Right Tab 周一回访张三",
        "log entry",
        &|d| {
            count(
                &d.app.store,
                "SELECT count(*) FROM log_entry WHERE kind = 'todo'",
            ) == 1
        },
    );
    save_visit(
        &mut d,
        "王秀英",
        dutydesk::domain::lists::Category::Insurance,
    );
    d.press("v");
    only_save_commits(
        &mut d,
        "d",
        "Tab 讲解了补缴办法",
        "disposition",
        &|d| {
            count(
                &d.app.store,
                "SELECT count(*) FROM visit WHERE disposition = 'on_spot'",
            ) == 1
        },
    );
    only_save_commits(&mut d, "s", "张三的案子已办结", "sign-off", &|d| {
        count(
            &d.app.store,
            "SELECT count(*) FROM shift WHERE closed_at IS NOT NULL",
        ) == 1
    });
}

#[test]
fn confirm_answers_are_keys_of_the_keymap_and_can_be_rebound() {
    let (dir, db) = fresh_db();
    let user = dir.path().join("keys.toml");
    std::fs::write(&user, "[confirm]\nj = \"yes\"\nk = \"no\"\n").unwrap();
    {
        Desk::ready(&db, Lang::Zh);
    }
    let store = Store::open(&db).unwrap();
    let keymap = Keymap::with_user_file(&user).unwrap();
    let app = App::new(store, Lang::Zh, keymap, clock()).unwrap();
    let mut d = Desk {
        app,
        term: Terminal::new(TestBackend::new(110, 30)).unwrap(),
    };
    d.press("张三 C-q");
    assert!(matches!(d.app.modal, Some(Modal::Confirm(_))));
    d.press("k");
    assert!(d.app.modal.is_none() && !d.app.should_quit, "k answers no");
    d.press("C-q j");
    assert!(d.app.should_quit, "j answers yes");
}

fn roles(store: &Store) -> Vec<(String, String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT name, role, affiliation FROM officer ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn f8_picks_from_the_roster_and_never_rewrites_a_colleagues_role() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    {
        let st = d.app.station.clone().unwrap();
        d.app
            .store
            .officer_or_add(&st, "赵敏", Role::SocialWorker, "社区社工站", Utc::now())
            .unwrap();
    }
    let before = roles(&d.app.store);
    // Typed initials narrow the roster; ↓ picks 赵敏 with her own role and affiliation.
    d.press("F8 zm");
    let screen = d.screen();
    assert!(screen.contains("赵敏  社工 · 社区社工站"), "{screen}");
    assert!(!screen.contains("李梅  工会干部"), "narrowed: {screen}");
    d.press("Down C-s");
    assert_eq!(d.app.officer.as_ref().unwrap().name, "赵敏");
    // And back to 李梅 by her name: neither entry changed.
    d.press("F8 李梅 C-s");
    assert_eq!(d.app.officer.as_ref().unwrap().name, "李梅");
    assert_eq!(roles(&d.app.store), before, "no role rewritten by a switch");
    assert_eq!(events(&d.app.store, "updated").len(), 0);

    // A change of role is an explicit act: the fields show her entry, the officer changes
    // one and saves; it is logged before → after and said.
    d.press("F8 赵敏 Tab Left C-s");
    assert!(d.said().contains("已更改"), "{}", d.said());
    let changed = events(&d.app.store, "updated");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.contains("社工 →"), "{changed:?}");
    // A new name joins the roster, logged as added.
    d.press("F8 孙立 C-s");
    assert!(d.said().contains("已加入名册"), "{}", d.said());
    assert_eq!(roles(&d.app.store).len(), 3);
}

#[test]
fn the_morning_shift_stays_readable_and_correctable_after_the_afternoon_shift_opens() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    // Morning: 李梅 writes a note and signs off with a handover note.
    d.press("F5 w Right Right Tab 上午接到区总工会通知 C-s");
    d.press("v s 下午请跟进区总工会的通知 C-s");
    assert!(d.said().contains("已签结"), "{}", d.said());
    // Afternoon, the same day: 王建国 opens his shift.
    d.press("F8 王建国 C-s F5 w Right Right Tab 下午开始值班 C-s");
    let afternoon = d.app.log.shift.clone().unwrap();
    assert_eq!(afternoon.opened_by, "王建国");
    // `[` is the morning shift, not yesterday: its entries and its handover note.
    d.press("[");
    let screen = d.screen();
    assert!(
        screen.contains("往班(只读)") && screen.contains("李梅 开班"),
        "{screen}"
    );
    assert!(screen.contains("上午接到区总工会通知"), "{screen}");
    assert!(screen.contains("下午请跟进区总工会的通知"), "{screen}");
    assert!(!screen.contains("下午开始值班"), "{screen}");
    // An addendum to it is written in the afternoon shift, about the morning one.
    d.press("a 上午漏记一通来电 C-s");
    let morning = d.app.log.past.clone().unwrap();
    assert_eq!(
        count(
            &d.app.store,
            &format!(
                "SELECT count(*) FROM log_entry WHERE kind = 'addendum' AND about = '{}' AND shift_id = '{}'",
                morning.id, afternoon.id
            )
        ),
        1,
        "{:?}",
        d.app.status
    );
    // `]` comes back to the open shift.
    d.press("]");
    assert_eq!(d.app.log.view, dutydesk::panes::log::LogView::Shift);
    assert!(d.screen().contains("下午开始值班"));
}

#[test]
fn a_disposition_can_be_corrected_until_sign_off_and_the_change_is_recorded() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    save_visit(
        &mut d,
        "王秀英",
        dutydesk::domain::lists::Category::Insurance,
    );
    d.press("F5 v d Tab 讲解了补缴办法 C-s");
    let review = d.app.log.review.clone().unwrap();
    assert!(review.unreconciled.is_empty());
    // Still listed, with what was recorded; `d` on it corrects it.
    let screen = d.screen();
    assert!(screen.contains("当场答复:讲解了补缴办法"), "{screen}");
    d.press("d");
    let Some(Modal::LogDialog(dialog)) = &d.app.modal else {
        panic!("the disposition dialog opens: {:?}", d.app.status);
    };
    assert_eq!(
        dialog.form.get("text"),
        "讲解了补缴办法",
        "it starts from what was recorded"
    );
    // Changed to 无需处理, the old words cleared: a word why is asked for.
    d.press("Right Tab Backspace Backspace Backspace Backspace Backspace Backspace Backspace");
    d.press("C-s");
    assert!(d.app.modal.is_some(), "无需处理 needs a word why");
    d.press("打错电话 C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    let (disp, note): (String, String) = d
        .app
        .store
        .conn()
        .query_row("SELECT disposition, disposition_note FROM visit", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(disp, "no_action");
    assert_eq!(note, "打错电话");
    let history = events(&d.app.store, "disposition");
    assert_eq!(history.len(), 2);
    assert!(
        history[1]
            .1
            .starts_with("当场答复 讲解了补缴办法 → 无需处理"),
        "{history:?}"
    );
    // Once signed off, the record is sealed: no more corrections.
    d.press("s 交班 C-s");
    assert!(d.said().contains("已签结"), "{}", d.said());
    let (visit, officer) = (
        d.app
            .store
            .conn()
            .query_row("SELECT id FROM visit", [], |r| r.get::<_, String>(0))
            .unwrap(),
        d.app.officer.clone().unwrap().id,
    );
    let refused = d.app.store.set_disposition(
        &visit,
        dutydesk::domain::shift::Disposition::OnSpot,
        "",
        &officer,
        Utc::now(),
    );
    assert!(
        refused.is_err(),
        "a sealed visit's disposition is not changed"
    );
}

#[test]
fn one_workers_follow_up_visits_count_once_toward_a_collective_wage_case() {
    let (_dir, db) = fresh_db();
    // 李四 comes twice about 城西建筑公司 (his ID number makes him the same person);
    // 王五 once: two people, not three.
    {
        let mut d = Desk::ready(&db, Lang::Zh);
        for (name, id) in [
            ("李四", "110101198001010029"),
            ("李四", "110101198001010029"),
            ("王五", "110101198505050032"),
        ] {
            d.press(name)
                .press("Tab Tab")
                .press(id)
                .press("Tab Tab 城西建筑公司 Tab Tab Tab Tab Tab Tab Right C-s");
            assert!(d.said().contains("已保存"), "{}", d.said());
        }
        assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 3);
        assert_eq!(
            count(&d.app.store, "SELECT count(DISTINCT visitor_id) FROM visit"),
            2
        );
    }
    let mut d = Desk::ready(&db, Lang::Zh);
    // 王五 again: still two people, no flag.
    d.press("王五 Tab Tab 110101198505050032 Tab Tab 城西建筑公司 Tab Tab Tab Tab Tab Tab Right");
    let note = d.app.intake.form.field("employer").note.clone();
    assert!(note.is_none(), "a follow-up is not a new worker: {note:?}");
    // A third person makes it a possible collective case.
    d.press("C-n y 赵六 Tab Tab Tab Tab 城西建筑公司 Tab Tab Tab Tab Tab Tab Right");
    assert_eq!(d.field("name"), "赵六");
    let note = d.app.intake.form.field("employer").note.clone();
    assert!(
        note.as_deref().unwrap_or("").contains("已有2人"),
        "{note:?}"
    );
}

#[test]
fn the_list_selection_stays_on_its_visit_when_a_new_one_is_saved() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    for name in ["甲一", "乙二"] {
        d.press(name)
            .press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    }
    // Today's list, newest first: 乙二, 甲一. Choose 甲一, then take the next visitor.
    d.press("S-Tab Down");
    let chosen = d.app.intake.visible_today(Lang::Zh)[d.app.intake.list_sel]
        .id
        .clone();
    assert_eq!(
        d.app.intake.visible_today(Lang::Zh)[d.app.intake.list_sel].visitor_name,
        "甲一"
    );
    d.press("Tab 丙三 Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert!(d.said().contains("已保存"), "{}", d.said());
    let now_on = d.app.intake.visible_today(Lang::Zh)[d.app.intake.list_sel]
        .id
        .clone();
    assert_eq!(
        now_on, chosen,
        "still on 甲一, not on whoever moved into its row"
    );
}

/// The screen's last three rows (where a wrapped status message may be), joined, without
/// spaces: what the status line says, whichever row each part landed on.
fn status_rows(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(3)..]
        .join("")
        .split_whitespace()
        .collect()
}

#[test]
fn at_80_columns_a_status_message_is_shown_whole() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    d.press("王秀英 Tab Tab Tab Tab 宏达制衣厂 Tab Tab Tab Tab Tab Tab Right C-s");
    let said = d.said().to_string();
    assert!(said.starts_with("已保存"), "{said}");
    let screen = d.screen();
    // The status rows, joined: every character of the message is there, in order.
    let bottom = status_rows(&screen);
    let whole: String = said.split_whitespace().collect();
    assert!(bottom.contains(&whole), "{said:?} not whole in:\n{screen}");
    // A message longer than a row wraps onto the next instead of being cut.
    d.app.status = Some(dutydesk::app::Status {
        text: "另一台值班台已把这条转介改为“已办结”(李梅 10:31),你的更改没有保存;队列已显示最新状态,请看过再操作".into(),
        kind: dutydesk::app::StatusKind::Error,
    });
    let screen = d.screen();
    let rows = status_rows(&screen);
    assert!(
        rows.contains("你的更改没有保存;队列已显示最新状态,请看过再操作"),
        "{screen}"
    );
}

#[test]
fn an_id_number_that_belongs_to_someone_else_never_renames_them() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    let name_of_owner = |d: &Desk| -> String {
        d.app
            .store
            .conn()
            .query_row(
                "SELECT name FROM visitor WHERE id_number = ?1",
                [ZHANG_ID],
                |r| r.get(0),
            )
            .unwrap()
    };
    // A new visitor typed with 张三's ID number: the desk stops and says whose it is.
    d.press("李小龙 Tab Tab")
        .press(ZHANG_ID)
        .press("Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert!(
        matches!(d.app.modal, Some(Modal::Confirm(_))),
        "{:?}",
        d.app.status
    );
    let question = d.app.intake.pending_save.as_ref().unwrap().question.clone();
    assert!(
        question.contains("张*") && question.contains("李小龙"),
        "{question}"
    );
    assert!(
        !question.contains("张三"),
        "the owner's name is masked: {question}"
    );
    assert!(d.screen().contains("3301**********1234"), "{}", d.screen());
    // n: re-check the number; nothing written, the field says why.
    d.press("n");
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 1);
    assert_eq!(d.app.intake.form.focused_id(), "id_number");
    assert_eq!(name_of_owner(&d), "张三");
    // y: it is that person — the visit goes to 张三, whose name stays.
    d.press("C-s y");
    if matches!(d.app.modal, Some(Modal::Confirm(_))) {
        assert!(d.screen().contains("姓名仍为“张三”"), "{}", d.screen());
        d.press("y");
    }
    assert!(d.said().contains("已保存"), "{:?}", d.app.status);
    assert_eq!(name_of_owner(&d), "张三", "never renamed by a save");
    assert_eq!(
        count(
            &d.app.store,
            &format!(
                "SELECT count(*) FROM visit t JOIN visitor v ON v.id = t.visitor_id WHERE v.id_number = '{ZHANG_ID}'"
            )
        ),
        2
    );
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visitor"), 1);
}

#[test]
fn a_stale_form_never_overwrites_another_desks_change_to_a_person() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut a = Desk::ready(&db, Lang::Zh);
    let mut b = Desk::ready(&db, Lang::Zh);
    // Desk A fills its form from 张三's record.
    a.press("Tab 138001 C-r");
    assert!(a.app.intake.picked.is_some());
    // Desk B changes his phone and saves.
    b.press("Tab 138001 C-r S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab S-Tab")
        .press("13912345678 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s y");
    assert!(b.said().contains("已保存"), "{:?}", b.app.status);
    // Desk A saves its visit: refused, told what the other desk changed; the phone stays.
    a.press("Tab Right C-s");
    if matches!(a.app.modal, Some(Modal::Confirm(_))) {
        a.press("y");
    }
    let said = a.said().to_string();
    assert!(
        said.contains("另一台值班台") && said.contains("139****5678"),
        "{said}"
    );
    let phone: String = a
        .app
        .store
        .conn()
        .query_row("SELECT phone FROM visitor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(phone, "+8613912345678");
    assert_eq!(
        count(&a.app.store, "SELECT count(*) FROM visit"),
        2,
        "A wrote nothing"
    );
}

#[test]
fn a_saved_visit_is_corrected_on_the_record_with_a_reason_and_a_sealed_one_by_addendum() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("王秀英 Tab Tab Tab Tab 宏达制衣厂 Tab Tab Tab Tab Tab Tab Right C-s");
    assert!(d.said().contains("已保存"), "{}", d.said());
    // Her record (Enter in today's list), `e`: the visit and the person in the form.
    d.press("S-Tab Enter e");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    assert_eq!(d.field("name"), "王秀英");
    assert!(d.screen().contains("更正记录"), "{}", d.screen());
    // The name was misheard and the request is about a contract: corrected, with a reason.
    d.press("Backspace Backspace Backspace 王秀瑛");
    d.press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert!(
        matches!(d.app.modal, Some(Modal::LogDialog(_))),
        "the reason is asked"
    );
    d.press("C-s");
    assert!(
        matches!(d.app.modal, Some(Modal::LogDialog(_))),
        "a reason is required"
    );
    d.press("登记时听错了名字,类别选错 C-s");
    assert!(d.said().starts_with("已更正"), "{}", d.said());
    let (name, category): (String, String) = d
        .app
        .store
        .conn()
        .query_row(
            "SELECT v.name, t.category FROM visit t JOIN visitor v ON v.id = t.visitor_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(name, "王秀瑛");
    assert_ne!(category, "wage_arrears");
    let corrected = events(&d.app.store, "corrected");
    assert_eq!(
        corrected.len(),
        2,
        "the visit and the person: {corrected:?}"
    );
    assert!(corrected.iter().any(|(_, t)| t.contains("姓名:王秀英 → 王秀瑛")
        && t.contains("原因:登记时听错了名字")));
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        1,
        "no new visit"
    );
    // The record's history shows it.
    d.press("S-Tab Enter");
    assert!(d.screen().contains("王秀瑛"), "{}", d.screen());
    d.press("Esc");

    // Signed off, the visit is sealed: a correction becomes an addendum in the next shift.
    d.press("F5 v d Tab 已答复 C-s s 交班 C-s F2 S-Tab Enter e");
    d.press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab 补充:已带合同原件 C-s");
    d.press("补记合同情况 C-s");
    assert!(d.said().contains("补记"), "{}", d.said());
    assert_eq!(
        count(
            &d.app.store,
            "SELECT count(*) FROM log_entry WHERE kind = 'addendum'"
        ),
        1
    );
    let summary: String = d
        .app
        .store
        .conn()
        .query_row("SELECT summary FROM visit", [], |r| r.get(0))
        .unwrap();
    assert!(
        !summary.contains("已带合同原件"),
        "the sealed visit itself is unchanged"
    );
    assert!(d.app.store.check().unwrap().ok(), "the seal holds");
}

#[test]
fn ctrl_c_asks_like_the_quit_key_and_page_down_in_help_moves_a_page() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("张三 C-c");
    assert!(
        matches!(d.app.modal, Some(Modal::Confirm(_))),
        "Ctrl-C asks first"
    );
    d.press("n");
    assert!(!d.app.should_quit);
    d.press("F1");
    d.screen();
    d.press("PageDown");
    let Some(Modal::Help { scroll }) = d.app.modal else {
        panic!("help is open");
    };
    // The help overlay at 30 rows shows 26 lines: a page is 25 of them, not 10.
    assert_eq!(scroll, 25);
}

/// At 80×24 the help overlay says it has more pages and which key turns them; PageDown
/// reaches the last page (the arbitration rule's last line) and stops there, never on
/// blank rows past the end.
#[test]
fn help_pages_through_to_its_end_at_80x24() {
    for lang in [Lang::Zh, Lang::En] {
        let (_dir, db) = fresh_db();
        let mut d = Desk::ready(&db, lang);
        d.resize(80, 24);
        d.press("F1");
        let first = d.screen();
        let (more, end) = match lang {
            Lang::Zh => ("第1/", "页 · 完"),
            Lang::En => ("page 1/", " · end"),
        };
        assert!(
            first.contains(more) && first.contains("PageDown"),
            "{first}"
        );
        let last_line = dutydesk::ui::arbitration::help_lines(lang).last().unwrap();
        let mut pages = 1;
        while !d.screen().contains(end) {
            d.press("PageDown");
            pages += 1;
            assert!(pages < 20, "PageDown never reaches the end");
        }
        let screen = d.screen();
        assert!(screen.contains(last_line.trim()), "{screen}");
        for _ in 0..3 {
            d.press("PageDown");
        }
        assert_eq!(d.screen(), screen, "PageDown past the end moves nothing");
        d.press("PageUp");
        assert!(!d.screen().contains(end));
    }
}

/// The service chosen in the route dialog is the one referred to, whatever is typed in
/// the note or the reason after choosing it (typing once sent the choice back to the top
/// of the list, and the referral to another service).
#[test]
fn typing_a_note_keeps_the_service_chosen_in_the_route_dialog() {
    let (_dir, mut d) = group_case_in_route_dialog(Lang::Zh);
    assert!(route(&d).visible().len() > 2, "a list to choose from");
    d.press("Down Down");
    let chosen = route(&d).selected().unwrap().id.clone();
    assert_ne!(chosen, route(&d).visible()[0].id);
    // Consent, then the note typed in.
    d.press("Tab Right Tab Tab Tab 周一带齐材料");
    assert_eq!(
        route(&d).selected().unwrap().id,
        chosen,
        "still the one chosen"
    );
    d.press("C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    let service: String = d
        .app
        .store
        .conn()
        .query_row("SELECT service_id FROM referral", [], |r| r.get(0))
        .unwrap();
    assert_eq!(service, chosen);
}

/// At 80×24 the chosen service's facts run below its box: the border says so, and
/// PageDown shows the rest (its hours and status) without leaving the service, saving
/// anything or moving the choice; another service starts at its top.
#[test]
fn page_down_shows_the_rest_of_the_chosen_service_in_the_route_dialog_at_80x24() {
    let (_dir, mut d) = group_case_in_route_dialog(Lang::Zh);
    d.resize(80, 24);
    let chosen = route(&d).selected().unwrap().clone();
    assert!(!chosen.hours.is_empty(), "a service with its hours");
    let first = d.screen();
    assert!(first.contains("第1/"), "the border counts pages:\n{first}");
    let last_of = |screen: &str| screen.contains("办公时间");
    assert!(
        !last_of(&first),
        "the hours lie below the box at first:\n{first}"
    );
    for _ in 0..3 {
        d.press("PageDown");
    }
    let turned = d.screen();
    assert!(last_of(&turned), "PageDown shows the hours:\n{turned}");
    assert!(turned.contains("完"), "the last page says so:\n{turned}");
    assert_eq!(
        route(&d).selected().unwrap().id,
        chosen.id,
        "still the one chosen"
    );
    let referrals: i64 = d
        .app
        .store
        .conn()
        .query_row("SELECT count(*) FROM referral", [], |r| r.get(0))
        .unwrap();
    assert_eq!(referrals, 0, "turning a page refers no one");
    d.press("PageUp PageUp PageUp");
    assert!(!last_of(&d.screen()), "PageUp goes back to the top");
    d.press("PageDown Down");
    assert_ne!(route(&d).selected().unwrap().id, chosen.id);
    let other = route(&d).selected().unwrap().name.clone();
    assert_eq!(
        route(&d).service_scroll(),
        0,
        "another service starts at its top"
    );
    assert!(
        d.screen().contains(other.as_str()),
        "another service shows from its name"
    );
}

/// A resolved referral takes no "why not resolved" reason (the dialog once saved 已解决 ·
/// 来访人撤回); reopened, its last closing is shown as that, not as its outcome.
#[test]
fn a_resolved_closing_takes_no_reason_and_a_reopened_referral_shows_its_last_closing() {
    let (_dir, mut d) = group_case_in_route_dialog(Lang::Zh);
    d.press("Tab Right C-s F3 a s c");
    // 已解决, with a reason: refused, nothing closed.
    d.press("Right Tab Right C-s");
    assert!(
        matches!(d.app.modal, Some(Modal::RefDialog(_))),
        "still open"
    );
    assert!(
        d.screen().contains("已解决的转介没有未解决原因"),
        "{}",
        d.screen()
    );
    assert_eq!(referral_status(&d), "in_progress");
    // Back to 无: it closes.
    d.press("Left C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    assert_eq!(referral_status(&d), "closed");
    // The queue shows open referrals: `u` turns to the closed ones.
    for _ in 0..6 {
        if d.app.referrals.selected().is_some() {
            break;
        }
        d.press("u");
    }
    assert!(d.screen().contains("办理结果"), "{}", d.screen());
    d.press("o 材料补齐后再办 C-s");
    assert_eq!(referral_status(&d), "in_progress");
    for _ in 0..7 {
        if d.app.referrals.selected().is_some() {
            break;
        }
        d.press("u");
    }
    let screen = d.screen();
    assert!(
        screen.contains("上次办结") && !screen.contains("办理结果"),
        "{screen}"
    );
}

/// On an English desk a referral's history says its closing in English (it read
/// "closed In progress → Closed · 部分解决 · 追回工资¥30,000"): the closing is kept as a
/// fact beside the words earlier versions stored.
#[test]
fn an_english_desk_reads_a_closing_in_its_history_in_english() {
    let (_dir, mut d) = group_case_in_route_dialog(Lang::En);
    d.press("Tab Right C-s F3 a s c");
    // Partly resolved, ¥30,000 recovered.
    d.press("Right Right Tab Tab 30000 C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    assert_eq!(referral_status(&d), "closed");
    for _ in 0..6 {
        if d.app.referrals.selected().is_some() {
            break;
        }
        d.press("u");
    }
    let detail = d
        .app
        .referrals
        .detail
        .clone()
        .expect("the closed referral's detail");
    let closed = detail
        .history
        .iter()
        .find(|e| e.action == "closed")
        .expect("a closing in the history");
    let words = dutydesk::panes::referrals::view::event_words(closed, Lang::En);
    assert!(words.contains("Partly resolved"), "{words}");
    assert!(words.contains("wages recovered ¥30,000"), "{words}");
    assert!(
        !words.contains("部分解决") && !words.contains("追回"),
        "{words}"
    );
    let zh = dutydesk::panes::referrals::view::event_words(closed, Lang::Zh);
    assert!(
        zh.contains("部分解决") && zh.contains("追回工资¥30,000"),
        "{zh}"
    );
}

/// A desk (in `lang`) with 张三's group wage case saved and its route dialog open.
fn group_case_in_route_dialog(lang: Lang) -> (tempfile::TempDir, Desk) {
    let (dir, db) = fresh_db();
    seed_arrears(&db, "城西建筑公司");
    let mut d = Desk::ready(&db, lang);
    load_directory(&mut d.app.store);
    d.press("张三 Tab Tab Tab Tab 城西建筑公司 Tab Tab Tab Tab Tab Tab Right")
        .press("Tab 13 Tab 11.5万 Tab Right Tab 工地拖欠两个月工资 C-s C-t");
    (dir, d)
}

/// The route dialog's state, when it is open.
fn route(d: &Desk) -> &dutydesk::panes::referrals::RouteDialog {
    match &d.app.modal {
        Some(Modal::Route(r)) => r,
        other => panic!(
            "the route dialog is not open: {other:?} / {:?}",
            d.app.status
        ),
    }
}

/// `dutydesk ARGS` on the desk's database, its output as text.
fn cli(db: &std::path::Path, args: &[&str]) -> String {
    let home = db.parent().unwrap();
    let out = common::dutydesk(home)
        .arg("--db")
        .arg(db)
        .args(args)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn a_service_the_directory_lacks_is_added_in_the_route_dialog_and_outlives_an_import() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    // No directory yet: the route dialog opens all the same and says what can be done.
    d.press("S-Tab Enter C-t");
    assert!(route(&d).services.is_empty());
    assert!(d.screen().contains("服务目录是空的"));
    d.press("Esc");
    load_directory(&mut d.app.store);
    let before = d.app.store.services(None).unwrap().len();

    // The agency the officer knows is not in the directory: nothing matches, C-a adds it.
    d.press("C-t 城西劳动保障监察大队");
    assert!(route(&d).visible().is_empty());
    assert!(d.screen().contains("没有相符的服务"));
    d.press("C-a");
    assert!(route(&d).adding);
    assert_eq!(route(&d).form.get("new_name"), "城西劳动保障监察大队");
    // A phone is checked as the intake checks one: a landline needs its area code.
    d.press("区人力社保局 Tab 8765432 Tab 城西区文一路1号");
    insta::assert_snapshot!("route_add_service", d.screen());
    d.press("C-s");
    assert!(route(&d).adding, "a bad phone keeps the new service open");
    assert!(
        route(&d).form.field("new_phone").error.is_some(),
        "{:?}",
        d.app.status
    );
    assert_eq!(d.app.store.services(None).unwrap().len(), before);
    assert!(d.said().contains("未保存"), "{}", d.said());
    // The cursor is back in the phone: it is typed again with its area code.
    d.press("Backspace Backspace Backspace Backspace Backspace Backspace Backspace")
        .press("0571-87654321 C-s");
    let r = route(&d);
    assert!(!r.adding, "{:?}", d.app.status);
    let added = r.selected().cloned().expect("the new service is chosen");
    assert_eq!(added.name, "城西劳动保障监察大队");
    assert!(added.added_here);
    assert_eq!(added.contact, "057187654321");
    assert!(d.said().contains("已新增本站服务"), "{}", d.said());
    // Who added it and when is in the history; the phone is not.
    let created = events(&d.app.store, "created_here");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].0, "李梅");
    assert!(!created[0].1.contains("87654321"), "{:?}", created[0]);
    // Consent, then the visit is referred to it.
    d.press("Right C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
    let routed_to: String = d
        .app
        .store
        .conn()
        .query_row(
            "SELECT s.name FROM referral r JOIN service s ON s.id = r.service_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(routed_to, "城西劳动保障监察大队");

    // The next route finds it, marked as the station's own.
    save_visit(&mut d, "李四", dutydesk::domain::lists::Category::Contract);
    d.press("F2 S-Tab Home Enter C-t 劳动保障监察");
    let found: Vec<String> = route(&d).visible().iter().map(|s| s.name.clone()).collect();
    assert_eq!(found, ["城西劳动保障监察大队"]);
    assert!(d.screen().contains("[本站添加]"));
    // A service that matches is there to be chosen: C-a does not add a second one.
    d.press("C-a");
    assert!(!route(&d).adding);
    d.press("Esc");

    // A directory import afterwards updates its own services and leaves this one be.
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo_directory.csv");
    let said = cli(&db, &["import", "directory", fixture]);
    assert!(said.contains("新增0项"), "{said}");
    let kept = d
        .app
        .store
        .service(&added.id)
        .unwrap()
        .expect("still there");
    assert_eq!(kept, added);
    let listed: serde_json::Value =
        serde_json::from_str(&cli(&db, &["directory", "list", "--format", "json"])).unwrap();
    let ours: Vec<&serde_json::Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["added_here"] == "本站添加")
        .collect();
    assert_eq!(ours.len(), 1, "{listed:#}");
    assert_eq!(ours[0]["name"], "城西劳动保障监察大队");
    assert_eq!(ours[0]["source_id"], "");
    assert!(cli(&db, &["directory", "list"]).contains("本站添加"));
}

/// The report of the desk's day (2026-11-22) as JSON.
fn day_report(db: &std::path::Path) -> serde_json::Value {
    let out = cli(db, &["report", "--date", "2026-11-22", "--format", "json"]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_follow_up_visit_is_linked_to_its_case_and_counted_as_a_follow_up_not_a_new_request() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    // 张三's wage case goes to legal aid.
    d.press("S-Tab Enter C-t 代理 Tab Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM referral"),
        1,
        "{}",
        d.said()
    );
    let case: String = d
        .app
        .store
        .conn()
        .query_row("SELECT id FROM referral", [], |r| r.get(0))
        .unwrap();

    // He comes back about it: found by phone, and saving asks whether this is that case.
    d.press("F2 Tab 138001 C-r Tab Right C-s");
    assert!(
        matches!(
            d.app.modal,
            Some(Modal::Confirm(dutydesk::app::Confirm::FollowUp))
        ),
        "{:?} / {}",
        d.app.modal,
        d.said()
    );
    insta::assert_snapshot!("follow_up_question", d.screen());
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM visit"),
        1,
        "nothing written yet"
    );
    d.press("y");
    assert!(d.said().contains("回访"), "{}", d.said());
    let linked: Vec<Option<String>> = {
        let mut stmt = d
            .app
            .store
            .conn()
            .prepare("SELECT follows_referral FROM visit ORDER BY visited_at, rowid")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(linked, [None, Some(case.clone())]);
    // The referral itself is unchanged; its history has the visit.
    assert_eq!(referral_status(&d), "sent");
    let version: i64 = d
        .app
        .store
        .conn()
        .query_row("SELECT version FROM referral", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    d.press("F3");
    let screen = d.screen();
    assert!(screen.contains("李梅 回访"), "{screen}");
    // The visit record says which case it followed.
    d.press("F2 S-Tab Home Enter");
    let screen = d.screen();
    assert!(
        screen.contains("回访") && screen.contains("欠薪 → 职工法律援助"),
        "{screen}"
    );
    d.press("Esc");

    // One person, one case: the collective count sees one worker, not two.
    let since = chrono::Utc::now() - chrono::Duration::days(3650);
    assert_eq!(
        d.app
            .store
            .wage_workers_of_employer("城西建筑公司", since, None)
            .unwrap(),
        1
    );

    // The review counts one new request and one follow-up.
    d.press("F5 v");
    let review = &d.app.log.review.as_ref().unwrap().totals;
    assert_eq!((review.visits, review.follow_ups), (2, 1));
    let arrears: i64 = review
        .by_category
        .iter()
        .filter(|(c, _)| *c == dutydesk::domain::lists::Category::WageArrears)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(arrears, 1, "the follow-up is no new arrears request");
    assert!(d.screen().contains("新诉求 1 · 回访 1"), "{}", d.screen());
    d.press("Esc");
    let report = day_report(&db);
    assert_eq!(report["visits"], 2);
    assert_eq!(report["follow_ups"], 1);
    assert_eq!(report["new_requests"], 1);
    assert_eq!(report["by_category"]["wage_arrears"], 1);
    assert_eq!(report["workers_in_visits"], 1);

    // Another visit, answered "a new request": saved as today, no link, counted as new.
    d.press("F2 Tab 138001 C-r Tab Right C-s");
    assert!(matches!(d.app.modal, Some(Modal::Confirm(_))));
    d.press("n");
    assert!(d.app.modal.is_none(), "{}", d.said());
    assert!(d.said().contains("老来访人"), "{}", d.said());
    assert_eq!(
        count(
            &d.app.store,
            "SELECT count(*) FROM visit WHERE follows_referral IS NULL"
        ),
        2
    );
    let report = day_report(&db);
    assert_eq!(
        (
            &report["visits"],
            &report["follow_ups"],
            &report["new_requests"]
        ),
        (&3.into(), &1.into(), &2.into())
    );
    assert_eq!(report["by_category"]["wage_arrears"], 2);

    // Esc goes back to the form with nothing written.
    d.press("F2 Tab 138001 C-r Tab Right C-s Esc");
    assert!(d.app.modal.is_none());
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 3);
    assert_eq!(d.field("name"), "张三");
}

#[test]
fn with_several_open_cases_the_officer_picks_which_one_a_follow_up_is_about() {
    let (_dir, db) = fresh_db();
    seed_zhang(&db);
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    // Two referrals of his: legal aid, then (routed second) a hardship service.
    d.press("S-Tab Enter C-t 代理 Tab Right C-s");
    d.press("F2 S-Tab Enter C-t S-Tab Right Right Tab Tab Right C-s");
    assert_eq!(
        count(&d.app.store, "SELECT count(*) FROM referral"),
        2,
        "{}",
        d.said()
    );
    let first: String = d
        .app
        .store
        .conn()
        .query_row(
            "SELECT id FROM referral ORDER BY created_at, rowid LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    d.press("F2 Tab 138001 C-r Tab Right C-s");
    let Some(pending) = &d.app.intake.pending_save else {
        panic!("a question is pending: {}", d.said());
    };
    assert_eq!(pending.cases.len(), 2);
    // Newest first; Down chooses the older one, the legal case.
    d.press("Down");
    assert!(d.screen().contains("选择哪一件"));
    d.press("y");
    let linked: String = d
        .app
        .store
        .conn()
        .query_row(
            "SELECT follows_referral FROM visit WHERE follows_referral IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, first);
}

#[test]
fn at_80_columns_the_tab_bar_names_every_pane_and_the_queue_counts() {
    for (lang, last, late, title) in [
        (Lang::Zh, "日志", "逾期", "职工服务站值班台"),
        (Lang::En, "log", "late", "Duty desk"),
    ] {
        let (_dir, db) = fresh_db();
        {
            let mut store = Store::open(&db).unwrap();
            dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), Utc::now()).unwrap();
        }
        let mut d = Desk::open(&db, lang);
        for width in [80, 200] {
            d.term = Terminal::new(TestBackend::new(width, 24)).unwrap();
            let screen = d.screen();
            let top = screen.lines().next().unwrap().trim_end();
            // The last tab is whole: nothing was cut at the edge.
            assert!(top.ends_with(last), "{width} cols: {top:?}");
            for key in ["F2", "F3", "F4", "F5"] {
                assert!(top.contains(key), "{width} cols: {top:?}");
            }
            assert!(top.contains(late), "the queue's counts: {top:?}");
            // The title is what goes first when the bar is short of room.
            assert_eq!(top.contains(title), width == 200, "{width} cols: {top:?}");
        }
    }
}

#[test]
fn the_demo_visitor_is_found_by_the_last_four_digits_of_their_phone() {
    let (_dir, db) = fresh_db();
    {
        let mut store = Store::open(&db).unwrap();
        dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), Utc::now()).unwrap();
    }
    let mut d = Desk::ready(&db, Lang::Zh);
    // 张三 of the demo ledger: 13800138000. The officer asks for the last four digits.
    d.press("Tab 8000");
    let found: Vec<(&str, dutydesk::store::MatchedBy)> = d
        .app
        .intake
        .matches
        .iter()
        .map(|m| (m.visitor.name.as_str(), m.matched_by))
        .collect();
    assert_eq!(found, [("张三", dutydesk::store::MatchedBy::PhoneTail)]);
    let screen = d.screen();
    assert!(screen.contains("张三  138****8000 尾号"), "{screen}");
    // Three digits are no tail: nobody's number starts with 800.
    d.press("BS");
    assert!(d.app.intake.matches.is_empty());
    // Typed from the start, the same person is found without the tail mark.
    d.press("BS BS BS 1380013");
    assert_eq!(d.app.intake.matches.len(), 1);
    assert_eq!(
        d.app.intake.matches[0].matched_by,
        dutydesk::store::MatchedBy::Start
    );
    assert!(!d.screen().contains("尾号"));
}

/// A wage visit typed with its arbitration facts (the job ended on `ended`, or goes on
/// when `None`), saved and routed to legal aid.
fn wage_visit_routed(d: &mut Desk, name: &str, ended: Option<&str>) {
    d.press(name)
        .press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right")
        .press("Tab Tab Tab Tab 拖欠工资 Tab");
    assert_eq!(d.app.intake.form.focused_id(), "employment");
    match ended {
        Some(day) => d.press("Right Right Tab").press(day),
        None => d.press("Right"),
    };
    d.press("C-s");
    assert!(d.said().starts_with("已保存"), "{}", d.said());
    d.press("C-t 代理 Tab Right C-s");
    assert!(d.app.modal.is_none(), "{:?}", d.app.status);
}

#[test]
fn a_wage_claim_shows_its_arbitration_date_and_one_near_it_tops_the_referral_queue() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    load_directory(&mut d.app.store);
    // Today is 2026-11-22. Still employed: no limit. The job ended 300 days ago
    // (2026-01-26): the last day is 2027-01-26, 65 days on. 310 days ago (2026-01-16):
    // 2027-01-16, 55 days on — within the 60-day warning.
    wage_visit_routed(&mut d, "李四", None);
    wage_visit_routed(&mut d, "张三", Some("2026-01-26"));
    // The visit record says the date and where it is counted from.
    d.press("S-Tab Enter");
    let screen = d.screen();
    assert!(screen.contains("离职日期    2026-01-26"), "{screen}");
    assert!(
        screen.contains("仲裁时效    2027-01-26前申请仲裁(余65天;自离职之日2026-01-26起一年)"),
        "{screen}"
    );
    // Corrected on the record (`e`), the facts come back into the form as saved.
    d.press("e");
    assert_eq!(d.field("employment"), "ended");
    assert_eq!(d.field("employment_ended_on"), "2026-01-26");
    assert!(d.app.intake.form.field("employment_ended_on").shown);
    d.press("Esc");
    assert!(d.app.intake.correcting.is_none());
    wage_visit_routed(&mut d, "王五", Some("2026-01-16"));
    let last_days: Vec<Option<String>> = {
        let mut stmt = d
            .app
            .store
            .conn()
            .prepare("SELECT arbitration_last_day FROM visit ORDER BY rowid")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        last_days,
        [None, Some("2027-01-26".into()), Some("2027-01-16".into())]
    );

    // F3: 王五's case, 55 days from its last day, comes first, in its own colour, though
    // routed last; 张三's (65 days) and 李四's keep the due-date order.
    d.press("F3");
    let names: Vec<&str> = d
        .app
        .referrals
        .rows
        .iter()
        .map(|r| r.visitor_name.as_str())
        .collect();
    assert_eq!(names, ["王五", "李四", "张三"]);
    let screen = d.screen();
    let buf = d.term.backend().buffer().clone();
    let row_of = |name: &str| {
        (0..buf.area.height)
            .find(|&y| row_text(&buf, y).contains(&format!("{name} ")))
            .unwrap()
    };
    let colour_at = |y: u16| buf[(3, y)].fg;
    assert_eq!(
        colour_at(row_of("王五")),
        dutydesk::ui::arbitration::CLOSING,
        "{screen}"
    );
    assert_ne!(
        colour_at(row_of("张三")),
        dutydesk::ui::arbitration::CLOSING
    );
    assert!(screen.contains("时效余55天"), "{screen}");
    // The detail of the selected (first) referral says the date.
    assert!(
        screen.contains("仲裁时效    2027-01-16前申请仲裁(余55天;自离职之日2026-01-16起一年)"),
        "{screen}"
    );
    // In English too.
    d.app.lang = Lang::En;
    let screen = d.screen();
    assert!(
        screen.contains(
            "apply by 2027-01-16 (55 days left; a year from the job's end on 2026-01-16)"
        ),
        "{screen}"
    );
}

#[test]
fn the_queue_sizes_its_columns_for_the_language_and_keeps_the_amount_at_80_columns() {
    let (_dir, db) = fresh_db();
    {
        let mut store = Store::open(&db).unwrap();
        dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), Utc::now()).unwrap();
    }
    // English at 160 columns: the labels whole, not cut to the Chinese widths.
    let mut d = Desk::open(&db, Lang::En);
    d.term = Terminal::new(TestBackend::new(160, 30)).unwrap();
    let screen = d.press("F3").screen();
    for whole in [
        "In progress",
        "Wage arrears",
        "Labour contract",
        "Legal aid",
    ] {
        assert!(screen.contains(whole), "{whole}:\n{screen}");
    }
    // At 80 columns the group case's workers and amount still show: the kind goes first.
    let mut d = Desk::open(&db, Lang::Zh);
    d.term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let screen = d.press("F3").screen();
    assert!(screen.contains("13人 ¥115,000"), "{screen}");
    assert!(
        !screen.contains("类别 "),
        "the kind column is the first to go:\n{screen}"
    );
}

#[test]
fn a_choice_field_in_the_intake_form_takes_typing() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    // 诉求类别 is the eleventh field: qx is 欠薪 by its pinyin initials.
    d.press("李华 Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab q x");
    assert_eq!(d.field("category"), "wage_arrears", "{}", d.screen());
    // … and the form asks what a wage claim needs, as when the choice is cycled.
    assert!(d.screen().contains("在职状态"), "{}", d.screen());
    // The occupation by the start of its full pinyin: bao → 保安.
    d.press("S-Tab S-Tab S-Tab S-Tab S-Tab b a o");
    assert_eq!(d.field("occupation"), "security", "{}", d.screen());
}

#[test]
fn at_80x24_the_arbitration_facts_are_asked_only_for_the_requests_they_decide() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    // 求职 (the fifth choice): nothing asked; Tab from the summary leaves the form.
    d.press("赵六 Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right Right Right Right Right");
    assert!(!d.screen().contains("在职状态"));
    d.press("Tab Tab Tab Tab Tab");
    assert_eq!(
        d.app.intake.focused_field(),
        None,
        "past the summary is the list"
    );
    // 劳动合同: employment and the learned-of date; the end date once it ended.
    d.press("S-Tab");
    for _ in 0..4 {
        d.press("S-Tab");
    }
    assert_eq!(d.app.intake.form.focused_id(), "category");
    d.press("Left Left Left");
    assert_eq!(d.field("category"), "contract");
    d.press("Tab Tab Tab Tab Tab");
    assert_eq!(d.app.intake.form.focused_id(), "employment");
    assert!(!d.screen().contains("离职日期"));
    d.press("Right Right Tab 2026-01-10 Tab 2025-12-20");
    let screen = d.screen();
    // The last field is on screen, with the limit beside it (a year from 2025-12-20).
    assert!(
        screen.contains("在职状态   已离职  至2026-12-20仅余28天"),
        "{screen}"
    );
    assert!(screen.contains("离职日期   2026-01-10"), "{screen}");
    assert!(screen.contains("知悉日期   2025-12-20"), "{screen}");
    // A date after today is refused at the field.
    d.press("BS 3 Tab");
    d.press("S-Tab BS BS BS BS BS BS BS BS BS BS 2026-12-01 C-s");
    assert_eq!(d.app.intake.form.focused_id(), "learned_on");
    assert!(d.said().contains("知悉日期"), "{}", d.said());
    assert_eq!(count(&d.app.store, "SELECT count(*) FROM visit"), 0);
}

#[test]
fn an_english_desk_says_what_a_correction_changed_in_english() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::En);
    d.press("王秀英 Tab Tab Tab Tab 宏达制衣厂 Tab Tab Tab Tab Tab Tab Right C-s");
    d.press("S-Tab Enter e");
    d.press("Backspace Backspace Backspace 王秀瑛");
    d.press("Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    d.press("登记时听错了名字 C-s");
    let said = d.said().to_string();
    assert!(said.starts_with("Corrected: "), "{said}");
    assert!(said.contains("Name: 王秀英 → 王秀瑛"), "{said}");
    assert!(said.contains("Request: "), "{said}");
    for chinese in ["姓名", "诉求类别", "已更正"] {
        assert!(!said.contains(chinese), "{chinese} in {said}");
    }
}

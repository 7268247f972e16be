//! F5 follows the file (issue 18): what another process or desk writes to the daily log
//! appears in an open desk's F5 on its next tick, without a restart, as F3 and F4 do —
//! and the selection stays on the entry it was on. Driven by key scripts through `App`,
//! as tests/jobs_desk.rs does.

use dutydesk::i18n::Lang;
use dutydesk::store::Store;

mod common;
#[path = "common/desk.rs"]
mod desk;
use desk::{Desk, fresh_db};

/// A jobs CSV of two openings, as an officer would import.
const TWO_OPENINGS: &str = "编号,岗位,单位,区域,工资,福利,用工类型,状态
T-1,焊工学徒,城北焊接厂,城北区,4500,包吃住,全职,招聘中
T-2,面点师,城北面馆,城北区,5200,包吃,全职,招聘中
";

/// `dutydesk import jobs FILE --db DB` in a process of its own.
fn import_jobs_elsewhere(dir: &std::path::Path, db: &std::path::Path) {
    let file = dir.join("openings.csv");
    std::fs::write(&file, TWO_OPENINGS).unwrap();
    let out = common::process(dir)
        .args(["import", "jobs"])
        .arg(&file)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

/// The selected entry's line as the desk shows it.
fn selected_line(d: &Desk) -> String {
    d.app
        .log
        .selected()
        .map(|e| e.line(d.app.lang).to_string())
        .unwrap_or_default()
}

#[test]
fn an_import_by_another_process_appears_in_an_open_f5_on_the_next_tick() {
    for (lang, imported) in [
        (Lang::Zh, "导入岗位:新增 2 条"),
        (Lang::En, "Job openings imported: 2 new"),
    ] {
        let (dir, db) = fresh_db();
        let mut d = Desk::ready(&db, lang);
        // A visit opens the shift; a to-do is written in it.
        d.press("周强 Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Right Right Right Right Right C-s");
        d.press("F5 w Right Right Right Tab 周一回访周强 C-s");
        d.app.tick();
        let todo = d
            .app
            .log
            .visible()
            .iter()
            .position(|e| e.text.contains("周一回访周强"))
            .expect("the to-do is in the timeline");
        d.app.log.sel = todo;
        let before = d.app.log.visible().len();
        assert!(!d.screen().contains(imported), "{}", d.screen());

        import_jobs_elsewhere(dir.path(), &db);
        d.app.tick();
        let screen = d.screen();
        assert!(screen.contains(imported), "{lang:?}:\n{screen}");
        assert_eq!(d.app.log.visible().len(), before + 1);
        // The newest entry is listed first: the selection moved down with its entry.
        assert!(
            selected_line(&d).contains("周一回访周强"),
            "{lang:?}: the selection left its entry for {:?}",
            selected_line(&d)
        );
    }
}

#[test]
fn a_handover_signed_off_at_another_desk_appears_in_an_open_f5() {
    let (_dir, db) = fresh_db();
    let mut d = Desk::ready(&db, Lang::Zh);
    d.press("F5");
    d.app.tick();
    assert!(d.app.log.handover.is_none());
    // Another desk on the same file: 王建国 logs a to-do and signs off with a note.
    {
        let mut other = Store::open(&db).unwrap();
        let station = other.station().unwrap().unwrap();
        let wang = other
            .officer_or_add(
                &station,
                "王建国",
                dutydesk::domain::lists::Role::Volunteer,
                "司法所",
                desk::clock().now(),
            )
            .unwrap();
        let at = desk::clock().now() - chrono::Duration::hours(3);
        other
            .write_entry(
                &station.id,
                &wang.id,
                dutydesk::domain::shift::EntryKind::Todo,
                "下午回访刘洋",
                at,
            )
            .unwrap();
        let shift = other.current_shift(&station.id).unwrap().unwrap();
        other
            .sign_off(
                &shift.id,
                &wang.id,
                "刘洋的合同纠纷待下午回访",
                at + chrono::Duration::minutes(30),
            )
            .unwrap();
    }
    d.app.tick();
    assert!(
        d.app.log.handover.is_some(),
        "the handover waits to be taken"
    );
    let screen = d.screen();
    assert!(screen.contains("刘洋的合同纠纷待下午回访"), "{screen}");
    assert!(screen.contains("下午回访刘洋"), "{screen}");
}

/// `m` in F5 adds a person to the shift through its dialog: saved with C-s, they are on
/// the shift and the log says so (the dialog once crashed the desk on save: it read a text
/// field this dialog does not have).
#[test]
fn adding_a_person_to_the_shift_saves_them_in_either_language() {
    for (lang, said) in [(Lang::Zh, "已加入本班"), (Lang::En, "Now on the shift")] {
        let (_dir, db) = fresh_db();
        let mut d = Desk::ready(&db, lang);
        d.press("F5 m 陈律师 C-s");
        assert!(
            d.app.modal.is_none(),
            "the dialog closed: {:?}",
            d.app.status
        );
        assert!(d.said().contains(said), "{}", d.said());
        let shift = d.app.log.shift.as_ref().expect("a shift is open");
        assert!(
            shift.members.iter().any(|m| m.name == "陈律师"),
            "{:?}",
            shift.members
        );
        d.press("Esc");
        assert!(d.screen().contains("陈律师"));
    }
}

/// At 80 columns a log line too long for its row is shown whole under the list while it is
/// selected: a referral's line ends with what happened to it (sent, accepted, closed…),
/// which the row cuts off.
#[test]
fn the_selected_log_line_is_shown_whole_at_80_columns() {
    let (_dir, db) = fresh_db();
    {
        let mut store = Store::open(&db).unwrap();
        dutydesk::demo::seed(&mut store, dutydesk::app::china_zone(), desk::clock().now()).unwrap();
    }
    let mut d = Desk::open(&db, Lang::En);
    d.resize(80, 24);
    d.press("F5");
    for _ in 0..20 {
        if selected_line(&d).contains('→') {
            break;
        }
        d.press("Down");
    }
    let line = selected_line(&d);
    assert!(
        line.contains('→') && dutydesk::text::width(&line) > 40,
        "{line}"
    );
    let screen = d.screen();
    // The line's last word is on the screen, though its row is cut.
    let last = line.split_whitespace().last().unwrap();
    assert!(screen.contains(last), "{last:?} of {line:?}:\n{screen}");
    assert!(
        screen.lines().any(|l| l.contains("..")),
        "its row is cut:\n{screen}"
    );
}

/// A referral another station asked this one to take, received by a sync, is said in F3's
/// title until it is answered (`dutydesk referrals incoming` lists it), in either language.
#[test]
fn f3_says_when_another_stations_transfer_waits_on_an_answer() {
    for (lang, said) in [
        (Lang::Zh, "他站转来1件待答复"),
        (Lang::En, "1 transfer from other stations waiting"),
    ] {
        let (_dir, db) = fresh_db();
        let mut d = Desk::ready(&db, lang);
        d.press("F3");
        assert!(!d.screen().contains(said));
        d.app
            .store
            .conn()
            .execute(
                "INSERT INTO transfer_in (id, station_id, from_station_id, from_station, request,
                                          received_at)
                 SELECT 'req-1', id, 'st-a', '甲站', '{}', '2026-11-22T02:00:00Z' FROM station",
                [],
            )
            .unwrap();
        d.press("F2 F3");
        let screen = d.screen();
        assert!(screen.contains(said), "{screen}");
        d.app
            .store
            .conn()
            .execute(
                "UPDATE transfer_in SET status = 'refused', reason = '不在本站范围'",
                [],
            )
            .unwrap();
        d.press("F2 F3");
        assert!(!d.screen().contains(said));
    }
}

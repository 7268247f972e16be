//! Each desk has its own draft (issue 15, item 6), driven through the keys on a temp
//! database as tests/flows.rs does: one desk's save never touches another desk's typing, a
//! running desk's typing is never offered elsewhere, a gone desk's is offered once, naming
//! who typed it and when. (Killed desk processes: tests/durability.rs.)

use chrono::{TimeZone, Utc};
use dutydesk::app::{App, Clock, Confirm, Modal};
use dutydesk::domain::lists::Role;
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::keys_script::keys;
use dutydesk::store::Store;

/// 2026-11-22 10:30 in the station's zone.
fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap())
}

struct Desk {
    app: App,
}

impl Desk {
    /// A desk on a database whose station is set up, `officer` on duty.
    fn start(path: &std::path::Path, officer: &str, lang: Lang) -> Desk {
        {
            let store = Store::open(path).unwrap();
            let now = Utc::now();
            let st = match store.station().unwrap() {
                Some(st) => st,
                None => store.create_station("城西街道职工服务站", now).unwrap(),
            };
            let o = store
                .officer_or_add(&st, officer, Role::Cadre, "街道总工会", now)
                .unwrap();
            store.set_current_officer(&o).unwrap();
        }
        let store = Store::open(path).unwrap();
        let app = App::new(store, lang, Keymap::default_map(), clock()).unwrap();
        Desk { app }
    }

    fn press(&mut self, script: &str) -> &mut Self {
        for k in keys(script) {
            self.app.handle_key(k);
        }
        self
    }

    fn field(&self, id: &str) -> String {
        self.app.intake.form.get(id)
    }

    fn offered(&self) -> bool {
        matches!(self.app.modal, Some(Modal::Confirm(Confirm::RestoreDraft)))
    }

    fn count(&self, sql: &str) -> i64 {
        self.app
            .store
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }
}

/// Name, phone, and the first category: a complete intake, saved.
const SAVE_ZHANG: &str = "张三 Tab 13800138000 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s";

fn visits(d: &Desk) -> i64 {
    d.count("SELECT count(*) FROM visit")
}

#[test]
fn a_desks_save_leaves_another_desks_draft_and_a_running_desks_typing_is_offered_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let mut a = Desk::start(&db, "李梅", Lang::Zh);
    let mut b = Desk::start(&db, "赵敏", Lang::Zh);
    // B types a visitor; leaving the field writes B's draft.
    b.press("王秀英 Tab 139");
    // A types and saves its own visitor.
    a.press("张三 Tab");
    a.press("13800138000 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert_eq!(visits(&a), 1, "{:?}", a.app.status);
    assert_eq!(
        a.count("SELECT count(*) FROM desk_draft"),
        1,
        "A's save took A's draft only"
    );
    // A third desk, while B still runs, is offered nothing: B is typing.
    let c = Desk::start(&db, "陈静", Lang::Zh);
    assert!(!c.offered(), "a running desk's typing was offered");
    drop(c);
    // B goes on and saves what it typed: one visit each, nothing duplicated.
    b.press("1234 5678 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert_eq!(visits(&b), 2, "{:?}", b.app.status);
    assert_eq!(b.count("SELECT count(*) FROM desk_draft"), 0);
}

#[test]
fn a_gone_desks_draft_is_offered_once_naming_who_typed_it_and_when() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let mut a = Desk::start(&db, "李梅", Lang::Zh);
    {
        let mut b = Desk::start(&db, "赵敏", Lang::Zh);
        b.press("王秀英 Tab 139");
        // B stops here (a closed SSH link): its typing is written, nothing saved.
        b.app.save_draft_now();
    }
    // A, running all along, saves its own visit: B's draft stays.
    a.press(SAVE_ZHANG);
    assert_eq!(visits(&a), 1, "{:?}", a.app.status);
    assert_eq!(a.count("SELECT count(*) FROM desk_draft"), 1);

    // The next desk to start is offered B's typing, with who typed it and when.
    let mut c = Desk::start(&db, "陈静", Lang::Zh);
    assert!(c.offered());
    let q = c.app.restore_draft_question();
    assert!(
        q.contains("王秀英") && q.contains("赵敏") && q.contains("11-22 10:30"),
        "{q}"
    );
    assert!(q.contains("已不在运行"), "{q}");
    // Meanwhile another desk starts: the same draft is offered there too, until taken.
    let mut d = Desk::start(&db, "李梅", Lang::En);
    assert!(d.offered());
    let q = d.app.restore_draft_question();
    assert!(
        q.contains("typed by 赵敏") && q.contains("no longer running"),
        "{q}"
    );
    // C takes it; D's yes then restores nothing (no second copy of the visit).
    c.press("y");
    assert_eq!(c.field("name"), "王秀英");
    d.press("y");
    assert_eq!(d.field("name"), "", "restored twice");
    assert!(
        d.app
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains("Another desk restored")),
        "{:?}",
        d.app.status
    );
    // C finishes and saves it: B's typing became one visit, and no draft is left.
    c.press("Tab End 12345678 Tab Tab Tab Tab Tab Tab Tab Tab Tab Right C-s");
    assert_eq!(visits(&c), 2, "{:?}", c.app.status);
    assert_eq!(c.count("SELECT count(*) FROM desk_draft"), 0);
    drop((c, d));
    assert!(!Desk::start(&db, "李梅", Lang::Zh).offered());
}

#[test]
fn a_committed_save_takes_its_own_draft_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let mut a = Desk::start(&db, "李梅", Lang::Zh);
    a.press("张三 Tab");
    a.app.save_draft_now();
    assert_eq!(a.count("SELECT count(*) FROM desk_draft"), 1);
    // The save's own transaction deletes the draft: query the file before the desk does
    // anything after the commit.
    let desk = a.app.store.desk_id().unwrap().to_string();
    let intake = dutydesk::domain::intake::validate(&dutydesk::domain::intake::RawIntake {
        name: "张三".into(),
        category: Some(dutydesk::domain::lists::Category::WageArrears),
        ..Default::default()
    })
    .unwrap();
    let station = a.app.store.station().unwrap().unwrap();
    let officer = a.app.store.current_officer().unwrap().unwrap();
    a.app
        .store
        .save_intake(&intake, &station.id, &officer.id, Utc::now())
        .unwrap();
    let left: i64 = a
        .app
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM desk_draft WHERE desk_id = ?1",
            [&desk],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn declining_a_gone_desks_draft_discards_it_and_offers_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    // Two desks type at once, then both stop.
    let desks: Vec<Desk> = [("赵敏", "王秀英"), ("陈静", "刘建军")]
        .into_iter()
        .map(|(officer, name)| {
            let mut b = Desk::start(&db, officer, Lang::Zh);
            b.press(&format!("{name} Tab"));
            b
        })
        .collect();
    drop(desks);
    let mut c = Desk::start(&db, "李梅", Lang::Zh);
    assert!(c.app.restore_draft_question().contains("王秀英"));
    c.press("n");
    assert!(c.offered(), "the second gone desk's draft");
    assert!(c.app.restore_draft_question().contains("刘建军"));
    c.press("n");
    assert!(!c.offered());
    assert_eq!(c.count("SELECT count(*) FROM desk_draft"), 0);
    drop(c);
    assert!(!Desk::start(&db, "李梅", Lang::Zh).offered());
}

/// A draft from a desk whose process is gone from this machine (killed, a power cut) is
/// offered, though that desk never said it stopped; a desk on another machine that still
/// beats is not, one silent for longer than `STALE_AFTER` is.
#[test]
fn a_desk_whose_process_is_gone_or_whose_heartbeat_is_old_counts_as_gone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    let a = Desk::start(&db, "李梅", Lang::Zh);
    let host = a
        .app
        .store
        .conn()
        .query_row("SELECT host FROM desk", [], |r| r.get::<_, String>(0))
        .unwrap();
    // A process that has ended: its pid is free.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let now = Utc::now();
    let old = now - dutydesk::store::STALE_AFTER - chrono::TimeDelta::minutes(1);
    let ts = |t: chrono::DateTime<Utc>| dutydesk::store::ts(t);
    let conn = a.app.store.conn();
    for (id, host, pid, beat, name) in [
        ("killed", host.as_str(), dead_pid as i64, ts(now), "王秀英"),
        ("far-live", "另一台电脑", 1, ts(now), "刘建军"),
        ("far-silent", "另一台电脑", 1, ts(old), "陈小红"),
    ] {
        conn.execute(
            "INSERT INTO desk(id, host, pid, started_at, heartbeat_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            rusqlite::params![id, host, pid, beat],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO desk_draft(desk_id, form, data, saved_at) VALUES (?1, 'intake', ?2, ?3)",
            rusqlite::params![id, format!("{{\"name\":\"{name}\"}}"), beat],
        )
        .unwrap();
    }
    let names: Vec<String> = a
        .app
        .store
        .orphan_drafts("intake")
        .unwrap()
        .into_iter()
        .map(|d| d.values["name"].clone())
        .collect();
    assert_eq!(names, ["陈小红", "王秀英"]);
    let far = a
        .app
        .store
        .orphan_drafts("intake")
        .unwrap()
        .into_iter()
        .find(|d| d.desk_id == "far-silent")
        .unwrap();
    assert!(!far.on_this_host);
}

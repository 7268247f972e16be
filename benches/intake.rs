//! Intake figures from issue 2, on a database of 1,000,000 visits (generated once into
//! target/bench-data; set DUTYDESK_BENCH_VISITS for another size):
//! - start to first frame (open, migrate check, today's list, draw at 240×67)
//! - durable save of one intake (WAL, synchronous=FULL)
//! - returning-visitor lookup per keystroke (and by a phone's last four digits, 手机尾号)
//! - a full-screen redraw at 240×67 with Chinese text (issue 6's figure)
//!
//! Besides criterion's estimates, each figure prints p50/p99 from its own timed loop.

mod common;

use std::time::Duration;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use dutydesk::app::{App, Clock};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::Category;
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn database() -> std::path::PathBuf {
    let n = common::size("DUTYDESK_BENCH_VISITS", 1_000_000);
    common::database(&format!("visits-{n}"), |store| {
        store.fill_synthetic(n, 7, Utc::now()).unwrap()
    })
}

fn first_frame(db: &std::path::Path) {
    let store = Store::open(db).unwrap();
    let app = App::new(store, Lang::Zh, Keymap::default_map(), Clock::System).unwrap();
    let mut term = Terminal::new(TestBackend::new(240, 67)).unwrap();
    term.draw(|f| {
        dutydesk::ui::render(&app, f);
    })
    .unwrap();
}

fn bench(c: &mut Criterion) {
    // Each run on a fresh copy: the saves below would otherwise pile into the generated
    // file run after run (51,170 log lines in one day's shift after a day of runs, and the
    // save's median up from 1.0 to 1.9 ms).
    let db = common::scratch(&database(), "visits");
    common::percentiles("startup_to_first_frame", 200, |_| first_frame(&db));
    c.bench_function("startup_to_first_frame", |b| b.iter(|| first_frame(&db)));

    let mut store = Store::open(&db).unwrap();
    let station = store.station().unwrap().unwrap();
    let officer = store.current_officer().unwrap().unwrap();
    let intake = validate(&RawIntake {
        name: "张三".into(),
        phone: "13800138000".into(),
        category: Some(Category::WageArrears),
        summary: "工地拖欠工资".into(),
        ..Default::default()
    })
    .unwrap();
    common::percentiles("durable_save", 1000, |_| {
        store
            .save_intake(&intake, &station.id, &officer.id, Utc::now())
            .unwrap();
    });
    c.bench_function("durable_save", |b| {
        b.iter(|| {
            store
                .save_intake(&intake, &station.id, &officer.id, Utc::now())
                .unwrap()
        })
    });

    // A full redraw at 240×67 with Chinese text: the form filled, matches and today's list.
    {
        let store = Store::open(&db).unwrap();
        let mut app = App::new(store, Lang::Zh, Keymap::default_map(), Clock::System).unwrap();
        for k in dutydesk::keys_script::keys(
            "王 Tab 城西建筑公司的工地 Tab Tab Tab 恒通建设集团有限公司 Tab Tab 安徽省阜阳市临泉县 Tab Tab Tab Right Tab 13 Tab 11.5万 Tab Tab 工地拖欠两个月工资包工头失联十三名工人生活困难",
        ) {
            app.handle_key(k);
        }
        let mut term = Terminal::new(TestBackend::new(240, 67)).unwrap();
        common::percentiles("redraw_240x67", 2000, |_| {
            term.clear().unwrap();
            term.draw(|f| {
                dutydesk::ui::render(&app, f);
            })
            .unwrap();
        });
        c.bench_function("redraw_240x67", |b| {
            b.iter(|| {
                term.clear().unwrap();
                term.draw(|f| {
                    dutydesk::ui::render(&app, f);
                })
                .unwrap();
            })
        });
    }

    // What an officer types, one keystroke at a time.
    let typed = [
        "13",
        "138",
        "1380",
        "13800",
        "z",
        "zh",
        "zha",
        "wan",
        "wangf",
        "张",
        "王秀",
        "3301",
        "330102199",
        // The last digits of a phone (手机尾号): four and more also search the tails.
        "8000",
        "38000",
    ];
    common::percentiles("returning_lookup_per_keystroke", 200 * typed.len(), |i| {
        store.find_returning(typed[i % typed.len()], 6).unwrap();
    });
    common::percentiles("phone_tail_lookup_per_keystroke", 200 * 4, |i| {
        store
            .find_returning(["8000", "5678", "0013", "12345"][i % 4], 6)
            .unwrap();
    });
    for q in ["138", "zs", "wangf", "张", "330102", "8000"] {
        c.bench_function(&format!("returning_lookup/{q}"), |b| {
            b.iter(|| store.find_returning(q, 6).unwrap())
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);

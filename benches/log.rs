//! Daily-log figures from issue 5, on 1,000,000 visits over five years with 200,000
//! referrals, generated once into target/bench-data (DUTYDESK_BENCH_VISITS for another
//! size), copied to a scratch file each run so the shift written here never piles up:
//! - the end-of-shift review (F5 `v`): totals of a 30-visit shift, referral figures,
//!   the 30-day sparkline, reconciliation and carried to-dos, as the desk loads them
//! - the report for one month and for one year: totals, the overdue list, built and
//!   written as CSV in memory

mod common;

use chrono::{Datelike, Duration, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use dutydesk::app::{App, Clock, china_zone, day_start};
use dutydesk::config::Config;
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::Category;
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::panes::log::LogView;
use dutydesk::report::period;
use dutydesk::store::{Store, VisitScope};

fn database() -> std::path::PathBuf {
    let n = common::size("DUTYDESK_BENCH_VISITS", 1_000_000);
    let source = common::database(&format!("log-{n}"), |store| {
        let now = Utc::now();
        store.fill_synthetic(n, 5, now).unwrap();
        dutydesk::demo::ensure_directory(store, now).unwrap();
        store
            .fill_synthetic_referrals(n / 5, 5, now, &Config::default())
            .unwrap();
    });
    common::scratch(&source, "log")
}

fn report(store: &Store, from: NaiveDate, to: NaiveDate) -> usize {
    let zone = china_zone();
    let start = day_start(from, zone);
    let end_day = to + Duration::days(1);
    let end = day_start(end_day, zone);
    let t = store
        .totals(VisitScope::Between(start, end), start, end, end_day, true)
        .unwrap();
    let r = period::build("站", (from, to, end_day), &t, Lang::Zh, false);
    period::csv(&r).unwrap().len()
}

fn bench(c: &mut Criterion) {
    let db = database();
    let now = Utc::now();
    let mut store = Store::open(&db).unwrap();
    let station = store.station().unwrap().unwrap();
    let officer = store.current_officer().unwrap().unwrap();
    // A busy shift: 30 visits at the desk, a third of them already given a disposition.
    for i in 0..30 {
        let intake = validate(&RawIntake {
            name: format!("来访人{i}"),
            category: Some(<Category as dutydesk::domain::labels::Labeled>::ALL[i % 12]),
            summary: "咨询".into(),
            ..Default::default()
        })
        .unwrap();
        let saved = store
            .save_intake(&intake, &station.id, &officer.id, now)
            .unwrap();
        if i % 3 == 0 {
            store
                .set_disposition(
                    &saved.visit_id,
                    dutydesk::domain::shift::Disposition::OnSpot,
                    "",
                    &officer.id,
                    now,
                )
                .unwrap();
        }
    }
    let visits: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
        .unwrap();
    println!("database: {visits} visits");

    let mut app = App::new(store, Lang::Zh, Keymap::default_map(), Clock::Fixed(now)).unwrap();
    app.log.view = LogView::Review;
    app.reload_log().unwrap();
    let review = app.log.review.as_ref().unwrap();
    println!(
        "review: {} visits in the shift, {} to reconcile, {} days in the sparkline",
        review.totals.visits,
        review.unreconciled.len(),
        review.visits_30d.len()
    );
    common::percentiles("end_of_shift_review", 500, |_| app.reload_log().unwrap());
    c.bench_function("end_of_shift_review", |b| {
        b.iter(|| app.reload_log().unwrap())
    });

    let today = now.with_timezone(&china_zone()).date_naive();
    // Today's log as F5 lists a day with no shift open (`entries_between`; issue 15's
    // migration 22 reads it by shift rather than through an index of every line by time).
    let day_from = day_start(today, china_zone());
    common::percentiles("day_log", 500, |_| {
        app.store
            .entries_between(day_from, day_from + Duration::days(1))
            .unwrap();
    });
    let month_start = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    let last_month_end = month_start - Duration::days(1);
    let last_month_start =
        NaiveDate::from_ymd_opt(last_month_end.year(), last_month_end.month(), 1).unwrap();
    let year_start = today - Duration::days(365);
    let store = &app.store;
    common::percentiles("report_one_month", 50, |_| {
        report(store, last_month_start, last_month_end);
    });
    common::percentiles("report_one_year", 10, |_| {
        report(store, year_start, today);
    });
    let mut g = c.benchmark_group("reports");
    g.sample_size(10);
    g.bench_function("report_one_month", |b| {
        b.iter(|| report(store, last_month_start, last_month_end))
    });
    g.bench_function("report_one_year", |b| {
        b.iter(|| report(store, year_start, today))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

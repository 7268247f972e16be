//! Referral figures from issue 3, on 200,000 referrals (10% open) over 300,000 visits,
//! generated once into target/bench-data (DUTYDESK_BENCH_REFERRALS for another size) and
//! copied to a scratch file each run (the status changes measured here would otherwise pile
//! thousands of history events onto the same referrals, run after run):
//! - the queue: open it (F3: rows, counts, collective flags, the selected referral's
//!   detail) and each filter the officer toggles (mine, overdue, kind, status)
//! - a status change committed durably (WAL, synchronous=FULL, version-checked)

mod common;

use std::time::Duration;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use dutydesk::action::Action;
use dutydesk::app::{App, Clock};
use dutydesk::config::Config;
use dutydesk::domain::referral::{DeclineReason, Move};
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::store::{QueueFilter, StatusFilter, Store};

fn database() -> std::path::PathBuf {
    let n = common::size("DUTYDESK_BENCH_REFERRALS", 200_000);
    let source = common::database(&format!("referrals-{n}"), |store| {
        let now = Utc::now();
        store.fill_synthetic(n * 3 / 2, 11, now).unwrap();
        dutydesk::demo::ensure_directory(store, now).unwrap();
        store
            .fill_synthetic_referrals(n, 11, now, &Config::default())
            .unwrap();
    });
    common::scratch(&source, "referrals")
}

fn bench(c: &mut Criterion) {
    let db = database();
    let store = Store::open(&db).unwrap();
    let mut app = App::new(store, Lang::Zh, Keymap::default_map(), Clock::System).unwrap();
    let open = app.referrals.counts.open;
    println!(
        "queue: {open} open of {} referrals, {} overdue",
        app.store
            .conn()
            .query_row("SELECT count(*) FROM referral", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        app.referrals.counts.overdue
    );

    // Opening the queue (F3) and each filter key: what the officer waits for.
    let steps = [
        Action::Referrals,
        Action::FilterMine,
        Action::FilterOverdue,
        Action::FilterKind,
        Action::FilterStatus,
    ];
    common::percentiles("queue_open_and_filter", 100 * steps.len(), |i| {
        app.update(steps[i % steps.len()]);
    });
    app.referrals.filter = QueueFilter::default();
    c.bench_function("queue_open", |b| b.iter(|| app.update(Action::Referrals)));
    app.referrals.filter.overdue_only = true;
    c.bench_function("queue_overdue_only", |b| {
        b.iter(|| app.update(Action::Referrals))
    });
    app.referrals.filter = QueueFilter {
        status: StatusFilter::One(dutydesk::domain::referral::ReferralStatus::Closed),
        ..QueueFilter::default()
    };
    c.bench_function("queue_closed", |b| b.iter(|| app.update(Action::Referrals)));

    // A status change, durably: one waiting referral declined and reopened in turn, each
    // a version-checked transaction with its history event.
    let mut store = Store::open(&db).unwrap();
    let officer = store.current_officer().unwrap().unwrap();
    let (id, mut version): (String, i64) = store
        .conn()
        .query_row(
            "SELECT id, version FROM referral WHERE status = 'sent' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut flip = |store: &mut Store| {
        let r = if version % 2 == 1 {
            store.decline_referral(
                &id,
                version,
                &officer.id,
                DeclineReason::NotInScope,
                "",
                Utc::now(),
            )
        } else {
            let note = "补充材料后重新转介";
            store.move_referral(
                &id,
                version,
                Move::Reopen,
                &officer.id,
                note,
                None,
                Utc::now(),
            )
        };
        version = r.unwrap().version;
    };
    common::percentiles("status_change_durable", 1000, |_| flip(&mut store));
    c.bench_function("status_change_durable", |b| b.iter(|| flip(&mut store)));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);

//! Job search figures from issue 4, on realistic generated openings (title, employer,
//! district, wage, benefits), 100,000 and 1,000,000 of them (DUTYDESK_BENCH_JOBS=N for one
//! other size):
//! - the index built from the database ("search ready")
//! - keystroke to ranked top 50: one- to four-character queries, Chinese and pinyin
//! - one-character queries alone
//! - "matching openings": open openings ranked by a job seeker's wish
//! - the floor: a plain substring scan of the same text
//! - the index's heap size
//!
//! The whole-process comparison with fzf and sk is `benches/jobs_vs_finders.sh`.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use dutydesk::search::wish::Wish;
use dutydesk::search::{JobFilter, JobIndex};

/// What officers type, a keystroke at a time.
const TYPED: &[&str] = &[
    "k", "kd", "kdy", "快", "快递", "s", "sk", "skc", "skcg", "包", "包吃", "z", "zh", "zha",
    "zhan", "普", "普工", "b", "bj", "bja", "bjay", "城西", "cx", "cxj",
];
/// What job seekers ask for, as officers write it down.
const WISHES: &[&str] = &[
    "想在城西找数控车工的活,工资6000以上",
    "农闲外出务工,想找包吃住的临时工作,月薪两千以上",
    "会开叉车,想找叉车司机,包住",
    "想做快递员或者外卖骑手,日结",
];
const ONE_CHAR: &[&str] = &["k", "快", "s", "包", "z", "普", "b", "c"];

fn bench_size(c: &mut Criterion, n: usize) {
    let db = common::database(&format!("jobs-{n}"), |store| {
        store.fill_synthetic_jobs(n, 5, Utc::now()).unwrap()
    });
    let today = Utc::now().date_naive();
    // As the desk builds it: two threads, each with its own connection and half the rows.
    let t = Instant::now();
    let idx = JobIndex::build_from_file(&db, today).unwrap();
    println!(
        "INDEX jobs_{n}: built in {:.0} ms, {} openings, heap {:.1} MB",
        t.elapsed().as_secs_f64() * 1e3,
        idx.len(),
        idx.heap_bytes() as f64 / 1e6
    );
    common::percentiles(&format!("index_build_{n}"), 5, |_| {
        JobIndex::build_from_file(&db, today).unwrap();
    });
    let f = JobFilter::default();
    common::percentiles(&format!("keystroke_top50_{n}"), 20 * TYPED.len(), |i| {
        idx.search(TYPED[i % TYPED.len()], &f, 50);
    });
    // Which keystrokes are the slow ones (the p99's cause), each timed once more.
    let mut slow: Vec<(f64, &str)> = TYPED
        .iter()
        .map(|q| {
            let t = Instant::now();
            idx.search(q, &f, 50);
            (t.elapsed().as_secs_f64() * 1e3, *q)
        })
        .collect();
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("SLOWEST {n}: {:?}", &slow[..3]);
    common::percentiles(&format!("one_char_top50_{n}"), 20 * ONE_CHAR.len(), |i| {
        idx.search(ONE_CHAR[i % ONE_CHAR.len()], &f, 50);
    });
    // "Matching openings": every open opening scored against a job seeker's wish.
    let wishes: Vec<Wish> = WISHES.iter().map(|w| Wish::from_text(w)).collect();
    common::percentiles(&format!("rank_by_wish_{n}"), 10 * wishes.len(), |i| {
        idx.rank_by_wish(&wishes[i % wishes.len()], &f, 50);
    });
    // The floor: every opening's text tested for a substring, front to back, one core.
    let lines = idx.lines_in_storage_order();
    let scan = |q: &str| lines.iter().filter(|l| l.contains(q)).count();
    common::percentiles(&format!("substring_floor_{n}"), 100, |i| {
        scan(["快递", "普工", "包吃", "城西"][i % 4]);
    });
    for q in ["kdy", "快递", "skcg", "包", "z"] {
        c.bench_function(&format!("search_{n}/{q}"), |b| {
            b.iter(|| idx.search(q, &f, 50))
        });
    }
    c.bench_function(&format!("substring_floor_{n}/快递"), |b| {
        b.iter(|| scan("快递"))
    });
}

fn bench(c: &mut Criterion) {
    match std::env::var("DUTYDESK_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        _ if common::smoke() => bench_size(c, common::SMOKE_SIZE),
        Some(n) => bench_size(c, n),
        None => {
            bench_size(c, 100_000);
            bench_size(c, 1_000_000);
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);

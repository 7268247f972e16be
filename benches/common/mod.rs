//! What the benchmarks share: generated databases kept in target/bench-data, and p50/p99
//! from a timed loop beside criterion's estimates.

#![allow(dead_code)] // each bench uses its own part

use std::path::PathBuf;
use std::time::{Duration, Instant};

use dutydesk::store::Store;

/// A generated database named `name`, made once by `fill` and reused by later runs.
pub fn database(name: &str, fill: impl FnOnce(&mut Store)) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.sqlite3"));
    if !path.exists() {
        let tmp = dir.join(format!("{name}.partial.sqlite3"));
        let _ = std::fs::remove_file(&tmp);
        let mut store = Store::open(&tmp).unwrap();
        let t = Instant::now();
        fill(&mut store);
        eprintln!("generated {name} in {:.1} s", t.elapsed().as_secs_f64());
        drop(store);
        std::fs::rename(&tmp, &path).unwrap();
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
        }
    }
    path
}

/// A fresh copy of a generated database, so what one run writes (a shift, thousands of
/// status changes on the same referrals) never piles up into the next run's figures.
pub fn scratch(source: &std::path::Path, name: &str) -> PathBuf {
    let scratch = source.with_file_name(format!("{name}-scratch.sqlite3"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", scratch.display()));
    }
    std::fs::copy(source, &scratch).unwrap();
    // On disk before anything is timed: the copy's write-back would otherwise compete with
    // the durable saves being measured (a status change's p99 went from 3 to 14 ms).
    std::fs::File::open(&scratch).unwrap().sync_all().unwrap();
    scratch
}

/// Run by `cargo test` (no `--bench`, as criterion decides too): every bench runs once on
/// tiny data, so a change that breaks the bench code fails the tests, in seconds.
pub fn smoke() -> bool {
    let has = |flag: &str| std::env::args().any(|a| a == flag);
    !has("--bench") || has("--test")
}

/// How many rows a smoke run generates.
pub const SMOKE_SIZE: usize = 300;

/// A size from the environment, for quick runs on smaller data (tiny in a smoke run).
pub fn size(var: &str, default: usize) -> usize {
    if smoke() {
        return SMOKE_SIZE;
    }
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `f` `n` times and prints p50 and p99 (three times in a smoke run).
pub fn percentiles(name: &str, n: usize, mut f: impl FnMut(usize)) {
    let n = if smoke() { n.min(3) } else { n };
    let mut times: Vec<Duration> = (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    times.sort();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // q in 0..1: a place below n
    let p = |q: f64| times[((n as f64 * q) as usize).min(n - 1)];
    println!(
        "PERCENTILES {name}: p50 {:.3} ms, p99 {:.3} ms (n={n})",
        ms(p(0.5)),
        ms(p(0.99))
    );
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

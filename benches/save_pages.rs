//! What one durable intake save writes: the WAL frames of each save, named by the b-tree
//! each page belongs to (SQLite's `dbstat`). Issue 15's figure is pages, not time: on this
//! disk a save's fsync costs by the bytes written (BENCHMARKS.md).
//!
//! `cargo bench --bench save_pages` (DUTYDESK_BENCH_VISITS=N for another size; 200,000 by
//! default). Prints a table per kind of save: new visitor, returning visitor.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::lists::Category;
use dutydesk::store::Store;
use rusqlite::Connection;

const WAL_HEADER: u64 = 32;
const FRAME_HEADER: u64 = 24;

/// The page numbers of the WAL frames from byte `from` on.
fn frames(wal: &Path, from: u64, page_size: u64) -> Vec<u32> {
    let bytes = std::fs::read(wal).unwrap_or_default();
    let mut at = usize::try_from(from.max(WAL_HEADER)).unwrap();
    let frame = usize::try_from(FRAME_HEADER + page_size).unwrap();
    let mut pages = Vec::new();
    while at + frame <= bytes.len() {
        pages.push(u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()));
        at += frame;
    }
    pages
}

fn intake(i: usize, visitor: Option<&str>) -> dutydesk::domain::intake::Intake {
    const SURNAMES: [&str; 8] = ["赵", "钱", "孙", "李", "周", "吴", "郑", "冯"];
    const GIVEN: [&str; 8] = [
        "建国", "秀英", "志强", "丽娟", "海涛", "春梅", "德明", "小红",
    ];
    validate(&RawIntake {
        visitor_id: visitor.map(str::to_string),
        name: format!("{}{}", SURNAMES[i % 8], GIVEN[(i / 8 + i * 3) % 8]),
        phone: format!("139{:08}", (i * 7_919_993) % 100_000_000),
        category: Some(Category::WageArrears),
        summary: "工地拖欠工资两个月".into(),
        ..Default::default()
    })
    .unwrap()
}

fn main() {
    let n = common::size("DUTYDESK_BENCH_VISITS", 200_000);
    let source = common::database(&format!("visits-{n}"), |store| {
        store.fill_synthetic(n, 7, Utc::now()).unwrap();
    });
    let db = common::scratch(&source, "save-pages");
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    let mut store = Store::open(&db).unwrap();
    let station = store.station().unwrap().unwrap();
    let officer = store.current_officer().unwrap().unwrap();
    let side = Connection::open(&db).unwrap();
    let page_size: u32 = side
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    let page_size = u64::from(page_size);
    // The first save opens the shift (a save of its own kind); the figures are the next.
    store
        .save_intake(&intake(0, None), &station.id, &officer.id, Utc::now())
        .unwrap();
    let rounds = if common::smoke() { 2 } else { 5 };
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    for (kind, returning) in [("new visitor", false), ("returning visitor", true)] {
        let mut by_tree: BTreeMap<String, usize> = BTreeMap::new();
        let mut totals = Vec::new();
        for round in 1..=rounds {
            // Everything so far into the main file, and the WAL emptied: what is in it
            // after the save is the save.
            side.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .unwrap();
            let before = std::fs::metadata(&wal).map_or(0, |m| m.len());
            let visitor = if returning {
                let first = store
                    .save_intake(
                        &intake(100 + round, None),
                        &station.id,
                        &officer.id,
                        Utc::now(),
                    )
                    .unwrap();
                side.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                    .unwrap();
                Some(first.visitor_id)
            } else {
                None
            };
            let before = if returning { 0 } else { before };
            store
                .save_intake(
                    &intake(100 + round, visitor.as_deref()),
                    &station.id,
                    &officer.id,
                    Utc::now(),
                )
                .unwrap();
            let pages = frames(&wal, before, page_size);
            if pages.iter().any(|p| !names.contains_key(p)) {
                names = side
                    .prepare("SELECT pageno, name FROM dbstat")
                    .unwrap()
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
            }
            let mut distinct = pages.clone();
            distinct.sort_unstable();
            distinct.dedup();
            totals.push(distinct.len());
            for p in distinct {
                let name = names
                    .get(&p)
                    .cloned()
                    .unwrap_or_else(|| format!("page {p}"));
                *by_tree.entry(name).or_default() += 1;
            }
        }
        println!(
            "PAGES {kind} ({n} visits): per save {:?}, max {}",
            totals,
            totals.iter().max().unwrap()
        );
        for (tree, count) in &by_tree {
            println!("  {tree:<32} {:.1}", *count as f64 / rounds as f64);
        }
    }
}

//! `backup`, `check` and the hidden `gen`: the database file itself.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::domain::clock::china_zone;
use crate::i18n::Lang;
use crate::store::Store;

use super::demo::remove_with_sidecars;
use super::{load_config, open_existing, open_store, plain};

/// `dutydesk backup FILE`: a consistent copy, checked before it is called made.
pub(super) fn backup(db: &Path, file: &Path, lang: Lang) -> Result<()> {
    let store = open_existing(db, lang)?;
    store.backup_to(file).map_err(plain(lang))?;
    let check = Store::open(file)
        .and_then(|s| s.check())
        .map_err(plain(lang))?;
    if !check.ok() {
        bail!(match lang {
            Lang::Zh => format!("{} 处的备份未通过校验:{check:?}", file.display()),
            Lang::En => format!(
                "the backup at {} failed its check: {check:?}",
                file.display()
            ),
        });
    }
    tracing::info!(visits = check.visits, "backup made");
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已备份到 {}(来访记录{}条,校验通过)",
                file.display(),
                check.visits
            ),
            Lang::En => format!(
                "backed up to {} ({} visits, check passed)",
                file.display(),
                check.visits
            ),
        }
    );
    Ok(())
}

/// `dutydesk check`: integrity, schema, guard triggers, seals and the audit chain, each
/// tampering named.
pub(super) fn check(db: &Path, config: Option<&Path>, lang: Lang) -> Result<()> {
    let store = open_existing(db, lang)?;
    let r = store.check().map_err(plain(lang))?;
    let (ok, bad) = (lang.pick("正常", "ok"), lang.pick("有问题", "PROBLEM"));
    let mark = |good: bool| if good { ok } else { bad };
    println!("{}: {}", db.display(), mark(r.ok()));
    println!(
        "  {} {} ({})",
        lang.pick("结构版本", "schema version"),
        r.schema_version,
        mark(r.schema_version == crate::store::LATEST_VERSION)
    );
    println!("  integrity_check: {}", r.integrity.join("; "));
    println!(
        "  foreign_key_check: {} ({})",
        r.foreign_key_problems,
        mark(r.foreign_key_problems == 0)
    );
    println!("  {}: {}", lang.pick("来访记录", "visits"), r.visits);
    // Ids come from the file: shown, never obeyed by the terminal.
    let safe = |s: &str| crate::report::safe::terminal(s, false).into_owned();
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| match t {
        Some(t) => t
            .with_timezone(&china_zone())
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => lang
            .pick("开班时间不详", "opening time unknown")
            .to_string(),
    };
    println!(
        "  {}: {} ({})",
        lang.pick("防篡改触发器", "guard triggers"),
        r.guard_triggers,
        mark(r.missing_triggers.is_empty())
    );
    for t in &r.missing_triggers {
        println!(
            "    {} {}",
            lang.pick("缺少或已失效:", "missing or disarmed:"),
            safe(t)
        );
    }
    println!(
        "  {}: {} ({})",
        lang.pick("已签结班次(封存校验)", "signed-off shifts (seal check)"),
        r.sealed_shifts,
        mark(r.seals_hold() && r.seal_check_failed.is_none())
    );
    if let Some(why) = &r.seal_check_failed {
        println!("    {}", safe(why));
    }
    let shift_lists = [
        (
            &r.broken_seals,
            lang.pick("封存后被改动:", "changed after sealing:"),
        ),
        (
            &r.unsealed_shifts,
            lang.pick("封存后被解封:", "unsealed after sealing:"),
        ),
        (
            &r.deleted_shifts,
            lang.pick("已封存的班次被删除:", "sealed shift deleted:"),
        ),
        (
            &r.unchained_seals,
            lang.pick("封存不在封存链上:", "seal not in the seal chain:"),
        ),
        (
            &r.seal_chain_breaks,
            lang.pick("封存链在此班次前断开:", "seal chain broken before:"),
        ),
    ];
    for (list, what) in shift_lists {
        for b in list {
            println!("    {what} {} ({})", when(b.opened_at), safe(&b.shift_id));
        }
    }
    print_audit(&r, lang);
    let anchors = crate::hub::check::desk_anchors(&store);
    let anchored = crate::hub::cli::print_anchors(&anchors, lang);
    let config = load_config(config)?;
    println!("  {}", holiday_coverage(&config.calendar, lang));
    if r.ok() && anchored {
        Ok(())
    } else {
        bail!(
            "{}",
            lang.pick("数据库检查未通过", "the database failed its check")
        )
    }
}

/// `check`'s audit-log lines: how many events are chained, and each one edited, deleted,
/// off the chain or after a break (ids from the file shown, never obeyed).
fn print_audit(r: &crate::store::CheckReport, lang: Lang) {
    let (ok, bad) = (lang.pick("正常", "ok"), lang.pick("有问题", "PROBLEM"));
    let mark = |good: bool| if good { ok } else { bad };
    let safe = |s: &str| crate::report::safe::terminal(s, false).into_owned();
    println!(
        "  {}: {} ({})",
        lang.pick("审计日志(哈希链)", "audit log (hash chain)"),
        r.audit.chained,
        mark(r.audit.is_whole() && r.seal_check_failed.is_none())
    );
    let event_lists = [
        (&r.audit.edited, lang.pick("事件被改动:", "event edited:")),
        (&r.audit.deleted, lang.pick("事件被删除:", "event deleted:")),
        (
            &r.audit.unchained,
            lang.pick("事件不在链上:", "event not in the chain:"),
        ),
        (
            &r.audit.breaks,
            lang.pick("审计链在此事件前断开:", "audit chain broken before:"),
        ),
    ];
    for (list, what) in event_lists {
        for e in list {
            let at =
                e.at.map(|t| {
                    t.with_timezone(&china_zone())
                        .format(" %Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            let action = if e.action.is_empty() {
                String::new()
            } else {
                format!(" {}", safe(&e.action))
            };
            println!("    {what} {}{at}{action}", safe(&e.event_id));
        }
    }
}

pub(super) fn generate(
    db: &Path,
    visits: usize,
    referrals: usize,
    jobs: usize,
    seed: u64,
    lang: Lang,
) -> Result<()> {
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let fast = store.begin_fast_fill().map_err(plain(lang))?;
    // Into a fresh file, the openings are made on the other core in a file of their own
    // while the visits fill this one, then copied in whole.
    let side = (fast && jobs > 0).then(|| {
        let file = db.with_extension("gen-jobs.tmp");
        std::thread::spawn(move || -> Result<PathBuf, crate::store::StoreError> {
            // A side file left by an interrupted run must not be added to.
            remove_with_sidecars(&file).map_err(|source| crate::store::StoreError::Io {
                path: file.clone(),
                source,
            })?;
            let mut s = Store::open(&file)?;
            s.begin_fast_fill()?;
            s.fill_synthetic_jobs(jobs, seed, now)?;
            Ok(file)
        })
    });
    store
        .fill_synthetic(visits, seed, now)
        .map_err(plain(lang))?;
    if referrals > 0 {
        let config = crate::config::Config::default();
        crate::demo::ensure_directory(&mut store, now).map_err(plain(lang))?;
        store
            .fill_synthetic_referrals(referrals, seed, now, &config)
            .map_err(plain(lang))?;
    }
    if let Some(side) = side {
        let file = side
            .join()
            .map_err(|_| anyhow!("the openings' generator thread failed"))?
            .map_err(plain(lang))?;
        let copied = store.copy_jobs_from(&file);
        // Left behind, it is only a file of generated openings; the copy's error matters.
        let _ = remove_with_sidecars(&file);
        copied.map_err(plain(lang))?;
    } else if jobs > 0 {
        store
            .fill_synthetic_jobs(jobs, seed, now)
            .map_err(plain(lang))?;
    }
    if fast {
        store.end_fast_fill().map_err(plain(lang))?;
    }
    println!(
        "generated {visits} visits, {referrals} referrals and {jobs} job openings in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        db.display()
    );
    Ok(())
}

/// Which years the holiday table knows; a warning for this year or next if missing.
fn holiday_coverage(calendar: &crate::domain::calendar::WorkCalendar, lang: Lang) -> String {
    use chrono::Datelike;
    let this = chrono::Utc::now().with_timezone(&china_zone()).year();
    let missing: Vec<String> = [this, this + 1]
        .into_iter()
        .filter(|y| !calendar.knows_year(*y))
        .map(|y| y.to_string())
        .collect();
    let known = calendar.years();
    let range = match (known.first(), known.last()) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "—".into(),
    };
    match (lang, missing.is_empty()) {
        (Lang::Zh, true) => format!("节假日表:{range}(正常)"),
        (Lang::Zh, false) => format!(
            "节假日表:{range};{}年未收录,按周一至周五计算时限。国务院公布安排后请写入配置文件 [holidays.\"年份\"]",
            missing.join("、")
        ),
        (Lang::En, true) => format!("holiday table: {range} (ok)"),
        (Lang::En, false) => format!(
            "holiday table: {range}; {} not in it, deadlines count Monday to Friday there. Add the State Council's notice to the config file under [holidays.\"YEAR\"]",
            missing.join(", ")
        ),
    }
}

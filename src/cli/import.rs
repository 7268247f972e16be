//! `dutydesk import visits|jobs|directory`: all or nothing, every refusal said plainly.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use crate::domain::clock::china_zone;
use crate::i18n::Lang;
use crate::import;

use super::{open_store, plain};

pub(super) fn visits(
    db: &Path,
    file: &Path,
    station: Option<&str>,
    officer: Option<&str>,
    lang: Lang,
) -> Result<()> {
    let text = import::read_file(file, import::visits::MAX_FILE_BYTES)
        .map_err(|e| anyhow!("{}", e.render(lang)))?;
    let (rows, cleaned) = match import::visits::read(&text, china_zone()) {
        Ok(ledger) => (ledger.rows, ledger.cleaned),
        Err(errors) => {
            for e in &errors {
                let line = format!("{}: {}", file.display(), e.render(lang));
                eprintln!("{}", crate::report::safe::terminal(&line, false));
            }
            bail!(
                "{}",
                match lang {
                    Lang::Zh => format!("{}处错误,未导入任何记录", errors.len()),
                    Lang::En => format!("{} problem(s); nothing was imported", errors.len()),
                }
            );
        }
    };
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let now = chrono::Utc::now();
    let st = match (store.station().map_err(plain(lang))?, station) {
        (Some(s), _) => s,
        (None, Some(name)) => store.create_station(name, now).map_err(plain(lang))?,
        (None, None) => bail!(
            "{}",
            lang.pick(
                "该数据库还没有站点名称:请先打开值班台完成设置,或加 --station 名称",
                "this database has no station yet: open the desk once to name it, or pass --station NAME"
            )
        ),
    };
    let default_officer = match officer {
        Some(name) => Some(
            store
                .officer_or_add(&st, name, crate::domain::lists::Role::Cadre, "", now)
                .map_err(plain(lang))?
                .id,
        ),
        None => store.current_officer().map_err(plain(lang))?.map(|o| o.id),
    };
    let n = store
        .import_visits(&rows, &st.id, default_officer.as_deref(), now)
        .map_err(|(line, e)| {
            anyhow!(
                "{}: line {line}: {}; nothing was imported",
                file.display(),
                e.message(lang)
            )
        })?;
    tracing::info!(rows = n, "ledger imported");
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("已导入{n}条来访记录到 {}", db.display()),
            Lang::En => format!("imported {n} visits into {}", db.display()),
        } + &cleaned_tail(cleaned, lang)
    );
    Ok(())
}

/// The success message's tail saying how many values were cleaned, empty if none.
fn cleaned_tail(n: usize, lang: Lang) -> String {
    import::cleaned_note(n)
        .map(|s| s.say(lang))
        .unwrap_or_default()
}

/// An import refused: every problem on stderr (file, row, field), then one sentence
/// saying nothing was imported (`what`: 岗位, 服务…).
fn refused_file(errors: &[import::FileError], what: &str, lang: Lang) -> anyhow::Error {
    for e in errors {
        eprintln!("{}", crate::report::safe::terminal(&e.render(lang), false));
    }
    anyhow!(
        "{}",
        match lang {
            Lang::Zh => format!("{}处错误,未导入任何{what}", errors.len()),
            Lang::En => format!("{} problem(s); nothing was imported", errors.len()),
        }
    )
}

/// With `--skip-bad`: each record left out on stderr, then (after the good ones were
/// imported and said) an error saying how many, so the exit is non-zero.
fn skipped_records(skipped: &[import::feed::Skipped], what: &str, lang: Lang) -> Result<()> {
    if skipped.is_empty() {
        return Ok(());
    }
    for s in skipped {
        eprintln!("{}", crate::report::safe::terminal(&s.render(lang), false));
    }
    bail!(
        "{}",
        match lang {
            Lang::Zh => format!("跳过{}条有错误的{what},其余已导入", skipped.len()),
            Lang::En => format!(
                "{} record(s) with problems skipped; the rest were imported",
                skipped.len()
            ),
        }
    )
}

pub(super) fn jobs(db: &Path, file: &Path, skip_bad: bool, lang: Lang) -> Result<()> {
    let feed =
        import::jobs::load_feed(file, skip_bad).map_err(|e| refused_file(&e, "岗位", lang))?;
    let (jobs, cleaned) = (&feed.records, feed.cleaned);
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let done = store
        .upsert_jobs(jobs, chrono::Utc::now())
        .map_err(|(i, e)| {
            anyhow!(
                "{}: {}: {}; nothing was imported",
                file.display(),
                jobs[i].title,
                e.message(lang)
            )
        })?;
    tracing::info!(added = done.added, updated = done.updated, "jobs imported");
    let today = chrono::Utc::now().with_timezone(&china_zone()).date_naive();
    let current = jobs.iter().filter(|j| j.is_current(today)).count();
    let incomplete = jobs.iter().filter(|j| j.is_incomplete()).count();
    let incomplete_note = match (incomplete, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!(";{n}个信息不全"),
        (n, Lang::En) => format!("; {n} incomplete"),
    };
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已导入岗位{}个(在招{}个);新增{},更新{}",
                jobs.len(),
                current,
                done.added,
                done.updated
            ),
            Lang::En => format!(
                "imported {} openings ({} open); {} added, {} updated",
                jobs.len(),
                current,
                done.added,
                done.updated
            ),
        } + &incomplete_note
            + &cleaned_tail(cleaned, lang)
    );
    skipped_records(&feed.skipped, "岗位", lang)
}

pub(super) fn directory(db: &Path, paths: &[PathBuf], skip_bad: bool, lang: Lang) -> Result<()> {
    let path = &paths[0];
    let feed = import::directory::load_feed(paths, skip_bad)
        .map_err(|e| refused_file(&e, "服务", lang))?;
    let parsed = &feed.parsed;
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let done = store
        .upsert_services(&parsed.services, chrono::Utc::now())
        .map_err(|(i, e)| {
            anyhow!(
                "{}: {}: {}; nothing was imported",
                path.display(),
                parsed.services[i].name,
                e.message(lang)
            )
        })?;
    tracing::info!(
        added = done.added,
        updated = done.updated,
        "directory imported"
    );
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已导入服务目录:机构{}个,服务{}项(正常{}项);新增{}项,更新{}项",
                parsed.organizations,
                parsed.services.len(),
                parsed.active(),
                done.added,
                done.updated
            ),
            Lang::En => format!(
                "directory imported: {} organisations, {} services ({} active); {} added, {} updated",
                parsed.organizations,
                parsed.services.len(),
                parsed.active(),
                done.added,
                done.updated
            ),
        } + &cleaned_tail(parsed.cleaned, lang)
    );
    skipped_records(&feed.skipped, "服务", lang)
}

//! `--demo`: a fresh demo database, never over a file a desk or another program holds.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use crate::domain::clock::china_zone;
use crate::i18n::Lang;

use super::{open_store, plain};

/// Builds the demo database; rebuilding, says what it discarded. A demo file that a desk
/// or another program has open is never deleted: refused with a sentence, untouched.
pub(super) fn make_demo(path: &Path, user_chose: bool, lang: Lang) -> Result<Option<String>> {
    let mut discarded = None;
    if path.exists() {
        if user_chose {
            bail!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "{} 已存在;演示模式只会新建数据库,不会覆盖已有文件",
                        path.display()
                    ),
                    Lang::En => format!(
                        "{} exists; --demo only creates a new database and never overwrites one",
                        path.display()
                    ),
                }
            );
        }
        let (holder, visits) = demo_holder(path, lang);
        if let Some(holder) = holder {
            bail!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "演示数据库 {} 正由{holder}打开使用,没有删除也没有改动它;请先退出那台值班台,或用 --db 另选一个文件",
                        path.display()
                    ),
                    Lang::En => format!(
                        "the demo database {} is open in {holder}; it was not deleted or changed. Quit that desk first, or pass --db with another file",
                        path.display()
                    ),
                }
            );
        }
        remove_with_sidecars(path)
            .with_context(|| format!("removing old demo file {}", path.display()))?;
        let visits = match (lang, visits) {
            (Lang::Zh, Some(n)) => format!("含{n}条来访记录"),
            (Lang::Zh, None) => "无法读出其中的记录数".to_string(),
            (Lang::En, Some(n)) => format!("{n} visits"),
            (Lang::En, None) => "its records could not be counted".to_string(),
        };
        discarded = Some(match lang {
            Lang::Zh => format!("已删除旧的演示数据库 {}({visits}),重新生成", path.display()),
            Lang::En => format!(
                "removed the old demo database {} ({visits}) and built a new one",
                path.display()
            ),
        });
    }
    let mut store = open_store(path, lang)?;
    crate::demo::seed(&mut store, china_zone(), chrono::Utc::now()).map_err(plain(lang))?;
    Ok(discarded)
}

/// Who has the demo file open (a running desk registered in it, or any process holding
/// SQLite's locks on it), in words, and how many visits it holds. Reads only: the file is
/// opened read-only and never migrated.
fn demo_holder(path: &Path, lang: Lang) -> (Option<String>, Option<i64>) {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok();
    let visits = conn.as_ref().and_then(|c| {
        c.query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
            .ok()
    });
    let desk = conn
        .as_ref()
        .and_then(|c| crate::store::desks_of(c, chrono::Utc::now()).ok())
        .and_then(|desks| desks.into_iter().find(|d| d.running));
    drop(conn);
    let holder = match (desk, crate::store::held_open_by(path)) {
        (Some(d), _) => {
            let since = d
                .started_at
                .with_timezone(&china_zone())
                .format("%m-%d %H:%M");
            let host = crate::report::safe::terminal(&d.host, false).into_owned();
            Some(match lang {
                Lang::Zh => format!("另一台值班台(主机 {host},进程 {},{since} 启动)", d.pid),
                Lang::En => format!("another desk (host {host}, pid {}, started {since})", d.pid),
            })
        }
        (None, Some(pid)) => Some(match lang {
            Lang::Zh => format!("另一个程序(进程 {pid})"),
            Lang::En => format!("another program (pid {pid})"),
        }),
        (None, None) => None,
    };
    (holder, visits)
}

/// Removes a database file and its WAL, shared-memory and journal files, those that exist.
pub(super) fn remove_with_sidecars(file: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = file.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(PathBuf::from(p)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

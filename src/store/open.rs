//! Opening the database file: refuse what we must not touch, then set it up for a desk.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::Store;
use super::migrate::{LATEST_VERSION, migrate, user_version};
use crate::i18n::Lang;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is a directory, not a database file")]
    IsDirectory(PathBuf),
    #[error("{0} is not a dutydesk database (not SQLite, or damaged)")]
    NotADatabase(PathBuf),
    #[error(
        "{path} was written by a newer dutydesk (schema {found}, this program knows up to {supported}); it was left untouched"
    )]
    NewerVersion {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{0} is a SQLite database of another program, not a dutydesk one; it was left untouched"
    )]
    NotOurs(PathBuf),
    #[error(
        "{0}: the -wal file beside it belongs to another database (or another copy of it); both were left untouched. Move the -wal away, or restore the copy it belongs with"
    )]
    ForeignWal(PathBuf),
    #[error(
        "{path} is damaged ({detail}); nothing was written. Restore a backup, or run `dutydesk check`"
    )]
    Damaged { path: PathBuf, detail: String },
    /// The ID number typed belongs to a person recorded under another name.
    #[error("this ID number belongs to another person ({name}); nothing was saved")]
    IdOwnedBy { visitor_id: String, name: String },
    /// The person's record changed at another desk after this form was filled from it.
    #[error("another desk changed this person's record after the form was filled: {what}")]
    VisitorChanged { what: String },
    #[error("{0} is locked by another program; close it and try again")]
    Locked(PathBuf),
    #[error("{0} cannot be written (read-only file or folder)")]
    ReadOnly(PathBuf),
    #[error("{0}: the disk is full; nothing was changed")]
    DiskFull(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Rule(String),
    /// A change the desk's rules refuse, said in both languages: (中文, English).
    #[error("{1}")]
    Refused(String, String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        // The seal triggers (migration 5) abort with 'sealed: …', whichever write hit
        // them: the officer reads one plain sentence.
        if super::shifts::is_seal_error(&e) {
            return super::shifts::sealed_error();
        }
        // What can happen to a file in use, said plainly; the transaction rolled back.
        let said = |zh: &str, en: &str| StoreError::Refused(zh.into(), en.into());
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => said(
                "磁盘已满,这次没有写入任何内容;请腾出空间后再试",
                "the disk is full; nothing was written this time. Free some space and try again",
            ),
            // Only a wait that really ran its course is called one: a busy answer without
            // it (a write lock refused without waiting) says what happened instead.
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) if waited_out() => {
                said(
                    "数据库正被另一台值班台或程序占用,等待10秒仍未轮到,这次没有写入;请稍后再试",
                    "the database was held by another desk or program for the whole 10-second wait; nothing was written. Try again shortly",
                )
            }
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => said(
                "另一台值班台同时在写数据库,这次没有写入;请再保存一次",
                "another desk was writing to the database at the same moment; nothing was written. Save again",
            ),
            Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => said(
                "数据库文件只读,这次没有写入",
                "the database file is read-only; nothing was written",
            ),
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// One plain sentence for the officer, in the interface language.
    pub fn message(&self, lang: Lang) -> String {
        if let StoreError::Refused(zh, en) = self {
            return lang.pick(zh, en).to_string();
        }
        if lang == Lang::En {
            return match self {
                StoreError::IdOwnedBy { name, .. } => format!(
                    "this ID number belongs to another person ({}) recorded under another name; nothing was saved",
                    crate::domain::intake::mask_name(name)
                ),
                StoreError::VisitorChanged { what } => format!(
                    "another desk changed this person's record after you filled the form ({what}); nothing was saved. Press C-r to fill it again, check, then save"
                ),
                other => other.to_string(),
            };
        }
        match self {
            StoreError::IsDirectory(p) => format!("{} 是一个文件夹,不是数据库文件", p.display()),
            StoreError::NotADatabase(p) => {
                format!(
                    "{} 不是值班台数据库(不是SQLite文件,或已损坏),未做任何改动",
                    p.display()
                )
            }
            StoreError::NewerVersion {
                path,
                found,
                supported,
            } => format!(
                "{} 由更新版本的程序写入(结构版本{found},本程序最高支持{supported}),未做任何改动,请升级程序",
                path.display()
            ),
            StoreError::NotOurs(p) => format!(
                "{} 是其他程序的SQLite数据库,不是值班台数据库,未做任何改动",
                p.display()
            ),
            StoreError::ForeignWal(p) => format!(
                "{} 旁边的 -wal 文件属于另一个数据库(或它的另一份副本),两个文件都未做任何改动;请移走该 -wal 文件,或恢复与它配套的副本",
                p.display()
            ),
            StoreError::Damaged { path, detail } => format!(
                "{} 已损坏({detail}),未写入任何内容;请恢复备份,或运行 dutydesk check",
                path.display()
            ),
            StoreError::IdOwnedBy { name, .. } => format!(
                "该身份证号属于另一位来访人({}),与所填姓名不同;未保存",
                crate::domain::intake::mask_name(name)
            ),
            StoreError::VisitorChanged { what } => format!(
                "另一台值班台在您调出此人后更改了其记录({what});未保存。请按 C-r 重新调出核对后再保存"
            ),
            StoreError::Locked(p) => format!("{} 被其他程序锁定,请关闭后重试", p.display()),
            StoreError::ReadOnly(p) => format!("{} 无法写入(文件或文件夹只读)", p.display()),
            StoreError::DiskFull(p) => format!("{}:磁盘已满,未做任何改动", p.display()),
            StoreError::Io { path, source } => format!("{}:{source}", path.display()),
            StoreError::Sqlite(e) => format!("数据库错误:{e}"),
            StoreError::Rule(m) => m.clone(),
            StoreError::Refused(zh, _) => zh.clone(),
        }
    }

    fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
        waited_out(); // spoken of here as a lock, whatever the wait was
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                StoreError::NotADatabase(path.into())
            }
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                StoreError::Locked(path.into())
            }
            Some(ErrorCode::ReadOnly)
            | Some(ErrorCode::CannotOpen)
            | Some(ErrorCode::PermissionDenied) => StoreError::ReadOnly(path.into()),
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(path.into()),
            _ => StoreError::Sqlite(e),
        }
    }
}

/// How long a desk waits for the other desk's write before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

thread_local! {
    /// When this thread's current wait for the write lock began.
    static WAIT_STARTED: std::cell::Cell<Option<std::time::Instant>> =
        const { std::cell::Cell::new(None) };
    /// Set when a wait ran the whole timeout and gave up; read (and cleared) by the error
    /// conversion, so only such an error speaks of a timed-out wait.
    static WAITED_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn waited_out() -> bool {
    WAITED_OUT.with(|w| w.replace(false))
}

/// The busy handler: SQLite's own back-off (1, 2, 5 … 100 ms), up to `BUSY_TIMEOUT` of
/// real time, remembering on the waiting thread whether it gave up.
fn busy_wait(count: i32) -> bool {
    const DELAYS_MS: [u64; 12] = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];
    let now = std::time::Instant::now();
    let started = WAIT_STARTED.with(|s| {
        if count == 0 || s.get().is_none() {
            s.set(Some(now));
            WAITED_OUT.with(|w| w.set(false));
        }
        s.get().unwrap_or(now)
    });
    let waited = now.duration_since(started);
    if waited >= BUSY_TIMEOUT {
        WAITED_OUT.with(|w| w.set(true));
        return false;
    }
    let delay =
        std::time::Duration::from_millis(DELAYS_MS[usize::try_from(count).unwrap_or(0).min(11)]);
    std::thread::sleep(delay.min(BUSY_TIMEOUT - waited));
    true
}

impl Store {
    /// Opens (creating if needed) the database at `path`, migrating it to the latest
    /// schema. A file from a newer program, or not a database, is refused untouched.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if path.is_dir() {
            return Err(StoreError::IsDirectory(path.into()));
        }
        if path.exists() {
            // Before SQLite opens it (and could convert it or replay a stray -wal).
            super::guard::refuse_foreign(path)?;
        } else {
            create_private_file(path)?;
        }
        super::guard::refuse_read_only(path)?;
        let io = |e| StoreError::classify(path, e);
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(io)?;
        if conn.is_readonly("main").map_err(io)? {
            return Err(StoreError::ReadOnly(path.into()));
        }
        conn.busy_handler(Some(busy_wait)).map_err(io)?;
        // Read the version before anything that could write to the file.
        let found = user_version(&conn).map_err(io)?;
        if found > LATEST_VERSION {
            return Err(StoreError::NewerVersion {
                path: path.into(),
                found,
                supported: LATEST_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(io)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(io)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(io)?;
        migrate(&mut conn).map_err(io)?;
        Ok(Store {
            conn,
            path: path.into(),
            desk: None,
        })
    }

    /// A second, read-only connection to a database this process has already opened with
    /// [`Store::open`] (which checked and migrated it): for threads that only read, such
    /// as the job index's builders. The file's checks are not repeated (with another desk
    /// running, each would copy its WAL again).
    pub fn open_reader(path: &Path) -> Result<Store, StoreError> {
        let io = |e| StoreError::classify(path, e);
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(io)?;
        conn.busy_handler(Some(busy_wait)).map_err(io)?;
        Ok(Store {
            conn,
            path: path.into(),
            desk: None,
        })
    }

    /// An in-memory database, for tests and benchmarks that do not need a file.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: PathBuf::from(":memory:"),
            desk: None,
        })
    }
}

/// The database holds people's ID numbers and circumstances: readable by its owner only.
pub(super) fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.into(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(StoreError::ReadOnly(path.into()))
        }
        Err(e) => Err(io(e)),
    }
}

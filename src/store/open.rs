//! Opening the database file: refuse what we must not touch, then set it up for a desk.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::Store;
use super::migrate::{LATEST_VERSION, migrate, user_version};
use crate::i18n::Lang;
use crate::words::Said;

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
    /// A change the desk's rules refuse, as a message of the catalog (`store.*`): said in
    /// the desk's language by [`StoreError::message`], in English by `Display`.
    #[error("{}", .0.say(Lang::En))]
    Refused(Said),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        // The seal triggers (migration 5) abort with 'sealed: …', whichever write hit
        // them: the officer reads one plain sentence.
        if super::shifts::is_seal_error(&e) {
            return super::shifts::sealed_error();
        }
        // What can happen to a file in use, said plainly; the transaction rolled back.
        let said = StoreError::Refused;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => said(Said::new("store.write.disk_full")),
            // Only a wait that really ran its course is called one: a busy answer without
            // it (a write lock refused without waiting) says what happened instead.
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) if waited_out() => {
                said(Said::new("store.write.waited_out"))
            }
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
                said(Said::new("store.write.busy"))
            }
            Some(ErrorCode::ReadOnly) | Some(ErrorCode::PermissionDenied) => {
                said(Said::new("store.write.read_only"))
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// One plain sentence for the officer, in the interface language (the catalog's
    /// `store.*`).
    pub fn message(&self, lang: Lang) -> String {
        self.said()
            .map_or_else(|| self.to_string(), |s| s.say(lang))
    }

    /// What went wrong as a message of the catalog; None for a rule broken in code
    /// (`Rule`), whose words are its own.
    pub fn said(&self) -> Option<Said> {
        let path = |p: &Path| p.display().to_string();
        Some(match self {
            StoreError::IsDirectory(p) => {
                Said::new("store.error.is_directory").with("path", path(p))
            }
            StoreError::NotADatabase(p) => {
                Said::new("store.error.not_a_database").with("path", path(p))
            }
            StoreError::NewerVersion {
                path: p,
                found,
                supported,
            } => Said::new("store.error.newer_version")
                .with("path", path(p))
                .with("found", found)
                .with("supported", supported),
            StoreError::NotOurs(p) => Said::new("store.error.not_ours").with("path", path(p)),
            StoreError::ForeignWal(p) => Said::new("store.error.foreign_wal").with("path", path(p)),
            StoreError::Damaged { path: p, detail } => Said::new("store.error.damaged")
                .with("path", path(p))
                .with("detail", detail),
            StoreError::IdOwnedBy { name, .. } => Said::new("store.error.id_owned_by")
                .with("name", crate::domain::intake::mask_name(name)),
            StoreError::VisitorChanged { what } => {
                Said::new("store.error.visitor_changed").with("what", what)
            }
            StoreError::Locked(p) => Said::new("store.error.locked").with("path", path(p)),
            StoreError::ReadOnly(p) => Said::new("store.error.read_only").with("path", path(p)),
            StoreError::DiskFull(p) => Said::new("store.error.disk_full").with("path", path(p)),
            StoreError::Io { path: p, source } => Said::new("store.error.io")
                .with("path", path(p))
                .with("error", source),
            StoreError::Sqlite(e) => Said::new("store.error.sqlite").with("error", e),
            StoreError::Refused(s) => s.clone(),
            StoreError::Rule(_) => return None,
        })
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

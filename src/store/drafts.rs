//! Drafts of unsaved forms: what the officer typed, so nothing is lost to a crash.
//!
//! Each running desk registers itself (`desk`: host, process id and the process's start,
//! the boot it runs in, a heartbeat) and keeps its own draft (`desk_draft`). A save deletes
//! its desk's draft in the save's own transaction; another desk's draft is offered at start
//! only once that desk is no longer running (ended, its process gone on this host, or no
//! heartbeat for `STALE_AFTER` from another host).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError, new_id, parse_ts, ts};

/// The draft key of the intake form (the one a save clears in its own transaction).
pub const INTAKE_FORM: &str = "intake";
/// A desk on another host that has not beaten for this long is taken as gone.
pub const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// How often a running desk writes its heartbeat.
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub values: BTreeMap<String, String>,
    pub saved_at: DateTime<Utc>,
    /// The desk that typed it.
    pub desk_id: String,
    pub form: String,
    /// The officer on duty at that desk when it was written.
    pub officer_name: Option<String>,
    /// Where that desk ran ('' for a draft from before desks were registered).
    pub host: String,
    /// That host is this one.
    pub on_this_host: bool,
    pub pid: i64,
}

/// A desk registered in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskInfo {
    pub id: String,
    pub host: String,
    pub pid: i64,
    pub started_at: DateTime<Utc>,
    pub heartbeat_at: DateTime<Utc>,
    pub running: bool,
}

/// This process, as a desk registers it.
struct Here {
    host: String,
    boot_id: String,
    pid: i64,
    proc_start: i64,
}

fn here() -> Here {
    let pid = std::process::id() as i64;
    Here {
        host: host_name(),
        boot_id: boot_id(),
        pid,
        proc_start: process_start(pid).unwrap_or(0),
    }
}

fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it
    // (or truncates, which the search for NUL below tolerates).
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// This boot of the machine (Linux): after a power cut the same pid is someone else.
fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// When process `pid` started, in clock ticks since boot (Linux `/proc/PID/stat`, field 22).
fn process_start(pid: i64) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

fn pid_alive(pid: i64) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// What a desk row says about where and how it runs.
struct Registered<'a> {
    host: &'a str,
    boot: &'a str,
    pid: i64,
    proc_start: i64,
    heartbeat: Option<DateTime<Utc>>,
    ended: bool,
}

/// Whether the desk registered with these facts still runs, as far as this host can tell.
fn running(d: &Registered<'_>, me: &Here, now: DateTime<Utc>) -> bool {
    if d.ended {
        return false;
    }
    if d.host == me.host && !d.host.is_empty() {
        if !d.boot.is_empty() && !me.boot_id.is_empty() && d.boot != me.boot_id {
            return false; // the machine restarted since
        }
        if !pid_alive(d.pid) {
            return false;
        }
        // A pid reused by another process is not that desk.
        return d.proc_start == 0 || process_start(d.pid).is_none_or(|s| s == d.proc_start);
    }
    d.heartbeat.is_some_and(|h| now - h < STALE_AFTER)
}

const DESK_COLUMNS: &str = "d.id, d.host, d.boot_id, d.pid, d.proc_start, d.started_at, \
     d.heartbeat_at, d.ended_at IS NOT NULL";

fn desk_from_row(
    r: &rusqlite::Row<'_>,
    me: &Here,
    now: DateTime<Utc>,
) -> rusqlite::Result<DeskInfo> {
    let host: String = r.get(1)?;
    let boot: String = r.get(2)?;
    let pid: i64 = r.get(3)?;
    let proc_start: i64 = r.get(4)?;
    let started: String = r.get(5)?;
    let beat: String = r.get(6)?;
    let ended: bool = r.get(7)?;
    let heartbeat_at = parse_ts(&beat);
    Ok(DeskInfo {
        id: r.get(0)?,
        running: running(
            &Registered {
                host: &host,
                boot: &boot,
                pid,
                proc_start,
                heartbeat: heartbeat_at,
                ended,
            },
            me,
            now,
        ),
        host,
        pid,
        started_at: parse_ts(&started).unwrap_or_default(),
        heartbeat_at: heartbeat_at.unwrap_or_default(),
    })
}

/// Every desk registered in the file, with whether it still runs. Reads only: `--demo`
/// asks this of a file it has opened read-only.
pub fn desks_of(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<Vec<DeskInfo>> {
    let me = here();
    let mut stmt = conn.prepare(&format!(
        "SELECT {DESK_COLUMNS} FROM desk d ORDER BY d.started_at"
    ))?;
    let rows = stmt.query_map([], |r| desk_from_row(r, &me, now))?;
    rows.collect()
}

/// Deletes this desk's draft of `form`, inside the caller's transaction (a save's).
pub(super) fn clear_in(conn: &Connection, desk: Option<&str>, form: &str) -> rusqlite::Result<()> {
    if let Some(desk) = desk {
        conn.prepare_cached("DELETE FROM desk_draft WHERE desk_id = ?1 AND form = ?2")?
            .execute(params![desk, form])?;
    }
    Ok(())
}

impl Store {
    /// Registers this process as a running desk on the file; its drafts are its own from
    /// now on. Also forgets desks that are gone and left no draft.
    pub fn register_desk(&mut self, now: DateTime<Utc>) -> Result<String, StoreError> {
        let me = here();
        let id = new_id();
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO desk(id, host, boot_id, pid, proc_start, started_at, heartbeat_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![id, me.host, me.boot_id, me.pid, me.proc_start, ts(now)],
        )?;
        let gone: Vec<String> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {DESK_COLUMNS} FROM desk d
                 WHERE NOT EXISTS (SELECT 1 FROM desk_draft w WHERE w.desk_id = d.id)"
            ))?;
            let rows = stmt.query_map([], |r| desk_from_row(r, &me, now))?;
            rows.filter_map(|d| d.ok())
                .filter(|d| !d.running)
                .map(|d| d.id)
                .collect()
        };
        for g in gone {
            tx.execute("DELETE FROM desk WHERE id = ?1", [g])?;
        }
        tx.commit()?;
        self.desk = Some(id.clone());
        Ok(id)
    }

    /// This process's desk id, once registered.
    pub fn desk_id(&self) -> Option<&str> {
        self.desk.as_deref()
    }

    /// Says this desk still runs (for desks on other hosts, which cannot see its process).
    pub fn desk_heartbeat(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        if let Some(desk) = &self.desk {
            self.conn.execute(
                "UPDATE desk SET heartbeat_at = ?2 WHERE id = ?1",
                params![desk, ts(now)],
            )?;
        }
        Ok(())
    }

    /// This desk stops: its drafts, if any, are offered at the next start; without one its
    /// registration goes. Also run when the store is dropped.
    pub fn end_desk(&mut self) -> Result<(), StoreError> {
        let Some(desk) = self.desk.take() else {
            return Ok(());
        };
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE desk SET ended_at = ?2 WHERE id = ?1",
            params![desk, ts(Utc::now())],
        )?;
        tx.execute(
            "DELETE FROM desk WHERE id = ?1
               AND NOT EXISTS (SELECT 1 FROM desk_draft WHERE desk_id = ?1)",
            [&desk],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Writes this desk's draft of `form` (and beats: a desk writing drafts is running).
    pub fn save_draft(
        &self,
        form: &str,
        officer_id: Option<&str>,
        values: &BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Some(desk) = &self.desk else {
            return Err(StoreError::Rule(
                "this desk is not registered; the draft was not written".into(),
            ));
        };
        let data = serde_json::to_string(values).map_err(|e| StoreError::Rule(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO desk_draft(desk_id, form, officer_id, data, saved_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(desk_id, form) DO UPDATE SET officer_id = excluded.officer_id,
               data = excluded.data, saved_at = excluded.saved_at",
            params![desk, form, officer_id, data, ts(now)],
        )?;
        Ok(())
    }

    /// Drafts of `form` left by desks that no longer run, oldest first: what a desk offers
    /// at its start. A running desk's draft is never among them.
    pub fn orphan_drafts(&self, form: &str) -> Result<Vec<Draft>, StoreError> {
        let me = here();
        let now = Utc::now();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {DESK_COLUMNS}, w.data, w.saved_at, o.name
             FROM desk_draft w JOIN desk d ON d.id = w.desk_id
             LEFT JOIN officer o ON o.id = w.officer_id
             WHERE w.form = ?1 ORDER BY w.saved_at"
        ))?;
        let rows = stmt.query_map([form], |r| {
            let desk = desk_from_row(r, &me, now)?;
            let data: String = r.get(8)?;
            let at: String = r.get(9)?;
            let officer_name: Option<String> = r.get(10)?;
            Ok((desk, data, at, officer_name))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (desk, data, at, officer_name) = row?;
            if desk.running || Some(desk.id.as_str()) == self.desk.as_deref() {
                continue;
            }
            let Ok(values) = serde_json::from_str(&data) else {
                continue;
            };
            out.push(Draft {
                values,
                saved_at: parse_ts(&at).unwrap_or_default(),
                desk_id: desk.id,
                form: form.to_string(),
                officer_name,
                on_this_host: desk.host == me.host,
                host: desk.host,
                pid: desk.pid,
            });
        }
        Ok(out)
    }

    /// Takes another (gone) desk's draft over as this desk's own, so it is saved, kept or
    /// cleared from here on. False if another desk took it first.
    pub fn claim_draft(&mut self, draft: &Draft) -> Result<bool, StoreError> {
        let Some(me) = self.desk.clone() else {
            return Ok(false);
        };
        let tx = self.write_tx()?;
        tx.execute(
            "DELETE FROM desk_draft WHERE desk_id = ?1 AND form = ?2",
            params![me, draft.form],
        )?;
        let moved = tx.execute(
            "UPDATE desk_draft SET desk_id = ?3 WHERE desk_id = ?1 AND form = ?2",
            params![draft.desk_id, draft.form, me],
        )?;
        forget_if_gone(&tx, &draft.desk_id)?;
        tx.commit()?;
        Ok(moved == 1)
    }

    /// Throws a gone desk's draft away (the officer answered no).
    pub fn discard_draft(&mut self, draft: &Draft) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        tx.execute(
            "DELETE FROM desk_draft WHERE desk_id = ?1 AND form = ?2",
            params![draft.desk_id, draft.form],
        )?;
        forget_if_gone(&tx, &draft.desk_id)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes this desk's draft of `form` (the form was emptied or abandoned on purpose).
    pub fn clear_draft(&self, form: &str) -> Result<(), StoreError> {
        clear_in(&self.conn, self.desk.as_deref(), form)?;
        Ok(())
    }

    /// The desk that wrote a draft: when it started, whether it still runs.
    pub fn desk(&self, id: &str) -> Result<Option<DeskInfo>, StoreError> {
        let me = here();
        let now = Utc::now();
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {DESK_COLUMNS} FROM desk d WHERE d.id = ?1"),
                [id],
                |r| desk_from_row(r, &me, now),
            )
            .optional()?)
    }
}

/// A desk that has ended and holds no draft any more is forgotten.
fn forget_if_gone(conn: &Connection, desk: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM desk WHERE id = ?1 AND ended_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM desk_draft WHERE desk_id = ?1)",
        [desk],
    )?;
    Ok(())
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Err(e) = self.end_desk() {
            tracing::warn!(error = %e, "desk not marked ended");
        }
    }
}

/// Another process holding the database file open, as SQLite's own locks show it: each
/// connection to a WAL file keeps a shared lock on the "dead man switch" byte of its
/// `-shm` (byte 128), and a reader or writer locks bytes of the file's lock page. Only
/// asked (F_GETLK), never taken; files are opened read-only. The pid of one holder.
#[cfg(unix)]
pub fn held_open_by(path: &std::path::Path) -> Option<i64> {
    use std::os::unix::io::AsRawFd;
    let probe = |file: &std::path::Path, start: i64, len: i64| -> Option<i64> {
        let f = std::fs::File::open(file).ok()?;
        // SAFETY: a zeroed flock is a valid value to fill in; F_GETLK only reads the fd's
        // lock table and writes the struct.
        let mut lock: libc::flock = unsafe { std::mem::zeroed() };
        #[allow(clippy::cast_possible_truncation)] // small constants into flock's shorts
        {
            lock.l_type = libc::F_WRLCK as _;
            lock.l_whence = libc::SEEK_SET as _;
        }
        lock.l_start = start as _;
        lock.l_len = len as _;
        let rc = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETLK, &mut lock) };
        (rc == 0 && i32::from(lock.l_type) != libc::F_UNLCK).then_some(i64::from(lock.l_pid))
    };
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    // The -shm's dead man switch, then the file's lock bytes (PENDING, RESERVED, SHARED:
    // 0x40000000 and the 512 bytes after).
    probe(std::path::Path::new(&shm), 128, 1).or_else(|| probe(path, 0x4000_0000, 0x202))
}

#[cfg(not(unix))]
pub fn held_open_by(_path: &std::path::Path) -> Option<i64> {
    None
}

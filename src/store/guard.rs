//! What the desk refuses before SQLite may write a byte: a file that is not ours, a
//! `-wal` beside it that belongs to another database, a file we may not write.
//!
//! SQLite would happily convert another program's file (WAL mode, our tables) and replay
//! any `-wal` it finds beside the file into it on close. So the file's header and its WAL
//! are read here first, as bytes; where SQLite is needed to look (the WAL's view of the
//! station), it looks read-only with no checkpoint on close, and any `-shm` it had to make
//! is removed again: a refused file and its side files stay byte-for-byte as they were.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::StoreError;
use super::migrate::LATEST_VERSION;

/// `PRAGMA application_id` of a dutydesk database: "DUTY" (migration 0009).
pub const APPLICATION_ID: u32 = 0x4455_5459;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the first 100 bytes of the file say.
struct Header {
    page_size: u32,
    application_id: u32,
}

fn read_header(path: &Path) -> Result<Option<Header>, StoreError> {
    let io = |source| StoreError::Io {
        path: path.into(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::with_capacity(100);
    f.by_ref().take(100).read_to_end(&mut buf).map_err(io)?;
    if buf.is_empty() {
        // An empty file: SQLite makes a new database of it; nothing to lose.
        return Ok(None);
    }
    if buf.len() < 100 || &buf[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotADatabase(path.into()));
    }
    let be32 = |at: usize| u32::from_be_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]);
    let raw_page = u32::from(u16::from_be_bytes([buf[16], buf[17]]));
    Ok(Some(Header {
        page_size: if raw_page == 1 { 65_536 } else { raw_page },
        application_id: be32(68),
    }))
}

/// The path of a side file: `-wal`, `-shm`, `-journal`.
pub(crate) fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Refuses an existing file that is not a dutydesk database, or whose `-wal` is not its
/// own; all before anything is written. Missing files are the caller's to create.
pub(super) fn refuse_foreign(path: &Path) -> Result<(), StoreError> {
    let Some(header) = read_header(path)? else {
        return Ok(());
    };
    let wal = committed_wal(path, &header)?;
    if header.application_id == APPLICATION_ID && wal.frames == 0 {
        return Ok(());
    }
    if header.application_id != APPLICATION_ID && header.application_id != 0 {
        // Another program named its file: not ours, whatever is inside.
        return Err(StoreError::NotOurs(path.into()));
    }
    // Either no name in the header (a file from before migration 0009, or anybody's), or
    // a WAL beside it: ask SQLite what the file is, read-only.
    let seen = if wal.frames > 0 {
        look_with_wal(path)
    } else {
        look(path, false)
    };
    let seen = seen.map_err(|_| {
        if header.application_id == APPLICATION_ID {
            StoreError::ForeignWal(path.into())
        } else {
            StoreError::NotADatabase(path.into())
        }
    })?;
    if seen.user_version > LATEST_VERSION && seen.application_id != APPLICATION_ID {
        return Err(StoreError::NewerVersion {
            path: path.into(),
            found: seen.user_version,
            supported: LATEST_VERSION,
        });
    }
    let ours = seen.application_id == APPLICATION_ID
        || (seen.application_id == 0 && seen.user_version >= 1 && seen.has_our_tables);
    if !ours {
        return Err(
            if wal.frames > 0 && header.application_id == APPLICATION_ID {
                StoreError::ForeignWal(path.into())
            } else {
                StoreError::NotOurs(path.into())
            },
        );
    }
    // The WAL must describe this database: the station it holds is the main file's.
    // (Unreadable alone, as when another desk checkpoints into it as we look: no verdict.)
    if wal.frames > 0
        && let Ok(alone) = look(path, false)
        && alone.station.is_some()
        && alone.station != seen.station
    {
        return Err(StoreError::ForeignWal(path.into()));
    }
    Ok(())
}

/// The file as its WAL would make it, seen without touching the WAL or `-shm` beside it
/// (SQLite would rebuild that `-shm` for a WAL it reads): the main file hard-linked into a
/// private folder with a copy of the WAL. A damaged view is looked at again twice, in
/// case another desk was writing the WAL as it was copied.
fn look_with_wal(path: &Path) -> rusqlite::Result<Seen> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let private = dir.join(format!(".{name}.look.{}", std::process::id()));
    let mut last = None;
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&private);
        let copied = std::fs::create_dir(&private)
            .and_then(|()| std::fs::hard_link(path, private.join("db")))
            .and_then(|()| std::fs::copy(side_file(path, "-wal"), private.join("db-wal")));
        let seen = match copied {
            Ok(_) => look(&private.join("db"), true),
            // No hard links here (a FAT stick): look in place.
            Err(_) => look(path, true),
        };
        let _ = std::fs::remove_dir_all(&private);
        match seen {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Err(last.unwrap_or(rusqlite::Error::InvalidQuery))
}

/// What a read-only look at the file found.
struct Seen {
    application_id: u32,
    user_version: i64,
    has_our_tables: bool,
    station: Option<String>,
}

/// Looks at the file read-only: with its WAL (no checkpoint on close), or the main file
/// alone (`immutable`: SQLite neither reads the WAL nor makes side files).
fn look(path: &Path, with_wal: bool) -> rusqlite::Result<Seen> {
    let uri = format!(
        "file:{}?{}",
        uri_path(path),
        if with_wal { "mode=ro" } else { "immutable=1" }
    );
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )?;
    let application_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'
           AND name IN ('station', 'visitor', 'visit')",
        [],
        |r| r.get(0),
    )?;
    let has_our_tables = tables == 3;
    let station = if has_our_tables {
        conn.query_row("SELECT id FROM station ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
    } else {
        None
    };
    Ok(Seen {
        application_id: u32::try_from(application_id & 0xffff_ffff).unwrap_or(0),
        user_version,
        has_our_tables,
        station,
    })
}

/// A path as a `file:` URI path: percent-encode what a URI would read otherwise.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

/// What a `-wal` beside the file holds, read as SQLite would: frames whose salts and
/// running checksum hold, up to the last commit.
#[derive(Default)]
struct Wal {
    frames: usize,
}

fn committed_wal(path: &Path, header: &Header) -> Result<Wal, StoreError> {
    let wal_path = side_file(path, "-wal");
    let bytes = match std::fs::read(&wal_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Wal::default()),
        Err(source) => {
            return Err(StoreError::Io {
                path: wal_path,
                source,
            });
        }
    };
    if bytes.len() < 32 {
        return Ok(Wal::default());
    }
    let be32 = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let magic = be32(&bytes, 0);
    if magic & !1 != 0x377f_0682 {
        // Not a WAL SQLite would replay (it resets such a file).
        return Ok(Wal::default());
    }
    let big_endian = magic & 1 == 1;
    let page_size = be32(&bytes, 8);
    let (salt1, salt2) = (be32(&bytes, 16), be32(&bytes, 20));
    let mut sum = checksum((0, 0), &bytes[..24], big_endian);
    if sum != (be32(&bytes, 24), be32(&bytes, 28)) {
        return Ok(Wal::default());
    }
    let frame_len = 24 + page_size as usize;
    let (mut frames, mut committed) = (0, 0);
    let mut at = 32;
    while at + frame_len <= bytes.len() {
        let frame = &bytes[at..at + frame_len];
        if be32(frame, 8) != salt1 || be32(frame, 12) != salt2 {
            break;
        }
        sum = checksum(sum, &frame[..8], big_endian);
        sum = checksum(sum, &frame[24..], big_endian);
        if sum != (be32(frame, 16), be32(frame, 20)) {
            break;
        }
        frames += 1;
        let page = be32(frame, 0);
        if page == 1 {
            // A page 1 naming another program belongs to another database.
            let app = be32(&frame[24..], 68);
            if app != APPLICATION_ID && app != 0 {
                return Err(StoreError::ForeignWal(path.into()));
            }
        }
        if be32(frame, 4) != 0 {
            committed = frames;
        }
        at += frame_len;
    }
    if committed > 0 && page_size != header.page_size {
        return Err(StoreError::ForeignWal(path.into()));
    }
    Ok(Wal { frames: committed })
}

/// SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `s`.
fn checksum(s: (u32, u32), data: &[u8], big_endian: bool) -> (u32, u32) {
    let (mut s0, mut s1) = s;
    for pair in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s0 = s0.wrapping_add(word(&pair[..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(word(&pair[4..])).wrapping_add(s0);
    }
    (s0, s1)
}

/// A file the desk may not write is refused before it is opened, not at the first save:
/// a file without its owner's write bit (even for root, who could write it anyway: the
/// owner meant it read-only), a file or folder this user may not write.
pub(super) fn refuse_read_only(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let read_only = |p: &Path| -> bool {
            let Ok(meta) = std::fs::metadata(p) else {
                return false;
            };
            if meta.permissions().mode() & 0o200 == 0 {
                return true;
            }
            let Ok(c) = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()) else {
                return false;
            };
            // SAFETY: a valid NUL-terminated path; access() only reads it.
            unsafe { libc::access(c.as_ptr(), libc::W_OK) != 0 }
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if read_only(path) || read_only(dir) {
            return Err(StoreError::ReadOnly(path.into()));
        }
    }
    Ok(())
}

impl super::Store {
    /// Before a bulk write (an import, the generator): a file whose pages are damaged is
    /// refused, so nothing is written on top of the damage.
    pub fn refuse_if_damaged(&self) -> Result<(), StoreError> {
        let damaged = |detail: String| StoreError::Damaged {
            path: self.path.clone(),
            detail,
        };
        let found: Vec<String> = self
            .conn
            .prepare("PRAGMA quick_check(3)")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<_, _>>()
            })
            .map_err(|e| damaged(e.to_string()))?;
        if found == ["ok"] {
            Ok(())
        } else {
            Err(damaged(found.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_sqlites_for_a_real_wal() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let c = Connection::open(&db).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
             CREATE TABLE t(x); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        let header = read_header(&db).unwrap().unwrap();
        let wal = committed_wal(&db, &header).unwrap();
        assert!(wal.frames >= 2, "frames read: {}", wal.frames);
    }

    #[test]
    fn a_uri_path_keeps_chinese_and_escapes_query_characters() {
        assert_eq!(
            uri_path(Path::new("/tmp/站点?#%.db")),
            "/tmp/站点%3F%23%25.db"
        );
    }
}

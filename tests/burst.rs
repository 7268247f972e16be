//! Issue 16 item 10: a burst of keys typed without bracketed paste (a paste into a
//! terminal that does not bracket it, a scanner, a remote-desktop "type") must all arrive.
//!
//! Through a real pty: the desk runs on the slave side as its controlling terminal, the
//! test types 10,000 keys (ASCII and CJK) into the intake summary in one write, then
//! Ctrl-S, and reads the saved visit back from the database. With crossterm's default
//! (edge-triggered) event source the tail of such a burst stayed in the tty until the
//! next key, so the save never came and the summary was short by 1-3 KiB.
#![cfg(unix)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No test may hang: every wait gives up after this and fails with what it saw.
const PATIENCE: Duration = Duration::from_secs(300);

/// `n` keys: numbered tokens (`00042工资|`), so a lost block shows where it was.
fn burst(n: usize) -> String {
    let cjk: Vec<char> = "诉求摘要工资拖欠劳动合同职工服务站值班台张三李梅"
        .chars()
        .collect();
    let mut out = String::new();
    let mut i = 0usize;
    while out.chars().count() < n {
        out.push_str(&format!(
            "{i:05}{}{}|",
            cjk[i % cjk.len()],
            cjk[(i * 7) % cjk.len()]
        ));
        i += 1;
    }
    out.chars().take(n).collect()
}

/// The desk on a pty; killed when dropped, even when the test fails.
struct Desk {
    child: Child,
    master: File,
    screen: Arc<Mutex<Vec<u8>>>,
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Desk {
    fn start(home: &Path, db: &Path) -> Desk {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 50,
            ws_col: 200,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: out-pointers to two ints; no name buffer; default termios; a winsize.
        let r = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(r, 0, "openpty: {}", std::io::Error::last_os_error());
        // SAFETY: openpty just returned these two descriptors, owned by no one else.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };

        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dutydesk"));
        cmd.arg("--demo")
            .arg("--db")
            .arg(db)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("TERM", "xterm-256color")
            .env_remove("DUTYDESK_DB")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec. A session of its
        // own with the pty as controlling terminal: the desk checks /dev/tty every tick.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start the desk on a pty");
        drop(cmd); // the slave's last copy in this process

        // Keep reading what the desk draws, or it blocks writing to a full pty.
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut out = master.try_clone().unwrap();
        let seen = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Desk {
            child,
            master,
            screen,
        }
    }

    /// Waits until the desk has written `text` to the terminal.
    fn wait_drawn(&mut self, text: &str) {
        let start = Instant::now();
        loop {
            let screen = self.screen.lock().unwrap();
            if screen.windows(text.len()).any(|w| w == text.as_bytes()) {
                return;
            }
            drop(screen);
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the desk exited ({status}) before drawing {text:?}: {}",
                    self.tail()
                );
            }
            assert!(
                start.elapsed() < PATIENCE,
                "the desk never wrote {text:?}: {}",
                self.tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last of what the desk wrote, control bytes escaped.
    fn tail(&self) -> String {
        let screen = self.screen.lock().unwrap();
        let from = screen.len().saturating_sub(400);
        String::from_utf8_lossy(&screen[from..])
            .escape_debug()
            .to_string()
    }

    /// Types `bytes` in one write, from a thread: a desk that stops reading must fail the
    /// test, not hang it on a full pty.
    fn type_in(&self, bytes: &[u8]) {
        let mut w = self.master.try_clone().unwrap();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&bytes);
        });
    }
}

/// The summary of the visit saved from the burst, once it is in the database.
fn saved_summary(db: &Path) -> Option<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    conn.query_row(
        "SELECT summary FROM visit WHERE summary LIKE '00000%'",
        [],
        |r| r.get(0),
    )
    .ok()
}

/// What the desk's draft (written every 3 s while the form is dirty) holds in the summary.
fn draft_summary_chars(db: &Path) -> Option<usize> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    let data: String = conn
        .query_row("SELECT data FROM draft", [], |r| r.get(0))
        .ok()?;
    let values: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&data).ok()?;
    values
        .values()
        .filter_map(|v| v.as_str())
        .find(|s| s.starts_with("00000"))
        .map(|s| s.chars().count())
}

#[test]
fn ten_thousand_keys_typed_in_one_burst_all_arrive_in_order() {
    const KEYS: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("burst.sqlite3");
    let mut desk = Desk::start(dir.path(), &db);
    // Bracketed paste is switched on after raw mode: from here keys are keys.
    desk.wait_drawn("\x1b[?2004h");

    // 姓名, ten fields on to 诉求类别, → picks 欠薪 (required), four on to the summary;
    // then the burst and Ctrl-S, all in one write, as a terminal would send them.
    let keys = burst(KEYS);
    assert_eq!(keys.chars().count(), KEYS);
    assert!(keys.len() > 14_000, "a burst of many 1 KiB reads");
    let typed = format!("张三{}\x1b[C{}{keys}\x13", "\t".repeat(10), "\t".repeat(4));
    desk.type_in(typed.as_bytes());

    let start = Instant::now();
    let saved = loop {
        if let Some(s) = saved_summary(&db) {
            break s;
        }
        if let Ok(Some(status)) = desk.child.try_wait() {
            panic!("the desk exited ({status}): {}", desk.tail());
        }
        assert!(
            start.elapsed() < PATIENCE,
            "the burst's Ctrl-S never arrived; the summary field holds {:?} of {KEYS} keys \
             (from the draft); screen: {}",
            draft_summary_chars(&db),
            desk.tail()
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let got = saved.chars().count();
    assert_eq!(got, KEYS, "keys sent {KEYS}, keys arrived {got}");
    assert!(saved == keys, "all {KEYS} keys arrived, but not in order");
}

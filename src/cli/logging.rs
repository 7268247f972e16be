//! The log file beside the database: never the terminal, never an ID number or phone.

use std::path::Path;

/// Logs go to a file beside the database (0600), never to the terminal, and never hold
/// ID numbers or phones (only record ids).
pub(super) fn init_logging(db: &Path) {
    let log_path = db.with_extension("log");
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let Ok(file) = opts.open(&log_path) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(QuietLog(file)))
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

/// The log file's writer. A write that fails (a full disk) is dropped and remembered,
/// never reported: tracing's own fallback prints to stderr, over the desk's screen.
struct QuietLog(std::fs::File);

/// Set once a log line could not be written.
pub static LOG_WRITE_FAILED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

impl std::io::Write for QuietLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.write_all(buf).is_err() {
            LOG_WRITE_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn a_log_line_on_a_full_disk_is_dropped_not_printed() {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full (Linux)");
        let mut log = super::QuietLog(full);
        assert_eq!(log.write(b"a line").unwrap(), 6, "the writer never fails");
        assert!(log.flush().is_ok());
        assert!(super::LOG_WRITE_FAILED.load(std::sync::atomic::Ordering::Relaxed));
    }
}

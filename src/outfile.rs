//! Files the desk writes (reports, exports): never over the database or its side files,
//! never over something that is not a regular file, never over an existing file unless
//! the officer said `--force`, readable by the owner only (they hold people's names and
//! numbers), and never half-written: the bytes go to a private file beside the target,
//! which then takes the target's name.

use std::path::{Path, PathBuf};

use crate::i18n::Lang;

#[derive(Debug, thiserror::Error)]
pub enum OutError {
    #[error("{0} is the database or one of its own files")]
    IsDatabase(PathBuf),
    #[error("{0} is not a regular file")]
    NotRegular(PathBuf),
    #[error("{0} exists")]
    Exists(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Write { path: PathBuf, message: String },
}

impl OutError {
    /// One plain sentence, saying what was kept.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (OutError::IsDatabase(p), Lang::Zh) => format!(
                "{} 是值班台数据库或它的附属文件,不能写入报表;未做任何改动",
                p.display()
            ),
            (OutError::IsDatabase(p), Lang::En) => format!(
                "{} is the desk's database or one of its own files; nothing was written",
                p.display()
            ),
            (OutError::NotRegular(p), Lang::Zh) => format!(
                "{} 不是普通文件(链接、设备或文件夹),不会写入;未做任何改动",
                p.display()
            ),
            (OutError::NotRegular(p), Lang::En) => format!(
                "{} is not a regular file (a link, a device or a folder); nothing was written",
                p.display()
            ),
            (OutError::Exists(p), Lang::Zh) => format!(
                "{} 已存在,未覆盖;换一个文件名,或加 --force 替换它",
                p.display()
            ),
            (OutError::Exists(p), Lang::En) => format!(
                "{} exists and was not overwritten; choose another name, or add --force to replace it",
                p.display()
            ),
            (OutError::Io { path, source }, Lang::Zh) => {
                format!("{}:{source};未写入文件", path.display())
            }
            (OutError::Io { path, source }, Lang::En) => {
                format!("{}: {source}; no file was written", path.display())
            }
            (OutError::Write { path, message }, Lang::Zh) => {
                format!("{}:{message};未写入文件", path.display())
            }
            (OutError::Write { path, message }, Lang::En) => {
                format!("{}: {message}; no file was written", path.display())
            }
        }
    }
}

/// The database's own files: itself, its WAL, shared memory, journal and log.
fn database_files(db: &Path) -> Vec<PathBuf> {
    let mut files = vec![db.to_path_buf(), db.with_extension("log")];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        files.push(PathBuf::from(p));
    }
    files
}

/// The path with its folder resolved (the file itself need not exist).
fn resolved(p: &Path) -> PathBuf {
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(dir), p.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => p.to_path_buf(),
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(b).is_ok_and(|m| m.dev() == a.dev() && m.ino() == a.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &Path) -> bool {
    false
}

/// Whether `target` may be written: refused if it is the database or one of its files
/// (by name or by being the same file), not a regular file, or existing without `force`.
pub fn check_target(target: &Path, db: &Path, force: bool) -> Result<(), OutError> {
    let target_r = resolved(target);
    let meta = std::fs::symlink_metadata(target).ok();
    for own in database_files(db) {
        if resolved(&own) == target_r || meta.as_ref().is_some_and(|m| same_file(m, &own)) {
            return Err(OutError::IsDatabase(target.into()));
        }
    }
    if let Some(m) = meta {
        if !m.file_type().is_file() {
            return Err(OutError::NotRegular(target.into()));
        }
        if !force {
            return Err(OutError::Exists(target.into()));
        }
    }
    Ok(())
}

/// Writes `target` through `write`, which is given a private, empty file beside it to
/// fill. The target appears whole or not at all; without `force` it never replaces a file
/// that appeared meanwhile.
pub fn write_new(
    target: &Path,
    db: &Path,
    force: bool,
    write: impl FnOnce(&Path) -> anyhow::Result<()>,
) -> Result<(), OutError> {
    check_target(target, db, force)?;
    let io = |source| OutError::Io {
        path: target.into(),
        source,
    };
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(&tmp).map_err(io)?;
    let done = write(&tmp)
        .map_err(|e| OutError::Write {
            path: target.into(),
            message: format!("{e:#}"),
        })
        .and_then(|()| {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(io)
        })
        .and_then(|()| place(&tmp, target, force).map_err(io));
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    // A target that appeared meanwhile was not replaced: say so plainly.
    done.map_err(|e| match e {
        OutError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists => {
            OutError::Exists(target.into())
        }
        other => other,
    })
}

/// Gives the finished file its name: a hard link never replaces anything; where the
/// file system has no hard links (a FAT memory stick), a rename after one more look.
fn place(tmp: &Path, target: &Path, force: bool) -> std::io::Result<()> {
    if force {
        return std::fs::rename(tmp, target);
    }
    match std::fs::hard_link(tmp, target) {
        Ok(()) => std::fs::remove_file(tmp),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            if std::fs::symlink_metadata(target).is_ok() {
                return Err(std::io::ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(tmp, target)
        }
    }
}

/// A name in `dir` not taken yet: `stem.ext`, else `stem-2.ext`, `stem-3.ext`…
pub fn free_name(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if std::fs::symlink_metadata(&first).is_err() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or(first)
}

/// What a command says after writing `path` (on stderr: stdout may be the data).
pub fn written(path: &Path, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已写入 {}", path.display()),
        Lang::En => format!("written to {}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_the_database_its_side_files_links_and_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("station.db");
        std::fs::write(&db, b"db").unwrap();
        for own in [
            "station.db",
            "station.db-wal",
            "station.db-shm",
            "station.log",
        ] {
            let e = check_target(&dir.path().join(own), &db, true).unwrap_err();
            assert!(matches!(e, OutError::IsDatabase(_)), "{own}: {e}");
        }
        let report = dir.path().join("report.md");
        std::fs::write(&report, b"old").unwrap();
        assert!(matches!(
            check_target(&report, &db, false),
            Err(OutError::Exists(_))
        ));
        assert!(check_target(&report, &db, true).is_ok());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.md");
            std::os::unix::fs::symlink(&report, &link).unwrap();
            assert!(matches!(
                check_target(&link, &db, true),
                Err(OutError::NotRegular(_))
            ));
            // The database reached by another name (a hard link) is still the database.
            let alias = dir.path().join("alias.db");
            std::fs::hard_link(&db, &alias).unwrap();
            assert!(matches!(
                check_target(&alias, &db, true),
                Err(OutError::IsDatabase(_))
            ));
        }
    }

    #[test]
    fn a_failed_write_leaves_no_file_and_a_good_one_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("station.db");
        let target = dir.path().join("out.csv");
        let e = write_new(&target, &db, false, |_| anyhow::bail!("disk full")).unwrap_err();
        assert!(e.message(Lang::En).contains("disk full"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_new(&target, &db, false, |p| Ok(std::fs::write(p, "a,b")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(
            free_name(dir.path(), "out", "csv"),
            dir.path().join("out-2.csv")
        );
    }
}

//! The config file (`config.toml` in the config directory, or `--config FILE`): deadline
//! rules in working days and holiday years beyond the compiled-in table.
//!
//! ```toml
//! [deadlines]          # working days; urgent referrals get half
//! legal_consultation = 1
//! legal_aid = 15
//! hardship_aid = 10
//! jobs = 5
//! agency = 7
//!
//! [holidays."2027"]    # the State Council's notice for 2027
//! off = ["2027-01-01", "2027-02-06..2027-02-13"]
//! work = ["2027-02-14"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::calendar::{WorkCalendar, YearTable};
use crate::domain::referral::DeadlineRules;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    deadlines: DeadlineRules,
    #[serde(default)]
    holidays: BTreeMap<String, YearTable>,
    /// The folder the desk's exports go to (the review's report, the month's ledger, slips).
    #[serde(default)]
    exports: Option<std::path::PathBuf>,
}

/// What the desk runs with: the rules and the calendar they count on.
#[derive(Debug, Clone)]
pub struct Config {
    pub deadlines: DeadlineRules,
    pub calendar: WorkCalendar,
    /// `exports = "…"` in the file: where the desk's exports go (see `exports_dir`).
    pub exports: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            deadlines: DeadlineRules::default(),
            calendar: WorkCalendar::china(),
            exports: None,
        }
    }
}

impl Config {
    /// Parses a config file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            format!("{file}:{line}: {}", e.message())
        })?;
        let mut calendar = WorkCalendar::china();
        calendar
            .lay_over(&raw.holidays)
            .map_err(|e| format!("{file}: {e}"))?;
        Ok(Config {
            deadlines: raw.deadlines,
            calendar,
            exports: raw.exports,
        })
    }

    /// Where the desk's exports go, as a full path an officer can find: the folder the
    /// config names; else `dutydesk` in the user's documents folder (`documents`); else
    /// `reports/` beside the database.
    pub fn exports_dir(&self, db: &Path, documents: Option<&Path>) -> std::path::PathBuf {
        let dir = match (&self.exports, documents) {
            (Some(dir), _) => dir.clone(),
            (None, Some(docs)) => docs.join("dutydesk"),
            (None, None) => db
                .parent()
                .map_or_else(|| "reports".into(), |p| p.join("reports")),
        };
        std::path::absolute(&dir).unwrap_or(dir)
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Config::parse(&path.display().to_string(), &text)
    }
}

/// Where the desk keeps its files by default (the platform's data and config folders).
pub(crate) fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "dutydesk", "dutydesk")
}

/// The database the desk and every command use without `--db` or `DUTYDESK_DB`.
#[must_use]
pub fn default_db_path() -> PathBuf {
    project_dirs().map_or_else(
        || PathBuf::from("dutydesk.sqlite3"),
        |d| d.data_dir().join("dutydesk.sqlite3"),
    )
}

/// The demo database `--demo` builds without `--db`.
pub(crate) fn demo_db_path() -> PathBuf {
    project_dirs().map_or_else(
        || PathBuf::from("demo.sqlite3"),
        |d| d.data_dir().join("demo.sqlite3"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lists::Urgency;
    use crate::domain::referral::DeadlineRule;

    #[test]
    fn deadlines_and_holidays_come_from_the_file_with_defaults_for_the_rest() {
        let c = Config::parse(
            "config.toml",
            "[deadlines]\njobs = 3\n[holidays.\"2027\"]\noff = [\"2027-01-01\"]\n",
        )
        .unwrap();
        assert_eq!(
            c.deadlines
                .working_days(DeadlineRule::Jobs, Urgency::Normal),
            3
        );
        assert_eq!(
            c.deadlines
                .working_days(DeadlineRule::LegalAid, Urgency::Normal),
            15
        );
        assert!(c.calendar.knows_year(2027));
    }

    #[test]
    fn an_unknown_rule_or_a_bad_date_names_the_file() {
        let e = Config::parse("c.toml", "[deadlines]\nlegal = 3\n").unwrap_err();
        assert!(e.starts_with("c.toml:2:"), "{e}");
        let e =
            Config::parse("c.toml", "[holidays.\"2027\"]\noff = [\"2027-02-30\"]\n").unwrap_err();
        assert!(e.contains("2027-02-30"), "{e}");
    }

    #[test]
    fn exports_go_to_the_configured_folder_else_documents_else_beside_the_database() {
        let db = Path::new("/srv/desk/station.db");
        let docs = Path::new("/home/li/文档");
        let none = Config::default();
        assert_eq!(none.exports_dir(db, Some(docs)), docs.join("dutydesk"));
        assert_eq!(none.exports_dir(db, None), Path::new("/srv/desk/reports"));
        let set = Config::parse("c.toml", "exports = \"/mnt/u盘/报表\"\n").unwrap();
        assert_eq!(set.exports_dir(db, Some(docs)), Path::new("/mnt/u盘/报表"));
        // A relative folder is made whole, so the message gives a path to follow.
        let rel = Config::parse("c.toml", "exports = \"out\"\n").unwrap();
        assert!(rel.exports_dir(db, None).is_absolute());
    }
}

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
use std::path::Path;

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
}

/// What the desk runs with: the rules and the calendar they count on.
#[derive(Debug, Clone)]
pub struct Config {
    pub deadlines: DeadlineRules,
    pub calendar: WorkCalendar,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            deadlines: DeadlineRules::default(),
            calendar: WorkCalendar::china(),
        }
    }
}

impl Config {
    /// Parses a config file's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            format!("{file}:{line}: {}", e.message())
        })?;
        let mut calendar = WorkCalendar::china();
        calendar
            .lay_over(&raw.holidays)
            .map_err(|e| format!("{file}: {e}"))?;
        Ok(Config {
            deadlines: raw.deadlines,
            calendar,
        })
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Config::parse(&path.display().to_string(), &text)
    }
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
}

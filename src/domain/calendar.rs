//! Working days on China's calendar, for deadlines (限时办结): Monday to Friday, minus
//! statutory holidays, plus the weekend days worked in exchange (调休). The table is
//! `holidays_cn.toml` (compiled in), with years from the config file laid over it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Deserialize;

pub const BUILTIN_HOLIDAYS: &str = include_str!("holidays_cn.toml");

/// One year of the State Council's notice: days off and adjusted working days.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct YearTable {
    #[serde(default)]
    pub off: Vec<String>,
    #[serde(default)]
    pub work: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    off: BTreeSet<NaiveDate>,
    work: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date written YYYY-MM-DD"))
}

/// `"2026-10-01..2026-10-07"` or `"2026-10-01"`: every day in it.
fn parse_range(s: &str) -> Result<Vec<NaiveDate>, String> {
    let (a, b) = match s.split_once("..") {
        Some((a, b)) => (parse_day(a)?, parse_day(b)?),
        None => {
            let d = parse_day(s)?;
            (d, d)
        }
    };
    if b < a || (b - a).num_days() > 31 {
        return Err(format!(
            "{s:?}: a range runs forward and spans at most a month"
        ));
    }
    Ok(a.iter_days().take_while(|d| *d <= b).collect())
}

impl WorkCalendar {
    /// The compiled-in table.
    pub fn china() -> WorkCalendar {
        let mut c = WorkCalendar::default();
        let years: BTreeMap<String, YearTable> =
            toml::from_str(BUILTIN_HOLIDAYS).expect("the shipped holiday table parses (tested)");
        c.lay_over(&years)
            .expect("the shipped holiday table is valid (tested)");
        c
    }

    /// Lays whole years over the table: a year given here replaces that year's days.
    pub fn lay_over(&mut self, years: &BTreeMap<String, YearTable>) -> Result<(), String> {
        for (year, table) in years {
            let y: i32 = year
                .trim()
                .parse()
                .map_err(|_| format!("[holidays.{year:?}]: the key must be a year"))?;
            let mut off = Vec::new();
            for r in &table.off {
                off.extend(parse_range(r).map_err(|e| format!("[holidays.\"{y}\"] off: {e}"))?);
            }
            let mut work = Vec::new();
            for r in &table.work {
                work.extend(parse_range(r).map_err(|e| format!("[holidays.\"{y}\"] work: {e}"))?);
            }
            if let Some(d) = off.iter().chain(&work).find(|d| d.year() != y) {
                return Err(format!("[holidays.\"{y}\"]: {d} is not in {y}"));
            }
            self.off.retain(|d| d.year() != y);
            self.work.retain(|d| d.year() != y);
            self.off.extend(off);
            self.work.extend(work);
            self.years.insert(y);
        }
        Ok(())
    }

    /// The years the table knows, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.iter().copied().collect()
    }

    /// Whether the table knows this year's holidays (else only weekends are skipped).
    pub fn knows_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.work.contains(&d) {
            return true;
        }
        if self.off.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `start` (`start` itself never counts). With `n` = 0,
    /// `start` if it is a working day, else the next one.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        if n == 0 {
            while !self.is_working_day(d) {
                d += Duration::days(1);
            }
            return d;
        }
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn national_day_2026_is_skipped_and_its_working_weekends_count() {
        let c = WorkCalendar::china();
        // 2026-09-30 (Wed) + 1 working day: 10-01..07 off, 10-08 Thu.
        assert_eq!(c.add_working_days(d("2026-09-30"), 1), d("2026-10-08"));
        // Sunday 2026-09-20 is worked (调休): Friday 09-18 + 1 = Sunday 09-20.
        assert_eq!(c.add_working_days(d("2026-09-18"), 1), d("2026-09-20"));
        // Saturday 2026-10-10 is worked: Friday 10-09 + 1 = Saturday 10-10.
        assert_eq!(c.add_working_days(d("2026-10-09"), 1), d("2026-10-10"));
        // 15 working days from 2026-09-28 (Mon): 29, 30, 8, 9, 10(Sat), 12..16, 19..23.
        assert_eq!(c.add_working_days(d("2026-09-28"), 15), d("2026-10-23"));
        assert!(!c.is_working_day(d("2026-10-05")));
    }

    #[test]
    fn spring_festival_2026_with_its_two_working_saturdays() {
        let c = WorkCalendar::china();
        assert!(c.is_working_day(d("2026-02-14")), "Sat 02-14 is worked");
        assert!(c.is_working_day(d("2026-02-28")), "Sat 02-28 is worked");
        assert!(!c.is_working_day(d("2026-02-23")), "Mon 02-23 is off");
        // Friday 02-13 + 1 = Saturday 02-14; + 2 jumps the festival to Tuesday 02-24.
        assert_eq!(c.add_working_days(d("2026-02-13"), 1), d("2026-02-14"));
        assert_eq!(c.add_working_days(d("2026-02-13"), 2), d("2026-02-24"));
        // 5 working days from 02-12: 13, 14, 24, 25, 26.
        assert_eq!(c.add_working_days(d("2026-02-12"), 5), d("2026-02-26"));
        // 2025's festival: 01-28..02-04 off, Sunday 01-26 and Saturday 02-08 worked.
        assert_eq!(c.add_working_days(d("2025-01-24"), 1), d("2025-01-26"));
        assert_eq!(c.add_working_days(d("2025-01-27"), 1), d("2025-02-05"));
    }

    #[test]
    fn zero_days_lands_on_the_next_working_day() {
        let c = WorkCalendar::china();
        assert_eq!(c.add_working_days(d("2026-10-03"), 0), d("2026-10-08"));
        assert_eq!(c.add_working_days(d("2026-11-23"), 0), d("2026-11-23"));
    }

    #[test]
    fn config_years_replace_the_builtin_year_and_bad_ones_are_refused() {
        let mut c = WorkCalendar::china();
        assert!(!c.knows_year(2027));
        let mut years = BTreeMap::new();
        years.insert(
            "2027".to_string(),
            YearTable {
                off: vec!["2027-01-01".into()],
                work: vec![],
            },
        );
        c.lay_over(&years).unwrap();
        assert!(c.knows_year(2027));
        assert!(!c.is_working_day(d("2027-01-01")));
        years.insert(
            "2028".to_string(),
            YearTable {
                off: vec!["2027-05-01".into()],
                work: vec![],
            },
        );
        assert!(
            c.clone()
                .lay_over(&years)
                .unwrap_err()
                .contains("not in 2028")
        );
        years.remove("2028");
        years.insert(
            "2029".to_string(),
            YearTable {
                off: vec!["2029-13-01".into()],
                work: vec![],
            },
        );
        assert!(c.lay_over(&years).is_err());
    }
}

//! The arbitration time limit (仲裁时效) of a labour dispute, by art. 27 of the Labour
//! Dispute Mediation and Arbitration Law (劳动争议调解仲裁法):
//!
//! - a dispute goes to arbitration within one year of the day the worker knew or should
//!   have known that their rights were infringed (第一款);
//! - wages owed during the employment (劳动报酬) are not limited while the employment
//!   lasts; once it has ended, within one year of the day it ended (第四款).
//!
//! A year is counted as the Civil Code counts periods (民法典 arts. 201 and 203): from the
//! day after the event, its last day is the same date a year on, or the month's last day
//! where there is none (2024-02-29 → 2025-02-28).
//!
//! Not modelled: interruption (中断, 第二款: a claim made, a demand on the employer, its
//! promise to pay — the year starts again) and suspension (中止, 第三款: force majeure —
//! the year stops). The date is therefore an estimate for the officer, never legal advice.
//!
//! Pure: no store, no screen. Words are the edge's (`panes::intake::arbitration_view`).

use chrono::{Months, NaiveDate};

use crate::domain::lists::Category;
use crate::labeled_enum;
use crate::words::Said;

labeled_enum!(
    /// Whether the employment the dispute is about still lasts.
    Employment {
        Continues => "continues", "在职", "Still employed";
        Ended => "ended", "已离职", "Ended";
    }
);

/// Days left at or below which a case is flagged and put at the top of the queue.
pub const WARNING_DAYS: i64 = 60;

/// What the desk knows that decides the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    pub category: Option<Category>,
    pub employment: Option<Employment>,
    /// The last day of the employment, when it has ended.
    pub ended_on: Option<NaiveDate>,
    /// When the worker learned, or should have learned, of the infringement.
    pub learned_on: Option<NaiveDate>,
}

/// Where the year is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The day the worker learned of the infringement (第一款).
    Learned(NaiveDate),
    /// The day the employment ended, for wages owed during it (第四款).
    EmploymentEnded(NaiveDate),
}

impl Basis {
    pub fn date(self) -> NaiveDate {
        match self {
            Basis::Learned(d) | Basis::EmploymentEnded(d) => d,
        }
    }
}

/// A fact the rule needs that the desk was not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Wages: whether the employment continues.
    Employment,
    /// Wages, employment ended: when.
    EndedOn,
    /// When the worker learned of the problem.
    LearnedOn,
}

/// The rule's answer, whatever the day: independent of today, so it can be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Not a request art. 27 is about (only wages, contracts and injuries are asked).
    NotCovered,
    NeedsFacts(Missing),
    /// 在职期间欠薪不受时效限制.
    NoLimitWhileEmployed,
    LastDay {
        last_day: NaiveDate,
        basis: Basis,
    },
}

impl Deadline {
    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            Deadline::LastDay { last_day, .. } => Some(last_day),
            _ => None,
        }
    }
}

/// The rule's answer on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    NotCovered,
    NeedsFacts(Missing),
    /// 在职期间欠薪不受时效限制: the limit starts when the employment ends.
    NoLimitWhileEmployed,
    /// More than [`WARNING_DAYS`] left.
    Running {
        last_day: NaiveDate,
        basis: Basis,
        days_left: i64,
    },
    /// [`WARNING_DAYS`] or fewer left; 0 is the last day itself.
    Closing {
        last_day: NaiveDate,
        basis: Basis,
        days_left: i64,
    },
    /// The last day has passed (unless interrupted or suspended, which is not modelled).
    Expired {
        last_day: NaiveDate,
        basis: Basis,
        days_over: i64,
    },
}

impl Clock {
    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            Clock::Running { last_day, .. }
            | Clock::Closing { last_day, .. }
            | Clock::Expired { last_day, .. } => Some(last_day),
            _ => None,
        }
    }

    /// Whether the case is flagged: a last day within [`WARNING_DAYS`].
    pub fn is_closing(self) -> bool {
        matches!(self, Clock::Closing { .. })
    }
}

/// Whether the form asks for the facts of a request of this category.
pub fn covers(category: Category) -> bool {
    matches!(
        category,
        Category::WageArrears | Category::Contract | Category::Injury
    )
}

/// The last day of a one-year period that runs from the day after `event`: the same date
/// a year on, or the end of that month where the date does not exist (29 February).
pub fn one_year_after(event: NaiveDate) -> NaiveDate {
    // chrono keeps the day where it can and takes the month's last day where it cannot.
    event
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

/// Art. 27 on `facts`.
pub fn deadline(facts: &Facts) -> Deadline {
    let Some(category) = facts.category.filter(|c| covers(*c)) else {
        return Deadline::NotCovered;
    };
    let last = |basis: Basis| Deadline::LastDay {
        last_day: one_year_after(basis.date()),
        basis,
    };
    if category == Category::WageArrears {
        // 第四款: wages owed during the employment are not limited while it lasts; once it
        // ends, one year from its end, whenever the worker learned of the arrears.
        return match (facts.employment, facts.ended_on) {
            (None, _) => Deadline::NeedsFacts(Missing::Employment),
            (Some(Employment::Continues), _) => Deadline::NoLimitWhileEmployed,
            (Some(Employment::Ended), None) => Deadline::NeedsFacts(Missing::EndedOn),
            (Some(Employment::Ended), Some(end)) => last(Basis::EmploymentEnded(end)),
        };
    }
    match facts.learned_on {
        Some(learned) => last(Basis::Learned(learned)),
        None => Deadline::NeedsFacts(Missing::LearnedOn),
    }
}

/// Art. 27 on `facts`, as it stands on `today`.
pub fn clock(facts: &Facts, today: NaiveDate) -> Clock {
    match deadline(facts) {
        Deadline::NotCovered => Clock::NotCovered,
        Deadline::NeedsFacts(m) => Clock::NeedsFacts(m),
        Deadline::NoLimitWhileEmployed => Clock::NoLimitWhileEmployed,
        Deadline::LastDay { last_day, basis } => {
            let days_left = (last_day - today).num_days();
            if days_left < 0 {
                Clock::Expired {
                    last_day,
                    basis,
                    days_over: -days_left,
                }
            } else if days_left <= WARNING_DAYS {
                Clock::Closing {
                    last_day,
                    basis,
                    days_left,
                }
            } else {
                Clock::Running {
                    last_day,
                    basis,
                    days_left,
                }
            }
        }
    }
}

impl Facts {
    /// Whether none of the facts was given (an imported visit, one saved before the form
    /// asked, or one whose officer left them blank).
    pub fn none_given(&self) -> bool {
        self.employment.is_none() && self.ended_on.is_none() && self.learned_on.is_none()
    }

    /// [`clock`] of these facts on `today`: what the visit record, the referral queue and
    /// the referral slip show.
    pub fn clock(&self, today: NaiveDate) -> Clock {
        clock(self, today)
    }
}

/// Earliest and latest years a date of the arbitration facts may have.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Why a typed date was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Unreadable,
    OutOfRange,
    InTheFuture,
}

/// A date as officers type it: 2025-03-10, 2025/3/10, 2025.3.10, 20250310 or
/// 2025年3月10日; within [`YEARS`] and not after `today`.
pub fn parse_past_date(text: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let t = text.trim();
    let digits_only = t.chars().all(|c| c.is_ascii_digit());
    let date = if digits_only && t.len() == 8 {
        NaiveDate::parse_from_str(t, "%Y%m%d").ok()
    } else {
        let parts: Vec<&str> = t
            .split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect();
        match parts.as_slice() {
            [y, m, d]
                if [y, m, d]
                    .iter()
                    .all(|p| p.chars().all(|c| c.is_ascii_digit())) =>
            {
                match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
                    (Ok(year), Ok(m), Ok(d)) if y.len() == 4 => NaiveDate::from_ymd_opt(year, m, d),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let date = date.ok_or(DateError::Unreadable)?;
    if !YEARS.contains(&chrono::Datelike::year(&date)) {
        return Err(DateError::OutOfRange);
    }
    if date > today {
        return Err(DateError::InTheFuture);
    }
    Ok(date)
}

fn basis_said(basis: Basis) -> Said {
    let d = basis.date().format("%Y-%m-%d");
    match basis {
        Basis::Learned(_) => Said::new("arbitration.basis.learned").with("date", d),
        Basis::EmploymentEnded(_) => Said::new("arbitration.basis.ended").with("date", d),
    }
}

impl Clock {
    /// What the desk says of the clock, as a message of the catalog (`arbitration.*`);
    /// `None` where the law is not about the request.
    pub fn said(self) -> Option<Said> {
        Some(match self {
            Clock::NotCovered => return None,
            Clock::NeedsFacts(m) => Said::new("arbitration.needs_facts").with_said(
                "what",
                match m {
                    Missing::Employment => Said::new("arbitration.missing.employment"),
                    Missing::EndedOn => Said::new("arbitration.missing.ended_on"),
                    Missing::LearnedOn => Said::new("arbitration.missing.learned_on"),
                },
            ),
            Clock::NoLimitWhileEmployed => Said::new("arbitration.no_limit_while_employed"),
            Clock::Running {
                last_day,
                basis,
                days_left,
            }
            | Clock::Closing {
                last_day,
                basis,
                days_left,
            } => {
                let left = match days_left {
                    0 => Said::new("arbitration.left.last_day"),
                    1 => Said::new("arbitration.left.one_day"),
                    n => Said::new("arbitration.left.days").with("n", n),
                };
                Said::new("arbitration.running")
                    .with("last_day", last_day.format("%Y-%m-%d"))
                    .with_said("left", left)
                    .with_said("basis", basis_said(basis))
            }
            Clock::Expired {
                last_day,
                days_over,
                ..
            } => Said::new("arbitration.expired")
                .with("last_day", last_day.format("%Y-%m-%d"))
                .with("days_over", days_over),
        })
    }
}

/// What the desk says of `clock`, in one line; `None` where the law is not about the
/// request. An estimate: interruption and suspension are not counted.
pub fn words(clock: Clock, lang: crate::i18n::Lang) -> Option<String> {
    clock.said().map(|s| s.say(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn wages(employment: Option<Employment>, ended: Option<&str>) -> Facts {
        Facts {
            category: Some(Category::WageArrears),
            employment,
            ended_on: ended.map(d),
            learned_on: None,
        }
    }

    fn learned(category: Category, on: &str) -> Facts {
        Facts {
            category: Some(category),
            learned_on: Some(d(on)),
            ..Facts::default()
        }
    }

    #[test]
    fn wages_owed_while_still_employed_are_not_limited() {
        let f = wages(Some(Employment::Continues), None);
        assert_eq!(deadline(&f), Deadline::NoLimitWhileEmployed);
        assert_eq!(f.clock(d("2026-11-22")), Clock::NoLimitWhileEmployed);
        // What the worker learned when does not start a clock while they work there.
        let f = Facts {
            learned_on: Some(d("2020-01-01")),
            ..f
        };
        assert_eq!(f.clock(d("2026-11-22")), Clock::NoLimitWhileEmployed);
    }

    #[test]
    fn wages_once_the_employment_ended_run_a_year_from_its_end() {
        let f = Facts {
            // Learned later than the end: the end decides (第四款).
            learned_on: Some(d("2026-01-05")),
            ..wages(Some(Employment::Ended), Some("2025-12-31"))
        };
        assert_eq!(
            deadline(&f),
            Deadline::LastDay {
                last_day: d("2026-12-31"),
                basis: Basis::EmploymentEnded(d("2025-12-31")),
            }
        );
        assert_eq!(
            f.clock(d("2026-06-30")),
            Clock::Running {
                last_day: d("2026-12-31"),
                basis: Basis::EmploymentEnded(d("2025-12-31")),
                days_left: 184,
            }
        );
        // Ended, but not said when: the date is asked for.
        assert_eq!(
            deadline(&wages(Some(Employment::Ended), None)),
            Deadline::NeedsFacts(Missing::EndedOn)
        );
        assert_eq!(
            deadline(&wages(None, Some("2025-12-31"))),
            Deadline::NeedsFacts(Missing::Employment)
        );
    }

    #[test]
    fn other_disputes_run_a_year_from_the_day_the_worker_learned() {
        for c in [Category::Contract, Category::Injury] {
            let f = learned(c, "2025-03-10");
            assert_eq!(
                deadline(&f),
                Deadline::LastDay {
                    last_day: d("2026-03-10"),
                    basis: Basis::Learned(d("2025-03-10")),
                },
                "{c:?}"
            );
            // Whether the employment lasts changes nothing for them.
            let ended = Facts {
                employment: Some(Employment::Continues),
                ..f
            };
            assert_eq!(deadline(&ended), deadline(&f));
            let unknown = Facts {
                learned_on: None,
                ..f
            };
            assert_eq!(deadline(&unknown), Deadline::NeedsFacts(Missing::LearnedOn));
        }
    }

    #[test]
    fn the_sixty_day_warning_starts_at_sixty_days_and_ends_after_the_last_day() {
        let f = learned(Category::Contract, "2025-03-10");
        let last = d("2026-03-10");
        let on = |days_before: i64| f.clock(last - chrono::Duration::days(days_before));
        assert!(matches!(on(61), Clock::Running { days_left: 61, .. }));
        assert!(matches!(on(60), Clock::Closing { days_left: 60, .. }));
        assert!(on(60).is_closing() && !on(61).is_closing());
        assert!(matches!(on(0), Clock::Closing { days_left: 0, .. }));
        assert_eq!(
            on(-1),
            Clock::Expired {
                last_day: last,
                basis: Basis::Learned(d("2025-03-10")),
                days_over: 1,
            }
        );
        assert!(!on(-1).is_closing());
        assert_eq!(on(-1).last_day(), Some(last));
    }

    #[test]
    fn leap_days() {
        // No 29 February next year: the month's last day.
        assert_eq!(one_year_after(d("2024-02-29")), d("2025-02-28"));
        // Into a leap year: the same date, the period holding 366 days.
        assert_eq!(one_year_after(d("2023-03-01")), d("2024-03-01"));
        assert_eq!(one_year_after(d("2023-02-28")), d("2024-02-28"));
        assert_eq!(one_year_after(d("2025-03-10")), d("2026-03-10"));
        assert_eq!(one_year_after(d("2025-12-31")), d("2026-12-31"));
        let f = wages(Some(Employment::Ended), Some("2024-02-29"));
        assert_eq!(deadline(&f).last_day(), Some(d("2025-02-28")));
        // Across 29 February 2028 the days left count it.
        let f = learned(Category::Injury, "2027-06-01");
        assert!(matches!(
            f.clock(d("2028-02-01")),
            Clock::Running { days_left: 121, .. }
        ));
    }

    #[test]
    fn requests_the_law_is_not_about_have_no_clock() {
        for c in [
            Category::JobSeeking,
            Category::Hardship,
            Category::Legal,
            Category::Other,
        ] {
            let f = Facts {
                employment: Some(Employment::Ended),
                ended_on: Some(d("2025-01-01")),
                ..learned(c, "2025-01-01")
            };
            assert_eq!(deadline(&f), Deadline::NotCovered, "{c:?}");
            assert_eq!(f.clock(d("2025-06-01")), Clock::NotCovered);
        }
        assert_eq!(deadline(&Facts::default()), Deadline::NotCovered);
        assert!(covers(Category::WageArrears) && covers(Category::Contract));
        assert!(covers(Category::Injury) && !covers(Category::Insurance));
    }

    #[test]
    fn dates_are_read_as_typed_and_kept_to_the_past_and_the_years() {
        let today = d("2026-11-22");
        for t in [
            "2025-03-10",
            "2025/3/10",
            "2025.03.10",
            "20250310",
            "2025年3月10日",
        ] {
            assert_eq!(parse_past_date(t, today), Ok(d("2025-03-10")), "{t}");
        }
        assert_eq!(parse_past_date("2026-11-22", today), Ok(today));
        assert_eq!(
            parse_past_date("2026-11-23", today),
            Err(DateError::InTheFuture)
        );
        assert_eq!(
            parse_past_date("1899-12-31", today),
            Err(DateError::OutOfRange)
        );
        assert_eq!(parse_past_date("1900-01-01", today), Ok(d("1900-01-01")));
        for bad in ["2025-02-30", "3/10", "去年三月", "25-3-10", "2025-3", ""] {
            assert_eq!(
                parse_past_date(bad, today),
                Err(DateError::Unreadable),
                "{bad}"
            );
        }
    }
}

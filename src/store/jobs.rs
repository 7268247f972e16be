//! Job openings: imported all-or-nothing (updated by source id), read whole for the
//! search index, one at a time for the posting view.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params, types::Value};

use super::{Store, StoreError, new_id, ts};
use crate::domain::job::{Benefits, EmploymentType, Job, JobStatus, Unknown, WageUnit};
use crate::domain::labels::Labeled;

const JOB_COLUMNS: &str = "id, source_id, title, employer, credit_code, district, address, \
     wage_min, wage_max, wage_unit, benefits, employment_type, hours, openings, age_min, \
     age_max, education, experience, physical, description, contact, posted_on, \
     valid_through, source, status, wage_currency, wage_period, benefits_text, unknown";

/// The wage_unit and wage_period columns of a unit (see migration 0013): the column's
/// check keeps month, day and hour; a week or year is said by wage_period.
fn unit_columns(j: &Job) -> (&'static str, &'static str) {
    match (j.wage_unit_stated, j.wage_unit) {
        (false, _) => ("month", "none"),
        (true, WageUnit::Week) => ("month", "week"),
        (true, WageUnit::Year) => ("month", "year"),
        (true, u) => (u.code(), ""),
    }
}

/// Whether the list must show this opening from its own row (migration 0013): Latin
/// capitals the index folds, a wage its compact columns cannot say, something unknown.
fn shown_apart(j: &Job) -> bool {
    let capitals = |t: &str| t.bytes().any(|b| b.is_ascii_uppercase());
    capitals(&j.title)
        || capitals(&j.employer)
        || capitals(&j.district)
        || !j.is_yuan()
        || !unit_columns(j).1.is_empty()
        || j.is_incomplete()
}

fn day(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    job_from_row_at(r, 0)
}

/// An opening from JOB_COLUMNS starting at column `at`.
fn job_from_row_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Job> {
    let unit: String = r.get(at + 9)?;
    let benefits: i64 = r.get(at + 10)?;
    let etype: String = r.get(at + 11)?;
    let status: String = r.get(at + 24)?;
    let period: String = r.get(at + 26)?;
    let unknown: String = r.get(at + 28)?;
    Ok(Job {
        id: r.get(at)?,
        source_id: r.get(at + 1)?,
        title: r.get(at + 2)?,
        employer: r.get(at + 3)?,
        credit_code: r.get(at + 4)?,
        district: r.get(at + 5)?,
        address: r.get(at + 6)?,
        wage_min: r.get(at + 7)?,
        wage_max: r.get(at + 8)?,
        wage_unit: match period.as_str() {
            "week" => WageUnit::Week,
            "year" => WageUnit::Year,
            _ => WageUnit::from_code(&unit).unwrap_or(WageUnit::Month),
        },
        wage_unit_stated: period != "none",
        currency: r.get(at + 25)?,
        benefits: Benefits::from_bits(u8::try_from(benefits & 7).unwrap_or(0)),
        benefits_text: r.get(at + 27)?,
        unknown: Unknown::from_code(&unknown),
        employment_type: EmploymentType::from_code(&etype).unwrap_or(EmploymentType::FullTime),
        hours: r.get(at + 12)?,
        openings: r.get(at + 13)?,
        age_min: r.get(at + 14)?,
        age_max: r.get(at + 15)?,
        education: r.get(at + 16)?,
        experience: r.get(at + 17)?,
        physical: r.get(at + 18)?,
        description: r.get(at + 19)?,
        contact: r.get(at + 20)?,
        posted_on: day(r.get(at + 21)?),
        valid_through: day(r.get(at + 22)?),
        source: r.get(at + 23)?,
        status: JobStatus::from_code(&status).unwrap_or(JobStatus::Closed),
    })
}

/// What the search index keeps of an opening: its text and the facts filters need.
#[derive(Debug, Clone, PartialEq)]
pub struct JobLine<'a> {
    pub rowid: i64,
    pub title: &'a str,
    pub employer: &'a str,
    pub district: &'a str,
    pub benefits: Benefits,
    pub wage_month: Option<i64>,
    pub employment_type: EmploymentType,
    pub current: bool,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub wage_unit: WageUnit,
    pub posted_on: Option<NaiveDate>,
}

/// `YYYY-MM-DD` read by hand: a million dates at index time, chrono's format parser is
/// the slow part.
fn ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(5..7)?, n(8..10)?)
}

/// The columns of an opening as the job table stores them, in the order `job_values`
/// gives them: what the county hub keeps of a published opening and sends down.
pub const JOB_ROW_COLUMNS: &[&str] = &[
    "id",
    "source_id",
    "title",
    "employer",
    "credit_code",
    "district",
    "address",
    "wage_min",
    "wage_max",
    "wage_unit",
    "benefits",
    "employment_type",
    "hours",
    "openings",
    "age_min",
    "age_max",
    "education",
    "experience",
    "physical",
    "description",
    "contact",
    "posted_on",
    "valid_through",
    "source",
    "status",
    "wage_currency",
    "wage_period",
    "benefits_text",
    "unknown",
    "wage_month",
    "shown_apart",
    "created_at",
    "updated_at",
];

/// Which of `JOB_ROW_COLUMNS` hold integers.
pub const JOB_INT_COLUMNS: &[&str] = &[
    "wage_min",
    "wage_max",
    "benefits",
    "openings",
    "age_min",
    "age_max",
    "wage_month",
    "shown_apart",
];

/// An opening's row as the job table stores it (`JOB_ROW_COLUMNS`), under `id`, written
/// at `now`: what `upsert_jobs` writes, for the county hub to keep and send down.
pub fn job_values(id: &str, j: &Job, now: DateTime<Utc>) -> Vec<Value> {
    let text = |s: &str| Value::Text(s.to_string());
    let opt_int = |i: Option<i64>| i.map_or(Value::Null, Value::Integer);
    let date = |d: Option<NaiveDate>| {
        d.map_or(Value::Null, |d| {
            Value::Text(d.format("%Y-%m-%d").to_string())
        })
    };
    let (unit, period) = unit_columns(j);
    let t = ts(now);
    vec![
        text(id),
        j.source_id.as_deref().map_or(Value::Null, text),
        text(&j.title),
        text(&j.employer),
        text(&j.credit_code),
        text(&j.district),
        text(&j.address),
        opt_int(j.wage_min),
        opt_int(j.wage_max),
        text(unit),
        Value::Integer(i64::from(j.benefits.bits())),
        text(j.employment_type.code()),
        text(&j.hours),
        opt_int(j.openings),
        opt_int(j.age_min),
        opt_int(j.age_max),
        text(&j.education),
        text(&j.experience),
        text(&j.physical),
        text(&j.description),
        text(&j.contact),
        date(j.posted_on),
        date(j.valid_through),
        text(&j.source),
        text(j.status.code()),
        text(&j.currency),
        text(period),
        text(&j.benefits_text),
        Value::Text(j.unknown.code()),
        opt_int(j.monthly_max()),
        Value::Integer(i64::from(shown_apart(j))),
        text(&t),
        Value::Text(t),
    ]
}

/// How `job_rowid_range` asks (its plan is tested).
pub const JOB_ROWID_RANGE: &str =
    "SELECT (SELECT min(rowid) FROM job), (SELECT max(rowid) FROM job)";

/// Whether a source id names an opening the county published (received from the hub as
/// `hub:<the hub's id>`): read-only at the desk.
pub fn is_county_source(source_id: &str) -> bool {
    source_id.starts_with("hub:")
}

fn county_opening_refused() -> StoreError {
    StoreError::Refused(crate::words::Said::new("store.county_opening"))
}

impl Store {
    /// Adds or updates (by source id) every opening, all or none. On failure, the index of
    /// the opening that failed.
    pub fn upsert_jobs(
        &mut self,
        jobs: &[Job],
        now: DateTime<Utc>,
    ) -> Result<super::Upserted, (usize, StoreError)> {
        let t = ts(now);
        let tx = self.write_tx().map_err(|e| (0, e.into()))?;
        let mut done = super::Upserted::default();
        {
            let mut find = tx
                .prepare("SELECT id FROM job WHERE source_id = ?1")
                .map_err(|e| (0, e.into()))?;
            let mut upsert = tx
                .prepare(&format!(
                    "INSERT INTO job({JOB_COLUMNS}, wage_month, created_at, updated_at, shown_apart)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                       ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?28, ?29, ?30, ?31,
                       ?26, ?27, ?27, ?32)
                     ON CONFLICT(id) DO UPDATE SET source_id = excluded.source_id,
                       title = excluded.title, employer = excluded.employer,
                       credit_code = excluded.credit_code, district = excluded.district,
                       address = excluded.address, wage_min = excluded.wage_min,
                       wage_max = excluded.wage_max, wage_unit = excluded.wage_unit,
                       benefits = excluded.benefits, employment_type = excluded.employment_type,
                       hours = excluded.hours, openings = excluded.openings,
                       age_min = excluded.age_min, age_max = excluded.age_max,
                       education = excluded.education, experience = excluded.experience,
                       physical = excluded.physical, description = excluded.description,
                       contact = excluded.contact, posted_on = excluded.posted_on,
                       valid_through = excluded.valid_through, source = excluded.source,
                       status = excluded.status, wage_month = excluded.wage_month,
                       wage_currency = excluded.wage_currency,
                       wage_period = excluded.wage_period,
                       benefits_text = excluded.benefits_text, unknown = excluded.unknown,
                       shown_apart = excluded.shown_apart,
                       updated_at = excluded.updated_at"
                ))
                .map_err(|e| (0, e.into()))?;
            for (i, j) in jobs.iter().enumerate() {
                let fail = |e: rusqlite::Error| (i, StoreError::from(e));
                // The county's openings arrive by sync and are changed at the hub only.
                if j.source_id.as_deref().is_some_and(is_county_source) {
                    return Err((i, county_opening_refused()));
                }
                let existing: Option<String> = match &j.source_id {
                    Some(src) => find
                        .query_row([src], |r| r.get(0))
                        .optional()
                        .map_err(fail)?,
                    None => None,
                };
                let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
                match existing {
                    Some(_) => done.updated += 1,
                    None => done.added += 1,
                }
                let (unit, period) = unit_columns(j);
                upsert
                    .execute(params![
                        existing.unwrap_or_else(new_id),
                        j.source_id,
                        j.title,
                        j.employer,
                        j.credit_code,
                        j.district,
                        j.address,
                        j.wage_min,
                        j.wage_max,
                        unit,
                        i64::from(j.benefits.bits()),
                        j.employment_type.code(),
                        j.hours,
                        j.openings,
                        j.age_min,
                        j.age_max,
                        j.education,
                        j.experience,
                        j.physical,
                        j.description,
                        j.contact,
                        date(j.posted_on),
                        date(j.valid_through),
                        j.source,
                        j.status.code(),
                        j.monthly_max(),
                        t,
                        j.currency,
                        period,
                        j.benefits_text,
                        j.unknown.code(),
                        shown_apart(j)
                    ])
                    .map_err(fail)?;
            }
        }
        super::shifts::log_import(
            &tx,
            now,
            &crate::domain::log_fact::LogFact::ImportJobs {
                added: done.added,
                updated: done.updated,
            },
        )
        .map_err(|e| (0, e.into()))?;
        tx.commit().map_err(|e| (0, e.into()))?;
        Ok(done)
    }

    pub fn job(&self, id: &str) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM job WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], job_from_row).optional()?)
    }

    pub fn count_jobs(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM job", [], |r| r.get(0))?)
    }

    /// The first and last rowid of the openings, to split reading them between threads.
    /// Two subqueries: SQLite reads one end of the table for a lone min() or max(), but
    /// scans all of it for both in one select (half a second at a million openings).
    pub fn job_rowid_range(&self) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(self.conn.query_row(JOB_ROWID_RANGE, [], |r| {
            Ok(
                match (r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                },
            )
        })?)
    }

    /// Every opening with a rowid in `from..=to`, as the search index keeps it, handed to
    /// `each` borrowed from SQLite's row (a million openings are read without a String
    /// apiece).
    pub fn for_each_job_line(
        &self,
        today: NaiveDate,
        (from, to): (i64, i64),
        mut each: impl FnMut(JobLine<'_>),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            // Whether it is current is worked out here: two text columns fewer to hand over
            // a million times.
            "SELECT rowid, title, employer, district, benefits, wage_month, employment_type,
                    status = 'open' AND (ifnull(valid_through, '') = '' OR valid_through >= ?3),
                    wage_min, wage_max, wage_unit, posted_on
             FROM job WHERE rowid BETWEEN ?1 AND ?2",
        )?;
        let today = today.format("%Y-%m-%d").to_string();
        let mut rows = stmt.query(rusqlite::params![from, to, today])?;
        while let Some(r) = rows.next()? {
            let s = |i: usize| -> rusqlite::Result<&str> {
                Ok(r.get_ref(i)?.as_str_or_null()?.unwrap_or(""))
            };
            each(JobLine {
                rowid: r.get(0)?,
                title: s(1)?,
                employer: s(2)?,
                district: s(3)?,
                benefits: Benefits::from_bits(u8::try_from(r.get::<_, i64>(4)? & 7).unwrap_or(0)),
                wage_month: r.get(5)?,
                employment_type: EmploymentType::from_code(s(6)?)
                    .unwrap_or(EmploymentType::FullTime),
                current: r.get::<_, bool>(7)?,
                wage_min: r.get(8)?,
                wage_max: r.get(9)?,
                wage_unit: WageUnit::from_code(s(10)?).unwrap_or(WageUnit::Month),
                posted_on: ymd(s(11)?),
            });
        }
        Ok(())
    }

    /// The openings with a rowid in `from..=to` that the list shows from their own row
    /// (migration 0013: Latin capitals, a wage in another currency or per week or year,
    /// something unknown), read through the partial index: the rest are said by the
    /// index's compact columns.
    pub fn job_shown_apart(&self, (from, to): (i64, i64)) -> Result<Vec<(i64, Job)>, StoreError> {
        let sql = format!(
            "SELECT rowid, {JOB_COLUMNS} FROM job
             WHERE shown_apart = 1 AND rowid BETWEEN ?1 AND ?2"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([from, to], |r| {
            let rowid: i64 = r.get(0)?;
            // job_from_row reads from column 0: a view of the row past the rowid.
            Ok((rowid, job_from_row_at(r, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One opening by the rowid the search index keeps.
    pub fn job_by_rowid(&self, rowid: i64) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM job WHERE rowid = ?1");
        Ok(self
            .conn
            .query_row(&sql, [rowid], job_from_row)
            .optional()?)
    }

    /// The station's own service for jobs referrals made from the lookup pane: the first
    /// active jobs service in the directory, or one added for the purpose.
    pub fn jobs_service(&mut self, now: DateTime<Utc>) -> Result<String, StoreError> {
        let found: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM service WHERE kind = 'jobs' AND status = 'active'
                 ORDER BY source_id = 'dutydesk:jobs' DESC, name LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = found {
            return Ok(id);
        }
        let mut s = super::Service::new(crate::domain::referral::ServiceKind::Jobs, "本站岗位推荐");
        s.source_id = Some("dutydesk:jobs".into());
        s.description = "值班台岗位查询中直接推荐的岗位".into();
        self.upsert_services(&[s], now).map_err(|(_, e)| e)?;
        Ok(self.conn.query_row(
            "SELECT id FROM service WHERE source_id = 'dutydesk:jobs'",
            [],
            |r| r.get(0),
        )?)
    }
}

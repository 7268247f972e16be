//! `dutydesk import jobs FILE`: job openings from a CSV of our own shape (README "Job
//! columns"; UTF-8 or GBK) or schema.org JobPosting JSON-LD (one object, an array, or an
//! `@graph`; `baseSalary` a MonetaryAmount whose value is a QuantitativeValue or a number;
//! `jobLocation` a Place). Every problem is reported with its position (a CSV line, a
//! JSON path such as `$[3].baseSalary`) and field, and then nothing is imported — or, with
//! `--skip-bad`, the good postings are, and each one left out is listed.
//!
//! An outside posting is kept whenever it has a title: a missing employer, salary or
//! place is recorded as unknown (shown as 信息不全); a salary keeps its currency and period
//! as given (`salaryCurrency` USD, `unitText` YEAR), and only yuan wages are compared by
//! the month.
use std::path::Path;

use crate::domain::job::{Job, parse_credit_code};
use crate::import::feed::Feed;
use crate::import::{FileError, read_file};
use crate::words::Said;

mod csv_file;
mod json_ld;

pub use csv_file::{Wage, parse_csv, parse_wage};
pub use json_ld::parse_json_ld;

/// A jobs file can be large (a city's openings); past this it is refused unread.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// The postings of the file at `path`, all or none. The problems are said where they
/// are shown.
pub fn load(path: &Path) -> Result<Vec<Job>, Vec<FileError>> {
    load_counted(path).map(|(jobs, _)| jobs)
}

/// [`load`], and how many values had control characters cleaned out.
pub fn load_counted(path: &Path) -> Result<(Vec<Job>, usize), Vec<FileError>> {
    load_feed(path, false).map(|f| (f.records, f.cleaned))
}

/// The postings of the file at `path`: all or none, or with `skip_bad` the good ones and
/// those left out.
pub fn load_feed(path: &Path, skip_bad: bool) -> Result<Feed<Job>, Vec<FileError>> {
    let text = read_file(path, MAX_FILE_BYTES).map_err(|e| vec![e])?;
    let file = path.display().to_string();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jsonld"))
        || text.trim_start().starts_with(['[', '{']);
    if is_json {
        json_ld::json_ld(&text, &file, skip_bad)
    } else {
        csv_file::csv_jobs(&text, &file, skip_bad)
    }
}

/// A credit code as written (spaces and dashes dropped), or what is wrong with it.
pub(super) fn credit_code(code: &str) -> Result<String, Said> {
    parse_credit_code(code).map_err(|e| e.said())
}

/// A figure as a whole number, rounded. `as` saturates: a figure past i64's range becomes
/// its nearest end (and NaN, which no parse here gives, 0).
#[allow(clippy::cast_possible_truncation)] // saturating, as said
pub(super) fn whole(f: f64) -> i64 {
    f.round() as i64
}

#[cfg(test)]
mod tests;

//! The visit ledger (台账) as a file: one row per visit in the columns and headers
//! `dutydesk import visits` reads (import/visits.rs, `HEADERS`: the export can be
//! imported again), then the columns stations report that the importer ignores — whether
//! the visit followed up an open case (回访), its disposition, and its referrals (service,
//! status, outcome, due date, owner).
//!
//! Phones and ID numbers are masked unless the export is unmasked; masked, a mobile or ID
//! number written as one run of digits in the free text is masked too. CSV has a BOM,
//! every text cell is shown-not-obeyed (control characters as symbols) and
//! formula-neutralised (`report::safe`); XLSX has widths, a frozen header and a filter,
//! dates as date cells and counts and yuan as numbers.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike};

use super::LedgerFormat;
use crate::domain::intake::Field;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Gender, Membership, Occupation};
use crate::domain::{id_number, phone};
use crate::i18n::Lang;
use crate::import::visits::{Column, HEADERS};
use crate::report::safe;
use crate::store::{LedgerVisit, Store};
use crate::words;

/// The columns `import visits` does not read: what became of the visit and its referrals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extra {
    FollowUp,
    Disposition,
    Service,
    Status,
    Outcome,
    Due,
    Owner,
}

impl Extra {
    /// Headers none of which the importer knows (it ignores them; a test holds this).
    fn header(self, lang: Lang) -> &'static str {
        match self {
            Extra::FollowUp => words::word(lang, "export.ledger.header.follow_up"),
            Extra::Disposition => words::word(lang, "export.ledger.header.disposition"),
            Extra::Service => words::word(lang, "export.ledger.header.service"),
            Extra::Status => words::word(lang, "export.ledger.header.status"),
            Extra::Outcome => words::word(lang, "export.ledger.header.outcome"),
            Extra::Due => words::word(lang, "export.ledger.header.due"),
            Extra::Owner => words::word(lang, "export.ledger.header.owner"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// A column `import visits` reads.
    Import(Column),
    Extra(Extra),
}

/// The ledger's columns in order, with their widths in XLSX (in characters).
pub const COLUMNS: &[(Col, u16)] = &[
    (Col::Import(Column::Date), 17),
    (Col::Import(Column::Field(Field::Name)), 10),
    (Col::Import(Column::Field(Field::Phone)), 14),
    (Col::Import(Column::Field(Field::IdNumber)), 21),
    (Col::Import(Column::Field(Field::Gender)), 6),
    (Col::Import(Column::Field(Field::Employer)), 22),
    (Col::Import(Column::Field(Field::Occupation)), 12),
    (Col::Import(Column::Field(Field::OccupationNote)), 14),
    (Col::Import(Column::Field(Field::Hometown)), 12),
    (Col::Import(Column::Field(Field::Membership)), 10),
    (Col::Import(Column::Field(Field::Channel)), 8),
    (Col::Import(Column::Field(Field::Category)), 12),
    (Col::Import(Column::Field(Field::Headcount)), 9),
    (Col::Import(Column::Field(Field::AmountOwed)), 12),
    (Col::Import(Column::Field(Field::Urgency)), 9),
    (Col::Import(Column::Field(Field::Summary)), 50),
    (Col::Import(Column::Officer), 10),
    (Col::Extra(Extra::FollowUp), 6),
    (Col::Extra(Extra::Disposition), 12),
    (Col::Extra(Extra::Service), 26),
    (Col::Extra(Extra::Status), 10),
    (Col::Extra(Extra::Outcome), 10),
    (Col::Extra(Extra::Due), 12),
    (Col::Extra(Extra::Owner), 10),
];

/// A column's header: the importer's documented Chinese header, or its English one.
pub fn header(col: Col, lang: Lang) -> &'static str {
    match col {
        Col::Extra(x) => x.header(lang),
        Col::Import(c) => {
            let names = HEADERS
                .iter()
                .find(|(h, _)| *h == c)
                .map_or(&["?"][..], |(_, n)| *n);
            // The importer's headers: its Chinese first, its English last.
            words::label(lang, names[0], names[names.len() - 1])
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// Money in fen, written in yuan.
    Money(i64),
    /// Station-local date and time.
    When(NaiveDateTime),
    Day(NaiveDate),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// As a CSV cell: dates as the importer reads them, yuan without grouping.
    fn plain(&self) -> String {
        match self {
            Cell::Text(t) => safe::csv_text(t),
            Cell::Count(n) => n.to_string(),
            Cell::Money(f) if f % 100 == 0 => (f / 100).to_string(),
            Cell::Money(f) => format!("{}.{:02}", f / 100, f % 100),
            Cell::When(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            Cell::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// The ledger as headers and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    /// The language of its headers, and of what is said about it.
    pub lang: Lang,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// A mobile or ID number inside free text, however typed (`domain::digit_runs`: spaces,
/// dashes, full-width digits), masked as the columns are (`138****8000`,
/// `3301**********123X`); other numbers (amounts, dates, landlines) stay as written.
pub fn mask_numbers(text: &str) -> Cow<'_, str> {
    crate::domain::digit_runs::replace_runs(text, |run| match run.len() {
        11 if run.starts_with('1') => Some(format!("{}****{}", &run[..3], &run[7..])),
        13 if run.starts_with("861") => Some(format!("86{}****{}", &run[2..5], &run[9..])),
        15 | 18 => Some(id_number::mask(run)),
        _ => None,
    })
}

/// A phone as the ledger writes it: what a person dials in China, `00852…` for Hong Kong,
/// Macao and Taiwan (a leading `+` would be taken for a formula); masked unless `full`.
fn phone_text(e164: &str, full: bool) -> String {
    if !full {
        return phone::mask(e164);
    }
    let digits = phone::national_digits(e164);
    match digits.strip_prefix('+') {
        Some(rest) => format!("00{rest}"),
        None => digits,
    }
}

/// One visit's cells, in [`COLUMNS`] order.
fn cells(v: &LedgerVisit, lang: Lang, full: bool, zone: FixedOffset) -> Vec<Cell> {
    let free = |s: &str| {
        if full {
            s.to_string()
        } else {
            mask_numbers(s).into_owned()
        }
    };
    // A value left unrecorded stays an empty cell (the importer's default).
    let or_empty = |known: bool, label: &str| {
        if known {
            Cell::text(label)
        } else {
            Cell::text("")
        }
    };
    let sep = words::word(lang, "export.ledger.sep");
    let joined = |f: &dyn Fn(&crate::store::LedgerReferral) -> String| {
        Cell::Text(v.referrals.iter().map(f).collect::<Vec<_>>().join(sep))
    };
    COLUMNS
        .iter()
        .map(|(col, _)| match col {
            Col::Import(Column::Date) => {
                Cell::When(v.visited_at.with_timezone(&zone).naive_local())
            }
            Col::Import(Column::Officer) => Cell::text(&v.officer_name),
            Col::Import(Column::Field(f)) => match f {
                Field::Name => Cell::text(&v.name),
                Field::Phone => Cell::Text(
                    v.phone
                        .as_deref()
                        .map(|p| phone_text(p, full))
                        .unwrap_or_default(),
                ),
                Field::IdNumber => Cell::Text(
                    v.id_number
                        .as_deref()
                        .map(|i| {
                            if full {
                                i.to_string()
                            } else {
                                id_number::mask(i)
                            }
                        })
                        .unwrap_or_default(),
                ),
                Field::Gender => or_empty(v.gender != Gender::Unknown, v.gender.label(lang)),
                Field::Employer => Cell::Text(free(&v.employer)),
                Field::Occupation => or_empty(
                    v.occupation != Occupation::Unknown,
                    v.occupation.label(lang),
                ),
                Field::OccupationNote => Cell::Text(free(&v.occupation_note)),
                Field::Hometown => Cell::Text(free(&v.hometown)),
                Field::Membership => or_empty(
                    v.membership != Membership::Unknown,
                    v.membership.label(lang),
                ),
                Field::Channel => Cell::text(v.channel.label(lang)),
                Field::Category => Cell::text(v.category.label(lang)),
                Field::Headcount => v.headcount.map_or(Cell::text(""), Cell::Count),
                Field::AmountOwed => v.amount_owed_fen.map_or(Cell::text(""), Cell::Money),
                Field::Urgency => Cell::text(v.urgency.label(lang)),
                Field::Summary => Cell::Text(free(&v.summary)),
                // The form's arbitration facts are no ledger column.
                Field::Employment | Field::EndedOn | Field::LearnedOn => Cell::text(""),
            },
            Col::Extra(x) => match x {
                Extra::FollowUp => Cell::text(if v.follow_up {
                    words::word(lang, "export.ledger.yes")
                } else {
                    ""
                }),
                Extra::Disposition => Cell::text(v.disposition.map_or("", |d| d.label(lang))),
                Extra::Service => joined(&|r| r.service_name.clone()),
                Extra::Status => joined(&|r| r.status.label(lang).to_string()),
                // Several referrals: a dash holds the place of one without an outcome yet.
                Extra::Outcome => {
                    let none = if v.referrals.len() > 1 { "—" } else { "" };
                    joined(&|r| r.outcome.map_or(none, |o| o.label(lang)).to_string())
                }
                // One referral: a date cell. Several: their dates in one text cell.
                Extra::Due => match v.referrals.as_slice() {
                    [one] => Cell::Day(one.due_on),
                    _ => joined(&|r| r.due_on.to_string()),
                },
                Extra::Owner => joined(&|r| r.owner_name.clone()),
            },
        })
        .collect()
}

/// The ledger of `visits` as a table: numbers masked unless `full`.
pub fn build(visits: &[LedgerVisit], lang: Lang, full: bool, zone: FixedOffset) -> Table {
    Table {
        sheet: words::word(lang, "export.ledger.sheet").to_string(),
        lang,
        headers: COLUMNS
            .iter()
            .map(|(c, _)| header(*c, lang).to_string())
            .collect(),
        rows: visits.iter().map(|v| cells(v, lang, full, zone)).collect(),
    }
}

/// CSV with a BOM: the header row, then a row per visit.
pub fn csv(t: &Table) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        w.write_record(t.headers.iter().map(|h| safe::csv_text(h)))?;
        for row in &t.rows {
            w.write_record(row.iter().map(Cell::plain))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The most rows an XLSX sheet holds, less the header.
pub const XLSX_MAX_ROWS: usize = 1_048_575;

fn excel_when(t: NaiveDateTime) -> Option<rust_xlsxwriter::ExcelDateTime> {
    rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(t.year()).ok()?,
        u8::try_from(t.month()).ok()?,
        u8::try_from(t.day()).ok()?,
    )
    .ok()?
    .and_hms(
        u16::try_from(t.hour()).ok()?,
        u8::try_from(t.minute()).ok()?,
        t.second(),
    )
    .ok()
}

fn excel_day(d: NaiveDate) -> Option<rust_xlsxwriter::ExcelDateTime> {
    rust_xlsxwriter::ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}

/// XLSX: one sheet, the header bold and frozen with a filter on it, [`COLUMNS`]' widths.
/// Text cells are strings (never formulas), with control characters shown as symbols.
pub fn xlsx(t: &Table, path: &Path) -> anyhow::Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    if t.rows.len() > XLSX_MAX_ROWS {
        anyhow::bail!(words::say(
            t.lang,
            "export.ledger.too_many_rows",
            &[
                ("max", &XLSX_MAX_ROWS.to_string()),
                ("rows", &t.rows.len().to_string()),
            ],
        ));
    }
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&t.sheet)?;
    let bold = Format::new().set_bold();
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("#,##0.00");
    for (c, (_, width)) in COLUMNS.iter().enumerate() {
        ws.set_column_width(u16::try_from(c)?, *width)?;
    }
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c)?, safe::terminal(h, false), &bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c)?;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, safe::terminal(s, true))?;
                }
                Cell::Count(n) => {
                    ws.write_number(r, c, *n as f64)?;
                }
                Cell::Money(f) => {
                    ws.write_number_with_format(r, c, *f as f64 / 100.0, &money)?;
                }
                Cell::When(t) => match excel_when(*t) {
                    Some(d) => {
                        ws.write_datetime_with_format(r, c, d, &when)?;
                    }
                    None => {
                        ws.write_string(r, c, Cell::When(*t).plain())?;
                    }
                },
                Cell::Day(d) => match excel_day(*d) {
                    Some(x) => {
                        ws.write_datetime_with_format(r, c, x, &day)?;
                    }
                    None => {
                        ws.write_string(r, c, d.to_string())?;
                    }
                },
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(
        0,
        0,
        u32::try_from(t.rows.len())?,
        u16::try_from(COLUMNS.len() - 1)?,
    )?;
    wb.save(path)?;
    Ok(())
}

/// The first day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// What is exported, how, and where.
pub struct Export<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub format: LedgerFormat,
    pub output: &'a Path,
    /// Replace an existing regular file (never the database, never a non-file).
    pub force: bool,
    /// Phones and ID numbers in full: recorded in the audit log before anything is written.
    pub unmasked: bool,
    pub lang: Lang,
}

/// Writes the period's ledger to the file; returns how many visits it holds. Refused
/// before any work: a period that runs backwards, a target `outfile` refuses. An
/// unmasked export is recorded in the audit log first: if that record cannot be written,
/// no file is.
pub fn export(
    store: &mut Store,
    e: &Export<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    let lang = e.lang;
    if e.to < e.from {
        anyhow::bail!(
            "{}",
            words::say(
                lang,
                "export.ledger.ends_before_it_begins",
                &[("to", &e.to.to_string()), ("from", &e.from.to_string())],
            )
        );
    }
    let said = |x: crate::outfile::OutError| anyhow::anyhow!(x.message(lang));
    let plain = |x: crate::store::StoreError| anyhow::anyhow!(x.message(lang));
    crate::outfile::check_target(e.output, store.path(), e.force).map_err(said)?;
    let zone = crate::domain::clock::china_zone();
    let start = crate::domain::clock::day_start(e.from, zone);
    let end = crate::domain::clock::day_start(e.to.succ_opt().unwrap_or(e.to), zone);
    let visits = store.ledger(start, end).map_err(plain)?;
    if e.unmasked {
        let what = format!(
            "ledger {}..{} {:?} -> {}",
            e.from,
            e.to,
            e.format,
            e.output.display()
        );
        store.audit_unmasked_export(&what, now).map_err(plain)?;
        tracing::info!(from = %e.from, to = %e.to, visits = visits.len(), "unmasked ledger exported");
    }
    let table = build(&visits, lang, e.unmasked, zone);
    crate::outfile::write_new(e.output, store.path(), e.force, |tmp| match e.format {
        LedgerFormat::Csv => Ok(std::fs::write(tmp, csv(&table)?)?),
        LedgerFormat::Xlsx => xlsx(&table, tmp),
    })
    .map_err(said)?;
    Ok(visits.len())
}

/// From the desk (F5): this month's ledger to `today`, masked, as XLSX in `dir` (the
/// review's export folder), under the next free name. Returns the file and its visits.
pub fn month_to_folder(
    store: &mut Store,
    dir: &Path,
    today: NaiveDate,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(PathBuf, usize)> {
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
    let month = today.format("%Y-%m");
    let stem = words::say(
        lang,
        "export.ledger.file_stem",
        &[("month", &month.to_string())],
    );
    let path = crate::outfile::free_name(dir, &stem, "xlsx");
    let what = Export {
        from: month_start(today),
        to: today,
        format: LedgerFormat::Xlsx,
        output: &path,
        force: false,
        unmasked: false,
        lang,
    };
    let n = export(store, &what, now)?;
    Ok((path, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_free_text_are_masked_and_other_numbers_stay() {
        assert_eq!(
            mask_numbers("联系电话13800138000,身份证330102199001011234。"),
            "联系电话138****8000,身份证3301**********1234。"
        );
        assert_eq!(
            mask_numbers("号码11010519491231002X"),
            "号码1101**********002X"
        );
        assert_eq!(mask_numbers("+8613800138000"), "+86138****8000");
        // Typed with spaces or in full-width digits, as the hub's scrub reads them too.
        assert_eq!(mask_numbers("电话 138 0013 8000"), "电话 138****8000");
        assert_eq!(mask_numbers("１３８００１３８０００"), "138****8000");
        for kept in [
            "欠薪115000元",
            "2026-11-20",
            "0571-87654321",
            "13名工人",
            "无号码",
        ] {
            assert_eq!(mask_numbers(kept), kept);
        }
    }

    #[test]
    fn phones_outside_the_mainland_are_written_so_no_spreadsheet_runs_them() {
        assert_eq!(phone_text("+8613800138000", true), "13800138000");
        assert_eq!(phone_text("+8657187654321", true), "057187654321");
        assert_eq!(phone_text("+85291234567", true), "0085291234567");
        assert_eq!(phone_text("+8613800138000", false), "138****8000");
        let read = crate::domain::phone::Phone::parse("0085291234567").unwrap();
        assert_eq!(read.e164(), "+85291234567");
    }

    #[test]
    fn extra_headers_are_none_the_importer_reads_and_import_headers_are_its_own() {
        for lang in [Lang::Zh, Lang::En] {
            for (col, _) in COLUMNS {
                let h = header(*col, lang);
                let known = crate::import::visits::column_for(h);
                match col {
                    Col::Import(c) => assert_eq!(known, Some(*c), "{h}"),
                    Col::Extra(_) => assert_eq!(known, None, "{h} would be read by the importer"),
                }
            }
        }
    }
}

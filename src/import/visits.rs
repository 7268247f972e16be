//! `dutydesk import visits FILE.csv`: a station's existing visit ledger.
//!
//! Columns are matched by header, Chinese or English (see README "Ledger columns"); order
//! does not matter and unknown columns are ignored. Every row is checked with the same
//! rules as the intake form; any bad row means nothing is imported, and every bad row is
//! reported with its line number and field.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::domain::intake::{self, Field, RawIntake};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Gender, Membership, Occupation, Urgency};
use crate::import::{Cleaner, DateProblem, Lines, RowError, Shape, signed_year, year_in_range};
use crate::store::ImportRow;
use crate::words::{Arg, Said};

/// Columns beyond the intake fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Date,
    Officer,
    Field(Field),
}

/// Header spellings accepted for each column (the first is the documented one).
pub const HEADERS: &[(Column, &[&str])] = &[
    (Column::Date, &["日期", "来访日期", "来访时间", "date"]),
    (Column::Field(Field::Name), &["姓名", "name"]),
    (
        Column::Field(Field::Phone),
        &["电话", "联系电话", "手机", "phone"],
    ),
    (
        Column::Field(Field::IdNumber),
        &["身份证号", "身份证号码", "id_number"],
    ),
    (Column::Field(Field::Gender), &["性别", "gender"]),
    (
        Column::Field(Field::Employer),
        &["工作单位", "单位", "employer"],
    ),
    (Column::Field(Field::Occupation), &["职业", "occupation"]),
    (
        Column::Field(Field::OccupationNote),
        &["职业说明", "occupation_note"],
    ),
    (
        Column::Field(Field::Hometown),
        &["户籍地", "籍贯", "家乡", "hometown"],
    ),
    (
        Column::Field(Field::Membership),
        &["工会会员", "会员", "membership"],
    ),
    (
        Column::Field(Field::Channel),
        &["渠道", "来访方式", "channel"],
    ),
    (
        Column::Field(Field::Category),
        &["诉求类别", "类别", "category"],
    ),
    (
        Column::Field(Field::Headcount),
        &["涉及人数", "人数", "headcount"],
    ),
    (
        Column::Field(Field::AmountOwed),
        &["欠薪金额", "金额", "amount_owed"],
    ),
    (Column::Field(Field::Urgency), &["紧急程度", "urgency"]),
    (
        Column::Field(Field::Summary),
        &["诉求摘要", "诉求", "摘要", "内容", "summary"],
    ),
    (Column::Officer, &["接待人", "值班人员", "officer"]),
];

const REQUIRED: [Column; 3] = [
    Column::Date,
    Column::Field(Field::Name),
    Column::Field(Field::Category),
];

/// The column a header names, if the importer reads it.
pub fn column_for(header: &str) -> Option<Column> {
    let h = header.trim().trim_start_matches('\u{feff}');
    HEADERS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
        .map(|(c, _)| *c)
}

fn column_name(c: Column) -> &'static str {
    HEADERS
        .iter()
        .find(|(col, _)| *col == c)
        .map_or("?", |(_, n)| n[0])
}

/// A ledger larger than this is refused unread: a station's ledger of ten years is a few
/// MB, and a 1 GB file read whole would stall the machine.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// Dates as ledgers write them; a date alone is taken as 09:00 station time. `None` for
/// what [`read_when`] refuses.
pub fn parse_when(text: &str, zone: FixedOffset) -> Option<DateTime<Utc>> {
    read_when(text, zone).ok()
}

/// [`parse_when`], saying why not: unreadable, or a year outside 1900–2100.
pub fn read_when(text: &str, zone: FixedOffset) -> Result<DateTime<Utc>, DateProblem> {
    let local = local_when(text).ok_or(if signed_year(text) {
        DateProblem::OutOfYears
    } else {
        DateProblem::Unreadable
    })?;
    if !year_in_range(local.date()) {
        return Err(DateProblem::OutOfYears);
    }
    zone.from_local_datetime(&local)
        .single()
        .map(|d| d.with_timezone(&Utc))
        .ok_or(DateProblem::Unreadable)
}

fn local_when(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim().replace(['年', '月'], "-").replace('日', "");
    let t = t.replace(['/', '.'], "-");
    let t = t.trim();
    let local = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("valid time")))
    })?;
    Some(local)
}

fn loose<T: Labeled>(text: &str, extra: &[(&str, T)]) -> Result<Option<T>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some((_, v)) = extra.iter().find(|(k, _)| *k == t) {
        return Ok(Some(*v));
    }
    T::parse_loose(t).map(Some).ok_or(())
}

/// A list's labels, as a cell may give them: `男 / 女 / 未知`.
fn allowed<T: Labeled>() -> Arg {
    Arg::Joined {
        items: T::ALL.iter().map(|v| v.arg()).collect(),
        sep: Box::new(Said::new("import.visits.list_sep")),
    }
}

/// Parses and checks the whole ledger. Returns every row, or every problem found.
pub fn parse(text: &str, zone: FixedOffset) -> Result<Vec<ImportRow>, Vec<RowError>> {
    read(text, zone).map(|l| l.rows)
}

/// A ledger read and checked.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub rows: Vec<ImportRow>,
    /// Values that had control characters cleaned out.
    pub cleaned: usize,
}

/// One cell of the visit's own fields into `raw`: a value not in its list goes to `bad`
/// (with the field's label), a masked phone or ID number to `masked`.
fn read_field(
    raw: &mut RawIntake,
    f: Field,
    cell: &str,
    line: u64,
    masked: &mut Vec<(Field, u64, String)>,
    bad: &mut dyn FnMut(Arg, Said),
) {
    let label = || f.arg();
    let not_in_list = |list: Arg| {
        Said::new("import.visits.not_in_list")
            .with("cell", cell)
            .with_arg("list", list)
    };
    match f {
        Field::Name => raw.name = cell.into(),
        // A masked number (an export without --unmasked) is no number.
        Field::Phone | Field::IdNumber if is_masked(cell) => {
            masked.push((f, line, cell.to_string()))
        }
        Field::Phone => raw.phone = cell.into(),
        Field::IdNumber => raw.id_number = cell.into(),
        Field::Employer => raw.employer = cell.into(),
        Field::Hometown => raw.hometown = cell.into(),
        Field::Headcount => raw.headcount = cell.into(),
        Field::AmountOwed => raw.amount_owed = cell.into(),
        Field::Summary => raw.summary = cell.into(),
        // The note column says it when both do (an export has both).
        Field::OccupationNote => {
            if !cell.is_empty() {
                raw.occupation_note = cell.into();
            }
        }
        Field::Occupation => match loose::<Occupation>(cell, &[]) {
            Ok(o) => raw.occupation = o,
            Err(()) => {
                raw.occupation = Some(Occupation::Other);
                if raw.occupation_note.is_empty() {
                    raw.occupation_note = cell.into();
                }
            }
        },
        Field::Gender => match loose(cell, &[]) {
            Ok(g) => raw.gender = g,
            Err(()) => bad(label(), not_in_list(allowed::<Gender>())),
        },
        Field::Membership => {
            match loose(
                cell,
                &[("是", Membership::Member), ("否", Membership::NonMember)],
            ) {
                Ok(m) => raw.membership = m,
                Err(()) => bad(label(), not_in_list(allowed::<Membership>())),
            }
        }
        Field::Channel => match loose(cell, &[]) {
            Ok(c) => raw.channel = c,
            Err(()) => bad(label(), not_in_list(allowed::<Channel>())),
        },
        Field::Category => match loose(cell, &[]) {
            Ok(c) => raw.category = c,
            Err(()) => bad(label(), not_in_list(allowed::<Category>())),
        },
        // Not a ledger column: the form's arbitration facts.
        Field::Employment | Field::EndedOn | Field::LearnedOn => {}
        Field::Urgency => match loose(cell, &[("急", Urgency::Urgent), ("一般", Urgency::Normal)])
        {
            Ok(u) => raw.urgency = u,
            Err(()) => bad(label(), not_in_list(allowed::<Urgency>())),
        },
    }
}

/// The ledger's header: the column each heads, and the date column as the file heads it
/// (for its problems). Refused when it cannot be read or lacks a required column.
fn read_header(
    reader: &mut csv::Reader<&[u8]>,
) -> Result<(Vec<Option<Column>>, String), Vec<RowError>> {
    let header_err = |message: Said| {
        vec![RowError {
            line: 1,
            field: Said::new("import.header").into(),
            message,
        }]
    };
    let headers = reader
        .headers()
        .map_err(|e| header_err(crate::import::system(e)))?
        .clone();
    let columns: Vec<Option<Column>> = headers.iter().map(column_for).collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| !columns.contains(&Some(**c)))
        .map(|c| column_name(*c))
        .collect();
    if !missing.is_empty() {
        return Err(header_err(crate::import::missing_columns(missing)));
    }
    let date_header = headers
        .iter()
        .zip(&columns)
        .find(|(_, c)| **c == Some(Column::Date))
        .map_or_else(
            || column_name(Column::Date).to_string(),
            |(h, _)| crate::import::clean(h.trim_start_matches('\u{feff}'), Shape::Line).0,
        );
    Ok((columns, date_header))
}

/// A row's problems that the intake's checks found, after those `errors[first_error..]`
/// the reading found (a category not in the list is said there once already).
fn push_field_errors(
    errors: &mut Vec<RowError>,
    first_error: usize,
    field_errors: Vec<intake::FieldError>,
    line: u64,
) {
    for e in field_errors {
        if e.field == Field::Category
            && errors[first_error..]
                .iter()
                .any(|x| x.field == e.field.arg())
        {
            continue;
        }
        errors.push(RowError {
            line,
            field: e.field.arg(),
            message: e.said(),
        });
    }
}

/// [`parse`], also counting the values cleaned of control characters. A large ledger is
/// read by two threads, each from its half ([`split_point`]); what they find is the same,
/// in the same order, as one thread reading it all.
pub fn read(text: &str, zone: FixedOffset) -> Result<Ledger, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let (columns, date_header) = read_header(&mut reader)?;
    let layout = &Layout {
        columns: &columns,
        date_header: &date_header,
        zone,
    };
    let split = split_point(text, reader.position().byte());
    let part = std::thread::scope(|s| {
        let second = split.map(|at| s.spawn(move || read_from(text, at, layout)));
        let mut lines = Lines::new(text);
        let mut part = Part::default();
        let mut record = csv::StringRecord::new();
        // The first thread stops at the first record at or past the split; where the
        // second thread's first record is that one, the second's reading is kept.
        let stopped = part.read_until(&mut reader, &mut record, &mut lines, split, layout);
        let second = second.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        match (stopped, second) {
            (Some(at), Some((Some(first), rest))) if at == first => part.append(rest),
            (Some(_), _) => {
                // Not a record's start after all (a quote the count misread): the
                // first thread reads on from where it stopped.
                part.record(&record, &mut lines, layout);
                part.read_until(&mut reader, &mut record, &mut lines, None, layout);
            }
            (None, _) => {}
        }
        part
    });
    let Part {
        rows,
        mut errors,
        masked,
        cleaner,
    } = part;
    errors.extend(masked_errors(&masked));
    if errors.is_empty() {
        Ok(Ledger {
            rows,
            cleaned: cleaner.cleaned,
        })
    } else {
        Err(errors)
    }
}

/// Ledgers smaller than this are read by one thread.
const SPLIT_BYTES: usize = 1 << 20;

/// Where a second thread may start reading a large ledger: the start of the first line
/// past the middle of `text` that no quoted cell runs across (quotes counted from the
/// start), after the header (`after`). A guess that [`read`] checks.
fn split_point(text: &str, after: u64) -> Option<usize> {
    let bytes = text.as_bytes();
    let mid = bytes.len() / 2;
    if bytes.len() < SPLIT_BYTES || mid as u64 <= after {
        return None;
    }
    let mut quoted = bytes[..mid].iter().filter(|b| **b == b'"').count() % 2 == 1;
    for (i, b) in bytes.iter().enumerate().skip(mid) {
        match b {
            b'"' => quoted = !quoted,
            // After CRLF csv places the next record at the LF (see `Lines::at`).
            b'\n' if !quoted && i > 0 && bytes[i - 1] == b'\r' => return Some(i),
            b'\n' if !quoted => return Some(i + 1).filter(|at| *at < bytes.len()),
            _ => {}
        }
    }
    None
}

/// The second thread's half of [`read`]: the records from byte `at` on (the file's
/// header is read by the first), and where the first of them starts, `None` when that
/// cannot be told (csv could not read it).
fn read_from(text: &str, at: usize, layout: &Layout<'_>) -> (Option<u64>, Part) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&text.as_bytes()[at..]);
    let offset = at as u64;
    let mut lines = Lines::new(text);
    let mut part = Part::default();
    let mut record = csv::StringRecord::new();
    let mut first = None;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = offset + record.position().map_or(0, csv::Position::byte);
                first.get_or_insert(start);
                part.record_at(&record, lines.at(start), layout);
            }
            Err(_) if first.is_none() => return (None, part),
            Err(e) => part.unreadable(&e, offset, &mut lines),
        }
    }
    (first, part)
}

/// How a ledger's records are read: the column of each cell, the date column as the file
/// heads it (for its problems), the station's time zone.
struct Layout<'a> {
    columns: &'a [Option<Column>],
    date_header: &'a str,
    zone: FixedOffset,
}

/// What reading a run of a ledger's records found.
#[derive(Default)]
struct Part {
    rows: Vec<ImportRow>,
    errors: Vec<RowError>,
    /// Masked phones and ID numbers: (field, line, value), said once per column at the end.
    masked: Vec<(Field, u64, String)>,
    cleaner: Cleaner,
}

impl Part {
    /// Reads records to the end, or until the first that starts at or past `stop`: that
    /// one is left in `record` and its start returned.
    fn read_until(
        &mut self,
        reader: &mut csv::Reader<&[u8]>,
        record: &mut csv::StringRecord,
        lines: &mut Lines<'_>,
        stop: Option<usize>,
        layout: &Layout<'_>,
    ) -> Option<u64> {
        let stop = stop.map(|s| s as u64);
        loop {
            match reader.read_record(record) {
                Ok(false) => return None,
                Ok(true) => {
                    let start = record.position().map_or(0, csv::Position::byte);
                    if stop.is_some_and(|s| start >= s) {
                        return Some(start);
                    }
                    self.record_at(record, lines.at(start), layout);
                }
                Err(e) => {
                    if stop.is_some_and(|s| e.position().is_some_and(|p| p.byte() >= s)) {
                        // Past the split: read on from here alone (the second thread's
                        // reading is not kept).
                        self.unreadable(&e, 0, lines);
                        self.read_until(reader, record, lines, None, layout);
                        return None;
                    }
                    self.unreadable(&e, 0, lines);
                }
            }
        }
    }

    /// A record the first thread stopped at, read after all.
    fn record(&mut self, record: &csv::StringRecord, lines: &mut Lines<'_>, layout: &Layout<'_>) {
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        self.record_at(record, line, layout);
    }

    /// A record csv could not read (`offset`: where the text it read starts).
    fn unreadable(&mut self, e: &csv::Error, offset: u64, lines: &mut Lines<'_>) {
        let line = e.position().map_or(0, |p| lines.at(offset + p.byte()));
        self.errors.push(RowError {
            line,
            field: "CSV".into(),
            message: crate::import::system(e),
        });
    }

    /// What a later run of records found, after this one's.
    fn append(&mut self, later: Part) {
        self.rows.extend(later.rows);
        self.errors.extend(later.errors);
        self.masked.extend(later.masked);
        self.cleaner.cleaned += later.cleaner.cleaned;
    }

    /// One record, at line `line` (counted from the byte offset: csv's own line counter
    /// is off by one on CRLF files).
    fn record_at(&mut self, record: &csv::StringRecord, line: u64, layout: &Layout<'_>) {
        let Part {
            rows,
            errors,
            masked,
            cleaner,
        } = self;
        let Layout {
            columns,
            date_header,
            zone,
        } = *layout;
        let cells: Vec<(usize, Column, String)> = record
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| {
                let col = (*columns.get(i)?)?;
                let shape = match col {
                    Column::Field(Field::Summary) => Shape::Text,
                    _ => Shape::Line,
                };
                Some((i, col, cleaner.clean(cell, shape)))
            })
            .collect();
        if record.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        // This row's problems are errors[first_error..].
        let first_error = errors.len();
        let mut raw = RawIntake::default();
        let mut when = None;
        let mut officer = None;
        let mut bad = |field: Arg, message: Said| {
            errors.push(RowError {
                line,
                field,
                message,
            });
        };
        for (_, col, cell) in &cells {
            let cell = cell.as_str();
            let label = match col {
                Column::Field(f) => f.arg(),
                Column::Date => Arg::from(date_header),
                other => Arg::from(column_name(*other)),
            };
            match col {
                Column::Date => match read_when(cell, zone) {
                    Ok(t) => when = Some(t),
                    Err(DateProblem::OutOfYears) => {
                        bad(label, crate::import::year_out_of_range(cell));
                    }
                    Err(DateProblem::Unreadable) => {
                        bad(label, Said::new("import.visits.bad_date"));
                    }
                },
                Column::Officer if !cell.is_empty() => officer = Some(cell.to_string()),
                Column::Officer => {}
                Column::Field(f) => {
                    read_field(&mut raw, *f, cell, line, masked, &mut bad);
                }
            }
        }
        let date_cell_empty = when.is_none() && errors.len() == first_error;
        if date_cell_empty {
            errors.push(RowError {
                line,
                field: Arg::from(date_header),
                message: crate::import::required(),
            });
        }
        match intake::validate(&raw) {
            Ok(intake) => {
                if let Some(visited_at) = when {
                    rows.push(ImportRow {
                        line,
                        intake,
                        visited_at,
                        officer,
                    });
                }
            }
            Err(field_errors) => {
                push_field_errors(errors, first_error, field_errors, line);
            }
        }
    }
}

/// A phone or ID number with its middle hidden (`138****8000`, `3301**********1234`), as
/// the desk's masked exports write them: no digit of it can be checked or dialled.
fn is_masked(cell: &str) -> bool {
    cell.contains(['*', '\u{ff0a}'])
}

/// One problem per column holding masked numbers: its first row, the value, how many rows,
/// and what to import instead. A masked number is refused, never stored as a number nor
/// dropped in silence (the person would come in without it, and not be recognised).
fn masked_errors(masked: &[(Field, u64, String)]) -> Vec<RowError> {
    [Field::Phone, Field::IdNumber]
        .into_iter()
        .filter_map(|field| {
            let mut of = masked.iter().filter(|(f, _, _)| *f == field);
            let (_, line, value) = of.next()?;
            let rows = 1 + of.count();
            Some(RowError {
                line: *line,
                field: field.arg(),
                message: Said::new("import.visits.masked")
                    .with("value", value)
                    .with("rows", rows),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::china_zone;
    use crate::i18n::Lang;

    #[test]
    fn masked_numbers_are_refused_once_per_column_with_what_to_do() {
        let csv = "日期,姓名,电话,身份证号,诉求类别\n2026-11-20,张三,138****8000,3301**********1234,欠薪\n2026-11-21,李四,139****5678,,求职\n";
        let errs = parse(csv, china_zone()).unwrap_err();
        let got: Vec<(u64, String)> = errs
            .iter()
            .map(|e| (e.line, e.field.say(Lang::Zh)))
            .collect();
        assert_eq!(got, vec![(2, "电话".into()), (2, "身份证号".into())]);
        let message = errs[0].message.say(Lang::Zh);
        assert!(message.contains("共2行") && message.contains("--unmasked"));
    }

    #[test]
    fn the_occupation_note_column_is_read_and_wins_over_free_text() {
        let csv = "日期,姓名,诉求类别,职业,职业说明\n2026-11-20,张三,欠薪,快递员,顺丰城西\n2026-11-20,李四,欠薪,焊工,\n";
        let rows = parse(csv, china_zone()).unwrap();
        assert_eq!(rows[0].intake.occupation, Occupation::Courier);
        assert_eq!(rows[0].intake.occupation_note, "顺丰城西");
        assert_eq!(rows[1].intake.occupation, Occupation::Other);
        assert_eq!(rows[1].intake.occupation_note, "焊工");
    }

    #[test]
    fn dates_in_ledger_spellings() {
        let z = china_zone();
        let a = parse_when("2026-11-20", z).unwrap();
        assert_eq!(a.to_rfc3339(), "2026-11-20T01:00:00+00:00");
        assert_eq!(
            parse_when("2026/11/20 14:30", z).unwrap().to_rfc3339(),
            "2026-11-20T06:30:00+00:00"
        );
        assert_eq!(parse_when("2026年11月20日", z), Some(a));
        assert_eq!(parse_when("20/11/2026", z), None);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_field() {
        let csv = "日期,姓名,电话,诉求类别\r\n2026-11-20,张三,13800138000,欠薪\r\n2026-11-20,,13800138000,欠薪\r\n2026-13-01,李四,123,求职\r\n2026-11-21,王五,,催款\r\n";
        let errs = parse(csv, china_zone()).unwrap_err();
        let got: Vec<(u64, String)> = errs
            .iter()
            .map(|e| (e.line, e.field.say(Lang::Zh)))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "姓名".into()),
                (4, "日期".into()),
                (4, "电话".into()),
                (5, "诉求类别".into())
            ]
        );
        assert!(errs[0].render(Lang::Zh).starts_with("第3行,姓名"));
    }

    #[test]
    fn missing_required_columns_are_named() {
        let errs = parse("姓名,电话\n张三,13800138000\n", china_zone()).unwrap_err();
        assert_eq!(errs[0].line, 1);
        let message = errs[0].message.say(Lang::En);
        assert!(
            message.contains("日期") && message.contains("诉求类别"),
            "{}",
            message
        );
    }

    /// A ledger large enough to be read by two threads: `n` rows, a summary over two
    /// lines in quotes every 97th row, no name in the rows `bad` (0-based); `stray` puts an
    /// unquoted `"` in a summary (the quote count then misleads). Returns the text, each
    /// good row's (line, summary) as one thread reads them, and every row's line.
    fn big_ledger(
        n: usize,
        eol: &str,
        bad: &[usize],
        stray: bool,
    ) -> (String, Vec<(u64, String)>, Vec<u64>) {
        let mut text = format!("日期,姓名,诉求类别,诉求摘要{eol}");
        let (mut want, mut lines) = (Vec::new(), Vec::new());
        let mut line = 2;
        for i in 0..n {
            let (cell, summary, spans) = match i {
                _ if i.is_multiple_of(97) => (
                    format!("\"第{i}行{eol}第二行\"\"引\"\"\""),
                    format!("第{i}行\n第二行\"引\""),
                    2,
                ),
                5 if stray => ("说\"明".to_string(), "说\"明".to_string(), 1),
                _ => (format!("摘要{i}"), format!("摘要{i}"), 1),
            };
            let name = if bad.contains(&i) { "" } else { "张三" };
            text.push_str(&format!("2026-11-20 10:00,{name},欠薪,{cell}{eol}"));
            if !bad.contains(&i) {
                want.push((line, summary));
            }
            lines.push(line);
            line += spans;
        }
        assert!(text.len() > SPLIT_BYTES, "two threads read it");
        (text, want, lines)
    }

    #[test]
    fn a_large_ledger_read_by_two_threads_gives_what_one_thread_would() {
        for (eol, stray) in [("\n", false), ("\r\n", false), ("\n", true)] {
            let (text, want, _) = big_ledger(30_000, eol, &[], stray);
            let rows = parse(&text, china_zone()).unwrap();
            let got: Vec<(u64, String)> = rows
                .iter()
                .map(|r| (r.line, r.intake.summary.clone()))
                .collect();
            assert_eq!(got, want, "{eol:?}, stray quote {stray}");
        }
    }

    #[test]
    fn a_large_ledger_s_bad_rows_are_reported_from_both_halves_in_order() {
        let bad = [3, 15_000, 29_990];
        let (text, _, lines) = big_ledger(30_000, "\r\n", &bad, false);
        let got: Vec<(u64, String)> = parse(&text, china_zone())
            .unwrap_err()
            .iter()
            .map(|e| (e.line, e.field.say(Lang::Zh)))
            .collect();
        let want: Vec<(u64, String)> = bad.iter().map(|i| (lines[*i], "姓名".into())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn english_headers_and_free_text_occupation() {
        let csv = "date,name,category,occupation,officer\n2026-11-20 10:00,Li Ming,job_seeking,焊工,王建国\n";
        let rows = parse(csv, china_zone()).unwrap();
        assert_eq!(rows[0].intake.occupation, Occupation::Other);
        assert_eq!(rows[0].intake.occupation_note, "焊工");
        assert_eq!(rows[0].officer.as_deref(), Some("王建国"));
    }
}

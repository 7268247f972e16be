//! The report a station sends upward (汇总报送) for a day or a period: built once from
//! the totals as titled sections, then written as Markdown, CSV (with a BOM) or XLSX.

use std::path::Path;

use chrono::NaiveDate;

use crate::domain::labels::Labeled;
use crate::domain::money::format_fen;
use crate::domain::phone;
use crate::i18n::Lang;
use crate::store::Totals;
use crate::words;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// Money in fen: shown in yuan.
    Money(i64),
}

impl Cell {
    /// As text in a file a person reads (Markdown).
    fn shown(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Money(f) => format_fen(*f),
        }
    }

    /// As text in a file a spreadsheet reads (CSV): plain numbers.
    fn plain(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Money(f) => format!("{}.{:02}", f / 100, f % 100),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    /// The name of the totals sheet in XLSX.
    pub totals_sheet: String,
    pub sections: Vec<Section>,
    /// What an empty section says in Markdown.
    pub none: String,
}

fn section(title: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Section {
    Section {
        title: title.to_string(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

fn counted<T: Labeled>(lang: Lang, counts: &[(T, i64)]) -> Vec<Vec<Cell>> {
    counts
        .iter()
        .map(|(item, n)| vec![Cell::Text(item.label(lang).to_string()), Cell::Count(*n)])
        .collect()
}

/// The day a period's referrals are counted overdue on: the morning after it ends, or
/// today while it has not ended. Overdue on a day means due before it, and days late are
/// counted to it — the same definition as the queue (F3) and `referrals list`.
pub fn overdue_as_of(to: NaiveDate, today: NaiveDate) -> NaiveDate {
    to.succ_opt().unwrap_or(to).min(today)
}

/// The summary: visits (new requests and follow-ups), workers, referrals opened and
/// closed, what was recovered, paid and placed, and what was overdue at the end.
fn summary_section(t: &Totals, lang: Lang) -> Section {
    let opened: i64 = t.referrals.iter().map(|(_, f)| f.opened).sum();
    let closed: i64 = t.referrals.iter().map(|(_, f)| f.closed).sum();
    let overdue: i64 = t.referrals.iter().map(|(_, f)| f.overdue).sum();
    let item = words::word(lang, "report.period.item");
    section(
        words::word(lang, "report.period.summary"),
        &[item, words::word(lang, "report.period.value")],
        vec![
            vec![
                Cell::Text(words::word(lang, "report.period.visits").into()),
                Cell::Count(t.visits),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.of_which_new_requests").into()),
                Cell::Count(t.visits - t.follow_ups),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.of_which_follow_ups").into()),
                Cell::Count(t.follow_ups),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.workers_concerned").into()),
                Cell::Count(t.workers_in_visits),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.referrals_opened").into()),
                Cell::Count(opened),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.referrals_closed").into()),
                Cell::Count(closed),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.wages_recovered_yuan").into()),
                Cell::Money(t.wages_recovered_fen),
            ],
            vec![
                Cell::Text(
                    words::word(lang, "report.period.workers_covered_by_recovered_wages").into(),
                ),
                Cell::Count(t.workers_covered),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.aid_paid_yuan").into()),
                Cell::Money(t.aid_paid_fen),
            ],
            vec![
                Cell::Text(words::word(lang, "report.period.people_placed_in_jobs").into()),
                Cell::Count(t.placed),
            ],
            vec![
                Cell::Text(
                    words::word(lang, "report.period.referrals_overdue_at_period_end").into(),
                ),
                Cell::Count(overdue),
            ],
        ],
    )
}

/// Referrals by kind of service and outcome.
fn referrals_section(t: &Totals, lang: Lang) -> Section {
    section(
        words::word(lang, "report.period.referrals_by_kind_and_outcome"),
        &[
            words::word(lang, "report.period.kind"),
            words::word(lang, "report.period.opened"),
            words::word(lang, "report.period.closed"),
            words::word(lang, "report.period.resolved"),
            words::word(lang, "report.period.partly"),
            words::word(lang, "report.period.not_resolved"),
            words::word(lang, "report.period.declined"),
            words::word(lang, "report.period.overdue_at_end"),
        ],
        t.referrals
            .iter()
            .map(|(k, f)| {
                vec![
                    Cell::Text(k.label(lang).into()),
                    Cell::Count(f.opened),
                    Cell::Count(f.closed),
                    Cell::Count(f.resolved),
                    Cell::Count(f.partly),
                    Cell::Count(f.not_resolved),
                    Cell::Count(f.declined),
                    Cell::Count(f.overdue),
                ]
            })
            .collect(),
    )
}

/// The referrals overdue at the period's end, days late counted to `as_of`; phones masked
/// unless `unmasked`.
fn overdue_section(t: &Totals, lang: Lang, as_of: NaiveDate, unmasked: bool) -> Section {
    section(
        words::word(lang, "report.period.overdue_list"),
        &[
            words::word(lang, "report.period.visitor"),
            words::word(lang, "report.period.phone"),
            words::word(lang, "report.period.kind"),
            words::word(lang, "report.period.service"),
            words::word(lang, "report.period.owner"),
            words::word(lang, "report.period.due"),
            words::word(lang, "report.period.days_late"),
        ],
        t.overdue
            .iter()
            .map(|o| {
                let phone = match &o.phone {
                    Some(p) if unmasked => phone::national_digits(p),
                    Some(p) => phone::mask(p),
                    None => String::new(),
                };
                let late = match crate::domain::referral::due_state(o.due_on, as_of) {
                    crate::domain::referral::DueState::Overdue(n) => n,
                    _ => 0,
                };
                vec![
                    Cell::Text(o.visitor_name.clone()),
                    Cell::Text(phone),
                    Cell::Text(o.kind.label(lang).into()),
                    Cell::Text(o.service_name.clone()),
                    Cell::Text(o.owner_name.clone()),
                    Cell::Text(o.due_on.to_string()),
                    Cell::Count(late),
                ]
            })
            .collect(),
    )
}

/// The period's report. Phones in the overdue list are masked unless `unmasked`; days
/// late are counted to `as_of` (see `overdue_as_of`).
pub fn build(
    station: &str,
    (from, to, as_of): (NaiveDate, NaiveDate, NaiveDate),
    t: &Totals,
    lang: Lang,
    unmasked: bool,
) -> Report {
    let period = if from == to {
        from.to_string()
    } else {
        words::say(
            lang,
            "report.period.range",
            &[("from", &from.to_string()), ("to", &to.to_string())],
        )
    };
    let title = words::say(
        lang,
        "report.period.title",
        &[("station", station), ("period", &period)],
    );
    let visits_word = words::word(lang, "report.period.visits_count");
    let summary = summary_section(t, lang);
    let referrals = referrals_section(t, lang);
    // A follow-up (回访) is no new request: it has its own line after the categories.
    let mut by_request = counted(lang, &t.by_category);
    if t.follow_ups > 0 {
        by_request.push(vec![
            Cell::Text(words::word(lang, "report.period.follow_up").into()),
            Cell::Count(t.follow_ups),
        ]);
    }
    let overdue_list = overdue_section(t, lang, as_of, unmasked);
    Report {
        title,
        totals_sheet: words::word(lang, "report.period.totals").to_string(),
        none: words::word(lang, "report.period.none").to_string(),
        sections: vec![
            summary,
            section(
                words::word(lang, "report.period.visits_by_channel"),
                &[words::word(lang, "report.period.channel"), visits_word],
                counted(lang, &t.by_channel),
            ),
            section(
                words::word(lang, "report.period.visits_by_request"),
                &[words::word(lang, "report.period.request"), visits_word],
                by_request,
            ),
            section(
                words::word(lang, "report.period.visitors_by_group_occupation"),
                &[words::word(lang, "report.period.group"), visits_word],
                counted(lang, &t.by_occupation),
            ),
            section(
                words::word(lang, "report.period.union_membership"),
                &[words::word(lang, "report.period.membership"), visits_word],
                counted(lang, &t.by_membership),
            ),
            referrals,
            overdue_list,
        ],
    }
}

/// The period's figures as data, for scripts: codes beside counts, money in fen, follow-ups
/// (回访) apart from new requests, the overdue referrals with phones masked unless
/// `unmasked`. The keys are the county report's (`dutydesk hub report --format json`).
pub fn json(
    station: &str,
    (from, to, as_of): (NaiveDate, NaiveDate, NaiveDate),
    t: &Totals,
    unmasked: bool,
) -> anyhow::Result<Vec<u8>> {
    use serde_json::{Value, json};
    fn by<T: Labeled>(counts: &[(T, i64)]) -> Value {
        Value::Object(
            counts
                .iter()
                .map(|(k, n)| (k.code().to_string(), (*n).into()))
                .collect(),
        )
    }
    let sum = |f: fn(&crate::store::KindFigures) -> i64| -> i64 {
        t.referrals.iter().map(|(_, k)| f(k)).sum()
    };
    let referrals: serde_json::Map<String, Value> = t
        .referrals
        .iter()
        .map(|(k, f)| {
            let figures = json!({
                "opened": f.opened, "closed": f.closed, "resolved": f.resolved,
                "partly": f.partly, "not_resolved": f.not_resolved,
                "declined": f.declined, "overdue": f.overdue,
            });
            (k.code().to_string(), figures)
        })
        .collect();
    let overdue: Vec<Value> = t
        .overdue
        .iter()
        .map(|o| {
            let phone = o.phone.as_deref().map(|p| {
                if unmasked {
                    phone::national_digits(p)
                } else {
                    phone::mask(p)
                }
            });
            let late = match crate::domain::referral::due_state(o.due_on, as_of) {
                crate::domain::referral::DueState::Overdue(n) => n,
                _ => 0,
            };
            json!({
                "visitor": o.visitor_name, "phone": phone, "kind": o.kind.code(),
                "service": o.service_name, "owner": o.owner_name,
                "due_on": o.due_on.to_string(), "days_late": late,
            })
        })
        .collect();
    let v = json!({
        "station": station,
        "from": from.to_string(),
        "to": to.to_string(),
        "overdue_as_of": as_of.to_string(),
        "visits": t.visits,
        "new_requests": t.visits - t.follow_ups,
        "follow_ups": t.follow_ups,
        "workers_in_visits": t.workers_in_visits,
        "referrals_opened": sum(|f| f.opened),
        "referrals_closed": sum(|f| f.closed),
        "referrals_overdue": sum(|f| f.overdue),
        "wages_recovered_fen": t.wages_recovered_fen,
        "workers_covered": t.workers_covered,
        "aid_paid_fen": t.aid_paid_fen,
        "placed": t.placed,
        "by_channel": by(&t.by_channel),
        "by_category": by(&t.by_category),
        "by_occupation": by(&t.by_occupation),
        "by_membership": by(&t.by_membership),
        "referrals": referrals,
        "overdue": overdue,
    });
    let mut out = serde_json::to_vec_pretty(&v)?;
    out.push(b'\n');
    Ok(out)
}

/// A cell in a Markdown table: one line, no pipe to split it, nothing a terminal obeys.
fn md_escape(s: &str) -> String {
    super::safe::terminal(
        &s.replace('|', "\\|")
            .replace("\r\n", " ")
            .replace('\n', " "),
        false,
    )
    .into_owned()
}

pub fn markdown(r: &Report) -> String {
    let mut out = format!("# {}\n", md_escape(&r.title));
    for s in &r.sections {
        out.push_str(&format!("\n## {}\n\n", md_escape(&s.title)));
        if s.rows.is_empty() {
            out.push_str(&format!("({})\n", md_escape(&r.none)));
            continue;
        }
        let headers: Vec<String> = s.headers.iter().map(|h| md_escape(h)).collect();
        out.push_str(&format!("| {} |\n", headers.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(s.headers.len())));
        for row in &s.rows {
            let cells: Vec<String> = row.iter().map(|c| md_escape(&c.shown())).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    out
}

/// CSV with a BOM: the title, then each section as a title row, a header row and its
/// rows, sections apart by an empty line.
pub fn csv(r: &Report) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        w.write_record([super::safe::csv_text(&r.title)])?;
        for s in &r.sections {
            w.write_record([""])?;
            w.write_record([super::safe::csv_text(&s.title)])?;
            w.write_record(s.headers.iter().map(|h| super::safe::csv_text(h)))?;
            for row in &s.rows {
                w.write_record(row.iter().map(|c| match c {
                    Cell::Text(t) => super::safe::csv_text(t),
                    number => number.plain(),
                }))?;
            }
        }
        w.flush()?;
    }
    Ok(out)
}

/// XLSX: the totals on the first sheet, the overdue list (people) on the second.
pub fn xlsx(r: &Report, path: &Path) -> anyhow::Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let money = Format::new().set_num_format("#,##0.00");
    let (people, totals) = r.sections.split_last().expect("the report has sections");
    let write_section =
        |ws: &mut rust_xlsxwriter::Worksheet, row: &mut u32, s: &Section| -> anyhow::Result<()> {
            ws.write_string_with_format(*row, 0, &s.title, &bold)?;
            *row += 1;
            for (c, h) in s.headers.iter().enumerate() {
                ws.write_string_with_format(*row, u16::try_from(c)?, h, &bold)?;
            }
            *row += 1;
            for cells in &s.rows {
                for (c, cell) in cells.iter().enumerate() {
                    let c = u16::try_from(c)?;
                    match cell {
                        Cell::Text(t) => ws.write_string(*row, c, t)?,
                        Cell::Count(n) => ws.write_number(*row, c, *n as f64)?,
                        Cell::Money(f) => {
                            ws.write_number_with_format(*row, c, *f as f64 / 100.0, &money)?
                        }
                    };
                }
                *row += 1;
            }
            Ok(())
        };
    {
        let ws = wb.add_worksheet();
        ws.set_name(&r.totals_sheet)?;
        ws.set_column_width(0, 34)?;
        for c in 1..8 {
            ws.set_column_width(c, 12)?;
        }
        ws.write_string_with_format(0, 0, &r.title, &title)?;
        let mut row = 2;
        for s in totals {
            write_section(ws, &mut row, s)?;
            row += 1;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&people.title))?;
        for (c, w) in [12, 14, 10, 28, 10, 12, 10].iter().enumerate() {
            ws.set_column_width(u16::try_from(c)?, *w)?;
        }
        let mut row = 0;
        write_section(ws, &mut row, people)?;
    }
    wb.save(path)?;
    Ok(())
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// Where a report goes and how it is written.
pub struct Export<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub format: crate::report::ReportFormat,
    pub output: Option<&'a Path>,
    /// Replace an existing regular file at `output` (never the database, never a non-file).
    pub force: bool,
    pub unmasked: bool,
    pub lang: Lang,
}

/// Totals the period and writes the report to the file (or stdout for md/csv). An
/// unmasked export is recorded in the audit log first: if that record cannot be written,
/// nothing is. Returns the report written.
pub fn export(
    store: &mut crate::store::Store,
    e: &Export<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Report> {
    use crate::report::ReportFormat;
    use std::io::Write;
    if e.to < e.from {
        anyhow::bail!(
            "{}",
            words::word(e.lang, "report.period.ends_before_it_begins")
        );
    }
    if e.format == ReportFormat::Xlsx && e.output.is_none() {
        anyhow::bail!("{}", words::word(e.lang, "report.period.xlsx_needs_a_file"));
    }
    let said = |x: crate::outfile::OutError| anyhow::anyhow!(x.message(e.lang));
    if let Some(path) = e.output {
        // Refused before any work: the database, a link or device, an existing file.
        crate::outfile::check_target(path, store.path(), e.force).map_err(said)?;
    }
    let zone = crate::domain::clock::china_zone();
    let start = crate::domain::clock::day_start(e.from, zone);
    let end = crate::domain::clock::day_start(e.to.succ_opt().unwrap_or(e.to), zone);
    let as_of = overdue_as_of(e.to, now.with_timezone(&zone).date_naive());
    let station = store
        .station()
        .map_err(|x| anyhow::anyhow!(x.message(e.lang)))?
        .map(|s| s.name)
        .unwrap_or_default();
    let totals = store
        .totals(
            crate::store::VisitScope::Between(start, end),
            start,
            end,
            as_of,
            true,
        )
        .map_err(|x| anyhow::anyhow!(x.message(e.lang)))?;
    let report = build(&station, (e.from, e.to, as_of), &totals, e.lang, e.unmasked);
    if e.unmasked {
        let what = format!(
            "report {}..{} {:?} -> {}",
            e.from,
            e.to,
            e.format,
            e.output
                .map_or_else(|| "stdout".into(), |p| p.display().to_string())
        );
        store
            .audit_unmasked_export(&what, now)
            .map_err(|x| anyhow::anyhow!(x.message(e.lang)))?;
        tracing::info!(from = %e.from, to = %e.to, "unmasked report exported");
    }
    let bytes = match e.format {
        ReportFormat::Md => Some(markdown(&report).into_bytes()),
        ReportFormat::Csv => Some(csv(&report)?),
        ReportFormat::Json => Some(json(&station, (e.from, e.to, as_of), &totals, e.unmasked)?),
        ReportFormat::Xlsx => None,
    };
    match (e.output, bytes) {
        (Some(path), bytes) => {
            crate::outfile::write_new(path, store.path(), e.force, |tmp| match bytes {
                Some(b) => Ok(std::fs::write(tmp, b)?),
                None => xlsx(&report, tmp),
            })
            .map_err(said)?;
        }
        (None, Some(b)) => std::io::stdout().lock().write_all(&b)?,
        (None, None) => unreachable!("xlsx without a file was refused above"),
    }
    Ok(report)
}

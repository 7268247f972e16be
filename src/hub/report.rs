//! `dutydesk hub report`: the county's (or one station's) report for a period, from the
//! per-dimension rollups kept in the sync transaction — the same figures as each desk's
//! own report (`report::period`), built by the same builder — plus the stations that have
//! not synced for N days. Overdue-at-end is counted from the open referrals (an index of
//! the open ones), the rest never reads a visit.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Membership, Occupation};
use crate::domain::referral::{Outcome, ServiceKind};
use crate::i18n::Lang;
use crate::report::period::{Cell, Section};
use crate::store::{KindFigures, Totals};
use crate::words;

#[cfg(test)]
mod tests {
    use super::whole_months;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn whole_months_inside_a_period() {
        assert_eq!(
            whole_months(d("2026-01-01"), d("2026-12-31")),
            (d("2026-01-01"), d("2027-01-01"))
        );
        assert_eq!(
            whole_months(d("2026-01-15"), d("2026-03-31")),
            (d("2026-02-01"), d("2026-04-01"))
        );
        assert_eq!(
            whole_months(d("2026-01-15"), d("2026-03-30")),
            (d("2026-02-01"), d("2026-03-01"))
        );
        let (a, b) = whole_months(d("2026-01-15"), d("2026-02-10"));
        assert_eq!(a, b);
        let (a, b) = whole_months(d("2026-02-01"), d("2026-02-27"));
        assert_eq!(a, b);
        assert_eq!(
            whole_months(d("2026-02-01"), d("2026-02-28")),
            (d("2026-02-01"), d("2026-03-01"))
        );
    }
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HubFormat {
    /// Markdown tables
    #[default]
    Md,
    /// CSV with a BOM, so Excel and WPS read the Chinese
    Csv,
    /// JSON: the totals at top level, then the stations
    Json,
    /// An Excel workbook (needs -o FILE): the totals, the stations not synced on their own sheet
    Xlsx,
}

/// A station as the report lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct StationLine {
    pub name: String,
    pub visits: i64,
    pub last_sync_at: Option<DateTime<Utc>>,
}

fn add<T: Labeled + PartialEq>(counts: &mut [i64], code: &str, fallback: T, n: i64) {
    let i = T::ALL
        .iter()
        .position(|t| t.code() == code)
        .or_else(|| T::ALL.iter().position(|t| *t == fallback))
        .unwrap_or(0);
    counts[i] += n;
}

fn listed<T: Labeled>(counts: &[i64]) -> Vec<(T, i64)> {
    T::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n != 0)
        .map(|(t, n)| (*t, *n))
        .collect()
}

/// The whole months inside `[from, to]` as `[m1, m2)` (first days); empty (m1 = m2) when
/// there is none.
fn whole_months(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let first_of = |d: NaiveDate| d.with_day(1).expect("day 1 exists");
    let next_month = |d: NaiveDate| {
        let f = first_of(d);
        if f.month() == 12 {
            NaiveDate::from_ymd_opt(f.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(f.year(), f.month() + 1, 1)
        }
        .expect("a month's first day exists")
    };
    let m1 = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    let after = to.succ_opt().unwrap_or(to);
    let m2 = first_of(after);
    if m1 < m2 { (m1, m2) } else { (m1, m1) }
}

/// The rollup rows of a period: whole months `[$4, $5)` from the month rollups, the days
/// of `[$1, $2]` outside them from the day rollups; `$3` one station or NULL for all.
const ROLLUP_ROWS: &str = "
    SELECT station_id, dim, value, n FROM hub.rollup_month
     WHERE month >= $4 AND month < $5 AND ($3::text IS NULL OR station_id = $3)
    UNION ALL
    SELECT station_id, dim, value, n FROM hub.rollup
     WHERE day >= $1 AND day <= $2 AND (day < $4 OR day >= $5)
       AND ($3::text IS NULL OR station_id = $3)";

/// The totals of `[from, to]` (station-local days) for one station or all, overdue as
/// of `as_of` (see `report::period::overdue_as_of`). No overdue list: the hub holds no
/// visitors' names.
pub fn totals(
    client: &mut postgres::Client,
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDate,
    station_id: Option<&str>,
) -> Result<Totals> {
    let mut t = Totals::default();
    let (m1, m2) = whole_months(from, to);
    let rows = client.query(
        &format!(
            "SELECT dim, value, sum(n)::bigint FROM ({}) r GROUP BY dim, value",
            ROLLUP_ROWS
        ),
        &[&from, &to, &station_id, &m1, &m2],
    )?;
    let mut ch = vec![0; Channel::ALL.len()];
    let mut cat = vec![0; Category::ALL.len()];
    let mut occ = vec![0; Occupation::ALL.len()];
    let mut mem = vec![0; Membership::ALL.len()];
    let mut figures: HashMap<ServiceKind, KindFigures> = HashMap::new();
    let kind_of = |s: &str| ServiceKind::from_code(s).unwrap_or(ServiceKind::Agency);
    for r in rows {
        let (dim, value, n): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        if n == 0 {
            continue;
        }
        match dim.as_str() {
            "visits" => t.visits += n,
            "workers" => t.workers_in_visits += n,
            "channel" => add(&mut ch, &value, Channel::WalkIn, n),
            "category" => add(&mut cat, &value, Category::Other, n),
            "follow_ups" => t.follow_ups += n,
            "occupation" => add(&mut occ, &value, Occupation::Other, n),
            "membership" => add(&mut mem, &value, Membership::Unknown, n),
            "opened" => figures.entry(kind_of(&value)).or_default().opened += n,
            "closed" => figures.entry(kind_of(&value)).or_default().closed += n,
            "declined" => figures.entry(kind_of(&value)).or_default().declined += n,
            "wages" => t.wages_recovered_fen += n,
            "workers_covered" => t.workers_covered += n,
            "aid" => t.aid_paid_fen += n,
            "placed" => t.placed += n,
            d => {
                if let Some(kind) = d.strip_prefix("outcome:") {
                    let f = figures.entry(kind_of(kind)).or_default();
                    match Outcome::from_code(&value) {
                        Some(Outcome::Resolved) => f.resolved += n,
                        Some(Outcome::Partly) => f.partly += n,
                        // Handed on: its outcome is the other station's to record.
                        Some(Outcome::Transferred) => {}
                        Some(Outcome::NotResolved) | None => f.not_resolved += n,
                    }
                }
            }
        }
    }
    // Open at the period's end and due before the day it is counted on: still open, or
    // closed or declined since — the desk's three parts, counted alike.
    let zone = crate::domain::clock::china_zone();
    let end = crate::domain::clock::day_start(to.succ_opt().unwrap_or(to), zone);
    let rows = client.query(
        "SELECT kind, sum((status IN ('sent', 'accepted', 'in_progress'))::int
                        + coalesce((closed_at >= $1)::int, 0)
                        + coalesce((status = 'declined' AND updated_at >= $1)::int, 0))::bigint
           FROM hub.referral
          WHERE created_at < $1 AND due_on < $2 AND ($3::text IS NULL OR station_id = $3)
          GROUP BY kind",
        &[&end, &as_of, &station_id],
    )?;
    for r in rows {
        let kind: Option<String> = r.get(0);
        let n: i64 = r.get(1);
        if n != 0 {
            figures
                .entry(kind_of(kind.as_deref().unwrap_or("")))
                .or_default()
                .overdue += n;
        }
    }
    t.by_channel = listed(&ch);
    t.by_category = listed(&cat);
    t.by_occupation = listed(&occ);
    t.by_membership = listed(&mem);
    t.referrals = ServiceKind::ALL
        .iter()
        .filter_map(|k| figures.remove(k).map(|f| (*k, f)))
        .collect();
    Ok(t)
}

/// Every station (or the one named) with its visits in the period and its last sync.
pub fn stations(
    client: &mut postgres::Client,
    from: NaiveDate,
    to: NaiveDate,
    station_id: Option<&str>,
) -> Result<Vec<StationLine>> {
    let (m1, m2) = whole_months(from, to);
    let rows = client.query(
        &format!(
            "SELECT s.name, coalesce(v.n, 0)::bigint, s.last_sync_at
               FROM hub.station s
               LEFT JOIN (SELECT station_id, sum(n) AS n FROM ({ROLLUP_ROWS}) r
                           WHERE dim = 'visits' GROUP BY station_id) v USING (station_id)
              WHERE ($3::text IS NULL OR s.station_id = $3) ORDER BY s.name"
        ),
        &[&from, &to, &station_id, &m1, &m2],
    )?;
    Ok(rows
        .iter()
        .map(|r| StationLine {
            name: r.get(0),
            visits: r.get(1),
            last_sync_at: r.get(2),
        })
        .collect())
}

pub struct Args {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub station: Option<String>,
    pub format: HubFormat,
    /// A station not synced for this many days is listed.
    pub stale_days: i64,
    pub lang: Lang,
    /// Write to this file (whole or not at all, never over a file unless `force`).
    pub output: Option<std::path::PathBuf>,
    pub force: bool,
}

/// Writes the report where `a` says: a file (xlsx needs one) or stdout.
pub fn export(client: &mut postgres::Client, a: &Args, now: DateTime<Utc>) -> Result<()> {
    if a.format == HubFormat::Xlsx && a.output.is_none() {
        bail!("{}", words::word(a.lang, "report.period.xlsx_needs_a_file"));
    }
    let said = |x: crate::outfile::OutError| anyhow!(x.message(a.lang));
    // No database to protect here: an empty path names none.
    let no_db = std::path::Path::new("");
    if let Some(path) = &a.output {
        crate::outfile::check_target(path, no_db, a.force).map_err(said)?;
    }
    let rendered = render(client, a, now)?;
    match (&a.output, rendered) {
        (Some(path), Rendered::Bytes(b)) => {
            crate::outfile::write_new(path, no_db, a.force, |tmp| Ok(std::fs::write(tmp, b)?))
                .map_err(said)?
        }
        (Some(path), Rendered::Workbook(r)) => {
            crate::outfile::write_new(path, no_db, a.force, |tmp| {
                crate::report::period::xlsx(&r, tmp)
            })
            .map_err(said)?
        }
        (None, Rendered::Bytes(b)) => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(&b).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r?,
            }
        }
        (None, Rendered::Workbook(_)) => unreachable!("xlsx without a file was refused above"),
    }
    Ok(())
}

/// A report ready to write: bytes (md, csv, json) or a workbook to lay out (xlsx).
pub enum Rendered {
    Bytes(Vec<u8>),
    Workbook(crate::report::period::Report),
}

/// The report as JSON: the figures as data (codes and numbers), the stations with their
/// visits and last sync, and those not synced for `a.stale_days`.
fn json_report(
    a: &Args,
    t: &Totals,
    lines: &[StationLine],
    stale: &[&StationLine],
    scope: &str,
    as_of: NaiveDate,
) -> Result<Vec<u8>> {
    let counts = |c: Vec<(&'static str, i64)>| {
        serde_json::Value::Object(c.into_iter().map(|(k, n)| (k.into(), n.into())).collect())
    };
    let by = |v: &[(Channel, i64)]| counts(v.iter().map(|(k, n)| (k.code(), *n)).collect());
    let opened: i64 = t.referrals.iter().map(|(_, f)| f.opened).sum();
    let closed: i64 = t.referrals.iter().map(|(_, f)| f.closed).sum();
    let overdue: i64 = t.referrals.iter().map(|(_, f)| f.overdue).sum();
    let referrals: serde_json::Map<String, serde_json::Value> = t
        .referrals
        .iter()
        .map(|(k, f)| {
            (
                k.code().to_string(),
                json!({
                    "opened": f.opened, "closed": f.closed, "resolved": f.resolved,
                    "partly": f.partly, "not_resolved": f.not_resolved,
                    "declined": f.declined, "overdue": f.overdue,
                }),
            )
        })
        .collect();
    let station_json = |s: &StationLine| {
        json!({
            "name": s.name,
            "visits": s.visits,
            "last_sync_at": s.last_sync_at.map(crate::store::ts),
        })
    };
    let v = json!({
        "scope": scope,
        "from": a.from.to_string(),
        "to": a.to.to_string(),
        "overdue_as_of": as_of.to_string(),
        "visits": t.visits,
        "new_requests": t.visits - t.follow_ups,
        "follow_ups": t.follow_ups,
        "workers_in_visits": t.workers_in_visits,
        "referrals_opened": opened,
        "referrals_closed": closed,
        "referrals_overdue": overdue,
        "wages_recovered_fen": t.wages_recovered_fen,
        "workers_covered": t.workers_covered,
        "aid_paid_fen": t.aid_paid_fen,
        "placed": t.placed,
        "by_channel": by(&t.by_channel),
        "by_category": counts(t.by_category.iter().map(|(k, n)| (k.code(), *n)).collect()),
        "by_occupation": counts(t.by_occupation.iter().map(|(k, n)| (k.code(), *n)).collect()),
        "by_membership": counts(t.by_membership.iter().map(|(k, n)| (k.code(), *n)).collect()),
        "referrals": referrals,
        "stations": lines.iter().map(station_json).collect::<Vec<_>>(),
        "stale_days": a.stale_days,
        "not_synced": stale.iter().map(|s| station_json(s)).collect::<Vec<_>>(),
    });
    let mut out = serde_json::to_vec_pretty(&v)?;
    out.push(b'\n');
    Ok(out)
}

/// The report in the format asked.
pub fn render(client: &mut postgres::Client, a: &Args, now: DateTime<Utc>) -> Result<Rendered> {
    if a.to < a.from {
        bail!(
            "{}",
            words::word(a.lang, "report.period.ends_before_it_begins")
        );
    }
    let station_id: Option<String> = match &a.station {
        None => None,
        Some(name) => Some(
            client
                .query_opt(
                    "SELECT station_id FROM hub.station WHERE name = $1",
                    &[name],
                )?
                .ok_or_else(|| {
                    anyhow!(crate::words::Said::new("hub.err.no_station").with("station", name))
                })?
                .get(0),
        ),
    };
    let zone = crate::domain::clock::china_zone();
    let today = now.with_timezone(&zone).date_naive();
    let as_of = crate::report::period::overdue_as_of(a.to, today);
    let t = totals(client, a.from, a.to, as_of, station_id.as_deref())?;
    let lines = stations(client, a.from, a.to, station_id.as_deref())?;
    let stale_since = now - chrono::Duration::days(a.stale_days);
    let stale: Vec<&StationLine> = lines
        .iter()
        .filter(|s| s.last_sync_at.is_none_or(|t| t < stale_since))
        .collect();
    let when = |t: Option<DateTime<Utc>>| {
        t.map_or_else(
            || words::word(a.lang, "hub.report.never").to_string(),
            |t| t.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    let scope = a
        .station
        .clone()
        .unwrap_or_else(|| words::word(a.lang, "hub.report.county").to_string());
    if a.format == HubFormat::Json {
        return Ok(Rendered::Bytes(json_report(
            a, &t, &lines, &stale, &scope, as_of,
        )?));
    }
    let mut report = crate::report::period::build(&scope, (a.from, a.to, as_of), &t, a.lang, false);
    // The last section lists overdue referrals by person: the hub holds no names.
    report.sections.pop();
    let station = words::word(a.lang, "hub.report.station");
    let last_sync = words::word(a.lang, "hub.report.last_sync");
    report.sections.push(Section {
        title: words::word(a.lang, "hub.report.stations").to_string(),
        headers: vec![
            station.to_string(),
            words::word(a.lang, "hub.report.visits").to_string(),
            last_sync.to_string(),
        ],
        rows: lines
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.name.clone()),
                    Cell::Count(s.visits),
                    Cell::Text(when(s.last_sync_at)),
                ]
            })
            .collect(),
    });
    report.sections.push(Section {
        title: words::say(
            a.lang,
            "hub.report.not_synced",
            &[("days", &a.stale_days.to_string())],
        ),
        headers: vec![station.to_string(), last_sync.to_string()],
        rows: stale
            .iter()
            .map(|s| vec![Cell::Text(s.name.clone()), Cell::Text(when(s.last_sync_at))])
            .collect(),
    });
    Ok(match a.format {
        HubFormat::Csv => Rendered::Bytes(crate::report::period::csv(&report)?),
        HubFormat::Xlsx => Rendered::Workbook(report),
        _ => Rendered::Bytes(crate::report::period::markdown(&report).into_bytes()),
    })
}

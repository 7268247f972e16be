//! `dutydesk --demo`: a fresh database seeded from `fixtures/` (compiled in, so the demo
//! works from any directory), with the ledger's dates moved so its last day is today.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Deserialize;

use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::i18n::Lang;
use crate::import;
use crate::store::{ImportRow, Store, StoreError};

pub const DEMO_STATION: &str = include_str!("../fixtures/demo_station.toml");
pub const DEMO_VISITS: &str = include_str!("../fixtures/demo_visits.csv");
pub const DEMO_DIRECTORY: &str = include_str!("../fixtures/demo_directory.csv");
pub const DEMO_JOBS: &str = include_str!("../fixtures/demo_jobs.csv");
pub const DEMO_JOBS_JSONLD: &str = include_str!("../fixtures/jobs_sample.jsonld");

#[derive(Deserialize)]
struct DemoStation {
    station: String,
    on_duty: String,
    officer: Vec<DemoOfficer>,
}

#[derive(Deserialize)]
struct DemoOfficer {
    name: String,
    role: String,
    affiliation: String,
}

/// Fills an empty store with the demo station, roster and visits.
/// Loads the demo directory into a file that has no services (for `gen` and the benches'
/// generated referrals); a file with a directory is left as it is.
pub fn ensure_directory(store: &mut Store, now: DateTime<Utc>) -> Result<(), StoreError> {
    if !store.services(None)?.is_empty() {
        return Ok(());
    }
    let parsed = import::directory::parse_csv(DEMO_DIRECTORY, "fixtures/demo_directory.csv")
        .map_err(|e| StoreError::Rule(e[0].render(Lang::En)))?;
    store
        .upsert_services(&parsed.services, now)
        .map_err(|(_, e)| e)?;
    Ok(())
}

pub fn seed(store: &mut Store, zone: FixedOffset, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let cfg: DemoStation = toml::from_str(DEMO_STATION)
        .map_err(|e| StoreError::Rule(format!("fixtures/demo_station.toml: {e}")))?;
    let station = store.create_station(&cfg.station, now)?;
    for o in &cfg.officer {
        let role = Role::from_code(&o.role).unwrap_or(Role::Volunteer);
        let officer = store.officer_or_add(&station, &o.name, role, &o.affiliation, now)?;
        if o.name == cfg.on_duty {
            store.set_current_officer(&officer)?;
        }
    }
    let mut rows = import::visits::parse(DEMO_VISITS, zone).map_err(|errs| {
        StoreError::Rule(format!(
            "fixtures/demo_visits.csv: {}",
            errs[0].render(Lang::En)
        ))
    })?;
    // Move the ledger so its last day is today, keeping times of day.
    if let Some(last) = rows
        .iter()
        .map(|r| r.visited_at.with_timezone(&zone).date_naive())
        .max()
    {
        let today = now.with_timezone(&zone).date_naive();
        let shift = Duration::days((today - last).num_days());
        for r in &mut rows {
            r.visited_at += shift;
        }
        keep_before(&mut rows, crate::app::day_start(today, zone), now);
    }
    let current = store.current_officer()?.map(|o| o.id);
    let n = store
        .import_visits(&rows, &station.id, current.as_deref(), now)
        .map_err(|(_, e)| e)?;
    let directory = import::directory::parse_csv(DEMO_DIRECTORY, "fixtures/demo_directory.csv")
        .map_err(|e| StoreError::Rule(e[0].render(Lang::En)))?;
    store
        .upsert_services(&directory.services, now)
        .map_err(|(_, e)| e)?;
    seed_referrals(store, &station.id, zone)?;
    seed_handover(store, &station.id, zone, now)?;
    let mut jobs = import::jobs::parse_csv(DEMO_JOBS, "fixtures/demo_jobs.csv")
        .map_err(|e| StoreError::Rule(e[0].render(Lang::En)))?;
    jobs.extend(
        import::jobs::parse_json_ld(DEMO_JOBS_JSONLD, "fixtures/jobs_sample.jsonld")
            .map_err(|e| StoreError::Rule(e[0].render(Lang::En)))?,
    );
    store.upsert_jobs(&jobs, now).map_err(|(_, e)| e)?;
    Ok(n)
}

/// No visit later than the clock: today's visitors the ledger has after `now` came
/// earlier today instead, in the same order, spread over the time between the last one
/// already before the clock (or the day's start) and now — so a demo opened at 01:00
/// still shows today's visits. Only with less than a minute each to spare (the first
/// minutes of the day) do they move a day back.
fn keep_before(rows: &mut [ImportRow], day_start: DateTime<Utc>, now: DateTime<Utc>) {
    let mut late: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].visited_at > now)
        .collect();
    late.sort_by_key(|&i| rows[i].visited_at);
    let from = rows
        .iter()
        .map(|r| r.visited_at)
        .filter(|&t| t >= day_start && t <= now)
        .max()
        .unwrap_or(day_start);
    let n = i64::try_from(late.len()).unwrap_or(i64::MAX);
    let step = (now - from).num_seconds() / n.saturating_add(1);
    for (k, i) in (1_i64..).zip(late) {
        rows[i].visited_at = if step >= 60 {
            from + Duration::seconds(step * k)
        } else {
            rows[i].visited_at - Duration::days(1)
        };
    }
}

/// The referrals above were logged in a shift; 王建国 signed it off yesterday evening
/// with a to-do and a note, so the demo's F5 opens on a handover to acknowledge.
fn seed_handover(
    store: &mut Store,
    station_id: &str,
    zone: FixedOffset,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    use crate::domain::shift::EntryKind;
    let Some(shift) = store.current_shift(station_id)? else {
        return Ok(());
    };
    let Some(wang) = store.officer_by_name("王建国")? else {
        return Ok(());
    };
    let yesterday = now.with_timezone(&zone).date_naive() - Duration::days(1);
    let evening = crate::app::day_start(yesterday, zone) + Duration::hours(17);
    if evening <= shift.opened_at {
        return Ok(());
    }
    store.write_entry(
        station_id,
        &wang.id,
        EntryKind::Todo,
        "周一回访张三等13名建筑工人,提醒带齐考勤记录去法律援助中心",
        evening,
    )?;
    store.sign_off(
        &shift.id,
        &wang.id,
        "张三欠薪案法援中心已受理,跟进中;周建华工伤案李梅已转交给我,我尚未接收,明天确认。",
        evening + Duration::minutes(30),
    )?;
    Ok(())
}

/// A queue worth looking at: one referral in each state, one overdue group wage case, one
/// closed with money recovered, one being handed over.
fn seed_referrals(
    store: &mut Store,
    station_id: &str,
    zone: FixedOffset,
) -> Result<(), StoreError> {
    use crate::domain::lists::Urgency;
    use crate::domain::referral::{Closing, Move, Outcome};
    use crate::store::NewReferral;

    let config = crate::config::Config::default();
    let officer = |store: &Store, name: &str| -> Result<String, StoreError> {
        Ok(store
            .officer_by_name(name)?
            .ok_or_else(|| StoreError::Rule(format!("demo officer {name} missing")))?
            .id)
    };
    let li = officer(store, "李梅")?;
    let wang = officer(store, "王建国")?;
    // (visitor, category code, service source id, moves after routing)
    let plan: &[(&str, &str, &str, &[Move])] = &[
        (
            "张三",
            "wage_arrears",
            "LEGAL-02",
            &[Move::Accept, Move::Start],
        ),
        (
            "王秀英",
            "hardship",
            "AID-01",
            &[Move::Accept, Move::Start, Move::Close],
        ),
        ("刘洋", "contract", "AGENCY-01", &[Move::Accept]),
        ("孙立", "job_seeking", "JOBS-01", &[]),
        ("周建华", "injury", "LEGAL-02", &[Move::Accept]),
        ("吴敏", "medical_aid", "AID-04", &[Move::Accept]),
        ("马大海", "wage_arrears", "LEGAL-01", &[]),
    ];
    let services = store.services(None)?;
    for (name, category, source, moves) in plan {
        let visit: Option<(String, String, String)> = store
            .conn()
            .query_row(
                "SELECT t.id, t.visited_at, t.urgency FROM visit t JOIN visitor v ON v.id = t.visitor_id
                 WHERE v.name = ?1 AND t.category = ?2 ORDER BY t.visited_at LIMIT 1",
                [name, category],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok();
        let (Some((visit_id, at, urgency)), Some(service)) = (
            visit,
            services
                .iter()
                .find(|s| s.source_id.as_deref() == Some(source)),
        ) else {
            continue;
        };
        let at = crate::store::parse_ts(&at).unwrap_or_default() + Duration::minutes(20);
        let urgency = Urgency::from_code(&urgency).unwrap_or(Urgency::Normal);
        let due_on = config.deadlines.due(
            &config.calendar,
            at.with_timezone(&zone).date_naive(),
            service.deadline_rule,
            urgency,
        );
        let new = NewReferral {
            visit_id,
            service_id: service.id.clone(),
            consent: true,
            consent_override: String::new(),
            note: String::new(),
            urgency,
            due_on,
            job_id: None,
        };
        let mut r = store.create_referral(&new, station_id, &li, at)?;
        for (i, m) in moves.iter().enumerate() {
            let when = at + Duration::hours(2 + 24 * i64::try_from(i).expect("a few moves"));
            let closing = Closing {
                outcome: Some(Outcome::Resolved),
                aid_paid_fen: Some(200_000),
                ..Closing::default()
            };
            let c = (*m == Move::Close).then_some(&closing);
            let note = if *m == Move::Close {
                "发放生活救助金2000元"
            } else {
                ""
            };
            r = store.move_referral(&r.id, r.version, *m, &li, note, c, when)?;
        }
        if *name == "周建华" {
            store.request_transfer(&r.id, r.version, &li, &wang, at + Duration::days(1))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    /// The demo seeded at a station time of 2026-12-01 h:m: the clock, and who came
    /// when, in time order.
    fn seeded_at(h: u32, m: u32) -> (DateTime<Utc>, Vec<(DateTime<Utc>, String)>) {
        let zone = crate::app::china_zone();
        let local = NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap();
        let now = zone
            .from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc);
        let mut store = Store::open_in_memory().unwrap();
        seed(&mut store, zone, now).unwrap();
        let mut stmt = store
            .conn()
            .prepare(
                "SELECT t.visited_at, v.name FROM visit t JOIN visitor v ON v.id = t.visitor_id
                 ORDER BY t.visited_at",
            )
            .unwrap();
        let at = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .unwrap()
            .map(|r| {
                let (t, name) = r.unwrap();
                (crate::store::parse_ts(&t).unwrap(), name)
            })
            .collect();
        (now, at)
    }

    /// Who came on the clock's day, in order.
    fn today(now: DateTime<Utc>, at: &[(DateTime<Utc>, String)]) -> Vec<String> {
        let zone = crate::app::china_zone();
        let day = now.with_timezone(&zone).date_naive();
        at.iter()
            .filter(|(t, _)| t.with_timezone(&zone).date_naive() == day)
            .map(|(_, name)| name.clone())
            .collect()
    }

    /// A demo opened in the small hours once showed "today's visits (0)": every visit of
    /// the ledger's last day was later than the clock and went a day back.
    #[test]
    fn a_demo_opened_at_one_in_the_morning_has_todays_visitors_in_order_before_the_clock() {
        let (now, at) = seeded_at(1, 0);
        assert!(at.iter().all(|(t, _)| *t <= now), "a visit after the clock");
        let (evening, whole) = seeded_at(21, 0);
        let expected = today(evening, &whole);
        assert!(!expected.is_empty());
        assert_eq!(
            today(now, &at),
            expected,
            "the same visitors, earlier, in order"
        );
        assert_eq!(at.len(), whole.len(), "none lost");
    }

    #[test]
    fn at_midnight_there_is_no_room_and_todays_visitors_came_the_day_before() {
        let (now, at) = seeded_at(0, 0);
        assert!(at.iter().all(|(t, _)| *t <= now));
        assert!(today(now, &at).is_empty());
        let (_, whole) = seeded_at(21, 0);
        assert_eq!(at.len(), whole.len(), "none lost");
    }
}

//! `dutydesk --demo`: a fresh database seeded from `fixtures/` (compiled in, so the demo
//! works from any directory), with the ledger's dates moved so its last day is today.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Deserialize;

use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::i18n::Lang;
use crate::import;
use crate::store::{Store, StoreError};

pub const DEMO_STATION: &str = include_str!("../fixtures/demo_station.toml");
pub const DEMO_VISITS: &str = include_str!("../fixtures/demo_visits.csv");

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
pub fn seed(store: &mut Store, zone: FixedOffset, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let cfg: DemoStation = toml::from_str(DEMO_STATION)
        .map_err(|e| StoreError::Rule(format!("fixtures/demo_station.toml: {e}")))?;
    let station = store.create_station(&cfg.station, now)?;
    for o in &cfg.officer {
        let role = Role::from_code(&o.role).unwrap_or(Role::Volunteer);
        let officer = store.upsert_officer(&station, &o.name, role, &o.affiliation, now)?;
        if o.name == cfg.on_duty {
            store.set_current_officer(&officer)?;
        }
    }
    let mut rows = import::visits::parse(DEMO_VISITS, zone, Lang::Zh).map_err(|errs| {
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
        let shift = Duration::days((now.with_timezone(&zone).date_naive() - last).num_days());
        for r in &mut rows {
            r.visited_at += shift;
        }
    }
    let current = store.current_officer()?.map(|o| o.id);
    store
        .import_visits(&rows, &station.id, current.as_deref(), now)
        .map_err(|(_, e)| e)
}

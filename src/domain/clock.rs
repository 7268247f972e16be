//! Time at the station: where "now" comes from, the station's zone, and when a local
//! day begins.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// Where "now" comes from: the system clock, or a fixed instant in tests.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }
}

/// China Standard Time, which has no daylight saving: the station's zone by default.
pub fn china_zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

/// The instant (UTC) a station-local day begins.
pub fn day_start(date: NaiveDate, zone: FixedOffset) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    zone.from_local_datetime(&midnight)
        .single()
        .expect("fixed offsets have no gaps")
        .with_timezone(&Utc)
}

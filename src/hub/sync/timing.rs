//! Where a sync's time goes, for whoever profiles it: with `DUTYDESK_SYNC_TIMING` set,
//! each phase of the push is timed (wall clock, summed over the batches, per table where
//! it is one table's) and one line goes to stderr at the end, `sync-timing` and
//! `phase=seconds` pairs, largest first. Unset (the default), nothing is measured.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub(super) struct Timing {
    on: bool,
    spent: BTreeMap<String, Duration>,
    started: Option<Instant>,
}

impl Timing {
    pub(super) fn from_env() -> Timing {
        let on = std::env::var_os("DUTYDESK_SYNC_TIMING").is_some_and(|v| !v.is_empty());
        Timing {
            on,
            spent: BTreeMap::new(),
            started: on.then(Instant::now),
        }
    }

    /// Runs `f`, adding its time to `phase` (and `table`, when given).
    pub(super) fn time<T>(&mut self, phase: &str, table: &str, f: impl FnOnce() -> T) -> T {
        if !self.on {
            return f();
        }
        let t = Instant::now();
        let out = f();
        let key = if table.is_empty() {
            phase.to_string()
        } else {
            format!("{phase}.{table}")
        };
        *self.spent.entry(key).or_default() += t.elapsed();
        out
    }

    /// Adds another's time (a thread's), each phase under `prefix`.
    pub(super) fn merge(&mut self, other: Timing, prefix: &str) {
        for (k, d) in other.spent {
            *self.spent.entry(format!("{prefix}{k}")).or_default() += d;
        }
    }

    /// The line on stderr, when timing is on.
    pub(super) fn report(&self) {
        let Some(started) = self.started else {
            return;
        };
        let mut phases: Vec<(&String, &Duration)> = self.spent.iter().collect();
        phases.sort_by(|a, b| b.1.cmp(a.1));
        let mut line = format!("sync-timing total={:.3}", started.elapsed().as_secs_f64());
        for (k, d) in phases {
            line.push_str(&format!(" {k}={:.3}", d.as_secs_f64()));
        }
        eprintln!("{line}");
    }
}

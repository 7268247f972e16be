//! Bulk loading of generated data (benchmarks, `dutydesk gen`), in one transaction with
//! prepared statements. Not used by the desk itself.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::visitors::keys_for;
use super::{Store, StoreError, ts};
use crate::domain::lists::Role;
use crate::synth::{self, Rng};

impl Store {
    /// Names the synthetic station and its officer if the file has none yet, then adds
    /// `visits` generated visits. What `dutydesk gen` and the benchmarks call.
    pub fn fill_synthetic(
        &mut self,
        visits: usize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let station = match self.station()? {
            Some(s) => s,
            None => self.create_station("合成数据站", now)?,
        };
        let officer = self.officer_or_add(&station, "值班员", Role::Cadre, "", now)?;
        self.set_current_officer(&officer)?;
        self.generate(&station.id, &officer.id, visits, seed, now)
    }

    /// Adds `visits` generated visits by about 0.6 × `visits` visitors, for `station_id`
    /// and `officer_id`, ending at `end`. Deterministic for `seed`.
    pub fn generate(
        &mut self,
        station_id: &str,
        officer_id: &str,
        visits: usize,
        seed: u64,
        end: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut rng = Rng::new(seed);
        let n_visitors = (visits * 3 / 5).max(1);
        let now = ts(end);
        // A big page cache for the fill (256 MB): the default 2 MB makes every B-tree
        // insert go back to the OS for its pages. Set back to the desk's default after.
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        let filled = self.fill(
            station_id, officer_id, visits, n_visitors, &mut rng, end, &now,
        );
        self.conn.pragma_update(None, "cache_size", -2_000)?;
        filled
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        station_id: &str,
        officer_id: &str,
        visits: usize,
        n_visitors: usize,
        rng: &mut Rng,
        end: DateTime<Utc>,
        now: &str,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        // Keys waiting on people's rows are filed before the fill marks all as filed.
        super::visitors::file_pending_keys(&tx)?;
        // Indexes are built once from sorted rows after the fill, and the search keys
        // (random positions in their B-tree) gathered first and inserted in key order:
        // growing them row by row was most of a million visits' generation time.
        // Unique indexes stay: they are constraints the fill relies on (one ID number, one
        // person). The per-day counts are recounted once at the end, not upserted a row.
        let mut rebuilt = drop_matching(
            &tx,
            "INDEX",
            "type = 'index' AND tbl_name IN ('visit', 'visitor', 'visitor_key')
               AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        )?;
        rebuilt.extend(drop_matching(
            &tx,
            "TRIGGER",
            "type = 'trigger' AND name LIKE 'visit_day_%'",
        )?);
        tx.execute_batch("CREATE TEMP TABLE gen_key(key TEXT NOT NULL, visitor_id TEXT NOT NULL)")?;
        {
            let mut ins_visitor = tx.prepare(
                "INSERT OR IGNORE INTO visitor(id, station_id, name, phone, id_number, gender, birth_date,
                   employer, occupation, occupation_note, hometown, membership, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', ?10, 'unknown', ?11, ?11)",
            )?;
            let mut ins_key = tx.prepare("INSERT INTO gen_key(key, visitor_id) VALUES (?1, ?2)")?;
            // Each visit records its visitor's group; kept here rather than looked up.
            let mut occupations = Vec::with_capacity(n_visitors);
            for i in 0..n_visitors {
                let v = synth::visitor(rng, i);
                occupations.push(v.occupation);
                let mut insert = |id_number: Option<&str>| {
                    ins_visitor.execute(params![
                        v.id,
                        station_id,
                        v.name,
                        v.phone,
                        id_number,
                        v.gender,
                        v.birth_date,
                        v.employer,
                        v.occupation,
                        v.hometown,
                        now
                    ])
                };
                let mut id_number = v.id_number.as_deref();
                if insert(id_number)? == 0 {
                    // A generated ID number collided: keep the visitor without one.
                    id_number = None;
                    insert(None)?;
                }
                for k in keys_for(&v.name, Some(&v.phone), id_number) {
                    ins_key.execute(params![k, v.id])?;
                }
            }
            let mut ins_visit = tx.prepare(
                "INSERT INTO visit(id, station_id, visitor_id, officer_id, channel, category, summary,
                   headcount, amount_owed_fen, urgency, visited_at, created_at, updated_at,
                   occupation, membership)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?11, ?12, 'unknown')",
            )?;
            for i in 0..visits {
                let v = synth::visit(rng, n_visitors, end);
                let at = ts(v.visited_at);
                ins_visit.execute(params![
                    format!("gen-visit-{i:09}"),
                    station_id,
                    format!("gen-visitor-{:08}", v.visitor),
                    officer_id,
                    v.channel,
                    v.category,
                    v.summary,
                    v.headcount,
                    v.amount_owed_fen,
                    v.urgency,
                    at,
                    occupations[v.visitor]
                ])?;
            }
        }
        tx.execute_batch(
            "INSERT OR IGNORE INTO visitor_key(key, visitor_id)
               SELECT key, visitor_id FROM gen_key ORDER BY key, visitor_id;
             DROP TABLE gen_key;",
        )?;
        super::visitors::mark_keys_filed(&tx)?;
        for sql in rebuilt {
            tx.execute_batch(&sql)?;
        }
        tx.execute_batch(
            "DELETE FROM visit_day;
             INSERT INTO visit_day (day, visits)
               SELECT date(visited_at, '+8 hours'), count(*) FROM visit GROUP BY 1;",
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Drops the schema objects (`kind`: INDEX or TRIGGER) that `filter` picks out of
/// sqlite_master and returns the SQL that makes them again.
pub(super) fn drop_matching(
    conn: &Connection,
    kind: &str,
    filter: &str,
) -> rusqlite::Result<Vec<String>> {
    let found: Vec<(String, String)> = conn
        .prepare(&format!(
            "SELECT name, sql FROM sqlite_master WHERE {filter}"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (name, sql) in found {
        conn.execute_batch(&format!("DROP {kind} \"{name}\""))?;
        out.push(sql);
    }
    Ok(out)
}

impl Store {
    /// Who the generated referrals go between: the directory's active services (load one
    /// first: `demo::ensure_directory`), the station, and four owners.
    fn synthetic_referral_parties(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<(Vec<super::Service>, super::Station, Vec<String>), StoreError> {
        use crate::domain::referral::ServiceStatus;

        let services: Vec<_> = self
            .services(None)?
            .into_iter()
            .filter(|s| s.status == ServiceStatus::Active)
            .collect();
        if services.is_empty() {
            return Err(StoreError::Rule(
                "no active service to refer to: load a directory first".into(),
            ));
        }
        let station = self
            .station()?
            .ok_or_else(|| StoreError::Rule("no station".into()))?;
        let mut owners = Vec::new();
        for name in ["值班员", "李梅", "王建国", "陈静"] {
            owners.push(
                self.officer_or_add(&station, name, Role::Cadre, "", now)?
                    .id,
            );
        }
        Ok((services, station, owners))
    }

    /// Adds `n` referrals on the newest visits: the newest tenth still open (some of them
    /// overdue by then), the rest closed with realistic outcomes or declined. Loads the demo
    /// directory first if the file has none. Deterministic for `seed`.
    pub fn fill_synthetic_referrals(
        &mut self,
        n: usize,
        seed: u64,
        now: DateTime<Utc>,
        config: &crate::config::Config,
    ) -> Result<(), StoreError> {
        use crate::domain::labels::Labeled;
        use crate::domain::lists::{Category, Urgency};
        use crate::domain::referral::{Outcome, OutcomeReason, ServiceKind};

        let (services, station, owners) = self.synthetic_referral_parties(now)?;
        let zone = crate::domain::clock::china_zone();
        let mut rng = Rng::new(seed ^ 0x5EED_4EF3);
        let tx = self.write_tx()?;
        {
            let mut visits = tx.prepare(
                "SELECT id, category, urgency, visited_at, headcount FROM visit
                 ORDER BY visited_at DESC LIMIT ?1",
            )?;
            let rows: Vec<(String, String, String, String, Option<i64>)> = visits
                .query_map([super::sql_limit(n)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut ins = tx.prepare(
                "INSERT INTO referral(id, station_id, visit_id, service_id, kind, owner_id, status,
                   consent, note, urgency, due_on, outcome, outcome_reason, wages_recovered_fen,
                   workers_covered, aid_paid_fen, placed_job, created_at, updated_at, closed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, '', ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                   ?16, ?16, ?17)",
            )?;
            let mut ev = tx.prepare(
                "INSERT INTO event(id, station_id, entity, entity_id, action, officer_id, at, detail)
                 VALUES (?1, ?2, 'referral', ?3, 'created', ?4, ?5, '{\"from\":\"\",\"to\":\"sent\",\"note\":\"\"}')",
            )?;
            for (i, (visit_id, category, urgency, at, headcount)) in rows.iter().enumerate() {
                let at = at.as_str();
                let category = Category::from_code(category).unwrap_or(Category::Other);
                let kind = synthetic_kind(category);
                let candidates: Vec<_> = services.iter().filter(|s| s.kind == kind).collect();
                let service = if candidates.is_empty() {
                    &services[rng.index(services.len())]
                } else {
                    candidates[rng.index(candidates.len())]
                };
                let urgency = Urgency::from_code(urgency).unwrap_or(Urgency::Normal);
                let open = i < n / 10;
                let visited = super::parse_ts(at).unwrap_or(now);
                // Open referrals were made in the last 25 days (some on older visits, as
                // re-referrals are): some are overdue, most are not yet.
                let made = if open {
                    visited.max(now - chrono::Duration::hours(rng.below_i64(25 * 24)))
                } else {
                    visited
                };
                let due = config.deadlines.due(
                    &config.calendar,
                    made.with_timezone(&zone).date_naive(),
                    service.deadline_rule,
                    urgency,
                );
                let roll = rng.below(100);
                let status = match (open, roll) {
                    (true, 0..=39) => "sent",
                    (true, 40..=69) => "accepted",
                    (true, _) => "in_progress",
                    (false, 0..=4) => "declined",
                    (false, _) => "closed",
                };
                let (outcome, reason) = match (status, rng.below(100)) {
                    ("closed", 0..=69) => (Some(Outcome::Resolved), None),
                    ("closed", 70..=84) => (Some(Outcome::Partly), None),
                    ("closed", _) => (
                        Some(Outcome::NotResolved),
                        Some(rng.pick(OutcomeReason::ALL)),
                    ),
                    _ => (None, None),
                };
                let resolved = matches!(outcome, Some(Outcome::Resolved | Outcome::Partly));
                let wages = (resolved && category == Category::WageArrears)
                    .then(|| (rng.below_i64(200) + 1) * 100_000);
                let aid = (resolved && kind == ServiceKind::Aid)
                    .then(|| (rng.below_i64(50) + 1) * 10_000);
                let placed = if resolved && kind == ServiceKind::Jobs {
                    "食品厂普工"
                } else {
                    ""
                };
                let closed_at = (status == "closed")
                    .then(|| ts(made + chrono::Duration::days(rng.below_i64(20) + 1)));
                let made_at = ts(made);
                let id = format!("gen-ref-{i:09}");
                let owner = &owners[i % owners.len()];
                ins.execute(params![
                    id,
                    station.id,
                    visit_id,
                    service.id,
                    kind.code(),
                    owner,
                    status,
                    urgency.code(),
                    due.format("%Y-%m-%d").to_string(),
                    outcome.map(|o| o.code()),
                    reason.map(|r| r.code()),
                    wages,
                    wages.and(*headcount),
                    aid,
                    placed,
                    made_at,
                    closed_at
                ])?;
                ev.execute(params![
                    format!("gen-ev-{i:09}"),
                    station.id,
                    id,
                    owner,
                    made_at
                ])?;
            }
        }
        // The referrals' history joins the audit chain, as the desk's own events do.
        super::events::chain_existing(&tx)?;
        tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// For `dutydesk gen` into a file with nothing in it yet: no journal and no waiting for
    /// the disk while it fills (in WAL mode a fill of a gigabyte is written twice, to the
    /// log and then into the file). A crash part-way leaves a file to delete, which for
    /// generated data is all it is. Refused for a file that already holds anything.
    pub fn begin_fast_fill(&self) -> Result<bool, StoreError> {
        let held: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM visit LIMIT 1))
                  + (SELECT count(*) FROM (SELECT 1 FROM job LIMIT 1))
                  + (SELECT count(*) FROM (SELECT 1 FROM referral LIMIT 1))",
            [],
            |r| r.get(0),
        )?;
        if held > 0 {
            return Ok(false);
        }
        self.conn.pragma_update(None, "journal_mode", "OFF")?;
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        Ok(true)
    }

    /// Back to the desk's journal and durable writes, the file synced.
    pub fn end_fast_fill(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        std::fs::File::open(self.path())
            .and_then(|f| f.sync_all())
            .map_err(|e| StoreError::Io {
                path: self.path().to_path_buf(),
                source: e,
            })?;
        Ok(())
    }

    /// Copies every opening of the database at `path` (made by the same migrations, as
    /// `dutydesk gen` does on its second core) into this one's empty job table: SQLite
    /// moves the records and index entries whole when the two tables match.
    pub fn copy_jobs_from(&self, path: &std::path::Path) -> Result<(), StoreError> {
        let path = path.to_string_lossy();
        self.conn
            .execute("ATTACH DATABASE ?1 AS gen_jobs", [path.as_ref()])?;
        let copied = self
            .conn
            .execute_batch("INSERT INTO main.job SELECT * FROM gen_jobs.job");
        self.conn.execute_batch("DETACH DATABASE gen_jobs")?;
        Ok(copied?)
    }

    /// Adds `n` generated job openings (80% open) posted over the last year, oldest first,
    /// in one transaction. Deterministic for `seed`.
    pub fn fill_synthetic_jobs(
        &mut self,
        n: usize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use crate::domain::job::WageUnit;
        use crate::domain::labels::Labeled;
        let mut rng = Rng::new(seed ^ 0x10B5);
        let t = ts(now);
        let today = now
            .with_timezone(&crate::domain::clock::china_zone())
            .date_naive();
        let tx = self.write_tx()?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO job(id, source_id, title, employer, district, wage_min, wage_max,
                   wage_unit, wage_month, benefits, employment_type, posted_on, valid_through,
                   status, source, created_at, updated_at)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'gen', ?14, ?14)",
            )?;
            for i in 0..n {
                let j = synth::job(&mut rng);
                let unit = WageUnit::from_code(j.unit).unwrap_or(WageUnit::Month);
                // Openings arrive as they are posted: rowid order is posting order, a few
                // days' disorder within it (as imports of a week's postings have).
                let days_ago = i64::try_from((n - 1 - i) as u64 * 365 / n as u64)
                    .expect("at most 365")
                    + j.posted_days_ago % 3;
                let posted = today - chrono::Duration::days(days_ago);
                let valid = posted + chrono::Duration::days(90);
                ins.execute(params![
                    format!("gen-job-{i:09}"),
                    j.title,
                    j.employer,
                    j.district,
                    j.wage_min,
                    j.wage_max,
                    j.unit,
                    unit.per_month(j.wage_max),
                    i64::from(j.benefits),
                    j.employment_type,
                    posted.format("%Y-%m-%d").to_string(),
                    valid.format("%Y-%m-%d").to_string(),
                    if j.open { "open" } else { "filled" },
                    t
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// The kind of service a generated referral for `category` goes to.
fn synthetic_kind(
    category: crate::domain::lists::Category,
) -> crate::domain::referral::ServiceKind {
    use crate::domain::lists::Category;
    use crate::domain::referral::ServiceKind;
    match category {
        Category::WageArrears | Category::Contract | Category::Injury | Category::Legal => {
            ServiceKind::Legal
        }
        Category::JobSeeking => ServiceKind::Jobs,
        Category::Hardship | Category::MedicalAid | Category::Education => ServiceKind::Aid,
        _ => ServiceKind::Agency,
    }
}

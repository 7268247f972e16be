//! Bulk loading of generated data (benchmarks, `dutydesk gen`), in one transaction with
//! prepared statements. Not used by the desk itself.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::visitors::write_keys;
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
        let officer = self.upsert_officer(&station, "值班员", Role::Cadre, "", now)?;
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
        let tx = self.conn.transaction()?;
        {
            let mut ins_visitor = tx.prepare(
                "INSERT OR IGNORE INTO visitor(id, station_id, name, phone, id_number, gender, birth_date,
                   employer, occupation, occupation_note, hometown, membership, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', ?10, 'unknown', ?11, ?11)",
            )?;
            for i in 0..n_visitors {
                let v = synth::visitor(&mut rng, i);
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
                write_keys(&tx, &v.id, &v.name, Some(&v.phone), id_number)?;
            }
            let mut ins_visit = tx.prepare(
                "INSERT INTO visit(id, station_id, visitor_id, officer_id, channel, category, summary,
                   headcount, amount_owed_fen, urgency, visited_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?11)",
            )?;
            for i in 0..visits {
                let v = synth::visit(&mut rng, n_visitors, end);
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
                    at
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

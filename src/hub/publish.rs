//! `dutydesk hub import directory|jobs PATH`: the county publishes its service directory
//! or its job openings (the same file formats as the desk's imports). Written as the county role, each row taking
//! the next revision (hub.next_rev), so desks receive it on their next sync.

use std::path::Path;

use anyhow::{Result, anyhow};

use super::client::said;
use crate::domain::labels::Labeled;
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Published {
    pub added: usize,
    pub updated: usize,
    /// Already published as they are: no new revision, no desk receives them again.
    pub unchanged: usize,
}

/// A file refused by its importer: every problem, one a line.
fn refused(errors: &[crate::import::FileError], lang: Lang) -> anyhow::Error {
    let lines: Vec<String> = errors.iter().map(|e| e.render(lang)).collect();
    anyhow!("{}", lines.join("\n"))
}

/// Publishing is the county's: the transaction takes its role, or says this login lacks it.
fn as_county(tx: &mut postgres::Transaction, what: crate::words::Said) -> Result<()> {
    tx.batch_execute("SET LOCAL ROLE dutydesk_county")
        .map_err(|e| {
            anyhow!(
                crate::words::Said::new("hub.err.not_county")
                    .with_said("what", what)
                    .with("error", said(&e))
            )
        })
}

pub fn directory(client: &mut postgres::Client, path: &Path, lang: Lang) -> Result<Published> {
    let parsed = crate::import::directory::load(path).map_err(|e| refused(&e, lang))?;
    let mut tx = client.transaction()?;
    as_county(&mut tx, crate::words::Said::new("hub.what.directory"))?;
    let now = crate::store::ts(chrono::Utc::now());
    let mut done = Published::default();
    for s in &parsed.services {
        // A row from the same source is updated in place; otherwise a new one.
        let existing: Option<String> = match &s.source_id {
            Some(src) => tx
                .query_opt("SELECT id FROM hub.service WHERE source_id = $1", &[src])?
                .map(|r| r.get(0)),
            None => tx
                .query_opt(
                    "SELECT id FROM hub.service WHERE source_id IS NULL AND name = $1 AND kind = $2",
                    &[&s.name, &s.kind.code()],
                )?
                .map(|r| r.get(0)),
        };
        let id = existing.clone().unwrap_or_else(crate::store::new_id);
        let checked = s.checked_on.map(|d| d.format("%Y-%m-%d").to_string());
        let n = tx
            .execute(
                "INSERT INTO hub.service (id, rev, source_id, kind, deadline_rule, name, provider,
                 description, eligibility, documents, contact, address, hours, status, checked_on,
                 created_at, updated_at)
             VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
             ON CONFLICT (id) DO UPDATE SET source_id = EXCLUDED.source_id, kind = EXCLUDED.kind,
                 deadline_rule = EXCLUDED.deadline_rule, name = EXCLUDED.name,
                 provider = EXCLUDED.provider, description = EXCLUDED.description,
                 eligibility = EXCLUDED.eligibility, documents = EXCLUDED.documents,
                 contact = EXCLUDED.contact, address = EXCLUDED.address, hours = EXCLUDED.hours,
                 status = EXCLUDED.status, checked_on = EXCLUDED.checked_on,
                 updated_at = EXCLUDED.updated_at
             WHERE (hub.service.source_id, hub.service.kind, hub.service.deadline_rule,
                    hub.service.name, hub.service.provider, hub.service.description,
                    hub.service.eligibility, hub.service.documents, hub.service.contact,
                    hub.service.address, hub.service.hours, hub.service.status,
                    hub.service.checked_on)
                   IS DISTINCT FROM
                   (EXCLUDED.source_id, EXCLUDED.kind, EXCLUDED.deadline_rule, EXCLUDED.name,
                    EXCLUDED.provider, EXCLUDED.description, EXCLUDED.eligibility,
                    EXCLUDED.documents, EXCLUDED.contact, EXCLUDED.address, EXCLUDED.hours,
                    EXCLUDED.status, EXCLUDED.checked_on)",
                &[
                    &id,
                    &s.source_id,
                    &s.kind.code(),
                    &s.deadline_rule.code(),
                    &s.name,
                    &s.provider,
                    &s.description,
                    &s.eligibility,
                    &s.documents,
                    &s.contact,
                    &s.address,
                    &s.hours,
                    &s.status.code(),
                    &checked,
                    &now,
                ],
            )
            .map_err(|e| {
                anyhow!(
                    crate::words::Said::new("hub.err.refused_item")
                        .with("name", &s.name)
                        .with("error", said(&e))
                )
            })?;
        match (existing.is_some(), n) {
            (false, _) => done.added += 1,
            (true, 0) => done.unchanged += 1,
            (true, _) => done.updated += 1,
        }
    }
    tx.commit()?;
    Ok(done)
}

/// `dutydesk hub import jobs FILE`: the county publishes job openings (the desk's formats:
/// CSV, JSON-LD, a feed). Updated by the file's id for an opening (by title and employer
/// when it has none); an opening published as it already is takes no new revision.
pub fn jobs(client: &mut postgres::Client, path: &Path, lang: Lang) -> Result<Published> {
    use crate::store::{JOB_INT_COLUMNS, JOB_ROW_COLUMNS, job_values};
    use postgres::types::ToSql;
    use rusqlite::types::Value;
    let parsed = crate::import::jobs::load(path).map_err(|e| refused(&e, lang))?;
    let mut tx = client.transaction()?;
    as_county(&mut tx, crate::words::Said::new("hub.what.jobs"))?;
    let cols = JOB_ROW_COLUMNS.join(", ");
    let marks: Vec<String> = (1..=JOB_ROW_COLUMNS.len())
        .map(|i| format!("${i}"))
        .collect();
    // Every column but the id and the first publication's time; compared without the
    // time of this one.
    let changing: Vec<&str> = JOB_ROW_COLUMNS
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "id" | "created_at"))
        .collect();
    let compared: Vec<&str> = changing
        .iter()
        .copied()
        .filter(|c| *c != "updated_at")
        .collect();
    let sets: Vec<String> = changing
        .iter()
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    let held: Vec<String> = compared.iter().map(|c| format!("hub.job.{c}")).collect();
    let given: Vec<String> = compared.iter().map(|c| format!("EXCLUDED.{c}")).collect();
    let upsert = tx.prepare(&format!(
        "INSERT INTO hub.job (rev, {cols}) VALUES (0, {})
         ON CONFLICT (id) DO UPDATE SET {}
         WHERE ({}) IS DISTINCT FROM ({})",
        marks.join(", "),
        sets.join(", "),
        held.join(", "),
        given.join(", ")
    ))?;
    let now = chrono::Utc::now();
    let mut done = Published::default();
    for j in &parsed {
        let existing: Option<String> = match &j.source_id {
            Some(src) => tx
                .query_opt("SELECT id FROM hub.job WHERE source_id = $1", &[src])?
                .map(|r| r.get(0)),
            None => tx
                .query_opt(
                    "SELECT id FROM hub.job WHERE source_id IS NULL AND title = $1 AND employer = $2",
                    &[&j.title, &j.employer],
                )?
                .map(|r| r.get(0)),
        };
        let id = existing.clone().unwrap_or_else(crate::store::new_id);
        let values = job_values(&id, j, now);
        let params: Vec<Box<dyn ToSql + Sync>> = JOB_ROW_COLUMNS
            .iter()
            .zip(values)
            .map(|(c, v)| -> Box<dyn ToSql + Sync> {
                match v {
                    Value::Integer(i) => Box::new(i),
                    Value::Text(s) => Box::new(s),
                    _ if JOB_INT_COLUMNS.contains(c) => Box::new(None::<i64>),
                    _ => Box::new(None::<String>),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(AsRef::as_ref).collect();
        let n = tx.execute(&upsert, &refs).map_err(|e| {
            anyhow!(
                crate::words::Said::new("hub.err.refused_item")
                    .with("name", &j.title)
                    .with("error", said(&e))
            )
        })?;
        match (existing.is_some(), n) {
            (false, _) => done.added += 1,
            (true, 0) => done.unchanged += 1,
            (true, _) => done.updated += 1,
        }
    }
    tx.commit()?;
    Ok(done)
}

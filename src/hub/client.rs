//! Reaching the hub: a libpq connection string (`postgresql://…` or `host=… dbname=…`),
//! TLS with rustls (ring) when a CA is given, the hub's schema migrations, and the
//! enrolment file a station's desk joins with.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

/// Each entry brings the hub schema from version i to i+1. Append; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_rollup_month.sql"),
    include_str!("migrations/0003_seal_conflict.sql"),
    include_str!("migrations/0004_visit_key.sql"),
    include_str!("migrations/0005_refresh_stats.sql"),
    include_str!("migrations/0006_seen_elsewhere.sql"),
    include_str!("migrations/0007_new_desk_columns.sql"),
    include_str!("migrations/0008_county_jobs.sql"),
    include_str!("migrations/0009_station_transfers.sql"),
    include_str!("migrations/0010_log_lines_without_names.sql"),
];

#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)] // a handful of migrations
pub const HUB_SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Opens a connection to `url`, as `user`/`password` when given (a station's login),
/// over TLS verified against `ca_pem` when one is given.
pub fn connect(
    url: &str,
    login: Option<(&str, &str)>,
    ca_pem: Option<&str>,
) -> Result<postgres::Client> {
    let mut config: postgres::Config = url.parse().map_err(|e| {
        anyhow!(
            crate::words::Said::new("hub.err.bad_url")
                .with("error", e)
                .with("url", url)
        )
    })?;
    if let Some((user, password)) = login {
        config.user(user);
        config.password(password);
    }
    config.application_name("dutydesk");
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(15));
    }
    let client = match ca_pem {
        Some(pem) => {
            use rustls::pki_types::{CertificateDer, pem::PemObject};
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
                roots
                    .add(cert.context("the hub's CA is not a PEM certificate")?)
                    .context("the hub's CA certificate was refused")?;
            }
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls))
        }
        None => config.connect(postgres::NoTls),
    };
    client.map_err(|e| {
        anyhow!(crate::words::Said::new("hub.err.unreachable").with("error", said(&e)))
    })
}

/// A PostgreSQL error as one line: the server's message when it sent one.
pub fn said(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// Creates or brings up to date the hub schema. Returns (version before, version after).
pub fn migrate(client: &mut postgres::Client) -> Result<(i32, i32)> {
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS hub;
         CREATE TABLE IF NOT EXISTS hub.schema_version (
             version     integer PRIMARY KEY,
             applied_at  timestamptz NOT NULL DEFAULT now()
         );
         LOCK TABLE hub.schema_version IN EXCLUSIVE MODE;",
    )
    .map_err(|e| {
        anyhow!(crate::words::Said::new("hub.err.schema_not_created").with("error", said(&e)))
    })?;
    let before: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM hub.schema_version",
            &[],
        )?
        .get(0);
    if before > HUB_SCHEMA_VERSION {
        bail!(
            crate::words::Said::new("hub.err.newer_schema")
                .with("found", before)
                .with("known", HUB_SCHEMA_VERSION)
        );
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(before).unwrap_or(usize::MAX))
    {
        tx.batch_execute(sql).map_err(|e| {
            anyhow!(
                crate::words::Said::new("hub.err.migration_failed")
                    .with("n", i + 1)
                    .with("error", said(&e))
            )
        })?;
        tx.execute(
            "INSERT INTO hub.schema_version (version) VALUES ($1)",
            &[&i32::try_from(i + 1)?],
        )?;
    }
    // The county key for keyed hashes, made once.
    let keys: i64 = tx
        .query_one("SELECT count(*) FROM hub.county_key", &[])?
        .get(0);
    if keys == 0 {
        let key = super::keyed::encode_hex(&super::keyed::random_bytes(32)?);
        tx.execute(
            "INSERT INTO hub.county_key (key_id, key_hex) VALUES ('k1', $1)",
            &[&key],
        )?;
    }
    tx.commit()?;
    Ok((before, HUB_SCHEMA_VERSION))
}

/// The enrolment file: everything a desk needs to join, readable by its owner only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credentials {
    /// The hub's address (libpq connection string), without the station's login.
    pub hub: String,
    pub station: String,
    pub station_id: String,
    pub role: String,
    pub password: String,
    pub key_id: String,
    pub county_key: String,
    /// The hub's CA certificate (PEM), when the hub is reached over TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca: Option<String>,
}

impl Credentials {
    pub fn read(path: &Path) -> Result<Credentials> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the enrolment file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            anyhow!(
                crate::words::Said::new("hub.err.not_enrolment")
                    .with("path", path.display())
                    .with("error", e)
            )
        })
    }

    /// Written 0600, never over an existing file.
    pub fn write_new(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).with_context(|| {
            format!(
                "cannot write {} (an existing file is never replaced)",
                path.display()
            )
        })?;
        let text = format!(
            "# dutydesk enrolment for the station {:?}: its hub login and the county key.\n\
             # Keep it secret; give it to `dutydesk sync --join FILE` once, then delete it.\n{}",
            self.station,
            toml::to_string(self)?
        );
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        Ok(())
    }
}

/// Enrols a station: its own login role (a random name and password) in the station
/// group, its row, its login's row. Run as the hub's owner.
pub fn enroll(client: &mut postgres::Client, url: &str, station: &str) -> Result<Credentials> {
    let station = station.trim();
    if station.is_empty() {
        bail!(crate::words::Said::new("hub.err.station_name"));
    }
    let rand = |n| super::keyed::random_bytes(n).map(|b| super::keyed::encode_hex(&b));
    let role = format!("dds_{}", rand(8)?);
    let password = rand(24)?;
    let station_id = crate::store::new_id();
    let mut tx = client.transaction()?;
    let taken: i64 = tx
        .query_one(
            "SELECT count(*) FROM hub.station WHERE name = $1",
            &[&station],
        )
        .map_err(|e| {
            anyhow!(crate::words::Said::new("hub.err.not_set_up").with("error", said(&e)))
        })?
        .get(0);
    if taken > 0 {
        bail!(crate::words::Said::new("hub.err.already_enrolled").with("station", station));
    }
    // Role name and password are our own hex: nothing from the user goes into this DDL.
    tx.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE dutydesk_station"
    ))
    .map_err(|e| {
        anyhow!(crate::words::Said::new("hub.err.create_login").with("error", said(&e)))
    })?;
    tx.execute(
        "INSERT INTO hub.station (station_id, name) VALUES ($1, $2)",
        &[&station_id, &station],
    )?;
    tx.execute(
        "INSERT INTO hub.station_login (login, station_id) VALUES ($1::text::name, $2)",
        &[&role, &station_id],
    )?;
    let key = tx.query_one(
        "SELECT key_id, key_hex FROM hub.county_key ORDER BY created_at DESC, key_id DESC LIMIT 1",
        &[],
    )?;
    tx.commit()?;
    Ok(Credentials {
        hub: without_login(url),
        station: station.to_string(),
        station_id,
        role,
        password,
        key_id: key.get(0),
        county_key: key.get(1),
        ca: None,
    })
}

/// The hub's address as a desk is given it: the county's own user and password taken
/// out (the desk logs in as its station).
pub fn without_login(url: &str) -> String {
    let url = url.trim();
    if let Some(rest) = url
        .strip_prefix("postgresql://")
        .map(|r| ("postgresql://", r))
        .or_else(|| url.strip_prefix("postgres://").map(|r| ("postgres://", r)))
    {
        let (scheme, rest) = rest;
        let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let tail = tail.split_once('?').map_or_else(
            || tail.to_string(),
            |(path, query)| {
                let kept: Vec<&str> = query
                    .split('&')
                    .filter(|kv| !kv.starts_with("user=") && !kv.starts_with("password="))
                    .collect();
                if kept.is_empty() {
                    path.to_string()
                } else {
                    format!("{path}?{}", kept.join("&"))
                }
            },
        );
        return format!("{scheme}{host}{tail}");
    }
    url.split_whitespace()
        .filter(|kv| !kv.starts_with("user=") && !kv.starts_with("password="))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::without_login;

    #[test]
    fn the_countys_login_never_goes_into_an_enrolment_file() {
        assert_eq!(
            without_login("postgresql://county:secret@hub.example:5432/county?sslmode=require"),
            "postgresql://hub.example:5432/county?sslmode=require"
        );
        assert_eq!(
            without_login("postgres://county@hub.example/county?user=x&password=y&sslmode=require"),
            "postgres://hub.example/county?sslmode=require"
        );
        assert_eq!(
            without_login("host=hub.example user=county password=secret dbname=county"),
            "host=hub.example dbname=county"
        );
        assert_eq!(
            without_login("postgresql://hub.example/county"),
            "postgresql://hub.example/county"
        );
    }
}

//! The hub's commands: `dutydesk hub init|enroll|report` (the county's side) and
//! `dutydesk sync` (the desk's). `src/cli.rs` only routes to these.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::client::{Credentials, connect, enroll, migrate};
use super::report::HubFormat;
use crate::i18n::Lang;
use crate::store::Store;

/// How the county's commands reach the hub.
#[derive(Args, Debug, Clone)]
pub struct HubConn {
    /// The hub: a libpq connection string (postgresql://… or "host=… dbname=…")
    #[arg(long = "hub", env = "DUTYDESK_HUB", value_name = "URL")]
    pub url: String,
    /// The hub's CA certificate (PEM): the connection is made over TLS and the server's
    /// certificate checked against it; `hub enroll` puts it in the enrolment file
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
}

impl HubConn {
    fn ca_pem(&self) -> Result<Option<String>> {
        self.ca
            .as_ref()
            .map(|p| {
                std::fs::read_to_string(p)
                    .map_err(|e| anyhow!("cannot read the CA file {}: {e}", p.display()))
            })
            .transpose()
    }

    fn connect(&self) -> Result<postgres::Client> {
        connect(&self.url, None, self.ca_pem()?.as_deref())
    }
}

#[derive(Subcommand, Debug)]
pub enum HubCmd {
    /// Create or upgrade the hub's schema in a PostgreSQL database (15+), as its owner
    Init {
        #[command(flatten)]
        hub: HubConn,
    },
    /// Enrol a station: its own login at the hub, written with the county key to FILE (0600)
    Enroll {
        #[command(flatten)]
        hub: HubConn,
        /// The station's name, as the county's reports show it
        #[arg(long)]
        station: String,
        /// The enrolment file to write (never over an existing one); give it to the desk's
        /// `dutydesk sync --join FILE`
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// The stations' seals as the hub keeps them: sealed records a desk changed after
    /// sending them (kept out), breaks in a seal chain; exits non-zero on any
    Check {
        #[command(flatten)]
        hub: HubConn,
    },
    /// Publish reference data to every desk (received on their next sync)
    #[command(subcommand)]
    Import(HubImportCmd),
    /// The county's report for a period from every station's synced records (or one station's)
    Report {
        #[command(flatten)]
        hub: HubConn,
        /// First day of the period (YYYY-MM-DD)
        #[arg(long)]
        from: NaiveDate,
        /// Last day of the period (included)
        #[arg(long)]
        to: NaiveDate,
        /// Only this station
        #[arg(long, value_name = "NAME")]
        station: Option<String>,
        #[arg(long, value_enum, default_value_t = HubFormat::Md)]
        format: HubFormat,
        /// List the stations that have not synced for this many days
        #[arg(long, default_value_t = 7, value_name = "N")]
        stale_days: i64,
        /// Write to this file [default: print; xlsx needs a file]
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace FILE if it exists (never a link, a device or a folder)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum HubImportCmd {
    /// The county's service directory: the desk's formats (our CSV, an HSDS data package,
    /// HSDS 3.0 JSON); a re-import updates by id and leaves unchanged services as they are
    Directory {
        /// CSV file, HSDS folder, or .json file
        path: PathBuf,
        #[command(flatten)]
        hub: HubConn,
    },
    /// The county's job openings: the desk's formats (CSV, JSON-LD); a re-import updates by
    /// the file's id and leaves unchanged openings as they are. Desks receive them on their
    /// next sync, read-only there
    Jobs {
        /// CSV or JSON-LD file
        file: PathBuf,
        #[command(flatten)]
        hub: HubConn,
    },
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Join the county hub with the station's enrolment file (once per desk file)
    #[arg(long, value_name = "FILE")]
    pub join: Option<PathBuf>,
    /// This file was restored from a backup: start a new epoch and send all its records again
    #[arg(long)]
    pub reenroll: bool,
    /// Send nothing: compare each table's rows and checksum with the hub's copy (exit 1 if
    /// any differs)
    #[arg(long, conflicts_with_all = ["join", "reenroll"])]
    pub verify: bool,
    /// Changes per hub transaction
    #[arg(long, hide = true, env = "DUTYDESK_SYNC_BATCH", default_value_t = super::sync::DEFAULT_BATCH)]
    pub batch: usize,
}

pub fn run_hub(cmd: HubCmd, lang: Lang) -> Result<()> {
    match cmd {
        HubCmd::Init { hub } => {
            let mut client = hub.connect()?;
            let (before, after) = migrate(&mut client)?;
            println!(
                "{}",
                match (lang, before == after) {
                    (Lang::Zh, true) => format!("县级汇总库已是第 {after} 版,无需改动"),
                    (Lang::Zh, false) =>
                        format!("县级汇总库已建好(第 {before} 版 → 第 {after} 版)"),
                    (Lang::En, true) =>
                        format!("the hub's schema is at version {after}; nothing to do"),
                    (Lang::En, false) =>
                        format!("the hub's schema is ready (version {before} → {after})"),
                }
            );
            Ok(())
        }
        HubCmd::Enroll {
            hub,
            station,
            output,
        } => enroll_station(&hub, &station, &output, lang),
        HubCmd::Check { hub } => check_hub(&hub, lang),
        HubCmd::Import(HubImportCmd::Directory { path, hub }) => {
            let mut client = hub.connect()?;
            let done = super::publish::directory(&mut client, &path, lang)?;
            let (zh, en) = (("服务目录", "条"), ("directory", "it"));
            println!("{}", published(&done, zh, en, lang));
            Ok(())
        }
        HubCmd::Import(HubImportCmd::Jobs { file, hub }) => {
            let mut client = hub.connect()?;
            let done = super::publish::jobs(&mut client, &file, lang)?;
            let (zh, en) = (("岗位", "个"), ("job openings", "them"));
            println!("{}", published(&done, zh, en, lang));
            Ok(())
        }
        HubCmd::Report {
            hub,
            from,
            to,
            station,
            format,
            stale_days,
            output,
            force,
        } => {
            let mut client = hub.connect()?;
            let args = super::report::Args {
                from,
                to,
                station,
                format,
                stale_days,
                lang,
                output: output.clone(),
                force,
            };
            super::report::export(&mut client, &args, chrono::Utc::now())?;
            if let Some(path) = &output {
                eprintln!("{}", crate::outfile::written(path, lang));
            }
            Ok(())
        }
    }
}

/// `hub enroll`: a station's own login at the hub, its credentials written to `output`
/// (never over another file).
fn enroll_station(hub: &HubConn, station: &str, output: &Path, lang: Lang) -> Result<()> {
    if output.exists() {
        bail!(
            "{} exists: an enrolment file is never written over another; nothing done",
            output.display()
        );
    }
    let mut client = hub.connect()?;
    let mut creds = enroll(&mut client, &hub.url, station)?;
    creds.ca = hub.ca_pem()?;
    if let Err(e) = creds.write_new(output) {
        // The login exists but its file could not be written: say so plainly.
        bail!(
            "the station {station:?} was enrolled as {}, but its file was not written: {e:#}",
            creds.role
        );
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已为「{station}」开通登录 {},凭据写入 {}(仅本人可读)",
                creds.role,
                output.display()
            ),
            Lang::En => format!(
                "enrolled {station:?} as {}; credentials written to {} (owner only)",
                creds.role,
                output.display()
            ),
        }
    );
    Ok(())
}

/// `hub check`: every sealed record the hub holds against its seal chain; fails when a
/// station changed one after sending it.
fn check_hub(hub: &HubConn, lang: Lang) -> Result<()> {
    use super::check::Finding;
    let mut client = hub.connect()?;
    let (sealed, found) = super::check::check(&mut client)?;
    let safe = |s: &str| crate::report::safe::terminal(s, false).into_owned();
    for f in &found {
        let line = match (f, lang) {
            (
                Finding::Rewritten {
                    station,
                    table,
                    row,
                    shift,
                    deleted,
                    seen_at,
                },
                _,
            ) => format!(
                "{}: {} {table} {row}{} ({} {})",
                safe(station),
                if *deleted {
                    lang.pick("封存后被删除:", "deleted after sealing:")
                } else {
                    lang.pick("封存后被改动:", "changed after sealing:")
                },
                shift
                    .as_deref()
                    .map(|s| format!(" [shift {s}]"))
                    .unwrap_or_default(),
                lang.pick("发现于", "seen"),
                seen_at
                    .with_timezone(&crate::domain::clock::china_zone())
                    .format("%Y-%m-%d %H:%M"),
            ),
            (Finding::ChainBreak { station, seq }, Lang::Zh) => {
                format!("{}: 封存链在第 {seq} 环前断开", safe(station))
            }
            (Finding::ChainBreak { station, seq }, Lang::En) => {
                format!("{}: seal chain broken before link {seq}", safe(station))
            }
            (Finding::Unchained { station, shift }, Lang::Zh) => {
                format!("{}: 已签结班次不在封存链上 {shift}", safe(station))
            }
            (Finding::Unchained { station, shift }, Lang::En) => {
                format!(
                    "{}: signed-off shift not in the seal chain {shift}",
                    safe(station)
                )
            }
        };
        println!("{}", safe(&line));
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "汇总库保存已签结班次 {sealed} 个,发现问题 {} 处",
                found.len()
            ),
            Lang::En => format!(
                "{sealed} signed-off shifts held at the hub; {} problems",
                found.len()
            ),
        }
    );
    if found.is_empty() {
        Ok(())
    } else {
        bail!(
            "{}",
            lang.pick(
                "有服务站在同步后改动了已封存的记录",
                "a station changed sealed records after sending them"
            )
        )
    }
}

pub fn run_sync(db: &Path, args: &SyncArgs, lang: Lang) -> Result<()> {
    if !db.exists() {
        bail!(
            "{}",
            match lang {
                Lang::Zh => format!("{} 不存在", db.display()),
                Lang::En => format!("{} does not exist", db.display()),
            }
        );
    }
    let mut store = Store::open(db).map_err(|e| anyhow!(e.message(lang)))?;
    if let Some(file) = &args.join {
        let creds = Credentials::read(file)?;
        super::sync::join(&mut store, &creds)?;
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("本台已加入县级汇总库,站名「{}」", creds.station),
                Lang::En => format!(
                    "this desk joined the hub as the station {:?}",
                    creds.station
                ),
            }
        );
    }
    if args.verify {
        return verify(&store, lang);
    }
    let mut last_said = std::time::Instant::now();
    let mut said_progress = false;
    let mut progress = |sent: usize, left: i64| {
        // A long first sync says how far it is, on stderr, every 2 seconds or so.
        if left > 0 && last_said.elapsed().as_secs() >= 2 {
            last_said = std::time::Instant::now();
            said_progress = true;
            eprint!("\r{sent} … {left}   ");
        }
    };
    let opts = super::sync::Options {
        batch: args.batch,
        reenroll: args.reenroll,
    };
    let out = super::sync::sync(&mut store, opts, &mut progress)?;
    if said_progress {
        eprintln!();
    }
    if out.sealed_kept > 0 {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "注意:{} 条已封存的记录在本台被改动过,汇总库保留了原样(dutydesk hub check 可列出)",
                    out.sealed_kept
                ),
                Lang::En => format!(
                    "note: {} sealed records were changed at this desk after sealing; the hub kept them as first received (dutydesk hub check lists them)",
                    out.sealed_kept
                ),
            }
        );
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已发送 {} 项改动({} 行,{} 批);{};汇总库已收至第 {} 项(第 {} 轮)",
                out.changes,
                out.rows,
                out.batches,
                out.received_said(lang),
                out.cursor,
                out.epoch
            ),
            Lang::En => format!(
                "sent {} changes ({} rows) in {} batches; {}; the hub holds changes up to {} (epoch {})",
                out.changes,
                out.rows,
                out.batches,
                out.received_said(lang),
                out.cursor,
                out.epoch
            ),
        }
    );
    if let Some(waiting) = out.waiting_said(lang) {
        println!("{waiting}");
    }
    Ok(())
}

fn verify(store: &Store, lang: Lang) -> Result<()> {
    let v = super::sync::verify(store)?;
    let (same, differs) = (lang.pick("一致", "same"), lang.pick("不一致", "DIFFERS"));
    println!(
        "{:<14} {:>10} {:>10}  {:>16} {:>16}",
        lang.pick("表", "table"),
        lang.pick("本台行数", "desk rows"),
        lang.pick("汇总库行数", "hub rows"),
        lang.pick("本台校验和", "desk checksum"),
        lang.pick("汇总库校验和", "hub checksum"),
    );
    for t in &v.tables {
        println!(
            "{:<14} {:>10} {:>10}  {:016x} {:016x}  {}",
            t.table,
            t.desk_rows,
            t.hub_rows,
            t.desk_sum,
            t.hub_sum,
            if t.same() { same } else { differs }
        );
    }
    if v.unsent > 0 {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!("尚有 {} 项改动未发送(先运行 dutydesk sync)", v.unsent),
                Lang::En => format!(
                    "{} changes not sent yet (run dutydesk sync first)",
                    v.unsent
                ),
            }
        );
    }
    if v.tables.iter().all(|t| t.same()) {
        Ok(())
    } else {
        bail!(
            "{}",
            lang.pick(
                "本台与县级汇总库的记录不一致",
                "the desk and the hub do not hold the same records"
            )
        )
    }
}

#[derive(Args, Debug)]
pub struct ElsewhereArgs {
    /// The person's ID number (sent only as a keyed hash)
    #[arg(long, value_name = "NUMBER", default_value = "")]
    pub id_number: String,
    /// The person's phone (sent only as a keyed hash)
    #[arg(long, value_name = "PHONE", default_value = "")]
    pub phone: String,
}

/// `dutydesk elsewhere`: has this person been seen at other stations (from the hub)?
pub fn run_elsewhere(db: &Path, args: &ElsewhereArgs, lang: Lang) -> Result<()> {
    if !db.exists() {
        bail!("{} does not exist", db.display());
    }
    let store = Store::open(db).map_err(|e| anyhow!(e.message(lang)))?;
    let seen = super::sync::seen_elsewhere(&store, &args.id_number, &args.phone)?;
    let kinds: Vec<String> = seen
        .open_kinds
        .iter()
        .map(|k| {
            use crate::domain::labels::Labeled;
            crate::domain::referral::ServiceKind::from_code(k).map_or_else(
                || crate::report::safe::terminal(k, false).into_owned(),
                |k| k.label(lang).to_string(),
            )
        })
        .collect();
    let last = seen
        .last_visit
        .map_or_else(|| "-".into(), |d| d.to_string());
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "其他服务站:{} 个,来访 {} 次,最近 {};未办结转介 {} 件{}",
                seen.stations,
                seen.visits,
                last,
                seen.open_referrals,
                if kinds.is_empty() {
                    String::new()
                } else {
                    format!("({})", kinds.join("、"))
                }
            ),
            Lang::En => format!(
                "other stations: {}, visits: {}, last: {}; open referrals: {}{}",
                seen.stations,
                seen.visits,
                last,
                seen.open_referrals,
                if kinds.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", kinds.join(", "))
                }
            ),
        }
    );
    Ok(())
}

/// The lines `dutydesk check` adds on a desk joined to a hub: its seals beside the hub's
/// anchored copies, or plainly why they could not be compared. False when they differ
/// (an unreachable hub or an unjoined desk is said, not failed).
pub fn print_anchors(anchors: &super::check::Anchors, lang: Lang) -> bool {
    use super::check::Anchors;
    let safe = |s: &str| crate::report::safe::terminal(s, false).into_owned();
    let title = lang.pick("县级汇总库存证", "seals anchored at the county hub");
    match anchors {
        Anchors::NotJoined => {
            println!(
                "  {title}: {}",
                lang.pick(
                    "未接入汇总库,无从比对",
                    "not compared: this desk has not joined a hub"
                )
            );
            true
        }
        Anchors::Unreachable(why) => {
            println!(
                "  {title}: {} ({})",
                lang.pick(
                    "未比对:汇总库连不上或未应答",
                    "not compared: the hub could not be reached"
                ),
                safe(why)
            );
            true
        }
        Anchors::Compared(c) => {
            let (ok, bad) = (lang.pick("正常", "ok"), lang.pick("有问题", "PROBLEM"));
            println!(
                "  {title}: {} ({})",
                match lang {
                    Lang::Zh => format!(
                        "汇总库存证已签结班次 {} 个,尚未同步 {} 个",
                        c.anchored, c.not_yet_sent
                    ),
                    Lang::En => format!(
                        "{} signed-off shifts anchored, {} not yet synced",
                        c.anchored, c.not_yet_sent
                    ),
                },
                if c.same() { ok } else { bad }
            );
            for id in &c.seal_differs {
                println!(
                    "    {} {}",
                    lang.pick(
                        "封存与汇总库存证不同:",
                        "seal differs from the hub's anchored copy:"
                    ),
                    safe(id)
                );
            }
            for id in &c.missing {
                println!(
                    "    {} {}",
                    lang.pick(
                        "汇总库存证的班次在本机已不存在:",
                        "anchored shift gone from this desk:"
                    ),
                    safe(id)
                );
            }
            for seq in &c.chain_differs {
                println!(
                    "    {}",
                    match lang {
                        Lang::Zh => format!("封存链第 {seq} 环与汇总库存证不同"),
                        Lang::En =>
                            format!("seal chain link differs from the hub's anchored copy: {seq}"),
                    }
                );
            }
            if c.rewrites_caught > 0 {
                println!(
                    "    {}",
                    match lang {
                        Lang::Zh => format!(
                            "汇总库拒收了本站封存后被改动的记录 {} 条(dutydesk hub check 列出)",
                            c.rewrites_caught
                        ),
                        Lang::En => format!(
                            "the hub kept out {} records of this station changed after sealing (dutydesk hub check lists them)",
                            c.rewrites_caught
                        ),
                    }
                );
            }
            c.same()
        }
    }
}

/// What a publish did, said once for the directory and the job openings: `zh` is (what,
/// its measure word), `en` is (what, how the sentence refers back to it).
fn published(
    done: &super::publish::Published,
    zh: (&str, &str),
    en: (&str, &str),
    lang: Lang,
) -> String {
    let (added, updated, unchanged) = (done.added, done.updated, done.unchanged);
    match lang {
        Lang::Zh => {
            let (what, unit) = zh;
            format!(
                "{what}已发布:新增 {added} {unit},更新 {updated} {unit},未变 {unchanged} {unit};各站下次同步时收到"
            )
        }
        Lang::En => {
            let (what, it) = en;
            format!(
                "{what} published: {added} added, {updated} updated, {unchanged} unchanged; desks receive {it} on their next sync"
            )
        }
    }
}

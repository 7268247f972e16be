//! The command line: `dutydesk [--db PATH] [--lang zh|en] [--keymap FILE] [--demo]` opens
//! the desk; subcommands do the rest headless, for station scripts.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use crossterm::event::{self, Event};

use crate::app::{App, Clock, china_zone};
use crate::i18n::Lang;
use crate::import;
use crate::keymap::Keymap;
use crate::report::{Format, ReportFormat};
use crate::store::Store;
use crate::terminal::TerminalGuard;
use chrono::NaiveDate;

#[derive(Parser, Debug)]
#[command(
    name = "dutydesk",
    version,
    about = "职工服务站值班台 — the duty desk of a trade-union worker service station",
    long_about = "职工服务站值班台 — the duty desk of a trade-union worker service station.\n\n\
        Take visitors, route referrals and keep the daily log, on a local SQLite file.\n\
        Run with no command to open the desk. First run asks for the station's name and\n\
        the officer on duty. Press F1 inside for every key.",
    after_help = "Examples:\n  dutydesk --demo                      try it on a demo database\n  \
        dutydesk --db /srv/desk/station.db    open the station's database\n  \
        dutydesk import visits 台账.csv       bring in an existing ledger (UTF-8 or GBK)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,

    /// Open a fresh demo database (a demo station with sample visits, dated to today).
    #[arg(long)]
    pub demo: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalOpts {
    /// Database file [default: dutydesk.sqlite3 in your data directory]
    #[arg(long, global = true, env = "DUTYDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Interface language: zh (中文, default) or en [default: en if LANG says English]
    #[arg(long, global = true, default_value = crate::cli_zh::default_lang(), value_parser = parse_lang)]
    pub lang: Lang,

    /// A keymap file laid over the default keys [default: keymap.toml in your config directory, if present]
    #[arg(long, global = true, value_name = "FILE")]
    pub keymap: Option<PathBuf>,

    /// Deadline rules and holiday years [default: config.toml in your config directory, if present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?}: use zh or en"))
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import records from files
    #[command(subcommand)]
    Import(ImportCmd),
    /// Make a consistent copy of the database while desks keep working (never overwrites)
    Backup {
        /// Where the copy goes
        file: PathBuf,
    },
    /// Verify the database: integrity, schema version, links between records
    Check,
    /// Referrals and their deadlines
    #[command(subcommand)]
    Referrals(ReferralsCmd),
    /// The service directory the desk routes to
    #[command(subcommand)]
    Directory(DirectoryCmd),
    /// Job openings
    #[command(subcommand)]
    Jobs(JobsCmd),
    /// The totals a station reports upward (汇总报送) for a day or a period
    Report {
        /// One day: today, yesterday or YYYY-MM-DD [default: today]
        #[arg(long, conflicts_with_all = ["from", "to"], value_parser = crate::cli_zh::day)]
        date: Option<NaiveDate>,
        /// First day of the period (today, yesterday or YYYY-MM-DD)
        #[arg(long, requires = "to", value_parser = crate::cli_zh::day)]
        from: Option<NaiveDate>,
        /// Last day of the period (included)
        #[arg(long, requires = "from", value_parser = crate::cli_zh::day)]
        to: Option<NaiveDate>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to this file [default: print; xlsx needs a file]
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Show phone numbers in full (the export is recorded in the audit log)
        #[arg(long)]
        unmasked: bool,
        /// Replace FILE if it exists (never the database, its side files, or a non-file)
        #[arg(long)]
        force: bool,
    },
    /// Write records to a file: the visit ledger (台账) as CSV or XLSX
    #[command(subcommand)]
    Export(crate::export::ExportCmd),
    /// The county hub (PostgreSQL): create its schema, enrol stations, the county report
    #[command(subcommand)]
    Hub(crate::hub::cli::HubCmd),
    /// Send this desk's records to the county hub and receive the county's directory
    Sync(crate::hub::cli::SyncArgs),
    /// Has this person been seen at other stations? Asks the county hub (counts and kinds only)
    Elsewhere(crate::hub::cli::ElsewhereArgs),
    /// A referral slip (转介单) for the visitor to carry: one A4 page of DOCX (Word, WPS)
    Slip {
        /// The referral's id (`referrals list --format json` shows it), or its first characters
        referral: String,
        /// The DOCX file to write
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Replace FILE if it exists (never the database, its side files, or a non-file)
        #[arg(long)]
        force: bool,
    },
    /// Fill a database with synthetic visits for benchmarks (deterministic for a seed)
    #[command(hide = true)]
    Gen {
        /// How many visits (visitors: about 0.6 of that)
        #[arg(long, default_value_t = 10_000)]
        visits: usize,
        /// How many referrals (on the newest visits; about 10% open, some overdue)
        #[arg(long, default_value_t = 0)]
        referrals: usize,
        /// How many job openings
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReferralsCmd {
    /// Open referrals, overdue first (most late first), then by due date
    List {
        /// Only overdue ones
        #[arg(long)]
        overdue: bool,
        /// Only those this officer owns or is being handed
        #[arg(long, value_name = "NAME")]
        mine: Option<String>,
        /// Every referral, closed and declined too (most recently changed first)
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsCmd {
    /// The same matcher as the lookup pane (F4), headless: Chinese, full pinyin or initials
    Search {
        /// What to look for, e.g. 快递, kdy, "包吃 普工"
        query: String,
        /// How many openings, best first
        #[arg(long, default_value_t = 20, allow_negative_numbers = true, value_parser = crate::cli_zh::positive_count)]
        limit: usize,
        /// Filled and expired openings too
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum DirectoryCmd {
    /// Every service, active first
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCmd {
    /// Import a visit ledger (台账) CSV: UTF-8 with or without BOM, or GBK. All rows or none.
    Visits {
        /// The CSV file; columns are listed in README.md ("Ledger columns").
        file: PathBuf,
        /// Station name, if this database has none yet
        #[arg(long)]
        station: Option<String>,
        /// Officer recorded for rows without a 接待人 column (added to the roster if new)
        #[arg(long)]
        officer: Option<String>,
    },
    /// Import job openings: our CSV (UTF-8 or GBK) or schema.org JobPosting JSON-LD. All or
    /// nothing; re-import updates by id.
    Jobs {
        /// CSV, .json or .jsonld file
        file: PathBuf,
        /// Import the good postings and list each bad one (its line or JSON path, and why);
        /// exits non-zero if any was skipped
        #[arg(long)]
        skip_bad: bool,
    },
    /// Import the service directory: our CSV, an HSDS tabular data package (a folder with
    /// services.csv...) or HSDS 3.0 JSON. All or nothing; re-import updates by id.
    Directory {
        /// CSV file, HSDS folder, or .json file (HSDS 3.0 JSON: one service, a list, a
        /// paged list, service_at_location, an organisation with its services); several
        /// .json files, or a folder of them, are the pages of one list
        #[arg(required = true, num_args = 1..)]
        path: Vec<PathBuf>,
        /// Import the good services and list each bad one (its line or JSON path, and
        /// why); exits non-zero if any was skipped
        #[arg(long)]
        skip_bad: bool,
    },
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "dutydesk", "dutydesk")
}

pub fn default_db_path() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().join("dutydesk.sqlite3"))
        .unwrap_or_else(|| PathBuf::from("dutydesk.sqlite3"))
}

fn demo_db_path() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().join("demo.sqlite3"))
        .unwrap_or_else(|| PathBuf::from("demo.sqlite3"))
}

/// Logs go to a file beside the database (0600), never to the terminal, and never hold
/// ID numbers or phones (only record ids).
fn init_logging(db: &Path) {
    let log_path = db.with_extension("log");
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let Ok(file) = opts.open(&log_path) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(QuietLog(file)))
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

/// The log file's writer. A write that fails (a full disk) is dropped and remembered,
/// never reported: tracing's own fallback prints to stderr, over the desk's screen.
struct QuietLog(std::fs::File);

/// Set once a log line could not be written.
pub static LOG_WRITE_FAILED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

impl std::io::Write for QuietLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.write_all(buf).is_err() {
            LOG_WRITE_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// The config file: `--config FILE`, or `config.toml` in the config directory if present.
fn load_config(path: Option<&Path>) -> Result<crate::config::Config> {
    let user = path.map(Path::to_path_buf).or_else(|| {
        project_dirs()
            .map(|d| d.config_dir().join("config.toml"))
            .filter(|p| p.exists())
    });
    match user {
        Some(p) => crate::config::Config::load(&p)
            .map_err(|e| anyhow!("config not loaded, nothing done: {e}")),
        None => Ok(crate::config::Config::default()),
    }
}

fn load_keymap(path: Option<&Path>) -> Result<Keymap> {
    let user = path.map(Path::to_path_buf).or_else(|| {
        project_dirs()
            .map(|d| d.config_dir().join("keymap.toml"))
            .filter(|p| p.exists())
    });
    match user {
        Some(p) => Keymap::with_user_file(&p)
            .map_err(|e| anyhow!("keymap not loaded, desk not started: {e}")),
        None => Ok(Keymap::default_map()),
    }
}

/// For commands that read a database: a missing file is an error, not a new database.
fn open_existing(path: &Path, lang: Lang) -> Result<Store> {
    if !path.exists() {
        bail!(
            "{}",
            match lang {
                Lang::Zh => format!("{} 不存在", path.display()),
                Lang::En => format!("{} does not exist", path.display()),
            }
        );
    }
    open_store(path, lang)
}

/// A store error as the one plain sentence the officer reads.
fn plain(lang: Lang) -> impl Fn(crate::store::StoreError) -> anyhow::Error {
    move |e| anyhow!(e.message(lang))
}

fn open_store(path: &Path, lang: Lang) -> Result<Store> {
    Store::open(path).map_err(plain(lang))
}

pub fn run(cli: Cli) -> Result<()> {
    let lang = cli.global.lang;
    match cli.command {
        Some(Command::Import(ImportCmd::Visits {
            file,
            station,
            officer,
        })) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            init_logging(&db);
            import_visits(&db, &file, station.as_deref(), officer.as_deref(), lang)
        }
        Some(Command::Backup { file }) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            let store = open_existing(&db, lang)?;
            store.backup_to(&file).map_err(plain(lang))?;
            let check = Store::open(&file)
                .and_then(|s| s.check())
                .map_err(plain(lang))?;
            if !check.ok() {
                bail!(
                    "the backup at {} failed its check: {:?}",
                    file.display(),
                    check
                );
            }
            tracing::info!(visits = check.visits, "backup made");
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "已备份到 {}(来访记录{}条,校验通过)",
                        file.display(),
                        check.visits
                    ),
                    Lang::En => format!(
                        "backed up to {} ({} visits, check passed)",
                        file.display(),
                        check.visits
                    ),
                }
            );
            Ok(())
        }
        Some(Command::Check) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            let store = open_existing(&db, lang)?;
            let r = store.check().map_err(plain(lang))?;
            let (ok, bad) = (lang.pick("正常", "ok"), lang.pick("有问题", "PROBLEM"));
            let mark = |good: bool| if good { ok } else { bad };
            println!("{}: {}", db.display(), mark(r.ok()));
            println!(
                "  {} {} ({})",
                lang.pick("结构版本", "schema version"),
                r.schema_version,
                mark(r.schema_version == crate::store::LATEST_VERSION)
            );
            println!("  integrity_check: {}", r.integrity.join("; "));
            println!(
                "  foreign_key_check: {} ({})",
                r.foreign_key_problems,
                mark(r.foreign_key_problems == 0)
            );
            println!("  {}: {}", lang.pick("来访记录", "visits"), r.visits);
            // Ids come from the file: shown, never obeyed by the terminal.
            let safe = |s: &str| crate::report::safe::terminal(s, false).into_owned();
            let when = |t: Option<chrono::DateTime<chrono::Utc>>| match t {
                Some(t) => t
                    .with_timezone(&china_zone())
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                None => lang
                    .pick("开班时间不详", "opening time unknown")
                    .to_string(),
            };
            println!(
                "  {}: {} ({})",
                lang.pick("防篡改触发器", "guard triggers"),
                r.guard_triggers,
                mark(r.missing_triggers.is_empty())
            );
            for t in &r.missing_triggers {
                println!(
                    "    {} {}",
                    lang.pick("缺少或已失效:", "missing or disarmed:"),
                    safe(t)
                );
            }
            println!(
                "  {}: {} ({})",
                lang.pick("已签结班次(封存校验)", "signed-off shifts (seal check)"),
                r.sealed_shifts,
                mark(r.seals_hold() && r.seal_check_failed.is_none())
            );
            if let Some(why) = &r.seal_check_failed {
                println!("    {}", safe(why));
            }
            let shift_lists = [
                (
                    &r.broken_seals,
                    lang.pick("封存后被改动:", "changed after sealing:"),
                ),
                (
                    &r.unsealed_shifts,
                    lang.pick("封存后被解封:", "unsealed after sealing:"),
                ),
                (
                    &r.deleted_shifts,
                    lang.pick("已封存的班次被删除:", "sealed shift deleted:"),
                ),
                (
                    &r.unchained_seals,
                    lang.pick("封存不在封存链上:", "seal not in the seal chain:"),
                ),
                (
                    &r.seal_chain_breaks,
                    lang.pick("封存链在此班次前断开:", "seal chain broken before:"),
                ),
            ];
            for (list, what) in shift_lists {
                for b in list {
                    println!("    {what} {} ({})", when(b.opened_at), safe(&b.shift_id));
                }
            }
            println!(
                "  {}: {} ({})",
                lang.pick("审计日志(哈希链)", "audit log (hash chain)"),
                r.audit.chained,
                mark(r.audit.is_whole() && r.seal_check_failed.is_none())
            );
            let event_lists = [
                (&r.audit.edited, lang.pick("事件被改动:", "event edited:")),
                (&r.audit.deleted, lang.pick("事件被删除:", "event deleted:")),
                (
                    &r.audit.unchained,
                    lang.pick("事件不在链上:", "event not in the chain:"),
                ),
                (
                    &r.audit.breaks,
                    lang.pick("审计链在此事件前断开:", "audit chain broken before:"),
                ),
            ];
            for (list, what) in event_lists {
                for e in list {
                    let at =
                        e.at.map(|t| {
                            t.with_timezone(&china_zone())
                                .format(" %Y-%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_default();
                    let action = if e.action.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", safe(&e.action))
                    };
                    println!("    {what} {}{at}{action}", safe(&e.event_id));
                }
            }
            let anchors = crate::hub::check::desk_anchors(&store);
            let anchored = crate::hub::cli::print_anchors(&anchors, lang);
            let config = load_config(cli.global.config.as_deref())?;
            println!("  {}", holiday_coverage(&config.calendar, lang));
            if r.ok() && anchored {
                Ok(())
            } else {
                bail!(
                    "{}",
                    lang.pick("数据库检查未通过", "the database failed its check")
                )
            }
        }
        Some(Command::Gen {
            visits,
            referrals,
            jobs,
            seed,
        }) => {
            let db = cli
                .global
                .db
                .clone()
                .ok_or_else(|| anyhow!("gen needs --db FILE"))?;
            generate(&db, visits, referrals, jobs, seed, lang)
        }
        Some(Command::Import(ImportCmd::Jobs { file, skip_bad })) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            init_logging(&db);
            import_jobs(&db, &file, skip_bad, lang)
        }
        Some(Command::Jobs(JobsCmd::Search {
            query,
            limit,
            all,
            format,
        })) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            let store = open_existing(&db, lang)?;
            crate::report::jobs::search(&store, &query, limit, all, format, lang)
        }
        Some(Command::Import(ImportCmd::Directory { path, skip_bad })) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            init_logging(&db);
            import_directory(&db, &path, skip_bad, lang)
        }
        Some(Command::Referrals(ReferralsCmd::List {
            overdue,
            mine,
            all,
            format,
        })) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            let store = open_existing(&db, lang)?;
            crate::report::referrals::list(&store, overdue, mine.as_deref(), all, format, lang)
        }
        Some(Command::Report {
            date,
            from,
            to,
            format,
            output,
            unmasked,
            force,
        }) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            init_logging(&db);
            let mut store = open_existing(&db, lang)?;
            let now = chrono::Utc::now();
            let today = now.with_timezone(&china_zone()).date_naive();
            let (from, to) = match (date, from, to) {
                (Some(d), _, _) => (d, d),
                (None, Some(f), Some(t)) => (f, t),
                _ => (today, today),
            };
            let export = crate::report::period::Export {
                from,
                to,
                format,
                output: output.as_deref(),
                force,
                unmasked,
                lang,
            };
            crate::report::period::export(&mut store, &export, now)?;
            if let Some(path) = &output {
                eprintln!("{}", crate::outfile::written(path, lang));
            }
            Ok(())
        }
        Some(Command::Export(cmd)) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            init_logging(&db);
            crate::export::run(&mut open_existing(&db, lang)?, cmd, lang)
        }
        Some(Command::Hub(cmd)) => crate::hub::cli::run_hub(cmd, lang),
        Some(Command::Sync(args)) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            init_logging(&db);
            crate::hub::cli::run_sync(&db, args, lang)
        }
        Some(Command::Elsewhere(args)) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            crate::hub::cli::run_elsewhere(&db, args, lang)
        }
        Some(Command::Slip {
            referral,
            output,
            force,
        }) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            crate::slip::run(&open_existing(&db, lang)?, &referral, &output, force, lang)
        }
        Some(Command::Directory(DirectoryCmd::List { format })) => {
            let db = cli.global.db.clone().unwrap_or_else(default_db_path);
            let store = open_existing(&db, lang)?;
            crate::report::referrals::directory(&store, format, lang)
        }
        None => {
            let keymap = load_keymap(cli.global.keymap.as_deref())?;
            let config = load_config(cli.global.config.as_deref())?;
            let db = if cli.demo {
                let path = cli.global.db.clone().unwrap_or_else(demo_db_path);
                if let Some(said) = make_demo(&path, cli.global.db.is_some(), lang)? {
                    eprintln!("{said}");
                }
                path
            } else {
                cli.global.db.clone().unwrap_or_else(default_db_path)
            };
            init_logging(&db);
            let store = open_store(&db, lang)?;
            let mut app = App::new(store, lang, keymap, Clock::System)
                .map_err(plain(lang))?
                .with_config(config)
                .with_documents(documents_dir());
            app.start_job_index();
            run_desk(app)
        }
    }
}

/// The user's documents folder: the one their desktop names (XDG), else `~/Documents` or
/// `~/文档` where one exists. None on a machine with neither (exports go beside the file).
fn documents_dir() -> Option<PathBuf> {
    let user = directories::UserDirs::new()?;
    if let Some(docs) = user.document_dir() {
        return Some(docs.to_path_buf());
    }
    ["Documents", "文档"]
        .iter()
        .map(|d| user.home_dir().join(d))
        .find(|p| p.is_dir())
}

/// Builds the demo database; rebuilding, says what it discarded. A demo file that a desk
/// or another program has open is never deleted: refused with a sentence, untouched.
fn make_demo(path: &Path, user_chose: bool, lang: Lang) -> Result<Option<String>> {
    let mut discarded = None;
    if path.exists() {
        if user_chose {
            bail!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "{} 已存在;演示模式只会新建数据库,不会覆盖已有文件",
                        path.display()
                    ),
                    Lang::En => format!(
                        "{} exists; --demo only creates a new database and never overwrites one",
                        path.display()
                    ),
                }
            );
        }
        let (holder, visits) = demo_holder(path, lang);
        if let Some(holder) = holder {
            bail!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "演示数据库 {} 正由{holder}打开使用,没有删除也没有改动它;请先退出那台值班台,或用 --db 另选一个文件",
                        path.display()
                    ),
                    Lang::En => format!(
                        "the demo database {} is open in {holder}; it was not deleted or changed. Quit that desk first, or pass --db with another file",
                        path.display()
                    ),
                }
            );
        }
        remove_with_sidecars(path)
            .with_context(|| format!("removing old demo file {}", path.display()))?;
        let visits = match (lang, visits) {
            (Lang::Zh, Some(n)) => format!("含{n}条来访记录"),
            (Lang::Zh, None) => "无法读出其中的记录数".to_string(),
            (Lang::En, Some(n)) => format!("{n} visits"),
            (Lang::En, None) => "its records could not be counted".to_string(),
        };
        discarded = Some(match lang {
            Lang::Zh => format!("已删除旧的演示数据库 {}({visits}),重新生成", path.display()),
            Lang::En => format!(
                "removed the old demo database {} ({visits}) and built a new one",
                path.display()
            ),
        });
    }
    let mut store = open_store(path, lang)?;
    crate::demo::seed(&mut store, china_zone(), chrono::Utc::now()).map_err(plain(lang))?;
    Ok(discarded)
}

/// Who has the demo file open (a running desk registered in it, or any process holding
/// SQLite's locks on it), in words, and how many visits it holds. Reads only: the file is
/// opened read-only and never migrated.
fn demo_holder(path: &Path, lang: Lang) -> (Option<String>, Option<i64>) {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok();
    let visits = conn.as_ref().and_then(|c| {
        c.query_row("SELECT count(*) FROM visit", [], |r| r.get(0))
            .ok()
    });
    let desk = conn
        .as_ref()
        .and_then(|c| crate::store::desks_of(c, chrono::Utc::now()).ok())
        .and_then(|desks| desks.into_iter().find(|d| d.running));
    drop(conn);
    let holder = match (desk, crate::store::held_open_by(path)) {
        (Some(d), _) => {
            let since = d
                .started_at
                .with_timezone(&china_zone())
                .format("%m-%d %H:%M");
            let host = crate::report::safe::terminal(&d.host, false).into_owned();
            Some(match lang {
                Lang::Zh => format!("另一台值班台(主机 {host},进程 {},{since} 启动)", d.pid),
                Lang::En => format!("another desk (host {host}, pid {}, started {since})", d.pid),
            })
        }
        (None, Some(pid)) => Some(match lang {
            Lang::Zh => format!("另一个程序(进程 {pid})"),
            Lang::En => format!("another program (pid {pid})"),
        }),
        (None, None) => None,
    };
    (holder, visits)
}

fn import_visits(
    db: &Path,
    file: &Path,
    station: Option<&str>,
    officer: Option<&str>,
    lang: Lang,
) -> Result<()> {
    let text = import::read_file(file, import::visits::MAX_FILE_BYTES, lang)
        .map_err(|e| anyhow!("{}", e.render(lang)))?;
    let (rows, cleaned) = match import::visits::read(&text, china_zone(), lang) {
        Ok(ledger) => (ledger.rows, ledger.cleaned),
        Err(errors) => {
            for e in &errors {
                let line = format!("{}: {}", file.display(), e.render(lang));
                eprintln!("{}", crate::report::safe::terminal(&line, false));
            }
            bail!(
                "{}",
                match lang {
                    Lang::Zh => format!("{}处错误,未导入任何记录", errors.len()),
                    Lang::En => format!("{} problem(s); nothing was imported", errors.len()),
                }
            );
        }
    };
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let now = chrono::Utc::now();
    let st = match (store.station().map_err(plain(lang))?, station) {
        (Some(s), _) => s,
        (None, Some(name)) => store.create_station(name, now).map_err(plain(lang))?,
        (None, None) => bail!(
            "{}",
            lang.pick(
                "该数据库还没有站点名称:请先打开值班台完成设置,或加 --station 名称",
                "this database has no station yet: open the desk once to name it, or pass --station NAME"
            )
        ),
    };
    let default_officer = match officer {
        Some(name) => Some(
            store
                .officer_or_add(&st, name, crate::domain::lists::Role::Cadre, "", now)
                .map_err(plain(lang))?
                .id,
        ),
        None => store.current_officer().map_err(plain(lang))?.map(|o| o.id),
    };
    let n = store
        .import_visits(&rows, &st.id, default_officer.as_deref(), now)
        .map_err(|(line, e)| {
            anyhow!(
                "{}: line {line}: {}; nothing was imported",
                file.display(),
                e.message(lang)
            )
        })?;
    tracing::info!(rows = n, "ledger imported");
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("已导入{n}条来访记录到 {}", db.display()),
            Lang::En => format!("imported {n} visits into {}", db.display()),
        } + &import::cleaned_note(cleaned, lang)
    );
    Ok(())
}

fn generate(
    db: &Path,
    visits: usize,
    referrals: usize,
    jobs: usize,
    seed: u64,
    lang: Lang,
) -> Result<()> {
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let started = std::time::Instant::now();
    let now = chrono::Utc::now();
    let fast = store.begin_fast_fill().map_err(plain(lang))?;
    // Into a fresh file, the openings are made on the other core in a file of their own
    // while the visits fill this one, then copied in whole.
    let side = (fast && jobs > 0).then(|| {
        let file = db.with_extension("gen-jobs.tmp");
        std::thread::spawn(move || -> Result<PathBuf, crate::store::StoreError> {
            // A side file left by an interrupted run must not be added to.
            remove_with_sidecars(&file).map_err(|source| crate::store::StoreError::Io {
                path: file.clone(),
                source,
            })?;
            let mut s = Store::open(&file)?;
            s.begin_fast_fill()?;
            s.fill_synthetic_jobs(jobs, seed, now)?;
            Ok(file)
        })
    });
    store
        .fill_synthetic(visits, seed, now)
        .map_err(plain(lang))?;
    if referrals > 0 {
        let config = crate::config::Config::default();
        store
            .fill_synthetic_referrals(referrals, seed, now, &config)
            .map_err(plain(lang))?;
    }
    if let Some(side) = side {
        let file = side
            .join()
            .map_err(|_| anyhow!("the openings' generator thread failed"))?
            .map_err(plain(lang))?;
        let copied = store.copy_jobs_from(&file);
        // Left behind, it is only a file of generated openings; the copy's error matters.
        let _ = remove_with_sidecars(&file);
        copied.map_err(plain(lang))?;
    } else if jobs > 0 {
        store
            .fill_synthetic_jobs(jobs, seed, now)
            .map_err(plain(lang))?;
    }
    if fast {
        store.end_fast_fill().map_err(plain(lang))?;
    }
    println!(
        "generated {visits} visits, {referrals} referrals and {jobs} job openings in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        db.display()
    );
    Ok(())
}

/// Removes a database file and its WAL, shared-memory and journal files, those that exist.
fn remove_with_sidecars(file: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = file.as_os_str().to_owned();
        p.push(suffix);
        match std::fs::remove_file(PathBuf::from(p)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Which years the holiday table knows; a warning for this year or next if missing.
fn holiday_coverage(calendar: &crate::domain::calendar::WorkCalendar, lang: Lang) -> String {
    use chrono::Datelike;
    let this = chrono::Utc::now().with_timezone(&china_zone()).year();
    let missing: Vec<String> = [this, this + 1]
        .into_iter()
        .filter(|y| !calendar.knows_year(*y))
        .map(|y| y.to_string())
        .collect();
    let known = calendar.years();
    let range = match (known.first(), known.last()) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "—".into(),
    };
    match (lang, missing.is_empty()) {
        (Lang::Zh, true) => format!("节假日表:{range}(正常)"),
        (Lang::Zh, false) => format!(
            "节假日表:{range};{}年未收录,按周一至周五计算时限。国务院公布安排后请写入配置文件 [holidays.\"年份\"]",
            missing.join("、")
        ),
        (Lang::En, true) => format!("holiday table: {range} (ok)"),
        (Lang::En, false) => format!(
            "holiday table: {range}; {} not in it, deadlines count Monday to Friday there. Add the State Council's notice to the config file under [holidays.\"YEAR\"]",
            missing.join(", ")
        ),
    }
}

/// An import refused: every problem on stderr (file, row, field), then one sentence
/// saying nothing was imported (`what`: 岗位, 服务…).
fn refused_file(errors: &[import::FileError], what: &str, lang: Lang) -> anyhow::Error {
    for e in errors {
        eprintln!("{}", crate::report::safe::terminal(&e.render(lang), false));
    }
    anyhow!(
        "{}",
        match lang {
            Lang::Zh => format!("{}处错误,未导入任何{what}", errors.len()),
            Lang::En => format!("{} problem(s); nothing was imported", errors.len()),
        }
    )
}

/// With `--skip-bad`: each record left out on stderr, then (after the good ones were
/// imported and said) an error saying how many, so the exit is non-zero.
fn skipped_records(skipped: &[import::feed::Skipped], what: &str, lang: Lang) -> Result<()> {
    if skipped.is_empty() {
        return Ok(());
    }
    for s in skipped {
        eprintln!("{}", crate::report::safe::terminal(&s.render(lang), false));
    }
    bail!(
        "{}",
        match lang {
            Lang::Zh => format!("跳过{}条有错误的{what},其余已导入", skipped.len()),
            Lang::En => format!(
                "{} record(s) with problems skipped; the rest were imported",
                skipped.len()
            ),
        }
    )
}

fn import_jobs(db: &Path, file: &Path, skip_bad: bool, lang: Lang) -> Result<()> {
    let feed = import::jobs::load_feed(file, lang, skip_bad)
        .map_err(|e| refused_file(&e, "岗位", lang))?;
    let (jobs, cleaned) = (&feed.records, feed.cleaned);
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let done = store
        .upsert_jobs(jobs, chrono::Utc::now())
        .map_err(|(i, e)| {
            anyhow!(
                "{}: {}: {}; nothing was imported",
                file.display(),
                jobs[i].title,
                e.message(lang)
            )
        })?;
    tracing::info!(added = done.added, updated = done.updated, "jobs imported");
    let today = chrono::Utc::now().with_timezone(&china_zone()).date_naive();
    let current = jobs.iter().filter(|j| j.is_current(today)).count();
    let incomplete = jobs.iter().filter(|j| j.is_incomplete()).count();
    let incomplete_note = match (incomplete, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!(";{n}个信息不全"),
        (n, Lang::En) => format!("; {n} incomplete"),
    };
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已导入岗位{}个(在招{}个);新增{},更新{}",
                jobs.len(),
                current,
                done.added,
                done.updated
            ),
            Lang::En => format!(
                "imported {} openings ({} open); {} added, {} updated",
                jobs.len(),
                current,
                done.added,
                done.updated
            ),
        } + &incomplete_note
            + &import::cleaned_note(cleaned, lang)
    );
    skipped_records(&feed.skipped, "岗位", lang)
}

fn import_directory(db: &Path, paths: &[PathBuf], skip_bad: bool, lang: Lang) -> Result<()> {
    let path = &paths[0];
    let feed = import::directory::load_feed(paths, lang, skip_bad)
        .map_err(|e| refused_file(&e, "服务", lang))?;
    let parsed = &feed.parsed;
    let mut store = open_store(db, lang)?;
    store.refuse_if_damaged().map_err(plain(lang))?;
    let done = store
        .upsert_services(&parsed.services, chrono::Utc::now())
        .map_err(|(i, e)| {
            anyhow!(
                "{}: {}: {}; nothing was imported",
                path.display(),
                parsed.services[i].name,
                e.message(lang)
            )
        })?;
    tracing::info!(
        added = done.added,
        updated = done.updated,
        "directory imported"
    );
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已导入服务目录:机构{}个,服务{}项(正常{}项);新增{}项,更新{}项",
                parsed.organizations,
                parsed.services.len(),
                parsed.active(),
                done.added,
                done.updated
            ),
            Lang::En => format!(
                "directory imported: {} organisations, {} services ({} active); {} added, {} updated",
                parsed.organizations,
                parsed.services.len(),
                parsed.active(),
                done.added,
                done.updated
            ),
        } + &import::cleaned_note(parsed.cleaned, lang)
    );
    skipped_records(&feed.skipped, "服务", lang)
}

fn run_desk(mut app: App) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        bail!(
            "{}",
            app.lang.pick(
                "值班台需要在终端中运行(标准输出不是终端)",
                "the desk needs a terminal (standard output is not one)"
            )
        );
    }
    // SIGTERM and SIGHUP (a closed SSH link) end the desk cleanly: the draft is written
    // and the terminal restored, instead of dying mid-typing.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    let mut guard = TerminalGuard::enter().context("cannot open the terminal")?;
    let result = event_loop(&mut app, &mut guard, &stop);
    // Whatever ended the loop (quit, signal, a terminal that went away), keep the typing.
    app.save_draft_now();
    result
}

/// Keys are read on their own thread and handed over a channel, so the loop below wakes
/// at least twice a second whatever the terminal does: to write the draft, to notice a
/// signal, and to notice that the terminal has gone. (When a pty is hung up, crossterm's
/// reader spins on end-of-file and never returns; the desk must not spin with it.)
fn event_loop(
    app: &mut App,
    guard: &mut TerminalGuard,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<()> {
    use std::sync::mpsc::{RecvTimeoutError, channel};
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
    let mut redraw = true;
    loop {
        if redraw {
            guard.terminal.draw(|f| crate::ui::render(app, f))?;
        }
        redraw = true;
        match rx.recv_timeout(std::time::Duration::from_millis(500)) {
            Ok(Event::Key(k)) => app.handle_key(k),
            Ok(Event::Paste(s)) => app.handle_paste(&s),
            Ok(Event::Resize(..)) => {}
            Ok(_) => redraw = false,
            Err(RecvTimeoutError::Timeout) => {
                app.tick();
                if terminal_gone() {
                    tracing::info!("terminal gone; draft kept");
                    break;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                tracing::info!("terminal input ended; draft kept");
                break;
            }
        }
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            tracing::info!("stopped by signal; draft kept");
            break;
        }
        if app.should_quit {
            break;
        }
    }
    Ok(())
}

/// Whether the controlling terminal has been hung up (SSH link dropped, window closed).
fn terminal_gone() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_err()
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn a_log_line_on_a_full_disk_is_dropped_not_printed() {
        // /dev/full answers every write with ENOSPC, as a full disk does.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full (Linux)");
        let mut log = super::QuietLog(full);
        assert_eq!(log.write(b"a line").unwrap(), 6, "the writer never fails");
        assert!(log.flush().is_ok());
        assert!(super::LOG_WRITE_FAILED.load(std::sync::atomic::Ordering::Relaxed));
    }
}

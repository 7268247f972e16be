//! The command line's argument types (clap): the desk's options and every command group.
//! What each command does is in the file named after its group.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::i18n::Lang;
use crate::report::{Format, ReportFormat};

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
    #[arg(long, global = true, default_value = super::zh::default_lang(), value_parser = parse_lang)]
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
        #[arg(long, conflicts_with_all = ["from", "to"], value_parser = super::zh::day)]
        date: Option<NaiveDate>,
        /// First day of the period (today, yesterday or YYYY-MM-DD)
        #[arg(long, requires = "to", value_parser = super::zh::day)]
        from: Option<NaiveDate>,
        /// Last day of the period (included)
        #[arg(long, requires = "from", value_parser = super::zh::day)]
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
    Export(super::export::ExportCmd),
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
    /// Ask another station to take an open referral on, through the county hub (goes
    /// with the next sync; the visitor's consent is required)
    Transfer {
        /// The referral's id, or its first characters
        referral: String,
        /// The station's name, as enrolled at the hub
        #[arg(long, value_name = "STATION")]
        to: String,
        /// The visitor agreed that their details go to that station
        #[arg(long)]
        consent: bool,
        #[arg(long, default_value = "")]
        note: String,
        /// Who asks [default: the desk's officer on duty]
        #[arg(long, value_name = "NAME")]
        officer: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Referrals other stations asked this one to take on (received with each sync)
    Incoming {
        /// Answered ones too
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Take a request on: this station's own referral for the visitor
    Accept {
        /// The request's id (`referrals incoming` shows it)
        id: String,
        /// This station's service [default: the county directory's service it names]
        #[arg(long, value_name = "SERVICE_ID")]
        service: Option<String>,
        #[arg(long, value_name = "NAME")]
        officer: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Refuse a request, saying why (the station that asked keeps its referral open)
    Refuse {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long, value_name = "NAME")]
        officer: Option<String>,
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
        #[arg(long, default_value_t = 20, allow_negative_numbers = true, value_parser = super::zh::positive_count)]
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

//! The command line: `dutydesk [--db PATH] [--lang zh|en] [--keymap FILE] [--demo]` opens
//! the desk; subcommands do the rest headless, for station scripts.
//!
//! `args.rs` holds the argument types, `zh.rs` the Chinese clap (help, errors), and each
//! command group its own file (`database.rs`: backup, check, gen; `import.rs`; `export.rs`;
//! `referrals.rs`, `directory.rs`, `jobs.rs`: the lists). A new command: its arguments in
//! `args.rs`, its body in its group's file, one line in `run` below.

mod args;
mod database;
mod demo;
mod directory;
mod export;
mod import;
mod jobs;
mod logging;
mod referrals;
mod transfers;
pub mod zh;

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

pub use args::{Cli, Command, DirectoryCmd, GlobalOpts, ImportCmd, JobsCmd, ReferralsCmd};
pub use export::{ExportCmd, VisitsArgs};
pub use logging::LOG_WRITE_FAILED;

use crate::app::{App, Clock};
use crate::domain::clock::china_zone;
use crate::i18n::Lang;
use crate::keymap::Keymap;
use crate::store::Store;

pub use crate::config::default_db_path;
use crate::config::{demo_db_path, project_dirs};

/// The config file: `--config FILE`, or `config.toml` in the config directory if present.
pub(super) fn load_config(path: Option<&Path>) -> Result<crate::config::Config> {
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

pub(super) fn load_keymap(path: Option<&Path>) -> Result<Keymap> {
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
pub(super) fn open_existing(path: &Path, lang: Lang) -> Result<Store> {
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
pub(super) fn plain(lang: Lang) -> impl Fn(crate::store::StoreError) -> anyhow::Error {
    move |e| anyhow!(e.message(lang))
}

pub(super) fn open_store(path: &Path, lang: Lang) -> Result<Store> {
    Store::open(path).map_err(plain(lang))
}

/// The user's documents folder: the one their desktop names (XDG), else `~/Documents` or
/// `~/文档` where one exists. None on a machine with neither (exports go beside the file).
pub(super) fn documents_dir() -> Option<PathBuf> {
    let user = directories::UserDirs::new()?;
    if let Some(docs) = user.document_dir() {
        return Some(docs.to_path_buf());
    }
    ["Documents", "文档"]
        .iter()
        .map(|d| user.home_dir().join(d))
        .find(|p| p.is_dir())
}

/// Runs what the command line asked for: a command, or the desk.
pub fn run(cli: Cli) -> Result<()> {
    let lang = cli.global.lang;
    let db = || cli.global.db.clone().unwrap_or_else(default_db_path);
    // Commands that write keep a log beside the database (never ID numbers or phones).
    let logged = || {
        let db = db();
        logging::init_logging(&db);
        db
    };
    let Some(command) = cli.command else {
        return run_desk(&cli, lang);
    };
    match command {
        Command::Import(ImportCmd::Visits {
            file,
            station,
            officer,
        }) => import::visits(
            &logged(),
            &file,
            station.as_deref(),
            officer.as_deref(),
            lang,
        ),
        Command::Import(ImportCmd::Jobs { file, skip_bad }) => {
            import::jobs(&logged(), &file, skip_bad, lang)
        }
        Command::Import(ImportCmd::Directory { path, skip_bad }) => {
            import::directory(&logged(), &path, skip_bad, lang)
        }
        Command::Backup { file } => database::backup(&db(), &file, lang),
        Command::Check => database::check(&db(), cli.global.config.as_deref(), lang),
        Command::Gen {
            visits,
            referrals,
            jobs,
            seed,
        } => {
            let db = cli
                .global
                .db
                .clone()
                .ok_or_else(|| anyhow!("gen needs --db FILE"))?;
            database::generate(&db, visits, referrals, jobs, seed, lang)
        }
        Command::Jobs(JobsCmd::Search {
            query,
            limit,
            all,
            format,
        }) => jobs::search(
            &open_existing(&db(), lang)?,
            &query,
            limit,
            all,
            format,
            lang,
        ),
        Command::Referrals(cmd) => run_referrals(cmd, &cli.global, lang),
        Command::Directory(DirectoryCmd::List { format }) => {
            directory::list(&open_existing(&db(), lang)?, format, lang)
        }
        Command::Report {
            date,
            from,
            to,
            format,
            output,
            unmasked,
            force,
        } => {
            let mut store = open_existing(&logged(), lang)?;
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
        Command::Export(cmd) => export::run(&mut open_existing(&logged(), lang)?, cmd, lang),
        Command::Hub(cmd) => crate::hub::cli::run_hub(cmd, lang),
        Command::Sync(args) => crate::hub::cli::run_sync(&logged(), &args, lang),
        Command::Elsewhere(args) => crate::hub::cli::run_elsewhere(&db(), &args, lang),
        Command::Slip {
            referral,
            output,
            force,
        } => crate::slip::run(
            &open_existing(&db(), lang)?,
            &referral,
            &output,
            force,
            lang,
        ),
    }
}

/// `dutydesk referrals …`: the queue, and transfers to and from other stations.
fn run_referrals(cmd: ReferralsCmd, global: &GlobalOpts, lang: Lang) -> Result<()> {
    let db = || global.db.clone().unwrap_or_else(default_db_path);
    // Commands that write keep a log beside the database (never ID numbers or phones).
    let logged = || {
        let db = db();
        logging::init_logging(&db);
        db
    };
    match cmd {
        ReferralsCmd::List {
            overdue,
            mine,
            all,
            format,
        } => {
            let store = open_existing(&db(), lang)?;
            referrals::list(&store, overdue, mine.as_deref(), all, format, lang)
        }
        ReferralsCmd::Transfer {
            referral,
            to,
            consent,
            note,
            officer,
            format,
        } => transfers::transfer(
            &mut open_existing(&logged(), lang)?,
            &referral,
            &to,
            consent,
            &note,
            officer.as_deref(),
            format,
            lang,
        ),
        ReferralsCmd::Incoming { all, format } => {
            transfers::incoming(&open_existing(&db(), lang)?, all, format, lang)
        }
        ReferralsCmd::Accept {
            id,
            service,
            officer,
            format,
        } => transfers::accept(
            &mut open_existing(&logged(), lang)?,
            &load_config(global.config.as_deref())?,
            &id,
            service.as_deref(),
            officer.as_deref(),
            format,
            lang,
        ),
        ReferralsCmd::Refuse {
            id,
            reason,
            officer,
            format,
        } => transfers::refuse(
            &mut open_existing(&logged(), lang)?,
            &id,
            &reason,
            officer.as_deref(),
            format,
            lang,
        ),
    }
}

/// No command: the desk, on the demo database with `--demo`.
fn run_desk(cli: &Cli, lang: Lang) -> Result<()> {
    let keymap = load_keymap(cli.global.keymap.as_deref())?;
    let config = load_config(cli.global.config.as_deref())?;
    let db = if cli.demo {
        let path = cli.global.db.clone().unwrap_or_else(demo_db_path);
        if let Some(said) = demo::make_demo(&path, cli.global.db.is_some(), lang)? {
            eprintln!("{said}");
        }
        path
    } else {
        cli.global.db.clone().unwrap_or_else(default_db_path)
    };
    logging::init_logging(&db);
    let store = open_store(&db, lang)?;
    let mut app = App::new(store, lang, keymap, Clock::System)
        .map_err(plain(lang))?
        .with_config(config)
        .with_documents(documents_dir());
    app.start_job_index();
    crate::ui::event_loop::run_desk(app)
}

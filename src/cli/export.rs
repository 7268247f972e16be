//! `dutydesk export …`: what the command takes and says; the writing is in `export/`.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::export::{LedgerFormat, ledger};
use crate::i18n::Lang;
use crate::store::Store;

#[derive(clap::Subcommand, Debug)]
pub enum ExportCmd {
    /// The visit ledger (台账): one row per visit, in the columns `import visits` reads,
    /// with each visit's referrals; phones and ID numbers masked unless --unmasked
    Visits(VisitsArgs),
}

#[derive(clap::Args, Debug)]
pub struct VisitsArgs {
    /// First day (today, yesterday or YYYY-MM-DD) [default: the 1st of --to's month]
    #[arg(long, value_parser = super::zh::day)]
    pub from: Option<NaiveDate>,
    /// Last day, included [default: today]
    #[arg(long, value_parser = super::zh::day)]
    pub to: Option<NaiveDate>,
    /// csv or xlsx [default: xlsx if FILE ends in .xlsx, else csv]
    #[arg(long, value_enum)]
    pub format: Option<LedgerFormat>,
    /// The file to write
    #[arg(short = 'o', long = "output", value_name = "FILE", required = true)]
    pub output: PathBuf,
    /// Phones and ID numbers in full (the export is recorded in the audit log first)
    #[arg(long)]
    pub unmasked: bool,
    /// Replace FILE if it exists (never the database, its side files, or a non-file)
    #[arg(long)]
    pub force: bool,
}

/// Runs an export command against an open database; says on stderr what was written.
pub fn run(store: &mut Store, cmd: ExportCmd, lang: Lang) -> anyhow::Result<()> {
    match cmd {
        ExportCmd::Visits(a) => {
            let now = chrono::Utc::now();
            let today = now
                .with_timezone(&crate::domain::clock::china_zone())
                .date_naive();
            let to = a.to.unwrap_or(today);
            let from = a.from.unwrap_or_else(|| ledger::month_start(to));
            let format = a.format.unwrap_or_else(|| {
                let xlsx = a
                    .output
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
                if xlsx {
                    LedgerFormat::Xlsx
                } else {
                    LedgerFormat::Csv
                }
            });
            let export = ledger::Export {
                from,
                to,
                format,
                output: &a.output,
                force: a.force,
                unmasked: a.unmasked,
                lang,
            };
            let n = ledger::export(store, &export, now)?;
            let path = a.output.display();
            eprintln!(
                "{}",
                match (lang, a.unmasked) {
                    (Lang::Zh, false) =>
                        format!("已写入 {path}({from} 至 {to},来访{n}条,电话和身份证号已打码)"),
                    (Lang::Zh, true) =>
                        format!("已写入 {path}({from} 至 {to},来访{n}条,号码未打码,已记入审计日志)"),
                    (Lang::En, false) => format!(
                        "written to {path} ({from} to {to}, {n} visits, phones and ID numbers masked)"
                    ),
                    (Lang::En, true) => format!(
                        "written to {path} ({from} to {to}, {n} visits, numbers in full, recorded in the audit log)"
                    ),
                }
            );
            Ok(())
        }
    }
}

//! `dutydesk export …`: records leaving the desk as files a station keeps or hands on.
//! Today the visit ledger (台账, ledger.rs); files go through `outfile` (never over the
//! database, never over a file without `--force`, owner-only), phones and ID numbers
//! masked unless `--unmasked`, which is audited first.

pub mod ledger;

/// How the ledger is written.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    /// CSV with a BOM (UTF-8): Excel and WPS read the Chinese; `import visits` reads it back
    Csv,
    /// An Excel workbook: frozen header, dates as dates, numbers as numbers
    Xlsx,
}

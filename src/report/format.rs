//! How a command prints what it lists (`--format table|csv|json`) and writes a report
//! (`--format md|csv|xlsx`).

/// How a list is printed.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns for the terminal
    #[default]
    Table,
    /// CSV with a BOM, so Excel and WPS read the Chinese
    Csv,
    /// JSON, one array
    Json,
}

/// How a report is written.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportFormat {
    /// Markdown tables
    #[default]
    Md,
    /// CSV with a BOM, so Excel and WPS read the Chinese
    Csv,
    /// An Excel workbook (opens in Excel and WPS)
    Xlsx,
    /// JSON: the figures as data (codes and numbers), for scripts
    Json,
}

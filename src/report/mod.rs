//! What the desk prints for scripts and spreadsheets: tables, CSV (with a BOM, so Excel
//! and WPS read the Chinese) and JSON.

mod format;
pub mod period;
pub mod safe;

use std::io::Write;

pub use format::{Format, ReportFormat};

use crate::text;

/// Prints a JSON array of records (data for scripts: ids, numbers as numbers, ISO dates).
pub fn print_json(records: &[serde_json::Value]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "{}", serde_json::to_string_pretty(records)?)?;
    Ok(())
}

/// Yuan from fen, as a number: 11500000 → 115000.0.
pub fn yuan(fen: Option<i64>) -> serde_json::Value {
    #[allow(clippy::cast_precision_loss)] // fen far below 2^53
    fen.map_or(serde_json::Value::Null, |f| {
        serde_json::json!(f as f64 / 100.0)
    })
}

/// Writes rows as aligned columns (by display width), CSV with a BOM, or a JSON array of
/// objects keyed by `keys`.
pub fn print_rows(
    format: Format,
    headers: &[&str],
    keys: &[&str],
    rows: &[Vec<String>],
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Table => {
            let widths: Vec<usize> = (0..headers.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| text::width(&r[i]))
                        .chain([text::width(headers[i])])
                        .max()
                        .unwrap_or(0)
                        .min(40)
                })
                .collect();
            let line = |cells: Vec<&str>| {
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| text::pad(&safe::terminal(&text::one_line(c), false), *w))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(out, "{}", line(headers.to_vec()))?;
            for r in rows {
                writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
            }
        }
        Format::Csv => {
            out.write_all(b"\xEF\xBB\xBF")?;
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(headers)?;
            for r in rows {
                w.write_record(r.iter().map(|c| safe::csv_text(c)))?;
            }
            w.flush()?;
        }
        Format::Json => {
            let arr: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        keys.iter()
                            .zip(r)
                            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                            .collect(),
                    )
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&arr)?)?;
        }
    }
    Ok(())
}

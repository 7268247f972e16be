//! Reading files people bring: station ledgers (台账) exported from Excel or WPS.

pub mod directory;
pub mod jobs;
pub mod visits;

use crate::i18n::Lang;

/// A problem with one row (or the header, line 1), naming the field.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl RowError {
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("第{}行,{}:{}", self.line, self.field, self.message),
            Lang::En => format!("line {}, {}: {}", self.line, self.field, self.message),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
/// A problem in one file of an import: the file, and the row and field in it.
pub struct FileError {
    pub file: String,
    pub error: RowError,
}

impl FileError {
    pub fn render(&self, lang: Lang) -> String {
        format!("{}: {}", self.file, self.error.render(lang))
    }

    pub fn new(file: &str, line: u64, field: &str, message: impl Into<String>) -> FileError {
        FileError {
            file: file.to_string(),
            error: RowError {
                line,
                field: field.to_string(),
                message: message.into(),
            },
        }
    }
}

/// A file's text (UTF-8 or GBK), refused unread if larger than `max` bytes.
pub fn read_file(path: &std::path::Path, max: u64, lang: Lang) -> Result<String, FileError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| FileError::new(&file, 0, "", e.to_string()))?
        .len();
    if size > max {
        return Err(FileError::new(
            &file,
            0,
            "",
            match lang {
                Lang::Zh => format!("文件过大({} MB,上限{} MB),未读取", size >> 20, max >> 20),
                Lang::En => format!(
                    "file too large ({} MB, limit {} MB); not read",
                    size >> 20,
                    max >> 20
                ),
            },
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| FileError::new(&file, 0, "", e.to_string()))?;
    decode(&bytes, lang).map_err(|e| FileError::new(&file, 0, "", e))
}

/// Parses a JSON file's text, or says where it is not JSON.
pub fn parse_json(text: &str, file: &str, lang: Lang) -> Result<serde_json::Value, Vec<FileError>> {
    serde_json::from_str(text).map_err(|e| {
        vec![FileError::new(
            file,
            e.line() as u64,
            "JSON",
            match lang {
                Lang::Zh => format!("不是有效的JSON:{e}"),
                Lang::En => format!("not valid JSON: {e}"),
            },
        )]
    })
}

/// The 1-based line number of a byte offset.
pub fn line_at(text: &str, byte: u64) -> u64 {
    // With CRLF endings csv reports a record as starting at the LF before it; counting
    // the byte at the offset too gives the same line for both endings.
    let end = (byte as usize + 1).min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// A CSV file read whole: its header cells and each non-blank record with its line.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// Reads `text` as CSV; records csv cannot read are reported with their lines.
    pub fn read(text: &str) -> Result<Table, Vec<RowError>> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| {
                vec![RowError {
                    line: 1,
                    field: "CSV".into(),
                    message: e.to_string(),
                }]
            })?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    if r.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let line = r.position().map(|p| line_at(text, p.byte())).unwrap_or(0);
                    rows.push((line, r.iter().map(|c| c.trim().to_string()).collect()));
                }
                Err(e) => errors.push(RowError {
                    line: e.position().map(|p| line_at(text, p.byte())).unwrap_or(0),
                    field: "CSV".into(),
                    message: e.to_string(),
                }),
            }
        }
        if errors.is_empty() {
            Ok(Table { headers, rows })
        } else {
            Err(errors)
        }
    }

    /// Reads `text` as CSV, naming `file` in every problem.
    pub fn read_file(text: &str, file: &str) -> Result<Table, Vec<FileError>> {
        Table::read(text).map_err(|errs| {
            errs.into_iter()
                .map(|error| FileError {
                    file: file.to_string(),
                    error,
                })
                .collect()
        })
    }

    /// Finds each field's column by the headers it accepts (`spec`: field, headers, the
    /// first one documented), refusing the file if a `required` field has none.
    pub fn columns<'s>(
        &self,
        spec: &'s [(&'s str, &'s [&'s str])],
        required: &[&str],
        file: &str,
        lang: Lang,
    ) -> Result<std::collections::HashMap<&'s str, usize>, Vec<FileError>> {
        let col: std::collections::HashMap<&str, usize> = spec
            .iter()
            .filter_map(|(f, names)| self.column(names).map(|i| (*f, i)))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .filter(|f| !col.contains_key(*f))
            .filter_map(|f| spec.iter().find(|(c, _)| c == f).map(|(_, h)| h[0]))
            .collect();
        if missing.is_empty() {
            return Ok(col);
        }
        Err(vec![FileError::new(
            file,
            1,
            lang.pick("表头", "header"),
            match lang {
                Lang::Zh => format!("缺少必需的列:{}", missing.join("、")),
                Lang::En => format!("missing required column(s): {}", missing.join(", ")),
            },
        )])
    }

    /// The index of the first header matching any of `names` (case-insensitive).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
    }
}

/// Text from a file in UTF-8 (with or without BOM) or GBK, Excel's Chinese default.
pub fn decode(bytes: &[u8], lang: Lang) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| {
            lang.pick(
                "文件以UTF-8标记开头,但内容不是UTF-8",
                "file starts with a UTF-8 mark but is not UTF-8",
            )
            .into()
        });
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
    if had_errors {
        return Err(lang
            .pick(
                "文件编码无法识别:既不是UTF-8也不是GBK",
                "unknown encoding: neither UTF-8 nor GBK",
            )
            .into());
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_gbk_all_decode() {
        assert_eq!(decode("姓名".as_bytes(), Lang::Zh).unwrap(), "姓名");
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xE5\xA7\x93\xE5\x90\x8D", Lang::Zh).unwrap(),
            "姓名"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,电话");
        assert_eq!(decode(&gbk, Lang::Zh).unwrap(), "姓名,电话");
        assert!(decode(b"\xFF\xFF\xFF", Lang::Zh).is_err());
    }
}

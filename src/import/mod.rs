//! Reading files people bring: station ledgers (台账) exported from Excel or WPS.

pub mod directory;
pub mod feed;
pub mod jobs;
pub mod visits;

use crate::i18n::Lang;
use crate::words::{self, Arg, Said};

/// A problem with one row (or the header, line 1), naming the field: the field as the
/// file names it (or as the desk's list labels it), and what is wrong, as a message of the
/// catalog (`import.*`), said in a language only where it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub line: u64,
    pub field: Arg,
    pub message: Said,
}

impl RowError {
    /// `第3行,名称:必填`; without a line (0: a JSON path or the file as a whole), the field
    /// alone: `$[3].baseSalary:…`.
    pub fn render(&self, lang: Lang) -> String {
        let message = self.message.say(lang);
        if self.line == 0 && self.field.is_empty() {
            return message;
        }
        let field = self.field.say(lang);
        if self.line == 0 {
            return words::say(
                lang,
                "import.at_field",
                &[("field", &field), ("message", &message)],
            );
        }
        words::say(
            lang,
            "import.at_line",
            &[
                ("line", &self.line.to_string()),
                ("field", &field),
                ("message", &message),
            ],
        )
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
        words::say(
            lang,
            "import.in_file",
            &[("file", &self.file), ("message", &self.error.render(lang))],
        )
    }

    pub fn new(file: &str, line: u64, field: impl Into<Arg>, message: Said) -> FileError {
        FileError {
            file: file.to_string(),
            error: RowError {
                line,
                field: field.into(),
                message,
            },
        }
    }
}

/// What a library said of a file it could not read (csv, JSON), in its own words.
pub fn system(error: impl ToString) -> Said {
    Said::new("import.system").with("error", error)
}

/// "Required", of an empty cell that must be filled.
pub fn required() -> Said {
    Said::new("import.required")
}

/// Columns named in a list: `日期、姓名` / `date, name`.
pub fn joined(items: impl IntoIterator<Item = Arg>) -> Arg {
    Arg::Joined {
        items: items.into_iter().collect(),
        sep: Box::new(Said::new("import.list_sep")),
    }
}

/// A file's header refused for the `missing` columns it lacks.
pub fn missing_columns<'a>(missing: impl IntoIterator<Item = &'a str>) -> Said {
    Said::new("import.missing_columns")
        .with_arg("columns", joined(missing.into_iter().map(Arg::from)))
}

/// A file's text (UTF-8 or GBK), refused unread if larger than `max` bytes.
pub fn read_file(path: &std::path::Path, max: u64) -> Result<String, FileError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| FileError::new(&file, 0, "", io_words(&e)))?
        .len();
    if size > max {
        return Err(FileError::new(
            &file,
            0,
            "",
            Said::new("import.too_large")
                .with("size", size >> 20)
                .with("max", max >> 20),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| FileError::new(&file, 0, "", io_words(&e)))?;
    decode(&bytes).map_err(|e| FileError::new(&file, 0, "", e))
}

/// Why a file could not be read, in the officer's words (the system's own sentence, in
/// English and with an error number, only for the rare cases not named here).
pub fn io_words(e: &std::io::Error) -> Said {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => Said::new("import.io.not_found"),
        ErrorKind::PermissionDenied => Said::new("import.io.permission"),
        ErrorKind::IsADirectory => Said::new("import.io.is_dir"),
        _ => system(e),
    }
}

/// Parses a JSON file's text, or says where it is not JSON.
pub fn parse_json(text: &str, file: &str) -> Result<serde_json::Value, Vec<FileError>> {
    serde_json::from_str(text).map_err(|e| {
        vec![FileError::new(
            file,
            e.line() as u64,
            "JSON",
            Said::new("import.not_json").with("error", e),
        )]
    })
}

/// The 1-based line number of a byte offset.
pub fn line_at(text: &str, byte: u64) -> u64 {
    Lines::new(text).at(byte)
}

/// Line numbers of byte offsets met in increasing order, as a CSV reader meets its
/// records: each call counts only the newlines since the previous one. (Counting from the
/// start for every record made a ledger's import quadratic: 200,000 rows read 20 MB of
/// text 200,000 times.) An offset behind the last one is counted from the start again.
pub struct Lines<'t> {
    text: &'t [u8],
    /// Newlines in `text[..end]`.
    newlines: u64,
    end: usize,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text: text.as_bytes(),
            newlines: 0,
            end: 0,
        }
    }

    /// The 1-based line of the byte at `byte`.
    pub fn at(&mut self, byte: u64) -> u64 {
        // With CRLF endings csv reports a record as starting at the LF before it; counting
        // the byte at the offset too gives the same line for both endings.
        let end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
            .min(self.text.len());
        if end < self.end {
            self.newlines = 0;
            self.end = 0;
        }
        self.newlines += self.text[self.end..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.end = end;
        self.newlines + 1
    }
}

/// Imported dates must fall in these years: a year 0, 9999 or -5 is a typing or export
/// mistake, not a visit or an opening.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Whether an imported date is in [`YEARS`].
pub fn year_in_range(date: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    YEARS.contains(&date.year())
}

/// What is said of a date outside [`YEARS`].
pub fn year_out_of_range(text: &str) -> Said {
    Said::new("import.date.out_of_years")
        .with("text", text)
        .with("from", YEARS.start())
        .with("to", YEARS.end())
}

/// Why an imported date was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    Unreadable,
    /// Read, but outside [`YEARS`].
    OutOfYears,
}

impl DateProblem {
    /// What is said of the cell `text`.
    pub fn said(self, text: &str) -> Said {
        match self {
            DateProblem::OutOfYears => year_out_of_range(text.trim()),
            DateProblem::Unreadable => Said::new("import.date.unreadable"),
        }
    }
}

/// A date as files write it (`2026-11-20`, `2026/11/20`, `2026.11.20`, `2026年11月20日`;
/// anything after the first ten characters, such as a time, ignored); `None` for an empty
/// cell.
pub fn date_of(text: &str) -> Result<Option<chrono::NaiveDate>, DateProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let t = t
        .replace(['/', '.'], "-")
        .replace(['年', '月'], "-")
        .replace('日', "");
    let d = t.get(..10).unwrap_or(&t);
    match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(d) if year_in_range(d) => Ok(Some(d)),
        Ok(_) => Err(DateProblem::OutOfYears),
        // `-5-01-01` or `10000-01-01`: a year chrono does not read this way.
        Err(_) if signed_year(&t) => Err(DateProblem::OutOfYears),
        Err(_) => Err(DateProblem::Unreadable),
    }
}

/// [`date_of`], with the problem as a message.
pub fn read_date(text: &str) -> Result<Option<chrono::NaiveDate>, Said> {
    date_of(text).map_err(|p| p.said(text))
}

/// `-5-01-01`, `+12026-01-01`: a date whose year has a sign or more than four digits, and so
/// is outside [`YEARS`] whatever else it says.
pub fn signed_year(t: &str) -> bool {
    let t = t.trim();
    let (signed, rest) = match t.strip_prefix(['-', '+']) {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && (signed || digits > 4) && rest[digits..].starts_with('-')
}

/// Characters no imported value keeps: what drives a terminal
/// ([`crate::domain::control::drives_terminal`]: ESC, BEL, BS, CR, DEL, C1, bidi marks).
/// Tab and line feed are layout, not controls, and are judged by the kind of value
/// ([`clean`]).
pub fn is_hostile(c: char) -> bool {
    c != '\t' && c != '\n' && crate::domain::control::drives_terminal(c)
}

/// The kind of an imported value, for [`clean`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A name, employer, title, date, number…: one line.
    Line,
    /// A summary or description: keeps its line breaks.
    Text,
}

/// An imported value made safe to store and show: hostile characters ([`is_hostile`])
/// removed; CRLF made LF; in a [`Shape::Line`] value tabs and line breaks become spaces;
/// blanks trimmed at both ends. A value that a spreadsheet protected from being run as a
/// formula, by a leading tab (or `'`), and that would begin with `=`, `+`, `-` or `@` once
/// trimmed, keeps the protection as a leading `'` (OWASP's form) instead of losing it.
/// Returns the value and whether anything hostile was removed (a CRLF, tab or line break
/// made a space is layout, not counted).
pub fn clean(raw: &str, shape: Shape) -> (String, bool) {
    let mut removed = false;
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_hostile(c) {
            removed = true;
        } else {
            text.push(c);
        }
    }
    let body = text.trim();
    let lead = &text[..text.len() - text.trim_start().len()];
    let protected = lead.contains('\t') && body.starts_with(['=', '+', '-', '@']);
    let mut out = String::with_capacity(body.len() + 1);
    if protected {
        out.push('\'');
    }
    match shape {
        Shape::Text => out.push_str(body),
        Shape::Line => out.extend(body.chars().map(|c| match c {
            '\t' | '\n' => ' ',
            c => c,
        })),
    }
    (out, removed)
}

/// Cleans imported values ([`clean`]) and counts those that had something removed, for
/// the import's message.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleaner {
    pub cleaned: usize,
}

impl Cleaner {
    pub fn clean(&mut self, raw: &str, shape: Shape) -> String {
        let (out, removed) = clean(raw, shape);
        self.cleaned += usize::from(removed);
        out
    }

    /// Cleans every string in a JSON document in place: those under a key in `texts`
    /// as [`Shape::Text`], the rest as lines.
    pub fn clean_json(&mut self, v: &mut serde_json::Value, texts: &[&str]) {
        self.json(v, Shape::Line, texts);
    }

    fn json(&mut self, v: &mut serde_json::Value, shape: Shape, texts: &[&str]) {
        use serde_json::Value;
        match v {
            Value::String(s) => *s = self.clean(s, shape),
            Value::Array(a) => a.iter_mut().for_each(|x| self.json(x, shape, texts)),
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    let shape = if texts.contains(&k.as_str()) {
                        Shape::Text
                    } else {
                        Shape::Line
                    };
                    self.json(x, shape, texts);
                }
            }
            _ => {}
        }
    }
}

/// The success message's tail saying how many values were cleaned; None if none.
pub fn cleaned_note(cleaned: usize) -> Option<Said> {
    (cleaned > 0).then(|| Said::new("import.cleaned").with("n", cleaned))
}

/// A CSV file read whole: its header cells and each non-blank record with its line, every
/// cell cleaned ([`clean`]).
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// Cells that had control characters removed.
    pub cleaned: usize,
}

impl Table {
    /// Reads `text` as CSV; records csv cannot read are reported with their lines. Cells
    /// under a header in `texts` (case-insensitive) are multi-line text, the rest lines.
    pub fn read(text: &str, texts: &[&str]) -> Result<Table, Vec<RowError>> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| {
                vec![RowError {
                    line: 1,
                    field: "CSV".into(),
                    message: system(e),
                }]
            })?
            .iter()
            .map(|h| clean(h.trim_start_matches('\u{feff}'), Shape::Line).0)
            .collect();
        let shapes: Vec<Shape> = headers
            .iter()
            .map(|h| {
                if texts.iter().any(|t| t.eq_ignore_ascii_case(h)) {
                    Shape::Text
                } else {
                    Shape::Line
                }
            })
            .collect();
        let mut cleaner = Cleaner::default();
        let mut lines = Lines::new(text);
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| lines.at(p.byte()));
                    let cells: Vec<String> = r
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            cleaner.clean(c, shapes.get(i).copied().unwrap_or(Shape::Line))
                        })
                        .collect();
                    if cells.iter().all(|c| c.is_empty()) {
                        continue;
                    }
                    rows.push((line, cells));
                }
                Err(e) => errors.push(RowError {
                    line: e.position().map_or(0, |p| lines.at(p.byte())),
                    field: "CSV".into(),
                    message: system(e),
                }),
            }
        }
        if errors.is_empty() {
            Ok(Table {
                headers,
                rows,
                cleaned: cleaner.cleaned,
            })
        } else {
            Err(errors)
        }
    }

    /// Reads `text` as CSV ([`Table::read`]), naming `file` in every problem.
    pub fn read_file(text: &str, file: &str, texts: &[&str]) -> Result<Table, Vec<FileError>> {
        Table::read(text, texts).map_err(|errs| {
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
            Said::new("import.header"),
            missing_columns(missing),
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
pub fn decode(bytes: &[u8]) -> Result<String, Said> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).map_err(|_| Said::new("import.bad_bom"));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GBK.decode(bytes);
    if had_errors {
        return Err(Said::new("import.unknown_encoding"));
    }
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_gbk_all_decode() {
        assert_eq!(decode("姓名".as_bytes()).unwrap(), "姓名");
        assert_eq!(
            decode(b"\xEF\xBB\xBF\xE5\xA7\x93\xE5\x90\x8D").unwrap(),
            "姓名"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,电话");
        assert_eq!(decode(&gbk).unwrap(), "姓名,电话");
        assert!(decode(b"\xFF\xFF\xFF").is_err());
    }

    #[test]
    fn line_numbers_counted_forward_match_counting_from_the_start() {
        let text = "a\nbb\r\nccc\n\nd";
        let mut lines = Lines::new(text);
        for byte in 0..text.len() as u64 + 3 {
            let from_start = text.as_bytes()[..(usize::try_from(byte).unwrap() + 1).min(text.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64
                + 1;
            assert_eq!(lines.at(byte), from_start, "byte {byte}");
        }
        // Going back is counted again from the start.
        assert_eq!(lines.at(0), 1);
        assert_eq!(lines.at(3), 2);
    }

    #[test]
    fn terminal_controls_are_cleaned_out_of_a_line() {
        let line = |s: &str| clean(s, Shape::Line);
        assert_eq!(line("张三"), ("张三".into(), false));
        assert_eq!(line("  张三 \t"), ("张三".into(), false));
        // ESC [2J (clear screen), OSC 52 (write the clipboard) ended by BEL, C1 CSI.
        assert_eq!(line("\x1b[2J张三"), ("[2J张三".into(), true));
        assert_eq!(
            line("李\x1b]52;c;ZWNobyBoaQ==\x07四"),
            ("李]52;c;ZWNobyBoaQ==四".into(), true)
        );
        assert_eq!(line("王\u{9b}31m五\u{85}"), ("王31m五".into(), true));
        // BS, a lone CR, DEL.
        assert_eq!(line("abc\x08\x08\x08xyz"), ("abcxyz".into(), true));
        assert_eq!(line("真名\r假名"), ("真名假名".into(), true));
        assert_eq!(line("x\x7fy"), ("xy".into(), true));
        // Bidi overrides and isolates.
        assert_eq!(line("\u{202E}txt.exe\u{202C}"), ("txt.exe".into(), true));
        for c in [
            '\u{202A}', '\u{202B}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ] {
            assert_eq!(line(&format!("a{c}b")), ("ab".into(), true), "{c:?}");
        }
        // Line breaks and tabs inside one line are spaces, and not counted as cleaned.
        assert_eq!(
            line("城西\r\n食品厂\t二车间"),
            ("城西 食品厂 二车间".into(), false)
        );
        // Chinese punctuation and letters are not controls.
        assert_eq!(
            line("“宏达”制衣厂(城西)"),
            ("“宏达”制衣厂(城西)".into(), false)
        );
    }

    #[test]
    fn multi_line_text_keeps_its_lines_with_lf_endings() {
        let text = |s: &str| clean(s, Shape::Text);
        assert_eq!(
            text("第一行\r\n第二行\n\t缩进"),
            ("第一行\n第二行\n\t缩进".into(), false)
        );
        assert_eq!(
            text("拖欠\x1b[31m工资\x07\r\n三个月\u{202E}"),
            ("拖欠[31m工资\n三个月".into(), true)
        );
    }

    #[test]
    fn a_tab_protecting_a_formula_becomes_a_quote() {
        let line = |s: &str| clean(s, Shape::Line).0;
        for f in ["=1+1", "+1", "-2+3", "@SUM(A1)"] {
            assert_eq!(line(&format!("\t{f}")), format!("'{f}"));
            assert_eq!(line(&format!(" \t {f} ")), format!("'{f}"));
            // Already in OWASP's form: kept as it is.
            assert_eq!(line(&format!("'{f}")), format!("'{f}"));
            // Not protected: left for the exporters to neutralise.
            assert_eq!(line(f), f);
        }
        // A tab before ordinary text is only a blank.
        assert_eq!(line("\t张三"), "张三");
        // A control hiding the formula does not lose the protection either.
        assert_eq!(line("\t\x1b=1+1"), "'=1+1");
        assert_eq!(
            clean("\t=HYPERLINK(\"x\")\n", Shape::Text).0,
            "'=HYPERLINK(\"x\")"
        );
    }

    #[test]
    fn json_strings_are_cleaned_by_their_key() {
        let mut v: serde_json::Value = serde_json::from_str(
            r#"{"title":"普工\u001b[2J","description":"包吃住\r\n五险\u0007","n":3,
                "org":[{"name":"\tsomething"},{"name":"\t=cmd"}]}"#,
        )
        .unwrap();
        let mut c = Cleaner::default();
        c.clean_json(&mut v, &["description"]);
        assert_eq!(v["title"], "普工[2J");
        assert_eq!(v["description"], "包吃住\n五险");
        assert_eq!(v["org"][0]["name"], "something");
        assert_eq!(v["org"][1]["name"], "'=cmd");
        assert_eq!(c.cleaned, 2);
    }

    #[test]
    fn dates_outside_1900_to_2100_are_refused() {
        use chrono::NaiveDate;
        let d = |y, m, day| Ok(NaiveDate::from_ymd_opt(y, m, day));
        assert_eq!(date_of("1900-01-01"), d(1900, 1, 1));
        assert_eq!(date_of("2100/12/31"), d(2100, 12, 31));
        assert_eq!(date_of("2026年11月20日"), d(2026, 11, 20));
        assert_eq!(date_of(""), Ok(None));
        for bad in [
            "0000-01-01",
            "9999-12-31",
            "-5-01-01",
            "-0005-01-01",
            "1899-12-31",
            "2101-01-01",
            "10000-01-01",
            "+12026-01-01",
        ] {
            assert_eq!(date_of(bad), Err(DateProblem::OutOfYears), "{bad}");
        }
        assert_eq!(date_of("2026-13-01"), Err(DateProblem::Unreadable));
        assert_eq!(date_of("明天"), Err(DateProblem::Unreadable));
        assert!(
            read_date("0-01-01")
                .unwrap_err()
                .say(Lang::Zh)
                .contains("1900–2100")
        );
        assert!(
            read_date("9999-01-01")
                .unwrap_err()
                .say(Lang::En)
                .contains("1900–2100")
        );
    }
}

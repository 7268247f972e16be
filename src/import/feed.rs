//! Feeds from outside (job postings, service directories): all records or none by
//! default; with `--skip-bad` the good ones, and each one left out listed with where it is
//! (a JSON path such as `$[3]`, or a CSV file's line) and why.

use crate::i18n::Lang;
use crate::import::FileError;
use crate::words::{self, Arg, Said};

/// What a feed gave: the records read, those left out (with `--skip-bad` only), and how
/// many values had control characters cleaned out.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed<T> {
    pub records: Vec<T>,
    pub skipped: Vec<Skipped>,
    pub cleaned: usize,
}

/// One record left out: its file, its position (`$[3]`, `$.contents[0]`, `第7行` / `line 7`)
/// and every problem found in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub position: Arg,
    pub problems: Vec<FileError>,
}

impl Skipped {
    /// `file: $[3]: skipped: $[3].baseSalary: no amount; …`
    pub fn render(&self, lang: Lang) -> String {
        let why: Vec<String> = self.problems.iter().map(|p| p.error.render(lang)).collect();
        words::say(
            lang,
            "import.skipped",
            &[
                ("file", &self.file),
                ("position", &self.position.say(lang)),
                ("why", &why.join(words::word(lang, "import.skipped_sep"))),
            ],
        )
    }
}

/// The position of a CSV record, as its line is said.
pub fn line_position(line: u64) -> Arg {
    Said::new("import.line").with("line", line).into()
}

/// Records read one by one, each with its file, position and problems, settled at the
/// end: every problem refuses the whole feed unless `skip_bad`, when the records with
/// problems are left out and listed.
pub struct Settle<T> {
    skip_bad: bool,
    good: Vec<T>,
    skipped: Vec<Skipped>,
    errors: Vec<FileError>,
}

impl<T> Settle<T> {
    pub fn new(skip_bad: bool) -> Settle<T> {
        Settle {
            skip_bad,
            good: Vec::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// A record and the problems found in it (none: it is good).
    pub fn record(&mut self, file: &str, position: Arg, record: T, problems: Vec<FileError>) {
        if problems.is_empty() {
            self.good.push(record);
        } else if self.skip_bad {
            self.skipped.push(Skipped {
                file: file.to_string(),
                position,
                problems,
            });
        } else {
            self.errors.extend(problems);
        }
    }

    /// A problem with no record to leave out (the file, a table): always refuses.
    pub fn fatal(&mut self, e: FileError) {
        self.skip_bad = false;
        self.errors.push(e);
    }

    pub fn is_refused(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The good records so far, to check them against each other.
    pub fn good(&self) -> &[T] {
        &self.good
    }

    pub fn good_mut(&mut self) -> &mut Vec<T> {
        &mut self.good
    }

    pub fn finish(self, cleaned: usize) -> Result<Feed<T>, Vec<FileError>> {
        if self.errors.is_empty() {
            Ok(Feed {
                records: self.good,
                skipped: self.skipped,
                cleaned,
            })
        } else {
            Err(self.errors)
        }
    }
}

/// `$[3]`, `$.contents[0]`, `$["@graph"][2]`: a JSON path, a key after `base`.
pub fn json_key(base: &str, key: &str) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !key.is_empty() {
        format!("{base}.{key}")
    } else {
        format!("{base}[{key:?}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_and_settling() {
        assert_eq!(json_key("$", "contents"), "$.contents");
        assert_eq!(json_key("$", "@graph"), "$[\"@graph\"]");
        let mut all: Settle<u32> = Settle::new(false);
        all.record("f", "$[0]".into(), 1, vec![]);
        all.record(
            "f",
            "$[1]".into(),
            2,
            vec![FileError::new(
                "f",
                0,
                "$[1].title",
                crate::import::required(),
            )],
        );
        assert_eq!(all.finish(0).unwrap_err().len(), 1);
        let mut some: Settle<u32> = Settle::new(true);
        some.record("f", "$[0]".into(), 1, vec![]);
        some.record(
            "f",
            "$[1]".into(),
            2,
            vec![FileError::new(
                "f",
                0,
                "$[1].title",
                crate::import::required(),
            )],
        );
        let feed = some.finish(0).unwrap();
        assert_eq!(feed.records, vec![1]);
        assert_eq!(
            feed.skipped[0].render(Lang::En),
            "f: $[1]: skipped: $[1].title: required"
        );
    }
}

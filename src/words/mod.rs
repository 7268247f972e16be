//! The desk's sentences, one file per language: `zh.toml` and `en.toml`, compiled in.
//! Everything below the terminal (`domain/`, `import/`, `export/`, `report/`) says what
//! happened as a typed cause or fact; its words are looked up here, by key, only where
//! the result is shown or written (`message(lang)`, `render(lang)`, [`Said::say`]).
//!
//! A message is found by its dotted key, grouped by the module that asks for it
//! (`phone.too_few.mobile`, `import.visits.bad_date`, `log.shift_opened`). A template's
//! `{name}` is filled with the value given for `name`; `{name:?}` puts the value in
//! quoted as Rust's `{:?}` quotes it (the English of a few import messages). A value is
//! put in as it is, never read for further names; a name without a value stays as written.
//!
//! Keys are written as string literals where they are asked for — `words::say(lang,
//! "phone.empty", &[])`, `words::word(lang, "list.none")`, `Said::new("intake.required")`
//! — so the tests can find every one in the source and prove it exists in both files
//! (see `tests.rs`). A new message: add the key to BOTH files, in the group of its module.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::i18n::Lang;

/// The Chinese catalog, as compiled in.
pub const ZH_TOML: &str = include_str!("zh.toml");
/// The English catalog, as compiled in.
pub const EN_TOML: &str = include_str!("en.toml");

/// The keys whose English must quote Chinese data (a column's Chinese header, a Chinese
/// word the file has to hold): the only English messages allowed Chinese characters.
pub const QUOTES_CHINESE: &[&str] = &[
    // How people write an amount: `11.5万`.
    "money.unparseable",
    // The report's English names the desk's own word for a follow-up visit.
    "report.period.of_which_follow_ups",
    "report.period.follow_up",
    // How people write a wage in a file: `200/天`, `面议`.
    "import.jobs.bad_wage",
    // A ledger's column is named by its Chinese header: `接待人`.
    "store.import.no_officer",
];

/// One language's messages by dotted key.
type Catalog = HashMap<String, String>;

/// Flattens a TOML table into dotted keys. Panics on a value that is not a string: the
/// files are compiled in and the tests read them, so a bad file never reaches a desk.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            other => panic!("words: {key} is not a string but {}", other.type_str()),
        }
    }
}

/// A catalog's text read into its keys.
pub fn parse(text: &str) -> Result<Catalog, toml::de::Error> {
    let table: toml::Table = toml::from_str(text)?;
    let mut out = Catalog::new();
    flatten("", &table, &mut out);
    Ok(out)
}

fn catalog(lang: Lang) -> &'static Catalog {
    static ZH: OnceLock<Catalog> = OnceLock::new();
    static EN: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Lang::Zh => ZH.get_or_init(|| parse(ZH_TOML).expect("words/zh.toml is valid TOML")),
        Lang::En => EN.get_or_init(|| parse(EN_TOML).expect("words/en.toml is valid TOML")),
    }
}

/// The template of `key` in `lang`, or None if the catalog has no such key.
pub fn find(lang: Lang, key: &str) -> Option<&'static str> {
    catalog(lang).get(key).map(String::as_str)
}

/// The template of `key` in `lang`. A key missing from the catalog is a defect the tests
/// catch (every key asked for in the source is checked); in a test or a debug build it
/// panics naming the key, in a release build the key itself is shown.
pub fn template(lang: Lang, key: &str) -> &'static str {
    match find(lang, key) {
        Some(t) => t,
        None => missing(lang, key),
    }
}

#[cfg(debug_assertions)]
fn missing(lang: Lang, key: &str) -> &'static str {
    panic!("words: no message `{key}` in the {lang:?} catalog (src/words/*.toml)")
}

#[cfg(not(debug_assertions))]
fn missing(_lang: Lang, key: &str) -> &'static str {
    Box::leak(key.to_string().into_boxed_str())
}

/// The words of a message without parameters.
pub fn word(lang: Lang, key: &str) -> &'static str {
    template(lang, key)
}

/// The message `key` in `lang`, its `{names}` filled from `args`.
pub fn say(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    fill(template(lang, key), args)
}

/// A template filled in: each `{name}` by its value in `args`, `{name:?}` by the value
/// quoted. A value is put in as it is; a name without a value stays as written.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let inner = &after[..close];
            let (name, quoted) = match inner.strip_suffix(":?") {
                Some(n) => (n, true),
                None => (inner, false),
            };
            let (_, v) = args.iter().find(|(k, _)| *k == name)?;
            Some((
                if quoted {
                    format!("{v:?}")
                } else {
                    (*v).to_string()
                },
                close,
            ))
        });
        if let Some((v, close)) = value {
            out.push_str(&v);
            rest = &after[close + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The `{names}` a template uses, in order (`{name:?}` counts as `name`).
pub fn names(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let inner = &after[..close];
        out.push(inner.strip_suffix(":?").unwrap_or(inner));
        rest = &after[close + 1..];
    }
    out
}

/// A closed list's label in `lang`: the lists hold their labels in both languages (see
/// `domain::labels`), and this is where one of them is chosen.
pub fn label(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A message as a fact: its key and its parameters, no words yet. What the modules below
/// the terminal return where a sentence used to be; [`Said::say`] puts it into words in
/// the language of the desk (or of the file) it is shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// A parameter of a [`Said`]: a value as it is, a message of its own, a closed list's
/// label (which the list holds in both languages), or several of these joined by a
/// separator of the catalog — each said in the same language as the whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Said(Box<Said>),
    Label {
        zh: &'static str,
        en: &'static str,
    },
    Joined {
        items: Vec<Arg>,
        sep: Box<Said>,
    },
    /// A value in lower case (a list's English label inside a sentence: "a closed
    /// referral"); Chinese has no case, so it reads as it is.
    Lower(Box<Arg>),
}

impl Arg {
    /// The value in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        match self {
            Arg::Text(t) => t.clone(),
            Arg::Said(s) => s.say(lang),
            Arg::Label { zh, en } => label(lang, zh, en).to_string(),
            Arg::Lower(a) => a.say(lang).to_lowercase(),
            Arg::Joined { items, sep } => {
                let sep = sep.say(lang);
                items
                    .iter()
                    .map(|a| a.say(lang))
                    .collect::<Vec<_>>()
                    .join(&sep)
            }
        }
    }

    /// The value as a file wrote it (a field's header, a JSON path); empty for a value
    /// that is said in a language.
    pub fn as_str(&self) -> &str {
        match self {
            Arg::Text(t) => t,
            _ => "",
        }
    }

    /// Whether it says nothing (an empty value).
    pub fn is_empty(&self) -> bool {
        match self {
            Arg::Text(t) => t.is_empty(),
            Arg::Joined { items, .. } => items.is_empty(),
            Arg::Lower(a) => a.is_empty(),
            Arg::Said(_) | Arg::Label { .. } => false,
        }
    }
}

/// A field named as the file names it: `assert_eq!(e.field, "$[1].title")`.
impl PartialEq<&str> for Arg {
    fn eq(&self, other: &&str) -> bool {
        matches!(self, Arg::Text(t) if t == other)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<Said> for Arg {
    fn from(s: Said) -> Arg {
        Arg::Said(Box::new(s))
    }
}

/// A message is an error too: carried in an `anyhow::Error` (the hub's refusals), it is
/// said in the officer's language where the error is shown ([`error_in`]), and in English
/// by `Display`.
impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::En))
    }
}

impl std::error::Error for Said {}

/// An error and its causes, outermost first, as `{:#}` joins them — each of ours (a
/// [`Said`]) in `lang`.
pub fn error_in(e: &anyhow::Error, lang: Lang) -> String {
    e.chain()
        .map(|cause| {
            cause
                .downcast_ref::<Said>()
                .map_or_else(|| cause.to_string(), |s| s.say(lang))
        })
        .collect::<Vec<_>>()
        .join(": ")
}

impl Said {
    pub fn new(key: &'static str) -> Said {
        Said {
            key,
            args: Vec::new(),
        }
    }

    /// With the value of `{name}`. (Numbers and texts are taken as they come, by value,
    /// so a call reads `.with("digits", n)`.)
    #[must_use]
    #[allow(clippy::needless_pass_by_value)]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Said {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// With `{name}` filled by another message, said in the same language.
    #[must_use]
    pub fn with_said(self, name: &'static str, said: Said) -> Said {
        self.with_arg(name, Arg::from(said))
    }

    /// With `{name}` filled by `arg`, said in the same language.
    #[must_use]
    pub fn with_arg(mut self, name: &'static str, arg: Arg) -> Said {
        self.args.push((name, arg));
        self
    }

    /// The message in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        let values: Vec<(&str, String)> =
            self.args.iter().map(|(k, a)| (*k, a.say(lang))).collect();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        say(lang, self.key, &pairs)
    }
}

#[cfg(test)]
mod tests;

//! The catalog's own proofs: both languages hold the same keys with the same parameters,
//! every key the source asks for is there and every key there is asked for, the English
//! is English.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::*;

fn zh() -> Catalog {
    parse(ZH_TOML).expect("zh.toml parses")
}

fn en() -> Catalog {
    parse(EN_TOML).expect("en.toml parses")
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        ('\u{3000}'..='\u{9fff}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
            || ('\u{f900}'..='\u{faff}').contains(&c)
    })
}

#[test]
fn both_languages_hold_exactly_the_same_keys() {
    let (zh, en) = (zh(), en());
    let only_zh: BTreeSet<&String> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: BTreeSet<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    assert!(only_zh.is_empty(), "only in zh.toml: {only_zh:?}");
    assert!(only_en.is_empty(), "only in en.toml: {only_en:?}");
    assert!(
        zh.len() > 100,
        "the catalog lost its messages: {} keys",
        zh.len()
    );
}

#[test]
fn every_key_takes_the_same_parameters_in_both_languages() {
    let (zh, en) = (zh(), en());
    let mut wrong = Vec::new();
    for (key, z) in &zh {
        let Some(e) = en.get(key) else { continue };
        let mut a = names(z);
        let mut b = names(e);
        a.sort_unstable();
        a.dedup();
        b.sort_unstable();
        b.dedup();
        if a != b {
            wrong.push(format!("{key}: zh {a:?}, en {b:?}"));
        }
        if z.is_empty() && !e.is_empty() || e.is_empty() && !z.is_empty() {
            wrong.push(format!("{key}: said in one language only"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_english_holds_no_chinese_but_where_it_quotes_chinese_data() {
    let en = en();
    let mut wrong: Vec<String> = en
        .iter()
        .filter(|(k, v)| has_cjk(v) && !QUOTES_CHINESE.contains(&k.as_str()))
        .map(|(k, v)| format!("{k} = {v:?}"))
        .collect();
    // The list of exceptions is kept true: each names a key whose English does quote Chinese.
    for k in QUOTES_CHINESE {
        match en.get(*k) {
            None => wrong.push(format!(
                "{k} is listed in QUOTES_CHINESE but not in en.toml"
            )),
            Some(v) if !has_cjk(v) => {
                wrong.push(format!(
                    "{k} is listed in QUOTES_CHINESE but quotes no Chinese"
                ));
            }
            Some(_) => {}
        }
    }
    wrong.sort();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Where a key is asked for: the call, and the key if it is written as a literal.
#[derive(Debug)]
struct Asked {
    at: String,
    key: Option<String>,
}

/// The string literal at the start of `s` (after blanks), if there is one.
fn literal(s: &str) -> Option<String> {
    let rest = s.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// `s` after its first argument (up to a comma outside brackets).
fn after_first_arg(s: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return "",
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return &s[i + 1..],
            _ => {}
        }
    }
    ""
}

/// Every `words::say(lang, "key", …)`, `words::word(lang, "key")` and `Said::new("key")`
/// in `text`.
fn asked_in(file: &str, text: &str) -> Vec<Asked> {
    let mut out = Vec::new();
    for (call, key_is_second) in [
        ("words::say(", true),
        ("words::word(", true),
        ("Said::new(", false),
    ] {
        for (at, _) in text.match_indices(call) {
            let args = &text[at + call.len()..];
            let key = if key_is_second {
                literal(after_first_arg(args))
            } else {
                literal(args)
            };
            let line = text[..at].matches('\n').count() + 1;
            out.push(Asked {
                at: format!("{file}:{line}"),
                key,
            });
        }
    }
    out
}

fn asked_in_source() -> Vec<Asked> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out = Vec::new();
    for f in files {
        let name = f.strip_prefix(&src).unwrap_or(&f).display().to_string();
        // The catalog's own code passes keys on; its tests ask for made-up ones.
        if name.starts_with("words") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("a source file is readable");
        out.extend(asked_in(&name, &text));
    }
    out
}

#[test]
fn every_key_the_source_asks_for_exists_and_every_key_is_asked_for() {
    let (zh, en) = (zh(), en());
    let asked = asked_in_source();
    assert!(
        asked.len() > 100,
        "the source scan found only {} calls",
        asked.len()
    );
    let mut wrong = Vec::new();
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    for a in &asked {
        match &a.key {
            None => wrong.push(format!("{}: a key not written as a literal", a.at)),
            Some(k) if !zh.contains_key(k) || !en.contains_key(k) => {
                wrong.push(format!("{}: no message `{k}` in the catalog", a.at));
            }
            Some(k) => {
                used.insert(k.clone(), a.at.clone());
            }
        }
    }
    for m in crate::domain::log_fact::catalog::Msg::ALL {
        used.insert(m.key().to_string(), "log_fact::catalog".into());
    }
    let mut unused: Vec<&String> = zh.keys().filter(|k| !used.contains_key(*k)).collect();
    unused.sort();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        unused.is_empty(),
        "in the catalog but asked for nowhere: {unused:?}"
    );
}

#[test]
fn the_scan_finds_keys_as_they_are_written() {
    let text = "x = words::say(\n    self.lang,\n    \"phone.empty\",\n    &[],\n);\n\
                let y = words::word(lang, key);\nSaid::new(\"intake.required\").with(\"a\", 1)";
    let found = asked_in("f.rs", text);
    let keys: Vec<(String, Option<String>)> = found.into_iter().map(|a| (a.at, a.key)).collect();
    assert_eq!(
        keys,
        vec![
            ("f.rs:1".to_string(), Some("phone.empty".to_string())),
            ("f.rs:6".to_string(), None),
            ("f.rs:7".to_string(), Some("intake.required".to_string())),
        ]
    );
}

#[test]
#[should_panic(expected = "no message `phone.no_such_key` in the En catalog")]
fn a_wrong_key_is_reported_by_name() {
    let _ = say(Lang::En, "phone.no_such_key", &[]);
}

#[test]
fn values_go_in_as_they_are_and_quoted_where_asked() {
    assert_eq!(
        fill("{a} and {b:?} and {c}", &[("a", "{b}"), ("b", "x\"y")]),
        "{b} and \"x\\\"y\" and {c}"
    );
    assert_eq!(names("{a} {b:?}{c}"), vec!["a", "b", "c"]);
    let said = Said::new("log.acknowledged").with("signer", "李梅");
    assert_eq!(said.say(Lang::En), "Read 李梅's handover");
    assert_eq!(said.say(Lang::Zh), "已阅 李梅 的交班记录");
}

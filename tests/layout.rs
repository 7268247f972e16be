//! The layout issue 14 set, kept: no source file under `src/` over 800 lines (a file that
//! grows past it is split by job into a folder), and `impl App` written in the app's own
//! file only (panes return effects; they do not reach into the App).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap().display().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| text.lines().count() > 800)
        .map(|(name, text)| format!("{name}: {} lines", text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "split these by job into a folder:\n{}",
        long.join("\n")
    );
}

#[test]
fn only_the_app_implements_the_app() {
    let files: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| {
            text.lines()
                .any(|l| l.trim_start().starts_with("impl App "))
        })
        .map(|(name, _)| name)
        .collect();
    assert_eq!(files, vec!["src/app/mod.rs".to_string()]);
}

/// The folders below the terminal: they return typed causes and facts, and their words are
/// looked up in the catalog (`src/words`) where they are shown. The hub's command line
/// (`src/hub/cli.rs`) is an edge, as the TUI is: it may pick its words in place.
const BELOW_THE_TERMINAL: &[&str] = &[
    "src/domain/",
    "src/store/",
    "src/import/",
    "src/report/",
    "src/export/",
    "src/hub/",
];
const EDGES: &[&str] = &["src/hub/cli.rs"];

/// Receivers of a `.pick(` that is no language's (a random choice among generated data).
const NOT_A_LANGUAGE: &[&str] = &["rng"];

/// The lines of `text` outside its test modules (`#[cfg(test)] mod … { … }`), numbered
/// from 1, comments left out.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            let opens_module = lines.peek().is_some_and(|(_, next)| {
                let n = next.trim();
                (n.starts_with("mod ") || n.starts_with("pub mod ")) && n.ends_with('{')
            });
            if opens_module {
                let (mut opened, mut closed) = (0usize, 0usize);
                for (_, l) in lines.by_ref() {
                    opened += l.matches('{').count();
                    closed += l.matches('}').count();
                    if closed >= opened {
                        break;
                    }
                }
            }
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push((i + 1, line));
    }
    out
}

/// Where `text` picks words by language: `.pick(` on a language, `match lang`, an arm
/// `Lang::Zh =>` / `Lang::En =>`. Each as "file:line: the line".
fn language_picks(file: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in code_lines(text) {
        let picks = line.match_indices(".pick(").any(|(at, _)| {
            let before = line[..at].trim_end();
            !NOT_A_LANGUAGE.iter().any(|r| {
                before.ends_with(r)
                    && !before[..before.len() - r.len()]
                        .ends_with(|c: char| c.is_alphanumeric() || c == '_')
            })
        });
        let matches_lang = line.match_indices("match ").any(|(at, _)| {
            let rest = &line[at + "match ".len()..];
            let scrutinee = rest.split('{').next().unwrap_or("").trim();
            scrutinee.ends_with("lang") || scrutinee.ends_with("Lang")
        });
        let lang_arm = line.contains("Lang::Zh =>") || line.contains("Lang::En =>");
        if picks || matches_lang || lang_arm {
            out.push(format!("{file}:{n}: {}", line.trim()));
        }
    }
    out
}

#[test]
fn below_the_terminal_no_words_are_picked_by_language() {
    let found: Vec<String> = sources()
        .into_iter()
        .filter(|(name, _)| {
            let name = name.replace('\\', "/");
            BELOW_THE_TERMINAL.iter().any(|d| name.starts_with(d))
                && !EDGES.contains(&name.as_str())
                // Test files may hold Chinese input data and compare both languages.
                && !name.ends_with("/tests.rs")
                && !name.contains("/tests/")
        })
        .flat_map(|(name, text)| language_picks(&name, &text))
        .collect();
    assert!(
        found.is_empty(),
        "return a typed cause or a words::Said here and say it where it is shown \
         (src/words/{{zh,en}}.toml):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_every_way_of_picking_by_language() {
    let text = "fn f(lang: Lang) {\n    let a = lang.pick(\"是\", \"yes\");\n    \
                let b = self.lang\n        .pick(\"否\", \"no\");\n    let c = rng.pick(ALL);\n    \
                let d = match lang {\n        Lang::Zh => 1,\n        _ => 2,\n    };\n    \
                // lang.pick(\"a comment\", \"is no code\")\n    let e = strng.pick(x);\n}\n\
                #[cfg(test)]\nmod tests {\n    fn g() { lang.pick(\"测试\", \"test\"); }\n}\n\
                fn h() { match a.lang { _ => {} } }\n";
    let lines: Vec<String> = language_picks("f.rs", text)
        .into_iter()
        .map(|l| l.split(": ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        lines,
        vec!["f.rs:2", "f.rs:4", "f.rs:6", "f.rs:7", "f.rs:11", "f.rs:17"]
    );
}

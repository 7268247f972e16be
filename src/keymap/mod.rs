//! Keymaps: TOML files binding keys to named actions per context.
//!
//! ```toml
//! [global]
//! F1 = "help"
//! [form]
//! "C-s" = "save"
//! ```
//! `keymaps/default.toml` is compiled in; a user file (`--keymap FILE`, or `keymap.toml` in
//! the config directory) overrides it key by key, and `"none"` unbinds. A broken file is
//! never half-used: loading fails naming the file, the line and the key.

mod keys;

use std::collections::BTreeMap;
use std::path::Path;

pub use keys::{KeyChord, KeyCodeKey};

use crate::action::Action;
use crate::domain::labels::Labeled;

pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");

/// Where a key is pressed. The focused text field claims plain keys before any of these;
/// then the context of what has focus; then `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Form,
    List,
    /// The referral queue: its own keys, then [list], then [global].
    Referrals,
    /// The job lookup: its own keys, then [form], then [global].
    Jobs,
    /// The daily log and its review: its own keys, then [list], then [global].
    Log,
    Help,
    /// A yes/no question: its own keys only.
    Confirm,
}

impl Context {
    pub const ALL: [Context; 8] = [
        Context::Global,
        Context::Form,
        Context::List,
        Context::Referrals,
        Context::Jobs,
        Context::Log,
        Context::Help,
        Context::Confirm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Form => "form",
            Context::List => "list",
            Context::Referrals => "referrals",
            Context::Jobs => "jobs",
            Context::Log => "log",
            Context::Help => "help",
            Context::Confirm => "confirm",
        }
    }

    fn from_name(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: key {key:?}: {problem}")]
pub struct KeymapError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub problem: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    maps: BTreeMap<Context, BTreeMap<KeyChord, Action>>,
}

/// An action with the keys bound to it, as the help overlay lists it.
pub type Binding = (Action, Vec<KeyChord>);

type RawFile = BTreeMap<String, BTreeMap<String, toml::Spanned<String>>>;

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Keymap {
    /// The compiled-in default keymap.
    pub fn default_map() -> Keymap {
        let mut km = Keymap::default();
        km.apply("keymaps/default.toml", DEFAULT_KEYMAP)
            .expect("the shipped default keymap is valid (tested)");
        km
    }

    /// The default keymap with a user file laid over it.
    pub fn with_user_file(path: &Path) -> Result<Keymap, KeymapError> {
        let text = std::fs::read_to_string(path).map_err(|e| KeymapError {
            file: path.display().to_string(),
            line: 0,
            key: String::new(),
            problem: format!("cannot read: {e}"),
        })?;
        let mut km = Keymap::default_map();
        km.apply(&path.display().to_string(), &text)?;
        Ok(km)
    }

    /// Parses `text` and lays its bindings over this keymap, or changes nothing on error.
    pub fn apply(&mut self, file: &str, text: &str) -> Result<(), KeymapError> {
        let err = |line: usize, key: &str, problem: String| KeymapError {
            file: file.to_string(),
            line,
            key: key.to_string(),
            problem,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            err(line, "", e.message().to_string())
        })?;
        let mut staged = self.maps.clone();
        for (context_name, bindings) in &raw {
            let Some(context) = Context::from_name(context_name) else {
                let line = text
                    .find(&format!("[{context_name}]"))
                    .map_or(0, |o| line_of(text, o));
                return Err(err(
                    line,
                    "",
                    format!(
                        "unknown context [{context_name}]; use global, form, list, referrals, jobs, log, help or confirm"
                    ),
                ));
            };
            let mut seen: BTreeMap<KeyChord, &str> = BTreeMap::new();
            let map = staged.entry(context).or_default();
            for (key_text, action) in bindings {
                let line = line_of(text, action.span().start);
                let chord = KeyChord::parse(key_text)
                    .ok_or_else(|| err(line, key_text, "unknown key name".into()))?;
                if let Some(first) = seen.insert(chord, key_text) {
                    return Err(err(
                        line,
                        key_text,
                        format!("bound twice in [{context_name}] (also as {first:?})"),
                    ));
                }
                let name = action.get_ref().as_str();
                if name == "none" {
                    map.remove(&chord);
                    continue;
                }
                let action = Action::from_code(name)
                    .ok_or_else(|| err(line, key_text, format!("unknown action {name:?}")))?;
                map.insert(chord, action);
            }
        }
        self.maps = staged;
        Ok(())
    }

    pub fn lookup(&self, context: Context, chord: &KeyChord) -> Option<Action> {
        self.maps.get(&context).and_then(|m| m.get(chord)).copied()
    }

    /// Keys bound to `action` in `context`, for hints and the help overlay.
    pub fn keys_for(&self, context: Context, action: Action) -> Vec<KeyChord> {
        self.maps
            .get(&context)
            .map(|m| {
                m.iter()
                    .filter(|(_, a)| **a == action)
                    .map(|(k, _)| *k)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first key for `action`, looked up in `context` then global, as text (`C-s`).
    pub fn hint(&self, context: Context, action: Action) -> String {
        self.keys_for(context, action)
            .into_iter()
            .chain(self.keys_for(Context::Global, action))
            .next()
            .map_or_else(|| "—".into(), |k| k.to_string())
    }

    /// Per context, each bound action with its keys, in the order actions are declared.
    pub fn reverse(&self) -> Vec<(Context, Vec<Binding>)> {
        Context::ALL
            .into_iter()
            .filter_map(|c| {
                let rows: Vec<_> = Action::ALL
                    .iter()
                    .map(|a| (*a, self.keys_for(c, *a)))
                    .filter(|(_, keys)| !keys.is_empty())
                    .collect();
                (!rows.is_empty()).then_some((c, rows))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Keymap, KeymapError> {
        let mut km = Keymap::default_map();
        km.apply("user.toml", text)?;
        Ok(km)
    }

    #[test]
    fn default_binds_the_documented_keys() {
        let km = Keymap::default_map();
        let k = |s| KeyChord::parse(s).unwrap();
        assert_eq!(km.lookup(Context::Global, &k("F1")), Some(Action::Help));
        assert_eq!(km.lookup(Context::Global, &k("F2")), Some(Action::Intake));
        assert_eq!(km.lookup(Context::Global, &k("C-q")), Some(Action::Quit));
        assert_eq!(
            km.lookup(Context::Global, &k("C-n")),
            Some(Action::NewIntake)
        );
        assert_eq!(km.lookup(Context::Global, &k("C-s")), Some(Action::Save));
        assert_eq!(km.lookup(Context::Form, &k("Tab")), Some(Action::NextField));
        assert_eq!(
            km.lookup(Context::Form, &k("S-Tab")),
            Some(Action::PrevField)
        );
        assert_eq!(km.lookup(Context::List, &k("/")), Some(Action::Search));
        assert_eq!(km.lookup(Context::List, &k("Enter")), Some(Action::Open));
    }

    #[test]
    fn unknown_action_names_file_line_and_key() {
        let e = load("[global]\nF1 = \"help\"\nF9 = \"explode\"\n").unwrap_err();
        assert_eq!(
            (e.file.as_str(), e.line, e.key.as_str()),
            ("user.toml", 3, "F9")
        );
        assert!(e.problem.contains("explode"));
    }

    #[test]
    fn unknown_key_is_refused() {
        let e = load("[form]\n\"C-Hyper\" = \"save\"\n").unwrap_err();
        assert_eq!((e.line, e.key.as_str()), (2, "C-Hyper"));
    }

    #[test]
    fn one_key_bound_twice_in_a_context_is_refused() {
        let e = load("[form]\n\"C-s\" = \"save\"\n\"ctrl+s\" = \"next_field\"\n").unwrap_err();
        assert!(e.problem.contains("bound twice"), "{e}");
        assert!(e.line == 2 || e.line == 3);
    }

    #[test]
    fn unknown_context_is_refused() {
        let e = load("\n[everywhere]\nF1 = \"help\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn user_file_overrides_key_by_key_and_none_unbinds() {
        let km = load("[global]\nF12 = \"help\"\nF1 = \"none\"\n").unwrap();
        assert_eq!(
            km.lookup(Context::Global, &KeyChord::parse("F12").unwrap()),
            Some(Action::Help)
        );
        assert_eq!(
            km.lookup(Context::Global, &KeyChord::parse("F1").unwrap()),
            None
        );
        assert_eq!(
            km.lookup(Context::Global, &KeyChord::parse("F2").unwrap()),
            Some(Action::Intake)
        );
    }
}

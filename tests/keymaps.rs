//! Every keymap file we ship loads, and keeps the documented default keys working.

use dutydesk::action::Action;
use dutydesk::keymap::{Context, KeyChord, Keymap};

#[test]
fn every_shipped_keymap_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("toml") {
            let km = Keymap::with_user_file(&path).unwrap_or_else(|e| panic!("{e}"));
            let save = km.lookup(Context::Global, &KeyChord::parse("C-s").unwrap());
            assert_eq!(save, Some(Action::Save), "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 2, "default.toml and vim.toml at least");
}

#[test]
fn vim_keymap_adds_j_and_k_in_lists_only() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/vim.toml");
    let km = Keymap::with_user_file(&path).unwrap();
    let j = KeyChord::parse("j").unwrap();
    assert_eq!(km.lookup(Context::List, &j), Some(Action::Down));
    assert_eq!(
        km.lookup(Context::Form, &j),
        None,
        "j types a letter in a form"
    );
}

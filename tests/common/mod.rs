//! What every test that runs the binary shares: the binary, kept away from the user's
//! data, config, database and locale (the command line follows the locale; the tests
//! read its Chinese, the default).

use std::path::Path;

/// The binary as a plain process, with `home` as its home and nothing of the user's.
#[allow(dead_code)] // each test binary uses one of the two
pub fn process(home: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_dutydesk"));
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "DUTYDESK_DB"] {
        c.env_remove(var);
    }
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(std::process::Stdio::null());
    c
}

/// The same, as assert_cmd's command.
#[allow(dead_code)]
pub fn dutydesk(home: &Path) -> assert_cmd::Command {
    assert_cmd::Command::from_std(process(home))
}

//! One target for every parser that reads what people type or files bring. The first
//! byte picks the parser; the rest is its input. Any panic is a bug.
#![no_main]

use dutydesk::app::china_zone;
use dutydesk::config::Config;
use dutydesk::domain::id_number::IdNumber;
use dutydesk::domain::money::parse_yuan;
use dutydesk::domain::phone::Phone;
use dutydesk::import;
use dutydesk::keymap::{KeyChord, Keymap};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    // Files arrive as bytes (UTF-8 or GBK); what people type arrives as text.
    let Ok(text) = import::decode(rest) else {
        return;
    };
    match which % 10 {
        0 => {
            let _ = IdNumber::parse(&text);
        }
        1 => {
            let _ = Phone::parse(&text);
        }
        2 => {
            let _ = parse_yuan(&text);
            let _ = import::jobs::parse_wage(&text);
        }
        3 => {
            let _ = import::visits::parse_when(&text, china_zone());
            let _ = KeyChord::parse(&text);
        }
        4 => {
            let _ = import::visits::parse(&text, china_zone());
        }
        5 => {
            let _ = import::jobs::parse_csv(&text, "jobs.csv");
        }
        6 => {
            let _ = import::jobs::parse_json_ld(&text, "jobs.jsonld");
        }
        7 => {
            let _ = import::directory::parse_csv(&text, "directory.csv");
        }
        8 => {
            let _ = import::directory::parse_hsds_json(&text, "hsds.json");
        }
        _ => {
            let _ = Keymap::default_map().apply("keymap.toml", &text);
            let _ = Config::parse("config.toml", &text);
        }
    }
});

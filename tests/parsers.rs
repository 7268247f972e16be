//! Property tests for every parser that reads what people type or files bring: no input
//! panics, valid input is read exactly, and a single wrong digit in an ID number is caught.
//! Structured files (CSV, GBK, JSON-LD, HSDS, keymaps, config) are fuzzed by mutating the
//! fixtures we ship, so the cases reach past the header. More cases by hand:
//! `PROPTEST_CASES=20000 cargo test --release --test parsers`.

use chrono::{Datelike, NaiveDate};
use dutydesk::app::china_zone;
use dutydesk::config::Config;
use dutydesk::domain::id_number::{self, IdNumber};
use dutydesk::domain::money::{format_fen, parse_yuan};
use dutydesk::domain::phone::{self, Phone};
use dutydesk::import;
use dutydesk::keymap::{KeyChord, Keymap};
use proptest::prelude::*;

/// The first `lines` lines of a fixture (the header and a few records: enough to reach
/// every column's parser, small enough for thousands of cases).
fn fixture(name: &str, lines: usize) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    let text = import::decode(&std::fs::read(path).unwrap()).unwrap();
    text.split_inclusive('\n').take(lines).collect()
}

/// Characters people and files actually bring: ASCII, Chinese, full-width punctuation,
/// quotes and separators, BOMs, control characters.
fn messy_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => proptest::char::range('\u{4e00}', '\u{4fff}'),
        1 => proptest::sample::select(vec![
            ',', '"', '\n', '\r', '\t', '\u{feff}', '\u{3000}', '，', '。', '¥', '万', '元',
            '年', '月', '日', '：', 'X', 'x', '\0', '\u{7f}', '{', '}', '[', ']', '@', '-', '+',
        ]),
        1 => any::<char>(),
    ]
}

fn messy(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(messy_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Edits to a valid text: cut a range, insert messy text, duplicate or drop a line.
#[derive(Debug, Clone)]
enum Edit {
    Cut(usize, usize),
    Insert(usize, String),
    DupLine(usize),
    DropLine(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Cut(a, n)),
        (any::<usize>(), messy(12)).prop_map(|(a, s)| Edit::Insert(a, s)),
        any::<usize>().prop_map(Edit::DupLine),
        any::<usize>().prop_map(Edit::DropLine),
    ];
    proptest::collection::vec(edit, 1..6)
}

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match e {
            Edit::Cut(at, n) if !chars.is_empty() => {
                let at = at % chars.len();
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
            Edit::Insert(at, s) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, s.chars());
            }
            Edit::DupLine(i) | Edit::DropLine(i) => {
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.split('\n').collect();
                let i = i % lines.len();
                if matches!(e, Edit::DupLine(_)) {
                    lines.insert(i, lines[i]);
                } else {
                    lines.remove(i);
                }
                chars = lines.join("\n").chars().collect();
            }
            Edit::Cut(..) => {}
        }
    }
    chars.into_iter().collect()
}

/// A valid 18-character ID number: region, birth date, sequence, check character.
fn valid_id() -> impl Strategy<Value = (String, NaiveDate)> {
    (
        110000u32..660000,
        NaiveDate::from_ymd_opt(1940, 1, 1)
            .unwrap()
            .num_days_from_ce()
            ..NaiveDate::from_ymd_opt(2010, 12, 31)
                .unwrap()
                .num_days_from_ce(),
        0u32..1000,
    )
        .prop_map(|(region, day, seq)| {
            let birth = NaiveDate::from_num_days_from_ce_opt(day).unwrap();
            let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
            let id = format!("{first17}{}", id_number::check_char(&first17));
            (id, birth)
        })
}

/// The config file's documented example (src/config.rs).
const CONFIG: &str = "[deadlines]
legal_consultation = 1
legal_aid = 15
hardship_aid = 10
jobs = 5
agency = 7

[holidays.\"2027\"]
off = [\"2027-01-01\", \"2027-02-06..2027-02-13\"]
work = [\"2027-02-14\"]
";

proptest! {
    #[test]
    fn id_numbers_never_panic_and_a_parsed_one_masks_to_its_length(raw in messy(30)) {
        if let Ok(id) = IdNumber::parse(&raw) {
            let masked = id_number::mask(id.as_str());
            prop_assert_eq!(masked.chars().count(), id.as_str().chars().count());
            prop_assert!(id_number::check_check_char(id.as_str()).is_ok() || id.as_str().len() == 15);
        }
    }

    #[test]
    fn a_valid_id_number_is_read_with_its_birth_date((id, birth) in valid_id()) {
        let parsed = IdNumber::parse(&id).unwrap();
        prop_assert_eq!(parsed.birth_date(), birth);
        // Lower-case x and surrounding blanks are what people type.
        let typed = format!(" {} ", id.to_lowercase());
        let reread = IdNumber::parse(&typed).unwrap();
        prop_assert_eq!(reread.as_str(), id.as_str());
    }

    #[test]
    fn one_wrong_digit_in_an_id_number_is_caught(
        (id, _) in valid_id(),
        at in 0usize..17,
        bump in 1u8..10,
    ) {
        let mut bytes = id.into_bytes();
        bytes[at] = b'0' + (bytes[at] - b'0' + bump) % 10;
        let wrong = String::from_utf8(bytes).unwrap();
        prop_assert!(IdNumber::parse(&wrong).is_err(), "{} accepted", wrong);
    }

    #[test]
    fn phones_never_panic_and_a_mobile_is_read_as_e164(
        raw in messy(24),
        second in 3u8..10,
        rest in 0u64..1_000_000_000,
    ) {
        let _ = Phone::parse(&raw);
        let mobile = format!("1{second}{rest:09}");
        if let Ok(p) = Phone::parse(&mobile) {
            prop_assert_eq!(p.e164(), format!("+86{mobile}"));
            prop_assert_eq!(phone::national_digits(p.e164()), mobile.clone());
            prop_assert_eq!(phone::mask(p.e164()), format!("{}****{}", &mobile[..3], &mobile[7..]));
        }
    }

    #[test]
    fn money_never_panics_and_what_the_desk_writes_it_reads_back(
        raw in messy(24),
        fen in 0i64..100_000_000_000_000,
    ) {
        let _ = parse_yuan(&raw);
        prop_assert_eq!(parse_yuan(&format_fen(fen)), Ok(fen));
    }

    #[test]
    fn dates_and_key_names_never_panic(raw in messy(40)) {
        let _ = import::visits::parse_when(&raw, china_zone());
        let _ = KeyChord::parse(&raw);
        let _ = import::jobs::parse_wage(&raw);
    }

    #[test]
    fn any_bytes_decode_or_are_refused_plainly(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(text) = import::decode(&bytes) {
            let _ = import::visits::parse(&text, china_zone());
        }
    }

    #[test]
    fn a_mangled_ledger_is_read_or_refused_by_line(e in edits()) {
        let text = mutate(&fixture("demo_visits.csv", 12), &e);
        if let Err(errors) = import::visits::parse(&text, china_zone()) {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn mangled_job_files_are_read_or_refused(e in edits()) {
        let csv = mutate(&fixture("demo_jobs.csv", 12), &e);
        let _ = import::jobs::parse_csv(&csv, "jobs.csv");
        let json = mutate(&fixture("jobs_sample.jsonld", 80), &e);
        if let Err(errors) = import::jobs::parse_json_ld(&json, "jobs.jsonld") {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn mangled_directories_are_read_or_refused(e in edits()) {
        let csv = mutate(&fixture("demo_directory.csv", 12), &e);
        let _ = import::directory::parse_csv(&csv, "directory.csv");
        let json = mutate(&fixture("hsds_sample.json", 120), &e);
        if let Err(errors) = import::directory::parse_hsds_json(&json, "hsds.json") {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn mangled_keymaps_and_configs_are_read_or_refused(e in edits()) {
        let keymap = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/vim.toml"),
        )
        .unwrap();
        let mut map = Keymap::default_map();
        let _ = map.apply("keymap.toml", &mutate(&keymap, &e));
        let _ = Config::parse("config.toml", &mutate(CONFIG, &e));
    }
}

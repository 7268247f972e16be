//! Numbers from outside, read as their standards mean them (issue 17): phones, resident ID
//! numbers, unified social credit codes, and pinyin ü in both lookups.
//!
//! Where the vectors come from:
//! - Phones: Google's libphonenumber, resources/PhoneNumberMetadata.xml (territory CN, HK,
//!   MO, TW; commit f7e3e88, 2026-07-17) — its example numbers and the ranges of its
//!   <mobile>, <fixedLine>, <tollFree>, <sharedCost> patterns: every 1xx mobile prefix
//!   from 100 to 199 as the metadata has it in use or not, area codes of 2 and 3 digits
//!   (after the 0) with the subscriber lengths the metadata gives each, 400 / 800 numbers.
//!   The issue's own examples (109 1234 5678, 010-123456789, (+86)131 2345 6789).
//! - ID numbers: GB 11643-1999's annex sample (11010519491231002X); python-stdnum's
//!   tests/test_cn_ric.doctest (Jiangge Zhang, Arthur de Jong; LGPL, vectors only); the
//!   rest built here with an independent ISO 7064 MOD 11-2 (`gb11643_check` below).
//! - Credit codes: python-stdnum's tests/test_cn_uscc.doctest (Leandro Regueiro; the codes
//!   "found online", and its corner cases), GB 32100-2015's character set and weights.

use chrono::{NaiveDate, Utc};
use dutydesk::domain::id_number::{IdError, IdNumber, IdWarning};
use dutydesk::domain::intake::{RawIntake, validate};
use dutydesk::domain::job::{CreditCodeError, Job, check_credit_code, parse_credit_code};
use dutydesk::domain::lists::{Category, Role};
use dutydesk::domain::phone::{self, Phone, PhoneError, PhoneKind};
use dutydesk::i18n::Lang;
use dutydesk::search::{JobFilter, JobIndex};
use dutydesk::store::Store;

// ---------------------------------------------------------------------------------------
// Phones

/// 3-digit mobile prefixes libphonenumber's CN <mobile> pattern has in use:
/// 1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}, plus 1610 and 17400–17405.
fn mobile_prefix_in_use(p: u32) -> bool {
    matches!(p,
        130..=139 | 180..=189 | 145 | 147 | 150..=153 | 155..=159 | 190..=193 | 195..=199
        | 162 | 165..=167 | 170..=173 | 175..=178)
}

#[test]
fn every_1xx_mobile_prefix_is_valid_or_not_as_the_plan_has_it() {
    let mut checked = 0;
    for p in 100..=199u32 {
        let number = format!("{p}12345678");
        let got = Phone::parse(&number);
        if mobile_prefix_in_use(p) {
            assert_eq!(
                got.as_ref().map(|p| p.e164()),
                Ok(format!("+86{number}").as_str())
            );
        } else if p == 161 || p == 174 {
            // Only 1610… and 17400–17405… are in use in these blocks.
            assert_eq!(
                got,
                Err(PhoneError::NotInUse {
                    kind: PhoneKind::Mobile,
                    prefix: number[..4].to_string()
                }),
                "{number}"
            );
        } else {
            assert_eq!(
                got,
                Err(PhoneError::NotInUse {
                    kind: PhoneKind::Mobile,
                    prefix: p.to_string()
                }),
                "{number}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 100);
    // The sub-ranges: 1610x, 1740[0-5] (satellite).
    assert!(Phone::parse("16101234567").is_ok());
    for ok in ["17400123456", "17405123456"] {
        assert!(Phone::parse(ok).is_ok(), "{ok}");
    }
    assert!(Phone::parse("17406123456").is_err());
    // Newly allocated ranges the old crate refused.
    for new in [
        "19012345678",
        "19212345678",
        "19612345678",
        "19712345678",
        "16212345678",
    ] {
        assert!(Phone::parse(new).is_ok(), "{new}");
    }
}

#[test]
fn mobiles_of_the_wrong_length_say_so() {
    for (raw, digits, many) in [
        ("1380013800", 10, false),
        ("138001380", 9, false),
        ("138", 3, false),
        ("138001380001", 12, true),
        ("1380013800012", 13, true),
        ("+86 138 0013 800", 10, false),
        ("+86 138 0013 80000", 12, true),
    ] {
        let want = if many {
            PhoneError::TooMany {
                kind: PhoneKind::Mobile,
                digits,
            }
        } else {
            PhoneError::TooFew {
                kind: PhoneKind::Mobile,
                digits,
            }
        };
        assert_eq!(Phone::parse(raw), Err(want), "{raw}");
    }
    // The example: an 11-digit number in no range.
    assert_eq!(
        Phone::parse("109 1234 5678"),
        Err(PhoneError::NotInUse {
            kind: PhoneKind::Mobile,
            prefix: "109".into()
        })
    );
}

#[test]
fn landlines_of_two_and_three_digit_area_codes() {
    // (as written, E.164) — Beijing, Shanghai, Tianjin, Chongqing and the 02x cities take
    // 8 digits; 3-digit area codes take 7 or 8 as the metadata has each.
    for (raw, e164) in [
        ("010-12345678", "+861012345678"),
        ("010 6552 9988", "+861065529988"),
        ("020-87654321", "+862087654321"),
        ("021-63218888", "+862163218888"),
        ("022-23456789", "+862223456789"),
        ("023-63456789", "+862363456789"),
        ("024-23456789", "+862423456789"),
        ("025-83456789", "+862583456789"),
        ("027-87654321", "+862787654321"),
        ("028-86543210", "+862886543210"),
        ("029-87654321", "+862987654321"),
        ("0571-87654321", "+8657187654321"),
        ("0755-83456789", "+8675583456789"),
        ("0512-65432109", "+8651265432109"),
        ("0311-86543210", "+8631186543210"),
        ("0371-65432109", "+8637165432109"),
        ("0431-85432109", "+8643185432109"),
        ("0898-66543210", "+8689866543210"),
        ("0871-63456789", "+8687163456789"),
        ("0335-3456789", "+863353456789"),
        ("0919-3456789", "+869193456789"),
        ("0941-8234567", "+869418234567"),
        ("0728-3456789", "+867283456789"),
        ("0660-3345678", "+866603345678"),
        ("0464-8234567", "+864648234567"),
        ("0851-5234567", "+868515234567"),
        ("0851-85234567", "+8685185234567"),
        ("0754-8234567", "+867548234567"),
        ("0754-88234567", "+8675488234567"),
    ] {
        let p = Phone::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(p.e164(), e164, "{raw}");
        assert_eq!(
            p.national_digits(),
            raw.replace(['-', ' '], ""),
            "{raw} dials as written"
        );
    }
}

#[test]
fn landlines_of_the_wrong_length_or_area_say_so() {
    let area = |a: &str| PhoneKind::Landline(a.into());
    for (raw, want) in [
        (
            "010-123456789",
            PhoneError::TooMany {
                kind: area("010"),
                digits: 9,
            },
        ),
        (
            "010-2345678",
            PhoneError::TooFew {
                kind: area("010"),
                digits: 7,
            },
        ),
        (
            "021-6321888",
            PhoneError::TooFew {
                kind: area("021"),
                digits: 7,
            },
        ),
        (
            "0571-8765432",
            PhoneError::TooFew {
                kind: area("0571"),
                digits: 7,
            },
        ),
        (
            "0571-876543210",
            PhoneError::TooMany {
                kind: area("0571"),
                digits: 9,
            },
        ),
        (
            "0335-34567890",
            PhoneError::TooMany {
                kind: area("0335"),
                digits: 8,
            },
        ),
        (
            "0335-345678",
            PhoneError::TooFew {
                kind: area("0335"),
                digits: 6,
            },
        ),
        (
            "026-12345678",
            PhoneError::NotInUse {
                kind: area("026"),
                prefix: "026".into(),
            },
        ),
        (
            "0361-2345678",
            PhoneError::NotInUse {
                kind: area("0361"),
                prefix: "0361".into(),
            },
        ),
        (
            "0600-1234567",
            PhoneError::NotInUse {
                kind: area("0600"),
                prefix: "0600".into(),
            },
        ),
        ("87654321", PhoneError::NoAreaCode),
        ("8765432", PhoneError::NoAreaCode),
    ] {
        assert_eq!(Phone::parse(raw), Err(want), "{raw}");
    }
}

#[test]
fn service_numbers_have_ten_digits_and_are_dialled_without_a_zero() {
    for (raw, e164) in [
        ("400-123-4567", "+864001234567"),
        ("4008 123 456", "+864008123456"),
        ("800-810-8888", "+868008108888"),
        ("8001234567", "+868001234567"),
    ] {
        let p = Phone::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(p.e164(), e164);
        assert_eq!(p.national_digits(), raw.replace(['-', ' '], ""));
    }
    assert_eq!(
        Phone::parse("400-123-456"),
        Err(PhoneError::TooFew {
            kind: PhoneKind::Service,
            digits: 9
        })
    );
    assert_eq!(
        Phone::parse("400-1234-5678"),
        Err(PhoneError::TooMany {
            kind: PhoneKind::Service,
            digits: 11
        })
    );
}

#[test]
fn every_common_written_form_is_read() {
    for raw in [
        "13123456789",
        "131 2345 6789",
        "131-2345-6789",
        "131.2345.6789",
        "+8613123456789",
        "+86 131 2345 6789",
        "+86-131-2345-6789",
        "(+86)131 2345 6789",
        "(+86) 131-2345-6789",
        "(86)13123456789",
        "0086 131 2345 6789",
        "0086-13123456789",
        "86 131 2345 6789",
        "  131 2345 6789  ",
        "１３１２３４５６７８９",
        "＋８６ １３１ ２３４５ ６７８９",
        "（＋８６）１３１－２３４５－６７８９",
    ] {
        assert_eq!(
            Phone::parse(raw).map(|p| p.e164().to_string()),
            Ok("+8613123456789".to_string()),
            "{raw}"
        );
    }
    for raw in [
        "+86 10 1234 5678",
        "+86 (0)10 1234 5678",
        "+86-10-12345678",
        "0086 10 12345678",
        "(010) 1234 5678",
        "(010)12345678",
        "010.1234.5678",
    ] {
        assert_eq!(
            Phone::parse(raw).map(|p| p.e164().to_string()),
            Ok("+861012345678".to_string()),
            "{raw}"
        );
    }
}

#[test]
fn letters_and_stray_signs_are_named() {
    for (raw, c) in [
        ("138001380OO", 'O'),
        ("tel 13800138000", 't'),
        ("138 0013 8000 转 123", '转'),
        ("138,0013,8000", ','),
        ("138+0013+8000", '+'),
        ("++8613800138000", '+'),
    ] {
        assert_eq!(Phone::parse(raw), Err(PhoneError::BadChar(c)), "{raw}");
    }
    assert_eq!(Phone::parse(" - "), Err(PhoneError::Empty));
    let e = Phone::parse("138001380OO").unwrap_err();
    assert!(
        e.message(Lang::Zh).contains("字母"),
        "{}",
        e.message(Lang::Zh)
    );
    assert!(e.message(Lang::En).contains("letters"), "{e}");
}

#[test]
fn hong_kong_macao_and_taiwan_by_their_own_plans_others_refused() {
    // libphonenumber's example numbers for each.
    for (raw, e164) in [
        ("+852 5123 4567", "+85251234567"),
        ("+852 2123 4567", "+85221234567"),
        ("+853 6612 3456", "+85366123456"),
        ("+853 2821 2345", "+85328212345"),
        ("+886 912 345 678", "+886912345678"),
        ("+886 0912 345 678", "+886912345678"),
        ("00852 5123 4567", "+85251234567"),
    ] {
        let p = Phone::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(p.e164(), e164);
        assert_eq!(phone::national_digits(p.e164()), e164, "stays E.164");
    }
    assert_eq!(
        Phone::parse("+852 5123 456"),
        Err(PhoneError::TooFew {
            kind: PhoneKind::Abroad("852".into()),
            digits: 7
        })
    );
    assert!(matches!(
        Phone::parse("+1 650 253 0000"),
        Err(PhoneError::Foreign(_))
    ));
}

#[test]
fn messages_say_what_is_wrong_in_both_languages() {
    let cases = [
        (
            "1380013800",
            "位数太少:手机号11位,这里只有10位",
            "too few digits: a mobile number has 11, this has 10",
        ),
        (
            "138001380001",
            "位数太多:手机号11位,这里有12位",
            "too many digits: a mobile number has 11, this has 12",
        ),
        (
            "010-123456789",
            "位数太多:区号010后面应有8位,这里有9位",
            "too many digits: 8 after the area code 010, this has 9",
        ),
        (
            "0571-8765432",
            "位数太少:区号0571后面应有7或8位,这里只有7位",
            "too few digits: 7 or 8 after the area code 0571, this has 7",
        ),
        (
            "026-12345678",
            "没有026这个区号,请核对",
            "026 is not an area code in use",
        ),
        (
            "400-123-456",
            "位数太少:400/800号码应为10位,这里只有9位",
            "too few digits: a 400/800 number has 10, this has 9",
        ),
    ];
    for (raw, zh, en) in cases {
        let e = Phone::parse(raw).unwrap_err();
        assert_eq!(e.message(Lang::Zh), zh, "{raw}");
        assert_eq!(e.message(Lang::En), en, "{raw}");
    }
    // What the form shows at the field comes from the same message.
    let raw = RawIntake {
        name: "张三".into(),
        phone: "109 1234 5678".into(),
        category: Some(Category::WageArrears),
        ..Default::default()
    };
    let errors = validate(&raw).unwrap_err();
    assert!(
        errors[0]
            .message(Lang::Zh)
            .contains("没有109开头的手机号段"),
        "{errors:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Resident ID numbers (GB 11643-1999)

/// ISO 7064 MOD 11-2 as GB 11643 gives it, written again here so the module's own is not
/// checked against itself.
fn gb11643_check(first17: &str) -> char {
    let sum: u32 = first17
        .chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap() * ((1u32 << (17 - i)) % 11))
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

fn id(first17: &str) -> String {
    format!("{first17}{}", gb11643_check(first17))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn valid_id_numbers_are_read_with_their_birth_dates() {
    let today = day(2026, 11, 22);
    let published = [
        ("11010519491231002X", day(1949, 12, 31)),
        ("360426199101010071", day(1991, 1, 1)),
        ("44011320141005001x", day(2014, 10, 5)),
        ("412723199010050012", day(1990, 10, 5)),
        ("110102199101010078", day(1991, 1, 1)),
        ("120110198012010073", day(1980, 12, 1)),
        ("120110199212010072", day(1992, 12, 1)),
    ];
    for (raw, birth) in published {
        let n = IdNumber::parse_on(raw, today).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(n.birth_date(), birth, "{raw}");
        assert!(n.warnings().is_empty(), "{raw}");
    }
    // One per province-level code, born across the century.
    let built = [
        "13010219750315123",
        "14010519880229002",
        "15010220000101003",
        "21010219650707004",
        "22010219550808005",
        "23010219991231006",
        "31011519900101007",
        "32010219801111008",
        "33010219700510009",
        "34010219850620010",
        "35010219950930011",
        "36010219600101012",
        "37010219721212013",
        "41010519830303014",
        "42010219770707015",
        "43010219680808016",
        "44030519900101017",
        "45010219930303018",
        "46010219960606019",
        "50010219870707020",
        "51010719910909021",
        "52010219890101022",
        "53010219940404023",
        "54010219780808024",
        "61010219810101025",
        "62010219760606026",
        "63010219820202027",
        "64010219790909028",
        "65010219900101029",
        "71000019900101030",
        "81000019900101031",
        "82000019900101032",
        "83000019900101033",
        "91000019900101034",
        "11010519000101035",
        "11010520261122036",
    ];
    for first17 in built {
        let raw = id(first17);
        let n = IdNumber::parse_on(&raw, today).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert!(n.province_known(), "{raw}");
        assert_eq!(n.birth_date().format("%Y%m%d").to_string(), &first17[6..14]);
    }
    // Old 15-digit cards: born 19YY, no check character.
    for raw in ["110105491231002", "440524800101001", "330102700510009"] {
        assert!(IdNumber::parse_on(raw, today).is_ok(), "{raw}");
    }
}

#[test]
fn a_wrong_check_character_is_named() {
    let today = day(2026, 11, 22);
    for (raw, expected, found) in [
        ("110105194912310021", 'X', '1'),
        ("36042619910102009X", '3', 'X'),
        ("360426199101010070", '1', '0'),
        ("440113201410050010", 'X', '0'),
        ("412723199010050013", '2', '3'),
        ("110102199101010079", '8', '9'),
        ("120110198012010074", '3', '4'),
        ("12011019921201007X", '2', 'X'),
    ] {
        assert_eq!(
            IdNumber::parse_on(raw, today),
            Err(IdError::CheckChar { expected, found }),
            "{raw}"
        );
    }
}

#[test]
fn birth_dates_after_today_or_before_1900_each_have_their_message() {
    let today = day(2026, 11, 22);
    for first17 in [
        "11010520261123001",
        "11010520270101002",
        "11010521000101003",
        "11010529991231004",
    ] {
        let raw = id(first17);
        let e = IdNumber::parse_on(&raw, today).unwrap_err();
        assert_eq!(e, IdError::Future(first17[6..14].to_string()), "{raw}");
        assert!(e.message(Lang::Zh).contains("晚于今天"));
    }
    for first17 in [
        "11010518991231001",
        "44052418800101001",
        "11010508000101002",
    ] {
        let raw = id(first17);
        let e = IdNumber::parse_on(&raw, today).unwrap_err();
        assert_eq!(e, IdError::TooEarly(first17[6..14].to_string()), "{raw}");
        assert!(e.message(Lang::Zh).contains("早于1900年1月1日"));
        assert!(e.to_string().contains("before 1900-01-01"));
    }
    // Dates that never were stay "does not exist".
    for raw in [
        "360426199113010079",
        id("11010519900230001").as_str(),
        id("11010519000229002").as_str(),
    ] {
        assert!(
            matches!(IdNumber::parse_on(raw, today), Err(IdError::BadDate(_))),
            "{raw}"
        );
    }
    // The form uses the system's today: a number born next year is refused there too.
    let next_year = Utc::now()
        .date_naive()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap()
        + 1;
    let raw = id(&format!("110105{next_year}0101001"));
    assert!(matches!(IdNumber::parse(&raw), Err(IdError::Future(_))));
}

#[test]
fn an_unknown_province_is_a_warning_the_officer_can_accept() {
    let today = day(2026, 11, 22);
    // stdnum refuses 99… as an unknown birth place; here it is read, with a warning.
    for (raw, province) in [
        ("990426199112010074".to_string(), "99"),
        (id("10010519900101001"), "10"),
        (id("16010519900101002"), "16"),
        (id("24010519900101003"), "24"),
        (id("38010519900101004"), "38"),
        (id("47010519900101005"), "47"),
        (id("55010519900101006"), "55"),
        (id("66010519900101007"), "66"),
        (id("72010519900101008"), "72"),
        (id("84010519900101009"), "84"),
        (id("90010519900101010"), "90"),
    ] {
        let n = IdNumber::parse_on(&raw, today).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert!(!n.province_known(), "{raw}");
        assert_eq!(
            n.warnings(),
            vec![IdWarning::UnknownProvince(province.into())],
            "{raw}"
        );
    }
    // The form still saves it.
    let raw = RawIntake {
        name: "张三".into(),
        id_number: "990426199112010074".into(),
        category: Some(Category::WageArrears),
        ..Default::default()
    };
    assert!(validate(&raw).is_ok());
}

#[test]
fn wrong_lengths_and_letters_are_named() {
    let today = day(2026, 11, 22);
    assert_eq!(
        IdNumber::parse_on("T60426199101010078", today),
        Err(IdError::NotDigit(1))
    );
    assert_eq!(
        IdNumber::parse_on("36042619910101007", today),
        Err(IdError::Length(17))
    );
    assert_eq!(
        IdNumber::parse_on("3604261991010100711", today),
        Err(IdError::Length(19))
    );
}

// ---------------------------------------------------------------------------------------
// Unified social credit codes (GB 32100-2015)

/// Codes python-stdnum's tests found online, all valid.
const CREDIT_CODES: &[&str] = &[
    "121200004013590816",
    "91110000600037341L",
    "91110000710926094P",
    "91120224064012553U",
    "911522010783710635",
    "91152201078371135X",
    "911522010783762860",
    "91152201078376307G",
    "9115220107837757XE",
    "9115220107837941X1",
    "91310000631696382C",
    "91310000797046224D",
    "91310112087994932F",
    "913101127033980359",
    "91310115MA1K3BTP2B",
    "9131012056010553X5",
    "91320214745555318W",
    "913205056082348768",
    "913304007429141869",
    "91340600MA2PBM9HXD",
    "91340603MA2UJXXCXF",
    "913505007821784439",
    "91371082775260043P",
    "914112810713741814",
    "91420684MA4927PJ7B",
    "91440300568520498A",
    "9144030071526726XG",
    "9144060573144633XL",
    "91442000696462712R",
    "91620100719023721L",
    "91620105L015101280",
    "91620105MA71T4YW8Q",
    "92340602MA2PBMEM24",
    "92340603MA2PBQ16XJ",
    "92340621MA2UK3PJXE",
    "91350100M000100Y43",
];

#[test]
fn published_credit_codes_are_valid() {
    for code in CREDIT_CODES {
        assert_eq!(parse_credit_code(code).as_deref(), Ok(*code), "{code}");
        assert!(
            check_credit_code(&code.to_lowercase()),
            "{code} in lower case"
        );
    }
}

#[test]
fn credit_codes_written_with_spaces_or_dashes_are_read() {
    for (raw, code) in [
        ("91 110000 600037341L", "91110000600037341L"),
        ("9 1 110000 600037341L", "91110000600037341L"),
        ("91-110000-600037341L", "91110000600037341L"),
        ("9131 0115 MA1K 3BTP 2B", "91310115MA1K3BTP2B"),
        (" 91440300-56852049-8A ", "91440300568520498A"),
        ("92340621 ma2uk3pjxe", "92340621MA2UK3PJXE"),
    ] {
        assert_eq!(parse_credit_code(raw).as_deref(), Ok(code), "{raw}");
    }
}

#[test]
fn a_wrong_check_character_is_named_with_the_right_one() {
    for code in CREDIT_CODES.iter().take(10) {
        let right = code.chars().last().unwrap();
        let wrong = if right == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &code[..17]);
        assert_eq!(
            parse_credit_code(&bad),
            Err(CreditCodeError::CheckChar {
                expected: right,
                found: wrong
            }),
            "{bad}"
        );
    }
    // stdnum's corner case.
    assert_eq!(
        parse_credit_code("91110000600037341N"),
        Err(CreditCodeError::CheckChar {
            expected: 'L',
            found: 'N'
        })
    );
}

#[test]
fn characters_the_code_cannot_hold_are_named() {
    for (raw, pos, ch) in [
        ("9111000060003IOZSV", 14, 'I'),
        ("91110000O00037341L", 9, 'O'),
        ("9111000060003734SL", 17, 'S'),
        ("91110000600037341V", 18, 'V'),
        ("Z1110000600037341L", 1, 'Z'),
        ("91A10000600037341L", 3, 'A'),
        ("911100M0600037341L", 7, 'M'),
        ("9111000060003734_L", 17, '_'),
        ("911100006000３7341L", 13, '３'),
    ] {
        assert_eq!(
            parse_credit_code(raw),
            Err(CreditCodeError::BadChar { pos, ch }),
            "{raw}"
        );
    }
    let e = parse_credit_code("91A10000600037341L").unwrap_err();
    assert!(e.message(Lang::Zh).contains("行政区划代码"), "{e}");
}

#[test]
fn wrong_lengths_are_named() {
    for (raw, n) in [
        ("12345", 5),
        ("", 0),
        ("91110000600037341", 17),
        ("91110000600037341LL", 19),
        ("91 110000 600037341", 17),
    ] {
        assert_eq!(
            parse_credit_code(raw),
            Err(CreditCodeError::Length(n)),
            "{raw}"
        );
    }
    assert_eq!(
        CreditCodeError::Length(17).message(Lang::Zh),
        "统一社会信用代码应为18位,这里有17位"
    );
}

// ---------------------------------------------------------------------------------------
// Pinyin ü

#[test]
fn u_umlaut_typed_as_v_u_or_umlaut_finds_lü_in_the_job_search() {
    let mut store = Store::open_in_memory().unwrap();
    let jobs = [
        Job::new("绿化工", "城南园林所"),
        Job::new("厨师", "吕记快餐"),
        Job::new("女装导购", "城西商场"),
        Job::new("装卸工", "鲁中物流"),
        Job::new("快递员", "顺丰速运"),
    ];
    store.upsert_jobs(&jobs, Utc::now()).unwrap();
    let idx = JobIndex::build(&store, Utc::now().date_naive()).unwrap();
    let found = |q: &str| -> Vec<String> {
        idx.search(q, &JobFilter::default(), 10)
            .iter()
            .map(|h| idx.fields_of(h.line)[0].to_string())
            .collect()
    };
    for q in ["lv", "lu", "lü", "Lü", "lü"] {
        let r = found(q);
        assert!(r.contains(&"绿化工".to_string()), "{q}: {r:?}");
        assert!(r.contains(&"厨师".to_string()), "{q} finds 吕记: {r:?}");
        assert!(!r.contains(&"快递员".to_string()), "{q}: {r:?}");
    }
    // lu is 鲁 as well; lv is only the ü syllables.
    assert!(found("lu").contains(&"装卸工".to_string()));
    assert!(!found("lv").contains(&"装卸工".to_string()));
    for q in ["lvh", "luh", "lühua", "lvhuagong"] {
        assert_eq!(found(q)[0], "绿化工", "{q}");
    }
    for q in ["nv", "nu", "nü", "nvz", "nuzhuang"] {
        assert_eq!(found(q)[0], "女装导购", "{q}");
    }
}

#[test]
fn u_umlaut_typed_as_v_u_or_umlaut_finds_returning_visitors() {
    let mut store = Store::open_in_memory().unwrap();
    let now = Utc::now();
    let st = store.create_station("城西街道职工服务站", now).unwrap();
    let o = store
        .officer_or_add(&st, "李梅", Role::Cadre, "", now)
        .unwrap();
    for name in ["吕小明", "绿珠", "鲁大海", "女娲", "张三"] {
        let intake = validate(&RawIntake {
            name: name.into(),
            category: Some(Category::WageArrears),
            summary: "拖欠工资".into(),
            ..Default::default()
        })
        .unwrap();
        store.save_intake(&intake, &st.id, &o.id, now).unwrap();
    }
    let names = |q: &str| -> Vec<String> {
        let mut v: Vec<String> = store
            .find_returning(q, 8)
            .unwrap()
            .into_iter()
            .map(|m| m.visitor.name)
            .collect();
        v.sort();
        v
    };
    for q in ["lv", "lu", "lü", "LÜ", "lvx", "luxiaoming", "lüxiaoming"] {
        assert!(
            names(q).contains(&"吕小明".to_string()),
            "{q}: {:?}",
            names(q)
        );
    }
    for q in ["lv", "lu", "lü", "lvzhu", "luzhu"] {
        assert!(
            names(q).contains(&"绿珠".to_string()),
            "{q}: {:?}",
            names(q)
        );
    }
    assert_eq!(names("lud"), vec!["鲁大海"]);
    assert!(!names("lv").contains(&"鲁大海".to_string()));
    for q in ["nv", "nu", "nü", "nvwa", "nuwa"] {
        assert_eq!(names(q), vec!["女娲"], "{q}");
    }
    assert_eq!(names("lk"), Vec::<String>::new());
}

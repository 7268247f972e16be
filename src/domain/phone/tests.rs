//! Phones read, refused and said.

use super::plan::{PLANS_TOML, Pattern};
use super::*;

#[test]
fn mobiles_in_every_common_spelling_normalise_alike() {
    for raw in [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "138.0013.8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "+86-138-0013-8000",
        "(+86)138 0013 8000",
        "(+86) 13800138000",
        "0086 138 0013 8000",
        "86 138 0013 8000",
        "１３８００１３８０００",
        "＋８６　１３８－００１３－８０００",
    ] {
        assert_eq!(Phone::parse(raw).unwrap().e164(), "+8613800138000", "{raw}");
    }
}

#[test]
fn landlines_with_area_code_are_accepted() {
    let p = Phone::parse("010-12345678").unwrap();
    assert_eq!(p.e164(), "+861012345678");
    assert_eq!(p.national_digits(), "01012345678");
    let hz = Phone::parse("0571-87654321").unwrap();
    assert_eq!(hz.national_digits(), "057187654321");
    assert_eq!(
        Phone::parse("(0571) 8765 4321").unwrap().e164(),
        "+8657187654321"
    );
    assert_eq!(
        Phone::parse("+86 (0)10 1234 5678").unwrap().e164(),
        "+861012345678"
    );
}

#[test]
fn wrong_numbers_are_refused_saying_what_is_wrong() {
    assert_eq!(
        Phone::parse("1380013800"),
        Err(PhoneError::TooFew {
            kind: PhoneKind::Mobile,
            digits: 10
        })
    );
    assert_eq!(
        Phone::parse("12345"),
        Err(PhoneError::NotInUse {
            kind: PhoneKind::Mobile,
            prefix: "123".into()
        })
    );
    assert_eq!(Phone::parse("138a0013800"), Err(PhoneError::BadChar('a')));
    assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
    assert_eq!(Phone::parse("138+0013800"), Err(PhoneError::BadChar('+')));
    assert_eq!(
        Phone::parse("010-123456789"),
        Err(PhoneError::TooMany {
            kind: PhoneKind::Landline("010".into()),
            digits: 9
        })
    );
}

#[test]
fn messages_name_the_fault_in_both_languages() {
    let e = Phone::parse("138001380001").unwrap_err();
    assert_eq!(e.message(Lang::Zh), "位数太多:手机号11位,这里有12位");
    assert_eq!(
        e.message(Lang::En),
        "too many digits: a mobile number has 11, this has 12"
    );
    assert_eq!(e.to_string(), e.message(Lang::En));
    let e = Phone::parse("10912345678").unwrap_err();
    assert!(e.message(Lang::Zh).contains("没有109开头的手机号段"), "{e}");
    assert!(
        Phone::parse("1380o138000")
            .unwrap_err()
            .message(Lang::Zh)
            .contains("字母")
    );
}

#[test]
fn the_plans_load_and_their_own_examples_are_valid() {
    let t: toml::Value = toml::from_str(PLANS_TOML).unwrap();
    for (territory, plan) in t.as_table().unwrap() {
        let cc = plan["country_code"].as_str().unwrap();
        for (k, v) in plan.as_table().unwrap() {
            if let Some(kind) = k.strip_suffix("_example") {
                let raw = format!("+{cc} {}", v.as_str().unwrap());
                assert!(Phone::parse(&raw).is_ok(), "{territory} {kind} {raw}");
            }
        }
    }
}

#[test]
fn the_matcher_reads_the_whole_number() {
    let p = Pattern::new(r"1(?:[38]\d|4[57])\d{8}|9\d{2,3}");
    assert!(p.check("13800138000").full);
    assert!(!p.check("1380013800").full && p.check("1380013800").could_grow);
    let long = p.check("138001380001");
    assert!(!long.full && long.shorter_matches && !long.could_grow);
    assert!(!p.check("12800138000").full);
    assert!(p.check("912").full && p.check("9123").full && !p.check("91234").full);
}

#[test]
fn masking_shows_three_and_four() {
    assert_eq!(mask("+8613800138000"), "138****8000");
    assert_eq!(mask("+861012345678"), "010****5678");
    assert_eq!(national_digits("+864001234567"), "4001234567");
}

#[test]
fn service_hotlines_are_numbers_a_service_can_have() {
    for (raw, want) in [
        ("12333", "12333"),
        ("12348", "12348"),
        ("110", "110"),
        ("95588", "95588"),
        ("400-810-8888", "4008108888"),
    ] {
        assert_eq!(service_number(raw).as_deref(), Some(want), "{raw}");
    }
    for raw in ["1234567", "22333", "12a33", "13812345678", "4001234", ""] {
        assert_eq!(service_number(raw), None, "{raw}");
    }
}

//! Job files read and refused.

use super::*;
use crate::domain::job::WageUnit;
use chrono::NaiveDate;

#[test]
fn wages_as_people_write_them() {
    let w = |min, max, unit| Some(Wage { min, max, unit });
    assert_eq!(parse_wage("4000-6000"), w(Some(4000), Some(6000), None));
    assert_eq!(
        parse_wage("200/天"),
        w(Some(200), Some(200), Some(WageUnit::Day))
    );
    assert_eq!(parse_wage("5k~8k"), w(Some(5000), Some(8000), None));
    assert_eq!(parse_wage("面议"), w(None, None, None));
    assert_eq!(
        parse_wage("¥4,500元/月"),
        w(Some(4500), Some(4500), Some(WageUnit::Month))
    );
    assert!(parse_wage("6000-4000").is_none());
    assert!(parse_wage("很多").is_none());
    // A week's pay was refused once (issue 17); a unit nobody pays by still is.
    assert_eq!(
        parse_wage("2000/周"),
        w(Some(2000), Some(2000), Some(WageUnit::Week))
    );
    assert!(parse_wage("20/旬").is_none());
}

const POSTING: &str = r#"{"@type":"JobPosting","title":"普工","identifier":{"value":"A1"},
    "hiringOrganization":{"@type":"Organization","name":"城西食品厂","identifier":"91350100M000100Y43"},
    "jobLocation":{"@type":"Place","address":{"@type":"PostalAddress","addressLocality":"城西区","streetAddress":"工业园8号"}},
    "baseSalary":{"@type":"MonetaryAmount","currency":"CNY","value":{"@type":"QuantitativeValue","minValue":4000,"maxValue":5500,"unitText":"MONTH"}},
    "employmentType":"FULL_TIME","jobBenefits":"包吃住","datePosted":"2026-11-10","validThrough":"2026-12-31T00:00"}"#;

#[test]
fn json_ld_takes_one_posting_an_array_or_a_graph() {
    let one = parse_json_ld(POSTING, "p.json").unwrap();
    assert_eq!(one.len(), 1);
    let j = &one[0];
    assert_eq!(
        (j.title.as_str(), j.employer.as_str()),
        ("普工", "城西食品厂")
    );
    assert_eq!(
        (j.wage_min, j.wage_max, j.wage_unit),
        (Some(4000), Some(5500), WageUnit::Month)
    );
    assert_eq!(j.district, "城西区");
    assert!(j.benefits.meals && j.benefits.housing);
    assert_eq!(j.valid_through, NaiveDate::from_ymd_opt(2026, 12, 31));
    assert_eq!(j.source_id.as_deref(), Some("A1"));
    assert_eq!(j.credit_code, "91350100M000100Y43");
    let arr = format!("[{POSTING}, {}]", POSTING.replace("\"A1\"", "\"A2\""));
    assert_eq!(parse_json_ld(&arr, "p.json").unwrap().len(), 2);
    let graph = format!(
        r#"{{"@context":"https://schema.org","@graph":[{{"@type":"Organization","name":"x"}},{}]}}"#,
        POSTING
    );
    assert_eq!(parse_json_ld(&graph, "p.json").unwrap().len(), 1);
}

#[test]
fn salary_as_a_single_value_and_a_missing_title_is_named() {
    let single = POSTING.replace(
        r#""value":{"@type":"QuantitativeValue","minValue":4000,"maxValue":5500,"unitText":"MONTH"}"#,
        r#""value":{"@type":"QuantitativeValue","value":220,"unitText":"DAY"}"#,
    );
    let j = &parse_json_ld(&single, "p.json").unwrap()[0];
    assert_eq!(
        (j.wage_min, j.wage_max, j.wage_unit),
        (Some(220), Some(220), WageUnit::Day)
    );
    let bare = POSTING.replace(r#""value":{"@type":"QuantitativeValue","minValue":4000,"maxValue":5500,"unitText":"MONTH"}"#, r#""value":6000"#);
    assert_eq!(
        parse_json_ld(&bare, "p.json").unwrap()[0].wage_max,
        Some(6000)
    );
    let untitled = format!(
        "[{POSTING}, {}]",
        POSTING
            .replace(r#""title":"普工","#, "")
            .replace("A1", "A2")
    );
    let errs = parse_json_ld(&untitled, "p.json").unwrap_err();
    assert_eq!(errs.len(), 1);
    // A JSON path, not a line number that is not a line (issue 17).
    assert_eq!(errs[0].error.line, 0);
    assert_eq!(errs[0].error.field, "$[1].title");
}

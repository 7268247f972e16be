//! Directories read and refused.

use super::*;
use crate::i18n::Lang;

#[test]
fn kinds_are_guessed_from_chinese_words() {
    assert_eq!(guess_kind("职工法律援助站 公益律师"), ServiceKind::Legal);
    assert_eq!(guess_kind("劳动争议仲裁"), ServiceKind::Legal);
    assert_eq!(guess_kind("春风送岗位招聘会"), ServiceKind::Jobs);
    assert_eq!(guess_kind("金秋助学"), ServiceKind::Aid);
    assert_eq!(guess_kind("劳动保障监察大队"), ServiceKind::Agency);
}

#[test]
fn our_csv_reports_every_bad_row_with_its_line_and_header() {
    let text = "编号,类别,名称,状态,核对日期\n\
                L1,法律援助,公益律师咨询,正常,2026-10-01\n\
                L2,法务,,正常,2026-10-01\n\
                L3,就业,劳务站,关门,2026-13-01\n";
    let errs = parse_csv(text, "d.csv").unwrap_err();
    let got: Vec<(u64, &str)> = errs
        .iter()
        .map(|e| (e.error.line, e.error.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(3, "名称"), (3, "类别"), (4, "状态"), (4, "核对日期")]
    );
    assert!(
        errs[0]
            .render(Lang::Zh)
            .starts_with("d.csv: 第3行,名称:必填")
    );
}

#[test]
fn a_repeated_id_is_refused() {
    let text = "编号,类别,名称\nA,就业,劳务站\nA,就业,培训中心\n";
    let errs = parse_csv(text, "d.csv").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].error.line, 3);
    assert!(
        errs[0]
            .error
            .message
            .say(Lang::En)
            .contains("repeats line 2")
    );
}

#[test]
fn hsds_json_takes_an_array_an_object_with_services_or_one_service() {
    let one = r#"{"id":"s1","name":"职工法律援助","status":"active",
        "organization":{"id":"o1","name":"区总工会","phones":[{"number":"0571-1"}]},
        "service_at_locations":[{"location":{"name":"服务站",
           "addresses":[{"address_1":"解放路1号","city":"杭州市"}]}}],
        "required_documents":[{"document":"身份证"},{"document":"劳动合同"}],
        "schedules":[{"description":"周一至周五 9:00-17:00"}]}"#;
    let p = parse_hsds_json(one, "s.json").unwrap();
    assert_eq!(p.services.len(), 1);
    let s = &p.services[0];
    assert_eq!(s.kind, ServiceKind::Legal);
    assert_eq!(s.provider, "区总工会");
    assert_eq!(s.contact, "0571-1");
    assert_eq!(s.address, "杭州市 解放路1号");
    assert_eq!(s.documents, "身份证、劳动合同");
    let wrapped = format!("{{\"services\":[{one}]}}");
    assert_eq!(
        parse_hsds_json(&wrapped, "s.json").unwrap().services.len(),
        1
    );
    let arr = format!("[{one}]");
    assert_eq!(parse_hsds_json(&arr, "s.json").unwrap().organizations, 1);
    let bad = r#"[{"id":"s1","name":"","status":"closed"}]"#;
    let errs = parse_hsds_json(bad, "s.json").unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.error.field.as_str()).collect();
    // JSON paths (issue 17), not `services[0]` beside a line that is not a line.
    assert_eq!(fields, vec!["$[0].name", "$[0].status"]);
}

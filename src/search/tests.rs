//! The search as a whole: what a query finds, in what order, and what it highlights.

use super::*;
use crate::domain::job::{Benefits, EmploymentType, WageUnit};
use crate::store::JobLine;

fn index(rows: &[(&str, &str, &str, Benefits)]) -> JobIndex {
    let mut idx = JobIndex::default();
    for (i, (title, employer, district, benefits)) in rows.iter().enumerate() {
        idx.push(&JobLine {
            rowid: i64::try_from(i).unwrap(),
            title,
            employer,
            district,
            benefits: *benefits,
            wage_month: Some(4000 + 500 * i64::try_from(i).unwrap()),
            employment_type: EmploymentType::FullTime,
            current: true,
            wage_min: Some(4000),
            wage_max: None,
            wage_unit: WageUnit::Month,
            posted_on: None,
        });
    }
    idx.finish();
    idx
}

fn titles(idx: &JobIndex, q: &str) -> Vec<String> {
    idx.search(q, &JobFilter::default(), 10)
        .iter()
        .map(|h| idx.fields_of(h.line)[0].to_string())
        .collect()
}

fn sample() -> JobIndex {
    let none = Benefits::default();
    let both = Benefits {
        meals: true,
        housing: true,
        insurance: false,
    };
    index(&[
        ("快递员", "顺丰速运城西网点", "城西区", both),
        ("数控车工", "城西机械厂", "城北区", none),
        ("银行柜员", "城西农商行", "长安区", none),
        ("仓库管理员", "长城物流", "城东区", both),
        ("外卖骑手", "美团城西站", "城西区", none),
    ])
}

#[test]
fn initials_full_pinyin_and_characters_all_find_the_opening() {
    let idx = sample();
    assert_eq!(titles(&idx, "kdy"), vec!["快递员"]);
    assert_eq!(titles(&idx, "skcg"), vec!["数控车工"]);
    assert_eq!(titles(&idx, "kuaidi"), vec!["快递员"]);
    assert_eq!(titles(&idx, "kuaid"), vec!["快递员"]);
    assert_eq!(titles(&idx, "快递"), vec!["快递员"]);
    assert_eq!(titles(&idx, "骑手")[0], "外卖骑手");
}

#[test]
fn heteronyms_match_under_every_reading() {
    let idx = sample();
    // 行 is hang in 银行 and xing elsewhere; 长 is chang in 长城 and zhang too.
    assert_eq!(titles(&idx, "yh"), vec!["银行柜员"]);
    assert!(titles(&idx, "yx").contains(&"银行柜员".to_string()));
    assert!(titles(&idx, "zhangcheng").contains(&"仓库管理员".to_string()));
    assert!(titles(&idx, "changcheng").contains(&"仓库管理员".to_string()));
}

#[test]
fn u_umlaut_is_found_typed_as_v_u_or_umlaut() {
    let none = Benefits::default();
    let idx = index(&[
        ("绿化工", "吕氏园林", "城南区", none),
        ("女工", "鲁西纺织厂", "城东区", none),
        ("保洁员", "略阳家政", "城北区", none),
    ]);
    for q in ["lv", "lu", "lü", "LÜ", "lvh", "luh", "lühua", "lvshi"] {
        assert!(titles(&idx, q).contains(&"绿化工".to_string()), "{q}");
    }
    // lu is also 鲁 (lu): both the ü and the u syllable are found.
    assert!(titles(&idx, "lux").contains(&"女工".to_string()));
    for q in ["nv", "nu", "nü", "nvg", "nugong"] {
        assert_eq!(titles(&idx, q)[0], "女工", "{q}");
    }
    for q in ["lve", "lue", "lüe", "lveyang"] {
        assert_eq!(titles(&idx, q), vec!["保洁员"], "{q}");
    }
    // The ü character is highlighted, as any other match.
    let line = idx.search("lv", &JobFilter::default(), 10)[0].line;
    assert_eq!(idx.highlights(line, "lv"), vec![0]);
}

#[test]
fn title_matches_rank_above_employer_and_district_matches() {
    let idx = sample();
    // 城西 is in four employers or districts; none in a title. cx in 城西区 districts
    // and employers; 快递员's employer starts later than 城西机械厂's.
    let r = titles(&idx, "城西");
    assert_eq!(r.len(), 4);
    assert_eq!(r[0], "数控车工", "employer starts with 城西: {r:?}");
}

#[test]
fn highlights_are_character_positions_in_cjk_text() {
    let idx = sample();
    let h = idx.search("kdy", &JobFilter::default(), 1);
    assert_eq!(idx.highlights(h[0].line, "kdy"), vec![0, 1, 2]);
    let h = idx.search("数车", &JobFilter::default(), 1);
    assert_eq!(idx.highlights(h[0].line, "数车"), vec![0, 2]);
    let h = idx.search("jxc", &JobFilter::default(), 1);
    // 城西机械厂 is the second field, after 数控车工 and a separator.
    assert_eq!(idx.highlights(h[0].line, "jxc"), vec![7, 8, 9]);
}

#[test]
fn filters_combine_with_the_text() {
    let idx = sample();
    let f = JobFilter {
        meals: true,
        housing: true,
        ..JobFilter::default()
    };
    let r: Vec<&str> = idx
        .search("", &f, 10)
        .iter()
        .map(|h| idx.fields_of(h.line)[0])
        .collect();
    assert_eq!(r, vec!["快递员", "仓库管理员"]);
    let f = JobFilter {
        min_wage_month: Some(5500),
        ..JobFilter::default()
    };
    assert_eq!(idx.search("", &f, 10).len(), 2, "4000+500i: 6000 and 5500");
    let f = JobFilter {
        district: Some("城西区".into()),
        ..JobFilter::default()
    };
    assert_eq!(idx.search("", &f, 10).len(), 2);
    let f = JobFilter {
        district: Some("火星".into()),
        ..JobFilter::default()
    };
    assert!(idx.search("", &f, 10).is_empty());
    assert!(titles(&idx, "zzzz").is_empty());
}

#[test]
fn type_and_open_only_filters() {
    let mut idx = JobIndex::default();
    for (i, (title, etype, current)) in [
        ("装卸工", EmploymentType::Gig, true),
        ("分拣员", EmploymentType::Temporary, true),
        ("普工", EmploymentType::FullTime, false),
    ]
    .into_iter()
    .enumerate()
    {
        idx.push(&JobLine {
            rowid: i64::try_from(i).unwrap(),
            title,
            employer: "城西物流园",
            district: "开发区",
            benefits: Benefits::default(),
            wage_month: Some(4350),
            employment_type: etype,
            current,
            wage_min: Some(200),
            wage_max: None,
            wage_unit: WageUnit::Day,
            posted_on: None,
        });
    }
    idx.finish();
    let names = |f: &JobFilter| -> Vec<&str> {
        idx.search("", f, 10)
            .iter()
            .map(|h| idx.fields_of(h.line)[0])
            .collect()
    };
    let gig = JobFilter {
        employment_type: Some(EmploymentType::Gig),
        ..JobFilter::default()
    };
    assert_eq!(names(&gig), vec!["装卸工"]);
    assert_eq!(
        names(&JobFilter::default()),
        vec!["装卸工", "分拣员"],
        "filled or expired: out"
    );
    let all = JobFilter {
        include_closed: true,
        ..JobFilter::default()
    };
    assert_eq!(names(&all), vec!["装卸工", "分拣员", "普工"]);
    assert_eq!(idx.wage_words_of(0), "¥200/日");
    assert_eq!(idx.wage_month_of(0), Some(4350));
}

use super::*;
use crate::domain::referral::{
    Closing, DeclineReason, Move, Outcome, OutcomeReason, ReferralStatus,
};

fn referral(event: ReferralEvent) -> LogFact {
    LogFact::Referral {
        visitor: "张三".into(),
        service: "市职工法律援助中心".into(),
        kind: ServiceKind::Legal,
        event,
    }
}

fn moved(action: Move, from: ReferralStatus, to: ReferralStatus, note: &str) -> LogFact {
    referral(ReferralEvent::Moved {
        action,
        from,
        to,
        closing: None,
        decline: None,
        note: note.into(),
    })
}

/// One of each fact (and each referral event and move), with the Chinese line the desk
/// wrote for it before facts were kept.
fn samples() -> Vec<(LogFact, &'static str)> {
    [
        desk_samples(),
        referral_samples(),
        move_samples(),
        correction_samples(),
    ]
    .concat()
}

fn desk_samples() -> Vec<(LogFact, &'static str)> {
    vec![
        (
            LogFact::ShiftOpened {
                name: "李梅".into(),
            },
            "李梅 开班",
        ),
        (
            LogFact::Joined {
                name: "王建国".into(),
                affiliation: String::new(),
            },
            "王建国 加入本班",
        ),
        (
            LogFact::Joined {
                name: "王建国".into(),
                affiliation: "司法所".into(),
            },
            "王建国(司法所)加入本班",
        ),
        (
            LogFact::SignedOff {
                name: "王建国".into(),
            },
            "王建国 签结交班",
        ),
        (
            LogFact::Acknowledged {
                signer: "王建国".into(),
            },
            "已阅 王建国 的交班记录",
        ),
        (
            LogFact::Intake {
                name: "张三".into(),
                category: Category::WageArrears,
                channel: Channel::WalkIn,
                returning: false,
                follow_up: false,
            },
            "张三 · 欠薪 · 来访",
        ),
        (
            LogFact::Intake {
                name: "张三".into(),
                category: Category::WageArrears,
                channel: Channel::WalkIn,
                returning: true,
                follow_up: true,
            },
            "张三 · 欠薪 · 来访 · 老来访人 · 回访",
        ),
        (
            LogFact::Intake {
                name: "李四".into(),
                category: Category::Injury,
                channel: Channel::Phone,
                returning: true,
                follow_up: false,
            },
            "李四 · 工伤 · 来电 · 老来访人",
        ),
        (LogFact::ImportVisits { n: 120 }, "导入来访台账 120 条"),
        (
            LogFact::ImportJobs {
                added: 3,
                updated: 1,
            },
            "导入岗位:新增 3 条,更新 1 条",
        ),
        (
            LogFact::ImportServices {
                added: 0,
                updated: 12,
            },
            "导入服务目录:新增 0 条,更新 12 条",
        ),
    ]
}

fn referral_samples() -> Vec<(LogFact, &'static str)> {
    vec![
        (
            referral(ReferralEvent::Sent {
                note: "带齐考勤记录".into(),
                without_consent: None,
            }),
            "张三 → 市职工法律援助中心(法律援助) 转介 带齐考勤记录",
        ),
        (
            referral(ReferralEvent::Sent {
                note: String::new(),
                without_consent: None,
            }),
            "张三 → 市职工法律援助中心(法律援助) 转介",
        ),
        (
            referral(ReferralEvent::Sent {
                note: "先登记".into(),
                without_consent: Some("来访人不识字,家属代为同意".into()),
            }),
            "张三 → 市职工法律援助中心(法律援助) 转介 [未经同意:来访人不识字,家属代为同意] 先登记",
        ),
    ]
}

fn move_samples() -> Vec<(LogFact, &'static str)> {
    let closing = ClosingFact::from(&Closing {
        outcome: Some(Outcome::Resolved),
        reason: None,
        wages_recovered_fen: Some(11_500_000),
        workers_covered: Some(13),
        aid_paid_fen: Some(200_050),
        placed_job: " 城西物流 分拣员 ".into(),
    });
    vec![
        (
            moved(
                Move::Accept,
                ReferralStatus::Sent,
                ReferralStatus::Accepted,
                "",
            ),
            "张三 → 市职工法律援助中心(法律援助) 受理:待受理→已受理",
        ),
        (
            moved(
                Move::Decline,
                ReferralStatus::Sent,
                ReferralStatus::Declined,
                "老板已付清",
            ),
            "张三 → 市职工法律援助中心(法律援助) 退回:待受理→已退回 老板已付清",
        ),
        (
            referral(ReferralEvent::Moved {
                action: Move::Decline,
                from: ReferralStatus::Sent,
                to: ReferralStatus::Declined,
                closing: None,
                decline: Some(DeclineReason::Incomplete),
                note: "缺考勤表".into(),
            }),
            "张三 → 市职工法律援助中心(法律援助) 退回:待受理→已退回 材料不全 · 缺考勤表",
        ),
        (
            referral(ReferralEvent::Moved {
                action: Move::Decline,
                from: ReferralStatus::Sent,
                to: ReferralStatus::Declined,
                closing: None,
                decline: Some(DeclineReason::NotInScope),
                note: String::new(),
            }),
            "张三 → 市职工法律援助中心(法律援助) 退回:待受理→已退回 不属受理范围",
        ),
        (
            moved(
                Move::Start,
                ReferralStatus::Accepted,
                ReferralStatus::InProgress,
                "",
            ),
            "张三 → 市职工法律援助中心(法律援助) 开始办理:已受理→办理中",
        ),
        (
            referral(ReferralEvent::Moved {
                action: Move::Close,
                from: ReferralStatus::InProgress,
                to: ReferralStatus::Closed,
                closing: Some(closing),
                decline: None,
                note: "已结案".into(),
            }),
            "张三 → 市职工法律援助中心(法律援助) 办结:办理中→已办结 已解决 · 追回工资¥115,000,13人 · 发放救助¥2,000.50 · 已就业:城西物流 分拣员 · 已结案",
        ),
        (
            referral(ReferralEvent::Moved {
                action: Move::Close,
                from: ReferralStatus::Accepted,
                to: ReferralStatus::Closed,
                closing: Some(ClosingFact {
                    outcome: Some(Outcome::NotResolved),
                    reason: Some(OutcomeReason::Unreachable),
                    wages_recovered_fen: Some(50_000),
                    ..ClosingFact::default()
                }),
                decline: None,
                note: String::new(),
            }),
            "张三 → 市职工法律援助中心(法律援助) 办结:已受理→已办结 未解决 · 联系不上 · 追回工资¥500",
        ),
        (
            moved(
                Move::Reopen,
                ReferralStatus::Closed,
                ReferralStatus::InProgress,
                "老板又拖欠",
            ),
            "张三 → 市职工法律援助中心(法律援助) 重新打开:已办结→办理中 老板又拖欠",
        ),
        (
            referral(ReferralEvent::HandoverAsked {
                to: "李梅".into()
            }),
            "张三 → 市职工法律援助中心(法律援助) 转交给 李梅(待对方接收)",
        ),
        (
            referral(ReferralEvent::HandoverAnswered {
                by: "李梅".into(),
                accepted: true,
            }),
            "张三 → 市职工法律援助中心(法律援助) 李梅 接收了转交",
        ),
        (
            referral(ReferralEvent::HandoverAnswered {
                by: "李梅".into(),
                accepted: false,
            }),
            "张三 → 市职工法律援助中心(法律援助) 李梅 拒绝了转交",
        ),
    ]
}

fn correction_samples() -> Vec<(LogFact, &'static str)> {
    vec![(
        LogFact::VisitCorrected {
            changes: vec![
                FieldChange {
                    field: VisitField::Category,
                    from: "wage_arrears".into(),
                    to: "injury".into(),
                },
                FieldChange {
                    field: VisitField::Channel,
                    from: "walk_in".into(),
                    to: "phone".into(),
                },
                FieldChange {
                    field: VisitField::Urgency,
                    from: "normal".into(),
                    to: "urgent".into(),
                },
                FieldChange {
                    field: VisitField::Headcount,
                    from: "—".into(),
                    to: "13".into(),
                },
                FieldChange {
                    field: VisitField::Amount,
                    from: "—".into(),
                    to: "¥115,000".into(),
                },
                FieldChange {
                    field: VisitField::Summary,
                    from: "工地欠薪".into(),
                    to: "工地欠薪;包工头失联".into(),
                },
            ],
            reason: "登记时选错类别".into(),
        },
        "更正来访记录:诉求类别:欠薪 → 工伤;渠道:来访 → 来电;紧急程度:普通 → 紧急;涉及人数:— → 13;欠薪金额:— → ¥115,000;诉求摘要:工地欠薪 → 工地欠薪;包工头失联;原因:登记时选错类别",
    )]
}

/// Which fact (and referral event) a sample is: a new variant fails to compile here until
/// it is named, and the test below fails until it has a sample.
fn variant(f: &LogFact) -> &'static str {
    match f {
        LogFact::ShiftOpened { .. } => "shift_opened",
        LogFact::Joined { .. } => "joined",
        LogFact::SignedOff { .. } => "signed_off",
        LogFact::Acknowledged { .. } => "acknowledged",
        LogFact::Intake { .. } => "intake",
        LogFact::ImportVisits { .. } => "import_visits",
        LogFact::ImportJobs { .. } => "import_jobs",
        LogFact::ImportServices { .. } => "import_services",
        LogFact::Referral { event, .. } => match event {
            ReferralEvent::Sent { .. } => "referral/sent",
            ReferralEvent::Moved { .. } => "referral/moved",
            ReferralEvent::HandoverAsked { .. } => "referral/handover_asked",
            ReferralEvent::HandoverAnswered { .. } => "referral/handover_answered",
        },
        LogFact::VisitCorrected { .. } => "visit_corrected",
    }
}

const VARIANTS: usize = 13;

fn has_chinese(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c))
}

#[test]
fn every_fact_renders_in_both_languages() {
    let samples = samples();
    let mut seen: Vec<&str> = samples.iter().map(|(f, _)| variant(f)).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), VARIANTS, "a fact without a sample: {seen:?}");
    let moves: Vec<Move> = samples
        .iter()
        .filter_map(|(f, _)| match f {
            LogFact::Referral {
                event: ReferralEvent::Moved { action, .. },
                ..
            } => Some(*action),
            _ => None,
        })
        .collect();
    assert!(Move::ALL.iter().all(|m| moves.contains(m)), "{moves:?}");
    for (fact, _) in &samples {
        let (zh, en) = (fact.render(Lang::Zh), fact.render(Lang::En));
        assert!(!zh.is_empty() && !en.is_empty(), "{fact:?}");
        assert_ne!(zh, en, "{fact:?} is not put into English");
        // The English words are English: only the names and notes stay as written.
        let ascii = serde_json::from_str::<LogFact>(
            &fact
                .to_json()
                .chars()
                .map(|c| if has_chinese(&c.to_string()) { 'x' } else { c })
                .collect::<String>(),
        );
        if let Ok(plain) = ascii {
            let en = plain.render(Lang::En);
            assert!(!has_chinese(&en), "{en}");
        }
    }
}

#[test]
fn the_chinese_line_is_the_line_earlier_versions_wrote() {
    for (fact, old) in samples() {
        assert_eq!(fact.render(Lang::Zh), old);
    }
}

#[test]
fn english_lines_read_as_english() {
    let en = |f: &LogFact| f.render(Lang::En);
    let s = samples();
    let line = |i: usize| en(&s[i].0);
    assert_eq!(line(0), "李梅 opened the shift");
    assert_eq!(line(2), "王建国 (司法所) joined the shift");
    assert_eq!(line(3), "王建国 signed off and handed over");
    assert_eq!(line(4), "Read 王建国's handover");
    assert_eq!(
        line(6),
        "张三 · Wage arrears · Walk-in · returning visitor · follow-up"
    );
    assert_eq!(line(8), "Ledger imported: 120 visits");
    assert_eq!(line(9), "Job openings imported: 3 new, 1 updated");
    assert_eq!(
        line(13),
        "张三 → 市职工法律援助中心 (Legal aid) referred [without consent: 来访人不识字,家属代为同意] 先登记"
    );
    assert_eq!(
        line(19),
        "张三 → 市职工法律援助中心 (Legal aid) closed: In progress → Closed Resolved · wages recovered ¥115,000 for 13 workers · aid paid ¥2,000.50 · placed: 城西物流 分拣员 · 已结案"
    );
    assert_eq!(
        line(22),
        "张三 → 市职工法律援助中心 (Legal aid) handed over to 李梅 (until they accept)"
    );
    assert_eq!(
        line(16),
        "张三 → 市职工法律援助中心 (Legal aid) declined: Sent → Declined Documents incomplete · 缺考勤表"
    );
    assert!(line(25).starts_with(
        "Visit record corrected: Request: Wage arrears → Work injury; Channel: Walk-in → Phone; Urgency: Normal → Urgent; Workers: — → 13;"
    ));
}

#[test]
fn facts_go_to_json_and_back() {
    for (fact, _) in samples() {
        let json = fact.to_json();
        assert_eq!(
            serde_json::from_str::<LogFact>(&json).unwrap(),
            fact,
            "{json}"
        );
    }
    assert_eq!(
        LogFact::Intake {
            name: "张三".into(),
            category: Category::WageArrears,
            channel: Channel::WalkIn,
            returning: true,
            follow_up: false,
        }
        .to_json(),
        r#"{"fact":"intake","name":"张三","category":"wage_arrears","channel":"walk_in","returning":true,"follow_up":false}"#
    );
}

fn kind_of(f: &LogFact) -> EntryKind {
    match f {
        LogFact::ShiftOpened { .. } | LogFact::Joined { .. } | LogFact::SignedOff { .. } => {
            EntryKind::Shift
        }
        LogFact::Acknowledged { .. } => EntryKind::Ack,
        LogFact::Intake { .. } => EntryKind::Intake,
        LogFact::ImportVisits { .. }
        | LogFact::ImportJobs { .. }
        | LogFact::ImportServices { .. } => EntryKind::Import,
        LogFact::Referral { .. } => EntryKind::Referral,
        LogFact::VisitCorrected { .. } => EntryKind::Addendum,
    }
}

#[test]
fn each_old_line_is_read_back_as_its_fact() {
    for (fact, old) in samples() {
        let read = parse::from_text(kind_of(&fact), old);
        // A closing read back has its placed job trimmed, as it was written.
        assert_eq!(read.as_ref(), Some(&fact), "{old}");
    }
    // A job referral's line is a referral's line.
    assert!(parse::from_text(EntryKind::Job, "王五 → 城西物流(就业) 转介 分拣员").is_some());
}

#[test]
fn names_and_notes_holding_the_separators_are_read_back_whole() {
    let cases = [
        (EntryKind::Intake, "欧阳 · 娜娜 · 欠薪 · 网上"),
        (EntryKind::Shift, "王建国(城西)(司法所)加入本班"),
        (
            EntryKind::Referral,
            "张三 → 法援中心(城东)(法律援助) 退回:待受理→已退回 材料不全 · 缺考勤表",
        ),
        (
            EntryKind::Referral,
            "张三 → 法援中心(法律援助) 办结:办理中→已办结 已解决 · 另有 · 说明",
        ),
    ];
    for (kind, line) in cases {
        let fact = parse::from_text(kind, line).unwrap_or_else(|| panic!("{line}"));
        assert_eq!(fact.render(Lang::Zh), line);
    }
    let Some(LogFact::Intake { name, .. }) = parse::from_text(cases[0].0, cases[0].1) else {
        panic!()
    };
    assert_eq!(name, "欧阳 · 娜娜");
}

#[test]
fn a_line_not_recognised_is_not_a_fact() {
    for (kind, line) in [
        (EntryKind::Shift, "李梅 上班"),
        (EntryKind::Intake, "张三 来访"),
        (EntryKind::Intake, "张三 · 欠薪 · 上门"),
        (EntryKind::Import, "导入岗位:新增 三 条,更新 1 条"),
        (EntryKind::Referral, "张三 → 法援中心(法律援助) 催办"),
        (EntryKind::Referral, "张三 → 法援中心(无此类) 转介"),
        (EntryKind::Addendum, "补充说明:张三下午又来电"),
        (EntryKind::Addendum, "更正来访记录:身高:1 → 2;原因:x"),
        (EntryKind::Ack, ""),
    ] {
        assert_eq!(parse::from_text(kind, line), None, "{line}");
    }
    // The officer's own words are never read as a fact, whatever they say.
    assert_eq!(LogFact::of_entry(EntryKind::Note, "李梅 开班", None), None);
    assert_eq!(LogFact::of_entry(EntryKind::Done, "李梅 开班", None), None);
}

#[test]
fn a_stored_fact_is_used_only_while_it_says_what_the_text_says() {
    let fact = LogFact::SignedOff {
        name: "王建国".into(),
    };
    let json = fact.to_json();
    assert_eq!(
        LogFact::of_entry(EntryKind::Shift, "王建国 签结交班", Some(&json)),
        Some(fact.clone())
    );
    // The text changed behind the desk's back (or the fact did): the text is what counts.
    assert_eq!(
        LogFact::of_entry(EntryKind::Shift, "李梅 签结交班", Some(&json)),
        Some(LogFact::SignedOff {
            name: "李梅".into()
        })
    );
    assert_eq!(
        LogFact::of_entry(EntryKind::Shift, "李梅 下班", Some(&json)),
        None
    );
    // A fact this version does not know falls back to the text.
    assert_eq!(
        LogFact::of_entry(
            EntryKind::Shift,
            "李梅 开班",
            Some(r#"{"fact":"teleported"}"#)
        ),
        Some(LogFact::ShiftOpened {
            name: "李梅".into()
        })
    );
}

#[test]
fn the_moves_words_are_the_referral_moves_own() {
    for m in Move::ALL {
        assert_eq!(move_msg(m).word(Lang::Zh), m.label(Lang::Zh));
    }
}

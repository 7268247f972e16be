//! The arbitration clock (domain::arbitration) in words and colour, in either language:
//! for the visit record, the referral queue and its detail, and the referral slip.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::arbitration::Clock;
use crate::i18n::Lang;

/// The colour of a case whose last day is 60 days away or nearer: its own, apart from
/// the queue's overdue red and due-today yellow.
pub const CLOSING: Color = Color::Magenta;

/// The heading the date is shown under.
pub fn label(lang: Lang) -> &'static str {
    lang.pick("仲裁时效", "Arbitration limit")
}

/// The style of a line about `clock`, when it calls for one.
pub fn style(clock: Clock) -> Option<Style> {
    match clock {
        Clock::Closing { .. } => Some(Style::default().fg(CLOSING).add_modifier(Modifier::BOLD)),
        Clock::Expired { .. } => Some(Style::default().fg(Color::Red)),
        _ => None,
    }
}

/// The clock in words (the slip prints them too, so they live beside the rule).
pub use crate::domain::arbitration::words;

/// A label and its value: the label in 12 columns as the records' others, or whole and a
/// space after it where the language needs more (`Arbitration limit`).
fn kv(k: &str, v: String, style: Style) -> ratatui::text::Line<'static> {
    let cols = 12.max(crate::text::width(k) + 1);
    ratatui::text::Line::from(vec![
        ratatui::text::Span::styled(crate::text::pad(k, cols), Style::default().fg(Color::Gray)),
        ratatui::text::Span::styled(v, style),
    ])
}

/// The line of the clock for a record (the visit, the referral): label and words; none
/// where the law is not about the request or no fact was given at all.
pub fn clock_line(
    facts: &crate::domain::arbitration::Facts,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Option<ratatui::text::Line<'static>> {
    if facts.none_given() {
        return None;
    }
    let clock = facts.clock(today);
    let w = words(clock, lang)?;
    Some(kv(label(lang), w, style(clock).unwrap_or_default()))
}

/// A visit record's arbitration facts as typed, then the clock on `today`.
pub fn visit_lines(
    facts: &crate::domain::arbitration::Facts,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Vec<ratatui::text::Line<'static>> {
    use crate::domain::labels::Labeled;
    let mut lines = Vec::new();
    if let Some(e) = facts.employment {
        lines.push(kv(
            lang.pick("在职状态", "Employment"),
            e.label(lang).to_string(),
            Style::default(),
        ));
    }
    for (zh, en, d) in [
        ("离职日期", "Job ended on", facts.ended_on),
        ("知悉日期", "Learned of it", facts.learned_on),
    ] {
        if let Some(d) = d {
            lines.push(kv(
                lang.pick(zh, en),
                d.format("%Y-%m-%d").to_string(),
                Style::default(),
            ));
        }
    }
    lines.extend(clock_line(facts, today, lang));
    lines
}

/// A short note beside the form's 在职状态: the last day, or why there is none. Short
/// enough to follow the choice within the form's 32 value columns at 80×24.
pub fn note(clock: Clock, lang: Lang) -> Option<String> {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    Some(match (clock, lang) {
        (Clock::NotCovered | Clock::NeedsFacts(_), _) => return None,
        (Clock::NoLimitWhileEmployed, Lang::Zh) => "欠薪不受时效限制".into(),
        (Clock::NoLimitWhileEmployed, Lang::En) => "no limit while employed".into(),
        (Clock::Running { last_day, .. }, Lang::Zh) => format!("时效至{}", day(last_day)),
        (Clock::Running { last_day, .. }, Lang::En) => format!("limit {}", day(last_day)),
        (
            Clock::Closing {
                last_day,
                days_left,
                ..
            },
            Lang::Zh,
        ) => {
            format!("至{}仅余{days_left}天", day(last_day))
        }
        (
            Clock::Closing {
                last_day,
                days_left,
                ..
            },
            Lang::En,
        ) => {
            format!("by {}: {days_left}d", day(last_day))
        }
        (Clock::Expired { last_day, .. }, Lang::Zh) => format!("时效已于{}届满", day(last_day)),
        (Clock::Expired { last_day, .. }, Lang::En) => format!("ran out {}", day(last_day)),
    })
}

/// The rule, its source and its limits, for the help overlay (72 columns wide: every
/// line fits its 70 inside).
pub fn help_lines(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Zh => &[
            "仲裁时效(劳动争议调解仲裁法第二十七条)",
            "  欠薪、劳动合同、工伤:表单问在职状态、离职日期、知悉日期。",
            "  一般:自知道或应当知道权利被侵害之日起一年。",
            "  在职期间欠薪不受时效限制;离职的,自离职之日起一年。",
            "  末日为次年同月同日,无此日的为该月末日(民法典)。",
            "  余60天以内的转介排在F3队列最前,以紫色标出。",
            "  未计时效中断、中止:日期供值班员估算,不是法律意见。",
        ],
        Lang::En => &[
            "Arbitration limit (仲裁时效), art. 27 of the Labour Dispute",
            "Mediation and Arbitration Law",
            "  Wages, contracts, injuries: the form asks whether the job",
            "  continues or ended (and when) and when the worker learned.",
            "  Rule: one year from the day they knew or should have known.",
            "  Wages owed while employed: no limit until the job ends, then",
            "  one year from its end.",
            "  The last day is the same date a year on (else the month's end).",
            "  60 days or fewer left: top of the F3 queue, in magenta.",
            "  Interruption and suspension are not counted: the date is an",
            "  estimate for the officer, not legal advice.",
        ],
    }
}

/// A few characters for a list row: "时效余45天", "时效已过".
pub fn short(clock: Clock, lang: Lang) -> Option<String> {
    match (clock, lang) {
        (Clock::Running { days_left, .. } | Clock::Closing { days_left, .. }, Lang::Zh) => {
            Some(format!("时效余{days_left}天"))
        }
        (Clock::Running { days_left, .. } | Clock::Closing { days_left, .. }, Lang::En) => {
            Some(format!("limit {days_left}d"))
        }
        (Clock::Expired { .. }, _) => Some(lang.pick("时效已过", "limit passed").into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::arbitration::{Employment, Facts, Missing};
    use crate::domain::lists::Category;
    use chrono::NaiveDate;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_help_lines_fit_the_help_overlay() {
        for lang in [Lang::Zh, Lang::En] {
            for l in help_lines(lang) {
                assert!(crate::text::width(l) <= 70, "{l}");
            }
        }
    }

    #[test]
    fn each_clock_is_said_in_both_languages() {
        let today = d("2026-11-22");
        let wages = |e, end: Option<&str>| Facts {
            category: Some(Category::WageArrears),
            employment: Some(e),
            ended_on: end.map(d),
            learned_on: None,
        };
        let employed = wages(Employment::Continues, None).clock(today);
        assert_eq!(
            words(employed, Lang::Zh).unwrap(),
            "在职期间欠薪不受时效限制(离职后一年内申请)"
        );
        let closing = wages(Employment::Ended, Some("2026-01-05")).clock(today);
        assert_eq!(
            words(closing, Lang::Zh).unwrap(),
            "2027-01-05前申请仲裁(余44天;自离职之日2026-01-05起一年)"
        );
        assert!(
            words(closing, Lang::En)
                .unwrap()
                .starts_with("apply by 2027-01-05 (44 days left")
        );
        assert_eq!(short(closing, Lang::Zh).unwrap(), "时效余44天");
        assert_eq!(style(closing).unwrap().fg, Some(CLOSING));
        let gone = wages(Employment::Ended, Some("2025-10-01")).clock(today);
        assert!(words(gone, Lang::Zh).unwrap().contains("中断、中止"));
        assert!(words(gone, Lang::En).unwrap().contains("interruption"));
        assert_eq!(words(Clock::NotCovered, Lang::Zh), None);
        assert_eq!(
            words(Clock::NeedsFacts(Missing::LearnedOn), Lang::Zh).unwrap(),
            "未能估算:请补填知悉日期"
        );
    }
}

//! A visit's record, read-only: the person (numbers masked until the audited reveal),
//! the visit, its request and arbitration clock, its history, referrals and the person's
//! earlier visits.

use ratatui::Frame;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::action::Action;
use crate::app::App;
use crate::domain::labels::Labeled;
use crate::domain::{id_number, money, phone};
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::store::VisitDetail;
use crate::ui::text;
use crate::widgets::chrome::{ACCENT, Scrolled, block, centered, clear_for_overlay, scrolled};

pub(super) fn render_visit(
    app: &App,
    frame: &mut Frame,
    d: &VisitDetail,
    scroll: u16,
    revealed: bool,
) -> Scrolled {
    let lang = app.lang;
    let area = centered(frame.area(), 80, frame.area().height.saturating_sub(2));
    clear_for_overlay(frame, area);
    let k = |a: Action| app.keymap.hint(Context::Help, a);
    let title = match lang {
        Lang::Zh => format!(
            "来访记录 · {} 更正 · {} 显示号码 · Esc 返回",
            k(Action::Edit),
            k(Action::Reveal)
        ),
        Lang::En => format!(
            "Visit · {} correct · {} show numbers · Esc back",
            k(Action::Edit),
            k(Action::Reveal)
        ),
    };
    let b = block(&title, true);
    let inner_cols = area.width.saturating_sub(2) as usize;
    let v = &d.visitor;
    let t = &d.visit;
    // As wide as the language's widest label and a gap (首问责任人, First contact).
    let label_cols = match lang {
        Lang::Zh => 12,
        Lang::En => 15,
    };
    let kv = |k: &str, val: String| {
        Line::from(vec![
            Span::styled(text::pad(k, label_cols), Style::default().fg(Color::Gray)),
            Span::raw(val),
        ])
    };
    let none = || lang.pick("—", "—").to_string();
    let mut lines = vec![
        kv(lang.pick("姓名", "Name"), v.name.clone()),
        kv(
            lang.pick("电话", "Phone"),
            v.phone.as_deref().map_or_else(none, |p| {
                if revealed {
                    p.to_string()
                } else {
                    phone::mask(p)
                }
            }),
        ),
        kv(
            lang.pick("身份证号", "ID number"),
            v.id_number.as_deref().map_or_else(none, |i| {
                if revealed {
                    i.to_string()
                } else {
                    id_number::mask(i)
                }
            }),
        ),
        kv(
            lang.pick("性别", "Gender"),
            v.gender.label(lang).to_string(),
        ),
        kv(lang.pick("工作单位", "Employer"), v.employer.clone()),
        kv(
            lang.pick("职业", "Occupation"),
            format!("{} {}", v.occupation.label(lang), v.occupation_note),
        ),
        kv(lang.pick("户籍地", "Hometown"), v.hometown.clone()),
        kv(
            lang.pick("工会会员", "Union member"),
            v.membership.label(lang).to_string(),
        ),
        Line::from(""),
        kv(
            lang.pick("来访时间", "When"),
            t.visited_at
                .with_timezone(&app.zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        ),
        kv(
            lang.pick("渠道", "Channel"),
            t.channel.label(lang).to_string(),
        ),
        kv(
            lang.pick("诉求类别", "Category"),
            t.category.label(lang).to_string(),
        ),
        kv(
            lang.pick("紧急程度", "Urgency"),
            t.urgency.label(lang).to_string(),
        ),
        kv(
            lang.pick("首问责任人", "First contact"),
            t.officer_name.clone(),
        ),
    ];
    if let Some(n) = t.headcount {
        lines.push(kv(lang.pick("涉及人数", "Workers"), n.to_string()));
    }
    if let Some(f) = t.amount_owed_fen {
        lines.push(kv(
            lang.pick("欠薪金额", "Amount owed"),
            money::format_fen(f),
        ));
    }
    if let Some(r) = &d.follows {
        let case = format!(
            "{} → {} · {} · {}{}",
            r.category.label(lang),
            r.service_name,
            r.status.label(lang),
            r.created_at.with_timezone(&app.zone).format("%Y-%m-%d"),
            lang.pick("转介", " referred")
        );
        lines.push(kv(
            lang.pick("回访", "Follow-up"),
            text::truncate(&case, inner_cols.saturating_sub(12)),
        ));
    }
    lines.extend(record_request(app, d, inner_cols));
    lines.extend(record_history(app, d, inner_cols));
    scrolled(frame, area, b, lines, scroll, lang, &k(Action::PageDown))
}

/// A visit record's lower half: its history (who registered, revealed, updated), its
/// referrals, and the person's earlier visits.
fn record_history(app: &App, d: &VisitDetail, inner_cols: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let mut lines = Vec::new();
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        lang.pick("处理记录", "History"),
        Style::default().fg(ACCENT),
    )));
    for e in &d.history {
        let what = match (e.action.as_str(), lang) {
            ("created", Lang::Zh) => "登记".to_string(),
            ("created_returning", Lang::Zh) => "登记(老来访人)".to_string(),
            ("imported", Lang::Zh) => "从台账导入".to_string(),
            ("created", Lang::En) => "registered".to_string(),
            ("created_returning", Lang::En) => "registered (returning visitor)".to_string(),
            ("imported", Lang::En) => "imported from ledger".to_string(),
            ("revealed", Lang::Zh) => format!("查看完整{}", e.detail),
            ("revealed", Lang::En) => "had the numbers shown in full".to_string(),
            ("updated", Lang::Zh) => format!("更新来访人信息:{}", e.detail),
            ("updated", Lang::En) => format!("updated the visitor's details: {}", e.detail),
            (other, _) => other.to_string(),
        };
        lines.push(Line::from(format!(
            "  {} {} {}",
            e.at.with_timezone(&app.zone).format("%Y-%m-%d %H:%M"),
            e.officer_name.as_deref().unwrap_or(""),
            what
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        match lang {
            Lang::Zh => format!(
                "转介({}) · {} 转介",
                d.referrals.len(),
                app.keymap.hint(Context::Help, Action::Route)
            ),
            Lang::En => format!(
                "Referrals ({}) · {} route",
                d.referrals.len(),
                app.keymap.hint(Context::Help, Action::Route)
            ),
        },
        Style::default().fg(ACCENT),
    )));
    for r in &d.referrals {
        let row = format!(
            "  {} · {} · {} · {} {}",
            r.kind.label(lang),
            r.service_name,
            r.status.label(lang),
            lang.pick("限", "due"),
            r.due_on.format("%Y-%m-%d")
        );
        lines.push(Line::from(text::truncate(&row, inner_cols)));
    }
    if !d.earlier_visits.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            lang.pick("以往来访", "Earlier visits"),
            Style::default().fg(ACCENT),
        )));
        for e in &d.earlier_visits {
            let summary = text::one_line(&e.summary);
            let row = format!(
                "  {} {} {}",
                e.visited_at.with_timezone(&app.zone).format("%Y-%m-%d"),
                e.category.label(lang),
                summary
            );
            lines.push(Line::from(text::truncate(&row, inner_cols)));
        }
    }
    lines
}

/// A visit record's request: the arbitration clock where it applies, and the summary.
fn record_request(app: &App, d: &VisitDetail, inner_cols: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let t = &d.visit;
    let mut lines = Vec::new();
    lines.extend(
        crate::panes::intake::arbitration_view::visit_lines(&d.arbitration, app.today(), lang)
            .into_iter()
            .flat_map(|l| crate::widgets::lines::wrap_value(l, inner_cols)),
    );
    lines.push(Line::from(Span::styled(
        lang.pick("诉求摘要", "Summary"),
        Style::default().fg(Color::Gray),
    )));
    for l in text::wrap_words(&t.summary, inner_cols.saturating_sub(2)) {
        lines.push(Line::from(format!("  {l}")));
    }
    lines
}

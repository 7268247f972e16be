//! Drawing the route dialog: the visit, the directory to choose from, the chosen
//! service in full with the deadline the referral takes on, and the key line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::view::service_lines;
use super::{ROUTE_KIND, RouteDialog};
use crate::action::Action;
use crate::config::Config;
use crate::domain::labels::Labeled;
use crate::domain::lists::Urgency;
use crate::domain::money;
use crate::domain::referral::{ServiceKind, ServiceStatus};
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::View;
use crate::text;
use crate::widgets::chrome::{
    Scrolled, block, centered, clear_for_overlay, dim, key_item, scrolled,
};

/// The route dialog: the visit, the directory to choose from, consent and urgency.
/// Returns what the chosen service's box showed, for PageDown to turn it.
pub fn render_route(view: &View, config: &Config, frame: &mut Frame, d: &RouteDialog) -> Scrolled {
    let lang = view.lang;
    let area = centered(frame.area(), 120, frame.area().height.saturating_sub(2));
    clear_for_overlay(frame, area);
    let b = block(lang.pick("转介:选择服务", "Route: choose a service"), true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [visit_line, body, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(inner);
    let v = &d.visit;
    let mut who = format!(
        "{} · {} · {}",
        v.visitor_name,
        v.category.label(lang),
        v.visited_at.with_timezone(&view.zone).format("%m-%d %H:%M")
    );
    if let Some(n) = v.headcount {
        who.push_str(&match lang {
            Lang::Zh => format!(" · {n}人"),
            Lang::En => format!(" · {n} workers"),
        });
    }
    if let Some(f) = v.amount_owed_fen {
        who.push_str(&format!(" · {}", money::format_fen(f)));
    }
    if !d.employer.is_empty() {
        who.push_str(&format!(" · {}", d.employer));
    }
    let mut spans = vec![Span::styled(
        who,
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if d.collective {
        spans.push(Span::styled(
            lang.pick(
                "  可能为群体性欠薪(该单位30天内3起以上)",
                "  possible collective case (3+ in 30 days)",
            ),
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    crate::widgets::lines::put_lines(frame, visit_line, [Line::from(spans)]);

    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
    let [form_area, list_area] =
        Layout::vertical([Constraint::Length(d.form.height() + 2), Constraint::Min(3)]).areas(left);
    d.form.render(frame, form_area, true, lang);

    let visible = d.visible();
    let b = block(
        &match lang {
            Lang::Zh => format!("服务目录({}项)· ↑↓ 选择", visible.len()),
            Lang::En => format!("Directory ({}) · ↑↓ choose", visible.len()),
        },
        false,
    );
    let list_inner = b.inner(list_area);
    frame.render_widget(b, list_area);
    let cols = list_inner.width as usize;
    let n = list_inner.height as usize;
    let first = d.sel.saturating_sub(n.saturating_sub(1));
    // The kind column only while the list holds every kind (the Kind field says it
    // otherwise), as wide as its longest word in this language.
    let kind_cols = if ServiceKind::from_code(&d.form.get(ROUTE_KIND)).is_some() {
        None
    } else {
        visible
            .iter()
            .map(|s| text::width(s.kind.label(lang)))
            .max()
    };
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(first)
        .take(n)
        .map(|(i, s)| {
            let marker = if i == d.sel { "> " } else { "  " };
            let kind = kind_cols
                .map(|w| format!("{} ", text::pad(s.kind.label(lang), w)))
                .unwrap_or_default();
            let mut row = format!("{marker}{kind}{} · {}", s.name, s.provider);
            if s.added_here {
                row = format!(
                    "{marker}{}{}",
                    lang.pick("[本站添加] ", "[added here] "),
                    &row[marker.len()..]
                );
            }
            if s.status != ServiceStatus::Active {
                row = format!(
                    "{marker}[{}] {}",
                    s.status.label(lang),
                    &row[marker.len()..]
                );
            }
            let mut style = if s.status == ServiceStatus::Active {
                Style::default()
            } else {
                dim()
            };
            if i == d.sel {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Line::from(Span::styled(text::pad(&row, cols), style))
        })
        .collect();
    let lines = if visible.is_empty() {
        add_service_words(view, d, cols)
    } else {
        lines
    };
    crate::widgets::lines::put_lines(frame, list_inner, lines);

    let shown = render_route_service(view, config, frame, d, right);
    let hint_text = route_hint(view, d, visible.is_empty(), hint.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(hint_text, dim())), hint);
    shown
}

/// The route dialog's right side: the chosen service in full, its deadline right under
/// its name (at 80×24 the rest may be cut, the deadline the referral takes on is not).
fn render_route_service(
    view: &View,
    config: &Config,
    frame: &mut Frame,
    d: &RouteDialog,
    right: Rect,
) -> Scrolled {
    let lang = view.lang;
    let b = block(lang.pick("服务详情", "Service"), false);
    let Some(s) = d.selected() else {
        frame.render_widget(b, right);
        return Scrolled::default();
    };
    {
        let cols = b.inner(right).width as usize;
        let mut lines = service_lines(s, lang, cols);
        let urgency = d
            .form
            .choice::<Urgency>(crate::panes::referrals::ROUTE_URGENCY)
            .unwrap_or(Urgency::Normal);
        let days = config.deadlines.working_days(s.deadline_rule, urgency);
        let due = config
            .deadlines
            .due(&config.calendar, view.today, s.deadline_rule, urgency);
        // The deadline right under the service's name: at 80×24 the rest of the
        // service's facts may be cut, the deadline the referral takes on is not.
        let deadline = match lang {
            Lang::Zh => format!(
                "办结时限:{}{}个工作日,至 {}",
                s.deadline_rule.label(lang),
                days,
                due.format("%Y-%m-%d")
            ),
            Lang::En => format!(
                "Deadline: {} {} working day{}, by {}",
                s.deadline_rule.label(lang),
                days,
                if days == 1 { "" } else { "s" },
                due.format("%Y-%m-%d")
            ),
        };
        // Under the service's name and provider, however many lines they wrap to.
        let at = text::wrap_words(&format!("{} · {}", s.name, s.provider), cols)
            .len()
            .min(lines.len());
        // Too long for one line, it breaks after the working days, never inside the date.
        let parts: Vec<&str> = if text::width(&deadline) <= cols {
            vec![deadline.as_str()]
        } else {
            deadline.split_inclusive([',', ',']).collect()
        };
        lines.splice(
            at..at,
            parts
                .into_iter()
                .flat_map(|part| text::wrap_words(part.trim_start(), cols))
                .map(|l| Line::from(Span::styled(l, Style::default().fg(Color::Yellow))))
                .collect::<Vec<_>>(),
        );
        if s.status != ServiceStatus::Active {
            lines.push(Line::from(Span::styled(
                match lang {
                    Lang::Zh => format!("该服务{},不能转介", s.status.label(lang)),
                    Lang::En => format!(
                        "This service is {}: it cannot take referrals",
                        s.status.label(lang).to_lowercase()
                    ),
                },
                Style::default().fg(Color::Red),
            )));
        }
        let page_key = view.keymap.hint(Context::Form, Action::PageDown);
        scrolled(frame, right, b, lines, d.service_scroll(), lang, &page_key)
    }
}

/// The route dialog's key line: adding a service, an empty list, or choosing.
fn route_hint(view: &View, d: &RouteDialog, nothing_listed: bool, cols: usize) -> String {
    let lang = view.lang;
    let k = |a: Action, zh: &str, en: &str, rank: u8| {
        key_item(view.keymap, Context::Form, a, lang.pick(zh, en), rank)
    };
    let items: Vec<(String, u8)> = if d.adding {
        vec![
            k(Action::NextField, "下一项", "next field", 1),
            k(Action::Save, "保存为本站服务", "save the new service", 0),
            k(Action::Back, "不新增", "give it up", 0),
        ]
    } else {
        let first = if nothing_listed {
            k(Action::AddService, "新增本站服务", "add a service", 0)
        } else {
            (lang.pick("↑↓ 选择服务", "↑↓ choose service").to_string(), 1)
        };
        std::iter::once(first)
            .chain(crate::widgets::chrome::dialog_keys(
                view.keymap,
                view.lang,
                lang.pick("转介", "refer"),
            ))
            .collect()
    };
    text::fit_items(&items, " · ", cols)
}

/// What the route dialog's list says when it shows no service: how to add one the
/// directory lacks, or, while it is typed, what `save` does with it.
fn add_service_words(v: &View, d: &RouteDialog, cols: usize) -> Vec<Line<'static>> {
    let lang = v.lang;
    let add = v.keymap.hint(Context::Form, Action::AddService);
    let save = v.keymap.hint(Context::Form, Action::Save);
    let back = v.keymap.hint(Context::Form, Action::Back);
    let words = match (lang, d.adding, d.services.is_empty()) {
        (Lang::Zh, true, _) => {
            format!("新增本站服务(本站添加),类别即上面的服务类别。{save} 保存,{back} 不新增。")
        }
        (Lang::En, true, _) => format!(
            "A service of this station's own, of the kind above: {save} saves it, {back} gives it up."
        ),
        (Lang::Zh, false, true) => format!(
            "服务目录是空的(可用 dutydesk import directory 导入)。知道要转去的单位,按 {add} 新增为本站服务。"
        ),
        (Lang::En, false, true) => format!(
            "The directory is empty (dutydesk import directory brings one in). If you know where to send the visitor, {add} adds it as this station's own."
        ),
        (Lang::Zh, false, false) => {
            format!("目录中没有相符的服务。换个词查找,或按 {add} 新增为本站服务。")
        }
        (Lang::En, false, false) => format!(
            "No service matches. Search for other words, or {add} adds it as this station's own."
        ),
    };
    text::wrap_words(&words, cols)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, dim())))
        .collect()
}

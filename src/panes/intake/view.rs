//! Drawing the intake (F2): the form, the returning visitors its typing finds, and today's
//! visits with their `/` filter.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Focus, IntakePane};
use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::{id_number, phone};
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::View;
use crate::store::VisitRow;
use crate::text;
use crate::widgets::chrome::{ACCENT, block, dim, title_fitting};

/// F2 in `area`: the form (with returning visitors found as it is typed) and today's
/// visits. Returns how wide the summary box was drawn, so Up/Down in it move by wrapped
/// lines.
pub fn render(pane: &IntakePane, v: &View, frame: &mut Frame, area: Rect) -> usize {
    let lang = v.lang;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    let heading = match (&pane.picked, lang) {
        _ if pane.correcting.is_some() => {
            let label = pane.correcting.as_ref().map_or("", |(_, l)| l.as_str());
            // The keys are in the status line when correcting starts: a heading with them
            // is cut at 80 columns.
            match lang {
                Lang::Zh => format!("更正记录 · {label}"),
                Lang::En => format!("Correcting · {label}"),
            }
        }
        (Some(p), Lang::Zh) => format!("来访登记 · 老来访人 {}(以往{}次)", p.name, p.visit_count),
        // At 80 columns the English says it in fewer words.
        (Some(p), Lang::En) => title_fitting(
            left.width,
            vec![
                format!(
                    "Intake · returning visitor {} ({} earlier)",
                    p.name, p.visit_count
                ),
                format!("Returning: {} ({} earlier)", p.name, p.visit_count),
            ],
        ),
        (None, _) => lang.pick("来访登记", "Visitor intake").to_string(),
    };
    let form_focused = v.focused && pane.focus == Focus::Form;
    let b = block(&heading, form_focused);
    let inner = b.inner(left);
    frame.render_widget(b, left);
    let summary_cols = (inner.width.saturating_sub(pane.form.label_cols + 2) as usize).max(2);
    pane.form.render(frame, inner, form_focused, lang);

    let show_matches = form_focused && !pane.matches.is_empty();
    let today_area = if show_matches {
        let h = crate::widgets::cells(pane.matches.len() * 2 + 2).min(right.height / 2 + 2);
        let [m, t] = Layout::vertical([Constraint::Length(h), Constraint::Min(3)]).areas(right);
        render_matches(pane, v, frame, m);
        t
    } else {
        right
    };
    render_today(pane, v, frame, today_area);
    summary_cols
}

fn render_matches(pane: &IntakePane, view: &View, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let key = view.keymap.hint(Context::Form, Action::PickMatch);
    let heading = match lang {
        Lang::Zh => format!("老来访人 · {key} 选用 · ↑↓ 切换"),
        Lang::En => title_fitting(
            area.width,
            vec![
                format!("Returning visitors · {key} use · ↑↓ move"),
                format!("Returning · {key} use · ↑↓"),
            ],
        ),
    };
    let b = block(&heading, true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let cols = inner.width as usize;
    let mut lines = Vec::new();
    for (i, m) in pane.matches.iter().enumerate() {
        let v = &m.visitor;
        let selected = i == pane.match_sel;
        let marker = if selected { "> " } else { "  " };
        let mut head = format!("{marker}{}", v.name);
        if let Some(p) = &v.phone {
            head.push_str(&format!("  {}", phone::mask(p)));
            // Found by the end of the number, not its start (手机尾号).
            if m.matched_by == crate::store::MatchedBy::PhoneTail {
                head.push_str(lang.pick(" 尾号", " (tail)"));
            }
        }
        if let Some(id) = &v.id_number {
            head.push_str(&format!("  {}", id_number::mask(id)));
        }
        head.push_str(&match lang {
            Lang::Zh => format!("  来访{}次", m.visit_count),
            Lang::En => format!("  {} visits", m.visit_count),
        });
        let style = if selected {
            Style::default().fg(Color::Black).bg(ACCENT)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(text::pad(&head, cols), style)));
        let recent: Vec<String> = m
            .recent
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r.visited_at.with_timezone(&view.zone).format("%Y-%m-%d"),
                    r.category.label(lang)
                )
            })
            .collect();
        let past = format!("    {}", recent.join(" · "));
        lines.push(Line::from(Span::styled(text::truncate(&past, cols), dim())));
    }
    crate::widgets::lines::put_lines(frame, inner, lines);
}

fn visit_row_text(view: &View, v: &VisitRow, cols: usize) -> String {
    let lang = view.lang;
    let time = v.visited_at.with_timezone(&view.zone).format("%H:%M");
    // The request as wide as the language writes it (欠薪, Labour contract); where the
    // row has no room (80 columns), the channel goes first and the urgency stays.
    let category_cols = match lang {
        Lang::Zh => 8,
        Lang::En => 15,
    };
    let mut s = format!(
        "{time} {} {}",
        text::pad(&v.visitor_name, 8),
        text::pad(v.category.label(lang), category_cols),
    );
    // An urgent visit is marked whole, or — with no room for the word — by "!".
    let urgent = (v.urgency == crate::domain::lists::Urgency::Urgent).then(|| {
        let word = format!(" [{}]", v.urgency.label(lang));
        if text::width(&s) + text::width(&word) <= cols {
            word
        } else {
            " !".to_string()
        }
    });
    let channel = format!(" {}", v.channel.label(lang));
    let room = cols.saturating_sub(text::width(&s) + urgent.as_deref().map_or(0, text::width));
    if text::width(&channel) <= room {
        s.push_str(&channel);
    }
    if let Some(u) = urgent {
        s.push_str(&u);
    }
    text::pad(&s, cols)
}

fn render_today(pane: &IntakePane, view: &View, frame: &mut Frame, area: Rect) {
    let lang = view.lang;
    let visible = pane.visible_today(lang);
    let mut heading = match lang {
        Lang::Zh => format!("今日来访({})", visible.len()),
        Lang::En => format!("Today's visits ({})", visible.len()),
    };
    if let Some(f) = &pane.filter {
        heading.push_str(&format!(" / {}", f.value()));
    }
    let focused = view.focused && pane.focus == Focus::List;
    let b = block(&heading, focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if visible.is_empty() {
        let empty = lang.pick("今天还没有来访记录", "No visits yet today");
        frame.render_widget(Paragraph::new(Span::styled(empty, dim())), inner);
        return;
    }
    let rows = inner.height as usize;
    let first = pane.list_sel.saturating_sub(rows.saturating_sub(1));
    let cols = inner.width as usize;
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, v)| {
            let style = if focused && i == pane.list_sel {
                Style::default().fg(Color::Black).bg(ACCENT)
            } else if v.urgency == crate::domain::lists::Urgency::Urgent {
                Style::default().fg(Color::Yellow)
            } else {
                Style::default()
            };
            Line::from(Span::styled(visit_row_text(view, v, cols), style))
        })
        .collect();
    crate::widgets::lines::put_lines(frame, inner, lines);
    if focused && pane.filter_typing {
        // The filter text ends the title: put the real cursor after it for the IME.
        let x = area.x + 2 + crate::widgets::cells(text::width(&heading));
        frame.set_cursor_position((x.min(area.right().saturating_sub(2)), area.y));
    }
}

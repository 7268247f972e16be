//! Drawing the job lookup (F4): search line and filters, ranked openings with the matched
//! characters highlighted, and the selected posting.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use super::chrome::{ACCENT, block, centered, clear_for_overlay, dim};
use crate::action::Action;
use crate::app::App;
use crate::domain::job::Job;
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::ui::text;

/// One field of a result row: its characters, those in `marks` (char indices counted from
/// `offset` in the opening's search text) highlighted, cut or padded to `cols`.
fn field_spans(
    field: &str,
    offset: usize,
    marks: &[usize],
    cols: usize,
    base: Style,
) -> Vec<Span<'static>> {
    let hi = base.fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, c) in field.chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w > cols {
            break;
        }
        used += w;
        let style = if marks.binary_search(&(offset + i)).is_ok() {
            hi
        } else {
            base
        };
        spans.push(Span::styled(c.to_string(), style));
    }
    spans.push(Span::styled(" ".repeat(cols - used + 1), base));
    spans
}

pub fn render_jobs(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let pane = &app.jobs;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let heading = match (&pane.index, lang) {
        (None, Lang::Zh) => "岗位查询 · 正在建立岗位索引…".to_string(),
        (None, Lang::En) => "Job openings · building the index…".to_string(),
        (Some(idx), Lang::Zh) => format!(
            "岗位查询 · 共{}个岗位 · {}前{}个 · {:.1} ms",
            idx.len(),
            if pane.ranking_wish().is_some() {
                "按意愿排序 · "
            } else {
                "找到"
            },
            pane.hits.len(),
            pane.last_search_ms
        ),
        (Some(idx), Lang::En) => format!(
            "Job openings · {} in all · {}top {} · {:.1} ms",
            idx.len(),
            if pane.ranking_wish().is_some() {
                "ranked by the wish · "
            } else {
                ""
            },
            pane.hits.len(),
            pane.last_search_ms
        ),
    };
    let focused = app.modal.is_none();
    let b = block(&heading, focused);
    let inner = b.inner(left);
    frame.render_widget(b, left);
    let [who, form_area, list_area, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(pane.form.height() + 2),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(inner);
    let k = |a: Action| app.keymap.hint(Context::Jobs, a);
    let who_line = match (&pane.for_visit, lang) {
        (Some(v), Lang::Zh) => Span::styled(
            format!("为 {} 找工作{}", v.name, if v.job_seeking { "(求职)" } else { "" }),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        ),
        (Some(v), Lang::En) => Span::styled(
            format!("Finding work for {}", v.name),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        ),
        (None, _) => Span::styled(
            lang.pick(
                "未选定来访人(保存登记或在今日来访中选中一条后按 F4,即可推荐)",
                "No visitor chosen (save an intake or choose one in today's list, then F4, to refer)",
            ),
            dim(),
        ),
    };
    frame.render_widget(Paragraph::new(who_line), who);
    pane.form.render(frame, form_area, focused, lang);

    let cols = list_area.width as usize;
    if let Some(idx) = &pane.index {
        if pane.hits.is_empty() {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    lang.pick("没有符合条件的岗位", "No opening matches"),
                    dim(),
                )),
                list_area,
            );
        }
        let query = pane.query();
        let n = list_area.height as usize;
        let first = pane.sel.saturating_sub(n.saturating_sub(1));
        let widths = [14usize, 20, 8, 14];
        let lines: Vec<Line> = pane
            .hits
            .iter()
            .enumerate()
            .skip(first)
            .take(n)
            .map(|(i, h)| {
                let marks = match pane.ranking_wish() {
                    Some(wish) => idx.wish_marks(h.line, wish),
                    None => idx.highlights(h.line, &query),
                };
                let [title, employer, district, benefits] = idx.fields_of(h.line);
                let mut base = if idx.is_current(h.line) {
                    Style::default()
                } else {
                    dim()
                };
                if i == pane.sel && focused {
                    base = base.add_modifier(Modifier::REVERSED);
                }
                let t_len = title.chars().count();
                let e_len = employer.chars().count();
                let d_len = district.chars().count();
                let mut spans = field_spans(title, 0, &marks, widths[0], base);
                spans.extend(field_spans(employer, t_len + 1, &marks, widths[1], base));
                spans.extend(field_spans(
                    district,
                    t_len + e_len + 2,
                    &marks,
                    widths[2],
                    base,
                ));
                spans.push(Span::styled(
                    text::pad(&idx.wage_words_of(h.line), widths[3]),
                    base,
                ));
                spans.push(Span::styled(" ", base));
                let mut used: usize = widths.iter().sum::<usize>() + 5;
                // An outside posting that left out its employer, salary or place (issue 17).
                if idx.is_incomplete(h.line) {
                    let mark = format!("{} ", lang.pick("信息不全", "incomplete"));
                    used += text::width(&mark);
                    spans.push(Span::styled(mark, base.fg(Color::Yellow)));
                }
                spans.extend(field_spans(
                    benefits,
                    t_len + e_len + d_len + 3,
                    &marks,
                    cols.saturating_sub(used + 1),
                    base,
                ));
                Line::from(spans)
            })
            .collect();
        crate::ui::put_lines(frame, list_area, lines);
    }
    let hint_text = match lang {
        Lang::Zh => format!(
            "↑↓ 选择 · Enter 详情 · {} 推荐给来访人 · {} 已就业 · {} 按意愿排序 · Tab 筛选",
            k(Action::ReferJob),
            k(Action::MarkPlaced),
            k(Action::MatchVisitor)
        ),
        Lang::En => format!(
            "↑↓ choose · Enter details · {} refer visitor · {} placed · {} rank by wish · Tab filters",
            k(Action::ReferJob),
            k(Action::MarkPlaced),
            k(Action::MatchVisitor)
        ),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text::truncate(&hint_text, cols), dim())),
        hint,
    );

    let b = block(lang.pick("岗位详情", "Posting"), false);
    let detail_inner = b.inner(right);
    frame.render_widget(b, right);
    if let Some(j) = &pane.detail {
        let lines = posting_lines(j, lang, detail_inner.width as usize);
        crate::ui::put_lines(frame, detail_inner, lines);
    }
}

/// The whole posting, as the officer reads it out.
fn posting_lines(j: &Job, lang: Lang, cols: usize) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(Span::styled(
            j.title.clone(),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        )),
        Line::from(j.employer.clone()),
    ];
    let mut kv = |k: &str, v: String| {
        if v.trim().is_empty() {
            return;
        }
        for (i, l) in text::wrap(&v, cols.saturating_sub(11))
            .into_iter()
            .enumerate()
        {
            lines.push(Line::from(vec![
                Span::styled(
                    text::pad(if i == 0 { k } else { "" }, 10),
                    Style::default().fg(Color::Gray),
                ),
                Span::raw(l),
            ]));
        }
    };
    let monthly = match (j.wage_unit, j.monthly_max()) {
        (crate::domain::job::WageUnit::Month, _) | (_, None) => String::new(),
        (_, Some(m)) => match lang {
            Lang::Zh => format!("(约合月薪¥{m})"),
            Lang::En => format!(" (about ¥{m} a month)"),
        },
    };
    kv(
        lang.pick("工资", "Wage"),
        format!("{}{monthly}", j.wage_words()),
    );
    // The posting's own words when it gave them (jobBenefits), else what was read.
    kv(
        lang.pick("福利", "Benefits"),
        if j.benefits_text.is_empty() {
            j.benefits.words().to_string()
        } else {
            j.benefits_text.clone()
        },
    );
    if j.is_incomplete() {
        let u = j.unknown;
        let what: Vec<&str> = [
            (u.employer, lang.pick("招聘单位", "employer")),
            (u.salary, lang.pick("工资", "salary")),
            (u.place, lang.pick("工作地点", "place")),
        ]
        .iter()
        .filter(|(b, _)| *b)
        .map(|(_, w)| *w)
        .collect();
        kv(
            lang.pick("信息不全", "Incomplete"),
            match lang {
                Lang::Zh => format!("未注明{}", what.join("、")),
                Lang::En => format!("no {} given", what.join(", ")),
            },
        );
    }
    kv(
        lang.pick("用工类型", "Type"),
        j.employment_type.label(lang).to_string(),
    );
    kv(lang.pick("工作时间", "Hours"), j.hours.clone());
    kv(
        lang.pick("招聘人数", "Openings"),
        j.openings.map(|n| n.to_string()).unwrap_or_default(),
    );
    kv(lang.pick("区域", "District"), j.district.clone());
    kv(lang.pick("地址", "Address"), j.address.clone());
    let age = match (j.age_min, j.age_max) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("{a}+"),
        (None, Some(b)) => format!("≤{b}"),
        (None, None) => String::new(),
    };
    kv(lang.pick("年龄", "Age"), age);
    kv(lang.pick("学历", "Education"), j.education.clone());
    kv(lang.pick("经验", "Experience"), j.experience.clone());
    kv(lang.pick("身体要求", "Physical"), j.physical.clone());
    kv(lang.pick("岗位描述", "About"), j.description.clone());
    kv(lang.pick("联系方式", "Contact"), j.contact.clone());
    kv(lang.pick("信用代码", "Credit code"), j.credit_code.clone());
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    kv(lang.pick("发布日期", "Posted"), date(j.posted_on));
    kv(
        lang.pick("有效期至", "Valid through"),
        date(j.valid_through),
    );
    kv(lang.pick("来源", "Source"), j.source.clone());
    kv(
        lang.pick("状态", "Status"),
        j.status.label(lang).to_string(),
    );
    lines
}

pub fn render_posting(app: &App, frame: &mut Frame, j: &Job, scroll: u16) {
    let lang = app.lang;
    let area = centered(frame.area(), 80, frame.area().height.saturating_sub(2));
    clear_for_overlay(frame, area);
    let b = block(lang.pick("岗位详情(只读)", "Posting (read-only)"), true);
    let lines = posting_lines(j, lang, area.width.saturating_sub(2) as usize);
    frame.render_widget(Paragraph::new(lines).block(b).scroll((scroll, 0)), area);
}

//! Drawing the job lookup (F4): search line and filters, ranked openings with the matched
//! characters highlighted, and the selected posting.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthChar;

use super::{DistrictPick, J_DISTRICT, JobsPane};
use crate::action::Action;
use crate::domain::job::Job;
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::View;
use crate::text;
use crate::widgets::chrome::{
    ACCENT, Scrolled, block, centered, clear_for_overlay, dim, key_item, scrolled, title_fitting,
};

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

/// F4 in `area`; `db` names the file in the hint shown while it has no openings.
pub fn render(pane: &JobsPane, v: &View, db: &std::path::Path, frame: &mut Frame, area: Rect) {
    let lang = v.lang;
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
    // At 80 columns the title keeps what was found and how, without "in all".
    let heading = match (&pane.index, lang) {
        (Some(idx), Lang::En) => {
            let short = format!(
                "Jobs · {}{} of {} · {:.1} ms",
                if pane.ranking_wish().is_some() {
                    "by wish · "
                } else {
                    ""
                },
                pane.hits.len(),
                idx.len(),
                pane.last_search_ms
            );
            title_fitting(left.width, vec![heading, short])
        }
        _ => heading,
    };
    let focused = v.focused;
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
    let who_line = match (&pane.for_visit, lang) {
        (Some(v), Lang::Zh) => Span::styled(
            format!(
                "为 {} 找工作{}",
                visitor_name(&v.name, lang),
                match (v.job_seeking, v.visit_id.is_some()) {
                    (true, true) => "(求职)",
                    (true, false) => "(求职,登记未保存)",
                    (false, true) => "",
                    (false, false) => "(登记未保存)",
                }
            ),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        ),
        (Some(v), Lang::En) => Span::styled(
            format!(
                "Finding work for {}{}",
                visitor_name(&v.name, lang),
                if v.visit_id.is_some() {
                    ""
                } else {
                    " (intake not saved yet)"
                }
            ),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        ),
        (None, _) => {
            let long = lang.pick(
                "未选定来访人(保存登记或在今日来访中选中一条后按 F4,即可推荐)",
                "No visitor chosen (save an intake or choose one in today's list, then F4, to refer)",
            );
            let short = lang.pick(
                "未选定来访人(保存登记后按 F4 可推荐)",
                "No visitor chosen: F4 after saving an intake",
            );
            let fits = text::width(long) <= inner.width as usize;
            Span::styled(if fits { long } else { short }, dim())
        }
    };
    frame.render_widget(Paragraph::new(who_line), who);
    pane.form.render(frame, form_area, focused, lang);

    let cols = list_area.width as usize;
    render_hits(pane, v, db, frame, list_area);
    let items = hint_items(pane, v);
    frame.render_widget(
        Paragraph::new(Span::styled(text::fit_items(&items, " · ", cols), dim())),
        hint,
    );

    if let Some(pick) = &pane.district_pick {
        render_district_pick(pick, lang, frame, right);
        return;
    }
    let b = block(lang.pick("岗位详情", "Posting"), false);
    let detail_inner = b.inner(right);
    frame.render_widget(b, right);
    if let Some(j) = &pane.detail {
        let lines = posting_lines(j, lang, detail_inner.width as usize);
        crate::widgets::lines::put_lines(frame, detail_inner, lines);
    }
}

/// F4's keys, ranked: choosing and referring stay at 80 columns; the rest is in F1.
fn hint_items(pane: &JobsPane, v: &View) -> Vec<(String, u8)> {
    let lang = v.lang;
    let k = |a: Action, zh: &str, en: &str, rank: u8| {
        key_item(v.keymap, Context::Jobs, a, lang.pick(zh, en), rank)
    };
    if pane.district_pick.is_some() {
        vec![
            (lang.pick("↑↓ 选择", "↑↓ choose").to_string(), 0),
            (lang.pick("Enter 选定", "Enter pick").to_string(), 0),
            (lang.pick("Esc 关闭", "Esc close").to_string(), 0),
            (lang.pick("可输入筛选", "type to narrow").to_string(), 1),
        ]
    } else {
        vec![
            (lang.pick("↑↓ 选择", "↑↓ choose").to_string(), 0),
            (lang.pick("Enter 详情", "Enter details").to_string(), 1),
            k(Action::ReferJob, "推荐给来访人", "refer visitor", 0),
            k(Action::MarkPlaced, "已就业", "placed", 2),
            k(Action::MatchVisitor, "按意愿排序", "rank by wish", 2),
            (lang.pick("Tab 筛选", "Tab filters").to_string(), 1),
            k(Action::PickDistrict, "选区域", "district", 2),
        ]
    }
}

/// The ranked openings (or why there are none), the matched characters highlighted; at 80
/// columns the district goes first, then the employer narrows — the wage is never cut.
fn render_hits(
    pane: &JobsPane,
    v: &View,
    db: &std::path::Path,
    frame: &mut Frame,
    list_area: Rect,
) {
    let lang = v.lang;
    let focused = v.focused;
    let k = |a: Action| v.keymap.hint(Context::Jobs, a);
    let cols = list_area.width as usize;
    if let Some(idx) = &pane.index {
        if idx.is_empty() {
            let lines: Vec<Line> = no_openings_yet(db, lang, cols)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, dim())))
                .collect();
            crate::widgets::lines::put_lines(frame, list_area, lines);
        } else if pane.hits.is_empty() {
            // A district no opening names: the pick-list shows those there are.
            let text = match (lang, pane.form.get(J_DISTRICT).trim().is_empty()) {
                (Lang::Zh, true) => "没有符合条件的岗位".to_string(),
                (Lang::En, true) => "No opening matches".to_string(),
                (Lang::Zh, false) => format!(
                    "没有符合条件的岗位({} 列出岗位中现有的区域)",
                    k(Action::PickDistrict)
                ),
                (Lang::En, false) => format!(
                    "No opening matches ({} lists the districts there are)",
                    k(Action::PickDistrict)
                ),
            };
            let lines: Vec<Line> = text::wrap_words(&text, cols)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, dim())))
                .collect();
            crate::widgets::lines::put_lines(frame, list_area, lines);
        }
        let query = pane.query();
        let n = list_area.height as usize;
        let first = pane.sel.saturating_sub(n.saturating_sub(1));
        // The wage column is as wide as the language writes a month's range
        // (`¥5000–7000/月`, `¥5000–7000/month`).
        let wage_cols = match lang {
            Lang::Zh => 14,
            Lang::En => 17,
        };
        // Narrower than a full row (80 columns): the district goes first (the posting
        // beside says it), then the employer narrows — the wage is never cut.
        let full = 14 + 20 + 8 + wage_cols + 5;
        let widths = if cols >= full {
            [14usize, 20, 8, wage_cols]
        } else {
            let employer = cols.saturating_sub(14 + wage_cols + 4).clamp(6, 20);
            [14usize, employer, 0, wage_cols]
        };
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
                if widths[2] > 0 {
                    spans.extend(field_spans(
                        district,
                        t_len + e_len + 2,
                        &marks,
                        widths[2],
                        base,
                    ));
                }
                spans.push(Span::styled(
                    text::pad(&idx.wage_words_in(h.line, lang), widths[3]),
                    base,
                ));
                spans.push(Span::styled(" ", base));
                let mut used: usize = widths.iter().sum::<usize>() + 4 + usize::from(widths[2] > 0);
                // An outside posting that left out its employer, salary or place (issue 17).
                // Where the row has no room for the mark (80 columns, English), the
                // posting beside says it instead of a cut word.
                if idx.is_incomplete(h.line) {
                    let mark = format!("{} ", lang.pick("信息不全", "incomplete"));
                    if used + text::width(&mark) <= cols {
                        used += text::width(&mark);
                        spans.push(Span::styled(mark, base.fg(Color::Yellow)));
                    }
                }
                // The index keeps the tags in Chinese (they are searched); an English desk
                // shows them in English, without the marks that fall in the Chinese.
                let benefits_en = idx.benefits_of(h.line).words_in(lang);
                let (benefits, marks) = match lang {
                    Lang::Zh => (benefits, &marks[..]),
                    Lang::En => (benefits_en.as_str(), &[][..]),
                };
                spans.extend(field_spans(
                    benefits,
                    t_len + e_len + d_len + 3,
                    marks,
                    cols.saturating_sub(used + 1),
                    base,
                ));
                Line::from(spans)
            })
            .collect();
        crate::widgets::lines::put_lines(frame, list_area, lines);
    }
}

/// A visitor being typed may have no name yet.
fn visitor_name(name: &str, lang: Lang) -> String {
    if name.is_empty() {
        lang.pick("正在登记的来访人", "the visitor being registered")
            .to_string()
    } else {
        name.to_string()
    }
}

/// F4 with no openings at all: how to bring them in, wrapped to `cols`.
fn no_openings_yet(db: &std::path::Path, lang: Lang, cols: usize) -> Vec<String> {
    let (first, file, formats, after) = match lang {
        Lang::Zh => (
            "还没有岗位信息。在命令行导入:",
            "文件",
            "文件:CSV(UTF-8 或 GBK,列名见 README 的 Job columns)或 schema.org JobPosting JSON-LD。",
            "导入后即在此显示,不必重启。",
        ),
        Lang::En => (
            "No openings yet. On the command line:",
            "FILE",
            "FILE: a CSV (UTF-8 or GBK, columns as in the README's Job columns) or schema.org JobPosting JSON-LD.",
            "They appear here within seconds; no restart.",
        ),
    };
    let mut lines = text::wrap_words(first, cols);
    let command = format!("  dutydesk import jobs {file}");
    // The desk's own file, unless it is the one the command uses by itself; on a line
    // of its own when the two do not fit on one.
    if db == crate::config::default_db_path() {
        lines.push(command);
    } else {
        let db = format!("--db {}", db.display());
        if text::width(&command) + 1 + text::width(&db) <= cols {
            lines.push(format!("{command} {db}"));
        } else {
            lines.push(format!("{command} \\"));
            lines.extend(text::wrap_words(&format!("    {db}"), cols));
        }
    }
    lines.extend(text::wrap_words(formats, cols));
    lines.extend(text::wrap_words(after, cols));
    lines
}

/// The district pick-list, where the posting is shown: "any district", then the
/// districts starting with what the field holds, with how many openings each has.
fn render_district_pick(pick: &DistrictPick, lang: Lang, frame: &mut Frame, area: Rect) {
    let b = block(lang.pick("选择区域", "Pick a district"), true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let cols = inner.width as usize;
    let listed = pick.listed();
    let mut rows: Vec<(String, String)> = vec![(
        lang.pick("不限区域", "Any district").to_string(),
        String::new(),
    )];
    rows.extend(listed.iter().map(|(d, n)| (d.clone(), n.to_string())));
    // The counts in a column after the longest name, not across a wide screen.
    let widest = rows
        .iter()
        .map(|(name, _)| text::width(name))
        .max()
        .unwrap_or(0);
    let sel = pick.sel.min(rows.len() - 1);
    let n = inner.height as usize;
    let first = sel.saturating_sub(n.saturating_sub(1));
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(n)
        .map(|(i, (name, count))| {
            let style = if i == sel {
                Style::default().add_modifier(Modifier::REVERSED)
            } else if i == 0 {
                dim()
            } else {
                Style::default()
            };
            // The chosen row is marked, not only reversed (a terminal without colour).
            let mark = if i == sel { "> " } else { "  " };
            let room = cols.saturating_sub(text::width(count) + 3).min(widest + 2);
            Line::from(Span::styled(
                format!("{mark}{} {count}", text::pad(name, room)),
                style,
            ))
        })
        .collect();
    crate::widgets::lines::put_lines(frame, inner, lines);
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
    // The facts first, then drawn with their labels as wide as the widest in the
    // language in force (`Valid through` is wider than `有效期至`).
    let mut pairs: Vec<(&'static str, String)> = Vec::new();
    let mut kv = |k: &'static str, v: String| {
        if !v.trim().is_empty() {
            pairs.push((k, v));
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
        format!("{}{monthly}", j.wage_words_in(lang)),
    );
    // The posting's own words when it gave them (jobBenefits), else what was read.
    kv(
        lang.pick("福利", "Benefits"),
        match (lang, j.benefits_text.is_empty()) {
            (_, true) => j.benefits.words_in(lang),
            (Lang::Zh, false) => j.benefits_text.clone(),
            // An English desk reads the tags, and the posting's own words beside them.
            (Lang::En, false) => match j.benefits.words_in(lang) {
                tags if tags.is_empty() => j.benefits_text.clone(),
                tags => format!("{tags} ({})", j.benefits_text),
            },
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
    kv(lang.pick("有效期至", "Expires"), date(j.valid_through));
    kv(lang.pick("来源", "Source"), j.source.clone());
    kv(
        lang.pick("状态", "Status"),
        j.status.label(lang).to_string(),
    );
    let label_cols = pairs.iter().map(|(k, _)| text::width(k)).max().unwrap_or(0) + 2;
    for (k, v) in pairs {
        for (i, l) in text::wrap_words(&v, cols.saturating_sub(label_cols + 1))
            .into_iter()
            .enumerate()
        {
            lines.push(Line::from(vec![
                Span::styled(
                    text::pad(if i == 0 { k } else { "" }, label_cols),
                    Style::default().fg(Color::Gray),
                ),
                Span::raw(l),
            ]));
        }
    }
    lines
}

/// A posting in full, read-only, over the pane.
pub fn render_posting(v: &View, frame: &mut Frame, j: &Job, scroll: u16) -> Scrolled {
    let lang = v.lang;
    let area = centered(frame.area(), 80, frame.area().height.saturating_sub(2));
    clear_for_overlay(frame, area);
    let b = block(lang.pick("岗位详情(只读)", "Posting (read-only)"), true);
    let lines = posting_lines(j, lang, area.width.saturating_sub(2) as usize);
    let page_key = v.keymap.hint(Context::Help, Action::PageDown);
    scrolled(frame, area, b, lines, scroll, lang, &page_key)
}

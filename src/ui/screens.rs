//! The screens: tab bar, panes, status bar and the overlays (help, setup, confirm, visit).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::Action;
use crate::app::{App, Confirm, Drawn, Modal, Scrolled, StatusKind};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::Pane;
use crate::ui::text;
use crate::widgets::chrome::{ACCENT, block, centered, clear_for_overlay, dim, key_item, scrolled};

/// Draws the frame from `app` and says what keys need to know of it (`ui::draw` keeps it).
pub fn render(app: &App, frame: &mut Frame) -> Drawn {
    let status_lines = status_lines(app, frame.area().width);
    let status_h = u16::try_from(status_lines.len()).unwrap_or(1);
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_h),
    ])
    .areas(frame.area());
    render_tabs(app, frame, tabs);
    let v = app.view();
    let mut drawn = app.drawn;
    match app.pane {
        Pane::Intake => {
            drawn.summary_cols = crate::panes::intake::view::render(&app.intake, &v, frame, body);
        }
        Pane::Referrals => crate::panes::referrals::view::render(&app.referrals, &v, frame, body),
        Pane::Jobs => {
            crate::panes::jobs::view::render(&app.jobs, &v, app.store.path(), frame, body)
        }
        Pane::Log => crate::panes::log::view::render(&app.log, &v, frame, body),
    }
    crate::widgets::lines::put_lines(frame, status, status_lines);
    let overlay = match &app.modal {
        Some(Modal::Help { scroll }) => Some(render_help(app, frame, *scroll)),
        Some(Modal::Setup {
            form,
            first_run,
            roster,
        }) => {
            render_setup(app, frame, form, *first_run, roster);
            None
        }
        Some(Modal::Confirm(kind)) => {
            render_confirm(app, frame, *kind);
            None
        }
        Some(Modal::Visit {
            detail,
            scroll,
            revealed,
        }) => Some(super::record::render_visit(
            app, frame, detail, *scroll, *revealed,
        )),
        Some(Modal::Route(d)) => Some(crate::panes::referrals::route_view::render_route(
            &v,
            &app.config,
            frame,
            d,
        )),
        Some(Modal::RefDialog(d)) => {
            crate::panes::referrals::view::render_ref_dialog(&v, frame, d);
            None
        }
        Some(Modal::Referral { detail, scroll }) => {
            Some(crate::panes::referrals::view::render_referral(
                &app.referrals,
                &v,
                frame,
                detail,
                *scroll,
            ))
        }
        Some(Modal::Job { job, scroll }) => Some(crate::panes::jobs::view::render_posting(
            &v, frame, job, *scroll,
        )),
        Some(Modal::LogDialog(d)) => {
            crate::panes::log::view::render_dialog(&v, frame, d);
            None
        }
        None => None,
    };
    if let Some(o) = overlay {
        drawn.overlay = o;
    }
    drawn
}

/// The tab bar. At 80 columns it still names every pane and the queue's counts: when the
/// full bar does not fit, the title goes first, then the panes' names are shortened
/// (接待登记 → 接待), then the gaps between tabs.
fn render_tabs(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let tabs = [
        (Pane::Intake, Action::Intake, "接待", "Intake"),
        (Pane::Referrals, Action::Referrals, "转介", "Referrals"),
        (Pane::Jobs, Action::Jobs, "岗位", "Jobs"),
        (Pane::Log, Action::Log, "日志", "Log"),
    ];
    // The queue's counts ride on its tab, so overdue work shows from every pane.
    let c = app.referrals.counts;
    let counts = |pane: Pane| match (pane == Pane::Referrals && c.open > 0, c.overdue > 0, lang) {
        (false, _, _) => String::new(),
        (true, true, Lang::Zh) => format!("({}·逾期{})", c.open, c.overdue),
        (true, false, Lang::Zh) => format!("({})", c.open),
        (true, true, Lang::En) => format!(" ({}, {} late)", c.open, c.overdue),
        (true, false, Lang::En) => format!(" ({})", c.open),
    };
    let title = format!(" {} ", lang.pick("职工服务站值班台", "Duty desk"));
    let bar = |with_title: bool, short: bool, gap: &'static str| -> Vec<Span<'static>> {
        let mut spans = Vec::new();
        if with_title {
            spans.push(Span::styled(
                title.clone(),
                Style::default()
                    .fg(Color::Black)
                    .bg(ACCENT)
                    .add_modifier(Modifier::BOLD),
            ));
        }
        for (pane, action, zh, en) in tabs {
            let key = app.keymap.hint(Context::Global, action);
            let name = if short {
                lang.pick(zh, en).to_string()
            } else {
                action.label(lang).to_string()
            };
            let label = format!(" {key} {name}{} ", counts(pane));
            let style = if app.pane == pane {
                Style::default()
                    .fg(ACCENT)
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED)
            } else {
                Style::default().fg(Color::Gray)
            };
            if with_title || pane != Pane::Intake {
                spans.push(Span::raw(gap));
            }
            spans.push(Span::styled(label, style));
        }
        spans
    };
    let fits = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>() <= area.width as usize;
    let spans = [
        (true, false, " "),
        (false, false, " "),
        (false, true, " "),
        (false, true, ""),
    ]
    .into_iter()
    .map(|(title, short, gap)| bar(title, short, gap))
    .find(|spans| fits(spans))
    .unwrap_or_else(|| bar(false, true, ""));
    crate::widgets::lines::put_lines(frame, area, [Line::from(spans)]);
}

/// Most rows a status message may take: it wraps rather than being cut.
const STATUS_MAX_ROWS: usize = 3;

/// The status line: the station and officer, the message, the static hints. A message
/// always wins: the hints go first, then the station; a message still too long wraps onto
/// more rows (up to three) instead of being cut.
fn status_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let lang = app.lang;
    let width = width as usize;
    let who = match (&app.station, &app.officer) {
        (Some(s), Some(o)) => match lang {
            Lang::Zh => format!(" {} · 值班:{}({}) ", s.name, o.name, o.role.zh()),
            Lang::En => format!(" {} · on duty: {} ({}) ", s.name, o.name, o.role.en()),
        },
        (Some(s), None) => format!(" {} ", s.name),
        _ => String::new(),
    };
    // Ranked for a narrow line: save goes first (every dialog says its save key), help last.
    let items = [
        key_item(
            &app.keymap,
            Context::Global,
            Action::Help,
            lang.pick("帮助", "help"),
            0,
        ),
        key_item(
            &app.keymap,
            Context::Form,
            Action::Save,
            lang.pick("保存", "save"),
            2,
        ),
        key_item(
            &app.keymap,
            Context::Global,
            Action::Quit,
            lang.pick("退出", "quit"),
            1,
        ),
    ];
    let hints = format!("{} ", text::fit_items(&items, "  ", usize::MAX));
    let who_span = || {
        Span::styled(
            who.clone(),
            Style::default().fg(Color::Black).bg(Color::Gray),
        )
    };
    let Some(s) = &app.status else {
        // A long name and role: the hints go whole, never `C-q` without its word.
        let hints = format!(
            "{} ",
            text::fit_items(&items, "  ", width.saturating_sub(text::width(&who) + 2))
        );
        let room = width.saturating_sub(text::width(&who) + text::width(&hints) + 1);
        return vec![Line::from(vec![
            who_span(),
            Span::raw(" ".repeat(room + 1)),
            Span::styled(hints, dim()),
        ])];
    };
    let style = match s.kind {
        StatusKind::Info => Style::default().fg(Color::Green),
        StatusKind::Error => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
    };
    let msg = text::one_line(&s.text);
    let need = text::width(&msg) + 1;
    let (w_who, w_hints) = (text::width(&who), text::width(&hints) + 1);
    if need + w_who + w_hints <= width {
        let room = width - w_who - w_hints;
        return vec![Line::from(vec![
            who_span(),
            Span::styled(format!(" {}", text::pad(&msg, room - 1)), style),
            Span::styled(format!(" {hints}"), dim()),
        ])];
    }
    if need + w_who <= width {
        return vec![Line::from(vec![
            who_span(),
            Span::styled(format!(" {}", text::pad(&msg, width - w_who - 1)), style),
        ])];
    }
    // The message alone, wrapped.
    let mut rows = text::wrap_words(&msg, width.saturating_sub(1).max(1));
    if rows.len() > STATUS_MAX_ROWS {
        rows.truncate(STATUS_MAX_ROWS);
        if let Some(last) = rows.last_mut() {
            *last = text::truncate(&format!("{last}…"), width.saturating_sub(1));
        }
    }
    rows.into_iter()
        .map(|r| {
            Line::from(Span::styled(
                format!(" {}", text::pad(&r, width.saturating_sub(1))),
                style,
            ))
        })
        .collect()
}

/// The first-run setup, or F8: the form, and under it the roster to pick from.
fn render_setup(
    app: &App,
    frame: &mut Frame,
    form: &crate::widgets::form::Form,
    first_run: bool,
    roster: &crate::widgets::roster::Roster,
) {
    let lang = app.lang;
    let heading = if first_run {
        lang.pick(
            "首次使用:设置站点与值班人员",
            "First run: name the station and the officer on duty",
        )
    } else {
        lang.pick("切换值班人员", "Change the officer on duty")
    };
    let shown = u16::try_from(roster.shown.len().min(6)).unwrap_or(6);
    let list_rows = if first_run { 0 } else { shown.max(1) + 1 };
    let area = centered(frame.area(), 64, form.height() + 5 + list_rows);
    clear_for_overlay(frame, area);
    let b = block(heading, true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [form_area, list, _, hint] = Layout::vertical([
        Constraint::Length(form.height()),
        Constraint::Length(list_rows),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    form.render(frame, form_area, true, lang);
    if !first_run {
        let mut lines = vec![Line::from(Span::styled(
            lang.pick(
                "名册(输入姓名或拼音首字母筛选)",
                "Roster (type a name or its initials)",
            ),
            dim(),
        ))];
        if roster.shown.is_empty() {
            lines.push(Line::from(Span::styled(
                lang.pick(
                    "  名册中没有此人:保存即加入名册",
                    "  Not on the roster: saving adds them",
                ),
                dim(),
            )));
        }
        let skip = roster.sel.map_or(0, |s| s.saturating_sub(5));
        for (picked, o) in roster.visible().skip(skip).take(6) {
            let text = format!(
                "{}{}  {}{}",
                if picked { "> " } else { "  " },
                o.name,
                o.role.label(lang),
                if o.affiliation.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", o.affiliation)
                }
            );
            let style = if picked {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(Span::styled(text, style)));
        }
        frame.render_widget(Paragraph::new(lines), list);
    }
    let k = |a: Action| app.keymap.hint(Context::Form, a);
    let next = (
        format!("{} {}", k(Action::NextField), lang.pick("下一项", "next")),
        1,
    );
    let save = (
        format!("{} {}", k(Action::Save), lang.pick("保存", "save")),
        0,
    );
    let items: Vec<(String, u8)> = if first_run {
        vec![
            next,
            save,
            (lang.pick("←→ 选择身份", "←→ choose role").to_string(), 2),
        ]
    } else {
        let roster = format!(
            "{} {} {}",
            k(Action::PrevMatch),
            k(Action::NextMatch),
            lang.pick("从名册选", "pick from roster")
        );
        let cancel = format!("{} {}", k(Action::Back), lang.pick("取消", "cancel"));
        vec![(roster, 1), next, save, (cancel, 0)]
    };
    let hint_text = text::fit_items(&items, " · ", hint.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(hint_text, dim())), hint);
}

fn context_title(c: Context, lang: Lang) -> &'static str {
    match c {
        Context::Global => lang.pick("全局", "Everywhere"),
        Context::Form => lang.pick(
            "表单(输入框优先接收文字)",
            "Forms (text fields take typing first)",
        ),
        Context::List => lang.pick("列表", "Lists"),
        Context::Referrals => lang.pick("转介队列(F3)", "Referral queue (F3)"),
        Context::Jobs => lang.pick("岗位查询(F4)", "Job lookup (F4)"),
        Context::Log => lang.pick("值班日志与交班审核(F5)", "Daily log and review (F5)"),
        Context::Help => lang.pick("帮助与详情", "Help and details"),
        Context::Confirm => lang.pick("确认提问(是/否)", "Yes/no questions"),
    }
}

/// What an action does, as the help lists it under its pane: one action can mean
/// something particular there (`f` cycles service kinds in F3, entry kinds in F5).
fn help_label(context: Context, action: Action, lang: Lang) -> &'static str {
    match (context, action) {
        (Context::Log, Action::FilterKind) => {
            lang.pick("按记录类型筛选(逐类切换)", "Cycle the entry kind shown")
        }
        (Context::Jobs, Action::NextField) => lang.pick(
            "到筛选项(月薪、吃住、区域、类型、在招)",
            "To the filters (wage, meals, housing, district, type)",
        ),
        // In a form they turn only the route dialog's service box.
        (Context::Form, Action::PageDown) => lang.pick(
            "转介时:服务详情的下一页",
            "Route dialog: the service's next page",
        ),
        (Context::Form, Action::PageUp) => lang.pick(
            "转介时:服务详情的上一页",
            "Route dialog: the service's previous page",
        ),
        _ => action.label(lang),
    }
}

fn render_help(app: &App, frame: &mut Frame, scroll: u16) -> Scrolled {
    let lang = app.lang;
    let area = centered(frame.area(), 96, frame.area().height.saturating_sub(2));
    clear_for_overlay(frame, area);
    let b = block(
        lang.pick(
            "按键一览(来自当前按键表)",
            "Keys (from the keymap in force)",
        ),
        true,
    );
    // What a key does wraps under itself, never cut (`…(again: pl`).
    let label_cols = (area.width as usize).saturating_sub(2 + 24).max(10);
    let mut lines = Vec::new();
    for (context, rows) in app.keymap.reverse() {
        lines.push(Line::from(Span::styled(
            context_title(context, lang).to_string(),
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
        )));
        for (action, keys) in rows {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            let label = text::wrap_words(help_label(context, action, lang), label_cols);
            for (i, part) in label.into_iter().enumerate() {
                let keys = if i == 0 {
                    keys.join(", ")
                } else {
                    String::new()
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("  {}", text::pad(&keys, 22))),
                    Span::raw(part),
                ]));
            }
        }
        lines.push(Line::from(""));
    }
    for (i, l) in crate::panes::intake::arbitration_view::help_lines(lang)
        .iter()
        .enumerate()
    {
        let style = match i {
            0 => Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
            _ => Style::default(),
        };
        lines.push(Line::from(Span::styled(*l, style)));
    }
    let page_key = app.keymap.hint(Context::Help, Action::PageDown);
    scrolled(frame, area, b, lines, scroll, lang, &page_key)
}

fn render_confirm(app: &App, frame: &mut Frame, kind: Confirm) {
    let lang = app.lang;
    let restore_question;
    let question = match kind {
        Confirm::FollowUp => return render_follow_up(app, frame),
        Confirm::RestoreDraft => {
            // Whose typing, when and where: the app words it (app/mod.rs).
            restore_question = app.restore_draft_question();
            restore_question.as_str()
        }
        Confirm::ReferJob => {
            let (who, what) = (
                app.jobs
                    .for_visit
                    .as_ref()
                    .map(|v| v.name.clone())
                    .unwrap_or_default(),
                app.jobs
                    .detail
                    .as_ref()
                    .map(|j| format!("{} · {}", j.title, j.employer))
                    .unwrap_or_default(),
            );
            restore_question = match lang {
                Lang::Zh => format!(
                    "为{who}推荐“{what}”?来访人同意向用人单位提供其信息 (y 同意并推荐 / n 取消)"
                ),
                Lang::En => format!(
                    "Refer {who} to “{what}”? The visitor agrees their details go to the employer (y agree and refer / n cancel)"
                ),
            };
            restore_question.as_str()
        }
        Confirm::MarkPlaced => {
            let who = app
                .jobs
                .for_visit
                .as_ref()
                .map(|v| v.name.clone())
                .unwrap_or_default();
            let what = app
                .jobs
                .detail
                .as_ref()
                .map(|j| format!("{} · {}", j.title, j.employer))
                .unwrap_or_default();
            restore_question = match lang {
                Lang::Zh => format!("{who}已在“{what}”就业?将办结此岗位的转介(已就业)"),
                Lang::En => format!(
                    "Has {who} started work at “{what}”? This closes the referral to it as placed"
                ),
            };
            restore_question.as_str()
        }
        Confirm::AnswerTransfer => {
            let r = app.referrals.selected();
            restore_question = match (lang, r) {
                (Lang::Zh, Some(r)) => format!(
                    "{}把“{} · {}”转交给您,接受吗?(y 接受 / n 拒绝 / Esc 稍后)",
                    r.owner_name, r.visitor_name, r.service_name
                ),
                (Lang::En, Some(r)) => format!(
                    "{} hands you “{} · {}”. Take it? (y take / n refuse / Esc later)",
                    r.owner_name, r.visitor_name, r.service_name
                ),
                _ => String::new(),
            };
            restore_question.as_str()
        }
        Confirm::IdOwner | Confirm::VisitorChanges => app
            .intake
            .pending_save
            .as_ref()
            .map_or("", |p| p.question.as_str()),
        Confirm::Quit => lang.pick(
            "登记表中有未保存的内容,确定退出吗?",
            "The intake form has unsaved input. Quit anyway?",
        ),
        Confirm::NewIntake => lang.pick(
            "登记表中有未保存的内容,确定清空并新建吗?",
            "The intake form has unsaved input. Discard it?",
        ),
    };
    // Questions that name people and openings can be long: wrap them, the box grows.
    let wrapped = text::wrap_words(question, 54);
    let area = centered(frame.area(), 58, crate::widgets::cells(wrapped.len()) + 4);
    clear_for_overlay(frame, area);
    let mut lines: Vec<Line> = wrapped.into_iter().map(Line::from).collect();
    lines.push(Line::from(""));
    if !matches!(kind, Confirm::ReferJob | Confirm::AnswerTransfer) {
        lines.push(Line::from(Span::styled(
            lang.pick(
                "y / Enter 确定    n / Esc 取消",
                "y / Enter yes    n / Esc no",
            ),
            dim(),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines).block(block(lang.pick("请确认", "Please confirm"), true)),
        area,
    );
}

/// A person with open referrals is saved: is this visit a follow-up (回访) of one, or a new
/// request? Their open referrals are listed, the chosen one marked when there are several.
fn render_follow_up(app: &App, frame: &mut Frame) {
    let lang = app.lang;
    let Some(p) = &app.intake.pending_save else {
        return;
    };
    let cols = 70;
    let n = p.cases.len();
    let who = p.cases.first().map_or("", |c| c.visitor_name.as_str());
    let question = match (lang, n) {
        (Lang::Zh, 1) => format!("{who}有一件未办结的转介。这次来访是该案的回访,还是新的诉求?"),
        (Lang::Zh, _) => {
            format!("{who}有{n}件未办结的转介。这次来访是其中一件的回访,还是新的诉求?")
        }
        (Lang::En, 1) => {
            format!("{who} has an open referral: a follow-up of it, or a new request?")
        }
        (Lang::En, _) => {
            format!("{who} has {n} open referrals: a follow-up of one, or a new request?")
        }
    };
    let mut lines: Vec<Line> = text::wrap_words(&question, cols)
        .into_iter()
        .map(Line::from)
        .collect();
    lines.push(Line::from(""));
    let today = app.today();
    for (i, c) in p.cases.iter().enumerate() {
        let chosen = n > 1 && i == p.case_sel;
        let mut due = format!("{}{}", lang.pick("限", "due "), c.due_on.format("%m-%d"));
        if crate::domain::referral::due_state(c.due_on, today)
            != crate::domain::referral::DueState::Later
        {
            due = format!(
                "{due}{}{}{}",
                lang.pick("(", " ("),
                crate::domain::referral::due_words(c.due_on, today, lang),
                lang.pick(")", ")")
            );
        }
        let head = format!(
            "{}{} → {}",
            if chosen { "> " } else { "  " },
            c.category.label(lang),
            c.service_name
        );
        let facts = format!(
            "    {} · {}{} · {due} · {} {}",
            c.status.label(lang),
            c.created_at.with_timezone(&app.zone).format("%m-%d"),
            lang.pick("转介", " referred"),
            lang.pick("承办人", "held by"),
            c.owner_name
        );
        let style = if chosen {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        for row in [head, facts] {
            lines.push(Line::from(Span::styled(
                text::pad(&text::truncate(&row, cols), cols),
                style,
            )));
        }
    }
    lines.push(Line::from(""));
    // Of the keys bound to an answer, a plain lower-case letter reads best (y, not Y).
    let k = |a: Action| {
        let keys = app.keymap.keys_for(Context::Confirm, a);
        keys.iter()
            .map(|k| k.to_string())
            .find(|k| k.chars().count() == 1 && !k.chars().any(char::is_uppercase))
            .unwrap_or_else(|| app.keymap.hint(Context::Confirm, a))
    };
    let mut keys = match lang {
        Lang::Zh => format!(
            "{} 是回访 · {} 新的诉求 · {} 返回修改",
            k(Action::Yes),
            k(Action::No),
            k(Action::Back)
        ),
        Lang::En => format!(
            "{} follow-up · {} new request · {} back to the form",
            k(Action::Yes),
            k(Action::No),
            k(Action::Back)
        ),
    };
    if n > 1 {
        keys.push_str(&match lang {
            Lang::Zh => format!(" · {} {} 选择哪一件", k(Action::Up), k(Action::Down)),
            Lang::En => format!(" · {} {} choose which", k(Action::Up), k(Action::Down)),
        });
    }
    lines.extend(
        text::wrap_words(&keys, cols)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, dim()))),
    );
    let area = centered(
        frame.area(),
        crate::widgets::cells(cols) + 4,
        crate::widgets::cells(lines.len()) + 2,
    );
    clear_for_overlay(frame, area);
    frame.render_widget(
        Paragraph::new(lines).block(block(
            lang.pick("回访还是新诉求", "Follow-up or new request"),
            true,
        )),
        area,
    );
}

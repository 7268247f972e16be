//! Drawing the daily log (F5): the shift's header and handover, the timeline, the
//! end-of-shift review with its bar charts and 30-day sparkline, and the log dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline};

use super::{LogDialog, LogPane, LogView, ReviewData};
use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::money::format_fen;
use crate::domain::shift::{Disposition, EntryKind};
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::View;
use crate::store::{LogEntry, Shift};
use crate::text;
use crate::widgets::chrome::{ACCENT, block, centered, clear_for_overlay, dim, title_fitting};

fn kind_style(kind: EntryKind) -> Style {
    match kind {
        EntryKind::Incident => Style::default().fg(Color::Red),
        EntryKind::Todo => Style::default().fg(Color::Yellow),
        EntryKind::Shift | EntryKind::Ack => Style::default().fg(ACCENT),
        EntryKind::Addendum => Style::default().fg(Color::Magenta),
        _ => Style::default(),
    }
}

/// Keys of the log pane, from the keymap in force, as one hint line of `cols` columns:
/// the first keys are the most needed, and the last (the way back) always stays.
fn hint(v: &View, items: &[(Context, Action, &str, &str)], cols: usize) -> String {
    let last = items.len().saturating_sub(1);
    let ranked: Vec<(String, u8)> = items
        .iter()
        .enumerate()
        .map(|(i, (c, a, zh, en))| {
            let rank = if i == last {
                0
            } else {
                u8::try_from(i).unwrap_or(u8::MAX)
            };
            crate::widgets::chrome::key_item(v.keymap, *c, *a, v.lang.pick(zh, en), rank)
        })
        .collect();
    text::fit_items(&ranked, " · ", cols)
}

fn members(shift: &Shift, lang: Lang) -> String {
    shift
        .members
        .iter()
        .map(|m| {
            if m.affiliation.is_empty() {
                m.name.clone()
            } else {
                format!("{}({})", m.name, m.affiliation)
            }
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

pub fn render(pane: &LogPane, v: &View, frame: &mut Frame, area: Rect) {
    if pane.view == LogView::Review
        && let (Some(shift), Some(review)) = (&pane.shift, &pane.review)
    {
        render_review(pane, v, frame, area, shift, review);
        return;
    }
    let lang = v.lang;
    let pane = &pane;
    let banner_h = if pane.handover.is_some() && pane.view == LogView::Shift {
        5
    } else if pane.view == LogView::Past && pane.past.as_ref().is_some_and(|p| p.is_sealed()) {
        4
    } else {
        0
    };
    let [head, banner, list, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_h),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let zone = v.zone;
    let head_line = match (&pane.view, &pane.shift) {
        (LogView::Past, _) => past_heading(pane, v, lang),
        (_, Some(s)) => {
            let opened = s.opened_at.with_timezone(&zone).format("%m-%d %H:%M");
            match lang {
                Lang::Zh => format!(
                    " 本班:{opened} {} 开班 · 在班:{}",
                    s.opened_by,
                    members(s, lang)
                ),
                Lang::En => format!(
                    " This shift: opened {opened} by {} · on it: {}",
                    s.opened_by,
                    members(s, lang)
                ),
            }
        }
        (_, None) => lang
            .pick(
                " 现在没有开着的班次:登记来访或写一条记录即开班",
                " No shift is open: an intake or an entry opens one",
            )
            .to_string(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            head_line,
            Style::default().add_modifier(Modifier::BOLD),
        )),
        head,
    );
    if banner_h > 0 {
        render_banner(pane, v, frame, banner);
    }
    render_timeline(pane, v, frame, list);
    let items: &[(Context, Action, &str, &str)] = if pane.read_only() {
        &[
            (Context::Log, Action::PrevDay, "前一班", "previous shift"),
            (Context::Log, Action::NextDay, "后一班", "next shift"),
            (Context::Log, Action::Addendum, "补记", "addendum"),
            (Context::Log, Action::FilterKind, "类型", "kind"),
            (Context::List, Action::Search, "搜索", "search"),
            (Context::List, Action::Back, "回到本班", "this shift"),
        ]
    } else {
        &[
            (Context::Log, Action::WriteEntry, "写记录", "write"),
            (Context::Log, Action::Review, "交班审核", "review"),
            (Context::Log, Action::TodoDone, "待办已办", "to-do done"),
            (Context::Log, Action::AddMember, "加人", "add person"),
            (Context::Log, Action::FilterKind, "类型", "kind"),
            (Context::List, Action::Search, "搜索", "search"),
            (Context::Log, Action::PrevDay, "往班", "earlier shifts"),
        ]
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                " {}",
                hint(v, items, (keys.width as usize).saturating_sub(1))
            ),
            dim(),
        )),
        keys,
    );
}

/// The banner over the timeline: an earlier shift's handover note, or the handover
/// waiting to be acknowledged with its open to-dos.
fn render_banner(pane: &LogPane, v: &View, frame: &mut Frame, banner: Rect) {
    let (lang, zone) = (v.lang, v.zone);
    if let (LogView::Past, Some(p)) = (&pane.view, &pane.past) {
        let b = block(
            lang.pick("该班交班留言", "That shift's handover note"),
            true,
        );
        let inner = b.inner(banner);
        frame.render_widget(b, banner);
        let note = if p.handover_note.is_empty() {
            lang.pick("(无留言)", "(no note)").to_string()
        } else {
            p.handover_note.clone()
        };
        frame.render_widget(
            Paragraph::new(note).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
    } else if let Some(h) = &pane.handover {
        let b = block(
            lang.pick(
                "交班留言(请先阅读并确认)",
                "Handover (read and acknowledge)",
            ),
            true,
        )
        .border_style(Style::default().fg(Color::Yellow));
        let inner = b.inner(banner);
        frame.render_widget(b, banner);
        let closed = h
            .shift
            .closed_at
            .map(|t| t.with_timezone(&zone).format("%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let signer = h.shift.signed_by.clone().unwrap_or_default();
        let note = if h.shift.handover_note.is_empty() {
            lang.pick("(无留言)", "(no note)").to_string()
        } else {
            h.shift.handover_note.clone()
        };
        let ack = v.keymap.hint(Context::Log, Action::Acknowledge);
        let lines = vec![
            Line::from(vec![
                Span::styled(format!("{signer} {closed} "), dim()),
                Span::raw(text::truncate(
                    &text::one_line(&note),
                    inner.width as usize * 2,
                )),
            ]),
            Line::from(Span::styled(
                match lang {
                    Lang::Zh => format!(
                        "遗留待办 {} 条(列在日志最上方) · 按 {ack} 确认已阅交班",
                        h.todos.len()
                    ),
                    Lang::En => format!(
                        "{} open, listed first below · {ack} acknowledges the handover",
                        text::count(
                            i64::try_from(h.todos.len()).unwrap_or(i64::MAX),
                            "to-do",
                            "to-dos"
                        )
                    ),
                },
                Style::default().fg(Color::Yellow),
            )),
        ];
        frame.render_widget(
            Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
    }
}

/// The heading of an earlier shift: when it opened, by whom, and whether it is sealed.
fn past_heading(pane: &LogPane, v: &View, lang: Lang) -> String {
    let Some(p) = &pane.past else {
        return String::new();
    };
    let opened = p.opened_at.with_timezone(&v.zone).format("%m-%d %H:%M");
    let signed = p
        .closed_at
        .map(|t| t.with_timezone(&v.zone).format("%H:%M").to_string());
    match (lang, signed) {
        (Lang::Zh, Some(at)) => format!(
            " 往班(只读):{opened} {} 开班 · {at} {} 签结",
            p.opened_by,
            p.signed_by.clone().unwrap_or_default()
        ),
        (Lang::Zh, None) => format!(" 往班(只读):{opened} {} 开班 · 未签结", p.opened_by),
        (Lang::En, Some(at)) => format!(
            " Earlier shift (read-only): opened {opened} {} · signed {at} {}",
            p.opened_by,
            p.signed_by.clone().unwrap_or_default()
        ),
        (Lang::En, None) => format!(
            " Earlier shift (read-only): opened {opened} {} · not signed off",
            p.opened_by
        ),
    }
}

fn render_timeline(pane: &LogPane, v: &View, frame: &mut Frame, area: Rect) {
    let lang = v.lang;
    let pane = &pane;
    let visible = pane.visible();
    let filter = pane.kind_filter.map_or_else(
        || lang.pick("全部", "all").to_string(),
        |k| k.label(lang).to_string(),
    );
    let mut title = match lang {
        Lang::Zh => format!("日志 · {} 条 · 类型:{filter}", visible.len()),
        Lang::En => format!(
            "Log · {} · kind: {filter}",
            text::count(
                i64::try_from(visible.len()).unwrap_or(i64::MAX),
                "entry",
                "entries"
            )
        ),
    };
    if let Some(s) = &pane.search {
        let cursor = if pane.search_typing { "▏" } else { "" };
        title.push_str(&format!(
            " · {}{}{cursor}",
            lang.pick("搜索:", "search: "),
            s.value()
        ));
    }
    let focused = v.focused;
    let b = block(&title, focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if visible.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(lang.pick("(没有记录)", "(no entries)"), dim())),
            inner,
        );
        return;
    }
    let today = v.today;
    let kind_cols = EntryKind::ALL
        .iter()
        .map(|k| text::width(k.label(lang)))
        .max()
        .unwrap_or(8);
    // The selected line whole under the list when its row cuts it (at 80 columns every
    // referral line reads "赵刚 → 公益律师… (Lega.." and its move is lost), up to 3 rows.
    let full = visible.get(pane.sel).map(|e| text::one_line(&e.line(lang)));
    let room = (inner.width as usize).saturating_sub(11 + 1 + kind_cols + 1 + 8 + 1);
    let whole: Vec<String> = match full {
        Some(f) if text::width(&f) > room && inner.height > 6 => {
            let mut w = text::wrap_words(&f, inner.width as usize);
            w.truncate(3);
            w
        }
        _ => Vec::new(),
    };
    let [list, below] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(crate::widgets::cells(whole.len())),
    ])
    .areas(inner);
    let rows = list.height as usize;
    let first = pane.sel.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, e)| entry_line(v, e, i == pane.sel, today, kind_cols, list.width))
        .collect();
    crate::widgets::lines::put_lines(frame, list, lines);
    let whole: Vec<Line> = whole
        .into_iter()
        .map(|l| Line::from(Span::styled(l, Style::default().fg(ACCENT))))
        .collect();
    crate::widgets::lines::put_lines(frame, below, whole);
}

fn entry_line(
    v: &View,
    e: &LogEntry,
    selected: bool,
    today: chrono::NaiveDate,
    kind_cols: usize,
    width: u16,
) -> Line<'static> {
    let local = e.at.with_timezone(&v.zone);
    let when = if local.date_naive() == today {
        local.format("%H:%M").to_string()
    } else {
        local.format("%m-%d %H:%M").to_string()
    };
    let who = e.officer_name.clone().unwrap_or_default();
    let head = format!(
        "{} {} {} ",
        text::pad(&when, 11),
        text::pad(e.kind.label(v.lang), kind_cols),
        text::pad(&who, 8)
    );
    let room = (width as usize).saturating_sub(text::width(&head));
    let body = text::pad(
        &text::truncate(&text::one_line(&e.line(v.lang)), room),
        room,
    );
    let base = if selected {
        Style::default().add_modifier(Modifier::REVERSED)
    } else {
        Style::default()
    };
    Line::from(vec![
        Span::styled(head, base.patch(kind_style(e.kind))),
        Span::styled(body, base),
    ])
}

fn counted_bars<T: Labeled>(lang: Lang, counts: &[(T, i64)]) -> Vec<Bar<'static>> {
    counts
        .iter()
        .map(|(item, n)| {
            Bar::default()
                .value(u64::try_from(*n).unwrap_or(0))
                .label(Line::from(item.label(lang).to_string()))
                .text_value(n.to_string())
        })
        .collect()
}

fn bar_chart<'a>(title: &str, bars: &'a [Bar<'a>]) -> BarChart<'a> {
    BarChart::default()
        .block(block(title, false))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .bar_style(Style::default().fg(ACCENT))
        .value_style(Style::default().fg(Color::Black).bg(ACCENT))
        .data(BarGroup::default().bars(bars))
}

fn render_review(
    pane: &LogPane,
    v: &View,
    frame: &mut Frame,
    area: Rect,
    shift: &Shift,
    r: &ReviewData,
) {
    let lang = v.lang;
    let t = &r.totals;
    let opened = shift.opened_at.with_timezone(&v.zone).format("%m-%d %H:%M");
    let title = match lang {
        Lang::Zh => format!("交班审核 · {opened} 开班 · 在班:{}", members(shift, lang)),
        Lang::En => format!(
            "End-of-shift review · opened {opened} · {}",
            members(shift, lang)
        ),
    };
    let b = block(&title, v.focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let requests = t.by_category.len() + usize::from(t.follow_ups > 0);
    // As tall as the longest of the three boxes: 本班转介 is a heading, a row per kind,
    // a gap and its two totals (its last line was clipped at any size).
    let figures = t.referrals.len().max(1) + 4;
    let charts_h =
        (crate::widgets::cells(requests.max(t.by_channel.len()).max(figures)) + 2).clamp(8, 14);
    let [charts, spark, lists, keys] = Layout::vertical([
        Constraint::Length(charts_h),
        Constraint::Length(4),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(inner);
    let [channel_area, category_area, referral_area] = Layout::horizontal([
        Constraint::Percentage(28),
        Constraint::Percentage(34),
        Constraint::Percentage(38),
    ])
    .areas(charts);
    let channel_bars = counted_bars(lang, &t.by_channel);
    let mut category_bars = counted_bars(lang, &t.by_category);
    // Follow-ups (回访) are not new requests: their own bar, and the title says both.
    let category_title = if t.follow_ups > 0 {
        category_bars.push(
            Bar::default()
                .value(u64::try_from(t.follow_ups).unwrap_or(0))
                .label(Line::from(lang.pick("回访", "Follow-up")))
                .text_value(t.follow_ups.to_string()),
        );
        match lang {
            Lang::Zh => format!("新诉求 {} · 回访 {}", t.visits - t.follow_ups, t.follow_ups),
            Lang::En => format!(
                "{} new · {} follow-up",
                t.visits - t.follow_ups,
                t.follow_ups
            ),
        }
    } else {
        lang.pick("按诉求类别", "By request").to_string()
    };
    let visits_title = visits_title(t.visits, lang, channel_area.width);
    frame.render_widget(bar_chart(&visits_title, &channel_bars), channel_area);
    frame.render_widget(bar_chart(&category_title, &category_bars), category_area);
    render_referral_figures(v, frame, referral_area, r);
    let spark_title = match lang {
        Lang::Zh => format!(
            "近30天来访(今日 {} · 最多 {})",
            r.visits_30d.last().copied().unwrap_or(0),
            r.visits_30d.iter().max().copied().unwrap_or(0)
        ),
        Lang::En => format!(
            "Visits, last 30 days (today {} · most {})",
            r.visits_30d.last().copied().unwrap_or(0),
            r.visits_30d.iter().max().copied().unwrap_or(0)
        ),
    };
    frame.render_widget(
        Sparkline::default()
            .block(block(&spark_title, false))
            .style(Style::default().fg(ACCENT))
            .data(&r.visits_30d),
        spark,
    );
    let [todo_area, carried_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(lists);
    render_unreconciled(pane, v, frame, todo_area, r);
    let carried_title = match lang {
        Lang::Zh => format!("遗留待办({})", pane.carried.len()),
        Lang::En => format!("Carried-over to-dos ({})", pane.carried.len()),
    };
    let b = block(&carried_title, false);
    let inner_c = b.inner(carried_area);
    frame.render_widget(b, carried_area);
    let lines: Vec<Line> = pane
        .carried
        .iter()
        .take(inner_c.height as usize)
        .map(|e| {
            let when = e.at.with_timezone(&v.zone).format("%m-%d");
            Line::from(text::truncate(
                &format!("{when} {}", text::one_line(&e.line(v.lang))),
                inner_c.width as usize,
            ))
        })
        .collect();
    crate::widgets::lines::put_lines(frame, inner_c, lines);
    let items = [
        (Context::Log, Action::SetDisposition, "处置", "disposition"),
        (Context::Global, Action::Route, "转介", "route"),
        (Context::Log, Action::SignOff, "签结交班", "sign off"),
        (
            Context::Log,
            Action::ExportReport,
            "导出今日报表",
            "export today's report",
        ),
        (Context::List, Action::Back, "返回日志", "back to the log"),
    ];
    frame.render_widget(
        Paragraph::new(Span::styled(hint(v, &items, keys.width as usize), dim())),
        keys,
    );
}

fn render_referral_figures(v: &View, frame: &mut Frame, area: Rect, r: &ReviewData) {
    let lang = v.lang;
    let t = &r.totals;
    let b = block(lang.pick("本班转介", "Referrals this shift"), false);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let cols = [
        lang.pick("类别", "Kind"),
        lang.pick("新转介", "New"),
        lang.pick("办结", "Done"),
        lang.pick("逾期", "Late"),
    ];
    // Each figure's column as wide as its heading in the language in force, and the
    // kind's as its widest label, within the box (the kind is cut before a heading).
    let figure = |i: usize| text::width(cols[i]).max(3) + 1;
    let figures = figure(1) + figure(2) + figure(3);
    let kind = t
        .referrals
        .iter()
        .map(|(k, _)| text::width(k.label(lang)))
        .chain([text::width(cols[0])])
        .max()
        .unwrap_or(0)
        + 1;
    let room = (inner.width as usize).saturating_sub(figures).max(4);
    let widths = [kind.min(room), figure(1), figure(2), figure(3)];
    let row = |cells: [String; 4], style: Style| {
        Line::from(
            cells
                .iter()
                .zip(widths)
                .map(|(c, w)| Span::styled(text::pad(c, w), style))
                .collect::<Vec<_>>(),
        )
    };
    let mut lines = vec![row(
        cols.map(String::from),
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for (kind, f) in &t.referrals {
        let style = if f.overdue > 0 {
            Style::default().fg(Color::Red)
        } else {
            Style::default()
        };
        lines.push(row(
            [
                kind.label(lang).to_string(),
                f.opened.to_string(),
                f.closed.to_string(),
                f.overdue.to_string(),
            ],
            style,
        ));
    }
    if t.referrals.is_empty() {
        lines.push(Line::from(Span::styled(lang.pick("(无)", "(none)"), dim())));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(match lang {
        Lang::Zh => format!(
            "追回工资 {}(涉及{}人)",
            format_fen(t.wages_recovered_fen),
            t.workers_covered
        ),
        Lang::En => format!(
            "Recovered {} ({} workers)",
            format_fen(t.wages_recovered_fen),
            t.workers_covered
        ),
    }));
    lines.push(Line::from(match lang {
        Lang::Zh => format!(
            "发放救助 {} · 就业安置 {}人",
            format_fen(t.aid_paid_fen),
            t.placed
        ),
        Lang::En => format!(
            "Aid {} · placed in jobs {}",
            format_fen(t.aid_paid_fen),
            t.placed
        ),
    }));
    crate::widgets::lines::put_lines(frame, inner, lines);
}

/// The review's channel box title: the shift's visits, in fewer words where narrow.
fn visits_title(visits: i64, lang: Lang, width: u16) -> String {
    match lang {
        Lang::Zh => title_fitting(
            width,
            vec![
                format!("来访 {visits} 人次 · 按渠道"),
                format!("来访{visits}人次·渠道"),
            ],
        ),
        Lang::En => format!("{} · channel", text::count(visits, "visit", "visits")),
    }
}

fn render_unreconciled(pane: &LogPane, v: &View, frame: &mut Frame, area: Rect, r: &ReviewData) {
    let (lang, zone) = (v.lang, v.zone);
    let n = r.unreconciled.len();
    let visits = if n == 1 { "visit needs" } else { "visits need" };
    // At 80 columns the box is half the screen: the title says the same in fewer words.
    let (long, short) = match (n, lang) {
        (0, Lang::Zh) => (
            "对账:每条来访都有处置结果,可以签结".to_string(),
            "对账完毕,可以签结".to_string(),
        ),
        (0, Lang::En) => (
            "Reconciled: every visit has a disposition; ready to sign off".to_string(),
            "Reconciled: ready to sign off".to_string(),
        ),
        (n, Lang::Zh) => (
            format!("对账:{n} 条来访待填处置结果(签结前必须填完)"),
            format!("对账:{n} 条待填处置"),
        ),
        (n, Lang::En) => (
            format!("Reconcile: {n} {visits} a disposition before sign-off"),
            format!("Reconcile: {n} {visits} a disposition"),
        ),
    };
    let title = title_fitting(area.width, vec![long, short]);
    let b = block(&title, n > 0 && v.focused);
    let b = if n > 0 {
        b.border_style(Style::default().fg(Color::Yellow))
    } else {
        b
    };
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let rows = inner.height as usize;
    let first = pane.review_sel.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = r
        .visits()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, v)| {
            // Still to reconcile: 待填. Done: what was recorded (correctable until sign-off).
            let state = match v.disposition {
                None if i < n => lang.pick("待填", "to do").to_string(),
                None => Disposition::Referred.label(lang).to_string(),
                Some(d) if v.disposition_note.is_empty() => d.label(lang).to_string(),
                Some(d) => format!("{}:{}", d.label(lang), text::one_line(&v.disposition_note)),
            };
            let summary = text::one_line(&v.summary);
            let s = format!(
                "{} {} {} {}{}",
                v.visited_at.with_timezone(&zone).format("%H:%M"),
                text::pad(&v.visitor_name, 8),
                // As wide as the language writes a request (欠薪, Labour contract).
                text::pad(
                    v.category.label(lang),
                    match lang {
                        Lang::Zh => 8,
                        Lang::En => 15,
                    },
                ),
                state,
                if summary.is_empty() {
                    String::new()
                } else {
                    format!(" · {summary}")
                }
            );
            let s = text::pad(
                &text::truncate(&s, inner.width as usize),
                inner.width as usize,
            );
            let style = match (i == pane.review_sel, i < n) {
                (true, _) => Style::default().add_modifier(Modifier::REVERSED),
                (false, true) => Style::default().fg(Color::Yellow),
                (false, false) => dim(),
            };
            Line::from(Span::styled(s, style))
        })
        .collect();
    crate::widgets::lines::put_lines(frame, inner, lines);
}

/// A log dialog (entry, disposition, sign-off, addendum, a member joining) over the pane.
pub fn render_dialog(v: &View, frame: &mut Frame, d: &LogDialog) {
    let lang = v.lang;
    let subject_h = u16::from(!d.subject.is_empty());
    let area = centered(frame.area(), 72, d.form.height() + 6 + subject_h);
    clear_for_overlay(frame, area);
    let b = block(d.title(lang), true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [subject, form_area, _, keys] = Layout::vertical([
        Constraint::Length(subject_h),
        Constraint::Length(d.form.height() + 2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(Span::styled(
            text::truncate(&d.subject, inner.width as usize),
            Style::default().add_modifier(Modifier::BOLD),
        )),
        subject,
    );
    d.form.render(frame, form_area, true, lang);
    let hint_text = crate::widgets::chrome::dialog_hint(
        v.keymap,
        lang,
        lang.pick("保存", "save"),
        keys.width as usize,
    );
    frame.render_widget(Paragraph::new(Span::styled(hint_text, dim())), keys);
}

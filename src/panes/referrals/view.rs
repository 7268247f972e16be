//! Drawing the referral queue (F3), the route dialog, the referral dialogs and a
//! referral's full record with its history.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{RefDialog, ReferralsPane};
use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::money;
use crate::domain::referral::{DueState, due_state, due_words};
use crate::i18n::Lang;
use crate::keymap::Context;
use crate::panes::View;
use crate::store::{EventRow, ReferralDetail, ReferralRow, Service};
use crate::text;
use crate::widgets::chrome::{
    ACCENT, Scrolled, block, centered, clear_for_overlay, dim, scrolled, title_fitting,
};

/// The colour of a referral by its deadline: its arbitration limit 60 days away or nearer
/// in its own colour, else overdue red, due today yellow.
fn due_style(r: &ReferralRow, today: chrono::NaiveDate) -> Style {
    if !r.status.is_open() {
        return dim();
    }
    if r.arbitration.clock(today).is_closing() {
        return crate::panes::intake::arbitration_view::style(r.arbitration.clock(today))
            .unwrap_or_default();
    }
    match due_state(r.due_on, today) {
        DueState::Overdue(_) => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        DueState::DueToday => Style::default().fg(Color::Yellow),
        _ => Style::default(),
    }
}

/// Headcount and amount of a group wage case, and the collective flag.
fn group_words(pane: &ReferralsPane, v: &View, r: &ReferralRow) -> String {
    let lang = v.lang;
    let mut parts = Vec::new();
    if let Some(n) = r.headcount.filter(|n| *n > 1) {
        parts.push(match lang {
            Lang::Zh => format!("{n}人"),
            Lang::En => format!("{n} workers"),
        });
    }
    if let Some(f) = r.amount_owed_fen {
        parts.push(money::format_fen(f));
    }
    if pane.is_collective(r) {
        parts.push(lang.pick("疑似群体欠薪", "possible collective").to_string());
    }
    parts.extend(crate::panes::intake::arbitration_view::short(
        r.arbitration.clock(v.today),
        lang,
    ));
    parts.join(" ")
}

/// The service column as wide as the queue gives it before the screen is wider.
const SERVICE_COLS: usize = 26;

/// The queue's column widths (due, status, visitor, request, kind, service, owner) for
/// the language in force. Each closed list's column is as wide as its widest label in
/// that language (an English desk reads "In progress", not "In pr.."). When the row does
/// not leave the workers/amount column room for a group case (`13人 ¥115,000`,
/// `13 workers ¥115,000`), in this order: the kind goes (the detail below names it), the
/// owner narrows to 8, the service to 12, then the service goes too (the detail names
/// it), the request narrows to 16, and last status and request to 7 and 10 — so an
/// English desk at 80 columns still reads "In progress" and "Labour contract" whole.
/// A width of 0 is a column left out.
fn queue_columns(lang: Lang, cols: usize) -> [usize; 7] {
    fn widest<T: Labeled>(lang: Lang, at_least: usize) -> usize {
        T::ALL
            .iter()
            .map(|v| text::width(v.label(lang)))
            .max()
            .unwrap_or(0)
            .max(at_least)
    }
    let mut w = [
        9,
        widest::<crate::domain::referral::ReferralStatus>(lang, 7),
        8,
        widest::<crate::domain::lists::Category>(lang, 8),
        widest::<crate::domain::referral::ServiceKind>(lang, 8),
        SERVICE_COLS,
        14,
    ];
    let amount = match lang {
        Lang::Zh => 18,
        Lang::En => 20,
    };
    let room = |w: &[usize; 7]| {
        let shown = w.iter().filter(|&&c| c > 0).count();
        w.iter().sum::<usize>() + shown + amount <= cols
    };
    let steps: [fn(&mut [usize; 7]); 6] = [
        |w| w[4] = 0,
        |w| w[6] = w[6].min(8),
        |w| w[5] = w[5].min(12),
        |w| w[5] = 0,
        |w| w[3] = w[3].min(16),
        |w| {
            w[1] = w[1].min(7);
            w[3] = w[3].min(10);
        },
    ];
    for step in steps {
        if room(&w) {
            break;
        }
        step(&mut w);
    }
    // A wide screen gives its spare room to the service's name, which is the longest
    // (职工法律援助(代拟文书、代理诉讼与仲裁)), instead of leaving it empty at the right —
    // after the last column's group-case flag (疑似群体欠薪) has its room.
    if w[5] == SERVICE_COLS {
        let used = w.iter().sum::<usize>() + w.iter().filter(|&&c| c > 0).count() + amount;
        w[5] += cols.saturating_sub(used + 16).min(34);
    }
    w
}

/// A queue row or its header: the columns `w` keeps, then the workers/amount.
fn queue_line(cells: [&str; 7], w: &[usize; 7], last: &str) -> String {
    let mut line = String::new();
    for (cell, width) in cells.iter().zip(w) {
        if *width > 0 {
            line.push_str(&text::pad(cell, *width));
            line.push(' ');
        }
    }
    line.push_str(last);
    line
}

fn row_text(
    pane: &ReferralsPane,
    v: &View,
    r: &ReferralRow,
    w: &[usize; 7],
    cols: usize,
) -> String {
    let lang = v.lang;
    let due = if r.status.is_open() {
        due_words(r.due_on, v.today, lang)
    } else {
        r.updated_at
            .with_timezone(&v.zone)
            .format("%m-%d")
            .to_string()
    };
    let mut owner = r.owner_name.clone();
    if let Some(p) = &r.pending_owner_name {
        owner.push_str(&format!("→{p}"));
        // Too narrow for both: who it is being handed to (the detail names both).
        if text::width(&owner) > w[6] {
            owner = format!("→{p}");
        }
    }
    let s = queue_line(
        [
            &due,
            r.status.label(lang),
            &r.visitor_name,
            r.category.label(lang),
            r.kind.label(lang),
            &r.service_name,
            &owner,
        ],
        w,
        &group_words(pane, v, r),
    );
    text::pad(&s, cols)
}

/// F3 in `area`: the queue and the selected referral.
pub fn render(pane: &ReferralsPane, v: &View, frame: &mut Frame, area: Rect) {
    let lang = v.lang;
    let c = pane.counts;
    let heading = match lang {
        Lang::Zh => format!(
            "转介办理 · 未办结{} · 逾期{} · 今日到期{} · 显示:{}",
            c.open,
            c.overdue,
            c.due_today,
            pane.filter_words(lang)
        ),
        Lang::En => format!(
            "Referrals · {} open · {} overdue · {} due today · showing: {}",
            c.open,
            c.overdue,
            c.due_today,
            pane.filter_words(lang)
        ),
    };
    // Other stations' requests wait on this one's answer (`dutydesk referrals incoming`).
    let waiting = match (pane.incoming, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!(" · 他站转来{n}件待答复"),
        (n, Lang::En) => format!(
            " · {} from other stations waiting",
            text::count(n, "transfer", "transfers")
        ),
    };
    // At 80 columns what is shown wins over the counts (the tab bar has them).
    let short = format!(
        "{}{}{waiting}",
        lang.pick("转介 · 显示:", "Referrals · showing: "),
        pane.filter_words(lang)
    );
    let heading = title_fitting(area.width, vec![format!("{heading}{waiting}"), short]);
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let focused = v.focused;
    let b = block(&heading, focused);
    let inner = b.inner(list_area);
    frame.render_widget(b, list_area);
    let cols = inner.width as usize;
    let today = v.today;
    let [head, rows_area, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    // The widths once a frame, for the header and every row.
    let w = queue_columns(lang, cols);
    let header = queue_line(
        [
            lang.pick("时限", "Due"),
            lang.pick("状态", "Status"),
            lang.pick("来访人", "Visitor"),
            lang.pick("诉求", "Request"),
            lang.pick("类别", "Kind"),
            lang.pick("服务", "Service"),
            lang.pick("责任人", "Owner"),
        ],
        &w,
        lang.pick("人数/金额", "Workers/amount"),
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            text::pad(&header, cols),
            Style::default()
                .fg(Color::Gray)
                .add_modifier(Modifier::BOLD),
        )),
        head,
    );
    if pane.rows.is_empty() {
        let empty = lang.pick(
            "没有符合条件的转介。在接待登记中保存来访后按 C-t 转介。",
            "No referrals match. Save a visit in intake, then C-t routes it.",
        );
        frame.render_widget(Paragraph::new(Span::styled(empty, dim())), rows_area);
    } else {
        let n = rows_area.height as usize;
        let first = pane.sel.saturating_sub(n.saturating_sub(1));
        let lines: Vec<Line> = pane
            .rows
            .iter()
            .enumerate()
            .skip(first)
            .take(n)
            .map(|(i, r)| {
                let mut style = due_style(r, today);
                if i == pane.sel && focused {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                Line::from(Span::styled(row_text(pane, v, r, &w, cols), style))
            })
            .collect();
        crate::widgets::lines::put_lines(frame, rows_area, lines);
    }
    let hint = queue_hint(v, cols);
    frame.render_widget(Paragraph::new(Span::styled(hint, dim())), hints);

    render_detail(pane, v, frame, detail_area);
}

/// F3's key line: the moves and the slip, then the filters, then details.
/// The queue's keys in `cols` columns: the moves, then the filters, then details, as three
/// groups; at 80 columns the rarer keys are left out whole (all are in F1).
fn queue_hint(v: &View, cols: usize) -> String {
    let lang = v.lang;
    // (action, words, rank): rank 0 stays longest (see text::fit_items).
    let keys = [
        (Action::AcceptReferral, "受理", "accept", 0),
        (Action::DeclineReferral, "退回", "decline", 1),
        (Action::StartReferral, "办理", "start", 0),
        (Action::CloseReferral, "办结", "close", 0),
        (Action::ReopenReferral, "重开", "reopen", 2),
        (Action::TransferReferral, "转交", "hand over", 1),
        (Action::PrintSlip, "转介单", "slip", 2),
        (Action::Route, "再转介", "route again", 2),
        (Action::FilterMine, "我的", "mine", 1),
        (Action::FilterOverdue, "逾期", "overdue", 1),
        (Action::FilterKind, "类别", "kind", 3),
        (Action::FilterStatus, "状态", "status", 3),
    ];
    let mut items: Vec<(String, u8)> = keys
        .iter()
        .map(|(a, zh, en, rank)| {
            crate::widgets::chrome::key_item(
                v.keymap,
                Context::Referrals,
                *a,
                lang.pick(zh, en),
                *rank,
            )
        })
        .collect();
    // The filters' group mark rides on the filter kept longest ("mine").
    items[8].0.insert_str(0, "· ");
    items.push((format!("· {}", lang.pick("Enter 详情", "Enter details")), 2));
    text::fit_items(&items, " ", cols)
}

/// The selected referral under the queue; at 80×24 its last row is the newest step.
fn render_detail(pane: &ReferralsPane, v: &View, frame: &mut Frame, detail_area: Rect) {
    let lang = v.lang;
    let b = block(lang.pick("转介详情", "Referral"), false);
    let inner = b.inner(detail_area);
    frame.render_widget(b, detail_area);
    if let Some(d) = &pane.detail {
        let cols = inner.width as usize;
        let mut lines = detail_lines(pane, v, d, cols);
        // A panel that ends on the history's heading (80×24) shows the newest entry in
        // its place instead of a heading with nothing under it; Enter shows them all.
        let heading = lines.len().saturating_sub(d.history.len() + 1);
        if let Some(e) = d.history.last()
            && heading + 1 == inner.height as usize
        {
            let newest = format!(
                "{}{} {} {}",
                lang.pick("最新处理:", "Latest: "),
                e.at.with_timezone(&v.zone).format("%m-%d %H:%M"),
                e.officer_name.as_deref().unwrap_or(""),
                event_words(e, lang)
            );
            lines[heading] = Line::from(Span::styled(
                text::truncate(&newest, cols),
                Style::default().fg(ACCENT),
            ));
        }
        crate::widgets::lines::put_lines(frame, inner, lines);
    }
}

fn kv(k: &str, v: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(text::pad(k, 12), Style::default().fg(Color::Gray)),
        Span::raw(v),
    ])
}

/// A closed referral's outcome in words: the outcome, its reason, wages recovered and for
/// how many, aid paid, the job found.
fn outcome_words(r: &ReferralRow, lang: Lang) -> Option<String> {
    let o = r.outcome?;
    let mut s = o.label(lang).to_string();
    if let Some(reason) = r.outcome_reason {
        s.push_str(&format!(" · {}", reason.label(lang)));
    }
    if let Some(f) = r.wages_recovered_fen {
        s.push_str(&match lang {
            Lang::Zh => format!(" · 追回工资{}", money::format_fen(f)),
            Lang::En => format!(" · wages recovered {}", money::format_fen(f)),
        });
    }
    if let Some(w) = r.workers_covered {
        s.push_str(&match lang {
            Lang::Zh => format!(",惠及{w}人"),
            Lang::En => format!(" for {w} workers"),
        });
    }
    if let Some(f) = r.aid_paid_fen {
        s.push_str(&match lang {
            Lang::Zh => format!(" · 发放救助{}", money::format_fen(f)),
            Lang::En => format!(" · aid paid {}", money::format_fen(f)),
        });
    }
    if !r.placed_job.is_empty() {
        s.push_str(&match lang {
            Lang::Zh => format!(" · 已就业:{}", r.placed_job),
            Lang::En => format!(" · placed: {}", r.placed_job),
        });
    }
    Some(s)
}

/// A referral's record and history, as lines for the detail panel and overlay.
fn detail_lines(
    pane: &ReferralsPane,
    v: &View,
    d: &ReferralDetail,
    cols: usize,
) -> Vec<Line<'static>> {
    let lang = v.lang;
    let r = &d.referral;
    let today = v.today;
    let mut due = format!("{}", r.due_on.format("%Y-%m-%d"));
    if r.status.is_open() && due_state(r.due_on, today) != DueState::Later {
        let words = due_words(r.due_on, today, lang);
        due.push_str(&match lang {
            Lang::Zh => format!("({words})"),
            Lang::En => format!(" ({words})"),
        });
    }
    let mut owner = r.owner_name.clone();
    if let Some(p) = &r.pending_owner_name {
        owner.push_str(&match lang {
            Lang::Zh => format!("(转交给{p},待其接受)"),
            Lang::En => format!(" (being handed to {p}, awaiting acceptance)"),
        });
    }
    let consent = if r.consent {
        lang.pick("已同意", "agreed").to_string()
    } else {
        match lang {
            Lang::Zh => format!("未同意,理由:{}", r.consent_override),
            Lang::En => format!("not agreed; reason: {}", r.consent_override),
        }
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} · {} ", r.visitor_name, r.category.label(lang)),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(group_words(pane, v, r)),
        ]),
        kv(
            lang.pick("服务", "Service"),
            format!(
                "{} · {} · {}",
                r.kind.label(lang),
                d.service.name,
                d.service.provider
            ),
        ),
        kv(lang.pick("联系", "Contact"), d.service.contact.clone()),
        kv(
            lang.pick("状态", "Status"),
            format!(
                "{} · {} {}",
                r.status.label(lang),
                lang.pick("紧急程度", "urgency"),
                r.urgency.label(lang)
            ),
        ),
        Line::from(vec![
            Span::styled(
                text::pad(lang.pick("办结时限", "Due"), 12),
                Style::default().fg(Color::Gray),
            ),
            Span::styled(due, due_style(r, today)),
        ]),
        // 首问责任制: the first-contact officer stays; the 承办人 is who holds it now.
        kv(
            lang.pick("首问责任人", "1st contact"),
            if owner == r.first_contact_name {
                format!("{owner}{}", lang.pick("(承办人)", " (holds it)"))
            } else {
                format!(
                    "{} · {} {owner}",
                    r.first_contact_name,
                    lang.pick("承办人", "held by")
                )
            },
        ),
        kv(lang.pick("信息共享", "Consent"), consent),
    ];
    lines.extend(crate::panes::intake::arbitration_view::clock_line(
        &r.arbitration,
        today,
        lang,
    ));
    if !r.note.is_empty() {
        lines.push(kv(lang.pick("备注", "Note"), r.note.clone()));
    }
    // A reopened referral keeps what its last closing or decline said, as history: it is
    // not its outcome while it is open again.
    let open = r.status.is_open();
    let declined = r.declined_because(lang);
    if !declined.is_empty() {
        let label = if open {
            lang.pick("上次退回", "Last declined")
        } else {
            lang.pick("退回理由", "Declined")
        };
        lines.push(kv(label, declined));
    }
    if let Some(s) = outcome_words(r, lang) {
        let label = if open {
            lang.pick("上次办结", "Last closed")
        } else {
            lang.pick("办理结果", "Outcome")
        };
        lines.push(kv(label, s));
    }
    lines.push(Line::from(Span::styled(
        lang.pick("处理记录(最新在前)", "History (newest first)"),
        Style::default().fg(ACCENT),
    )));
    for e in d.history.iter().rev() {
        let line = format!(
            "  {} {} {}",
            e.at.with_timezone(&v.zone).format("%m-%d %H:%M"),
            e.officer_name.as_deref().unwrap_or(""),
            event_words(e, lang)
        );
        lines.push(Line::from(text::truncate(&line, cols)));
    }
    lines
}

/// One history entry in words: what was done, from → to, and the note.
pub fn event_words(e: &EventRow, lang: Lang) -> String {
    use crate::domain::referral::ReferralStatus;
    let what = match (e.action.as_str(), lang) {
        ("created", Lang::Zh) => "转介",
        ("created", Lang::En) => "referred",
        ("accepted", Lang::Zh) => "受理",
        ("accepted", Lang::En) => "accepted",
        ("declined", Lang::Zh) => "退回",
        ("declined", Lang::En) => "declined",
        ("started", Lang::Zh) => "开始办理",
        ("started", Lang::En) => "started",
        ("closed", Lang::Zh) => "办结",
        ("closed", Lang::En) => "closed",
        ("reopened", Lang::Zh) => "重新打开",
        ("reopened", Lang::En) => "reopened",
        ("transfer_requested", Lang::Zh) => "发起转交",
        ("transfer_requested", Lang::En) => "handover requested",
        ("transfer_accepted", Lang::Zh) => "接受转交",
        ("transfer_accepted", Lang::En) => "handover accepted",
        ("transfer_refused", Lang::Zh) => "拒绝转交",
        ("transfer_refused", Lang::En) => "handover refused",
        ("follow_up", Lang::Zh) => "回访",
        ("follow_up", Lang::En) => "follow-up visit",
        (other, _) => other,
    };
    let v: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
    let word = |key: &str| -> String {
        let code = v.get(key).and_then(|x| x.as_str()).unwrap_or("");
        ReferralStatus::from_code(code)
            .map_or_else(|| code.to_string(), |s| s.label(lang).to_string())
    };
    let (from, to) = (word("from"), word("to"));
    let mut s = what.to_string();
    if !to.is_empty() {
        if from.is_empty() {
            s.push_str(&format!(" → {to}"));
        } else {
            s.push_str(&format!(" {from} → {to}"));
        }
    }
    // A decline's reason is stored as its code: said in the reader's language.
    if let Some(reason) = v
        .get("reason")
        .and_then(|x| x.as_str())
        .and_then(crate::domain::referral::DeclineReason::from_code)
    {
        s.push_str(&format!(" · {}", reason.label(lang)));
    }
    // A closing since the fact was kept: its words in the reader's language.
    let closing = v.get("closing").and_then(|c| {
        serde_json::from_value::<crate::domain::log_fact::ClosingFact>(c.clone()).ok()
    });
    if let Some(c) = closing {
        let note = v.get("officer_note").and_then(|x| x.as_str()).unwrap_or("");
        s.push_str(&format!(" · {}", text::one_line(&c.summary(note, lang))));
    } else if let Some(note) = v
        .get("note")
        .and_then(|x| x.as_str())
        .filter(|n| !n.is_empty())
    {
        s.push_str(&format!(" · {}", text::one_line(note)));
    }
    s
}

/// A referral in full with its history, read-only, over the pane.
pub fn render_referral(
    pane: &ReferralsPane,
    v: &View,
    frame: &mut Frame,
    d: &ReferralDetail,
    scroll: u16,
) -> Scrolled {
    let lang = v.lang;
    let area = centered(frame.area(), 90, frame.area().height.saturating_sub(2));
    clear_for_overlay(frame, area);
    let b = block(lang.pick("转介记录(只读)", "Referral (read-only)"), true);
    let cols = area.width.saturating_sub(2) as usize;
    let mut lines = detail_lines(pane, v, d, cols);
    lines.push(Line::from(""));
    lines.extend(service_lines(&d.service, lang, cols));
    let page_key = v.keymap.hint(Context::Help, Action::PageDown);
    scrolled(frame, area, b, lines, scroll, lang, &page_key)
}

/// What a service offers, for whom, with what papers: what the officer tells the visitor.
pub(super) fn service_lines(s: &Service, lang: Lang, cols: usize) -> Vec<Line<'static>> {
    // The name and provider wrap whole (a name cut at the box's edge reads as another).
    let mut lines: Vec<Line<'static>> =
        text::wrap_words(&format!("{} · {}", s.name, s.provider), cols)
            .into_iter()
            .map(|l| {
                Line::from(Span::styled(
                    l,
                    Style::default().fg(ACCENT).add_modifier(Modifier::BOLD),
                ))
            })
            .collect();
    let mut wrapped = |k: &str, v: &str| {
        if v.is_empty() {
            return;
        }
        for (i, l) in text::wrap_words(v, cols.saturating_sub(13))
            .into_iter()
            .enumerate()
        {
            let label = if i == 0 { k } else { "" };
            lines.push(kv(label, l));
        }
    };
    wrapped(lang.pick("服务内容", "Offers"), &s.description);
    wrapped(lang.pick("对象与条件", "Eligibility"), &s.eligibility);
    wrapped(lang.pick("所需材料", "Documents"), &s.documents);
    wrapped(lang.pick("联系电话", "Contact"), &s.contact);
    wrapped(lang.pick("地址", "Address"), &s.address);
    wrapped(lang.pick("办公时间", "Hours"), &s.hours);
    let mut status = s.status.label(lang).to_string();
    if s.added_here {
        status.push_str(lang.pick(" · 本站添加", " · added here"));
    }
    if let Some(d) = s.checked_on {
        status.push_str(&match lang {
            Lang::Zh => format!(" · {}核对", d.format("%Y-%m-%d")),
            Lang::En => format!(" · checked {}", d.format("%Y-%m-%d")),
        });
    }
    wrapped(lang.pick("状态", "Status"), &status);
    lines
}

/// Declining, closing, reopening or handing over a referral.
pub fn render_ref_dialog(v: &View, frame: &mut Frame, d: &RefDialog) {
    let lang = v.lang;
    let area = centered(frame.area(), 72, d.form.height() + 6);
    clear_for_overlay(frame, area);
    let b = block(&d.title(lang), true);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let [form_area, _, hint] = Layout::vertical([
        Constraint::Length(d.form.height() + 2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(inner);
    d.form.render(frame, form_area, true, lang);
    let hint_text = crate::widgets::chrome::dialog_hint(
        v.keymap,
        v.lang,
        lang.pick("保存", "save"),
        hint.width as usize,
    );
    frame.render_widget(Paragraph::new(Span::styled(hint_text, dim())), hint);
}

//! Lines the desk wrote before it kept facts (their `fact` is NULL) read back from their
//! Chinese text, one reader per kind of line, each by the catalog's Chinese template —
//! which is what those versions wrote. A line is taken as a fact only if the fact, put
//! back into Chinese, is the stored text exactly; anything else is shown as it was stored.

use super::catalog::Msg;
use super::{ClosingFact, FieldChange, LogFact, ReferralEvent, VisitField};
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Urgency};
use crate::domain::money::parse_yuan;
use crate::domain::referral::{
    DeclineReason, Move, Outcome, OutcomeReason, ReferralStatus, ServiceKind,
};
use crate::domain::shift::EntryKind;
use crate::i18n::Lang;

/// The fact an old line of `kind` states, if it is one the desk writes and reads back
/// exactly.
pub fn from_text(kind: EntryKind, text: &str) -> Option<LogFact> {
    let candidates = match kind {
        EntryKind::Shift => shift_line(text),
        EntryKind::Ack => one(Msg::Acknowledged, text, |v| {
            Some(LogFact::Acknowledged {
                signer: v[0].clone(),
            })
        }),
        EntryKind::Intake => intake(text),
        EntryKind::Import => import(text),
        EntryKind::Referral | EntryKind::Job => referral(text),
        EntryKind::Addendum => correction(text),
        _ => Vec::new(),
    };
    candidates.into_iter().find(|f| f.render(Lang::Zh) == text)
}

/// Every way `text` fits the Chinese template of `msg`: the values of its `{names}` in
/// order. A template ending in a value also fits the line with that value empty and the
/// space before it trimmed away (as the desk trimmed its lines).
fn fits(msg: Msg, text: &str) -> Vec<Vec<String>> {
    let parts = pieces(msg.template(Lang::Zh));
    let mut out = Vec::new();
    walk(&parts, text, &mut Vec::new(), &mut out);
    if out.is_empty() {
        walk(&parts, &format!("{text} "), &mut Vec::new(), &mut out);
    }
    out
}

enum Piece<'a> {
    Lit(&'a str),
    Name,
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Lit(&rest[..open]));
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(Piece::Name);
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Lit(rest));
    }
    out
}

fn walk(parts: &[Piece<'_>], text: &str, got: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match parts {
        [] => {
            if text.is_empty() {
                out.push(got.clone());
            }
        }
        [Piece::Lit(l), rest @ ..] => {
            if let Some(after) = text.strip_prefix(l) {
                walk(rest, after, got, out);
            }
        }
        [Piece::Name] => {
            got.push(text.to_string());
            out.push(got.clone());
            got.pop();
        }
        [Piece::Name, rest @ ..] => {
            // The value runs to some occurrence of the literal after it: try each.
            let Some(Piece::Lit(next)) = rest.first() else {
                return;
            };
            for (i, _) in text.match_indices(next) {
                got.push(text[..i].to_string());
                walk(rest, &text[i..], got, out);
                got.pop();
            }
        }
    }
}

/// The facts `text` can be by the template of `msg`, each built by `build`.
fn one(msg: Msg, text: &str, build: impl Fn(&[String]) -> Option<LogFact>) -> Vec<LogFact> {
    fits(msg, text).iter().filter_map(|v| build(v)).collect()
}

fn by_label<T: Labeled>(zh: &str) -> Option<T> {
    T::ALL.iter().copied().find(|v| v.zh() == zh)
}

fn shift_line(text: &str) -> Vec<LogFact> {
    let mut out = one(Msg::ShiftOpened, text, |v| {
        Some(LogFact::ShiftOpened { name: v[0].clone() })
    });
    out.extend(one(Msg::SignedOff, text, |v| {
        Some(LogFact::SignedOff { name: v[0].clone() })
    }));
    out.extend(one(Msg::JoinedFrom, text, |v| {
        Some(LogFact::Joined {
            name: v[0].clone(),
            affiliation: v[1].clone(),
        })
    }));
    out.extend(one(Msg::Joined, text, |v| {
        Some(LogFact::Joined {
            name: v[0].clone(),
            affiliation: String::new(),
        })
    }));
    out
}

fn intake(text: &str) -> Vec<LogFact> {
    let (text, follow_up) = match text.strip_suffix(Msg::FollowUp.word(Lang::Zh)) {
        Some(t) => (t, true),
        None => (text, false),
    };
    let (text, returning) = match text.strip_suffix(Msg::Returning.word(Lang::Zh)) {
        Some(t) => (t, true),
        None => (text, false),
    };
    one(Msg::Intake, text, |v| {
        Some(LogFact::Intake {
            name: v[0].clone(),
            category: by_label::<Category>(&v[1])?,
            channel: by_label::<Channel>(&v[2])?,
            returning,
            follow_up,
        })
    })
}

fn import(text: &str) -> Vec<LogFact> {
    let mut out = one(Msg::ImportVisits, text, |v| {
        Some(LogFact::ImportVisits {
            n: v[0].parse().ok()?,
        })
    });
    out.extend(one(Msg::ImportJobs, text, |v| {
        Some(LogFact::ImportJobs {
            added: v[0].parse().ok()?,
            updated: v[1].parse().ok()?,
        })
    }));
    out.extend(one(Msg::ImportServices, text, |v| {
        Some(LogFact::ImportServices {
            added: v[0].parse().ok()?,
            updated: v[1].parse().ok()?,
        })
    }));
    out
}

fn referral(text: &str) -> Vec<LogFact> {
    let mut out = Vec::new();
    for v in fits(Msg::Referral, text) {
        let Some(kind) = by_label::<ServiceKind>(&v[2]) else {
            continue;
        };
        for event in referral_event(&v[3]) {
            out.push(LogFact::Referral {
                visitor: v[0].clone(),
                service: v[1].clone(),
                kind,
                event,
            });
        }
    }
    out
}

fn referral_event(what: &str) -> Vec<ReferralEvent> {
    let mut out = Vec::new();
    for v in fits(Msg::Sent, what) {
        for w in fits(Msg::WithoutConsent, &v[0]) {
            out.push(ReferralEvent::Sent {
                note: w[1].clone(),
                without_consent: Some(w[0].clone()),
            });
        }
        out.push(ReferralEvent::Sent {
            note: v[0].clone(),
            without_consent: None,
        });
    }
    for v in fits(Msg::Moved, what) {
        let action = Move::ALL
            .into_iter()
            .find(|m| super::move_msg(*m).word(Lang::Zh) == v[0]);
        let (Some(action), Some(from), Some(to)) = (
            action,
            by_label::<ReferralStatus>(&v[1]),
            by_label::<ReferralStatus>(&v[2]),
        ) else {
            continue;
        };
        let (closing, decline, note) = match action {
            Move::Close => {
                let (c, note) = closing(&v[3]);
                (Some(c), None, note)
            }
            Move::Decline => {
                let (d, note) = decline(&v[3]);
                (None, d, note)
            }
            _ => (None, None, v[3].clone()),
        };
        out.push(ReferralEvent::Moved {
            action,
            from,
            to,
            closing,
            decline,
            note,
        });
    }
    for v in fits(Msg::HandoverAsked, what) {
        out.push(ReferralEvent::HandoverAsked { to: v[0].clone() });
    }
    for (msg, accepted) in [(Msg::HandoverAccepted, true), (Msg::HandoverRefused, false)] {
        for v in fits(msg, what) {
            out.push(ReferralEvent::HandoverAnswered {
                by: v[0].clone(),
                accepted,
            });
        }
    }
    out
}

/// A closing's summary read back in its order (outcome · reason · wages · aid · placed),
/// the rest being the officer's note.
fn closing(what: &str) -> (ClosingFact, String) {
    let sep = Msg::Parts.word(Lang::Zh);
    let parts: Vec<&str> = if what.is_empty() {
        Vec::new()
    } else {
        what.split(sep).collect()
    };
    let mut c = ClosingFact::default();
    let mut i = 0;
    let next = |i: usize| parts.get(i).copied().unwrap_or("\u{0}");
    if let Some(o) = by_label::<Outcome>(next(i)) {
        c.outcome = Some(o);
        i += 1;
    }
    if let Some(r) = by_label::<OutcomeReason>(next(i)) {
        c.reason = Some(r);
        i += 1;
    }
    let money = |s: &str| parse_yuan(s).ok();
    if let Some((fen, workers)) = fits(Msg::WagesRecoveredFor, next(i))
        .iter()
        .find_map(|v| Some((money(&v[0])?, v[1].parse().ok()?)))
    {
        (c.wages_recovered_fen, c.workers_covered) = (Some(fen), Some(workers));
        i += 1;
    } else if let Some(fen) = fits(Msg::WagesRecovered, next(i))
        .iter()
        .find_map(|v| money(&v[0]))
    {
        c.wages_recovered_fen = Some(fen);
        i += 1;
    }
    if let Some(fen) = fits(Msg::AidPaid, next(i))
        .iter()
        .find_map(|v| money(&v[0]))
    {
        c.aid_paid_fen = Some(fen);
        i += 1;
    }
    if let Some(v) = fits(Msg::Placed, next(i)).first() {
        c.placed_job = v[0].clone();
        i += 1;
    }
    let note = parts.get(i..).unwrap_or_default().join(sep);
    (c, note)
}

/// A decline's reason from the list (declines since the list) and the note after it.
fn decline(what: &str) -> (Option<DeclineReason>, String) {
    let sep = Msg::Parts.word(Lang::Zh);
    let (first, rest) = what.split_once(sep).unwrap_or((what, ""));
    match by_label::<DeclineReason>(first) {
        Some(reason) => (Some(reason), rest.to_string()),
        None => (None, what.to_string()),
    }
}

fn correction(text: &str) -> Vec<LogFact> {
    let mut out = Vec::new();
    for v in fits(Msg::Corrected, text) {
        if let Some(changes) = field_changes(&v[0]) {
            out.push(LogFact::VisitCorrected {
                changes,
                reason: v[1].clone(),
            });
        }
    }
    out
}

/// "诉求类别:欠薪 → 工伤;涉及人数:1 → 13" read back. A part that does not start a change
/// (a summary holding the separator) belongs to the change before it.
fn field_changes(text: &str) -> Option<Vec<FieldChange>> {
    let sep = Msg::Changes.word(Lang::Zh);
    let starts = |s: &str| {
        VisitField::ALL
            .into_iter()
            .find(|f| s.starts_with(f.msg().word(Lang::Zh)))
    };
    let mut chunks: Vec<String> = Vec::new();
    for part in text.split(sep) {
        match (starts(part), chunks.last_mut()) {
            (None, Some(last)) => {
                last.push_str(sep);
                last.push_str(part);
            }
            _ => chunks.push(part.to_string()),
        }
    }
    chunks
        .iter()
        .map(|chunk| {
            let field = starts(chunk)?;
            let v = fits(Msg::Change, chunk)
                .into_iter()
                .find(|v| v[0] == field.msg().word(Lang::Zh))?;
            let code = |s: &str| -> String {
                let c = match field {
                    VisitField::Category => by_label::<Category>(s).map(|c| c.code()),
                    VisitField::Channel => by_label::<Channel>(s).map(|c| c.code()),
                    VisitField::Urgency => by_label::<Urgency>(s).map(|c| c.code()),
                    _ => None,
                };
                c.map_or_else(|| s.to_string(), str::to_string)
            };
            Some(FieldChange {
                field,
                from: code(&v[1]),
                to: code(&v[2]),
            })
        })
        .collect()
}

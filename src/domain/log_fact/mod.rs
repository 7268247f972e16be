//! A line the desk writes in the daily log itself (a shift opened, an intake, an import, a
//! handover read, a referral moved, a sealed visit corrected), kept as a fact: what
//! happened, with its parameters and no words. It is stored as JSON beside the line's
//! Chinese text (`log_entry.fact`) and shown in the language of the desk reading it; the
//! words are in `catalog`. Lines written before facts were kept are read back from their
//! Chinese text by `parse`. The officer's own words (a call, a note, a to-do, the note of a
//! referral) are parameters, never translated.

pub mod catalog;
pub mod parse;

use serde::{Deserialize, Serialize};

use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Urgency};
use crate::domain::money::format_fen;
use crate::domain::referral::{
    Closing, DeclineReason, Move, Outcome, OutcomeReason, ReferralStatus, ServiceKind,
};
use crate::domain::shift::EntryKind;
use crate::i18n::Lang;
use catalog::Msg;

/// What the desk wrote in the log, as a fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
pub enum LogFact {
    /// The first officer of a shift opened it.
    ShiftOpened {
        name: String,
    },
    /// An officer or volunteer joined the open shift (their affiliation, if any).
    Joined {
        name: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        affiliation: String,
    },
    SignedOff {
        name: String,
    },
    /// The officer taking over read the handover of the shift `signer` signed off.
    Acknowledged {
        signer: String,
    },
    /// A visit saved at the desk.
    Intake {
        name: String,
        #[serde(with = "code")]
        category: Category,
        #[serde(with = "code")]
        channel: Channel,
        /// The visitor had been here before (老来访人).
        #[serde(default)]
        returning: bool,
        /// The visit follows up an open referral (回访).
        #[serde(default)]
        follow_up: bool,
    },
    /// A ledger's visits imported.
    ImportVisits {
        n: usize,
    },
    ImportJobs {
        added: usize,
        updated: usize,
    },
    ImportServices {
        added: usize,
        updated: usize,
    },
    /// A referral (or a job referral) made or changed at the desk.
    Referral {
        visitor: String,
        service: String,
        #[serde(with = "code")]
        kind: ServiceKind,
        event: ReferralEvent,
    },
    /// A visit of a signed-off shift corrected: the addendum written in its place.
    VisitCorrected {
        changes: Vec<FieldChange>,
        reason: String,
    },
}

/// What happened to a referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ReferralEvent {
    /// Routed, with the officer's note; without the visitor's consent, and why.
    Sent {
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        without_consent: Option<String>,
    },
    /// Accepted, declined, started, closed or reopened.
    Moved {
        #[serde(with = "move_code")]
        action: Move,
        #[serde(with = "code")]
        from: ReferralStatus,
        #[serde(with = "code")]
        to: ReferralStatus,
        /// What closing recorded (a close only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        closing: Option<ClosingFact>,
        /// Why it was declined, from the list (a decline only; none before the list).
        #[serde(default, with = "opt_code", skip_serializing_if = "Option::is_none")]
        decline: Option<DeclineReason>,
        note: String,
    },
    /// The owner handed it to `to`, who has still to accept.
    HandoverAsked {
        to: String,
    },
    HandoverAnswered {
        by: String,
        accepted: bool,
    },
}

/// What a referral's closing recorded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ClosingFact {
    #[serde(default, with = "opt_code", skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, with = "opt_code", skip_serializing_if = "Option::is_none")]
    pub reason: Option<OutcomeReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wages_recovered_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers_covered: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aid_paid_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub placed_job: String,
}

impl From<&Closing> for ClosingFact {
    fn from(c: &Closing) -> Self {
        ClosingFact {
            outcome: c.outcome,
            reason: c.reason,
            wages_recovered_fen: c.wages_recovered_fen,
            workers_covered: c.workers_covered,
            aid_paid_fen: c.aid_paid_fen,
            placed_job: c.placed_job.trim().to_string(),
        }
    }
}

impl ClosingFact {
    /// The closing in words, the officer's note last: "已解决 · 追回工资¥115,000,13人 · …".
    pub fn summary(&self, note: &str, lang: Lang) -> String {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(self.outcome.map(|o| o.label(lang).to_string()));
        parts.extend(self.reason.map(|r| r.label(lang).to_string()));
        if let Some(fen) = self.wages_recovered_fen {
            let money = format_fen(fen);
            parts.push(match self.workers_covered {
                Some(w) => Msg::WagesRecoveredFor
                    .fill(lang, &[("money", &money), ("workers", &w.to_string())]),
                None => Msg::WagesRecovered.fill(lang, &[("money", &money)]),
            });
        }
        if let Some(fen) = self.aid_paid_fen {
            parts.push(Msg::AidPaid.fill(lang, &[("money", &format_fen(fen))]));
        }
        if !self.placed_job.is_empty() {
            parts.push(Msg::Placed.fill(lang, &[("job", &self.placed_job)]));
        }
        if !note.is_empty() {
            parts.push(note.to_string());
        }
        parts.join(Msg::Parts.word(lang))
    }
}

/// A field of a visit a correction changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitField {
    Category,
    Channel,
    Urgency,
    Headcount,
    Amount,
    Summary,
    /// The arbitration facts (issue 19): employment as its code, dates as YYYY-MM-DD.
    Employment,
    EndedOn,
    LearnedOn,
}

impl VisitField {
    pub const ALL: [VisitField; 9] = [
        VisitField::Category,
        VisitField::Channel,
        VisitField::Urgency,
        VisitField::Headcount,
        VisitField::Amount,
        VisitField::Summary,
        VisitField::Employment,
        VisitField::EndedOn,
        VisitField::LearnedOn,
    ];

    fn msg(self) -> Msg {
        match self {
            VisitField::Category => Msg::FieldCategory,
            VisitField::Channel => Msg::FieldChannel,
            VisitField::Urgency => Msg::FieldUrgency,
            VisitField::Headcount => Msg::FieldHeadcount,
            VisitField::Amount => Msg::FieldAmount,
            VisitField::Summary => Msg::FieldSummary,
            VisitField::Employment => Msg::FieldEmployment,
            VisitField::EndedOn => Msg::FieldEndedOn,
            VisitField::LearnedOn => Msg::FieldLearnedOn,
        }
    }

    /// A value of this field as shown: a list's code by its label in `lang`; a count, an
    /// amount (`¥…`, or — for none) or a summary as it is.
    fn value(self, v: &str, lang: Lang) -> String {
        let label = match self {
            VisitField::Category => Category::from_code(v).map(|c| c.label(lang)),
            VisitField::Channel => Channel::from_code(v).map(|c| c.label(lang)),
            VisitField::Urgency => Urgency::from_code(v).map(|c| c.label(lang)),
            VisitField::Employment => {
                crate::domain::arbitration::Employment::from_code(v).map(|e| e.label(lang))
            }
            _ => None,
        };
        label.map_or_else(|| v.to_string(), str::to_string)
    }
}

/// One field's change: before → after (codes for the lists, else the value as shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: VisitField,
    pub from: String,
    pub to: String,
}

impl FieldChange {
    pub fn render(&self, lang: Lang) -> String {
        Msg::Change.fill(
            lang,
            &[
                ("field", self.field.msg().word(lang)),
                ("from", &self.field.value(&self.from, lang)),
                ("to", &self.field.value(&self.to, lang)),
            ],
        )
    }
}

/// A visit's changes in words: "诉求类别:欠薪 → 工伤;涉及人数:1 → 13".
pub fn changes_text(changes: &[FieldChange], lang: Lang) -> String {
    changes
        .iter()
        .map(|c| c.render(lang))
        .collect::<Vec<_>>()
        .join(Msg::Changes.word(lang))
}

fn move_msg(m: Move) -> Msg {
    match m {
        Move::Accept => Msg::Accept,
        Move::Decline => Msg::Decline,
        Move::Start => Msg::Start,
        Move::Close => Msg::Close,
        Move::Reopen => Msg::Reopen,
    }
}

impl ReferralEvent {
    fn render(&self, lang: Lang) -> String {
        match self {
            ReferralEvent::Sent {
                note,
                without_consent,
            } => {
                let note = note.trim();
                let note = match without_consent {
                    Some(why) => Msg::WithoutConsent
                        .fill(lang, &[("why", why.trim()), ("note", note)])
                        .trim()
                        .to_string(),
                    None => note.to_string(),
                };
                Msg::Sent.fill(lang, &[("note", &note)])
            }
            ReferralEvent::Moved {
                action,
                from,
                to,
                closing,
                decline,
                note,
            } => {
                let what = match (closing, decline) {
                    (Some(c), _) => c.summary(note, lang),
                    (None, Some(reason)) => [reason.label(lang), note.as_str()]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(Msg::Parts.word(lang)),
                    (None, None) => note.clone(),
                };
                Msg::Moved.fill(
                    lang,
                    &[
                        ("move", move_msg(*action).word(lang)),
                        ("from", from.label(lang)),
                        ("to", to.label(lang)),
                        ("what", &what),
                    ],
                )
            }
            ReferralEvent::HandoverAsked { to } => Msg::HandoverAsked.fill(lang, &[("to", to)]),
            ReferralEvent::HandoverAnswered { by, accepted } => {
                let m = if *accepted {
                    Msg::HandoverAccepted
                } else {
                    Msg::HandoverRefused
                };
                m.fill(lang, &[("by", by)])
            }
        }
    }
}

impl LogFact {
    /// The line in `lang`. In Chinese it is the line the desk stores as the entry's text.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            LogFact::ShiftOpened { name } => Msg::ShiftOpened.fill(lang, &[("name", name)]),
            LogFact::Joined { name, affiliation } if affiliation.is_empty() => {
                Msg::Joined.fill(lang, &[("name", name)])
            }
            LogFact::Joined { name, affiliation } => {
                Msg::JoinedFrom.fill(lang, &[("name", name), ("affiliation", affiliation)])
            }
            LogFact::SignedOff { name } => Msg::SignedOff.fill(lang, &[("name", name)]),
            LogFact::Acknowledged { signer } => Msg::Acknowledged.fill(lang, &[("signer", signer)]),
            LogFact::Intake {
                name,
                category,
                channel,
                returning,
                follow_up,
            } => {
                let mut line = Msg::Intake.fill(
                    lang,
                    &[
                        ("name", name),
                        ("category", category.label(lang)),
                        ("channel", channel.label(lang)),
                    ],
                );
                if *returning {
                    line.push_str(Msg::Returning.word(lang));
                }
                if *follow_up {
                    line.push_str(Msg::FollowUp.word(lang));
                }
                line
            }
            LogFact::ImportVisits { n } => Msg::ImportVisits.fill(lang, &[("n", &n.to_string())]),
            LogFact::ImportJobs { added, updated } => Msg::ImportJobs.fill(
                lang,
                &[
                    ("added", &added.to_string()),
                    ("updated", &updated.to_string()),
                ],
            ),
            LogFact::ImportServices { added, updated } => Msg::ImportServices.fill(
                lang,
                &[
                    ("added", &added.to_string()),
                    ("updated", &updated.to_string()),
                ],
            ),
            LogFact::Referral {
                visitor,
                service,
                kind,
                event,
            } => Msg::Referral
                .fill(
                    lang,
                    &[
                        ("visitor", visitor),
                        ("service", service),
                        ("kind", kind.label(lang)),
                        ("what", event.render(lang).trim()),
                    ],
                )
                .trim()
                .to_string(),
            LogFact::VisitCorrected { changes, reason } => Msg::Corrected.fill(
                lang,
                &[
                    ("changes", &changes_text(changes, lang)),
                    ("reason", reason),
                ],
            ),
        }
    }

    /// The fact as stored in `log_entry.fact`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a log fact is plain data")
    }

    /// What an entry of `kind` says, as a fact: its stored fact while that says what its
    /// text says (the text is what the seal covers), else its text read back (a line written
    /// before facts were kept). None for the officer's own words and for a line not
    /// recognised: the text is shown as it is.
    pub fn of_entry(kind: EntryKind, text: &str, fact: Option<&str>) -> Option<LogFact> {
        if EntryKind::WRITTEN.contains(&kind) || kind == EntryKind::Done {
            return None;
        }
        fact.and_then(|json| serde_json::from_str::<LogFact>(json).ok())
            .filter(|f| f.render(Lang::Zh) == text)
            .or_else(|| parse::from_text(kind, text))
    }
}

/// A closed list's value as its stored code.
mod code {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::domain::labels::Labeled;

    pub fn serialize<T: Labeled, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.code())
    }

    pub fn deserialize<'de, T: Labeled, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        let code = String::deserialize(d)?;
        T::from_code(&code).ok_or_else(|| D::Error::custom(format!("unknown code {code}")))
    }
}

mod opt_code {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::domain::labels::Labeled;

    pub fn serialize<T: Labeled, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(v.code()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Labeled, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(code) => T::from_code(&code)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("unknown code {code}"))),
        }
    }
}

mod move_code {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::domain::referral::Move;

    pub fn serialize<S: Serializer>(m: &Move, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(m.code())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Move, D::Error> {
        let code = String::deserialize(d)?;
        Move::ALL
            .into_iter()
            .find(|m| m.code() == code)
            .ok_or_else(|| D::Error::custom(format!("unknown move {code}")))
    }
}

#[cfg(test)]
mod tests;

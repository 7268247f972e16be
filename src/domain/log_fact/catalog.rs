//! The daily log's system-written lines, as messages of the desk's catalog
//! (`src/words/{zh,en}.toml`, group `log`): every line the desk writes itself is put
//! together from these templates (`{name}` is filled with the fact's value). The Chinese
//! is exactly what earlier versions stored as `text`, so old lines are read back by the
//! same words (see `parse`) — a Chinese `log.*` template is never to be reworded. A
//! line's own parameters (names, the officer's notes) are never translated.

use crate::i18n::Lang;
use crate::words;

macro_rules! catalog {
    ($($(#[$meta:meta])* $key:ident => $words:literal;)+) => {
        /// A message of the log catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($(#[$meta])* $key),+ }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),+];

            /// Its key in the catalog.
            pub fn key(self) -> &'static str {
                match self {
                    $(Msg::$key => $words),+
                }
            }
        }
    };
}

catalog! {
    ShiftOpened => "log.shift_opened";
    Joined => "log.joined";
    JoinedFrom => "log.joined_from";
    SignedOff => "log.signed_off";
    Acknowledged => "log.acknowledged";
    Intake => "log.intake";
    Returning => "log.returning";
    FollowUp => "log.follow_up";
    ImportVisits => "log.import_visits";
    ImportJobs => "log.import_jobs";
    ImportServices => "log.import_services";
    /// A referral's line: who, to which service of which kind, and what happened.
    Referral => "log.referral";
    Sent => "log.sent";
    WithoutConsent => "log.without_consent";
    Moved => "log.moved";
    Accept => "log.accept";
    Decline => "log.decline";
    Start => "log.start";
    Close => "log.close";
    Reopen => "log.reopen";
    WagesRecovered => "log.wages_recovered";
    WagesRecoveredFor => "log.wages_recovered_for";
    AidPaid => "log.aid_paid";
    Placed => "log.placed";
    /// Between the parts of a closing (outcome · reason · figures · note).
    Parts => "log.parts";
    HandoverAsked => "log.handover_asked";
    HandoverAccepted => "log.handover_accepted";
    HandoverRefused => "log.handover_refused";
    Corrected => "log.corrected";
    Change => "log.change";
    /// Between the changes of a correction.
    Changes => "log.changes";
    FieldCategory => "log.field_category";
    FieldChannel => "log.field_channel";
    FieldUrgency => "log.field_urgency";
    FieldHeadcount => "log.field_headcount";
    FieldAmount => "log.field_amount";
    FieldSummary => "log.field_summary";
    FieldEmployment => "log.field_employment";
    FieldEndedOn => "log.field_ended_on";
    FieldLearnedOn => "log.field_learned_on";
}

impl Msg {
    /// The template in `lang`.
    pub fn template(self, lang: Lang) -> &'static str {
        words::template(lang, self.key())
    }

    /// The template filled in: each `{name}` by its value in `args` (a value is put in as
    /// it is, never read for further names). A name without a value stays as written.
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        words::fill(self.template(lang), args)
    }

    /// The plain words of a message without parameters.
    pub fn word(self, lang: Lang) -> &'static str {
        self.template(lang)
    }

    /// The `{names}` a template uses, in order.
    pub fn names(self, lang: Lang) -> Vec<&'static str> {
        words::names(self.template(lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_chinese(s: &str) -> bool {
        s.chars().any(|c| {
            ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
        })
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_parameters() {
        for m in Msg::ALL {
            let (zh, en) = (m.template(Lang::Zh), m.template(Lang::En));
            assert!(!zh.trim().is_empty(), "{m:?} has no Chinese");
            assert!(!en.trim().is_empty(), "{m:?} has no English");
            let mut a = m.names(Lang::Zh);
            let mut b = m.names(Lang::En);
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "{m:?}: the two languages take different parameters");
            assert!(!has_chinese(en), "{m:?}: the English is not English: {en}");
        }
    }

    #[test]
    fn filling_puts_values_in_as_they_are() {
        let s = Msg::Acknowledged.fill(Lang::En, &[("signer", "{signer} 李梅")]);
        assert_eq!(s, "Read {signer} 李梅's handover");
        assert_eq!(
            Msg::Acknowledged.fill(Lang::Zh, &[]),
            "已阅 {signer} 的交班记录"
        );
    }

    /// The Chinese of every log line exactly as earlier versions stored it: old lines are
    /// read back by these words, so a reworded `log.*` in zh.toml would leave them unread.
    #[test]
    fn the_chinese_templates_are_the_words_old_lines_were_stored_in() {
        let stored = [
            (Msg::ShiftOpened, "{name} 开班"),
            (Msg::Joined, "{name} 加入本班"),
            (Msg::JoinedFrom, "{name}({affiliation})加入本班"),
            (Msg::SignedOff, "{name} 签结交班"),
            (Msg::Acknowledged, "已阅 {signer} 的交班记录"),
            (Msg::Intake, "{name} · {category} · {channel}"),
            (Msg::Returning, " · 老来访人"),
            (Msg::FollowUp, " · 回访"),
            (Msg::ImportVisits, "导入来访台账 {n} 条"),
            (
                Msg::ImportJobs,
                "导入岗位:新增 {added} 条,更新 {updated} 条",
            ),
            (
                Msg::ImportServices,
                "导入服务目录:新增 {added} 条,更新 {updated} 条",
            ),
            (Msg::Referral, "{visitor} → {service}({kind}) {what}"),
            (Msg::Sent, "转介 {note}"),
            (Msg::WithoutConsent, "[未经同意:{why}] {note}"),
            (Msg::Moved, "{move}:{from}→{to} {what}"),
            (Msg::Accept, "受理"),
            (Msg::Decline, "退回"),
            (Msg::Start, "开始办理"),
            (Msg::Close, "办结"),
            (Msg::Reopen, "重新打开"),
            (Msg::WagesRecovered, "追回工资{money}"),
            (Msg::WagesRecoveredFor, "追回工资{money},{workers}人"),
            (Msg::AidPaid, "发放救助{money}"),
            (Msg::Placed, "已就业:{job}"),
            (Msg::Parts, " · "),
            (Msg::HandoverAsked, "转交给 {to}(待对方接收)"),
            (Msg::HandoverAccepted, "{by} 接收了转交"),
            (Msg::HandoverRefused, "{by} 拒绝了转交"),
            (Msg::Corrected, "更正来访记录:{changes};原因:{reason}"),
            (Msg::Change, "{field}:{from} → {to}"),
            (Msg::Changes, ";"),
            (Msg::FieldCategory, "诉求类别"),
            (Msg::FieldChannel, "渠道"),
            (Msg::FieldUrgency, "紧急程度"),
            (Msg::FieldHeadcount, "涉及人数"),
            (Msg::FieldAmount, "欠薪金额"),
            (Msg::FieldSummary, "诉求摘要"),
            (Msg::FieldEmployment, "在职状态"),
            (Msg::FieldEndedOn, "离职日期"),
            (Msg::FieldLearnedOn, "知悉日期"),
        ];
        assert_eq!(stored.len(), Msg::ALL.len());
        for (m, zh) in stored {
            assert_eq!(m.template(Lang::Zh), zh, "{m:?} ({})", m.key());
        }
    }
}

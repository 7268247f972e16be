//! The words of the daily log's system-written lines, both languages side by side: every
//! line the desk writes itself is put together from these templates (`{name}` is filled
//! with the fact's value). The Chinese is exactly what earlier versions stored as `text`,
//! so old lines are read back by the same words (see `parse`). A line's own parameters
//! (names, the officer's notes) are never translated.

use crate::i18n::Lang;

macro_rules! catalog {
    ($($(#[$meta:meta])* $key:ident => $zh:literal, $en:literal;)+) => {
        /// A message of the log catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($(#[$meta])* $key),+ }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),+];

            /// The template in `lang`.
            pub fn template(self, lang: Lang) -> &'static str {
                match self {
                    $(Msg::$key => lang.pick($zh, $en)),+
                }
            }
        }
    };
}

catalog! {
    ShiftOpened => "{name} 开班", "{name} opened the shift";
    Joined => "{name} 加入本班", "{name} joined the shift";
    JoinedFrom => "{name}({affiliation})加入本班", "{name} ({affiliation}) joined the shift";
    SignedOff => "{name} 签结交班", "{name} signed off and handed over";
    Acknowledged => "已阅 {signer} 的交班记录", "Read {signer}'s handover";
    Intake => "{name} · {category} · {channel}", "{name} · {category} · {channel}";
    Returning => " · 老来访人", " · returning visitor";
    FollowUp => " · 回访", " · follow-up";
    ImportVisits => "导入来访台账 {n} 条", "Ledger imported: {n} visits";
    ImportJobs => "导入岗位:新增 {added} 条,更新 {updated} 条",
        "Job openings imported: {added} new, {updated} updated";
    ImportServices => "导入服务目录:新增 {added} 条,更新 {updated} 条",
        "Service directory imported: {added} new, {updated} updated";
    /// A referral's line: who, to which service of which kind, and what happened.
    Referral => "{visitor} → {service}({kind}) {what}", "{visitor} → {service} ({kind}) {what}";
    Sent => "转介 {note}", "referred {note}";
    WithoutConsent => "[未经同意:{why}] {note}", "[without consent: {why}] {note}";
    Moved => "{move}:{from}→{to} {what}", "{move}: {from} → {to} {what}";
    Accept => "受理", "accepted";
    Decline => "退回", "declined";
    Start => "开始办理", "started";
    Close => "办结", "closed";
    Reopen => "重新打开", "reopened";
    WagesRecovered => "追回工资{money}", "wages recovered {money}";
    WagesRecoveredFor => "追回工资{money},{workers}人", "wages recovered {money} for {workers} workers";
    AidPaid => "发放救助{money}", "aid paid {money}";
    Placed => "已就业:{job}", "placed: {job}";
    /// Between the parts of a closing (outcome · reason · figures · note).
    Parts => " · ", " · ";
    HandoverAsked => "转交给 {to}(待对方接收)", "handed over to {to} (until they accept)";
    HandoverAccepted => "{by} 接收了转交", "{by} accepted the handover";
    HandoverRefused => "{by} 拒绝了转交", "{by} refused the handover";
    Corrected => "更正来访记录:{changes};原因:{reason}",
        "Visit record corrected: {changes}; reason: {reason}";
    Change => "{field}:{from} → {to}", "{field}: {from} → {to}";
    /// Between the changes of a correction.
    Changes => ";", "; ";
    FieldCategory => "诉求类别", "Request";
    FieldChannel => "渠道", "Channel";
    FieldUrgency => "紧急程度", "Urgency";
    FieldHeadcount => "涉及人数", "Workers";
    FieldAmount => "欠薪金额", "Amount owed";
    FieldSummary => "诉求摘要", "Summary";
    FieldEmployment => "在职状态", "Employment";
    FieldEndedOn => "离职日期", "Job ended on";
    FieldLearnedOn => "知悉日期", "Learned of it";
}

impl Msg {
    /// The template filled in: each `{name}` by its value in `args` (a value is put in as
    /// it is, never read for further names). A name without a value stays as written.
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        let mut out = String::new();
        let mut rest = self.template(lang);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let (_, v) = args.iter().find(|(k, _)| *k == name)?;
                Some((*v, close))
            });
            if let Some((v, close)) = value {
                out.push_str(v);
                rest = &after[close + 1..];
            } else {
                out.push('{');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    /// The plain words of a message without parameters.
    pub fn word(self, lang: Lang) -> &'static str {
        self.template(lang)
    }

    /// The `{names}` a template uses, in order.
    pub fn names(self, lang: Lang) -> Vec<&'static str> {
        let mut out = Vec::new();
        let mut rest = self.template(lang);
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            out.push(&after[..close]);
            rest = &after[close + 1..];
        }
        out
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
}

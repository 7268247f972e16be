//! The referral slip (转介单): the paper a visitor carries to the receiving office — who
//! sent them and why, where to go and when it is open, what to bring, by when it should be
//! dealt with, and a return slip (回执) the office signs and sends back. One A4 page of
//! DOCX (Word and WPS), Chinese or English, from `dutydesk slip` or `p` at the desk.
//!
//! The reference number is the day the referral was made and its place among the
//! station's referrals that day: 20261122-03 is the third of 22 November 2026. It stays the
//! same on every reprint. The slip also carries the referral's id, which `dutydesk slip`
//! takes back.

pub mod docx;

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use chrono::{Duration, FixedOffset, NaiveDate};

use crate::domain::labels::Labeled;
use crate::domain::lists::Category;
use crate::domain::referral::ReferralStatus;
use crate::i18n::Lang;
use crate::store::{ReferralRow, Service, Store, StoreError};
use docx::{Para, Run};

// What the slip carries of long texts, so that the page stays one page (at most about six
// lines of request, two per directory field, one per document).
/// Of the visitor's request, in characters.
const MAX_REQUEST_CHARS: usize = 240;
/// Of one directory field (a name, an address, the hours…).
const MAX_FIELD_CHARS: usize = 80;
/// Of a name in running text (the station's, the receiving office's, the service's).
const MAX_NAME_CHARS: usize = 30;
/// Of one document to bring.
const MAX_DOCUMENT_CHARS: usize = 40;
/// How many documents are listed.
const MAX_DOCUMENTS: usize = 8;

/// Everything a slip says, gathered from the store in the language it is printed in.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub referral_id: String,
    /// `20261122-03`: the day the referral was made and its place in that day.
    pub reference: String,
    pub station: String,
    pub made_on: NaiveDate,
    pub visitor: String,
    /// Masked (`138****8000`), if the visitor left one.
    pub phone: Option<String>,
    pub category: Category,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    pub summary: String,
    pub service: Service,
    pub documents: Vec<String>,
    /// The directory lists no documents for the service: these are the desk's suggestion
    /// for the kind of request.
    pub documents_suggested: bool,
    pub due_on: NaiveDate,
    /// The last day to apply for labour arbitration, in words, where the request has one.
    pub arbitration: Option<String>,
    /// Who handles the referral at the station (承办人).
    pub officer: String,
    pub lang: Lang,
}

/// The referral an id or the start of one names (case does not matter). None, or more
/// than one, is an error that says so: how many, and the first few.
pub fn resolve(store: &Store, given: &str, lang: Lang) -> Result<String> {
    let prefix = given.trim().to_ascii_lowercase();
    if prefix.is_empty() {
        bail!(
            "{}",
            lang.pick(
                "请给出转介编号,或其开头几位(dutydesk referrals list --all --format json 可查)",
                "give the referral's id, or its first characters (dutydesk referrals list --all --format json shows them)"
            )
        );
    }
    let found = store
        .referral_ids_from(&prefix, 5)
        .map_err(|e| anyhow!(e.message(lang)))?;
    match found.count {
        0 => bail!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "没有编号以“{prefix}”开头的转介;dutydesk referrals list --all --format json 可查编号"
                ),
                Lang::En => format!(
                    "no referral's id starts with “{prefix}”; dutydesk referrals list --all --format json shows the ids"
                ),
            }
        ),
        1 => Ok(found.ids.into_iter().next().unwrap_or_default()),
        n => {
            let shown: Vec<String> = found
                .ids
                .iter()
                .map(|id| match store.referral(id) {
                    Ok(r) => format!("  {id}  {} → {}", r.visitor_name, r.service_name),
                    Err(_) => format!("  {id}"),
                })
                .collect();
            let more = if n > i64::try_from(shown.len()).unwrap_or(i64::MAX) {
                lang.pick("\n  …", "\n  …")
            } else {
                ""
            };
            bail!(
                "{}\n{}{more}",
                match lang {
                    Lang::Zh => format!("有{n}条转介的编号以“{prefix}”开头,请多写几位,只对应一条:"),
                    Lang::En => format!(
                        "{n} referrals have ids starting with “{prefix}”; give more characters, enough for one:"
                    ),
                },
                shown.join("\n")
            )
        }
    }
}

/// Gathers the slip of a referral, as it stands on `today` (the arbitration limit counts
/// from it: the desk's clock at the desk, the station's date on the command line). A
/// declined referral has none: nobody should be sent to an office that declined them.
pub fn gather(
    store: &Store,
    referral_id: &str,
    zone: FixedOffset,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<Slip> {
    let plain = |e: StoreError| anyhow!(e.message(lang));
    let detail = store.referral_detail(referral_id).map_err(plain)?;
    let r = &detail.referral;
    if r.status == ReferralStatus::Declined {
        bail!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "这条转介已被退回({}),不打印转介单;重新打开后可再打印",
                    r.declined_because(lang)
                ),
                Lang::En => format!(
                    "this referral was declined ({}); no slip is printed for it. Reopen it first",
                    r.declined_because(lang)
                ),
            }
        );
    }
    let visit = store
        .visit_detail(&r.visit_id)
        .map_err(plain)?
        .ok_or_else(|| anyhow!(lang.pick("来访记录不存在", "no such visit").to_string()))?;
    let station = store
        .station()
        .map_err(plain)?
        .map(|s| s.name)
        .unwrap_or_default();
    let made_on = r.created_at.with_timezone(&zone).date_naive();
    let start = crate::domain::clock::day_start(made_on, zone);
    let number = store
        .referral_number_in_day(&r.id, start, start + Duration::days(1))
        .map_err(plain)?;
    let listed = documents_of(&detail.service.documents);
    let documents_suggested = listed.is_empty();
    let documents = if documents_suggested {
        suggested_documents(r.category, lang)
            .iter()
            .map(|d| d.to_string())
            .collect()
    } else {
        listed
    };
    Ok(Slip {
        referral_id: r.id.clone(),
        reference: format!("{}-{number:02}", made_on.format("%Y%m%d")),
        station,
        made_on,
        visitor: r.visitor_name.clone(),
        phone: visit
            .visitor
            .phone
            .as_deref()
            .map(crate::domain::phone::mask),
        category: r.category,
        headcount: r.headcount,
        amount_owed_fen: r.amount_owed_fen,
        summary: visit.visit.summary.clone(),
        service: detail.service.clone(),
        documents,
        documents_suggested,
        due_on: r.due_on,
        arbitration: arbitration_limit(r, today, lang),
        officer: r.owner_name.clone(),
        lang,
    })
}

/// The arbitration time limit (仲裁时效) of the request on the day the slip is made, in
/// words with its caveat (domain::arbitration); none where the law is not about it.
fn arbitration_limit(
    referral: &ReferralRow,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Option<String> {
    crate::domain::arbitration::words(referral.arbitration.clock(today), lang)
}

/// The documents a directory entry lists, one per item: its text split at semicolons
/// (half- or full-width), 、 and line breaks, except inside brackets (“材料(合同、工资条)”
/// stays one item).
pub fn documents_of(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '\u{ff08}' | '[' | '\u{3010}' => depth += 1,
            ')' | '\u{ff09}' | ']' | '\u{3011}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(c, ';' | '\u{ff1b}' | '\u{3001}' | '\n' | '\r') {
            items.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    items.push(current);
    items
        .iter()
        .map(|s| docx::clean(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// What to bring when the directory does not say: the papers such a request usually needs.
pub fn suggested_documents(category: Category, lang: Lang) -> &'static [&'static str] {
    use Category::*;
    match (category, lang) {
        (WageArrears, Lang::Zh) => &[
            "身份证",
            "劳动合同或其他用工证明(工牌、考勤记录、工资条)",
            "欠薪明细(欠薪期间、金额)",
            "与单位交涉的记录(聊天记录、录音等)",
        ],
        (WageArrears, Lang::En) => &[
            "ID card",
            "Labour contract or other proof of employment (work badge, attendance records, pay slips)",
            "What is owed (period and amount)",
            "Records of dealings with the employer (messages, recordings)",
        ],
        (Contract, Lang::Zh) => &[
            "身份证",
            "劳动合同(如有)",
            "工资条或银行流水",
            "解除或终止劳动关系的通知(如有)",
        ],
        (Contract, Lang::En) => &[
            "ID card",
            "Labour contract (if any)",
            "Pay slips or bank statements",
            "Notice of dismissal or termination (if any)",
        ],
        (Injury, Lang::Zh) => &[
            "身份证",
            "劳动关系证明(合同、工牌、考勤记录)",
            "诊断证明和病历",
            "工伤认定材料(如有)",
        ],
        (Injury, Lang::En) => &[
            "ID card",
            "Proof of employment (contract, work badge, attendance records)",
            "Medical certificate and records",
            "Work-injury determination papers (if any)",
        ],
        (Hardship, Lang::Zh) => &[
            "身份证",
            "户口簿",
            "家庭收入证明",
            "致困原因材料(诊断证明等)",
        ],
        (Hardship, Lang::En) => &[
            "ID card",
            "Household register (户口簿)",
            "Proof of household income",
            "Papers showing the cause of hardship (medical certificate etc.)",
        ],
        (JobSeeking, Lang::Zh) => &["身份证", "学历或技能证书(如有)"],
        (JobSeeking, Lang::En) => &["ID card", "Diplomas or skill certificates (if any)"],
        (Legal, Lang::Zh) => &["身份证", "与问题有关的材料(合同、通知、票据)"],
        (Legal, Lang::En) => &[
            "ID card",
            "Papers about the matter (contracts, notices, receipts)",
        ],
        (MedicalAid, Lang::Zh) => &["身份证", "出院小结", "医疗费用结算单或发票", "银行卡"],
        (MedicalAid, Lang::En) => &[
            "ID card",
            "Discharge summary",
            "Hospital settlement sheet or invoices",
            "Bank card",
        ],
        (Education, Lang::Zh) => &["身份证", "户口簿", "录取通知书", "困难证明"],
        (Education, Lang::En) => &[
            "ID card",
            "Household register (户口簿)",
            "Admission letter",
            "Proof of hardship",
        ],
        (Insurance, Lang::Zh) => &["身份证", "社保卡"],
        (Insurance, Lang::En) => &["ID card", "Social insurance card"],
        (JoinUnion, Lang::Zh) => &["身份证", "工作单位证明"],
        (JoinUnion, Lang::En) => &["ID card", "Proof of employer"],
        (WomenWorkers | Other, Lang::Zh) => &["身份证", "与诉求有关的材料"],
        (WomenWorkers | Other, Lang::En) => &["ID card", "Papers about the request"],
    }
}

/// Cut to `max` characters, with … where something was left out.
fn cut(s: &str, max: usize) -> String {
    let s = docx::clean(s);
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

fn or_dash(s: &str) -> String {
    match cut(s, MAX_FIELD_CHARS) {
        s if s.is_empty() => "—".into(),
        s => s,
    }
}

impl Slip {
    fn date(&self, d: NaiveDate) -> String {
        match self.lang {
            Lang::Zh => d.format("%Y年%m月%d日").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The request in one paragraph: its kind, how many and how much, what was said.
    fn request(&self) -> String {
        let lang = self.lang;
        let mut parts = vec![self.category.label(lang).to_string()];
        if let Some(n) = self.headcount.filter(|n| *n > 1) {
            parts.push(match lang {
                Lang::Zh => format!("涉及{n}人"),
                Lang::En => format!("{n} workers"),
            });
        }
        if let Some(f) = self.amount_owed_fen {
            parts.push(match lang {
                Lang::Zh => format!("欠薪{}", crate::domain::money::format_fen(f)),
                Lang::En => format!("{} owed", crate::domain::money::format_fen(f)),
            });
        }
        let head = parts.join(lang.pick(",", ", "));
        let summary = cut(&self.summary, MAX_REQUEST_CHARS);
        match (summary.is_empty(), lang) {
            (true, _) => head,
            (false, Lang::Zh) => format!("{head}。{summary}"),
            (false, Lang::En) => format!("{head}. {summary}"),
        }
    }

    /// The page, paragraph by paragraph.
    pub fn paragraphs(&self) -> Vec<Para> {
        let lang = self.lang;
        let t = |zh: &str, en: &str| lang.pick(zh, en).to_string();
        let s = &self.service;
        let receiver = if s.provider.trim().is_empty() {
            &s.name
        } else {
            &s.provider
        };
        let phone = self.phone.as_deref().unwrap_or("—");
        let mut p = vec![
            Para::title(cut(&self.station, MAX_NAME_CHARS), 30),
            Para::title(t("转 介 单", "Referral Slip"), 36),
        ];
        let mut refline = Para::new(vec![
            Run::text(format!("{}{}", t("编号:", "Ref. no.: "), self.reference)),
            Run::Tab,
            Run::text(format!(
                "{}{}",
                t("日期:", "Date: "),
                self.date(self.made_on)
            )),
        ]);
        refline.right_tab = true;
        refline.space_before = 120;
        p.push(refline);
        p.push(Para::new(vec![Run::bold(match lang {
            Lang::Zh => format!("{}:", cut(receiver, MAX_NAME_CHARS)),
            Lang::En => format!("To: {}", cut(receiver, MAX_NAME_CHARS)),
        })]));
        p.push(Para::text(match lang {
            Lang::Zh => format!(
                "兹有来访人 {}(联系电话:{phone})因下列事项来我站求助,现转介至贵单位“{}”,请予接待办理。",
                cut(&self.visitor, 50),
                cut(&s.name, MAX_NAME_CHARS)
            ),
            Lang::En => format!(
                "{} (phone {phone}) came to our station for help with the matter below. We refer them to your service “{}”; please receive them.",
                cut(&self.visitor, 50),
                cut(&s.name, MAX_NAME_CHARS)
            ),
        }));
        p.push(Para::heading(t("一、诉求", "1. The request")));
        p.push(Para::text(self.request()));
        p.push(Para::heading(t("二、接收服务", "2. Where to go")));
        for (label, value) in [
            (t("服务名称:", "Service: "), &s.name),
            (t("提供单位:", "Provided by: "), &s.provider),
            (t("地址:", "Address: "), &s.address),
            (t("联系电话:", "Phone: "), &s.contact),
            (t("办公时间:", "Opening hours: "), &s.hours),
        ] {
            p.push(Para::new(vec![Run::bold(label), Run::text(or_dash(value))]));
        }
        p.push(Para::heading(t("三、请携带的材料", "3. What to bring")));
        if self.documents_suggested {
            p.push(Para::text(t(
                "(服务目录未列出所需材料,以下为本站建议,以接收单位的要求为准)",
                "(The directory lists none for this service: these are the station's suggestion; the receiving office's own list prevails.)",
            )));
        }
        for (i, d) in self.documents.iter().take(MAX_DOCUMENTS).enumerate() {
            let mut item = Para::text(format!("{}. {}", i + 1, cut(d, MAX_DOCUMENT_CHARS)));
            item.hanging = 360;
            p.push(item);
        }
        if self.documents.len() > MAX_DOCUMENTS {
            let more = self.documents.len() - MAX_DOCUMENTS;
            p.push(Para::text(match lang {
                Lang::Zh => format!("(另有{more}项,请向接收单位询问)"),
                Lang::En => format!("({more} more: ask the receiving office)"),
            }));
        }
        p.push(Para::heading(t("四、办结时限", "4. Due date")));
        p.push(Para::text(match lang {
            Lang::Zh => format!(
                "请于 {} 前办理,并将下方回执寄回本站或交来访人带回。",
                self.date(self.due_on)
            ),
            Lang::En => format!(
                "Please deal with it by {} and send the return slip below back to the station, or give it to the visitor to bring back.",
                self.date(self.due_on)
            ),
        }));
        if let Some(limit) = &self.arbitration {
            p.push(Para::new(vec![
                Run::bold(t("仲裁时效:", "Arbitration time limit: ")),
                Run::text(limit.clone()),
            ]));
        }
        let mut sign = Para::new(vec![
            Run::text(format!(
                "{}{}",
                t("转介单位:", "Referred by: "),
                cut(&self.station, MAX_NAME_CHARS)
            )),
            Run::Tab,
            Run::text(format!(
                "{}{}",
                t("经办人:", "Officer: "),
                cut(&self.officer, 50)
            )),
        ]);
        sign.right_tab = true;
        sign.space_before = 160;
        p.push(sign);

        p.extend(self.return_slip());
        p
    }

    /// The return slip (回执), cut off along the dashed rule and sent back by the office
    /// that received the visitor.
    fn return_slip(&self) -> Vec<Para> {
        let lang = self.lang;
        let t = |zh: &str, en: &str| lang.pick(zh, en).to_string();
        let mut p = Vec::new();
        let mut cut_line = Para::title(t("回  执", "Return slip"), 28);
        cut_line.cut_above = true;
        cut_line.space_before = 240;
        p.push(cut_line);
        p.push(Para::text(match lang {
            Lang::Zh => format!("{}:", cut(&self.station, MAX_NAME_CHARS)),
            Lang::En => format!("To {}:", cut(&self.station, MAX_NAME_CHARS)),
        }));
        p.push(Para::text(match lang {
            Lang::Zh => format!(
                "贵站转介的来访人 {}(转介编号:{})已于 ______年____月____日 到我单位。",
                cut(&self.visitor, 50),
                self.reference
            ),
            Lang::En => format!(
                "{} (ref. no. {}), whom you referred, came to us on ____________ (date).",
                cut(&self.visitor, 50),
                self.reference
            ),
        }));
        p.push(Para::text(t(
            "办理情况:□ 已受理    □ 不予受理,原因:________________________________",
            "Outcome: □ accepted    □ not accepted, because: ____________________________",
        )));
        p.push(Para::text(t(
            "接收单位(盖章):______________________    经办人签名:______________",
            "Receiving office (stamp): ____________________    Signed: ______________",
        )));
        p.push(Para::text(t(
            "联系电话:______________________    日期:______年____月____日",
            "Phone: ____________________    Date: ____________",
        )));
        let mut id = Para::text(format!(
            "{}{}",
            t("系统编号:", "Record id: "),
            self.referral_id
        ));
        id.space_before = 80;
        if let Some(Run::Text { size, .. }) = id.runs.first_mut() {
            *size = Some(16);
        }
        p.push(id);
        p
    }

    /// The file's name: `转介单-20261122-03` (Chinese) or `referral-slip-20261122-03`.
    pub fn file_stem(&self) -> String {
        match self.lang {
            Lang::Zh => format!("转介单-{}", self.reference),
            Lang::En => format!("referral-slip-{}", self.reference),
        }
    }

    /// Writes the DOCX to `target` through `outfile` (0600, whole or not at all, never
    /// over the database, over another file only with `force`).
    pub fn write(
        &self,
        target: &Path,
        db: &Path,
        force: bool,
    ) -> Result<(), crate::outfile::OutError> {
        let paras = self.paragraphs();
        crate::outfile::write_new(target, db, force, |tmp| docx::write(tmp, &paras, self.lang))
    }
}

/// The desk's `p`: the slip into `dir` (made if missing) under the next free name, never
/// over an earlier print. Returns where it went.
pub fn to_folder(
    store: &Store,
    referral_id: &str,
    dir: &Path,
    zone: FixedOffset,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Result<PathBuf> {
    let slip = gather(store, referral_id, zone, today, lang)?;
    std::fs::create_dir_all(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))?;
    let path = crate::outfile::free_name(dir, &slip.file_stem(), "docx");
    slip.write(&path, store.path(), false)
        .map_err(|e| anyhow!(e.message(lang)))?;
    tracing::info!(referral = %slip.referral_id, "referral slip written");
    Ok(path)
}

/// `dutydesk slip REFERRAL -o FILE [--force]`.
pub fn run(store: &Store, referral: &str, output: &Path, force: bool, lang: Lang) -> Result<()> {
    let id = resolve(store, referral, lang)?;
    let zone = crate::domain::clock::china_zone();
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let slip = gather(store, &id, zone, today, lang)?;
    slip.write(output, store.path(), force)
        .map_err(|e| anyhow!(e.message(lang)))?;
    tracing::info!(referral = %slip.referral_id, "referral slip written");
    let said = match lang {
        Lang::Zh => format!(
            "转介单 {}({} → {})已写入 {}",
            slip.reference,
            slip.visitor,
            slip.service.name,
            output.display()
        ),
        Lang::En => format!(
            "referral slip {} ({} → {}) written to {}",
            slip.reference,
            slip.visitor,
            slip.service.name,
            output.display()
        ),
    };
    // Names come from the records: shown, never obeyed by the terminal.
    eprintln!("{}", crate::report::safe::terminal(&said, false));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_entrys_documents_split_into_items_but_not_inside_brackets() {
        assert_eq!(
            documents_of("身份证;与单位有关的材料(合同、工资条、考勤记录)"),
            ["身份证", "与单位有关的材料(合同、工资条、考勤记录)"]
        );
        assert_eq!(documents_of("身份证、劳动合同\n ;"), ["身份证", "劳动合同"]);
        assert!(documents_of("  ").is_empty());
    }

    #[test]
    fn every_kind_of_request_has_suggested_documents_in_both_languages() {
        for c in Category::ALL {
            let (zh, en) = (
                suggested_documents(*c, Lang::Zh),
                suggested_documents(*c, Lang::En),
            );
            assert!(!zh.is_empty() && zh.len() == en.len(), "{c:?}");
            assert_eq!(zh[0], "身份证");
        }
    }

    #[test]
    fn a_long_request_is_cut_to_keep_one_page() {
        assert_eq!(cut("张三\n欠薪", 10), "张三 欠薪");
        assert_eq!(cut(&"欠".repeat(400), 300).chars().count(), 301);
    }
}

//! Showing a returning visitor's numbers in full: a deliberate key, written to the audit
//! log (who, when, which numbers) before anything is shown.

use super::IntakePane;
use crate::i18n::Lang;
use crate::panes::{Ctx, Effect, Effects};
use crate::store::VisitDetail;

impl IntakePane {
    /// The deliberate key that shows a returning visitor's numbers in the form, written
    /// to the audit log with who and when before anything is shown.
    pub(super) fn reveal_in_form(&mut self, cx: &mut Ctx) -> Effects {
        // Hidden values come only from a picked visitor's record (or a draft of one).
        let visitor_id = self
            .picked
            .as_ref()
            .map(|p| p.visitor_id.clone())
            .unwrap_or_default();
        let fields = revealed_fields(self.form.hidden_ids().into_iter());
        let (shown, said) = audit_reveal(&visitor_id, &fields, cx);
        if shown {
            self.form.reveal();
        }
        said.into_iter().collect()
    }
}

/// The reveal key in a visit's record: audited, then the record is read again so its
/// history shows the reveal.
pub fn reveal_in_record(detail: &mut VisitDetail, revealed: &mut bool, cx: &mut Ctx) -> Effects {
    let (visit_id, visitor_id) = (detail.visit.id.clone(), detail.visitor.id.clone());
    let fields = revealed_fields(
        [
            detail.visitor.phone.as_ref().map(|_| "phone"),
            detail.visitor.id_number.as_ref().map(|_| "id_number"),
        ]
        .into_iter()
        .flatten(),
    );
    let (shown, said) = audit_reveal(&visitor_id, &fields, cx);
    let mut fx: Effects = said.into_iter().collect();
    if !shown {
        return fx;
    }
    match cx.store.visit_detail(&visit_id) {
        Ok(Some(fresh)) => {
            *detail = fresh;
            *revealed = true;
        }
        Ok(None) => {}
        Err(e) => fx.push(Effect::Error(e.message(cx.lang))),
    }
    fx
}

/// Writes the reveal of a visitor's `fields` to the audit log and says so: `true` when it
/// was written; else (nothing to show, or the log could not be written) nothing may be
/// shown, and the effect says why.
fn audit_reveal(visitor_id: &str, fields: &str, cx: &mut Ctx) -> (bool, Option<Effect>) {
    let lang = cx.lang;
    if fields.is_empty() || visitor_id.is_empty() {
        return (
            false,
            Some(Effect::Info(
                lang.pick("没有隐藏的号码", "Nothing is hidden").into(),
            )),
        );
    }
    let (Some(station), Some(officer)) = (cx.station, cx.officer) else {
        return (false, None);
    };
    match cx
        .store
        .audit_reveal(&station.id, visitor_id, &officer.id, fields, cx.now())
    {
        Ok(()) => (true, Some(Effect::Info(revealed_message(lang, fields)))),
        Err(e) => (false, Some(Effect::Error(e.message(lang)))),
    }
}

/// The audit log's words for what was shown: "电话、身份证号".
fn revealed_fields<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.filter_map(|id| match id {
        "phone" => Some("电话"),
        "id_number" => Some("身份证号"),
        _ => None,
    })
    .collect::<Vec<_>>()
    .join("、")
}

fn revealed_message(lang: Lang, fields: &str) -> String {
    match lang {
        Lang::Zh => format!("已显示完整{fields},已记入审计日志"),
        Lang::En => format!(
            "Shown in full ({}); written to the audit log",
            fields
                .replace("电话", "phone")
                .replace("身份证号", "ID number")
                .replace('、', ", ")
        ),
    }
}

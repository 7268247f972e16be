//! `dutydesk directory list`: every service, active first.

use anyhow::{Result, anyhow};

use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::report::Format;
use crate::store::Store;

pub fn list(store: &Store, format: Format, lang: Lang) -> Result<()> {
    let services = store.services(None).map_err(|e| anyhow!(e.message(lang)))?;
    let headers: &[&str] = match lang {
        Lang::Zh => &[
            "编号",
            "类别",
            "名称",
            "提供方",
            "状态",
            "时限规则",
            "联系电话",
            "地址",
            "办公时间",
            "所需材料",
            "核对日期",
            "本站添加",
        ],
        Lang::En => &[
            "id",
            "kind",
            "name",
            "provider",
            "status",
            "deadline rule",
            "contact",
            "address",
            "hours",
            "documents",
            "checked on",
            "added here",
        ],
    };
    let keys = [
        "source_id",
        "kind",
        "name",
        "provider",
        "status",
        "deadline_rule",
        "contact",
        "address",
        "hours",
        "documents",
        "checked_on",
        "added_here",
    ];
    let rows: Vec<Vec<String>> = services
        .iter()
        .map(|s| {
            vec![
                s.source_id.clone().unwrap_or_default(),
                s.kind.label(lang).to_string(),
                s.name.clone(),
                s.provider.clone(),
                s.status.label(lang).to_string(),
                s.deadline_rule.label(lang).to_string(),
                s.contact.clone(),
                s.address.clone(),
                s.hours.clone(),
                s.documents.clone(),
                s.checked_on
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                // 本站添加: typed at this desk; no directory import replaces it.
                if s.added_here {
                    lang.pick("本站添加", "added here").to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    crate::report::print_rows(format, headers, &keys, &rows)
}

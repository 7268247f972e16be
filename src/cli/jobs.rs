//! `dutydesk jobs search`: the lookup pane's matcher, headless, for scripts and benchmarks.

use anyhow::{Result, anyhow};

use crate::domain::clock::china_zone;
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::report::Format;
use crate::search::{JobFilter, JobIndex};
use crate::store::Store;

pub fn search(
    store: &Store,
    query: &str,
    limit: usize,
    all: bool,
    format: Format,
    lang: Lang,
) -> Result<()> {
    let today = chrono::Utc::now().with_timezone(&china_zone()).date_naive();
    let idx =
        JobIndex::build_from_file(store.path(), today).map_err(|e| anyhow!(e.message(lang)))?;
    let filter = JobFilter {
        include_closed: all,
        ..JobFilter::default()
    };
    let hits = idx.search(query, &filter, limit);
    if format == Format::Json {
        // Data for scripts: the opening as stored, its score a number.
        let mut records = Vec::with_capacity(hits.len());
        for h in &hits {
            let Some(j) = store
                .job_by_rowid(idx.rowid_of(h.line))
                .map_err(|e| anyhow!(e.message(lang)))?
            else {
                continue;
            };
            records.push(serde_json::json!({
                "id": j.id,
                "source_id": j.source_id,
                "title": j.title,
                "employer": j.employer,
                "credit_code": j.credit_code,
                "district": j.district,
                "address": j.address,
                "wage_min": j.wage_min,
                "wage_max": j.wage_max,
                "wage_unit": j.wage_unit_stated.then(|| j.wage_unit.code()),
                "currency": j.currency,
                "wage": idx.wage_words_of(h.line),
                "wage_month": idx.wage_month_of(h.line),
                "benefits": idx.fields_of(h.line)[3],
                "benefits_text": j.benefits_text,
                "incomplete": j.is_incomplete(),
                "unknown": j.unknown.code(),
                "employment_type": j.employment_type.code(),
                "employment_type_label": j.employment_type.label(lang),
                "hours": j.hours,
                "openings": j.openings,
                "contact": j.contact,
                "posted_on": j.posted_on.map(|d| d.to_string()),
                "valid_through": j.valid_through.map(|d| d.to_string()),
                "status": j.status.code(),
                "current": idx.is_current(h.line),
                "score": h.score,
            }));
        }
        return crate::report::print_json(&records);
    }
    let headers: &[&str] = match lang {
        Lang::Zh => &["岗位", "单位", "区域", "工资", "福利", "用工类型", "得分"],
        Lang::En => &[
            "title", "employer", "district", "wage", "benefits", "type", "score",
        ],
    };
    let keys = [
        "title", "employer", "district", "wage", "benefits", "type", "score",
    ];
    let rows: Vec<Vec<String>> = hits
        .iter()
        .map(|h| {
            let [title, employer, district, benefits_zh] = idx.fields_of(h.line);
            // As F4 says them: `包吃 包住` / `meals, housing`, `/月` / `/month`.
            let benefits = match lang {
                Lang::Zh => benefits_zh.to_string(),
                Lang::En => idx.benefits_of(h.line).words_in(lang),
            };
            // An outside posting that left out its employer, salary or place (issue 17).
            let benefits = if idx.is_incomplete(h.line) {
                let mark = lang.pick("信息不全", "incomplete");
                format!("{mark} {benefits}").trim_end().to_string()
            } else {
                benefits
            };
            vec![
                title.to_string(),
                employer.to_string(),
                district.to_string(),
                idx.wage_words_in(h.line, lang),
                benefits,
                idx.employment_type_of(h.line).label(lang).to_string(),
                h.score.to_string(),
            ]
        })
        .collect();
    crate::report::print_rows(format, headers, &keys, &rows)
}

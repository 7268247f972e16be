//! `dutydesk jobs search`: the lookup pane's matcher, headless, for scripts and benchmarks.

use anyhow::{Result, anyhow};

use crate::app::china_zone;
use crate::cli::Format;
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
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
            let [title, employer, district, benefits] = idx.fields_of(h.line);
            vec![
                title.to_string(),
                employer.to_string(),
                district.to_string(),
                idx.wage_words_of(h.line),
                benefits.to_string(),
                idx.employment_type_of(h.line).label(lang).to_string(),
                h.score.to_string(),
            ]
        })
        .collect();
    super::print_rows(format, headers, &keys, &rows)
}

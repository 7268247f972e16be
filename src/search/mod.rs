//! The job matcher: as-you-type search over title, employer, district and benefits, in
//! Chinese characters, full pinyin and pinyin initials (`kdy` → 快递员, `skcg` → 数控车工),
//! every reading of a heteronym (长 chang/zhang, 行 xing/hang) counted.
//!
//! The index is flat: one string of all openings' search text, offsets into it, and
//! per-opening columns (letter masks, a character bloom, wage, benefits, type). A query is
//! checked against the masks first, so most openings are rejected in a few instructions;
//! the rest are matched and scored, and the best `limit` kept. Over 50,000 openings, both
//! cores share the work.
//!
//! By job: `prefilter` (the masks), `query` (the filter, and terms as typed), `index` (the
//! build and the per-opening columns), `matching` (matching and scoring a term), `scan`
//! (the search over all lines, on both cores), `wish` (ranking by a job seeker's wish).

pub mod pinyin_table;
pub mod wish;

mod index;
mod matching;
mod prefilter;
mod query;
mod scan;
#[cfg(test)]
mod tests;

pub use index::JobIndex;
pub use query::JobFilter;
pub use scan::Hit;

//! The search over all lines: visited newest first, each checked against the filter and,
//! once the results are good enough, against the fields that could still lift it; then
//! scored, and the best `limit` kept, stopping once nothing later can rank higher. Over
//! 50,000 lines, both cores share the scan.

use std::cmp::Reverse;

use crate::domain::labels::Labeled;

use super::index::{JobIndex, NONE, as_u32};
use super::matching::{BENEFITS_MAX, EMPLOYER_MAX, LOOSE_SCORE, MAX_TERM_SCORE};
use super::query::{JobFilter, Query};

/// One ranked result: the opening's place in the index (newest posted first, so the lower
/// wins a tie) and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub line: u32,
    pub score: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tier {
    All,
    Main,
    Title,
}

impl JobIndex {
    /// The filter's districts as the index numbers them (a mask: those whose name starts
    /// with what was typed, see `district_mask`): `Some(None)` for any district, `None`
    /// for a district no opening names (nothing can pass).
    pub(super) fn district_filter(&self, f: &JobFilter) -> Option<Option<Vec<bool>>> {
        match &f.district {
            None => Some(None),
            Some(d) => self.district_mask(d).map(Some),
        }
    }

    #[inline]
    pub(super) fn passes(&self, i: usize, f: &JobFilter, district: Option<&[bool]>) -> bool {
        let flags = self.flags[i];
        if !f.include_closed && flags & 0x20 == 0 {
            return false;
        }
        if f.meals && flags & 1 == 0 || f.housing && flags & 2 == 0 {
            return false;
        }
        if let Some(t) = f.employment_type
            && ((flags >> 3) & 3) as usize != t.index()
        {
            return false;
        }
        if let Some(min) = f.min_wage_month
            && (self.wage_month[i] == NONE || i64::from(self.wage_month[i]) < min)
        {
            return false;
        }
        district.is_none_or(|d| d[self.district[i] as usize])
    }

    /// The best `limit` openings for `query` under `filter`, best first; ties go to the
    /// newer posting. An empty query lists openings newest first.
    ///
    /// Openings are visited newest first, so once `limit` of them score the most a query
    /// can, nothing later can rank above them and the scan stops. Pinyin terms first count
    /// only openings where the first two letters can be adjacent (a pair of initials, or
    /// the start of one reading); if that leaves fewer than `limit`, a second pass adds the
    /// looser matches with gaps.
    pub fn search(&self, query: &str, filter: &JobFilter, limit: usize) -> Vec<Hit> {
        if limit == 0 {
            return Vec::new();
        }
        let q = Query::new(query);
        let Some(district) = self.district_filter(filter) else {
            return Vec::new();
        };
        let none = std::collections::HashSet::new();
        let district = district.as_deref();
        let mut hits = self.scan(&q, filter, district, limit, true, &none);
        if hits.len() < limit && q.terms.iter().any(|t| t.ascii && t.text.len() > 1) {
            let seen: std::collections::HashSet<u32> = hits.iter().map(|h| h.line).collect();
            let more = self.scan(&q, filter, district, limit - hits.len(), false, &seen);
            hits.extend(more);
            keep_best(&mut hits, limit);
        }
        hits
    }

    fn scan(
        &self,
        q: &Query,
        filter: &JobFilter,
        district: Option<&[bool]>,
        limit: usize,
        strict: bool,
        skip: &std::collections::HashSet<u32>,
    ) -> Vec<Hit> {
        // The most this pass can give: once `limit` openings have it, later (older) ones
        // cannot rank above them. In the looser pass every pinyin match scores the same.
        let best = if strict {
            MAX_TERM_SCORE.saturating_mul(i32::try_from(q.terms.len().max(1)).unwrap_or(i32::MAX))
        } else {
            q.terms
                .iter()
                .map(|t| if t.ascii { LOOSE_SCORE } else { MAX_TERM_SCORE })
                .sum()
        };
        let n = self.len();
        let run = |from: usize, to: usize| -> Vec<Hit> {
            let mut hits: Vec<Hit> = Vec::new();
            let mut floor = i32::MIN;
            let mut at_best = 0;
            // Which fields can still lift an opening above the floor (see `title_bloom`).
            let mut tier = Tier::All;
            for i in from..to {
                if !self.passes(i, filter, district) || !self.could_reach(i, q, tier) {
                    continue;
                }
                let Some(score) = self.score(i, q, strict) else {
                    continue;
                };
                // The few the first pass found, looked up only once a line matches.
                if !skip.is_empty() && skip.contains(&as_u32(i)) {
                    continue;
                }
                if hits.len() >= limit && score <= floor {
                    continue;
                }
                hits.push(Hit {
                    line: as_u32(i),
                    score,
                });
                if score >= best || q.terms.is_empty() {
                    at_best += 1;
                    if at_best >= limit {
                        break;
                    }
                }
                if hits.len() >= limit * 4 {
                    keep_best(&mut hits, limit);
                    floor = hits.last().map_or(i32::MIN, |h| h.score);
                    if strict && q.terms.len() == 1 {
                        tier = if floor >= EMPLOYER_MAX {
                            Tier::Title
                        } else if floor >= BENEFITS_MAX {
                            Tier::Main
                        } else {
                            Tier::All
                        };
                    }
                }
            }
            keep_best(&mut hits, limit);
            hits
        };
        let mut hits = split_scan(n, run);
        keep_best(&mut hits, limit);
        hits
    }

    /// Whether opening `i` could match the (single) term in the fields `tier` leaves.
    fn could_reach(&self, i: usize, q: &Query, tier: Tier) -> bool {
        let (bloom, initials) = match tier {
            Tier::All => return true,
            Tier::Main => (self.main_bloom[i], self.main_initials[i]),
            Tier::Title => (self.title_bloom[i], self.title_initials[i]),
        };
        q.terms
            .iter()
            .all(|t| t.bloom & !bloom == 0 && (!t.ascii || t.first_letter & initials != 0))
    }
}

/// `run` over lines `0..n`, the two halves on both cores when there are over 50,000.
pub(super) fn split_scan(n: usize, run: impl Fn(usize, usize) -> Vec<Hit> + Sync) -> Vec<Hit> {
    if n <= 50_000 {
        return run(0, n);
    }
    let mid = n / 2;
    std::thread::scope(|s| {
        let other = s.spawn(|| run(mid, n));
        let mut mine = run(0, mid);
        mine.extend(other.join().expect("search thread"));
        mine
    })
}

pub(super) fn keep_best(hits: &mut Vec<Hit>, limit: usize) {
    hits.sort_unstable_by_key(|h| (Reverse(h.score), h.line));
    hits.truncate(limit);
}

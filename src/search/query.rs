//! What is asked: the filter (open only, benefits, type, wage, district), and the text
//! split into terms, each folded (lower case, ü as `v`) and given the masks the openings
//! are checked against.

use crate::domain::job::EmploymentType;

use super::pinyin_table;
use super::prefilter::{bloom_bit, letter_bit, set_bigram};

/// What narrows the search besides the text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobFilter {
    /// Monthly equivalent, yuan: openings paying at least this much (unknown wage: out).
    pub min_wage_month: Option<i64>,
    pub meals: bool,
    pub housing: bool,
    pub district: Option<String>,
    pub employment_type: Option<EmploymentType>,
    /// Filled and expired openings too.
    pub include_closed: bool,
}

pub(super) struct Term {
    pub(super) text: String,
    pub(super) ascii: bool,
    pub(super) letters: u32,
    pub(super) first_letter: u32,
    /// Its consecutive letter pairs, as `JobIndex::bigrams` sets them.
    pub(super) bigrams: [u64; 4],
    pub(super) bloom: u64,
}

pub(super) struct Query {
    pub(super) terms: Vec<Term>,
}

impl Query {
    pub(super) fn new(q: &str) -> Query {
        let terms = q
            .split_whitespace()
            .map(|w| {
                // Lower case, and ü as the table types it (`lü` → `lv`, see pinyin_table).
                let text = pinyin_table::fold_query(w);
                let ascii = text.bytes().all(|b| b.is_ascii_alphanumeric());
                let mut letters = 0;
                let mut bloom = 0;
                for c in text.chars() {
                    if c.is_ascii() {
                        letters |= letter_bit(c as u8);
                    } else {
                        bloom |= bloom_bit(c);
                    }
                }
                let first_letter = if ascii {
                    letter_bit(text.as_bytes()[0])
                } else {
                    0
                };
                let mut bigrams = [0u64; 4];
                // Digits share mask bits in the index, so only letters are checked in pairs.
                if text.bytes().all(|b| b.is_ascii_lowercase()) {
                    for w in text.as_bytes().windows(2) {
                        set_bigram(&mut bigrams, w[0], w[1]);
                    }
                }
                Term {
                    text,
                    ascii,
                    letters,
                    first_letter,
                    bigrams,
                    bloom,
                }
            })
            .collect();
        Query { terms }
    }
}

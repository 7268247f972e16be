//! Matching one opening's text against a term, and scoring it: a Chinese term as a
//! substring or its characters in order; a pinyin term contiguous (any prefix of any
//! reading of each character) or with gaps. Also where a query matched, for highlighting.

use super::index::{JobIndex, SEP};
use super::pinyin_table::readings;
use super::prefilter::{char_keys, letter_bit};
use super::query::Query;

/// The best a term can score: a contiguous match at the start of the title.
pub(super) const MAX_TERM_SCORE: i32 = 1000 + FIELD_BONUS[0];
/// What a pinyin match with gaps scores: below every contiguous one.
pub(super) const LOOSE_SCORE: i32 = 300;
/// The most a term matched in the benefits can score, and in the employer or district.
pub(super) const BENEFITS_MAX: i32 = 1000 + FIELD_BONUS[3];
pub(super) const EMPLOYER_MAX: i32 = 1000 + FIELD_BONUS[1];
/// What a match adds by field: title, employer, district, benefits.
const FIELD_BONUS: [i32; 4] = [400, 200, 150, 100];

impl JobIndex {
    pub(super) fn score(&self, i: usize, q: &Query, strict: bool) -> Option<i32> {
        if q.terms.is_empty() {
            return Some(0);
        }
        let text = self.line_text(i);
        let mut total = 0;
        for t in &q.terms {
            if t.letters & !self.letters[i] != 0 || t.bloom & !self.bloom[i] != 0 {
                return None;
            }
            if t.ascii {
                if t.first_letter & self.initials[i] == 0 {
                    return None;
                }
                if strict {
                    let line = &self.bigrams[i];
                    if (0..4).any(|k| t.bigrams[k] & !line[k] != 0) {
                        return None;
                    }
                }
                total += score_ascii(text, &t.text, strict)?;
            } else {
                total += score_cjk(text, &t.text)?;
            }
        }
        Some(total)
    }

    /// Which characters of the opening's search text a query matched, as char indices,
    /// for highlighting.
    pub fn highlights(&self, line: u32, query: &str) -> Vec<usize> {
        let text = self.text_of(line);
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        for t in Query::new(query).terms {
            let found = if t.ascii {
                first_contiguous(text, t.text.as_bytes())
                    .map(|(s, n, _, _)| (s..s + n).collect())
                    .or_else(|| fuzzy_pinyin_positions(&chars, t.text.as_bytes()))
            } else {
                cjk_positions(&chars, &t.text)
            };
            out.extend(found.unwrap_or_default());
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A contiguous match's score: by field (title counts most, then employer, district,
/// benefits) and how far into its field it starts.
#[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)] // col: at most 30
fn placed_score(field: usize, col: usize) -> i32 {
    1000 + FIELD_BONUS[field.min(3)] - 10 * col.min(30) as i32
}

/// Field and column (in characters) of a byte position in an opening's search text.
fn field_and_col(text: &str, byte_pos: usize) -> (usize, usize) {
    let before = &text[..byte_pos];
    let field = before.matches(SEP).count();
    let col = before.chars().rev().take_while(|c| *c != SEP).count();
    (field, col)
}

/// A Chinese term: a substring (best nearer the start of its field) or the characters in
/// order with gaps.
fn score_cjk(text: &str, term: &str) -> Option<i32> {
    if let Some(pos) = text.find(term) {
        let (field, col) = field_and_col(text, pos);
        return Some(placed_score(field, col));
    }
    let mut it = text.chars();
    let mut gaps = 0;
    for c in term.chars() {
        let mut skipped = 0;
        loop {
            match it.next() {
                Some(x) if x == c => break,
                Some(_) => skipped += 1,
                None => return None,
            }
        }
        gaps += skipped.min(10);
    }
    Some(300 - 5 * gaps)
}

fn cjk_positions(chars: &[char], term: &str) -> Option<Vec<usize>> {
    let t: Vec<char> = term.chars().collect();
    if let Some(s) = chars.windows(t.len()).position(|w| w == t.as_slice()) {
        return Some((s..s + t.len()).collect());
    }
    let mut out = Vec::new();
    let mut ci = 0;
    for c in t {
        while ci < chars.len() && chars[ci] != c {
            ci += 1;
        }
        if ci == chars.len() {
            return None;
        }
        out.push(ci);
        ci += 1;
    }
    Some(out)
}

/// What a character can stand for in pinyin: each reading, or itself if ASCII.
fn options(c: char, buf: &mut [u8; 4]) -> Options<'_> {
    if c.is_ascii_alphanumeric() {
        Options::Ascii(c.encode_utf8(buf).as_bytes())
    } else if c.is_ascii() {
        Options::None
    } else {
        Options::Readings(readings(c))
    }
}

enum Options<'a> {
    Ascii(&'a [u8]),
    Readings(&'static [&'static str]),
    None,
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Whether `q` matches the characters in order, with gaps, each matched character taking
/// a non-empty prefix of one of its readings: a bit set of reachable query positions.
fn fuzzy_pinyin(text: &str, q: &[u8]) -> bool {
    debug_assert!(q.len() < 64);
    let done = 1u64 << q.len();
    let mut reach = 1u64;
    let mut buf = [0u8; 4];
    for c in text.chars() {
        // A character whose readings start with none of the letters wanted next is passed
        // over before its readings are read (most are).
        if let Some(k) = char_keys(c) {
            let mut want = 0u32;
            let mut bits = reach & !done;
            while bits != 0 {
                want |= letter_bit(q[bits.trailing_zeros() as usize]);
                bits &= bits - 1;
            }
            if k.starts & want == 0 {
                continue;
            }
        }
        let mut next = reach;
        let opts = options(c, &mut buf);
        let mut bits = reach & !done;
        while bits != 0 {
            let qi = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            match &opts {
                Options::Ascii(a) => {
                    if q[qi] == a[0] {
                        next |= 1 << (qi + 1);
                    }
                }
                Options::Readings(rs) => {
                    for r in rs.iter() {
                        let l = common_prefix(r.as_bytes(), &q[qi..]);
                        for take in 1..=l {
                            next |= 1 << (qi + take);
                        }
                    }
                }
                Options::None => {}
            }
        }
        reach = next;
        if reach & done != 0 {
            return true;
        }
    }
    false
}

fn fuzzy_pinyin_positions(chars: &[char], q: &[u8]) -> Option<Vec<usize>> {
    fn go(chars: &[char], ci: usize, q: &[u8], out: &mut Vec<usize>, seen: &mut Vec<bool>) -> bool {
        if q.is_empty() {
            return true;
        }
        if ci >= chars.len() {
            return false;
        }
        let key = ci * 64 + q.len();
        if seen[key] {
            return false;
        }
        seen[key] = true;
        let mut buf = [0u8; 4];
        let takes: Vec<usize> = match options(chars[ci], &mut buf) {
            Options::Ascii(a) if q[0] == a[0] => vec![1],
            Options::Readings(rs) => {
                let mut t: Vec<usize> = rs
                    .iter()
                    .flat_map(|r| 1..=common_prefix(r.as_bytes(), q))
                    .collect();
                t.sort_unstable_by(|a, b| b.cmp(a));
                t.dedup();
                t
            }
            _ => Vec::new(),
        };
        for take in takes {
            out.push(ci);
            if go(chars, ci + 1, &q[take..], out, seen) {
                return true;
            }
            out.pop();
        }
        go(chars, ci + 1, q, out, seen)
    }
    if q.len() >= 64 {
        return None;
    }
    let mut out = Vec::new();
    let mut seen = vec![false; (chars.len() + 1) * 64];
    go(chars, 0, q, &mut out, &mut seen).then_some(out)
}

/// Whether character `c` can begin a match of `q`: an ASCII letter or digit equal to its
/// first byte, or a Chinese character with a reading starting with it.
fn can_start(c: char, q0: u8) -> bool {
    if c.is_ascii() {
        c as u32 == u32::from(q0)
    } else {
        readings(c).iter().any(|r| r.as_bytes()[0] == q0)
    }
}

/// Consumes all of `q` with consecutive characters from the start of `s`, each taking a
/// non-empty prefix of one of its readings (or itself, if ASCII). How many characters.
fn contiguous_str(s: &str, q: &[u8]) -> Option<usize> {
    if q.is_empty() {
        return Some(0);
    }
    let mut it = s.chars();
    let c = it.next()?;
    let rest = it.as_str();
    if c.is_ascii_alphanumeric() {
        return (c as u32 == u32::from(q[0]))
            .then(|| contiguous_str(rest, &q[1..]))
            .flatten()
            .map(|n| n + 1);
    }
    if c.is_ascii() {
        return None;
    }
    readings(c).iter().find_map(|r| {
        let l = common_prefix(r.as_bytes(), q);
        // Longest first: "xian" is 先 before it is 西安.
        (1..=l)
            .rev()
            .find_map(|take| contiguous_str(rest, &q[take..]))
            .map(|n| n + 1)
    })
}

/// The first contiguous match of `q`: (its first character's index, how many characters,
/// field, column).
fn first_contiguous(text: &str, q: &[u8]) -> Option<(usize, usize, usize, usize)> {
    let (mut field, mut col) = (0usize, 0usize);
    for (index, (byte, c)) in text.char_indices().enumerate() {
        if c == SEP {
            field += 1;
            col = 0;
            continue;
        }
        if can_start(c, q[0])
            && let Some(n) = contiguous_str(&text[byte..], q)
        {
            return Some((index, n, field, col));
        }
        col += 1;
    }
    None
}

/// A pinyin (or ASCII) term: contiguous, scored by field and how near its start (the
/// strict pass); with gaps, one flat score (the looser pass).
fn score_ascii(text: &str, term: &str, strict: bool) -> Option<i32> {
    let q = term.as_bytes();
    if strict {
        return first_contiguous(text, q).map(|(_, _, field, col)| placed_score(field, col));
    }
    (term.len() < 64 && fuzzy_pinyin(text, q)).then_some(LOOSE_SCORE)
}

//! The job matcher: as-you-type search over title, employer, district and benefits, in
//! Chinese characters, full pinyin and pinyin initials (`kdy` → 快递员, `skcg` → 数控车工),
//! every reading of a heteronym (长 chang/zhang, 行 xing/hang) counted.
//!
//! The index is flat: one string of all openings' search text, offsets into it, and
//! per-opening columns (letter masks, a character bloom, wage, benefits, type). A query is
//! checked against the masks first, so most openings are rejected in a few instructions;
//! the rest are matched and scored, and the best `limit` kept. Over 50,000 openings, both
//! cores share the work.

pub mod pinyin_table;
pub mod wish;

use std::cmp::Reverse;

use crate::domain::job::{Benefits, EmploymentType, WageUnit};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::store::JobLine;
use pinyin_table::readings;

/// Separates the fields in an opening's search text.
const SEP: char = '\u{1f}';

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

/// One ranked result: the opening's place in the index (newest posted first, so the lower
/// wins a tie) and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub line: u32,
    pub score: i32,
}

#[derive(Debug, Default)]
pub struct JobIndex {
    /// The openings' search text, in the chunks the build threads wrote (moved, never
    /// copied into one: at a million openings a join would briefly hold it twice).
    text: String,
    /// Earlier chunks, each with the offset its text starts at.
    chunks: Vec<(u32, String)>,
    starts: Vec<u32>,
    rowids: Vec<i64>,
    letters: Vec<u32>,
    initials: Vec<u32>,
    /// Every pair of letters that can stand next to each other in a contiguous pinyin
    /// match here: inside a reading (k-u, u-a, a-i of kuai), or any letter of a reading
    /// followed by an initial of the next character's; hashed into 256 bits.
    bigrams: Vec<[u64; 4]>,
    bloom: Vec<u64>,
    /// The same masks for the title alone, and for title, employer and district: once the
    /// results already hold `limit` matches as good as a benefits (or employer) match can
    /// be, only openings whose better fields could match are scored.
    title_bloom: Vec<u64>,
    main_bloom: Vec<u64>,
    title_initials: Vec<u32>,
    main_initials: Vec<u32>,
    wage_month: Vec<u32>,
    wage_min: Vec<u32>,
    wage_max: Vec<u32>,
    /// bits 0–2 benefits, 3–4 employment type, 5 current, 6–7 wage unit
    flags: Vec<u8>,
    district: Vec<u16>,
    districts: Vec<String>,
    /// Days since 1970 of the posting date (0: unknown).
    posted: Vec<u32>,
    /// Where each line's text is, once `finish` has put the lines newest first.
    spans: Vec<(u32, u32)>,
    /// While building: the masks of field texts already seen.
    memo: FieldMemo,
    /// By rowid, the few openings the list shows from their own row: the text above is
    /// folded to lower case for matching, and the compact wage columns say yuan per
    /// month, day or hour only (see [`ShownApart`]).
    apart: std::collections::HashMap<i64, ShownApart>,
}

/// How the list shows an opening its compact columns cannot say (issue 17): its fields
/// with their Latin capitals (the same bytes as the folded line, so highlights fall in
/// place), a wage as the posting gave it (`US$100,000/年`), and whether it is 信息不全.
#[derive(Debug, Clone, PartialEq)]
struct ShownApart {
    fields: Option<Box<str>>,
    /// The wage in Chinese, then in English.
    wage: [Box<str>; 2],
    incomplete: bool,
}

const NONE: u32 = u32::MAX;
/// The best a term can score: a contiguous match at the start of the title.
const MAX_TERM_SCORE: i32 = 1000 + FIELD_BONUS[0];
/// What a pinyin match with gaps scores: below every contiguous one.
const LOOSE_SCORE: i32 = 300;
/// The most a term matched in the benefits can score, and in the employer or district.
const BENEFITS_MAX: i32 = 1000 + FIELD_BONUS[3];
const EMPLOYER_MAX: i32 = 1000 + FIELD_BONUS[1];
/// What a match adds by field: title, employer, district, benefits.
const FIELD_BONUS: [i32; 4] = [400, 200, 150, 100];

fn letter_bit(b: u8) -> u32 {
    if b.is_ascii_lowercase() {
        1 << (b - b'a')
    } else if b.is_ascii_digit() {
        // Digits share the top bits so a query of digits is prefiltered too.
        1 << (26 + (b - b'0') % 6)
    } else {
        0
    }
}

/// Which of 256 bits a pair of letters (or digits) sets.
fn bigram_slot(a: u8, b: u8) -> usize {
    ((u32::from(a) * 37 + u32::from(b)) & 255) as usize
}

fn set_bigram(mask: &mut [u64; 4], a: u8, b: u8) {
    let s = bigram_slot(a, b);
    mask[s / 64] |= 1 << (s % 64);
}

/// Calls `f` with the letter (or digit) each set bit of a `letter_bit` mask stands for.
fn for_each_bit(mut bits: u32, mut f: impl FnMut(u8)) {
    while bits != 0 {
        let i = bits.trailing_zeros() as u8;
        bits &= bits - 1;
        // Digits share bits 26–31 (see letter_bit): they stand for the digits 0–5 there.
        f(if i < 26 { b'a' + i } else { b'0' + i - 26 });
    }
}

/// Most distinct field texts the build remembers the masks of (then it starts over).
const MEMO_MAX: usize = 65_536;

/// The masks one field of an opening adds to the opening's (bigrams and initials never
/// cross fields, so an opening's masks are its fields' or-ed together).
#[derive(Debug, Clone, Copy, Default)]
struct FieldKeys {
    letters: u32,
    initials: u32,
    bloom: u64,
    bigrams: [u64; 4],
}

impl FieldKeys {
    fn of(field: &str) -> FieldKeys {
        let mut k = FieldKeys::default();
        // Letters the previous character's readings hold, and the bigram slots they lead to.
        let mut prev: u32 = 0;
        let mut prev_tails = [0u64; 4];
        for c in field.chars() {
            let c = c.to_ascii_lowercase();
            let (mut starts, mut all, mut tails) = (0u32, 0u32, [0u64; 4]);
            if c.is_ascii_alphanumeric() {
                starts = letter_bit(c as u8);
                all = starts;
                tails = tails_of(all);
                if prev == 0 {
                    k.initials |= starts;
                }
            } else if !c.is_ascii() {
                k.bloom |= bloom_bit(c);
                if let Some(ck) = char_keys(c) {
                    starts = ck.starts;
                    all = ck.all;
                    tails = ck.tails;
                    for (m, inner) in k.bigrams.iter_mut().zip(ck.inner) {
                        *m |= inner;
                    }
                }
                k.initials |= starts;
            }
            k.letters |= all;
            if prev != 0 {
                for_each_bit(starts, |b| or_rotated(&mut k.bigrams, &prev_tails, b));
            }
            prev = all;
            prev_tails = tails;
        }
        k
    }

    fn add(&mut self, o: FieldKeys) {
        self.letters |= o.letters;
        self.initials |= o.initials;
        self.bloom |= o.bloom;
        for (m, b) in self.bigrams.iter_mut().zip(o.bigrams) {
            *m |= b;
        }
    }
}

type FieldMemo = std::collections::HashMap<Box<str>, FieldKeys>;

/// What a Chinese character adds to an opening's masks, worked out once from its readings
/// (a million openings hold some twenty million characters).
struct CharKeys {
    /// Initials of its readings.
    starts: u32,
    /// Every letter of its readings.
    all: u32,
    /// The letter pairs inside its readings.
    inner: [u64; 4],
    /// `tails_of(all)`.
    tails: [u64; 4],
}

/// The bigram slots of the pairs (a, 0) for each letter a in `letters`: a pair (a, b) is
/// this set turned by b (see `bigram_slot`), so all pairs from one character's letters to
/// the next's initials cost a rotation per initial, not a loop over every pair.
fn tails_of(letters: u32) -> [u64; 4] {
    let mut t = [0u64; 4];
    for_each_bit(letters, |a| set_bigram(&mut t, a, 0));
    t
}

/// `out |= t` rotated by `by` bits, all 256 of them as one ring.
fn or_rotated(out: &mut [u64; 4], t: &[u64; 4], by: u8) {
    let q = usize::from(by / 64);
    let r = u32::from(by % 64);
    for (k, w) in t.iter().enumerate() {
        out[(k + q) % 4] |= w << r;
        if r != 0 {
            out[(k + q + 1) % 4] |= w >> (64 - r);
        }
    }
}

fn char_keys(c: char) -> Option<&'static CharKeys> {
    const FIRST: u32 = 0x4E00;
    const LAST: u32 = 0x9FFF;
    static TABLE: std::sync::OnceLock<Vec<CharKeys>> = std::sync::OnceLock::new();
    let code = c as u32;
    if !(FIRST..=LAST).contains(&code) {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        (FIRST..=LAST)
            .map(|code| {
                let mut k = CharKeys {
                    starts: 0,
                    all: 0,
                    inner: [0; 4],
                    tails: [0; 4],
                };
                for r in char::from_u32(code).map(readings).unwrap_or(&[]) {
                    let r = r.as_bytes();
                    k.starts |= letter_bit(r[0]);
                    for w in r.windows(2) {
                        set_bigram(&mut k.inner, w[0], w[1]);
                    }
                    for b in r {
                        k.all |= letter_bit(*b);
                    }
                }
                k.tails = tails_of(k.all);
                k
            })
            .collect()
    });
    Some(&table[(code - FIRST) as usize])
}

fn bloom_bit(c: char) -> u64 {
    1u64 << ((c as u32).wrapping_mul(2_654_435_761) >> 26)
}

impl JobIndex {
    /// Reads every opening from the store into a new index.
    pub fn build(
        store: &crate::store::Store,
        today: chrono::NaiveDate,
    ) -> Result<JobIndex, crate::store::StoreError> {
        let mut idx = JobIndex::default();
        if let Some(range) = store.job_rowid_range()? {
            store.for_each_job_line(today, range, |line| idx.push(&line))?;
            idx.read_apart(store, range)?;
        }
        idx.finish();
        Ok(idx)
    }

    /// Reads the openings of the database at `path` on two threads, each with its own
    /// read-only connection and half of the rows, and joins the halves. The file must
    /// have been opened (checked, migrated) by this process already.
    pub fn build_from_file(
        path: &std::path::Path,
        today: chrono::NaiveDate,
    ) -> Result<JobIndex, crate::store::StoreError> {
        use crate::store::Store;
        let store = Store::open_reader(path)?;
        let Some((lo, hi)) = store.job_rowid_range()? else {
            return Ok(JobIndex::default());
        };
        let mid = lo + (hi - lo) / 2;
        let half = |range: (i64, i64)| -> Result<JobIndex, crate::store::StoreError> {
            let s = Store::open_reader(path)?;
            let mut idx = JobIndex::default();
            s.for_each_job_line(today, range, |line| idx.push(&line))?;
            idx.read_apart(&s, range)?;
            Ok(idx)
        };
        let (first, second) = std::thread::scope(|sc| {
            let other = sc.spawn(|| half((mid + 1, hi)));
            let first = half((lo, mid));
            (first, other.join().expect("index thread"))
        });
        let mut idx = first?;
        idx.append(second?);
        idx.finish();
        Ok(idx)
    }

    /// Reads the openings shown apart (see [`ShownApart`]) with a rowid in `range`.
    fn read_apart(
        &mut self,
        store: &crate::store::Store,
        range: (i64, i64),
    ) -> Result<(), crate::store::StoreError> {
        for (rowid, j) in store.job_shown_apart(range)? {
            let fields = [
                j.title.as_str(),
                j.employer.as_str(),
                j.district.as_str(),
                j.benefits.words(),
            ]
            .join(&SEP.to_string());
            let folds = fields.bytes().any(|b| b.is_ascii_uppercase());
            self.apart.insert(
                rowid,
                ShownApart {
                    fields: folds.then(|| fields.into_boxed_str()),
                    wage: [
                        j.wage_words_in(Lang::Zh).into_boxed_str(),
                        j.wage_words_in(Lang::En).into_boxed_str(),
                    ],
                    incomplete: j.is_incomplete(),
                },
            );
        }
        Ok(())
    }

    fn apart_of(&self, line: u32) -> Option<&ShownApart> {
        if self.apart.is_empty() {
            return None;
        }
        self.apart.get(&self.rowids[line as usize])
    }

    /// Whether the posting left out its employer, salary or place: shown as 信息不全.
    pub fn is_incomplete(&self, line: u32) -> bool {
        self.apart_of(line).is_some_and(|a| a.incomplete)
    }

    /// Adds another index's lines after these (its districts renumbered into ours).
    fn append(&mut self, other: JobIndex) {
        // Line offsets are global: this chunk is kept, the other's text becomes current.
        let base = self.starts.last().copied().unwrap_or(0);
        let more = other.len();
        let mut other = other;
        self.apart.extend(std::mem::take(&mut other.apart));
        let mine = std::mem::replace(&mut self.text, std::mem::take(&mut other.text));
        let my_base = self
            .chunks
            .last()
            .map(|(b, t)| b + t.len() as u32)
            .unwrap_or(0);
        debug_assert_eq!(my_base + mine.len() as u32, base);
        self.chunks.push((my_base, mine));
        // Exact reservations: a doubling growth here is megabytes at a million.
        self.rowids.reserve_exact(more);
        self.letters.reserve_exact(more);
        self.initials.reserve_exact(more);
        self.bigrams.reserve_exact(more);
        self.bloom.reserve_exact(more);
        self.title_bloom.reserve_exact(more);
        self.main_bloom.reserve_exact(more);
        self.title_initials.reserve_exact(more);
        self.main_initials.reserve_exact(more);
        self.wage_month.reserve_exact(more);
        self.wage_min.reserve_exact(more);
        self.wage_max.reserve_exact(more);
        self.flags.reserve_exact(more);
        self.district.reserve_exact(more);
        self.posted.reserve_exact(more);
        self.starts.reserve_exact(more);
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.starts
            .extend(other.starts.iter().skip(1).map(|s| s + base));
        let map: Vec<u16> = other
            .districts
            .iter()
            .map(|d| self.district_id(d))
            .collect();
        self.district
            .extend(other.district.iter().map(|d| map[*d as usize]));
        self.rowids.extend(other.rowids);
        self.letters.extend(other.letters);
        self.initials.extend(other.initials);
        self.bigrams.extend(other.bigrams);
        self.bloom.extend(other.bloom);
        self.title_bloom.extend(other.title_bloom);
        self.main_bloom.extend(other.main_bloom);
        self.title_initials.extend(other.title_initials);
        self.main_initials.extend(other.main_initials);
        self.wage_month.extend(other.wage_month);
        self.wage_min.extend(other.wage_min);
        self.wage_max.extend(other.wage_max);
        self.flags.extend(other.flags);
        self.posted.extend(other.posted);
    }

    /// Puts lines newest posted first (ties: as added), moving every per-line column so a
    /// search reads them in order, front to back: a million openings visited in a random
    /// order cost more in cache misses than in matching. The text stays where it is;
    /// `spans` says where each line's is.
    fn finish(&mut self) {
        let n = self.len();
        let order = newest_first(&self.posted);
        // Each column gathered into a new one, except the largest (32 bytes a line), which
        // is moved in place, cycle by cycle: a copy of it would be 32 MB more at the peak for
        // a million openings. The in-place one on its own thread, the rest on this one.
        fn permute<T: Copy>(v: &mut Vec<T>, order: &[u32]) {
            if v.len() == order.len() {
                *v = order.iter().map(|&i| v[i as usize]).collect();
            }
        }
        let starts = std::mem::take(&mut self.starts);
        let JobIndex {
            rowids,
            letters,
            initials,
            bigrams,
            bloom,
            title_bloom,
            main_bloom,
            title_initials,
            main_initials,
            wage_month,
            wage_min,
            wage_max,
            flags,
            district,
            spans,
            ..
        } = self;
        let order = &order;
        std::thread::scope(|s| {
            s.spawn(move || {
                let mut seen = vec![false; n];
                permute_in_place(bigrams, order, &mut seen);
            });
            *spans = order
                .iter()
                .map(|&i| (starts[i as usize], starts[i as usize + 1]))
                .collect();
            permute(rowids, order);
            permute(letters, order);
            permute(initials, order);
            permute(bloom, order);
            permute(title_bloom, order);
            permute(main_bloom, order);
            permute(title_initials, order);
            permute(wage_month, order);
            permute(wage_min, order);
            permute(wage_max, order);
            permute(flags, order);
            permute(district, order);
            permute(main_initials, order);
        });
        // Only the order needed the dates; the memo only the build.
        self.posted = Vec::new();
        self.memo = FieldMemo::default();
    }

    fn district_id(&mut self, d: &str) -> u16 {
        let i = match self.districts.iter().position(|x| x == d) {
            Some(i) => i,
            None => {
                self.districts.push(d.to_string());
                self.districts.len() - 1
            }
        };
        i.min(u16::MAX as usize) as u16
    }

    pub fn len(&self) -> usize {
        self.flags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Bytes the index holds on the heap (its flat buffers and columns).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.chunks.iter().map(|(_, t)| t.capacity()).sum::<usize>()
            + self.starts.capacity() * 4
            + self.spans.capacity() * 8
            + self.rowids.capacity() * 8
            + (self.letters.capacity() + self.initials.capacity()) * 4
            + self.bigrams.capacity() * 32
            + self.bloom.capacity() * 8
            + (self.title_bloom.capacity() + self.main_bloom.capacity()) * 8
            + (self.title_initials.capacity() + self.main_initials.capacity()) * 4
            + (self.wage_month.capacity() + self.wage_min.capacity() + self.wage_max.capacity()) * 4
            + self.flags.capacity()
            + self.district.capacity() * 2
            + self.posted.capacity() * 4
    }

    /// Every opening's search text in the order it is stored: what a plain scan, the
    /// floor a matcher is measured against, reads front to back.
    pub fn lines_in_storage_order(&self) -> Vec<&str> {
        let mut spans: Vec<usize> = (0..self.len()).collect();
        spans.sort_unstable_by_key(|&i| self.spans[i].0);
        spans.into_iter().map(|i| self.line_text(i)).collect()
    }

    /// Adds one opening.
    pub fn push(&mut self, line: &JobLine<'_>) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let benefits = line.benefits.words();
        let mut keys = FieldKeys::default();
        for (i, field) in [line.title, line.employer, line.district, benefits]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                self.text.push(SEP);
            }
            let from = self.text.len();
            self.text.push_str(field);
            self.text[from..].make_ascii_lowercase();
            keys.add(self.field_keys(field));
            if i == 0 {
                self.title_bloom.push(keys.bloom);
                self.title_initials.push(keys.initials);
            }
            if i == 2 {
                self.main_bloom.push(keys.bloom);
                self.main_initials.push(keys.initials);
            }
        }
        let FieldKeys {
            letters,
            initials,
            bloom,
            bigrams,
        } = keys;
        let base = self
            .chunks
            .last()
            .map(|(b, t)| b + t.len() as u32)
            .unwrap_or(0);
        self.starts.push(base + self.text.len() as u32);
        self.rowids.push(line.rowid);
        self.letters.push(letters);
        self.initials.push(initials);
        self.bigrams.push(bigrams);
        self.bloom.push(bloom);
        let clamp = |v: Option<i64>| {
            v.map(|w| w.clamp(0, NONE as i64 - 1) as u32)
                .unwrap_or(NONE)
        };
        self.wage_month.push(clamp(line.wage_month));
        self.wage_min.push(clamp(line.wage_min));
        self.wage_max.push(clamp(line.wage_max));
        let flags = line.benefits.bits()
            | (line.employment_type.index() as u8) << 3
            | u8::from(line.current) << 5
            | (line.wage_unit.index() as u8) << 6;
        self.flags.push(flags);
        let d = self.district_id(line.district);
        self.district.push(d);
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
        self.posted.push(
            line.posted_on
                .map(|p| (p - epoch).num_days().max(0) as u32)
                .unwrap_or(0),
        );
    }

    /// A field's masks, from the memo when the same text came before (titles, employers
    /// and districts repeat across openings; working them out was most of a build).
    fn field_keys(&mut self, field: &str) -> FieldKeys {
        if let Some(k) = self.memo.get(field) {
            return *k;
        }
        let k = FieldKeys::of(field);
        if self.memo.len() >= MEMO_MAX {
            self.memo.clear();
        }
        self.memo.insert(field.into(), k);
        k
    }

    /// The opening's search text (title, employer, district, benefits, separated).
    pub fn text_of(&self, line: u32) -> &str {
        let i = line as usize;
        self.line_text(i)
    }

    fn line_text(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        // Lines never straddle chunks; the current chunk follows the kept ones.
        for (base, t) in &self.chunks {
            if a >= *base && b <= base + t.len() as u32 {
                return &t[(a - base) as usize..(b - base) as usize];
            }
        }
        let base = self
            .chunks
            .last()
            .map(|(b, t)| b + t.len() as u32)
            .unwrap_or(0);
        &self.text[(a - base) as usize..(b - base) as usize]
    }

    /// The opening's rowid in the database, to read it in full.
    pub fn rowid_of(&self, line: u32) -> i64 {
        self.rowids[line as usize]
    }

    /// Title, employer, district and benefits of an opening, as written (the search text
    /// is folded to lower case; an opening with capitals keeps its own, at the same byte
    /// positions).
    pub fn fields_of(&self, line: u32) -> [&str; 4] {
        let text = match self.apart_of(line).and_then(|a| a.fields.as_deref()) {
            Some(t) => t,
            None => self.text_of(line),
        };
        let mut it = text.split(SEP);
        let mut next = || it.next().unwrap_or("");
        [next(), next(), next(), next()]
    }

    pub fn is_current(&self, line: u32) -> bool {
        self.flags[line as usize] & 0x20 != 0
    }

    pub fn benefits_of(&self, line: u32) -> Benefits {
        Benefits::from_bits(self.flags[line as usize] & 7)
    }

    pub fn employment_type_of(&self, line: u32) -> EmploymentType {
        EmploymentType::ALL[((self.flags[line as usize] >> 3) & 3) as usize]
    }

    /// `¥5000–7000/月` as the posting states it (`US$100,000/年`, `未注明`).
    pub fn wage_words_of(&self, line: u32) -> String {
        self.wage_words_in(line, Lang::Zh)
    }

    /// The same in a language: `¥5000–7000/month` on an English desk.
    pub fn wage_words_in(&self, line: u32, lang: Lang) -> String {
        if let Some(a) = self.apart_of(line) {
            return a.wage[usize::from(lang == Lang::En)].to_string();
        }
        let i = line as usize;
        let opt = |v: u32| (v != NONE).then_some(i64::from(v));
        let mut j = crate::domain::job::Job::new("", "");
        j.wage_min = opt(self.wage_min[i]);
        j.wage_max = opt(self.wage_max[i]);
        j.wage_unit = WageUnit::ALL[((self.flags[i] >> 6) & 3) as usize];
        j.wage_words_in(lang)
    }

    pub fn wage_month_of(&self, line: u32) -> Option<i64> {
        let w = self.wage_month[line as usize];
        (w != NONE).then_some(i64::from(w))
    }

    /// The districts openings name, for the district filter.
    pub fn districts(&self) -> &[String] {
        &self.districts
    }

    /// The filter's districts as the index numbers them (a mask: those whose name starts
    /// with what was typed, see `district_mask`): `Some(None)` for any district, `None`
    /// for a district no opening names (nothing can pass).
    fn district_filter(&self, f: &JobFilter) -> Option<Option<Vec<bool>>> {
        match &f.district {
            None => Some(None),
            Some(d) => self.district_mask(d).map(Some),
        }
    }

    fn district_number(&self, name: &str) -> Option<u16> {
        self.districts
            .iter()
            .position(|x| x == name)
            .map(|i| i as u16)
    }

    /// An opening's title, the first field of its search text.
    fn title_of(&self, i: usize) -> &str {
        self.line_text(i).split(SEP).next().unwrap_or("")
    }

    #[inline]
    fn passes(&self, i: usize, f: &JobFilter, district: Option<&[bool]>) -> bool {
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
            MAX_TERM_SCORE * q.terms.len().max(1) as i32
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
                if !skip.is_empty() && skip.contains(&(i as u32)) {
                    continue;
                }
                if hits.len() >= limit && score <= floor {
                    continue;
                }
                hits.push(Hit {
                    line: i as u32,
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
                    floor = hits.last().map(|h| h.score).unwrap_or(i32::MIN);
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

    fn score(&self, i: usize, q: &Query, strict: bool) -> Option<i32> {
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

/// Rearranges `v` so that `v[k]` becomes what was at `v[order[k]]`, following each
/// cycle of the permutation with one element in hand. `seen` is scratch (all false on
/// entry, left all false).
/// Line numbers ordered by posting day, newest first, ties in the order added: a counting
/// sort (the days span a few thousand values; a comparison sort of a million was 5% of the
/// build).
fn newest_first(posted: &[u32]) -> Vec<u32> {
    let Some(&newest) = posted.iter().max() else {
        return Vec::new();
    };
    let oldest = posted.iter().copied().min().unwrap_or(newest);
    // Slot k holds the day `newest - k`; each slot's start after the counting.
    let mut start = vec![0u32; (newest - oldest) as usize + 2];
    for &p in posted {
        start[(newest - p) as usize + 1] += 1;
    }
    for k in 1..start.len() {
        start[k] += start[k - 1];
    }
    let mut order = vec![0u32; posted.len()];
    for (i, &p) in posted.iter().enumerate() {
        let slot = &mut start[(newest - p) as usize];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    order
}

fn permute_in_place<T: Copy>(v: &mut [T], order: &[u32], seen: &mut [bool]) {
    if v.len() != order.len() {
        return;
    }
    for start in 0..v.len() {
        if seen[start] {
            continue;
        }
        let held = v[start];
        let mut j = start;
        loop {
            seen[j] = true;
            let next = order[j] as usize;
            if next == start {
                v[j] = held;
                break;
            }
            v[j] = v[next];
            j = next;
        }
    }
    seen.iter_mut().for_each(|s| *s = false);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    All,
    Main,
    Title,
}

/// `run` over lines `0..n`, the two halves on both cores when there are over 50,000.
fn split_scan(n: usize, run: impl Fn(usize, usize) -> Vec<Hit> + Sync) -> Vec<Hit> {
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

fn keep_best(hits: &mut Vec<Hit>, limit: usize) {
    hits.sort_unstable_by_key(|h| (Reverse(h.score), h.line));
    hits.truncate(limit);
}

struct Term {
    text: String,
    ascii: bool,
    letters: u32,
    first_letter: u32,
    /// Its consecutive letter pairs, as `JobIndex::bigrams` sets them.
    bigrams: [u64; 4],
    bloom: u64,
}

struct Query {
    terms: Vec<Term>,
}

impl Query {
    fn new(q: &str) -> Query {
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

/// A contiguous match's score: by field (title counts most, then employer, district,
/// benefits) and how far into its field it starts.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn index(rows: &[(&str, &str, &str, Benefits)]) -> JobIndex {
        let mut idx = JobIndex::default();
        for (i, (title, employer, district, benefits)) in rows.iter().enumerate() {
            idx.push(&JobLine {
                rowid: i as i64,
                title,
                employer,
                district,
                benefits: *benefits,
                wage_month: Some(4000 + 500 * i as i64),
                employment_type: EmploymentType::FullTime,
                current: true,
                wage_min: Some(4000),
                wage_max: None,
                wage_unit: WageUnit::Month,
                posted_on: None,
            });
        }
        idx.finish();
        idx
    }

    #[test]
    fn lines_are_ordered_newest_first_ties_as_added_unknown_dates_last() {
        assert_eq!(
            newest_first(&[20_000, 0, 20_005, 20_000, 20_005, 19_990]),
            vec![2, 4, 0, 3, 5, 1]
        );
        assert!(newest_first(&[]).is_empty());
    }

    #[test]
    fn a_rotated_tail_set_is_every_pair_into_the_next_initials() {
        let (prev, starts) = (letter_bit(b'k') | letter_bit(b'u') | letter_bit(b'7'), 0);
        for next in [b'a', b'z', b'y', b'0', b'5', b'h'] {
            let starts = starts | letter_bit(next) | letter_bit(b'x');
            let mut pairwise = [0u64; 4];
            for_each_bit(prev, |a| {
                for_each_bit(starts, |b| set_bigram(&mut pairwise, a, b))
            });
            let mut rotated = [0u64; 4];
            for_each_bit(starts, |b| or_rotated(&mut rotated, &tails_of(prev), b));
            assert_eq!(rotated, pairwise, "{}", next as char);
        }
    }

    fn titles(idx: &JobIndex, q: &str) -> Vec<String> {
        idx.search(q, &JobFilter::default(), 10)
            .iter()
            .map(|h| idx.fields_of(h.line)[0].to_string())
            .collect()
    }

    fn sample() -> JobIndex {
        let none = Benefits::default();
        let both = Benefits {
            meals: true,
            housing: true,
            insurance: false,
        };
        index(&[
            ("快递员", "顺丰速运城西网点", "城西区", both),
            ("数控车工", "城西机械厂", "城北区", none),
            ("银行柜员", "城西农商行", "长安区", none),
            ("仓库管理员", "长城物流", "城东区", both),
            ("外卖骑手", "美团城西站", "城西区", none),
        ])
    }

    #[test]
    fn initials_full_pinyin_and_characters_all_find_the_opening() {
        let idx = sample();
        assert_eq!(titles(&idx, "kdy"), vec!["快递员"]);
        assert_eq!(titles(&idx, "skcg"), vec!["数控车工"]);
        assert_eq!(titles(&idx, "kuaidi"), vec!["快递员"]);
        assert_eq!(titles(&idx, "kuaid"), vec!["快递员"]);
        assert_eq!(titles(&idx, "快递"), vec!["快递员"]);
        assert_eq!(titles(&idx, "骑手")[0], "外卖骑手");
    }

    #[test]
    fn heteronyms_match_under_every_reading() {
        let idx = sample();
        // 行 is hang in 银行 and xing elsewhere; 长 is chang in 长城 and zhang too.
        assert_eq!(titles(&idx, "yh"), vec!["银行柜员"]);
        assert!(titles(&idx, "yx").contains(&"银行柜员".to_string()));
        assert!(titles(&idx, "zhangcheng").contains(&"仓库管理员".to_string()));
        assert!(titles(&idx, "changcheng").contains(&"仓库管理员".to_string()));
    }

    #[test]
    fn u_umlaut_is_found_typed_as_v_u_or_umlaut() {
        let none = Benefits::default();
        let idx = index(&[
            ("绿化工", "吕氏园林", "城南区", none),
            ("女工", "鲁西纺织厂", "城东区", none),
            ("保洁员", "略阳家政", "城北区", none),
        ]);
        for q in ["lv", "lu", "lü", "LÜ", "lvh", "luh", "lühua", "lvshi"] {
            assert!(titles(&idx, q).contains(&"绿化工".to_string()), "{q}");
        }
        // lu is also 鲁 (lu): both the ü and the u syllable are found.
        assert!(titles(&idx, "lux").contains(&"女工".to_string()));
        for q in ["nv", "nu", "nü", "nvg", "nugong"] {
            assert_eq!(titles(&idx, q)[0], "女工", "{q}");
        }
        for q in ["lve", "lue", "lüe", "lveyang"] {
            assert_eq!(titles(&idx, q), vec!["保洁员"], "{q}");
        }
        // The ü character is highlighted, as any other match.
        let line = idx.search("lv", &JobFilter::default(), 10)[0].line;
        assert_eq!(idx.highlights(line, "lv"), vec![0]);
    }

    #[test]
    fn title_matches_rank_above_employer_and_district_matches() {
        let idx = sample();
        // 城西 is in four employers or districts; none in a title. cx in 城西区 districts
        // and employers; 快递员's employer starts later than 城西机械厂's.
        let r = titles(&idx, "城西");
        assert_eq!(r.len(), 4);
        assert_eq!(r[0], "数控车工", "employer starts with 城西: {r:?}");
    }

    #[test]
    fn highlights_are_character_positions_in_cjk_text() {
        let idx = sample();
        let h = idx.search("kdy", &JobFilter::default(), 1);
        assert_eq!(idx.highlights(h[0].line, "kdy"), vec![0, 1, 2]);
        let h = idx.search("数车", &JobFilter::default(), 1);
        assert_eq!(idx.highlights(h[0].line, "数车"), vec![0, 2]);
        let h = idx.search("jxc", &JobFilter::default(), 1);
        // 城西机械厂 is the second field, after 数控车工 and a separator.
        assert_eq!(idx.highlights(h[0].line, "jxc"), vec![7, 8, 9]);
    }

    #[test]
    fn filters_combine_with_the_text() {
        let idx = sample();
        let f = JobFilter {
            meals: true,
            housing: true,
            ..JobFilter::default()
        };
        let r: Vec<&str> = idx
            .search("", &f, 10)
            .iter()
            .map(|h| idx.fields_of(h.line)[0])
            .collect();
        assert_eq!(r, vec!["快递员", "仓库管理员"]);
        let f = JobFilter {
            min_wage_month: Some(5500),
            ..JobFilter::default()
        };
        assert_eq!(idx.search("", &f, 10).len(), 2, "4000+500i: 6000 and 5500");
        let f = JobFilter {
            district: Some("城西区".into()),
            ..JobFilter::default()
        };
        assert_eq!(idx.search("", &f, 10).len(), 2);
        let f = JobFilter {
            district: Some("火星".into()),
            ..JobFilter::default()
        };
        assert!(idx.search("", &f, 10).is_empty());
        assert!(titles(&idx, "zzzz").is_empty());
    }

    #[test]
    fn permuting_in_place_matches_a_copy() {
        let order = [3u32, 0, 4, 1, 2, 6, 5];
        let mut v = vec!['a', 'b', 'c', 'd', 'e', 'f', 'g'];
        let copy: Vec<char> = order.iter().map(|&i| v[i as usize]).collect();
        let mut seen = vec![false; v.len()];
        permute_in_place(&mut v, &order, &mut seen);
        assert_eq!(v, copy);
        assert!(seen.iter().all(|s| !s));
    }

    #[test]
    fn type_and_open_only_filters() {
        let mut idx = JobIndex::default();
        for (i, (title, etype, current)) in [
            ("装卸工", EmploymentType::Gig, true),
            ("分拣员", EmploymentType::Temporary, true),
            ("普工", EmploymentType::FullTime, false),
        ]
        .into_iter()
        .enumerate()
        {
            idx.push(&JobLine {
                rowid: i as i64,
                title,
                employer: "城西物流园",
                district: "开发区",
                benefits: Benefits::default(),
                wage_month: Some(4350),
                employment_type: etype,
                current,
                wage_min: Some(200),
                wage_max: None,
                wage_unit: WageUnit::Day,
                posted_on: None,
            });
        }
        idx.finish();
        let names = |f: &JobFilter| -> Vec<&str> {
            idx.search("", f, 10)
                .iter()
                .map(|h| idx.fields_of(h.line)[0])
                .collect()
        };
        let gig = JobFilter {
            employment_type: Some(EmploymentType::Gig),
            ..JobFilter::default()
        };
        assert_eq!(names(&gig), vec!["装卸工"]);
        assert_eq!(
            names(&JobFilter::default()),
            vec!["装卸工", "分拣员"],
            "filled or expired: out"
        );
        let all = JobFilter {
            include_closed: true,
            ..JobFilter::default()
        };
        assert_eq!(names(&all), vec!["装卸工", "分拣员", "普工"]);
        assert_eq!(idx.wage_words_of(0), "¥200/日");
        assert_eq!(idx.wage_month_of(0), Some(4350));
    }
}

//! The index: every opening's search text in one flat buffer, with per-opening columns
//! (masks, wage, benefits, type, district), built from the store (from a file on two
//! threads), put newest posted first, and read back line by line.

use crate::domain::job::{Benefits, EmploymentType, WageUnit};
use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::store::JobLine;

use super::prefilter::FieldKeys;

/// A text offset or a line number as the index keeps them: u32, which halves the columns.
/// A million openings' text is some 100 MB, so 4 GiB is far off; were it reached, the
/// build stops here rather than wrap round.
pub(super) fn as_u32(n: usize) -> u32 {
    u32::try_from(n).expect("the index's text is under 4 GiB")
}

/// Separates the fields in an opening's search text.
pub(super) const SEP: char = '\u{1f}';

#[derive(Debug, Default)]
pub struct JobIndex {
    /// The openings' search text, in the chunks the build threads wrote (moved, never
    /// copied into one: at a million openings a join would briefly hold it twice).
    text: String,
    /// Earlier chunks, each with the offset its text starts at.
    chunks: Vec<(u32, String)>,
    starts: Vec<u32>,
    rowids: Vec<i64>,
    pub(super) letters: Vec<u32>,
    pub(super) initials: Vec<u32>,
    /// Every pair of letters that can stand next to each other in a contiguous pinyin
    /// match here: inside a reading (k-u, u-a, a-i of kuai), or any letter of a reading
    /// followed by an initial of the next character's; hashed into 256 bits.
    pub(super) bigrams: Vec<[u64; 4]>,
    pub(super) bloom: Vec<u64>,
    /// The same masks for the title alone, and for title, employer and district: once the
    /// results already hold `limit` matches as good as a benefits (or employer) match can
    /// be, only openings whose better fields could match are scored.
    pub(super) title_bloom: Vec<u64>,
    pub(super) main_bloom: Vec<u64>,
    pub(super) title_initials: Vec<u32>,
    pub(super) main_initials: Vec<u32>,
    pub(super) wage_month: Vec<u32>,
    wage_min: Vec<u32>,
    wage_max: Vec<u32>,
    /// bits 0–2 benefits, 3–4 employment type, 5 current, 6–7 wage unit
    pub(super) flags: Vec<u8>,
    pub(super) district: Vec<u16>,
    pub(super) districts: Vec<String>,
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

pub(super) const NONE: u32 = u32::MAX;

/// Most distinct field texts the build remembers the masks of (then it starts over).
const MEMO_MAX: usize = 65_536;

type FieldMemo = std::collections::HashMap<Box<str>, FieldKeys>;

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
        let my_base = self.chunks.last().map_or(0, |(b, t)| b + as_u32(t.len()));
        debug_assert_eq!(my_base + as_u32(mine.len()), base);
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
    pub(super) fn finish(&mut self) {
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
        u16::try_from(i).unwrap_or(u16::MAX)
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
        let base = self.chunks.last().map_or(0, |(b, t)| b + as_u32(t.len()));
        self.starts.push(base + as_u32(self.text.len()));
        self.rowids.push(line.rowid);
        self.letters.push(letters);
        self.initials.push(initials);
        self.bigrams.push(bigrams);
        self.bloom.push(bloom);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped into 0..NONE
        let clamp = |v: Option<i64>| v.map_or(NONE, |w| w.clamp(0, NONE as i64 - 1) as u32);
        self.wage_month.push(clamp(line.wage_month));
        self.wage_min.push(clamp(line.wage_min));
        self.wage_max.push(clamp(line.wage_max));
        #[allow(clippy::cast_possible_truncation)] // indices of four-value lists, two bits each
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
                .map_or(0, |p| u32::try_from((p - epoch).num_days()).unwrap_or(0)),
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

    pub(super) fn line_text(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        // Lines never straddle chunks; the current chunk follows the kept ones.
        for (base, t) in &self.chunks {
            if a >= *base && b <= base + as_u32(t.len()) {
                return &t[(a - base) as usize..(b - base) as usize];
            }
        }
        let base = self.chunks.last().map_or(0, |(b, t)| b + as_u32(t.len()));
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

    pub(super) fn district_number(&self, name: &str) -> Option<u16> {
        self.districts
            .iter()
            .position(|x| x == name)
            .map(|i| u16::try_from(i).unwrap_or(u16::MAX))
    }

    /// An opening's title, the first field of its search text.
    pub(super) fn title_of(&self, i: usize) -> &str {
        self.line_text(i).split(SEP).next().unwrap_or("")
    }
}

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
        order[*slot as usize] = as_u32(i);
        *slot += 1;
    }
    order
}

/// Rearranges `v` so that `v[k]` becomes what was at `v[order[k]]`, following each
/// cycle of the permutation with one element in hand. `seen` is scratch (all false on
/// entry, left all false).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_ordered_newest_first_ties_as_added_unknown_dates_last() {
        assert_eq!(
            newest_first(&[20_000, 0, 20_005, 20_000, 20_005, 19_990]),
            vec![2, 4, 0, 3, 5, 1]
        );
        assert!(newest_first(&[]).is_empty());
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
}

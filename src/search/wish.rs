//! "Matching openings": a job seeker's stated wish — the kind of work, where, the least pay
//! they will take, room and board — read from their words, and the open openings ranked by
//! how much of it each one meets. Ranked, not filtered: when nothing meets all of it, the
//! officer still sees what comes closest.

use super::index::as_u32;
use super::prefilter::bloom_bit;
use super::scan::{keep_best, split_scan};
use super::{Hit, JobFilter, JobIndex};
use crate::domain::job::{Benefits, EmploymentType};
use crate::domain::labels::Labeled;

/// Points for each part of the wish an opening meets. The kind of work counts most: a
/// 数控车工 who asked for lathe work is not helped by a cook's job with room and board.
const WORK_PAIR: i32 = 100;
/// Most pairs of the kind of work that count (数控车工: 数控, 控车, 车工).
const WORK_PAIRS_MAX: i32 = 3;
const DISTRICT: i32 = 80;
const WAGE: i32 = 60;
const BENEFIT: i32 = 40;
const TYPE: i32 = 40;

/// Pairs of characters every job seeker says; they name no kind of work.
const COMMON_PAIRS: &[&str] = &[
    "工作", "找工", "想找", "务工", "打工", "外出", "农闲", "以上", "左右", "月薪", "工资", "包吃",
    "包住", "吃住", "食宿", "临时", "短期", "零工", "日结", "兼职", "全职", "希望", "需要", "可以",
    "什么", "都行", "一份", "一个", "附近", "找个", "找份", "收入", "每月", "一月", "两千", "三千",
    "四千", "五千", "六千", "七千", "八千", "千元", "千以", "万元", "活儿", "干活", "上班", "就业",
    "求职", "失业", "下岗", "岗位",
];

/// What a visitor asked for, as far as their words say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Wish {
    pub meals: bool,
    pub housing: bool,
    pub employment_type: Option<EmploymentType>,
    pub min_wage_month: Option<i64>,
    /// The kind of work: each pair of adjacent Chinese characters in their words (数控,
    /// 控车, 车工), less the pairs anyone looking for work says (工作, 打工, 包吃…).
    pub work: Vec<[char; 2]>,
    /// Their words, to find the district they named among the openings' districts.
    pub words: String,
}

impl Wish {
    pub fn from_text(text: &str) -> Wish {
        let b = Benefits::from_text(text);
        let employment_type = [
            ("临时", EmploymentType::Temporary),
            ("短期", EmploymentType::Temporary),
            ("零工", EmploymentType::Gig),
            ("日结", EmploymentType::Gig),
            ("兼职", EmploymentType::PartTime),
        ]
        .iter()
        .find(|(w, _)| text.contains(w))
        .map(|(_, t)| *t);
        Wish {
            meals: b.meals,
            housing: b.housing,
            employment_type,
            min_wage_month: wage_in(text),
            work: wanted_work(text),
            words: text.to_string(),
        }
    }

    /// Whether the words say anything an opening could be ranked by.
    pub fn is_empty(&self) -> bool {
        !self.meals
            && !self.housing
            && self.employment_type.is_none()
            && self.min_wage_month.is_none()
            && self.work.is_empty()
    }
}

/// Words that say what is wanted, and the work named right after them: 想找数控车工.
const WANT_VERBS: &[&str] = &[
    "打算找",
    "打算做",
    "打算干",
    "愿意做",
    "想找",
    "想做",
    "想干",
    "想当",
    "要找",
    "要做",
];
/// Words that say a wish, the work named after a verb that may follow (希望在城东找保安,
/// 想要保安的活) — or at once when none does.
const WANT_WORDS: &[&str] = &["希望", "想要"];
/// Verbs after which the work wanted is named (想在城东找叉车司机的活).
const VERBS: &str = "找做干当";
/// A clause ends at these: what is wanted is read up to the first.
const CLAUSE_ENDS: &str = ",\u{ff0c}\u{3002}.;\u{ff1b}!\u{ff01}?\u{ff1f}\n";
/// Before a wish word, these turn it round: 不想做保安 says what is not wanted.
const NEGATIONS: &str = "不别没";

/// The kind of work wanted, as pairs of characters (see [`work_pairs`]): read from the
/// clauses that say what is wanted (想找/想做/要找/希望/想当/打算找… X, and 想…找 X) over
/// the rest, which tells what the visitor did (汽修学徒合同到期,想找数控车工: 数控车工).
/// When those clauses name no work, the whole text is read, less the work they said is
/// not wanted (不想再做建筑); with no such words at all, the whole text as before.
fn wanted_work(text: &str) -> Vec<[char; 2]> {
    let chars: Vec<char> = text.chars().collect();
    let (wanted, unwanted) = wish_clauses(&chars);
    if wanted.is_empty() && unwanted.is_empty() {
        return work_pairs(text);
    }
    let join = |clauses: &[(usize, usize)]| -> String {
        clauses
            .iter()
            .map(|&(a, b)| chars[a..b].iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(",")
    };
    let work = work_pairs(&join(&wanted));
    if !work.is_empty() {
        return work;
    }
    let not_wanted = work_pairs(&join(&unwanted));
    work_pairs(text)
        .into_iter()
        .filter(|p| !not_wanted.contains(p))
        .collect()
}

/// Where the clauses saying what is wanted, and what is not, begin and end (char
/// indices): from after the wish word (and its verb) to the end of the clause.
type Clauses = Vec<(usize, usize)>;

fn wish_clauses(chars: &[char]) -> (Clauses, Clauses) {
    let at = |i: usize, w: &str| {
        w.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    let clause_end = |from: usize| {
        (from..chars.len())
            .find(|&k| CLAUSE_ENDS.contains(chars[k]))
            .unwrap_or(chars.len())
    };
    // The first verb of the clause from `from`, and what follows it.
    let after_verb = |from: usize| -> Option<usize> {
        (from..clause_end(from))
            .find(|&k| VERBS.contains(chars[k]))
            .map(|k| k + 1)
    };
    let (mut wanted, mut unwanted) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < chars.len() {
        let start = if let Some(w) = WANT_VERBS.iter().find(|w| at(i, w)) {
            Some(i + w.chars().count())
        } else if let Some(w) = WANT_WORDS.iter().find(|w| at(i, w)) {
            let after = i + w.chars().count();
            Some(after_verb(after).unwrap_or(after))
        } else if chars[i] == '想' {
            // 想 alone says a wish only when a verb follows in its clause (想在城东找…).
            after_verb(i + 1)
        } else {
            None
        };
        let Some(start) = start else {
            i += 1;
            continue;
        };
        let end = clause_end(start);
        let negated = i > 0 && NEGATIONS.contains(chars[i - 1]);
        if negated {
            unwanted.push((start, end));
        } else {
            wanted.push((start, end));
        }
        i = end.max(i + 1);
    }
    (wanted, unwanted)
}

/// Characters that only hold a sentence together (的, 想, 都…): a pair with one names no work.
const FUNCTION_CHARS: &str = "的了么都在想找是我要能有个份和或也还就去到里吧呢啊吗他她们";

/// A character that can be part of the name of a kind of work.
fn is_work_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) && !FUNCTION_CHARS.contains(c)
}

/// The pairs of adjacent characters that may name a kind of work. A pair is left out when
/// it is a common one, or when both its characters belong to common ones around it (农闲外出:
/// 闲外 is no work).
fn work_pairs(text: &str) -> Vec<[char; 2]> {
    let chars: Vec<char> = text.chars().collect();
    let common = |k: usize| -> bool {
        let pair: String = chars[k..k + 2].iter().collect();
        COMMON_PAIRS.contains(&pair.as_str())
    };
    let mut covered = vec![false; chars.len()];
    for k in 0..chars.len().saturating_sub(1) {
        if common(k) {
            covered[k] = true;
            covered[k + 1] = true;
        }
    }
    let mut out: Vec<[char; 2]> = Vec::new();
    for k in 0..chars.len().saturating_sub(1) {
        let pair = [chars[k], chars[k + 1]];
        if !is_work_char(pair[0])
            || !is_work_char(pair[1])
            || common(k)
            || covered[k] && covered[k + 1]
            || out.contains(&pair)
        {
            continue;
        }
        out.push(pair);
    }
    out
}

/// The first sum of money in `text` that reads as a monthly wage: `3000`, `两千`, `3千`.
fn wage_in(text: &str) -> Option<i64> {
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: char| match c {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        d => d.to_digit(10).map(i64::from),
    };
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let n: String = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            let v: i64 = n.parse().unwrap_or(0);
            let next = chars.get(i + n.len()).copied();
            let scaled = match next {
                Some('千') | Some('k') | Some('K') => v * 1000,
                Some('万') => v * 10_000,
                _ => v,
            };
            if (1000..=100_000).contains(&scaled) {
                return Some(scaled);
            }
            i += n.len();
            continue;
        }
        if let (Some(d), Some('千')) = (digit(chars[i]), chars.get(i + 1)) {
            return Some(d * 1000);
        }
        i += 1;
    }
    None
}

/// A district's name as people say it: 城东区 → 城东, 西湖镇 → 西湖 (kept whole when the
/// rest would be one character).
fn spoken(name: &str) -> &str {
    for suffix in ["街道", "区", "县", "市", "镇", "乡"] {
        if let Some(rest) = name.strip_suffix(suffix)
            && rest.chars().count() >= 2
        {
            return rest;
        }
    }
    name
}

impl JobIndex {
    /// The district named in `words`, as the index knows it (the longest name found).
    pub fn district_in(&self, words: &str) -> Option<&str> {
        self.districts
            .iter()
            .filter(|d| !d.is_empty() && words.contains(spoken(d)))
            .max_by_key(|d| spoken(d).len())
            .map(String::as_str)
    }

    /// The districts `typed` names, as a mask by the index's district numbers: each whose
    /// name starts with it (城西 finds 城西区 and 城西镇; letters in either case). `None`
    /// when no opening's district does.
    pub(super) fn district_mask(&self, typed: &str) -> Option<Vec<bool>> {
        let typed = typed.trim().to_lowercase();
        let mask: Vec<bool> = self
            .districts
            .iter()
            .map(|d| !d.is_empty() && d.to_lowercase().starts_with(&typed))
            .collect();
        mask.contains(&true).then_some(mask)
    }

    /// The districts the openings name that start with `typed`, each with how many
    /// openings it has (open ones only unless `include_closed`), most first: the district
    /// pick-list. Districts with no opening counted are left out.
    #[must_use]
    pub fn districts_starting(&self, typed: &str, include_closed: bool) -> Vec<(String, usize)> {
        let mut counts = vec![0usize; self.districts.len()];
        for (i, &d) in self.district.iter().enumerate() {
            if include_closed || self.flags[i] & 0x20 != 0 {
                counts[d as usize] += 1;
            }
        }
        let typed = typed.trim().to_lowercase();
        let mut out: Vec<(String, usize)> = self
            .districts
            .iter()
            .zip(counts)
            .filter(|(d, n)| *n > 0 && !d.is_empty() && d.to_lowercase().starts_with(&typed))
            .map(|(d, n)| (d.clone(), n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The best `limit` open openings for `wish`, most of it met first; ties go to the newer
    /// posting. `filter` still applies (the officer may narrow by hand).
    pub fn rank_by_wish(&self, wish: &Wish, filter: &JobFilter, limit: usize) -> Vec<Hit> {
        let Some(district) = self.district_filter(filter) else {
            return Vec::new();
        };
        let district = district.as_deref();
        let wanted_district = self
            .district_in(&wish.words)
            .and_then(|d| self.district_number(d));
        let pair_blooms: Vec<u64> = wish
            .work
            .iter()
            .map(|[a, b]| bloom_bit(*a) | bloom_bit(*b))
            .collect();
        let run = |from: usize, to: usize| -> Vec<Hit> {
            let mut hits = Vec::new();
            for i in from..to {
                if !self.passes(i, filter, district) {
                    continue;
                }
                let mut score = self.work_pairs_met(i, wish, &pair_blooms) * WORK_PAIR;
                if wanted_district.is_some_and(|d| self.district[i] == d) {
                    score += DISTRICT;
                }
                if let Some(min) = wish.min_wage_month {
                    let w = self.wage_month[i];
                    if w != super::index::NONE && i64::from(w) >= min {
                        score += WAGE;
                    }
                }
                let flags = self.flags[i];
                if wish.meals && flags & 1 != 0 {
                    score += BENEFIT;
                }
                if wish.housing && flags & 2 != 0 {
                    score += BENEFIT;
                }
                if wish
                    .employment_type
                    .is_some_and(|t| ((flags >> 3) & 3) as usize == t.index())
                {
                    score += TYPE;
                }
                hits.push(Hit {
                    line: as_u32(i),
                    score,
                });
                if hits.len() >= limit * 4 {
                    keep_best(&mut hits, limit);
                }
            }
            keep_best(&mut hits, limit);
            hits
        };
        let mut hits = split_scan(self.len(), run);
        keep_best(&mut hits, limit);
        hits
    }

    /// How many different work pairs of the wish the title holds (at most
    /// `WORK_PAIRS_MAX`).
    fn work_pairs_met(&self, i: usize, wish: &Wish, pair_blooms: &[u64]) -> i32 {
        let title_bloom = self.title_bloom[i];
        if !pair_blooms.iter().any(|m| m & !title_bloom == 0) {
            return 0;
        }
        let mut seen: Vec<[char; 2]> = Vec::new();
        for (_, pair) in wish_pairs_in(self.title_of(i), wish) {
            if !seen.contains(&pair) {
                seen.push(pair);
            }
        }
        i32::try_from(seen.len())
            .unwrap_or(i32::MAX)
            .min(WORK_PAIRS_MAX)
    }

    /// The title's characters that the wish's kind of work named, for highlighting (char
    /// indices in the opening's search text, as `highlights` gives them).
    pub fn wish_marks(&self, line: u32, wish: &Wish) -> Vec<usize> {
        let mut out = Vec::new();
        for (k, _) in wish_pairs_in(self.title_of(line as usize), wish) {
            out.extend([k, k + 1]);
        }
        out.dedup();
        out
    }
}

/// The pairs of adjacent characters of `title` that the wish names, with where each starts
/// (in characters).
fn wish_pairs_in<'a>(
    title: &'a str,
    wish: &'a Wish,
) -> impl Iterator<Item = (usize, [char; 2])> + 'a {
    title
        .chars()
        .zip(title.chars().skip(1))
        .map(|(a, b)| [a, b])
        .enumerate()
        .filter(|(_, pair)| wish.work.contains(pair))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wish_is_read_from_the_visitors_words() {
        let w = Wish::from_text("农闲外出务工,想找包吃住的临时工作,月薪两千以上");
        assert!(w.meals && w.housing);
        assert_eq!(w.employment_type, Some(EmploymentType::Temporary));
        assert_eq!(w.min_wage_month, Some(2000));
        // Nothing in it names a kind of work.
        assert_eq!(w.work, Vec::<[char; 2]>::new());
        assert_eq!(
            Wish::from_text("想找数控车工,工资6000左右").work,
            vec![['数', '控'], ['控', '车'], ['车', '工']]
        );
        assert_eq!(
            Wish::from_text("想找数控车工,工资6000左右").min_wage_month,
            Some(6000)
        );
        assert_eq!(Wish::from_text("什么都行").min_wage_month, None);
        assert!(Wish::from_text("什么都行").is_empty());
    }

    fn work(text: &str) -> Vec<String> {
        Wish::from_text(text)
            .work
            .iter()
            .map(|p| p.iter().collect())
            .collect()
    }

    #[test]
    fn the_work_wanted_is_read_over_the_work_done() {
        // What they want, not what they did.
        assert_eq!(
            work("汽修学徒合同到期,想找数控车工"),
            ["数控", "控车", "车工"]
        );
        assert_eq!(work("汽修学徒合同到期,想找数控车工"), work("数控车工"));
        assert_eq!(work("在工地干了五年,想做保安"), ["保安"]);
        assert_eq!(work("原来在饭店当厨师,要找保安的活"), ["保安"]);
        assert_eq!(
            work("做过服务员,希望在城东找仓库管理员的工作"),
            ["仓库", "库管", "管理", "理员"]
        );
        assert_eq!(work("送过两年外卖,想当厨师"), ["厨师"]);
        assert_eq!(work("以前开叉车,打算找电焊工"), ["电焊", "焊工"]);
        assert_eq!(
            work("会开叉车,想在城东找叉车司机的活"),
            ["叉车", "车司", "司机"]
        );
        // Full-width punctuation ends the clause too.
        assert_eq!(
            work("汽修学徒合同到期,想找数控车工。包吃住"),
            ["数控", "控车", "车工"]
        );
        // What they do not want is not their wish.
        assert_eq!(work("不想做保安了,想找数控车工"), ["数控", "控车", "车工"]);
        assert!(!work("不想再做建筑了,什么都行").contains(&"建筑".to_string()));
        // The wish names no work: what they did is the best hint there is.
        assert!(work("做了三年电焊工,想找包吃住的").contains(&"电焊".to_string()));
        // No wish words at all: read as before, every pair of the text.
        for text in ["数控车工,工资6000左右", "汽修学徒", "保安 城西 包吃住"] {
            assert_eq!(Wish::from_text(text).work, work_pairs(text), "{text}");
        }
        // The rest of the wish is still read from all the words.
        let w = Wish::from_text("汽修学徒合同到期,想找数控车工,城东,包吃住,五千以上");
        assert!(w.meals && w.housing);
        assert_eq!(w.min_wage_month, Some(5000));
        assert!(w.words.contains("城东"));
    }

    #[test]
    fn a_district_is_found_by_the_start_of_its_name() {
        let idx = index(&[
            opening("保安", "城西区", 4000),
            opening("保安", "城西镇", 4000),
            opening("厨师", "城西区", 5000),
            Opening {
                current: false,
                ..opening("司机", "城东区", 6000)
            },
            opening("保洁", "开发区", 3000),
        ]);
        let count = |d: &str| {
            let f = JobFilter {
                district: Some(d.into()),
                include_closed: true,
                ..JobFilter::default()
            };
            idx.search("", &f, 10).len()
        };
        assert_eq!(count("城西区"), 2);
        assert_eq!(count("城西"), 3, "城西 finds 城西区 and 城西镇");
        assert_eq!(count("城"), 4);
        assert_eq!(count(" 城西 "), 3, "spaces around are not part of the name");
        assert_eq!(count("西"), 0, "the start of the name, not any part");
        assert_eq!(count("火星"), 0);
        // Ranked by a wish, the filter is the same.
        let f = JobFilter {
            district: Some("城西".into()),
            ..JobFilter::default()
        };
        assert_eq!(idx.rank_by_wish(&Wish::from_text("保安"), &f, 10).len(), 3);
        // The pick-list: the districts there are, most openings first, open ones only
        // unless closed are shown too.
        assert_eq!(
            idx.districts_starting("", false),
            [
                ("城西区".to_string(), 2),
                ("城西镇".to_string(), 1),
                ("开发区".to_string(), 1)
            ]
        );
        assert_eq!(idx.districts_starting("城", true).len(), 3);
        assert_eq!(idx.districts_starting("城东", false), []);
    }

    struct Opening {
        title: &'static str,
        district: &'static str,
        wage: i64,
        meals: bool,
        housing: bool,
        kind: EmploymentType,
        current: bool,
    }

    fn opening(title: &'static str, district: &'static str, wage: i64) -> Opening {
        Opening {
            title,
            district,
            wage,
            meals: false,
            housing: false,
            kind: EmploymentType::FullTime,
            current: true,
        }
    }

    fn index(rows: &[Opening]) -> JobIndex {
        let mut idx = JobIndex::default();
        for (i, o) in rows.iter().enumerate() {
            idx.push(&crate::store::JobLine {
                rowid: i64::try_from(i).unwrap(),
                title: o.title,
                employer: "某某公司",
                district: o.district,
                benefits: Benefits {
                    meals: o.meals,
                    housing: o.housing,
                    insurance: false,
                },
                wage_month: Some(o.wage),
                employment_type: o.kind,
                current: o.current,
                wage_min: Some(o.wage),
                wage_max: None,
                wage_unit: crate::domain::job::WageUnit::Month,
                // Row order is posting order: the later row is the newer posting.
                posted_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                    .map(|d| d + chrono::Days::new(i as u64)),
            });
        }
        idx.finish();
        idx
    }

    fn ranked(idx: &JobIndex, words: &str) -> Vec<String> {
        idx.rank_by_wish(&Wish::from_text(words), &JobFilter::default(), 10)
            .iter()
            .map(|h| {
                let [title, _, district, _] = idx.fields_of(h.line);
                format!("{title}@{district}")
            })
            .collect()
    }

    #[test]
    fn the_kind_of_work_ranks_first_then_district_and_pay() {
        let idx = index(&[
            opening("数控车工", "城西区", 6500),
            opening("普通车工", "城东区", 5000),
            opening("数控车工", "城东区", 5500),
            opening("数控车工", "城东区", 6500),
            opening("厨师", "城东区", 9000),
            Opening {
                current: false,
                ..opening("数控车工", "城东区", 9000)
            },
        ]);
        assert_eq!(
            ranked(&idx, "想在城东找数控车工的活,工资6000以上"),
            vec![
                // all of it: the work, the district, the pay
                "数控车工@城东区",
                // the work and the district, under the pay asked
                "数控车工@城东区",
                // the work and the pay, elsewhere
                "数控车工@城西区",
                // part of the work (车工), the district
                "普通车工@城东区",
                // the district and the pay, other work
                "厨师@城东区",
            ]
        );
        let hits = idx.rank_by_wish(
            &Wish::from_text("想在城东找数控车工的活,工资6000以上"),
            &JobFilter::default(),
            10,
        );
        assert_eq!(idx.wage_month_of(hits[0].line), Some(6500));
        // The filled one is on record, never offered.
        assert_eq!(hits.len(), 5);
        assert_eq!(
            idx.wish_marks(hits[3].line, &Wish::from_text("数控车工")),
            vec![2, 3]
        );
    }

    #[test]
    fn room_board_and_kind_of_employment_rank_when_no_work_is_named() {
        let idx = index(&[
            Opening {
                meals: true,
                housing: true,
                kind: EmploymentType::Temporary,
                ..opening("采茶工", "西湖镇", 2000)
            },
            Opening {
                meals: true,
                ..opening("装卸工", "西湖镇", 4000)
            },
            opening("保安", "西湖镇", 4000),
        ]);
        // Nothing meets all of it but each opening meets some: all listed, most first.
        assert_eq!(
            ranked(&idx, "农闲外出务工,想找包吃住的临时工作,月薪三千以上"),
            vec!["采茶工@西湖镇", "装卸工@西湖镇", "保安@西湖镇"]
        );
        // The officer's filters still narrow it.
        let only_meals = JobFilter {
            meals: true,
            ..JobFilter::default()
        };
        let hits = idx.rank_by_wish(&Wish::from_text("什么都行"), &only_meals, 10);
        assert_eq!(hits.len(), 2);
        // With nothing to rank by, the newest posting comes first.
        assert_eq!(idx.fields_of(hits[0].line)[0], "装卸工");
    }

    #[test]
    fn districts_are_found_as_people_say_them() {
        assert_eq!(spoken("城东区"), "城东");
        assert_eq!(spoken("西湖镇"), "西湖");
        assert_eq!(spoken("东区"), "东区");
        assert_eq!(spoken("开发区"), "开发");
    }
}

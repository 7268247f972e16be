//! Phone numbers, checked against the numbering plans in `phone_cn.toml` (libphonenumber's
//! metadata for China, and for Hong Kong, Macao and Taiwan, kept in the repository: see
//! that file for its source and how to update it). A number is valid only if the WHOLE
//! national number matches a pattern of its type: a mobile (11 digits, a range in use), a
//! landline with its area code (010 / 02x + 8 digits, 0xxx + 7 or 8 as the area has), a
//! 400 / 800 service number (10 digits). Written forms people use are read: `+86`, `0086`,
//! `(+86)`, `+86-`, `86` before a mobile, `(0)`, spaces, dashes, dots, brackets, full-width
//! digits. Stored normalised as E.164 (`+8613800138000`); shown as the national digits a
//! person dials, masked by default.

use std::fmt;
use std::sync::OnceLock;

use crate::i18n::Lang;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

/// What kind of number a refused one was read as, to say what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneKind {
    /// A mobile in mainland China (starts with 1).
    Mobile,
    /// A landline, with its area code as written (`010`, `0571`).
    Landline(String),
    /// A 400 / 800 service number.
    Service,
    /// A number in Hong Kong, Macao or Taiwan, by its country code (`852`).
    Abroad(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing but blanks and punctuation.
    Empty,
    /// A character that is no part of a phone number (a letter, a comma, …).
    BadChar(char),
    /// A `+` or an international prefix before a country whose plan the desk does not hold
    /// (the first digits after it).
    Foreign(String),
    /// A number of 8 digits or fewer not starting with 0 or 1: a landline without its area
    /// code.
    NoAreaCode,
    /// Too few digits for its kind (how many it has: the whole national number for mobiles
    /// and service numbers, the digits after the area code for landlines).
    TooFew {
        kind: PhoneKind,
        digits: usize,
    },
    TooMany {
        kind: PhoneKind,
        digits: usize,
    },
    /// The right length but no range in use: `prefix` is what was read (a mobile's first
    /// three or four digits, a landline's area code, a service number's first three).
    NotInUse {
        kind: PhoneKind,
        prefix: String,
    },
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for PhoneError {}

/// How many digits a landline has after its area code, in words.
fn subscriber_len(area: &str, lang: Lang) -> &'static str {
    match (area.len(), lang) {
        (3, _) => "8",
        (_, Lang::Zh) => "7或8",
        (_, Lang::En) => "7 or 8",
    }
}

impl PhoneError {
    pub fn message(&self, lang: Lang) -> String {
        use PhoneError::*;
        use PhoneKind::*;
        match (self, lang) {
            (Empty, Lang::Zh) => "没有号码:请填写数字".into(),
            (Empty, Lang::En) => "no number: type its digits".into(),
            (BadChar(c), Lang::Zh) if c.is_alphabetic() => {
                format!("电话号码里不能有字母或文字“{c}”,只能是数字")
            }
            (BadChar(c), Lang::En) if c.is_alphabetic() => {
                format!("letters are no part of a phone number (“{c}”): digits only")
            }
            (BadChar(c), Lang::Zh) => {
                format!("电话号码里不能有“{c}”:只能是数字,可以有空格、短横线、点、括号和开头的+86")
            }
            (BadChar(c), Lang::En) => format!(
                "“{c}” is no part of a phone number: digits, with spaces, dashes, dots, brackets and a leading +86"
            ),
            (Foreign(cc), Lang::Zh) => format!(
                "+{cc}…不是能核对的号码:只收中国大陆(+86)及港澳台(+852、+853、+886)号码,其他号码请写在诉求摘要里"
            ),
            (Foreign(cc), Lang::En) => format!(
                "+{cc}… cannot be checked: only numbers in China (+86), Hong Kong (+852), Macao (+853) and Taiwan (+886); put others in the summary"
            ),
            (NoAreaCode, Lang::Zh) => "座机号要带区号,如010-12345678、0571-87654321".into(),
            (NoAreaCode, Lang::En) => {
                "a landline needs its area code: 010-12345678, 0571-87654321".into()
            }
            (TooFew { kind, digits }, Lang::Zh) => match kind {
                Mobile => format!("位数太少:手机号11位,这里只有{digits}位"),
                Landline(a) => format!(
                    "位数太少:区号{a}后面应有{}位,这里只有{digits}位",
                    subscriber_len(a, lang)
                ),
                Service => format!("位数太少:400/800号码应为10位,这里只有{digits}位"),
                Abroad(cc) => format!("位数太少:+{cc}的号码不是{digits}位"),
            },
            (TooFew { kind, digits }, Lang::En) => match kind {
                Mobile => format!("too few digits: a mobile number has 11, this has {digits}"),
                Landline(a) => format!(
                    "too few digits: {} after the area code {a}, this has {digits}",
                    subscriber_len(a, lang)
                ),
                Service => {
                    format!("too few digits: a 400/800 number has 10, this has {digits}")
                }
                Abroad(cc) => format!("too few digits for a +{cc} number ({digits})"),
            },
            (TooMany { kind, digits }, Lang::Zh) => match kind {
                Mobile => format!("位数太多:手机号11位,这里有{digits}位"),
                Landline(a) => format!(
                    "位数太多:区号{a}后面应有{}位,这里有{digits}位",
                    subscriber_len(a, lang)
                ),
                Service => format!("位数太多:400/800号码应为10位,这里有{digits}位"),
                Abroad(cc) => format!("位数太多:+{cc}的号码不是{digits}位"),
            },
            (TooMany { kind, digits }, Lang::En) => match kind {
                Mobile => format!("too many digits: a mobile number has 11, this has {digits}"),
                Landline(a) => format!(
                    "too many digits: {} after the area code {a}, this has {digits}",
                    subscriber_len(a, lang)
                ),
                Service => {
                    format!("too many digits: a 400/800 number has 10, this has {digits}")
                }
                Abroad(cc) => format!("too many digits for a +{cc} number ({digits})"),
            },
            (NotInUse { kind, prefix }, Lang::Zh) => match kind {
                Mobile => format!("没有{prefix}开头的手机号段,请核对(座机号以0和区号开头)"),
                Landline(a) if a == prefix => format!("没有{a}这个区号,请核对"),
                Landline(a) => format!("区号{a}下没有{prefix}这样开头的号码,请核对"),
                Service => format!("没有{prefix}开头的服务号码,请核对"),
                Abroad(cc) => format!("+{cc}没有{prefix}开头的号码,请核对"),
            },
            (NotInUse { kind, prefix }, Lang::En) => match kind {
                Mobile => format!(
                    "{prefix}… is not a mobile number range in use (a landline starts with 0 and its area code)"
                ),
                Landline(a) if a == prefix => format!("{a} is not an area code in use"),
                Landline(a) => {
                    format!("no number in the area code {a} starts like {prefix}…")
                }
                Service => format!("{prefix}… is not a service number range in use"),
                Abroad(cc) => format!("+{cc} has no numbers starting like {prefix}…"),
            },
        }
    }
}

/// The written number, read: its digits, and whether an international prefix came first.
struct Written {
    digits: String,
    international: bool,
}

/// Full-width digits and signs (typed with a Chinese input method) as ASCII.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).expect("a full-width digit"),
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        '－' | '—' | '–' | '‐' | '‑' => '-',
        '．' | '。' => '.',
        '\u{3000}' | '\u{a0}' => ' ',
        _ => c,
    }
}

fn read_written(raw: &str) -> Result<Written, PhoneError> {
    let mut digits = String::new();
    let mut international = false;
    for c in raw.chars().map(half_width) {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\t' | '-' | '.' | '(' | ')' | '/' => {}
            '+' if digits.is_empty() && !international => international = true,
            _ => return Err(PhoneError::BadChar(c)),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    // 0086…: the international prefix dialled from China.
    if !international && let Some(rest) = digits.strip_prefix("00") {
        digits = rest.to_string();
        international = true;
    }
    Ok(Written {
        digits,
        international,
    })
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let w = read_written(raw)?;
        let plans = plans();
        if w.international {
            let plan = plans
                .iter()
                .find(|p| w.digits.starts_with(&p.country_code))
                .ok_or_else(|| PhoneError::Foreign(w.digits.chars().take(3).collect::<String>()))?;
            let national = &w.digits[plan.country_code.len()..];
            // `+86 (0)10 …`, `+886 0912 …`: a trunk 0 written after the country code.
            let national = national.strip_prefix('0').unwrap_or(national);
            if plan.country_code == "86" {
                return china(national, true);
            }
            return abroad(plan, national);
        }
        let d = w.digits.as_str();
        // `86 138 0013 8000`: the country code without its +, before a mobile.
        if d.len() == 13 && d.starts_with("861") && !d.starts_with("8610") {
            return china(&d[2..], true);
        }
        match d.strip_prefix('0') {
            Some(national) => china(national, true),
            None => china(d, false),
        }
    }

    /// Wraps an already-normalised E.164 string read back from the database.
    pub fn from_stored(e164: &str) -> Phone {
        Phone(e164.to_string())
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// What a person dials in China: `13800138000`, `01012345678`, `4001234567`; numbers
    /// outside mainland China stay E.164.
    pub fn national_digits(&self) -> String {
        national_digits(&self.0)
    }
}

/// A national number in mainland China. `trunk`: written after a trunk 0 or a country code
/// (so `10…` is Beijing, not a mobile with a wrong digit).
fn china(national: &str, trunk: bool) -> Result<Phone, PhoneError> {
    let plan = &plans()[0];
    let ok = || Ok(Phone(format!("+86{national}")));
    let n = national.len();
    let is_mobile = national.starts_with('1') && !(trunk && national.starts_with("10"));
    if is_mobile {
        let m = plan.mobile.check(national);
        if m.full {
            return ok();
        }
        if !plan.mobile.check(&national[..n.min(3)]).could_grow && n >= 3 {
            return Err(PhoneError::NotInUse {
                kind: PhoneKind::Mobile,
                prefix: national[..3].to_string(),
            });
        }
        return Err(match n.cmp(&11) {
            std::cmp::Ordering::Less => PhoneError::TooFew {
                kind: PhoneKind::Mobile,
                digits: n,
            },
            std::cmp::Ordering::Greater => PhoneError::TooMany {
                kind: PhoneKind::Mobile,
                digits: n,
            },
            std::cmp::Ordering::Equal => PhoneError::NotInUse {
                kind: PhoneKind::Mobile,
                prefix: national[..4].to_string(),
            },
        });
    }
    if national.starts_with("400") || national.starts_with("800") {
        if plan.toll_free.check(national).full || plan.shared_cost.check(national).full {
            return ok();
        }
        return Err(match n.cmp(&10) {
            std::cmp::Ordering::Less => PhoneError::TooFew {
                kind: PhoneKind::Service,
                digits: n,
            },
            std::cmp::Ordering::Greater => PhoneError::TooMany {
                kind: PhoneKind::Service,
                digits: n,
            },
            std::cmp::Ordering::Equal => PhoneError::NotInUse {
                kind: PhoneKind::Service,
                prefix: national[..3].to_string(),
            },
        });
    }
    if !trunk && n <= 8 {
        return Err(PhoneError::NoAreaCode);
    }
    let landline = [&plan.fixed_line, &plan.shared_cost, &plan.toll_free];
    let checks: Vec<Check> = landline.iter().map(|p| p.check(national)).collect();
    if checks.iter().any(|c| c.full) {
        return ok();
    }
    if !trunk {
        // 2–9 and more than 8 digits, no 0: an area code written without its 0, or a
        // number that is none.
        return Err(PhoneError::NoAreaCode);
    }
    // Area codes: 10 and 2x have two digits after the 0, the others three.
    let area_len = if national.starts_with("10") || national.starts_with('2') {
        2
    } else {
        3
    };
    let area = format!("0{}", &national[..n.min(area_len)]);
    let kind = PhoneKind::Landline(area.clone());
    let area_in_use = n >= area_len
        && landline.iter().any(|p| {
            let c = p.check(&national[..area_len]);
            c.could_grow || c.full
        });
    if !area_in_use {
        return Err(if n < area_len {
            PhoneError::TooFew { kind, digits: 0 }
        } else {
            PhoneError::NotInUse { kind, prefix: area }
        });
    }
    let digits = n - area_len;
    if checks.iter().any(|c| c.could_grow) {
        return Err(PhoneError::TooFew { kind, digits });
    }
    if checks.iter().any(|c| c.shorter_matches) {
        return Err(PhoneError::TooMany { kind, digits });
    }
    let prefix = national[area_len..].chars().take(2).collect();
    Err(PhoneError::NotInUse { kind, prefix })
}

/// A number in Hong Kong, Macao or Taiwan: mobile or landline as their plans have them.
fn abroad(plan: &Plan, national: &str) -> Result<Phone, PhoneError> {
    let kind = PhoneKind::Abroad(plan.country_code.clone());
    let checks = [plan.mobile.check(national), plan.fixed_line.check(national)];
    if national.is_empty() {
        return Err(PhoneError::TooFew { kind, digits: 0 });
    }
    if checks.iter().any(|c| c.full) {
        return Ok(Phone(format!("+{}{national}", plan.country_code)));
    }
    let digits = national.len();
    Err(if checks.iter().any(|c| c.could_grow) {
        PhoneError::TooFew { kind, digits }
    } else if checks.iter().any(|c| c.shorter_matches) {
        PhoneError::TooMany { kind, digits }
    } else {
        PhoneError::NotInUse {
            kind,
            prefix: national.chars().take(2).collect(),
        }
    })
}

/// A service's short or non-geographic number, as agencies publish them: a hotline of
/// three to five digits beginning with 1 (12333 人社, 12348 法律援助, 12351 工会), a
/// five-digit 95xxx line, or a 400/800 number. Not a person's phone: only a service's
/// contact takes one. The digits, or None.
pub fn service_number(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let short = (3..=5).contains(&digits.len()) && digits.starts_with('1');
    let nine_five = digits.len() == 5 && digits.starts_with("95");
    let four_eight = digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800"));
    (short || nine_five || four_eight).then_some(digits)
}

pub fn national_digits(e164: &str) -> String {
    match e164.strip_prefix("+86") {
        Some(rest) if rest.starts_with('1') && rest.len() == 11 => rest.to_string(),
        Some(rest) if (rest.starts_with("400") || rest.starts_with("800")) && rest.len() == 10 => {
            rest.to_string()
        }
        Some(rest) => format!("0{rest}"),
        None => e164.to_string(),
    }
}

/// `138****8000`: the first three and last four digits stay.
pub fn mask(e164: &str) -> String {
    let digits = national_digits(e164);
    let chars: Vec<char> = digits.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

// ---------------------------------------------------------------------------------------
// The numbering plans and their patterns.

/// One territory's patterns over its national numbers (no country code, no trunk 0).
struct Plan {
    country_code: String,
    mobile: Pattern,
    fixed_line: Pattern,
    toll_free: Pattern,
    shared_cost: Pattern,
}

#[derive(serde::Deserialize)]
struct PlanText {
    country_code: String,
    mobile: String,
    fixed_line: String,
    #[serde(default)]
    toll_free: Option<String>,
    #[serde(default)]
    shared_cost: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct PlansText {
    cn: PlanText,
    hk: PlanText,
    mo: PlanText,
    tw: PlanText,
}

/// The patterns as kept in the repository (see that file for their source).
pub const PLANS_TOML: &str = include_str!("phone_cn.toml");

/// Mainland China first, then Hong Kong, Macao, Taiwan.
fn plans() -> &'static [Plan] {
    static PLANS: OnceLock<Vec<Plan>> = OnceLock::new();
    PLANS.get_or_init(|| {
        let t: PlansText = toml::from_str(PLANS_TOML).expect("phone_cn.toml is valid TOML");
        let plan = |p: PlanText| Plan {
            country_code: p.country_code,
            mobile: Pattern::new(&p.mobile),
            fixed_line: Pattern::new(&p.fixed_line),
            toll_free: Pattern::new(p.toll_free.as_deref().unwrap_or("")),
            shared_cost: Pattern::new(p.shared_cost.as_deref().unwrap_or("")),
        };
        vec![plan(t.cn), plan(t.hk), plan(t.mo), plan(t.tw)]
    })
}

/// The subset of regular expressions libphonenumber's number patterns use — digits, `\d`,
/// `[0-35-9]`, `(?:…)`, `|`, `?`, `{n}`, `{n,m}` — over digits only. An empty pattern
/// matches nothing.
#[derive(Debug)]
struct Pattern(Option<Node>);

#[derive(Debug)]
enum Node {
    /// One digit from the set (bit d for digit d).
    Class(u16),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u8, u8),
}

/// What matching a whole number against a pattern found.
#[derive(Debug, Default, Clone, Copy)]
struct Check {
    /// The whole number matches.
    full: bool,
    /// The number is the start of a longer one that would match (a digit or more short).
    could_grow: bool,
    /// A shorter start of the number matches (a digit or more too many).
    shorter_matches: bool,
}

impl Pattern {
    fn new(text: &str) -> Pattern {
        let src: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if src.is_empty() {
            return Pattern(None);
        }
        let mut p = Parser { s: &src, i: 0 };
        let node = p.alt();
        assert!(
            p.i == src.len(),
            "phone pattern: unexpected {:?} at {} in {}",
            src.get(p.i).map(|b| *b as char),
            p.i,
            String::from_utf8_lossy(&src)
        );
        Pattern(Some(node))
    }

    fn check(&self, number: &str) -> Check {
        let mut c = Check::default();
        if let Some(node) = &self.0 {
            let s = number.as_bytes();
            walk(node, s, 0, &mut c, &mut |pos, c: &mut Check| {
                if pos == s.len() {
                    c.full = true;
                    true
                } else {
                    c.shorter_matches = true;
                    false
                }
            });
        }
        c
    }
}

/// Tries `node` at `pos`, calling `k` with each position it can end at; stops at the first
/// `k` that says the whole number matched. Reaching the end of the number where a digit is
/// wanted is noted as `could_grow`.
fn walk(
    node: &Node,
    s: &[u8],
    pos: usize,
    c: &mut Check,
    k: &mut dyn FnMut(usize, &mut Check) -> bool,
) -> bool {
    match node {
        Node::Class(set) => match s.get(pos) {
            None => {
                c.could_grow = true;
                false
            }
            Some(b) => b.is_ascii_digit() && set & (1 << (b - b'0')) != 0 && k(pos + 1, c),
        },
        Node::Seq(nodes) => seq(nodes, s, pos, c, k),
        Node::Alt(nodes) => nodes.iter().any(|n| walk(n, s, pos, c, k)),
        Node::Repeat(n, min, max) => repeat(n, *min, *max, s, pos, c, k),
    }
}

fn seq(
    nodes: &[Node],
    s: &[u8],
    pos: usize,
    c: &mut Check,
    k: &mut dyn FnMut(usize, &mut Check) -> bool,
) -> bool {
    match nodes.split_first() {
        None => k(pos, c),
        Some((first, rest)) => walk(first, s, pos, c, &mut |p, c: &mut Check| {
            seq(rest, s, p, c, k)
        }),
    }
}

fn repeat(
    node: &Node,
    min: u8,
    max: u8,
    s: &[u8],
    pos: usize,
    c: &mut Check,
    k: &mut dyn FnMut(usize, &mut Check) -> bool,
) -> bool {
    if min == 0 && k(pos, c) {
        return true;
    }
    if max == 0 {
        return false;
    }
    walk(node, s, pos, c, &mut |p, c: &mut Check| {
        repeat(node, min.saturating_sub(1), max - 1, s, p, c, k)
    })
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.i += 1;
        }
        hit
    }

    fn alt(&mut self) -> Node {
        let mut arms = vec![self.seq()];
        while self.eat(b'|') {
            arms.push(self.seq());
        }
        if arms.len() == 1 {
            arms.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Alt(arms)
        }
    }

    fn seq(&mut self) -> Node {
        let mut items = Vec::new();
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' {
                break;
            }
            let atom = self.atom();
            items.push(self.quantified(atom));
        }
        Node::Seq(items)
    }

    fn atom(&mut self) -> Node {
        let b = self.peek().unwrap_or(0);
        self.i += 1;
        match b {
            b'(' => {
                assert!(
                    self.eat(b'?') && self.eat(b':'),
                    "phone pattern: ( without ?:"
                );
                let inner = self.alt();
                assert!(self.eat(b')'), "phone pattern: ( without )");
                inner
            }
            b'\\' => {
                assert!(self.eat(b'd'), "phone pattern: only \\d is known");
                Node::Class(0x3ff)
            }
            b'[' => {
                let mut set = 0u16;
                while let Some(d) = self.peek().filter(|d| d.is_ascii_digit()) {
                    self.i += 1;
                    let mut hi = d;
                    if self.eat(b'-') {
                        hi = self.peek().unwrap_or(d);
                        self.i += 1;
                    }
                    for x in d..=hi {
                        set |= 1 << (x - b'0');
                    }
                }
                assert!(self.eat(b']'), "phone pattern: [ without ]");
                Node::Class(set)
            }
            d if d.is_ascii_digit() => Node::Class(1 << (d - b'0')),
            other => panic!("phone pattern: unexpected {:?}", other as char),
        }
    }

    fn number(&mut self) -> u8 {
        let mut n = 0u8;
        while let Some(d) = self.peek().filter(|d| d.is_ascii_digit()) {
            self.i += 1;
            n = n * 10 + (d - b'0');
        }
        n
    }

    fn quantified(&mut self, atom: Node) -> Node {
        if self.eat(b'?') {
            return Node::Repeat(Box::new(atom), 0, 1);
        }
        if self.eat(b'{') {
            let min = self.number();
            let max = if self.eat(b',') { self.number() } else { min };
            assert!(self.eat(b'}'), "phone pattern: {{ without }}");
            return Node::Repeat(Box::new(atom), min, max);
        }
        atom
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_in_every_common_spelling_normalise_alike() {
        for raw in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "138.0013.8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "+86-138-0013-8000",
            "(+86)138 0013 8000",
            "(+86) 13800138000",
            "0086 138 0013 8000",
            "86 138 0013 8000",
            "１３８００１３８０００",
            "＋８６　１３８－００１３－８０００",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().e164(), "+8613800138000", "{raw}");
        }
    }

    #[test]
    fn landlines_with_area_code_are_accepted() {
        let p = Phone::parse("010-12345678").unwrap();
        assert_eq!(p.e164(), "+861012345678");
        assert_eq!(p.national_digits(), "01012345678");
        let hz = Phone::parse("0571-87654321").unwrap();
        assert_eq!(hz.national_digits(), "057187654321");
        assert_eq!(
            Phone::parse("(0571) 8765 4321").unwrap().e164(),
            "+8657187654321"
        );
        assert_eq!(
            Phone::parse("+86 (0)10 1234 5678").unwrap().e164(),
            "+861012345678"
        );
    }

    #[test]
    fn wrong_numbers_are_refused_saying_what_is_wrong() {
        assert_eq!(
            Phone::parse("1380013800"),
            Err(PhoneError::TooFew {
                kind: PhoneKind::Mobile,
                digits: 10
            })
        );
        assert_eq!(
            Phone::parse("12345"),
            Err(PhoneError::NotInUse {
                kind: PhoneKind::Mobile,
                prefix: "123".into()
            })
        );
        assert_eq!(Phone::parse("138a0013800"), Err(PhoneError::BadChar('a')));
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("138+0013800"), Err(PhoneError::BadChar('+')));
        assert_eq!(
            Phone::parse("010-123456789"),
            Err(PhoneError::TooMany {
                kind: PhoneKind::Landline("010".into()),
                digits: 9
            })
        );
    }

    #[test]
    fn messages_name_the_fault_in_both_languages() {
        let e = Phone::parse("138001380001").unwrap_err();
        assert_eq!(e.message(Lang::Zh), "位数太多:手机号11位,这里有12位");
        assert_eq!(
            e.message(Lang::En),
            "too many digits: a mobile number has 11, this has 12"
        );
        assert_eq!(e.to_string(), e.message(Lang::En));
        let e = Phone::parse("10912345678").unwrap_err();
        assert!(e.message(Lang::Zh).contains("没有109开头的手机号段"), "{e}");
        assert!(
            Phone::parse("1380o138000")
                .unwrap_err()
                .message(Lang::Zh)
                .contains("字母")
        );
    }

    #[test]
    fn the_plans_load_and_their_own_examples_are_valid() {
        let t: toml::Value = toml::from_str(PLANS_TOML).unwrap();
        for (territory, plan) in t.as_table().unwrap() {
            let cc = plan["country_code"].as_str().unwrap();
            for (k, v) in plan.as_table().unwrap() {
                if let Some(kind) = k.strip_suffix("_example") {
                    let raw = format!("+{cc} {}", v.as_str().unwrap());
                    assert!(Phone::parse(&raw).is_ok(), "{territory} {kind} {raw}");
                }
            }
        }
    }

    #[test]
    fn the_matcher_reads_the_whole_number() {
        let p = Pattern::new(r"1(?:[38]\d|4[57])\d{8}|9\d{2,3}");
        assert!(p.check("13800138000").full);
        assert!(!p.check("1380013800").full && p.check("1380013800").could_grow);
        let long = p.check("138001380001");
        assert!(!long.full && long.shorter_matches && !long.could_grow);
        assert!(!p.check("12800138000").full);
        assert!(p.check("912").full && p.check("9123").full && !p.check("91234").full);
    }

    #[test]
    fn masking_shows_three_and_four() {
        assert_eq!(mask("+8613800138000"), "138****8000");
        assert_eq!(mask("+861012345678"), "010****5678");
        assert_eq!(national_digits("+864001234567"), "4001234567");
    }

    #[test]
    fn service_hotlines_are_numbers_a_service_can_have() {
        for (raw, want) in [
            ("12333", "12333"),
            ("12348", "12348"),
            ("110", "110"),
            ("95588", "95588"),
            ("400-810-8888", "4008108888"),
        ] {
            assert_eq!(service_number(raw).as_deref(), Some(want), "{raw}");
        }
        for raw in ["1234567", "22333", "12a33", "13812345678", "4001234", ""] {
            assert_eq!(service_number(raw), None, "{raw}");
        }
    }
}

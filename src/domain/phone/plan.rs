//! The numbering plans (`phone_cn.toml`) and the matcher of their patterns: which whole
//! national numbers a territory uses, and how far a number is from one.

use std::sync::OnceLock;

/// One territory's patterns over its national numbers (no country code, no trunk 0).
pub(super) struct Plan {
    pub(super) country_code: String,
    pub(super) mobile: Pattern,
    pub(super) fixed_line: Pattern,
    pub(super) toll_free: Pattern,
    pub(super) shared_cost: Pattern,
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
pub const PLANS_TOML: &str = include_str!("../phone_cn.toml");

/// Mainland China first, then Hong Kong, Macao, Taiwan.
pub(super) fn plans() -> &'static [Plan] {
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
pub(super) struct Pattern(Option<Node>);

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
pub(super) struct Check {
    /// The whole number matches.
    pub(super) full: bool,
    /// The number is the start of a longer one that would match (a digit or more short).
    pub(super) could_grow: bool,
    /// A shorter start of the number matches (a digit or more too many).
    pub(super) shorter_matches: bool,
}

impl Pattern {
    pub(super) fn new(text: &str) -> Pattern {
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

    pub(super) fn check(&self, number: &str) -> Check {
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

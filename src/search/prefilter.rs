//! The masks that reject most openings before their text is matched: the letters and
//! initials a text's pinyin readings hold, the pairs of letters that can stand next to
//! each other in a contiguous match, and a bloom of its Chinese characters — for an
//! opening's fields as the index is built, and for a query's terms.

use super::pinyin_table::readings;

pub(super) fn letter_bit(b: u8) -> u32 {
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

pub(super) fn set_bigram(mask: &mut [u64; 4], a: u8, b: u8) {
    let s = bigram_slot(a, b);
    mask[s / 64] |= 1 << (s % 64);
}

/// Calls `f` with the letter (or digit) each set bit of a `letter_bit` mask stands for.
fn for_each_bit(mut bits: u32, mut f: impl FnMut(u8)) {
    while bits != 0 {
        #[allow(clippy::cast_possible_truncation)] // a u32's trailing zeros: at most 32
        let i = bits.trailing_zeros() as u8;
        bits &= bits - 1;
        // Digits share bits 26–31 (see letter_bit): they stand for the digits 0–5 there.
        f(if i < 26 { b'a' + i } else { b'0' + i - 26 });
    }
}

/// The masks one field of an opening adds to the opening's (bigrams and initials never
/// cross fields, so an opening's masks are its fields' or-ed together).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FieldKeys {
    pub(super) letters: u32,
    pub(super) initials: u32,
    pub(super) bloom: u64,
    pub(super) bigrams: [u64; 4],
}

impl FieldKeys {
    pub(super) fn of(field: &str) -> FieldKeys {
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

    pub(super) fn add(&mut self, o: FieldKeys) {
        self.letters |= o.letters;
        self.initials |= o.initials;
        self.bloom |= o.bloom;
        for (m, b) in self.bigrams.iter_mut().zip(o.bigrams) {
            *m |= b;
        }
    }
}

/// What a Chinese character adds to an opening's masks, worked out once from its readings
/// (a million openings hold some twenty million characters).
pub(super) struct CharKeys {
    /// Initials of its readings.
    pub(super) starts: u32,
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

pub(super) fn char_keys(c: char) -> Option<&'static CharKeys> {
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
                for r in char::from_u32(code).map_or(&[][..], readings) {
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

pub(super) fn bloom_bit(c: char) -> u64 {
    1u64 << ((c as u32).wrapping_mul(2_654_435_761) >> 26)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

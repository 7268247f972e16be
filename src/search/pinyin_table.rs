//! Every pinyin reading (plain, no tones) of each common Chinese character, looked up in a
//! flat table built once: the matcher asks for readings millions of times per keystroke.
//!
//! Readings are ASCII as people type them: ü (吕 lü, 女 nü, 略 lüe) is kept twice, as `v`
//! (what pinyin keyboards take) and as `u` (what most people type), so `lv`, `lu` and — the
//! query read by `fold_query` — `lü` all find 吕; ê (欸) as `e`.

use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

/// The CJK Unified Ideographs block, where job titles and employers' names live.
const FIRST: u32 = 0x4E00;
const LAST: u32 = 0x9FFF;

struct Table {
    /// For each character: start and end in `readings`.
    spans: Vec<(u32, u16)>,
    readings: Vec<&'static str>,
}

#[allow(clippy::cast_possible_truncation)] // a fixed table: 20,992 characters, a few readings each
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut spans = Vec::with_capacity((LAST - FIRST + 1) as usize);
        let mut readings = Vec::new();
        for code in FIRST..=LAST {
            let start = readings.len() as u32;
            if let Some(multi) = char::from_u32(code).and_then(|c| c.to_pinyin_multi()) {
                for p in multi {
                    for r in typed(p.plain()) {
                        if !readings[start as usize..].contains(&r) {
                            readings.push(r);
                        }
                    }
                }
            }
            spans.push((start, (readings.len() as u32 - start) as u16));
        }
        Table { spans, readings }
    })
}

/// A reading as it can be typed: itself if ASCII; with ü as `v` and as `u`, ê as `e`.
fn typed(plain: &'static str) -> Vec<&'static str> {
    if plain.is_ascii() {
        return vec![plain];
    }
    // The few syllables with ü or ê; anything else non-ASCII is spelled out once and kept
    // (the table is built once per process).
    match plain {
        "lü" => vec!["lv", "lu"],
        "nü" => vec!["nv", "nu"],
        "lüe" => vec!["lve", "lue"],
        "nüe" => vec!["nve", "nue"],
        "ê" => vec!["e"],
        other => {
            let v: &'static str =
                Box::leak(other.replace('ü', "v").replace('ê', "e").into_boxed_str());
            let u: &'static str =
                Box::leak(other.replace('ü', "u").replace('ê', "e").into_boxed_str());
            vec![v, u]
        }
    }
}

/// What was typed, as the table spells readings: lower case, `ü` (or `u` with a combining
/// diaeresis, or `Ü`) as `v`, `ê` as `e`.
pub fn fold_query(q: &str) -> String {
    let mut out = String::with_capacity(q.len());
    for c in q.chars() {
        match c {
            'ü' | 'Ü' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => out.push('v'),
            '\u{308}' if out.ends_with('u') => {
                out.pop();
                out.push('v');
            }
            'ê' | 'Ê' => out.push('e'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// The readings of `c` (empty for characters without one).
pub fn readings(c: char) -> &'static [&'static str] {
    let code = c as u32;
    if !(FIRST..=LAST).contains(&code) {
        return &[];
    }
    let t = table();
    let (start, len) = t.spans[(code - FIRST) as usize];
    &t.readings[start as usize..start as usize + len as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heteronyms_have_every_reading() {
        assert!(readings('行').contains(&"xing") && readings('行').contains(&"hang"));
        assert!(readings('长').contains(&"chang") && readings('长').contains(&"zhang"));
        assert_eq!(readings('快'), &["kuai"]);
        assert!(readings('a').is_empty());
    }

    #[test]
    fn u_umlaut_readings_are_typed_as_v_and_u() {
        for (c, v, u) in [
            ('吕', "lv", "lu"),
            ('女', "nv", "nu"),
            ('绿', "lv", "lu"),
            ('旅', "lv", "lu"),
            ('律', "lv", "lu"),
            ('略', "lve", "lue"),
            ('虐', "nve", "nue"),
        ] {
            let r = readings(c);
            assert!(r.contains(&v) && r.contains(&u), "{c}: {r:?}");
            assert!(r.iter().all(|r| r.is_ascii()), "{c}: {r:?}");
        }
        assert_eq!(fold_query("Lü"), "lv");
        assert_eq!(fold_query("nu\u{308}e"), "nve");
    }
}

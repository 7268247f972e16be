//! Every pinyin reading (plain, no tones) of each common Chinese character, looked up in a
//! flat table built once: the matcher asks for readings millions of times per keystroke.

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

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut spans = Vec::with_capacity((LAST - FIRST + 1) as usize);
        let mut readings = Vec::new();
        for code in FIRST..=LAST {
            let start = readings.len() as u32;
            if let Some(multi) = char::from_u32(code).and_then(|c| c.to_pinyin_multi()) {
                for p in multi {
                    let r = p.plain();
                    if !readings[start as usize..].contains(&r) {
                        readings.push(r);
                    }
                }
            }
            spans.push((start, (readings.len() as u32 - start) as u16));
        }
        Table { spans, readings }
    })
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
}

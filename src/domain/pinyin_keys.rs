//! Search keys for Chinese names: officers find 张三 by typing `zs` (initials) or `zhangsan`
//! (full pinyin). A character with several readings (曾 zeng/ceng, 单 shan/dan) is indexed
//! under each, so whichever reading the officer has in mind finds the person.

use pinyin::ToPinyinMulti;

/// Upper bound on reading combinations kept per name, so a name of many heteronyms
/// cannot blow up the index.
const MAX_VARIANTS: usize = 16;

/// Lower-case ASCII keys for a name: every combination of initials and of full pinyin.
/// Non-Chinese characters are kept, lower-cased, with blanks dropped (`Li Ming` → `liming`).
pub fn name_keys(name: &str) -> Vec<String> {
    let mut initials: Vec<String> = vec![String::new()];
    let mut full: Vec<String> = vec![String::new()];
    for c in name.chars() {
        if c.is_whitespace() || c == '·' || c == '•' {
            continue;
        }
        let readings: Vec<&'static str> = match c.to_pinyin_multi() {
            Some(multi) => {
                let mut v: Vec<&str> = multi.into_iter().map(|p| p.plain()).collect();
                v.dedup();
                v
            }
            None => Vec::new(),
        };
        if readings.is_empty() {
            let lower: String = c.to_lowercase().collect();
            for s in initials.iter_mut().chain(full.iter_mut()) {
                s.push_str(&lower);
            }
            continue;
        }
        initials = extend(&initials, &readings.iter().map(|r| &r[..1]));
        full = extend(&full, &readings.iter().copied());
    }
    let mut keys: Vec<String> = initials
        .into_iter()
        .chain(full)
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn extend<'a>(
    prefixes: &[String],
    readings: &(impl Iterator<Item = &'a str> + Clone),
) -> Vec<String> {
    let mut out = Vec::new();
    for p in prefixes {
        for r in readings.clone() {
            if out.len() >= MAX_VARIANTS {
                return dedup(out);
            }
            out.push(format!("{p}{r}"));
        }
    }
    dedup(out)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Whether what the officer typed looks like a pinyin query rather than a name or a number
/// (letters, with ü typed as such: `lü`).
pub fn is_pinyin_query(q: &str) -> bool {
    !q.is_empty()
        && q.chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, 'ü' | 'Ü'))
}

/// A pinyin query as keys are stored: lower case, `Ü` as `ü`. (Keys spell ü as `ü`, as the
/// pinyin crate does; the lookup tries `lv`/`lu` as `lü` too: `store::visitors::key_spellings`.)
pub fn fold_query(q: &str) -> String {
    q.chars()
        .map(|c| {
            if c == 'Ü' {
                'ü'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_full_pinyin() {
        let keys = name_keys("张三");
        assert!(keys.contains(&"zs".to_string()), "{keys:?}");
        assert!(keys.contains(&"zhangsan".to_string()), "{keys:?}");
    }

    #[test]
    fn every_reading_of_a_heteronym_is_indexed() {
        let keys = name_keys("曾小行");
        // 曾 zeng/ceng, 行 xing/hang
        for k in ["zxx", "zxh", "cxx", "zengxiaoxing", "zengxiaohang"] {
            assert!(keys.contains(&k.to_string()), "{k} missing from {keys:?}");
        }
    }

    #[test]
    fn u_umlaut_names_are_keyed_with_u_umlaut() {
        // What every database so far holds; the lookup finds it typed as lv, lu or lü.
        let keys = name_keys("吕女");
        assert!(keys.contains(&"lünü".to_string()), "{keys:?}");
        assert!(keys.contains(&"ln".to_string()), "{keys:?}");
        assert!(is_pinyin_query("lü") && is_pinyin_query("LÜ") && !is_pinyin_query("l1"));
        assert_eq!(fold_query("LÜ"), "lü");
    }

    #[test]
    fn latin_names_are_lowercased() {
        assert_eq!(name_keys("Li Ming"), vec!["liming".to_string()]);
    }
}

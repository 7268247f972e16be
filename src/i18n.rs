//! The interface language. Chinese is the default; `--lang en` switches to English.
//! The terminal's own strings (panes, widgets, the commands' edges) live next to the code
//! that shows them, as `lang.pick("中文", "English")`, so a newcomer sees both at the place
//! they are used. Below the terminal, sentences live in the message catalog (`src/words`):
//! `domain/`, `store/`, `import/`, `report/`, `export/` and `hub/` never pick by language
//! (tests/layout.rs).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "chinese" | "中文" => Some(Lang::Zh),
            "en" | "en-us" | "en-gb" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

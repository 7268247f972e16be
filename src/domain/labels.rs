//! Closed lists (channel, category, occupation...) share one shape: a stable code stored in
//! the database, a Chinese label and an English label. `labeled_enum!` writes that shape once.

use crate::i18n::Lang;

/// A value from a closed list with a stored code and labels in both languages.
pub trait Labeled: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn zh(self) -> &'static str;
    fn en(self) -> &'static str;

    fn label(self, lang: Lang) -> &'static str {
        crate::words::label(lang, self.zh(), self.en())
    }

    /// The value as a message's parameter, said in the message's language.
    fn arg(self) -> crate::words::Arg {
        crate::words::Arg::Label {
            zh: self.zh(),
            en: self.en(),
        }
    }

    /// The same in lower case (a list's English label inside a sentence).
    fn arg_lower(self) -> crate::words::Arg {
        crate::words::Arg::Lower(Box::new(self.arg()))
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }

    /// Accepts the code, the Chinese label or the English label (case-insensitive), as
    /// people write them in ledgers.
    fn parse_loose(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL.iter().copied().find(|v| {
            v.code().eq_ignore_ascii_case(t) || v.zh() == t || v.en().eq_ignore_ascii_case(t)
        })
    }

    fn index(self) -> usize {
        let code = self.code();
        Self::ALL.iter().position(|v| v.code() == code).unwrap_or(0)
    }
}

#[macro_export]
macro_rules! labeled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $crate::domain::labels::Labeled for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            fn zh(self) -> &'static str { match self { $($name::$variant => $zh),+ } }
            fn en(self) -> &'static str { match self { $($name::$variant => $en),+ } }
        }
    };
}

//! The roster offered by F8: type a name or its pinyin initials to narrow it, ↑↓ to pick.
//! Picking fills the form with the officer as recorded; nothing on the roster changes
//! unless the officer then changes a role or affiliation and saves (an explicit act).

use crate::domain::pinyin_keys::name_keys;
use crate::store::Officer;

#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub all: Vec<Officer>,
    /// Indexes into `all` of those matching what was typed.
    pub shown: Vec<usize>,
    /// The highlighted one among `shown`.
    pub sel: Option<usize>,
}

impl Roster {
    pub fn new(all: Vec<Officer>) -> Roster {
        let mut r = Roster {
            all,
            ..Roster::default()
        };
        r.filter("");
        r
    }

    /// Narrows the list to names containing `typed` or whose pinyin starts with it.
    pub fn filter(&mut self, typed: &str) {
        let typed = typed.trim();
        let lower = typed.to_lowercase();
        self.shown = self
            .all
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                typed.is_empty()
                    || o.name.contains(typed)
                    || name_keys(&o.name).iter().any(|k| k.starts_with(&lower))
            })
            .map(|(i, _)| i)
            .collect();
        self.sel = None;
    }

    /// The officer recorded under exactly this name, if any.
    pub fn named(&self, name: &str) -> Option<&Officer> {
        self.all.iter().find(|o| o.name == name.trim())
    }

    /// Moves the highlight (wrapping) and returns the officer now highlighted.
    pub fn step(&mut self, by: isize) -> Option<&Officer> {
        let n = self.shown.len();
        if n == 0 {
            return None;
        }
        let next = match self.sel {
            None if by >= 0 => 0,
            None => n - 1,
            Some(i) => (i.cast_signed() + by)
                .rem_euclid(n.cast_signed())
                .cast_unsigned(),
        };
        self.sel = Some(next);
        self.all.get(self.shown[next])
    }

    pub fn visible(&self) -> impl Iterator<Item = (bool, &Officer)> {
        self.shown
            .iter()
            .enumerate()
            .map(|(i, &at)| (self.sel == Some(i), &self.all[at]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lists::Role;

    fn officer(name: &str) -> Officer {
        Officer {
            id: name.into(),
            name: name.into(),
            role: Role::Cadre,
            affiliation: String::new(),
        }
    }

    #[test]
    fn typing_a_name_or_its_initials_narrows_the_roster() {
        let mut r = Roster::new(vec![officer("李梅"), officer("王建国"), officer("赵敏")]);
        assert_eq!(r.shown.len(), 3);
        r.filter("wjg");
        assert_eq!(
            r.visible()
                .map(|(_, o)| o.name.as_str())
                .collect::<Vec<_>>(),
            ["王建国"]
        );
        r.filter("敏");
        assert_eq!(r.step(1).map(|o| o.name.as_str()), Some("赵敏"));
        r.filter("");
        assert_eq!(r.step(-1).map(|o| o.name.as_str()), Some("赵敏"));
        assert_eq!(r.step(1).map(|o| o.name.as_str()), Some("李梅"));
        assert!(r.named("王建国").is_some() && r.named("王").is_none());
    }
}

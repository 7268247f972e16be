//! A form: labelled fields in a column, one focused. Text fields are tui-input, choices
//! cycle through a closed list, and a text area takes several lines. The intake pane and
//! the first-run setup are both forms. Its drawing is `view.rs`.

mod view;

use std::borrow::Cow;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

use crate::domain::labels::Labeled;
use crate::i18n::Lang;
use crate::text;
use crate::widgets::textarea::TextArea;

/// Longest text a single field takes; more is cut (a paste of a whole file must not
/// freeze the screen).
pub const MAX_FIELD_CHARS: usize = 10_000;

/// One option of a choice field: the code stored, and what each language shows. Most
/// come from closed lists (`&'static str`); some, like officers' names, are made at run time.
#[derive(Debug, Clone)]
pub struct Choice {
    pub code: Cow<'static, str>,
    pub zh: Cow<'static, str>,
    pub en: Cow<'static, str>,
}

impl Choice {
    pub fn new(
        code: impl Into<Cow<'static, str>>,
        zh: impl Into<Cow<'static, str>>,
        en: impl Into<Cow<'static, str>>,
    ) -> Choice {
        Choice {
            code: code.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }
}

pub fn choices_of<T: Labeled>() -> Vec<Choice> {
    T::ALL
        .iter()
        .map(|v| Choice::new(v.code(), v.zh(), v.en()))
        .collect()
}

#[derive(Debug, Clone)]
pub enum Value {
    Text(Input),
    Choice { options: Vec<Choice>, index: usize },
    Area { area: TextArea, rows: u16 },
}

/// How a field shows its value when it does not have focus.
#[derive(Debug, Clone, Copy)]
pub enum Mask {
    None,
    /// Sensitive (ID numbers, phones): masked unless focused.
    With(fn(&str) -> String),
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub id: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// Said instead of the label where the label column is too narrow for it (80 columns).
    pub short: Option<(&'static str, &'static str)>,
    pub required: bool,
    pub value: Value,
    pub mask: Mask,
    /// A value from the record (a returning visitor's phone or ID number): masked even
    /// while focused, until revealed with the audited key or replaced by typing.
    pub hidden: bool,
    /// Shown in full even without focus, after the audited key.
    pub revealed: bool,
    pub error: Option<String>,
    /// A short read-only note shown after the value (e.g. age from the ID number).
    pub note: Option<String>,
    /// On the form: a field asked only in some cases (the intake's arbitration facts) is
    /// neither drawn nor reached by Tab while not; its value stays.
    pub shown: bool,
}

impl FormField {
    pub fn text(id: &'static str, zh: &'static str, en: &'static str) -> FormField {
        FormField {
            id,
            label_zh: zh,
            label_en: en,
            short: None,
            required: false,
            value: Value::Text(Input::default()),
            mask: Mask::None,
            hidden: false,
            revealed: false,
            error: None,
            note: None,
            shown: true,
        }
    }

    pub fn choice(
        id: &'static str,
        zh: &'static str,
        en: &'static str,
        options: Vec<Choice>,
    ) -> FormField {
        FormField {
            value: Value::Choice { options, index: 0 },
            ..FormField::text(id, zh, en)
        }
    }

    pub fn area(id: &'static str, zh: &'static str, en: &'static str, rows: u16) -> FormField {
        FormField {
            value: Value::Area {
                area: TextArea::default(),
                rows,
            },
            ..FormField::text(id, zh, en)
        }
    }

    /// A shorter label for a narrow label column, in both languages.
    pub fn short(mut self, zh: &'static str, en: &'static str) -> FormField {
        self.short = Some((zh, en));
        self
    }

    pub fn required(mut self) -> FormField {
        self.required = true;
        self
    }

    pub fn masked(mut self, f: fn(&str) -> String) -> FormField {
        self.mask = Mask::With(f);
        self
    }

    fn rows(&self) -> u16 {
        match &self.value {
            Value::Area { rows, .. } => *rows,
            _ => 1,
        }
    }

    pub fn text_value(&self) -> String {
        match &self.value {
            Value::Text(i) => i.value().to_string(),
            Value::Area { area, .. } => area.value().to_string(),
            Value::Choice { options, index } => options[*index].code.to_string(),
        }
    }

    /// Whether the officer has put anything in it (choices count once moved off the first).
    pub fn is_touched(&self) -> bool {
        match &self.value {
            Value::Text(i) => !i.value().trim().is_empty(),
            Value::Area { area, .. } => !area.value().trim().is_empty(),
            Value::Choice { index, .. } => *index != 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub fields: Vec<FormField>,
    pub focus: usize,
    /// Columns the label column takes.
    pub label_cols: u16,
    /// What has been typed into the focused choice field (see `type_into_choice`), and
    /// which field that was: typing elsewhere starts afresh.
    typed: (usize, String),
}

/// What an editing key did to the focused field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The field did not take the key; the keymap gets it.
    NotMine,
    /// The key moved the cursor only.
    Moved,
    /// The value changed.
    Changed,
}

/// What a dialog's keys asked of its form: the one navigation every form dialog shares.
/// A dialog commits only on `Save`: next-field on the last field goes back to the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// Focus moved to another field.
    Moved,
    /// The focused choice changed (true) or could not (false).
    Cycled(bool),
    /// The save action: the dialog's one way to commit.
    Save,
    /// Back: close the dialog without saving.
    Back,
    /// Not a form action: the dialog's own (or nothing).
    Other(crate::action::Action),
}

impl Form {
    /// Next / previous field (wrapping, never committing), change a choice, save, back.
    pub fn navigate(&mut self, action: crate::action::Action) -> Nav {
        use crate::action::Action;
        let last = self.fields.len().saturating_sub(1);
        match action {
            Action::NextField => {
                self.focus = self.step(self.focus, true).unwrap_or(0);
                Nav::Moved
            }
            Action::PrevField => {
                self.focus = self
                    .step(self.focus, false)
                    .or_else(|| self.step(last + 1, false))
                    .unwrap_or(last);
                Nav::Moved
            }
            Action::NextChoice | Action::PrevChoice => {
                Nav::Cycled(self.cycle(action == Action::NextChoice))
            }
            Action::Save => Nav::Save,
            Action::Back => Nav::Back,
            other => Nav::Other(other),
        }
    }

    /// The next shown field after (`forward`) or before `from`, if any.
    pub fn step(&self, from: usize, forward: bool) -> Option<usize> {
        if forward {
            (from + 1..self.fields.len()).find(|&i| self.fields[i].shown)
        } else {
            (0..from.min(self.fields.len()))
                .rev()
                .find(|&i| self.fields[i].shown)
        }
    }

    pub fn new(fields: Vec<FormField>) -> Form {
        Form {
            fields,
            focus: 0,
            label_cols: 12,
            typed: (0, String::new()),
        }
    }

    pub fn field(&self, id: &str) -> &FormField {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .expect("field id exists")
    }

    pub fn field_mut(&mut self, id: &str) -> &mut FormField {
        self.fields
            .iter_mut()
            .find(|f| f.id == id)
            .expect("field id exists")
    }

    /// Whether the form has a field `id` (a dialog's forms differ by what it does).
    pub fn has(&self, id: &str) -> bool {
        self.fields.iter().any(|f| f.id == id)
    }

    pub fn get(&self, id: &str) -> String {
        self.field(id).text_value()
    }

    pub fn set(&mut self, id: &str, value: &str) {
        let f = self.field_mut(id);
        f.hidden = false;
        f.revealed = false;
        match &mut f.value {
            Value::Text(i) => *i = Input::new(value.to_string()),
            Value::Area { area, .. } => *area = TextArea::new(value),
            Value::Choice { options, index } => {
                *index = options.iter().position(|o| o.code == value).unwrap_or(0);
            }
        }
    }

    /// Sets a value from the record that stays masked on screen (see `FormField::hidden`).
    pub fn set_hidden(&mut self, id: &str, value: &str) {
        self.set(id, value);
        self.field_mut(id).hidden = !value.is_empty();
    }

    /// The ids of the fields whose values are hidden (see `FormField::hidden`).
    pub fn hidden_ids(&self) -> Vec<&'static str> {
        self.fields
            .iter()
            .filter(|f| f.hidden)
            .map(|f| f.id)
            .collect()
    }

    /// Shows the hidden values in full; returns the ids of the fields that were hidden.
    pub fn reveal(&mut self) -> Vec<&'static str> {
        self.fields
            .iter_mut()
            .filter(|f| f.hidden)
            .map(|f| {
                f.hidden = false;
                f.revealed = true;
                f.id
            })
            .collect()
    }

    pub fn choice<T: Labeled>(&self, id: &str) -> Option<T> {
        T::from_code(&self.get(id))
    }

    pub fn focused(&self) -> &FormField {
        &self.fields[self.focus]
    }

    pub fn focused_id(&self) -> &'static str {
        self.fields[self.focus].id
    }

    pub fn is_touched(&self) -> bool {
        self.fields.iter().any(|f| f.is_touched())
    }

    pub fn clear_errors(&mut self) {
        for f in &mut self.fields {
            f.error = None;
        }
    }

    pub fn set_error(&mut self, id: &str, message: Option<String>) {
        self.field_mut(id).error = message;
    }

    pub fn focus_id(&mut self, id: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id) {
            self.focus = i;
        }
    }

    /// Cycles a choice field; returns false if the focused field is not a choice.
    pub fn cycle(&mut self, forward: bool) -> bool {
        self.typed.1.clear();
        if let Value::Choice { options, index } = &mut self.fields[self.focus].value {
            let n = options.len();
            *index = if forward {
                (*index + 1) % n
            } else {
                (*index + n - 1) % n
            };
            true
        } else {
            false
        }
    }

    /// Typing in a choice field picks the option it starts: the English label's first
    /// letters, the Chinese label's pinyin initials or full pinyin (`jz` → 建筑工人), or
    /// the Chinese itself. Letters typed in a row narrow the pick; a letter that fits no
    /// option with those before it starts again from the next option, so pressing the same
    /// letter again goes on to the next option it starts.
    fn type_into_choice(&mut self, c: char) -> Edit {
        let focus = self.focus;
        if self.typed.0 != focus {
            self.typed = (focus, String::new());
        }
        let Value::Choice { options, index } = &mut self.fields[focus].value else {
            return Edit::NotMine;
        };
        let c: String = c.to_lowercase().collect();
        // A placeholder ("请选择", code "") is never what was typed for.
        let starts = |o: &Choice, typed: &str| {
            !o.code.is_empty()
                && (o.en.to_lowercase().starts_with(typed)
                    || o.zh.starts_with(typed)
                    || crate::domain::pinyin_keys::name_keys(&o.zh)
                        .iter()
                        .any(|k| k.starts_with(typed)))
        };
        let n = options.len();
        let longer = format!("{}{c}", self.typed.1);
        // The narrower pick keeps the option in hand if it still fits; a new start moves on.
        let pick = (0..n)
            .map(|k| (*index + k) % n)
            .find(|&i| starts(&options[i], &longer))
            .map(|i| (i, longer))
            .or_else(|| {
                (1..=n)
                    .map(|k| (*index + k) % n)
                    .find(|&i| starts(&options[i], &c))
                    .map(|i| (i, c))
            });
        match pick {
            Some((i, typed)) => {
                let changed = i != *index;
                *index = i;
                self.typed.1 = typed;
                if changed { Edit::Changed } else { Edit::Moved }
            }
            None => {
                self.typed.1.clear();
                Edit::Moved
            }
        }
    }

    /// Gives the focused field first claim on a key: text fields take plain characters
    /// and cursor keys, so a one-letter command never fires while someone types 张三.
    pub fn edit_key(&mut self, key: &KeyEvent, area_cols: usize) -> Edit {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if matches!(self.fields[self.focus].value, Value::Choice { .. }) {
            // Space is the keymap's (it cycles); any other character picks by its start.
            return match key.code {
                KeyCode::Char(c) if plain && c != ' ' => self.type_into_choice(c),
                _ => Edit::NotMine,
            };
        }
        let field = &mut self.fields[self.focus];
        if field.hidden {
            // Nobody edits a number they cannot see: typing replaces it, erasing clears
            // it, and the cursor has nowhere to go.
            match key.code {
                KeyCode::Char(_) if plain => {
                    field.value = Value::Text(Input::default());
                    field.hidden = false;
                }
                KeyCode::Backspace | KeyCode::Delete if plain => {
                    field.value = Value::Text(Input::default());
                    field.hidden = false;
                    return Edit::Changed;
                }
                KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End => {
                    return Edit::Moved;
                }
                _ => return Edit::NotMine,
            }
        }
        match &mut field.value {
            Value::Text(input) => {
                let req = match key.code {
                    KeyCode::Char(c) if plain => InputRequest::InsertChar(c),
                    KeyCode::Backspace if plain => InputRequest::DeletePrevChar,
                    KeyCode::Delete if plain => InputRequest::DeleteNextChar,
                    KeyCode::Left if plain => InputRequest::GoToPrevChar,
                    KeyCode::Right if plain => InputRequest::GoToNextChar,
                    KeyCode::Left => InputRequest::GoToPrevWord,
                    KeyCode::Right => InputRequest::GoToNextWord,
                    KeyCode::Home => InputRequest::GoToStart,
                    KeyCode::End => InputRequest::GoToEnd,
                    _ => return Edit::NotMine,
                };
                if matches!(req, InputRequest::InsertChar(_))
                    && input.value().chars().count() >= MAX_FIELD_CHARS
                {
                    return Edit::Moved;
                }
                match input.handle(req) {
                    Some(change) if change.value => Edit::Changed,
                    _ => Edit::Moved,
                }
            }
            Value::Area { area, .. } => {
                let before = area.value().len();
                // Only plain typing counts: Ctrl-S on a full summary must still save.
                let is_char = plain && matches!(key.code, KeyCode::Char(_) | KeyCode::Enter);
                if is_char && area.value().chars().count() >= MAX_FIELD_CHARS {
                    return Edit::Moved;
                }
                if !area.handle_key(key, area_cols) {
                    return Edit::NotMine;
                }
                let changed = area.value().len() != before || is_char;
                if changed { Edit::Changed } else { Edit::Moved }
            }
            Value::Choice { .. } => Edit::NotMine,
        }
    }

    /// Inserts pasted text (IME commits can arrive as a paste) into the focused field.
    /// Returns how many characters were dropped to stay within the field's limit.
    pub fn paste(&mut self, pasted: &str) -> usize {
        let field = &mut self.fields[self.focus];
        if field.hidden {
            field.value = Value::Text(Input::default());
            field.hidden = false;
        }
        let current = match &field.value {
            Value::Text(i) => i.value().chars().count(),
            Value::Area { area, .. } => area.value().chars().count(),
            Value::Choice { .. } => return 0,
        };
        let room = MAX_FIELD_CHARS.saturating_sub(current);
        let total = pasted.chars().count();
        let take: String = pasted.chars().take(room).collect();
        match &mut field.value {
            Value::Text(input) => {
                for c in take.chars() {
                    let c = if c == '\n' || c == '\r' || c == '\t' {
                        ' '
                    } else {
                        c
                    };
                    input.handle(InputRequest::InsertChar(c));
                }
            }
            Value::Area { area, .. } => area.insert_str(&take),
            Value::Choice { .. } => {}
        }
        total.saturating_sub(room)
    }

    /// The height the form needs.
    pub fn height(&self) -> u16 {
        self.fields
            .iter()
            .filter(|f| f.shown)
            .map(|f| f.rows())
            .sum()
    }

    /// The longest a field's label is, in columns, to size the label column.
    pub fn fit_labels(&mut self, lang: Lang) {
        let widest = self
            .fields
            .iter()
            .map(|f| text::width(lang.pick(f.label_zh, f.label_en)) + usize::from(f.required))
            .max()
            .unwrap_or(8);
        self.label_cols = crate::widgets::cells(widest + 1);
    }
}

/// A list's search line while it is typed in: edits the text; `Enter` keeps it and
/// stops typing, `Esc` drops it. `None`: not a key for the line; `Some(changed)`.
pub fn search_line_key(
    search: &mut Option<Input>,
    typing: &mut bool,
    key: &KeyEvent,
) -> Option<bool> {
    let req = match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            InputRequest::InsertChar(c)
        }
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Enter => {
            *typing = false;
            return Some(false);
        }
        KeyCode::Esc => {
            *search = None;
            *typing = false;
            return Some(true);
        }
        _ => return None,
    };
    search.get_or_insert_with(Input::default).handle(req);
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lists::Occupation;

    fn typed(form: &mut Form, keys: &str) -> String {
        for c in keys.chars() {
            form.edit_key(&KeyEvent::from(KeyCode::Char(c)), 40);
        }
        form.get("occupation")
    }

    fn occupation_form() -> Form {
        Form::new(vec![FormField::choice(
            "occupation",
            "职业",
            "Occupation",
            choices_of::<Occupation>(),
        )])
    }

    #[test]
    fn a_choice_field_takes_typing_by_pinyin_initials_english_or_chinese() {
        let mut f = occupation_form();
        assert_eq!(typed(&mut f, "jz"), "construction", "jz: 建筑工人");
        let mut f = occupation_form();
        assert_eq!(typed(&mut f, "bao"), "security", "bao: 保安 in pinyin");
        let mut f = occupation_form();
        assert_eq!(typed(&mut f, "tr"), "driver", "tr: Truck driver");
        let mut f = occupation_form();
        assert_eq!(typed(&mut f, "家"), "domestic");
        // The same letter again goes on to the next option it starts: 环卫工人, 货车司机.
        let mut f = occupation_form();
        assert_eq!(typed(&mut f, "h"), "sanitation");
        assert_eq!(typed(&mut f, "h"), "driver");
        assert_eq!(typed(&mut f, "h"), "sanitation");
        // A letter nothing starts with leaves the choice as it was; Space stays the keymap's.
        let mut f = occupation_form();
        assert_eq!(typed(&mut f, "jz"), "construction");
        assert_eq!(typed(&mut f, "v"), "construction");
        assert_eq!(
            f.edit_key(&KeyEvent::from(KeyCode::Char(' ')), 40),
            Edit::NotMine
        );
    }
}

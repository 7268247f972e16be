//! What a pane's update gets and gives back. A pane changes only its own state; anything
//! beyond it — a dialog to open, a message, another part of the desk to reload, quitting —
//! it asks for as an [`Effect`], which the app applies. The [`Ctx`] is what it may read
//! (and the store it writes through).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

use crate::config::Config;
use crate::domain::clock::Clock;
use crate::i18n::Lang;
use crate::keymap::Keymap;
use crate::store::{Officer, Station, Store};

use super::Pane;
use super::modal::Modal;

/// The desk around a pane while it handles an action.
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub lang: Lang,
    pub keymap: &'a Keymap,
    pub config: &'a Config,
    pub clock: &'a Clock,
    pub zone: FixedOffset,
    pub station: Option<&'a Station>,
    pub officer: Option<&'a Officer>,
    /// The user's documents folder (see `Config::exports_dir`).
    pub documents: Option<&'a std::path::Path>,
}

impl Ctx<'_> {
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Where the desk's exports go (`Config::exports_dir`).
    #[must_use]
    pub fn exports_dir(&self) -> std::path::PathBuf {
        self.config.exports_dir(self.store.path(), self.documents)
    }

    /// The station's local date now.
    #[must_use]
    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.zone).date_naive()
    }
}

/// What a pane asks the app to do after it changed its own state.
#[derive(Debug, Clone)]
pub enum Effect {
    /// A message in the status line.
    Info(String),
    /// A refusal or failure in the status line.
    Error(String),
    /// Opens an overlay or dialog over the pane.
    Open(Modal),
    /// Closes the overlay or dialog on top.
    Close,
    /// The referral queue (F3) and its counts in the tab bar are read again.
    ReloadQueue,
    Switch(Pane),
    /// Asks to quit (the app asks first if typing would be lost).
    Quit,
    /// Nobody is on duty: the officer setup opens (from the roster).
    AskOfficer,
    /// The reason typed for a correction: the intake saves the corrected visit with it.
    Correct(String),
    /// A visit was saved: F3's group-wage flags take note of it.
    Saved(Box<crate::domain::intake::Intake>),
    /// A new visitor at the desk: F4 starts afresh for them.
    NewVisitor,
    /// The setup named the station and the officer now on duty.
    OnDuty(Box<(Station, Officer)>),
}

/// The effects of one update, applied in order.
pub type Effects = Vec<Effect>;

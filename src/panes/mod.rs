//! The desk's panes, a folder each once moved (jobs/: state in mod.rs, update.rs, view.rs):
//! a pane's update takes its own state and a [`Ctx`] and returns [`Effects`] the app
//! applies. `modal.rs` lists the overlays and dialogs that open over them.

pub mod effect;
pub mod intake;
pub mod jobs;
pub mod log;
pub mod modal;
pub mod referrals;

/// What a pane's view reads besides its own state.
pub struct View<'a> {
    pub lang: crate::i18n::Lang,
    pub keymap: &'a crate::keymap::Keymap,
    /// The station's time zone, and its date now.
    pub zone: chrono::FixedOffset,
    pub today: chrono::NaiveDate,
    /// No overlay or dialog is over the pane: its focus is drawn.
    pub focused: bool,
}

/// The pane on screen, switched with F2..F5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Intake,
    Referrals,
    Jobs,
    Log,
}

pub use effect::{Ctx, Effect, Effects};
pub use modal::{Confirm, Modal};

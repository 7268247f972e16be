//! Drawing the frame: the tab bar, the pane on screen (each pane draws itself: see
//! `panes/*/view.rs`), the status line, and the overlays over them. `render` reads the
//! `App` and draws; it never changes state.

pub mod event_loop;
mod record;
mod screens;

pub use crate::panes::intake::arbitration_view as arbitration;
pub use crate::text;
pub use crate::widgets::{form, textarea};
pub use screens::render;

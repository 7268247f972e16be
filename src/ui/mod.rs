//! Drawing the frame: the tab bar, the pane on screen (each pane draws itself: see
//! `panes/*/view.rs`), the status line, and the overlays over them. `render` reads the
//! `App` and draws; it never changes state. `draw` keeps what it measured.

pub mod event_loop;
mod record;
mod screens;

pub use crate::panes::intake::arbitration_view as arbitration;
pub use crate::text;
pub use crate::widgets::{form, textarea};
pub use screens::render;

/// Draws `app` on `term` and keeps what the drawing measured in `app.drawn`; returns the
/// frame as drawn.
///
/// # Errors
/// The terminal's, when it cannot be written.
pub fn draw<'t, B: ratatui::backend::Backend>(
    app: &mut crate::app::App,
    term: &'t mut ratatui::Terminal<B>,
) -> Result<ratatui::CompletedFrame<'t>, B::Error> {
    let mut drawn = app.drawn;
    let frame = term.draw(|f| drawn = render(app, f))?;
    app.drawn = drawn;
    Ok(frame)
}

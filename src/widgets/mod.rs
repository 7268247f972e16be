//! The pieces every pane and dialog draws with: the form (fields, choices, the summary
//! text area), the block and colours (chrome), and lines cut at an edge.

pub mod chrome;
pub mod form;
pub mod lines;
pub mod roster;
pub mod textarea;

/// A count of cells as the terminal's `u16`; anything wider than a terminal is as wide as
/// one can be.
#[must_use]
pub fn cells(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

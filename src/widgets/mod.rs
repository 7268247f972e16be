//! The pieces every pane and dialog draws with: the form (fields, choices, the summary
//! text area), the block and colours (chrome), and lines cut at an edge.

pub mod chrome;
pub mod form;
pub mod lines;
pub mod roster;
pub mod textarea;

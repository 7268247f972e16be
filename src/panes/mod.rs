//! The desk's panes: each holds its own state; `App` routes actions to them.

pub mod intake;
pub mod jobs;
pub mod log;
pub mod referrals;
pub mod roster;

/// The pane on screen, switched with F2..F5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Intake,
    Referrals,
    Jobs,
    Log,
}

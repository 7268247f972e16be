//! Drawing. `render` reads the `App` and draws; it never changes state.

pub mod form;
mod jobs;
mod log;
mod referrals;
mod screens;
pub mod text;
pub mod textarea;

pub use screens::render;

//! dutydesk: the duty desk of a trade-union worker service station, in a terminal.
//!
//! Data flows one way: terminal event → keymap → `Action` → `App::update` → `Store`;
//! `ui::render` only reads `App`.

pub mod domain;
pub mod i18n;
pub mod store;
pub mod action;
pub mod keymap;
pub mod app;
pub mod panes;
pub mod ui;
pub mod import;
pub mod demo;
pub mod terminal;
pub mod cli;

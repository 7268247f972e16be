//! dutydesk: the duty desk of a trade-union worker service station, in a terminal.
//!
//! Data flows one way: terminal event → keymap → `Action` → `App::update` → `Store`;
//! `ui::render` only reads `App` (`ui::draw` keeps what it measured).

pub mod action;
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
pub mod hub;
pub mod i18n;
pub mod import;
pub mod keymap;
pub mod keys_script;
pub mod outfile;
pub mod overlays;
pub mod panes;
pub mod report;
pub mod search;
pub mod slip;
pub mod store;
pub mod synth;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod widgets;
pub mod words;

//! The desk's rules, free of the terminal and of SQL: lists, validators, intake checks.

pub mod arbitration;
pub mod calendar;
pub mod clock;
pub mod control;
pub mod digit_runs;
pub mod id_number;
pub mod intake;
pub mod job;
pub mod labels;
pub mod lists;
pub mod log_fact;
pub mod money;
pub mod phone;
pub mod pinyin_keys;
pub mod referral;
pub mod shift;

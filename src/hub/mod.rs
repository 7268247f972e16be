//! The county hub (issue 20): every station's desk syncs to one PostgreSQL database.
//! The desk's outbox and binding are in `store::sync`; here: the hub's schema
//! (`migrations/`), reaching it (`client`), the push and pull (`sync`), the county report
//! (`report`), the keyed hashes that stand in for ID numbers and phones (`keyed`), and
//! the commands (`cli`). See ../shared/HUB.md for the design and README "County hub".

pub mod check;
pub mod cli;
pub mod client;
pub mod keyed;
pub mod publish;
pub mod report;
pub mod sync;
pub mod tables;
pub mod transfer;

//! What opens over the panes and belongs to none of them: the officer setup (F8, first
//! run), picking from the roster (`widgets::roster`). (Help, confirm questions and the record viewers are drawn in
//! `ui/`; their keys are the app's router.)

pub mod setup;

//! The overlays and dialogs that open over a pane: what `Effect::Open` opens. Each dialog's
//! own state lives with the pane it belongs to (`RouteDialog` in referrals, `LogDialog` in
//! log); this enum only says which one is on top.

use crate::store::{ReferralDetail, VisitDetail};
use crate::widgets::form::Form;

use super::log::LogDialog;
use super::referrals::{RefDialog, RouteDialog};

/// A yes/no question, answered through the keymap's `[confirm]` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    NewIntake,
    /// A draft from a session that ended without saving: restore it?
    RestoreDraft,
    /// A referral is being handed to the officer on duty: take it (y) or refuse (n)?
    AnswerTransfer,
    /// Refer the current visitor to the selected opening? (they agree to share details)
    ReferJob,
    /// The current visitor found work at the selected opening: close their referral to it
    /// as placed? (it closes a referral, so it is asked, not done on one key)
    MarkPlaced,
    /// The ID number typed belongs to someone recorded under another name: is it them?
    IdOwner,
    /// Saving changes a returning visitor's record: these changes, written?
    VisitorChanges,
    /// The visitor has an open referral: is this visit a follow-up of it (回访), or a new
    /// request? With several, the officer picks which.
    FollowUp,
}

#[derive(Debug, Clone)]
pub enum Modal {
    Help {
        scroll: u16,
    },
    /// First run (station + officer) or a change of officer on duty.
    Setup {
        form: Form,
        first_run: bool,
        /// F8's roster to pick from (empty on a first run).
        roster: crate::widgets::roster::Roster,
    },
    Confirm(Confirm),
    Visit {
        detail: Box<VisitDetail>,
        scroll: u16,
        /// Phone and ID number shown in full (after the audited key).
        revealed: bool,
    },
    /// Routing a visit to a service.
    Route(Box<RouteDialog>),
    /// Declining, closing, reopening or handing over a referral.
    RefDialog(Box<RefDialog>),
    /// A referral in full with its history, read-only.
    Referral {
        detail: Box<ReferralDetail>,
        scroll: u16,
    },
    /// Writing to the daily log: an entry, a disposition, the sign-off, an addendum.
    LogDialog(Box<LogDialog>),
    /// A job posting in full, read-only.
    Job {
        job: Box<crate::domain::job::Job>,
        scroll: u16,
    },
}

impl Modal {
    /// A visit's record, opened with its numbers masked.
    pub fn visit(detail: VisitDetail) -> Modal {
        Modal::Visit {
            detail: Box::new(detail),
            scroll: 0,
            revealed: false,
        }
    }
}

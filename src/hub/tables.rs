//! The station-owned tables the desk sends, column by column: the desk's name, the hub's
//! name, and what is done to the value on the way (see migrations/0001_init.sql).

/// How a desk value goes to the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text as it is.
    Text,
    /// Free text: runs of 11+ digits taken out (`keyed::scrub`).
    Free,
    Int,
    /// A UTC time (timestamptz at the hub); an unreadable one goes as NULL.
    Ts,
    /// A date (date at the hub).
    Date,
    /// A visitor's name: sent only if the county's config says so.
    Name,
    /// An ID number: HMAC under the county key.
    IdHash,
    /// A phone (E.164): HMAC under the county key.
    PhoneHash,
    /// A birth date: only its year goes.
    BirthYear,
    /// A hex digest: bytea at the hub.
    Digest,
}

impl Kind {
    pub fn pg_type(self) -> &'static str {
        match self {
            Kind::Text | Kind::Free | Kind::Name | Kind::IdHash | Kind::PhoneHash => "text",
            Kind::Int | Kind::BirthYear => "bigint",
            Kind::Ts => "timestamptz",
            Kind::Date => "date",
            Kind::Digest => "bytea",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub desk: &'static str,
    pub hub: &'static str,
    pub kind: Kind,
}

const fn c(desk: &'static str, kind: Kind) -> Col {
    Col {
        desk,
        hub: desk,
        kind,
    }
}

const fn r(desk: &'static str, hub: &'static str, kind: Kind) -> Col {
    Col { desk, hub, kind }
}

/// Which per-dimension rollups a table feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    Visits,
    Referrals,
}

#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// Key columns (the same name at both ends); the outbox's row_id is their values
    /// joined by spaces.
    pub key: &'static [&'static str],
    /// Every column sent, keys first.
    pub cols: &'static [Col],
    pub rollup: Option<Rollup>,
    /// Which of its rows the hub keeps as first received (see `Sealed`).
    pub sealed: Sealed,
}

/// Rows the hub never lets a later version replace: a desk that rewrites them after
/// syncing is recorded in hub.seal_conflict instead (`dutydesk hub check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    /// Any row may change.
    No,
    /// Append-only at the desk: every row, once received.
    Always,
    /// A shift once the hub holds it signed off.
    ClosedShift,
    /// A row whose `shift_id` names a shift the hub holds signed off.
    InClosedShift,
}

use Kind::*;

pub const TABLES: &[Table] = &[
    Table {
        name: "officer",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("name", Text),
            c("role", Text),
            c("affiliation", Free),
            c("created_at", Text),
            c("updated_at", Text),
        ],
        rollup: None,
        sealed: Sealed::No,
    },
    Table {
        name: "visitor",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("name", Name),
            r("phone", "phone_hmac", PhoneHash),
            r("id_number", "id_number_hmac", IdHash),
            c("gender", Text),
            r("birth_date", "birth_year", BirthYear),
            c("employer", Free),
            c("occupation", Text),
            c("occupation_note", Free),
            c("hometown", Free),
            c("membership", Text),
            c("created_at", Text),
            c("updated_at", Text),
        ],
        rollup: None,
        sealed: Sealed::No,
    },
    Table {
        name: "shift",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("opened_at", Text),
            c("opened_by", Text),
            c("closed_at", Text),
            c("signed_by", Text),
            c("handover_note", Free),
            c("seal_hash", Digest),
        ],
        rollup: None,
        sealed: Sealed::ClosedShift,
    },
    Table {
        name: "shift_member",
        key: &["shift_id", "officer_id"],
        cols: &[
            c("shift_id", Text),
            c("officer_id", Text),
            c("joined_at", Text),
        ],
        rollup: None,
        sealed: Sealed::InClosedShift,
    },
    Table {
        name: "visit",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("visitor_id", Text),
            c("officer_id", Text),
            c("channel", Text),
            c("category", Text),
            c("summary", Free),
            c("headcount", Int),
            c("amount_owed_fen", Int),
            c("urgency", Text),
            c("visited_at", Ts),
            c("created_at", Text),
            c("updated_at", Text),
            c("shift_id", Text),
            c("disposition", Text),
            c("disposition_note", Free),
            c("occupation", Text),
            c("membership", Text),
        ],
        rollup: Some(Rollup::Visits),
        sealed: Sealed::InClosedShift,
    },
    Table {
        name: "referral",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("visit_id", Text),
            c("service_id", Text),
            c("kind", Text),
            c("owner_id", Text),
            c("pending_owner_id", Text),
            c("status", Text),
            c("consent", Int),
            c("consent_override", Free),
            c("note", Free),
            c("urgency", Text),
            c("due_on", Date),
            c("decline_reason", Free),
            c("outcome", Text),
            c("outcome_reason", Free),
            c("wages_recovered_fen", Int),
            c("workers_covered", Int),
            c("aid_paid_fen", Int),
            c("placed_job", Free),
            c("version", Int),
            c("created_at", Ts),
            c("updated_at", Ts),
            c("closed_at", Ts),
            c("job_id", Text),
        ],
        rollup: Some(Rollup::Referrals),
        sealed: Sealed::No,
    },
    Table {
        name: "event",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("entity", Text),
            c("entity_id", Text),
            c("action", Text),
            c("officer_id", Text),
            c("at", Text),
            c("detail", Free),
        ],
        rollup: None,
        sealed: Sealed::Always,
    },
    Table {
        name: "log_entry",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("shift_id", Text),
            c("at", Text),
            c("officer_id", Text),
            c("kind", Text),
            c("text", Free),
            c("about", Text),
        ],
        rollup: None,
        sealed: Sealed::Always,
    },
    Table {
        name: "sealed_person",
        key: &["shift_id", "visitor_id"],
        cols: &[
            c("shift_id", Text),
            c("visitor_id", Text),
            c("name", Name),
            r("phone", "phone_hmac", PhoneHash),
            r("id_number", "id_number_hmac", IdHash),
            c("gender", Text),
            r("birth_date", "birth_year", BirthYear),
            c("employer", Free),
            c("occupation", Text),
            c("occupation_note", Free),
            c("hometown", Free),
            c("membership", Text),
        ],
        rollup: None,
        sealed: Sealed::Always,
    },
    Table {
        name: "seal_chain",
        key: &["seq"],
        cols: &[
            c("seq", Int),
            c("shift_id", Text),
            c("opened_at", Text),
            c("formula", Int),
            c("prev_hash", Digest),
            c("hash", Digest),
        ],
        rollup: None,
        sealed: Sealed::Always,
    },
    Table {
        name: "audit_chain",
        key: &["seq"],
        cols: &[
            c("seq", Int),
            c("event_id", Text),
            c("prev_event_id", Text),
            c("hash", Digest),
        ],
        rollup: None,
        sealed: Sealed::Always,
    },
];

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// The reference tables the desk receives: (hub table, desk table, columns, same names).
pub const SERVICE_COLUMNS: &[&str] = &[
    "id",
    "source_id",
    "kind",
    "deadline_rule",
    "name",
    "provider",
    "description",
    "eligibility",
    "documents",
    "contact",
    "address",
    "hours",
    "status",
    "checked_on",
    "created_at",
    "updated_at",
];

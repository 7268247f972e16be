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
    /// A log line's fact (JSON): visitors' names left out unless the county's config says
    /// so, runs of 11+ digits taken out; one the desk cannot read goes as NULL.
    Fact,
}

impl Kind {
    pub fn pg_type(self) -> &'static str {
        match self {
            Kind::Text | Kind::Free | Kind::Name | Kind::IdHash | Kind::PhoneHash | Kind::Fact => {
                "text"
            }
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
    /// Added at the hub after rows were first sent (hub schema 7): a sealed row the hub
    /// holds with NULL here takes the desk's value once, without counting as a rewrite.
    pub late: bool,
}

const fn c(desk: &'static str, kind: Kind) -> Col {
    Col {
        desk,
        hub: desk,
        kind,
        late: false,
    }
}

const fn r(desk: &'static str, hub: &'static str, kind: Kind) -> Col {
    Col {
        desk,
        hub,
        kind,
        late: false,
    }
}

/// A column the hub learned of in schema 7 (see `Col::late`).
const fn l(desk: &'static str, kind: Kind) -> Col {
    Col {
        desk,
        hub: desk,
        kind,
        late: true,
    }
}

/// Which per-dimension rollups a table feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rollup {
    Visits,
    Referrals,
}

#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// The hub's table, the outbox's name for the rows and, unless `desk` says otherwise,
    /// the desk's table.
    pub name: &'static str,
    /// The desk's table when it is not `name`, and which of its rows are the station's
    /// own (an SQL condition; "" for every row).
    pub desk: Option<(&'static str, &'static str)>,
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
        desk: None,
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
        desk: None,
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
        desk: None,
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
        desk: None,
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
        desk: None,
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
            l("follows_referral", Text),
            l("employment", Text),
            l("employment_ended_on", Date),
            l("learned_on", Date),
            l("arbitration_last_day", Date),
        ],
        rollup: Some(Rollup::Visits),
        sealed: Sealed::InClosedShift,
    },
    Table {
        desk: None,
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
            c("decline_code", Text),
        ],
        rollup: Some(Rollup::Referrals),
        sealed: Sealed::No,
    },
    Table {
        desk: None,
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
        desk: None,
        name: "log_entry",
        key: &["id"],
        cols: &[
            c("id", Text),
            c("shift_id", Text),
            c("at", Text),
            c("officer_id", Text),
            c("kind", Text),
            // Late since hub schema 10 took the names out of lines already received.
            l("text", Free),
            c("about", Text),
            l("fact", Fact),
        ],
        rollup: None,
        sealed: Sealed::Always,
    },
    Table {
        desk: None,
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
        desk: None,
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
        desk: None,
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
    Table {
        name: "local_service",
        desk: Some(("service", "added_by IS NOT NULL")),
        key: &["id"],
        cols: &[
            c("id", Text),
            c("kind", Text),
            c("deadline_rule", Text),
            c("name", Free),
            c("provider", Free),
            c("description", Free),
            c("eligibility", Free),
            c("documents", Free),
            c("contact", Free),
            c("address", Free),
            c("hours", Free),
            c("status", Text),
            c("checked_on", Text),
            c("created_at", Text),
            c("updated_at", Text),
            c("added_by", Text),
        ],
        rollup: None,
        sealed: Sealed::No,
    },
    Table {
        name: "transfer",
        desk: Some(("transfer_out", "")),
        key: &["id"],
        cols: &[
            c("id", Text),
            c("from_station", Text),
            c("referral_id", Text),
            c("to_station_id", Text),
            c("to_station", Text),
            c("kind", Text),
            c("service_source", Text),
            c("service_name", Free),
            c("channel", Text),
            c("category", Text),
            c("urgency", Text),
            c("summary", Free),
            c("headcount", Int),
            c("amount_owed_fen", Int),
            c("visitor_name", Name),
            r("id_number", "id_number_hmac", IdHash),
            r("phone", "phone_hmac", PhoneHash),
            c("gender", Text),
            r("birth_date", "birth_year", BirthYear),
            c("employer", Free),
            c("occupation", Text),
            c("membership", Text),
            c("consent", Int),
            c("note", Free),
            c("requested_by", Text),
            c("requested_at", Ts),
            c("status", Text),
            c("answered_at", Ts),
            c("answered_by", Text),
            c("reason", Free),
            r("received_at", "received_at_desk", Ts),
        ],
        rollup: None,
        sealed: Sealed::No,
    },
    Table {
        name: "transfer_reply",
        desk: Some(("transfer_in", "status <> 'waiting'")),
        key: &["id"],
        cols: &[
            c("id", Text),
            c("from_station_id", Text),
            c("status", Text),
            c("answered_by", Text),
            c("answered_by_name", Text),
            c("answered_at", Ts),
            c("reason", Free),
            c("referral_id", Text),
        ],
        rollup: None,
        sealed: Sealed::No,
    },
];

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

impl Table {
    /// The desk's table these rows are read from.
    pub fn desk_table(&self) -> &'static str {
        self.desk.map_or(self.name, |(t, _)| t)
    }

    /// Which of the desk table's rows are sent ("" for every row).
    pub fn desk_only(&self) -> &'static str {
        self.desk.map_or("", |(_, only)| only)
    }
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

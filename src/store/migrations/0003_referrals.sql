-- Referral routing: the service directory and referrals followed to an outcome.

-- Services the desk routes to. `source_id` is the id in the file it was imported from, so
-- a re-import updates instead of duplicating.
CREATE TABLE service (
    id             TEXT PRIMARY KEY,
    source_id      TEXT UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('legal', 'jobs', 'aid', 'agency')),
    deadline_rule  TEXT NOT NULL,
    name           TEXT NOT NULL CHECK (length(name) > 0),
    provider       TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    eligibility    TEXT NOT NULL DEFAULT '',   -- 程序、对象、条件
    documents      TEXT NOT NULL DEFAULT '',   -- 所需材料
    contact        TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    hours          TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('active', 'temporarily_closed', 'inactive')),
    checked_on     TEXT,                        -- date last verified
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX service_by_kind ON service(kind, name);

CREATE TABLE referral (
    id                   TEXT PRIMARY KEY,
    station_id           TEXT NOT NULL REFERENCES station(id),
    visit_id             TEXT NOT NULL REFERENCES visit(id),
    service_id           TEXT NOT NULL REFERENCES service(id),
    kind                 TEXT NOT NULL,
    owner_id             TEXT NOT NULL REFERENCES officer(id),  -- 首问责任人
    pending_owner_id     TEXT REFERENCES officer(id),           -- transfer awaiting acceptance
    status               TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'declined', 'in_progress', 'closed')),
    consent              INTEGER NOT NULL CHECK (consent IN (0, 1)),
    consent_override     TEXT NOT NULL DEFAULT '',
    note                 TEXT NOT NULL DEFAULT '',
    urgency              TEXT NOT NULL,
    due_on               TEXT NOT NULL,                          -- station-local date
    decline_reason       TEXT NOT NULL DEFAULT '',
    outcome              TEXT,
    outcome_reason       TEXT,
    wages_recovered_fen  INTEGER CHECK (wages_recovered_fen IS NULL OR wages_recovered_fen >= 0),
    workers_covered      INTEGER CHECK (workers_covered IS NULL OR workers_covered >= 0),
    aid_paid_fen         INTEGER CHECK (aid_paid_fen IS NULL OR aid_paid_fen >= 0),
    placed_job           TEXT NOT NULL DEFAULT '',
    version              INTEGER NOT NULL DEFAULT 1,             -- bumped on every change
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    closed_at            TEXT,
    CHECK (consent = 1 OR length(consent_override) > 0)
) STRICT;
CREATE INDEX referral_by_visit ON referral(visit_id);
-- The queue's three orders. Each index also carries the columns the queue filters on
-- (status, kind, owner, officer being handed to), so a filter is checked in the index and
-- only rows that pass are read: "mine" and a rare kind stay fast at 200,000 referrals.
CREATE INDEX referral_by_due ON referral(due_on, created_at, status, kind, owner_id, pending_owner_id)
    WHERE status IN ('sent', 'accepted', 'in_progress');
CREATE INDEX referral_by_status ON referral(status, updated_at, kind, owner_id, pending_owner_id);
CREATE INDEX referral_by_updated ON referral(updated_at, kind, owner_id, pending_owner_id);

-- Collective wage cases are spotted by employer.
CREATE INDEX visitor_by_employer ON visitor(employer);

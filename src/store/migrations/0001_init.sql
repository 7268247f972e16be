-- dutydesk schema, version 1.
-- Every record carries a UUID v7 id (unique across stations when databases are merged at
-- county level), the station it belongs to, and created/updated times in UTC
-- (RFC 3339, fixed width, so text order is time order). Money is integer fen.

CREATE TABLE station (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE officer (
    id          TEXT PRIMARY KEY,
    station_id  TEXT NOT NULL REFERENCES station(id),
    name        TEXT NOT NULL CHECK (length(name) > 0),
    role        TEXT NOT NULL CHECK (role IN ('cadre', 'social_worker', 'deputy', 'volunteer')),
    affiliation TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (station_id, name)
) STRICT;

-- Desk-local settings: which station this file is, who is on duty.
CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;

CREATE TABLE visitor (
    id              TEXT PRIMARY KEY,
    station_id      TEXT NOT NULL REFERENCES station(id),
    name            TEXT NOT NULL CHECK (length(name) > 0),
    phone           TEXT,                 -- E.164
    id_number       TEXT UNIQUE,          -- one ID number is one person
    gender          TEXT NOT NULL,
    birth_date      TEXT,                 -- from the ID number
    employer        TEXT NOT NULL DEFAULT '',
    occupation      TEXT NOT NULL,
    occupation_note TEXT NOT NULL DEFAULT '',
    hometown        TEXT NOT NULL DEFAULT '',
    membership      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

-- Everything a returning visitor can be found by, as prefix-searchable keys: the name,
-- its pinyin (initials and full, every reading), phone digits and ID number.
CREATE TABLE visitor_key (
    key         TEXT NOT NULL,
    visitor_id  TEXT NOT NULL REFERENCES visitor(id) ON DELETE CASCADE,
    PRIMARY KEY (key, visitor_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX visitor_key_by_visitor ON visitor_key(visitor_id);

CREATE TABLE visit (
    id               TEXT PRIMARY KEY,
    station_id       TEXT NOT NULL REFERENCES station(id),
    visitor_id       TEXT NOT NULL REFERENCES visitor(id),
    officer_id       TEXT NOT NULL REFERENCES officer(id),  -- 首问责任人
    channel          TEXT NOT NULL,
    category         TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    headcount        INTEGER CHECK (headcount IS NULL OR headcount > 0),
    amount_owed_fen  INTEGER CHECK (amount_owed_fen IS NULL OR amount_owed_fen >= 0),
    urgency          TEXT NOT NULL,
    visited_at       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX visit_by_time ON visit(visited_at);
CREATE INDEX visit_by_visitor ON visit(visitor_id, visited_at);

-- What happened to a record, by whom and when: the history shown with a visit.
CREATE TABLE event (
    id          TEXT PRIMARY KEY,
    station_id  TEXT NOT NULL REFERENCES station(id),
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    officer_id  TEXT REFERENCES officer(id),
    at          TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX event_by_entity ON event(entity_id, at);

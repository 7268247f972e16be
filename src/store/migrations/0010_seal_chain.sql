-- Seals that prove something (issue 16). Each seal chains to the one before it and covers
-- the persons of the shift's visits as they were at sign-off; the audit log is chained the
-- same way. Shifts sealed before this version keep their hash and are put into the chain
-- once, by the Rust step run with this migration (src/store/shifts.rs `chain_at_migration`),
-- which also chains the events already written. No sealed row is edited here.

-- Who the sealed visits were about, as they were at sign-off: a later correction of a
-- visitor's details changes `visitor`, never this.
CREATE TABLE sealed_person (
    shift_id    TEXT NOT NULL REFERENCES shift(id),
    visitor_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    phone       TEXT,
    id_number   TEXT,
    gender      TEXT NOT NULL,
    birth_date  TEXT,
    employer    TEXT NOT NULL,
    occupation  TEXT NOT NULL,
    occupation_note TEXT NOT NULL,
    hometown    TEXT NOT NULL,
    membership  TEXT NOT NULL,
    PRIMARY KEY (shift_id, visitor_id)
) STRICT, WITHOUT ROWID;

-- The seals in the order they were put on, each hash chained to the one before (the first
-- to 64 zeros). formula 1: a seal from before version 10 (its own hash, linked here);
-- formula 2: the seal itself covers the previous hash and the persons.
CREATE TABLE seal_chain (
    seq        INTEGER PRIMARY KEY,
    shift_id   TEXT NOT NULL UNIQUE REFERENCES shift(id),
    opened_at  TEXT NOT NULL,               -- names the shift should it be deleted
    formula    INTEGER NOT NULL CHECK (formula IN (1, 2)),
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;

-- The audit log's chain: one row per event, written with it by `record()`.
-- prev_event_id names an event should it be deleted with its link.
CREATE TABLE audit_chain (
    seq            INTEGER PRIMARY KEY,
    event_id       TEXT NOT NULL UNIQUE,
    prev_event_id  TEXT,
    hash           TEXT NOT NULL
) STRICT;

CREATE TRIGGER sealed_person_insert BEFORE INSERT ON sealed_person
WHEN (SELECT closed_at FROM shift WHERE id = NEW.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;
CREATE TRIGGER sealed_person_update BEFORE UPDATE ON sealed_person
BEGIN SELECT RAISE(ABORT, 'sealed: the persons of a sealed shift are kept as they were'); END;
CREATE TRIGGER sealed_person_delete BEFORE DELETE ON sealed_person
BEGIN SELECT RAISE(ABORT, 'sealed: the persons of a sealed shift are kept as they were'); END;

CREATE TRIGGER seal_chain_no_update BEFORE UPDATE ON seal_chain
BEGIN SELECT RAISE(ABORT, 'sealed: the seal chain is append-only'); END;
CREATE TRIGGER seal_chain_no_delete BEFORE DELETE ON seal_chain
BEGIN SELECT RAISE(ABORT, 'sealed: the seal chain is append-only'); END;

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

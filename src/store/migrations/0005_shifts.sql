-- The daily log: shifts and who sits on them, the shift's timeline, each visit's
-- disposition, and the seal put on a shift when it is signed off.

CREATE TABLE shift (
    id             TEXT PRIMARY KEY,
    station_id     TEXT NOT NULL REFERENCES station(id),
    opened_at      TEXT NOT NULL,
    opened_by      TEXT NOT NULL REFERENCES officer(id),
    closed_at      TEXT,                       -- signed off, and from then on sealed
    signed_by      TEXT REFERENCES officer(id),
    handover_note  TEXT NOT NULL DEFAULT '',
    seal_hash      TEXT,                       -- SHA-256 of the sealed record, hex
    CHECK ((closed_at IS NULL) = (seal_hash IS NULL))
) STRICT;
CREATE INDEX shift_by_time ON shift(station_id, opened_at);
-- One open shift per station, whichever desk opens it first.
CREATE UNIQUE INDEX one_open_shift ON shift(station_id) WHERE closed_at IS NULL;

-- Officers and sit-in volunteers on a shift (their affiliation is on the officer).
CREATE TABLE shift_member (
    shift_id    TEXT NOT NULL REFERENCES shift(id),
    officer_id  TEXT NOT NULL REFERENCES officer(id),
    joined_at   TEXT NOT NULL,
    PRIMARY KEY (shift_id, officer_id)
) STRICT, WITHOUT ROWID;

-- The timeline. Entries are written by the desk (intake, referral, job, import, shift)
-- or by the officer (call, incident, note, todo); `done` closes a todo, `ack`
-- acknowledges a handover, `addendum` corrects a sealed shift. `about` names what an
-- entry is about (a visit, referral, todo entry or shift). Entries are never edited.
CREATE TABLE log_entry (
    id          TEXT PRIMARY KEY,
    station_id  TEXT NOT NULL REFERENCES station(id),
    shift_id    TEXT REFERENCES shift(id),     -- NULL: written outside a shift (a script)
    at          TEXT NOT NULL,
    officer_id  TEXT REFERENCES officer(id),
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    about       TEXT
) STRICT;
CREATE INDEX log_by_shift ON log_entry(shift_id, at);
CREATE INDEX log_by_time ON log_entry(at);
CREATE INDEX log_by_about ON log_entry(about, kind) WHERE about IS NOT NULL;
CREATE INDEX log_by_kind ON log_entry(kind, at);

ALTER TABLE visit ADD COLUMN shift_id TEXT REFERENCES shift(id);
ALTER TABLE visit ADD COLUMN disposition TEXT
    CHECK (disposition IS NULL OR disposition IN ('on_spot', 'referred', 'no_action'));
ALTER TABLE visit ADD COLUMN disposition_note TEXT NOT NULL DEFAULT '';
CREATE INDEX visit_by_shift ON visit(shift_id) WHERE shift_id IS NOT NULL;
-- The visitor's group as it was at the visit (people change jobs and join the union):
-- what the reports count, and what lets a year's totals come from one index.
ALTER TABLE visit ADD COLUMN occupation TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE visit ADD COLUMN membership TEXT NOT NULL DEFAULT 'unknown';
UPDATE visit SET
    occupation = (SELECT v.occupation FROM visitor v WHERE v.id = visit.visitor_id),
    membership = (SELECT v.membership FROM visitor v WHERE v.id = visit.visitor_id);
CREATE INDEX visit_report ON visit(visited_at, channel, category, occupation, membership, headcount);

-- The seal, enforced by the file itself whatever program writes to it.
CREATE TRIGGER sealed_shift_update BEFORE UPDATE ON shift
WHEN OLD.closed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;
CREATE TRIGGER sealed_shift_delete BEFORE DELETE ON shift
WHEN OLD.closed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;

CREATE TRIGGER sealed_member_insert BEFORE INSERT ON shift_member
WHEN (SELECT closed_at FROM shift WHERE id = NEW.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;
CREATE TRIGGER sealed_member_change BEFORE UPDATE ON shift_member
WHEN (SELECT closed_at FROM shift WHERE id = OLD.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;
CREATE TRIGGER sealed_member_delete BEFORE DELETE ON shift_member
WHEN (SELECT closed_at FROM shift WHERE id = OLD.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;

CREATE TRIGGER sealed_visit_insert BEFORE INSERT ON visit
WHEN NEW.shift_id IS NOT NULL
 AND (SELECT closed_at FROM shift WHERE id = NEW.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;
CREATE TRIGGER sealed_visit_update BEFORE UPDATE ON visit
WHEN (OLD.shift_id IS NOT NULL
      AND (SELECT closed_at FROM shift WHERE id = OLD.shift_id) IS NOT NULL)
  OR (NEW.shift_id IS NOT NULL
      AND (SELECT closed_at FROM shift WHERE id = NEW.shift_id) IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'sealed: this visit belongs to a signed-off shift; write an addendum'); END;
CREATE TRIGGER sealed_visit_delete BEFORE DELETE ON visit
WHEN OLD.shift_id IS NOT NULL
 AND (SELECT closed_at FROM shift WHERE id = OLD.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this visit belongs to a signed-off shift; write an addendum'); END;

CREATE TRIGGER sealed_entry_insert BEFORE INSERT ON log_entry
WHEN NEW.shift_id IS NOT NULL
 AND (SELECT closed_at FROM shift WHERE id = NEW.shift_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'sealed: this shift is signed off; write an addendum'); END;
-- Entries are a log: never changed, never deleted, sealed or not.
CREATE TRIGGER log_entry_no_update BEFORE UPDATE ON log_entry
BEGIN SELECT RAISE(ABORT, 'the log is append-only; write a new entry'); END;
CREATE TRIGGER log_entry_no_delete BEFORE DELETE ON log_entry
BEGIN SELECT RAISE(ABORT, 'the log is append-only; write a new entry'); END;

-- Reports total referrals by when they were opened and closed.
CREATE INDEX referral_by_created ON referral(created_at, kind);
-- The closed index carries what a report sums, so a year of closings is read from it alone.
CREATE INDEX referral_by_closed ON referral(closed_at, kind, status, outcome, wages_recovered_fen,
    workers_covered, aid_paid_fen) WHERE closed_at IS NOT NULL;

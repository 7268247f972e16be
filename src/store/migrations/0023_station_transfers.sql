-- A referral handed to another station (issue 20). Nothing moves between stations and no
-- station writes another's rows: station A writes a request (transfer_out, A's row) with
-- the visitor's consent; the hub lets only the station it is addressed to read it; that
-- station, B, keeps it as received (transfer_in, B's row) and answers there, creating its
-- own referral when it accepts; the answer reaches A through the hub, and A closes its own
-- referral (已转他站) or keeps it open, the refusal said. Every act is an event at the
-- desk that owns the row.
CREATE TABLE transfer_out (
    id               TEXT PRIMARY KEY,           -- the request's id, the same at both ends
    station_id       TEXT NOT NULL REFERENCES station(id),
    from_station     TEXT NOT NULL,              -- this station's name, for B to read
    referral_id      TEXT NOT NULL REFERENCES referral(id),
    to_station_id    TEXT NOT NULL,
    to_station       TEXT NOT NULL,
    -- What B needs to take the case on, as the visitor agreed to share it. At the hub the
    -- name goes only if the county sends names, the ID number and phone as keyed hashes.
    kind             TEXT NOT NULL,
    service_source   TEXT,                       -- 'hub:<id>': a service of the county's directory
    service_name     TEXT NOT NULL,
    channel          TEXT NOT NULL,
    category         TEXT NOT NULL,
    urgency          TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    headcount        INTEGER,
    amount_owed_fen  INTEGER,
    visitor_name     TEXT NOT NULL,
    id_number        TEXT,
    phone            TEXT,
    gender           TEXT NOT NULL,
    birth_date       TEXT,
    employer         TEXT NOT NULL DEFAULT '',
    occupation       TEXT NOT NULL,
    membership       TEXT NOT NULL,
    consent          INTEGER NOT NULL CHECK (consent = 1),   -- no request without it
    note             TEXT NOT NULL DEFAULT '',
    requested_by     TEXT NOT NULL REFERENCES officer(id),
    requested_at     TEXT NOT NULL,
    -- B's answer, as received.
    status           TEXT NOT NULL DEFAULT 'asked' CHECK (status IN ('asked', 'accepted', 'refused')),
    answered_at      TEXT,
    answered_by      TEXT,                       -- the name of B's officer
    reason           TEXT NOT NULL DEFAULT '',
    received_at      TEXT                        -- when this desk applied the answer
) STRICT;
CREATE INDEX transfer_out_by_referral ON transfer_out(referral_id);
-- One open request a referral.
CREATE UNIQUE INDEX transfer_out_asked ON transfer_out(referral_id) WHERE status = 'asked';

CREATE TABLE transfer_in (
    id               TEXT PRIMARY KEY,           -- the request's id
    station_id       TEXT NOT NULL REFERENCES station(id),
    from_station_id  TEXT NOT NULL,
    from_station     TEXT NOT NULL,
    request          TEXT NOT NULL,              -- the request as received (JSON)
    received_at      TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'accepted', 'refused')),
    answered_by      TEXT REFERENCES officer(id),
    answered_by_name TEXT,
    answered_at      TEXT,
    reason           TEXT NOT NULL DEFAULT '',
    referral_id      TEXT REFERENCES referral(id),
    CHECK (status <> 'refused' OR length(reason) > 0)
) STRICT;

-- Both go to the hub like every station-owned row, once the desk has joined one; a
-- received request goes only as its answer.
CREATE TRIGGER sync_transfer_out_insert AFTER INSERT ON transfer_out
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('transfer', NEW.id);
END;
CREATE TRIGGER sync_transfer_out_update AFTER UPDATE ON transfer_out
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('transfer', NEW.id);
END;
CREATE TRIGGER sync_transfer_out_delete AFTER DELETE ON transfer_out
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('transfer', OLD.id);
END;
CREATE TRIGGER sync_transfer_in_update AFTER UPDATE ON transfer_in
WHEN NEW.status <> 'waiting' AND EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('transfer_reply', NEW.id);
END;
CREATE TRIGGER sync_transfer_in_delete AFTER DELETE ON transfer_in
WHEN OLD.status <> 'waiting' AND EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('transfer_reply', OLD.id);
END;

-- The hub held log lines written from a fact with the visitor's name in their text (hub
-- schema 10 takes it out): a desk already joined sends them again, their text now written
-- from the fact without the name.
INSERT INTO sync_outbox (tbl, row_id)
SELECT 'log_entry', id FROM log_entry
 WHERE fact IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state);

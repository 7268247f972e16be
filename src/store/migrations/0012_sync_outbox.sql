-- The county hub (issue 20): every change to a station-owned row is recorded in its own
-- transaction, by trigger, as one small row of the outbox: (seq, table, row key). `seq` is
-- the station's change counter (AUTOINCREMENT: never reused, even after rows are removed).
-- `dutydesk sync` sends the current state of each row named above the hub's cursor; a row
-- that no longer exists is sent as a tombstone. Append-only tables need only the insert
-- trigger (their updates and deletes are refused by their guards).
CREATE TABLE sync_outbox (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    tbl     TEXT NOT NULL,
    row_id  TEXT NOT NULL
) STRICT;

-- The desk's binding to a hub (one row once joined): where, as whom, the county key for
-- keyed hashes, the epoch (bumped by --reenroll), the hub's cursor as last acknowledged,
-- the reference-data cursor, and when a sync last succeeded.
CREATE TABLE sync_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    hub           TEXT NOT NULL,
    station       TEXT NOT NULL,
    station_id    TEXT NOT NULL,
    role          TEXT NOT NULL,
    password      TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    county_key    TEXT NOT NULL,
    ca_pem        TEXT,
    epoch         INTEGER NOT NULL DEFAULT 1,
    pushed_seq    INTEGER NOT NULL DEFAULT 0,
    ref_cursor    INTEGER NOT NULL DEFAULT 0,
    last_success  TEXT,
    last_error    TEXT
) STRICT;

CREATE TRIGGER sync_officer_insert AFTER INSERT ON officer BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('officer', NEW.id);
END;
CREATE TRIGGER sync_officer_update AFTER UPDATE ON officer BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('officer', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'officer', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_officer_delete AFTER DELETE ON officer BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('officer', OLD.id);
END;
CREATE TRIGGER sync_visitor_insert AFTER INSERT ON visitor BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visitor', NEW.id);
END;
CREATE TRIGGER sync_visitor_update AFTER UPDATE ON visitor BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visitor', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'visitor', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_visitor_delete AFTER DELETE ON visitor BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visitor', OLD.id);
END;
CREATE TRIGGER sync_shift_insert AFTER INSERT ON shift BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift', NEW.id);
END;
CREATE TRIGGER sync_shift_update AFTER UPDATE ON shift BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'shift', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_shift_delete AFTER DELETE ON shift BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift', OLD.id);
END;
CREATE TRIGGER sync_shift_member_insert AFTER INSERT ON shift_member BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift_member', NEW.shift_id || ' ' || NEW.officer_id);
END;
CREATE TRIGGER sync_shift_member_update AFTER UPDATE ON shift_member BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift_member', NEW.shift_id || ' ' || NEW.officer_id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'shift_member', OLD.shift_id || ' ' || OLD.officer_id WHERE OLD.shift_id || ' ' || OLD.officer_id IS NOT NEW.shift_id || ' ' || NEW.officer_id;
END;
CREATE TRIGGER sync_shift_member_delete AFTER DELETE ON shift_member BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift_member', OLD.shift_id || ' ' || OLD.officer_id);
END;
CREATE TRIGGER sync_visit_insert AFTER INSERT ON visit BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visit', NEW.id);
END;
CREATE TRIGGER sync_visit_update AFTER UPDATE ON visit BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visit', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'visit', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_visit_delete AFTER DELETE ON visit BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visit', OLD.id);
END;
CREATE TRIGGER sync_referral_insert AFTER INSERT ON referral BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('referral', NEW.id);
END;
CREATE TRIGGER sync_referral_update AFTER UPDATE ON referral BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('referral', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'referral', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_referral_delete AFTER DELETE ON referral BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('referral', OLD.id);
END;
CREATE TRIGGER sync_event_insert AFTER INSERT ON event BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('event', NEW.id);
END;
CREATE TRIGGER sync_log_entry_insert AFTER INSERT ON log_entry BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('log_entry', NEW.id);
END;
CREATE TRIGGER sync_sealed_person_insert AFTER INSERT ON sealed_person BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('sealed_person', NEW.shift_id || ' ' || NEW.visitor_id);
END;
CREATE TRIGGER sync_seal_chain_insert AFTER INSERT ON seal_chain BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('seal_chain', CAST(NEW.seq AS TEXT));
END;
CREATE TRIGGER sync_audit_chain_insert AFTER INSERT ON audit_chain BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('audit_chain', CAST(NEW.seq AS TEXT));
END;

-- What the file already holds goes out on the first sync.
INSERT INTO sync_outbox (tbl, row_id) SELECT 'officer', id FROM officer;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'visitor', id FROM visitor;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'shift', id FROM shift;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'shift_member', shift_id || ' ' || officer_id FROM shift_member;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'visit', id FROM visit;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'referral', id FROM referral;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'event', id FROM event;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'log_entry', id FROM log_entry;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'sealed_person', shift_id || ' ' || visitor_id FROM sealed_person;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'seal_chain', CAST(seq AS TEXT) FROM seal_chain;
INSERT INTO sync_outbox (tbl, row_id) SELECT 'audit_chain', CAST(seq AS TEXT) FROM audit_chain;

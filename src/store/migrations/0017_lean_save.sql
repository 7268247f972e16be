-- The outbox records changes only once the desk has joined a hub (issue 15: a save wrote
-- two pages to it, and a ledger's import 700,000 rows, for a hub most desks never join).
-- Joining names every row at once (`Store::join_hub`), so a first sync sends the same.
-- A desk that has not joined keeps no outbox rows; the counter (sqlite_sequence) stays,
-- so a number once given is never given again.

DROP TRIGGER sync_officer_insert;
CREATE TRIGGER sync_officer_insert AFTER INSERT ON officer
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('officer', NEW.id);
END;

DROP TRIGGER sync_officer_update;
CREATE TRIGGER sync_officer_update AFTER UPDATE ON officer
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('officer', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'officer', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_officer_delete;
CREATE TRIGGER sync_officer_delete AFTER DELETE ON officer
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('officer', OLD.id);
END;

DROP TRIGGER sync_visitor_insert;
CREATE TRIGGER sync_visitor_insert AFTER INSERT ON visitor
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visitor', NEW.id);
END;

DROP TRIGGER sync_visitor_update;
CREATE TRIGGER sync_visitor_update AFTER UPDATE ON visitor
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visitor', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'visitor', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_visitor_delete;
CREATE TRIGGER sync_visitor_delete AFTER DELETE ON visitor
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visitor', OLD.id);
END;

DROP TRIGGER sync_shift_insert;
CREATE TRIGGER sync_shift_insert AFTER INSERT ON shift
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift', NEW.id);
END;

DROP TRIGGER sync_shift_update;
CREATE TRIGGER sync_shift_update AFTER UPDATE ON shift
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'shift', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_shift_delete;
CREATE TRIGGER sync_shift_delete AFTER DELETE ON shift
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift', OLD.id);
END;

DROP TRIGGER sync_shift_member_insert;
CREATE TRIGGER sync_shift_member_insert AFTER INSERT ON shift_member
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift_member', NEW.shift_id || ' ' || NEW.officer_id);
END;

DROP TRIGGER sync_shift_member_update;
CREATE TRIGGER sync_shift_member_update AFTER UPDATE ON shift_member
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift_member', NEW.shift_id || ' ' || NEW.officer_id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'shift_member', OLD.shift_id || ' ' || OLD.officer_id WHERE OLD.shift_id || ' ' || OLD.officer_id IS NOT NEW.shift_id || ' ' || NEW.officer_id;
END;

DROP TRIGGER sync_shift_member_delete;
CREATE TRIGGER sync_shift_member_delete AFTER DELETE ON shift_member
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('shift_member', OLD.shift_id || ' ' || OLD.officer_id);
END;

DROP TRIGGER sync_visit_insert;
CREATE TRIGGER sync_visit_insert AFTER INSERT ON visit
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visit', NEW.id);
END;

DROP TRIGGER sync_visit_update;
CREATE TRIGGER sync_visit_update AFTER UPDATE ON visit
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visit', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'visit', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_visit_delete;
CREATE TRIGGER sync_visit_delete AFTER DELETE ON visit
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('visit', OLD.id);
END;

DROP TRIGGER sync_referral_insert;
CREATE TRIGGER sync_referral_insert AFTER INSERT ON referral
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('referral', NEW.id);
END;

DROP TRIGGER sync_referral_update;
CREATE TRIGGER sync_referral_update AFTER UPDATE ON referral
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('referral', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'referral', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_referral_delete;
CREATE TRIGGER sync_referral_delete AFTER DELETE ON referral
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('referral', OLD.id);
END;

DROP TRIGGER sync_event_insert;
CREATE TRIGGER sync_event_insert AFTER INSERT ON event
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('event', NEW.id);
END;

DROP TRIGGER sync_log_entry_insert;
CREATE TRIGGER sync_log_entry_insert AFTER INSERT ON log_entry
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('log_entry', NEW.id);
END;

DROP TRIGGER sync_sealed_person_insert;
CREATE TRIGGER sync_sealed_person_insert AFTER INSERT ON sealed_person
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('sealed_person', NEW.shift_id || ' ' || NEW.visitor_id);
END;

DROP TRIGGER sync_seal_chain_insert;
CREATE TRIGGER sync_seal_chain_insert AFTER INSERT ON seal_chain
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('seal_chain', CAST(NEW.seq AS TEXT));
END;

DROP TRIGGER sync_audit_chain_insert;
CREATE TRIGGER sync_audit_chain_insert AFTER INSERT ON audit_chain
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('audit_chain', CAST(NEW.seq AS TEXT));
END;

DROP TRIGGER sync_event_update;
CREATE TRIGGER sync_event_update AFTER UPDATE ON event
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('event', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'event', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_event_delete;
CREATE TRIGGER sync_event_delete AFTER DELETE ON event
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('event', OLD.id);
END;

DROP TRIGGER sync_log_entry_update;
CREATE TRIGGER sync_log_entry_update AFTER UPDATE ON log_entry
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('log_entry', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'log_entry', OLD.id WHERE OLD.id IS NOT NEW.id;
END;

DROP TRIGGER sync_log_entry_delete;
CREATE TRIGGER sync_log_entry_delete AFTER DELETE ON log_entry
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('log_entry', OLD.id);
END;

DROP TRIGGER sync_sealed_person_update;
CREATE TRIGGER sync_sealed_person_update AFTER UPDATE ON sealed_person
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('sealed_person', NEW.shift_id || ' ' || NEW.visitor_id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'sealed_person', OLD.shift_id || ' ' || OLD.visitor_id WHERE OLD.shift_id || ' ' || OLD.visitor_id IS NOT NEW.shift_id || ' ' || NEW.visitor_id;
END;

DROP TRIGGER sync_sealed_person_delete;
CREATE TRIGGER sync_sealed_person_delete AFTER DELETE ON sealed_person
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('sealed_person', OLD.shift_id || ' ' || OLD.visitor_id);
END;

DROP TRIGGER sync_seal_chain_update;
CREATE TRIGGER sync_seal_chain_update AFTER UPDATE ON seal_chain
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('seal_chain', CAST(NEW.seq AS TEXT));
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'seal_chain', CAST(OLD.seq AS TEXT) WHERE CAST(OLD.seq AS TEXT) IS NOT CAST(NEW.seq AS TEXT);
END;

DROP TRIGGER sync_seal_chain_delete;
CREATE TRIGGER sync_seal_chain_delete AFTER DELETE ON seal_chain
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('seal_chain', CAST(OLD.seq AS TEXT));
END;

DROP TRIGGER sync_audit_chain_update;
CREATE TRIGGER sync_audit_chain_update AFTER UPDATE ON audit_chain
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('audit_chain', CAST(NEW.seq AS TEXT));
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'audit_chain', CAST(OLD.seq AS TEXT) WHERE CAST(OLD.seq AS TEXT) IS NOT CAST(NEW.seq AS TEXT);
END;

DROP TRIGGER sync_audit_chain_delete;
CREATE TRIGGER sync_audit_chain_delete AFTER DELETE ON audit_chain
WHEN EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('audit_chain', CAST(OLD.seq AS TEXT));
END;

DELETE FROM sync_outbox WHERE NOT EXISTS (SELECT 1 FROM sync_state);


-- The daily log's look-ups by kind, as partial indexes: an intake's log line (the entry a
-- save writes) is in none of them. `todo` entries are listed by time; `done`, `ack` and
-- `addendum` entries are found by what they are about.
DROP INDEX log_by_kind;
DROP INDEX log_by_about;
CREATE INDEX log_todo ON log_entry(at) WHERE kind = 'todo';
CREATE INDEX log_done ON log_entry(about) WHERE kind = 'done';
CREATE INDEX log_ack ON log_entry(about) WHERE kind = 'ack';
CREATE INDEX log_addendum ON log_entry(about, at) WHERE kind = 'addendum';

-- Most visitors name no employer: the index the group-wage check reads holds only those
-- who do (its queries say `employer <> ''`), so a new visitor without one writes nothing.
DROP INDEX visitor_by_employer;
CREATE INDEX visitor_by_employer ON visitor(employer) WHERE employer <> '';

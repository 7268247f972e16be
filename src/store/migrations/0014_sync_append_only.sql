-- The county hub (issue 20): the append-only tables' rows are refused any UPDATE or
-- DELETE by their guards, so 0012 recorded only their inserts. Someone who drops a guard
-- and rewrites one (a sealed person, a link of the seal or audit chain, an event, a log
-- line) is recorded too, so the change reaches the hub, which keeps the row as first
-- received and lists the attempt (`dutydesk hub check`). Never fired on the normal path.
CREATE TRIGGER sync_event_update AFTER UPDATE ON event BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('event', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'event', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_event_delete AFTER DELETE ON event BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('event', OLD.id);
END;
CREATE TRIGGER sync_log_entry_update AFTER UPDATE ON log_entry BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('log_entry', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'log_entry', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_log_entry_delete AFTER DELETE ON log_entry BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('log_entry', OLD.id);
END;
CREATE TRIGGER sync_sealed_person_update AFTER UPDATE ON sealed_person BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('sealed_person', NEW.shift_id || ' ' || NEW.visitor_id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'sealed_person', OLD.shift_id || ' ' || OLD.visitor_id WHERE OLD.shift_id || ' ' || OLD.visitor_id IS NOT NEW.shift_id || ' ' || NEW.visitor_id;
END;
CREATE TRIGGER sync_sealed_person_delete AFTER DELETE ON sealed_person BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('sealed_person', OLD.shift_id || ' ' || OLD.visitor_id);
END;
CREATE TRIGGER sync_seal_chain_update AFTER UPDATE ON seal_chain BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('seal_chain', CAST(NEW.seq AS TEXT));
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'seal_chain', CAST(OLD.seq AS TEXT) WHERE CAST(OLD.seq AS TEXT) IS NOT CAST(NEW.seq AS TEXT);
END;
CREATE TRIGGER sync_seal_chain_delete AFTER DELETE ON seal_chain BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('seal_chain', CAST(OLD.seq AS TEXT));
END;
CREATE TRIGGER sync_audit_chain_update AFTER UPDATE ON audit_chain BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('audit_chain', CAST(NEW.seq AS TEXT));
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'audit_chain', CAST(OLD.seq AS TEXT) WHERE CAST(OLD.seq AS TEXT) IS NOT CAST(NEW.seq AS TEXT);
END;
CREATE TRIGGER sync_audit_chain_delete AFTER DELETE ON audit_chain BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('audit_chain', CAST(OLD.seq AS TEXT));
END;

-- The county hub (issue 20) receives what the desk has recorded since the outbox began.
-- A service the officer added at the desk (added_by set, migration 0016) is the station's
-- own row, sent as `local_service`; the directory's rows (imported, or received from the
-- hub) are not the station's and are never sent. Recorded only once the desk has joined
-- a hub, as every other table (migration 0017).
CREATE TRIGGER sync_local_service_insert AFTER INSERT ON service
WHEN NEW.added_by IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('local_service', NEW.id);
END;
CREATE TRIGGER sync_local_service_update AFTER UPDATE ON service
WHEN (NEW.added_by IS NOT NULL OR OLD.added_by IS NOT NULL)
 AND EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('local_service', NEW.id);
    INSERT INTO sync_outbox (tbl, row_id) SELECT 'local_service', OLD.id WHERE OLD.id IS NOT NEW.id;
END;
CREATE TRIGGER sync_local_service_delete AFTER DELETE ON service
WHEN OLD.added_by IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state) BEGIN
    INSERT INTO sync_outbox (tbl, row_id) VALUES ('local_service', OLD.id);
END;

-- A desk already joined sent its rows before the hub knew these columns: the rows that
-- hold any of them, and its local services, go again on the next sync.
INSERT INTO sync_outbox (tbl, row_id)
SELECT 'local_service', id FROM service
 WHERE added_by IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state);
INSERT INTO sync_outbox (tbl, row_id)
SELECT 'visit', id FROM visit
 WHERE (follows_referral IS NOT NULL OR employment IS NOT NULL OR learned_on IS NOT NULL
        OR employment_ended_on IS NOT NULL OR arbitration_last_day IS NOT NULL)
   AND EXISTS (SELECT 1 FROM sync_state);
INSERT INTO sync_outbox (tbl, row_id)
SELECT 'referral', id FROM referral
 WHERE decline_code IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state);
INSERT INTO sync_outbox (tbl, row_id)
SELECT 'log_entry', id FROM log_entry
 WHERE fact IS NOT NULL AND EXISTS (SELECT 1 FROM sync_state);

-- The county's job openings come down as its directory does, on a cursor of their own
-- (their revisions are drawn from the same sequence, so one cursor would skip openings
-- published before the last directory entry received).
ALTER TABLE sync_state ADD COLUMN job_cursor INTEGER NOT NULL DEFAULT 0;

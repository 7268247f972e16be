-- The history of records (who changed what, who had numbers shown in full, unmasked
-- exports) is append-only, like the daily log: a correction is a new event.
CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

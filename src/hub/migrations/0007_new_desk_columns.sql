-- What the desk has recorded since schema 1 reaches the hub (issue 20): the follow-up link
-- and the arbitration facts of a visit (desk migrations 0016, 0019), the reason code of a
-- declined referral (0015), a log line's fact (0018), and the services a station added
-- at its own desk (0016). Rows already here get them when the desk sends them again
-- (desk migration 0020 names them): for a sealed row, a column added here that the hub
-- holds as NULL is filled in, not taken for a rewrite (see sync::keep_sealed).
ALTER TABLE hub.visit ADD COLUMN follows_referral text;
ALTER TABLE hub.visit ADD COLUMN employment text;
ALTER TABLE hub.visit ADD COLUMN employment_ended_on date;
ALTER TABLE hub.visit ADD COLUMN learned_on date;
ALTER TABLE hub.visit ADD COLUMN arbitration_last_day date;
ALTER TABLE hub.referral ADD COLUMN decline_code text;
-- The fact as JSON text, visitors' names left out unless county_config.send_names.
ALTER TABLE hub.log_entry ADD COLUMN fact text;

-- A service the officer typed in at the desk because the directory lacked it (本站添加),
-- owned by its station like a visit: the county sees what its directory misses, and a
-- referral's service_id names one of these or a row of hub.service.
CREATE TABLE hub.local_service (
    station_id     text NOT NULL,
    id             text NOT NULL,
    kind           text,
    deadline_rule  text,
    name           text,
    provider       text,
    description    text,
    eligibility    text,
    documents      text,
    contact        text,
    address        text,
    hours          text,
    status         text,
    checked_on     text,
    created_at     text,
    updated_at     text,
    added_by       text,
    src_epoch      integer NOT NULL,
    src_seq        bigint NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);
ALTER TABLE hub.local_service ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.local_service FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON hub.local_service TO dutydesk_station
    USING (station_id = (SELECT hub.current_station()))
    WITH CHECK (station_id = (SELECT hub.current_station()));
CREATE POLICY county_reads ON hub.local_service FOR SELECT TO dutydesk_county_reader USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON hub.local_service TO dutydesk_station;
GRANT SELECT ON hub.local_service TO dutydesk_county_reader;

CREATE OR REPLACE FUNCTION hub.refresh_stats(tbl text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF tbl NOT IN ('officer', 'visitor', 'visit', 'visit_key', 'event', 'referral', 'shift',
                   'shift_member', 'log_entry', 'sealed_person', 'seal_chain', 'audit_chain',
                   'rollup', 'rollup_month', 'local_service') THEN
        RAISE EXCEPTION 'not a hub table: %', tbl;
    END IF;
    EXECUTE format('ANALYZE hub.%I', tbl);
END $$;

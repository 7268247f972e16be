-- Seals anchored at the hub (issue 20). What a station sealed stays as the hub first
-- received it: a later version of a sealed shift, of a visit or member of one, or of any
-- row of an append-only table (events, log entries, sealed persons, the seal and audit
-- chains) is not applied; it is recorded here instead, and `dutydesk hub check` lists it.
-- A station may add to this table and read its own rows; it can neither change nor
-- remove them.
CREATE TABLE hub.seal_conflict (
    station_id  text NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    tbl         text NOT NULL,
    row_key     text NOT NULL,
    shift_id    text,
    src_epoch   integer NOT NULL,
    src_seq     bigint NOT NULL,
    gone        boolean NOT NULL,           -- the desk deleted the row
    seen_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);
ALTER TABLE hub.seal_conflict ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.seal_conflict FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows_add ON hub.seal_conflict FOR INSERT TO dutydesk_station
    WITH CHECK (station_id = (SELECT hub.current_station()));
CREATE POLICY own_rows_read ON hub.seal_conflict FOR SELECT TO dutydesk_station
    USING (station_id = (SELECT hub.current_station()));
CREATE POLICY county_reads ON hub.seal_conflict FOR SELECT TO dutydesk_county_reader USING (true);
GRANT SELECT, INSERT ON hub.seal_conflict TO dutydesk_station;
GRANT SELECT ON hub.seal_conflict TO dutydesk_county_reader;

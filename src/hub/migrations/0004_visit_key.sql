-- Where each visit is (issue 20): hub.visit is partitioned by month of visited_at, so a
-- lookup by (station_id, id) alone probes every month's index, and a planner that sees
-- many months sorts the station's visits instead — a first sync's batches grew with the
-- visits already sent. This table, one row per visit keyed (station_id, id), names the
-- partition: the sync finds a visit's current version through it with one probe. Kept in
-- the sync transaction with the visit.
CREATE TABLE hub.visit_key (
    station_id  text NOT NULL,
    id          text NOT NULL,
    visited_at  timestamptz NOT NULL,
    PRIMARY KEY (station_id, id)
);
INSERT INTO hub.visit_key (station_id, id, visited_at)
SELECT station_id, id, visited_at FROM hub.visit;

ALTER TABLE hub.visit_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.visit_key FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON hub.visit_key TO dutydesk_station
    USING (station_id = (SELECT hub.current_station()))
    WITH CHECK (station_id = (SELECT hub.current_station()));
CREATE POLICY county_reads ON hub.visit_key FOR SELECT TO dutydesk_county_reader USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON hub.visit_key TO dutydesk_station;
GRANT SELECT ON hub.visit_key TO dutydesk_county_reader;

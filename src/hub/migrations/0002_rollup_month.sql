-- Month rollups beside the day ones (issue 20): a period's report reads whole months from
-- here and only its first and last partial months from hub.rollup, so a county year over
-- 550 stations sums ~12 × 550 × 30 rows, not 365 × 550 × 30. Kept in the same sync
-- transaction as the day rollups, from the same delta.
CREATE TABLE hub.rollup_month (
    station_id  text NOT NULL,
    month       date NOT NULL,          -- the month's first day (station-local)
    dim         text NOT NULL,
    value       text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (station_id, month, dim, value)
);
CREATE INDEX rollup_month_by_month ON hub.rollup_month (month, dim, value);

INSERT INTO hub.rollup_month (station_id, month, dim, value, n)
SELECT station_id, date_trunc('month', day)::date, dim, value, sum(n)
  FROM hub.rollup GROUP BY 1, 2, 3, 4;

ALTER TABLE hub.rollup_month ENABLE ROW LEVEL SECURITY;
ALTER TABLE hub.rollup_month FORCE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON hub.rollup_month TO dutydesk_station
    USING (station_id = (SELECT hub.current_station()))
    WITH CHECK (station_id = (SELECT hub.current_station()));
CREATE POLICY county_reads ON hub.rollup_month FOR SELECT TO dutydesk_county_reader USING (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON hub.rollup_month TO dutydesk_station;
GRANT SELECT ON hub.rollup_month TO dutydesk_county_reader;

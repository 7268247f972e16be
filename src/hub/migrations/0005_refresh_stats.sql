-- Planner statistics during a first sync (issue 20). A station's first sync grows the
-- mirrors from nothing by thousands of rows a second, faster than autovacuum re-analyses
-- them; with a table believed nearly empty, a batch's join scanned all of the station's
-- rows, and each batch took longer than the one before. The sync asks for one table to be
-- analysed (as the hub's owner) when it has sent it more rows than the statistics know of.
CREATE FUNCTION hub.refresh_stats(tbl text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF tbl NOT IN ('officer', 'visitor', 'visit', 'visit_key', 'event', 'referral', 'shift',
                   'shift_member', 'log_entry', 'sealed_person', 'seal_chain', 'audit_chain',
                   'rollup', 'rollup_month') THEN
        RAISE EXCEPTION 'not a hub table: %', tbl;
    END IF;
    EXECUTE format('ANALYZE hub.%I', tbl);
END $$;
REVOKE ALL ON FUNCTION hub.refresh_stats(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.refresh_stats(text) TO dutydesk_station;

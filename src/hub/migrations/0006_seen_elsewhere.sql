-- 一户一档 across stations (issue 20): a desk asks whether the person before it has been
-- seen at other stations, and with what open cases — counts and kinds, never another
-- station's record. Asked by keyed hash (the desk holds the county key); answered as the
-- hub's owner, so the station's own row-level security does not hide the others' counts.
CREATE INDEX visit_by_visitor ON hub.visit (station_id, visitor_id);
CREATE INDEX referral_by_visit ON hub.referral (station_id, visit_id);

CREATE FUNCTION hub.seen_elsewhere(want_id text, want_phone text)
RETURNS TABLE (stations bigint, visits bigint, last_visit date, open_referrals bigint,
               open_kinds text[])
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE me text := hub.current_station();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'only a station''s login may ask';
    END IF;
    RETURN QUERY
    WITH people AS (
        SELECT p.station_id, p.id FROM hub.visitor p
         WHERE p.station_id <> me
           AND ((want_id IS NOT NULL AND p.id_number_hmac = want_id)
             OR (want_phone IS NOT NULL AND p.phone_hmac = want_phone))
    ), their_visits AS (
        SELECT v.station_id, v.id, v.visited_at FROM hub.visit v
          JOIN people p ON v.station_id = p.station_id AND v.visitor_id = p.id
    ), open AS (
        SELECT r.kind AS k FROM hub.referral r
          JOIN their_visits v ON r.station_id = v.station_id AND r.visit_id = v.id
         WHERE r.status IN ('sent', 'accepted', 'in_progress')
    )
    SELECT (SELECT count(DISTINCT p.station_id) FROM people p),
           (SELECT count(*) FROM their_visits),
           (SELECT max(((t.visited_at AT TIME ZONE 'UTC') + interval '8 hours')::date)
              FROM their_visits t),
           (SELECT count(*) FROM open),
           (SELECT coalesce(array_agg(DISTINCT o.k ORDER BY o.k), '{}') FROM open o);
END $$;
REVOKE ALL ON FUNCTION hub.seen_elsewhere(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.seen_elsewhere(text, text) TO dutydesk_station;

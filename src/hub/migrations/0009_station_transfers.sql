-- A referral handed from one station to another (issue 20): the request is the asking
-- station's row (hub.transfer), the answer the answering station's (hub.transfer_reply).
-- Each station writes only its own rows, as everywhere at the hub (own_rows); besides,
-- a station may read a request addressed to it, and the answer to a request it made —
-- nothing else of another station. The visitor's name is here only if the county sends
-- names; ID number and phone only as keyed hashes.
CREATE TABLE hub.transfer (
    station_id       text NOT NULL,
    id               text NOT NULL,
    from_station     text,
    referral_id      text,
    to_station_id    text NOT NULL,
    to_station       text,
    kind             text,
    service_source   text,
    service_name     text,
    channel          text,
    category         text,
    urgency          text,
    summary          text,
    headcount        bigint,
    amount_owed_fen  bigint,
    visitor_name     text,            -- NULL unless county_config.send_names
    id_number_hmac   text,
    phone_hmac       text,
    gender           text,
    birth_year       bigint,
    employer         text,
    occupation       text,
    membership       text,
    consent          bigint,
    note             text,
    requested_by     text,
    requested_at     timestamptz,
    status           text,
    answered_at      timestamptz,
    answered_by      text,
    reason           text,
    received_at_desk timestamptz,
    src_epoch        integer NOT NULL,
    src_seq          bigint NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);
CREATE INDEX transfer_to ON hub.transfer (to_station_id, status);

CREATE TABLE hub.transfer_reply (
    station_id        text NOT NULL,
    id                text NOT NULL,   -- the request's id
    from_station_id   text NOT NULL,   -- the station that asked
    status            text,
    answered_by       text,
    answered_by_name  text,
    answered_at       timestamptz,
    reason            text,
    referral_id       text,
    src_epoch         integer NOT NULL,
    src_seq           bigint NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);
CREATE INDEX transfer_reply_to ON hub.transfer_reply (from_station_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['transfer', 'transfer_reply']
    LOOP
        EXECUTE format('ALTER TABLE hub.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE hub.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_rows ON hub.%I TO dutydesk_station
            USING (station_id = (SELECT hub.current_station()))
            WITH CHECK (station_id = (SELECT hub.current_station()))', t);
        EXECUTE format('CREATE POLICY county_reads ON hub.%I FOR SELECT TO dutydesk_county_reader
            USING (true)', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON hub.%I TO dutydesk_station', t);
        EXECUTE format('GRANT SELECT ON hub.%I TO dutydesk_county_reader', t);
    END LOOP;
END $$;
-- Read-only: a request addressed to the station, an answer to a request it made.
CREATE POLICY addressed ON hub.transfer FOR SELECT TO dutydesk_station
    USING (to_station_id = (SELECT hub.current_station()));
CREATE POLICY answered ON hub.transfer_reply FOR SELECT TO dutydesk_station
    USING (from_station_id = (SELECT hub.current_station()));

-- A station addresses another by its name: the other's id, and nothing else of it.
CREATE FUNCTION hub.station_named(wanted text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT station_id FROM hub.station WHERE name = wanted $$;
REVOKE ALL ON FUNCTION hub.station_named(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.station_named(text) TO dutydesk_station;

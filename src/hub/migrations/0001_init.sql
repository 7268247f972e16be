-- The county hub (issue 20), schema 1. Applied by `dutydesk hub init` as the hub's owner.
--
-- Every station-owned table mirrors the desk's, keyed by (station_id, …) — the station
-- first, so each can be distributed by station on Citus — with the station's change
-- counter of the version held (src_epoch, src_seq) and when it arrived. A station writes
-- only its own rows: row-level security (FORCE) keyed on the login (session_user, through
-- current_station()), never on a setting the client can change. The county writes the
-- reference tables; a county reader role reads everything for reports.
-- Clear ID numbers and phones never arrive: the desk sends HMAC-SHA256 under the county key.

-- Group roles are the server's, shared by every hub database on it.
DO $$
BEGIN
    BEGIN CREATE ROLE dutydesk_station NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN CREATE ROLE dutydesk_county_reader NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN CREATE ROLE dutydesk_county NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    BEGIN GRANT dutydesk_county_reader TO dutydesk_county;
    EXCEPTION WHEN OTHERS THEN NULL; END;
END $$;

REVOKE ALL ON SCHEMA hub FROM PUBLIC;
GRANT USAGE ON SCHEMA hub TO dutydesk_station, dutydesk_county_reader, dutydesk_county;

-- Stations: one row each, written by `hub enroll`; the station updates only its cursor.
CREATE TABLE hub.station (
    station_id    text PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    epoch         integer NOT NULL DEFAULT 1,
    cursor_seq    bigint NOT NULL DEFAULT 0,   -- the highest change acknowledged
    cursor_tbl    text,                        -- and what it was: a restored desk differs
    cursor_row    text,
    enrolled_at   timestamptz NOT NULL DEFAULT now(),
    last_sync_at  timestamptz
);
-- Which login is which station. Read only through current_station().
CREATE TABLE hub.station_login (
    login       name PRIMARY KEY,
    station_id  text NOT NULL REFERENCES hub.station (station_id)
);
-- The county key for keyed hashes; handed out in enrolment files only.
CREATE TABLE hub.county_key (
    key_id      text PRIMARY KEY,
    key_hex     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE hub.county_config (
    id          integer PRIMARY KEY CHECK (id = 1),
    send_names  boolean NOT NULL DEFAULT false   -- visitors' names reach the hub only if true
);
INSERT INTO hub.county_config (id, send_names) VALUES (1, false);

CREATE FUNCTION hub.current_station() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT station_id FROM hub.station_login WHERE login = session_user $$;
REVOKE ALL ON FUNCTION hub.current_station() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.current_station() TO dutydesk_station, dutydesk_county_reader;

ALTER TABLE hub.station ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_station ON hub.station TO dutydesk_station
    USING (station_id = (SELECT hub.current_station()))
    WITH CHECK (station_id = (SELECT hub.current_station()));
CREATE POLICY county_reads ON hub.station FOR SELECT TO dutydesk_county_reader USING (true);
GRANT SELECT ON hub.station TO dutydesk_station, dutydesk_county_reader;
GRANT UPDATE (epoch, cursor_seq, cursor_tbl, cursor_row, last_sync_at) ON hub.station
    TO dutydesk_station;
GRANT SELECT ON hub.county_config TO dutydesk_station, dutydesk_county_reader;

-- The mirrors. Every one: station_id first, src_epoch/src_seq, received_at.
CREATE TABLE hub.officer (
    station_id   text NOT NULL,
    id           text NOT NULL,
    name         text,
    role         text,
    affiliation  text,
    created_at   text,
    updated_at   text,
    src_epoch    integer NOT NULL,
    src_seq      bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);

CREATE TABLE hub.visitor (
    station_id       text NOT NULL,
    id               text NOT NULL,
    name             text,            -- NULL unless county_config.send_names
    phone_hmac       text,            -- key_id:base64url(HMAC-SHA256(key, 'phone:v1:' + E.164))
    id_number_hmac   text,            -- key_id:base64url(HMAC-SHA256(key, 'cnid:v1:' + 18 chars))
    gender           text,
    birth_year       bigint,
    employer         text,
    occupation       text,
    occupation_note  text,
    hometown         text,
    membership       text,
    created_at       text,
    updated_at       text,
    src_epoch        integer NOT NULL,
    src_seq          bigint NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);
CREATE INDEX visitor_by_id_number ON hub.visitor (id_number_hmac) WHERE id_number_hmac IS NOT NULL;
CREATE INDEX visitor_by_phone ON hub.visitor (phone_hmac) WHERE phone_hmac IS NOT NULL;

-- Visits, partitioned by month of visited_at (UTC months); partitions are made as visits
-- arrive, by hub.ensure_visit_months.
CREATE TABLE hub.visit (
    station_id        text NOT NULL,
    id                text NOT NULL,
    visitor_id        text,
    officer_id        text,
    channel           text,
    category          text,
    summary           text,
    headcount         bigint,
    amount_owed_fen   bigint,
    urgency           text,
    visited_at        timestamptz NOT NULL,
    created_at        text,
    updated_at        text,
    shift_id          text,
    disposition       text,
    disposition_note  text,
    occupation        text,
    membership        text,
    src_epoch         integer NOT NULL,
    src_seq           bigint NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id, visited_at)
) PARTITION BY RANGE (visited_at);
CREATE INDEX visit_by_time ON hub.visit USING brin (visited_at);

CREATE FUNCTION hub.ensure_visit_months(first timestamptz, last timestamptz) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m timestamptz := date_trunc('month', first AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    part text;
BEGIN
    IF first > last OR first < '1900-01-01+00' OR last >= '2200-01-01+00' THEN
        RAISE EXCEPTION 'visit times out of range: % .. %', first, last;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('dutydesk visit partitions'));
    WHILE m <= last LOOP
        part := 'visit_' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM');
        IF to_regclass('hub.' || part) IS NULL THEN
            EXECUTE format('CREATE TABLE hub.%I PARTITION OF hub.visit FOR VALUES FROM (%L) TO (%L)',
                part, m, (m AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC');
        END IF;
        m := (m AT TIME ZONE 'UTC' + interval '1 month') AT TIME ZONE 'UTC';
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION hub.ensure_visit_months(timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.ensure_visit_months(timestamptz, timestamptz) TO dutydesk_station;

CREATE TABLE hub.event (
    station_id   text NOT NULL,
    id           text NOT NULL,
    entity       text,
    entity_id    text,
    action       text,
    officer_id   text,
    at           text,
    detail       text,
    src_epoch    integer NOT NULL,
    src_seq      bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);

CREATE TABLE hub.referral (
    station_id           text NOT NULL,
    id                   text NOT NULL,
    visit_id             text,
    service_id           text,
    kind                 text,
    owner_id             text,
    pending_owner_id     text,
    status               text,
    consent              bigint,
    consent_override     text,
    note                 text,
    urgency              text,
    due_on               date,
    decline_reason       text,
    outcome              text,
    outcome_reason       text,
    wages_recovered_fen  bigint,
    workers_covered      bigint,
    aid_paid_fen         bigint,
    placed_job           text,
    version              bigint,
    created_at           timestamptz,
    updated_at           timestamptz,
    closed_at            timestamptz,
    job_id               text,
    src_epoch            integer NOT NULL,
    src_seq              bigint NOT NULL,
    received_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);
-- Overdue at a period's end is read from the open ones and those closed since.
CREATE INDEX referral_open_by_due ON hub.referral (due_on)
    WHERE status IN ('sent', 'accepted', 'in_progress');
CREATE INDEX referral_by_closed ON hub.referral (closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE hub.shift (
    station_id     text NOT NULL,
    id             text NOT NULL,
    opened_at      text,
    opened_by      text,
    closed_at      text,
    signed_by      text,
    handover_note  text,
    seal_hash      bytea,
    src_epoch      integer NOT NULL,
    src_seq        bigint NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);

CREATE TABLE hub.shift_member (
    station_id   text NOT NULL,
    shift_id     text NOT NULL,
    officer_id   text NOT NULL,
    joined_at    text,
    src_epoch    integer NOT NULL,
    src_seq      bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, shift_id, officer_id)
);

CREATE TABLE hub.log_entry (
    station_id   text NOT NULL,
    id           text NOT NULL,
    shift_id     text,
    at           text,
    officer_id   text,
    kind         text,
    text         text,
    about        text,
    src_epoch    integer NOT NULL,
    src_seq      bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, id)
);

CREATE TABLE hub.sealed_person (
    station_id       text NOT NULL,
    shift_id         text NOT NULL,
    visitor_id       text NOT NULL,
    name             text,
    phone_hmac       text,
    id_number_hmac   text,
    gender           text,
    birth_year       bigint,
    employer         text,
    occupation       text,
    occupation_note  text,
    hometown         text,
    membership       text,
    src_epoch        integer NOT NULL,
    src_seq          bigint NOT NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, shift_id, visitor_id)
);

-- The seal and audit chains, so a desk that rewrites a sealed shift after syncing is
-- caught against the copy kept here.
CREATE TABLE hub.seal_chain (
    station_id   text NOT NULL,
    seq          bigint NOT NULL,
    shift_id     text,
    opened_at    text,
    formula      bigint,
    prev_hash    bytea,
    hash         bytea,
    src_epoch    integer NOT NULL,
    src_seq      bigint NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, seq)
);

CREATE TABLE hub.audit_chain (
    station_id     text NOT NULL,
    seq            bigint NOT NULL,
    event_id       text,
    prev_event_id  text,
    hash           bytea,
    src_epoch      integer NOT NULL,
    src_seq        bigint NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, seq)
);

-- Per-dimension rollups, one row per (station, station-local day, dimension, value),
-- kept in the sync transaction: a year's county report reads these, never the visits.
CREATE TABLE hub.rollup (
    station_id  text NOT NULL,
    day         date NOT NULL,
    dim         text NOT NULL,
    value       text NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (station_id, day, dim, value)
);
CREATE INDEX rollup_by_day ON hub.rollup (day, dim, value);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['officer', 'visitor', 'visit', 'event', 'referral', 'shift',
        'shift_member', 'log_entry', 'sealed_person', 'seal_chain', 'audit_chain', 'rollup']
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

-- Reference data: written by the county only; each write takes the next revision under a
-- lock held to commit, so revisions commit in order and a desk's cursor never skips one.
CREATE SEQUENCE hub.reference_rev;
CREATE FUNCTION hub.next_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('dutydesk reference revisions'));
    NEW.rev := nextval('hub.reference_rev');
    RETURN NEW;
END $$;

CREATE TABLE hub.service (
    id             text PRIMARY KEY,
    rev            bigint NOT NULL,
    source_id      text,
    kind           text NOT NULL,
    deadline_rule  text NOT NULL,
    name           text NOT NULL,
    provider       text NOT NULL DEFAULT '',
    description    text NOT NULL DEFAULT '',
    eligibility    text NOT NULL DEFAULT '',
    documents      text NOT NULL DEFAULT '',
    contact        text NOT NULL DEFAULT '',
    address        text NOT NULL DEFAULT '',
    hours          text NOT NULL DEFAULT '',
    status         text NOT NULL,
    checked_on     text,
    created_at     text NOT NULL,
    updated_at     text NOT NULL
);
CREATE UNIQUE INDEX service_by_rev ON hub.service (rev);
CREATE TRIGGER service_rev BEFORE INSERT OR UPDATE ON hub.service
    FOR EACH ROW EXECUTE FUNCTION hub.next_rev();
GRANT SELECT ON hub.service TO dutydesk_station, dutydesk_county_reader;
GRANT INSERT, UPDATE ON hub.service TO dutydesk_county;
GRANT USAGE ON SEQUENCE hub.reference_rev TO dutydesk_county;

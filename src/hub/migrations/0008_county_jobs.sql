-- County job openings published down to the desks (issue 20): the county's role writes
-- them (`dutydesk hub import jobs FILE`, the desk's formats), each write taking the next
-- revision (hub.next_rev, the lock held to commit), and every desk receives them on its
-- next sync beside its own openings, read-only there. The columns are the desk's job
-- table's; source_id is the file's id for the opening (a re-import updates by it).
CREATE TABLE hub.job (
    id               text PRIMARY KEY,
    rev              bigint NOT NULL,
    source_id        text UNIQUE,
    title            text NOT NULL,
    employer         text NOT NULL DEFAULT '',
    credit_code      text NOT NULL DEFAULT '',
    district         text NOT NULL DEFAULT '',
    address          text NOT NULL DEFAULT '',
    wage_min         bigint,
    wage_max         bigint,
    wage_unit        text NOT NULL,
    benefits         bigint NOT NULL DEFAULT 0,
    employment_type  text NOT NULL,
    hours            text NOT NULL DEFAULT '',
    openings         bigint,
    age_min          bigint,
    age_max          bigint,
    education        text NOT NULL DEFAULT '',
    experience       text NOT NULL DEFAULT '',
    physical         text NOT NULL DEFAULT '',
    description      text NOT NULL DEFAULT '',
    contact          text NOT NULL DEFAULT '',
    posted_on        text,
    valid_through    text,
    source           text NOT NULL DEFAULT '',
    status           text NOT NULL,
    wage_currency    text NOT NULL DEFAULT 'CNY',
    wage_period      text NOT NULL DEFAULT '',
    benefits_text    text NOT NULL DEFAULT '',
    unknown          text NOT NULL DEFAULT '',
    wage_month       bigint,
    shown_apart      bigint NOT NULL DEFAULT 0,
    created_at       text NOT NULL,
    updated_at       text NOT NULL
);
CREATE UNIQUE INDEX job_by_rev ON hub.job (rev);
CREATE TRIGGER job_rev BEFORE INSERT OR UPDATE ON hub.job
    FOR EACH ROW EXECUTE FUNCTION hub.next_rev();
GRANT SELECT ON hub.job TO dutydesk_station, dutydesk_county_reader;
GRANT INSERT, UPDATE ON hub.job TO dutydesk_county;

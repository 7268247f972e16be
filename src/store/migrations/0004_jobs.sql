-- Job openings (after schema.org JobPosting). Wages are whole yuan per wage_unit;
-- wage_month is the monthly equivalent of the best wage on offer, for filters and ranking.
CREATE TABLE job (
    id              TEXT PRIMARY KEY,
    source_id       TEXT UNIQUE,
    title           TEXT NOT NULL CHECK (length(title) > 0),
    employer        TEXT NOT NULL DEFAULT '',
    credit_code     TEXT NOT NULL DEFAULT '',   -- 统一社会信用代码
    district        TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    wage_min        INTEGER CHECK (wage_min IS NULL OR wage_min >= 0),
    wage_max        INTEGER CHECK (wage_max IS NULL OR wage_max >= 0),
    wage_unit       TEXT NOT NULL CHECK (wage_unit IN ('month', 'day', 'hour')),
    wage_month      INTEGER,
    benefits        INTEGER NOT NULL DEFAULT 0, -- bits: 1 包吃, 2 包住, 4 社保
    employment_type TEXT NOT NULL,
    hours           TEXT NOT NULL DEFAULT '',
    openings        INTEGER CHECK (openings IS NULL OR openings >= 0),
    age_min         INTEGER,
    age_max         INTEGER,
    education       TEXT NOT NULL DEFAULT '',
    experience      TEXT NOT NULL DEFAULT '',
    physical        TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    posted_on       TEXT,
    valid_through   TEXT,
    source          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('open', 'filled', 'closed')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

-- A jobs referral may name the opening it refers the visitor to.
ALTER TABLE referral ADD COLUMN job_id TEXT REFERENCES job(id);
CREATE INDEX referral_by_job ON referral(job_id) WHERE job_id IS NOT NULL;

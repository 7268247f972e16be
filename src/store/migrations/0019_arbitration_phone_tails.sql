-- Issue 19, the arbitration clock (仲裁时效, 劳动争议调解仲裁法 art. 27): for wage,
-- contract and injury visits the desk asks whether the employment continues or ended
-- (and when) and when the worker learned of the problem. The last day to apply, as the
-- desk computed it at the save (domain::arbitration), is kept beside the facts so the
-- referral queue can put cases whose last day is near at its top through an index.
ALTER TABLE visit ADD COLUMN employment TEXT
    CHECK (employment IS NULL OR employment IN ('continues', 'ended'));
ALTER TABLE visit ADD COLUMN employment_ended_on TEXT
    CHECK (employment_ended_on IS NULL OR employment_ended_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]');
ALTER TABLE visit ADD COLUMN learned_on TEXT
    CHECK (learned_on IS NULL OR learned_on GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]');
ALTER TABLE visit ADD COLUMN arbitration_last_day TEXT
    CHECK (arbitration_last_day IS NULL OR arbitration_last_day GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]');
CREATE INDEX visit_by_arbitration ON visit(arbitration_last_day)
    WHERE arbitration_last_day IS NOT NULL;
-- Issue 19, tail lookup (手机尾号): every stored phone is also keyed by its digits
-- reversed, behind a mark no typed key starts with (visitors::TAIL_MARK), so the last
-- four or more digits are found by a prefix search of visitor_key's primary key. The
-- keys of the visitors already on file are written by this migration's step in Rust
-- (visitors::tail_keys_at_migration); keys_for writes them from here on.

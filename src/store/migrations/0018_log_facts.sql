-- Issues 14 and 18: a line the desk writes in the daily log (a shift opened, an intake,
-- an import, a handover read, a referral moved…) is kept as a fact — its kind and
-- parameters, as JSON (domain::log_fact) — and shown in the language of the desk reading
-- it. `text` still holds the Chinese line: the county hub and older desks read it, and the
-- seal covers it (the seal names its columns; this one is not among them). The desk uses
-- a fact only while it says what `text` says. NULL for the officer's own words and for
-- lines written before this version (those are read back from their Chinese text).
-- Entries are never edited, so no old row is filled in.
ALTER TABLE log_entry ADD COLUMN fact TEXT CHECK (fact IS NULL OR json_valid(fact));

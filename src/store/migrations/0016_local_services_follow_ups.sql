-- Issue 19: a service the directory lacks, and a case followed across visits.

-- A service the officer typed in the route dialog because the directory lacks it
-- (本站添加): who added it (when: created_at). NULL for a service from a directory file or
-- from the county hub. Imports find services by source_id, which a station-local service
-- never has, so no import updates or removes it.
ALTER TABLE service ADD COLUMN added_by TEXT REFERENCES officer(id);

-- A follow-up visit (回访): the open referral the visitor came back about, written in the
-- same transaction as the visit. Reports count it as 回访, not as a new request.
ALTER TABLE visit ADD COLUMN follows_referral TEXT REFERENCES referral(id);
-- What a period's totals read of its follow-ups: few rows, covered.
CREATE INDEX visit_follow_up ON visit(visited_at, category, headcount)
    WHERE follows_referral IS NOT NULL;

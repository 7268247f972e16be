-- Job postings from outside feeds (issue 17): a salary in another currency or per week or
-- year is kept as given. wage_unit keeps its month / day / hour check: a week's or year's
-- pay is stored with wage_period 'week' or 'year' (wage_unit then reads 'month'), 'none'
-- when the posting did not say what the amount is per, '' when wage_unit says it. Only
-- yuan wages have a wage_month. The benefits' own words, and what a posting left out
-- (employer, salary, place: shown as 信息不全).
ALTER TABLE job ADD COLUMN wage_currency TEXT NOT NULL DEFAULT 'CNY';
ALTER TABLE job ADD COLUMN wage_period TEXT NOT NULL DEFAULT ''
    CHECK (wage_period IN ('', 'week', 'year', 'none'));
ALTER TABLE job ADD COLUMN benefits_text TEXT NOT NULL DEFAULT '';
ALTER TABLE job ADD COLUMN unknown TEXT NOT NULL DEFAULT '';
-- 1 when the list must show the opening as the index's compact columns cannot: Latin
-- capitals in its title, employer or district, a wage not in yuan per month, day or hour,
-- or something unknown. The index reads these rows apart, through the partial index.
ALTER TABLE job ADD COLUMN shown_apart INTEGER NOT NULL DEFAULT 0;
UPDATE job SET shown_apart = 1
 WHERE title GLOB '*[A-Z]*' OR employer GLOB '*[A-Z]*' OR district GLOB '*[A-Z]*';
CREATE INDEX job_shown_apart ON job(shown_apart) WHERE shown_apart = 1;

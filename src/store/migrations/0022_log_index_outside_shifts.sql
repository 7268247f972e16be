-- Issue 15: what a save writes. Every log line was in `log_by_time`, so a save's intake
-- line wrote a page of it beside the pages of `log_by_shift`, which orders the same lines
-- by shift and time. The only read by time alone is a day's log (`entries_between`): it
-- now reads the day's shifts' lines through `log_by_shift` and the lines written outside
-- any shift (a script's import) through this smaller index, which only they are in.
-- Its Rust step (src/store/migrate.rs) also keys `event` by its id in a file that reached
-- version 20 before migration 20's step was in it (main's 20 was the hub's services).
DROP INDEX log_by_time;
CREATE INDEX log_outside_shifts ON log_entry(at) WHERE shift_id IS NULL;

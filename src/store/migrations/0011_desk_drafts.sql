-- Each running desk keeps its own draft (issue 15). A desk registers itself when it starts
-- (host, process id and when that process started, the boot it runs in) and beats while
-- it runs; a draft belongs to one desk, is deleted in the same transaction as that desk's
-- save, and is offered at another desk's start only once its own desk is no longer running.
CREATE TABLE desk (
    id            TEXT PRIMARY KEY,
    host          TEXT NOT NULL,
    boot_id       TEXT NOT NULL DEFAULT '',    -- this boot of the host (Linux); '' unknown
    pid           INTEGER NOT NULL,
    proc_start    INTEGER NOT NULL DEFAULT 0,  -- the process's start, clock ticks since boot (Linux): a reused pid is not taken for it
    started_at    TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL,
    ended_at      TEXT                          -- stopped (quit, signal, a closed terminal)
) STRICT;
CREATE TABLE desk_draft (
    desk_id     TEXT NOT NULL REFERENCES desk(id),
    form        TEXT NOT NULL,
    officer_id  TEXT REFERENCES officer(id),
    data        TEXT NOT NULL,      -- JSON: field id -> text
    saved_at    TEXT NOT NULL,
    PRIMARY KEY (desk_id, form)
) STRICT, WITHOUT ROWID;
-- A draft left by an earlier version belongs to no running desk: it is offered once.
INSERT INTO desk (id, host, pid, started_at, heartbeat_at, ended_at)
    SELECT 'before-0011', '', 0, min(saved_at), max(saved_at), max(saved_at) FROM draft
    HAVING count(*) > 0;
INSERT INTO desk_draft (desk_id, form, officer_id, data, saved_at)
    SELECT 'before-0011', form, officer_id, data, saved_at FROM draft;
DROP TABLE draft;

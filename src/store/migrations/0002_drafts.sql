-- Unsaved form input, kept so a crash, power cut or closed SSH link loses no typing.
-- One row per form; written every few seconds and on each field change, deleted on save.
CREATE TABLE draft (
    form        TEXT PRIMARY KEY,
    officer_id  TEXT REFERENCES officer(id),
    data        TEXT NOT NULL,      -- JSON: field id -> text
    saved_at    TEXT NOT NULL
) STRICT;

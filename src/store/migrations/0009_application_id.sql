-- A dutydesk database says so in its header (offset 68, "DUTY"), so the desk can refuse
-- another program's SQLite file instead of adopting it. New files get it here too.
PRAGMA application_id = 1146442841;

-- Visits per station-local day (China Standard Time, the desk's fixed zone: see
-- app::china_zone), kept by triggers so the review's 30-day sparkline reads 30 small
-- rows instead of counting ~16,000 index entries at a county hub's size.
CREATE TABLE visit_day (
    day    TEXT PRIMARY KEY,
    visits INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO visit_day (day, visits)
    SELECT date(visited_at, '+8 hours'), count(*) FROM visit GROUP BY 1;

CREATE TRIGGER visit_day_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_day (day, visits) VALUES (date(NEW.visited_at, '+8 hours'), 1)
        ON CONFLICT (day) DO UPDATE SET visits = visits + 1;
END;

CREATE TRIGGER visit_day_delete AFTER DELETE ON visit BEGIN
    UPDATE visit_day SET visits = visits - 1 WHERE day = date(OLD.visited_at, '+8 hours');
END;

CREATE TRIGGER visit_day_move AFTER UPDATE OF visited_at ON visit
    WHEN date(OLD.visited_at, '+8 hours') IS NOT date(NEW.visited_at, '+8 hours')
BEGIN
    UPDATE visit_day SET visits = visits - 1 WHERE day = date(OLD.visited_at, '+8 hours');
    INSERT INTO visit_day (day, visits) VALUES (date(NEW.visited_at, '+8 hours'), 1)
        ON CONFLICT (day) DO UPDATE SET visits = visits + 1;
END;

#!/usr/bin/env bash
# County hub figures (issue 20), on a throwaway PostgreSQL started here (as in .ci/run):
#   1. the first sync of a generated station of $VISITS visits (default 1,000,000);
#   2. an incremental sync of 100 changes;
#   3. the county report for one year holding $COUNTY_VISITS visits (default 50,000,000)
#      at $STATIONS stations (default 550), the visits generated inside PostgreSQL with
#      generate_series and their rollups computed from them as the sync keeps them.
# Prints a Markdown table for BENCHMARKS.md. `--quick`: 100,000 / 2,000,000 / 550.
# Needs ~10 GB free and, at the defaults, about 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
VISITS=${VISITS:-1000000}
COUNTY_VISITS=${COUNTY_VISITS:-50000000}
STATIONS=${STATIONS:-550}
if [ "${1:-}" = --quick ]; then VISITS=100000; COUNTY_VISITS=2000000; fi

cargo build --release -q
D=$PWD/target/release/dutydesk

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGTMP=$(mktemp -d)
WORK=$(mktemp -d)
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); chown postgres:postgres "$PGTMP"; fi
chmod 700 "$PGTMP"
stop() {
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PGTMP" "$WORK"
}
trap stop EXIT
"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# A hub's settings, not a test's: fsync stays on.
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 30 \
    -o "-c listen_addresses='' -k $PGTMP -c shared_buffers=1GB -c work_mem=64MB -c max_wal_size=8GB" start >/dev/null
H="host=$PGTMP user=postgres dbname=postgres"
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
# CPU seconds (user + system) the PostgreSQL cluster has used: its live processes, and the
# backends that have ended (the postmaster's reaped children).
pg_cpu() {
    local pm tck total=0 p f
    pm=$(head -1 "$PGTMP/data/postmaster.pid")
    tck=$(getconf CLK_TCK)
    for p in $pm $(pgrep -P "$pm"); do
        [ -r "/proc/$p/stat" ] || continue
        read -r -a f < <(sed 's/^.*) //' "/proc/$p/stat")
        total=$((total + f[11] + f[12]))
        if [ "$p" = "$pm" ]; then total=$((total + f[13] + f[14])); fi
    done
    echo "scale=1; $total / $tck" | bc
}

"$D" hub init --hub "$H" >/dev/null
"$D" --db "$WORK/desk.db" gen --visits "$VISITS" --referrals $((VISITS / 10)) >/dev/null
"$D" hub enroll --hub "$H" --station 基准站 -o "$WORK/desk.toml" >/dev/null
# The outbox is filled when the desk joins: the count is what the first sync says it sent.
# The desk's CPU time by /usr/bin/time, the server's from /proc, the load average around it
# (the machine may be shared).
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
pg0=$(pg_cpu)
t0=$(now)
first_said=$(/usr/bin/time -f '%U %S' -o "$WORK/desk-cpu" \
    "$D" --db "$WORK/desk.db" --lang en sync --join "$WORK/desk.toml" 2>&1)
t1=$(now)
sleep 3 # the sync's server process ended: its time is counted once it is reaped
pg1=$(pg_cpu)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
changes=$(echo "$first_said" | tr '\r' '\n' | sed -n 's/^sent \([0-9]*\) changes.*/\1/p' | head -1)
first=$(secs "$t0" "$t1")
desk_cpu=$(awk '{print $1 + $2}' "$WORK/desk-cpu")
pg_cpu_first=$(echo "$pg1 - $pg0" | bc)

sqlite3 "$WORK/desk.db" "UPDATE visitor SET employer = employer || '·'
                         WHERE rowid IN (SELECT rowid FROM visitor ORDER BY rowid LIMIT 100)"
t0=$(now); said=$("$D" --db "$WORK/desk.db" --lang en sync); t1=$(now)
incremental=$(secs "$t0" "$t1")
echo "$said" | grep -q '^sent 100 changes' || { echo "incremental sync: $said" >&2; exit 1; }

YEAR=$(( $(date +%Y) - 1 ))
t0=$(now)
psql -q -v ON_ERROR_STOP=1 "$H" >/dev/null <<SQL
SET work_mem = '256MB';
INSERT INTO hub.station (station_id, name)
SELECT 'bench-' || g, '基准站' || g FROM generate_series(1, $STATIONS) g;
SELECT hub.ensure_visit_months('$YEAR-01-01 00:00+00', '$YEAR-12-31 23:59+00');
-- The county's generated year is written without WAL (unlogged partitions): 50,000,000
-- rows through the WAL took more than 15 GB of disk at once here. It changes nothing the
-- report reads (it reads the rollups), only how the bench makes them.
DO \$\$
DECLARE p regclass;
BEGIN
    FOR p IN SELECT inhrelid::regclass FROM pg_inherits
              WHERE inhparent = 'hub.visit'::regclass
                AND inhrelid::regclass::text LIKE 'hub.visit_$YEAR%' LOOP
        EXECUTE format('ALTER TABLE %s SET UNLOGGED', p);
    END LOOP;
END
\$\$;
INSERT INTO hub.visit (station_id, id, channel, category, occupation, membership, headcount,
                       visited_at, src_epoch, src_seq)
SELECT 'bench-' || (g % $STATIONS + 1), 'v' || g,
       (ARRAY['walk_in', 'phone', 'online', 'outreach'])[g % 4 + 1],
       (ARRAY['wage_arrears', 'contract', 'injury', 'hardship', 'job_seeking', 'legal',
              'medical_aid', 'education', 'insurance', 'join_union', 'women_workers',
              'other'])[(g / 4) % 12 + 1],
       (ARRAY['construction', 'manufacturing', 'courier', 'catering', 'domestic', 'sanitation',
              'retail', 'security', 'other'])[(g / 48) % 9 + 1],
       (ARRAY['unknown', 'member', 'non_member', 'wants_to_join'])[(g / 7) % 4 + 1],
       CASE WHEN g % 50 = 0 THEN 12 END,
       timestamptz '$YEAR-01-01 00:00+00' + (g::bigint * 31535000 / $COUNTY_VISITS) * interval '1 second',
       1, g
  FROM generate_series(1, $COUNTY_VISITS) g;
INSERT INTO hub.rollup (station_id, day, dim, value, n)
SELECT station_id, ((visited_at AT TIME ZONE 'UTC') + interval '8 hours')::date, d.dim, d.value, sum(d.n)
  FROM hub.visit CROSS JOIN LATERAL (VALUES
       ('visits', '', 1::bigint), ('workers', '', coalesce(headcount, 1)),
       ('channel', channel, 1), ('category', category, 1),
       ('occupation', occupation, 1), ('membership', membership, 1)) d(dim, value, n)
 WHERE station_id LIKE 'bench-%'
 GROUP BY 1, 2, 3, 4;
INSERT INTO hub.rollup_month (station_id, month, dim, value, n)
SELECT station_id, date_trunc('month', day)::date, dim, value, sum(n)
  FROM hub.rollup WHERE station_id LIKE 'bench-%' GROUP BY 1, 2, 3, 4;
UPDATE hub.station SET last_sync_at = now() WHERE station_id LIKE 'bench-%';
VACUUM ANALYZE;
SQL
t1=$(now)
made=$(secs "$t0" "$t1")
rollups=$(psql -Atc "SELECT (SELECT count(*) FROM hub.rollup) || ' day / ' || (SELECT count(*) FROM hub.rollup_month) || ' month'" "$H")
size=$(psql -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))" "$H")

# The median of 5 runs of the command as a county officer runs it (connection included).
median() {
    local times=()
    for _ in 1 2 3 4 5; do
        t0=$(now); "$D" hub report --hub "$H" "$@" >/dev/null; t1=$(now)
        times+=("$(secs "$t0" "$t1")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
year=$(median --from "$YEAR-01-01" --to "$YEAR-12-31" --format json)
odd=$(median --from "$YEAR-02-14" --to "$YEAR-11-20" --format json)
one=$(median --from "$YEAR-01-01" --to "$YEAR-12-31" --station 基准站1 --format json)
check=$("$D" hub report --hub "$H" --from "$YEAR-01-01" --to "$YEAR-12-31" --format json \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["visits"])')

cat <<EOF2
| figure (bench/hub.sh, $(date +%Y-%m-%d), $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')) | target | measured |
|---|---|---|
| first sync of a $VISITS-visit station ($changes changes; CPU user+sys: desk ${desk_cpu} s, PostgreSQL ${pg_cpu_first} s; load average ${load_before} before, ${load_after} after) | ≤ 3 min | ${first} s |
| incremental sync of 100 changes | ≤ 1 s | ${incremental} s |
| county report, year $YEAR, $COUNTY_VISITS visits at $STATIONS stations (json; $check visits counted) | ≤ 1 s | ${year} s |
| the same, a period of partial months ($YEAR-02-14 to $YEAR-11-20) | ≤ 1 s | ${odd} s |
| one station's year | — | ${one} s |

Rollups: $rollups rows; the hub's database $size; generating the county's visits and rollups took ${made} s.
EOF2

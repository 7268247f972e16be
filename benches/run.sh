#!/usr/bin/env bash
# Every figure the issues name, in one run, written into BENCHMARKS.md between the
# "run.sh" markers (the notes around them are kept): the generator's time, the criterion
# benches' p50/p99 (their PERCENTILES lines), the whole-process comparison with fzf and sk,
# each against its target, with the machine and the date.
#
# Usage: bench/run.sh [--quick]   (or benches/run.sh)
#   --quick: small data (20,000 visits, 10,000 openings) to check the harness in minutes;
#            its figures are not comparable with the targets.
# Needs: cargo; hyperfine and fzf (Debian packages) and sk for the finders' comparison
# (left out, and said so, when missing). Takes about an hour on a 2-core machine: the
# databases are generated once into target/bench-data/ and reused.
#
# bench/run.sh (the path the issue names) runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
out=target/bench-data
mkdir -p "$out"
log="$out/run.log"
: > "$log"

if [ $quick = 1 ]; then
  export DUTYDESK_BENCH_VISITS=20000 DUTYDESK_BENCH_REFERRALS=4000 DUTYDESK_BENCH_JOBS=10000
  gen_visits=20000 gen_jobs=20000 finders=10000 small=10000 large=none
  crit=(-- --warm-up-time 1 --measurement-time 1)
else
  gen_visits=1000000 gen_jobs=1000000 finders=100000 small=100000 large=1000000
  crit=()
fi

cargo build --release --quiet
bin=target/release/dutydesk

# The generator: visits and openings together, into a fresh file.
gen_db="$out/run-gen.sqlite3"
rm -f "$gen_db" "$gen_db-wal" "$gen_db-shm"
start=$(date +%s%N)
"$bin" gen --db "$gen_db" --visits "$gen_visits" --jobs "$gen_jobs" --seed 1 | tee -a "$log"
gen_s=$(awk "BEGIN{print ($(date +%s%N) - $start) / 1e9}")
rm -f "$gen_db" "$gen_db-wal" "$gen_db-shm"

for bench in intake referrals search log; do
  echo "== cargo bench --bench $bench" | tee -a "$log"
  cargo bench --quiet --bench "$bench" "${crit[@]}" 2>&1 | tee -a "$log" | grep -E "^PERCENTILES|^generated" || true
done

finders_md=""
if command -v hyperfine >/dev/null; then
  benches/jobs_vs_finders.sh "$finders" 2>&1 | tee -a "$log" >/dev/null
  finders_md="$out/finders-$finders-快递.md"
else
  echo "hyperfine missing: whole-process comparison left out" | tee -a "$log"
fi

# p50 and p99 (ms) of a PERCENTILES line.
fig() { grep -m1 "^PERCENTILES $1:" "$log" | sed -E 's/.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \2/'; }
# row NAME LABEL TARGET_TEXT P50_LIMIT P99_LIMIT  (a limit "-" is not checked)
row() {
  local v p50 p99 ok="met"
  [ "$4" = - ] && [ "$5" = - ] && ok="reference"
  v=$(fig "$1")
  if [ -z "$v" ]; then
    echo "| $2 | $3 | — | — | not measured |"
    return
  fi
  read -r p50 p99 <<< "$v"
  local over50=0 over99=0
  [ "$4" != "-" ] && awk "BEGIN{exit !($p50 > $4)}" && over50=1
  [ "$5" != "-" ] && awk "BEGIN{exit !($p99 > $5)}" && over99=1
  case "$over50$over99" in
    10) ok="**p50 not met**" ;;
    01) ok="**p99 not met**" ;;
    11) ok="**p50 and p99 not met**" ;;
  esac
  echo "| $2 | $3 | $p50 ms | $p99 ms | $ok |"
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
table=$(
  echo "Machine: $(nproc) cores, $cpu, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)."
  [ $quick = 1 ] && echo "**Quick run (small data): not comparable with the targets.**"
  echo
  echo "| figure | target | p50 | p99 | |"
  echo "| --- | --- | --- | --- | --- |"
  row startup_to_first_frame "start to first frame (1M visits)" "≤ 50 ms p50" 50 -
  row durable_save "durable intake save" "≤ 1 ms p50, ≤ 5 ms p99" 1 5
  row returning_lookup_per_keystroke "returning-visitor lookup per keystroke" "≤ 5 ms p99" - 5
  row phone_tail_lookup_per_keystroke "lookup by a phone's last digits (手机尾号)" "≤ 5 ms p99" - 5
  row redraw_240x67 "full redraw 240×67, CJK" "≤ 1 ms p50, ≤ 3 ms p99" 1 3
  row queue_open_and_filter "referral queue open and filter (200k)" "≤ 10 ms p99" - 10
  row status_change_durable "referral status change, durable" "≤ 5 ms p99" - 5
  for n in $small $large; do
    [ "$n" = none ] && continue
    if [ "$n" = 1000000 ]; then
      key="≤ 15 ms p50, ≤ 40 ms p99"; k50=15; k99=40; one="≤ 45 ms"; one99=45; ready="≤ 1.5 s"; r50=1500
    else
      key="≤ 1.5 ms p50, ≤ 5 ms p99"; k50=1.5; k99=5; one="≤ 10 ms"; one99=10; ready="≤ 250 ms"; r50=250
    fi
    row "keystroke_top50_$n" "job search keystroke, $n openings" "$key" "$k50" "$k99"
    row "one_char_top50_$n" "one-character job query, $n" "$one" - "$one99"
    row "index_build_$n" "job index ready, $n" "$ready" "$r50" -
    row "rank_by_wish_$n" "matching openings (ranked by a wish), $n" "— (as a one-character query: $one)" - "$one99"
    row "substring_floor_$n" "floor: plain substring scan, $n (one core)" "—" - -
  done
  row end_of_shift_review "end-of-shift review (1M visits)" "≤ 5 ms p99" - 5
  row report_one_month "report, one month" "≤ 50 ms" 50 -
  row report_one_year "report, one year" "≤ 500 ms" 500 -
  gen_ok="met"
  awk "BEGIN{exit !($gen_s > 60)}" && gen_ok="**not met**"
  echo "| generator: $gen_visits visits + $gen_jobs openings (\`dutydesk gen\`) | < 60 s | $(printf %.1f "$gen_s") s | | $gen_ok |"
  if [ -n "$finders_md" ] && [ -f "$finders_md" ]; then
    echo
    echo "Whole processes on $finders openings, query 快递 (hyperfine; more queries in $out/finders-*.md):"
    echo
    cat "$finders_md"
  fi
)

begin="<!-- run.sh begin -->"
end="<!-- run.sh end -->"
if ! grep -q "$begin" BENCHMARKS.md; then
  printf '\n## Latest `bench/run.sh`\n\n%s\n%s\n' "$begin" "$end" >> BENCHMARKS.md
fi
tmp=$(mktemp)
{
  awk -v b="$begin" '$0 == b { exit } { print }' BENCHMARKS.md
  echo "$begin"
  echo "$table"
  echo "$end"
  awk -v e="$end" 'found { print } $0 == e { found = 1 }' BENCHMARKS.md
} > "$tmp"
mv "$tmp" BENCHMARKS.md
echo "$table"
echo "Written into BENCHMARKS.md; the full log is $log."

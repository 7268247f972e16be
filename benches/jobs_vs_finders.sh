#!/usr/bin/env bash
# Whole processes side by side on the same openings: `dutydesk jobs search` against
# `fzf --filter` and `sk --filter` (given the openings as text lines), with hyperfine.
# Usage: benches/jobs_vs_finders.sh [N]   (default 100000 openings)
# Needs hyperfine and fzf (Debian packages) and sk (`cargo install skim`); a finder that
# is missing is left out and said so.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
cargo build --release --quiet
bin=target/release/dutydesk
dir=target/bench-data
mkdir -p "$dir"
db="$dir/finders-jobs-$n.sqlite3"
lines="$dir/finders-jobs-$n.txt"
if [ ! -f "$db" ]; then
  "$bin" gen --db "$db" --visits 1 --jobs "$n" --seed 5 >/dev/null
fi
# The same openings as text lines: title, employer, district, wage, benefits, type.
"$bin" --db "$db" jobs search "" --all --limit "$n" --format csv | tail -n +2 | tr ',' ' ' > "$lines"
echo "openings: $(wc -l < "$lines") lines, $(du -h "$lines" | cut -f1)"
for q in 快递 普工 包吃 城西; do
  cmds=("$bin --db $db jobs search $q --all --limit 50 --format csv")
  command -v fzf >/dev/null && cmds+=("fzf --filter $q < $lines") || echo "fzf missing"
  command -v sk >/dev/null && cmds+=("sk --filter $q < $lines") || echo "sk missing"
  hyperfine --warmup 2 --runs 10 --style basic --export-markdown "$dir/finders-$n-$q.md" "${cmds[@]}"
done
echo "pinyin (kdy, skcg): only dutydesk understands it; fzf and sk find nothing for kdy:"
command -v fzf >/dev/null && echo "  fzf --filter kdy: $(fzf --filter kdy < "$lines" | wc -l) lines"

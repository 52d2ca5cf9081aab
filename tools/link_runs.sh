#!/bin/bash
# Gathers benchmark runs made one variant and seed per invocation (each --out folder holding one <variant>/ folder)
# into one folder the benchmark's --report tabulates: TABLE/<variant>-seed<k> -> RUN/<variant> (symbolic links; the
# seed is read from the run's plan.json). Then run the benchmark with the runs' options and --report --out TABLE
# --variants V1,V2 --seeds 0,1,2: it loads each finished run and writes results.md, results.csv and the curves there.
# Usage: tools/link_runs.sh TABLE RUN...
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 TABLE RUN..." >&2; exit 2; }
table=$1; shift
mkdir -p "$table"
for run in "$@"; do
  plans=("$run"/*/plan.json)
  [ -f "${plans[0]}" ] || { echo "$run: no <variant>/plan.json (not a benchmark run folder)" >&2; exit 1; }
  [ ${#plans[@]} -eq 1 ] || { echo "$run: holds ${#plans[@]} variants; link folders of one variant and seed" >&2; exit 1; }
  dir=$(cd "$(dirname "${plans[0]}")" && pwd)
  seed=$(sed -n 's/^  "seed" *: *\([0-9]*\).*/\1/p' "${plans[0]}")
  [ -n "$seed" ] || { echo "${plans[0]}: no top-level seed" >&2; exit 1; }
  ln -sfn "$dir" "$table/$(basename "$dir")-seed$seed"
  echo "$table/$(basename "$dir")-seed$seed -> $dir"
done

#!/bin/bash
# Keeps what a long run's folder must leave in the repository (machines here are recycled between sessions):
#   tools/keep_run.sh RUN_DIR NAME   ->  docs/data/long-runs/NAME/
# results.csv and results.md as the benchmark wrote them; per variant its plan.json (<variant>-plan.json), the rows of
# its log.csv that carry a validation (<variant>-validation.csv) and the whole log.csv, gzipped (<variant>-log.csv.gz:
# the loss terms of every step, from which tools/long_table.py prints the swap's hinge statistics). Never images: PolyU's
# crops are non-commercial and nothing restored from them is committed. One seed per folder (the layout --seeds S writes).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 RUN_DIR NAME" >&2; exit 2; }
run=$1 dest=$(dirname "$0")/../docs/data/long-runs/$2
[ -f "$run/results.csv" ] || { echo "$run: no results.csv (the run has not finished)" >&2; exit 1; }
if ls -d "$run"/*/seed-* >/dev/null 2>&1; then echo "$run: holds several seeds (seed-*/); keep one seed per folder" >&2; exit 1; fi
mkdir -p "$dest.tmp"
cp "$run/results.csv" "$run/results.md" "$dest.tmp/"
for plan in "$run"/*/plan.json; do
  vdir=$(dirname "$plan") v=$(basename "$(dirname "$plan")")
  cp "$plan" "$dest.tmp/$v-plan.json"
  [ -f "$vdir/log.csv" ] || { echo "$vdir: no log.csv" >&2; exit 1; }
  # validation rows: those whose val_psnr column is not empty
  awk -F, 'NR==1 { for (i = 1; i <= NF; i++) if ($i == "val_psnr") c = i; print; next } c && $c != "" { print }' \
    "$vdir/log.csv" > "$dest.tmp/$v-validation.csv"
  gzip -9 -n -c "$vdir/log.csv" > "$dest.tmp/$v-log.csv.gz"
done
rm -rf "$dest.old"; [ -d "$dest" ] && mv "$dest" "$dest.old"
mv "$dest.tmp" "$dest" && rm -rf "$dest.old"
echo "kept $run in $dest: $(ls "$dest" | tr '\n' ' ')"

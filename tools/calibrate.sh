#!/usr/bin/env bash
# Trains several variants of the recipe side by side with the PyTorch mirror (tools/torch_reference.py train), one
# process each, on data written by the Java benchmark; for calibrating the method where a GPU (but no JVM) is at hand.
#
#   tools/calibrate.sh DATA OUT STEPS "LABEL:VARIANT[:EXTRA ARGS]" ...
#
# VARIANT is vanilla, diffusion, shuffle, full or oracle (the vanilla plan trained on real pairs). Each run writes
# OUT/LABEL.jsonl (start, validation points, end) as it goes. Environment: PYTHON, DEVICE (cuda when available, else
# cpu), VALIDATE_EVERY (500), MAX_SECONDS (a time budget per run), THREADS (intra-op threads per run). Example, after
#   mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.main=dev.dna.bench.DenoisingBenchmark \
#       -Dexample.args="--export-calibration-data runs/calib-data --variants vanilla,diffusion,shuffle,full,oracle"
#   tools/calibrate.sh runs/calib-data runs/calib 10000 vanilla:vanilla full:full "full-w1:full:--noise-weight 1"
# Real camera noise (PolyU): export with --polyu DIR instead; the runs validate on the validation scenes (choose the
# recipe there) and their end line scores the test scenes once (heldout_psnr, EMA; heldout_psnr_raw; heldout_input_psnr).
set -euo pipefail
data=$1 out=$2 steps=$3
shift 3
mkdir -p "$out"
py=${PYTHON:-python3}
device=${DEVICE:-$("$py" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')}
pids=()
for spec in "$@"; do
  IFS=: read -r label variant extra <<<"$spec"
  plan=$variant oracle=()
  if [ "$variant" = oracle ]; then plan=vanilla oracle=(--oracle); fi
  # shellcheck disable=SC2086
  "$py" "$(dirname "$0")/torch_reference.py" train --data "$data" --plan "$data/plan-$plan.json" "${oracle[@]}" \
      --label "$label" --steps "$steps" --device "$device" --validate-every "${VALIDATE_EVERY:-500}" ${MAX_SECONDS:+--max-seconds "$MAX_SECONDS"} --threads "${THREADS:-0}" $extra \
      >"$out/$label.jsonl" 2>"$out/$label.err" &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
for spec in "$@"; do tail -n 1 "$out/${spec%%:*}.jsonl"; done
exit $status

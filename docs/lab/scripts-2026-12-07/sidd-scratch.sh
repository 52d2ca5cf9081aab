#!/bin/bash
# Issue 43, from-scratch rows on SIDD: unet(32, 2), 10k steps, lr 5e-4 decaying along a cosine to 1e-5 (chosen on
# validation against the constant rate, seed 0 full), default spike guard. One folder per variant and seed; arguments:
# "variant:seed" pairs in the order to run. Resumable: rerun (finished folders are skipped).
cd /work/cal
while pgrep -f "sidd-warm.sh|java.*DenoisingBenchmark" >/dev/null; do sleep 30; done
for vs in "$@"; do
  v=${vs%:*}; seed=${vs#*:}
  out=/work/cal/runs/sidd-scratch-$v-s$seed
  [ $v = full ] && [ $seed = 0 ] && out=/work/cal/runs/sidd-scratch-full-s0-cosine
  [ -f $out/results.md ] && continue
  extra=; [ -f $out/$v/checkpoint.dna ] && extra=--resume
  java -Xmx8g -cp "/work/cal/lib5/*" dev.dna.bench.DenoisingBenchmark --sidd /work/shared/data/sidd-samples --init none \
    --width 32 --steps 10000 --validate-every 500 --checkpoint-every 500 --variants $v --seeds $seed --no-progress \
    --lr 5e-4 --lr-cosine-to 1e-5 --out $out $extra >> $out.log 2>&1
done

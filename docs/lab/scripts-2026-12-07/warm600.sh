#!/bin/bash
# Eighth session, for the swap decision: the fine-tuning recipe's own 600 steps on SIDD, shuffle against full, seeds 0-2
# (validation every 50 steps), one folder per seed.
cd /work/cal
for seed in 0 1 2; do
  out=/work/cal/runs/sidd-warm600-s$seed
  [ -f $out/results.md ] && continue
  java -Xmx8g -cp "/work/cal/lib8/*" dev.dna.bench.DenoisingBenchmark --sidd /work/shared/data/sidd-samples \
    --init pretrained:denoise-awgn-unet32 --variants shuffle,full --seeds $seed --steps 600 --validate-every 50 \
    --checkpoint-every 100 --no-progress --out $out >> $out.log 2>&1
done
echo "warm600 done $(date)"

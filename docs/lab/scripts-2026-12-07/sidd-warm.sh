#!/bin/bash
# Issue 43, warm-start rows: SIDD, from pretrained:denoise-awgn-unet32, seeds 0-2, 2,000 steps at the fine-tuning
# recipe (lr 5e-5, lambda 1), validation every 100 steps. One folder per variant and seed; arguments: "variant:seed"
# pairs in the order to run (default: continued vanilla and full, seeds 0-2). Resumable: rerun (a finished folder is
# skipped, an unfinished one resumes from its checkpoint).
cd /work/cal
while pgrep -f "java.*DenoisingBenchmark" >/dev/null; do sleep 30; done
pairs=("$@"); [ ${#pairs[@]} = 0 ] && pairs=(vanilla:0 full:0 vanilla:1 full:1 vanilla:2 full:2)
for vs in "${pairs[@]}"; do
  v=${vs%:*}; seed=${vs#*:}
  out=/work/cal/runs/sidd-warm-$v-s$seed
  [ -f $out/results.md ] && continue
  extra=; [ -f $out/$v/checkpoint.dna ] && extra=--resume
  java -Xmx8g -cp "/work/cal/lib5/*" dev.dna.bench.DenoisingBenchmark --sidd /work/shared/data/sidd-samples \
    --init pretrained:denoise-awgn-unet32 --variants $v --seeds $seed --steps 2000 --validate-every 100 \
    --checkpoint-every 500 --no-progress --out $out $extra >> $out.log 2>&1
done

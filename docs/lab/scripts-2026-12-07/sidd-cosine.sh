#!/bin/bash
# Issue 44 follow-up / issue 43 protocol: the SIDD full run from scratch (seed 0, width 32, 10k steps) with the rate
# decaying along a cosine from 5e-4 to 1e-5 (--lr-cosine-to), default spike guard. Compare with the constant-rate run
# (docs/data/issue44-sidd-collapse: 31.89 validation / 31.58 test at the end with the guard). Resumable: rerun.
OUT=/work/cal/runs/sidd-scratch-full-s0-cosine
extra=; [ -f $OUT/full/checkpoint.dna ] && extra=--resume
cd /work/cal
java -Xmx8g -cp "/work/cal/lib5/*" dev.dna.bench.DenoisingBenchmark --sidd /work/shared/data/sidd-samples --init none \
  --width 32 --steps 10000 --validate-every 500 --checkpoint-every 500 --variants full --seeds 0 --no-progress \
  --lr 5e-4 --lr-cosine-to 1e-5 --out $OUT $extra

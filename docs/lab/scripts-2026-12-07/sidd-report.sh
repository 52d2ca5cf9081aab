#!/bin/bash
# Tabulates issue 43's SIDD runs (one folder per variant and seed) with the benchmark's --report: links them into
# runs/sidd-table-warm and runs/sidd-table-scratch as <variant>-seed<k>, then reports over what exists.
# Usage: sidd-report.sh warm|scratch VARIANTS SEEDS     e.g. sidd-report.sh warm vanilla,full 0,1,2
set -e
kind=$1 variants=$2 seeds=$3
t=/work/cal/runs/sidd-table-$kind; mkdir -p $t
for v in ${variants//,/ }; do for s in ${seeds//,/ }; do
  src=/work/cal/runs/sidd-$kind-$v-s$s/$v
  [ $kind = scratch ] && [ $v = full ] && [ $s = 0 ] && src=/work/cal/runs/sidd-scratch-full-s0-cosine/full
  [ -d $src ] && ln -sfn $src $t/$v-seed$s
done; done
if [ $kind = warm ]; then opts="--init pretrained:denoise-awgn-unet32 --steps 2000 --validate-every 100"
else opts="--init none --width 32 --steps 10000 --validate-every 500 --lr 5e-4 --lr-cosine-to 1e-5"; fi
java -Xmx8g -cp "/work/cal/lib8/*" dev.dna.bench.DenoisingBenchmark --sidd /work/shared/data/sidd-samples $opts \
  --variants $variants --seeds $seeds --no-progress --report --out $t 2>&1 | grep -av "WARN\|INFO\|^ \|^HAVE\|^STD\|^DEFAULT"

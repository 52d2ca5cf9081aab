#!/bin/bash
# Issue 44's reproduction: the SIDD full-method run from scratch (seed 0, width 32, 10,000 steps) that collapsed at step
# 9,450 without a guard, now with the default spike guard (ROLLBACK). About 50 min on two cores; resumable: run this
# script again and it continues from the last checkpoint. Keeps a copy of each checkpoint from step 9,000 on.
# usage: tools/issue44_repro.sh [OUT] [SIDD_DIR]     (GUARD=OFF: the unguarded run; EXTRA="--parameter-log": the norms)
OUT=${1:-runs/issue44-sidd-s0-full-w32-${GUARD:-rollback}}
SIDD=${2:-../shared/data/sidd-samples}
extra=; [ -f "$OUT/full/checkpoint.dna" ] && extra=--resume
( while sleep 60; do c=$OUT/full/checkpoint.dna; [ -f "$c" ] || continue
    s=$(tail -1 "$OUT/full/log.csv" 2>/dev/null | cut -d, -f1); [ "${s:-0}" -ge 9000 ] 2>/dev/null || continue
    k=$OUT/keep-$(( s / 500 * 500 )).dna; [ -f "$k" ] || cp "$c" "$k"; done ) &
W=$!
mvn -q -Pexample -pl examples -am package -DskipTests -Dexample.args="--sidd $SIDD --init none --width 32 \
  --steps 10000 --validate-every 500 --checkpoint-every 500 --variants full --seeds 0 --no-progress \
  --spike-guard ${GUARD:-ROLLBACK} --out $OUT $extra $EXTRA"
kill $W

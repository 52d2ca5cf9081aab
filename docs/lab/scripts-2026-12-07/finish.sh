#!/bin/bash
# Seventh session's end: keep every finished shuffle/diffusion run in the repository, then tabulate all from-scratch runs
# (the training java paused meanwhile: one ND4J process at a time).
cd /work/main
for v in shuffle diffusion; do for s in 0 1 2; do
  r=/work/cal/runs/sidd-scratch-$v-s$s
  if [ -f $r/results.csv ] && [ ! -d docs/data/long-runs/sidd-scratch-$v-seed$s ]; then
    tools/keep_run.sh $r sidd-scratch-$v-seed$s && echo "kept $v seed $s"
  fi
done; done
J=$(pgrep -f "java.*DenoisingBenchmark.*--variant")
[ -n "$J" ] && kill -STOP $J
bash /work/cal/sidd-report.sh scratch vanilla,diffusion,shuffle,full,oracle 0,1,2 > /work/cal/runs/sidd-table-scratch.log 2>&1
[ -n "$J" ] && kill -CONT $J
/usr/bin/python3 tools/long_table.py /work/cal/runs/sidd-table-scratch > /work/cal/runs/sidd-table-scratch-long.md 2>&1
echo done

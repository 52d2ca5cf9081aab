#!/bin/bash
# Eighth session: keep the warm-start ablation runs (the diffusion loss alone, the shuffle), then tabulate all warm runs.
cd /work/main
for v in diffusion shuffle; do for s in 0 1 2; do
  r=/work/cal/runs/sidd-warm-$v-s$s
  if [ -f $r/results.csv ] && [ ! -d docs/data/long-runs/sidd-warm-$v-seed$s ]; then
    tools/keep_run.sh $r sidd-warm-$v-seed$s && echo "kept $v seed $s"
  fi
done; done
bash /work/cal/sidd-report.sh warm vanilla,diffusion,shuffle,full,oracle 0,1,2 > /work/cal/runs/sidd-table-warm.log 2>&1
/usr/bin/python3 tools/long_table.py /work/cal/runs/sidd-table-warm > /work/cal/runs/sidd-table-warm-long.md 2>&1
echo done

#!/bin/bash
# Eighth session: after the scratch queue (the diffusion loss's seed 2), keep and tabulate the scratch runs
# (finish.sh), then the warm-start ablation rows on SIDD: the diffusion loss alone and the shuffle, seeds 0-2.
cd /work/cal
while pgrep -f "sidd-queue.sh" >/dev/null; do sleep 30; done
bash finish.sh > runs/finish8.log 2>&1
bash sidd-warm.sh diffusion:0 shuffle:0 diffusion:1 shuffle:1 diffusion:2 shuffle:2
echo "queue8 done $(date)"

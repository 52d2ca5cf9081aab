#!/bin/bash
# This session's order: the full method from scratch seeds 1-2, the warm-start oracle, then the scratch ablations
# (the channel shuffle's three seeds first: issue 43's budget names it; the diffusion loss alone after).
cd /work/cal
bash sidd-scratch.sh full:1 full:2
bash sidd-warm.sh oracle:0 oracle:1 oracle:2
bash sidd-scratch.sh shuffle:0 shuffle:1 shuffle:2 diffusion:0 diffusion:1 diffusion:2

#!/bin/bash
# This session's order: the full method from scratch seeds 1-2, the warm-start oracle, then the scratch ablations.
cd /work/cal
bash sidd-scratch.sh full:1 full:2
bash sidd-warm.sh oracle:0 oracle:1 oracle:2
bash sidd-scratch.sh diffusion:0 shuffle:0 diffusion:1 shuffle:1 diffusion:2 shuffle:2

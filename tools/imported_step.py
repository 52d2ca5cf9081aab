#!/usr/bin/python3
"""PyTorch's side of ImportedStepBenchmark: median seconds of a vanilla training step (Charbonnier loss, Adam) of a
network of tools/make_modern_fixtures.py, on the CPU with the given threads.

usage: imported_step.py NAME BATCH PATCH STEPS THREADS  -> prints 'median_seconds S params P'
"""
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from make_modern_fixtures import NETWORKS  # noqa: E402


def main():
    name, batch, patch, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    net = NETWORKS[name]().train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    x = torch.rand(batch, 3, patch, patch)
    y = torch.rand(batch, 3, patch, patch)
    times = []
    for k in range(steps + 3):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = torch.sqrt((net(x) - y) ** 2 + 1e-6).mean()
        loss.backward()
        opt.step()
        if k >= 3:
            times.append(time.perf_counter() - t0)
    print("median_seconds %.6f params %d" % (statistics.median(times), sum(p.numel() for p in net.parameters())))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Where a loss spike starts: which loss term and which parameter leave their running level first.

usage: tools/spike_origin.py RUN_DIR [--window 200] [--factor 10] [--from STEP] [--to STEP] [--only PREFIX]

RUN_DIR holds log.csv (the trainer's) and, if the run had --parameter-log, parameters.csv. For each loss term of
log.csv and the global gradient norm, and for each parameter's gradient norm, the ratio of a step's value to its
median over the previous WINDOW steps; prints, from --from on, the first steps where any of them exceeds FACTOR, and at
the first such step the largest ratios (terms, then parameters), with the parameters' weight norms against WINDOW steps
before. Reads only; prints text.
"""
import argparse
import csv
import os
import sys

import numpy as np


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    return header, body


def column(header, body, name):
    i = header.index(name)
    return np.array([float(r[i]) if r[i] not in ("", "NaN") else np.nan for r in body])


def ratios(x, window):
    """x[t] / median(x[t-window:t]), NaN until half a window is there."""
    out = np.full(len(x), np.nan)
    for t in range(len(x)):
        past = x[max(0, t - window):t]
        past = past[np.isfinite(past)]
        if len(past) >= window // 2 and np.median(past) > 0:
            out[t] = x[t] / np.median(past)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--window", type=int, default=200)
    ap.add_argument("--factor", type=float, default=10.0)
    ap.add_argument("--from", dest="start", type=int, default=0)
    ap.add_argument("--to", dest="end", type=int, default=10**9)
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--only", default="", help="only parameters whose name starts with this (e.g. the restorer's)")
    a = ap.parse_args()

    header, body = read(os.path.join(a.run, "log.csv"))
    steps = column(header, body, "step").astype(int)
    terms = [h for h in header[2:header.index("seconds")]] + ["grad_norm"]
    signals = {t: ratios(column(header, body, t), a.window) for t in terms}
    keep = (steps >= a.start) & (steps <= a.end)
    print(f"{a.run}: steps {steps[keep].min()}-{steps[keep].max()}, ratio to the median of the previous {a.window} steps")
    first = None
    for t, r in signals.items():
        hit = np.where(keep & (r > a.factor))[0]
        peak = np.nanmax(np.where(keep, r, np.nan))
        where = steps[np.nanargmax(np.where(keep, r, -1))]
        print(f"  {t:10s} max {peak:9.1f}x at step {where}" + (f"; first over {a.factor:g}x at step {steps[hit[0]]}" if len(hit) else ""))
        if len(hit) and (first is None or hit[0] < first):
            first = hit[0]
    spike_col = header.index("spike") if "spike" in header else None
    if spike_col is not None:
        events = [(int(r[0]), r[spike_col]) for r in body if r[spike_col] and a.start <= int(r[0]) <= a.end]
        print(f"  spike guard events: {events[:10]}" + (" ..." if len(events) > 10 else ""))
    if first is None:
        print("  no term over the factor")
        return
    s = steps[first]
    print(f"first step over {a.factor:g}x: {s}")
    for t in terms:
        i = header.index(t)
        vals = ", ".join(f"{int(body[k][0])}: {float(body[k][i]):.4g}" for k in range(max(0, first - 3), min(len(body), first + 3)))
        print(f"  {t:10s} {vals}")

    ppath = os.path.join(a.run, "parameters.csv")
    if not os.path.exists(ppath):
        print("(no parameters.csv: run with --parameter-log to see the layers)")
        return
    ph, pb = read(ppath)
    psteps = column(ph, pb, "step").astype(int)
    names = [h[5:] for h in ph if h.startswith("grad:") and h[5:].startswith(a.only)]
    grads = {n: column(ph, pb, "grad:" + n) for n in names}
    weights = {n: column(ph, pb, "weight:" + n) for n in names}
    pr = {n: ratios(g, a.window) for n, g in grads.items()}
    pkeep = (psteps >= a.start) & (psteps <= a.end)
    firsts = []
    for n in names:
        hit = np.where(pkeep & (pr[n] > a.factor))[0]
        if len(hit):
            firsts.append((psteps[hit[0]], -pr[n][hit[0]], n))
    firsts.sort()
    print(f"parameters whose gradient first exceeds {a.factor:g}x its median (step, ratio), earliest first:")
    for st, negr, n in firsts[:a.top]:
        print(f"  {st}  {-negr:9.1f}x  {n}")
    if s in set(psteps):
        k = int(np.where(psteps == s)[0][0])
        order = sorted(names, key=lambda n: -np.nan_to_num(pr[n][k]))
        print(f"at step {s}, the largest gradient ratios (and weight norm now / {a.window} steps before):")
        for n in order[:a.top]:
            w0 = weights[n][max(0, k - a.window)]
            print(f"  {pr[n][k]:9.1f}x  grad {grads[n][k]:.4g}  weight {weights[n][k]:.4g} / {w0:.4g}  {n}")


if __name__ == "__main__":
    sys.exit(main())

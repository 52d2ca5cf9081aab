#!/usr/bin/python3
"""Curves of runs side by side around a loss spike: the restoration loss l_res (log scale), the restorer's validation
PSNR (EMA and raw weights), and the spike guard's events as marks.

usage: tools/plot_spike_runs.py OUT.png LABEL=RUN_DIR [LABEL=RUN_DIR ...] [--from STEP]

Each RUN_DIR holds a trainer's log.csv. Reads only; writes OUT.png.
"""
import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--from", dest="start", type=int, default=0)
    a = ap.parse_args()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for i, spec in enumerate(a.runs):
        label, run = spec.split("=", 1)
        rows = [r for r in read(run + "/log.csv") if int(r["step"]) >= a.start]
        colour = f"C{i}"
        steps = [int(r["step"]) for r in rows]
        top.plot(steps, [float(r["l_res"]) for r in rows], colour, lw=0.4, alpha=0.8, label=f"{label}: l_res")
        val = [(int(r["step"]), float(r["val_psnr"]), float(r["val_psnr_raw"])) for r in rows if r.get("val_psnr")]
        if val:
            bottom.plot([v[0] for v in val], [v[1] for v in val], colour, marker="o", label=f"{label}: EMA restorer")
            bottom.plot([v[0] for v in val], [v[2] for v in val], colour, ls="--", marker="x", label=f"{label}: raw weights")
        events = [(int(r["step"]), r["spike"]) for r in rows if r.get("spike")]
        for s, what in events:
            top.axvline(s, color=colour, ls=":", lw=0.8)
        if events:
            top.plot([], [], colour, ls=":", label=f"{label}: spike guard ({len(events)} events)")
    top.set_yscale("log")
    top.set_ylabel("l_res (synthetic pairs)")
    top.legend(fontsize=8)
    bottom.set_ylabel("validation PSNR (dB)")
    bottom.set_xlabel("step")
    bottom.legend(fontsize=8)
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print(a.out)


if __name__ == "__main__":
    main()

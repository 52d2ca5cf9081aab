#!/usr/bin/env python3
"""Summarises and plots the JSON lines that tools/calibrate.sh (torch_reference.py train) writes.

    python3 tools/plot_calibration.py docs/calibration/*.jsonl --at 7500 --png out.png --curves 'v.*lr5|f.lr5|o0'

prints a Markdown table (one row per run: variant, lambda, learning rate, real-domain PSNR at --at steps, at the
last step, and the best point) and, with --png, plots real-domain PSNR against steps for the runs whose label
matches --curves (a regular expression). Needs matplotlib only for --png.
"""
import argparse
import json
import re


def load(files):
    runs = {}
    for f in files:
        for line in open(f):
            d = json.loads(line)
            r = runs.setdefault(d["label"], {"curve": {}})
            if d["event"] == "start":
                r["start"] = d
            elif d["event"] == "val":
                r["curve"][d["step"]] = d["real_psnr"]
    return runs


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+")
    p.add_argument("--at", type=int, default=7500, help="step to compare all runs at")
    p.add_argument("--png")
    p.add_argument("--curves", default=".*")
    p.add_argument("--title", default="Real-domain PSNR on the held-out crops (PyTorch mirror)")
    a = p.parse_args()
    runs = load(a.files)
    print(f"| run | variant | lambda | lr | planned steps | PSNR at {a.at} | last (step) | best (step) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, r in runs.items():
        s, c = r["start"], r["curve"]
        last = max(c)
        best = max(c, key=c.get)
        variant = "oracle" if s["oracle"] else s["variant"]
        lam = "-" if variant in ("vanilla", "oracle") else f'{s["loss"]["noiseWeight"]:g}'
        r["legend"] = f'{label}: {variant}' + ("" if lam == "-" else f", lambda {lam}") + f', lr {s["lr"]:g}'
        at = f"{c[a.at]:.2f}" if a.at in c else "-"
        print(f'| {label} | {variant} | {lam} | {s["lr"]:g} | {s["steps"]} | {at} | {c[last]:.2f} ({last}) '
              f'| {c[best]:.2f} ({best}) |')
    if a.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(9, 5.5), dpi=100)
        for label, r in runs.items():
            if re.fullmatch(a.curves, label):
                steps = sorted(r["curve"])
                ax.plot(steps, [r["curve"][k] for k in steps], label=r["legend"])
        first = next(iter(runs.values()))["start"]
        ax.axhline(first["input_psnr"], color="gray", linestyle=":", label="noisy input")
        ax.set_xlabel("step")
        ax.set_ylabel("PSNR (dB)")
        ax.set_title(a.title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, ncol=2)
        fig.tight_layout()
        fig.savefig(a.png)


if __name__ == "__main__":
    main()

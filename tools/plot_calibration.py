#!/usr/bin/env python3
"""Summarises and plots the JSON lines that tools/calibrate.sh (torch_reference.py train) writes.

    python3 tools/plot_calibration.py docs/calibration/*.jsonl --at 7500 --png out.png --curves 'v.*lr5|f.lr5|o0'

prints a Markdown table (one row per run: variant, lambda, learning rate, real-domain PSNR at --at steps, at the
last step, and the best point) and, with --png, plots real-domain PSNR against steps for the runs whose label
matches --curves (a regular expression). With --summary, it then prints one row per group of runs that share the
data (input PSNR), variant, lambda and learning rate (seeds, in other words) among those whose label matches
--summary: mean and sample standard deviation at --at steps and at the planned last step, over the runs that got
there. Needs matplotlib only for --png.
"""
import argparse
import json
import re
import statistics


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
    p.add_argument("--summary", metavar="REGEX", help="also print mean and spread per group of the runs matching REGEX")
    p.add_argument("--summary-png", help="with --summary: plot each group's mean curve and its spread (one std) to this PNG")
    a = p.parse_args()
    runs = load(a.files)
    print(f"| run | variant | lambda | lr | planned steps | PSNR at {a.at} | last (step) | best (step) |")
    print("|---|---|---|---|---|---|---|---|")
    for label, r in runs.items():
        s, c = r["start"], r["curve"]
        last = max(c)
        best = max(c, key=c.get)
        variant, lam = variant_and_lambda(s)
        r["legend"] = f'{label}: {variant}' + ("" if lam == "-" else f", lambda {lam}") + f', lr {s["lr"]:g}'
        at = f"{c[a.at]:.2f}" if a.at in c else "-"
        print(f'| {label} | {variant} | {lam} | {s["lr"]:g} | {s["steps"]} | {at} | {c[last]:.2f} ({last}) '
              f'| {c[best]:.2f} ({best}) |')
    if a.summary:
        groups = summarize(runs, a.summary, a.at)
        if a.summary_png:
            plot_groups(groups, a.summary_png, a.title + ", mean ± std over seeds")
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


def variant_and_lambda(start):
    """A run's variant (oracle for oracle runs) and its lambda as text ("-" where no diffusion loss is trained)."""
    variant = "oracle" if start["oracle"] else start["variant"]
    return variant, "-" if variant in ("vanilla", "oracle") else f'{start["loss"]["noiseWeight"]:g}'


def describe(values):
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.mean(values):.2f} ± {statistics.stdev(values):.2f}"


def summarize(runs, pattern, at):
    groups = {}
    for label, r in runs.items():
        if re.fullmatch(pattern, label):
            s = r["start"]
            variant, lam = variant_and_lambda(s)
            key = (f'{s["input_psnr"]:.2f}', variant, lam, f'{s["lr"]:g}', s["steps"])
            groups.setdefault(key, []).append((label, r["curve"]))
    print()
    print(f"| input PSNR | variant | lambda | lr | runs | PSNR at {at} (n) | at the planned last step (n) |")
    print("|---|---|---|---|---|---|---|")
    for (inp, variant, lam, lr, steps), members in groups.items():
        at_values = [c[at] for _, c in members if at in c]
        end_values = [c[steps] for _, c in members if steps in c]
        print(f'| {inp} | {variant} | {lam} | {lr} | {", ".join(m for m, _ in members)} '
              f'| {describe(at_values)} ({len(at_values)}) | {describe(end_values)} ({len(end_values)}) |')
    return groups


def plot_groups(groups, png, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    inputs = sorted({key[0] for key in groups})
    fig, axes = plt.subplots(1, len(inputs), figsize=(6.5 * len(inputs), 5), dpi=100, squeeze=False)
    for ax, inp in zip(axes[0], inputs):
        for (i, variant, lam, lr, _), members in groups.items():
            if i != inp:
                continue
            steps = sorted(set.intersection(*(set(c) for _, c in members)))
            mean = [statistics.mean(c[k] for _, c in members) for k in steps]
            std = [statistics.stdev([c[k] for _, c in members]) if len(members) > 1 else 0.0 for k in steps]
            line, = ax.plot(steps, mean, label=f"{variant} (n={len(members)}" + ("" if lam == "-" else f", lambda {lam}") + ")")
            ax.fill_between(steps, [m - d for m, d in zip(mean, std)], [m + d for m, d in zip(mean, std)],
                            color=line.get_color(), alpha=0.2)
        ax.axhline(float(inp), color="gray", linestyle=":", label="degraded input")
        ax.set_xlabel("step")
        ax.set_ylabel("real-domain PSNR (dB)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(png)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Tabulates a long ablation spread over run folders (one variant and seed each, or any mix) and printed figures.

Usage: long_table.py [--printed FILE.csv] [--plots PREFIX] [--validation] RUN_DIR...
  RUN_DIR: a DenoisingBenchmark --out folder (results.csv, <variant>/log.csv for its seeds' curves), or a folder that
           tools/keep_run.sh kept in docs/data/long-runs (<variant>-log.csv.gz where it kept the whole log).
  --printed: variant,seed,real_psnr,real_ssim,synthetic_psnr rows ('#' comments) of runs without a folder; a folder's
             result for the same variant and seed takes precedence.
  A PolyU folder's vanilla, shuffle and full rows also give "<variant>@best": the test PSNR of its checkpoint best on
  the validation scenes (the checkpoint a user who selects by validation would keep).
  --plots: writes PREFIX-validation.png (EMA and raw validation PSNR) and PREFIX-hinge.png (the swap's triplet terms and
           the gradient each loss sends into the restorer) from the folders' log.csv files.
  --validation: also prints each run's validation PSNR (EMA / raw weights) at a few steps, its peak over every validation
           and the drift from that peak to the end (from <variant>-validation.csv or <variant>/log.csv).
Prints markdown: mean ± sample sd over seeds per variant, the paired differences that isolate each trick (per seed and
mean ± sd over the seeds where both variants ran), the share of the oracle's gap each variant recovers, and, for runs
with the swap whose whole log.csv is there, how often and how much its triplet hinge is active by range of steps.
"""
import argparse
import csv
import glob
import os
import statistics
import sys

VARIANTS = ["vanilla", "vanilla@best", "diffusion", "shuffle", "shuffle@best", "full", "full@best", "oracle"]
# (name, a, b): a - b, paired by seed; each isolates one trick
PAIRS = [("diffusion loss (diffusion - vanilla)", "diffusion", "vanilla"),
         ("channel shuffle (shuffle - diffusion)", "shuffle", "diffusion"),
         ("residual swap (full - shuffle)", "full", "shuffle"),
         ("the method (full - vanilla)", "full", "vanilla"),
         ("shuffle - vanilla", "shuffle", "vanilla"),
         ("swap, hinge per sample (full-tg4 - shuffle)", "full-tg4", "shuffle"),
         ("hinge per sample vs per batch (full-tg4 - full)", "full-tg4", "full"),
         ("swap, margin 0.5 (full-m0.5 - shuffle)", "full-m0.5", "shuffle"),
         ("margin 0.5 vs 0.1 (full-m0.5 - full)", "full-m0.5", "full"),
         ("lambda 2 vs 1 (shuffle-lw2 - shuffle)", "shuffle-lw2", "shuffle"),
         ("lambda 2 vs 1 (full-lw2 - full)", "full-lw2", "full"),
         ("swap at lambda 2 (full-lw2 - shuffle-lw2)", "full-lw2", "shuffle-lw2"),
         ("shuffle-lw2 - vanilla", "shuffle-lw2", "vanilla"),
         ("full-lw2 - vanilla", "full-lw2", "vanilla"),
         ("full - vanilla at its best validation checkpoint", "full", "vanilla@best"),
         ("full - vanilla, both at their best validation checkpoint", "full@best", "vanilla@best"),
         ("shuffle - vanilla, both at their best validation checkpoint", "shuffle@best", "vanilla@best"),
         ("the oracle's gap at width 32 (oracle-w32 - vanilla-w32)", "oracle-w32", "vanilla-w32"),
         ("the method at width 32 (full-w32 - vanilla-w32)", "full-w32", "vanilla-w32"),
         ("full-w32 - vanilla-w32 at its best validation checkpoint", "full-w32", "vanilla-w32@best"),
         ("full-w32 - vanilla-w32, both at their best validation checkpoint", "full-w32@best", "vanilla-w32@best"),
         ("shuffle-w32 - vanilla-w32, both at their best validation checkpoint", "shuffle-w32@best", "vanilla-w32@best"),
         ("diffusion loss at width 32 (diffusion-w32 - vanilla-w32)", "diffusion-w32", "vanilla-w32"),
         ("channel shuffle at width 32 (shuffle-w32 - diffusion-w32)", "shuffle-w32", "diffusion-w32"),
         ("shuffle at width 32 (shuffle-w32 - vanilla-w32)", "shuffle-w32", "vanilla-w32"),
         ("residual swap at width 32 (full-w32 - shuffle-w32)", "full-w32", "shuffle-w32"),
         ("width 32 vs 16, vanilla (vanilla-w32 - vanilla)", "vanilla-w32", "vanilla"),
         ("width 32 vs 16, oracle (oracle-w32 - oracle)", "oracle-w32", "oracle"),
         ("width 32 vs 16, full (full-w32 - full)", "full-w32", "full"),
         ("width 32 vs 16, shuffle (shuffle-w32 - shuffle)", "shuffle-w32", "shuffle")]


def label(d, variant):
    """The variant's name in the tables: its own, with -tgN when its plan takes the hinge over N groups of the batch,
    (full only) -mM when its triplet margin is M instead of the authors' 0.1, (the variants with a diffusion loss)
    -lwW when its noise weight lambda is W instead of 1, and (any variant) -wN when its restorer's width is N instead of
    the example's 16 and -pP when its training patches are P pixels instead of 48: another scale, its own rows."""
    import json
    for plan in (os.path.join(d, variant, "plan.json"), os.path.join(d, variant + "-plan.json"),  # docs/data/long-runs
                 *glob.glob(os.path.join(d, variant, "seed-*", "plan.json"))):
        if os.path.exists(plan):
            spec = json.load(open(plan))
            loss = spec.get("loss", {})
            g, m, w = loss.get("tripletGroups", 1), loss.get("tripletMargin", 0.1), loss.get("noiseWeight", 1.0)
            width, patch = (spec.get("restorer") or {}).get("width", 16), spec.get("patchSize", 48)
            return (variant + ("-tg%d" % g if g > 1 else "") + ("-m%g" % m if variant == "full" and m != 0.1 else "")
                    + ("-lw%g" % w if variant in ("diffusion", "shuffle", "full") and w != 1.0 else "")
                    + ("-w%d" % width if width != 16 else "") + ("-p%d" % patch if patch != 48 else ""))
    return variant


def num(s):
    return float(s) if s not in (None, "", "-") else float("nan")


def seeded(rows):
    """The rows that name a seed: a row without one (a fine-tuned report's pretrained start) pairs with nothing."""
    return (r for r in rows if r["seed"])


def read_results(printed, dirs):
    res = {}  # (variant, seed) -> dict, source
    if printed:
        with open(printed) as f:
            rows = [l for l in f if not l.startswith("#")]
        for r in seeded(csv.DictReader(rows)):
            res[(r["variant"], int(r["seed"]))] = dict(psnr=num(r["real_psnr"]), ssim=num(r["real_ssim"]),
                                                        syn=num(r["synthetic_psnr"]), source="printed")
    for d in dirs:
        p = os.path.join(d, "results.csv")
        if not os.path.exists(p):
            continue
        with open(p) as f:
            for r in seeded(csv.DictReader(f)):
                key = (label(d, r["variant"]), int(r["seed"]))
                if key in res and res[key]["source"] != "printed":
                    sys.exit("%s and %s both hold %s seed %d: give one of them" % (res[key]["source"], d, *key))
                res[key] = dict(psnr=num(r["real_psnr"]), ssim=num(r["real_ssim"]), syn=num(r["synthetic_psnr"]),
                                source=d)
                best = num(r.get("best_real_psnr"))
                if r["variant"] in ("vanilla", "shuffle", "full") and best == best:  # not NaN
                    # PolyU runs keep the checkpoint best on the validation scenes: vanilla's is the strong baseline,
                    # the others' say what early stopping on validation would give
                    res[(key[0] + "@best", key[1])] = dict(psnr=best, ssim=float("nan"),
                                                                 syn=float("nan"), source=d + " (step %s)" % r["best_val_step"])
    return res


def ms(xs, fmt="%.2f", sign=False):
    """Mean ± sample sd (the value alone for one seed); '-' for none."""
    xs = [x for x in xs if x == x]
    if not xs:
        return "-"
    f = fmt.replace("%", "%+") if sign else fmt
    if len(xs) == 1:
        return f % xs[0]
    return (f + " ± " + fmt) % (statistics.mean(xs), statistics.stdev(xs))


def table(res):
    seeds = sorted({s for (_, s) in res})
    out = ["| variant | seeds | real PSNR (dB), mean ± sd | per seed (%s) | real SSIM | synthetic PSNR (dB) |"
           % ", ".join(str(s) for s in seeds), "|---|---|---|---|---|---|"]
    for v in VARIANTS + sorted({v for (v, _) in res} - set(VARIANTS)):
        rs = [res.get((v, s)) for s in seeds]
        have = [r for r in rs if r]
        if not have:
            continue
        per = ", ".join("%.2f" % r["psnr"] if r else "-" for r in rs)
        out.append("| %s | %d | %s | %s | %s | %s |" % (v, len(have), ms([r["psnr"] for r in have]), per,
                                                      ms([r["ssim"] for r in have], "%.4f"),
                                                      ms([r["syn"] for r in have])))
    out.append("")
    out.append("| paired difference (real PSNR, dB) | per seed | mean ± sd | seeds |")
    out.append("|---|---|---|---|")
    for name, a, b in PAIRS:
        ds = [(s, res[(a, s)]["psnr"] - res[(b, s)]["psnr"]) for s in seeds if (a, s) in res and (b, s) in res]
        if not ds:
            continue
        out.append("| %s | %s | %s | %d |" % (name, ", ".join("%+.2f" % d for _, d in ds), ms([d for _, d in ds], sign=True),
                                             len(ds)))
    # one line per scale (the suffix -wN/-pP that oracle, vanilla and full share)
    for sfx in sorted({v[len("oracle"):] for (v, _) in res if v.startswith("oracle")}):
        o, va, f = "oracle" + sfx, "vanilla" + sfx, "full" + sfx
        gaps = [(s, (res[(f, s)]["psnr"] - res[(va, s)]["psnr"]) / (res[(o, s)]["psnr"] - res[(va, s)]["psnr"]))
                for s in seeds if (o, s) in res and (va, s) in res and (f, s) in res]
        if gaps:
            out.append("")
            out.append("Share of the oracle's gap (%s - %s) that %s recovers, per seed: " % (o, va, f)
                       + ", ".join("seed %d %.0f%%" % (s, 100 * g) for s, g in gaps))
    return "\n".join(out)


def logs(dirs):
    """(variant, seed) -> rows of log.csv, for run folders (<variant>/log.csv, seed from its plan.json) and for the kept
    folders of docs/data/long-runs (<variant>-log.csv.gz beside <variant>-plan.json, written by tools/keep_run.sh)."""
    import gzip
    import json
    out = {}
    for d in dirs:
        found = [(p, os.path.join(os.path.dirname(p), "plan.json"), open)
                 for p in glob.glob(os.path.join(d, "*", "log.csv")) + glob.glob(os.path.join(d, "*", "seed-*", "log.csv"))]
        found += [(p, p[:-len("-log.csv.gz")] + "-plan.json", lambda q: gzip.open(q, "rt"))
                  for p in glob.glob(os.path.join(d, "*-log.csv.gz"))]
        for p, plan, opener in found:
            if p.endswith(".gz"):
                variant = label(d, os.path.basename(p)[:-len("-log.csv.gz")])
            else:
                parts = p.split(os.sep)
                variant = label(d, parts[-2] if not parts[-2].startswith("seed-") else parts[-3])
            seed = json.load(open(plan)).get("seed", 0) if os.path.exists(plan) else 0
            with opener(p) as f:
                by_step = {}  # a log resumed by an older trainer may hold a step twice: the later row wins
                for r in csv.DictReader(f):
                    by_step[int(r["step"])] = r
                out[(variant, seed)] = [by_step[k] for k in sorted(by_step)]
    return out


def hinge_of(r):
    """The triplet hinge of one log row: its own column where the trainer logs it (since 2026-12-04), else derived from
    L_noise = 0.5 (mse_pos + hinge) (LossSpec.NOISE_LOSS_SCALE); 0 below float error."""
    if r.get("hinge") not in (None, ""):
        return float(r["hinge"])
    h = 2 * float(r["l_noise"]) - float(r["mse_pos"])
    return h if h > 1e-6 else 0.0


HINGE_BINS = [(1, 500), (501, 1000), (1001, 2000), (2001, 5000), (5001, 10 ** 9)]


VALIDATION_STEPS = [500, 2000, 4000, 6000, 8000, 10000]


def validation_rows(dirs):
    """(variant, seed) -> the log rows that carry a validation, from kept folders (<variant>-validation.csv) or run
    folders (<variant>/log.csv, <variant>/seed-*/log.csv)."""
    import json
    out = {}
    for d in dirs:
        found = [(p, p[:-len("-validation.csv")] + "-plan.json", os.path.basename(p)[:-len("-validation.csv")])
                 for p in glob.glob(os.path.join(d, "*-validation.csv"))]
        for p in glob.glob(os.path.join(d, "*", "log.csv")) + glob.glob(os.path.join(d, "*", "seed-*", "log.csv")):
            parts = p.split(os.sep)
            found.append((p, os.path.join(os.path.dirname(p), "plan.json"),
                          parts[-2] if not parts[-2].startswith("seed-") else parts[-3]))
        for p, plan, v in found:
            seed = json.load(open(plan)).get("seed", 0) if os.path.exists(plan) else 0
            by_step = {}
            with open(p) as f:
                for r in csv.DictReader(f):
                    if r.get("val_psnr"):
                        by_step[int(r["step"])] = r
            if by_step:
                out[(label(d, v), seed)] = [by_step[k] for k in sorted(by_step)]
    return out


def validation_table(val):
    """Per run: validation PSNR, EMA / raw, at VALIDATION_STEPS; the peak of the EMA (step); end minus peak."""
    out = ["| run | " + " | ".join("{:,}".format(s) for s in VALIDATION_STEPS) + " | peak (step) | end - peak |",
           "|---|" + "---|" * (len(VALIDATION_STEPS) + 2)]
    for (v, s), rows in sorted(val.items()):
        at = {int(r["step"]): r for r in rows}
        cells = []
        for st in VALIDATION_STEPS:
            r = at.get(st)
            cells.append("-" if r is None else "%.2f / %s" % (float(r["val_psnr"]),
                                                                "%.2f" % float(r["val_psnr_raw"]) if r.get("val_psnr_raw") else "-"))
        peak = max(rows, key=lambda r: float(r["val_psnr"]))
        out.append("| %s s%d | %s | %.2f (%s) | %+.2f |" % (v, s, " | ".join(cells), float(peak["val_psnr"]),
                                                            "{:,}".format(int(peak["step"])),
                                                            float(rows[-1]["val_psnr"]) - float(peak["val_psnr"])))
    return "\n".join(out) if len(out) > 2 else ""


def hinge_table(curves):
    """Per run with the swap: in each range of steps, the share of steps whose hinge is active, its mean, mean mse_neg."""
    out = ["| run | " + " | ".join("steps {:,}-{}".format(a, "end" if b > 10 ** 8 else "{:,}".format(b)) for a, b in HINGE_BINS)
           + " |", "|---|" + "---|" * len(HINGE_BINS),
           ]
    for (v, s), rows in sorted(curves.items()):
        if not rows or "mse_neg" not in rows[0]:
            continue
        cells = []
        for a, b in HINGE_BINS:
            rs = [r for r in rows if a <= int(r["step"]) <= b]
            if not rs:
                cells.append("-")
                continue
            hs = [hinge_of(r) for r in rs]
            cells.append("%.1f%% active, mean %.5f, mse_neg %.3f" % (100 * sum(h > 0 for h in hs) / len(hs),
                                                                     sum(hs) / len(hs),
                                                                     sum(float(r["mse_neg"]) for r in rs) / len(rs)))
        out.append("| %s s%d | %s |" % (v, s, " | ".join(cells)))
    return "\n".join(out) if len(out) > 2 else ""


def plots(curves, prefix):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    colors = dict(vanilla="tab:gray", diffusion="tab:blue", shuffle="tab:green", full="tab:red", oracle="tab:purple")
    for v, c in zip(sorted({v for (v, _) in curves} - set(colors)), ["tab:orange", "tab:brown", "tab:cyan", "tab:olive", "k"]):
        colors[v] = c  # remedies (full-tg4, full-m0.5, ...): a colour each
    styles = {0: "-", 1: "--", 2: ":"}
    fulls = [k for k in sorted(curves) if k[0].startswith("full")]  # the hinge panel: one line style per full run
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    for (v, s), rows in sorted(curves.items()):
        val = [r for r in rows if r.get("val_psnr")]
        for ax, col, title in ((axes[0], "val_psnr", "EMA weights (returned)"), (axes[1], "val_psnr_raw", "raw weights")):
            pts = [(int(r["step"]), float(r[col])) for r in val if r.get(col)]
            if pts:
                ax.plot(*zip(*pts), styles.get(s, "-"), color=colors.get(v, "k"), label="%s s%d" % (v, s))
                ax.set_title(title)
    for ax in axes:
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("validation PSNR, held-out real-domain photos (dB)")
    axes[1].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(prefix + "-validation.png", dpi=80)

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    w = 100
    for (v, s), rows in sorted(curves.items()):
        if v.startswith("full"):
            steps = [int(r["step"]) for r in rows]
            pos = [float(r["mse_pos"]) for r in rows]
            neg = [float(r["mse_neg"]) for r in rows]
            hinge = [hinge_of(r) for r in rows]
            style = ["-", "--", ":", "-."][fulls.index((v, s)) % 4]
            for series, name, c in ((pos, "mse_pos", "tab:red"), (neg, "mse_neg", "tab:blue"), (hinge, "hinge", "k")):
                sm = [sum(series[max(0, i - w + 1):i + 1]) / len(series[max(0, i - w + 1):i + 1]) for i in range(len(series))]
                axes[0].plot(steps, sm, style, color=c, label="%s %s s%d" % (name, v, s))
        val = [r for r in rows if r.get("grad_res")]
        if val and v != "vanilla" and v != "oracle":
            axes[1].plot([int(r["step"]) for r in val], [float(r["grad_noise"]) / float(r["grad_res"]) for r in val],
                         styles.get(s, "-"), color=colors.get(v, "k"), label="%s s%d" % (v, s))
    axes[0].set_yscale("log")
    axes[0].set_ylim(1e-5, 3)
    axes[0].set_title("full: triplet terms (mean over %d steps); hinge = max(0, margin + mse_pos - mse_neg)" % w, fontsize=9)
    axes[0].set_xlabel("step")
    axes[0].legend(fontsize=7)
    axes[1].set_yscale("log")
    axes[1].set_title("|gradient of lambda L_noise| / |gradient of L_res| in the restorer", fontsize=9)
    axes[1].set_xlabel("step")
    axes[1].legend(fontsize=7)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(prefix + "-hinge.png", dpi=80)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--printed")
    ap.add_argument("--plots")
    ap.add_argument("--validation", action="store_true")
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    res = read_results(a.printed, a.dirs)
    if not res:
        sys.exit("no results: give run folders with results.csv or --printed")
    print(table(res))
    print()
    print("Sources: " + "; ".join("%s s%d: %s" % (v, s, r["source"]) for (v, s), r in sorted(res.items())))
    curves = logs(a.dirs)
    hinges = hinge_table(curves)
    if hinges:
        print()
        print("The swap's triplet hinge, max(0, margin + mse_pos - mse_neg), from the folders' log.csv:")
        print(hinges)
    if a.validation:
        vt = validation_table(validation_rows(a.dirs))
        if vt:
            print()
            print("Validation PSNR (dB), EMA / raw weights, the peak of the EMA over every validation, and the end's drift from it:")
            print(vt)
    if a.plots:
        plots(curves, a.plots)


if __name__ == "__main__":
    main()

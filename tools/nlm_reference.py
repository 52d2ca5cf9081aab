#!/usr/bin/env python3
"""OpenCV's non-local means on a real-noise benchmark, tuned on its validation scenes, scored on its test scenes.

usage: nlm_reference.py sidd|polyu DIR
  The split is dna's (RealNoise): SIDD test chess, validation cup and ruler; PolyU as dev.dna.api.data.PolyU.
  The filter strength h (luma and colour alike) is chosen from a grid on the validation pairs, then the test pairs are
  denoised whole and scored (PSNR over RGB in [0, 1], per image then averaged; SSIM as scikit-image's on RGB).
  Also prints the noisy input's figures and, as a diagnostic, how much a per-image mean shift explains: the PSNR of
  the noisy input after adding the mean of (clean - noisy) of each image.
"""
import glob
import os
import sys

import cv2
import numpy as np
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

SPLITS = {
    "sidd": (["chess"], ["cup", "ruler"]),
    "polyu": (["Canon5D2_toy", "Canon5D2_desk", "Canon80D_ball", "Canon600D_book"],
              ["Canon5D2_plug", "Canon600D_waterhouse", "Canon80D_printer"]),
}


def pairs(kind, root):
    out = []
    if kind == "sidd":
        for n in sorted(glob.glob(os.path.join(root, "noisy", "*.png"))):
            scene = os.path.basename(n).split("__")[0]
            out.append((scene, n, os.path.join(root, "clean", os.path.basename(n))))
    else:
        for n in sorted(glob.glob(os.path.join(root, "*_real.*"))):
            base = os.path.basename(n)
            parts = base.split("_")
            scene = parts[0] + "_" + parts[4]
            out.append((scene, n, n.replace("_real", "_mean")))
    return out


def read(p):
    return cv2.cvtColor(cv2.imread(p, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def score(clean, est):
    a = clean.astype(np.float64) / 255
    b = est.astype(np.float64) / 255
    return peak_signal_noise_ratio(a, b, data_range=1), structural_similarity(a, b, channel_axis=2, data_range=1)


def nlm(img, h):
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    return cv2.cvtColor(cv2.fastNlMeansDenoisingColored(bgr, None, h, h, 7, 21), cv2.COLOR_BGR2RGB)


def main():
    kind, root = sys.argv[1], sys.argv[2]
    test_scenes, val_scenes = SPLITS[kind]
    all_pairs = pairs(kind, root)
    val = [(read(n), read(c)) for s, n, c in all_pairs if s in val_scenes]
    test = [(read(n), read(c)) for s, n, c in all_pairs if s in test_scenes]
    grid = [1, 2, 3, 5, 7, 9, 11, 13, 15, 18, 21, 25, 30, 35, 40, 50]
    best = max(grid, key=lambda h: np.mean([score(c, nlm(n, h))[0] for n, c in val]))
    print("validation (%d pairs): h = %d chosen from %s" % (len(val), best, grid))
    rows = {"noisy input": [score(c, n) for n, c in test],
            "noisy + per-image mean shift (diagnostic)": [score(c, np.clip(n.astype(np.float64) + (c.astype(np.float64) - n).mean(axis=(0, 1)), 0, 255)) for n, c in test],
            "OpenCV non-local means, h = %d" % best: [score(c, nlm(n, best)) for n, c in test]}
    print("test (%d pairs, whole images):" % len(test))
    for k, v in rows.items():
        v = np.array(v)
        print("  %-45s PSNR %.2f dB, SSIM %.4f" % (k, v[:, 0].mean(), v[:, 1].mean()))


if __name__ == "__main__":
    main()

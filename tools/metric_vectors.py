#!/usr/bin/env python3
"""Reference PSNR/SSIM values for dna-api's MetricsTest, from scikit-image (an independent implementation).

Command (Debian bookworm: apt-get install python3-skimage python3-pil):
    /usr/bin/python3 tools/metric_vectors.py
Writes dna-api/src/test/resources/metrics/{*.png, vectors.json}. Versions used are recorded in the JSON.
"""
import json, os
import numpy as np
import PIL, skimage
from PIL import Image
from skimage.color import rgb2ycbcr
from skimage.filters import gaussian
from skimage.metrics import peak_signal_noise_ratio as psnr, structural_similarity as ssim

ROOT = os.path.join(os.path.dirname(__file__), "..")
OUT = os.path.join(ROOT, "dna-api", "src", "test", "resources", "metrics")
REF = os.path.join(ROOT, "dna-api", "src", "main", "resources", "dev", "dna", "api", "images", "chelsea.png")

def save8(a, name):
    q = np.clip(np.round(a * 255), 0, 255).astype(np.uint8)
    Image.fromarray(q).save(os.path.join(OUT, name))
    return q.astype(np.float64) / 255

def metrics(a, b):
    ya, yb = rgb2ycbcr(a)[..., 0] / 255, rgb2ycbcr(b)[..., 0] / 255
    kw = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0)
    return {
        "psnr": psnr(a, b, data_range=1.0),
        "ssim": ssim(a, b, channel_axis=-1, **kw),
        "psnr_y": psnr(ya, yb, data_range=1.0),
        "ssim_y": ssim(ya, yb, **kw),
    }

def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261122)
    ref = np.asarray(Image.open(REF).convert("RGB")).astype(np.float64) / 255
    noisy = save8(ref + rng.normal(0, 15 / 255, ref.shape), "chelsea-noisy.png")
    blur = save8(gaussian(ref, sigma=1.2, channel_axis=-1), "chelsea-blur.png")
    small_a = save8(rng.uniform(0, 1, (23, 37, 3)), "small-a.png")
    small_b = save8(small_a + rng.normal(0, 0.1, small_a.shape), "small-b.png")
    gray16 = np.round(np.linspace(0, 65535, 24 * 40)).astype(np.uint16).reshape(24, 40)
    Image.fromarray(gray16).save(os.path.join(OUT, "gray16.png"))
    vectors = {
        "generated_by": "tools/metric_vectors.py",
        "versions": {"skimage": skimage.__version__, "numpy": np.__version__, "PIL": PIL.__version__},
        "cases": [
            {"reference": "classpath:/dev/dna/api/images/chelsea.png", "distorted": "chelsea-noisy.png", **metrics(ref, noisy)},
            {"reference": "classpath:/dev/dna/api/images/chelsea.png", "distorted": "chelsea-blur.png", **metrics(ref, blur)},
            {"reference": "small-a.png", "distorted": "small-b.png", **metrics(small_a, small_b)},
        ],
        "gray16": {"file": "gray16.png", "height": 24, "width": 40, "first": 0.0, "last": 1.0,
                   "value_at_1": float(gray16.ravel()[1]) / 65535},
    }
    with open(os.path.join(OUT, "vectors.json"), "w") as f:
        json.dump(vectors, f, indent=2)
        f.write("\n")
    print(json.dumps(vectors["cases"], indent=1))

if __name__ == "__main__":
    main()

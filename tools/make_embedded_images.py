#!/usr/bin/env python3
"""Builds dna-api's embedded default image set from the Debian photos (CC0 / public domain only).

Usage: tools/fetch_debian_photos.sh /tmp/photos
       python3 tools/make_embedded_images.py /tmp/photos ../shared/data/photos-manifest.json
Needs Debian's python3-pil. Writes dna-api/src/main/resources/dev/dna/api/images/.
"""
import hashlib, json, os, sys
from PIL import Image

LONG_SIDE = 512
# (package, file name in the package) of every photo the project may embed
ALLOWED = [
    ("python3-skimage", "astronaut.png"), ("python3-skimage", "chelsea.png"),
    ("python3-skimage", "coffee.png"), ("python3-skimage", "rocket.jpg"),
    ("palapeli-data", "cincinnati-bridge.jpg"), ("palapeli-data", "citrus-fruits.jpg"),
    ("palapeli-data", "european-honey-bee.jpg"),
    ("lomiri-wallpapers-16.04", "seeding_by_Clements_Engelhardt.jpg"),
    ("libjxl-testdata", "cvo9xd_keong_macan_srgb8.png"), ("libjxl-testdata", "tmshre_riaphotographs_srgb8.png"),
    ("libjxl-testdata", "u76c0g_bliznaca_srgb8.png"),
]

def main(photos, manifest_path):
    out = os.path.join(os.path.dirname(__file__), "..", "dna-api", "src", "main", "resources", "dev", "dna", "api", "images")
    os.makedirs(out, exist_ok=True)
    manifest = json.load(open(manifest_path))
    entries = []
    for pkg, fname in ALLOWED:
        m = next(e for e in manifest if e["package"] == pkg and e["path"].endswith("/" + fname))
        src = os.path.join(photos, pkg, fname)
        raw = open(src, "rb").read()
        sha = hashlib.sha256(raw).hexdigest()
        assert sha == m["sha256"], f"{src}: sha256 {sha} differs from the manifest's {m['sha256']}"
        im = Image.open(src).convert("RGB")
        w, h = im.size
        s = min(1.0, LONG_SIDE / max(w, h))  # never upscale
        nw, nh = max(1, round(w * s)), max(1, round(h * s))
        small = im.resize((nw, nh), Image.LANCZOS)
        name = os.path.splitext(fname)[0].split("_by_")[0].replace("_srgb8", "").lower().replace("_", "-")
        small.save(os.path.join(out, name + ".png"), optimize=True)
        entries.append({
            "file": name + ".png", "width": nw, "height": nh,
            "package": pkg, "version": m["version"], "path": m["path"], "license": m["license"],
            "original_width": w, "original_height": h, "original_sha256": sha,
            "processing": f"converted to 8-bit sRGB RGB, resized with Lanczos to long side at most {LONG_SIDE} (never upscaled), saved as PNG (PIL)",
        })
    with open(os.path.join(out, "PROVENANCE.json"), "w") as f:
        json.dump({"generated_by": "tools/make_embedded_images.py", "images": entries}, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(out, e["file"])) for e in entries)
    print(f"{len(entries)} images, {total / 1e6:.2f} MB in {out}")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

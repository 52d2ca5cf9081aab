#!/usr/bin/python3
"""Writes the EXIF-orientation fixtures of dna-api's ImagesTest: for each orientation 1-8, a 32x24 JPEG of an
asymmetric gradient carrying that orientation, and what Pillow shows for it (ImageOps.exif_transpose) as a PNG.
Pillow is the reference for what a viewer shows; ImagesTest checks that dna reads each JPEG as that PNG.

    /usr/bin/python3 tools/make_exif_fixtures.py dna-api/src/test/resources/dev/dna/api/image/exif
"""
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
h, w = 24, 32
y, x = np.mgrid[0:h, 0:w]
# red rises to the right, green downwards, blue along a diagonal: no two of the 8 transforms give the same picture
rgb = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (2 * x + y) * 255 // (2 * (w - 1) + h - 1)], -1).astype(np.uint8)
for orientation in range(1, 9):
    exif = Image.Exif()
    exif[0x0112] = orientation
    jpg = out / f"orientation-{orientation}.jpg"
    Image.fromarray(rgb).save(jpg, quality=98, subsampling=0, exif=exif.tobytes())
    shown = ImageOps.exif_transpose(Image.open(jpg))
    shown.save(out / f"orientation-{orientation}-shown.png")
    print(jpg, Image.open(jpg).getexif().get(0x0112), shown.size)

#!/usr/bin/env python3
"""Writes the hostile inputs of docs/robustness.md into OUTDIR, each a few bytes away from a valid file.

usage: hostile_inputs.py GOOD_RESTORER.dna GOOD_MODEL.onnx OUTDIR
  crafted-length.dna   the restorer with its first weight array's data length field set to 2^33 (zip rebuilt: CRCs valid)
  bomb-20000.png       20000 x 20000 black RGB pixels (a compression bomb: about 1.2 MB of file, 1.2 GB of pixels)
  header-60000.png     a 1 x 1 PNG whose header claims 60000 x 60000
  claims-3x2^30.onnx   the model with its first 4-D initializer's dims set to [3, 2^30] (its data left as it was)
"""
import io
import struct
import sys
import zipfile
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, rows):
    raw = zlib.compressobj(9)
    out = b""
    row = b"\x00" + b"\x00" * (3 * width)
    for _ in range(rows):
        out += raw.compress(row)
    out += raw.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", out) + chunk(b"IEND", b"")


def crafted_dna(good, out):
    entries = {}
    with zipfile.ZipFile(good) as z:
        for n in z.namelist():
            entries[n] = bytearray(z.read(n))
    b = entries["weights/0"]
    o = 2 + struct.unpack(">H", b[0:2])[0]
    n = struct.unpack(">q", b[o:o + 8])[0]
    o += 8
    o += 2 + struct.unpack(">H", b[o:o + 2])[0]
    o += 8 * n
    o += 2 + struct.unpack(">H", b[o:o + 2])[0]
    b[o:o + 8] = struct.pack(">q", 1 << 33)
    with zipfile.ZipFile(out, "w") as z:
        for k, v in entries.items():
            z.writestr(k, bytes(v))


def claims_onnx(good, out):
    import onnx
    m = onnx.load(good)
    for t in m.graph.initializer:
        if len(t.dims) == 4:
            del t.dims[:]
            t.dims.extend([3, 1 << 30])
            break
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


def main():
    good_dna, good_onnx, out = sys.argv[1:4]
    crafted_dna(good_dna, out + "/crafted-length.dna")
    with open(out + "/bomb-20000.png", "wb") as f:
        f.write(png(20000, 20000, 20000))
    p = png(1, 1, 1)
    p = p[:16] + struct.pack(">II", 60000, 60000) + p[24:29]
    with open(out + "/header-60000.png", "wb") as f:
        # the IHDR's CRC no longer matches after the size change: recompute it
        ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + png(1, 1, 1)[33:])
    claims_onnx(good_onnx, out + "/claims-3x2^30.onnx")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the ONNX fixtures of issue 18 (import of restorers trained elsewhere) with PyTorch's own exporter.

Run with Debian's python3-torch (1.13) from the repository root:
    /usr/bin/python3 tools/make_onnx_fixtures.py dna-onnx/src/test/resources/dev/dna/onnx/fixtures

Each network is written as users of torch.onnx.export write it (nn.Conv2d with padding, BatchNorm in eval mode,
ConvTranspose2d, nn.Upsample, a residual connection), with seeded random weights, at opset 13 and 17, with dynamic
N/H/W, plus one with a fixed 64x64 input. Every file stays well under 1 MB. The seeds make the files reproducible
for one torch version; tests compare dna's import with ONNX Runtime on these files, not with torch.
"""
import os
import sys

import torch
import torch.nn as nn


class DnCNN(nn.Module):
    """Zhang et al.'s DnCNN, small: conv+ReLU, (conv+BN+ReLU) x (depth-2), conv; predicts the noise (x - net(x))."""

    def __init__(self, depth=8, width=32):
        super().__init__()
        layers = [nn.Conv2d(3, width, 3, padding=1), nn.ReLU(inplace=True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
        layers.append(nn.Conv2d(width, 3, 3, padding=1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return x - self.net(x)


class RestorationUNet(nn.Module):
    """The authors' RestorationNet (KangLiao929/Noise-DA, models/net/UNet.py) at a small width: two 3x3 convs with
    LeakyReLU 0.2 per level, average pooling down, bilinear upsampling (align_corners=True), a 3x3 conv_up, concat,
    two convs, a 3x3 last conv; output x + G(x)."""

    def __init__(self, width=8, depth=2):
        super().__init__()
        act = lambda: nn.LeakyReLU(0.2, inplace=True)
        self.enc = nn.ModuleList()
        cin = 3
        for i in range(depth):
            ch = width << i
            self.enc.append(nn.Sequential(nn.Conv2d(cin, ch, 3, padding=1), act(), nn.Conv2d(ch, ch, 3, padding=1), act()))
            cin = ch
        ch = width << depth
        self.mid = nn.Sequential(nn.Conv2d(cin, ch, 3, padding=1), act(), nn.Conv2d(ch, ch, 3, padding=1), act())
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
        self.conv_up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for i in reversed(range(depth)):
            out = width << i
            self.conv_up.append(nn.Conv2d(ch, out, 3, padding=1))
            self.dec.append(nn.Sequential(nn.Conv2d(2 * out, out, 3, padding=1), act(), nn.Conv2d(out, out, 3, padding=1), act()))
            ch = out
        self.out = nn.Conv2d(ch, 3, 3, padding=1)
        self.pool = nn.AvgPool2d(2)

    def forward(self, x):
        skips, h = [], x
        for e in self.enc:
            h = e(h)
            skips.append(h)
            h = self.pool(h)
        h = self.mid(h)
        for cu, d in zip(self.conv_up, self.dec):
            h = d(torch.cat([cu(self.up(h)), skips.pop()], 1))
        return x + self.out(h)


class BnTransposeNet(nn.Module):
    """An encoder-decoder with BatchNorm, a strided conv, max pooling, ConvTranspose2d, PReLU and a sigmoid: predicts
    the restored image in [0, 1]."""

    def __init__(self, width=16):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.PReLU(width),
                                 nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU(),
                                 nn.MaxPool2d(2))
        self.dec = nn.Sequential(nn.ConvTranspose2d(2 * width, width, 4, stride=4), nn.BatchNorm2d(width), nn.ReLU(),
                                 nn.Conv2d(width, 3, 3, padding=1), nn.Sigmoid())

    def forward(self, x):
        return self.dec(self.enc(x))


def randomize_bn(m, g):
    """BatchNorm with non-trivial running statistics and affine parameters (eval mode uses them)."""
    for b in m.modules():
        if isinstance(b, nn.BatchNorm2d):
            with torch.no_grad():
                b.running_mean.copy_(torch.randn(b.num_features, generator=g) * 0.1)
                b.running_var.copy_(torch.rand(b.num_features, generator=g) * 0.5 + 0.75)
                b.weight.copy_(torch.rand(b.num_features, generator=g) * 0.5 + 0.75)
                b.bias.copy_(torch.randn(b.num_features, generator=g) * 0.1)


def export(model, path, opset, dynamic=True, fold=True):
    """fold=False keeps BatchNormalization nodes after convolutions (the default export folds them into the conv)."""
    x = torch.rand(1, 3, 64, 64)
    axes = {"input": {0: "N", 2: "H", 3: "W"}, "output": {0: "N", 2: "H", 3: "W"}} if dynamic else None
    extra = {} if fold else {"training": torch.onnx.TrainingMode.PRESERVE}
    torch.onnx.export(model, x, path, input_names=["input"], output_names=["output"], opset_version=opset,
                      dynamic_axes=axes, do_constant_folding=fold, **extra)
    size = os.path.getsize(path)
    assert size < 1_000_000, f"{path} is {size} bytes"
    print(f"wrote {path} ({size} bytes, opset {opset}, {'dynamic' if dynamic else 'fixed 64x64'} H/W)")


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(18)
    g = torch.Generator().manual_seed(18)
    nets = {"dncnn": DnCNN(), "authors-unet": RestorationUNet(), "bn-transpose": BnTransposeNet()}
    for name, m in nets.items():
        randomize_bn(m, g)
        m.eval()
        for opset in (13, 17):
            export(m, os.path.join(out, f"{name}-opset{opset}.onnx"), opset)
    export(nets["dncnn"], os.path.join(out, "dncnn-fixed64-opset17.onnx"), 17, dynamic=False)
    export(nets["dncnn"], os.path.join(out, "dncnn-unfolded-bn-opset17.onnx"), 17, fold=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "dna-onnx/src/test/resources/dev/dna/onnx/fixtures")

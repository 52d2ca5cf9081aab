#!/usr/bin/python3
"""Writes small random-weight versions of the restorers people use, exported by PyTorch's own exporter, for issue 39.

Run with Debian's python3-torch (1.13) from the repository root:
    /usr/bin/python3 tools/make_modern_fixtures.py dna-onnx/src/test/resources/dev/dna/onnx/fixtures/modern

Each network keeps the blocks that define it, at a width that keeps the file small: a UNet with PixelShuffle /
PixelUnshuffle, NAFNet (LayerNorm2d, SimpleGate, simplified channel attention, PixelShuffle), Restormer (MDTA
transposed attention, GDFN, nn.LayerNorm), SwinIR-lite (8x8 window attention), a net of exact GELU and HardSwish, a
net padded with ReflectionPad2d, a bilinear UNet with InstanceNorm, and RCAN-style channel attention. Opset 17,
dynamic N/H/W (H and W must be multiples of the network's factor: 8 for the windowed and shuffled ones), seeded weights.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class PixelShuffleUNet(nn.Module):
    """Down by PixelUnshuffle, up by PixelShuffle, a skip; output x + G(x)."""

    def __init__(self, w=8):
        super().__init__()
        self.head = nn.Conv2d(3, w, 3, padding=1)
        self.down = nn.Sequential(nn.PixelUnshuffle(2), nn.Conv2d(4 * w, 2 * w, 3, padding=1), nn.ReLU())
        self.mid = nn.Sequential(nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.ReLU())
        self.up = nn.Sequential(nn.Conv2d(2 * w, 4 * w, 1), nn.PixelShuffle(2))
        self.tail = nn.Conv2d(2 * w, 3, 3, padding=1)

    def forward(self, x):
        h = self.head(x)
        u = self.up(self.mid(self.down(h)))
        return x + self.tail(torch.cat([h, u], 1))


class LayerNorm2d(nn.Module):
    """NAFNet's LayerNorm2d: over the channels at each pixel."""

    def __init__(self, c, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        mu = x.mean(1, keepdim=True)
        var = (x - mu).pow(2).mean(1, keepdim=True)
        y = (x - mu) / (var + self.eps).sqrt()
        return self.weight.view(1, -1, 1, 1) * y + self.bias.view(1, -1, 1, 1)


class SimpleGate(nn.Module):
    def forward(self, x):
        a, b = x.chunk(2, dim=1)
        return a * b


class NAFBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1 = LayerNorm2d(c)
        self.conv1 = nn.Conv2d(c, 2 * c, 1)
        self.conv2 = nn.Conv2d(2 * c, 2 * c, 3, padding=1, groups=2 * c)
        self.sg = SimpleGate()
        self.sca = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(c, c, 1))
        self.conv3 = nn.Conv2d(c, c, 1)
        self.norm2 = LayerNorm2d(c)
        self.conv4 = nn.Conv2d(c, 2 * c, 1)
        self.conv5 = nn.Conv2d(c, c, 1)
        self.beta = nn.Parameter(torch.full((1, c, 1, 1), 0.1))
        self.gamma = nn.Parameter(torch.full((1, c, 1, 1), 0.1))

    def forward(self, inp):
        x = self.sg(self.conv2(self.conv1(self.norm1(inp))))
        x = self.conv3(x * self.sca(x))
        y = inp + x * self.beta
        x = self.conv5(self.sg(self.conv4(self.norm2(y))))
        return y + x * self.gamma


class NAFNet(nn.Module):
    def __init__(self, w=8):
        super().__init__()
        self.intro = nn.Conv2d(3, w, 3, padding=1)
        self.enc = NAFBlock(w)
        self.down = nn.Conv2d(w, 2 * w, 2, stride=2)
        self.mid = NAFBlock(2 * w)
        self.up = nn.Sequential(nn.Conv2d(2 * w, 4 * w, 1, bias=False), nn.PixelShuffle(2))
        self.dec = NAFBlock(w)
        self.ending = nn.Conv2d(w, 3, 3, padding=1)

    def forward(self, x):
        e = self.enc(self.intro(x))
        d = self.dec(self.up(self.mid(self.down(e))) + e)
        return x + self.ending(d)


class MDTA(nn.Module):
    """Restormer's multi-Dconv head transposed attention: attention across channels."""

    def __init__(self, c, heads=2):
        super().__init__()
        self.heads = heads
        self.temperature = nn.Parameter(torch.ones(heads, 1, 1))
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.dw = nn.Conv2d(3 * c, 3 * c, 3, padding=1, groups=3 * c)
        self.proj = nn.Conv2d(c, c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.dw(self.qkv(x)).chunk(3, dim=1)
        q = q.reshape(b, self.heads, c // self.heads, h * w)
        k = k.reshape(b, self.heads, c // self.heads, h * w)
        v = v.reshape(b, self.heads, c // self.heads, h * w)
        q = F.normalize(q, dim=-1)
        k = F.normalize(k, dim=-1)
        attn = (q @ k.transpose(-2, -1)) * self.temperature
        out = attn.softmax(dim=-1) @ v
        return self.proj(out.reshape(b, c, h, w))


class GDFN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.inp = nn.Conv2d(c, 4 * c, 1)
        self.dw = nn.Conv2d(4 * c, 4 * c, 3, padding=1, groups=4 * c)
        self.out = nn.Conv2d(2 * c, c, 1)

    def forward(self, x):
        a, b = self.dw(self.inp(x)).chunk(2, dim=1)
        return self.out(F.gelu(a) * b)


class ChannelLayerNorm(nn.Module):
    """Restormer's LayerNorm: nn.LayerNorm over the channels of each pixel, through a transpose."""

    def __init__(self, c):
        super().__init__()
        self.ln = nn.LayerNorm(c)

    def forward(self, x):
        return self.ln(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class Restormer(nn.Module):
    def __init__(self, w=8):
        super().__init__()
        self.embed = nn.Conv2d(3, w, 3, padding=1)
        self.n1 = ChannelLayerNorm(w)
        self.attn = MDTA(w)
        self.n2 = ChannelLayerNorm(w)
        self.ffn = GDFN(w)
        self.out = nn.Conv2d(w, 3, 3, padding=1)

    def forward(self, x):
        h = self.embed(x)
        h = h + self.attn(self.n1(h))
        h = h + self.ffn(self.n2(h))
        return x + self.out(h)


class WindowAttention(nn.Module):
    """SwinIR's attention inside non-overlapping 8x8 windows (no shift, no relative position bias)."""

    def __init__(self, c, win=8, heads=2):
        super().__init__()
        self.win = win
        self.heads = heads
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.norm = nn.LayerNorm(c)

    def forward(self, x):
        b, c, h, w = x.shape
        s = self.win
        t = x.reshape(b, c, h // s, s, w // s, s).permute(0, 2, 4, 3, 5, 1).reshape(-1, s * s, c)
        qkv = self.qkv(self.norm(t)).reshape(-1, s * s, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = ((q * (c // self.heads) ** -0.5) @ k.transpose(-2, -1)).softmax(-1)
        o = self.proj((attn @ v).transpose(1, 2).reshape(-1, s * s, c))
        o = o.reshape(b, h // s, w // s, s, s, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, h, w)
        return x + o


class SwinIRLite(nn.Module):
    def __init__(self, w=8):
        super().__init__()
        self.head = nn.Conv2d(3, w, 3, padding=1)
        self.block = WindowAttention(w)
        self.mlp = nn.Sequential(nn.Conv2d(w, 2 * w, 1), nn.GELU(), nn.Conv2d(2 * w, w, 1))
        self.tail = nn.Conv2d(w, 3, 3, padding=1)

    def forward(self, x):
        h = self.block(self.head(x))
        return x + self.tail(h + self.mlp(h))


class Activations(nn.Module):
    """Exact GELU (erf) and HardSwish."""

    def __init__(self, w=8):
        super().__init__()
        self.a = nn.Conv2d(3, w, 3, padding=1)
        self.b = nn.Conv2d(w, w, 3, padding=1)
        self.c = nn.Conv2d(w, 3, 3, padding=1)

    def forward(self, x):
        return x + self.c(F.hardswish(self.b(F.gelu(self.a(x)))))


class Reflect(nn.Module):
    def __init__(self, w=8):
        super().__init__()
        self.net = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(3, w, 3), nn.ReLU(), nn.ReflectionPad2d(1), nn.Conv2d(w, 3, 3))

    def forward(self, x):
        return x + self.net(x)


class InstanceNormUNet(nn.Module):
    def __init__(self, w=8):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, w, 3, padding=1), nn.InstanceNorm2d(w, affine=True), nn.ReLU())
        self.down = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(w, 2 * w, 3, padding=1), nn.InstanceNorm2d(2 * w, affine=True),
                                  nn.ReLU())
        self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.dec = nn.Conv2d(3 * w, 3, 3, padding=1)

    def forward(self, x):
        e = self.enc(x)
        return x + self.dec(torch.cat([e, self.up(self.down(e))], 1))


class ChannelAttention(nn.Module):
    """RCAN's channel attention (squeeze-and-excitation) in a residual block."""

    def __init__(self, w=8):
        super().__init__()
        self.head = nn.Conv2d(3, w, 3, padding=1)
        self.body = nn.Sequential(nn.Conv2d(w, w, 3, padding=1), nn.ReLU(), nn.Conv2d(w, w, 3, padding=1))
        self.ca = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(w, w // 4, 1), nn.ReLU(), nn.Conv2d(w // 4, w, 1),
                                nn.Sigmoid())
        self.tail = nn.Conv2d(w, 3, 3, padding=1)

    def forward(self, x):
        h = self.head(x)
        b = self.body(h)
        return x + self.tail(h + b * self.ca(b))


NETWORKS = {
    "pixelshuffle-unet": PixelShuffleUNet, "nafnet": NAFNet, "restormer": Restormer, "swinir-lite": SwinIRLite,
    "gelu-hardswish": Activations, "reflectpad": Reflect, "instancenorm-unet": InstanceNormUNet,
    "channel-attention": ChannelAttention,
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, cls in NETWORKS.items():
        torch.manual_seed(7)
        net = cls().eval()
        x = torch.rand(1, 3, 32, 32)
        path = os.path.join(out, name + "-opset17.onnx")
        torch.onnx.export(net, x, path, opset_version=17, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "n", 2: "h", 3: "w"}, "output": {0: "n", 2: "h", 3: "w"}})
        print(name, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
